"""Issue #20, parts 2-4: e5 throughput, a one-shot CLI call's wall time, ingest peak memory.

    PYTHONPATH=src python bench/lean.py encode --passages 600      # passages/s, old vs new
    PYTHONPATH=src python bench/lean.py greve-index /tmp/h2-greve  # a Greve-sized index (see below)
    PYTHONPATH=src python bench/lean.py cli --store /tmp/h2-greve  # median wall of 10 calls
    PYTHONPATH=src python bench/lean.py ingest --out /tmp/x        # peak RSS of a Greve ingest
    PYTHONPATH=src python bench/lean.py phases --out /tmp/x -- --fast  # peak RSS per phase

``encode`` embeds the same Greve passages twice, back to back: as the encoder
did before issue #20 (batches of 32 sorted only inside themselves, the whole
graph, default session) and as it does now (the split graph, tuned session;
with ``--bucket`` also all texts shortest first, which pads a third less but
changes the int8 vectors); it compares the vectors and prints passages/s beside an estimate of
the arithmetic limit: e5-small's multiply-adds per token (2·12 layers of
384×1536 feed-forward + 4·384² projections, plus attention over the sequence)
× tokens, over the GFLOP/s a float32 matrix product reaches here with the same
threads (numpy, measured now).

``greve-index`` gives a graph-only store (``raadsgraf ingest --no-index``) an
index of Greve's real chunks whose vectors come from the embedding cache where
it has them and are random unit vectors otherwise: on a 2-core machine shared
with other work embedding all 57k passages takes hours, and a call's wall time
does not depend on the vectors' values (the flat scan reads them all). Say so
beside any figure taken on it.

The machine is shared: each figure comes with ``uptime``'s load beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GREVE = ROOT.parent / "shared" / "corpus" / "greve"
if not GREVE.is_dir():
    GREVE = Path("/work/shared/corpus/greve")


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 1)[0]


def greve_passages(n: int) -> list[str]:
    import numpy as np

    from raadsgraf.index.chunking import chunk_document
    from raadsgraf.pipeline import parse_files

    files = sorted(GREVE.glob("*.json"))
    step = max(1, len(files) // 40)
    docs = parse_files(files[::step], progress=False).documents
    passages = [c.passage for d in docs for c in chunk_document(d)]
    rng = np.random.default_rng(0)
    picked = rng.choice(len(passages), size=min(n, len(passages)), replace=False)
    return [passages[i] for i in sorted(picked)]


def matmul_gflops(threads: int) -> float:
    """float32 GEMM throughput at e5's shapes (tokens × 384 · 384 × 1536)."""
    import numpy as np

    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
    a = np.random.default_rng(0).standard_normal((2048, 384), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((384, 1536), dtype=np.float32)
    a @ b
    best = 0.0
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(5):
            a @ b
        best = max(best, 5 * 2 * 2048 * 384 * 1536 / (time.perf_counter() - t) / 1e9)
    return best


def flops_per_token(seq: float) -> float:
    """Multiply-adds ×2 per token of one e5-small layer stack at sequence length ``seq``."""
    hidden, ffn, layers = 384, 1536, 12
    dense = 4 * hidden * hidden + 2 * hidden * ffn  # q, k, v, out; feed-forward in and out
    attention = 2 * seq * hidden  # scores and weighted sum
    return 2.0 * layers * (dense + attention)


def bench_encode(args: argparse.Namespace) -> dict[str, Any]:
    """passages/s and vectors of two int8 models (``--before``: today's per-tensor
    activations; ``--after``: the built default, per-row) fed three ways: batches of 32
    in ingest order, everything bucketed by length (what an ingest does now), one at a
    time; cosines against the float32 graph (``--reference``) and against each model's
    ingest-order vectors."""
    import numpy as np

    from raadsgraf import config
    from raadsgraf.index.encoders import OnnxEncoder
    from raadsgraf.index.encoders.models import DEFAULT_MODEL, model_file, models_folder

    texts = greve_passages(args.passages)
    after = args.after or model_file(DEFAULT_MODEL, models_folder(config.load()))
    models = {"before": args.before, "after": after}
    encoders = {k: OnnxEncoder(p, args.threads, name=k) for k, p in models.items() if p}
    some = next(iter(encoders.values()))
    tokens = [len(x) for x in some._ids(["passage: " + t for t in texts], False)]
    out: dict[str, Any] = {
        "passages": len(texts),
        "mean_tokens": round(float(np.mean(tokens)), 1),
        "models": {k: str(p) for k, p in models.items() if p},
        "threads": args.threads,
    }
    feeds = {"ingest order": _ingest_order, "buckets": _bucketed, "one at a time": _one_by_one}
    feeds = {k: v for k, v in feeds.items() if k in args.feeds}
    vectors: dict[str, Any] = {}
    for model, encoder in encoders.items():
        encoder.encode_passages(texts[:8])  # warm-up: session, tokenizer
        for feed, encode in feeds.items():
            start, cpu, load_before = time.perf_counter(), time.process_time(), load()
            vectors[model, feed] = encode(encoder, texts)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            out[f"{model}, {feed}"] = {
                "passages_per_s": round(len(texts) / seconds, 1),
                # CPU time is what the load does not inflate: both threads' seconds per
                # passage, and the rate two free cores would give if both stayed busy
                "cpu_ms_per_passage": round(1000 * cpu / len(texts), 1),
                "passages_per_s_two_free_cores": round(args.threads * len(texts) / cpu, 1),
                "load": f"{load_before}→{load()}",
            }
    if args.reference:  # untimed
        ref = OnnxEncoder(args.reference, args.threads, name="float32").encode_passages(texts)
        for (model, feed), v in vectors.items():
            out[f"{model}, {feed}"]["cosine_to_float32"] = _cosines(v, ref)
    for (model, feed), v in vectors.items():
        if (model, "ingest order") in vectors:
            out[f"{model}, {feed}"]["cosine_to_own_ingest_order"] = _cosines(
                v, vectors[model, "ingest order"]
            )
    if ("before", "ingest order") in vectors and ("after", "buckets") in vectors:
        out["cosine_after_buckets_to_before_ingest_order"] = _cosines(
            vectors["after", "buckets"], vectors["before", "ingest order"]
        )
    out["padded_tokens"] = {
        "ingest order": sum(_padded(tokens[i : i + 32]) for i in range(0, len(tokens), 32)),
        "buckets": _padded(tokens),
        "real": sum(tokens),
    }
    gflops = matmul_gflops(args.threads)
    per_passage = flops_per_token(float(np.mean(tokens))) * float(np.mean(tokens))
    out["arithmetic_limit"] = {
        "matmul_gflops": round(gflops, 1),
        "gflop_per_passage": round(per_passage / 1e9, 3),
        "passages_per_s": round(gflops * 1e9 / per_passage, 1),
        "load": load(),
    }
    return out


def _ingest_order(encoder: Any, texts: list[str]) -> Any:
    """As an ingest did before: 32 at a time in the order met (sorted inside)."""
    import numpy as np

    return np.concatenate(
        [encoder.encode_passages(texts[i : i + 32]) for i in range(0, len(texts), 32)]
    )


def _bucketed(encoder: Any, texts: list[str]) -> Any:
    """As an ingest does now (:func:`embed_with_cache`: the texts shortest first)."""
    import tempfile

    from raadsgraf.index.encoders.cache import EmbeddingCache, embed_with_cache

    with tempfile.TemporaryDirectory() as tmp, EmbeddingCache(Path(tmp) / "c.sqlite") as cache:
        return embed_with_cache(cache, "x", encoder.dim, texts, encoder.encode_passages)[0]


def _one_by_one(encoder: Any, texts: list[str]) -> Any:
    import numpy as np

    return np.concatenate([encoder.encode_passages([t]) for t in texts])


def _cosines(a: Any, b: Any) -> dict[str, float]:
    cos = (a * b).sum(axis=1)
    return {"min": round(float(cos.min()), 6), "mean": round(float(cos.mean()), 6)}


def _padded(tokens: list[int]) -> int:
    """Tokens fed, padding included, when ``tokens`` go through one encoder call."""
    from raadsgraf.index.encoders import length_batches

    return sum(len(rows) * max(tokens[i] for i in rows) for rows in length_batches(tokens, 16))


def bench_greve_index(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from raadsgraf import config, generations
    from raadsgraf.index.chunking import chunk_document
    from raadsgraf.index.encoders.cache import EmbeddingCache, passage_key
    from raadsgraf.index.encoders.models import DEFAULT_MODEL, build_key
    from raadsgraf.index.storage import index_dir, write
    from raadsgraf.pipeline import parse_files

    settings = config.load({"store": str(args.store)})
    docs = parse_files(sorted(GREVE.glob("*.json")), progress=False).documents
    chunks = [c for d in docs for c in chunk_document(d)]
    vectors = np.random.default_rng(0).standard_normal((len(chunks), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cached = 0
    name = build_key(DEFAULT_MODEL)
    if args.cache is not None:
        with EmbeddingCache(args.cache) as cache:
            known = cache.get_many(name, [passage_key(c.passage) for c in chunks])
        for row, c in enumerate(chunks):
            vec = known.get(passage_key(c.passage))
            if vec is not None:
                vectors[row], cached = vec, cached + 1

    class Named:
        dim = 384

        def __init__(self) -> None:
            self.name = name

    folder = index_dir(generations.resolve(args.store))
    folder.mkdir(parents=True, exist_ok=True)
    write(folder, chunks, vectors, settings, Named())  # type: ignore[arg-type]
    return {"chunks": len(chunks), "real_vectors": cached, "random_vectors": len(chunks) - cached}


def bench_cli(args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(args.src))
    calls = {
        "search": ["search", args.query, "-k", "10"],
        "search --json": ["search", args.query, "-k", "10", "--json"],
        "lineage": ["lineage", args.case],
        "--help": ["--help"],
    }
    out: dict[str, Any] = {}
    for name, argv in calls.items():
        cmd = [sys.executable, "-m", "raadsgraf", *argv, "--store", str(args.store)]
        cmd = cmd[:-2] if name == "--help" else cmd
        subprocess.run(cmd, env=env, capture_output=True)  # warm the page cache
        walls, cpus, loads = [], [], []
        for _ in range(args.runs):
            loads.append(float(load()))
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(cmd, env=env, capture_output=True)
            walls.append(time.perf_counter() - start)
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime)
            if done.returncode:
                raise SystemExit(f"{' '.join(cmd)}: {done.stderr.decode()[-500:]}")
        out[name] = {
            "median_s": round(statistics.median(walls), 3),
            "min_s": round(min(walls), 3),
            "max_s": round(max(walls), 3),
            "median_cpu_s": round(statistics.median(cpus), 3),  # user + sys: less load-bound
            "load": f"{min(loads):.1f}-{max(loads):.1f}",
        }
    return out


def bench_ingest(args: argparse.Namespace) -> dict[str, Any]:
    """Peak RSS of ``raadsgraf ingest`` of Greve into a fresh store (``/usr/bin/time -v``)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "raadsgraf", "ingest", "-q"]
    cmd += [] if args.index else ["--no-index"]
    cmd += ["--store", str(args.out), str(GREVE)]
    before = load()
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    stats = dict(
        line.strip().split(": ", 1) for line in done.stderr.splitlines() if ": " in line.strip()
    )
    return {
        "peak_rss_mb": round(int(stats.get("Maximum resident set size (kbytes)", 0)) / 1024, 1),
        "wall_s": round(time.perf_counter() - start, 1),
        "index": args.index,
        "load": f"{before}→{load()}",
        "exit": done.returncode,
    }


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    kb = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")), "0")
    return int(kb) / 1024


def _mappings_mb(pid: int, top: int = 8) -> dict[str, float]:
    """Resident MB of a process by mapping (``/proc/PID/smaps``): each file by its
    name, anonymous memory as ``[anon]`` (the C heap, Python's objects, numpy's
    arrays, onnxruntime's arena), the largest ``top`` of them and ``other``."""
    sizes: dict[str, float] = {}
    name = "[anon]"
    try:
        lines = Path(f"/proc/{pid}/smaps").read_text().splitlines()
    except OSError:
        return {}
    for line in lines:
        head = line.split(None, 5)
        if len(head) >= 5 and "-" in head[0] and ":" not in head[0]:  # a mapping's first line
            path = head[5].strip() if len(head) > 5 else ""
            name = Path(path).name if path.startswith("/") else "[anon]"
        elif line.startswith("Rss:"):
            sizes[name] = sizes.get(name, 0.0) + int(line.split()[1]) / 1024
    ranked = sorted(sizes.items(), key=lambda kv: -kv[1])
    out = {k: round(v, 1) for k, v in ranked[:top]}
    out["other"] = round(sum(v for _, v in ranked[top:]), 1)
    return out


def _descendants(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        for task in tasks:
            for child in (task / "children").read_text().split():
                kids += [int(child), *_descendants(int(child))]
    except OSError:
        pass
    return kids


#: Every phase of an ingest, named in whichever process runs it (module → its
#: functions and class methods → the phase's name). The CLI runs a large ingest's
#: read pass, graph stage and index stage each in a child process
#: (raadsgraf/apart.py); a smaller one runs them here.
PHASES: dict[str, list[tuple[str, str]]] = {
    "raadsgraf.pipeline": [
        ("_read_all", "read sources"),
        ("release_freed_memory", "malloc_trim"),
    ],
    "raadsgraf.graph.store": [("GraphStore.replace_sources", "bulk load")],
    "raadsgraf.graph.derive": [("refresh", "derive")],
    "raadsgraf.graph.identity": [("refresh", "identity")],
    "raadsgraf.index.storage": [
        ("update", "index: chunking"),
        ("index_encoder", "index: encoder loaded"),
        ("embed_chunks", "index: embed"),
        ("write_vectors", "index: vectors, FAISS"),
        ("write", "index: write (FAISS, BM25, chunks)"),
    ],
    "raadsgraf.index.sparse": [("SparseIndex.build", "index: BM25 build")],
}


def _named(owner: Any, attr: str, name: str, phase: Callable[[str], None]) -> None:
    """Wraps ``owner.attr`` so that ``phase`` hears ``name`` while it runs. The
    wrapper keeps the function's module and name: a fresh process still finds it
    (raadsgraf/apart.py runs only what it can find by name)."""
    import functools

    inner = getattr(owner, attr)

    @functools.wraps(inner)
    def wrapper(*a: Any, **k: Any) -> Any:
        phase(name)
        try:
            return inner(*a, **k)
        finally:
            phase(f"after {name}")

    setattr(owner, attr, wrapper)


def _wrap(module: Any, phase: Callable[[str], None]) -> None:
    for dotted, name in PHASES[module.__name__]:
        *owner, attr = dotted.split(".")
        found = getattr(module, owner[0]) if owner else module
        if hasattr(found, attr):  # an older raadsgraf may not have it
            _named(found, attr, name, phase)


def install(phase: Callable[[str], None]) -> None:
    """Names every phase in :data:`PHASES` as its module is imported (and in those
    imported already), without importing any: a child process holds only the
    libraries its own stage imports."""
    import importlib.abc
    import importlib.machinery

    class Hook(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
            if fullname not in PHASES:
                return None
            spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
            if spec is None or spec.loader is None:
                return spec
            run = spec.loader.exec_module

            def exec_module(module: Any) -> None:
                run(module)
                _wrap(module, phase)

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, Hook())
    for module in list(PHASES):
        if module in sys.modules:
            _wrap(sys.modules[module], phase)


def child_phases(file: str) -> None:
    """In an ingest's child process (installed by the ``sitecustomize`` that
    ``phases`` puts on the child's path): its phases, written to ``file`` as they
    start and end."""

    def phase(name: str) -> None:
        Path(file + ".tmp").write_text(name)
        os.replace(file + ".tmp", file)

    install(phase)


def bench_phases(args: argparse.Namespace) -> dict[str, Any]:
    """Peak RSS per phase of a Greve ingest run by the CLI in this process: a thread
    samples this process's RSS and its child processes' (the largest one and the
    sum of all processes, this one included) every 50 ms while each phase is
    named where it runs: here, or in a child (``child: …`` rows; a
    ``sitecustomize`` on the children's path installs the same names there).
    ``parent`` is this process, ``child`` the largest child, ``sum`` all of them."""
    import tempfile
    import threading

    from raadsgraf import cli

    phase = ["start"]
    peaks: dict[str, dict[str, float]] = {}
    smaps: dict[str, dict[str, float]] = {}
    done = threading.Event()
    hook = Path(tempfile.mkdtemp(prefix="lean-phases-"))
    child_phase = hook / "phase"
    (hook / "sitecustomize.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import lean\n"
        f"lean.child_phases({str(child_phase)!r})\n"
    )
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(hook), os.environ.get("PYTHONPATH")])
    )

    def sample() -> None:
        me = os.getpid()
        while not done.is_set():
            own = _rss_mb(me)
            kids = [_rss_mb(k) for k in _descendants(me)]
            name = phase[0]
            if kids and child_phase.is_file():
                name = f"child: {child_phase.read_text()}"
            peak = peaks.setdefault(name, {"parent": 0.0, "child": 0.0, "sum": 0.0})
            peak["parent"] = max(peak["parent"], own)
            if kids and max(kids) > peak["child"] and args.smaps:
                largest = _descendants(me)[kids.index(max(kids))]
                smaps[name] = _mappings_mb(largest)
            peak["child"] = max(peak["child"], max(kids, default=0.0))
            peak["sum"] = max(peak["sum"], own + sum(kids))
            time.sleep(0.05)

    def here(name: str) -> None:
        phase[0] = name

    install(here)
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    argv = ["ingest", "-q", "--store", str(args.out), *args.flags, str(args.sources)]
    start = time.perf_counter()
    before = load()
    try:
        cli.cli(argv, standalone_mode=False)
    finally:
        done.set()
        thread.join()
    return {
        "phases_peak_mb": {k: {n: round(v) for n, v in p.items()} for k, p in peaks.items()},
        "largest_child_by_mapping_mb": smaps,
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "children_maxrss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "peak_sum_mb": round(max((p["sum"] for p in peaks.values()), default=0.0)),
        "wall_s": round(time.perf_counter() - start, 1),
        "argv": argv,
        "load": f"{before}→{load()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    enc = sub.add_parser("encode")
    enc.add_argument("--passages", type=int, default=600)
    enc.add_argument("--threads", type=int, default=2)
    enc.add_argument("--before", type=Path, help="an int8 model_int8.onnx to compare with")
    enc.add_argument("--after", type=Path, help="default: the built default model")
    enc.add_argument("--reference", type=Path, help="the float32 model.onnx (e5-small)")
    enc.add_argument(
        "--feeds", nargs="+", default=["ingest order", "buckets", "one at a time"],
        choices=["ingest order", "buckets", "one at a time"],
    )  # fmt: skip
    gi = sub.add_parser("greve-index")
    gi.add_argument("store", type=Path)
    gi.add_argument(
        "--cache", type=Path, default=None, help="an embedding cache to take vectors from"
    )
    cli = sub.add_parser("cli")
    cli.add_argument("--store", type=Path, required=True)
    cli.add_argument("--query", default="boligsocial helhedsplan")
    cli.add_argument("--case", default="00.01.00-A00-4-22")
    cli.add_argument("--runs", type=int, default=10)
    cli.add_argument(
        "--src", type=Path, default=ROOT / "src", help="another checkout's src (before)"
    )
    ing = sub.add_parser("ingest")
    ing.add_argument("--out", type=Path, required=True)
    ing.add_argument("--index", action="store_true", help="also embed (hours on e5 for Greve)")
    ph = sub.add_parser("phases")
    ph.add_argument("--out", type=Path, required=True)
    ph.add_argument("--sources", type=Path, default=GREVE, help="what to ingest (all of Greve)")
    ph.add_argument(
        "--smaps", action="store_true",
        help="the largest child's resident memory by mapping at each phase's peak",
    )  # fmt: skip
    ph.add_argument("flags", nargs="*", help="ingest flags, after --: -- --fast / -- --no-index")
    args = parser.parse_args()
    bench = {
        "encode": bench_encode,
        "greve-index": bench_greve_index,
        "cli": bench_cli,
        "ingest": bench_ingest,
        "phases": bench_phases,
    }[args.what]
    print(json.dumps(bench(args), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
