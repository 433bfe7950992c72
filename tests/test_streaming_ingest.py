"""Issue #20, part 3: an ingest holds one parsed document at a time, not the archive.

Greve's 373 meetings peaked at 0.93 GB, mostly every parsed document held from the
first file read to the last sink; now each waits on disk (raadsgraf/spill.py)
between the read pass and the write pass. ``bench/lean.py ingest`` measures the
peak; here the number of documents alive while the graph is built is counted.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path

import pytest

from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.graph import build
from raadsgraf.model import Document

SEEDS = Path(__file__).parent / "samples" / "seeds"


def _alive() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is Document)


def test_documents_are_built_into_the_graph_and_the_index_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) >= 5
    counts: list[int] = []
    triples = build.document_triples

    def counting(doc: Document, graph_iri: str) -> object:
        counts.append(_alive())
        return triples(doc, graph_iri)

    seen: list[str] = []

    def sink(store_dir: Path, documents: Sequence[Document], settings: Settings) -> int:
        assert len(documents) == len(files)
        for doc in documents:
            counts.append(_alive())
            seen.append(doc.source.path)
        return len(seen)

    monkeypatch.setattr(build, "document_triples", counting)
    monkeypatch.setattr(pipeline, "sinks", lambda: [("probe", sink)])
    store = tmp_path / "store"
    report = pipeline.ingest(files, Settings(store=store), progress=False)
    assert report.ok and len(report.added) == len(files)
    assert sorted(seen) == sorted(str(f) for f in files)
    assert max(counts) <= 2, counts  # the one being built (and its unplaced copy)
    assert not list(store.glob(".ingest-*"))  # the spill went with the ingest
    again = pipeline.ingest(files, Settings(store=store), progress=False)
    assert len(again.unchanged) == len(files) and again.triples == 0
