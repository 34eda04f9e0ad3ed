#!/usr/bin/env bash
# Sync benchmark (not a test): one large file served by tools/testhub/hub_server.py, fetched once with
# `curl -L -o` and once with `pytrack sync` (release build) in the same run. Reports wall time,
# throughput and peak RSS (/usr/bin/time -v "Maximum resident set size") of both.
# Targets: pytrack peak RSS < 100 MB, pytrack throughput >= 80% of curl's.
# Usage: tools/bench/sync_bench.sh [SIZE_MB=1024] [PYTRACK=.build/release/pytrack]
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MB=${1:-1024}
PYTRACK=${2:-.build/release/pytrack}
[ -x "$PYTRACK" ] || { echo "build first: swift build -c release --product pytrack (or pass the binary)" >&2; exit 2; }
WORK=$(mktemp -d /tmp/pytrack-bench.XXXXXX)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

REV="$WORK/hub/bench/big/step0"
mkdir -p "$REV"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$REV/model.safetensors"
echo '{"model_type": "gpt_neox"}' > "$REV/config.json"

python3 tools/testhub/hub_server.py --root "$WORK/hub" --ignore-stdin > "$WORK/ready" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q READY "$WORK/ready" 2>/dev/null && break; sleep 0.1; done
ENDPOINT=$(awk '/READY/ {print $2}' "$WORK/ready")
URL="$ENDPOINT/bench/big/resolve/step0/model.safetensors"
# Warm the server's hash cache and the page cache so neither run pays for it.
curl -s -o /dev/null -I "$URL"
cat "$REV/model.safetensors" > /dev/null

measure() {  # name, command...: prints "name seconds maxrss_kb"
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$WORK/time-$name" "$@" > "$WORK/out-$name" 2>&1
  t1=$(date +%s.%N)
  local rss
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$WORK/time-$name")
  echo "$name $(echo "$t1 - $t0" | bc) $rss"
}

CURL=$(measure curl curl -s -L -o "$WORK/curl.out" "$URL")
rm -f "$WORK/curl.out"
OURS=$(measure pytrack "$PYTRACK" sync --model bench/big --steps 0 --endpoint "$ENDPOINT" \
  --cache "$WORK/cache" --db "$WORK/db.sqlite" --jobs 1)
cmp -s "$REV/model.safetensors" "$WORK/cache/models--bench--big/snapshots/"*/model.safetensors \
  || { echo "pytrack's copy differs from the source" >&2; cat "$WORK/out-pytrack" >&2; exit 1; }

python3 - "$SIZE_MB" "$CURL" "$OURS" <<'PY'
import sys
size_mb = float(sys.argv[1])
rows = [a.split() for a in sys.argv[2:]]
res = {r[0]: (float(r[1]), int(r[2])) for r in rows}
for name, (sec, rss) in res.items():
    print(f"{name:8s} {sec:7.2f} s  {size_mb / sec:8.1f} MiB/s  peak RSS {rss / 1024:7.1f} MiB")
ratio = res["curl"][0] / res["pytrack"][0]
print(f"pytrack throughput = {ratio * 100:.0f}% of curl (target >= 80%); "
      f"peak RSS {res['pytrack'][1] / 1024:.1f} MiB (target < 100 MiB)")
PY
