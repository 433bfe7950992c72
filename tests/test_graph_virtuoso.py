"""The graph served from Virtuoso (scripts/virtuoso.sh) through the setting ``graph``
(``RAADSGRAF_GRAPH=sparql+http://…``): an ingest writes each source's named graph
there and the derived graph is pushed; the public API, the CLI and the SPARQL
service read from it, and answer as the embedded store does on the samples.

Runs where Virtuoso is installed (``scripts/virtuoso.sh install``, which CI runs);
skipped otherwise.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import raadsgraf
from raadsgraf import pipeline
from raadsgraf.cli import cli
from raadsgraf.config import Settings
from tests.backend_compare import (
    QUERIES,
    answers,
    assert_same_graph_and_lineage,
    assert_same_search,
    graphs,
)
from tests.conftest import MODELS

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "scripts" / "virtuoso.sh"
SEEDS = Path(__file__).parent / "samples" / "seeds"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("virtuoso-t") is None, reason="Virtuoso not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def virtuoso_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A fresh Virtuoso: its database folder, and its query endpoint as a ``graph``
    setting."""
    db = tmp_path_factory.mktemp("virtuoso") / "db"
    port = _free_port()
    subprocess.run([str(SCRIPT), "start", str(db), str(port)], check=True, timeout=120)
    try:
        yield db, f"sparql+http://127.0.0.1:{port}/sparql"
    finally:
        subprocess.run([str(SCRIPT), "stop", str(db)], check=False, timeout=60)


@pytest.fixture(scope="module")
def virtuoso(virtuoso_db: tuple[Path, str]) -> str:
    return virtuoso_db[1]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, virtuoso: str) -> tuple[Settings, Settings]:
    """The seeds ingested twice: into the embedded store, and onto Virtuoso."""
    root = tmp_path_factory.mktemp("stores")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds)
    embedded = Settings(store=root / "embedded")
    remote = Settings(store=root / "remote", graph=virtuoso)
    for settings in (embedded, remote):
        assert pipeline.ingest([seeds], settings, progress=False, index=False).ok
    return embedded, remote


@pytest.mark.parametrize("path", QUERIES, ids=[p.name for p in QUERIES])
def test_analyst_query_on_virtuoso_matches_the_embedded_store(
    stores: tuple[Settings, Settings], path: Path
) -> None:
    embedded, remote = stores
    text = path.read_text(encoding="utf-8")
    local = answers(embedded, text)
    assert local, f"{path.name} answers nothing on the samples: the comparison would be empty"
    assert answers(remote, text) == local


def test_same_graph_and_lineage_as_the_embedded_store(stores: tuple[Settings, Settings]) -> None:
    # the derived graph was computed against Virtuoso and pushed there
    assert_same_graph_and_lineage(*stores)


def test_bound_values_and_the_rdflib_view_on_virtuoso(stores: tuple[Settings, Settings]) -> None:
    """Values bound to a query reach Virtuoso as a VALUES block (it has no
    substitution), a hostile one stays a value; rdflib reads the union too."""
    from raadsgraf.graph.sparql import IRI, run_sparql

    query = "SELECT ?z ?c WHERE { ?z a besluit:Zitting ; dct:date ?d ; besluit:isGehoudenDoor ?c }"
    hostile = 'x" } ; DROP ALL ; #'
    results = []
    for settings in stores:
        with raadsgraf.open(settings.store, settings) as rg:
            meetings = sorted(rg.sparql(query).column("z"))
            bound = run_sparql(rg.graph, query, bindings={"z": IRI(meetings[0])})
            results.append((meetings[0], sorted(bound.rows)))
            title = "SELECT ?t ?a WHERE { ?a dct:title ?t }"
            assert run_sparql(rg.graph, title, bindings={"t": hostile}).rows == ()
            rows = rg.rdflib().query(
                "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://data.vlaanderen.be/ns/besluit#Zitting> }"
            )
            results.append([int(r[0]) for r in rows])  # type: ignore[index]
    assert results[0][1] and results[:2] == results[2:]


