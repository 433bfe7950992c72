"""An agenda item, its treatment history, and short facts for lists of items."""

from __future__ import annotations

import datetime as dt

from raadsgraf.graph.sparql import Value
from raadsgraf.graph.store import GraphBackend
from raadsgraf.iris import SECTION_KIND_BY_NOTATION
from raadsgraf.model import Attachment, Section
from raadsgraf.query.lineage import lineage
from raadsgraf.query.views.records import (
    AbsenceView,
    CaseSummary,
    History,
    HistoryStep,
    ItemDetail,
    ItemSummary,
    PersonRef,
    ReferenceView,
)
from raadsgraf.query.views.sparql import (
    _DA_LABEL,
    _d,
    _i,
    _iri,
    _item_fields,
    _lit,
    _person_pattern,
    _rows,
    _s,
)

# --- item -----------------------------------------------------------------------------


def treatment_of(store: GraphBackend, iri: str) -> str | None:
    """The treatment IRI for an item or treatment IRI (None when neither)."""
    rows = _rows(
        store,
        f"""SELECT ?t WHERE {{
          {{ BIND({_iri(iri)} AS ?t) ?t a besluit:BehandelingVanAgendapunt }}
          UNION {{ ?t dct:subject {_iri(iri)} ; a besluit:BehandelingVanAgendapunt }}
        }} LIMIT 1""",
    )
    return _s(rows[0]["t"]) if rows else None


def item_detail(store: GraphBackend, iri: str) -> ItemDetail | None:
    """An item (by item or treatment IRI) with everything the graph says about it."""
    t = treatment_of(store, iri)
    if t is None:
        return None
    T = _iri(t)
    rows = _rows(
        store,
        f"""SELECT ?a ?z ?n ?title ?rtitle ?open ?date ?muni ?c ?cl ?cn ?kle ?klel ?facet
                  ?rec ?recby ?dec ?on ?onl ?src ?srct ?in WHERE {{
          {T} dct:subject ?a .
          OPTIONAL {{ ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?c .
                     ?c skos:prefLabel ?cl . OPTIONAL {{ ?c besluit:bestuurt/skos:prefLabel ?muni }} }}
          OPTIONAL {{ ?a schema:position ?n }}
          OPTIONAL {{ ?a dct:title ?title }}
          OPTIONAL {{ {T} rg:referencedTitle ?rtitle }}
          OPTIONAL {{ {T} besluit:openbaar ?open }}
          OPTIONAL {{ {T} eli-dl:activity_date ?date }}
          OPTIONAL {{ {T} eli-dl:forms_part_of ?case . ?case dct:identifier ?cn .
                     OPTIONAL {{ ?case dct:subject ?ks . ?ks skos:notation ?kle .
                                OPTIONAL {{ ?ks skos:prefLabel ?klel }} }}
                     OPTIONAL {{ ?case rg:kleFacet/skos:notation ?facet }} }}
          OPTIONAL {{ {T} rg:recommendation ?r . ?r prov:value ?rec .
                     OPTIONAL {{ ?r rg:recommendedBy ?recby }} }}
          OPTIONAL {{ {T} prov:generated ?d . ?d prov:value ?dec .
                     OPTIONAL {{ ?d rg:outcome ?o . ?o skos:notation ?on . {_DA_LABEL.format("?o", "onl")} }} }}
          OPTIONAL {{ {T} dct:source ?src . OPTIONAL {{ ?src dct:title ?srct }} }}
          OPTIONAL {{ {T} rg:inCorpus ?in }}
        }} LIMIT 1""",
    )
    if not rows:
        return None
    r = rows[0]
    return ItemDetail(
        item=str(r["a"]),
        treatment=t,
        meeting=_s(r["z"]) or "",
        number=_i(r["n"]),
        title=_s(r["title"]) or _s(r["rtitle"]) or "(uden titel)",
        is_open=r["open"] is not False,
        date=_d(r["date"]),
        municipality=_s(r["muni"]),
        committee=_s(r["cl"]),
        committee_iri=_s(r["c"]),
        case_number=_s(r["cn"]),
        kle_subject=_s(r["kle"]),
        kle_subject_label=_s(r["klel"]),
        kle_facet=_s(r["facet"]),
        recommendation=_s(r["rec"]),
        recommended_by=_s(r["recby"]),
        decision=_s(r["dec"]),
        outcome=_s(r["on"]),
        outcome_label=_s(r["onl"]),
        attendees=_present(store, t, "besluit:heeftAanwezige"),
        absences=_absences(store, t),
        references=_references(store, t),
        policies=tuple(
            (str(p["p"]), str(p["ti"]))
            for p in _rows(
                store,
                f"SELECT DISTINCT ?p ?ti WHERE {{ {T} rg:treatsPolicy ?p . ?p eli:title ?ti }}",
            )
        ),
        source=_s(r["src"]),
        source_title=_s(r["srct"]),
        in_corpus=r["src"] is not None or r["in"] is True,
        sections=sections(store, str(r["a"])),
        attachments=_attachments(store, str(r["a"])),
        recommendation_points=_points(store, t),
    )


