"""Records → RDF: one rdflib Graph per source document.

Every IRI comes from :mod:`raadsgraf.iris`. A reference to a treatment that is
not in this document becomes a placeholder with the very IRI the referenced
meeting's own ingest mints, so the two descriptions merge in the store.
Cross-document links (policy ↔ items, in-corpus flags) are derived in the store
by :mod:`raadsgraf.graph.derive`, since one document cannot see the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from importlib import resources
from pathlib import Path, PurePath

from rdflib import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SDO, SKOS, XSD, Graph, Literal, URIRef

from raadsgraf import iris
from raadsgraf.graph.topics import topic, topic_key, topic_label
from raadsgraf.graph.vocab import BESLUIT, ELI, ELI_DL, PERSON, PREFIXES, RG
from raadsgraf.model import (
    KLE,
    PLANNED_CONSTRUCTIONS,
    AgendaItem,
    Attachment,
    Attendance,
    AttendanceStatus,
    Document,
    Meeting,
    Person,
    PersonKind,
    PolicyDocument,
    Position,
    Reference,
    ReferenceKind,
    Section,
    Stance,
)
from raadsgraf.parties import party_name

#: Stances a party's members share when the text names only the party.
_SHARED_STANCES = frozenset({Stance.FOR, Stance.AGAINST, Stance.ABSTAINED})

_DANISH = "da"
#: What minutes call their own committee ("udvalget besluttede den …").
_GENERIC_BODIES = frozenset({"Udvalget", "Udvalg", "udvalget"})
#: "fagudvalget": in a committee's own minutes that committee, unless it is the finance
#: committee (whose minutes use the word for the committee a matter belongs to)
_SUBJECT_COMMITTEE = frozenset({"Fagudvalget", "Fagudvalg", "fagudvalget"})

#: Who treats cases politically: a council, a committee, a board ("Handicaprådet"), the
#: Magistrate, KKR. An administrative unit ("forvaltningen", "Center for Teknik",
#: "Borgmesterens Afdeling", "direktionen") prepares cases and treats none.
_POLITICAL = re.compile(
    r"udvalg|byråd|kommunalbestyrelse|regionsråd|borgerrepræsentation|^magistrat(?:en)?$"
    r"|råd(?:et)?$|^kkr\b",
    re.IGNORECASE,
)
_ADMINISTRATIVE = re.compile(
    r"afdeling|forvaltning|direktion|administration|center|sekretariat|\bstab\b|enhed",
    re.IGNORECASE,
)


def is_political_body(name: str) -> bool:
    """Does the name stand for a political body (one that can treat a case)?"""
    return bool(_POLITICAL.search(name)) and not _ADMINISTRATIVE.search(name)


#: Councils: the body every committee reports to ("udvalget" in their minutes is
#: never the council itself).
_COUNCIL = ("byråd", "kommunalbestyrelse", "borgerrepræsentation", "regionsråd")


def _is_council(name: str) -> bool:
    lower = name.lower()
    return any(word in lower for word in _COUNCIL)


def _decided(ref: Reference) -> bool:
    """A later step whose decision the source already gives was held (a portal page
    exported after it), whatever the minutes' date."""
    return bool(ref.decision) and "ikke frigivet" not in (ref.decision or "").lower()


