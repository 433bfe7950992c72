"""The politicians' record: seats, attendance rates, positions, parties, and where
parties stood in split decisions.

Attendance is counted per seat: the meetings of a committee held (in the store)
between the first and the last meeting whose attendee list shows the member,
against the meetings they were present at; items the same way, an item absence
("X deltog ikke i behandlingen") taking the item off. A position propagated
from the member's party (``rg:propagatedFrom``) is shown as derived.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import combinations

from raadsgraf.graph.sparql import Value
from raadsgraf.graph.store import GraphBackend
from raadsgraf.query.views.records import (
    MembershipView,
    PartyAgreement,
    PartyPage,
    PartyRef,
    PersonRecord,
    PersonRef,
    PositionView,
    SplitDecision,
)
from raadsgraf.query.views.sparql import _d, _i, _iri, _item_fields, _lit, _rows, _s

#: A position with its item, date, committee and outcome; ``{holder}`` binds ?h.
_POSITIONS = """SELECT ?x ?stance ?side ?text ?a ?date ?cl ?n ?title ?on ?via ?hn WHERE {{
  {holder}
  ?d rg:position ?x . ?x rg:heldBy ?h ; rg:stance/skos:notation ?stance ; prov:value ?text .
  OPTIONAL {{ ?x rg:side/skos:notation ?side }} OPTIONAL {{ ?x rg:propagatedFrom ?via }}
  OPTIONAL {{ ?h foaf:name ?pname }} OPTIONAL {{ ?h skos:prefLabel ?plabel }}
  OPTIONAL {{ ?h skos:notation ?pletter }}
  BIND(COALESCE(?pname, ?plabel, ?pletter, "") AS ?hn)
  ?t prov:generated ?d ; dct:subject ?a ; eli-dl:activity_date ?date .
  OPTIONAL {{ ?a schema:position ?n }} OPTIONAL {{ ?a dct:title ?title }}
  OPTIONAL {{ ?d rg:outcome/skos:notation ?on }}
  OPTIONAL {{ ?d eli:passed_by/skos:prefLabel ?cl }}
}} ORDER BY DESC(?date) ?n ?x"""


def _positions(store: GraphBackend, holder: str) -> tuple[PositionView, ...]:
    seen: set[str] = set()
    out = []
    for r in _rows(store, _POSITIONS.format(holder=holder)):
        if str(r["x"]) in seen:  # one row per position (a committee with two labels)
            continue
        seen.add(str(r["x"]))
        out.append(
            PositionView(
                stance=str(r["stance"]),
                text=str(r["text"]),
                **_item_fields(r),
                outcome=_s(r["on"]),
                holder=str(r["hn"]),
                side=_s(r["side"]),
                derived=r["via"] is not None,
            )
        )
    return tuple(out)


def memberships(store: GraphBackend, person: str) -> tuple[MembershipView, ...]:
    P = _iri(person)
    seats = _rows(
        store,
        f"""SELECT ?c (SAMPLE(?label) AS ?cl) (MIN(?date) AS ?first) (MAX(?date) AS ?last) WHERE {{
          ?m a org:Membership ; org:member {P} ; org:organization ?c ; rg:attestedAt ?z .
          ?z dct:date ?date ; dct:source ?src . ?c skos:prefLabel ?label .
        }} GROUP BY ?c ORDER BY DESC(?last)""",
    )
    out = []
    for seat in seats:
        c, first, last = str(seat["c"]), _d(seat["first"]), _d(seat["last"])
        if first is None or last is None:
            continue
        span = f"""?z besluit:isGehoudenDoor {_iri(c)} ; dct:source ?src ; dct:date ?date .
              FILTER(?date >= {_lit(first.isoformat())}^^xsd:date
                     && ?date <= {_lit(last.isoformat())}^^xsd:date)"""
        (counts,) = _rows(
            store,
            f"""SELECT (COUNT(DISTINCT ?z) AS ?held) (COUNT(DISTINCT ?zp) AS ?went)
                       (COUNT(DISTINCT ?t) AS ?items) (COUNT(DISTINCT ?tp) AS ?itemsp) WHERE {{
              {span}
              OPTIONAL {{ ?z besluit:heeftAanwezigeBijStart {P} BIND(?z AS ?zp) }}
              OPTIONAL {{ ?z besluit:behandelt ?a . ?t dct:subject ?a ;
                           a besluit:BehandelingVanAgendapunt .
                         OPTIONAL {{ ?t besluit:heeftAanwezige {P} BIND(?t AS ?tp) }} }}
            }}""",
        )
        roles = _rows(
            store,
            f"""SELECT DISTINCT ?role WHERE {{ {span}
                  ?z prov:qualifiedAssociation ?q . ?q prov:agent {P} ;
                  prov:hadRole/skos:prefLabel ?role }} ORDER BY ?role""",
        )
        out.append(
            MembershipView(
                committee=str(seat["cl"]),
                committee_iri=c,
                first=first,
                last=last,
                meetings_held=_i(counts["held"]) or 0,
                meetings_attended=_i(counts["went"]) or 0,
                items_held=_i(counts["items"]) or 0,
                items_attended=_i(counts["itemsp"]) or 0,
                roles=tuple(str(r["role"]) for r in roles),
            )
        )
    return tuple(out)


def person_record(store: GraphBackend, person: str, name: str) -> PersonRecord:
    """Seats with attendance, every recorded position (newest first), the items
    whose decision names the person."""
    P = _iri(person)
    named = _rows(
        store,
        f"""SELECT DISTINCT ?a ?date ?title WHERE {{
          ?t prov:generated/prov:value ?text ; dct:subject ?a ; eli-dl:activity_date ?date .
          FILTER(CONTAINS(LCASE(STR(?text)), LCASE({_lit(name)})))
          OPTIONAL {{ ?a dct:title ?title }}
        }} ORDER BY DESC(?date) LIMIT 200""",
    )
    official = bool(_rows(store, f"SELECT ?x WHERE {{ {P} a rg:Official BIND(1 AS ?x) }} LIMIT 1"))
    return PersonRecord(
        memberships=memberships(store, person),
        positions=_positions(store, f"BIND({P} AS ?h)"),
        named_in=tuple((str(r["a"]), _d(r["date"]), _s(r["title"])) for r in named),
        official=official,
    )


def parties(store: GraphBackend) -> list[PartyRef]:
    """Every party a source names (by letter or name), with its municipality."""
    rows = _rows(
        store,
        """SELECT ?p (SAMPLE(?letter) AS ?l) (SAMPLE(?label) AS ?name) (SAMPLE(?ml) AS ?muni)
        WHERE { ?p a org:Organization .
          OPTIONAL { ?p skos:notation ?letter } OPTIONAL { ?p skos:prefLabel ?label }
          OPTIONAL { ?mun a besluit:Bestuurseenheid ; skos:prefLabel ?ml .
                     FILTER(STRSTARTS(STR(?p), CONCAT(STR(?mun), "/parti/"))) }
        } GROUP BY ?p ORDER BY ?muni ?name ?l""",
    )
    return [
        PartyRef(str(r["p"]), _s(r["l"]), str(r["name"] or r["l"] or r["p"]), _s(r["muni"]))
        for r in rows
    ]


def party_page(store: GraphBackend, iri: str) -> PartyPage | None:
    ref = next((p for p in parties(store) if p.iri == iri), None)
    if ref is None:
        return None
    members = _rows(
        store,
        f"""SELECT ?p ?name (COUNT(DISTINCT ?z) AS ?went) (COUNT(DISTINCT ?y) AS ?missed) WHERE {{
          ?p org:memberOf {_iri(iri)} ; foaf:name ?name .
          OPTIONAL {{ ?z besluit:heeftAanwezigeBijStart ?p ; a besluit:Zitting }}
          OPTIONAL {{ ?y a besluit:Zitting ; rg:absentee ?p }}
        }} GROUP BY ?p ?name ORDER BY ?name""",
    )
    own = f"{{ BIND({_iri(iri)} AS ?h) }} UNION {{ ?h org:memberOf {_iri(iri)} }}"
    return PartyPage(
        party=ref,
        members=tuple(
            (
                PersonRef(str(r["p"]), str(r["name"]), ref.letter),
                _i(r["went"]) or 0,
                _i(r["missed"]) or 0,
            )
            for r in members
        ),
        positions=_positions(store, own),
    )


#: Which camp a party's position puts it in: its side when known, else its vote.
_CAMP = {"for": "for", "imod": "imod", "undlod": "undlod", "mindretalsudtalelse": "mindretal"}


def party_agreement(
    store: GraphBackend,
    committee: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kle: str | None = None,
) -> PartyAgreement:
    """Split decisions (a vote against, an abstention, a minority) of a committee
    (or all) in a period, optionally of one KLE subject (or its group), and how
    often each pair of parties named in the same decision stood on the same side."""
    filters = []
    if committee:
        filters.append(f"?z besluit:isGehoudenDoor {_iri(committee)} .")
    if date_from:
        filters.append(f"FILTER(?date >= {_lit(date_from.isoformat())}^^xsd:date)")
    if date_to:
        filters.append(f"FILTER(?date <= {_lit(date_to.isoformat())}^^xsd:date)")
    if kle:
        filters.append(
            "?t eli-dl:forms_part_of/dct:subject/skos:broader*/skos:notation ?kn ."
            f" FILTER(?kn = {_lit(kle)})"
        )
    rows = _rows(
        store,
        f"""SELECT DISTINCT ?d ?a ?date ?cl ?n ?title ?x ?stance ?side ?party ?pn WHERE {{
          ?z besluit:behandelt ?a ; dct:date ?date .
          ?t dct:subject ?a ; prov:generated ?d .
          {" ".join(filters)}
          ?d rg:position ?x . ?x rg:stance/skos:notation ?stance .
          FILTER NOT EXISTS {{ ?x rg:propagatedFrom ?via }}
          {{ ?x rg:heldBy ?party . ?party a org:Organization }}
          UNION {{ ?x rg:heldBy/org:memberOf ?party }}
          OPTIONAL {{ ?x rg:side/skos:notation ?side }}
          OPTIONAL {{ ?party skos:prefLabel ?plabel }} OPTIONAL {{ ?party skos:notation ?pl }}
          BIND(COALESCE(?plabel, ?pl) AS ?pn)
          OPTIONAL {{ ?a schema:position ?n }} OPTIONAL {{ ?a dct:title ?title }}
          OPTIONAL {{ ?z besluit:isGehoudenDoor/skos:prefLabel ?cl }}
        }} ORDER BY DESC(?date) ?n""",
    )
    by_decision: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    split: set[str] = set()
    head: dict[str, dict[str, Value]] = {}
    for r in rows:
        d = str(r["d"])
        head.setdefault(d, r)
        stance, side = str(r["stance"]), _s(r["side"])
        if stance in ("imod", "undlod", "mindretalsudtalelse") or side == "mindretal":
            split.add(d)
        camp = side or _CAMP.get(stance)
        if camp and r["pn"] is not None:
            by_decision[d][str(r["pn"])].add(camp)
    pairs: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    decisions = []
    names: set[str] = set()
    for d in [d for d in head if d in split]:
        camps = {p: next(iter(c)) for p, c in by_decision[d].items() if len(c) == 1}
        names.update(camps)
        for a, b in combinations(sorted(camps), 2):
            pairs[(a, b)][1] += 1
            pairs[(a, b)][0] += camps[a] == camps[b]
        r = head[d]
        decisions.append(
            SplitDecision(
                **_item_fields(r),
                camps=tuple(sorted(camps.items())),
            )
        )
    return PartyAgreement(
        parties=tuple(sorted(names)),
        same=tuple((a, b, s, n) for (a, b), (s, n) in sorted(pairs.items())),
        decisions=tuple(decisions),
    )
