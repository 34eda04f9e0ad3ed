#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the three parsers that read hostile bytes:
# the pickle reader, the safetensors file and the zip directory / torch .bin. Each target is compiled
# with Sources/PyTrackFormats into one binary (swiftc -sanitize=fuzzer,address) and run for
# FUZZ_SECONDS (default 20) from the committed corpus in Tests/Fixtures/fuzz/<target>; new inputs go to
# a scratch copy, crashes to artifacts/fuzz/. Exit 1 on any crash, leak or failed property.
#
#   bash tools/fuzz/run_fuzzers.sh [pickle|safetensors|zip ...]
# Measured on the shared 2-core machine with FUZZ_SECONDS=20: 90 s for the three (build and link about
# 10 s each); 200,000 pickle, 157,000 safetensors and 53,000 zip inputs, no crash, peak RSS about 500 MB.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-20}"
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(pickle safetensors zip)
work="${TMPDIR:-/tmp}/pytrack-libfuzzer"
mkdir -p "$work" artifacts/fuzz
rc=0
for t in "${targets[@]}"; do
  bin="$work/fuzz_$t"
  # (ld.gold prints a few hundred "Cannot export local symbol '__asan_...'" warnings: kept in the log)
  if ! swiftc -sanitize=fuzzer,address -parse-as-library -module-name Fuzz -suppress-warnings \
      Sources/PyTrackFormats/*.swift tools/fuzz/FuzzChecks.swift "tools/fuzz/fuzz_$t.swift" -o "$bin" > "$work/build_$t.log" 2>&1; then
    grep -v "Cannot export local symbol" "$work/build_$t.log" | tail -n 20; rc=1; continue
  fi
  rm -rf "$work/corpus-$t"; cp -r "Tests/Fixtures/fuzz/$t" "$work/corpus-$t"
  echo "fuzz_$t: ${seconds} s"
  if ! "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="artifacts/fuzz/$t-" "$work/corpus-$t" 2> "$work/fuzz_$t.log"; then
    rc=1
    tail -n 40 "$work/fuzz_$t.log"
  fi
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" "$work/fuzz_$t.log"
done
exit $rc
