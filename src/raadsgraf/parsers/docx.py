"""Word documents (.docx): minutes, agendas and policies written or exported
as DOCX (Acadre publishes its minutes this way).

The body is read in document order — paragraphs and tables interleaved —
into numbered lines: one paragraph per line with a blank line after it,
heading styles set apart by blank lines, and tables by what they are:

* layout tables (a single cell, or a cell repeated across a merged row) give
  their text;
* label/value rows ("Sagsnr.:" | "12/27845") give "Sagsnr.: 12/27845";
* short rows of short cells (attachment lists: "1" | "Åben" | "Title" |
  "222359/12") are joined with spaces, as print layouts show them;
* other tables become ``| cell | cell |`` rows.

The lines then go through the same layout repair and text parsers as PDF text
(:mod:`raadsgraf.parsers.layout`). Old binary Word (.doc) is the ``doc``
parser's (:mod:`raadsgraf.parsers.legacy`).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from raadsgraf.errors import SourceError
from raadsgraf.model import Document, Source
from raadsgraf.parsers.layout import parse_layout_lines
from raadsgraf.parsers.registry import register
from raadsgraf.parsers.text import Line

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class DocxParser:
    name = "docx"
    description = "Word .docx minutes, agendas and policies"

    def sniff(self, data: bytes, path: str) -> float:
        if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
            return 0.95
        if data.startswith(b"PK\x03\x04") and path.lower().endswith(".docx"):
            return 0.6  # the parts may come later in the archive
        return 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        return parse_layout_lines(docx_lines(data, source.path), source, what="Word text")


def docx_lines(data: bytes, path: str) -> list[Line]:
    """The document's text as numbered lines (paragraph order, tables in place)."""
    if data.startswith(_OLE_MAGIC):
        raise SourceError(path, "old binary Word document (.doc), not .docx: read it as 'doc'")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(path, f"not a readable .docx ({exc})") from None
    except Exception as exc:  # python-docx raises its own and lxml's errors on damage
        raise SourceError(path, f"not a readable .docx ({type(exc).__name__}: {exc})") from None
    texts: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            _paragraph(paragraph, texts)
        elif tag == "tbl":
            _table(Table(child, document), texts)
    return [Line(text, number) for number, text in enumerate(texts, start=1)]


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").replace("\xa0", " ").split())


def _paragraph(paragraph: Any, out: list[str]) -> None:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    lines = [_clean(t) for t in paragraph.text.split("\n")]
    lines = [t for t in lines if t]
    if not lines:
        return
    heading = style.lower().startswith(("heading", "overskrift", "title", "titel"))
    if heading and out and out[-1]:
        out.append("")
    bullet = style.lower().startswith(("list", "liste")) or (
        paragraph._p.pPr is not None and (paragraph._p.pPr.numPr is not None)
    )
    out.extend(f"- {t}" if bullet and not heading else t for t in lines)
    out.append("")


def _table(table: Any, out: list[str]) -> None:
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = _clean(cell.text)
            if text and (not cells or cells[-1] != text):  # merged cells repeat
                cells.append(text)
        if not cells:
            continue
        if len(cells) == 1:
            out.extend(_clean(t) for t in row.cells[0].text.split("\n") if _clean(t))
        elif len(cells) == 2 and cells[0].endswith(":"):
            out.append(f"{cells[0]} {cells[1]}")
        elif len(cells) <= 5 and all(len(c) <= 120 for c in cells) and cells[0].isdigit():
            out.append(" ".join(cells))
        else:
            out.append("| " + " | ".join(cells) + " |")
        out.append("")


PARSER = register(DocxParser())
