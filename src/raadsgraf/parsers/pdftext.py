"""Text out of a PDF, page by page, without the page furniture.

What the parsers downstream need from a PDF is its reading-order lines with
page numbers (for error messages and citations). Three things stand in the way:

* **Furniture.** Publishing systems stamp every page with a running header
  ("Referat for Udvalget for … Side 3", the meeting date) and a footer or
  page counter ("2 of 5", "Side 2 af 14"). A line near the top or bottom of a
  page whose digit-blind form recurs on at least half of the pages, and any
  bare page counter there, is dropped.
* **Tables.** Ruled tables come out of plain extraction as run-together cell
  text; they are read as tables and written as ``| cell | cell |`` rows in
  their place on the page.
* **Scans.** A page without a text layer is read by OCR (Tesseract, Danish),
  with its confidence reported; without Tesseract it is skipped with a problem.
* **Bad files.** A damaged, truncated or password-protected PDF, or one with
  no text on any page even after OCR, is a :class:`SourceError` naming the
  file, and the page when one page is to blame.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from raadsgraf.errors import SourceError
from raadsgraf.model import Problem
from raadsgraf.parsers import ocr

#: How many lines at the top and at the bottom of a page may be furniture.
FURNITURE_ZONE = 3
#: Distance between line tops, in median line heights, that marks a new paragraph
#: (single spacing is about 1.2).
PARAGRAPH_GAP = 1.9
_PAGE_COUNTER = re.compile(
    r"^(?:side|page|s\.)?\s*#\s*(?:(?:af|of|/|ud af)\s*#)?$|^-\s*#\s*-$", re.IGNORECASE
)
#: Symbol-font bullets extracted as private-use characters ("\uf0b7 Teater").
_PUA_BULLET = re.compile(r"^\s*[\uf000-\uf0ff•▪]\s*")


@dataclass(frozen=True, slots=True)
class PdfLine:
    text: str
    page: int  # 1-based
    number: int  # 1-based line on the page, as extracted (furniture included)


@dataclass(frozen=True, slots=True)
class PdfText:
    lines: tuple[PdfLine, ...]
    pages: int
    problems: tuple[Problem, ...] = ()

    def page_text(self, page: int) -> str:
        return "\n".join(ln.text for ln in self.lines if ln.page == page)

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


def extract(data: bytes, path: str) -> PdfText:
    """The PDF's lines without furniture; raises SourceError for unreadable files.

    A page without a text layer (a scan) is read by OCR when Tesseract is at
    hand (:mod:`raadsgraf.parsers.ocr`); its confidence is reported, and low
    confidence is a problem naming the page."""
    pages, pictured = _read(data, path)
    problems = []
    empty = [i + 1 for i, lines in enumerate(pages) if not any(s.strip() for s in lines)]
    # only a page that carries an image can be a scan; a blank page stays blank
    scans = [page for page in empty if page in pictured]
    missing = ocr.available() if scans else None
    if scans and missing is None:
        for page in scans:
            read = ocr.ocr_page(data, page, path)
            pages[page - 1] = list(read.lines)
            if not any(line.strip() for line in read.lines):
                continue
            low = read.confidence < ocr.LOW_CONFIDENCE
            problems.append(
                Problem(
                    f"page read by OCR, mean word confidence {read.confidence:.0f} %"
                    + (": low, check the text against the page" if low else ""),
                    page=page,
                )
            )
        empty = [i + 1 for i, lines in enumerate(pages) if not any(s.strip() for s in lines)]
    if len(empty) == len(pages):
        if missing is not None:
            why = f"OCR is not available: {missing}"
        elif scans:
            why = "OCR found no text either"
        else:
            why = "and no image on them for OCR to read"
        raise SourceError(
            path,
            f"no text layer on any of its {len(pages)} page(s): a scanned PDF? ({why})",
            page=1,
        )
    for page in empty:
        problems.append(Problem("page has no text layer (scanned?); skipped", page=page))
    kept = strip_furniture(pages)
    lines = tuple(
        PdfLine(text, page_no, number)
        for page_no, page_lines in enumerate(kept, start=1)
        for number, text in page_lines
    )
    return PdfText(lines=lines, pages=len(pages), problems=tuple(problems))


def read_pages(data: bytes, path: str) -> list[list[str]]:
    """Each page's text lines in reading order, tables as ``| a | b |`` rows."""
    return _read(data, path)[0]


