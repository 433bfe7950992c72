"""Writes the samples that rebuild a real document's layout (tests/samples/README.md):

* ``pdf/aarhus-teknisk-udvalg-2025-10-01-print.pdf`` (:func:`portal_print`): the
  Aarhus Teknisk Udvalg minutes laid out as the agenda portal prints them to PDF;
* ``pdf/acadre-syddjurs-puk-2013-06-20-scanned.pdf`` (:func:`scanned`): the
  Syddjurs minutes with pages 1 and 3 as images (no text layer).

Run from the repository root: ``PYTHONPATH=src:. python tests/make_samples.py``.
"""

from __future__ import annotations

import io
from pathlib import Path

from raadsgraf.pipeline import parse_file
from tests.pdf_maker import make_pdf, paginate

SAMPLES = Path(__file__).parent / "samples"
HTML = SAMPLES / "portal_html" / "aarhus-teknisk-udvalg-referat-2025-10-01.html"
PRINT = SAMPLES / "pdf" / "aarhus-teknisk-udvalg-2025-10-01-print.pdf"
TEXT_PDF = SAMPLES / "pdf" / "acadre-syddjurs-puk-2013-06-20.pdf"
SCANNED = SAMPLES / "pdf" / "acadre-syddjurs-puk-2013-06-20-scanned.pdf"
SCANNED_PAGES = {1, 3}


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
        lines.append("")
        for section in item.sections:
            if section.heading:
                lines += [section.heading, ""]
            for para in section.text.split("\n"):
                lines += [para, ""] if para.strip() else []
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


if __name__ == "__main__":
    portal_print()
    scanned()
