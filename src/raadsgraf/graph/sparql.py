"""SPARQL over the graph store, with typed results; the helpers the other
question modules (:mod:`raadsgraf.query.lineage`) build their queries with."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from raadsgraf.errors import QueryError
from raadsgraf.graph.store import GraphBackend
from raadsgraf.graph.vocab import sparql_prologue

__all__ = ["IRI", "QueryError", "SparqlResult", "Value", "iri_term", "literal_term", "run_sparql"]


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
    store: GraphBackend,
    query: str,
    *,
    limit: int | None = None,
    bindings: Mapping[str, Value] | None = None,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> SparqlResult:
    """Run a read-only query over the union of all graphs; at most ``limit`` rows.

    ``bindings`` gives variables their values before the query runs (SPARQL SEP-0007
    substitution, done by the engine): the way a caller's value reaches a query
    without becoming query text. Oxigraph substitutes only variables the SELECT
    projects, so a bound variable is listed in the SELECT clause.

    ``default_graphs``/``named_graphs`` (graph IRIs) set the query's dataset as the
    SPARQL protocol's ``default-graph-uri``/``named-graph-uri`` do: the default
    graph is then the merge of those graphs, and GRAPH sees only those named.
    """
    kwargs: dict[str, Any] = {"prefixes": _prefixes()}
    if bindings:
        kwargs["substitutions"] = {ox.Variable(k): to_term(v) for k, v in bindings.items()}
    if default_graphs:
        kwargs["default_graph"] = [_named_node(g) for g in default_graphs]
    if named_graphs:
        kwargs["named_graphs"] = [_named_node(g) for g in named_graphs]
    try:
        result = store.query(query, **kwargs)
    except SyntaxError as exc:
        if _UPDATE.match(_PROLOGUE.sub("", query)):
            raise QueryError(
                "read-only: SPARQL updates are refused; the store changes only "
                "through `raadsgraf ingest`"
            ) from None
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"SPARQL query failed: {exc}") from None
    except RuntimeError as exc:  # the engine's word on a substitution it cannot make
        raise QueryError(f"bound values must be projected variables of a SELECT: {exc}") from None
    if isinstance(result, ox.QueryBoolean):
        return SparqlResult("ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples | list):  # a list: from a SPARQL server
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


_SKIP = re.compile(
    r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'|<[^\s<>\"{}|^`\\]*>",
    re.DOTALL,
)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the request's first keyword."""
    match = re.match(r"\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", _PROLOGUE.sub("", text), re.I)
    if match is None:
        raise QueryError("not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
    return match.group(1).upper()


def bind_values(text: str, substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """The query with variables bound, for an engine that cannot substitute them
    (a SPARQL server): a ``VALUES`` block opening the query's outermost group,
    which every pattern of it joins, with the terms written by pyoxigraph's own
    serialiser. The one place a bound value becomes query text."""
    pos = 0
    while True:  # the first "{" outside comments, strings and IRIs
        skip = _SKIP.search(text, pos)
        brace = text.find("{", pos)
        if brace < 0:
            raise QueryError("bound values need a query with a WHERE clause")
        if skip is None or brace < skip.start():
            break
        pos = skip.end()
    names = " ".join(str(v) for v in substitutions)
    terms = " ".join(str(t) for t in substitutions.values())
    return f"{text[: brace + 1]} VALUES ({names}) {{ ({terms}) }} {text[brace + 1 :]}"


def is_true(lexical: str | None) -> bool:
    """A computed boolean's lexical form (``BIND(EXISTS …)``, a comparison) as a bool:
    Oxigraph writes ``true``; Virtuoso answers such a value as the integer ``1``."""
    return lexical in ("true", "1")


def _prefixes() -> dict[str, str]:
    from raadsgraf.graph.vocab import PREFIXES

    return dict(PREFIXES)


def to_term(value: Value) -> ox.NamedNode | ox.Literal:
    """A Python value as an RDF term: :class:`IRI` → IRI, dates and numbers typed."""
    if isinstance(value, IRI):
        return _named_node(value)
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
    if isinstance(value, float | Decimal):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "decimal"))
    if isinstance(value, dt.datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(_XSD + "dateTime"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(_XSD + "date"))
    if value is None:
        raise QueryError("a query value is missing")
    return ox.Literal(str(value))


def _named_node(text: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(text)
    except ValueError:
        raise QueryError(f"not an IRI: {text[:200]!r}") from None


def iri_term(text: str) -> str:
    """``text`` as an IRI in SPARQL text: the one place a text becomes an IRI term.

    The IRI is checked by the engine's own parser and written by its own serialiser, so
    a value from outside (a URL parameter such as ``foo`` or ``x> } DROP …``) is a
    :class:`QueryError`, never query text.
    """
    return str(_named_node(text))


def literal_term(text: str) -> str:
    """``text`` as a string literal in SPARQL text, escaped by the engine's serialiser."""
    return str(ox.Literal(text))


def select(store: GraphBackend, body: str) -> list[dict[str, Value]]:
    """A SELECT (without PREFIX lines) as dicts of typed values."""
    return run_sparql(store, sparql_prologue() + body).dicts()


def select_strings(store: GraphBackend, body: str) -> list[dict[str, str | None]]:
    """A SELECT's rows as the terms' lexical values: for the walk, which needs IRIs
    and flags only and reads hundreds of rows, a quarter of the time of ``select``."""
    result = store.query(body, prefixes=_prefixes())
    names = [v.value for v in result.variables]
    return [
        {k: None if t is None else t.value for k, t in zip(names, s, strict=True)} for s in result
    ]
