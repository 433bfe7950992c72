"""Read-only views the app shows: typed records built by SPARQL over the store.

Each function asks the graph through :func:`raadsgraf.query.run_sparql` and
returns frozen records, so the app never sees a triple and the same pages
could be drawn by another front end. Predicates follow ``docs/graph.md``.

What the graph does not hold (an item's sections and attachments, a person's
role, the policies a policy names) is added from the source records by
:class:`raadsgraf.api.Raadsgraf`, which can read the source files.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from raadsgraf.model import Attachment, Section
from raadsgraf.query import LineageStep, PolicyLink, Value, lineage, run_sparql
from raadsgraf.store import GraphStore
from raadsgraf.vocab import sparql_prologue


def _iri(text: str) -> str:
    return "<" + text.replace(">", "%3E").replace(" ", "%20") + ">"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


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


@dataclass(frozen=True, slots=True)
class PersonRef:
    iri: str
    name: str
    party: str | None = None


@dataclass(frozen=True, slots=True)
class AbsenceView:
    person: PersonRef
    reason: str | None


@dataclass(frozen=True, slots=True)
class ReferenceView:
    """A reference in an item to another treatment (or meeting) of the matter."""

    raw: str
    kind: str | None  # reference-kind notation, e.g. "tidligere-behandling"
    target: str | None  # treatment or meeting IRI, when the reference names one
    date: dt.date | None
    committee: str | None
    item_number: int | None
    in_corpus: bool


@dataclass(frozen=True, slots=True)
class ItemDetail:
    """One agenda item and its treatment at one meeting."""

    item: str
    treatment: str
    meeting: str
    number: int | None
    title: str
    is_open: bool
    date: dt.date | None
    municipality: str | None
    committee: str | None
    committee_iri: str | None
    case_number: str | None
    kle_subject: str | None  # notation, e.g. "03.00.00"
    kle_subject_label: str | None  # only when a KLE file was loaded (`raadsgraf kle load`)
    kle_facet: str | None
    recommendation: str | None
    recommended_by: str | None
    decision: str | None
    outcome: str | None  # notation
    outcome_label: str | None
    attendees: tuple[PersonRef, ...]
    absences: tuple[AbsenceView, ...]
    references: tuple[ReferenceView, ...]
    policies: tuple[tuple[str, str], ...]  # (policy IRI, title)
    source: str | None  # named-graph IRI of the source file
    source_title: str | None
    in_corpus: bool
    # from the source record (added by the API; the graph does not hold them)
    sections: tuple[Section, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    recommendation_points: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemSummary:
    item: str
    treatment: str
    number: int | None
    title: str | None
    date: dt.date | None
    committee: str | None
    municipality: str | None
    outcome: str | None
    outcome_label: str | None
    case_number: str | None


@dataclass(frozen=True, slots=True)
class MeetingRef:
    iri: str
    date: dt.date | None
    committee: str | None
    committee_iri: str | None
    municipality: str | None
    items: int
    present: bool | None = None  # for a person: present, absent, or not recorded
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ItemAbsence:
    treatment: str
    item: str
    date: dt.date | None
    committee: str | None
    number: int | None
    title: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class PersonPage:
    person: PersonRef
    municipality: str | None
    parties: tuple[str, ...]
    meetings: tuple[MeetingRef, ...]
    item_absences: tuple[ItemAbsence, ...]
    items_present: int
    roles: tuple[str, ...] = ()  # from the source records (added by the API)


@dataclass(frozen=True, slots=True)
class Member:
    person: PersonRef
    present: int
    absent: int


@dataclass(frozen=True, slots=True)
class CommitteePage:
    iri: str
    label: str
    municipality: str | None
    meetings: tuple[MeetingRef, ...]
    members: tuple[Member, ...]
    items_per_year: tuple[tuple[int, int], ...]
    outcomes: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts of in-corpus agenda items per value, for the search filters."""

    municipalities: tuple[tuple[str, int], ...]
    committees: tuple[tuple[str, int], ...]
    outcomes: tuple[tuple[str, str, int], ...]  # (notation, Danish label, count)
    years: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class NetworkNode:
    id: str
    label: str
    kind: str  # politik, udgave, behandling, organ, erstattet, nævnt
    date: dt.date | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class NetworkEdge:
    source: str
    target: str
    label: str


