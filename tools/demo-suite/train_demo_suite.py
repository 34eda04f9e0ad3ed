#!/usr/bin/env python3
"""Train pytrack's embedded demo suite: three tiny GPT-NeoX runs made the way Pythia was made.

Three 4-layer GPT-NeoX models (d_model 64, 4 heads, d_mlp 256, vocab 512, parallel residual,
rotary on 25% of each head) are trained with the SAME optimiser, schedule and tokens per step on
a real offline text corpus (this interpreter's standard-library Python sources plus
/usr/share/common-licenses), tokenised with a byte-level BPE (vocab 512) trained here with the
`tokenizers` package:

  * run "deduped"       -> pythia-tiny-deduped       : every document once (init seed 1234);
  * run "standard"      -> pythia-tiny               : the same documents, but a seeded 10% of
                                                       them appear 20 times (init seed 1234);
  * run "deduped-seed1" -> pythia-tiny-deduped-seed1 : the deduped data in the same order, from
                                                       another initialisation (init seed 1): the
                                                       run-to-run noise floor (cf. PolyPythias).

Checkpoints follow a Pythia-like schedule (step0, 1, 2, 4, ..., 512, then evenly spaced to the
end) and are written with `save_pretrained(..., safe_serialization=True)` after conversion to
fp16, into the hub layout served by pytrack's test hub:

  Sources/PyTrackDemoSuite/demo-hub/pytrack-demo/<repo>/step<N>/{config.json, model.safetensors}

Per-step training loss and held-out eval loss at each checkpoint go to
tools/demo-suite/losses-<run>.csv. Afterwards every checkpoint is loaded back with
GPTNeoXForCausalLM.from_pretrained and checked (see `verify_suite`).

This is a SYNTHETIC DEMO suite, not Pythia. Run from the repository root:

  python3 tools/demo-suite/train_demo_suite.py                        # all three runs
  python3 tools/demo-suite/train_demo_suite.py --runs deduped-seed1   # only the seed run

`--runs` trains only the named runs and leaves every other run's files untouched; the corpus
manifest and tokenizer are rebuilt in memory and must equal the committed ones, and a short
reproduction of the committed deduped run (its first checkpoints, byte for byte) must succeed,
so a run added later is trained in the same environment as the committed ones.
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import math
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

# Keep the shared 2-core machine usable: one thread for BLAS, OpenMP and the tokenizer trainer.
# These must be set before numpy / torch / tokenizers are imported.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # noqa: E402
from transformers import GPTNeoXConfig, GPTNeoXForCausalLM  # noqa: E402
from transformers.utils import logging as hf_logging  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
DEFAULT_HUB = REPO_ROOT / "Sources" / "PyTrackDemoSuite" / "demo-hub"
ORG = "pytrack-demo"
SEED = 1234  # data seed (selection, order) of every run, and the initialisation seed of two
RUNS = {  # run name -> (hub repository, training data, initialisation seed)
    # mirrors EleutherAI/pythia-X vs pythia-X-deduped, and PolyPythias' pythia-X-seedN
    "deduped": ("pythia-tiny-deduped", "deduped", SEED),
    "standard": ("pythia-tiny", "standard", SEED),
    "deduped-seed1": ("pythia-tiny-deduped-seed1", "deduped", 1),
}
REPRO_PROBE_STEPS = 16  # --runs: reproduce the committed deduped run up to this checkpoint first
EOS = "<|endoftext|>"  # id 0, as in Pythia's tokenizer

# Hyper-parameters (Pythia-like where it matters; sized for ~3 CPU-minutes per run).
VOCAB = 512
SEQ_LEN = 128
BATCH = 16
TOTAL_STEPS = 2000
LOG_STEPS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
EVEN_EVERY = 250  # after step 512: 750, 1000, ..., TOTAL_STEPS
LR_MAX = 1e-3
LR_MIN_FRACTION = 0.1  # Pythia decays to 10% of the maximum learning rate
WARMUP_FRACTION = 0.01  # Pythia warms up over 1% of training
WEIGHT_DECAY = 0.01
BETAS = (0.9, 0.95)
GRAD_CLIP = 1.0
HELDOUT_FRACTION = 0.05  # documents never trained on (eval set)
REPEAT_FRACTION = 0.10  # documents duplicated in the standard run
REPEAT_TIMES = 20  # total occurrences of a duplicated document in the standard run
EVAL_SEQS = 64
DOC_TARGET_CHARS = 4000  # split long files into documents at blank lines after ~4 kB
DOC_MAX_CHARS = 8000
SIZE_LIMIT_BYTES = 30 * 1000 * 1000


def checkpoint_steps(total: int = TOTAL_STEPS) -> list[int]:
    """Pythia-like schedule: 0, 1, 2, 4, ..., 512, then every EVEN_EVERY steps to `total`."""
    steps = [s for s in LOG_STEPS if s <= total]
    s = LOG_STEPS[-1] + EVEN_EVERY - LOG_STEPS[-1] % EVEN_EVERY
    while s <= total:
        steps.append(s)
        s += EVEN_EVERY
    if steps[-1] != total:
        steps.append(total)
    return steps


# ---------------------------------------------------------------------------------------------
# Corpus


def corpus_files() -> list[tuple[str, Path]]:
    """(label, path) of every corpus file, in a fixed order."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    skip_dirs = {"site-packages", "dist-packages", "test", "tests", "idle_test", "__pycache__"}
    files: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(stdlib):
        dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs)
        for name in sorted(filenames):
            if name.endswith(".py"):
                p = Path(dirpath) / name
                files.append(("stdlib/" + str(p.relative_to(stdlib)), p))
    licenses = Path("/usr/share/common-licenses")
    if licenses.is_dir():
        for p in sorted(licenses.iterdir()):
            if p.is_file() and not p.is_symlink():
                files.append(("common-licenses/" + p.name, p))
    files.sort(key=lambda t: t[0])
    return files


