"""What moved: agenda items in a scope (a committee, a case, a person, a policy,
search hits, the sources of a sync) with the version and time of the source
that holds them, and upcoming meetings. The feeds (:mod:`raadsgraf.query.feeds`)
and the app's "Nyt siden sidste synkronisering" read these records.

Closed items carry their title only: their decision and recommendation are
never in these records, whatever the store holds (``include_closed``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from raadsgraf.errors import QueryError
from raadsgraf.graph.sparql import iri_term as _iri
from raadsgraf.graph.sparql import literal_term as _lit
from raadsgraf.graph.store import GraphBackend
from raadsgraf.query.views import committees, people, policies
from raadsgraf.query.views.sparql import _d, _i, _rows, _s


@dataclass(frozen=True, slots=True)
class UpdatedItem:
    """An agenda item as the feeds show it."""

    item: str  # IRI
    meeting: str
    committee: str | None
    date: dt.date | None
    number: int | None
    title: str
    is_open: bool
    kind: str | None  # the meeting's: "agenda" or "minutes"
    decision: str | None  # None for closed items, always
    recommendation: str | None
    version: str  # the holding source's sha-256 prefix ("" when withdrawn)
    updated: dt.datetime  # when that source was (re)ingested, or the withdrawal day
    withdrawn: dt.date | None = None  # the item's, or its meeting's, rg:withdrawnOn


@dataclass(frozen=True, slots=True)
class NewMeeting:
    iri: str
    committee: str | None
    date: dt.date | None
    kind: str | None
    items: tuple[UpdatedItem, ...]


@dataclass(frozen=True, slots=True)
class UpcomingMeeting:
    iri: str
    committee: str | None
    date: dt.date
    start: dt.datetime | None
    end: dt.datetime | None
    place: str | None
    kind: str | None
    items: tuple[tuple[int | None, str], ...]  # (number, title)


_ITEM_QUERY = """SELECT ?a ?z ?cl ?date ?kind ?n ?title ?open ?gone ?dec ?rec ?g WHERE {{
  {scope}
  ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?c ; dct:date ?date .
  FILTER(EXISTS {{ ?a dct:source ?asrc }} || EXISTS {{ ?a rg:withdrawnOn ?w }})
  OPTIONAL {{ ?c skos:prefLabel ?cl }}
  OPTIONAL {{ ?z dct:type ?kind }}
  OPTIONAL {{ ?a schema:position ?n }}
  OPTIONAL {{ ?a dct:title ?title }}
  OPTIONAL {{ ?a besluit:geplandOpenbaar ?open }}
  OPTIONAL {{ ?a rg:withdrawnOn ?igone }}
  OPTIONAL {{ ?z rg:withdrawnOn ?zgone }}
  BIND(COALESCE(?igone, ?zgone) AS ?gone)
  OPTIONAL {{ ?t dct:subject ?a ; a besluit:BehandelingVanAgendapunt .
             OPTIONAL {{ ?t prov:generated/prov:value ?dec }}
             OPTIONAL {{ ?t rg:recommendation/prov:value ?rec }} }}
  OPTIONAL {{ GRAPH ?g {{ ?a dct:source ?gsrc }} }}
}}"""


def items_in(store: GraphBackend, scope: str, *, limit: int | None = 50) -> list[UpdatedItem]:
    """Items matching ``scope`` (a SPARQL pattern binding ``?a``, and maybe ``?z``,
    built here from bound values only), most recently updated first."""
    entries = {e.graph: e for e in store.sources()}
    found: dict[str, UpdatedItem] = {}
    for r in _rows(store, _ITEM_QUERY.format(scope=scope)):
        a = str(r["a"])
        if a in found and found[a].version:
            continue
        gone = _d(r["gone"])
        # a withdrawn item or meeting is news on the day it went, whatever holds it
        entry = entries.get(str(r["g"])) if r["g"] is not None and gone is None else None
        updated = (
            dt.datetime.fromisoformat(entry.ingested)
            if entry
            else dt.datetime.combine(gone or dt.date(1970, 1, 1), dt.time(0), dt.UTC)
        )
        if updated.tzinfo is None:
            updated = updated.replace(tzinfo=dt.UTC)
        is_open = r["open"] is not False
        found[a] = UpdatedItem(
            item=a,
            meeting=str(r["z"]),
            committee=_s(r["cl"]),
            date=_d(r["date"]),
            number=_i(r["n"]),
            title=_s(r["title"]) or "(uden titel)",
            is_open=is_open,
            kind=_s(r["kind"]),
            decision=_s(r["dec"]) if is_open else None,
            recommendation=_s(r["rec"]) if is_open else None,
            version=entry.sha256[:12] if entry else "",
            updated=updated,
            withdrawn=gone,
        )
    ordered = sorted(
        found.values(),
        key=lambda i: (i.updated, i.date or dt.date.min, -(i.number or 0)),
        reverse=True,
    )
    return ordered[:limit] if limit else ordered


# --- scopes: each a pattern with the value bound, never pasted -------------------------


def committee_scope(iri: str) -> str:
    return f"?z besluit:isGehoudenDoor {_iri(iri)} ."


def case_scope(case_number: str) -> str:
    return (
        f"?t0 eli-dl:forms_part_of ?case0 . ?case0 dct:identifier {_lit(case_number)} . "
        "?t0 dct:subject ?a ."
    )


def person_scope(iri: str) -> str:
    p = _iri(iri)
    return (
        f"{{ ?z besluit:heeftAanwezigeBijStart {p} }} UNION {{ ?z rg:absentee {p} }} "
        f"UNION {{ ?t0 dct:subject ?a . {{ ?t0 rg:absentee {p} }} UNION "
        f"{{ ?t0 prov:generated/rg:position/rg:heldBy {p} }} }}"
    )


def policy_scope(iri: str) -> str:
    return f"?t0 rg:treatsPolicy {_iri(iri)} ; dct:subject ?a ."


def items_scope(iris: list[str]) -> str:
    return "VALUES ?a { " + " ".join(_iri(i) for i in iris) + " }"


def graphs_scope(graphs: list[str]) -> str:
    return (
        "VALUES ?g0 { "
        + " ".join(_iri(g) for g in graphs)
        + " } GRAPH ?g0 { ?z a besluit:Zitting }"
    )


# --- names → IRIs ------------------------------------------------------------------------


def _pick(kind: str, wanted: str, candidates: list[tuple[str, str]]) -> str:
    """The one candidate (IRI, label) that ``wanted`` names: its IRI, its label, or
    a unique part of its label (case-insensitive)."""
    low = wanted.strip().lower()
    for iri, label in candidates:
        if wanted == iri or label.lower() == low:
            return iri
    partial = [(iri, label) for iri, label in candidates if low and low in label.lower()]
    if len(partial) == 1:
        return partial[0][0]
    if not partial:
        raise QueryError(f"no {kind} named {wanted!r} in the store")
    names = ", ".join(sorted({label for _, label in partial})[:8])
    raise QueryError(f"{wanted!r} names several {kind}s: {names}")


def find_committee(store: GraphBackend, wanted: str) -> tuple[str, str]:
    rows = [(iri, label) for iri, label, _, _ in committees(store)]
    iri = _pick("committee", wanted, rows)
    return iri, dict(rows)[iri]


def find_person(store: GraphBackend, wanted: str) -> tuple[str, str]:
    rows = [(ref.iri, ref.name) for ref, _, _ in people(store)]
    iri = _pick("person", wanted, rows)
    return iri, dict(rows)[iri]


def find_policy(store: GraphBackend, wanted: str) -> tuple[str, str]:
    rows = [(iri, title) for iri, title, _ in policies(store)]
    iri = _pick("policy", wanted, rows)
    return iri, dict(rows)[iri]


# --- what a sync brought; what is coming -------------------------------------------------


def new_meetings(store: GraphBackend, graphs: list[str]) -> list[NewMeeting]:
    """The meetings held by these source graphs, with their items, newest first."""
    if not graphs:
        return []
    by_meeting: dict[str, list[UpdatedItem]] = {}
    for item in items_in(store, graphs_scope(graphs), limit=None):
        by_meeting.setdefault(item.meeting, []).append(item)
    out = []
    for z, items in by_meeting.items():
        items.sort(key=lambda i: i.number or 0)
        first = items[0]
        out.append(NewMeeting(z, first.committee, first.date, first.kind, tuple(items)))
    return sorted(out, key=lambda m: (m.date or dt.date.min, m.committee or ""), reverse=True)


def upcoming(store: GraphBackend, committee: str, today: dt.date) -> list[UpcomingMeeting]:
    """A committee's meetings on or after ``today`` (not withdrawn), soonest first."""
    rows = _rows(
        store,
        f"""SELECT ?z ?date ?cl ?kind ?start ?end ?place ?n ?title WHERE {{
          ?z besluit:isGehoudenDoor {_iri(committee)} ; dct:date ?date ; dct:source ?src .
          FILTER(?date >= {_lit(today.isoformat())}^^xsd:date)
          FILTER NOT EXISTS {{ ?z rg:withdrawnOn ?gone }}
          OPTIONAL {{ {_iri(committee)} skos:prefLabel ?cl }}
          OPTIONAL {{ ?z dct:type ?kind }}
          OPTIONAL {{ ?z prov:startedAtTime ?start }}
          OPTIONAL {{ ?z prov:endedAtTime ?end }}
          OPTIONAL {{ ?z prov:atLocation ?place }}
          OPTIONAL {{ ?z besluit:behandelt ?a . ?a dct:source ?asrc ; dct:title ?title .
                     OPTIONAL {{ ?a schema:position ?n }}
                     FILTER NOT EXISTS {{ ?a rg:withdrawnOn ?agone }} }}
        }} ORDER BY ?date ?z ?n""",
    )
    meetings: dict[str, UpcomingMeeting] = {}
    for r in rows:
        z = str(r["z"])
        m = meetings.get(z)
        if m is None:
            m = UpcomingMeeting(
                z,
                _s(r["cl"]),
                _d(r["date"]) or today,
                r["start"] if isinstance(r["start"], dt.datetime) else None,
                r["end"] if isinstance(r["end"], dt.datetime) else None,
                _s(r["place"]),
                _s(r["kind"]),
                (),
            )
        if r["title"] is not None:
            m = UpcomingMeeting(
                m.iri,
                m.committee,
                m.date,
                m.start,
                m.end,
                m.place,
                m.kind,
                (*m.items, (_i(r["n"]), str(r["title"]))),
            )
        meetings[z] = m
    return list(meetings.values())
