#!/usr/bin/env python3
"""Writes the small committed fixtures of the PyTrackStats tests into Tests/Fixtures/stats/.

Each matrix/vector is stored as raw little-endian float32 (numpy .tofile) and its reference metrics,
computed by pytrack_reference.py with numpy/scipy, go to reference.json. Deterministic (seeded numpy).
Run: python3 tools/reference/make_stats_fixtures.py
"""
import json
import math
import os
import sys

import numpy as np
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytrack_reference as ref  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "stats")
MATRIX_BINS = 200
VECTOR_BINS = 100
SEED = 7  # the seed the Swift tests pass to MatrixStatistics.compute (bootstrap and ks_floor streams)


def matrices(rng):
    yield "gauss_64x48", rng.normal(0.01, 0.02, (64, 48))
    yield "logistic_96x32", rng.logistic(-0.003, 0.01, (96, 32))
    u, _ = np.linalg.qr(rng.normal(size=(40, 3)))
    v, _ = np.linalg.qr(rng.normal(size=(40, 3)))
    yield "spiked_40x40", rng.normal(0, 0.05, (40, 40)) + u @ np.diag([3.0, 2.0, 1.5]) @ v.T
    yield "student_t_120x50", 0.01 * rng.standard_t(3, (120, 50))
    yield "wide_32x80", rng.normal(0, 1.0, (32, 80))
    # fp16-rounded values: many ties (as in Pythia's fp16 checkpoints)
    yield "fp16_200x100", rng.normal(0, 0.02, (200, 100)).astype(np.float16)
    # Added later, from their own generator so the fixtures above keep their values.
    rng = np.random.default_rng(20251202)
    # Gaussian bulk (sigma 0.02) with 3 planted rank-one spikes at 2, 3 and 5 times the bulk edge
    w = rng.normal(0, 0.02, (256, 64))
    edge = 0.02 * (16 + 8)
    for t in (2.0, 3.0, 5.0):
        u, v = rng.normal(size=256), rng.normal(size=64)
        w += t * edge * np.outer(u / np.linalg.norm(u), v / np.linalg.norm(v))
    yield "planted_256x64", w
    # numerical rank 2 of 48: the MP fit (full rank) and the power law (>= 10 eigenvalues) are undefined
    yield "rank2_64x48", np.outer(rng.normal(size=64), rng.normal(size=48)) + np.outer(rng.normal(size=64), rng.normal(size=48))


DTYPES = {"fp16_200x100": "F16"}


def ks_floor_cases():
    """ks_floor reference points: pytrack's seeded sample replayed, rounded by numpy, KS by scipy."""
    for count, dtype, mean, std, seed in [(200_000, "F16", 0.001, 0.02, 11), (200_000, "BF16", 0.0, 0.02, 12),
                                          (200_000, "F32", -0.003, 0.05, 13), (30_001, "F16", 0.5, 1e-4, 14)]:
        yield {"count": count, "dtype": dtype, "mean": mean, "std": std, "seed": seed,
               "ks": ref.ks_floor(count, dtype, mean, std, seed ^ ref.FLOOR_SEED_XOR)}  # ks_floor xors it back


def student_t_default(x):
    """scipy.stats.t.fit with its default optimizer (which may stop early) and the mean log-likelihood there."""
    df, loc, scale = stats.t.fit(x)
    return {"df": float(df), "mu": float(loc), "s": float(scale),
            "loglik": float(stats.t.logpdf(x, df, loc, scale).mean())}


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    doc = {"matrices": [], "vectors": []}
    for name, w in matrices(rng):
        w32 = np.ascontiguousarray(w.astype(np.float32))
        w32.tofile(os.path.join(OUT, name + ".f32"))
        metrics, s, _ = ref.matrix_metrics(w32, seed=SEED, dtype=DTYPES.get(name, "F32"))
        x = w32.astype(np.float64).ravel()
        lmu, ls = metrics["logistic_mu"], metrics["logistic_s"]
        hist, _ = np.histogram(x, MATRIX_BINS, range=(x.min(), x.max()))
        doc["matrices"].append({
            "name": name, "file": name + ".f32", "rows": w32.shape[0], "cols": w32.shape[1],
            "dtype": DTYPES.get(name, "F32"),
            "metrics": metrics, "singular_values": s.tolist(),
            "singular_values_float32_numpy": np.linalg.svd(w32, compute_uv=False).astype(np.float64).tolist(),
            "logistic_loglik_at_scipy": float(stats.logistic.logpdf(x, lmu, ls).mean()),
            "student_t_scipy_default": student_t_default(x),
            "histogram": {"bins": MATRIX_BINS, "lower": float(x.min()), "upper": float(x.max()),
                          "counts": hist.tolist()},
        })
    # LayerNorm-gain-like vector: centred near 0.45 with left-tailed outliers and one NaN-free copy.
    v = rng.normal(0.45, 0.03, 768)
    v[[17, 300, 511]] = [0.0, -0.2, 0.05]
    v[640] = 0.95
    v32 = v.astype(np.float32)
    v32.tofile(os.path.join(OUT, "ln_gain_768.f32"))
    vm, outliers = ref.vector_metrics(v32)
    x = v32.astype(np.float64)
    hist, _ = np.histogram(x, VECTOR_BINS, range=(x.min(), x.max()))
    doc["vectors"].append({"name": "ln_gain_768", "file": "ln_gain_768.f32", "metrics": vm,
                           "outliers": outliers,
                           "histogram": {"bins": VECTOR_BINS, "lower": float(x.min()), "upper": float(x.max()),
                                         "counts": hist.tolist()}})
    # Marchenko-Pastur eigenvalue CDF by quadrature at a few points.
    mp = []
    for q in (0.1, 0.25, 0.6, 1.0):
        a, b = (1 - math.sqrt(q)) ** 2, (1 + math.sqrt(q)) ** 2
        for t in (0.0, 0.01, 0.2, 0.5, 0.8, 0.99, 1.0):
            xv = a + t * (b - a)
            mp.append({"q": q, "x": xv, "cdf": ref.mp_eigen_cdf(xv, q), "density": ref.mp_eigen_density(xv, q)})
    doc["mp_cdf"] = mp
    doc["ks_floor"] = list(ks_floor_cases())
    # Student-t CDF (scipy.stats.t.cdf, standard: loc 0, scale 1) over df and z, tails included.
    doc["student_t_cdf"] = [{"df": df, "z": z, "cdf": float(stats.t.cdf(z, df)), "logpdf": float(stats.t.logpdf(z, df))}
                            for df in (0.1, 0.5, 1.0, 2.5, 3.0, 7.3, 30.0, 250.0, 1000.0)
                            for z in (-1e4, -200.0, -12.5, -3.0, -1.0, -0.1, 0.0, 1e-3, 0.7, 2.0, 6.0, 40.0, 1e3)]
    # Wasserstein-1 between normalised spectra of different sizes.
    a = np.sort(rng.gamma(2.0, 1.0, 37))[::-1]
    b = np.sort(rng.gamma(3.0, 0.5, 50))[::-1]
    doc["wasserstein"] = {"a": a.tolist(), "b": b.tolist(),
                          "w1_normalised": float(stats.wasserstein_distance(a / a.max(), b / b.max()))}
    layers = list(range(12))
    norms = (3.0 * np.exp(0.07 * np.arange(12)) * rng.uniform(0.9, 1.1, 12)).tolist()
    doc["depth_growth"] = {"layers": layers, "norms": norms,
                           "slope": float(np.polyfit(layers, np.log(norms), 1)[0])}
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(doc, f, indent=1)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
