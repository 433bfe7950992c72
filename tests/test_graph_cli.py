"""The graph commands: ingest, lineage, sparql, export, kle load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from raadsgraf.cli import cli

SEEDS = Path(__file__).parent / "samples" / "seeds"
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = str(tmp_path_factory.mktemp("cli") / "store")
    result = CliRunner().invoke(
        cli, ["ingest", str(SEEDS), "--store", folder, "-q", "--json", "--no-index"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert len(report["added"]) == 5 and report["failed"] == []
    return folder


def test_ingest_again_reports_unchanged(store: str) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(SEEDS), "--store", store, "-q", "--no-index"])
    assert result.exit_code == 0
    assert "0 new and 0 changed file(s), 5 unchanged" in result.stderr


def test_ingest_reports_a_bad_file_and_keeps_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02 not minutes")
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(bad),
            str(SEEDS / next(SEEDS.glob("002*")).name),
            "--store",
            str(tmp_path / "s"),
            "-q",
            "--no-index",
        ],
    )
    assert result.exit_code == 1
    assert "bad.bin" in result.stderr and "1 new" in result.stderr


def test_lineage_text_and_json(store: str) -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["lineage", "--date", "2023-11-07", "--item", "7", "--store", store])
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert lines[0].startswith("2022-02-22") and "Økonomiudvalget" in lines[0]
    assert lines[1].startswith("2023-08-15") and "[not in corpus]" in lines[1]
    assert lines[2].startswith("2023-11-07") and "Boligsocial strategi 2024-2029" in lines[2]
    # the strategy the item treated, adopted later (a step after it)
    assert lines[3].startswith("2024-01-29") and "Kommunalbestyrelsen" in lines[3]
    assert lines[4].startswith("policy: Ballerups Kommunes boligsociale strategi 2024-2029")
    data = json.loads(
        runner.invoke(cli, ["lineage", "24-012144", "--json", "--store", store]).stdout
    )
    assert [s["item_number"] for s in data["steps"] if s["item_number"]] == [2, 3]
    # seed 001's schedule: coming steps, marked planned
    planned = [(s["date"], s["committee"]) for s in data["steps"] if s["planned"]]
    assert planned == [
        ("2025-03-03", "Teknik-, Plan- og Landdistriktsudvalget"),
        ("2025-03-24", "Byrådet"),
    ]


def test_lineage_errors_are_one_line(store: str) -> None:
    result = CliRunner().invoke(cli, ["lineage", "00-000", "--store", store])
    assert result.exit_code == 1 and "00-000" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(
        cli, ["lineage", "--date", "7/11/2023", "--item", "1", "--store", store]
    )
    assert result.exit_code == 2


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv", "xml"])
def test_sparql_formats(store: str, fmt: str) -> None:
    q = "SELECT ?title WHERE { ?p a rg:Policy ; eli:title ?title }"
    result = CliRunner().invoke(cli, ["sparql", q, "--format", fmt, "--store", store])
    assert result.exit_code == 0, result.output
    assert "Ballerups Kommunes boligsociale strategi 2024-2029" in result.stdout


def test_sparql_file_and_syntax_error(store: str) -> None:
    path = Path(__file__).parent.parent / "docs" / "queries" / "policy-treatments.rq"
    result = CliRunner().invoke(
        cli, ["sparql", "--file", str(path), "--format", "csv", "--store", store]
    )
    assert result.exit_code == 0 and result.stdout.count("\n") == 3
    result = CliRunner().invoke(cli, ["sparql", "SELECT WHERE {", "--store", store])
    assert result.exit_code == 1 and "syntax" in result.output.lower()


def test_export_turtle_parses_back(store: str) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "turtle", "--store", store])
    assert result.exit_code == 0
    g = Graph().parse(data=result.stdout_bytes, format="turtle")
    count = CliRunner().invoke(
        cli,
        [
            "sparql",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "--format",
            "csv",
            "--store",
            store,
        ],
    )
    assert len(g) == int(count.stdout.splitlines()[1])


def test_export_nquads_keeps_the_named_graphs(store: str) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "nq", "--store", store])
    graphs = {line.rsplit(" ", 2)[-2] for line in result.stdout.splitlines() if line}
    assert "<https://raadsgraf.dk/graph/ontology>" in graphs and len(graphs) == 5 + 2


def test_kle_load(tmp_path: Path) -> None:
    folder = str(tmp_path / "store")
    runner = CliRunner()
    assert (
        runner.invoke(
            cli, ["ingest", str(next(SEEDS.glob("000*"))), "--store", folder, "-q", "--no-index"]
        ).exit_code
        == 0
    )
    files = [str(SAMPLES / "kle-sample.xml"), str(SAMPLES / "kle-facets-sample.xml")]
    result = runner.invoke(cli, ["kle", "load", *files, "--store", folder])
    assert result.exit_code == 0, result.output
    q = """SELECT ?l WHERE { ?c skos:notation "00.22.04" ; skos:prefLabel ?l }"""
    out = runner.invoke(cli, ["sparql", q, "--format", "csv", "--store", folder]).stdout
    assert "Emne 00.22.04 (testtitel)" in out
    q = """SELECT ?up WHERE { ?c skos:notation "I00" ; skos:broader/skos:prefLabel ?up }"""
    assert (
        "Kategori I"
        in runner.invoke(cli, ["sparql", q, "--format", "csv", "--store", folder]).stdout
    )
    # a file that is not KLE names itself and the line
    bad = tmp_path / "bad.xml"
    bad.write_text("<a><b></a>", encoding="utf-8")
    result = runner.invoke(cli, ["kle", "load", str(bad), "--store", folder])
    assert result.exit_code == 1 and "bad.xml:l1" in result.output


def test_validate_says_whether_the_store_satisfies_the_shapes(store: str, tmp_path: Path) -> None:
    import shutil

    import pyoxigraph as ox

    from raadsgraf import generations
    from raadsgraf.graph.store import GraphStore

    result = CliRunner().invoke(cli, ["validate", "--store", store])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("conforms: ")
    # a meeting with no date and no body breaks rgsh:Meeting
    broken = tmp_path / "store"
    shutil.copytree(store, broken)
    gen = generations.live(broken)
    assert gen is not None
    meeting = ox.NamedNode("https://raadsgraf.dk/id/kommune/x/organ/y/moede/2020-01-01")
    zitting = ox.NamedNode("http://data.vlaanderen.be/ns/besluit#Zitting")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    GraphStore(gen).replace_graph("urn:test:broken", [ox.Quad(meeting, rdf_type, zitting)])
    result = CliRunner().invoke(cli, ["validate", "--store", str(broken)])
    assert result.exit_code == 1
    assert "Constraint Violation" in result.stdout and "2020-01-01" in result.stdout


def test_sparql_update_is_refused_as_read_only(store: str) -> None:
    result = CliRunner().invoke(
        cli, ["sparql", "PREFIX x: <urn:x#> INSERT DATA { x:a x:b x:c }", "--store", store]
    )
    assert result.exit_code != 0 and "read-only: SPARQL updates are refused" in result.output
    result = CliRunner().invoke(cli, ["sparql", "SELECT ?x WHERE { ?x ?y }", "--store", store])
    assert result.exit_code != 0 and "SPARQL syntax error" in result.output


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    for module in ("raadsgraf", "raadsgraf.cli"):
        done = subprocess.run(
            [sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0 and "ingest" in done.stdout, (module, done.stderr)