@dataclass(frozen=True, slots=True)
class PolicyNetwork:
    policy: str
    title: str
    nodes: tuple[NetworkNode, ...]
    edges: tuple[NetworkEdge, ...]
    mentions: tuple[str, ...] = field(default=())

    def table(self) -> list[dict[str, str]]:
        """The same facts as rows: subject, relation, object, date."""
        names = {n.id: n for n in self.nodes}
        rows = []
        for e in self.edges:
            a, b = names[e.source], names[e.target]
            # the date the fact carries: a treatment's meeting, or the adoption
            when = a.date if a.kind == "behandling" or e.label == "vedtaget af" else None
            rows.append(
                {
                    "fra": a.label,
                    "relation": e.label,
                    "til": b.label,
                    "dato": when.isoformat() if when else "",
                }
            )
        return rows


# --- item -----------------------------------------------------------------------------


def treatment_of(store: GraphStore, iri: str) -> str | None:
    """The treatment IRI for an item or treatment IRI (None when neither)."""
    rows = _rows(
        store,
        f"""SELECT ?t WHERE {{
          {{ BIND({_iri(iri)} AS ?t) ?t a besluit:BehandelingVanAgendapunt }}
          UNION {{ ?t dct:subject {_iri(iri)} ; a besluit:BehandelingVanAgendapunt }}
        }} LIMIT 1""",
    )
    return _s(rows[0]["t"]) if rows else None


def item_detail(store: GraphStore, iri: str) -> ItemDetail | None:
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
    )


def _person_pattern(var: str) -> str:
    return f"?{var} foaf:name ?name . OPTIONAL {{ ?{var} org:memberOf/skos:notation ?party }}"


def _present(store: GraphStore, holder: str, predicate: str) -> tuple[PersonRef, ...]:
    rows = _rows(
        store,
        f"""SELECT ?p ?name (SAMPLE(?party) AS ?pt) WHERE {{
          {_iri(holder)} {predicate} ?p . {_person_pattern("p")}
        }} GROUP BY ?p ?name ORDER BY ?name""",
    )
    return tuple(PersonRef(str(r["p"]), str(r["name"]), _s(r["pt"])) for r in rows)


def _absences(store: GraphStore, holder: str) -> tuple[AbsenceView, ...]:
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


def _references(store: GraphStore, t: str) -> tuple[ReferenceView, ...]:
    rows = _rows(
        store,
        f"""SELECT ?r ?raw ?kind ?target ?date ?cl ?n ?src ?in WHERE {{
          {_iri(t)} rg:reference ?r . ?r prov:value ?raw .
          OPTIONAL {{ ?r dct:type/skos:notation ?kind }}
          OPTIONAL {{ ?r prov:influencer ?target .
            OPTIONAL {{ ?target eli-dl:activity_date ?date }}
            OPTIONAL {{ ?target dct:date ?date }}
            OPTIONAL {{ ?target dct:subject/schema:position ?n }}
            OPTIONAL {{ ?target dct:subject ?a . ?z besluit:behandelt ?a .
                       ?z besluit:isGehoudenDoor/skos:prefLabel ?cl }}
            OPTIONAL {{ ?target besluit:isGehoudenDoor/skos:prefLabel ?cl }}
            OPTIONAL {{ ?target dct:source ?src }}
            OPTIONAL {{ ?target rg:inCorpus ?in }} }}
        }} ORDER BY ?r""",
    )
    seen: dict[str, ReferenceView] = {}
    for r in rows:
        key = str(r["r"])
        if key in seen:
            continue
        seen[key] = ReferenceView(
            raw=str(r["raw"]),
            kind=_s(r["kind"]),
            target=_s(r["target"]),
            date=_d(r["date"]),
            committee=_s(r["cl"]),
            item_number=_i(r["n"]),
            in_corpus=r["src"] is not None or r["in"] is True,
        )
    return tuple(seen.values())


