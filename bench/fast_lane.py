"""The static fast lane (issue 20, part 1): speed, a fast copy of a store, and how a
half-upgraded (mixed) index would rank.

    PYTHONPATH=src python bench/fast_lane.py speed --store STORE      # passages/s, both models
    PYTHONPATH=src python bench/fast_lane.py convert --store E5 --out FAST
    PYTHONPATH=src python bench/fast_lane.py mixed --store E5 --fast FAST [--share 0.5]

``convert`` copies a store and re-embeds its index with the fast lane: the very
chunks ``ingest --fast`` of the same files gives (it chunks the same way), so
``bench/trust_eval.py`` and the floor fit compare the two models on one corpus.
``mixed`` scores ``bench/trust_queries.json`` (all of it, weak hits included:
ranking only) on an index where a random ``--share`` of the items is upgraded to
e5 and the rest still static, searched as "two dense indexes fused": each
model's FAISS over its own rows, each list min–max scaled, merged, then fused
with BM25 as usual — against the all-static and all-e5 indexes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("RAADSGRAF_MODELS", str(ROOT / "indexes" / "models"))
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT / "src"))

from raadsgraf import config, generations  # noqa: E402
from raadsgraf.index import dense, open_index, storage  # noqa: E402
from raadsgraf.index.encoders import get_encoder  # noqa: E402
from raadsgraf.index.encoders.models import fast_lane, models_folder  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from trust_eval import DEFAULT_QUERIES, evaluate  # noqa: E402


def _passages(store: Path) -> list[str]:
    return [c.passage for c in storage.read_chunks(storage.index_dir(generations.resolve(store)))]


def speed(store: Path, sample: int) -> None:
    settings = config.load({"store": str(store)})
    texts = _passages(store)
    models = models_folder(settings)
    static = get_encoder(fast_lane(settings.model), settings.threads, models)
    for label in ("cold (first sight of every word)", "warm (words seen before)"):
        start = time.perf_counter()
        static.encode_passages(texts)
        took = time.perf_counter() - start
        print(
            f"{static.name} {label}: {len(texts) / took:,.0f} passages/s ({len(texts)} in {took:.1f} s)"
        )
    full = get_encoder(settings.model, settings.threads, models)
    rng = np.random.default_rng(0)
    picked = [texts[i] for i in rng.choice(len(texts), size=min(sample, len(texts)), replace=False)]
    start = time.perf_counter()
    for i in range(0, len(picked), 32):
        full.encode_passages(picked[i : i + 32])
    took = time.perf_counter() - start
    print(f"{full.name}: {len(picked) / took:,.1f} passages/s ({len(picked)} in {took:.1f} s)")
    print(f"load while measuring: {os.getloadavg()[0]:.1f} (1-minute average, 2 cores)")


def convert(store: Path, out: Path) -> None:
    """A copy of ``store`` whose index is the fast lane's, chunk for chunk."""
    if out.exists():
        raise SystemExit(f"{out} exists")
    shutil.copytree(store, out, symlinks=True)
    settings = config.load({"store": str(out)})
    fast = config.load({"store": str(out), "model": fast_lane(settings.model)})
    folder = storage.index_dir(generations.resolve(out))
    cfg = storage.read_config(folder)
    chunks = storage.read_chunks(folder)
    encoder = get_encoder(fast.model, fast.threads, models_folder(fast, folder.parent))
    start = time.perf_counter()
    vectors, _ = storage.embed_chunks(
        storage.default_cache(folder.parent), encoder, chunks, progress=True
    )
    params = storage.ChunkParams(**cfg["chunking"])
    storage.write(folder, chunks, vectors, fast, encoder, cfg["bm25"], params)
    print(
        f"{out}: {len(chunks)} chunks re-embedded with {fast.model} in {time.perf_counter() - start:.1f} s"
    )


class _Mixed:
    """Both models' FAISS indexes and which rows each holds (a half-upgraded index)."""

    def __init__(self, full: Any, fast: Any, upgraded: np.ndarray) -> None:
        self.full, self.fast, self.upgraded = full, fast, upgraded
        self.ntotal = full.ntotal


