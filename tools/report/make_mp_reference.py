#!/usr/bin/env python3
"""Writes Tests/Fixtures/report/mp_reference.json: the singular values (numpy SVD) of a seeded
600 x 200 Gaussian matrix with element std 0.3, the independent reference for MarchenkoPasturCurve."""
import json
import pathlib

import numpy as np

rows, cols, sigma = 600, 200, 0.3
rng = np.random.default_rng(20240601)
w = rng.normal(0.0, sigma, size=(rows, cols))
sv = np.linalg.svd(w, compute_uv=False)
out = pathlib.Path(__file__).resolve().parents[2] / "Tests/Fixtures/report/mp_reference.json"
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text(json.dumps({"rows": rows, "cols": cols, "sigma": sigma, "seed": 20240601,
                           "singular_values": [round(float(s), 6) for s in sv]}) + "\n")
print(out)
