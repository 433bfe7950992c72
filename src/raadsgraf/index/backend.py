"""Where the passages are searched: one small protocol, two engines.

:class:`~raadsgraf.index.search.SearchIndex` does everything a user sees — the
exact-identifier rule, fusion, the relevance floor, one hit per item, snippets —
and asks a :class:`SearchBackend` only for ranked rows: the nearest vectors,
the best BM25 rows, both under the same :class:`Selection` (the filters,
resolved against the store's own names). So the two engines share every line
that shapes a hit, and differ only in how they find candidates:

* :class:`EmbeddedBackend` (default): FAISS and bm25s files in the index folder.
* :class:`raadsgraf.index.milvus.MilvusBackend`: a Milvus collection (a Milvus
  Lite file or a server), chosen by the ``search`` setting.

Rows are positions in the index folder's ``chunks.jsonl`` (the catalogue both
engines share); the Milvus backend maps its ``chunk_id`` keys back to rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from raadsgraf.config import Settings
from raadsgraf.errors import IndexMismatch
from raadsgraf.index import dense
from raadsgraf.index.chunking import Chunk
from raadsgraf.index.encoders import Vectors
from raadsgraf.index.fusion import Ranked
from raadsgraf.index.sparse import SparseIndex
from raadsgraf.index.table import Columns

EMBEDDED = "embedded"


@dataclass(frozen=True, slots=True)
class Selection:
    """The rows a search may return, as values every engine can test: the names
    (of municipalities, committees, outcomes) a filter matched in the catalogue,
    meeting dates as ordinals, and whether closed items' text is shown."""

    municipalities: tuple[str, ...] | None = None
    committees: tuple[str, ...] | None = None
    outcomes: tuple[str, ...] | None = None
    date_from: int | None = None  # ordinal, inclusive
    date_to: int | None = None  # ordinal, inclusive; undated rows excluded
    open_only: bool = False
    #: only open rows and closed items' title rows (unless include_closed)
    visible_only: bool = True

    @property
    def filtered(self) -> bool:
        """Does a filter (not only the closed-text rule) narrow the rows?"""
        return self != Selection(visible_only=self.visible_only)


class SearchBackend(Protocol):
    """Candidate retrieval over the catalogue's rows, best first."""

    kind: str

    def dense(self, qvec: Vectors, k: int, selection: Selection) -> Ranked:
        """Rows and cosines of the ``k`` nearest passages."""
        ...

    def bm25(self, terms: Sequence[str], k: int, selection: Selection) -> Ranked:
        """Rows and BM25 scores (> 0) of the ``k`` best passages for index terms."""
        ...

    def vector(self, row: int) -> Vectors:
        """The passage vector of one row (the cosine of a hit BM25 alone found)."""
        ...

    def warm(self) -> None:
        """Load now what the first search would otherwise wait for."""
        ...


#: A query is ~20 tokens: splitting it over OpenMP threads costs more in
#: synchronisation than it saves, and on a busy 2-core machine a descheduled
#: worker stalls the barrier (measured p95: 324 ms with 2 threads, 52 ms with 1).
QUERY_THREADS = 1


def is_embedded(settings: Settings) -> bool:
    return settings.search in ("", EMBEDDED)


class EmbeddedBackend:
    """FAISS (``dense.faiss``, ``vectors.npy``) and bm25s (``bm25/``) in the folder;
    filters become a row mask that both searches take."""

    kind = EMBEDDED

    def __init__(self, folder: Path, sparse: SparseIndex, columns: Columns) -> None:
        self._dense = dense.load(folder / "dense.faiss", folder / "vectors.npy")
        if not isinstance(self._dense, dense.MappedFlat):
            dense.set_threads(QUERY_THREADS)
        self._sparse = sparse
        self._folder = folder
        self._vectors: npt.NDArray[np.float32] | None = None
        self._columns = columns
        self._visible = columns.is_open | ~columns.has_text

    def allowed(self, selection: Selection) -> npt.NDArray[np.int64] | None:
        c = self._columns
        mask = self._visible.copy() if selection.visible_only else np.ones_like(c.is_open)
        if not selection.filtered and mask.all():
            return None
        for codes, column, wanted in (
            (c.municipality, "municipality", selection.municipalities),
            (c.committee, "committee", selection.committees),
            (c.outcome, "outcome", selection.outcomes),
        ):
            if wanted is not None:
                names = c.names[column]
                mask &= np.isin(codes, [names.index(n) for n in wanted if n in names])
        if selection.date_from is not None:
            mask &= c.date >= selection.date_from
        if selection.date_to is not None:
            mask &= (c.date >= 0) & (c.date <= selection.date_to)
        if selection.open_only:
            mask &= c.is_open
        return np.flatnonzero(mask).astype(np.int64)

    def dense(self, qvec: Vectors, k: int, selection: Selection) -> Ranked:
        return dense.search(self._dense, qvec, k, self.allowed(selection))

    def bm25(self, terms: Sequence[str], k: int, selection: Selection) -> Ranked:
        return self._sparse.search_terms(terms, k, self.allowed(selection))

    def warm(self) -> None:
        if isinstance(self._dense, dense.MappedFlat):
            self._dense.warm()

    def vector(self, row: int) -> Vectors:
        if self._vectors is None:  # memory-mapped: only the rows asked for are read
            mapped = np.load(self._folder / "vectors.npy", mmap_mode="r")
            # a plain array over the map: np.memmap's indexing runs Python code (~3 µs a
            # row, and a search judges ~80 rows by their vectors)
            self._vectors = mapped.view(np.ndarray)
        vector: Vectors = self._vectors[row]
        return vector


def check_backend(config: dict[str, Any], folder: Path, settings: Settings) -> None:
    """The ``search`` setting must name the engine the index was written to."""
    wanted = EMBEDDED if is_embedded(settings) else settings.search
    if wanted != EMBEDDED:
        from raadsgraf.index.milvus import client_uri

        client_uri(settings)  # a setting it cannot use is a ConfigError, said first
    kept = config.get("search", EMBEDDED)
    if kept != wanted:
        raise IndexMismatch(
            f"{folder}: this index is kept in {kept!r}, but the search setting says "
            f"{wanted!r}; use search={kept!r}, or ingest the sources into a new store "
            f"with search={wanted!r}"
        )


def open_backend(
    settings: Settings,
    folder: Path,
    chunks: Iterable[Chunk],
    sparse: SparseIndex,
    columns: Columns,
) -> SearchBackend:
    """The engine the ``search`` setting names, over the catalogue ``chunks`` (whose
    filter ``columns`` the embedded engine masks with; Milvus maps its hits to rows
    by the chunk-id column, or by the rows of an index written before it)."""
    if is_embedded(settings):
        return EmbeddedBackend(folder, sparse, columns)
    from raadsgraf.index.milvus import MilvusBackend

    return MilvusBackend.open(settings, folder, chunks, sparse, columns)
