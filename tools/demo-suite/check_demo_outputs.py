#!/usr/bin/env python3
"""Checks what `pytrack demo` produced, independently of pytrack's own code.

For every revision folder of every run the demo manifest names (manifests/demo.json: standard, deduped
and any seed runs) in the demo suite (Sources/PyTrackDemoSuite/demo-hub), the database
(db/demo.sqlite) must hold a computed checkpoint with its matrices and metrics; every step both runs
share must have deduped-vs-standard comparison rows; every model and step must have depth-growth rows;
and the report folder must hold an index page, a page per pair and SVG files that parse as XML.
Exit 0 when all holds, 1 with one line per problem otherwise.

usage: python3 tools/demo-suite/check_demo_outputs.py [--hub DIR] [--db FILE] [--reports DIR] [--manifest FILE]
"""
import argparse
import json
import os
import sqlite3
import sys
import xml.etree.ElementTree as ET

EXPECTED_MATRICES = {"qkv", "q", "k", "v", "attn_out", "mlp_in", "mlp_out", "embed_in", "embed_out",
                     "ln1_gain", "ln1_bias", "ln2_gain", "ln2_bias", "final_ln_gain", "final_ln_bias"}
REQUIRED_METRICS = {"frobenius", "spectral_norm", "stable_rank", "effective_rank", "std", "excess_kurtosis",
                    "gauss_ks", "logistic_ks", "mp_edge", "mp_ks", "alpha"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub", default="Sources/PyTrackDemoSuite/demo-hub")
    ap.add_argument("--db", default="db/demo.sqlite")
    ap.add_argument("--reports", default="Reports/demo")
    ap.add_argument("--manifest", default="manifests/demo.json")
    args = ap.parse_args()
    problems = []

    # The runs the demo computes are those its manifest names (standard, deduped, and any seed runs);
    # the suite may hold more (a run is added to the suite before the manifest names it).
    try:
        with open(args.manifest, encoding="utf-8") as fh:
            manifest = json.load(fh)
        runs = [manifest["standard"], manifest["deduped"]] + [s["repo"] for s in manifest.get("seeds", [])]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"{args.manifest}: cannot read the demo runs: {e}", file=sys.stderr)
        return 1
    expected = {}
    for run in runs:
        run_dir = os.path.join(args.hub, *run.split("/"))
        if not os.path.isdir(run_dir):
            problems.append(f"{args.hub}: no folder for {run}, which {args.manifest} names")
            continue
        revs = [r for r in os.listdir(run_dir) if r.startswith("step")]
        expected[run] = sorted(int(r[4:]) for r in revs)

    if not os.path.exists(args.db):
        print(f"{args.db}: no database", file=sys.stderr)
        return 1
    con = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    for model, steps in expected.items():
        # Sync's and compute's lifecycles are stored apart: synced, no compute failure, every matrix the
        # catalog named is stored, and from the content sync recorded.
        rows = {}
        for step, sync_state, failure, expected_n, synced_sha, computed_sha, n in con.execute(
                "SELECT c.step, c.sync_state, c.compute_failure, c.expected_matrices, c.weight_sha256, c.computed_sha256, "
                "(SELECT COUNT(*) FROM matrices x WHERE x.checkpoint_id=c.id) "
                "FROM checkpoints c JOIN models m ON m.id=c.model_id WHERE m.name=?", (model,)):
            ok = sync_state == "synced" and failure is None and expected_n is not None and n == expected_n \
                and synced_sha is not None and synced_sha == computed_sha
            rows[step] = "computed" if ok else f"sync {sync_state}, failure {failure!r}, {n}/{expected_n} matrices"
        is_demo = con.execute("SELECT is_demo FROM models WHERE name=?", (model,)).fetchone()
        if not is_demo or is_demo[0] != 1:
            problems.append(f"{args.db}: {model} is not marked as demo data")
        for step in steps:
            if rows.get(step) != "computed":
                problems.append(f"{args.db}: {model} step {step}: state {rows.get(step)!r}, expected 'computed'")
                continue
            matrices = {r[0] for r in con.execute(
                "SELECT x.matrix FROM matrices x JOIN checkpoints c ON c.id=x.checkpoint_id JOIN models m ON m.id=c.model_id "
                "WHERE m.name=? AND c.step=?", (model, step))}
            if not EXPECTED_MATRICES <= matrices:
                problems.append(f"{args.db}: {model} step {step}: missing matrices {sorted(EXPECTED_MATRICES - matrices)}")
            metrics = {r[0] for r in con.execute(
                "SELECT DISTINCT v.name FROM metrics v JOIN matrices x ON x.id=v.matrix_id JOIN checkpoints c ON c.id=x.checkpoint_id "
                "JOIN models m ON m.id=c.model_id WHERE m.name=? AND c.step=? AND x.matrix='mlp_in'", (model, step))}
            if not REQUIRED_METRICS <= metrics:
                problems.append(f"{args.db}: {model} step {step}: mlp_in lacks {sorted(REQUIRED_METRICS - metrics)}")
            sv = con.execute(
                "SELECT b.count FROM blobs b JOIN matrices x ON x.id=b.matrix_id JOIN checkpoints c ON c.id=x.checkpoint_id "
                "JOIN models m ON m.id=c.model_id WHERE m.name=? AND c.step=? AND x.matrix='q' AND b.kind='singular_values'",
                (model, step)).fetchall()
            if not sv or sv[0][0] <= 0:
                problems.append(f"{args.db}: {model} step {step}: no singular values stored for q")
            depth = con.execute(
                "SELECT COUNT(*) FROM derived_metrics d JOIN models m ON m.id=d.model_id WHERE m.name=? AND d.step=? "
                "AND d.metric='depth_growth_rate'", (model, step)).fetchone()[0]
            if depth == 0:
                problems.append(f"{args.db}: {model} step {step}: no depth_growth_rate rows")
    for d in [manifest["deduped"]]:  # the pair the manifest names: comparison rows sit on the deduped run
        standard = manifest["standard"]
        for step in sorted(set(expected[d]) & set(expected.get(standard, []))):
            n = con.execute(
                "SELECT COUNT(DISTINCT d.metric) FROM derived_metrics d JOIN models m ON m.id=d.model_id "
                "WHERE m.name=? AND d.step=? AND d.metric LIKE 'dedup_%'", (d, step)).fetchone()[0]
            if n < 3:
                problems.append(f"{args.db}: {d} step {step}: {n} of 3 dedup_* comparison metrics")

    index = os.path.join(args.reports, "index.html")
    if not os.path.exists(index):
        problems.append(f"{index}: missing")
    svgs = []
    pages = []
    for root, _, files in os.walk(args.reports):
        for f in files:
            if f.endswith(".svg"):
                svgs.append(os.path.join(root, f))
            if f == "index.html" and root != args.reports:
                pages.append(os.path.join(root, f))
    if not pages:
        problems.append(f"{args.reports}: no pair page")
    if len(svgs) < 10:
        problems.append(f"{args.reports}: only {len(svgs)} SVG files")
    for path in svgs:
        try:
            ET.parse(path)
        except ET.ParseError as e:
            problems.append(f"{path}: not well-formed XML: {e}")

    for p in problems:
        print(p, file=sys.stderr)
    total = sum(len(s) for s in expected.values())
    print(f"check_demo_outputs: {total} checkpoints of {len(expected)} runs, {len(svgs)} SVG files, "
          f"{len(pages)} pair page(s): {'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
