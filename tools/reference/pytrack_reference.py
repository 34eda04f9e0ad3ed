#!/usr/bin/env python3
"""numpy/scipy reference for pytrack's per-matrix statistics (DESIGN.md, "Statistics per matrix and step").

Importable: ``matrix_metrics(w)`` and ``vector_metrics(v)`` return dicts keyed by the Contracts metric
names. CLI: ``pytrack_reference.py model.safetensors [--heads H] [--no-samples]`` walks every GPT-NeoX
matrix of a checkpoint (fused QKV and its per-head [heads, 3, head_dim] Q/K/V split, attn_out, mlp_in,
mlp_out, embed_in, embed_out, LayerNorm vectors) and prints JSON plus the total time on stderr.
This is the straightforward vectorised numpy/scipy implementation a researcher would write; it is also
the benchmark baseline for `pytrack compute`.
"""
import argparse
import json
import math
import os
import re
import sys
import time

import numpy as np
from scipy import integrate, optimize, stats

QUANTILES = [0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999]
QUANTILE_NAMES = ["quantile_" + ("%g" % q) for q in QUANTILES]


def ks_sorted(x_sorted, cdf_values):
    """Two-sided one-sample KS distance (as scipy.stats.kstest) from sorted data and its CDF values."""
    n = len(x_sorted)
    i = np.arange(1, n + 1)
    return float(max((i / n - cdf_values).max(), (cdf_values - (i - 1) / n).max()))


def mp_eigen_density(x, q):
    a, b = (1 - math.sqrt(q)) ** 2, (1 + math.sqrt(q)) ** 2
    if x <= a or x >= b:
        return 0.0
    return math.sqrt((b - x) * (x - a)) / (2 * math.pi * q * x)


def mp_eigen_cdf(x, q):
    """Marchenko-Pastur eigenvalue CDF (ratio q <= 1) by adaptive quadrature of the density."""
    a, b = (1 - math.sqrt(q)) ** 2, (1 + math.sqrt(q)) ** 2
    if x <= a:
        return 0.0
    if x >= b:
        return 1.0
    val, _ = integrate.quad(mp_eigen_density, a, x, args=(q,), epsabs=1e-13, epsrel=1e-12, limit=200)
    return min(max(val, 0.0), 1.0)


def numerical_rank(s, m, n):
    """numpy's matrix_rank rule on the eigenvalues s**2: s**2 <= max(m, n) * eps * s_max**2 counts as zero."""
    top = float(np.max(s)) if len(s) else 0.0
    thr = math.sqrt(max(m, n) * np.finfo(np.float64).eps) * top
    return (int((s > thr).sum()) if top > 0 else 0), thr


def mp_bulk_sigma(s, m, n):
    """Bulk scale of the MP law: iterate edge -> exclude spikes -> refit sigma with (m-k)(n-k) degrees of freedom."""
    s = np.sort(np.asarray(s, dtype=np.float64))[::-1]
    k = 0
    for _ in range(n + 2):
        sigma = math.sqrt(float(np.sum(s[k:] ** 2)) / ((m - k) * (n - k)))
        k2 = int(np.sum(s > sigma * (math.sqrt(m) + math.sqrt(n))))
        if k2 == k or k2 >= len(s):
            return sigma, min(k2, len(s))
        k = k2
    return sigma, k


def mp_metrics(s, m, n, sigma_elements):
    """Fitted MP bulk (m >= n): sigma_bulk, edges, KS of the bulk against the MP law, spike count; element-std edge."""
    m, n = max(m, n), min(m, n)
    q = n / m
    out = {"mp_edge_elementstd": sigma_elements * (math.sqrt(m) + math.sqrt(n))}
    rank, _ = numerical_rank(s, m, n)
    out["numerical_rank"] = float(rank)
    if rank < n:
        out.update({k: math.nan for k in ["mp_sigma_bulk", "mp_edge", "mp_edge_lower", "mp_ks", "mp_spikes"]})
        return out
    sigma, k = mp_bulk_sigma(s, m, n)
    upper = sigma * (math.sqrt(m) + math.sqrt(n))
    lower = sigma * (math.sqrt(m) - math.sqrt(n))
    bulk = np.sort(s)[: len(s) - k]
    xs = bulk ** 2 / (m * sigma * sigma)
    cdf = np.array([mp_eigen_cdf(x, q) for x in xs])
    out.update({"mp_sigma_bulk": sigma, "mp_edge": upper, "mp_edge_lower": lower,
                "mp_ks": ks_sorted(xs, cdf) if len(xs) else math.nan, "mp_spikes": float(k)})
    return out


