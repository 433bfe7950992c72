"""Copy a store to another SPARQL server through the SPARQL 1.1 Graph Store protocol.

Every named graph (one per source, the ontology, the derived graph) is PUT as
it is, and the union — the store's default graph, where queries run — as the
graph :data:`UNION_GRAPH`, so a server that uses it as its default graph
(Virtuoso: ``[SPARQL] DefaultGraph``, or ``default-graph-uri``) answers the
analyst queries as the embedded store does::

    PYTHONPATH=src python -m raadsgraf.graph.gsp --store indexes/store http://127.0.0.1:8899
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from raadsgraf import generations, iris
from raadsgraf.errors import RaadsgrafError
from raadsgraf.graph.store import GraphBackend, GraphStore

UNION_GRAPH = iris.UNION_GRAPH
#: Where Virtuoso serves the unauthenticated Graph Store protocol.
VIRTUOSO_PATH = "/sparql-graph-crud"


def _put(endpoint: str, graph: str, data: bytes, timeout: float) -> None:
    url = f"{endpoint}?{urllib.parse.urlencode({'graph-uri': graph})}"
    req = urllib.request.Request(url, data=data, method="PUT")
    req.add_header("Content-Type", "text/turtle")  # N-Triples is Turtle, and every server reads it
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise RaadsgrafError(f"{url}: HTTP {exc.code} {detail}") from None
    except OSError as exc:
        raise RaadsgrafError(f"{url}: {exc}") from None


def push(store: GraphBackend, endpoint: str, *, timeout: float = 120.0) -> int:
    """PUT every named graph and the union graph to a Graph Store endpoint; returns graphs sent."""
    graphs = store.graph_names()
    for graph in graphs:
        _put(endpoint, graph, store.graph_ntriples(graph), timeout)
    union = ox.serialize(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), format=ox.RdfFormat.N_TRIPLES)
    assert isinstance(union, bytes)
    _put(endpoint, UNION_GRAPH, union, timeout)
    return len(graphs) + 1


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("server", help="server base address, e.g. http://127.0.0.1:8899")
    ap.add_argument("--store", type=Path, default=Path("indexes/store"))
    ap.add_argument("--path", default=VIRTUOSO_PATH, help="Graph Store protocol path on the server")
    args = ap.parse_args(argv)
    try:
        store = GraphStore(generations.resolve(args.store), read_only=True)
        n = push(store, args.server.rstrip("/") + args.path)
    except RaadsgrafError as exc:
        sys.exit(f"error: {exc}")
    print(f"sent {n} graphs to {args.server}", file=sys.stderr)


if __name__ == "__main__":
    main()
