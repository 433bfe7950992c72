"""A million real passages: load time, memory, recall@10 and latency of the dense
search engines (FAISS flat / IVF / HNSW in the embedded index, and Milvus Lite).

    PYTHONPATH=src python bench/million.py passages --n 1000000   # Greve text → passages
    PYTHONPATH=src python bench/million.py embed                  # static e5 vectors
    PYTHONPATH=src python bench/million.py engines                # flat, ivf, ivf-flat, hnsw, milvus
    PYTHONPATH=src python bench/million.py e5                     # the same on real e5 vectors
    PYTHONPATH=src python bench/million.py report                 # the figures as a table

Passages: the Greve FirstAgenda corpus read by the project's parser and chunked by
its chunker; then, per chunk, its sentences in windows of one to four, and word
windows of 15 to 130 words under the item's title, each overlapping the next by
half (as the chunker's own windows overlap). Real, varied text (exact repeats
dropped), never perturbed copies of a few vectors — approximate indexes behave
differently on near-duplicates. Overlapping windows of one text are related
passages, as in any chunked corpus; a random sample of them fills up to ``--n``.

Vectors: embedding 10^6 passages with e5 (~25 passages/s here) would take half a
day, so the passages get a *static* model distilled from our e5 (the fast lane of
issue #20, built here until its builder is in main; model2vec's own distillation
ran at ~9 tokens/s on this shared machine, 7 hours for e5's 250k pieces): each
tokenizer piece the passages use is embedded once by e5-small-int8
("passage: <piece>"), a word is the sum of its pieces, and a passage is the
SIF-weighted mean of its words (model2vec's recipe, without its PCA: the
vectors keep e5's 384 dimensions, so memory and latency are e5's). The
queries (bench/trust_queries.json, the dev queries, Greve item titles) go through
the same model. ``e5`` repeats the measurements on the real e5 vectors the Greve
ingest has cached so far, with e5 query vectors.

Each engine runs in its own process (``--engines``): build time, peak RSS (for Milvus
Lite, its server process), recall@10 against the exact flat scan, p50/p95 latency
of one query at a time (one thread, as the service searches). Timings are taken on
a 2-core machine shared with other work: the load is written beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("RAADSGRAF_MODELS", str(ROOT / "indexes" / "models"))
sys.path.insert(0, str(ROOT / "src"))

from raadsgraf import parse_files  # noqa: E402
from raadsgraf.index import dense  # noqa: E402
from raadsgraf.index.chunking import ChunkParams, chunk_document  # noqa: E402
from raadsgraf.index.encoders import get_encoder  # noqa: E402

# the corpus beside the repository (a CI clone), else the workplace's shared copy
GREVE = (
    next(
        (p for p in (ROOT.parent / "shared", Path("/work/shared")) if (p / "corpus").is_dir()),
        ROOT.parent / "shared",
    )
    / "corpus"
    / "greve"
)
GREVE_CACHE = Path("/work/cache/greve-store/shared/embeddings.sqlite")
WORK = Path(os.environ.get("MILLION_WORK", "/work/cache/k2/million"))
ENGINES = ("flat", "ivf", "ivf-flat", "hnsw", "milvus")
K = 10
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9])")
WORD_WINDOWS = (15, 20, 25, 30, 40, 50, 60, 80, 100, 130)
SIF_A = 1e-3


def load_text() -> str:
    return f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} (1/5 min), 2 cores"


# --- passages ------------------------------------------------------------------------------


def variants(title: str, text: str) -> list[str]:
    """Sentence windows (1-4 sentences), and word windows of several lengths under
    the title, each overlapping the next by half (as chunks overlap their neighbours)."""
    out = []
    sentences = [s for s in SENTENCE.split(text) if len(s.split()) >= 4]
    for size in (1, 2, 3, 4):
        for i in range(0, max(0, len(sentences) - size + 1)):
            out.append(" ".join(sentences[i : i + size]))
    words = text.split()
    for size in WORD_WINDOWS:
        if len(words) > size:
            for i in range(0, len(words) - size // 2, size // 2):
                out.append(f"{title}\n{' '.join(words[i : i + size])}")
    return out


def cmd_passages(args: argparse.Namespace) -> None:
    report = parse_files([GREVE], progress=True)
    if not report.documents:
        sys.exit(f"{GREVE}: no Greve meetings read")
    chunks = [c for d in report.documents for c in chunk_document(d, ChunkParams())]
    seen: dict[str, None] = {c.passage: None for c in chunks}
    base = len(seen)
    for c in tqdm(chunks, desc="variants", unit="chunk", file=sys.stderr):
        for v in variants(c.item_title, c.text):
            seen.setdefault(v, None)
    texts = list(seen)
    rng = np.random.default_rng(0)
    if len(texts) > args.n:  # every chunk, then a random sample of the variants
        extra = rng.choice(np.arange(base, len(texts)), size=args.n - base, replace=False)
        texts = texts[:base] + [texts[i] for i in sorted(extra.tolist())]
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "passages.jsonl").write_text(
        "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8"
    )
    titles = sorted({c.item_title for c in chunks if len(c.item_title.split()) >= 3})
    trust = json.loads((ROOT / "bench" / "trust_queries.json").read_text(encoding="utf-8"))
    queries = [q["text"] for q in trust["queries"]]
    queries += [titles[i] for i in rng.choice(len(titles), size=352, replace=False).tolist()]
    (WORK / "queries.json").write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    words = sum(len(t.split()) for t in texts)
    print(
        f"{len(texts):,} passages ({base:,} chunks of {len(report.documents)} meetings, "
        f"{len(texts) - base:,} windows; {len(seen):,} distinct available), "
        f"{words / len(texts):.0f} words on average; {len(queries)} queries",
        file=sys.stderr,
    )


# --- the static model -----------------------------------------------------------------------


WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def cmd_embed(args: argparse.Namespace) -> None:
    """The static model: e5 vectors of the tokenizer pieces the corpus uses, words
    as the sum of their pieces, passages as the SIF-weighted mean of their words.
    (Words first: tokenizing each distinct word once is ~20x cheaper here than
    tokenizing a million passages.)"""
    from scipy import sparse

    encoder: Any = get_encoder("e5-small-int8", 2)
    tokenizer = encoder._tokenizer  # the e5 tokenizer the ONNX model was built with
    texts = [json.loads(line) for line in (WORK / "passages.jsonl").open(encoding="utf-8")]
    queries = json.loads((WORK / "queries.json").read_text(encoding="utf-8"))
    start = time.perf_counter()
    vocab: dict[str, int] = {}
    rows: list[list[int]] = []
    for text in tqdm(texts + queries, desc="words", unit="text", file=sys.stderr, mininterval=5):
        rows.append([vocab.setdefault(w, len(vocab)) for w in WORD.findall(text.lower())])
    words = list(vocab)
    pieces_of = [e.ids[1:-1] for e in tokenizer.encode_batch(words)]
    used = sorted({p for ps in pieces_of for p in ps})
    col = {p: j for j, p in enumerate(used)}
    names = [tokenizer.id_to_token(p).replace("\u2581", " ").strip() or "_" for p in used]
    table = np.zeros((len(used), encoder.dim), np.float32)
    for i in tqdm(range(0, len(names), 256), desc="pieces", unit="x256", file=sys.stderr):
        table[i : i + 256] = encoder.encode_passages(names[i : i + 256])
    indptr = np.cumsum([0] + [len(ps) for ps in pieces_of])
    cols = np.array([col[p] for ps in pieces_of for p in ps], np.int64)
    word_piece = sparse.csr_matrix((np.ones(len(cols)), cols, indptr), (len(words), len(used)))
    word_vectors = np.asarray(word_piece @ table, np.float32)
    counts = np.bincount(np.concatenate([np.array(r, np.int64) for r in rows[: len(texts)] if r]))
    counts = np.pad(counts, (0, len(words) - len(counts)))
    sif = SIF_A / (SIF_A + counts / counts.sum())
    built = time.perf_counter() - start

    def vectors(part_rows: list[list[int]], path: Path) -> float:
        t0 = time.perf_counter()
        shape = (len(part_rows), encoder.dim)
        out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=shape)
        for s in tqdm(range(0, len(part_rows), 50_000), desc=path.stem, file=sys.stderr):
            part = part_rows[s : s + 50_000]
            ptr = np.cumsum([0] + [len(r) for r in part])
            idx = np.array([w for r in part for w in r], np.int64)
            m = sparse.csr_matrix((sif[idx], idx, ptr), shape=(len(part), len(words)))
            v = np.asarray(m @ word_vectors, np.float32)
            v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
            out[s : s + len(part)] = v
        out.flush()
        return time.perf_counter() - t0

    seconds = vectors(rows[: len(texts)], WORK / "vectors.npy")
    vectors(rows[len(texts) :], WORK / "queries.npy")
    seconds += center(WORK)
    info = {
        "passages": len(texts),
        "words": len(words),
        "pieces": len(used),
        "model_build_seconds": round(built, 1),
        "embed_seconds": round(seconds, 1),
        "load": load_text(),
    }
    (WORK / "embed.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    print(json.dumps(info), file=sys.stderr)


def center(folder: Path) -> float:
    """Subtract the passages' mean vector and normalise again (passages and queries).
    Static vectors of one language crowd into a very narrow cone (a random pair of
    these passages sits at cosine 0.994, against e5's 0.85); model2vec's PCA centres
    them too. Inner-product rankings barely move, but cell and graph indexes see
    the real spread."""
    t0 = time.perf_counter()
    vectors = np.load(folder / "vectors.npy", mmap_mode="r+")
    mean = np.zeros(vectors.shape[1], np.float64)
    for s in range(0, len(vectors), 100_000):
        mean += vectors[s : s + 100_000].sum(axis=0)
    mean = (mean / len(vectors)).astype(np.float32)
    for path in (folder / "vectors.npy", folder / "queries.npy"):
        v = np.load(path, mmap_mode="r+")
        for s in range(0, len(v), 100_000):
            part = v[s : s + 100_000] - mean
            v[s : s + 100_000] = part / np.maximum(
                np.linalg.norm(part, axis=1, keepdims=True), 1e-12
            )
        v.flush()
    return time.perf_counter() - t0


def cmd_e5(args: argparse.Namespace) -> None:
    """Real e5 passage vectors (the Greve ingest's cache) and e5 query vectors."""
    import shutil
    import sqlite3

    out = WORK / "e5"
    out.mkdir(parents=True, exist_ok=True)
    copy = out / "cache.sqlite"
    shutil.copy(GREVE_CACHE, copy)  # read-only source: the ingest is still writing it
    encoder = get_encoder("e5-small-int8", 2)
    with sqlite3.connect(copy) as db:
        rows = db.execute(
            "SELECT vec FROM vectors WHERE model = ? ORDER BY key LIMIT ?", (encoder.name, args.n)
        ).fetchall()
    vectors = np.stack([np.frombuffer(r[0], np.float32) for r in rows])
    np.save(out / "vectors.npy", vectors)
    queries = json.loads((WORK / "queries.json").read_text(encoding="utf-8"))[: args.queries]
    np.save(out / "queries.npy", encoder.encode_queries(queries))
    print(f"{len(vectors):,} real e5 passage vectors, {len(queries)} e5 queries", file=sys.stderr)
    args.n = min(args.n, len(vectors))
    run_engines(out, args)


# --- engines ---------------------------------------------------------------------------------


def latencies(search: Any, queries: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    for q in queries[:5]:  # warm-up
        search(q)
    found, times = [], []
    for q in queries:
        t0 = time.perf_counter()
        found.append(search(q))
        times.append(time.perf_counter() - t0)
    ms = np.array(times) * 1000
    return np.array(found), {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
    }


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)]))