def split_document(text: str) -> list[str]:
    """Split a file into documents of ~DOC_TARGET_CHARS at blank lines (hard cap DOC_MAX_CHARS)."""
    docs: list[str] = []
    cur: list[str] = []
    size = 0
    for line in text.splitlines(keepends=True):
        cur.append(line)
        size += len(line)
        if (size >= DOC_TARGET_CHARS and not line.strip()) or size >= DOC_MAX_CHARS:
            docs.append("".join(cur))
            cur, size = [], 0
    if cur and "".join(cur).strip():
        docs.append("".join(cur))
    return docs


def load_corpus(manifest_path: Path) -> list[str]:
    """Read the corpus as a list of documents and write a manifest (label, bytes, sha256)."""
    docs: list[str] = []
    lines = ["# label\tbytes\tsha256\tdocuments"]
    for label, path in corpus_files():
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue  # not UTF-8 text: skipped (and absent from the manifest)
        parts = split_document(text)
        docs.extend(parts)
        lines.append(f"{label}\t{len(raw)}\t{hashlib.sha256(raw).hexdigest()}\t{len(parts)}")
    manifest_path.write_text("\n".join(lines) + "\n")
    return docs


def train_tokenizer(docs: list[str], path: Path) -> Tokenizer:
    """Byte-level BPE with VOCAB entries (256 bytes + EOS + merges), trained on the training docs."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB,
        min_frequency=2,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(docs, trainer=trainer, length=len(docs))
    if tok.token_to_id(EOS) != 0 or tok.get_vocab_size() > VOCAB:
        raise SystemExit(f"{path}: tokenizer has EOS id {tok.token_to_id(EOS)}, size {tok.get_vocab_size()}")
    tok.save(str(path))
    return tok


def encode_docs(tok: Tokenizer, docs: list[str]) -> list[np.ndarray]:
    eos = tok.token_to_id(EOS)
    out = []
    for enc in tok.encode_batch(docs):
        out.append(np.asarray(enc.ids + [eos], dtype=np.int32))  # each document ends with EOS
    return out


class PackedStream:
    """Shuffle documents (seeded, new order per epoch), concatenate, cut SEQ_LEN-token sequences."""

    def __init__(self, docs: list[np.ndarray], seed: int):
        self.docs = docs
        self.seed = seed
        self.epoch = 0
        self.epoch_tokens = sum(len(d) for d in docs)
        self.buf = np.zeros(0, dtype=np.int32)

    def _refill(self) -> None:
        rng = np.random.default_rng([self.seed, self.epoch])
        order = rng.permutation(len(self.docs))
        self.buf = np.concatenate([self.buf] + [self.docs[i] for i in order])
        self.epoch += 1

    def batch(self, n: int) -> torch.Tensor:
        need = n * SEQ_LEN
        while len(self.buf) < need:
            self._refill()
        out, self.buf = self.buf[:need], self.buf[need:]
        return torch.from_numpy(out.astype(np.int64).reshape(n, SEQ_LEN))


def eval_windows(docs: list[np.ndarray], n: int, seed: int) -> torch.Tensor:
    """n fixed SEQ_LEN windows at seeded offsets in the concatenation of `docs`."""
    flat = np.concatenate(docs)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, len(flat) - SEQ_LEN, size=n)
    return torch.from_numpy(np.stack([flat[s : s + SEQ_LEN] for s in starts]).astype(np.int64))


# ---------------------------------------------------------------------------------------------
# Model, schedule, training


def make_config() -> GPTNeoXConfig:
    return GPTNeoXConfig(
        vocab_size=VOCAB,
        hidden_size=64,
        num_hidden_layers=4,
        num_attention_heads=4,
        intermediate_size=256,
        hidden_act="gelu",
        rotary_pct=0.25,
        rotary_emb_base=10000,
        max_position_embeddings=SEQ_LEN,
        initializer_range=0.02,
        layer_norm_eps=1e-5,
        use_parallel_residual=True,
        tie_word_embeddings=False,
        attention_dropout=0.0,
        hidden_dropout=0.0,
        bos_token_id=0,
        eos_token_id=0,
    )


def learning_rate(step: int) -> float:
    """LR for the update that produces checkpoint `step` (1-based): linear warmup, cosine to 10%."""
    warmup = max(1, round(WARMUP_FRACTION * TOTAL_STEPS))
    if step <= warmup:
        return LR_MAX * step / warmup
    progress = (step - warmup) / max(1, TOTAL_STEPS - warmup)
    lo = LR_MAX * LR_MIN_FRACTION
    return lo + 0.5 * (LR_MAX - lo) * (1.0 + math.cos(math.pi * progress))


@torch.no_grad()
def mean_loss(model: GPTNeoXForCausalLM, seqs: torch.Tensor) -> float:
    model.eval()
    losses = [model(input_ids=seqs[i : i + 16], labels=seqs[i : i + 16]).loss.item() for i in range(0, len(seqs), 16)]
    model.train()
    return float(np.mean(losses))


def save_checkpoint(model: GPTNeoXForCausalLM, dest: Path) -> None:
    """fp16 copy -> save_pretrained(safe_serialization=True); keep config.json + model.safetensors.

    config.json additionally carries Pythia's legacy rotary keys (rotary_pct, rotary_emb_base),
    which EleutherAI's config.json files have and transformers 5 folds into rope_parameters.
    model.safetensors is byte-for-byte what save_pretrained wrote.
    """
    half = copy.deepcopy(model).to(torch.float16)
    with tempfile.TemporaryDirectory() as tmp:
        half.save_pretrained(tmp, safe_serialization=True)
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        shutil.move(os.path.join(tmp, "model.safetensors"), dest / "model.safetensors")
        cfg = json.loads(Path(tmp, "config.json").read_text())
        rope = cfg.get("rope_parameters") or {}
        cfg["rotary_pct"] = rope.get("partial_rotary_factor", 0.25)
        cfg["rotary_emb_base"] = rope.get("rope_theta", 10000)
        (dest / "config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")


def train_run(run: str, train_docs: list[np.ndarray], heldout: torch.Tensor, repeated: torch.Tensor,
              hub: Path, threads: int, stop_at: int | None = None, losses_dir: Path | None = HERE) -> dict:
    """Train one run into hub/ORG/<repo>; `stop_at` ends early (a probe), `losses_dir` None writes no CSV."""
    repo, _, init_seed = RUNS[run]
    torch.set_num_threads(threads)
    torch.manual_seed(init_seed)
    np.random.seed(SEED)
    model = GPTNeoXForCausalLM(make_config())  # same init seed => identical step0
    model.train()
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
        lr=LR_MAX, betas=BETAS, eps=1e-8,
    )
    stream = PackedStream(train_docs, SEED)  # the data order depends on the data seed only
    ckpts = set(checkpoint_steps())
    repo_dir = hub / ORG / repo
    if repo_dir.exists():
        shutil.rmtree(repo_dir)
    rows = []
    t0 = time.time()
    last = TOTAL_STEPS if stop_at is None else stop_at
    for step in range(0, last + 1):
        row = {"step": step, "tokens_seen": step * BATCH * SEQ_LEN, "lr": "", "train_loss": "",
               "eval_loss_heldout": "", "eval_loss_repeated": ""}
        if step in ckpts:
            save_checkpoint(model, repo_dir / f"step{step}")
            row["eval_loss_heldout"] = f"{mean_loss(model, heldout):.5f}"
            row["eval_loss_repeated"] = f"{mean_loss(model, repeated):.5f}"
        if step < last:
            # The batch for the update step -> step+1, and its loss under the weights at `step`.
            x = stream.batch(BATCH)
            lr = learning_rate(step + 1)
            for g in opt.param_groups:
                g["lr"] = lr
            loss = model(input_ids=x, labels=x).loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
            opt.step()
            row["lr"] = f"{lr:.6g}"
            row["train_loss"] = f"{loss.item():.5f}"
            if not math.isfinite(loss.item()):
                raise SystemExit(f"run {run}: step {step}: non-finite loss")
        rows.append(row)
        if step % 250 == 0:
            print(f"[{run}] step {step:5d}  train {row['train_loss'] or '-':>8}  "
                  f"eval {row['eval_loss_heldout'] or '-':>8}  {time.time() - t0:6.1f}s", flush=True)
    elapsed = time.time() - t0
    if losses_dir is not None:
        with (losses_dir / f"losses-{run}.csv").open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
    train = [float(r["train_loss"]) for r in rows if r["train_loss"]]
    return {
        "run": run, "repo": f"{ORG}/{repo}", "init_seed": init_seed, "seconds": elapsed, "epochs": stream.epoch,
        "corpus_tokens": stream.epoch_tokens,
        "train_loss_step0": train[0], "train_loss_last50": float(np.mean(train[-50:])),
        "eval_heldout_step0": float(rows[0]["eval_loss_heldout"]),
        "eval_heldout_final": float(rows[-1]["eval_loss_heldout"]),
        "eval_repeated_step0": float(rows[0]["eval_loss_repeated"]),
        "eval_repeated_final": float(rows[-1]["eval_loss_repeated"]),
    }


# ---------------------------------------------------------------------------------------------
# Verification


def verify_suite(hub: Path, heldout: torch.Tensor | None = None) -> None:
    """Load every checkpoint with from_pretrained; step0 shared by the runs of one init seed only."""
    from safetensors.numpy import load_file

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    steps = checkpoint_steps()
    for run, (repo, _, _) in RUNS.items():
        for step in steps:
            d = hub / ORG / repo / f"step{step}"
            files = sorted(p.name for p in d.iterdir())
            if files != ["config.json", "model.safetensors"]:
                raise SystemExit(f"{d}: expected config.json and model.safetensors, found {files}")
            model = GPTNeoXForCausalLM.from_pretrained(d)
            if model.config.rope_parameters.get("partial_rotary_factor") != 0.25:
                raise SystemExit(f"{d}/config.json: partial rotary factor is not 0.25")
            raw = load_file(str(d / "model.safetensors"))
            # transformers 5 holds Pythia's `embed_out` as `lm_head` in memory and renames it back
            # on save (save_original_format=True); compare under the on-disk (Pythia) names.
            state = {("embed_out." + k[len("lm_head."):] if k.startswith("lm_head.") else k): v
                     for k, v in model.state_dict().items()}
            for name, arr in raw.items():
                if arr.dtype != np.float16:
                    raise SystemExit(f"{d}/model.safetensors: {name} is {arr.dtype}, expected float16")
                if not np.array_equal(state[name].to(torch.float16).numpy(), arr):
                    raise SystemExit(f"{d}/model.safetensors: {name} differs after from_pretrained")
            missing = {k for k in state if k not in raw}
            if missing:
                raise SystemExit(f"{d}/model.safetensors: tensors missing after load: {sorted(missing)}")

    def weights(run: str, step: int) -> bytes:
        return (hub / ORG / RUNS[run][0] / f"step{step}" / "model.safetensors").read_bytes()

    final = checkpoint_steps()[-1]
    names = list(RUNS)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            same_init = RUNS[a][2] == RUNS[b][2]
            if (weights(a, 0) == weights(b, 0)) != same_init:
                raise SystemExit(f"step0/model.safetensors: runs {a} and {b} have init seeds "
                                 f"{RUNS[a][2]} and {RUNS[b][2]} but their step0 is "
                                 f"{'different' if same_init else 'identical'}")
            if weights(a, final) == weights(b, final):
                raise SystemExit(f"step{final}/model.safetensors is identical between {a} and {b}")
    total = sum(p.stat().st_size for p in (hub / ORG).rglob("*") if p.is_file())
    if total > SIZE_LIMIT_BYTES:
        raise SystemExit(f"{hub / ORG}: suite is {total} bytes, over the {SIZE_LIMIT_BYTES} limit")
    print(f"verified {len(RUNS) * len(steps)} checkpoints with from_pretrained; step0 shared exactly "
          f"by the runs of one init seed; suite {total} bytes")


def reproduce_committed(hub: Path, train_docs: list[np.ndarray], heldout: torch.Tensor,
                        repeated: torch.Tensor, threads: int) -> None:
    """Retrain the deduped run to REPRO_PROBE_STEPS in a temp hub; its checkpoints must equal the committed ones."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.time()
        train_run("deduped", train_docs, heldout, repeated, Path(tmp), threads,
                  stop_at=REPRO_PROBE_STEPS, losses_dir=None)
        repo = RUNS["deduped"][0]
        for step in [s for s in checkpoint_steps() if s <= REPRO_PROBE_STEPS]:
            for name in ("config.json", "model.safetensors"):
                mine = Path(tmp, ORG, repo, f"step{step}", name).read_bytes()
                theirs = (hub / ORG / repo / f"step{step}" / name).read_bytes()
                if mine != theirs:
                    raise SystemExit(f"{hub / ORG / repo}/step{step}/{name}: this environment does not "
                                     f"reproduce the committed file (versions differ?); not training")
        print(f"reproduced the committed deduped run to step{REPRO_PROBE_STEPS} byte for byte "
              f"({time.time() - t0:.1f}s)", flush=True)


