"""Writes ``aarhus-teknisk-udvalg-2025-10-01-print.pdf``: the Aarhus Teknisk
Udvalg minutes of 1 Oct 2025 (``../portal_html/…html``, read by the portal-html
parser) laid out as the agenda portal prints them to PDF: "Punkt N: title"
(long titles wrap), the case number unlabelled on the line below, then the
headed sections and the case history ("Udvalg:", "Dato:", "Punktnummer:").

The text is the portal's own; only the layout is rebuilt, with the minimal PDF
writer the tests use (no renderer on the machine). Run from the repository root:
``PYTHONPATH=src:. python tests/samples/pdf/make_portal_print.py``.
"""

from __future__ import annotations

from pathlib import Path

from tests.pdf_maker import make_pdf, paginate

from raadsgraf.pipeline import parse_file

HERE = Path(__file__).parent
HTML = HERE.parent / "portal_html" / "aarhus-teknisk-udvalg-referat-2025-10-01.html"
OUT = HERE / "aarhus-teknisk-udvalg-2025-10-01-print.pdf"


def main() -> None:
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
    OUT.write_bytes(make_pdf(paginate(lines), header=f"{meeting.committee.name} - Referat"))


if __name__ == "__main__":
    main()
