"""Paragraphs from lines: wrapped lines joined, lists and tables kept.

Shared by every text-based parser (plain text, Markdown-like, PDF-extracted).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from raadsgraf.parsers.text import LIST_MARKER, Line, join_wrapped


def is_table_row(text: str) -> bool:
    return text.lstrip().startswith("|") or "\t" in text.strip()


_SENTENCE_END = re.compile(r"[.!?:;»”\")]\s*$")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_ESCAPE = re.compile(r"\\([_*\[\]()#.\-])")
_HTML_TAG = re.compile(r"</?(?:b|i|strong|em|u|br)\s*/?>", re.I)


def clean_inline(text: str) -> str:
    """Markdown and stray inline HTML → plain text ("\\_" → "_", "**x**" → "x")."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<!\w)\*(\S.*?\S|\S)\*(?!\w)", r"\1", text)
    return text


def paragraphs(lines: Sequence[Line], *, pdf: bool = False) -> list[list[Line]]:
    """Group lines into paragraphs (lists of source lines).

    A blank line ends a paragraph; a list item or table row starts a new one.
    In PDF-extracted text a paragraph also continues across a page break (a run
    of blank lines) when it stopped mid-sentence and goes on in lower case.
    """
    paras: list[list[Line]] = []
    current: list[Line] = []
    blank_run = 0
    for line in lines:
        text = line.text.strip()
        if not text:
            blank_run += 1
            if current:
                paras.append(current)
                current = []
            continue
        table = is_table_row(line.text)
        starts_new = bool(LIST_MARKER.match(text)) and not table
        if (
            not current
            and pdf
            and paras
            and blank_run >= 2
            and text[:1].islower()
            and not _SENTENCE_END.search(paras[-1][-1].text)
            and not starts_new
        ):
            current = paras.pop()  # the page break split a sentence
        elif current and (starts_new or table != is_table_row(current[-1].text)):
            paras.append(current)
            current = []
        current.append(line)
        blank_run = 0
    if current:
        paras.append(current)
    return paras


def paragraph_text(para: Sequence[Line]) -> str:
    if is_table_row(para[0].text):
        rows = [" | ".join(c.strip() for c in ln.text.strip().split("\t")) for ln in para]
        return clean_inline("\n".join(rows))
    text = para[0].text.strip()
    for line in para[1:]:
        text = join_wrapped(text, line.text.strip())
    return clean_inline(" ".join(text.split()))


def block_text(lines: Sequence[Line], *, pdf: bool = False) -> str:
    """Readable text of a run of lines: paragraphs separated by blank lines."""
    return "\n\n".join(t for p in paragraphs(lines, pdf=pdf) if (t := paragraph_text(p)))
