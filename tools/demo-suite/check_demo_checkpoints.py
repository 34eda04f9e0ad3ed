#!/usr/bin/env python3
"""Check the committed demo suite (Sources/PyTrackDemoSuite/demo-hub) with numpy + safetensors only.

For every revision of pytrack-demo/pythia-tiny, pytrack-demo/pythia-tiny-deduped and
pytrack-demo/pythia-tiny-deduped-seed1:
  * the revision set is the Pythia-like schedule 0, 1, 2, 4, ..., 512, 750, 1000, ..., 2000;
  * the folder holds exactly config.json and model.safetensors;
  * the safetensors header (parsed by hand) is well formed: offsets tile the data without gaps
    or overlaps, each tensor's byte length is numel * 2 (F16), the file size adds up;
  * safetensors.numpy loads the same names, shapes and dtypes, and every value is finite;
  * the tensor names and shapes are exactly the GPT-NeoX (Pythia) layout implied by config.json.
Across the suite: step0 is byte-identical between the two runs of init seed 1234 (standard and
deduped) and differs in the seed run (init seed 1); every config.json is the same for a step across
runs; the final steps differ pairwise; no run repeats a checkpoint; the whole suite is under 30 MB. Prints the tensor table once per repository and one line per revision.
Exits 1 with a one-line message naming the file on the first failure.

  python3 tools/demo-suite/check_demo_checkpoints.py [--hub Sources/PyTrackDemoSuite/demo-hub] [--verbose]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
ORG = "pytrack-demo"
REPOS = ["pythia-tiny", "pythia-tiny-deduped", "pythia-tiny-deduped-seed1"]
SAME_INIT = ("pythia-tiny", "pythia-tiny-deduped")  # init seed 1234; the seed run uses init seed 1
EXPECTED_STEPS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 750, 1000, 1250, 1500, 1750, 2000]
SIZE_LIMIT_BYTES = 30 * 1000 * 1000
DTYPE_BYTES = {"F16": 2, "BF16": 2, "F32": 4, "F64": 8, "U8": 1}


class CheckError(Exception):
    pass


def expected_tensors(cfg: dict) -> dict[str, tuple[int, ...]]:
    """GPT-NeoX tensor names and shapes for a config (as in EleutherAI's Pythia checkpoints)."""
    d, v = cfg["hidden_size"], cfg["vocab_size"]
    f, n = cfg["intermediate_size"], cfg["num_hidden_layers"]
    t = {"gpt_neox.embed_in.weight": (v, d), "embed_out.weight": (v, d),
         "gpt_neox.final_layer_norm.weight": (d,), "gpt_neox.final_layer_norm.bias": (d,)}
    for i in range(n):
        p = f"gpt_neox.layers.{i}."
        for ln in ("input_layernorm", "post_attention_layernorm"):
            t[p + ln + ".weight"] = (d,)
            t[p + ln + ".bias"] = (d,)
        t[p + "attention.query_key_value.weight"] = (3 * d, d)
        t[p + "attention.query_key_value.bias"] = (3 * d,)
        t[p + "attention.dense.weight"] = (d, d)
        t[p + "attention.dense.bias"] = (d,)
        t[p + "mlp.dense_h_to_4h.weight"] = (f, d)
        t[p + "mlp.dense_h_to_4h.bias"] = (f,)
        t[p + "mlp.dense_4h_to_h.weight"] = (d, f)
        t[p + "mlp.dense_4h_to_h.bias"] = (d,)
    return t


def parse_header(path: Path) -> dict:
    """Parse and validate a safetensors header by hand; returns {name: (dtype, shape)}."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        raw = fh.read(8)
        if len(raw) != 8:
            raise CheckError(f"{path}: shorter than the 8-byte header length")
        (hlen,) = struct.unpack("<Q", raw)
        if hlen > 100_000_000 or 8 + hlen > size:
            raise CheckError(f"{path}: header length {hlen} impossible for a {size}-byte file")
        header = json.loads(fh.read(hlen).decode("utf-8"))
    header.pop("__metadata__", None)
    spans, out = [], {}
    for name, info in header.items():
        dtype, shape, (b, e) = info["dtype"], tuple(info["shape"]), info["data_offsets"]
        if dtype not in DTYPE_BYTES:
            raise CheckError(f"{path}: {name}: unexpected dtype {dtype}")
        if e - b != int(np.prod(shape, dtype=np.int64)) * DTYPE_BYTES[dtype]:
            raise CheckError(f"{path}: {name}: {e - b} bytes for shape {shape} {dtype}")
        spans.append((b, e, name))
        out[name] = (dtype, shape)
    spans.sort()
    pos = 0
    for b, e, name in spans:
        if b != pos:
            raise CheckError(f"{path}: {name}: data starts at {b}, expected {pos} (gap or overlap)")
        pos = e
    if 8 + hlen + pos != size:
        raise CheckError(f"{path}: header says {8 + hlen + pos} bytes, file has {size}")
    return out


def check_revision(rev: Path, verbose: bool, show_table: bool) -> tuple[str, int, float]:
    files = sorted(p.name for p in rev.iterdir())
    if files != ["config.json", "model.safetensors"]:
        raise CheckError(f"{rev}: expected config.json and model.safetensors, found {files}")
    cfg = json.loads((rev / "config.json").read_text())
    for key in ("model_type", "hidden_size", "num_hidden_layers", "num_attention_heads",
                "intermediate_size", "vocab_size", "use_parallel_residual", "rotary_pct"):
        if key not in cfg:
            raise CheckError(f"{rev}/config.json: missing {key}")
    if cfg["model_type"] != "gpt_neox" or cfg["hidden_size"] % cfg["num_attention_heads"]:
        raise CheckError(f"{rev}/config.json: not a consistent gpt_neox config")
    st = rev / "model.safetensors"
    header = parse_header(st)
    expected = expected_tensors(cfg)
    if set(header) != set(expected):
        extra, missing = sorted(set(header) - set(expected)), sorted(set(expected) - set(header))
        raise CheckError(f"{st}: tensor names differ from GPT-NeoX: extra {extra}, missing {missing}")
    tensors = load_file(str(st))
    sq = 0.0
    for name, (dtype, shape) in sorted(header.items()):
        arr = tensors[name]
        if dtype != "F16" or arr.dtype != np.float16:
            raise CheckError(f"{st}: {name} is {dtype}/{arr.dtype}, expected F16")
        if arr.shape != shape or shape != expected[name]:
            raise CheckError(f"{st}: {name} has shape {arr.shape} (header {shape}), expected {expected[name]}")
        if not np.isfinite(arr).all():
            raise CheckError(f"{st}: {name} has non-finite values")
        sq += float(np.sum(arr.astype(np.float64) ** 2))
        if show_table or verbose:
            print(f"    {name:50s} {dtype} {list(shape)}")
    digest = hashlib.sha256(st.read_bytes()).hexdigest()
    return digest, st.stat().st_size, float(np.sqrt(sq))


def main() -> int:
    ap = argparse.ArgumentParser(description="Check the pytrack demo-suite checkpoints.")
    ap.add_argument("--hub", type=Path, default=REPO_ROOT / "Sources" / "PyTrackDemoSuite" / "demo-hub")
    ap.add_argument("--verbose", action="store_true", help="print the tensor table of every revision")
    args = ap.parse_args()
    try:
        digests: dict[str, dict[int, str]] = {}
        for repo in REPOS:
            root = args.hub / ORG / repo
            if not root.is_dir():
                raise CheckError(f"{root}: repository folder missing")
            revs = sorted(p.name for p in root.iterdir())
            steps = sorted(int(r[4:]) for r in revs if r.startswith("step") and r[4:].isdigit())
            if len(steps) != len(revs) or steps != EXPECTED_STEPS:
                raise CheckError(f"{root}: revisions {revs} are not the expected schedule {EXPECTED_STEPS}")
            print(f"{ORG}/{repo}: {len(steps)} revisions")
            digests[repo] = {}
            for i, step in enumerate(steps):
                digest, size, norm = check_revision(root / f"step{step}", args.verbose, i == 0)
                digests[repo][step] = digest
                print(f"  step{step:<5d} {size:8d} bytes  sha256 {digest[:12]}  global L2 norm {norm:9.3f}")
        last = EXPECTED_STEPS[-1]
        for i, x in enumerate(REPOS):
            for y in REPOS[i + 1:]:
                a, b = digests[x], digests[y]
                same_init = {x, y} == set(SAME_INIT)
                if (a[0] == b[0]) != same_init:
                    raise CheckError(f"{args.hub / ORG}: step0 of {x} and {y} is "
                                     f"{'different' if same_init else 'identical'} (init seeds "
                                     f"{'equal' if same_init else 'differ'})")
                if a[last] == b[last]:
                    raise CheckError(f"{args.hub / ORG}: step{last} is identical between {x} and {y}")
                for step in EXPECTED_STEPS:
                    cx = (args.hub / ORG / x / f"step{step}" / "config.json").read_bytes()
                    cy = (args.hub / ORG / y / f"step{step}" / "config.json").read_bytes()
                    if cx != cy:
                        raise CheckError(f"{args.hub / ORG / y / f'step{step}'}/config.json differs from {x}'s")
        for repo, d in digests.items():
            seen: dict[str, int] = {}
            for step, h in d.items():
                if h in seen:
                    raise CheckError(f"{args.hub / ORG / repo}: step{step} duplicates step{seen[h]}")
                seen[h] = step
        total = sum(p.stat().st_size for p in (args.hub / ORG).rglob("*") if p.is_file())
        if total > SIZE_LIMIT_BYTES:
            raise CheckError(f"{args.hub / ORG}: {total} bytes, over the {SIZE_LIMIT_BYTES}-byte limit")
        print(f"OK: {sum(len(d) for d in digests.values())} checkpoints of {len(REPOS)} runs, step0 shared by "
              f"{' and '.join(SAME_INIT)} only, "
              f"suite {total} bytes (limit {SIZE_LIMIT_BYTES})")
        return 0
    except (CheckError, OSError, ValueError, KeyError) as e:
        print(f"check_demo_checkpoints: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
