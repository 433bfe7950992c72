"""Choosing the graph backend: the setting ``graph`` (``RAADSGRAF_GRAPH``).

- ``""`` (default): the embedded Oxigraph store in the store folder
  (:class:`~raadsgraf.graph.store.GraphStore`);
- ``sparql+http://HOST:PORT/PATH``: a SPARQL 1.1 server
  (:class:`~raadsgraf.graph.remote.SparqlServerStore`; Virtuoso through
  ``scripts/virtuoso.sh``).

Either way the manifest of sources stays in the store folder.
"""

from __future__ import annotations

from pathlib import Path

from raadsgraf.errors import StoreError
from raadsgraf.graph.store import GRAPH_DIR, MANIFEST, GraphBackend, GraphStore

__all__ = ["GraphBackend", "has_graph", "is_remote", "open_graph"]


def is_remote(target: str) -> bool:
    return bool(target)


def open_graph(folder: Path, target: str = "", *, read_only: bool = False) -> GraphBackend:
    """The graph of store folder ``folder`` (a generation) on backend ``target``."""
    if not is_remote(target):
        return GraphStore(folder, read_only=read_only)
    from raadsgraf.graph.remote import SparqlServerStore

    if read_only and not (Path(folder) / MANIFEST).is_file():
        raise StoreError(f"{folder}: no store here; run `raadsgraf ingest` first")
    return SparqlServerStore(folder, target, read_only=read_only)


def has_graph(folder: Path, target: str = "") -> bool:
    """Whether an ingest wrote a graph for store folder ``folder``."""
    return (Path(folder) / (MANIFEST if is_remote(target) else GRAPH_DIR)).exists()