def _read(data: bytes, path: str) -> tuple[list[list[str]], set[int]]:
    """The pages' lines, and the (1-based) pages that carry an image."""
    import pdfplumber

    if b"%PDF" not in data[:1024]:
        raise SourceError(path, "not a PDF (no %PDF header)")
    pages: list[list[str]] = []
    pictured: set[int] = set()
    number = 0
    pdf = None
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        for page in pdf.pages:
            number += 1  # the page being read when the file turns out damaged
            pages.append(_page_lines(page))
            if page.images:
                pictured.add(number)
            page.close()
    except Exception as exc:
        if not _from_pdf_library(exc):
            raise  # a defect in raadsgraf, not in the file
        raise SourceError(path, _describe(exc), page=number or None) from None
    finally:
        if pdf is not None:
            # closing a damaged file may fail again; it is already reported
            with contextlib.suppress(Exception):
                pdf.close()
    if not pages:
        raise SourceError(path, "PDF has no pages")
    return pages, pictured


def _from_pdf_library(exc: BaseException) -> bool:
    """Raised inside pdfminer/pdfplumber: damaged input surfaces there as any
    exception type (TypeError, IndexError, KeyError …), not only their own."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return last is not None and ("pdfminer" in last or "pdfplumber" in last)


def _describe(exc: Exception) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(inner).__name__
    if "Password" in name or "Encryption" in name:
        return "password-protected PDF: cannot be read without the password"
    detail = str(inner) or name
    return f"not a readable PDF (damaged or cut short: {detail})"


def _page_lines(page: object) -> list[str]:
    """Lines by vertical position; ruled tables rendered as rows."""
    tables = page.find_tables()  # type: ignore[attr-defined]
    rest = page
    placed: list[tuple[float, float, str]] = []
    for table in tables:
        rest = rest.outside_bbox(table.bbox)  # type: ignore[attr-defined]
        for row, cells in zip(table.rows, table.extract(), strict=False):
            texts = [" ".join(c.split()) for c in cells if c]
            if texts:
                placed.append((row.bbox[1], row.bbox[0], "| " + " | ".join(texts) + " |"))
    heights: list[float] = []
    for line in rest.extract_text_lines(return_chars=False):  # type: ignore[attr-defined]
        placed.append((line["top"], line["x0"], _PUA_BULLET.sub("- ", line["text"])))
        heights.append(line["bottom"] - line["top"])
    placed.sort(key=lambda p: (round(p[0], 0), p[1]))
    # A vertical gap well beyond the line spacing is a paragraph break: keep
    # it as a blank line, as the text parsers expect.
    height = sorted(heights)[len(heights) // 2] if heights else 10.0
    lines: list[str] = []
    last_top: float | None = None
    for top, _, text in placed:
        if last_top is not None and top - last_top > PARAGRAPH_GAP * height:
            lines.append("")
        lines.append(text)
        last_top = top
    return lines


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def strip_furniture(pages: Sequence[Sequence[str]]) -> list[list[tuple[int, str]]]:
    """``(line number, text)`` per page, running headers/footers and page
    counters removed. Only lines in the top or bottom zone of a page qualify,
    so a repeated sentence in the body is never lost."""
    zones: list[set[int]] = []
    counts: Counter[str] = Counter()
    for lines in pages:
        filled = [i for i, s in enumerate(lines) if s.strip()]
        zone = set(filled[:FURNITURE_ZONE] + filled[-FURNITURE_ZONE:])
        zones.append(zone)
        counts.update({_key(lines[i]) for i in zone})
    threshold = max(2, (len(pages) + 1) // 2)
    out: list[list[tuple[int, str]]] = []
    for lines, zone in zip(pages, zones, strict=True):
        kept: list[tuple[int, str]] = []
        for i, text in enumerate(lines):
            if i in zone:
                key = _key(text)
                if _PAGE_COUNTER.match(key) or (len(pages) >= 2 and counts[key] >= threshold):
                    continue
            if text.strip() or (kept and kept[-1][1].strip()):
                kept.append((i + 1, text))  # no leading or doubled blank lines
        while kept and not kept[-1][1].strip():
            kept.pop()
        out.append(kept)
    return out
