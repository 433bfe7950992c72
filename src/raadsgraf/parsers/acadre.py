"""Acadre (Formpipe) agenda export: the XML an Acadre installation writes for
each produced agenda or minutes, as OS2dagsorden imports it.

Two kinds of file come in an export folder:

* the **manifest** (``XML_<agenda>.xml``: ``<root><org>…<table name="producedAgenda">``)
  names the committee, meeting and produced documents; it holds no items and
  is read as a document without meetings, with a note saying where the items are;
* the **agenda XML** (``<root><table name="agenda">``) holds everything:
  committee and members, the meeting with place and attendance (``absent``),
  and per item (``agendaitemparents/agendaitem``) the title, case number,
  access (Åben/Lukket), text fields (``bullet``: heading + HTML) and
  enclosures (``enclosure``: title and file name in the same folder).

An item carries one "Beslutning i <udvalg> den <dato>" field per treatment:
the one dated on this meeting is the decision, earlier ones become
DECISION_HISTORY references with their decision text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from raadsgraf.errors import SourceError
from raadsgraf.extract.casenumbers import split_kle
from raadsgraf.extract.dates import parse_date, parse_time
from raadsgraf.extract.people import classified, parse_person
from raadsgraf.extract.places import infer_municipality, url_host_label
from raadsgraf.extract.references import parse_reference
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
from raadsgraf.parsers.xmltools import decision_or_none, parse_xml, xml_head

_DECISION_FIELD = re.compile(r"^\s*beslutning\b", re.IGNORECASE)
_DECISION_LEAD = re.compile(r"^\s*beslutning\s+(?:truffet\s+)?(?:i|af)\s+", re.IGNORECASE)
_ADMINISTRATION = re.compile(
    r"^([A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ]?[a-zæøå]+)?)\s+(?:Administration|Kommune)\b"
)


class AcadreParser:
    name = "acadre"
    description = "Acadre agenda export XML (OS2dagsorden format): meeting, items, bullets"

    def sniff(self, data: bytes, path: str) -> float:
        head = xml_head(data)
        if not head.startswith(b"<"):
            return 0.0
        if b"<root>" in head and (b'<table name="agenda">' in head or b"<org>" in head):
            return 0.95
        return 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        root = parse_xml(data, source.path)
        if root.find("table[@name='producedAgenda']") is not None:
            return _manifest(root, source)
        agenda = root.find("table[@name='agenda']")
        if agenda is None:
            raise SourceError(source.path, "not an Acadre agenda export (no <table name='agenda'>)")
        return _agenda(root, agenda, source)


def _fields(table: Any) -> dict[str, str]:
    """``<fields><field name="k">v</field>`` → {k: v} (first value wins)."""
    out: dict[str, str] = {}
    fields = table.find("fields")
    if fields is None:
        return out
    for f in fields.findall("field"):
        name = f.get("name")
        if name and name not in out:
            out[name] = "".join(f.itertext()).strip()
    return out


def _tables(parent: Any, name: str) -> list[Any]:
    return (
        list(parent.iter("table")) if name == "*" else parent.findall(f".//table[@name='{name}']")
    )


def _manifest(root: Any, source: Source) -> Document:
    """The export's index file: which produced documents hold the meeting."""
    files = []
    for table in root.findall("table[@name='producedAgenda']"):
        for fields in table.findall("fields"):
            values = {k: v for f in fields.findall("field") for k, v in f.attrib.items()}
            folder, name = values.get("filesfolder"), values.get("xmlfilename")
            if name:
                files.append(f"{folder}/{name}" if folder else name)
    where = ", ".join(files) or "the files named in it"
    note = Problem(f"Acadre manifest: the meeting's items are in {where} (parsed on its own)")
    return Document(source=source, problems=(note,))


