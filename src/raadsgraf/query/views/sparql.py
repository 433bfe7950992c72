"""Small helpers the views share: terms in SPARQL text, typed values out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from raadsgraf.errors import QueryError
from raadsgraf.graph.sparql import Value, iri_term, literal_term, run_sparql
from raadsgraf.graph.store import GraphBackend
from raadsgraf.graph.vocab import sparql_prologue

#: What a looked-up text that is not an IRI becomes: an IRI that names nothing.
NOTHING = "urn:raadsgraf:nothing"


def _iri(text: str) -> str:
    """An IRI a page looks up, in query text (through the one escaping function,
    :func:`~raadsgraf.graph.sparql.iri_term`). A text that is not an IRI — a mangled link
    such as ``/punkt?item=foo`` — names nothing, so the page finds nothing and says so."""
    try:
        return iri_term(text)
    except QueryError:
        return iri_term(NOTHING)


_lit = literal_term


def _rows(store: GraphBackend, body: str) -> list[dict[str, Value]]:
    return run_sparql(store, sparql_prologue() + body).dicts()


def _s(value: Value) -> str | None:
    return None if value is None else str(value)


def _item_fields(r: dict[str, Value]) -> dict[str, Any]:
    """The columns every item-shaped row binds — ?a the item, ?date, ?cl the committee's
    label, ?n its number, ?title — as the records' keyword arguments."""
    return {
        "item": str(r["a"]),
        "date": _d(r["date"]),
        "committee": _s(r["cl"]),
        "number": _i(r["n"]),
        "title": _s(r["title"]),
    }


def _d(value: Value) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _i(value: Value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# Danish labels of concepts (outcomes, reference kinds, version stages) from the ontology.
_DA_LABEL = 'OPTIONAL {{ {0} skos:prefLabel ?{1} FILTER(LANG(?{1}) = "da") }}'


def _person_pattern(var: str) -> str:
    return f"?{var} foaf:name ?name . OPTIONAL {{ ?{var} org:memberOf/skos:notation ?party }}"
