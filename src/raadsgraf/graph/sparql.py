"""SPARQL over the graph store, with typed results; the helpers the other
question modules (:mod:`raadsgraf.query.lineage`) build their queries with."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from raadsgraf.errors import RaadsgrafError
from raadsgraf.graph.store import GraphStore
from raadsgraf.graph.vocab import sparql_prologue


class QueryError(RaadsgrafError):
    """A query that cannot run: bad SPARQL, or a lineage target that names nothing."""


class IRI(str):
    """An IRI in a SPARQL result (a ``str``, so it prints and compares as one)."""

    __slots__ = ()


Value = IRI | str | int | float | Decimal | bool | dt.date | dt.datetime | None

_XSD = "http://www.w3.org/2001/XMLSchema#"


def to_python(term: object) -> Value:
    """pyoxigraph term → Python value (typed literals by their datatype)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, ox.Literal):
        return str(term)
    dtype = term.datatype.value
    value = term.value
    try:
        if dtype in (_XSD + "integer", _XSD + "int", _XSD + "long"):
            return int(value)
        if dtype == _XSD + "decimal":
            return Decimal(value)
        if dtype in (_XSD + "double", _XSD + "float"):
            return float(value)
        if dtype == _XSD + "boolean":
            return value in ("true", "1")
        if dtype == _XSD + "date":
            return dt.date.fromisoformat(value)
        if dtype == _XSD + "dateTime":
            return dt.datetime.fromisoformat(value)
    except ValueError:
        pass
    return value


@dataclass(frozen=True, slots=True)
class SparqlResult:
    """A SPARQL result: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    kind: str  # "select" | "ask" | "graph"
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Value, ...], ...] = ()
    terms: tuple[tuple[object, ...], ...] = ()  # the pyoxigraph terms behind ``rows``
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()
    truncated: bool = False

    def dicts(self) -> list[dict[str, Value]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Value]:
        i = self.variables.index(name)
        return [row[i] for row in self.rows]


#: PREFIX/BASE declarations and comments before a request's first keyword.
_PROLOGUE = re.compile(r"^(?:\s+|#[^\n]*\n|(?:PREFIX\s+[\w-]*:|BASE)\s*<[^>]*>)*", re.IGNORECASE)
_UPDATE = re.compile(
    r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)


def run_sparql(
    store: GraphStore,
    query: str,
    *,
    limit: int | None = None,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> SparqlResult:
    """Run a read-only query over the union of all graphs; at most ``limit`` rows.

    ``default_graphs``/``named_graphs`` (graph IRIs) set the query's dataset as the
    SPARQL protocol's ``default-graph-uri``/``named-graph-uri`` do: the default
    graph is then the merge of those graphs, and GRAPH sees only those named."""
    dataset: dict[str, Any] = {}
    try:
        if default_graphs:
            dataset["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            dataset["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    except ValueError as exc:
        raise QueryError(f"not a graph IRI: {exc}") from None
    try:
        result = store.query(query, prefixes=_prefixes(), **dataset)
    except SyntaxError as exc:
        if _UPDATE.match(_PROLOGUE.sub("", query)):
            raise QueryError(
                "read-only: SPARQL updates are refused; the store changes only "
                "through `raadsgraf ingest`"
            ) from None
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"SPARQL query failed: {exc}") from None
    if isinstance(result, ox.QueryBoolean):
        return SparqlResult("ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        triples: list[ox.Triple] = []
        for t in result:
            if limit is not None and len(triples) >= limit:
                return SparqlResult("graph", triples=tuple(triples), truncated=True)
            triples.append(t)
        return SparqlResult("graph", triples=tuple(triples))
    variables = tuple(v.value for v in result.variables)
    terms: list[tuple[object, ...]] = []
    truncated = False
    for solution in result:
        if limit is not None and len(terms) >= limit:
            truncated = True
            break
        terms.append(tuple(solution[v] for v in variables))
    rows = tuple(tuple(to_python(t) for t in row) for row in terms)
    return SparqlResult("select", variables, rows, tuple(terms), truncated=truncated)


def _prefixes() -> dict[str, str]:
    from raadsgraf.graph.vocab import PREFIXES

    return dict(PREFIXES)


#: Characters SPARQL forbids inside <…> (IRIREF), percent-encoded: an IRI that
#: comes from a URL parameter can never end the term and inject query text.
_IRI_UNSAFE = {c: f"%{ord(c):02X}" for c in '<>"{}|^`\\ \t\r\n'}
_LITERAL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def iri_term(text: str) -> str:
    """``text`` as an IRI in SPARQL text (the one escaping function for IRIs)."""
    return "<" + "".join(_IRI_UNSAFE.get(c, c) for c in text) + ">"


def literal_term(text: str) -> str:
    """``text`` as a string literal in SPARQL text (the one escaping function for strings)."""
    return '"' + "".join(_LITERAL_ESCAPES.get(c, c) for c in text) + '"'


def select(store: GraphStore, body: str) -> list[dict[str, Value]]:
    """A SELECT (without PREFIX lines) as dicts of typed values."""
    return run_sparql(store, sparql_prologue() + body).dicts()


def select_strings(store: GraphStore, body: str) -> list[dict[str, str | None]]:
    """A SELECT's rows as the terms' lexical values: for the walk, which needs IRIs
    and flags only and reads hundreds of rows, a quarter of the time of ``select``."""
    result = store.query(body, prefixes=_prefixes())
    names = [v.value for v in result.variables]
    return [
        {k: None if t is None else t.value for k, t in zip(names, s, strict=True)} for s in result
    ]
