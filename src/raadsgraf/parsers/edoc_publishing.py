"""eDoc's publishing XML, ``eDocAgendaPublishing.xml``, as OS2dagsorden imports it.

Not the Fujitsu AgendaWeb export of :mod:`raadsgraf.parsers.edoc` (namespaced
``<Root>``): a plain ``<Meeting>`` without namespace, written by eDoc beside
the PDF files it publishes. What it holds is what OS2dagsorden's eDoc importer
reads (``os2web_edoc_esdh/plugins/mm/os2web_edoc_esdh_mm.inc`` in
OS2dagsorden/os2dagsorden-2.0; the selectors of OS2web/os2web_meetings_edoc's
migration agree):

``Meeting`` → ``Committee``, ``MeetingDate``, ``MeetingState`` ("Referat
endeligt godkendt" for minutes) → ``MeetingAgendaTypes/MeetingAgendaType``
(``AgendaType``: an open or a closed agenda ("Lukket …"), ``PDFDocument``: the
whole agenda) → ``MeetingAgendaItems/MeetingAgendaItem`` (``AgendaItemNumber``,
``PDFDocument``: the item's own document, ``FullText``: its text, and
``Document`` with ``Title``/``NeutralTitle``, ``PublishingType`` —
only "SKAL PUBLICERES" is public — and ``Attachments/Attachment`` with
``Title``/``NeutralTitle``, ``FullText``, ``PublishingType``, ``PDFDocument``).

The format has no case-number, decision or attendee fields: they are read from
the item's text (``FullText``) like minutes in text form (case number labelled
or under the heading, decision sections, per-item absences). Where the XML has
no text, the item's PDF beside it is named as the item document; the pipeline
reads it (parsers never open files) and :meth:`EdocPublishingParser.complete`
reads the item from its text. An item that only a closed agenda lists, or whose
document is not to be published, is closed (sealed by the privacy step); a
closed agenda's copy of an open item is not read twice. Attachments that are
not to be published are left out entirely (fail closed).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from raadsgraf import model
from raadsgraf.errors import SourceError
from raadsgraf.extract.dates import parse_date, parse_time
from raadsgraf.extract.places import infer_municipality
from raadsgraf.model import AgendaItem, Attachment, Document, Source
from raadsgraf.parsers.items import parse_item
from raadsgraf.parsers.registry import register
from raadsgraf.parsers.text import to_lines
from raadsgraf.parsers.xmltools import parse_xml, xml_head

#: The value of ``PublishingType`` for what may be published; anything else is not.
PUBLIC = "SKAL PUBLICERES"
#: The title of the attachment that stands for an item's own PDF document, read
#: into the item by :meth:`EdocPublishingParser.complete`.
ITEM_DOCUMENT = "Sagsfremstilling (PDF)"
UNKNOWN_MUNICIPALITY = "Ukendt kommune"
#: The root element's start tag (after the XML declaration and comments).
_ROOT = re.compile(rb"<(?![?!])(?P<name>[\w:.-]+)(?P<attrs>[^>]*)>")


class EdocPublishingParser:
    name = "edoc-publishing"
    description = (
        "eDoc publishing XML (eDocAgendaPublishing.xml, as OS2dagsorden imports it), "
        "with the item PDFs beside it for text the XML lacks"
    )

    def sniff(self, data: bytes, path: str) -> float:
        root = _ROOT.search(xml_head(data, 4096))
        if root is None or root["name"] != b"Meeting" or b"xmlns" in root["attrs"]:
            return 0.0
        return 0.95 if b"<MeetingAgendaTypes" in data[:200_000] else 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        root = parse_xml(data, source.path)
        if root.tag != "Meeting":
            raise SourceError(source.path, f"eDoc publishing XML with root <{root.tag}>")
        when = _t(root, "MeetingDate")
        date = parse_date(when)
        if date is None:
            raise SourceError(source.path, f"meeting date {when!r} not understood")
        committee = _t(root, "Committee")
        if not committee:
            raise SourceError(source.path, "eDoc publishing XML without a Committee")
        items = _items(root, date, source.path)
        problems: list[model.Problem] = []
        if not items:
            problems.append(model.Problem("no agenda items (MeetingAgendaItem) in any agenda"))
        municipality = _municipality(items)
        if municipality is None:
            municipality = UNKNOWN_MUNICIPALITY
            problems.append(model.Problem("no municipality named in the export"))
        minutes = _t(root, "MeetingState").casefold().startswith("referat")
        meeting = model.Meeting(
            municipality=model.Municipality(municipality),
            committee=model.Committee(committee, municipality),
            date=date,
            kind="minutes" if minutes else "agenda",
            start=parse_time(when),
            items=tuple(items),
        )
        return Document(source=source, meetings=(meeting,), problems=tuple(problems))

    def complete(self, doc: Document) -> Document:
        """Items the XML gave no text, read from their PDF document's text (filled
        in by the pipeline); the municipality named there if the XML named none."""
        meetings = []
        for meeting in doc.meetings:
            items = tuple(_from_document(item, meeting.date) for item in meeting.items)
            meeting = dataclasses.replace(meeting, items=items)
            if meeting.municipality.name == UNKNOWN_MUNICIPALITY:
                found = _municipality(items)
                if found:
                    meeting = dataclasses.replace(
                        meeting,
                        municipality=model.Municipality(found),
                        committee=model.Committee(meeting.committee.name, found),
                    )
            meetings.append(meeting)
        problems = doc.problems
        if all(m.municipality.name != UNKNOWN_MUNICIPALITY for m in meetings):
            problems = tuple(p for p in problems if "no municipality" not in p.message)
        return dataclasses.replace(doc, meetings=tuple(meetings), problems=problems)


def _t(el: Any, path: str) -> str:
    return " ".join((el.findtext(path) or "").split())


def _title(el: Any) -> str:
    return _t(el, "Title") or _t(el, "NeutralTitle")


def _items(root: Any, date: Any, path: str) -> list[AgendaItem]:
    """Every agenda's items by number; an open agenda's copy wins over a closed one's."""
    found: dict[int, AgendaItem] = {}
    for agenda in root.findall("MeetingAgendaTypes/MeetingAgendaType"):
        closed_agenda = "lukket" in _t(agenda, "AgendaType").casefold()
        for el in agenda.findall("MeetingAgendaItems/MeetingAgendaItem"):
            number_text = _t(el, "AgendaItemNumber")
            if not number_text.isdigit():
                where = el.find("AgendaItemNumber")
                line = (where if where is not None else el).sourceline
                raise SourceError(path, f"agenda item number {number_text!r}", line=line)
            number = int(number_text)
            if number in found and found[number].is_open:
                continue
            found[number] = _item(el, number, date, closed_agenda)
    return [found[n] for n in sorted(found)]


