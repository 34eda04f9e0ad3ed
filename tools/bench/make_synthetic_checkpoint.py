#!/usr/bin/env python3
"""Writes a synthetic GPT-NeoX checkpoint (fp16 safetensors via the `safetensors` package, plus config.json)
shaped like a Pythia model, for the compute benchmark and the peak-RSS measurement. Not committed.

    python3 tools/bench/make_synthetic_checkpoint.py --size 160m --out /tmp/pytrack-bench/160m

Weights are i.i.d. Gaussian (std 0.02, like GPT-NeoX init) with a few low-rank spikes and a heavier-tailed
(Student-t) mix in the MLP, so spectra and fits are not degenerate. LayerNorm gains ~ 1 +- noise.
"""
import argparse
import json
import os
import time

import numpy as np
from safetensors.numpy import save_file

SHAPES = {  # layers, d_model, heads, d_mlp, vocab (DESIGN.md "The Pythia suite")
    "14m": (6, 128, 4, 512, 50304),
    "70m": (6, 512, 8, 2048, 50304),
    "160m": (12, 768, 12, 3072, 50304),
    "410m": (24, 1024, 16, 4096, 50304),
}


def matrix(rng, rows, cols, heavy=False):
    w = rng.standard_normal((rows, cols), dtype=np.float32) * np.float32(0.02)
    if heavy:
        w += (rng.standard_t(3, size=(rows, cols)).astype(np.float32) * np.float32(0.004))
    k = 3
    u = rng.standard_normal((rows, k), dtype=np.float32)
    v = rng.standard_normal((k, cols), dtype=np.float32)
    w += (u @ v) * np.float32(0.02 / np.sqrt(max(rows, cols)) * 4)
    return w.astype(np.float16)


def vector(rng, n, center, scale):
    return (np.float32(center) + rng.standard_normal(n, dtype=np.float32) * np.float32(scale)).astype(np.float16)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", choices=sorted(SHAPES), default="160m")
    ap.add_argument("--out", required=True, help="directory for model.safetensors + config.json")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    layers, d, heads, dm, vocab = SHAPES[a.size]
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    t = {"gpt_neox.embed_in.weight": matrix(rng, vocab, d)}
    for i in range(layers):
        p = f"gpt_neox.layers.{i}."
        t[p + "input_layernorm.weight"] = vector(rng, d, 1.0, 0.05)
        t[p + "input_layernorm.bias"] = vector(rng, d, 0.0, 0.01)
        t[p + "post_attention_layernorm.weight"] = vector(rng, d, 1.0, 0.05)
        t[p + "post_attention_layernorm.bias"] = vector(rng, d, 0.0, 0.01)
        t[p + "attention.query_key_value.weight"] = matrix(rng, 3 * d, d)
        t[p + "attention.query_key_value.bias"] = vector(rng, 3 * d, 0.0, 0.01)
        t[p + "attention.dense.weight"] = matrix(rng, d, d)
        t[p + "attention.dense.bias"] = vector(rng, d, 0.0, 0.01)
        t[p + "mlp.dense_h_to_4h.weight"] = matrix(rng, dm, d, heavy=True)
        t[p + "mlp.dense_h_to_4h.bias"] = vector(rng, dm, 0.0, 0.01)
        t[p + "mlp.dense_4h_to_h.weight"] = matrix(rng, d, dm, heavy=True)
        t[p + "mlp.dense_4h_to_h.bias"] = vector(rng, d, 0.0, 0.01)
    t["gpt_neox.final_layer_norm.weight"] = vector(rng, d, 1.0, 0.05)
    t["gpt_neox.final_layer_norm.bias"] = vector(rng, d, 0.0, 0.01)
    t["embed_out.weight"] = matrix(rng, vocab, d)
    save_file(t, os.path.join(a.out, "model.safetensors"), metadata={"format": "pt"})
    config = {
        "architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox",
        "num_hidden_layers": layers, "hidden_size": d, "num_attention_heads": heads,
        "intermediate_size": dm, "vocab_size": vocab, "max_position_embeddings": 2048,
        "rotary_pct": 0.25, "rotary_emb_base": 10000, "use_parallel_residual": True,
        "layer_norm_eps": 1e-05, "tie_word_embeddings": False, "torch_dtype": "float16",
    }
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    n = sum(v.size for v in t.values())
    print(f"wrote {a.out}/model.safetensors: pythia-{a.size} shape, {n/1e6:.1f}M params fp16 in {time.time()-t0:.1f}s")


if __name__ == "__main__":
    main()
