#!/usr/bin/env python3
"""Writes the compute-engine fixtures into Tests/Fixtures/compute/ with the real `safetensors` package
(numpy arrays, F32 so the comparisons test the statistics, not fp16 rounding):

  standard/model.safetensors  a tiny GPT-NeoX (2 layers, d_model 32, 4 heads, d_mlp 128, vocab 160)
  deduped/model.safetensors   its "deduped twin" (same shapes, different seed)
  nonfinite/model.safetensors standard with NaN/Inf planted in layer 1 mlp_out and layer 0 ln2_gain
  */config.json, and with --reference */reference.json: every metric of every matrix the engine stores,
  computed by tools/reference/pytrack_reference.py's numpy/scipy functions (matrix_metrics, vector_metrics),
  plus the per-head OV norms (numpy matmul) and, in standard/, the derived rows against deduped/
  (numpy.polyfit, scipy.stats.wasserstein_distance). The engine tests compare everything stored to it.

    python3 tools/compute_fixtures/make_compute_fixtures.py [--reference]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from safetensors.numpy import save_file

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "compute")
LAYERS, D, HEADS, DM, VOCAB = 2, 32, 4, 128, 160


def weights(seed):
    rng = np.random.default_rng(seed)
    f = np.float32

    def gauss(r, c, s=0.02):
        return (rng.standard_normal((r, c)) * s).astype(f)

    def spiky(r, c):
        w = gauss(r, c) + 0.05 * np.outer(rng.standard_normal(r), rng.standard_normal(c)) / np.sqrt(max(r, c))
        return w.astype(f)

    def logistic(r, c):
        return rng.logistic(0.001, 0.01, size=(r, c)).astype(f)

    def student(r, c):
        return (rng.standard_t(4, size=(r, c)) * 0.015).astype(f)

    def gain(n):
        g = 0.45 + 0.03 * rng.standard_normal(n)
        g[[3, 17]] = [-0.6, 0.05]  # outlier dimensions (|z| > 5 by construction)
        return g.astype(f)

    t = {"gpt_neox.embed_in.weight": spiky(VOCAB, D)}
    for i in range(LAYERS):
        p = f"gpt_neox.layers.{i}."
        t[p + "input_layernorm.weight"] = gain(D)
        t[p + "input_layernorm.bias"] = (0.01 * rng.standard_normal(D)).astype(f)
        t[p + "post_attention_layernorm.weight"] = gain(D)
        t[p + "post_attention_layernorm.bias"] = (0.01 * rng.standard_normal(D)).astype(f)
        t[p + "attention.query_key_value.weight"] = spiky(3 * D, D)
        t[p + "attention.query_key_value.bias"] = (0.01 * rng.standard_normal(3 * D)).astype(f)
        t[p + "attention.query_key_value.bias"][42] = 0.2  # one outlier dimension (|z| ~ 9)
        t[p + "attention.dense.weight"] = logistic(D, D) * f(1 + i)
        t[p + "attention.dense.bias"] = (0.01 * rng.standard_normal(D)).astype(f)
        t[p + "mlp.dense_h_to_4h.weight"] = student(DM, D)
        t[p + "mlp.dense_h_to_4h.bias"] = (0.01 * rng.standard_normal(DM)).astype(f)
        t[p + "mlp.dense_4h_to_h.weight"] = gauss(D, DM, 0.02 * (1 + i))
        t[p + "mlp.dense_4h_to_h.bias"] = (0.01 * rng.standard_normal(D)).astype(f)
        # old-style buffers that compute must skip
        t[p + "attention.rotary_emb.inv_freq"] = (1.0 / (10000 ** (np.arange(0, 8, 2) / 8))).astype(f)
    t["gpt_neox.final_layer_norm.weight"] = gain(D)
    t["gpt_neox.final_layer_norm.bias"] = (0.01 * rng.standard_normal(D)).astype(f)
    t["embed_out.weight"] = gauss(VOCAB, D)
    return t


CONFIG = {
    "architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox",
    "num_hidden_layers": LAYERS, "hidden_size": D, "num_attention_heads": HEADS,
    "intermediate_size": DM, "vocab_size": VOCAB, "max_position_embeddings": 64,
    "rotary_pct": 0.25, "rotary_emb_base": 10000, "use_parallel_residual": True,
    "layer_norm_eps": 1e-05, "tie_word_embeddings": False, "torch_dtype": "float32",
}


def write(name, tensors, config=True):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    save_file(tensors, os.path.join(d, "model.safetensors"), metadata={"format": "pt"})
    if config:
        with open(os.path.join(d, "config.json"), "w") as fh:
            json.dump(CONFIG, fh, indent=2)
    return d


def jsonable(x):
    x = float(x)
    return x if np.isfinite(x) else None


def reference(name, tensors):
    """Reference metrics for every (layer, matrix) the engine stores, keyed 'layer/matrix' (layer '' if none)."""
    sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
    import pytrack_reference as ref
    from scipy import stats
    out = {}

    def put(layer, matrix, arr):
        if arr.ndim == 2:
            w = arr.astype(np.float64)
            finite = np.isfinite(w)
            seed = ref.seed_of(layer if layer != "" else -1, matrix, *arr.shape)
            if finite.all():
                metrics, s, _ = ref.matrix_metrics(w, seed=seed, dtype="F32")
                sv = [float(v) for v in s]
            else:  # element statistics over the finite values; spectral ones undefined
                x = w[finite]
                metrics = {"frobenius": float(np.sqrt(np.dot(x, x)))}
                metrics.update(ref.element_metrics(x))
                metrics.update(ref.fit_metrics(x))
                for k in ["spectral_norm", "nuclear_norm", "stable_rank", "effective_rank", "mp_edge",
                          "mp_edge_lower", "mp_ks", "mp_spikes", "alpha", "alpha_xmin", "alpha_ks",
                          "mp_sigma_bulk", "mp_edge_elementstd", "numerical_rank", "alpha_lo", "alpha_hi",
                          "alpha_ww", "alpha_ww_xmin"]:
                    metrics[k] = None
                metrics["ks_floor"] = ref.ks_floor(len(x), "F32", metrics["mean"], metrics["std"], seed)
                metrics["nonfinite_count"] = float((~finite).sum())
                sv = []
            out[f"{layer}/{matrix}"] = {"metrics": {k: (None if v is None else jsonable(v)) for k, v in metrics.items()},
                                        "singular_values": sv, "shape": list(arr.shape)}
        else:
            metrics, outliers = ref.vector_metrics(arr)
            out[f"{layer}/{matrix}"] = {"metrics": {k: jsonable(v) for k, v in metrics.items()},
                                        "outliers": outliers, "values": [jsonable(v) if np.isfinite(v) else None for v in arr],
                                        "shape": list(arr.shape)}

    vec_roles = {"attention.query_key_value.bias": "qkv_bias", "attention.dense.bias": "attn_out_bias",
                 "mlp.dense_h_to_4h.bias": "mlp_in_bias", "mlp.dense_4h_to_h.bias": "mlp_out_bias"}

    class View(dict):
        def get_tensor(self, k):
            return self[k]

    for layer, matrix, arr in ref.walk(View(tensors), HEADS):
        put(layer, matrix, arr)
    for k, arr in tensors.items():
        for suffix, role in vec_roles.items():
            if k.endswith(suffix):
                put(k.split(".")[2], role, arr)
    hd = D // HEADS
    for i in range(LAYERS):
        qkv = tensors[f"gpt_neox.layers.{i}.attention.query_key_value.weight"].astype(np.float64)
        dense = tensors[f"gpt_neox.layers.{i}.attention.dense.weight"].astype(np.float64)
        v = qkv.reshape(HEADS, 3, hd, D)[:, 2]
        for h in range(HEADS):
            ov = dense[:, h * hd:(h + 1) * hd] @ v[h]
            out[f"{i}/ov_head{h}"] = {"metrics": {"frobenius": jsonable(np.linalg.norm(ov))}}
    depth = {}
    for role in ["q", "k", "v", "attn_out", "mlp_in", "mlp_out", "qkv"]:
        if any(out[f"{i}/{role}"]["metrics"]["nonfinite_count"] for i in range(LAYERS)):
            depth[role] = None  # a partial (finite-only) norm gives no growth rate
            continue
        layers = [i for i in range(LAYERS) if out[f"{i}/{role}"]["metrics"]["frobenius"]]
        norms = [out[f"{i}/{role}"]["metrics"]["frobenius"] for i in layers]
        depth[role] = float(np.polyfit(layers, np.log(norms), 1)[0])
    return {"source": "tools/compute_fixtures/make_compute_fixtures.py (numpy/scipy via tools/reference/pytrack_reference.py)",
            "matrices": out, "depth_growth_rate": depth}


def derived(std, ded):
    """Deduped-vs-standard rows (model = deduped), keyed 'layer/matrix' -> metric -> value."""
    from scipy import stats
    rows = {}
    for key, a in ded["matrices"].items():
        b = std["matrices"].get(key)
        if b is None:
            continue
        r = {"dedup_norm_ratio": a["metrics"]["frobenius"] / b["metrics"]["frobenius"]}
        if "alpha" in a["metrics"]:
            r["dedup_alpha_diff"] = a["metrics"]["alpha"] - b["metrics"]["alpha"]
        if a.get("singular_values") and b.get("singular_values"):
            sa, sb = np.array(a["singular_values"]), np.array(b["singular_values"])
            r["dedup_w1_spectrum"] = float(stats.wasserstein_distance(sa / sa.max(), sb / sb.max()))
        rows[key] = r
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", action="store_true", help="also write reference.json with tools/reference/pytrack_reference.py")
    a = ap.parse_args()
    std = weights(1)
    dirs = [write("standard", std), write("deduped", weights(2))]
    bad = {k: v.copy() for k, v in std.items()}
    w = bad["gpt_neox.layers.1.mlp.dense_4h_to_h.weight"]
    w[0, 0], w[5, 7], w[31, 127], w[10, 10] = np.nan, np.nan, np.nan, np.inf
    bad["gpt_neox.layers.0.post_attention_layernorm.weight"][4] = np.nan
    dirs.append(write("nonfinite", bad))
    if a.reference:
        refs = {name: reference(name, t) for name, t in [("standard", std), ("deduped", weights(2)), ("nonfinite", bad)]}
        refs["standard"]["derived"] = derived(refs["standard"], refs["deduped"])
        for name, r in refs.items():
            with open(os.path.join(OUT, name, "reference.json"), "w") as fh:
                json.dump(r, fh, indent=0, allow_nan=False)
    print("wrote", ", ".join(os.path.relpath(d, ROOT) for d in dirs))


if __name__ == "__main__":
    main()