def faiss_engine(
    kind: str, vectors: np.ndarray, queries: np.ndarray, truth: Any, args: argparse.Namespace
) -> dict[str, Any]:
    """Build, then query. With ``--save-index`` only the build runs (niced, long)
    and the index is written; ``--load-index`` then runs only the query phase
    (timed: under the bench lock), so a long build never holds the lock."""
    import faiss

    result: dict[str, Any] = {}
    if args.load_index:
        t0 = time.perf_counter()
        index = faiss.read_index(args.load_index)
        result["read_index_s"] = round(time.perf_counter() - t0, 1)
    else:
        dense.set_threads(2)  # builds use both cores
        t0 = time.perf_counter()
        index = dense.build(vectors, kind)
        result["build_s"] = round(time.perf_counter() - t0, 1)
        if args.save_index:
            faiss.write_index(index, args.save_index)
            return result
    if kind == "flat":  # the ground truth: one batched exact search
        np.save(truth_path(len(vectors)), index.search(queries, K)[1])
        queries = queries[:LATENCY_QUERIES_FLAT]
    dense.set_threads(1)  # one query at a time, as the service searches
    sweep = {"ivf": "nprobe", "ivf-flat": "nprobe", "hnsw": "efSearch"}.get(kind)
    values: list[int | None] = [None]
    if kind in ("ivf", "ivf-flat"):
        nlist = int(index.nlist)
        values = [max(1, nlist // d) for d in (80, 40, 20, 10)]
    elif kind == "hnsw":
        values = [64, 128, 256, 512]
    for value in values:
        if kind in ("ivf", "ivf-flat"):
            index.nprobe = value
        elif kind == "hnsw":
            index.hnsw.efSearch = value
        found, lat = latencies(lambda q: index.search(q.reshape(1, -1), K)[1][0], queries)
        key = f"{sweep}={value}" if sweep else "exact"
        result[key] = {**lat, "recall@10": 1.0 if truth is None else round(recall(found, truth), 3)}
    return result


def milvus_engine(
    vectors: np.ndarray, queries: np.ndarray, truth: Any, args: argparse.Namespace
) -> dict[str, Any]:
    """Insert, wait for the index, query. ``--save-index DB`` stops after the index
    is built (niced, long); ``--load-index DB`` opens that file and only queries."""
    import psutil
    from pymilvus import MilvusClient

    n = len(vectors)
    nlist = dense.ivf_lists(n)
    if args.load_index:
        t0 = time.perf_counter()
        client = MilvusClient(args.load_index)
        client.load_collection("bench")
        result: dict[str, Any] = {"open_s": round(time.perf_counter() - t0, 1)}
    else:
        client, result = milvus_build(vectors, Path(args.save_index or WORK_RUN / "milvus.db"))
        if args.save_index:
            client.close()
            return result
    result["server_rss_mb"] = round(
        sum(c.memory_info().rss for c in psutil.Process().children(recursive=True)) / 2**20
    )
    milvus_queries(client, nlist, queries, truth, result)
    client.close()
    return result


def milvus_build(vectors: np.ndarray, db: Path) -> tuple[Any, dict[str, Any]]:
    from pymilvus import DataType, MilvusClient

    for p in db.parent.glob(db.name + "*"):
        subprocess.run(["rm", "-rf", str(p)], check=True)
    client = MilvusClient(str(db))
    n, dim = vectors.shape
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    nlist = dense.ivf_lists(n)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="IVF_FLAT", metric_type="IP", params={"nlist": nlist})
    client.create_collection("bench", schema=schema, index_params=index)
    t0 = time.perf_counter()
    for s in tqdm(range(0, n, 5000), desc="milvus insert", file=sys.stderr):
        part = vectors[s : s + 5000]
        client.insert("bench", [{"id": s + i, "vector": v} for i, v in enumerate(part.tolist())])
    client.flush("bench")
    insert = time.perf_counter() - t0
    # Milvus builds segment indexes in the background, and searches unindexed
    # segments by brute force: wait until every row is indexed before timing
    while True:
        state = client.describe_index("bench", "vector")
        if int(state.get("indexed_rows", 0)) >= n and not state.get("pending_index_rows"):
            break
        time.sleep(2)
    client.load_collection("bench")
    loaded = time.perf_counter() - t0
    return client, {
        "insert_s": round(insert, 1),
        "build_s": round(loaded, 1),  # insert + index built + loaded
        "index": f"IVF_FLAT nlist={nlist}",
    }


def milvus_queries(
    client: Any, nlist: int, queries: np.ndarray, truth: Any, result: dict[str, Any]
) -> None:
    for nprobe in [max(1, nlist // d) for d in (80, 40, 20, 10)]:

        def search(q: np.ndarray, nprobe: int = nprobe) -> list[int]:
            hits = client.search(
                "bench",
                data=[q.tolist()],
                limit=K,
                search_params={"metric_type": "IP", "params": {"nprobe": nprobe}},
            )
            return [h["id"] for h in hits[0]][:K] + [-1] * (K - len(hits[0]))

        found, lat = latencies(search, queries)
        result[f"nprobe={nprobe}"] = {**lat, "recall@10": round(recall(found, truth), 3)}


WORK_RUN = WORK
#: The flat scan's latency is measured on fewer queries (its answers on all of them
#: are the ground truth, from one batched search).
LATENCY_QUERIES_FLAT = 50


def truth_path(n: int) -> Path:
    return WORK_RUN / f"truth-{n}.npy"


def cmd_engine(args: argparse.Namespace) -> None:
    """One engine in this process (called by ``engines``)."""
    global WORK_RUN
    WORK_RUN = Path(args.dir)
    vectors = np.load(WORK_RUN / "vectors.npy", mmap_mode="r")[: args.n]
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    queries = np.load(WORK_RUN / "queries.npy").astype(np.float32)[: args.queries]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    truth = None if args.engine == "flat" else np.load(truth_path(len(vectors)))[: len(queries)]
    if args.engine == "milvus":
        result = milvus_engine(vectors, queries, truth, args)
    else:
        result = faiss_engine(args.engine, vectors, queries, truth, args)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["process_peak_rss_mb"] = round(peak)
    result["rss_over_vectors_mb"] = round(peak - base)
    result["n"] = len(vectors)
    result["load"] = load_text()
    print(json.dumps(result))


def run_engines(folder: Path, args: argparse.Namespace) -> None:
    suffix = "" if args.n >= 1_000_000 else f"-{args.n}"
    results_path = folder / f"results{suffix}.json"
    results = json.loads(results_path.read_text()) if results_path.is_file() else {}
    for engine in args.engines.split(","):
        print(f"{engine}: {load_text()}", file=sys.stderr)
        sizes = ["--n", str(args.n), "--queries", str(args.queries)]
        out = subprocess.run(
            [sys.executable, __file__, "engine", engine, "--dir", str(folder), *sizes],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        key = engine if args.n >= 1_000_000 else f"{engine}@{args.n}"
        results[key] = json.loads(out.strip().splitlines()[-1])
        print(json.dumps(results[key]), file=sys.stderr)
        results_path.write_text(json.dumps(results, indent=2))


def cmd_engines(args: argparse.Namespace) -> None:
    run_engines(WORK, args)


def cmd_report(args: argparse.Namespace) -> None:
    """The results as Markdown tables (one per results file)."""
    for path in sorted(WORK.glob("results*.json")) + sorted(WORK.glob("e5/results*.json")):
        print(f"\n`{path.relative_to(WORK)}`\n")
        print("| engine | setting | build / load | peak RSS | recall@10 | p50 / p95 | load avg |")
        print("|---|---|---|---|---|---|---|")
        for engine, r in json.loads(path.read_text()).items():
            build = f"{r['build_s']} s"
            if "insert_s" in r:
                build = f"insert {r['insert_s']} s, loaded {r['build_s']} s"
            load = r["load"].split("load average ")[1].split(" (")[0]
            for setting, m in r.items():
                if isinstance(m, dict):
                    print(
                        f"| {engine} | {setting} | {build} | {r['process_peak_rss_mb']:,} MB | "
                        f"{m['recall@10']} | {m['p50_ms']} / {m['p95_ms']} ms | {load} |"
                    )
                    build = ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("passages")
    p.add_argument("--n", type=int, default=1_000_000)
    sub.add_parser("embed")
    for name in ("engines", "e5", "engine"):
        p = sub.add_parser(name)
        if name == "engine":
            p.add_argument("engine", choices=ENGINES)
            p.add_argument("--dir", required=True)
        else:
            p.add_argument("--engines", default=",".join(ENGINES))
        p.add_argument("--n", type=int, default=1_000_000)
        p.add_argument("--queries", type=int, default=200, help="queries timed (and recalled)")
        if name == "engine":
            p.add_argument("--save-index", help="build, write the index (file / Milvus db), stop")
            p.add_argument("--load-index", help="read this index (file / Milvus db), only query")
    sub.add_parser("report")
    args = ap.parse_args()
    {
        "passages": cmd_passages,
        "embed": cmd_embed,
        "engines": cmd_engines,
        "e5": cmd_e5,
        "engine": cmd_engine,
        "report": cmd_report,
    }[args.cmd](args)


if __name__ == "__main__":
    main()