# ------------------------------------------------------------------ pytrack's seeded streams, replayed
M64 = (1 << 64) - 1


class Xoshiro256StarStar:
    """xoshiro256** seeded by SplitMix64, as PyTrackStats' Xoshiro256StarStar (same draws for the same seed)."""

    def __init__(self, seed):
        sm, st = seed & M64, []
        for _ in range(4):
            sm = (sm + 0x9E3779B97F4A7C15) & M64
            z = sm
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            st.append(z ^ (z >> 31))
        self.s = st

    def next(self):
        s0, s1, s2, s3 = self.s
        x = (s1 * 5) & M64
        result = ((((x << 7) | (x >> 57)) & M64) * 9) & M64
        t = (s1 << 17) & M64
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 45) | (s3 >> 19)) & M64
        self.s = [s0, s1, s2, s3]
        return result

    def open_unit(self):
        return ((self.next() >> 11) + 0.5) * 2.0 ** -53

    def normals(self, count, mu, sigma, chunk=1 << 16):
        """fillNormal (Box-Muller, both outputs) over chunks of `chunk` values, as RoundingFloor draws them."""
        out = np.empty(count)
        done = 0
        while done < count:
            c = min(chunk, count - done)
            i = 0
            while i < c:
                r = math.sqrt(-2.0 * math.log(self.open_unit()))
                th = 2.0 * math.pi * self.open_unit()
                out[done + i] = mu + sigma * r * math.cos(th)
                if i + 1 < c:
                    out[done + i + 1] = mu + sigma * r * math.sin(th)
                i += 2
            done += c
        return out


def seed_of(layer, matrix, rows, cols):
    """pytrack's per-matrix seed (MatrixJob.seed): FNV-1a 64 of 'layer/matrix/rowsxcols' (layer -1 if none)."""
    h = 0xcbf29ce484222325
    for b in f"{layer}/{matrix}/{rows}x{cols}".encode():
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


BOOTSTRAP_SEED_XOR = 0x626F6F7473747270
FLOOR_SEED_XOR = 0x666C6F6F725F6B73
BOOTSTRAP_REPLICATES = 100
BOOTSTRAP_LEVEL = 0.90