def item_summaries(store: GraphStore, iris: list[str]) -> dict[str, ItemSummary]:
    """Short facts (outcome, case, committee) for items or treatments, by the IRI given."""
    if not iris:
        return {}
    values = " ".join(_iri(i) for i in iris)
    rows = _rows(
        store,
        f"""SELECT ?x ?a ?t ?n ?title ?date ?cl ?muni ?on ?onl ?cn WHERE {{
          VALUES ?x {{ {values} }}
          {{ ?t dct:subject ?x . BIND(?x AS ?a) }} UNION {{ ?x dct:subject ?a . BIND(?x AS ?t) }}
          ?t a besluit:BehandelingVanAgendapunt .
          OPTIONAL {{ ?a schema:position ?n }}
          OPTIONAL {{ ?a dct:title ?title }}
          OPTIONAL {{ ?t eli-dl:activity_date ?date }}
          OPTIONAL {{ ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?c . ?c skos:prefLabel ?cl .
                     OPTIONAL {{ ?c besluit:bestuurt/skos:prefLabel ?muni }} }}
          OPTIONAL {{ ?t prov:generated/rg:outcome ?o . ?o skos:notation ?on .
                     {_DA_LABEL.format("?o", "onl")} }}
          OPTIONAL {{ ?t eli-dl:forms_part_of/dct:identifier ?cn }}
        }}""",
    )
    out: dict[str, ItemSummary] = {}
    for r in rows:
        out.setdefault(
            str(r["x"]),
            ItemSummary(
                item=str(r["a"]),
                treatment=str(r["t"]),
                number=_i(r["n"]),
                title=_s(r["title"]),
                date=_d(r["date"]),
                committee=_s(r["cl"]),
                municipality=_s(r["muni"]),
                outcome=_s(r["on"]),
                outcome_label=_s(r["onl"]),
                case_number=_s(r["cn"]),
            ),
        )
    return out


def decisions(store: GraphStore, treatments: list[str]) -> dict[str, str]:
    """Decision text per treatment (only those that have one)."""
    if not treatments:
        return {}
    values = " ".join(_iri(t) for t in treatments)
    rows = _rows(
        store,
        f"SELECT ?t ?v WHERE {{ VALUES ?t {{ {values} }} ?t prov:generated/prov:value ?v }}",
    )
    return {str(r["t"]): str(r["v"]) for r in rows}


def case_treatments(store: GraphStore, case_number: str) -> set[str]:
    """Treatments that carry the journal number itself (not reached by reference)."""
    rows = _rows(
        store,
        f"""SELECT ?t WHERE {{ ?c a rg:Case ; dct:identifier {_lit(case_number.strip())} .
                              ?t eli-dl:forms_part_of ?c }}""",
    )
    return {str(r["t"]) for r in rows}


def cases(store: GraphStore) -> list[tuple[str, int]]:
    """Every journal number with its number of treatments, most treated first."""
    rows = _rows(
        store,
        """SELECT ?cn (COUNT(DISTINCT ?t) AS ?n) WHERE {
          ?c a rg:Case ; dct:identifier ?cn . ?t eli-dl:forms_part_of ?c
        } GROUP BY ?cn ORDER BY DESC(?n) ?cn""",
    )
    return [(str(r["cn"]), _i(r["n"]) or 0) for r in rows]


# --- meetings, committees, people -------------------------------------------------


def meetings(store: GraphStore, committee: str | None = None) -> list[MeetingRef]:
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


def meeting_items(store: GraphStore, meeting: str) -> list[ItemSummary]:
    rows = _rows(
        store,
        f"SELECT ?a WHERE {{ {_iri(meeting)} besluit:behandelt ?a . ?a dct:source ?s }}",
    )
    found = item_summaries(store, [str(r["a"]) for r in rows])
    return sorted(found.values(), key=lambda s: s.number or 0)


def committees(store: GraphStore) -> list[tuple[str, str, str | None, int]]:
    """(IRI, label, municipality, meetings in corpus) for every body with a meeting."""
    rows = _rows(
        store,
        """SELECT ?c (MIN(?label) AS ?cl) (MIN(?ml) AS ?muni) (COUNT(DISTINCT ?z) AS ?n) WHERE {
          ?z a besluit:Zitting ; dct:source ?src ; besluit:isGehoudenDoor ?c .
          ?c skos:prefLabel ?label . OPTIONAL { ?c besluit:bestuurt/skos:prefLabel ?ml }
        } GROUP BY ?c ORDER BY ?muni ?cl""",
    )
    return [(str(r["c"]), str(r["cl"]), _s(r["muni"]), _i(r["n"]) or 0) for r in rows]


