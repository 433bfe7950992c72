"""Parse benchmark: a whole folder (by default the Greve corpus, 373 FirstAgenda
meetings) through ``raadsgraf.pipeline.parse_files`` — sniffing, parsing,
attachment lookup and the privacy pass, as ``raadsgraf parse DIR`` runs it.

Reports documents/s, items/s, characters/s, wall time, and peak memory
(maximum resident set size of the process, and the Python heap peak when
``--tracemalloc`` is given — that slows parsing down, so it is off by default).

    PYTHONPATH=src python bench/parse_bench.py                  # Greve
    PYTHONPATH=src python bench/parse_bench.py /path/to/folder --json

Target (issue 3): the whole Greve corpus in under 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

GREVE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "greve"
TARGET_SECONDS = 60.0


def run(folder: Path, use_tracemalloc: bool) -> dict[str, object]:
    # Imports and the spaCy lookup table are set up before the clock starts:
    # they are a one-off per process, reported on their own.
    t0 = time.perf_counter()
    from raadsgraf.extract.prose import sentence_reference
    from raadsgraf.pipeline import parse_files

    sentence_reference("Byrådet besluttede den 1. januar 2024 at gå videre.")
    warmup = time.perf_counter() - t0

    if use_tracemalloc:
        tracemalloc.start()
    start = time.perf_counter()
    report = parse_files([folder], progress=True)
    seconds = time.perf_counter() - start
    heap_peak = tracemalloc.get_traced_memory()[1] if use_tracemalloc else None
    if use_tracemalloc:
        tracemalloc.stop()

    items = sum(d.item_count for d in report.documents)
    chars = sum(
        len(s.text)
        for d in report.documents
        for m in d.meetings
        for i in m.items
        for s in i.sections
    )
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "folder": str(folder),
        "files": len(report.documents) + len(report.failures),
        "documents": len(report.documents),
        "failures": len(report.failures),
        "items": items,
        "section_chars": chars,
        "seconds": round(seconds, 2),
        "warmup_seconds": round(warmup, 2),
        "documents_per_s": round(len(report.documents) / seconds, 1),
        "items_per_s": round(items / seconds, 1),
        "chars_per_s": round(chars / seconds),
        "peak_rss_mib": round(rss_kib / 1024, 1),
        "python_heap_peak_mib": round(heap_peak / 2**20, 1) if heap_peak is not None else None,
        "target_seconds": TARGET_SECONDS,
        "within_target": seconds < TARGET_SECONDS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=GREVE)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure the Python heap")
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"error: {args.folder}: no such folder", file=sys.stderr)
        return 2
    result = run(args.folder, args.tracemalloc)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")
    return 0 if result["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
