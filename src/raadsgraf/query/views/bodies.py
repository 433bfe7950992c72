"""Meetings, committees and people."""

from __future__ import annotations

from collections import Counter, defaultdict

from raadsgraf.graph.store import GraphBackend
from raadsgraf.query.views.items import item_summaries
from raadsgraf.query.views.people import person_record
from raadsgraf.query.views.records import (
    CommitteePage,
    ItemAbsence,
    ItemSummary,
    MeetingRef,
    Member,
    PersonPage,
    PersonRef,
)
from raadsgraf.query.views.sparql import _d, _i, _iri, _lit, _person_pattern, _rows, _s

# --- meetings, committees, people -------------------------------------------------


def meetings(store: GraphBackend, committee: str | None = None) -> list[MeetingRef]:
    """Meetings some source describes (newest first), optionally of one committee."""
    filt = f"FILTER(?c = {_iri(committee)})" if committee else ""
    rows = _rows(
        store,
        f"""SELECT ?z ?date ?c (MIN(?label) AS ?cl) (MIN(?ml) AS ?muni) (COUNT(DISTINCT ?a) AS ?n)
        WHERE {{
          ?z a besluit:Zitting ; dct:source ?src ; besluit:isGehoudenDoor ?c ; dct:date ?date .
          ?c skos:prefLabel ?label . OPTIONAL {{ ?c besluit:bestuurt/skos:prefLabel ?ml }}
          OPTIONAL {{ ?z besluit:behandelt ?a . ?a dct:source ?asrc }} {filt}
        }} GROUP BY ?z ?date ?c ORDER BY DESC(?date) ?cl""",
    )
    return [
        MeetingRef(
            str(r["z"]), _d(r["date"]), _s(r["cl"]), _s(r["c"]), _s(r["muni"]), _i(r["n"]) or 0
        )
        for r in rows
    ]


def meeting_items(store: GraphBackend, meeting: str) -> list[ItemSummary]:
    rows = _rows(
        store,
        f"SELECT ?a WHERE {{ {_iri(meeting)} besluit:behandelt ?a . ?a dct:source ?s }}",
    )
    found = item_summaries(store, [str(r["a"]) for r in rows])
    return sorted(found.values(), key=lambda s: s.number or 0)


def committees(store: GraphBackend) -> list[tuple[str, str, str | None, int]]:
    """(IRI, label, municipality, meetings in corpus) for every body with a meeting."""
    rows = _rows(
        store,
        """SELECT ?c (MIN(?label) AS ?cl) (MIN(?ml) AS ?muni) (COUNT(DISTINCT ?z) AS ?n) WHERE {
          ?z a besluit:Zitting ; dct:source ?src ; besluit:isGehoudenDoor ?c .
          ?c skos:prefLabel ?label . OPTIONAL { ?c besluit:bestuurt/skos:prefLabel ?ml }
        } GROUP BY ?c ORDER BY ?muni ?cl""",
    )
    return [(str(r["c"]), str(r["cl"]), _s(r["muni"]), _i(r["n"]) or 0) for r in rows]


