#!/usr/bin/env bash
# The whole test suite:
#   1. unit and integration tests (swift test: formats, stats vs numpy/scipy, store, hub against a
#      local test hub with faults, compute vs the numpy/scipy reference, report, CLI; shards and merge;
#      the Slurm job array on a real single-node Slurm that tools/slurm/start_slurm.sh starts, skipped
#      with the reason where it cannot start);
#   2. the demo end to end (release build), exactly as README's demo command runs it;
#   3. independent checks of what the demo produced (checkpoint files, database rows for every
#      checkpoint of both runs, report pages and SVGs) and the report in headless Chromium;
#   4. ThreadSanitizer on the concurrent tests (parallel sync, multi-threaded compute, concurrent
#      checkpoint reads) in its own .build-tsan folder: about 6.5 min to build from scratch on the
#      shared 2-core machine (394 s, other builds running) and 31 s to run; PYTRACK_SKIP_TSAN=1 skips it.
#   5. coverage-guided fuzzing of the pickle, safetensors and zip readers (libFuzzer + AddressSanitizer,
#      tools/fuzz/run_fuzzers.sh, FUZZ_SECONDS=20 each: about 90 s).
# swift test includes the hostile-file attack suite (~20 s) and randomized mutation tests of the same
# parsers (PYTRACK_FUZZ_SECONDS per parser, default 5: 15 s).
# Prints one closing line 'pytrack: N passed, M failed, K skipped'.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts
failed=0
passed=0
skipped=0

step() { echo; echo "==> $*"; }

step "release build"
swift build -c release --product pytrack || { echo "pytrack: 0 passed, 1 failed"; exit 1; }

step "swift test"
swift test 2>&1 | tee artifacts/swift-test.log
swift_rc=${PIPESTATUS[0]}
summary=$(grep -E "^\s*Executed [0-9]+ tests?, with" artifacts/swift-test.log | tail -n 1)
n=$(echo "$summary" | sed -nE 's/.*Executed ([0-9]+) tests?.*/\1/p')
f=$(echo "$summary" | sed -nE 's/.* ([0-9]+) failures?.*/\1/p')
s=$(echo "$summary" | sed -nE 's/.*with ([0-9]+) tests? skipped.*/\1/p')
n=${n:-0}; f=${f:-1}; s=${s:-0}
if [ "$swift_rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
passed=$((passed + n - f - s)); failed=$((failed + f)); skipped=$s

check() {
  local name=$1; shift
  step "$name"
  if "$@"; then passed=$((passed + 1)); else echo "FAILED: $name"; failed=$((failed + 1)); fi
}

check "system libraries the build links are installed by tools/setup.sh" python3 tools/check_system_libraries.py
# ThreadSanitizer: fails on a test failure or on any race report (TSan exits 66 when it reports).
tsan() {
  local start=$(date +%s)
  swift test --sanitize=thread --scratch-path .build-tsan \
    --filter 'CheckpointSyncTests|ComputeProgressTests|ComputeEngineReferenceTests|CheckpointTests/testConcurrentReads' \
    2>&1 | tee artifacts/tsan.log
  local rc=${PIPESTATUS[0]}
  echo "ThreadSanitizer build and run took $(( $(date +%s) - start )) s"
  [ "$rc" = 0 ] && ! grep -q "WARNING: ThreadSanitizer" artifacts/tsan.log
}
check "libFuzzer + ASan: pickle, safetensors, zip (20 s each, about 90 s)" env FUZZ_SECONDS="${FUZZ_SECONDS:-20}" bash tools/fuzz/run_fuzzers.sh
if [ "${PYTRACK_SKIP_TSAN:-0}" = 1 ]; then
  step "ThreadSanitizer skipped (PYTRACK_SKIP_TSAN=1)"; skipped=$((skipped + 1))
else
  check "swift test --sanitize=thread (concurrent compute, format and hub tests)" tsan
fi

check "demo suite files" python3 tools/demo-suite/check_demo_checkpoints.py
rm -rf Reports/demo db/demo.sqlite db/demo.sqlite-wal db/demo.sqlite-shm
check "pytrack demo (release)" bash -c 'start=$(date +%s); .build/release/pytrack demo && echo "demo took $(( $(date +%s) - start )) s"'
check "demo outputs (database rows, report files)" python3 tools/demo-suite/check_demo_outputs.py
check "demo report in headless Chromium" python3 tools/report/check_report.py Reports/demo artifacts/demo-screenshots

# The single-node Slurm the job-array test started (if any) is not needed any more.
bash tools/slurm/stop_slurm.sh >/dev/null 2>&1 || true

echo
echo "pytrack: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
