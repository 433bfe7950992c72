"""One way to put a value into a query: checked by the engine, never pasted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest

from raadsgraf.errors import QueryError
from raadsgraf.graph.sparql import IRI, iri_term, literal_term, run_sparql
from raadsgraf.graph.store import GraphStore

HOSTILE_IRIS = [
    "foo",  # the app's /punkt?item=foo
    "",
    "http://x/a> } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o",
    "http://x/a b",
    'http://x/"quoted"',
    "http://x/{brace}",
    "http://x/\nnewline",
    "javascript:alert(1)>",
]

HOSTILE_TEXTS = [
    'a "quoted" text',
    "back\\slash",
    "line\nbreak\r\n",
    '" } ; DROP ALL ; #',
    "'''triple''' \"\"\"quotes\"\"\"",
    "æøå ÆØÅ – “curly” \u2028 \t",
]


@pytest.fixture
def store(tmp_path: Path) -> GraphStore:
    gs = GraphStore(tmp_path)
    g = ox.NamedNode("http://example.org/g")
    for i, text in enumerate(HOSTILE_TEXTS):
        gs.store.add(
            ox.Quad(
                ox.NamedNode(f"http://example.org/s{i}"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal(text),
                g,
            )
        )
    gs.store.add(
        ox.Quad(
            ox.NamedNode("http://example.org/s0"),
            ox.NamedNode("http://example.org/q"),
            ox.Literal("x"),
        )
    )
    return gs


@pytest.mark.parametrize("bad", HOSTILE_IRIS)
def test_a_text_that_is_not_an_iri_is_a_query_error(bad: str) -> None:
    with pytest.raises(QueryError, match="not an IRI"):
        iri_term(bad)


def test_an_iri_is_written_by_the_engine() -> None:
    assert iri_term("http://example.org/item/1") == "<http://example.org/item/1>"


@pytest.mark.parametrize("i", range(len(HOSTILE_TEXTS)))
def test_a_hostile_literal_finds_exactly_itself(store: GraphStore, i: int) -> None:
    q = f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s <http://example.org/p> {literal_term(HOSTILE_TEXTS[i])} }} }}"
    assert run_sparql(store, q).column("s") == [f"http://example.org/s{i}"]


@pytest.mark.parametrize("i", range(len(HOSTILE_TEXTS)))
def test_a_bound_value_finds_exactly_itself(store: GraphStore, i: int) -> None:
    q = "SELECT ?s ?text WHERE { GRAPH ?g { ?s <http://example.org/p> ?text } }"
    result = run_sparql(store, q, bindings={"text": HOSTILE_TEXTS[i]})
    assert result.column("s") == [f"http://example.org/s{i}"]


def test_bound_iris_and_typed_values(store: GraphStore) -> None:
    q = "SELECT ?s ?o WHERE { ?s <http://example.org/q> ?o }"
    assert run_sparql(store, q, bindings={"s": IRI("http://example.org/s0")}).column("o") == ["x"]
    with pytest.raises(QueryError, match="not an IRI"):
        run_sparql(store, q, bindings={"s": IRI("foo> } DROP ALL")})
    with pytest.raises(QueryError, match="projected"):
        run_sparql(store, "SELECT ?o WHERE { ?s ?p ?o }", bindings={"s": IRI("http://x/")})
    q2 = "SELECT ?d (DATATYPE(?d) AS ?t) WHERE {}"
    t = run_sparql(store, q2, bindings={"d": dt.date(2024, 1, 29)}).column("t")
    assert t == ["http://www.w3.org/2001/XMLSchema#date"]