def sections(store: GraphBackend, owner: str) -> tuple[Section, ...]:
    """The sections of an item or policy, in source order, as records."""
    rows = _rows(
        store,
        f"""SELECT ?n ?heading ?text ?kind ?number ?page WHERE {{
          ?s dct:isPartOf {_iri(owner)} ; a rg:Section ; schema:position ?n .
          OPTIONAL {{ ?s dct:type/skos:notation ?kind }}
          OPTIONAL {{ ?s dct:title ?heading }}
          OPTIONAL {{ ?s prov:value ?text }}
          OPTIONAL {{ ?s dct:identifier ?number }}
          OPTIONAL {{ ?s schema:pageStart ?page }}
        }} ORDER BY ?n""",
    )
    return tuple(
        Section(
            heading=_s(r["heading"]) or "",
            text=_s(r["text"]) or "",
            kind=SECTION_KIND_BY_NOTATION.get(_s(r["kind"]) or "", "other"),
            number=_s(r["number"]),
            page=_i(r["page"]),
        )
        for r in rows
    )


def _attachments(store: GraphBackend, item: str) -> tuple[Attachment, ...]:
    rows = _rows(
        store,
        f"""SELECT ?title ?number ?rec WHERE {{
          {_iri(item)} rg:attachment ?x . ?x schema:position ?n ; dct:title ?title .
          OPTIONAL {{ ?x dct:identifier ?number }} OPTIONAL {{ ?x rg:recommendedReading ?rec }}
        }} ORDER BY ?n""",
    )
    return tuple(
        Attachment(
            title=str(r["title"]),
            number=_s(r["number"]),
            recommended=r["rec"] if isinstance(r["rec"], bool) else None,
        )
        for r in rows
    )


def _points(store: GraphBackend, treatment: str) -> tuple[str, ...]:
    rows = _rows(
        store,
        f"""SELECT ?v WHERE {{
          {_iri(treatment)} rg:recommendation/rg:point ?x . ?x schema:position ?n ; prov:value ?v
        }} ORDER BY ?n""",
    )
    return tuple(str(r["v"]) for r in rows)


def _present(store: GraphBackend, holder: str, predicate: str) -> tuple[PersonRef, ...]:
    """Those present: elected members with a party first, then other members, then
    officials (staff), each with the role the meeting's list gives them."""
    rows = _rows(
        store,
        f"""SELECT ?p ?name (SAMPLE(?party) AS ?pt) (SAMPLE(?off) AS ?official)
                  (GROUP_CONCAT(DISTINCT ?role; SEPARATOR="; ") AS ?roles) WHERE {{
          {_iri(holder)} {predicate} ?p . {_person_pattern("p")}
          OPTIONAL {{ ?p a rg:Official BIND(true AS ?off) }}
          OPTIONAL {{ ?z besluit:behandelt ?a . {_iri(holder)} dct:subject ?a .
                     ?z prov:qualifiedAssociation ?q . ?q prov:agent ?p ;
                     prov:hadRole/skos:prefLabel ?role }}
        }} GROUP BY ?p ?name ORDER BY ?name""",
    )
    people = [
        PersonRef(
            str(r["p"]), str(r["name"]), _s(r["pt"]), r["official"] is not None,
            _s(r["roles"]) or None,
        )
        for r in rows
    ]  # fmt: skip
    return tuple(sorted(people, key=lambda p: (p.official, p.party is None)))


def _absences(store: GraphBackend, holder: str) -> tuple[AbsenceView, ...]:
    rows = _rows(
        store,
        f"""SELECT ?p ?name (SAMPLE(?party) AS ?pt) (SAMPLE(?why) AS ?reason) WHERE {{
          {_iri(holder)} rg:absence ?x . ?x rg:absentPerson ?p . {_person_pattern("p")}
          OPTIONAL {{ ?x rg:absenceReason ?why }}
        }} GROUP BY ?p ?name ORDER BY ?name""",
    )
    return tuple(
        AbsenceView(PersonRef(str(r["p"]), str(r["name"]), _s(r["pt"])), _s(r["reason"]))
        for r in rows
    )


