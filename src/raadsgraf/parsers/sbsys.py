"""SBSYS eDagsorden "Publication" XML: one published agenda or minutes with
its enclosures in an ``Enclosures/`` folder beside it.

Shape: ``Publication/Agendas/Agenda`` with ``Name``, ``Meeting`` (``When``,
``Until``, ``Where``, ``Concluded``, ``Members/MeetingMember`` with a
participation status), ``Committee/Name`` and ``Items/Item`` (``Number``,
``Caption``, ``Case/Number``, ``IsPublic``, ``Fields/ItemField`` with
``Caption``, HTML ``Content`` and ``IsFeedback`` — the decision fields — and
``Enclosures/Enclosure`` with the file's relative path).

A decision field may carry earlier meetings' decisions as dated paragraphs
("18. september 2012: Sagen udsat …"): the paragraph dated on this meeting
(or an undated one) is the decision, the others DECISION_HISTORY references.
Members whose participation is "NotDecided" are not listed: an agenda does
not know who will come.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from raadsgraf.errors import SourceError
from raadsgraf.extract.absences import item_absences
from raadsgraf.extract.casenumbers import split_kle
from raadsgraf.extract.dates import find_dates, parse_date, parse_time
from raadsgraf.extract.people import parse_person
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
    Problem,
    Reference,
    ReferenceKind,
    Section,
    Source,
)
from raadsgraf.parsers.htmltext import Block, html_blocks, html_to_text
from raadsgraf.parsers.itemhtml import read_item_blocks
from raadsgraf.parsers.registry import register
from raadsgraf.parsers.xmltools import (
    decision_or_none,
    is_empty_field,
    parse_xml,
    title_case_heading,
    xml_head,
)

_PRESENT = {"participating", "present", "deltager", "attending"}
_ABSENT = {"notparticipating", "absent", "afbud", "fraværende", "deltagerikke"}
_DATED_PARAGRAPH = re.compile(r"^\s*(?P<date>[^:\n]{6,40}?\d{4})\s*:\s*(?P<text>.*)$", re.S)


class SbsysParser:
    name = "sbsys"
    description = "SBSYS eDagsorden Publication XML (agenda or minutes with enclosures)"

    def sniff(self, data: bytes, path: str) -> float:
        head = xml_head(data, 8192)
        if head.startswith(b"<") and b"<Publication" in head and b"<Agendas>" in head:
            return 0.95
        return 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        root = parse_xml(data, source.path)
        agenda = root.find("Agendas/Agenda")
        if agenda is None:
            raise SourceError(source.path, "SBSYS Publication without an <Agenda>")
        return _agenda(agenda, source)


def _text(el: Any, path: str) -> str:
    return " ".join((el.findtext(path) or "").split())


def _agenda(agenda: Any, source: Source) -> Document:
    when = _text(agenda, "Meeting/When")
    date = parse_date(when)
    if date is None:
        raise SourceError(source.path, f"meeting date {when!r} not understood (Meeting/When)")
    committee = title_case_heading(_text(agenda, "Committee/Name") or _text(agenda, "Name"))
    if not committee:
        raise SourceError(source.path, "no committee name (Committee/Name)")
    place = _text(agenda, "Meeting/Where") or None
    items = [_item(it, i, date) for i, it in enumerate(agenda.findall("Items/Item"))]
    text = " ".join(
        [html_to_text(agenda.findtext("Frontpage") or ""), committee]
        + [s.text for it in items for s in it.sections]
    )
    problems: list[Problem] = []
    municipality = infer_municipality(text, place)
    if municipality is None:
        municipality = "Ukendt kommune"
        problems.append(Problem("no municipality or region named in the publication"))
    attendance = tuple(
        a for m in agenda.findall("Meeting/Members/MeetingMember") if (a := _member(m))
    )
    meeting = Meeting(
        municipality=Municipality(municipality),
        committee=Committee(committee, municipality),
        date=date,
        kind="minutes" if _text(agenda, "Meeting/Concluded") else "agenda",
        start=parse_time(when),
        end=parse_time(_text(agenda, "Meeting/Until")),
        place=place,
        attendance=attendance,
        items=tuple(items),
    )
    return Document(source=source, meetings=(meeting,), problems=tuple(problems))


def _member(el: Any) -> Attendance | None:
    status = _text(el, "ParticipationStatusAsText").lower().replace(" ", "")
    person, reason = parse_person(_text(el, "Name"))
    note = _text(el, "ParticipationNote") or None
    if status in _ABSENT or reason:
        return Attendance(person, AttendanceStatus.ABSENT, (reason or note or "fraværende").lower())
    if status in _PRESENT:
        return Attendance(person, AttendanceStatus.PRESENT)
    return None


def _item(el: Any, index: int, meeting_date: dt.date) -> AgendaItem:
    raw_number = _text(el, "Number")
    number = int(raw_number) if raw_number.isdigit() else index + 1
    case = _text(el, "Case/Number") or None
    sections: list[Section] = []
    references: list[Reference] = []
    recommendation = None
    decision: Decision | None = None
    fields = sorted(el.findall("Fields/ItemField"), key=lambda f: int(_text(f, "Index") or 0))
    for field in fields:
        heading = title_case_heading(_text(field, "Caption"))
        content = field.findtext("Content") or ""
        if _text(field, "IsFeedback").lower() == "true":
            text = html_to_text(content)
            if not text or is_empty_field(text):
                continue
            sections.append(Section(heading=heading, text=text, kind="decision"))
            found, history = _split_decision(text, heading, meeting_date)
            decision = decision or found
            references.extend(history)
            continue
        parts = read_item_blocks([Block(heading or "Tekst", 3), *html_blocks(content)])
        sections.extend(parts.sections)
        references.extend(parts.references)
        recommendation = recommendation or parts.recommendation
    attachments = [
        Attachment(
            title=_text(enc, "Name"),
            number=_text(enc, "Number") or None,
            location=_text(enc, "InstantiationFilePathRelative").replace("\\", "/") or None,
        )
        for enc in el.findall("Enclosures/Enclosure")
        if _text(enc, "Name")
    ]
    return AgendaItem(
        number=number,
        title=_text(el, "Caption"),
        is_open=_text(el, "IsPublic").lower() != "false",
        case_number=case,
        kle=split_kle(case) if case else None,
        sections=tuple(sections),
        recommendation=recommendation,
        decision=decision,
        attachments=tuple(attachments),
        references=tuple(references),
    )


def _split_decision(
    text: str, heading: str, meeting_date: dt.date
) -> tuple[Decision | None, list[Reference]]:
    """This meeting's decision and earlier ones. A paragraph opening "<date>:"
    starts an entry and the undated paragraphs after it belong to it; the
    entry dated on this meeting (or undated text) is the decision."""
    body = re.sub(r"s\s+beslutning$", "", heading, flags=re.I).strip() or None
    entries: list[tuple[dt.date | None, list[str], str]] = [(None, [], "")]
    for para in re.split(r"\n\s*\n", text):
        m = _DATED_PARAGRAPH.match(para + "\n")
        dates = find_dates(m["date"]) if m else []
        if m and dates:
            entries.append((dates[0][0], [m["text"].strip()], " ".join(para.split())))
        else:
            entries[-1][1].append(para.strip())
    current: list[str] = []
    history: list[Reference] = []
    for date, paras, raw in entries:
        words = "\n\n".join(p for p in paras if p)
        if date is None or date == meeting_date:
            current.extend([words] if words else [])
        else:
            history.append(
                Reference(
                    kind=ReferenceKind.DECISION_HISTORY,
                    raw=raw,
                    body=body,
                    date=date,
                    decision=words or None,
                    absent=item_absences(words),
                )
            )
    return decision_or_none("\n\n".join(current)), history


PARSER = register(SbsysParser())
