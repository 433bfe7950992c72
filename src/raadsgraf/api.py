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
from pathlib import Path
from types import TracebackType

from raadsgraf.config import Settings
from raadsgraf.config import load as load_settings
from raadsgraf.index.search import Filters, Hit, SearchIndex, open_index
from raadsgraf.query import Lineage, SparqlResult, lineage, run_sparql
from raadsgraf.store import GraphStore, SourceEntry


class Raadsgraf:
    """An open store folder (read-only unless ``writable``)."""

    def __init__(self, folder: Path, settings: Settings, *, writable: bool = False) -> None:
        self.folder = folder
        self.settings = settings
        self.graph = GraphStore(folder, read_only=not writable)
        self._index: SearchIndex | None = None  # opened on the first search

    def lineage(
        self,
        target: str | None = None,
        *,
        date: dt.date | None = None,
        item: int | None = None,
        committee: str | None = None,
    ) -> Lineage:
        """Treatment history of an item, case or policy: an IRI, a case number, or date + item."""
        return lineage(self.graph, target, date=date, item=item, committee=committee)

    def sparql(self, query: str, *, limit: int | None = None) -> SparqlResult:
        """A read-only SPARQL query over all graphs (the default graph is their union)."""
        return run_sparql(self.graph, query, limit=limit)

    def search(
        self,
        query: str,
        *,
        top_k: int = 10,
        mode: str = "hybrid",
        municipality: str | None = None,
        committee: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        open_only: bool = False,
        outcome: str | None = None,
    ) -> list[Hit]:
        """Hybrid search: one hit per agenda item or policy, best first (see docs/search.md)."""
        if self._index is None:
            self._index = open_index(self.folder, self.settings)
        filters = Filters(municipality, committee, date_from, date_to, open_only, outcome)
        return self._index.search(query, top_k=top_k, mode=mode, filters=filters)

    def sources(self) -> list[SourceEntry]:
        return self.graph.sources()

    def close(self) -> None:
        del self.graph

    def __enter__(self) -> Raadsgraf:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open(  # noqa: A001 - the public name the API promises: raadsgraf.open(store)
    store: str | Path | None = None,
    settings: Settings | None = None,
    *,
    writable: bool = False,
) -> Raadsgraf:
    """Open a store folder; ``store`` defaults to ``settings.store`` (``indexes/store``)."""
    settings = settings or load_settings()
    folder = Path(store) if store is not None else Path(settings.store)
    return Raadsgraf(folder, settings, writable=writable)