def _references(store: GraphBackend, t: str) -> tuple[ReferenceView, ...]:
    # Two queries: the references, then what their targets are. One query with the
    # targets' details as nested OPTIONALs let Oxigraph evaluate them unbound
    # (~0.5 s an item on Greve, under load); bound by VALUES they take milliseconds.
    refs = _rows(
        store,
        f"""SELECT ?r ?raw ?kind ?target WHERE {{
          {_iri(t)} rg:reference ?r . ?r prov:value ?raw .
          OPTIONAL {{ ?r dct:type/skos:notation ?kind }}
          OPTIONAL {{ ?r prov:influencer ?target }}
        }} ORDER BY ?r""",
    )
    targets = sorted({str(r["target"]) for r in refs if r["target"] is not None})
    facts: dict[str, dict[str, Value]] = {}
    if targets:
        values = " ".join(_iri(x) for x in targets)
        for r in _rows(
            store,
            f"""SELECT ?target ?date ?n ?src ?in WHERE {{
              VALUES ?target {{ {values} }}
              OPTIONAL {{ ?target eli-dl:activity_date ?date }}
              OPTIONAL {{ ?target dct:date ?date }}
              OPTIONAL {{ ?target dct:subject/schema:position ?n }}
              OPTIONAL {{ ?target dct:source ?src }}
              OPTIONAL {{ ?target rg:inCorpus ?in }}
            }}""",
        ):
            facts.setdefault(str(r["target"]), dict(r))
        # the committee: of the meeting that treated the target's item, or of the
        # target meeting itself (a join, not an OPTIONAL: Oxigraph then starts from VALUES)
        for r in _rows(
            store,
            f"""SELECT ?target ?cl WHERE {{
              VALUES ?target {{ {values} }}
              {{ ?target dct:subject ?a . ?z besluit:behandelt ?a .
                 ?z besluit:isGehoudenDoor/skos:prefLabel ?cl }}
              UNION {{ ?target besluit:isGehoudenDoor/skos:prefLabel ?cl }}
            }}""",
        ):
            if facts[str(r["target"])].get("cl") is None:
                facts[str(r["target"])]["cl"] = r["cl"]
    seen: dict[str, ReferenceView] = {}
    for r in refs:
        key = str(r["r"])
        if key in seen:
            continue
        f = facts.get(str(r["target"]), {}) if r["target"] is not None else {}
        seen[key] = ReferenceView(
            raw=str(r["raw"]),
            kind=_s(r["kind"]),
            target=_s(r["target"]),
            date=_d(f.get("date")),
            committee=_s(f.get("cl")),
            item_number=_i(f.get("n")),
            in_corpus=f.get("src") is not None or f.get("in") is True,
        )
    return tuple(seen.values())


def item_summaries(store: GraphBackend, iris: list[str]) -> dict[str, ItemSummary]:
    """Short facts (outcome, case, committee) for items or treatments, by the IRI given.

    Two queries: the items' own facts, then their committees bound to the items found.
    As one OPTIONAL (meeting → committee → municipality) Oxigraph evaluated the
    committee pattern for every item of the store: 87 ms for 20 Greve hits, 0.9 ms bound.
    """
    if not iris:
        return {}
    values = " ".join(_iri(i) for i in iris)
    rows = _rows(
        store,
        f"""SELECT ?x ?a ?t ?n ?title ?date ?on ?onl ?cn WHERE {{
          VALUES ?x {{ {values} }}
          {{ ?t dct:subject ?x . BIND(?x AS ?a) }} UNION {{ ?x dct:subject ?a . BIND(?x AS ?t) }}
          ?t a besluit:BehandelingVanAgendapunt .
          OPTIONAL {{ ?a schema:position ?n }}
          OPTIONAL {{ ?a dct:title ?title }}
          OPTIONAL {{ ?t eli-dl:activity_date ?date }}
          OPTIONAL {{ ?t prov:generated/rg:outcome ?o . ?o skos:notation ?on .
                     {_DA_LABEL.format("?o", "onl")} }}
          OPTIONAL {{ ?t eli-dl:forms_part_of/dct:identifier ?cn }}
        }}""",
    )
    bodies: dict[str, tuple[Value, Value]] = {}
    if items := sorted({str(r["a"]) for r in rows}):
        for r in _rows(
            store,
            f"""SELECT ?a ?cl ?muni WHERE {{
              VALUES ?a {{ {" ".join(_iri(a) for a in items)} }}
              ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?c . ?c skos:prefLabel ?cl .
              OPTIONAL {{ ?c besluit:bestuurt/skos:prefLabel ?muni }}
            }}""",
        ):
            bodies.setdefault(str(r["a"]), (r["cl"], r["muni"]))
    out: dict[str, ItemSummary] = {}
    for r in rows:
        committee, municipality = bodies.get(str(r["a"]), (None, None))
        out.setdefault(
            str(r["x"]),
            ItemSummary(
                **_item_fields({**r, "cl": committee}),
                treatment=str(r["t"]),
                municipality=_s(municipality),
                outcome=_s(r["on"]),
                outcome_label=_s(r["onl"]),
                case_number=_s(r["cn"]),
            ),
        )
    return out


