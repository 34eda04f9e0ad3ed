#!/usr/bin/env python3
"""Optional check (not part of CI: needs torch and weightwatcher, see make_weightwatcher_fixture.py): runs
weightwatcher itself on the demo suite's real fp16 checkpoints and compares its alpha with the `alpha_ww`
that `pytrack demo` stored, for embed_out and every layer's qkv, attn_out, mlp_in and mlp_out.

    .build/release/pytrack demo --db /tmp/demo.sqlite --out /tmp/demo-report
    /tmp/ww/bin/python tools/reference/check_weightwatcher_demo.py --db /tmp/demo.sqlite [--steps 0,512,2000]
Prints the largest relative difference; exit 1 when it exceeds 1e-6.
"""
import argparse
import logging
import os
import sqlite3
import sys

import numpy as np

HUB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "demo-hub")
ROLES = {"attn_out": "attention.dense.weight", "mlp_in": "mlp.dense_h_to_4h.weight",
         "mlp_out": "mlp.dense_4h_to_h.weight", "qkv": "attention.query_key_value.weight"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="db/demo.sqlite")
    ap.add_argument("--steps", default="0,512,2000")
    args = ap.parse_args()
    import torch
    import weightwatcher as ww
    from safetensors.numpy import load_file
    logging.getLogger("weightwatcher").setLevel(logging.ERROR)
    db = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    worst, count = 0.0, 0
    for (model,) in db.execute("SELECT name FROM models ORDER BY name"):
        for step in map(int, args.steps.split(",")):
            tensors = load_file(os.path.join(HUB, model, f"step{step}", "model.safetensors"))
            layers = sorted({int(k.split(".")[2]) for k in tensors if k.startswith("gpt_neox.layers.")})
            keys = [(None, "embed_out", "embed_out.weight")]
            keys += [(l, role, f"gpt_neox.layers.{l}.{name}") for l in layers for role, name in ROLES.items()]
            mods = []
            for _, _, name in keys:
                w = tensors[name].astype(np.float32)
                lin = torch.nn.Linear(w.shape[1], w.shape[0], bias=False)
                with torch.no_grad():
                    lin.weight.copy_(torch.from_numpy(w))
                mods.append(lin)
            rows = ww.WeightWatcher(model=torch.nn.Sequential(*mods)).analyze(min_evals=2).to_dict("records")
            for (layer, role, _), r in zip(keys, rows):
                got = db.execute(
                    "SELECT v.value FROM metrics v JOIN matrices x ON x.id=v.matrix_id JOIN checkpoints c ON c.id=x.checkpoint_id "
                    "JOIN models m ON m.id=c.model_id WHERE m.name=? AND c.step=? AND x.matrix=? AND IFNULL(x.layer,-1)=? "
                    "AND v.name='alpha_ww'", (model, step, role, -1 if layer is None else layer)).fetchone()
                if got is None or got[0] is None:
                    print(f"{model} step {step} {layer} {role}: no alpha_ww stored", file=sys.stderr)
                    return 1
                worst = max(worst, abs(got[0] - r["alpha"]) / abs(r["alpha"]))
                count += 1
    print(f"{count} matrices: largest relative difference of alpha_ww vs weightwatcher {ww.__version__}: {worst:.2e}")
    return 0 if worst <= 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