def _agenda(root: Any, agenda: Any, source: Source) -> Document:
    info = _fields(agenda)
    committee_t = agenda.find("table[@name='committee']")
    meeting_t = agenda.find("table[@name='meeting']")
    if committee_t is None or meeting_t is None:
        raise SourceError(source.path, "Acadre export without committee or meeting table")
    committee = _fields(committee_t)
    meeting = _fields(meeting_t)
    date = parse_date(meeting.get("date", ""))
    if date is None:
        raise SourceError(source.path, f"meeting date {meeting.get('date')!r} not understood")
    place = ", ".join(
        p for p in [meeting.get("location", ""), html_to_text(meeting.get("address", ""))] if p
    ).replace("\n", ", ")
    items = [
        _item(parent, i, date, source.path)
        for i, parent in enumerate(agenda.findall("table[@name='agendaitemparents']"))
    ]
    texts = " ".join(s.text for it in items for s in it.sections)
    problems: list[Problem] = []
    municipality = _municipality(committee, meeting_t, texts, place)
    if municipality is None:
        municipality = "Ukendt kommune"
        problems.append(Problem("no municipality named in the export"))
    name = info.get("name", "").lower()
    result = Meeting(
        municipality=Municipality(municipality),
        committee=Committee(" ".join(committee.get("name", "").split()), municipality),
        date=date,
        kind="agenda" if name.startswith("dagsorden") else "minutes",
        start=parse_time(meeting.get("date", "")),
        end=parse_time(meeting.get("finish", "")),
        place=place or None,
        attendance=tuple(_member(m) for m in meeting_t.findall("table[@name='meetmember']/table")),
        items=tuple(items),
    )
    return Document(source=source, meetings=(result,), problems=tuple(problems))


def _municipality(committee: dict[str, str], meeting_t: Any, text: str, place: str) -> str | None:
    m = _ADMINISTRATION.match(committee.get("departmentName", ""))
    if m:
        return f"{m[1]} Kommune"
    found = infer_municipality(text, place)
    if found:
        return found
    for member in meeting_t.findall(".//table[@name='member']"):
        email = _fields(member).get("email", "")
        if "@" in email:
            host = url_host_label(email.rsplit("@", 1)[1])
            if host:
                return f"{host.capitalize()} Kommune"
    return None


def _member(table: Any) -> Attendance:
    values = _fields(table)
    person, reason = parse_person(values.get("name", ""))
    role = values.get("role") or None
    if role and not person.role:
        person = classified(type(person)(name=person.name, party=person.party, role=role))
    if values.get("absent", "0") not in ("", "0") or reason:
        return Attendance(person, AttendanceStatus.ABSENT, reason or "fraværende")
    return Attendance(person, AttendanceStatus.PRESENT)


def _item(parent: Any, index: int, meeting_date: Any, path: str) -> AgendaItem:
    order = _fields(parent).get("sort", "")
    item_t = parent.find("table[@name='agendaitem']")
    if item_t is None:
        raise SourceError(path, f"agenda item {index + 1} has no <table name='agendaitem'>")
    values = _fields(item_t)
    number = int(order) if order.isdigit() else index + 1
    case = values.get("caseno") or None
    sections: list[Section] = []
    references: list[Reference] = []
    recommendation = None
    decision: Decision | None = None
    bullets = sorted(
        item_t.findall("table[@name='bullet']"),
        key=lambda b: int(_fields(b).get("bulletsortorder", "0") or 0),
    )
    for bullet in bullets:
        b = _fields(bullet)
        heading = " ".join(b.get("bulletname", "").split())
        content = b.get("bulletcontent", "")
        if _DECISION_FIELD.match(heading):
            text = html_to_text(content)
            if not text:
                continue
            when = parse_date(heading)
            if when is None or when == meeting_date:
                decision = decision_or_none(text) or decision
                sections.append(Section(heading=heading, text=text, kind="decision"))
            else:
                sections.append(Section(heading=heading, text=text, kind="earlier_decision"))
                ref = parse_reference(
                    _DECISION_LEAD.sub("", heading), ReferenceKind.DECISION_HISTORY
                )
                if ref is not None:
                    references.append(replace(ref, raw=heading, decision=text))
            continue
        parts = read_item_blocks([Block(heading, 3), *html_blocks(content)])
        sections.extend(parts.sections)
        references.extend(parts.references)
        recommendation = recommendation or parts.recommendation
    attachments = []
    for enc in sorted(
        item_t.findall("table[@name='enclosure']"),
        key=lambda e: int(_fields(e).get("sort", "0") or 0),
    ):
        e = _fields(enc)
        if e.get("name"):
            attachments.append(
                Attachment(
                    title=" ".join(e["name"].split()),
                    number=e.get("sort") or None,
                    location=e.get("filename") or None,
                )
            )
    access = values.get("accessname", "").lower()
    return AgendaItem(
        number=number,
        title=" ".join(values.get("name", "").split()),
        is_open=not access.startswith("lukket"),
        case_number=case,
        kle=split_kle(case) if case else None,
        sections=tuple(sections),
        recommendation=recommendation,
        decision=decision,
        attachments=tuple(attachments),
        references=tuple(references),
    )


PARSER = register(AcadreParser())
