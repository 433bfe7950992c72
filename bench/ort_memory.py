"""Peak memory and speed of e5 passage encoding under onnxruntime's memory options.

    PYTHONPATH=src python bench/ort_memory.py --chunks STORE/index/chunks.jsonl --longest 200
    PYTHONPATH=src python bench/ort_memory.py ... --no-arena --tokens 1024 --vectors /tmp/a.npy

Encodes the ``--longest`` longest passages of an index's ``chunks.jsonl`` plus
``--random`` others (shortest first, 32 per encoder call, as an ingest does:
:func:`raadsgraf.index.encoders.cache.embed_with_cache`) in this one process, and
prints the peak RSS, the RSS by mapping at the end (``/proc/self/smaps``), the
CPU time, and optionally saves the vectors (to compare two settings bit for bit).
The options change :func:`raadsgraf.index.encoders.session` and
:data:`raadsgraf.index.encoders.BATCH_TOKENS` for this process only. Memory does
not depend on load; a timing needs the bench lock (bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lean


def passages(chunks: Path, longest: int, random: int) -> list[str]:
    import numpy as np

    from raadsgraf.index.storage import read_chunks

    texts = list(dict.fromkeys(c.passage for c in read_chunks(chunks.parent)))
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    rest = order[longest:]
    picked = np.random.default_rng(0).choice(len(rest), min(random, len(rest)), replace=False)
    return [texts[i] for i in order[:longest]] + [texts[rest[i]] for i in sorted(picked)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=Path, required=True, help="an index's chunks.jsonl")
    parser.add_argument("--longest", type=int, default=200)
    parser.add_argument("--random", type=int, default=0)
    parser.add_argument("--tokens", type=int, default=None, help="BATCH_TOKENS (default: as is)")
    parser.add_argument("--no-arena", action="store_true", help="enable_cpu_mem_arena=False")
    parser.add_argument("--no-pattern", action="store_true", help="enable_mem_pattern=False")
    parser.add_argument(
        "--shrink", action="store_true", help="memory.enable_memory_arena_shrinkage=cpu:0"
    )
    parser.add_argument(
        "--same-as-requested", action="store_true",
        help="a shared arena that grows by what is asked (kSameAsRequested), not by powers of 2",
    )  # fmt: skip
    parser.add_argument("--vectors", type=Path, help="save the vectors here (.npy)")
    args = parser.parse_args()

    import numpy as np

    from raadsgraf.index import encoders
    from raadsgraf.index.encoders.cache import EmbeddingCache, embed_with_cache

    texts = passages(args.chunks, args.longest, args.random)
    if args.tokens:
        encoders.BATCH_TOKENS = args.tokens
        defaults = list(encoders.length_batches.__defaults__ or ())
        encoders.length_batches.__defaults__ = (*defaults[:-1], args.tokens)
    made = encoders.session

    def session(path: Path, threads: int) -> Any:
        import onnxruntime as ort

        if not (args.no_arena or args.no_pattern or args.shrink or args.same_as_requested):
            return made(path, threads)
        options = encoders.session_options(threads)
        if args.same_as_requested:
            memory = ort.OrtMemoryInfo(
                "Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT
            )
            # max_mem 0 (none), extend strategy 1 (kSameAsRequested), defaults
            ort.create_and_register_allocator(memory, ort.OrtArenaCfg(0, 1, -1, -1))
            options.add_session_config_entry("session.use_env_allocators", "1")
        options.enable_cpu_mem_arena = not args.no_arena
        options.enable_mem_pattern = not args.no_pattern
        sess = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        if not args.shrink:
            return sess
        run_options = ort.RunOptions()
        run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

        class Shrinking:
            def __getattr__(self, name: str) -> Any:
                return getattr(sess, name)

            def run(self, outputs: Any, feed: Any) -> Any:
                return sess.run(outputs, feed, run_options)

        return Shrinking()

    encoders.session = session  # type: ignore[assignment]
    encoder = encoders.get_encoder("e5-small-int8", 2, None)
    start, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp, EmbeddingCache(Path(tmp) / "c.sqlite") as cache:
        vectors, _ = embed_with_cache(cache, "x", encoder.dim, texts, encoder.encode_passages)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    if args.vectors:
        np.save(args.vectors, vectors)
    print(
        json.dumps(
            {
                "passages": len(texts),
                "options": {k: v for k, v in vars(args).items() if k not in ("chunks", "vectors")},
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "rss_by_mapping_mb": lean._mappings_mb(os.getpid()),
                "wall_s": round(wall, 1),
                "cpu_ms_per_passage": round(1000 * cpu / len(texts), 1),
                "load": lean.load(),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