def _mixed_index(e5_store: Path, fast_store: Path, share: float, seed: int) -> Any:
    settings = config.load({"store": str(e5_store)})
    idx = open_index(e5_store, settings)
    fast_idx = open_index(fast_store, settings)
    assert [c.chunk_id for c in idx.chunks] == [c.chunk_id for c in fast_idx.chunks]
    items = sorted({c.iri for c in idx.chunks})
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(items, size=round(share * len(items)), replace=False).tolist())
    upgraded = np.array([c.iri in chosen for c in idx.chunks])
    full_enc, fast_enc = idx.encoder, fast_idx.encoder

    class Both:
        name, dim = "mixed", full_enc.dim + fast_enc.dim

        def encode_queries(self, texts: list[str]) -> Any:
            return np.hstack([full_enc.encode_queries(texts), fast_enc.encode_queries(texts)])

    # each row's vector in its own model's block: the inner product is its own cosine
    vectors = np.zeros((len(idx.chunks), Both.dim), np.float32)
    vectors[upgraded, : full_enc.dim] = idx.vectors[upgraded]
    vectors[~upgraded, full_enc.dim :] = fast_idx.vectors[~upgraded]
    idx._encoder, idx._vectors = Both(), vectors
    idx._dense = _Mixed(idx._dense, fast_idx._dense, upgraded)
    return idx


def _fused_dense(index: Any, query: Any, k: int, allowed: Any = None) -> Any:
    if not isinstance(index, _Mixed):
        return _plain_dense(index, query, k, allowed)
    dim = index.full.d
    scores: dict[int, float] = {}
    for part, vec, rows in (
        (index.full, query[:dim], np.flatnonzero(index.upgraded)),
        (index.fast, query[dim:], np.flatnonzero(~index.upgraded)),
    ):
        rows = rows if allowed is None else np.intersect1d(rows, allowed)
        ids, values = _plain_dense(part, vec, k, rows.astype(np.int64))
        if len(ids):
            lo, hi = float(values.min()), float(values.max())
            for i, v in zip(ids.tolist(), values.tolist(), strict=True):
                scores[i] = (v - lo) / (hi - lo) if hi > lo else 1.0
    best = sorted(scores.items(), key=lambda x: -x[1])[:k]
    return (np.array([i for i, _ in best], np.int64), np.array([s for _, s in best], np.float32))


_plain_dense = dense.search


def mixed(e5_store: Path, fast_store: Path, share: float, seed: int, queries: Path) -> None:
    import json

    qs = json.loads(queries.read_text(encoding="utf-8"))["queries"]
    settings = config.load({"store": str(e5_store)})
    runs = {
        "all e5": open_index(e5_store, settings),
        "all static (fast lane)": open_index(fast_store, settings),
    }
    dense.search = _fused_dense  # what SearchIndex.search calls, for the mixed index
    runs[f"mixed, {share:.0%} e5, two dense lists fused"] = _mixed_index(
        e5_store, fast_store, share, seed
    )
    metrics = ("known_success@5", "known_mrr", "topic_ndcg@10")
    print(f"{'index':<38} {'mode':<7} " + " ".join(f"{m:>16}" for m in metrics))
    for name, idx in runs.items():
        for mode in ("hybrid", "dense"):
            r = evaluate(idx, qs, mode)
            print(f"{name:<38} {mode:<7} " + " ".join(f"{r[m]:16.3f}" for m in metrics))


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    sub = ap.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("speed")
    sp.add_argument("--store", type=Path, required=True)
    sp.add_argument("--sample", type=int, default=128, help="Passages timed with e5.")
    cp = sub.add_parser("convert")
    cp.add_argument("--store", type=Path, required=True)
    cp.add_argument("--out", type=Path, required=True)
    mp = sub.add_parser("mixed")
    mp.add_argument("--store", type=Path, required=True, help="The e5 store.")
    mp.add_argument("--fast", type=Path, required=True, help="Its `convert` copy.")
    mp.add_argument("--share", type=float, default=0.5)
    mp.add_argument("--seed", type=int, default=0)
    mp.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    args = ap.parse_args()
    if args.command == "speed":
        speed(args.store, args.sample)
    elif args.command == "convert":
        convert(args.store, args.out)
    else:
        mixed(args.store, args.fast, args.share, args.seed, args.queries)


if __name__ == "__main__":
    main()
