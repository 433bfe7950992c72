"""The SPARQL 1.1 Protocol on `raadsgraf serve`: GET/POST, formats and Accept
q-values, dataset parameters, read-only, SERVICE refused by parsing, body cap,
timeout by ending a worker (on a real uvicorn), row cap — over the real seeds."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.serve.app import ServeOptions, create_app
from raadsgraf.serve.sparql import negotiate, uses_service
from raadsgraf.serve.workers import GRAPH_TYPES, SELECT_TYPES
from tests.serving import served

SEEDS = Path(__file__).parent / "samples" / "seeds"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def graph_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("endpoint") / "store"
    assert pipeline.ingest([SEEDS], Settings(store=store), progress=False, index=False).ok
    return store


def _settings(store: Path, **kw: object) -> Settings:
    base: dict[str, object] = {
        "store": store,
        "sparql_timeout": 1.5,
        "sparql_max_rows": 5,
        "sparql_workers": 1,
        "serve_max_body": 20_000,
    }
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(graph_store: Path) -> Iterator[TestClient]:
    app = create_app(graph_store, _settings(graph_store), ServeOptions(warm=False))
    with TestClient(app) as c:
        yield c


def _error(r: httpx.Response) -> dict[str, object]:
    body = r.json()["error"]
    assert body["request_id"] == r.headers["x-request-id"]
    assert body["message_da"] and body["message_en"]
    return dict(body)


def test_get_returns_sparql_json(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": COUNT})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert r.json()["head"]["vars"] == ["n"]
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 1000


def test_post_form_and_direct_query_and_csv(client: TestClient) -> None:
    r = client.post("/sparql", data={"query": COUNT})
    assert r.status_code == 200 and r.json()["head"]["vars"] == ["n"]
    r = client.post(
        "/sparql",
        content=COUNT.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["n"] and int(rows[1][0]) > 1000


def test_accept_q_values_choose_the_format(client: TestClient) -> None:
    q = "SELECT ?p WHERE { ?p a rg:Policy } LIMIT 1"
    cases = {
        "text/csv;q=0.5, application/sparql-results+xml": "application/sparql-results+xml",
        "application/sparql-results+xml;q=0.2, text/tab-separated-values;q=0.9": (
            "text/tab-separated-values"
        ),
        "text/*;q=0.8, */*;q=0.1": "text/csv",
        "*/*": "application/sparql-results+json",
    }
    for accept, media in cases.items():
        r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(media), accept
    r = client.get(
        "/sparql",
        params={"query": "CONSTRUCT { ?p a rg:Policy } WHERE { ?p a rg:Policy }"},
        headers={"Accept": "text/turtle;q=0.1, application/n-triples"},
    )
    assert r.headers["content-type"].startswith("application/n-triples") and "politik/" in r.text
    # a SELECT when only graph formats are acceptable: 406, not a format nobody asked for
    r = client.get("/sparql", params={"query": q}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406
    _error(r)
    assert negotiate("application/json;q=0", SELECT_TYPES, "json") is None
    assert negotiate("", GRAPH_TYPES, "turtle") == "turtle"


def test_ask_and_construct(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK { ?p a rg:Policy }"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    r = client.get(
        "/sparql",
        params={"query": "CONSTRUCT { ?p a rg:Policy } WHERE { ?p a rg:Policy }"},
        headers={"Accept": "text/turtle"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert "politik/" in r.text


def test_default_and_named_graph_uri(client: TestClient) -> None:
    graphs = client.get(
        "/sparql",
        params={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a besluit:Zitting } } ORDER BY ?g"
        },
    ).json()["results"]["bindings"]
    sources = [b["g"]["value"] for b in graphs]
    assert len(sources) >= 2
    meetings = "SELECT (COUNT(DISTINCT ?z) AS ?n) WHERE { ?z a besluit:Zitting }"
    every = client.get("/sparql", params={"query": meetings}).json()
    one = client.get("/sparql", params={"query": meetings, "default-graph-uri": sources[0]}).json()
    n_all = int(every["results"]["bindings"][0]["n"]["value"])
    n_one = int(one["results"]["bindings"][0]["n"]["value"])
    assert 1 <= n_one < n_all
    named = client.get(
        "/sparql",
        params=[
            ("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
            ("named-graph-uri", sources[1]),
        ],
    ).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [sources[1]]
    r = client.get("/sparql", params={"query": COUNT, "default-graph-uri": "not an iri"})
    assert r.status_code == 400


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <https://raadsgraf.dk/graph/ontology>",
    ],
)
def test_updates_are_refused(client: TestClient, update: str) -> None:
    r = client.get("/sparql", params={"update": update})
    assert r.status_code == 403 and "read-only" in r.text
    assert client.post("/sparql", data={"update": update}).status_code == 403
    r = client.post(
        "/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    assert r.status_code == 403
    # update syntax sent as a query is refused too
    assert client.get("/sparql", params={"query": update}).status_code in (400, 403)
    ask = client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    assert ask.json()["boolean"] is False
    onto = "ASK { GRAPH <https://raadsgraf.dk/graph/ontology> { ?s ?p ?o } }"
    assert client.get("/sparql", params={"query": onto}).json()["boolean"] is True


def test_service_is_refused_by_parsing(client: TestClient) -> None:
    for q in (
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . service silent ?x { ?s ?q ?r } }",
    ):
        r = client.get("/sparql", params={"query": q})
        assert r.status_code == 403 and _error(r)["code"] == "forbidden"
    # the word as a variable, in a string, in an IRI or a comment is no SERVICE clause
    allowed = [
        "SELECT ?service WHERE { ?service a rg:Policy } LIMIT 1",
        'SELECT * WHERE { ?s rdfs:label "SERVICE" } # SERVICE <http://x> { }',
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    ]
    for q in allowed:
        assert not uses_service(q), q
    r = client.get("/sparql", params={"query": allowed[0]})
    assert r.status_code == 200 and r.json()["head"]["vars"] == ["service"]


def test_results_are_capped(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == 5
    assert r.headers.get("x-raadsgraf-truncated") == "true"
    r = client.get("/sparql", params={"query": COUNT})
    assert "x-raadsgraf-truncated" not in r.headers


def test_body_size_is_capped(client: TestClient) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    r = client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and _error(r)["code"] == "too_large"


def test_bad_queries_are_400_with_a_bilingual_message(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT WHERE {"})
    assert r.status_code == 400
    body = _error(r)
    assert "syntax" in str(body["detail"]).lower()
    assert client.get("/sparql").status_code == 400
    r = client.post("/sparql", content=b"x", headers={"Content-Type": "image/png"})
    assert r.status_code == 415


def test_unknown_store_fails_clearly(tmp_path: Path) -> None:
    from raadsgraf.errors import RaadsgrafError

    with pytest.raises(RaadsgrafError, match="ingest"):
        create_app(tmp_path / "none", Settings(store=tmp_path / "none"), ServeOptions(warm=False))


# --- on a real server: a runaway query is stopped and delays no one ---------------------


@pytest.fixture(scope="module")
def server(graph_store: Path) -> Iterator[str]:
    settings = _settings(graph_store, sparql_workers=2, sparql_max_rows=100_000)
    app = create_app(graph_store, settings, ServeOptions(warm=False))
    with served(app) as url:
        yield url


def test_a_runaway_query_is_stopped_and_delays_no_one(server: str) -> None:
    results: dict[str, tuple[int, float]] = {}

    def ask(name: str, query: str) -> None:
        t = time.monotonic()
        r = httpx.get(f"{server}/sparql", params={"query": query}, timeout=30)
        results[name] = (r.status_code, time.monotonic() - t)

    slow = threading.Thread(target=ask, args=("slow", SLOW))
    slow.start()
    time.sleep(0.3)
    fast = [threading.Thread(target=ask, args=(f"fast{i}", COUNT)) for i in range(3)]
    for t in fast:
        t.start()
    for t in [slow, *fast]:
        t.join()
    assert results["slow"][0] == 503
    assert results["slow"][1] < 1.5 + 2.0  # stopped at the timeout, not left to run
    for i in range(3):
        status, took = results[f"fast{i}"]
        assert status == 200 and took < 1.5, results
    # and the pool is whole again
    assert httpx.get(f"{server}/sparql", params={"query": COUNT}, timeout=30).status_code == 200


def test_analyst_queries_over_the_protocol_match_the_embedded_store(
    server: str, graph_store: Path
) -> None:
    """The docs/queries through rdflib's SPARQLStore (a standard protocol client)."""
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    import raadsgraf

    remote = Graph(SPARQLStore(query_endpoint=f"{server}/sparql"))
    queries = sorted((Path(__file__).parent.parent / "docs" / "queries").glob("*.rq"))
    assert queries
    with raadsgraf.open(graph_store) as rg:
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


