"""The Python API the CLI, the app and analysts share.

Example::

    import raadsgraf
    with raadsgraf.open("indexes/store") as rg:
        for step in rg.lineage("03.00.00-P22-2-23").steps:
            print(step.date, step.committee, step.item_number, step.title)
        print(rg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows)
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from raadsgraf import generations, iris
from raadsgraf.config import Settings
from raadsgraf.config import load as load_settings
from raadsgraf.errors import QueryError
from raadsgraf.graph.backend import has_graph, open_graph
from raadsgraf.graph.store import GraphBackend, SourceEntry
from raadsgraf.model import Closing


def _lazy_module(name: str) -> ModuleType:
    """``name``, executed on its first attribute access (the stdlib's LazyLoader):
    the views load rdflib through the vocabulary, which a search never needs."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


if not TYPE_CHECKING:
    views = _lazy_module("raadsgraf.query.views")


@dataclass(frozen=True, slots=True)
class Validation:
    """A SHACL check of the store: does it conform, pyshacl's report, triples checked."""

    conforms: bool
    report: str
    triples: int


if TYPE_CHECKING:  # the search index, the graph's queries and rdflib: imported on first use
    from rdflib import Graph

    from raadsgraf.graph.sparql import SparqlResult
    from raadsgraf.index.search import Filters, Hit, Hits, SearchIndex
    from raadsgraf.model import Section
    from raadsgraf.query import views
    from raadsgraf.query.lineage import Lineage
    from raadsgraf.query.synclog import SyncSummary
    from raadsgraf.query.updates import NewMeeting, UpdatedItem


class Raadsgraf(Closing):
    """An open store folder (read-only unless ``writable``)."""

    def __init__(
        self, folder: Path, settings: Settings, *, writable: bool = False, root: Path | None = None
    ) -> None:
        self.folder = folder
        #: the store folder as the user names it (``folder`` may be its live generation)
        self.root = root or folder
        self.settings = settings
        # a store written in generations (raadsgraf.generations) is read from its live one
        self.live = generations.resolve(folder)
        self.writable = writable
        if not writable and not has_graph(self.live, settings.graph):
            open_graph(self.live, settings.graph, read_only=True)  # raises: no store here
        self._graph: GraphBackend | None = None
        self._index: SearchIndex | None = None
        # The first search opens the index (and loads the model): a second thread (the
        # app's warm-up and a user's query) waits for it rather than open its own copy.
        # Searches then run side by side: the index is read-only, and the model's
        # session and tokenizer take concurrent calls.
        self._index_lock = threading.Lock()
        self._labels: dict[str, str] | None = None
        self._bodies: dict[str, str] | None = None  # body IRI → label (search facets)
        self._names: tuple[list[views.PersonRef], list[views.PartyRef]] | None = None

    @property
    def graph(self) -> GraphBackend:
        """The graph store, opened on first use (a search does not need it)."""
        if self._graph is None:
            self._graph = open_graph(self.live, self.settings.graph, read_only=not self.writable)
        return self._graph

    def lineage(
        self,
        target: str | None = None,
        *,
        date: dt.date | None = None,
        item: int | None = None,
        committee: str | None = None,
    ) -> Lineage:
        """Treatment history of an item, case or policy: an IRI, a case number, or date + item."""
        from raadsgraf.query.lineage import lineage

        return lineage(self.graph, target, date=date, item=item, committee=committee)

    def sparql(
        self, query: str, *, limit: int | None = None, example: str | None = None
    ) -> SparqlResult:
        """A read-only SPARQL query over all graphs (the default graph is their union).

        ``example`` says the text is analyst query ``example`` from docs/queries/ as
        written; its engine form (same rows, planned for Oxigraph) runs instead when
        the package has one (:mod:`raadsgraf.query.analyst`).
        """
        if example is not None:
            from raadsgraf.query.analyst import engine_form

            query = engine_form(example) or query
        from raadsgraf.graph.sparql import run_sparql

        return run_sparql(self.graph, query, limit=limit)

    def rdflib(self) -> Graph:
        """The store through the rdflib API (oxrdflib), for code that speaks rdflib:
        a ``Dataset``, or for a graph on a SPARQL server a ``Graph`` whose queries
        name the union graph as their default graph (rdflib's ``SPARQLStore``).

        Read it, don't write it: loading goes through ``raadsgraf ingest``. The
        default graph is the union of the sources, as for :meth:`sparql`.
        """
        from oxrdflib import OxigraphStore
        from rdflib import Dataset, Graph

        from raadsgraf.graph.store import GraphStore

        if not isinstance(self.graph, GraphStore):  # a SPARQL server: through the protocol
            from rdflib import URIRef
            from rdflib.plugins.stores.sparqlstore import SPARQLStore

            from raadsgraf.graph.remote import SparqlServerStore

            assert isinstance(self.graph, SparqlServerStore)
            store = SPARQLStore(self.graph.endpoint, returnFormat="json")
            return Graph(store=store, identifier=URIRef(iris.UNION_GRAPH))
        return Dataset(store=OxigraphStore(store=self.graph.store))

    def export(self, fmt: str = "turtle") -> bytes:
        """The whole graph serialised: ``turtle``, ``nt`` or ``jsonld`` give the union of
        the graphs; ``nq`` and ``trig`` keep the named graphs."""
        import pyoxigraph as ox

        formats = {
            "turtle": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
            "nq": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG,
        }
        if fmt not in formats:
            raise QueryError(f"unknown export format {fmt!r}; known: {', '.join(formats)}")
        return self.graph.dump(formats[fmt])

    def validate(self) -> Validation:
        """The store's graph checked against the SHACL shapes (a whole term takes minutes)."""
        from rdflib import Graph

        from raadsgraf.graph.build import validate

        g = Graph()
        g.parse(data=self.export("nt"), format="nt")
        conforms, report = validate(g)
        return Validation(conforms, report, len(g))

    @property
    def includes_closed(self) -> bool:
        """Was the store built with ``include_closed`` (an internal deployment)? Then
        closed items' text is in it, and every page that shows it must say so."""
        import json

        build = self.live / "build.json"
        if not build.is_file():
            return False
        return bool(json.loads(build.read_text(encoding="utf-8")).get("include_closed"))

    def sources(self) -> list[SourceEntry]:
        return self.graph.sources()

    # --- search (the index is opened once per Raadsgraf) ----------------------------

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            from raadsgraf.index.search import SearchIndex

            with self._index_lock:
                if self._index is None:
                    self._index = SearchIndex(self.live, self.settings)
        return self._index

    def search(
        self,
        query: str,
        *,
        top_k: int = 10,
        mode: str = "hybrid",
        filters: Filters | None = None,
        municipality: str | None = None,
        committee: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        open_only: bool = False,
        outcome: str | None = None,
        include_weak: bool = False,
        min_score: float | None = None,
        per_item: bool = False,
    ) -> Hits:
        """Hybrid (or ``"dense"`` / ``"bm25"``) search: one hit per case (its best-ranked
        treatment, the others in ``other_treatments``), agenda item without a case
        number or policy, best first (see docs/search.md); ``per_item=True``: one hit
        per agenda item. Filters come as a :class:`Filters` or as keywords.

        Only hits that clear the relevance floor are returned; when none does, the
        nearest few, each with ``weak=True``. ``include_weak`` fills ``top_k`` with weak
        hits after the strong ones; ``min_score`` replaces the fitted floor."""
        if filters is None:
            from raadsgraf.index.search import Filters

            filters = Filters(municipality, committee, date_from, date_to, open_only, outcome)
        return self.index.search(
            query,
            top_k=top_k,
            mode=mode,
            filters=filters,
            include_weak=include_weak,
            min_score=min_score,
            per_item=per_item,
        )

    def warm(self) -> None:
        """Open the search index and load what the first search would wait for (the
        embedding model, the dense screen). The app and the service call it in the
        background at start; a store without an index raises its error here."""
        self.index.warm()

    def search_facets(
        self, query: str, *, mode: str = "hybrid", filters: Filters | None = None, depth: int = 100
    ) -> views.Facets:
        """Counts of the query's strong results (cases; up to ``depth`` items) per
        municipality, committee, outcome and year. Each facet is counted with every *other*
        filter applied, so a facet's counts say what choosing one of its values would
        give: a case counts once under each value one of its matching treatments has (a
        case treated by a committee and by Byrådet counts under both, once per year)."""
        from dataclasses import replace

        from raadsgraf.index.search import Filters

        filters = filters or Filters()
        counts: dict[str, Counter[str]] = {}
        found: dict[Filters, list[Hit]] = {}  # without filters, the four facets share one search
        for facet in ("municipality", "committee", "outcome", "year"):
            narrowed = {
                "municipality": replace(filters, municipality=None),
                "committee": replace(filters, committee=None),
                "outcome": replace(filters, outcome=None),
            }.get(facet, filters)
            if narrowed not in found:
                every = self.index.search(
                    query, top_k=depth, mode=mode, filters=narrowed, snippets=False, per_item=True
                )
                found[narrowed] = [h for h in every if not h.weak]
            hits = found[narrowed]
            outcomes = self.index.outcomes(h.iri for h in hits) if facet == "outcome" else {}
            cases: dict[str, set[str]] = {}  # value → the cases counted under it
            for h in hits:  # labels from maps read once per store: no graph query per search
                value: str | None = None
                if facet in ("municipality", "committee"):
                    value = self._body_label(h, facet)
                elif facet == "outcome":
                    value = outcomes.get(h.iri)
                elif h.meeting_date:
                    value = str(h.meeting_date.year)
                if value:
                    cases.setdefault(value, set()).add(h.case_key)
            counts[facet] = Counter({v: len(c) for v, c in cases.items()})
        labels = self._outcome_labels()
        return views.Facets(
            municipalities=tuple(sorted(counts["municipality"].items())),
            committees=tuple(sorted(counts["committee"].items())),
            outcomes=tuple((o, labels.get(o, o), n) for o, n in sorted(counts["outcome"].items())),
            years=tuple(sorted((int(y), n) for y, n in counts["year"].items())),
        )

    def similar(self, iri: str, *, top_k: int = 5) -> list[Hit]:
        """Items like this one from other meetings (and municipalities) and other cases,
        by meaning: the item's own case (its other treatments) is its history, not a
        likeness."""
        detail = views.item_detail(self.graph, iri)
        if detail is None:
            return []
        query = " ".join(
            t for t in (detail.title, (detail.decision or detail.recommendation or "")[:300]) if t
        )
        # procedural items (godkendelse af referat, eventuelt …) are left out by search
        # unless the item is one; hits below the floor are not "similar"
        hits = self.search(query, top_k=top_k * 3, mode="dense")
        others = [
            h
            for h in hits
            if not h.weak
            and not h.iri.startswith(detail.meeting + "/")
            and detail.item not in {t.iri for t in h.other_treatments}
        ]
        return others[:top_k]

    # --- views for the app (typed, read-only) ----------------------------------------

    def item(self, iri: str) -> views.ItemDetail | None:
        """An agenda item (item or treatment IRI): everything the graph holds about it,
        its sections, attachments and recommendation points in source order."""
        return views.item_detail(self.graph, iri)

    def item_summaries(self, iris: list[str]) -> dict[str, views.ItemSummary]:
        return views.item_summaries(self.graph, iris)

    def history(self, target: str) -> views.History:
        """Treatment history (item, treatment, case number or policy) with decision texts."""
        return views.history(self.graph, target)

    def cases(self) -> list[tuple[str, int]]:
        return views.cases(self.graph)

    def case_summaries(self) -> list[views.CaseSummary]:
        """Every case number with its latest treatment's title, committee and date, and
        its number of treatments (those carrying the number), latest treated first."""
        return views.case_summaries(self.graph)

    def meetings(self, committee: str | None = None) -> list[views.MeetingRef]:
        return views.meetings(self.graph, committee)

    def meeting(self, iri: str) -> views.MeetingRef | None:
        """One meeting (its date, committee, municipality, number of items), or None."""
        return views.meeting(self.graph, iri)

    def source_urls(self, meetings: list[str]) -> dict[str, str]:
        """meeting IRI → the web address its minutes were published at, where known."""
        return views.meeting_urls(self.graph, meetings)

    def meeting_items(self, meeting: str) -> list[views.ItemSummary]:
        return views.meeting_items(self.graph, meeting)

    def committees(self) -> list[tuple[str, str, str | None, int]]:
        return views.committees(self.graph)

    def committee(self, iri: str) -> views.CommitteePage | None:
        return views.committee_page(self.graph, iri) if _is_iri(iri) else None

    def people(self) -> list[tuple[views.PersonRef, str | None, int]]:
        return views.people(self.graph)

    def person(self, iri: str) -> views.PersonPage | None:
        """A person's meetings, party, absences, roles, seats with attendance rates and
        recorded positions; None when the store holds no such person."""
        if not _is_iri(iri):
            return None
        return views.person_page(self.graph, iri)

    def parties(self) -> list[views.PartyRef]:
        """Every party a source names, by letter or by name."""
        return views.party_list(self.graph)

    def party(self, iri: str) -> views.PartyPage | None:
        """A party's members, their attendance, and its and its members' positions."""
        return views.party_page(self.graph, iri) if _is_iri(iri) else None

    def party_agreement(
        self,
        committee: str | None = None,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        kle: str | None = None,
    ) -> views.PartyAgreement:
        """Split decisions of a committee (or all) in a period, optionally of one KLE
        subject or group ("00.22"), and how often each pair of parties stood together."""
        return views.party_agreement(self.graph, committee, date_from, date_to, kle)

    def people_matching(
        self, query: str, *, limit: int = 5
    ) -> list[views.PersonRef | views.PartyRef]:
        """People and parties whose name the query is ("André Amingsø", "Venstre",
        "(V)"), for a search that should offer their page first. Every word of the
        query must be a word of the name (its start, for the last word)."""
        words = query.strip().strip("()").lower().split()
        if not words or len(query.strip()) < 2:
            return []

        def fits(name: str) -> bool:
            have = name.lower().replace("(", " ").replace(")", " ").split()
            *whole, last = words
            return all(w in have for w in whole) and any(h.startswith(last) for h in have)

        if self._names is None:  # every search asks: read once per open store (generation)
            self._names = ([p for p, _, _ in self.people()], self.parties())
        people, parties = self._names
        found: list[views.PersonRef | views.PartyRef] = []
        if len(words) > 1 or len(words[0]) >= 3:
            found.extend(p for p in people if fits(p.name))
        for party in parties:
            letter = (party.letter or "").lower()
            if (len(words) == 1 and words[0] == letter) or (
                len(query.strip()) >= 3 and fits(party.name)
            ):
                found.append(party)
        return found[:limit]

    def facets(self) -> views.Facets:
        return views.facets(self.graph)

    def _body_label(self, hit: Hit, facet: str) -> str:
        """A hit's municipality or committee as the graph labels it (the index holds
        the names the source gave), from a map read once per open store: a store
        generation is opened as a new :class:`Raadsgraf`, so an ingest refreshes it."""
        if self._bodies is None:
            self._bodies = views.body_labels(self.graph)
        name = hit.municipality if facet == "municipality" else hit.committee
        if not hit.municipality or not name:
            return name or "?"
        if facet == "municipality":
            body = iris.municipality_iri(hit.municipality)
        else:
            body = iris.committee_iri(hit.municipality, name)
        return self._bodies.get(body) or name

    def _outcome_labels(self) -> dict[str, str]:
        """Outcome notation → label (the vocabulary's: read once per open store)."""
        if self._labels is None:
            self._labels = {o: label for o, label, _ in self.facets().outcomes}
        return self._labels

    def policies(self) -> list[tuple[str, str, dt.date | None]]:
        return views.policies(self.graph)

    def sections(self, iri: str) -> tuple[Section, ...]:
        """The sections of an agenda item or a policy, in source order, from the graph."""
        return views.sections(self.graph, iri)

    def policy_network(self, iri: str) -> views.PolicyNetwork | None:
        """A policy's versions, treatments, adoption, what it replaces and the policies it names."""
        return views.policy_network(self.graph, iri)

    # --- what is new: sync summaries and feeds (docs/sync.md) -------------------------

    def last_sync(self) -> SyncSummary | None:
        """The last ``raadsgraf sync``'s summary (None: never synced)."""
        from raadsgraf.query.synclog import last_sync

        return last_sync(self.root)

    def news(self, summary: SyncSummary | None = None) -> list[NewMeeting]:
        """The meetings (with their items and decisions) a sync added or changed:
        the last one by default."""
        from raadsgraf.query import updates

        summary = summary or self.last_sync()
        return updates.new_meetings(self.graph, summary.sources) if summary else []

    def feed_items(
        self, kind: str, target: str, *, limit: int = 50, mode: str = "hybrid"
    ) -> tuple[str, list[UpdatedItem]]:
        """(feed title, items) for a feed of ``kind`` — "committee", "case", "person",
        "policy" or "search" — about ``target`` (a name, IRI, case number or query)."""
        from raadsgraf.errors import QueryError
        from raadsgraf.query import updates

        g = self.graph
        if kind == "committee":
            iri, label = updates.find_committee(g, target)
            return label, updates.items_in(g, updates.committee_scope(iri), limit=limit)
        if kind == "case":
            return f"Sag {target}", updates.items_in(g, updates.case_scope(target), limit=limit)
        if kind == "person":
            iri, label = updates.find_person(g, target)
            return label, updates.items_in(g, updates.person_scope(iri), limit=limit)
        if kind == "policy":
            iri, label = updates.find_policy(g, target)
            return label, updates.items_in(g, updates.policy_scope(iri), limit=limit)
        if kind == "search":
            hits = self.search(target, top_k=limit, mode=mode)
            scope = updates.items_scope([h.iri for h in hits])
            found = updates.items_in(g, scope, limit=limit) if hits else []
            return f"Søgning: {target}", found
        raise QueryError(f"no feed of kind {kind!r} (committee, case, person, policy, search)")

    def atom_feed(self, kind: str, target: str, *, limit: int = 50, mode: str = "hybrid") -> bytes:
        """The Atom feed of :meth:`feed_items`, links to the app at ``public_url``."""
        import hashlib

        from raadsgraf.query.feeds import atom

        title, items = self.feed_items(kind, target, limit=limit, mode=mode)
        key = hashlib.sha256(f"{kind}\n{target}".encode()).hexdigest()[:16]
        return atom(
            f"raadsgraf: {title}",
            iris.feed_iri(kind, key),
            items,
            base_url=self.settings.public_url,
        )

    def calendar_feed(self, committee: str, *, today: dt.date | None = None) -> bytes:
        """An iCalendar feed of the committee's meetings from ``today`` on."""
        from raadsgraf.query import updates
        from raadsgraf.query.feeds import calendar

        iri, label = updates.find_committee(self.graph, committee)
        meetings = updates.upcoming(self.graph, iri, today or dt.date.today())
        return calendar(label, meetings, base_url=self.settings.public_url)

    def close(self) -> None:
        self._index = None
        self._graph = None


def _is_iri(text: str) -> bool:
    """An absolute http(s) IRI: a URL parameter like ``bogus`` names nothing."""
    return text.startswith(("https://", "http://")) and len(text) > 8


def open(
    store: str | Path | None = None,
    settings: Settings | None = None,
    *,
    writable: bool = False,
) -> Raadsgraf:
    """Open a store folder; ``store`` defaults to ``settings.store`` (``indexes/store``)."""
    from raadsgraf import generations

    settings = settings or load_settings()
    folder = Path(store) if store is not None else Path(settings.store)
    return Raadsgraf(generations.resolve(folder), settings, writable=writable, root=folder)


def store_version(store: str | Path) -> str | None:
    """A token that changes whenever an ingest changed the store (its live
    generation, manifest or search index); None while the store is empty.

    Long-running readers (the app) reopen the store when it changes.
    """
    from raadsgraf import generations
    from raadsgraf.graph.store import GRAPH_DIR, MANIFEST

    folder = generations.resolve(Path(store))
    if not (folder / GRAPH_DIR).is_dir() and not (folder / MANIFEST).is_file():
        return None  # neither an embedded graph nor a manifest of one on a server
    parts = [folder.name]
    for f in (folder / MANIFEST, folder / "index" / "config.json"):
        parts.append(str(f.stat().st_mtime_ns) if f.is_file() else "-")
    return ":".join(parts)