def decisions(store: GraphBackend, treatments: list[str]) -> dict[str, str]:
    """Decision text per treatment (only those that have one)."""
    if not treatments:
        return {}
    values = " ".join(_iri(t) for t in treatments)
    rows = _rows(
        store,
        f"SELECT ?t ?v WHERE {{ VALUES ?t {{ {values} }} ?t prov:generated/prov:value ?v }}",
    )
    return {str(r["t"]): str(r["v"]) for r in rows}


def case_treatments(store: GraphBackend, case_number: str) -> set[str]:
    """Treatments that carry the journal number itself (not reached by reference)."""
    rows = _rows(
        store,
        f"""SELECT ?t WHERE {{ ?c a rg:Case ; dct:identifier {_lit(case_number.strip())} .
                              ?t eli-dl:forms_part_of ?c }}""",
    )
    return {str(r["t"]) for r in rows}


def cases(store: GraphBackend) -> list[tuple[str, int]]:
    """Every journal number with its number of treatments, most treated first."""
    rows = _rows(
        store,
        """SELECT ?cn (COUNT(DISTINCT ?t) AS ?n) WHERE {
          ?c a rg:Case ; dct:identifier ?cn . ?t eli-dl:forms_part_of ?c
        } GROUP BY ?cn ORDER BY DESC(?n) ?cn""",
    )
    return [(str(r["cn"]), _i(r["n"]) or 0) for r in rows]


def case_summaries(store: GraphBackend) -> list[CaseSummary]:
    """Every journal number with its latest treatment (title, committee, date) and its
    number of treatments; latest treated first."""
    rows = _rows(
        store,
        """SELECT ?cn ?t ?date ?title ?cl ?muni WHERE {
          ?c a rg:Case ; dct:identifier ?cn . ?t eli-dl:forms_part_of ?c .
          OPTIONAL { ?t eli-dl:activity_date ?date }
          OPTIONAL { ?t dct:subject ?a . OPTIONAL { ?a dct:title ?title }
                     OPTIONAL { ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?b .
                                ?b skos:prefLabel ?cl .
                                OPTIONAL { ?b besluit:bestuurt/skos:prefLabel ?muni } } }
        }""",
    )
    treatments: dict[str, set[str]] = {}
    latest: dict[str, dict[str, Value]] = {}
    for r in rows:
        number = str(r["cn"])
        treatments.setdefault(number, set()).add(str(r["t"]))
        seen = latest.get(number)
        when, before = _d(r["date"]), _d(seen["date"]) if seen else None
        # the latest dated treatment names the case; among equals, the one with a title
        if (
            seen is None
            or (when and (before is None or when > before))
            or (when == before and seen["title"] is None and r["title"] is not None)
        ):
            latest[number] = r
    out = [
        CaseSummary(
            number=number,
            title=_s(r["title"]),
            committee=_s(r["cl"]),
            municipality=_s(r["muni"]),
            last_date=_d(r["date"]),
            treatments=len(treatments[number]),
        )
        for number, r in latest.items()
    ]
    out.sort(key=lambda c: (c.last_date or dt.date.min, c.number), reverse=True)
    return out


def history(store: GraphBackend, target: str) -> History:
    """The lineage of an item, treatment, case number or policy, with decision texts."""
    found = lineage(store, target)
    texts = decisions(store, [s.treatment for s in found.steps])
    own = set() if target.startswith(("http://", "https://")) else case_treatments(store, target)
    return History(
        found.target,
        tuple(HistoryStep(s, texts.get(s.treatment), s.treatment in own) for s in found.steps),
        found.policies,
    )


def sources_of(store: GraphBackend, iris: list[str]) -> set[str]:
    """The source graphs (files) that describe any of these nodes."""
    if not iris:
        return set()
    values = " ".join(_iri(i) for i in iris)
    rows = _rows(store, f"SELECT DISTINCT ?s WHERE {{ VALUES ?x {{ {values} }} ?x dct:source ?s }}")
    return {str(r["s"]) for r in rows}
