#!/usr/bin/env bash
# Builds the SVD/statistics benchmark (release, -O) and runs it against numpy.
# Usage: tools/reference/bench/run.sh [shapes]   (env BENCH_THREADS=1|2, BENCH_DIR=/tmp/pytrack-bench)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
shapes="${1:-768x768,3072x768,50304x768}"
dir="${BENCH_DIR:-/tmp/pytrack-bench}"
mkdir -p "$dir"
OPENBLAS_NUM_THREADS="${BENCH_THREADS:-1}" python3 "$root/tools/reference/bench_svd.py" "$dir" --shapes "$shapes"
swiftc -O -module-name PyTrackStatsBench -I "$root/Sources/CLapack" \
  "$root"/Sources/PyTrackStats/*.swift "$root/tools/reference/bench/main.swift" \
  -lopenblas -llapacke -o "$dir/bench" 2>&1 | grep -v warning || true
"$dir/bench" "$dir" "$shapes"
