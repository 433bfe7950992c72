"""Layout repair shared by the page-based formats (PDF, DOCX) before their
lines go to the shared text parsers.

Case systems (Acadre, SBSYS, eDoc) print minutes the same way whatever the
file format, and a few of their habits hide the structure from a text parser:

* **Item headings printed as "715. Title".** A numbered line is an item
  heading when the table of contents lists it (dotted leaders to a page
  number), or, without contents, when a case-number line ("Sagsnr.: 12/27845")
  follows within three lines; it is rewritten as "Punkt 715: Title".
* **A cover page** ("Referat" / committee / "Torsdag den 20. juni 2013" /
  "Kl. 10:30" / place lines): read into MeetingHints when the text has no
  labelled header of its own.
* **Name columns** ("Jesper Mathiesen (A) Ole Bjerregaard (V)"): a member list
  under "Medlemmer"/"Fraværende" is joined into one labelled line.
* **Attachment rows** ("1 Åben Title 222359/12") each get a paragraph of their
  own, and the signature page ("Underskriftsside") ends the minutes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace

from raadsgraf.errors import SourceError
from raadsgraf.extract.dates import find_dates, parse_time
from raadsgraf.model import Document, Problem, Source
from raadsgraf.parsers.minutes_text import MeetingHints, parse_minutes_lines
from raadsgraf.parsers.policy_text import parse_policy_lines
from raadsgraf.parsers.text import Line

_NUMBERED = re.compile(r"^\s*(\d{1,4})\.\s+(\S.{2,200}?)\s*$")
_TOC_LINE = re.compile(r"^\s*(\d{1,4})\.\s+(.+?)\s*(?:\.{3,}|…+)\s*\d{1,4}\s*$")
_TOC_HEAD = re.compile(r"^\s*(?:indhold|indholdsfortegnelse|indholdsliste)\s*:?\s*$", re.I)
#: any contents entry: text, then dotted leaders or a space, then a page number
_TOC_ENTRY = re.compile(r"^.{2,200}?(?:\.{2,}|…+|\s)\s*\d{1,4}$")
_TOC_BARE = re.compile(r"^\s*(\d{1,4})\.\s+(.+?)\s+\d{1,4}\s*$")
_TOC_COLUMNS = re.compile(r"^\s*punkt\s+nr\.?\s+side\s*$", re.I)
_CASE_LINE = re.compile(r"^\s*(?:sagsnr|sags\s*nr|sagsnummer|sags-?id|j\.\s*nr|journalnr)\b", re.I)
_COVER_KIND = re.compile(r"^\s*(referat|dagsorden|beslutningsprotokol)\s*$", re.I)
_LIST_KEYS = re.compile(
    r"^\s*(medlemmer|deltagere|tilstede|til stede|fraværende|afbud)\s*:?\s*$", re.I
)
_ATTACHMENT_ROW = re.compile(r"^\s*\d{1,2}\s+(?:Åben|Lukket|Fortrolig)\s+\S", re.I)
_SIGNATURES = re.compile(r"^\s*(?:underskriftsside|underskriftsblad|underskrifter)\s*:?\s*$", re.I)
#: a line of names each with a party letter: "Niels Viderø (A)", "Ole Bollesen (A) Steen Fris (C)"
_PARTY_LINE = re.compile(
    r"^\s*(?:[A-ZÆØÅ][\wæøå.'-]*(?:\s+[A-ZÆØÅ][\wæøå.'-]*)*\s*\([A-ZÆØÅ]{1,2}\)\s*)+$"
)
_PARTY_GAP = re.compile(r"\)\s+(?=[A-ZÆØÅ])")
_LABELLED = re.compile(r"^\s*(mødedato|dato|mødested|sted|tidspunkt)\s*:", re.I | re.M)


def parse_layout_lines(
    lines: list[Line], source: Source, problems: Sequence[Problem] = (), what: str = "text"
) -> Document:
    """Minutes (or an agenda) if the lines have items, else a policy; a clear
    error naming both attempts otherwise."""
    lines = normalise(lines)
    hints = cover_hints(lines)
    try:
        doc = parse_minutes_lines(lines, source, hints, problems)
    except SourceError as minutes_error:
        try:
            doc = parse_policy_lines(lines, source)
        except SourceError as policy_error:
            raise SourceError(
                source.path,
                f"{what} is neither minutes ({minutes_error.message}) "
                f"nor a policy ({policy_error.message})",
                page=minutes_error.page or (1 if what == "PDF text" else None),
            ) from None
        return replace(doc, problems=doc.problems + tuple(problems))
    start = _cover_time(lines) if hints else None
    if start and doc.meetings and doc.meetings[0].start is None:
        doc = replace(doc, meetings=(replace(doc.meetings[0], start=start), *doc.meetings[1:]))
    return doc


def normalise(lines: list[Line]) -> list[Line]:
    """The layouts above repaired."""
    toc, lines = table_of_contents(lines)
    lines = _join_name_lists(lines)
    lines = _separate_rows(lines)
    return _mark_item_headings(_without_signature_page(lines), toc)


def table_of_contents(lines: list[Line]) -> tuple[dict[int, str], list[Line]]:
    """The contents listing ("Indhold" / "Indholdsfortegnelse" then entries
    ending in a page number) as {item number: title key}, and the lines without
    it. Without its dotted leaders or tab (lost in PDF and DOCX text) an entry
    such as "1. Indledning 2" would read as a heading."""
    for start, ln in enumerate(lines[:200]):
        if not _TOC_HEAD.match(ln.text):
            continue
        toc: dict[int, str] = {}
        end = start + 1
        while end < len(lines):
            text = lines[end].text.strip()
            if text and not (_TOC_ENTRY.match(text) or _TOC_COLUMNS.match(text)):
                break
            m = _TOC_LINE.match(text) or _TOC_BARE.match(text)
            if m:
                toc[int(m[1])] = _key(m[2])
            end += 1
        if end > start + 1:
            return toc, lines[:start] + lines[end:]
    return {}, lines


def _without_signature_page(lines: list[Line]) -> list[Line]:
    """The signature page ("Underskriftsside": the members' names) ends the
    minutes; left in, it would be read as part of the last item."""
    for i, ln in enumerate(lines):
        if _SIGNATURES.match(ln.text) and i > 0:
            return lines[:i]
    return lines


def _separate_rows(lines: list[Line]) -> list[Line]:
    """A blank line before each attachment-list row ("1 Åben Title 222359/12"),
    so the text parser does not join the rows into one paragraph."""
    out: list[Line] = []
    for ln in lines:
        if _ATTACHMENT_ROW.match(ln.text):
            out.append(replace(ln, text=""))
        out.append(ln)
    return out


def _mark_item_headings(lines: list[Line], toc: dict[int, str]) -> list[Line]:
    # A policy's contents list its numbered sections too: contents confirm an
    # item heading only in minutes (a "Referat"/"Dagsorden" cover or case numbers).
    minutes = any(_COVER_KIND.match(ln.text) for ln in lines[:40]) or any(
        _CASE_LINE.match(ln.text) for ln in lines
    )
    out = []
    for i, ln in enumerate(lines):
        m = _NUMBERED.match(ln.text)
        if m and not _TOC_LINE.match(ln.text):
            number, title = int(m[1]), m[2]
            listed = minutes and number in toc and _key(title).startswith(toc[number][:30])
            followed = any(_CASE_LINE.match(x.text) for x in lines[i + 1 : i + 4])
            if listed or followed:
                # the blank line ends the title: PDF text has no blank lines
                out.append(replace(ln, text=f"Punkt {number}: {title}"))
                out.append(replace(ln, text=""))
                continue
        out.append(ln)
    return out


def _key(text: str) -> str:
    return re.sub(r"[^\wæøå]+", "", text.lower())


def _join_name_lists(lines: list[Line]) -> list[Line]:
    """ "Medlemmer" + name lines → "Medlemmer: A (A), B (V), …" on the first line."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        m = _LIST_KEYS.match(ln.text)
        if not m:
            out.append(ln)
            i += 1
            continue
        names: list[str] = []
        j = i + 1
        while j < len(lines):
            if not lines[j].text.strip():
                # OCR sets a column's last name apart: one blank line inside the list
                if names and j + 1 < len(lines) and _PARTY_LINE.match(lines[j + 1].text):
                    j += 1
                    continue
                break
            if "(" not in lines[j].text:
                break
            if _LIST_KEYS.match(lines[j].text) or len(lines[j].text) > 160:
                break
            names.append(_PARTY_GAP.sub("), ", lines[j].text.strip()))
            j += 1
        out.append(replace(ln, text=f"{m[1].capitalize()}: {', '.join(names)}".rstrip()))
        out.append(replace(ln, text=""))  # ends the list for the header reader
        i = j
    return out


def _cover_time(lines: Sequence[Line]) -> dt.time | None:
    for ln in lines[:40]:
        text = ln.text.strip()
        if text.startswith("Punkt "):
            break
        if len(text) < 20 and re.match(r"^(?:kl\.?\s*)?\d{1,2}[:.]\d{2}$", text, re.I):
            return parse_time(text)
    return None


def cover_hints(lines: Sequence[Line]) -> MeetingHints | None:
    """Kind, committee, date and place from a cover page: a line that is only
    "Referat"/"Dagsorden", the committee on the next line, then date, time and
    place lines, all before the first item or list."""
    head = [ln.text.strip() for ln in lines[:40]]
    if any(_LABELLED.match(t) for t in head):
        return None  # a labelled header: the text parser reads it itself
    for idx, text in enumerate(head):
        m = _COVER_KIND.match(text)
        if not m or idx + 1 >= len(head):
            continue
        rest = [t for t in head[idx + 1 :] if t]
        committee = rest[0] if rest else None
        date = time = None
        place: list[str] = []
        for t in rest[1:12]:
            if t.startswith("Punkt ") or _LIST_KEYS.match(t.split(":")[0] + ":"):
                break
            dates = find_dates(t)
            if dates and date is None:
                date = dates[0][0]
            elif parse_time(t) and time is None and len(t) < 20:
                time = t
            elif date is not None and not dates:
                place.append(t)
        if committee and date:
            return MeetingHints(
                committee=committee,
                date=date,
                kind="agenda" if m[1].lower() == "dagsorden" else "minutes",
                place=", ".join(place) or None,
            )
    return None
