#!/usr/bin/env python3
"""Runs weightwatcher itself on the committed stats fixture matrices and writes its per-layer values to
Tests/Fixtures/stats/weightwatcher.json, so the Swift tests check `alpha_ww` against weightwatcher without
needing torch or weightwatcher in CI.

Needs torch and weightwatcher (not in tools/requirements-test.txt on purpose):
    python3 -m venv --system-site-packages /tmp/ww && /tmp/ww/bin/pip install /opt/wheels/torch-*.whl weightwatcher
    /tmp/ww/bin/python tools/reference/make_weightwatcher_fixture.py
Each matrix W (rows x cols, raw float32 .f32 file) becomes the weight of a bias-free torch.nn.Linear(cols, rows);
`WeightWatcher(model).analyze()` with its defaults (pl_package "ww", no normalisation) gives alpha, xmin, D,
num_evals and spectral_norm (weightwatcher's spectral_norm is the largest eigenvalue sigma_max^2).
Two extra matrices exercise weightwatcher's edge cases: fewer than 20 eigenvalues (its small-N rule) and
eigenvalues under its absolute 1e-5 threshold.
"""
import json
import logging
import os

import numpy as np

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "stats")


def extra_matrices():
    rng = np.random.default_rng(515)
    yield "ww_smalln_64x12", 0.02 * rng.standard_t(3, (64, 12))
    yield "ww_thresh_100x60", 0.001 * rng.standard_t(4, (100, 60))


def main():
    import torch
    import weightwatcher as ww
    logging.getLogger("weightwatcher").setLevel(logging.ERROR)
    with open(os.path.join(DIR, "reference.json")) as fh:
        names = [(m["name"], m["file"], m["rows"], m["cols"]) for m in json.load(fh)["matrices"]]
    mats = []
    for name, file, rows, cols in names:
        mats.append((name, file, np.fromfile(os.path.join(DIR, file), dtype="<f4").reshape(rows, cols)))
    for name, w in extra_matrices():
        w32 = np.ascontiguousarray(w.astype(np.float32))
        w32.tofile(os.path.join(DIR, name + ".f32"))
        mats.append((name, name + ".f32", w32))
    layers = []
    for _, _, w in mats:
        lin = torch.nn.Linear(w.shape[1], w.shape[0], bias=False)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
        layers.append(lin)
    model = torch.nn.Sequential(*layers)
    details = ww.WeightWatcher(model=model).analyze(min_evals=2)
    out = {"weightwatcher_version": ww.__version__, "torch_version": torch.__version__, "matrices": []}
    rows = details.to_dict("records")
    if len(rows) != len(mats):
        raise SystemExit(f"weightwatcher analysed {len(rows)} of {len(mats)} layers")
    for (name, file, w), r in zip(mats, rows):
        out["matrices"].append({"name": name, "file": file, "rows": int(w.shape[0]), "cols": int(w.shape[1]),
                                "alpha": float(r["alpha"]), "xmin": float(r["xmin"]), "D": float(r["D"]),
                                "num_evals": int(r["num_evals"]), "spectral_norm": float(r["spectral_norm"])})
    with open(os.path.join(DIR, "weightwatcher.json"), "w") as fh:
        json.dump(out, fh, indent=1)
    print("wrote weightwatcher.json:", ", ".join(f"{m['name']} alpha {m['alpha']:.4f}" for m in out["matrices"]))


if __name__ == "__main__":
    main()