def committee_page(store: GraphStore, iri: str) -> CommitteePage | None:
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
        f"""SELECT ?p ?name (SAMPLE(?party) AS ?pt) ?how (COUNT(DISTINCT ?z) AS ?n) WHERE {{
          ?z besluit:isGehoudenDoor {_iri(iri)} ; dct:source ?src .
          {{ ?z besluit:heeftAanwezigeBijStart ?p BIND("present" AS ?how) }}
          UNION {{ ?z rg:absentee ?p BIND("absent" AS ?how) }}
          {_person_pattern("p")}
        }} GROUP BY ?p ?name ?how""",
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    refs: dict[str, PersonRef] = {}
    for r in people:
        p = str(r["p"])
        refs[p] = PersonRef(p, str(r["name"]), _s(r["pt"]))
        counts[p][0 if r["how"] == "present" else 1] += _i(r["n"]) or 0
    members = sorted(
        (Member(refs[p], c[0], c[1]) for p, c in counts.items()),
        key=lambda m: (-(m.present + m.absent), m.person.name),
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
        members=tuple(members),
        items_per_year=tuple(sorted(years.items())),
        outcomes=tuple(outcomes.most_common()),
    )


def people(store: GraphStore) -> list[tuple[PersonRef, str | None, int]]:
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


def person_page(store: GraphStore, iri: str) -> PersonPage | None:
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
    return PersonPage(
        person=PersonRef(iri, str(head[0]["name"]), parties[0] if parties else None),
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
    )


# --- facets -----------------------------------------------------------------------------


def facets(store: GraphStore) -> Facets:
    """Counts of agenda items described by a source, per municipality, committee, outcome, year.

    Grouped by body IRI with one label each (MIN): a body can carry several
    spellings of its name, and the counts must not split over them.
    """
    rows = _rows(
        store,
        """SELECT ?org (MIN(?cl) AS ?c) (MIN(?ml) AS ?m) ?on ?y (COUNT(DISTINCT ?a) AS ?n) WHERE {
          ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?org . ?a dct:source ?src .
          ?org skos:prefLabel ?cl . OPTIONAL { ?org besluit:bestuurt/skos:prefLabel ?ml }
          ?t dct:subject ?a . OPTIONAL { ?t eli-dl:activity_date ?date }
          OPTIONAL { ?t prov:generated/rg:outcome/skos:notation ?on }
          BIND(YEAR(?date) AS ?y)
        } GROUP BY ?org ?on ?y""",
    )
    labels = {
        str(r["on"]): str(r["l"])
        for r in _rows(
            store,
            """SELECT ?on (MIN(?label) AS ?l) WHERE { ?o a rg:Outcome ; skos:notation ?on ;
                 skos:prefLabel ?label FILTER(LANG(?label) = "da") } GROUP BY ?on""",
        )
    }
    munis: Counter[str] = Counter()
    comms: Counter[str] = Counter()
    outs: Counter[str] = Counter()
    years: Counter[int] = Counter()
    for r in rows:
        n = _i(r["n"]) or 0
        if r["m"]:
            munis[str(r["m"])] += n
        comms[str(r["c"])] += n
        if r["on"]:
            outs[str(r["on"])] += n
        if (y := _i(r["y"])) is not None:
            years[y] += n
    return Facets(
        municipalities=tuple(sorted(munis.items())),
        committees=tuple(sorted(comms.items())),
        outcomes=tuple((o, labels.get(o, o), n) for o, n in sorted(outs.items())),
        years=tuple(sorted(years.items())),
    )


# --- policies ---------------------------------------------------------------------------


def policies(store: GraphStore) -> list[tuple[str, str, dt.date | None]]:
    """(IRI, title, adoption date) of every policy a source describes."""
    rows = _rows(
        store,
        """SELECT ?p ?ti (SAMPLE(?d) AS ?date) WHERE {
          ?p a rg:Policy ; eli:title ?ti ; dct:source ?src . OPTIONAL { ?p eli:date_document ?d }
        } GROUP BY ?p ?ti ORDER BY ?ti""",
    )
    return [(str(r["p"]), str(r["ti"]), _d(r["date"])) for r in rows]


