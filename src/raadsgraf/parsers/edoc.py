"""eDoc / Fujitsu AgendaWeb export: ``<Root xmlns:edoc="http://www.fujitsu.dk/agenda/…">``.

Shape: ``Committee`` (``Name``) → ``Meeting`` (``MeetingDateTime``,
``EndDateTime``, ``MeetingLocation``, ``MeetingStateCode``,
``MeetingParticipants/MeetingParticipant`` with ``Participate``, role and
party letter) → ``Agenda/AgendaElements/AgendaElement`` (``SortOrder``,
``AccessIsPublic``, ``Absences``, and the ``HandlingItem``: ``Title``,
``CaseNumber``, ``CasePresentations`` (heading + HTML, ``IsDecision``),
``HandlingPlan/Handling`` (every committee treating the case: the one
``Placement``="This" holds this meeting's decision, the others become
CASE_HISTORY references) and ``Attachments`` (title and a relative link)).

Items are numbered by their position, as AgendaWeb prints them: ``SortOrder``
restarts for the closed part of the agenda. AgendaWeb also writes an HTML
rendering of the same XML beside it; that file is reported as such rather
than read twice.
"""

from __future__ import annotations

from typing import Any

from raadsgraf.errors import SourceError
from raadsgraf.extract.absences import item_absences
from raadsgraf.extract.casenumbers import split_kle
from raadsgraf.extract.dates import parse_date, parse_time
from raadsgraf.extract.people import classified, parse_person
from raadsgraf.extract.places import infer_municipality
from raadsgraf.model import (
    AgendaItem,
    Attachment,
    Attendance,
    AttendanceStatus,
    Committee,
    Decision,
    Document,
    Meeting,
    Municipality,
    Person,
    Problem,
    Reference,
    ReferenceKind,
    Section,
    Source,
)
from raadsgraf.parsers.htmltext import Block, html_blocks, html_to_text
from raadsgraf.parsers.itemhtml import body_name, read_item_blocks
from raadsgraf.parsers.registry import register
from raadsgraf.parsers.xmltools import decision_or_none, parse_xml, xml_head

NS = "http://www.fujitsu.dk/agenda/xml/schemas/2009/03/31/"
_N = {"e": NS}


class EdocParser:
    name = "edoc"
    description = "eDoc/Fujitsu AgendaWeb agenda XML (and its HTML rendering, pointed to the XML)"

    def sniff(self, data: bytes, path: str) -> float:
        head = xml_head(data, 8192)
        if not head.startswith(b"<") or NS.encode() not in head:
            return 0.0
        return 0.95

    def parse(self, data: bytes, source: Source) -> Document:
        if b"<html" in xml_head(data, 512).lower():
            raise SourceError(
                source.path,
                "eDoc AgendaWeb HTML rendering: the same meeting is in the XML export "
                "beside it; parse that file",
            )
        root = parse_xml(data, source.path)
        committee_el = root.find("e:Committee", _N)
        meeting_el = committee_el.find("e:Meeting", _N) if committee_el is not None else None
        if committee_el is None or meeting_el is None:
            raise SourceError(source.path, "eDoc export without Committee/Meeting")
        return _meeting(root, committee_el, meeting_el, source)


def _t(el: Any, path: str) -> str:
    return " ".join((el.findtext(path, namespaces=_N) or "").split())


def _meeting(root: Any, committee_el: Any, meeting_el: Any, source: Source) -> Document:
    when = _t(meeting_el, "e:MeetingDateTime")
    date = parse_date(when)
    if date is None:
        raise SourceError(source.path, f"meeting date {when!r} not understood")
    committee = _t(committee_el, "e:Name")
    place = _t(meeting_el, "e:MeetingLocation") or None
    elements = meeting_el.findall("e:Agenda/e:AgendaElements/e:AgendaElement", _N)
    items = [_item(el, i, date) for i, el in enumerate(elements)]
    problems: list[Problem] = []
    text = " ".join(s.text for it in items for s in it.sections)
    municipality = infer_municipality(text, place)
    if municipality is None:
        municipality = "Ukendt kommune"
        problems.append(Problem("no municipality named in the export"))
    agenda_type = _t(meeting_el, "e:Agenda/e:Type").lower()
    attendance = tuple(
        _participant(p)
        for p in meeting_el.findall("e:MeetingParticipants/e:MeetingParticipant", _N)
        if _t(p, "e:Name")
    )
    meeting = Meeting(
        municipality=Municipality(municipality),
        committee=Committee(committee, municipality),
        date=date,
        kind="agenda" if agenda_type.startswith("dagsorden") else "minutes",
        start=parse_time(when),
        end=parse_time(_t(meeting_el, "e:EndDateTime")),
        place=place,
        attendance=attendance,
        items=tuple(items),
    )
    return Document(source=source, meetings=(meeting,), problems=tuple(problems))


