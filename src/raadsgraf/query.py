"""Questions to the graph store: lineage of a matter, and SPARQL with typed results.

``lineage`` walks from a treatment (or an item, case, policy, or a meeting date
and item number) along references in both directions and along shared case
numbers, and returns the treatments in time order with how each was reached.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from raadsgraf import iris
from raadsgraf.errors import RaadsgrafError
from raadsgraf.store import GraphStore
from raadsgraf.vocab import sparql_prologue

#: Upper bound on the treatments one lineage walks (a guard against a hub case).
MAX_STEPS = 2000


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


def run_sparql(store: GraphStore, query: str, *, limit: int | None = None) -> SparqlResult:
    """Run a read-only query over the union of all graphs; at most ``limit`` rows."""
    try:
        result = store.query(query, prefixes=_prefixes())
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    except OSError as exc:
        raise QueryError(f"SPARQL query failed: {exc}") from None
    if isinstance(result, ox.QueryBoolean):
        return SparqlResult("ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        triples = []
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
    from raadsgraf.vocab import PREFIXES

    return dict(PREFIXES)


# --- lineage ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineageStep:
    """One treatment of the matter."""

    treatment: str
    date: dt.date | None
    municipality: str | None
    committee: str | None
    item_number: int | None
    title: str | None
    outcome: str | None
    case_number: str | None
    link: str  # "start", "sag" (same case) or the reference kind that led here
    via: str | None  # the treatment it was reached from
    in_corpus: bool


@dataclass(frozen=True, slots=True)
class PolicyLink:
    policy: str
    title: str
    adopted_on: dt.date | None
    adopted_by: str | None
    replaces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lineage:
    target: str
    steps: tuple[LineageStep, ...]
    policies: tuple[PolicyLink, ...]


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iri(text: str) -> str:
    return "<" + text.replace(">", "%3E") + ">"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rows(store: GraphStore, body: str) -> list[dict[str, Value]]:
    return run_sparql(store, sparql_prologue() + body).dicts()


def resolve_target(
    store: GraphStore,
    target: str | None = None,
    *,
    date: dt.date | None = None,
    item: int | None = None,
    committee: str | None = None,
) -> list[str]:
    """Treatment IRIs named by an IRI, a case number, or a date + item (+ committee)."""
    if date is not None:
        if item is None:
            raise QueryError("--date needs --item")
        filt = ""
        if committee:
            filt = f"FILTER(STRENDS(STR(?c), {_lit('/organ/' + iris.slug(iris.committee_name(committee)))}))"
        rows = _rows(
            store,
            f"""
            SELECT DISTINCT ?t WHERE {{
              ?t eli-dl:activity_date {_lit(date.isoformat())}^^xsd:date ; dct:subject ?a .
              ?a schema:position {item} .
              ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?c . {filt}
            }}""",
        )
        found = sorted(str(r["t"]) for r in rows)
        if not found:
            raise QueryError(f"no treatment of item {item} on {date.isoformat()} in the store")
        return found
    if not target:
        raise QueryError("name an IRI, a case number, or --date and --item")
    if target.startswith(("http://", "https://", "urn:")):
        rows = _rows(
            store,
            f"""
            SELECT DISTINCT ?t WHERE {{
              {{ BIND({_iri(target)} AS ?t) ?t a besluit:BehandelingVanAgendapunt }}
              UNION {{ ?t dct:subject {_iri(target)} }}
              UNION {{ ?t eli-dl:forms_part_of {_iri(target)} }}
              UNION {{ ?t rg:treatsPolicy {_iri(target)} }}
              UNION {{ {_iri(target)} besluit:behandelt ?a . ?t dct:subject ?a }}
            }}""",
        )
    else:
        rows = _rows(
            store,
            f"""
            SELECT DISTINCT ?t WHERE {{
              ?c a rg:Case ; dct:identifier {_lit(target.strip())} .
              ?t eli-dl:forms_part_of ?c .
            }}""",
        )
    found = sorted(str(r["t"]) for r in rows)
    if not found:
        raise QueryError(f"{target}: no treatment, item, case or policy by that name in the store")
    return found


def _edges(store: GraphStore, t: str) -> list[tuple[str, str]]:
    """(neighbour, how) for one treatment: references either way, same case."""
    rows = _rows(
        store,
        f"""
        SELECT DISTINCT ?n ?how WHERE {{
          {{ {_iri(t)} rg:reference ?r . ?r prov:influencer ?n ; dct:type/skos:notation ?how .
             ?n a besluit:BehandelingVanAgendapunt }}
          UNION
          {{ ?n rg:reference ?r . ?r prov:influencer {_iri(t)} ; dct:type/skos:notation ?how }}
          UNION
          {{ {_iri(t)} eli-dl:forms_part_of ?c . ?n eli-dl:forms_part_of ?c .
             FILTER(?n != {_iri(t)}) BIND("sag" AS ?how) }}
        }}""",
    )
    return sorted((str(r["n"]), str(r["how"])) for r in rows)


def _details(store: GraphStore, treatments: list[str]) -> dict[str, dict[str, Value]]:
    values = " ".join(_iri(t) for t in treatments)
    rows = _rows(
        store,
        f"""
        SELECT ?t (SAMPLE(?date) AS ?d) (SAMPLE(?ml) AS ?muni) (SAMPLE(?cl) AS ?committee)
               (SAMPLE(?pos) AS ?n) (SAMPLE(?title) AS ?ti) (SAMPLE(?rtitle) AS ?rti)
               (SAMPLE(?on) AS ?outcome) (SAMPLE(?cn) AS ?case) (SAMPLE(?src) AS ?source)
        WHERE {{
          VALUES ?t {{ {values} }}
          ?t dct:subject ?a .
          OPTIONAL {{ ?t eli-dl:activity_date ?date }}
          OPTIONAL {{ ?a schema:position ?pos }}
          OPTIONAL {{ ?a dct:title ?title }}
          OPTIONAL {{ ?t rg:referencedTitle ?rtitle }}
          OPTIONAL {{ ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?c .
                     ?c skos:prefLabel ?cl ; besluit:bestuurt/skos:prefLabel ?ml }}
          OPTIONAL {{ ?t prov:generated/rg:outcome/skos:notation ?on }}
          OPTIONAL {{ ?t eli-dl:forms_part_of/dct:identifier ?cn }}
          OPTIONAL {{ ?t dct:source ?src }}
        }} GROUP BY ?t""",
    )
    return {str(r["t"]): r for r in rows}


def _policies(store: GraphStore, treatments: list[str]) -> tuple[PolicyLink, ...]:
    values = " ".join(_iri(t) for t in treatments)
    rows = _rows(
        store,
        f"""
        SELECT ?p (SAMPLE(?title) AS ?ti) (SAMPLE(?date) AS ?d) (SAMPLE(?bl) AS ?by)
               (GROUP_CONCAT(DISTINCT ?old; separator="\\n") AS ?olds)
        WHERE {{
          VALUES ?t {{ {values} }}
          ?t rg:treatsPolicy ?p . ?p eli:title ?title .
          OPTIONAL {{ ?p eli:date_document ?date }}
          OPTIONAL {{ ?p eli:passed_by/skos:prefLabel ?bl }}
          OPTIONAL {{ ?p dct:replaces/rdfs:label ?old }}
        }} GROUP BY ?p ORDER BY ?p""",
    )
    out = []
    for r in rows:
        olds = str(r["olds"] or "")
        d = r["d"]
        out.append(
            PolicyLink(
                str(r["p"]),
                str(r["ti"]),
                d if isinstance(d, dt.date) else None,
                str(r["by"]) if r["by"] else None,
                tuple(sorted(o for o in olds.split("\n") if o)),
            )
        )
    return tuple(out)


def lineage(
    store: GraphStore,
    target: str | None = None,
    *,
    date: dt.date | None = None,
    item: int | None = None,
    committee: str | None = None,
) -> Lineage:
    """The chronological treatment history of a matter, and the policies it belongs to."""
    start = resolve_target(store, target, date=date, item=item, committee=committee)
    reached: dict[str, tuple[str, str | None]] = {t: ("start", None) for t in start}
    todo = deque(start)
    while todo and len(reached) < MAX_STEPS:
        t = todo.popleft()
        for n, how in _edges(store, t):
            if n not in reached:
                reached[n] = (how, t)
                todo.append(n)
    ordered = sorted(reached)
    details = _details(store, ordered)
    steps = []
    for t in ordered:
        d = details.get(t, {})
        link, via = reached[t]
        date_value = d.get("d")
        n = d.get("n")
        steps.append(
            LineageStep(
                treatment=t,
                date=date_value if isinstance(date_value, dt.date) else None,
                municipality=_str(d.get("muni")),
                committee=_str(d.get("committee")),
                item_number=n if isinstance(n, int) else None,
                title=_str(d.get("ti")) or _str(d.get("rti")),
                outcome=_str(d.get("outcome")),
                case_number=_str(d.get("case")),
                link=link,
                via=via,
                in_corpus=d.get("source") is not None,
            )
        )
    steps.sort(key=lambda s: (s.date or dt.date.min, s.committee or "", s.item_number or 0))
    label = target or f"{date} item {item}" + (f" ({committee})" if committee else "")
    return Lineage(label, tuple(steps), _policies(store, ordered))


def _str(value: Value) -> str | None:
    return None if value is None else str(value)
