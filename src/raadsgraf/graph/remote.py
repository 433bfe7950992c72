"""The graph on a SPARQL 1.1 server (Query + Update + Graph Store protocol).

Selected by the setting ``graph`` (``RAADSGRAF_GRAPH``)::

    sparql+http://127.0.0.1:8890/sparql                       Virtuoso (scripts/virtuoso.sh)
    sparql+http://host:3030/ds/query?update=/ds/update&gsp=/ds/data   another server

The query endpoint also takes updates unless ``update=`` names another path, and
named graphs are written through the Graph Store protocol at ``gsp=`` (default:
Virtuoso's ``/sparql-graph-crud``). A server that asks for credentials gets
those of the address (``sparql+http://USER:PASSWORD@HOST…``, or the settings
``graph_user`` and ``graph_password``), by digest or basic authentication as it
asks; they never appear in an error. The manifest stays in the store folder (the
live generation), beside the search index; the triples live on the server:

- each source's named graph is PUT whole (a replace, never an append);
- the default graph — where queries run — is the server graph
  :data:`~raadsgraf.iris.UNION_GRAPH`, kept as the set union of ours the way the
  embedded store keeps its default graph: a replaced graph first takes away from
  it what only that graph stated, then its new triples are copied in on the
  server (a set, so nothing doubles). Every query names it as
  ``default-graph-uri``. It is a named graph on the server too, so a query's
  ``GRAPH ?g`` also meets it (the queries here key ``?g`` by the manifest);
  Virtuoso's own graphs (``virtrdf:``) are there as well.

Answers come back as pyoxigraph results, so every query module reads a server
exactly as it reads the embedded store. Unlike the embedded store, a server is
not copied per generation: an ingest changes it in place, source by source.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Generator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from raadsgraf import iris
from raadsgraf.config import credentials, shown
from raadsgraf.errors import StoreError
from raadsgraf.graph.sparql import bind_values, query_form
from raadsgraf.graph.store import GraphBackend

SCHEME = "sparql+"
#: Where Virtuoso serves the unauthenticated Graph Store protocol.
VIRTUOSO_GSP = "/sparql-graph-crud"
UNION = ox.NamedNode(iris.UNION_GRAPH)

#: Our named graphs' quads (a server also holds its own graphs, and the union).
_OURS = (
    "GRAPH ?g { ?s ?p ?o } "
    f"FILTER(STRSTARTS(STR(?g), {ox.Literal(iris.GRAPH_BASE)}) && ?g != {UNION})"
)
_SELECT_TYPES = "application/sparql-results+json"
_GRAPH_TYPES = "application/n-triples"


def endpoints(target: str) -> tuple[str, str, str]:
    """``sparql+http://host/sparql?update=…&gsp=…`` → (query, update, graph store) URLs
    (without the credentials the address may carry: :func:`login`)."""
    if not target.startswith(SCHEME + "http"):
        raise StoreError(f"graph backend {shown(target)!r}: expected sparql+http://HOST:PORT/PATH")
    parts = urllib.parse.urlsplit(credentials(target[len(SCHEME) :])[0])
    params = dict(urllib.parse.parse_qsl(parts.query))
    query = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    update = urllib.parse.urljoin(query, params.get("update", parts.path))
    gsp = urllib.parse.urljoin(query, params.get("gsp", VIRTUOSO_GSP))
    return query, update, gsp


def login(target: str) -> httpx.Auth | None:
    """The credentials of a ``graph`` address (``USER:PASSWORD@``), answering the
    server's challenge: HTTP digest when it asks for digest (Virtuoso's
    ``/sparql-auth`` and ``/sparql-graph-crud-auth``), basic otherwise."""
    found = credentials(target[len(SCHEME) :] if target.startswith(SCHEME) else target)[1]
    return None if found is None else ServerAuth(*found)


class ServerAuth(httpx.Auth):
    """Sends nothing until the server asks; then the scheme it asks for, and that
    scheme from the first request on afterwards (digest keeps its challenge)."""

    requires_request_body = True  # a request answered 401 is sent again, body and all

    def __init__(self, user: str, password: str) -> None:
        self._digest = httpx.DigestAuth(user, password)
        self._basic = httpx.BasicAuth(user, password)
        self._scheme: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme is not None:
            yield from self._scheme.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        asked = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        self._scheme = self._digest if asked == "digest" else self._basic
        yield from self._scheme.auth_flow(request)


class SparqlServerStore(GraphBackend):
    """A store folder's graph on a SPARQL server (see the module doc)."""

    def __init__(
        self, folder: Path, target: str, *, read_only: bool = False, timeout: float = 120.0
    ) -> None:
        self.target = target
        self.endpoint, self.update_endpoint, self.gsp = endpoints(target)
        self._http = httpx.Client(timeout=timeout, auth=login(target))
        self._open_manifest(folder, read_only)

    def close(self) -> None:
        self._http.close()

    # --- HTTP ---------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            resp = self._http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise StoreError(f"{url}: the graph server does not answer ({exc})") from None
        if resp.status_code >= 400:
            detail = resp.text[:300].strip()
            raise StoreError(f"{url}: HTTP {resp.status_code} {detail}")
        return resp

    def _update(self, text: str) -> None:
        self._writable()
        self._send("POST", self.update_endpoint, data={"update": text})

    def _graph(self, method: str, iri: str, nt: bytes | None = None) -> httpx.Response:
        # N-Triples is Turtle, and every Graph Store server reads Turtle
        headers = {"Content-Type": "text/turtle"} if nt is not None else {"Accept": _GRAPH_TYPES}
        return self._send(method, self.gsp, params={"graph-uri": iri}, content=nt, headers=headers)

    # --- the backend primitives ---------------------------------------------------------

    def _drop(self, iri: str) -> None:
        g = ox.NamedNode(iri)  # its serialisation is the one escaping of an IRI
        self._update(
            f"""DELETE {{ GRAPH {UNION} {{ ?s ?p ?o }} }} WHERE {{
                  GRAPH {g} {{ ?s ?p ?o }}
                  FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }}
                                       FILTER(?other != {g} && ?other != {UNION}) }}
                }}"""
        )
        self._update(f"DROP SILENT GRAPH {g}")

    def _stage(self, iri: str, nt: bytes) -> None:
        self._writable()
        if nt:
            self._graph("PUT", iri, nt)
            # copied on the server, not sent twice: a blank node of the graph is then
            # the same node in the union, so a later _drop finds it there (the union
            # is a set, so what other graphs state is not doubled)
            g = ox.NamedNode(iri)
            self._update(
                f"INSERT {{ GRAPH {UNION} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"
            )

    def query(self, sparql: str, **kwargs: Any) -> Any:
        """The query as the embedded store takes it, answered by the server."""
        from raadsgraf.graph.vocab import sparql_prologue

        prefixes = kwargs.pop("prefixes", None)
        text = (sparql_prologue() if prefixes else "") + sparql
        if kwargs.get("substitutions"):
            text = bind_values(text, kwargs.pop("substitutions"))
        form = query_form(text)
        defaults = [g.value for g in kwargs.pop("default_graph", [])] or [UNION.value]
        named = [g.value for g in kwargs.pop("named_graphs", [])]
        if kwargs:
            raise StoreError(f"SPARQL server backend: unsupported query options {sorted(kwargs)}")
        data = {"query": text, "default-graph-uri": defaults, "named-graph-uri": named}
        accept = _GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else _SELECT_TYPES
        body = self._send("POST", self.endpoint, data=data, headers={"Accept": accept}).content
        if form in ("CONSTRUCT", "DESCRIBE"):
            return [t for t in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
        result = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if form == "ASK" and isinstance(result, ox.QuerySolutions):
            # Virtuoso answers ASK in JSON as one row of one integer
            rows = [s[0] for s in result]
            answer = bool(rows) and rows[0] is not None and rows[0].value in ("1", "true")
            return ox.parse_query_results(
                b'{"head":{},"boolean":%s}' % (b"true" if answer else b"false"),
                ox.QueryResultsFormat.JSON,
            )
        return result

    def graph_names(self) -> list[str]:
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ {_OURS} }}")
        return sorted(row["g"].value for row in rows)

    def graph_ntriples(self, iri: str) -> bytes:
        return self._graph("GET", iri).content

    def quad_count(self) -> int:
        # as the embedded store counts: the named graphs' quads and the union's triples
        (row,) = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {_OURS} }}")
        return int(row["n"].value) + self.triple_count()
