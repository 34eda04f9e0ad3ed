#!/usr/bin/env python3
"""Writes the hostile checkpoint files of the attack suite (issue 14) into OUT, standard library only.

    python3 tools/hostile/make_hostile_files.py OUT            # the attack files (tests call this)
    python3 tools/hostile/make_hostile_files.py --corpus DIR   # the fuzz seed corpus (committed under Tests/Fixtures/fuzz)

Files (a tiny valid GPT-NeoX layer is the base where a file must otherwise be valid):
  deep_tuple.bin        data.pkl = PROTO 2, EMPTY_TUPLE, TUPLE1 x 50000, STOP (segfaulted when freed)
  deep_dict.bin         10^6 nested dicts (EMPTY_DICT + key pushed 10^6 times, then SETITEM x 10^6)
  valid.safetensors     a small valid model (embed_in, layer 0 qkv/dense/LayerNorm, layer 1 dense) + config.json
  rank3.safetensors     valid.safetensors plus a 3-D tensor and a scalar under matrix names
  unrecognised.safetensors  only tensors no catalog knows
  control_names.safetensors  valid.safetensors plus a tensor whose name holds ESC, BEL, a newline and C1 CSI
  all_nan.safetensors   valid, but layer 0's attention.dense.weight is all NaN
  huge_header.safetensors  a header declaring one 40000 x 40000 F32 matrix; the test extends the file
                        (sparse) to the 6.4 GB the header needs
"""
import io
import json
import math
import os
import struct
import sys
import zipfile


def safetensors(tensors):
    """tensors: list of (name, dtype, shape, raw bytes) -> file bytes."""
    header, data = {}, b""
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def f32(values):
    return struct.pack("<%df" % len(values), *values)


def matrix(rows, cols, seed):
    # deterministic, not constant: a small LCG in [-0.05, 0.05)
    out, x = [], seed
    for _ in range(rows * cols):
        x = (1103515245 * x + 12345) % 2**31
        out.append((x / 2**31 - 0.5) / 10)
    return out


D = 8
BASE = [
    ("gpt_neox.embed_in.weight", "F32", [32, D], f32(matrix(32, D, 1))),
    ("gpt_neox.layers.0.attention.query_key_value.weight", "F32", [3 * D, D], f32(matrix(3 * D, D, 2))),
    ("gpt_neox.layers.0.attention.dense.weight", "F32", [D, D], f32(matrix(D, D, 3))),
    ("gpt_neox.layers.0.input_layernorm.weight", "F32", [D], f32([1.0 + 0.01 * i for i in range(D)])),
    ("gpt_neox.layers.1.attention.dense.weight", "F32", [D, D], f32(matrix(D, D, 7))),
]
# Two layers: GPTNeoXConfig reads a JSON 1 as a boolean on Linux (a separate bug), so no field is 1.
CONFIG = {"model_type": "gpt_neox", "num_hidden_layers": 2, "hidden_size": D, "num_attention_heads": 2,
          "intermediate_size": 4 * D, "vocab_size": 32}


def member(name):
    """A zip entry with a fixed timestamp, so the files are byte-identical on every run."""
    return zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))


def torch_zip(pickle_bytes):
    """A torch.save-style zip (stored entries) around a data.pkl."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(member("archive/data.pkl"), pickle_bytes)
        z.writestr(member("archive/byteorder"), "little")
        z.writestr(member("archive/version"), "3\n")
    return buf.getvalue()


def deep_tuple(n=50000):
    return b"\x80\x02" + b")" + b"\x85" * n + b"."


def deep_dict(n=1000000):
    return b"\x80\x02" + (b"}" + b"\x8c\x01a") * n + b"}" + b"s" * n + b"."


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def attack_files(out):
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "deep_tuple.bin"), torch_zip(deep_tuple()))
    write(os.path.join(out, "deep_dict.bin"), torch_zip(deep_dict()))
    write(os.path.join(out, "valid.safetensors"), safetensors(BASE))
    write(os.path.join(out, "rank3.safetensors"), safetensors(BASE + [
        ("gpt_neox.layers.0.mlp.dense_h_to_4h.weight", "F32", [2, 2, 2], f32(matrix(2, 4, 4))),
        ("gpt_neox.layers.0.mlp.dense_4h_to_h.weight", "F32", [], f32([0.5])),
    ]))
    write(os.path.join(out, "unrecognised.safetensors"), safetensors([
        ("transformer.h.0.attn.c_attn.weight", "F32", [D, 3 * D], f32(matrix(D, 3 * D, 5))),
        ("lm_head.weight", "F32", [32, D], f32(matrix(32, D, 6))),
    ]))
    write(os.path.join(out, "control_names.safetensors"), safetensors(BASE + [
        ("evil\x1b]2;pwned\x07\nname\u009b", "F32", [2], f32([1, 2])),
    ]))
    nan = [("gpt_neox.layers.0.attention.dense.weight", "F32", [D, D], f32([math.nan] * (D * D)))]
    write(os.path.join(out, "all_nan.safetensors"), safetensors([t for t in BASE if t[0] != nan[0][0]] + nan))
    header = {"gpt_neox.embed_in.weight": {"dtype": "F32", "shape": [40000, 40000], "data_offsets": [0, 40000 * 40000 * 4]}}
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    write(os.path.join(out, "huge_header.safetensors"), struct.pack("<Q", len(h)) + h)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(CONFIG, f)


def corpus(out):
    """Seeds for the fuzz tests: small valid files of each format and a few hostile ones."""
    for sub in ("safetensors", "pickle", "zip"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    write(os.path.join(out, "safetensors", "valid.safetensors"), safetensors(BASE[2:]))
    write(os.path.join(out, "safetensors", "metadata.safetensors"), b"")
    h = json.dumps({"__metadata__": {"format": "pt"}, "a": {"dtype": "F16", "shape": [2, 2], "data_offsets": [0, 8]}}).encode()
    write(os.path.join(out, "safetensors", "metadata.safetensors"), struct.pack("<Q", len(h)) + h + bytes(8))
    # A state dict pickle as torch writes it (protocol 2): OrderedDict of one _rebuild_tensor_v2 call.
    pkl = (b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00wq\x02ctorch._utils\n_rebuild_tensor_v2\nq\x03"
           b"((X\x07\x00\x00\x00storageq\x04ctorch\nFloatStorage\nq\x05X\x01\x00\x00\x000q\x06X\x03\x00\x00\x00cpuq\x07K\x04tq\x08"
           b"QK\x00K\x02K\x02\x86q\tK\x02K\x01\x86q\n\x89ccollections\nOrderedDict\nq\x0b)Rq\x0ctq\rRq\x0es}q\x0fb.")
    write(os.path.join(out, "pickle", "state_dict.pkl"), pkl)
    write(os.path.join(out, "pickle", "deep_tuple.pkl"), deep_tuple(100))
    write(os.path.join(out, "pickle", "deep_tuple_50000.pkl"), deep_tuple())   # the issue-14 crash itself
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(member("archive/data.pkl"), pkl)
        z.writestr(member("archive/data/0"), f32([1, 2, 3, 4]))
    write(os.path.join(out, "zip", "state_dict.bin"), buf.getvalue())


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--corpus":
        corpus(sys.argv[2])
    elif len(sys.argv) == 2:
        attack_files(sys.argv[1])
    else:
        sys.exit(__doc__)
