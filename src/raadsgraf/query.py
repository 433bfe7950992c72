"""Questions to the graph store: lineage of a matter, and SPARQL with typed results.

``lineage`` walks from a treatment (or an item, case, policy, or a meeting date
and item number) along references in both directions and along shared case
numbers, and returns the treatments in time order with how each was reached.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
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
    from raadsgraf.vocab import PREFIXES

    return dict(PREFIXES)


# --- lineage ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineageStep:
    """One treatment of the matter."""

    treatment: str  # or, for a meeting named without an item number, the meeting
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


def _strings(store: GraphStore, body: str) -> list[dict[str, str | None]]:
    """A SELECT's rows as the terms' lexical values: for the walk, which needs IRIs
    and flags only and reads hundreds of rows, a quarter of the time of ``_rows``."""
    result = store.query(body, prefixes=_prefixes())
    names = [v.value for v in result.variables]
    return [
        {k: None if t is None else t.value for k, t in zip(names, s, strict=True)} for s in result
    ]


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


#: Reference kinds that name a treatment of the same matter in a structured way
#: (a labelled block of the minutes); a reference found in running prose may be
#: about something else, so a walk includes its target but goes no further.
STRUCTURED = frozenset({"tidligere-behandling", "beslutningshistorik", "sagens-forloeb"})
SAME_CASE = "sag"


def _per_treatment(values: str, var: str, pattern: str) -> str:
    """``pattern`` evaluated once per value of ``var``: LATERAL (Oxigraph's SEP-0006)
    makes Oxigraph 0.5 look each one up. A plain join with a ``VALUES`` of more than
    a handful of IRIs is planned as a hash join over a scan of the whole store
    (40-70 ms on Greve instead of 1-5 ms). Lineage runs on the embedded store only,
    so the extension is safe here; the analyst queries stay standard SPARQL 1.1.
    Inside, a type check is a ``FILTER EXISTS``: as a pattern of one variable the
    planner (which does not know the outer variable is bound) would start from it
    and scan every member of the class for each value."""
    return f"VALUES {var} {{ {values} }} LATERAL {{ {pattern} }}"


@dataclass
class _WalkState:
    """What a walk has learnt so far, kept across its levels so nothing is fetched twice.

    ``members``: case → its treatments (a case is fetched once, not once per
    treatment in it, which returned n² rows for a case of n treatments);
    ``case_of``: treatment → case or None, known once the walk has seen it as a
    neighbour; ``out_refs``: treatment → its outgoing references as (reference,
    influencer, kind, influencer is a meeting), for every treatment a level
    expanded — the meeting references of the lineage come from these, and only the
    treatments the walk did not expand are asked for theirs again;
    ``notations``: concept (reference kind, outcome) → its notation.
    """

    members: dict[str, list[str]] = field(default_factory=dict)
    case_of: dict[str, str | None] = field(default_factory=dict)
    out_refs: dict[str, list[tuple[str, str, str, bool]]] = field(default_factory=dict)
    notations: dict[str, str] = field(default_factory=dict)


def _notations(store: GraphStore, state: _WalkState, concepts: set[str]) -> dict[str, str]:
    """Concept → ``skos:notation`` (reference kinds, outcomes: a handful of concepts),
    each fetched once per lineage: one lookup fewer per row than joining the
    notation in every query."""
    missing = sorted(c for c in concepts if c not in state.notations)
    state.notations.update((c, "") for c in missing)
    state.notations.update(_objects(store, missing, "skos:notation"))
    return state.notations


def _objects(store: GraphStore, subjects: list[str], predicate: str) -> list[tuple[str, str]]:
    """(subject, object) pairs of ``predicate`` for ``subjects``, looked up one by one."""
    if not subjects:
        return []
    rows = _strings(
        store,
        "SELECT ?s ?o WHERE { "
        + _per_treatment(" ".join(_iri(s) for s in subjects), "?s", f"?s {predicate} ?o")
        + " }",
    )
    return [(str(r["s"]), str(r["o"])) for r in rows]


def _cases_of(store: GraphStore, state: _WalkState, treatments: list[str]) -> None:
    """Record the case (or None) of each treatment the walk does not know yet."""
    unknown = sorted({t for t in treatments if t not in state.case_of})
    state.case_of.update((t, None) for t in unknown)
    state.case_of.update(_objects(store, unknown, "eli-dl:forms_part_of"))


def _edges(
    store: GraphStore, treatments: list[str], state: _WalkState
) -> dict[str, list[tuple[str, str]]]:
    """(neighbour, how) per treatment: references either way, and the same case."""
    values = " ".join(_iri(t) for t in treatments)
    # Outgoing references with every influencer (a treatment, or a meeting named
    # without an item number), incoming ones from the treatments that cite these.
    # A neighbour's case is not joined here: the walk asks for it only for the
    # few new neighbours whose case decides whether it goes on from them.
    rows = _strings(
        store,
        "SELECT ?a ?r ?b ?k ?meeting WHERE { "
        + _per_treatment(
            values,
            "?a",
            """{ ?a rg:reference ?r . ?r prov:influencer ?b . ?r dct:type ?k
                 BIND(EXISTS { ?b a besluit:Zitting } AS ?meeting) }
               UNION
               { ?r prov:influencer ?a . ?b rg:reference ?r . ?r dct:type ?k }""",
        )
        + " }",
    )
    kinds = _notations(store, state, {str(r["k"]) for r in rows})
    out: dict[str, set[tuple[str, str]]] = {}
    for t in treatments:
        state.out_refs.setdefault(t, [])
    for r in rows:
        a, b, how = str(r["a"]), str(r["b"]), kinds.get(str(r["k"]), "")
        if r["meeting"] is not None:  # an outgoing reference
            state.out_refs[a].append((str(r["r"]), b, how, r["meeting"] == "true"))
            if r["meeting"] == "true":
                continue
        out.setdefault(a, set()).add((b, how))
    _cases_of(store, state, treatments)
    case_of, members = state.case_of, state.members
    cases = {t: case_of[t] for t in treatments}
    new_cases = sorted({c for c in cases.values() if c is not None} - members.keys())
    if new_cases:
        for c in new_cases:
            members[c] = []
        for r in _strings(
            store,
            "SELECT ?c ?b WHERE { "
            + _per_treatment(
                " ".join(_iri(c) for c in new_cases), "?c", "?b eli-dl:forms_part_of ?c"
            )
            + " }",
        ):
            members[str(r["c"])].append(str(r["b"]))
            case_of[str(r["b"])] = str(r["c"])
    for a, case in cases.items():
        if case is not None:
            out.setdefault(a, set()).update((b, SAME_CASE) for b in members[case] if b != a)
    return {a: sorted(edges) for a, edges in out.items()}


def walk(
    store: GraphStore, start: list[str], state: _WalkState | None = None
) -> dict[str, tuple[str, str | None]]:
    """Treatments of the same matter as ``start``: treatment → (how reached, from which).

    Breadth first, a few queries per level. Every treatment sharing a case with one
    in the walk is in it, and so is every treatment a reference names (or that
    names one in the walk). The walk goes on from a treatment reached by its
    case, or by a structured reference (Tidligere behandling, Beslutningshistorik,
    Sagens forløb) when it has no case number of its own; it stops at one reached
    by a prose mention, or by a reference into another case — otherwise one
    agenda item citing the budget would pull in the whole council term.
    """
    state = state if state is not None else _WalkState()
    reached: dict[str, tuple[str, str | None]] = {t: ("start", None) for t in start}
    frontier = sorted(start)
    while frontier and len(reached) < MAX_STEPS:
        edges = _edges(store, frontier, state)
        new: list[tuple[str, str]] = []
        for t in frontier:
            for n, how in edges.get(t, ()):
                if n in reached:
                    continue
                reached[n] = (how, t)
                new.append((n, how))
        _cases_of(store, state, [n for n, how in new if how in STRUCTURED])
        frontier = sorted(
            {
                n
                for n, how in new
                if how == SAME_CASE or (how in STRUCTURED and state.case_of[n] is None)
            }
        )
    return reached


def _details(
    store: GraphStore, treatments: list[str], state: _WalkState
) -> dict[str, dict[str, Value]]:
    """Date, item, committee, municipality, title, case, source and outcome per treatment."""
    # Structural parts every treatment has (the shapes require them, placeholders
    # included) are required, the rest OPTIONAL of one pattern each (looked up per
    # treatment; a longer OPTIONAL chain Oxigraph 0.5 may plan as a scan). The
    # bodies' names are fetched once per body, the outcomes' notations once per
    # outcome class, rather than once per treatment.
    rows = _strings(
        store,
        "SELECT ?t ?z ?d ?c ?n ?ti ?rti ?case ?source ?oc WHERE { "
        + _per_treatment(
            " ".join(_iri(t) for t in treatments),
            "?t",
            """?t dct:subject ?a ; eli-dl:activity_date ?d .
               ?a schema:position ?n .
               ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?c .
               OPTIONAL { ?a dct:title ?ti }
               OPTIONAL { ?t rg:referencedTitle ?rti }
               OPTIONAL { ?t eli-dl:forms_part_of ?cs . OPTIONAL { ?cs dct:identifier ?case } }
               OPTIONAL { ?t dct:source ?source }
               OPTIONAL { ?t rg:decisionOutcome ?oc }""",
        )
        + " }",
    )
    bodies = (
        {
            str(r["c"]): r
            for r in _strings(
                store,
                "SELECT ?c ?committee ?muni WHERE { "
                + _per_treatment(
                    " ".join(sorted({_iri(str(r["c"])) for r in rows})),
                    "?c",
                    "?c skos:prefLabel ?committee ; besluit:bestuurt ?m . ?m skos:prefLabel ?muni",
                )
                + " }",
            )
        }
        if rows
        else {}
    )
    outcomes = _notations(store, state, {str(r["oc"]) for r in rows if r["oc"]})
    out: dict[str, dict[str, Value]] = {}
    for r in rows:
        t = str(r["t"])
        if t in out:
            continue  # one row per treatment; extra rows only repeat it
        body = bodies.get(str(r["c"]), {})
        out[t] = {
            "z": r["z"],
            "d": _date_or_none(r["d"]),
            "n": int(r["n"]) if r["n"] and r["n"].lstrip("-").isdigit() else None,
            "committee": body.get("committee"),
            "muni": body.get("muni"),
            "ti": r["ti"],
            "rti": r["rti"],
            "case": r["case"],
            "source": r["source"],
            "outcome": outcomes.get(r["oc"]) or None if r["oc"] else None,
        }
    return out


def _date_or_none(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


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


def _meeting_references(
    store: GraphStore, treatments: list[str], state: _WalkState
) -> list[LineageStep]:
    """Meetings the walk's treatments name without an item number ("Sagens forløb:
    17-01-2022 Økonomiudvalget") and that no treatment of the same case resolves.

    Only the treatments the walk went on from count (their outgoing references are
    in ``state``): one it stopped at — a prose mention, or an item of another case —
    names the meetings of its own matter, not of this one."""
    # The meeting details are a query of their own: joined in one, Oxigraph 0.5
    # plans them as a scan (200 ms on Greve) instead of lookups (a few ms).
    refs = [(t, *ref) for t in treatments for ref in state.out_refs.get(t, ())]
    # a reference to a meeting that also names one of its treatments is resolved
    resolved = {r for _, r, _, _, is_meeting in refs if not is_meeting}
    open_refs = sorted(
        (z, t, how) for t, r, z, how, is_meeting in refs if is_meeting and r not in resolved
    )
    if not open_refs:
        return []
    meeting_values = " ".join(sorted({_iri(z) for z, _, _ in open_refs}))
    info = {
        str(r["z"]): r
        for r in _strings(
            store,
            f"""SELECT ?z ?d ?committee ?muni ?source WHERE {{
                  VALUES ?z {{ {meeting_values} }} LATERAL {{
                  ?z dct:date ?d ; besluit:isGehoudenDoor ?c .
                  ?c skos:prefLabel ?committee ; besluit:bestuurt ?m . ?m skos:prefLabel ?muni .
                  OPTIONAL {{ ?z dct:source ?source }} }}
                }}""",
        )
    }
    seen: dict[str, LineageStep] = {}
    for z, t, how in open_refs:
        if z in seen or z not in info:
            continue
        r = info[z]
        seen[z] = LineageStep(
            treatment=z,
            date=_date_or_none(r["d"]),
            municipality=r["muni"],
            committee=r["committee"],
            item_number=None,
            title=None,
            outcome=None,
            case_number=None,
            link=how,
            via=t,
            in_corpus=r["source"] is not None,
        )
    return list(seen.values())


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
    state = _WalkState()
    reached = walk(store, start, state)
    ordered = sorted(reached)
    meetings = _meeting_references(store, ordered, state)
    details = _details(store, ordered, state)
    steps = []
    for t in ordered:
        d = details.get(t, {})
        link, via = reached[t]
        date_value = d.get("d")
        number = d.get("n")
        steps.append(
            LineageStep(
                treatment=t,
                date=date_value if isinstance(date_value, dt.date) else None,
                municipality=_str(d.get("muni")),
                committee=_str(d.get("committee")),
                item_number=number if isinstance(number, int) else None,
                title=_str(d.get("ti")) or _str(d.get("rti")),
                outcome=_str(d.get("outcome")),
                case_number=_str(d.get("case")),
                link=link,
                via=via,
                in_corpus=d.get("source") is not None,
            )
        )
    # a meeting named without an item number that the walk already reached
    # through one of its treatments (often the citing item's own meeting) adds nothing
    covered = {str(d["z"]) for d in details.values()}
    steps.extend(m for m in meetings if m.treatment not in covered)
    steps.sort(key=lambda s: (s.date or dt.date.min, s.committee or "", s.item_number or 0))
    label = target or f"{date} item {item}" + (f" ({committee})" if committee else "")
    return Lineage(label, tuple(steps), _policies(store, ordered))


def _str(value: Value) -> str | None:
    return None if value is None else str(value)