def policy_network(store: GraphStore, iri: str) -> PolicyNetwork | None:
    """A policy as nodes and edges: versions, treatments, adoption, what it replaces."""
    P = _iri(iri)
    head = _rows(
        store,
        f"""SELECT ?ti ?date ?by ?byl ?cr ?crl ?kind WHERE {{ {P} eli:title ?ti .
          OPTIONAL {{ {P} eli:date_document ?date }} OPTIONAL {{ {P} dct:type ?kind }}
          OPTIONAL {{ {P} eli:passed_by ?by . ?by skos:prefLabel ?byl }}
          OPTIONAL {{ {P} dct:creator ?cr . ?cr skos:prefLabel ?crl }} }} LIMIT 1""",
    )
    if not head:
        return None
    h = head[0]
    title = str(h["ti"])
    nodes: dict[str, NetworkNode] = {
        iri: NetworkNode(iri, title, "politik", _d(h["date"]), _s(h["kind"]))
    }
    edges: list[NetworkEdge] = []
    if h["by"]:
        nodes[str(h["by"])] = NetworkNode(str(h["by"]), str(h["byl"]), "organ")
        edges.append(NetworkEdge(iri, str(h["by"]), "vedtaget af"))
    if h["cr"]:
        nodes.setdefault(str(h["cr"]), NetworkNode(str(h["cr"]), str(h["crl"]), "organ"))
        edges.append(NetworkEdge(iri, str(h["cr"]), "udarbejdet af"))
    for r in _rows(
        store,
        f"""SELECT ?e ?stage ?sl WHERE {{ {P} eli:is_realized_by ?e .
              OPTIONAL {{ ?e rg:versionStage ?st . ?st skos:notation ?stage }}
              OPTIONAL {{ ?e rg:versionStage/skos:prefLabel ?sl FILTER(LANG(?sl) = "da") }}
            }} ORDER BY ?e""",
    ):
        e = str(r["e"])
        label = _s(r["sl"]) or _s(r["stage"]) or e.rsplit("/", 1)[-1]
        nodes.setdefault(e, NetworkNode(e, f"udgave: {label}", "udgave"))
        edges.append(NetworkEdge(iri, e, "udgave"))
    for r in _rows(
        store,
        f"""SELECT ?old ?label ?issued WHERE {{ {P} dct:replaces ?old .
              OPTIONAL {{ ?old rdfs:label ?label }} OPTIONAL {{ ?old dct:issued ?issued }} }}""",
    ):
        old = str(r["old"])
        nodes.setdefault(
            old, NetworkNode(old, _s(r["label"]) or old, "erstattet", None, _s(r["issued"]))
        )
        edges.append(NetworkEdge(iri, old, "erstatter"))
    treated = _rows(
        store,
        f"""SELECT ?t ?date ?cl ?n ?title ?on ?e ?src WHERE {{ ?t rg:treatsPolicy {P} .
              OPTIONAL {{ ?t eli-dl:activity_date ?date }}
              OPTIONAL {{ ?t dct:subject ?a . OPTIONAL {{ ?a schema:position ?n }}
                         OPTIONAL {{ ?a dct:title ?title }}
                         OPTIONAL {{ ?z besluit:behandelt ?a ; besluit:isGehoudenDoor/skos:prefLabel ?cl }} }}
              OPTIONAL {{ ?t prov:generated/rg:outcome/skos:notation ?on }}
              OPTIONAL {{ ?t prov:used ?e }}
              OPTIONAL {{ ?t dct:source ?src }} }} ORDER BY ?date""",
    )
    for r in treated:
        t = str(r["t"])
        when = _d(r["date"])
        label = f"{when or '?'} {_s(r['cl']) or ''} pkt. {_s(r['n']) or '?'}".strip()
        detail = _s(r["title"]) or ("uden for korpus" if r["src"] is None else None)
        if t not in nodes:
            nodes[t] = NetworkNode(t, label, "behandling", when, detail)
            edges.append(NetworkEdge(t, iri, "behandler"))
        if r["e"] and str(r["e"]) in nodes:
            edges.append(NetworkEdge(t, str(r["e"]), "bruger"))
    return PolicyNetwork(iri, title, tuple(nodes.values()), tuple(edges))


# --- treatment history ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryStep:
    """One treatment in a history: the lineage step with its decision text."""

    step: LineageStep
    decision: str | None
    in_case: bool  # carries the journal number itself (not only reached by reference)


@dataclass(frozen=True, slots=True)
class History:
    target: str
    steps: tuple[HistoryStep, ...]
    policies: tuple[PolicyLink, ...]


def history(store: GraphStore, target: str) -> History:
    """The lineage of an item, treatment, case number or policy, with decision texts."""
    found = lineage(store, target)
    texts = decisions(store, [s.treatment for s in found.steps])
    own = set() if target.startswith(("http://", "https://")) else case_treatments(store, target)
    return History(
        found.target,
        tuple(HistoryStep(s, texts.get(s.treatment), s.treatment in own) for s in found.steps),
        found.policies,
    )