def _item(el: Any, number: int, date: Any, closed_agenda: bool) -> AgendaItem:
    document = el.find("Document")
    title = _title(document) if document is not None else ""
    public = document is not None and _t(document, "PublishingType").upper() == PUBLIC
    text = (el.findtext("FullText") or "").strip()
    item = parse_item(number, title, to_lines(text), meeting_date=date)
    attachments = list(item.attachments)
    pdf = _t(el, "PDFDocument")
    if not text and pdf:
        attachments.append(Attachment(title=ITEM_DOCUMENT, location=pdf))
    if document is not None:
        for att in document.findall("Attachments/Attachment"):
            if _t(att, "PublishingType").upper() != PUBLIC or not _title(att):
                continue
            attachments.append(
                Attachment(
                    title=_title(att),
                    location=_t(att, "PDFDocument") or None,
                    text=(att.findtext("FullText") or "").strip() or None,
                )
            )
    return dataclasses.replace(
        item,
        title=title or item.title,
        is_open=item.is_open and public and not closed_agenda,
        attachments=tuple(attachments),
    )


def _from_document(item: AgendaItem, date: Any) -> AgendaItem:
    document = next((a for a in item.attachments if a.title == ITEM_DOCUMENT), None)
    if item.sections or document is None or not document.text:
        return item
    lines = to_lines(document.text)
    while lines and not lines[0].text.strip():
        lines = lines[1:]
    if lines and " ".join(lines[0].text.split()) == item.title:
        lines = lines[1:]  # the document repeats the item's title as its heading
    read = parse_item(item.number, item.title, lines, pdf=True, meeting_date=date)
    others = tuple(a for a in item.attachments if a is not document)
    kept = dataclasses.replace(document, text=None)  # its text is now the item's
    return dataclasses.replace(
        read,
        title=item.title,
        is_open=item.is_open and read.is_open,
        attachments=(kept, *read.attachments, *others),
    )


def _municipality(items: tuple[AgendaItem, ...] | list[AgendaItem]) -> str | None:
    text = " ".join(
        [s.text for it in items for s in it.sections]
        + [a.text for it in items for a in it.attachments if a.text]
    )
    return infer_municipality(text)


PARSER = register(EdocPublishingParser())
