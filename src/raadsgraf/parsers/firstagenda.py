"""FirstAgenda "Publication" JSON: one meeting as a municipality's agenda
portal (``dagsordener.<kommune>.dk``) serves it.

Shape (keys as published)::

    {"Udvalg": {"Navn": …}, "Moede": {"Dato", "Sted", "Afsluttet", "Moededeltagere": […]},
     "Dagsordenpunkter": [{"Number", "Caption", "CaseNumber", "IsOpen",
                           "ExternalAgendaItemAttendees": […], "Bilag": […],
                           "Felter": [{"Navn", "Html", "Link"}]}]}

Notes from reading the 373 Greve meetings (docs/formats.md has the details):

* ``IsOpen`` is false on every item, public ones with full text included, so it
  says nothing about publicity; a closed item is one whose title starts with
  "Lukket".
* The municipality is not named in the JSON; the portal's host in the
  documents' links is (``dagsordener.greve.dk`` → "Greve Kommune").
* ``Moededeltagere``: ``Absent`` → absent ("fraværende"),
  ``ParticipationCancelled`` → absent ("afbud").
* Each item's text is one HTML field whose ``<h3>``/``<h4>`` headings are the
  sections; "Sagens forløb" lists dated treatments of the same case.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from raadsgraf.errors import SourceError
from raadsgraf.extract.absences import item_absences, with_departures
from raadsgraf.extract.casenumbers import split_kle
from raadsgraf.extract.outcomes import decision_or_none
from raadsgraf.extract.people import parse_person
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
    Source,
)
from raadsgraf.parsers.htmltext import Block, html_blocks
from raadsgraf.parsers.itemhtml import body_name, decision_field, read_item_blocks
from raadsgraf.parsers.registry import register

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_CLOSED = re.compile(r"^\s*lukket\b", re.IGNORECASE)
_HOST = re.compile(r"https?://(?:dagsordener?|dagsorden|politik)\.([a-z0-9æøå-]+)\.dk/", re.I)


class FirstAgendaParser:
    name = "firstagenda"
    description = "FirstAgenda portal JSON (dagsordener.<kommune>.dk): one meeting per file"

    def sniff(self, data: bytes, path: str) -> float:
        head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"{"):
            return 0.0
        keys = sum(k in head for k in (b'"Dagsordenpunkter"', b'"Moede"', b'"Udvalg"'))
        return {0: 0.0, 1: 0.5, 2: 0.9, 3: 0.95}[keys]

    def parse(self, data: bytes, source: Source) -> Document:
        obj = _load(data, source.path)
        return Document(source=source, meetings=(_meeting(obj, source.path),))


def _load(data: bytes, path: str) -> dict[str, Any]:
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        hint = " (the file is cut short)" if exc.pos >= len(data.rstrip()) - 1 else ""
        raise SourceError(path, f"invalid JSON: {exc.msg}{hint}", line=exc.lineno) from None
    if not isinstance(obj, dict):
        raise SourceError(path, "not a FirstAgenda meeting: the JSON is not an object")
    for key, typ in (("Moede", dict), ("Dagsordenpunkter", list), ("Udvalg", dict)):
        if not isinstance(obj.get(key), typ):
            raise SourceError(path, f"not a FirstAgenda meeting: no {key!r} {typ.__name__}")
    return obj


def _meeting(obj: dict[str, Any], path: str) -> Meeting:
    moede = obj["Moede"]
    raw_date = moede.get("Dato") or moede.get("MeetingBeginUtc")
    try:
        begin = dt.datetime.fromisoformat(str(raw_date))
    except ValueError:
        raise SourceError(path, f"meeting date {raw_date!r} is not an ISO timestamp") from None
    end = _timestamp(moede.get("MeetingEndUtc"))
    found = _portal(obj)
    portal = found[0] if found else None
    items = with_departures(
        [_item(it, path, i, portal, begin.date()) for i, it in enumerate(obj["Dagsordenpunkter"])]
    )
    return Meeting(
        municipality=Municipality(_municipality(obj)),
        committee=Committee(body_name(str(obj["Udvalg"].get("Navn") or "")), _municipality(obj)),
        date=begin.date(),
        kind="minutes" if moede.get("Afsluttet") else "agenda",
        start=begin.time().replace(tzinfo=None) if begin.time() != dt.time(0) else None,
        end=end.time().replace(tzinfo=None) if end else None,
        place=str(moede.get("Sted") or "").strip() or None,
        attendance=tuple(_attendance(p) for p in _objects(moede.get("Moededeltagere"))),
        items=items,
    )


def _objects(value: object) -> list[dict[str, Any]]:
    """The JSON objects of a list field; anything else in it is ignored."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _timestamp(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _portal(obj: dict[str, Any]) -> re.Match[str] | None:
    """The portal's address, from the first document link that names it."""
    for item in _objects(obj["Dagsordenpunkter"]):
        for felt in _objects(item.get("Felter")):
            m = _HOST.match(str(felt.get("Link") or ""))
            if m:
                return m
    return None