def alpha_bootstrap(eigs, seed, replicates=BOOTSTRAP_REPLICATES, level=BOOTSTRAP_LEVEL, min_tail=10):
    """Percentile interval of the Clauset alpha over resamples drawn with pytrack's stream (index ((next>>32)*n)>>32)."""
    x = np.asarray([v for v in eigs if v > 0 and np.isfinite(v)], dtype=np.float64)
    n = len(x)
    if n < 2:
        return math.nan, math.nan
    rng = Xoshiro256StarStar(seed ^ BOOTSTRAP_SEED_XOR)
    alphas = []
    for _ in range(replicates):
        idx = [((rng.next() >> 32) * n) >> 32 for _ in range(n)]
        a = power_law(x[idx], min_tail)["alpha"]
        if np.isfinite(a):
            alphas.append(a)
    if not alphas:
        return math.nan, math.nan
    lo, hi = np.quantile(alphas, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def alpha_weightwatcher(eigs):
    """weightwatcher 0.7's WWFit (pl_package='ww'): evals > 1e-5; xmin over every sorted value but the last by
    max|1 - (x/xmin)^(1-alpha) - arange(n)/n|; below 20 values the small-N rule (bias-corrected alpha, J objective)."""
    data = np.sort(np.asarray([v for v in eigs if v > 1e-5], dtype=np.float64))
    N = len(data)
    if N < 2:
        return math.nan, math.nan
    log_data = np.log(data)
    if N >= 20:
        alphas, Ds = np.zeros(N - 1), np.ones(N - 1)
        for i, xmin in enumerate(data[:-1]):
            n = float(N - i)
            alpha = 1 + n / (np.sum(log_data[i:]) - n * log_data[i])
            alphas[i] = alpha
            if alpha > 1:
                Ds[i] = np.max(np.abs(1 - (data[i:] / xmin) ** (-alpha + 1) - np.arange(n) / n))
        i = int(np.argmin(Ds))
        return float(alphas[i]), float(data[i])
    best = None
    for i in range(N - 1):
        n = N - i
        if n < 8:
            continue
        s = np.sum(log_data[i:]) - n * log_data[i]
        if s <= 1e-12:
            continue
        a = 1.0 + (n - 1.0) / s
        if a <= 1.0:
            continue
        d = float(np.max(np.abs(np.arange(n) / n - (1.0 - (data[i:] / data[i]) ** (1.0 - a)))))
        j = d - 0.868 / math.sqrt(n)
        if best is None or j < best[0]:
            best = (j, a, data[i])
    if best is None:
        s = np.sum(log_data) - N * log_data[0]
        return (1.0 if s <= 1e-12 else 1.0 + (N - 1.0) / s), float(data[0])
    return float(best[1]), float(best[2])


def bf16_round(x32):
    """float32 -> bfloat16 (round to nearest even), returned as float32 values."""
    u = np.asarray(x32, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16
    return u.astype(np.uint32).view(np.float32)


def ks_floor(count, dtype, mean, std, seed):
    """gauss_ks of pytrack's seeded N(mean, std) sample of `count` values rounded to float32 then to dtype,
    against the normal with the sample's own mean and std (scipy.stats.kstest); fp32 samples above 2^24
    values are drawn at 2^24 and scaled by sqrt(2^24 / count)."""
    d = dtype.upper()
    grid = {"F16": "f16", "BF16": "bf16", "F32": "f32", "F64": "f32"}.get(d)
    if grid is None or not std > 0:
        return math.nan
    size = count if grid != "f32" else min(count, 1 << 24)
    x = Xoshiro256StarStar(seed ^ FLOOR_SEED_XOR).normals(size, mean, std).astype(np.float32)
    if grid == "f16":
        x = x.astype(np.float16)
    elif grid == "bf16":
        x = bf16_round(x)
    x = x.astype(np.float64)
    ks = float(stats.kstest(x, "norm", args=(x.mean(), x.std())).statistic)
    return ks * math.sqrt(size / count) if size != count else ks


def power_law(eigs, min_tail=10):
    """Clauset-Shalizi-Newman continuous power-law fit: xmin over the distinct eigenvalues minimising KS."""
    x = np.sort(eigs[(eigs > 0) & np.isfinite(eigs)])
    n = len(x)
    kmin = max(2, min(min_tail, n))
    best = (math.nan, math.nan, math.inf, 0)
    if n < 2:
        return {"alpha": math.nan, "alpha_xmin": math.nan, "alpha_ks": math.nan, "alpha_tail_count": 0.0}
    logs = np.log(x)
    suffix = np.concatenate([np.cumsum(logs[::-1])[::-1], [0.0]])
    for j in range(0, n - kmin + 1):
        if j > 0 and x[j] == x[j - 1]:
            continue
        k = n - j
        denom = suffix[j] - k * logs[j]
        if denom <= 0:
            continue
        a = 1 + k / denom
        tail = x[j:]
        cdf = 1 - (tail / x[j]) ** (1 - a)
        d = ks_sorted(tail, cdf)
        if d < best[2]:
            best = (a, x[j], d, k)
    return {"alpha": float(best[0]), "alpha_xmin": float(best[1]), "alpha_ks": float(best[2]) if best[3] else math.nan,
            "alpha_tail_count": float(best[3])}


def element_metrics(x):
    """Moments, tails and quantiles of the finite float64 elements x."""
    mean = float(x.mean())
    std = float(x.std())
    out = {"mean": mean, "std": std, "skewness": float(stats.skew(x)),
           "excess_kurtosis": float(stats.kurtosis(x)),
           "max_abs_z": float(np.abs(x - mean).max() / std),
           "max_robust_z": float(np.abs(x - np.median(x)).max() / stats.median_abs_deviation(x, scale="normal")),
           "tail_frac_6sigma": float((np.abs(x - mean) > 6 * std).mean())}
    out.update(zip(QUANTILE_NAMES, map(float, np.quantile(x, QUANTILES))))
    return out


# Student-t df cap (as pytrack's StudentTFit.maximumDF): a Gaussian sample's MLE df is infinite.
STUDENT_T_DF_CAP = 1000.0


def tight_fmin(func, x0, args=(), disp=0):
    """scipy's default fit optimizer (Nelder-Mead fmin) with tolerances tight enough for a reference."""
    return optimize.fmin(func, x0, args=args, xtol=1e-12, ftol=1e-13, maxiter=200000, maxfun=200000, disp=0)


def student_t_fit(x, tight=True):
    """Student-t MLE (df, loc, scale) by scipy.stats.t.fit; when the MLE df exceeds the cap, the MLE with
    df fixed at the cap (the constrained maximum: the profile likelihood still rises there).
    tight=True (fixtures) uses `tight_fmin`; tight=False scipy's default optimizer (what a researcher
    would run; thousands of likelihood evaluations on all elements are too slow for 38M-element matrices)."""
    opt = {"optimizer": tight_fmin} if tight else {}
    df, loc, scale = stats.t.fit(x, **opt)
    if not df < STUDENT_T_DF_CAP:
        df, loc, scale = stats.t.fit(x, fix_df=STUDENT_T_DF_CAP, **opt)
    return float(df), float(loc), float(scale)


def fit_metrics(x, tight_t=True):
    xs = np.sort(x)
    mu, sigma = float(x.mean()), float(x.std())
    out = {"gauss_mu": mu, "gauss_sigma": sigma,
           "gauss_loglik": float(stats.norm.logpdf(x, mu, sigma).mean()),
           "gauss_ks": ks_sorted(xs, stats.norm.cdf(xs, mu, sigma))}
    lmu, ls = stats.logistic.fit(x)
    out.update({"logistic_mu": float(lmu), "logistic_s": float(ls),
                "logistic_loglik": float(stats.logistic.logpdf(x, lmu, ls).mean()),
                "logistic_ks": ks_sorted(xs, stats.logistic.cdf(xs, lmu, ls))})
    df, tmu, ts = student_t_fit(x, tight=tight_t)
    out.update({"student_t_df": df, "student_t_inv_df": 0.0 if df >= STUDENT_T_DF_CAP else 1.0 / df,
                "student_t_mu": tmu, "student_t_s": ts,
                "student_t_loglik": float(stats.t.logpdf(x, df, tmu, ts).mean()),
                "student_t_ks": float(stats.kstest(x, "t", args=(df, tmu, ts)).statistic)})
    return out


def matrix_metrics(w, samples=False, seed=0, min_tail=10, tight_t=True, dtype=None):
    """All per-matrix metrics of a 2-D array (any float dtype); returns (metrics, singular_values, extras).
    `seed` is pytrack's per-matrix seed (bootstrap and ks_floor streams); `dtype` the source dtype for ks_floor."""
    w64 = np.asarray(w, dtype=np.float64)
    m, n = w64.shape
    x = w64.ravel()
    s = np.linalg.svd(w64, compute_uv=False)
    fro = float(math.sqrt(np.dot(x, x)))
    out = {"frobenius": fro, "spectral_norm": float(s[0]), "nuclear_norm": float(s.sum()),
           "stable_rank": fro * fro / float(s[0]) ** 2}
    p = s[s > 0] / s.sum()
    out["effective_rank"] = float(math.exp(-(p * np.log(p)).sum()))
    out.update(element_metrics(x))
    out.update(fit_metrics(x, tight_t))
    out.update(mp_metrics(s, m, n, out["std"]))
    rank, thr = numerical_rank(s, m, n)
    eigs = np.where(s > thr, s, 0.0) ** 2
    if rank >= max(2, min_tail):
        out.update(power_law(eigs, min_tail))
        out["alpha_lo"], out["alpha_hi"] = alpha_bootstrap(eigs, seed, min_tail=min_tail)
        out["alpha_ww"], out["alpha_ww_xmin"] = alpha_weightwatcher(eigs)
    else:
        for k in ["alpha", "alpha_xmin", "alpha_ks", "alpha_tail_count", "alpha_lo", "alpha_hi", "alpha_ww", "alpha_ww_xmin"]:
            out[k] = math.nan
    out["ks_floor"] = ks_floor(len(x), dtype, out["mean"], out["std"], seed) if dtype else math.nan
    out["nonfinite_count"] = 0.0
    extras = {}
    if samples:
        rng = np.random.default_rng(seed)
        g = rng.normal(out["gauss_mu"], out["gauss_sigma"], size=(m, n))
        lg = rng.logistic(out["logistic_mu"], out["logistic_s"], size=(m, n))
        extras["gauss_sample_sv"] = np.linalg.svd(g, compute_uv=False)
        extras["logistic_sample_sv"] = np.linalg.svd(lg, compute_uv=False)
    return out, s, extras


def vector_metrics(v, outlier_z=5.0):
    """Metrics of a 1-D tensor (LayerNorm gains/biases); returns (metrics, outlier indices)."""
    v64 = np.asarray(v, dtype=np.float64)
    finite = np.isfinite(v64)
    x = v64[finite]
    out = {"frobenius": float(math.sqrt(np.dot(x, x)))}
    out.update(element_metrics(x))
    z = np.abs(v64 - out["mean"]) / out["std"]
    idx = np.nonzero(finite & (z > outlier_z))[0]
    out["outlier_count"] = float(len(idx))
    out["nonfinite_count"] = float((~finite).sum())
    return out, idx.tolist()


# ---------------------------------------------------------------------------------------------- CLI
LAYER_RE = re.compile(r"gpt_neox\.layers\.(\d+)\.(.+)$")
MATRIX_ROLES = {"attention.query_key_value.weight": "qkv", "attention.dense.weight": "attn_out",
                "mlp.dense_h_to_4h.weight": "mlp_in", "mlp.dense_4h_to_h.weight": "mlp_out"}
VECTOR_ROLES = {"input_layernorm.weight": "ln1_gain", "input_layernorm.bias": "ln1_bias",
                "post_attention_layernorm.weight": "ln2_gain", "post_attention_layernorm.bias": "ln2_bias"}


def walk(tensors, heads):
    """Yields (layer, matrix name, array) for every matrix/vector pytrack tracks."""
    for name in sorted(tensors.keys()):
        if name == "gpt_neox.embed_in.weight":
            yield "", "embed_in", tensors.get_tensor(name)
        elif name == "embed_out.weight":
            yield "", "embed_out", tensors.get_tensor(name)
        elif name == "gpt_neox.final_layer_norm.weight":
            yield "", "final_ln_gain", tensors.get_tensor(name)
        elif name == "gpt_neox.final_layer_norm.bias":
            yield "", "final_ln_bias", tensors.get_tensor(name)
        else:
            mt = LAYER_RE.match(name)
            if not mt:
                continue
            layer, rest = mt.group(1), mt.group(2)
            if rest in MATRIX_ROLES:
                w = tensors.get_tensor(name)
                yield layer, MATRIX_ROLES[rest], w
                if rest == "attention.query_key_value.weight" and heads:
                    d = w.shape[1]
                    hd = w.shape[0] // (3 * heads)
                    parts = w.reshape(heads, 3, hd, d)
                    for i, part in enumerate("qkv"):
                        yield layer, part, parts[:, i].reshape(heads * hd, d)
            elif rest in VECTOR_ROLES:
                yield layer, VECTOR_ROLES[rest], tensors.get_tensor(name)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", help="model.safetensors")
    ap.add_argument("--heads", type=int, help="num_attention_heads (default: config.json beside the file)")
    ap.add_argument("--no-samples", action="store_true", help="skip the sampled Gaussian/logistic spectra")
    ap.add_argument("--seed", type=int, default=None, help="one seed for every matrix (default: pytrack's per-matrix seed)")
    ap.add_argument("--only", help="regex on '<layer>/<matrix>' to restrict the walk")
    args = ap.parse_args(argv)
    from safetensors import safe_open
    heads = args.heads
    cfg = os.path.join(os.path.dirname(os.path.abspath(args.file)), "config.json")
    if heads is None and os.path.exists(cfg):
        with open(cfg) as f:
            heads = json.load(f).get("num_attention_heads")
    if heads is None:
        print("note: no num_attention_heads: reporting the fused qkv only", file=sys.stderr)
    t0 = time.perf_counter()
    rows = []
    with safe_open(args.file, framework="numpy") as f:
        for layer, matrix, arr in walk(f, heads):
            if args.only and not re.search(args.only, f"{layer}/{matrix}"):
                continue
            t = time.perf_counter()
            if arr.ndim == 2:
                # pytrack's per-matrix seed and the stored dtype, so bootstrap and ks_floor are comparable
                seed = seed_of(layer if layer != "" else -1, matrix, *arr.shape) if args.seed is None else args.seed
                dtype = {np.dtype(np.float16): "F16", np.dtype(np.float32): "F32", np.dtype(np.float64): "F64"}.get(arr.dtype)
                metrics, _, _ = matrix_metrics(arr, samples=not args.no_samples, seed=seed, tight_t=False, dtype=dtype)
            else:
                metrics, outliers = vector_metrics(arr)
                metrics["outliers"] = outliers
            rows.append({"layer": layer, "matrix": matrix, "shape": list(arr.shape),
                         "seconds": time.perf_counter() - t, "metrics": metrics})
    total = time.perf_counter() - t0
    json.dump({"file": args.file, "total_seconds": total, "matrices": rows}, sys.stdout, indent=1, default=float)
    print(file=sys.stdout)
    print(f"total {total:.2f} s for {len(rows)} tensors", file=sys.stderr)


if __name__ == "__main__":
    main()