def test_default_bind_is_loopback() -> None:
    from click.testing import CliRunner

    from raadsgraf.cli import cli

    out = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "127.0.0.1" in out
    assert json.dumps(ServeOptions().host) == '"127.0.0.1"'


@pytest.mark.slow
def test_serve_processes_share_the_port_with_the_commands_settings(graph_store: Path) -> None:
    """`raadsgraf serve --processes 2`: two service processes, each with its share of
    the SPARQL workers, built from the settings the command was given (the row cap)."""
    import os
    import socket
    import subprocess
    import sys

    import psutil

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = ["serve", "--store", str(graph_store), "--port", str(port), "--no-warm"]
    env = {**os.environ, "RAADSGRAF_SERVE_RATE_LIMIT": "0"}
    cmd = [sys.executable, "-m", "raadsgraf", *args, "--processes", "2", "--max-rows", "3"]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)

        # each service process has started its one SPARQL worker (2 workers ÷ 2 processes)
        def spawned(p: psutil.Process) -> bool:
            return any("spawn_main" in part for part in p.cmdline())

        assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
        while time.monotonic() < deadline:
            serving = [k for k in psutil.Process(proc.pid).children() if spawned(k)]
            workers = [w for k in serving for w in k.children() if spawned(w)]
            if len(serving) == 2 and len(workers) == 2:
                break
            time.sleep(0.3)
        assert (len(serving), len(workers)) == (2, 2)
        clients = [httpx.Client(base_url=url) for _ in range(16)]
        for c in clients:  # a connection each: whichever process takes it, same answer
            r = c.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
            assert r.status_code == 200
            assert len(r.json()["results"]["bindings"]) == 3
            assert r.headers["X-Raadsgraf-Truncated"] == "true"
        # each process has a listening socket of its own, so both got connections (one
        # shared socket gave a burst of keep-alive connections mostly to one process)
        held = [
            sum(c.laddr.port == port and c.status == "ESTABLISHED" for c in k.net_connections())
            for k in serving
        ]
        for c in clients:
            c.close()
        assert all(held) and sum(held) == 16, held
    finally:
        proc.terminate()
        proc.wait(30)
    assert proc.returncode is not None