def committee_page(store: GraphBackend, iri: str) -> CommitteePage | None:
    head = _rows(
        store,
        f"""SELECT ?cl ?muni WHERE {{ {_iri(iri)} skos:prefLabel ?cl .
              OPTIONAL {{ {_iri(iri)} besluit:bestuurt/skos:prefLabel ?muni }} }} LIMIT 1""",
    )
    if not head:
        return None
    held = meetings(store, iri)
    people = _rows(
        store,
        f"""SELECT ?p ?name (SAMPLE(?party) AS ?pt) ?how (COUNT(DISTINCT ?z) AS ?n)
                  (SAMPLE(?off) AS ?official) WHERE {{
          ?z besluit:isGehoudenDoor {_iri(iri)} ; dct:source ?src .
          {{ ?z besluit:heeftAanwezigeBijStart ?p BIND("present" AS ?how) }}
          UNION {{ ?z rg:absentee ?p BIND("absent" AS ?how) }}
          {_person_pattern("p")}
          OPTIONAL {{ ?p a rg:Official BIND(true AS ?off) }}
        }} GROUP BY ?p ?name ?how""",
    )
    roles = _rows(
        store,
        f"""SELECT DISTINCT ?p ?role WHERE {{
          ?z besluit:isGehoudenDoor {_iri(iri)} ; dct:source ?src ;
             prov:qualifiedAssociation ?q . ?q prov:agent ?p ; prov:hadRole/skos:prefLabel ?role
        }} ORDER BY ?role""",
    )
    role_of: dict[str, list[str]] = defaultdict(list)
    for r in roles:
        role_of[str(r["p"])].append(str(r["role"]))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    refs: dict[str, PersonRef] = {}
    officials: set[str] = set()
    for r in people:
        p = str(r["p"])
        refs[p] = PersonRef(p, str(r["name"]), _s(r["pt"]))
        counts[p][0 if r["how"] == "present" else 1] += _i(r["n"]) or 0
        if r["official"] is not None:
            officials.add(p)
    everyone = sorted(
        (
            Member(refs[p], c[0], c[1], p in officials, tuple(role_of.get(p, ())))
            for p, c in counts.items()
        ),
        # members with a party first, then by meetings seen
        key=lambda m: (m.person.party is None, -(m.present + m.absent), m.person.name),
    )
    items = _rows(
        store,
        f"""SELECT ?a ?date ?on WHERE {{
          ?z besluit:isGehoudenDoor {_iri(iri)} ; besluit:behandelt ?a .
          ?a dct:source ?src . ?t dct:subject ?a ; eli-dl:activity_date ?date .
          OPTIONAL {{ ?t prov:generated/rg:outcome/skos:notation ?on }}
        }}""",
    )
    years = Counter(d.year for r in items if (d := _d(r["date"])))
    outcomes = Counter(_s(r["on"]) or "uden beslutning" for r in items)
    return CommitteePage(
        iri=iri,
        label=str(head[0]["cl"]),
        municipality=_s(head[0]["muni"]),
        meetings=tuple(held),
        members=tuple(m for m in everyone if not m.official),
        items_per_year=tuple(sorted(years.items())),
        outcomes=tuple(outcomes.most_common()),
        officials=tuple(m for m in everyone if m.official),
    )


def people(store: GraphBackend) -> list[tuple[PersonRef, str | None, int]]:
    """(person, municipality, meetings present) for everyone named in a source."""
    rows = _rows(
        store,
        f"""SELECT ?p ?name (SAMPLE(?party) AS ?pt) (SAMPLE(?ml) AS ?muni)
                  (COUNT(DISTINCT ?z) AS ?n) WHERE {{
          ?p a person:Person . {_person_pattern("p")}
          OPTIONAL {{ ?z besluit:heeftAanwezigeBijStart ?p }}
          OPTIONAL {{ ?mun a besluit:Bestuurseenheid ; skos:prefLabel ?ml .
                     FILTER(STRSTARTS(STR(?p), CONCAT(STR(?mun), "/person/"))) }}
        }} GROUP BY ?p ?name ORDER BY ?name""",
    )
    return [
        (PersonRef(str(r["p"]), str(r["name"]), _s(r["pt"])), _s(r["muni"]), _i(r["n"]) or 0)
        for r in rows
    ]


