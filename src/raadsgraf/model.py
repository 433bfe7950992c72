"""The record model: what a parser returns and every later stage consumes.

Records are frozen, slotted dataclasses with typed dates and tuples, so they can
be hashed, compared in golden tests and shared between threads. This module
imports nothing from raadsgraf.

Glossary (Danish source term → record):

=========================================  ==========================================
referat / dagsorden                        Meeting (``kind`` "minutes" / "agenda")
kommune, region                            Municipality
udvalg, byråd, kommunalbestyrelse          Committee
dagsordenspunkt, punkt                     AgendaItem
sag, journalnummer, sags-id                AgendaItem.case_number (+ KLE when it is one)
afsnit (Sammendrag, Sagsfremstilling …)    Section
indstilling                                Recommendation
beslutning                                 Decision (with an Outcome class)
forbehold, stemte for/imod, undlod         Position (Stance) in a Decision
tidligere behandling, beslutningshistorik,
sagens forløb                              Reference (earlier or later treatment)
mødedeltagere / tilstede                   Attendance (present)
medlem / embedsperson (direktør, chef …)   Person.kind (PersonKind)
afbud / fraværende                         Attendance (absent, with its reason)
bilag                                      Attachment ("anbefales" → recommended)
politik, strategi, plan                    PolicyDocument
lukket punkt                               AgendaItem.is_open = False
=========================================  ==========================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Self


class Closing:
    """A handle (store, client, cache) that ``with handle: …`` closes at the end."""

    __slots__ = ()

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Reported:
    """A report of work done over many inputs: ``ok`` when none of them failed."""

    __slots__ = ()
    failures: Sequence[object]

    @property
    def ok(self) -> bool:
        return not self.failures


class Outcome(StrEnum):
    """The class of a decision (beslutning), from its wording."""

    NOTED = "taget-til-efterretning"
    APPROVED = "godkendt"
    APPROVED_WITH_REMARKS = "godkendt-med-bemaerkninger"
    RECOMMENDED = "indstilles-til-godkendelse"
    DISCUSSED = "droeftet"
    POSTPONED = "udsat"
    REFERRED = "oversendt"
    REJECTED = "afvist"
    OTHER = "andet"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"


class PersonKind(StrEnum):
    """Who an attendee is: an elected member of the body, or staff (an official)."""

    MEMBER = "medlem"  # elected member, substitute, or a body's listed participant
    OFFICIAL = "embedsperson"  # direktør, chef, sekretær, referent, konsulent …


class ReferenceKind(StrEnum):
    """Where in the source a reference to another treatment was found."""

    EARLIER_TREATMENT = "tidligere-behandling"
    DECISION_HISTORY = "beslutningshistorik"
    CASE_HISTORY = "sagens-forloeb"
    PROSE = "prosa"


class Construction(StrEnum):
    """What in a sentence licensed a reference's (date, body): the measure of how sure
    a step is (bench/README.md, lineage_precision.py, fifth pass). A step dated after
    the minutes' own meeting is shown as planned only when its construction is one of
    :data:`PLANNED_CONSTRUCTIONS`; any other stays text."""

    #: a verb of treatment or forelæggelse, the body and the date in one clause:
    #: "forventes godkendt af Byrådet den 4. september", "fremlægges for Byrådet den …"
    VERB_CLAUSE = "verb-clause"
    #: a treatment noun, the body and the date in one clause: "1. behandling af
    #: budgettet i Økonomiudvalget den 28. august", "Byrådets 2. behandling den …"
    NOUN_CLAUSE = "noun-clause"
    #: a list line or table row that opens with its date, then the body and a treatment:
    #: "- Den 18. december 2023: Sundhedssamarbejdsudvalget drøfter …"
    DATED_LINE = "dated-line"
    #: a row of a table whose header or lead-in says it is a timetable ("Tidsplan og
    #: proces | Udvalg | Datoer"), naming the body, the date and a treatment: "Sag om … -
    #: beslutning efter høring | Økonomiudvalget | 28. februar 2024"
    SCHEDULE_ROW = "schedule-row"
    #: a row of any other table
    TABLE_ROW = "table-row"
    #: the body named at the date ("på Byrådets møde den …"), the treatment word in
    #: another clause of the sentence
    MEETING = "meeting"
    #: body, date and treatment word in different clauses
    LOOSE = "loose"
    #: no treatment word: an item of a named meeting cited by number ("jf. punkt nr. 28
    #: Byrådsmøde den 26.06.24")
    CITED_ITEM = "cited-item"


#: the constructions that are sound Danish council conventions for a coming step and
#: measured right on the labelled steps (bench/README.md, fifth pass)
PLANNED_CONSTRUCTIONS = frozenset(
    {
        Construction.VERB_CLAUSE,
        Construction.NOUN_CLAUSE,
        Construction.DATED_LINE,
        Construction.SCHEDULE_ROW,
    }
)


@dataclass(frozen=True, slots=True)
class Source:
    """The file a record came from. ``path`` is as the user named it."""

    path: str
    sha256: str
    format: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality or region, by its official name ("Ballerup Kommune")."""

    name: str


