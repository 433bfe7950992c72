"""Sizes for docs/scale.md: what a corpus becomes in the graph and the index.

Ingests a corpus graph-only into a fresh embedded store (and, with --virtuoso,
onto a SPARQL server through the graph backend), and chunks its documents as
the search index would, without embedding them; prints meetings, items,
triples, bytes on disk per triple, chunks and passage bytes per meeting, and
the graph ingest rate per core (CPU seconds, so the machine's other load does
not inflate it; wall seconds beside it).

    PYTHONPATH=src python bench/graph_scale.py ../shared/corpus/greve
    PYTHONPATH=src python bench/graph_scale.py tests/samples/seeds \\
        --virtuoso sparql+http://127.0.0.1:8899/sparql --virtuoso-db /tmp/vdb
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

import raadsgraf
from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.index.chunking import ChunkParams, chunk_document
from raadsgraf.parsers.registry import parse_bytes


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _ingest(corpus: Path, settings: Settings) -> dict[str, float]:
    wall, cpu = time.perf_counter(), _cpu()
    report = pipeline.ingest([corpus], settings, progress=False, index=False)
    assert report.ok, report.summary()
    return {
        "wall_s": round(time.perf_counter() - wall, 1),
        "cpu_s": round(_cpu() - cpu, 1),
        "files": len(report.added),
        "triples": report.store_triples,
    }


def _counts(settings: Settings) -> dict[str, int]:
    """Meetings read from a source (not those only named by a reference), their items."""
    with raadsgraf.open(settings.store, settings) as rg:
        (row,) = rg.sparql(
            "SELECT (COUNT(DISTINCT ?z) AS ?m) (COUNT(DISTINCT ?a) AS ?i) WHERE { "
            "?z a besluit:Zitting ; dct:source ?src . OPTIONAL { ?z besluit:behandelt ?a } }"
        ).rows
        return {"meetings": int(row[0] or 0), "items": int(row[1] or 0), "quads": len(rg.graph)}


def _chunks(corpus: Path) -> dict[str, int]:
    chunks = passage_bytes = 0
    for path in pipeline.iter_files([corpus]):
        try:
            doc = parse_bytes(path.read_bytes(), str(path), None)
        except Exception:  # counted by the ingest's own report, not here
            continue
        for c in chunk_document(doc, ChunkParams()):
            chunks += 1
            passage_bytes += len(json.dumps(c.to_json(), ensure_ascii=False).encode())
    return {"chunks": chunks, "chunk_json_bytes": passage_bytes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--virtuoso", default="", help="also ingest onto this graph backend")
    ap.add_argument("--virtuoso-db", type=Path, help="the server's database folder (its size)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        embedded = Settings(store=Path(tmp) / "embedded")
        out: dict[str, object] = {"load": os.getloadavg()[0]}
        out["embedded"] = _ingest(args.corpus, embedded)
        out["graph_bytes"] = _bytes(embedded.store) - _bytes(embedded.store / "shared")
        out.update(_counts(embedded))
        if args.virtuoso:
            remote = Settings(store=Path(tmp) / "remote", graph=args.virtuoso)
            out["virtuoso"] = _ingest(args.corpus, remote)
            if args.virtuoso_db:
                out["virtuoso_db_bytes"] = sum(
                    p.stat().st_size for p in args.virtuoso_db.glob("virtuoso.*") if p.is_file()
                )
        out.update(_chunks(args.corpus))
        out["load_after"] = os.getloadavg()[0]
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
