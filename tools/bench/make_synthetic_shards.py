#!/usr/bin/env python3
"""Synthesise the shard databases of a pythia-160m-shaped series (standard + deduped, 154 steps each)
for the merge benchmark, without computing anything: rows are random, their layout is pytrack's.

The schema, metric names, metric-group versions and blob kinds are taken from TEMPLATE, a database that
`pytrack compute` wrote (e.g. of the demo suite), so the shards are what this pytrack writes. Which shard
holds which (run, step) comes from `pytrack plan --json` (read from PLAN). Matrix shapes are 160m's:
12 layers, d_model 768, 12 heads, d_mlp 3072, vocab 50304 (328 matrices per checkpoint; singular values,
two sampled spectra and a histogram per matrix, values/outliers per vector).

    make_synthetic_shards.py TEMPLATE PLAN.json OUTDIR
"""
import json
import os
import random
import shutil
import sqlite3
import struct
import sys

LAYERS, D, HEADS, MLP, VOCAB = 12, 768, 12, 3072, 50304


def matrices():
    """(layer, matrix, rows, cols) of one 160m checkpoint, as the GPT-NeoX catalog names them."""
    out = []
    for l in range(LAYERS):
        out += [(l, "qkv", 3 * D, D), (l, "q", D, D), (l, "k", D, D), (l, "v", D, D), (l, "attn_out", D, D),
                (l, "mlp_in", MLP, D), (l, "mlp_out", D, MLP), (l, "qkv_bias", 3 * D, 1), (l, "attn_out_bias", D, 1),
                (l, "mlp_in_bias", MLP, 1), (l, "mlp_out_bias", D, 1)]
        out += [(l, n, D, 1) for n in ("ln1_gain", "ln1_bias", "ln2_gain", "ln2_bias")]
        out += [(l, "ov_head%d" % h, D, D) for h in range(HEADS)]
    out += [(None, "embed_in", VOCAB, D), (None, "embed_out", VOCAB, D), (None, "final_ln_gain", D, 1), (None, "final_ln_bias", D, 1)]
    return out


def kind(matrix):
    if matrix.startswith("ov_head"):
        return "ov_head0"
    return matrix


def main():
    template, plan_path, outdir = sys.argv[1:4]
    plan = json.load(open(plan_path))
    t = sqlite3.connect(template)
    # Per template matrix name: metric names, (group, version) pairs, blob (kind, encoding, count).
    spec = {}
    for (mid, name) in t.execute("SELECT MIN(id), matrix FROM matrices GROUP BY matrix"):
        metrics = [r[0] for r in t.execute("SELECT name FROM metrics WHERE matrix_id = ?", (mid,))]
        groups = list(t.execute("SELECT grp, version FROM metric_groups WHERE matrix_id = ?", (mid,)))
        blobs = list(t.execute("SELECT kind, encoding, count, meta_json FROM blobs WHERE matrix_id = ?", (mid,)))
        spec[name] = (metrics, groups, blobs)
    t.close()
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(160)
    cat = matrices()
    for shard in plan["assignment"]:
        path = os.path.join(outdir, "shard-%d.sqlite" % shard["shard"])
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        shutil.copyfile(template, path)
        db = sqlite3.connect(path)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = DELETE")
        for table in ("derived_metrics", "blobs", "metrics", "metric_groups", "matrices", "checkpoints",
                      "group_runs", "group_comparisons", "models"):
            db.execute("DELETE FROM %s" % table)
        db.commit()
        db.execute("VACUUM")
        ids = {}
        for name, is_group in (("pythia-160m", 1), ("EleutherAI/pythia-160m", 0), ("EleutherAI/pythia-160m-deduped", 0)):
            ids[name] = db.execute("INSERT INTO models(name, is_demo, is_group) VALUES (?, 1, ?)", (name, is_group)).lastrowid
        db.execute("INSERT INTO group_runs VALUES (?, ?, 'standard', 'standard', 0)", (ids["pythia-160m"], ids["EleutherAI/pythia-160m"]))
        db.execute("INSERT INTO group_runs VALUES (?, ?, 'deduped', 'deduped', 1)", (ids["pythia-160m"], ids["EleutherAI/pythia-160m-deduped"]))
        db.executemany("INSERT INTO group_comparisons VALUES (?, ?)", [(ids["pythia-160m"], "dedup"), (ids["pythia-160m"], "seed_spread")])
        for unit in shard["units"]:
            sha = "%064x" % rng.getrandbits(256)
            cid = db.execute("""INSERT INTO checkpoints(model_id, step, revision, source, computed_sha256, expected_matrices)
                                VALUES (?, ?, ?, 'hub', ?, ?)""",
                             (ids[unit["model"]], unit["step"], "step%d" % unit["step"], sha, len(cat))).lastrowid
            for (layer, name, rows, cols) in cat:
                metrics, groups, blobs = spec[kind(name)]
                mid = db.execute("""INSERT INTO matrices(checkpoint_id, layer, matrix, tensor, rows, cols, dtype)
                                    VALUES (?, ?, ?, ?, ?, ?, 'F16')""", (cid, layer, name, "synthetic." + name, rows, cols)).lastrowid
                db.executemany("INSERT INTO metric_groups VALUES (?, ?, ?)", [(mid, g, v) for g, v in groups])
                db.executemany("INSERT INTO metrics VALUES (?, ?, ?)", [(mid, m, rng.uniform(0.1, 10)) for m in metrics])
                for (k, enc, count, meta) in blobs:
                    if k in ("singular_values", "gauss_sample_sv", "logistic_sample_sv"):
                        count = min(rows, cols)
                    elif k == "values":
                        count = rows
                    if enc == "f32le":
                        values = sorted((rng.uniform(0.01, 5) for _ in range(count)), reverse=True)
                        data = struct.pack("<%df" % count, *values)
                    else:
                        data = struct.pack("<%di" % count, *range(count))
                    db.execute("INSERT INTO blobs VALUES (?, ?, ?, ?, ?, ?)", (mid, k, enc, count, meta, data))
        db.commit()
        db.close()
        print("%s: %d checkpoint(s), %.1f MB" % (path, len(shard["units"]), os.path.getsize(path) / 1e6))


if __name__ == "__main__":
    main()
