"""Text input: decoding, numbered lines, and repair of text extracted from PDF.

Every text-based parser works on :class:`Line` records so that errors and
citations can name the line (and page, for PDF-derived text).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from raadsgraf.errors import SourceError
from raadsgraf.model import Problem


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    number: int  # 1-based line in the source (or in the page's extracted text)
    page: int | None = None


def decode(data: bytes, path: str) -> tuple[str, tuple[Problem, ...]]:
    """UTF-8 (with or without BOM); Windows-1252 as a fallback, with a warning
    naming the first line that is not UTF-8. Binary data is an error."""
    if b"\x00" in data[:8192]:
        raise SourceError(path, "binary file, not a text document")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("cp1252", errors="replace")
        problem = Problem("not UTF-8; read as Windows-1252 (cp1252)", line=line)
        return text, (problem,)


def sniff_text(data: bytes) -> str | None:
    """The start of ``data`` as text when it looks like plain text (not binary,
    JSON, markup or PDF), for parsers' ``sniff``; None otherwise."""
    head = data[:200_000]
    if (
        b"\x00" in head[:8192]
        or head.lstrip()[:1] in (b"{", b"[", b"<")
        or head.startswith(b"%PDF")
    ):
        return None
    return head.decode("utf-8", errors="replace")


def to_lines(text: str, page: int | None = None, first_number: int = 1) -> list[Line]:
    """Numbered lines; a form feed starts a new page when pages are counted."""
    lines: list[Line] = []
    current_page = page
    for i, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if "\f" in raw and current_page is not None:
            current_page += raw.count("\f")
        cleaned = raw.replace("\f", "").replace("\u00a0", " ").rstrip()
        lines.append(Line(cleaned, first_number + i, current_page))
    return lines


LIST_MARKER = re.compile(r"^\s*(?:[-*•▪–]\s+|\d{1,2}[.)]\s+|[a-z][.)]\s+|at\s+\d+\s*:)", re.I)
_TRAILING_NUMBER = re.compile(r"^(?P<body>.*?\D)(?P<num>\d{1,2})\.\s*$")
_SENTENCE_END = re.compile(r"[.!?:;»”\")]$")


def looks_pdf_extracted(lines: Sequence[Line]) -> bool:
    """Hard-wrapped paragraphs: many long lines that stop mid-sentence and
    continue in lower case on the next line."""
    wraps = long = 0
    for a, b in itertools.pairwise(lines):
        if len(a.text) > 60:
            long += 1
            if b.text[:1].islower() and not _SENTENCE_END.search(a.text):
                wraps += 1
    return long > 20 and wraps / long > 0.25


def move_list_numbers(lines: Sequence[Line], in_recommendation: Sequence[bool]) -> list[Line]:
    """Put list numbers that PDF extraction moved to the end of a line back in
    front: "… tages til efterretning.1." → "1. … tages til efterretning.".

    A number glued to the text ("efterretning.1.", "budgetaftale1.", "(KSP-3.")
    is always displaced; one after a space ("… 2022. 2.") only inside a
    recommendation or when it continues a sequence, since "jf. bilag 1." is prose.
    """
    out: list[Line] = []
    last_number = 0
    for line, in_rec in zip(lines, in_recommendation, strict=True):
        m = _TRAILING_NUMBER.match(line.text)
        if m and not LIST_MARKER.match(line.text):
            body, num = m["body"], int(m["num"])
            glued = not body.endswith(" ")
            sequential = num == last_number + 1 and num > 1
            if (
                num <= 20
                and (glued or in_rec or sequential)
                and not re.search(r"(?:bilag|punkt|pkt|nr|side|kapitel|§)\s*$", body, re.I)
            ):
                text = body.rstrip()  # "(KSP-" + "samarbejdet)": join_wrapped keeps the hyphen
                out.append(replace(line, text=f"{num}. {text}"))
                last_number = num
                continue
        out.append(line)
    return out


def join_wrapped(prev: str, nxt: str) -> str:
    """Join two wrapped lines, keeping compound hyphens ("KSP-samarbejdet",
    "social- og")."""
    if prev.endswith("-") and not prev.endswith(" -") and nxt[:1].islower():
        first = nxt.split(" ", 1)[0]
        if first in {"og", "eller", "samt", "til", "men"}:
            return f"{prev} {nxt}"
        return prev + nxt
    return f"{prev} {nxt}"