# ---------------------------------------------------------------------------------------------


def write_or_compare(path: Path, text: str, write: bool) -> None:
    """Write `text` (a full run) or require the committed file to hold exactly it (--runs)."""
    if write:
        path.write_text(text)
    elif not path.exists() or path.read_text() != text:
        raise SystemExit(f"{path}: differs from what this environment builds (corpus or tokenizer "
                         f"changed?); the committed runs would not be comparable; not training")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hub", type=Path, default=DEFAULT_HUB, help="hub fixture root (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default: 1)")
    ap.add_argument("--runs", default=",".join(RUNS),
                    help="comma list of runs to train; others are left untouched (default: %(default)s)")
    ap.add_argument("--verify-only", action="store_true", help="only verify existing checkpoints")
    args = ap.parse_args()
    if args.verify_only:
        verify_suite(args.hub)
        return
    selected = [r.strip() for r in args.runs.split(",") if r.strip()]
    unknown = [r for r in selected if r not in RUNS]
    if unknown or not selected:
        ap.error(f"--runs: unknown run(s) {unknown}; known: {', '.join(RUNS)}")
    full = set(selected) == set(RUNS)

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        docs = load_corpus(Path(tmp, "corpus-manifest.tsv"))
        write_or_compare(HERE / "corpus-manifest.tsv", Path(tmp, "corpus-manifest.tsv").read_text(), full)
    rng = np.random.default_rng(SEED)
    perm = rng.permutation(len(docs))
    n_held = int(round(HELDOUT_FRACTION * len(docs)))
    held_idx = sorted(perm[:n_held].tolist())
    train_idx = sorted(perm[n_held:].tolist())
    n_rep = int(round(REPEAT_FRACTION * len(train_idx)))
    rep_idx = sorted(rng.choice(np.asarray(train_idx), size=n_rep, replace=False).tolist())

    with tempfile.TemporaryDirectory() as tmp:
        tok = train_tokenizer([docs[i] for i in train_idx], Path(tmp, "tokenizer.json"))
        write_or_compare(HERE / "tokenizer.json", Path(tmp, "tokenizer.json").read_text(), full)
    ids = encode_docs(tok, docs)
    heldout = eval_windows([ids[i] for i in held_idx], EVAL_SEQS, SEED + 1)
    repeated = eval_windows([ids[i] for i in rep_idx], EVAL_SEQS, SEED + 2)
    train_chars = sum(len(docs[i]) for i in train_idx)
    train_tokens = sum(len(ids[i]) for i in train_idx)
    print(f"corpus: {len(docs)} documents ({len(held_idx)} held out, {len(train_idx)} train, "
          f"{len(rep_idx)} duplicated x{REPEAT_TIMES} in the standard run); "
          f"train {train_chars} chars -> {train_tokens} tokens ({train_chars / train_tokens:.2f} chars/token); "
          f"prep {time.time() - t0:.1f}s", flush=True)

    corpora = {
        "deduped": [ids[i] for i in train_idx],
        "standard": [ids[i] for i in train_idx] + [ids[i] for i in rep_idx for _ in range(REPEAT_TIMES - 1)],
    }
    if not full:
        reproduce_committed(args.hub, corpora["deduped"], heldout, repeated, args.threads)
    summaries = []
    for run in selected:
        summaries.append(train_run(run, corpora[RUNS[run][1]], heldout, repeated, args.hub, args.threads))
        print(json.dumps(summaries[-1]), flush=True)
    summary_path = HERE / "summary.json"
    if not full and summary_path.exists():  # keep the other runs' entries as committed, in order
        old = json.loads(summary_path.read_text())["runs"]
        fresh = {s["run"]: s for s in summaries}
        summaries = [fresh.pop(s["run"], s) for s in old] + list(fresh.values())
    summary_path.write_text(json.dumps({
        "seed": SEED, "vocab": VOCAB, "seq_len": SEQ_LEN, "batch": BATCH, "total_steps": TOTAL_STEPS,
        "checkpoints": checkpoint_steps(), "documents": len(docs), "heldout_documents": len(held_idx),
        "train_documents": len(train_idx), "duplicated_documents": len(rep_idx),
        "repeat_times": REPEAT_TIMES, "train_tokens_deduped": train_tokens,
        "python": sys.version.split()[0], "torch": torch.__version__,
        "transformers": __import__("transformers").__version__,
        "tokenizers": __import__("tokenizers").__version__,
        "runs": summaries,
    }, indent=2) + "\n")
    verify_suite(args.hub)
    print(f"total {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
