"""The parts of a search that issue #20's latency work made cheaper give what they
gave before: the query's index terms read once for BM25, the exact rule and the
judge; an item's rows found by a binary search; a row's vector read without
``np.memmap``'s Python-level indexing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from raadsgraf import index
from raadsgraf.config import Settings

from .conftest import MODELS


@pytest.fixture
def idx(seed_store: Path) -> index.SearchIndex:
    return index.open_index(seed_store, Settings(store=seed_store, models=MODELS))


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_a_search_reads_the_query_terms_once(
    idx: index.SearchIndex, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    calls: list[str] = []
    real = idx._sparse.query_terms

    def query_terms(query: str) -> list[str]:
        calls.append(query)
        return real(query)

    monkeypatch.setattr(idx._sparse, "query_terms", query_terms)
    # a case number: BM25's list, the exact rule's carriers and the judge's words
    hits = idx.search("24-012144", mode=mode, per_item=True)
    assert {f"{h.meeting_date}#{h.item_number}" for h in hits[:2]} == {
        "2025-02-18#2",
        "2025-02-18#3",
    }
    assert calls == ["24-012144"]


def test_an_items_rows_are_every_row_with_its_code_in_order(idx: index.SearchIndex) -> None:
    idx.search("budget")
    assert idx._by_item is not None  # made once, by the first search's hits
    items = idx._item
    for row in range(len(idx)):
        assert idx._rows_of(row) == np.flatnonzero(items == items[row]).tolist()


def test_a_rows_vector_is_the_stored_row(idx: index.SearchIndex) -> None:
    backend: Any = idx.backend
    stored = np.load(idx.folder / "vectors.npy")
    for row in (0, len(idx) // 2, len(idx) - 1):
        assert np.array_equal(backend.vector(row), stored[row])
    assert type(backend._vectors) is np.ndarray  # not np.memmap: its indexing is Python
