#!/usr/bin/env bash
# Measures DTypeConversion throughput (F16/BF16 -> Float, 256 MB of input) in an optimised build;
# with a checkpoint path, also the time to open it and convert every tensor.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${TMPDIR:-/tmp}/pytrack-dtype-bench"
swiftc -O -module-name Bench Sources/PyTrackFormats/*.swift tools/bench/main.swift -o "$out"
"$out" "$@"
