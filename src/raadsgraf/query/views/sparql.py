"""Small helpers the views share: terms in SPARQL text, typed values out."""

from __future__ import annotations

import datetime as dt

from raadsgraf.graph.sparql import Value, iri_term, literal_term, run_sparql
from raadsgraf.graph.store import GraphStore
from raadsgraf.graph.vocab import sparql_prologue

# One way to put a value into query text, shared with the rest of the graph stage.
_iri = iri_term
_lit = literal_term


def _rows(store: GraphStore, body: str) -> list[dict[str, Value]]:
    return run_sparql(store, sparql_prologue() + body).dicts()


def _s(value: Value) -> str | None:
    return None if value is None else str(value)


def _d(value: Value) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _i(value: Value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# Danish labels of concepts (outcomes, reference kinds, version stages) from the ontology.
_DA_LABEL = 'OPTIONAL {{ {0} skos:prefLabel ?{1} FILTER(LANG(?{1}) = "da") }}'


def _person_pattern(var: str) -> str:
    return f"?{var} foaf:name ?name . OPTIONAL {{ ?{var} org:memberOf/skos:notation ?party }}"
