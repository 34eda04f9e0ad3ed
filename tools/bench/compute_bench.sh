#!/usr/bin/env bash
# Compute benchmark (not a test): pytrack compute vs the numpy/scipy reference on the same synthetic
# pythia-shaped fp16 safetensors file, in one run. Prints both wall times, their ratio and pytrack's
# peak RSS (VmHWM via /usr/bin/time -v).
#
#   tools/bench/compute_bench.sh [--size 160m|410m|70m|14m] [--threads N] [--skip-reference]
#
# Env: BENCH_DIR (default /tmp/pytrack-bench: generated checkpoints, not committed), SCRATCH (SwiftPM
# scratch path, default .build). OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, when set on this machine for old
# OpenBLAS builds, slow a current numpy: they are unset for the numpy run ONLY (pytrack's run keeps the
# environment as it is), and the OpenBLAS kernel numpy then uses is printed via threadpoolctl if present.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE=160m; THREADS=""; SKIP_REF=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="$2"; shift 2 ;;
    --threads) THREADS="--threads $2"; shift 2 ;;
    --skip-reference) SKIP_REF=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
BENCH_DIR="${BENCH_DIR:-/tmp/pytrack-bench}"
SCRATCH="${SCRATCH:-.build}"
CKPT="$BENCH_DIR/$SIZE"
[ -f "$CKPT/model.safetensors" ] || python3 tools/bench/make_synthetic_checkpoint.py --size "$SIZE" --out "$CKPT"

swift build -c release --scratch-path "$SCRATCH" --product pytrack >/dev/null
BIN="$SCRATCH/release/pytrack"
DB="$BENCH_DIR/bench-$SIZE.sqlite"
rm -f "$DB" "$DB-wal" "$DB-shm"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "checkpoint: $CKPT/model.safetensors ($(du -h "$CKPT/model.safetensors" | cut -f1), pythia-$SIZE shape, fp16)"

T0=$(date +%s.%N)
/usr/bin/time -v "$BIN" compute --file "$CKPT/model.safetensors" --model "bench/pythia-$SIZE-synthetic" --step 0 \
  --db "$DB" --demo $THREADS 2> "$BENCH_DIR/pytrack-$SIZE.log"
T1=$(date +%s.%N)
PY_T=$(python3 -c "print(f'{$T1-$T0:.2f}')")
RSS_KB=$(grep 'Maximum resident set size' "$BENCH_DIR/pytrack-$SIZE.log" | awk '{print $NF}')
grep '^pytrack compute:' "$BENCH_DIR/pytrack-$SIZE.log" || tail -3 "$BENCH_DIR/pytrack-$SIZE.log"
echo "pytrack compute: ${PY_T} s wall, peak RSS $((RSS_KB / 1024)) MiB ($(sqlite3 "$DB" 'select count(*) from matrices' 2>/dev/null || python3 -c "import sqlite3;print(sqlite3.connect('$DB').execute('select count(*) from matrices').fetchone()[0])") matrices stored)"

if [ "$SKIP_REF" = 1 ]; then exit 0; fi
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 - <<'PY' || true
try:
    import numpy, threadpoolctl
    for i in threadpoolctl.threadpool_info():
        print(f"numpy BLAS: {i.get('internal_api')} {i.get('version')} kernel {i.get('architecture')} threads {i.get('num_threads')}")
except Exception as e:
    print(f"numpy BLAS: threadpoolctl not available ({e.__class__.__name__})")
PY
R0=$(date +%s.%N)
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/time -v python3 tools/reference/pytrack_reference.py "$CKPT/model.safetensors" \
  > "$BENCH_DIR/reference-$SIZE.json" 2> "$BENCH_DIR/reference-$SIZE.log"
R1=$(date +%s.%N)
REF_T=$(python3 -c "print(f'{$R1-$R0:.2f}')")
REF_RSS=$(grep 'Maximum resident set size' "$BENCH_DIR/reference-$SIZE.log" | awk '{print $NF}')
echo "numpy/scipy reference: ${REF_T} s wall, peak RSS $((REF_RSS / 1024)) MiB"
python3 -c "print(f'ratio (reference / pytrack): {$REF_T/$PY_T:.2f}x  (target >= 3x)')"