@dataclass(frozen=True, slots=True)
class Committee:
    """A political body of a municipality (udvalg, byråd, kommunalbestyrelse)."""

    name: str
    municipality: str


@dataclass(frozen=True, slots=True)
class Person:
    """A person as named in the source, with party letter and role when given.

    ``kind`` says whether an attendee is an elected member or an official (staff);
    None where the source does not list the person as an attendee (a position).
    """

    name: str
    party: str | None = None
    role: str | None = None
    kind: PersonKind | None = None


@dataclass(frozen=True, slots=True)
class Attendance:
    """Presence or absence of one person, for a meeting or for one item."""

    person: Person
    status: AttendanceStatus
    reason: str | None = None  # "afbud", "fraværende", "inhabil" … as written, lower-case


@dataclass(frozen=True, slots=True)
class KLE:
    """A journal number in the KLE scheme: ``00.22.04-I00-5-21``.

    ``subject`` is the subject notation (hovedgruppe.gruppe.emne), ``facet`` the
    action facet (handlingsfacet), ``serial`` the case's own running number.
    """

    subject: str
    facet: str
    serial: str


@dataclass(frozen=True, slots=True)
class Section:
    """One headed part of an item or a policy, in source order."""

    heading: str
    text: str
    kind: str = "other"  # a SECTION_KINDS key, "other" when not recognised
    number: str | None = None  # "4.1" in numbered policy documents
    page: int | None = None  # first page, when the source has pages


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The indstilling: who recommends, and the numbered points."""

    text: str
    by: str | None = None
    points: tuple[str, ...] = ()


class Stance(StrEnum):
    """A named member's or party's position in a decision (holdning)."""

    RESERVATION = "forbehold"  # tog forbehold
    FOR = "for"  # stemte for
    AGAINST = "imod"  # stemte imod, kunne ikke tiltræde
    ABSTAINED = "undlod"  # undlod at stemme
    RECOMMENDS = "anbefaler"  # a minority's own recommendation
    MINORITY = "mindretalsudtalelse"  # ønskede sin holdning ført til protokol
    NOT_VOTING = "deltog-ikke"  # deltog ikke i afstemningen


class Side(StrEnum):
    """The side of a split decision a position is on, when the text or the outcome says."""

    MAJORITY = "flertal"
    MINORITY = "mindretal"


@dataclass(frozen=True, slots=True)
class Position:
    """One member or party taking a stance in a decision, as the minutes say."""

    actor: str  # a person's name, or a party's name
    kind: str  # "person" or "party"
    stance: Stance
    text: str  # the sentence it was read from
    party: str | None = None  # party letter, when the text gives it
    side: Side | None = None  # "Et flertal (A, F og Ø) …", or a vote against an adopted proposal
    votes: int | None = None  # the votes on this side, when the text counts them


@dataclass(frozen=True, slots=True)
class Decision:
    """The beslutning: cleaned text, its outcome class, and the raw text."""

    text: str
    outcome: Outcome
    raw: str
    positions: tuple[Position, ...] = ()
    votes_for: int | None = None  # "vedtaget med 21 stemmer mod 6": 21
    votes_against: int | None = None  # … 6
    votes_abstained: int | None = None  # "… og 2 undlod at stemme"
    #: the body the matter is sent on to ("oversendes til Økonomiudvalget"): a planned
    #: next step of the case, not a treatment
    referred_to: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """A dated treatment of the same matter elsewhere (earlier, or later)."""

    kind: ReferenceKind
    raw: str
    body: str | None = None
    date: dt.date | None = None
    item_number: int | None = None
    item_title: str | None = None
    decision: str | None = None
    absent: tuple[Attendance, ...] = ()  # who did not take part in that treatment
    #: told as done ("besluttede", "har godkendt"): a step the sentence dates after the
    #: minutes' own meeting contradicts itself and is kept as text only
    past: bool = False
    #: what in the sentence licensed the (date, body) of a prose reference
    construction: Construction | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A bilag: its title always, its text when the file was at hand."""

    title: str
    recommended: bool | None = None
    number: str | None = None
    location: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class AgendaItem:
    number: int
    title: str
    is_open: bool = True
    case_number: str | None = None
    kle: KLE | None = None
    sections: tuple[Section, ...] = ()
    recommendation: Recommendation | None = None
    decision: Decision | None = None
    attachments: tuple[Attachment, ...] = ()
    references: tuple[Reference, ...] = ()
    attendance: tuple[Attendance, ...] = ()  # item-level, usually absences only
    marker: str | None = None  # e.g. "B" (beslutning) / "O" (orientering) after the title
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    municipality: Municipality
    committee: Committee
    date: dt.date
    kind: str = "minutes"  # "minutes" (referat) or "agenda" (dagsorden)
    start: dt.time | None = None
    end: dt.time | None = None
    place: str | None = None
    source_url: str | None = None
    attendance: tuple[Attendance, ...] = ()
    items: tuple[AgendaItem, ...] = ()
    #: Which of a committee's meetings on that day this is, when it met more than
    #: once: None for the earliest (its IRI is the date's), else the start time
    #: ("1730"). Set by the ingest, which sees the other meetings; never by parsers.
    sitting: str | None = field(default=None, metadata={"omit_default": True})


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """A policy, strategy or plan (politik, strategi, plan)."""

    title: str
    municipality: Municipality | None
    kind: str  # "strategi", "politik", "plan" …
    period: tuple[int, int] | None = None
    sections: tuple[Section, ...] = ()
    adopted_by: str | None = None
    adopted_on: dt.date | None = None
    prepared_by: str | None = None
    replaces: tuple[str, ...] = ()  # the sentences naming what it replaces
    replaces_year: int | None = None
    mentions: tuple[str, ...] = ()  # other policies and strategies it names


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a parser noticed but could work around (a warning)."""

    message: str
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """Everything parsed from one source file."""

    source: Source
    meetings: tuple[Meeting, ...] = ()
    policies: tuple[PolicyDocument, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def item_count(self) -> int:
        return sum(len(m.items) for m in self.meetings)


def to_jsonable(value: object) -> object:
    """Records → plain JSON values (dates as ISO strings, enums as their values).

    Field order follows the dataclasses, so the output is stable for golden files.
    """
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {
            name: to_jsonable(getattr(value, name))
            for name, f in value.__dataclass_fields__.items()
            if not (f.metadata.get("omit_default") and getattr(value, name) == f.default)
        }
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    return value
