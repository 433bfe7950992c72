"""The records the views return: frozen, typed, free of RDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from raadsgraf.model import Attachment, Section
from raadsgraf.query.lineage import LineageStep, PolicyLink


@dataclass(frozen=True, slots=True)
class PersonRef:
    iri: str
    name: str
    party: str | None = None
    official: bool = False  # staff (rg:Official), not an elected member
    role: str | None = None  # as the minutes word it at this meeting, where shown


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
    # in source order, from the graph (rg:Section, rg:Attachment, rg:RecommendationPoint)
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
class CaseSummary:
    """A journal number as a picker shows it: its latest treatment's title,
    committee and date, and how many treatments carry the number itself (the
    same count the case page gives as "med sagsnummeret")."""

    number: str
    title: str | None
    committee: str | None
    municipality: str | None
    last_date: dt.date | None
    treatments: int


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
    roles: tuple[str, ...] = ()  # as the minutes word them ("formand"), any body
    record: PersonRecord | None = None  # seats, attendance rates, positions


@dataclass(frozen=True, slots=True)
class Member:
    person: PersonRef
    present: int
    absent: int
    official: bool = False  # staff (rg:Official), not an elected member
    roles: tuple[str, ...] = ()  # as the minutes word them at this committee


@dataclass(frozen=True, slots=True)
class CommitteePage:
    iri: str
    label: str
    municipality: str | None
    meetings: tuple[MeetingRef, ...]
    members: tuple[Member, ...]  # elected members, those with a party first
    items_per_year: tuple[tuple[int, int], ...]
    outcomes: tuple[tuple[str, int], ...]
    officials: tuple[Member, ...] = ()  # staff at its meetings (direktør, chef, sekretær …)


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts of in-corpus agenda items per value, for the search filters."""

    municipalities: tuple[tuple[str, int], ...]
    committees: tuple[tuple[str, int], ...]
    outcomes: tuple[tuple[str, str, int], ...]  # (notation, Danish label, count)
    years: tuple[tuple[int, int], ...]
    #: (committee, municipality) pairs: which committees a chosen municipality has
    bodies: tuple[tuple[str, str | None], ...] = ()


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
                    "dato": when.strftime("%d.%m.%Y") if when else "",
                }
            )
        return rows


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


@dataclass(frozen=True, slots=True)
class PositionView:
    """One recorded position of a person or a party, with the item it was taken on."""

    stance: str  # model.Stance value: "for", "imod", "undlod", "forbehold" …
    text: str  # the sentence it was read from
    item: str
    date: dt.date | None
    committee: str | None
    number: int | None
    title: str | None
    outcome: str | None  # the decision's outcome notation
    holder: str  # the person's or party's name as shown
    side: str | None = None  # "flertal" / "mindretal"
    derived: bool = False  # propagated from the party's position, not written about the person


@dataclass(frozen=True, slots=True)
class MembershipView:
    """A seat on a committee as the attendee lists show it: first and last meeting seen."""

    committee: str
    committee_iri: str
    first: dt.date | None
    last: dt.date | None
    meetings_held: int  # meetings of the committee in the store within that span
    meetings_attended: int
    items_held: int
    items_attended: int
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A politician's record: seats, attendance, positions, the items they are named in."""

    memberships: tuple[MembershipView, ...]
    positions: tuple[PositionView, ...]
    named_in: tuple[tuple[str, dt.date | None, str | None], ...]  # (item, date, title)
    official: bool = False

    @property
    def meetings_held(self) -> int:
        return sum(m.meetings_held for m in self.memberships)

    @property
    def meetings_attended(self) -> int:
        return sum(m.meetings_attended for m in self.memberships)

    @property
    def items_held(self) -> int:
        return sum(m.items_held for m in self.memberships)

    @property
    def items_attended(self) -> int:
        return sum(m.items_attended for m in self.memberships)


@dataclass(frozen=True, slots=True)
class PartyRef:
    iri: str
    letter: str | None
    name: str  # the party's name, or its letter when the name is unknown
    municipality: str | None = None


@dataclass(frozen=True, slots=True)
class PartyPage:
    party: PartyRef
    members: tuple[tuple[PersonRef, int, int], ...]  # (member, meetings present, absent)
    positions: tuple[PositionView, ...]  # the party's and its members' own, newest first


@dataclass(frozen=True, slots=True)
class SplitDecision:
    """A decision with a recorded split: which party stood where."""

    item: str
    date: dt.date | None
    committee: str | None
    number: int | None
    title: str | None
    camps: tuple[
        tuple[str, str], ...
    ]  # (party name, camp: "flertal"/"mindretal"/"for"/"imod"/"undlod")


@dataclass(frozen=True, slots=True)
class PartyAgreement:
    """How often each pair of parties was on the same side in split decisions."""

    parties: tuple[str, ...]
    same: tuple[tuple[str, str, int, int], ...]  # (party, party, same side, both recorded)
    decisions: tuple[SplitDecision, ...]

    def rate(self, a: str, b: str) -> float | None:
        for x, y, same, both in self.same:
            if {x, y} == {a, b} and both:
                return same / both
        return None