def _participant(el: Any) -> Attendance:
    person, reason = parse_person(_t(el, "e:Name"))
    party = _t(el, "e:PoliticalPartyList")
    person = classified(
        Person(
            name=person.name,
            party=person.party or (party if 0 < len(party) <= 2 else None),
            role=person.role or _t(el, "e:RoleInMeeting") or None,
        )
    )
    if _t(el, "e:Participate").lower() == "false" or reason:
        return Attendance(person, AttendanceStatus.ABSENT, reason or "fraværende")
    return Attendance(person, AttendanceStatus.PRESENT)


def _item(el: Any, index: int, meeting_date: Any) -> AgendaItem:
    handling = el.find("e:HandlingItem", _N)
    title = _t(handling, "e:Title") if handling is not None else ""
    case = (_t(handling, "e:CaseNumber") if handling is not None else "") or None
    sections: list[Section] = []
    references: list[Reference] = []
    recommendation = None
    decision: Decision | None = None
    if handling is not None:
        for cp in handling.findall("e:CasePresentations/e:CasePresentation", _N):
            heading = _t(cp, "e:Title").rstrip(":")
            content = cp.findtext("e:Content", namespaces=_N) or ""
            if _t(cp, "e:IsDecision").lower() == "true":
                text = html_to_text(content)
                if text:
                    sections.append(Section(heading=heading, text=text, kind="decision"))
                    decision = decision or decision_or_none(text)
                continue
            parts = read_item_blocks([Block(heading, 3), *html_blocks(content)])
            sections.extend(parts.sections)
            references.extend(parts.references)
            recommendation = recommendation or parts.recommendation
        for h in handling.findall("e:HandlingPlan/e:Handling", _N):
            text = html_to_text(h.findtext("e:Decision", namespaces=_N) or "")
            if _t(h, "e:Placement").lower() == "this":
                found = decision_or_none(text)
                if found is not None and decision is None:
                    decision = found
                    sections.append(Section(heading="Beslutning", text=text, kind="decision"))
                continue
            raw = f"{_t(h, 'e:CommitteeName')} {_t(h, 'e:MeetingDate')}".strip()
            references.append(
                Reference(
                    kind=ReferenceKind.CASE_HISTORY,
                    raw=raw,
                    body=body_name(_t(h, "e:CommitteeName")) or None,
                    date=parse_date(_t(h, "e:MeetingDate")),
                    decision=text if decision_or_none(text) else None,
                    absent=item_absences(text),
                )
            )
    attachments = []
    if handling is not None:
        for a in handling.findall("e:Attachments/e:Attachment", _N):
            if _t(a, "e:Title"):
                link = _t(a, "e:Link").replace("\\", "/").lstrip("/")
                attachments.append(
                    Attachment(
                        title=_t(a, "e:Title"),
                        number=_t(a, "e:AttachmentNumber") or None,
                        location=link or None,
                    )
                )
    absences = tuple(
        Attendance(parse_person(name)[0], AttendanceStatus.ABSENT, "fraværende")
        for name in (" ".join(a.itertext()).strip() for a in el.findall("e:Absences/*", _N))
        if name
    )
    return AgendaItem(
        number=index + 1,
        title=title,
        is_open=_t(el, "e:AccessIsPublic").lower() != "false",
        case_number=case,
        kle=split_kle(case) if case else None,
        sections=tuple(sections),
        recommendation=recommendation,
        decision=decision,
        attachments=tuple(attachments),
        references=tuple(references),
        attendance=absences,
    )


PARSER = register(EdocParser())
