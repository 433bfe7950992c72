"""PDF minutes, agendas and policies.

The text layer comes out page by page without page furniture
(:mod:`raadsgraf.parsers.pdftext`); the case systems' print layouts are
repaired (:mod:`raadsgraf.parsers.layout`); then the lines go to the shared
text parsers — :func:`~raadsgraf.parsers.minutes_text.parse_minutes_lines`
for minutes and agendas, :func:`~raadsgraf.parsers.policy_text.parse_policy_lines`
for policies — which split items and sections the same way for every source.
Every Line keeps its page, so errors and citations can name it.
"""

from __future__ import annotations

from raadsgraf.model import Document, Source
from raadsgraf.parsers.layout import parse_layout_lines
from raadsgraf.parsers.pdftext import extract
from raadsgraf.parsers.registry import register
from raadsgraf.parsers.text import Line


class PdfParser:
    name = "pdf"
    description = "PDF minutes, agendas and policies (text layer; scanned pages by OCR)"

    def sniff(self, data: bytes, path: str) -> float:
        return 0.95 if b"%PDF-" in data[:1024] else 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        pdf = extract(data, source.path)
        lines = [Line(ln.text, ln.number, ln.page) for ln in pdf.lines]
        return parse_layout_lines(lines, source, pdf.problems, what="PDF text")


PARSER = register(PdfParser())