def _municipality(obj: dict[str, Any]) -> str:
    portal = _portal(obj)
    return portal[1].capitalize() + " Kommune" if portal else "Ukendt kommune"


def _attendance(p: dict[str, Any]) -> Attendance:
    person, own_reason = parse_person(str(p.get("Name") or ""))
    if p.get("Absent"):
        return Attendance(person, AttendanceStatus.ABSENT, own_reason or "fraværende")
    if p.get("ParticipationCancelled"):
        return Attendance(person, AttendanceStatus.ABSENT, own_reason or "afbud")
    return Attendance(person, AttendanceStatus.PRESENT)


def _item(
    it: dict[str, Any], path: str, index: int, portal: str | None, meeting_date: dt.date
) -> AgendaItem:
    if not isinstance(it, dict):
        raise SourceError(path, f"agenda item {index + 1} is not a JSON object")
    raw_number = str(it.get("Number") or it.get("Punktnummer") or "").strip()
    sorting = str(it.get("Sorting") or "")
    number = int(raw_number[:4]) if raw_number[:4].isdigit() else index + 1
    if not raw_number and sorting.isdigit():
        number = int(sorting[:4])
    title = " ".join(str(it.get("Caption") or it.get("Navn") or "").split())
    case = (str(it.get("CaseNumber") or it.get("SagsNummer") or "")).strip() or None
    blocks: list[Block] = []
    for felt in _objects(it.get("Felter")):
        if felt.get("Navn"):
            blocks.append(Block(str(felt["Navn"]), 3))
        blocks.extend(html_blocks(str(felt.get("Html") or "")))
    parts = read_item_blocks(blocks, meeting_date)
    decision = parts.decision or _closed_item_decision(it, title)
    return AgendaItem(
        number=number,
        title=title,
        is_open=not _CLOSED.match(title),
        case_number=case,
        kle=split_kle(case) if case else None,
        sections=parts.sections,
        recommendation=parts.recommendation,
        decision=decision,
        attachments=tuple(_attachments(it, portal)),
        references=parts.references,
        attendance=tuple(_item_attendance(it, decision.raw if decision else decision_field(parts))),
    )


def _closed_item_decision(it: dict[str, Any], title: str) -> Decision | None:
    """A closed item shows only its decision, as a field without a heading
    ("Økonomiudvalget anbefaler overfor Byrådet at godkende …")."""
    if not _CLOSED.match(title):
        return None
    for felt in _objects(it.get("Felter")):
        html = str(felt.get("Html") or "")
        if felt.get("Navn") or "sagsfremstillingContainer" in html or "<h" in html.lower():
            continue
        text = "\n".join(b.text for b in html_blocks(html) if b.text).strip()
        if text:
            return decision_or_none(text)
    return None


def _attachments(it: dict[str, Any], portal: str | None) -> list[Attachment]:
    """Bilag with the portal's address of their PDF ("/vis/pdf/bilag/<Id>", the
    same scheme the portal's own pages link to)."""
    out = []
    for b in _objects(it.get("Bilag")):
        title = " ".join(str(b.get("Navn") or "").split())
        if title:
            m = re.match(r"^bilag\s+(\d+[a-z]?)\b", title, re.I)
            ident = str(b.get("Id") or "")
            location = f"{portal}vis/pdf/bilag/{ident}" if portal and _UUID.match(ident) else None
            out.append(Attachment(title=title, number=m[1] if m else None, location=location))
    return out


def _item_attendance(it: dict[str, Any], decision: str) -> list[Attendance]:
    """Absences from the portal's list, then those only written in the
    decision ("Afbud: …", "Ikke til stede: …"), each person once."""
    out: list[Attendance] = []
    for raw in _objects(it.get("ExternalAgendaItemAttendees")):
        person, own_reason = parse_person(str(raw.get("Name") or ""))
        reason = (str(raw.get("Reason") or "").strip().lower() or own_reason) or None
        if person.name:
            out.append(Attendance(person, AttendanceStatus.ABSENT, reason))
    seen = {a.person.name for a in out}
    for a in item_absences(decision):
        if a.person.name not in seen:
            seen.add(a.person.name)
            out.append(a)
    return out


PARSER = register(FirstAgendaParser())
