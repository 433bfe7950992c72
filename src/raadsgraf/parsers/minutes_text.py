"""Minutes and agendas as text: plain, Markdown-like, or extracted from PDF.

One parser for the many dialects of Danish council minutes in text form. It
recognises what the dialects share rather than any one publisher's layout:

- a header of labelled fields ("Mødedato", "Mødested", "Mødedeltagere",
  "Tilstede", "Fraværende"), separated by a colon, a tab or spaces;
- agenda items headed "Punkt 1: …", "Punkt 1 …", "1 (Åben) …", with or without
  Markdown marks, closed items marked "Lukket"/"LUKKET";
- section headings from a shared vocabulary (:mod:`raadsgraf.extract.sections`);
- PDF extraction damage (hard wraps, list numbers moved to line ends, page
  breaks inside sentences), repaired when detected;
- a trailing "Source URL:" line, the only place some extracts name the meeting.

Other parsers (PDF, DOCX) reduce their input to :class:`Line` records and call
:func:`parse_minutes_lines`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from raadsgraf.errors import SourceError
from raadsgraf.extract.absences import with_departures
from raadsgraf.extract.casenumbers import is_case_number, split_trailing_case_number
from raadsgraf.extract.dates import parse_date, parse_time
from raadsgraf.extract.people import parse_attendee_list
from raadsgraf.extract.places import committee_from_url, infer_municipality
from raadsgraf.extract.sections import section_kind
from raadsgraf.model import (
    AgendaItem,
    Attendance,
    Committee,
    Document,
    Meeting,
    Municipality,
    Problem,
    Source,
)
from raadsgraf.parsers.blocks import clean_inline
from raadsgraf.parsers.items import heading_of, parse_item
from raadsgraf.parsers.registry import register
from raadsgraf.parsers.text import (
    Line,
    decode,
    looks_pdf_extracted,
    move_list_numbers,
    sniff_text,
    to_lines,
)

ITEM_HEADING = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?\s*(?:Punkt|PUNKT|Pkt\.|Dagsordenspunkt)\s+(\d{1,3})\b\s*[:.)\-–]?\s*"
    r"(?P<title>.*?)\s*(?:\*\*)?\s*$"
)
ITEM_HEADING_STATUS = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?\s*(\d{1,3})\s*(?P<title>\((?:Åben|Åbent|Lukket)(?:\s+punkt)?\)\s*.+?)"
    r"\s*(?:\*\*)?\s*$",
    re.I,
)
_TOC_ENTRY = re.compile(r"(?:\.{3,}|\t)\s*\d+\s*$")
_TITLE = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?\s*(?P<kind>referat|dagsorden|beslutningsprotokol|protokol)\b"
    r"(?:\s+(?:af\s+møde\s+i|for\s+mødet\s+i|for|fra|til))?\s*[:\-–]?\s*(?P<rest>.*?)\s*(?:\*\*)?$",
    re.I,
)
_DATE_TAIL = re.compile(r"\s+(?:d\.|den)\s+.*$|\s+\d{1,2}[-./]\d{1,2}[-./]\d{4}.*$", re.I)
HEADER_KEYS = {
    "mødedato": "date", "dato": "date", "mødetidspunkt": "date", "tidspunkt": "date",
    "mødetid": "date", "mødested": "place", "sted": "place", "mødeafholdelse": "place",
    "mødelokale": "place", "mødedeltagere": "present", "deltagere": "present",
    "tilstede": "present", "til stede": "present", "medlemmer": "present",
    "fraværende": "absent", "fravær": "absent", "afbud": "absent",
}  # fmt: skip
_HEADER_LINE = re.compile(
    r"^\**\s*(?P<key>" + "|".join(sorted(HEADER_KEYS, key=len, reverse=True)) + r")\s*\**"
    r"\s*(?::|\t|\s)\s*(?P<value>.*)$",
    re.I,
)
_SOURCE_URL = re.compile(r"^\s*(?:source\s+url|kilde|url)\s*:\s*(\S+)\s*$", re.I)
_ENDED = re.compile(r"mødet\s+(?:hævet|sluttede|slut)", re.I)


@dataclass(frozen=True, slots=True)
class MeetingHints:
    """What a container format already knows about the meeting (all optional)."""

    municipality: str | None = None
    committee: str | None = None
    date: dt.date | None = None
    kind: str | None = None
    place: str | None = None
    url: str | None = None


#: "715. Kulturkommune 2017. Politiske fokusområder" (systems that number items
#: through the year). Only taken as an item when the table of contents lists it
#: or a case-number label follows, since numbered lists look the same.
NUMBERED_HEADING = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?\s*(\d{1,4})\.\s+(?P<title>[A-ZÆØÅ\"“].{2,200}?)\s*(?:\*\*)?$"
)
_TOC_TITLE = re.compile(r"^(\d{1,4})\.?\s+(.+?)\s*(?:\.{3,}|\t)\s*\d+\s*$")
_CONFIRMS_ITEM = re.compile(
    r"^(?:sags?\s*-?\s*(?:nr|id|nummer)|j\.\s*nr|journalnr|sagen\s+afgøres|beslutningen\s+træffes"
    r"|dokumentnr|sagsid)\b",
    re.I,
)


def _key_title(text: str) -> str:
    return re.sub(r"[^0-9a-zæøå]+", "", text.lower())


_ITEM_SECTION_KINDS = {"decision", "recommendation", "decided_by"}


def _has_item_sections(lines: Sequence[Line], start: int) -> bool:
    """Does a decision or recommendation heading follow before the next numbered
    line? Tells an agenda item from a numbered chapter of a policy document."""
    for line in lines[start + 1 : start + 400]:
        text = line.text.strip()
        if NUMBERED_HEADING.match(text):
            return False
        if len(text) <= 60 and section_kind(text) in _ITEM_SECTION_KINDS:
            return True
    return False


def item_headings(lines: Sequence[Line]) -> list[tuple[int, int, str]]:
    """(line index, item number, title) of each agenda item heading, in order.

    Table-of-contents entries (ending in a page number) are skipped, and item
    numbers must increase, so a "Punkt 12" quoted in running text is not a heading.
    """
    toc = {
        (int(m[1]), _key_title(m[2]))
        for line in lines
        if (m := _TOC_TITLE.match(line.text.strip()))
    }
    found: list[tuple[int, int, str]] = []
    for idx, line in enumerate(lines):
        text = line.text.strip()
        if _TOC_ENTRY.search(text):
            continue
        m = ITEM_HEADING.match(text) or ITEM_HEADING_STATUS.match(text)
        if not m and (n := NUMBERED_HEADING.match(text)):
            following = [ln.text.strip() for ln in lines[idx + 1 : idx + 6] if ln.text.strip()][:3]
            in_toc = (int(n[1]), _key_title(n["title"])) in toc
            if any(_CONFIRMS_ITEM.match(f) for f in following) or (
                in_toc and _has_item_sections(lines, idx)
            ):
                m = n
        if not m:
            continue
        number = int(m[1])
        if found and number <= found[-1][1]:
            continue
        found.append((idx, number, m["title"]))
    return found


def _header_fields(lines: Sequence[Line]) -> dict[str, str]:
    """Labelled header fields; a value may continue on the following lines."""
    fields: dict[str, str] = {}
    key: str | None = None
    for line in lines:
        text = clean_inline(line.text.strip())
        if not text:
            key = None
            continue
        if section_kind(text) == "summary" or text.lower().startswith("indholdsfortegnelse"):
            break
        m = _HEADER_LINE.match(text)
        bare = text.rstrip(":").lower()
        if (m and m["value"].strip()) or bare in HEADER_KEYS:
            label = m["key"].lower() if m and m["value"].strip() else bare
            key = HEADER_KEYS[label]
            if key == "absent" and label == "afbud":
                key = "absent_afbud"
            value = m["value"].strip() if m and m["value"].strip() else ""
            fields[key] = f"{fields[key]}, {value}".strip(", ") if fields.get(key) else value
        elif key in {"present", "absent", "absent_afbud"} and _looks_like_names(text):
            fields[key] = f"{fields[key]} {text}".strip()  # wrapped list, or one name per line
        else:
            key = None
    return fields


def _looks_like_names(text: str) -> bool:
    """A line of a names list: capitalised words, no figures outside parentheses."""
    bare = re.sub(r"\([^()]*\)", " ", text)
    words = [w for w in re.split(r"[\s,;]+", bare) if w]
    if not words or re.search(r"\d", bare):
        return False
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised / len(words) >= 0.6


def _attendance(fields: dict[str, str]) -> tuple[Attendance, ...]:
    people: list[Attendance] = []
    if "present" in fields:
        people.extend(parse_attendee_list(fields["present"]))
    if "absent" in fields:
        people.extend(parse_attendee_list(fields["absent"], absent=True, reason="fraværende"))
    if "absent_afbud" in fields:
        people.extend(parse_attendee_list(fields["absent_afbud"], absent=True, reason="afbud"))
    seen: dict[str, Attendance] = {}
    for a in people:  # a later, more specific entry (an absence) wins
        if a.person.name not in seen or a.status == "absent":
            seen[a.person.name] = a
    return tuple(seen.values())


def _known_bodies(lines: Sequence[Line]) -> list[str]:
    """Committee names the document itself writes, for matching URL slugs."""
    names: list[str] = []
    pattern = re.compile(
        r"\b([A-ZÆØÅ][\wæøå\-]*(?:-\s+og\s+[A-ZÆØÅ]?[\wæøå\-]+)?(?:udvalget|rådet|bestyrelsen))\b"
    )
    for line in lines:
        for m in pattern.finditer(line.text):
            if m[1] not in names:
                names.append(m[1])
    return names


def _join_wrapped(head: str, tail: str) -> str:
    """ "… Hasselager-" + "Kolt, …" → "Hasselager-Kolt"; "Social-" + "og …" keeps
    its space (a shared compound part)."""
    if re.search(r"\w-$", head) and not re.match(r"(?:og|eller|samt)\b", tail):
        return head + tail
    return f"{head} {tail}"


def _wrapped_title(title: str, block: list[Line], markdown: bool) -> tuple[str, list[Line]]:
    """A title wrapped onto one or two more lines, known as such because the
    case number stands on the line after them ("Punkt 3: Lokalplan 1221 … ved
    Kattrup," / "Hasselager-Kolt, med tillæg 1 - Endelig" / "EMN-2025-008468")."""
    texts = [ln.text.strip() for ln in block[:3]]
    for n in (1, 2):
        if len(texts) <= n or not is_case_number(clean_inline(texts[n])):
            continue
        head = block[:n]
        if all(
            t and heading_of(ln, markdown) is None and len(t) <= 120
            for ln, t in zip(head, texts, strict=False)
        ) and not texts[n - 1].endswith((".", ":")):
            for text in texts[:n]:
                title = _join_wrapped(title, text)
            return title, block[n:]
    return title, block


def parse_minutes_lines(
    lines: Sequence[Line],
    source: Source,
    hints: MeetingHints | None = None,
    problems: Sequence[Problem] = (),
) -> Document:
    """Parse minutes or an agenda given as numbered lines."""
    hints = hints or MeetingHints()
    path = source.path
    url = hints.url
    body_lines: list[Line] = []
    for line in lines:
        m = _SOURCE_URL.match(line.text)
        if m:
            url = url or m[1]
        else:
            body_lines.append(line)
    pdf = looks_pdf_extracted(body_lines)
    markdown = any(ln.text.startswith("#") for ln in body_lines[:200])
    if pdf:
        in_rec: list[bool] = []
        current = False
        for ln in body_lines:
            heading = heading_of(ln, markdown)
            if heading is not None:
                current = section_kind(heading) == "recommendation"
            in_rec.append(current)
        body_lines = move_list_numbers(body_lines, in_rec)

    headings = item_headings(body_lines)
    if not headings:
        raise SourceError(path, "no agenda items found (expected headings like 'Punkt 1: …')")
    header = body_lines[: headings[0][0]]
    fields = _header_fields(header)

    # Title: "REFERAT Socialudvalget d. 07-11-2023", "Referat af møde i Opgaveudvalg …"
    title_kind = title_committee = None
    title_date = None
    texts = [clean_inline(ln.text.strip()) for ln in header if ln.text.strip()]
    for pos, text in enumerate(texts):
        m = _TITLE.match(text)
        if not m:
            continue
        title_kind = m["kind"].lower()
        rest = m["rest"] or (texts[pos + 1] if pos + 1 < len(texts) else "")
        title_committee = _DATE_TAIL.sub("", rest).strip(" -–:") or None
        title_date = parse_date(rest)
        break
    # an unlabelled header ("Torsdag den 20. juni 2013" / "Kl. 10:30" on lines of their own)
    header_date = next((d for t in texts[:30] if (d := parse_date(t))), None)
    header_time = next(
        (
            tm
            for t in texts[:30]
            if re.match(r"^(?:kl\.?|klokken)\s*\d", t, re.I) and (tm := parse_time(t))
        ),
        None,
    )

    date_text = fields.get("date", "")
    date = hints.date or parse_date(date_text) or title_date or header_date
    if date is None and url:
        date = parse_date(url.rsplit("/", 1)[-1])
    if date is None:
        raise SourceError(
            path,
            "no meeting date (expected a 'Mødedato' line, a date in the title, or a Source URL)",
            line=header[0].number if header else None,
        )
    committee = hints.committee or title_committee
    if committee is None and url:
        committee = committee_from_url(url, _known_bodies(body_lines))
    if committee is None:
        raise SourceError(path, "no committee named (expected a 'Referat <udvalg>' title line)")
    place = hints.place or fields.get("place")
    full_text = "\n".join(ln.text for ln in body_lines)
    municipality = hints.municipality or infer_municipality(full_text, place, url)
    extra_problems = list(problems)
    if municipality is None:
        municipality = "Ukendt kommune"
        extra_problems.append(
            Problem("no municipality named in the text; stored as 'Ukendt kommune'")
        )

    end = None
    for ln in body_lines:
        if _ENDED.search(ln.text):
            # "mødet hævet kl.: 19.05" may wrap: read the time from the next line too
            idx = body_lines.index(ln)
            end = parse_time(" ".join(x.text for x in body_lines[idx : idx + 2]))
            break

    items: list[AgendaItem] = []
    bounds = [h[0] for h in headings] + [len(body_lines)]
    for (start, number, title), stop in zip(headings, bounds[1:], strict=True):
        block = list(body_lines[start + 1 : stop])
        if pdf:  # a wrapped item title continues on the next line(s) before a blank line
            while block and block[0].text.strip() and heading_of(block[0], markdown) is None:
                nxt = block[0].text.strip()
                if (
                    re.match(r"^[\d.]+-", nxt)
                    or is_case_number(clean_inline(nxt))
                    or _CONFIRMS_ITEM.match(nxt)
                    or re.match(r"^[\w ./-]{2,40}:\s", nxt)  # "Sagsnr.: 12/27845"
                    or len(title) > 200
                ):
                    break
                title = _join_wrapped(title, nxt)
                block.pop(0)
        else:
            title, block = _wrapped_title(title, block, markdown)
        title, trailing_number = split_trailing_case_number(title)
        items.append(
            parse_item(
                number,
                title,
                block,
                markdown=markdown,
                pdf=pdf,
                page=body_lines[start].page,
                meeting_date=date,
                case_number=trailing_number,
            )
        )

    kind = hints.kind or ("agenda" if title_kind == "dagsorden" else "minutes")
    meeting = Meeting(
        municipality=Municipality(municipality),
        committee=Committee(committee, municipality),
        date=date,
        kind=kind,
        start=(parse_time(date_text) if date_text else None) or header_time,
        end=end,
        place=place,
        source_url=url,
        attendance=_attendance(fields),
        items=with_departures(items),
    )
    if url and source.url is None:
        source = dataclasses.replace(source, url=url)
    return Document(source=source, meetings=(meeting,), problems=tuple(extra_problems))


class TextMinutesParser:
    name = "minutes-text"
    description = "Minutes or agendas as plain text, Markdown-like text, or text extracted from PDF"

    def sniff(self, data: bytes, path: str) -> float:
        text = sniff_text(data)
        if text is None:
            return 0.0
        if item_headings(to_lines(text)):
            return 0.9
        if re.search(r"^\W*(referat|dagsorden)\b|^\W*mødedato\b", text, re.I | re.M):
            return 0.5  # a minutes header: parse() will explain what is missing
        return 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        text, problems = decode(data, source.path)
        return parse_minutes_lines(to_lines(text), source, problems=problems)


register(TextMinutesParser())
