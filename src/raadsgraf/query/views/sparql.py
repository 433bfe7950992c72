"""Small helpers the views share: terms in SPARQL text, typed values out."""

from __future__ import annotations

import datetime as dt

from raadsgraf.graph.sparql import Value, run_sparql
from raadsgraf.graph.store import GraphStore
from raadsgraf.graph.vocab import sparql_prologue

#: Characters SPARQL forbids inside <…> (IRIREF), percent-encoded: an IRI that
#: comes from a URL parameter can never end the term and inject query text.
_IRI_UNSAFE = {c: f"%{ord(c):02X}" for c in '<>"{}|^`\\ \t\r\n'}


def _iri(text: str) -> str:
    return "<" + "".join(_IRI_UNSAFE.get(c, c) for c in text) + ">"


def _lit(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return '"' + escaped + '"'


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
