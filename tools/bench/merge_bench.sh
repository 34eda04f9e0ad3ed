#!/usr/bin/env bash
# Merge benchmark: 8 synthetic shard databases of a pythia-160m-shaped series (standard + deduped,
# 154 steps each; rows synthesised by make_synthetic_shards.py from a demo database's layout, assigned by
# `pytrack plan --shards 8`) merged by `pytrack merge` (release build); prints wall time and peak RSS.
# Needs ~2.5 GB of scratch disk in $BENCH_DIR (default /tmp/pytrack-merge-bench), removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${BENCH_DIR:-/tmp/pytrack-merge-bench}
bin=.build/release/pytrack
[ -x "$bin" ] || swift build -c release --product pytrack
rm -rf "$dir"; mkdir -p "$dir"
# A template database in pytrack's current layout: one demo step of both runs computed from the demo hub.
python3 tools/testhub/hub_server.py --root Sources/PyTrackDemoSuite/demo-hub --ignore-stdin > "$dir/hub.out" 2>&1 &
hub=$!
trap 'kill $hub 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do grep -q READY "$dir/hub.out" 2>/dev/null && break; sleep 0.1; done
endpoint=$(awk '/READY/ {print $2}' "$dir/hub.out")
"$bin" sync --manifest manifests/demo.json --steps 0 --endpoint "$endpoint" --cache "$dir/cache" --db "$dir/sync.sqlite" >/dev/null
"$bin" compute --manifest manifests/demo.json --steps 0 --cache "$dir/cache" --db "$dir/template.sqlite" 2>/dev/null
"$bin" plan --manifest manifests/pythia-160m.json --shards 8 --json --cache "$dir/cache" > "$dir/plan.json"
python3 tools/bench/make_synthetic_shards.py "$dir/template.sqlite" "$dir/plan.json" "$dir/shards"
du -sh "$dir/shards"
/usr/bin/time -f "merge: %e s wall, peak RSS %M KiB" "$bin" merge "$dir/merged.sqlite" "$dir"/shards/shard-*.sqlite
ls -l "$dir/merged.sqlite"
/usr/bin/time -f "merge again (idempotent): %e s wall, peak RSS %M KiB" "$bin" merge "$dir/merged.sqlite" "$dir"/shards/shard-*.sqlite
