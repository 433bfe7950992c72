"""The SPARQL endpoint: protocol, formats, read-only, SERVICE refused, timeout, cap."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.serve.endpoint import make_server, serve_in_thread, uses_service
from tests.graph_parser import write

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("endpoint")
    src = root / "src"
    src.mkdir()
    write(src, "a.txt", "minutes_2023")
    write(src, "b.txt", "strategy")
    store = root / "store"
    assert pipeline.ingest([src], Settings(store=store), progress=False, index=False).ok
    server, service = make_server(store, "127.0.0.1", 0, timeout=1.5, max_rows=5, workers=1)
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()
    server.server_close()
    service.close()


def call(
    url: str,
    *,
    query: str | None = None,
    data: bytes | None = None,
    content_type: str | None = None,
    accept: str | None = None,
    params: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    args = dict(params or {})
    if query is not None:
        args["query"] = query
    full = url + ("?" + urllib.parse.urlencode(args) if args else "")
    req = urllib.request.Request(full, data=data)
    if content_type:
        req.add_header("Content-Type", content_type)
    if accept:
        req.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_get_returns_sparql_json(endpoint: str) -> None:
    status, headers, body = call(endpoint, query=COUNT)
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    data = json.loads(body)
    assert data["head"]["vars"] == ["n"]
    assert int(data["results"]["bindings"][0]["n"]["value"]) > 100


def test_post_form_and_direct_query_and_csv(endpoint: str) -> None:
    form = urllib.parse.urlencode({"query": COUNT}).encode()
    status, _, body = call(endpoint, data=form, content_type="application/x-www-form-urlencoded")
    assert status == 200 and json.loads(body)["head"]["vars"] == ["n"]
    status, headers, body = call(
        endpoint, data=COUNT.encode(), content_type="application/sparql-query", accept="text/csv"
    )
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0] == ["n"] and int(rows[1][0]) > 100


def test_ask_and_construct(endpoint: str) -> None:
    status, _, body = call(endpoint, query="ASK { ?p a rg:Policy }")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, headers, body = call(
        endpoint,
        query="CONSTRUCT { ?p a rg:Policy } WHERE { ?p a rg:Policy }",
        accept="text/turtle",
    )
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert b"politik/" in body


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <https://raadsgraf.dk/graph/ontology>",
    ],
)
def test_updates_are_refused(endpoint: str, update: str) -> None:
    status, _, body = call(endpoint, params={"update": update})
    assert status == 403 and b"read-only" in body
    form = urllib.parse.urlencode({"update": update}).encode()
    status, _, _ = call(endpoint, data=form, content_type="application/x-www-form-urlencoded")
    assert status == 403
    status, _, _ = call(endpoint, data=update.encode(), content_type="application/sparql-update")
    assert status == 403
    # update syntax sent as a query is not a query
    status, _, _ = call(endpoint, query=update)
    assert status == 400
    # and nothing changed
    _, _, body = call(endpoint, query="ASK { <urn:a> <urn:b> <urn:c> }")
    assert json.loads(body)["boolean"] is False
    _, _, body = call(
        endpoint, query="ASK { GRAPH <https://raadsgraf.dk/graph/ontology> { ?s ?p ?o } }"
    )
    assert json.loads(body)["boolean"] is True


def test_service_is_refused(endpoint: str) -> None:
    q = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    status, _, _ = call(endpoint, query=q)
    assert status == 403
    assert not uses_service('SELECT * WHERE { ?s rdfs:label "SERVICE" } # SERVICE')


def test_results_are_capped(endpoint: str) -> None:
    status, headers, body = call(endpoint, query="SELECT * WHERE { ?s ?p ?o }")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == 5
    assert headers.get("X-Raadsgraf-Truncated") == "true"
    _, headers, _ = call(endpoint, query=COUNT)
    assert "X-Raadsgraf-Truncated" not in headers


def test_a_slow_query_is_stopped_and_the_endpoint_recovers(endpoint: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    status, _, body = call(endpoint, query=slow)
    assert status == 503 and b"timeout" in body
    status, _, _ = call(endpoint, query=COUNT)
    assert status == 200


def test_bad_queries_are_400_with_a_message(endpoint: str) -> None:
    status, _, body = call(endpoint, query="SELECT WHERE {")
    assert status == 400 and b"syntax" in body.lower()
    status, _, _ = call(endpoint)
    assert status == 400


def test_default_bind_is_loopback() -> None:
    import inspect

    assert inspect.signature(make_server).parameters["host"].default == "127.0.0.1"


def test_unknown_store_fails_clearly(tmp_path: Path) -> None:
    from raadsgraf.errors import RaadsgrafError

    with pytest.raises(RaadsgrafError, match="ingest"):
        make_server(tmp_path / "none", "127.0.0.1", 0)


def test_analyst_queries_over_the_protocol_match_the_embedded_store(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The same docs/queries through rdflib's SPARQLStore (the standard protocol)."""
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    import raadsgraf

    root = tmp_path_factory.mktemp("protocol")
    store = root / "store"
    seeds = Path(__file__).parent / "samples" / "seeds"
    assert pipeline.ingest([seeds], Settings(store=store), progress=False, index=False).ok
    server, service = make_server(store, "127.0.0.1", 0, timeout=20, max_rows=100_000, workers=1)
    serve_in_thread(server)
    try:
        remote = Graph(SPARQLStore(query_endpoint=f"http://127.0.0.1:{server.server_port}/sparql"))
        queries = sorted((Path(__file__).parent.parent / "docs" / "queries").glob("*.rq"))
        with raadsgraf.open(store) as rg:
            for path in queries:
                text = path.read_text(encoding="utf-8")
                local = [
                    tuple("" if t is None else str(getattr(t, "value", t)) for t in row)
                    for row in rg.sparql(text).terms
                ]
                over_http = [
                    tuple("" if t is None else str(t) for t in row)
                    for row in remote.query(text)  # type: ignore[union-attr]
                ]
                assert over_http == local, path.name
    finally:
        server.shutdown()
        server.server_close()
        service.close()
