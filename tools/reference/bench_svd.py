#!/usr/bin/env python3
"""Benchmark inputs and numpy baselines for the PyTrackStats SVD / per-matrix statistics.

Writes real-looking matrices (Gaussian N(0, 0.02) plus a rank-5 spike) as raw float32 to DIR, the
float64 truth `np.linalg.svd(w.astype(float64), compute_uv=False)` as raw float64, and prints numpy
timings (float32 and float64 SVD, and the full reference matrix_metrics) as JSON lines.
Then tools/reference/bench/run.sh compiles the Swift side and compares.
Usage: bench_svd.py DIR [--shapes 768x768,3072x768,50304x768] [--threads N]
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytrack_reference as ref  # noqa: E402


def make(m, n, rng):
    w = rng.normal(0, 0.02, (m, n))
    k = min(5, n)
    u, _ = np.linalg.qr(rng.normal(size=(m, k)))
    v, _ = np.linalg.qr(rng.normal(size=(n, k)))
    edge = 0.02 * (np.sqrt(max(m, n)) + np.sqrt(min(m, n)))
    w += u @ np.diag(edge * np.linspace(3, 1.5, k)) @ v.T
    return np.ascontiguousarray(w.astype(np.float32))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--shapes", default="768x768,3072x768,50304x768")
    ap.add_argument("--skip-metrics", action="store_true", help="skip timing the full reference metrics")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    rng = np.random.default_rng(1234)
    for shape in args.shapes.split(","):
        m, n = map(int, shape.split("x"))
        w = make(m, n, rng)
        base = os.path.join(args.dir, f"{m}x{n}")
        w.tofile(base + ".f32")
        t = time.perf_counter(); s64 = np.linalg.svd(w.astype(np.float64), compute_uv=False); t64 = time.perf_counter() - t
        t = time.perf_counter(); s32 = np.linalg.svd(w, compute_uv=False); t32 = time.perf_counter() - t
        s64.tofile(base + ".sv64")
        rel32 = np.abs(s32.astype(np.float64) - s64) / s64
        row = {"shape": shape, "numpy_svd_f64_s": t64, "numpy_svd_f32_s": t32,
               "numpy_f32_max_rel_err": float(rel32.max()),
               "numpy_f32_max_err_rel_sigma_max": float((np.abs(s32 - s64) / s64[0]).max()),
               "cond": float(s64[0] / s64[-1])}
        if not args.skip_metrics:
            t = time.perf_counter(); ref.matrix_metrics(w, samples=False, tight_t=False); row["reference_metrics_no_samples_s"] = time.perf_counter() - t
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