#: One RDF triple as rdflib terms.
Triple = tuple[URIRef, URIRef, URIRef | Literal]


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def _date(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def _year(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.gYear)


class _Builder:
    """Adds one document's records to a graph; holds the document's context."""

    # Triples go to a plain set, not an rdflib Graph: the store loads them as
    # N-Quads, and an rdflib Graph's indexing costs twice the building itself.
    def __init__(self, doc: Document, source: URIRef) -> None:
        self.triples: set[Triple] = set()
        self.doc = doc
        self.source = source
        self.namesakes = _namesakes(doc)
        self.members: dict[str, tuple[str, str | None]] = {}
        self.year: int | None = None  # the meeting's, for party letters of its period

    def add(self, s: str | URIRef, p: URIRef, o: URIRef | Literal | str) -> None:
        obj = o if isinstance(o, URIRef | Literal) else URIRef(o)
        self.triples.add((URIRef(s), p, obj))

    def text(self, s: str | URIRef, p: URIRef, value: str, lang: str | None = _DANISH) -> None:
        self.triples.add((URIRef(s), p, Literal(value, lang=lang)))

    # --- source -----------------------------------------------------------------

    def source_node(self) -> None:
        src = self.doc.source
        self.add(self.source, RDF.type, FOAF.Document)
        self.add(self.source, RDF.type, PROV.Entity)
        self.add(self.source, DCTERMS.identifier, Literal(src.sha256))
        self.add(self.source, DCTERMS.format, Literal(src.format))
        self.add(self.source, DCTERMS.title, Literal(PurePath(src.path).name))
        if src.url:
            self.add(self.source, SDO.url, Literal(src.url, datatype=XSD.anyURI))

    # --- bodies and people ------------------------------------------------------

    def municipality(self, name: str) -> str:
        m = iris.municipality_iri(name)
        self.add(m, RDF.type, BESLUIT.Bestuurseenheid)
        self.text(m, SKOS.prefLabel, iris.municipality_name(name))
        return m

    def committee(self, municipality: str, name: str) -> str:
        c = iris.committee_iri(municipality, name)
        self.add(c, RDF.type, BESLUIT.Bestuursorgaan)
        self.add(c, BESLUIT.bestuurt, self.municipality(municipality))
        canonical = iris.committee_name(name)
        # rdfs:label, not skos:prefLabel: sources spell one body differently
        # ("Klima-, Teknik- og …" / "Klima-Teknik- og …"), and the store's derived
        # graph picks the one prefLabel from all of them.
        self.text(c, RDFS.label, canonical)
        if name.strip() != canonical:
            self.text(c, SKOS.altLabel, name.strip())
        return c

    def person_ref(self, municipality: str, person: Person) -> str:
        """The person's IRI; namesakes this source tells apart by party get theirs."""
        key = iris.person_key(person.name)
        if key in self.namesakes and person.party:
            return iris.person_iri(municipality, person.name, person.party)
        return iris.person_iri(municipality, person.name)

    def _person_key(self, person: Person) -> str:
        """The name as absences and roles key it (party-qualified for namesakes)."""
        if iris.person_key(person.name) in self.namesakes and person.party:
            return f"{person.name} {iris.party_letter(person.party)}"
        return person.name

    def person(self, municipality: str, person: Person) -> str:
        p = self.person_ref(municipality, person)
        self.add(p, RDF.type, PERSON.Person)
        key = iris.person_key(person.name)
        if key in self.namesakes and not person.party:
            # the source names two people so, and this mention says not which
            self.add(p, RDF.type, RG.AmbiguousPerson)
            parties = " og ".join(sorted(self.namesakes[key]))
            self.text(
                p, RG.ambiguity, f"kilden nævner to personer med navnet (partierne {parties})"
            )
        self.add(p, FOAF.name, Literal(iris.person_key(person.name)))
        if person.party:
            self.add(p, ORG.memberOf, self.party(municipality, person.party))
        return p

    def party(self, municipality: str, letter: str) -> str:
        """A party by its letter, named from the national or the municipality's own list."""
        party = iris.party_iri(municipality, letter)
        self.add(party, RDF.type, ORG.Organization)
        self.add(party, SKOS.notation, Literal(letter))
        if name := party_name(letter, municipality, self.year):
            self.text(party, SKOS.prefLabel, name)
        return party

    def membership(self, committee: str, meeting: str, person: str, name: str) -> None:
        """An elected member's ``org:Membership`` of the committee, attested by this
        meeting's list (present or absent): its period is the span of those meetings."""
        m = iris.membership_iri(committee, name)
        self.add(m, RDF.type, ORG.Membership)
        self.add(m, ORG.member, person)
        self.add(m, ORG.organization, committee)
        self.add(m, RG.attestedAt, meeting)

    def attendance(
        self,
        holder: str,
        municipality: str,
        records: tuple[Attendance, ...],
        *,
        meeting: bool,
        committee: str | None = None,
    ) -> set[str]:
        """Presence and absence at ``holder`` (a Zitting or a treatment); returns the
        absent. A role the minutes give ("formand", "direktør") is the role the person
        took part in: a ``prov:qualifiedAssociation`` with ``prov:hadRole``. At a
        meeting of ``committee``, members get their membership, officials their class."""
        absent: set[str] = set()
        for a in records:
            p = self.person(municipality, a.person)
            if a.person.kind == PersonKind.OFFICIAL:
                self.add(p, RDF.type, RG.Official)
            elif a.person.kind == PersonKind.MEMBER and committee and meeting:
                self.membership(committee, holder, p, self._person_key(a.person))
            for role in filter(None, (r.strip() for r in (a.person.role or "").split(";"))):
                r = iris.role_iri(municipality, role)
                q = iris.association_iri(holder, self._person_key(a.person))
                self.add(r, RDF.type, PROV.Role)
                self.text(r, SKOS.prefLabel, role[:1].lower() + role[1:])
                self.add(holder, PROV.qualifiedAssociation, q)
                self.add(q, RDF.type, PROV.Association)
                self.add(q, PROV.agent, p)
                self.add(q, PROV.hadRole, r)
            if a.status == AttendanceStatus.PRESENT:
                self.add(
                    holder, BESLUIT.heeftAanwezigeBijStart if meeting else BESLUIT.heeftAanwezige, p
                )
                continue
            absent.add(p)
            node = iris.absence_iri(holder, municipality, self._person_key(a.person))
            self.add(holder, RG.absentee, p)
            self.add(holder, RG.absence, node)
            self.add(node, RDF.type, RG.Absence)
            self.add(node, RG.absentPerson, p)
            if a.reason:
                self.add(node, RG.absenceReason, Literal(a.reason, lang=_DANISH))
        return absent

    # --- meetings ---------------------------------------------------------------

    def meeting(self, meeting: Meeting) -> None:
        muni = meeting.municipality.name
        self.year = meeting.date.year
        z = iris.meeting_iri(meeting)
        c = self.committee(muni, meeting.committee.name)
        self.add(z, RDF.type, BESLUIT.Zitting)
        self.add(z, BESLUIT.isGehoudenDoor, c)
        self.add(z, DCTERMS.date, _date(meeting.date))
        self.add(z, DCTERMS.type, Literal(meeting.kind))
        self.add(z, DCTERMS.source, self.source)
        if meeting.start:
            start = dt.datetime.combine(meeting.date, meeting.start)
            self.add(z, PROV.startedAtTime, Literal(start.isoformat(), datatype=XSD.dateTime))
        if meeting.end:
            end = dt.datetime.combine(meeting.date, meeting.end)
            self.add(z, PROV.endedAtTime, Literal(end.isoformat(), datatype=XSD.dateTime))
        if meeting.place:
            self.add(z, PROV.atLocation, Literal(meeting.place))
        if meeting.source_url:
            self.add(z, SDO.url, Literal(meeting.source_url, datatype=XSD.anyURI))
        meeting_absent = self.attendance(z, muni, meeting.attendance, meeting=True, committee=c)
        present = {
            self.person_ref(muni, a.person)
            for a in meeting.attendance
            if a.status == AttendanceStatus.PRESENT
        }
        #: present elected members by party letter, for a party's position at an item
        self.members = {
            self.person_ref(muni, a.person): (a.person.name, a.person.party)
            for a in meeting.attendance
            if a.status == AttendanceStatus.PRESENT
            and a.person.party
            and a.person.kind == PersonKind.MEMBER
        }
        for item in meeting.items:
            self.item(meeting, z, item, present - meeting_absent)

    def item(self, meeting: Meeting, z: str, item: AgendaItem, present: set[str]) -> None:
        muni = meeting.municipality.name
        a = iris.item_iri(meeting, item)
        t = iris.treatment_iri(meeting, item)
        self.add(z, BESLUIT.behandelt, a)
        self.add(a, RDF.type, BESLUIT.Agendapunt)
        self.text(a, DCTERMS.title, item.title)
        self.add(a, SDO.position, Literal(item.number))
        self.add(a, BESLUIT.geplandOpenbaar, Literal(item.is_open))
        self.add(a, DCTERMS.source, self.source)
        self.add(t, RDF.type, BESLUIT.BehandelingVanAgendapunt)
        self.add(t, RDF.type, ELI_DL.Activity)
        self.add(t, DCTERMS.subject, a)
        self.add(t, BESLUIT.openbaar, Literal(item.is_open))
        self.add(t, ELI_DL.activity_date, _date(meeting.date))
        self.add(t, DCTERMS.source, self.source)
        absent = self.attendance(t, muni, item.attendance, meeting=False)
        for p in sorted(present - absent):
            self.add(t, BESLUIT.heeftAanwezige, p)
        if item.case_number:
            self.case(muni, item.case_number, item.kle, t)
        sections = self.sections(a, item.sections)
        if item.recommendation:
            r = iris.recommendation_iri(t)
            self.add(t, RG.recommendation, r)
            self.add(r, RDF.type, RG.Recommendation)
            self.text(r, PROV.value, item.recommendation.text)
            self.derived_from(r, sections, "recommendation", item.recommendation.text)
            for k, point in enumerate(item.recommendation.points, start=1):
                node = iris.recommendation_point_iri(r, k)
                self.add(r, RG.point, node)
                self.add(node, RDF.type, RG.RecommendationPoint)
                self.add(node, SDO.position, Literal(k))
                self.text(node, PROV.value, point)
            if item.recommendation.by:
                self.text(r, RG.recommendedBy, item.recommendation.by)
        if item.decision:
            d = iris.decision_iri(t)
            self.add(t, PROV.generated, d)
            self.add(d, RDF.type, BESLUIT.Besluit)
            self.text(d, PROV.value, item.decision.text)
            self.derived_from(d, sections, "decision", item.decision.text, item.decision.raw)
            self.add(d, RG.outcome, iris.outcome_iri(item.decision.outcome))
            self.add(d, ELI.passed_by, iris.committee_iri(muni, meeting.committee.name))
            self.add(d, ELI.date_document, _date(meeting.date))
            for prop, count in (
                (RG.votesFor, item.decision.votes_for),
                (RG.votesAgainst, item.decision.votes_against),
                (RG.votesAbstained, item.decision.votes_abstained),
            ):
                if count is not None:
                    self.add(d, prop, Literal(count))
            positions = item.decision.positions
            for index, pos in enumerate(positions, start=1):
                node = iris.position_iri(d, index)
                self.add(d, RG.position, node)
                self.position(muni, node, pos)
                self.propagate(muni, d, node, pos, positions, present - absent)
            referred = item.decision.referred_to
            if referred:
                # the recipient as named, whoever it is ("oversendes til forvaltningen")
                self.text(d, RG.referredTo, referred)
            if (
                referred
                and is_political_body(referred)
                and iris.committee_name(referred) != iris.committee_name(meeting.committee.name)
            ):
                # "oversendes til Økonomiudvalget": the case's next step, not yet held; an
                # administrative unit gets the case to prepare, which is no treatment
                self.planned(muni, t, "oversendt", referred, None, item.decision.text)
        for index, ref in enumerate(item.references, start=1):
            self.reference(meeting, t, index, ref)
        self.attachments(a, item.attachments)

    def attachments(self, item: str, attachments: tuple[Attachment, ...]) -> None:
        """The bilag as listed: title, number and whether it is recommended reading.

        Their text (when the file was at hand) goes to the search index, not here.
        """
        for position, att in enumerate(attachments, start=1):
            node = iris.attachment_iri(item, position)
            self.add(item, RG.attachment, node)
            self.add(node, RDF.type, RG.Attachment)
            self.add(node, SDO.position, Literal(position))
            self.text(node, DCTERMS.title, att.title)
            if att.number:
                self.add(node, DCTERMS.identifier, Literal(att.number))
            if att.recommended is not None:
                self.add(node, RG.recommendedReading, Literal(att.recommended))

    def sections(self, owner: str, sections: tuple[Section, ...]) -> list[tuple[Section, str]]:
        """One node per section of an item or policy, in source order, with its full text."""
        nodes = []
        for position, section in enumerate(sections, start=1):
            s = iris.section_iri(owner, position)
            # one direction only: ^dct:isPartOf reads the other, and at ~40 000
            # sections (Greve) an inverse triple each is 7 % of the store
            self.add(s, DCTERMS.isPartOf, owner)
            self.add(s, RDF.type, RG.Section)
            self.add(s, DCTERMS.type, iris.section_kind_iri(section.kind))
            self.add(s, SDO.position, Literal(position))
            if section.heading.strip():
                self.text(s, DCTERMS.title, section.heading.strip())
            if section.text:
                self.text(s, PROV.value, section.text)
            if section.number:
                self.add(s, DCTERMS.identifier, Literal(section.number))
            if section.page is not None:
                self.add(s, SDO.pageStart, Literal(section.page))
            nodes.append((section, s))
        return nodes

    def derived_from(
        self, node: str, sections: list[tuple[Section, str]], kind: str, *texts: str
    ) -> None:
        """Tie a decision or recommendation to the section it was read from.

        Both keep their text (a Besluit's prov:value is the cleaned decision; the
        section is the source as written), so a query never needs to know which
        node holds a text; the link says they are one passage of the source.
        """
        wanted = {t.strip() for t in texts if t.strip()}
        for section, s in sections:
            if section.kind == kind and section.text.strip() in wanted:
                self.add(node, PROV.wasDerivedFrom, s)
                return

    def position(self, muni: str, node: str, pos: Position) -> None:
        """A named member's or a party's own stance in the decision."""
        self.add(node, RDF.type, RG.Position)
        self.text(node, PROV.value, pos.text)
        self.add(node, RG.stance, iris.stance_iri(pos.stance))
        if pos.side:
            self.add(node, RG.side, iris.side_iri(pos.side))
        if pos.votes is not None:
            self.add(node, RG.votes, Literal(pos.votes))
        if pos.kind == "person":
            holder = self.person(muni, Person(pos.actor, pos.party))
        elif pos.party:
            holder = self.party(muni, pos.party)
        else:
            holder = iris.party_iri(muni, pos.actor)
            self.add(holder, RDF.type, ORG.Organization)
            self.text(holder, SKOS.prefLabel, pos.actor)
        self.add(node, RG.heldBy, holder)

    def propagate(
        self,
        muni: str,
        decision: str,
        node: str,
        pos: Position,
        positions: tuple[Position, ...],
        present: set[str],
    ) -> None:
        """A party's vote (for, against, abstained) as each of its members' present at
        the item, marked ``rg:propagatedFrom``; only where nothing leaves doubt: the
        party is named by its letter, its members' party letters are in the attendee
        list, and no member of it is named with a position of their own."""
        if pos.kind != "party" or not pos.party or pos.stance not in _SHARED_STANCES:
            return
        named = {p.party for p in positions if p.kind == "person"} | {
            p.actor for p in positions if p.kind == "person"
        }
        if pos.party in named:
            return  # the party's members are named one by one: they may differ
        for iri in sorted(present):
            name, letter = self.members.get(iri, ("", None))
            if letter != pos.party or name in named:
                continue
            derived = iris.propagated_position_iri(node, name)
            self.add(decision, RG.position, derived)
            self.add(derived, RDF.type, RG.Position)
            self.text(derived, PROV.value, pos.text)
            self.add(derived, RG.stance, iris.stance_iri(pos.stance))
            self.add(derived, RG.heldBy, iri)
            self.add(derived, RG.propagatedFrom, node)
            if pos.side:
                self.add(derived, RG.side, iris.side_iri(pos.side))

    def case(self, muni: str, number: str, kle: KLE | None, t: str) -> None:
        c = iris.case_iri(muni, number)
        self.add(c, RDF.type, RG.Case)
        self.add(c, RDF.type, ELI_DL.LegislativeProcess)
        self.add(c, DCTERMS.identifier, Literal(number))
        self.add(c, DCTERMS.publisher, self.municipality(muni))
        self.add(t, ELI_DL.forms_part_of, c)
        if kle:
            self.add(c, DCTERMS.subject, self.kle_subject(kle.subject))
            facet = iris.kle_facet_iri(kle.facet)
            self.add(facet, RDF.type, SKOS.Concept)
            self.add(facet, SKOS.notation, Literal(kle.facet.upper()))
            self.add(facet, SKOS.inScheme, URIRef(iris.KLE_FACETS))
            self.add(c, RG.kleFacet, facet)

    def kle_subject(self, notation: str) -> str:
        """The subject and its broader groups: ``00.22.04`` ⊑ ``00.22`` ⊑ ``00``."""
        parts = notation.split(".")
        narrower: str | None = None
        for depth in range(len(parts), 0, -1):
            code = ".".join(parts[:depth])
            node = iris.kle_subject_iri(code)
            self.add(node, RDF.type, SKOS.Concept)
            self.add(node, SKOS.notation, Literal(code))
            self.add(node, SKOS.inScheme, URIRef(iris.KLE_SUBJECTS))
            if depth == 1:
                self.add(node, SKOS.topConceptOf, URIRef(iris.KLE_SUBJECTS))
            if narrower:
                self.add(narrower, SKOS.broader, node)
            narrower = node
        return iris.kle_subject_iri(notation)

    def reference(self, meeting: Meeting, t: str, index: int, ref: Reference) -> None:
        muni = meeting.municipality.name
        if ref.body in _GENERIC_BODIES:
            # "udvalget" in a committee's own minutes is that committee; in a council's
            # it is the committee whose text the council's item repeats, which the
            # sentence does not name: kept as text only
            own_body = None if _is_council(meeting.committee.name) else meeting.committee.name
            ref = dataclasses.replace(ref, body=own_body)
        elif ref.body in _SUBJECT_COMMITTEE:
            own_name = meeting.committee.name
            subject = not _is_council(own_name) and "økonomiudvalg" not in own_name.lower()
            ref = dataclasses.replace(ref, body=own_name if subject else None)
        own = iris.committee_name(meeting.committee.name)
        if (
            ref.kind == ReferenceKind.PROSE
            and ref.date == meeting.date
            and ref.body
            and iris.committee_name(ref.body) == own
        ):
            return  # a sentence about this very meeting names no other treatment
        r = iris.reference_iri(t, index)
        self.add(t, RG.reference, r)
        self.add(r, RDF.type, RG.TreatmentReference)
        self.add(r, DCTERMS.type, iris.reference_kind_iri(ref.kind))
        self.text(r, PROV.value, ref.raw)
        if not (ref.body and ref.date):
            return  # kept as text: nothing names the meeting precisely enough
        if ref.past and ref.date > meeting.date:
            return  # "Byrådet besluttede den 14. december 2022" in March 2022: kept as text
        if ref.date > meeting.date and not _decided(ref):
            if ref.kind == ReferenceKind.PROSE and ref.construction not in PLANNED_CONSTRUCTIONS:
                # a coming date the sentence does not tie to a treatment of the body in
                # one clause or a timetable's line: kept as text, no step (right or absent)
                return
            # after the meeting itself: a schedule, "forventes behandlet …", the
            # portal's "Beslutning ikke frigivet": planned, not held
            p = self.planned(muni, t, index, ref.body, ref.date, ref.raw, ref.item_number)
            self.add(p, DCTERMS.type, iris.reference_kind_iri(ref.kind))
            if ref.construction is not None:
                self.add(p, RG.construction, Literal(str(ref.construction)))
            return
        z = iris.meeting_iri_for(muni, ref.body, ref.date)
        self.add(z, RDF.type, BESLUIT.Zitting)
        self.add(z, BESLUIT.isGehoudenDoor, self.committee(muni, ref.body))
        self.add(z, DCTERMS.date, _date(ref.date))
        if ref.item_number is None:
            self.add(t, RG.referencesMeeting, z)
            self.add(r, PROV.influencer, z)
            return
        target = iris.treatment_iri_for(muni, ref.body, ref.date, ref.item_number)
        a = iris.item_iri_for(muni, ref.body, ref.date, ref.item_number)
        self.add(z, BESLUIT.behandelt, a)
        self.add(a, RDF.type, BESLUIT.Agendapunt)
        self.add(a, SDO.position, Literal(ref.item_number))
        self.add(target, RDF.type, BESLUIT.BehandelingVanAgendapunt)
        self.add(target, RDF.type, ELI_DL.Activity)
        self.add(target, DCTERMS.subject, a)
        self.add(target, ELI_DL.activity_date, _date(ref.date))
        if ref.item_title:
            self.text(target, RG.referencedTitle, ref.item_title)
        self.add(r, PROV.influencer, target)
        self.add(t, RG.referencesTreatment, target)
        if ref.absent:  # "X deltog ikke i sagens behandling" in the case history
            self.attendance(target, muni, ref.absent, meeting=False)
        if ref.date < meeting.date:
            self.add(t, RG.earlierTreatment, target)

    def planned(
        self,
        muni: str,
        t: str,
        key: int | str,
        body: str,
        date: dt.date | None,
        text: str,
        item_number: int | None = None,
    ) -> str:
        """A coming step of the matter (:class:`rg:PlannedTreatment`): no meeting, item
        or treatment is minted for it, so nothing counts it as held."""
        p = iris.planned_treatment_iri(t, key)
        self.add(t, RG.plannedTreatment, p)
        self.add(p, RDF.type, RG.PlannedTreatment)
        self.add(p, RG.plannedBy, self.committee(muni, body))
        self.text(p, PROV.value, text)
        if date is not None:
            self.add(p, DCTERMS.date, _date(date))
        if item_number is not None:
            self.add(p, SDO.position, Literal(item_number))
        return p

    # --- policies ---------------------------------------------------------------

    def policy(self, policy: PolicyDocument) -> None:
        p = iris.policy_iri(policy)
        muni = policy.municipality.name if policy.municipality else None
        self.add(p, RDF.type, RG.Policy)
        self.add(p, RDF.type, ELI.Work)
        self.text(p, ELI.title, policy.title)
        self.text(p, DCTERMS.type, policy.kind)
        self.add(p, DCTERMS.source, self.source)
        if muni:
            self.add(p, DCTERMS.publisher, self.municipality(muni))
        if policy.period:
            self.add(p, SDO.startDate, _year(policy.period[0]))
            self.add(p, SDO.endDate, _year(policy.period[1]))
        stage = "vedtaget" if policy.adopted_on or policy.adopted_by else "udkast"
        e = iris.policy_expression_iri(p, stage)
        self.add(p, ELI.is_realized_by, e)
        self.add(e, RDF.type, ELI.Expression)
        self.add(e, ELI.realizes, p)
        self.add(e, RG.versionStage, iris.version_stage_iri(stage))
        self.add(e, DCTERMS.source, self.source)
        if policy.adopted_on:
            self.add(p, ELI.date_document, _date(policy.adopted_on))
        if policy.adopted_by and muni:
            self.add(p, ELI.passed_by, self.committee(muni, policy.adopted_by))
        if policy.prepared_by and muni:
            self.add(p, DCTERMS.creator, self.committee(muni, policy.prepared_by))
        if policy.replaces_year and muni:
            t = topic(policy.title, muni, policy.period)
            old = iris.replaced_policy_iri(muni, topic_key(t), policy.replaces_year)
            self.add(old, RDF.type, RG.Policy)
            self.add(old, RDF.type, ELI.Work)
            self.text(old, RDFS.label, f"{topic_label(t)} ({policy.replaces_year})")
            self.add(old, DCTERMS.publisher, self.municipality(muni))
            self.add(old, DCTERMS.issued, _year(policy.replaces_year))
            self.add(p, DCTERMS.replaces, old)
        for sentence in policy.replaces:
            self.text(p, SKOS.note, sentence)
        for name in policy.mentions:
            self.text(p, RG.mentionsPolicy, name)
        self.sections(p, policy.sections)


def _namesakes(doc: Document) -> dict[str, set[str]]:
    """Names this source gives two or more parties (by ballot letter): two
    people, told apart by party (usually none)."""
    parties: dict[str, set[str]] = {}
    for m in doc.meetings:
        people = [a.person for a in m.attendance]
        for item in m.items:
            people += [a.person for a in item.attendance]
            if item.decision is not None:
                people += [
                    Person(p.actor, p.party) for p in item.decision.positions if p.kind == "person"
                ]
        for person in people:
            if person.party:
                parties.setdefault(iris.person_key(person.name), set()).add(
                    iris.party_letter(person.party)
                )
    return {name: ps for name, ps in parties.items() if len(ps) > 1}


def document_triples(doc: Document, graph_iri: str) -> set[Triple]:
    """Every triple read from ``doc``; ``graph_iri`` names the source (its named graph)."""
    b = _Builder(doc, URIRef(graph_iri))
    b.source_node()
    for meeting in doc.meetings:
        b.meeting(meeting)
    for policy in doc.policies:
        b.policy(policy)
    return b.triples


def document_graph(doc: Document, graph_iri: str) -> Graph:
    """:func:`document_triples` as an rdflib Graph with the project's prefixes."""
    g = new_graph()
    for t in document_triples(doc, graph_iri):
        g.add(t)
    return g


def ontology_file(name: str) -> Path:
    """``ontology/<name>``: package data in an installed wheel (``raadsgraf/ontology/``,
    copied there by the build), else the checkout's ``ontology/`` beside ``src/``."""
    packaged = Path(str(resources.files("raadsgraf"))) / "ontology" / name
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "ontology" / name


def ontology_graph() -> Graph:
    """ontology/raadsgraf.ttl: the terms, labels and concept schemes."""
    g = new_graph()
    g.parse(ontology_file("raadsgraf.ttl"), format="turtle")
    return g


def validate(g: Graph) -> tuple[bool, str]:
    """SHACL validation against ontology/shapes.ttl; returns (conforms, report text)."""
    from pyshacl import validate as shacl_validate  # imported late: pyshacl is slow to import

    shapes = Graph().parse(ontology_file("shapes.ttl"), format="turtle")
    # The concept schemes live in the ontology, as in a store: validate the union.
    data = g + ontology_graph()
    conforms, _, text = shacl_validate(data, shacl_graph=shapes, advanced=True, inference="none")
    return bool(conforms), str(text)