def person_page(store: GraphBackend, iri: str) -> PersonPage | None:
    P = _iri(iri)
    head = _rows(
        store,
        f"""SELECT ?name ?party ?ml WHERE {{ {P} foaf:name ?name .
              OPTIONAL {{ {P} org:memberOf/skos:notation ?party }}
              OPTIONAL {{ ?mun a besluit:Bestuurseenheid ; skos:prefLabel ?ml .
                         FILTER(STRSTARTS({_lit(iri)}, CONCAT(STR(?mun), "/person/"))) }} }}""",
    )
    if not head:
        return None
    parties = tuple(sorted({str(r["party"]) for r in head if r["party"] is not None}))
    attended = _rows(
        store,
        f"""SELECT ?z ?date ?c ?cl ?muni ?how (SAMPLE(?why) AS ?reason) WHERE {{
          {{ ?z besluit:heeftAanwezigeBijStart {P} BIND("present" AS ?how) }}
          UNION {{ ?z a besluit:Zitting ; rg:absence ?x . ?x rg:absentPerson {P}
                  BIND("absent" AS ?how) OPTIONAL {{ ?x rg:absenceReason ?why }} }}
          ?z dct:date ?date ; besluit:isGehoudenDoor ?c . ?c skos:prefLabel ?cl .
          OPTIONAL {{ ?c besluit:bestuurt/skos:prefLabel ?muni }}
        }} GROUP BY ?z ?date ?c ?cl ?muni ?how ORDER BY DESC(?date)""",
    )
    held = tuple(
        MeetingRef(
            str(r["z"]),
            _d(r["date"]),
            _s(r["cl"]),
            _s(r["c"]),
            _s(r["muni"]),
            0,
            present=r["how"] == "present",
            reason=_s(r["reason"]),
        )
        for r in attended
    )
    missed = _rows(
        store,
        f"""SELECT ?t ?a ?date ?cl ?n ?title (SAMPLE(?why) AS ?reason) WHERE {{
          ?t a besluit:BehandelingVanAgendapunt ; rg:absence ?x ; dct:subject ?a .
          ?x rg:absentPerson {P} . OPTIONAL {{ ?x rg:absenceReason ?why }}
          OPTIONAL {{ ?t eli-dl:activity_date ?date }}
          OPTIONAL {{ ?a schema:position ?n }} OPTIONAL {{ ?a dct:title ?title }}
          OPTIONAL {{ ?z besluit:behandelt ?a ; besluit:isGehoudenDoor/skos:prefLabel ?cl }}
        }} GROUP BY ?t ?a ?date ?cl ?n ?title ORDER BY DESC(?date) ?n""",
    )
    (count,) = _rows(
        store, f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ ?t besluit:heeftAanwezige {P} }}"
    )
    roles = _rows(
        store,
        f"""SELECT DISTINCT ?role WHERE {{ ?q prov:agent {P} ; prov:hadRole ?r .
              ?r skos:prefLabel ?role }} ORDER BY ?role""",
    )
    name = str(head[0]["name"])
    return PersonPage(
        person=PersonRef(iri, name, parties[0] if parties else None),
        municipality=_s(head[0]["ml"]),
        parties=parties,
        meetings=held,
        item_absences=tuple(
            ItemAbsence(
                str(r["t"]),
                str(r["a"]),
                _d(r["date"]),
                _s(r["cl"]),
                _i(r["n"]),
                _s(r["title"]),
                _s(r["reason"]),
            )
            for r in missed
        ),
        items_present=_i(count["n"]) or 0,
        roles=tuple(str(r["role"]) for r in roles),
        record=person_record(store, iri, name),
    )


def meeting(store: GraphBackend, iri: str) -> MeetingRef | None:
    """One meeting some source describes, or None."""
    rows = _rows(
        store,
        f"""SELECT ?date ?c (MIN(?label) AS ?cl) (MIN(?ml) AS ?muni) (COUNT(DISTINCT ?a) AS ?n)
        WHERE {{
          {_iri(iri)} a besluit:Zitting ; dct:source ?src ; besluit:isGehoudenDoor ?c ;
             dct:date ?date .
          ?c skos:prefLabel ?label . OPTIONAL {{ ?c besluit:bestuurt/skos:prefLabel ?ml }}
          OPTIONAL {{ {_iri(iri)} besluit:behandelt ?a . ?a dct:source ?asrc }}
        }} GROUP BY ?date ?c""",
    )
    if not rows:
        return None
    r = rows[0]
    return MeetingRef(iri, _d(r["date"]), _s(r["cl"]), _s(r["c"]), _s(r["muni"]), _i(r["n"]) or 0)


def meeting_urls(store: GraphBackend, meetings: list[str]) -> dict[str, str]:
    """The web address each meeting was published at, where the source gave one."""
    if not meetings:
        return {}
    values = " ".join(sorted({_iri(m) for m in meetings}))
    rows = _rows(store, f"SELECT ?z ?u WHERE {{ VALUES ?z {{ {values} }} ?z schema:url ?u }}")
    return {str(r["z"]): str(r["u"]) for r in rows}
