"""Writes the samples that rebuild a real document's layout (tests/samples/README.md):

* ``pdf/aarhus-teknisk-udvalg-2025-10-01-print.pdf`` (:func:`portal_print`): the
  Aarhus Teknisk Udvalg minutes laid out as the agenda portal prints them to PDF;
* ``pdf/acadre-syddjurs-puk-2013-06-20-scanned.pdf`` (:func:`scanned`): the
  Syddjurs minutes with pages 1 and 3 as images (no text layer);
* ``edoc_publishing/greve-social-handicapudvalget-2022-03-14/`` (:func:`edoc_publishing`):
  a Greve meeting as eDoc's publishing XML (``eDocAgendaPublishing.xml``) with one
  item's text only in its PDF beside it, built from the documented selectors.

Run from the repository root: ``PYTHONPATH=src:. python tests/make_samples.py``.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from raadsgraf.pipeline import parse_file
from tests.pdf_maker import make_pdf, paginate

SAMPLES = Path(__file__).parent / "samples"
HTML = SAMPLES / "portal_html" / "aarhus-teknisk-udvalg-referat-2025-10-01.html"
PRINT = SAMPLES / "pdf" / "aarhus-teknisk-udvalg-2025-10-01-print.pdf"
TEXT_PDF = SAMPLES / "pdf" / "acadre-syddjurs-puk-2013-06-20.pdf"
SCANNED = SAMPLES / "pdf" / "acadre-syddjurs-puk-2013-06-20-scanned.pdf"
SCANNED_PAGES = {1, 3}
EDOC_SOURCE = SAMPLES / "firstagenda" / "greve-social-handicapudvalget-2022-03-14.json"
EDOC_DIR = SAMPLES / "edoc_publishing" / "greve-social-handicapudvalget-2022-03-14"
#: The item whose text eDoc left out of the XML: it stands only in its PDF.
EDOC_PDF_ONLY = 4


def _section_lines(item: Any) -> list[str]:
    """An item's sections as printed: each heading, then its paragraphs."""
    lines: list[str] = []
    for section in item.sections:
        if section.heading:
            lines += [section.heading, ""]
        for para in section.text.split("\n"):
            lines += [para, ""] if para.strip() else []
    return lines


def portal_print() -> None:
    """ "Punkt N: title" (long titles wrap), the case number unlabelled on the line
    below, then the headed sections and the case history; the text is the portal's."""
    meeting = parse_file(HTML).meetings[0]
    lines = [
        "Referat",
        meeting.committee.name,
        f"Mødedato: {meeting.date:%d-%m-%Y}",
        f"Mødetidspunkt: {meeting.start:%H:%M}" if meeting.start else "",
        f"Mødested: {meeting.place}, {meeting.municipality.name}",
        "",
    ]
    for item in meeting.items:
        lines += [f"Punkt {item.number}: {item.title}"]
        if item.case_number:
            lines.append(item.case_number)
        lines += ["", *_section_lines(item)]
    PRINT.write_bytes(make_pdf(paginate(lines), header=f"{meeting.committee.name} - Referat"))


def scanned() -> None:
    """Pages 1 and 3 rendered at 200 dpi in black and white, as a scanner gives
    them; the other pages keep their text layer."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader, PdfWriter

    data = TEXT_PDF.read_bytes()
    rendered = pdfium.PdfDocument(data)
    text_pages = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for number in range(1, len(text_pages.pages) + 1):
        if number not in SCANNED_PAGES:
            writer.add_page(text_pages.pages[number - 1])
            continue
        image = rendered[number - 1].render(scale=200 / 72).to_pil().convert("1")
        buffer = io.BytesIO()
        image.save(buffer, "PDF", resolution=200)
        writer.add_page(PdfReader(buffer).pages[0])
    with SCANNED.open("wb") as fh:
        writer.write(fh)


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    el.text = text
    return el


def edoc_publishing() -> None:
    """The Greve meeting as eDoc writes it for OS2dagsorden (the elements its eDoc
    importer reads): each item's text in ``FullText`` (the case number labelled
    on its first line), except item 4, whose ``FullText`` is empty and whose text
    (title, the case number unlabelled below it, the sections) is its PDF."""
    meeting = parse_file(EDOC_SOURCE).meetings[0]
    root = ET.Element("Meeting")
    _sub(root, "Committee", meeting.committee.name)
    start = f" {meeting.start:%H:%M:%S}" if meeting.start else ""
    _sub(root, "MeetingDate", f"{meeting.date:%d-%m-%Y}{start}")
    _sub(root, "MeetingState", "Referat endeligt godkendt")
    agenda = _sub(_sub(root, "MeetingAgendaTypes"), "MeetingAgendaType")
    _sub(agenda, "AgendaType", "Åben dagsorden")
    _sub(agenda, "PDFDocument", "dagsorden.pdf")
    listed = _sub(agenda, "MeetingAgendaItems")
    EDOC_DIR.mkdir(parents=True, exist_ok=True)
    for item in meeting.items:
        el = _sub(listed, "MeetingAgendaItem")
        _sub(el, "AgendaItemNumber", str(item.number))
        pdf_name = f"punkt-{item.number}.pdf"
        _sub(el, "PDFDocument", pdf_name)
        body = _section_lines(item)
        if item.number == EDOC_PDF_ONLY:
            _sub(el, "FullText", "")
            lines = [item.title, item.case_number or "", "", *body]
            (EDOC_DIR / pdf_name).write_bytes(make_pdf(paginate(lines)))
        else:
            _sub(el, "FullText", "\n".join([f"Sagsnr.: {item.case_number}", "", *body]))
        document = _sub(el, "Document")
        _sub(document, "Title", item.title)
        _sub(document, "PublishingType", "SKAL PUBLICERES")
        attachments = _sub(document, "Attachments")
        for att in item.attachments:
            one = _sub(attachments, "Attachment")
            _sub(one, "Title", att.title)
            _sub(one, "PublishingType", "SKAL PUBLICERES")
    ET.indent(root)
    ET.ElementTree(root).write(
        EDOC_DIR / "eDocAgendaPublishing.xml", encoding="utf-8", xml_declaration=True
    )


if __name__ == "__main__":
    portal_print()
    scanned()
    edoc_publishing()