def test_reingest_replaces_a_source_graph_on_the_server(
    stores: tuple[Settings, Settings], tmp_path: Path
) -> None:
    """A changed file replaces its named graph (not appended); a removed item is gone."""
    embedded, remote = stores
    changed = next(p for p in sorted(SEEDS.iterdir()) if p.suffix == ".txt")
    copy = tmp_path / changed.name
    text = changed.read_text(encoding="utf-8")
    copy.write_text(text[: len(text) // 2], encoding="utf-8")
    for settings in (embedded, remote):
        report = pipeline.ingest([copy], settings, progress=False, index=False)
        assert report.ok and report.added == [str(copy)]
    with (
        raadsgraf.open(embedded.store, embedded) as a,
        raadsgraf.open(remote.store, remote) as b,
    ):
        assert b.graph.triple_count() == a.graph.triple_count()
        shorter = a.graph.triple_count()
    copy.write_text(text, encoding="utf-8")  # the whole file again: a replace, not an append
    for settings in (embedded, remote):
        assert pipeline.ingest([copy], settings, progress=False, index=False).replaced
    with (
        raadsgraf.open(embedded.store, embedded) as a,
        raadsgraf.open(remote.store, remote) as b,
    ):
        assert graphs(b) == graphs(a)
        assert a.graph.triple_count() > shorter


def test_cli_and_service_read_from_virtuoso(
    stores: tuple[Settings, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    from raadsgraf.serve.workers import QueryService

    embedded, remote = stores
    query = (ROOT / "docs" / "queries" / "items-per-committee-and-outcome.rq").read_text()
    outputs = []
    for settings in (embedded, remote):
        monkeypatch.setenv("RAADSGRAF_GRAPH", settings.graph)
        result = CliRunner().invoke(
            cli, ["lineage", "24-012144", "--json", "--store", str(settings.store)]
        )
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(result.stdout))
        service = QueryService(settings.store, workers=1, graph=settings.graph)
        try:
            reply = service.run(query, "json")
        finally:
            service.close()
        assert reply.status == 200
        rows = json.loads(reply.body)["results"]["bindings"]
        outputs.append(sorted(json.dumps(r, sort_keys=True) for r in rows))
    assert outputs[0]["steps"], "the lineage names no treatment: nothing compared"
    assert outputs[:2] == outputs[2:]


#: a council member named in seed 000 (as in tests/test_erasure.py)
NAME = "Lolan Marianne Ottesen"


def _on_server(settings: Settings, words: str) -> list[str]:
    """The server's graphs (every one, the union included) where ``words`` occur in
    a subject or an object, in any case or as an IRI slug."""
    import httpx

    from raadsgraf.graph.remote import endpoints

    needles = [words.lower(), "-".join(words.lower().split())]
    test = " || ".join(
        f"CONTAINS(LCASE(STR(?{v})), {json.dumps(n)})" for v in "so" for n in needles
    )
    query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o FILTER({test}) }} }}"
    reply = httpx.post(
        endpoints(settings.graph)[0],
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    reply.raise_for_status()
    return sorted(b["g"]["value"] for b in reply.json()["results"]["bindings"])


def test_forget_on_virtuoso_as_on_the_embedded_store(
    stores: tuple[Settings, Settings], tmp_path: Path
) -> None:
    """`forget` on the server (SPARQL Update and the Graph Store protocol): a name
    and a source (named by its meeting's IRI) leave every graph there, and the
    server's graph equals the embedded store's after the same forget; a dump
    written before brings neither back when loaded. (Changes both stores: runs
    after the other comparisons.)"""
    from raadsgraf import dump, erasure, iris
    from raadsgraf.parsers.registry import parse_bytes
    from tests.conftest import seed

    embedded, remote = stores
    before = dump.export(remote, tmp_path / "before")
    meeting = iris.meeting_iri(parse_bytes(seed("001").read_bytes(), "x.txt").meetings[0])
    assert _on_server(remote, NAME) and _on_server(remote, meeting.rsplit("/", 1)[1])
    store = ["--store", str(remote.store)]
    result = CliRunner().invoke(
        cli,
        ["forget", "--text", NAME, "--source", meeting, "--json", "-q", *store],
        env={"RAADSGRAF_GRAPH": remote.graph},
    )
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    assert done["sources_removed"] == 1 and done["sources_reread"] >= 1
    assert done["triples_after"] < done["triples_before"]
    erasure.forget(embedded, texts=[NAME], sources=[meeting])
    assert _on_server(remote, NAME) == []
    assert _on_server(remote, meeting.rsplit("/", 1)[1]) == []
    assert_same_graph_and_lineage(embedded, remote)

    report = dump.load(before.folder, remote)  # a backup from before the erasure
    assert report.withheld == 1 + done["sources_reread"], report.summary()
    assert _on_server(remote, NAME) == []
    assert _on_server(remote, meeting.rsplit("/", 1)[1]) == []


def test_a_dump_loads_into_virtuoso(seed_store: Path, virtuoso: str, tmp_path: Path) -> None:
    """The seed store (graph and index) dumped, loaded onto Virtuoso: same answers,
    lineage and search as the store it came from."""
    from raadsgraf import dump

    original = Settings(store=seed_store, models=MODELS)
    dump.export(original, tmp_path / "dump")
    # the server still holds the other store's graphs (five seeds, one changed):
    # the load drops what the dump lacks, so this test runs last
    loaded = Settings(store=tmp_path / "store", graph=virtuoso, models=MODELS)
    report = dump.load(tmp_path / "dump", loaded)
    assert report.chunks > 100
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        assert answers(loaded, text) == answers(original, text), path.name
    assert_same_graph_and_lineage(original, loaded)
    assert_same_search(original, loaded)


def test_updates_with_credentials_through_virtuosos_authenticated_endpoints(
    virtuoso_db: tuple[Path, str], tmp_path: Path
) -> None:
    """A deployment's server takes updates only with credentials (Virtuoso:
    /sparql-auth and /sparql-graph-crud-auth, HTTP digest): refused without them,
    written with them (settings or in the address), and no error or repr shows
    the password."""
    from raadsgraf import iris
    from raadsgraf.errors import StoreError
    from raadsgraf.graph.backend import open_graph

    db, url = virtuoso_db
    user, password = "rg_writer", "hemme'lig:pw@1"
    subprocess.run([str(SCRIPT), "user", str(db), user, password], check=True, timeout=60)
    address = f"{url}?update=/sparql-auth&gsp=/sparql-graph-crud-auth"
    iri = iris.GRAPH_BASE + "test/auth"
    nt = b'<https://raadsgraf.dk/id/x> <http://purl.org/dc/terms/title> "auth" .\n'

    def write(settings: Settings) -> list[str]:
        with open_graph(tmp_path, settings.graph) as graph:
            graph.replace_graph_ntriples(iri, nt)
            names = graph.graph_names()
            graph.replace_graph_ntriples(iri, b"")
            assert iri not in graph.graph_names()
        return names

    with pytest.raises(StoreError, match="HTTP 401"):
        write(Settings(store=tmp_path, graph=address))
    given = Settings(store=tmp_path, graph=address, graph_user=user, graph_password=password)
    assert iri in write(given)
    assert password not in repr(given) and "rg_writer:***@" in repr(given)
    in_address = given.graph  # sparql+http://rg_writer:…@127.0.0.1:…
    assert "@127.0.0.1" in in_address and iri in write(Settings(store=tmp_path, graph=in_address))
    wrong = Settings(store=tmp_path, graph=address, graph_user=user, graph_password="not-it")
    with pytest.raises(StoreError, match="HTTP 401") as refused:
        write(wrong)
    assert "not-it" not in str(refused.value) and password not in str(refused.value)
