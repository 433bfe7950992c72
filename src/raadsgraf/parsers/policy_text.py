"""Policy, strategy and plan documents as text (politik, strategi, plan).

The title is the first line naming a policy kind; numbered headings ("4.1
Fokusområde 1: …") split the sections, checked against the outline so that
numbered list items in the body are not taken for headings; the adoption
("godkendt af Kommunalbestyrelsen den 29. januar 2024"), what it replaces
("erstatter den hidtidige strategi fra 2014") and the other policies it names
are read from the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from raadsgraf.errors import SourceError
from raadsgraf.extract.dates import find_dates
from raadsgraf.extract.places import infer_municipality
from raadsgraf.extract.references import clean_body
from raadsgraf.model import Document, Municipality, PolicyDocument, Section, Source
from raadsgraf.parsers.blocks import block_text, clean_inline, paragraph_text, paragraphs
from raadsgraf.parsers.minutes_text import item_headings
from raadsgraf.parsers.registry import register
from raadsgraf.parsers.text import Line, decode, sniff_text, to_lines

KINDS = ("handleplan", "strategi", "politik", "plan", "vision", "program", "charter", "aftale")
_KIND = re.compile(r"(" + "|".join(KINDS) + r")(?:en|er|erne)?\b", re.I)
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÆØÅ\"“«].{1,110})$")
_TOC_TAIL = re.compile(r"(?:\.{3,}|\t)\s*\d+\s*$|\s\d{1,3}$")
_PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b")
_ADOPTED = re.compile(
    r"\b(?:godkendt|vedtaget|endeligt\s+vedtaget|besluttet)\s+(?:af|i|på)\s+"
    r"(?P<body>[A-ZÆØÅ][\wæøå\-]+(?:\s+[\wæøå\-]+){0,3}?)\s+(?:den|d\.)\s+",
)
_PREPARED = re.compile(
    r"\budarbejdet\s+af\s+(?P<body>[A-ZÆØÅ][\wæøå\-]+(?:\s+[A-ZÆØÅ][\wæøå\-]+)*)"
)
_REPLACES = re.compile(r"\b(?:erstatter|afløser)\b", re.I)
_QUOTED = re.compile(r"[\"“”«]([^\"“”«»]{4,120})[\"“”»]")
_NAMED = re.compile(
    r"\b((?:[Vv]ision|[Ss]trategi|[Pp]olitik|[Pp]lan)\s+(?:20|19)\d{2}(?:\s*[-–]\s*(?:20|19)\d{2})?)\b"
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"“])")


def _outline_ok(number: str, last: list[int] | None) -> bool:
    """Is ``number`` the next heading after ``last`` (sibling, child or uncle)?"""
    parts = [int(p) for p in number.split(".")]
    if last is None:
        return parts in ([1], [0])
    if len(parts) == len(last) + 1 and parts[:-1] == last and parts[-1] == 1:
        return True
    for depth in range(min(len(parts), len(last)), 0, -1):
        if (
            len(parts) == depth
            and parts[:-1] == last[: depth - 1]
            and parts[-1] == last[depth - 1] + 1
        ):
            return True
    return False


def _title(lines: Sequence[Line]) -> tuple[str, int] | None:
    for idx, line in enumerate(lines[:40]):
        text = clean_inline(line.text.strip())
        if text and _KIND.search(text) and len(text) < 160 and not _TOC_TAIL.search(text):
            return text.strip(" #*"), idx
    return None


def parse_policy_lines(lines: Sequence[Line], source: Source) -> Document:
    path = source.path
    found = _title(lines)
    if found is None:
        raise SourceError(path, "no policy title (a line naming a strategi, politik or plan)")
    title, title_idx = found
    headings: list[tuple[int, str, str]] = []
    last: list[int] | None = None
    for idx in range(title_idx + 1, len(lines)):
        text = lines[idx].text.strip()
        m = _NUMBERED.match(text)
        if not m or _TOC_TAIL.search(text) or text.endswith("."):
            continue
        if _outline_ok(m[1], last):
            headings.append((idx, m[1], m[2].strip()))
            last = [int(p) for p in m[1].split(".")]
    if not headings:
        raise SourceError(path, "no numbered sections found in the policy document")
    sections: list[Section] = []
    bounds = [h[0] for h in headings] + [len(lines)]
    for (start, number, heading), stop in zip(headings, bounds[1:], strict=True):
        text = block_text(lines[start + 1 : stop])
        sections.append(
            Section(
                heading=heading, text=text, kind="policy", number=number, page=lines[start].page
            )
        )
    full = " ".join(paragraph_text(p) for p in paragraphs(lines))
    sentences = _SENTENCES.split(full)

    adopted_by = adopted_on = None
    for m in _ADOPTED.finditer(full):
        dates = find_dates(full[m.end() : m.end() + 40])
        if dates and dates[0][1] == 0:
            adopted_by, adopted_on = clean_body(m["body"]), dates[0][0]
    prepared = _PREPARED.search(full)
    replaces = tuple(s.strip() for s in sentences if _REPLACES.search(s))
    replaces_year = None
    for sentence in replaces:
        years = re.findall(r"\b(?:fra|af)\s+((?:19|20)\d{2})\b", sentence)
        if years:
            replaces_year = int(years[0])
            break
    mentions: list[str] = []
    for sentence in sentences:
        if re.search(r"strategi|politik|aftale|plan\b", sentence, re.I):
            for q in _QUOTED.findall(sentence):
                q = q.strip()
                if q[:1].isupper() and len(q.split()) <= 12 and q not in mentions and q != title:
                    mentions.append(q)
        for n in _NAMED.findall(sentence):
            name = " ".join(n.split())
            name = name[0].upper() + name[1:]
            if name.lower() not in title.lower() and name not in mentions:
                mentions.append(name)
    period_m = _PERIOD.search(title)
    kind_m = _KIND.search(title)
    municipality = infer_municipality(full)
    return Document(
        source=source,
        policies=(
            PolicyDocument(
                title=title,
                municipality=Municipality(municipality) if municipality else None,
                kind=kind_m[1].lower() if kind_m else "politik",
                period=(int(period_m[1]), int(period_m[2])) if period_m else None,
                sections=tuple(sections),
                adopted_by=adopted_by,
                adopted_on=adopted_on,
                prepared_by=clean_body(prepared["body"]) if prepared else None,
                replaces=replaces,
                replaces_year=replaces_year,
                mentions=tuple(mentions),
            ),
        ),
    )


class TextPolicyParser:
    name = "policy-text"
    description = "Policy, strategy or plan documents as text (numbered sections)"

    def sniff(self, data: bytes, path: str) -> float:
        text = sniff_text(data)
        if text is None:
            return 0.0
        lines = to_lines(text)
        if item_headings(lines):
            return 0.0
        first = next((ln.text for ln in lines if ln.text.strip()), "")
        numbered = sum(1 for ln in lines if _NUMBERED.match(ln.text.strip()))
        if _KIND.search(first) and numbered >= 2:
            return 0.8
        return 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        text, problems = decode(data, source.path)
        doc = parse_policy_lines(to_lines(text), source)
        return Document(source=doc.source, policies=doc.policies, problems=problems)


register(TextPolicyParser())
