"""One agenda item's lines → an AgendaItem: case number, sections, the
recommendation, the decision, attachments, references and item-level absences.

Shared by the plain-text parser and by parsers of formats that reduce to text
(PDF, DOCX).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from raadsgraf.extract.absences import FOLLOWING_ABSENT, item_absences
from raadsgraf.extract.casenumbers import find_case_number, is_case_number, split_kle
from raadsgraf.extract.dates import parse_date
from raadsgraf.extract.outcomes import decision_or_none
from raadsgraf.extract.people import parse_attendee_list
from raadsgraf.extract.prose import find_prose_references
from raadsgraf.extract.references import clean_body, parse_reference
from raadsgraf.extract.sections import (
    decision_body,
    decision_date,
    normalise_heading,
    section_kind,
)
from raadsgraf.model import (
    AgendaItem,
    Attachment,
    Attendance,
    Recommendation,
    Reference,
    ReferenceKind,
    Section,
)
from raadsgraf.parsers.blocks import block_text, clean_inline, paragraph_text, paragraphs
from raadsgraf.parsers.htmltext import Block
from raadsgraf.parsers.itemhtml import case_history
from raadsgraf.parsers.text import LIST_MARKER, Line

ABSENCE_LINE = re.compile(
    r"^\**\s*(Afbud|Fraværende|Fravær|Inhabil|Deltog ikke)\s*\**\s*:?\s*\**\s*(.*)$"
)
_CASE_LABEL = re.compile(
    r"(?:sags?\s*-?\s*(?:id|nr\.?|nummer)|sag\s+nr\.?|j\.\s*nr\.?|journal(?:nummer|nr\.?))\s*:?",
    re.I,
)
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_BOLD_LINE = re.compile(r"^\*\*(.+?)\*\*:?$")
_CLOSED = re.compile(r"^(?:lukket\s*(?:punkt)?\s*[:\-–]\s*)?(?:lukket\b\s*[:\-–]?\s*)+", re.I)
_MARKER = re.compile(r"\s+\(([A-ZÆØÅ])\)$")
_ATTACHMENT_COUNT = re.compile(r"^\d+\s+bilag\b", re.I)
_RECOMMENDED = re.compile(r"^(?:anbefal(?:es|et)\b\s*[-:–]?\s*)", re.I)
_ATTACHMENT_NUMBER = re.compile(r"^(?:bilag\s+)?(\d+(?:\.\d+)*)\s*[.:)]?\s+(?=\S)", re.I)
_BY = re.compile(r"^(?P<by>.+?)\s+indstiller\b", re.I)
_POINT = re.compile(r"^(?:(\d{1,2})[.)]\s+|at\s+)(.*)$", re.I | re.S)
_INLINE_POINT = re.compile(r"\bindstiller\s*,?\s*at\s+(\S.*)$", re.I | re.S)
_LABELLED_SECTION = re.compile(r"^(?P<label>[^:]{3,40}):\s+(?P<value>\S.*)$")
_ATTACHMENT_STATUS = re.compile(r"^(?:åben|åbent|lukket)\s+", re.I)
_DOCUMENT_ID = re.compile(r"\s+\d{3,}/\d{2}$")  # Acadre's document number after the title
_ATTACHMENT_LINE = re.compile(r"^(?:\d+(?:\.\d+)*[.:)]?\s|bilag\s+\d|anbefal)", re.I)

#: Sections whose text is read as references already (one per line or entry),
#: or is a list of attachments: no sentence in them is a prose reference.
_NOT_PROSE = frozenset(
    {"earlier_treatment", "decision_history", "earlier_decision", "case_history", "attachments"}
)


@dataclass(slots=True)
class _RawSection:
    heading: str
    kind: str
    lines: list[Line] = field(default_factory=list)


def heading_of(line: Line, markdown: bool) -> str | None:
    """The heading text when ``line`` is a section heading, else None."""
    text = line.text.strip()
    m = _MD_HEADING.match(text)
    if m and markdown:
        return normalise_heading(m[1])
    m = _BOLD_LINE.match(text)
    if m and section_kind(m[1]):
        return normalise_heading(m[1])
    if (len(text) <= 60 or decision_body(normalise_heading(text))) and section_kind(text):
        return normalise_heading(text)
    return None


def split_title(title: str) -> tuple[str, bool, str | None]:
    """Title → (clean title, is_open, marker): "Lukket: LUKKET Meddelelser" is closed."""
    title = clean_inline(" ".join(title.split())).strip(" *")
    is_open = True
    m = re.search(r"\s*\((lukket|lukket punkt|åben|åbent)\)\s*", title, re.I)
    if m:
        is_open = not m[1].lower().startswith("lukket")
        title = (title[: m.start()] + " " + title[m.end() :]).strip()
    stripped = _CLOSED.sub("", title)
    if stripped != title:
        is_open, title = False, stripped.strip()
    marker = None
    m2 = _MARKER.search(title)
    if m2:
        marker, title = m2[1], title[: m2.start()].strip()
    return title, is_open, marker


def parse_recommendation(text: str) -> Recommendation:
    paras = [p for p in text.split("\n\n") if p.strip()]
    by = None
    if paras and (m := _BY.match(paras[0])):
        by = m["by"].strip()
    points: list[str] = []
    for para in paras:
        pm = _POINT.match(para.strip())
        if pm and (pm[1] or para.lower().startswith("at ")):
            point = pm[2].strip() if pm[1] else para.strip()
            points.append(point)
    if not points and (inline := _INLINE_POINT.search(text)):
        points.append(inline[1].strip())  # "Direktøren indstiller, at udvalget …" in one sentence
    return Recommendation(text=text, by=by, points=tuple(points))


def parse_attachment(line: str, scheme: bool) -> Attachment | None:
    text = clean_inline(" ".join(line.split())).strip()
    if not text or _ATTACHMENT_COUNT.match(text) or text.lower() in {"ingen", "ingen bilag"}:
        return None
    recommended: bool | None = False if scheme else None
    number = None
    m = _ATTACHMENT_NUMBER.match(text)
    if m:
        number, text = m[1], text[m.end() :]
    text = _DOCUMENT_ID.sub("", _ATTACHMENT_STATUS.sub("", text))
    if _RECOMMENDED.match(text):
        recommended, text = True, _RECOMMENDED.sub("", text)
        m = _ATTACHMENT_NUMBER.match(text)  # "ANBEFALES Bilag 1. Tabeloversigter"
        if m:
            number, text = m[1], text[m.end() :]
    title = text.strip(" -–:")
    return Attachment(title=title, recommended=recommended, number=number) if title else None


def _history(lines: Sequence[Line]) -> list[Reference]:
    """Beslutningshistorik: an entry line (body + date) followed by its decision."""
    refs: list[tuple[Reference, list[str]]] = []
    for para in paragraphs(lines):
        for line in para:
            text = clean_inline(line.text.strip())
            low = normalise_heading(text).lower()
            if low in {"beslutning", "beslutningshistorik"}:
                continue
            ref = parse_reference(text, ReferenceKind.DECISION_HISTORY)
            short_body = ref is not None and ref.body is not None and len(ref.body.split()) <= 8
            if ref and short_body and text.split()[0].lower() not in {"den", "at"}:
                refs.append((ref, []))
            elif refs:
                refs[-1][1].append(text)
    out = []
    for ref, decision_lines in refs:
        decision = " ".join(" ".join(decision_lines).split()) or None
        out.append(_with_decision(ref, decision))
    return out


def _with_decision(ref: Reference, decision: str | None) -> Reference:
    return Reference(
        kind=ref.kind,
        raw=ref.raw,
        body=ref.body,
        date=ref.date,
        item_number=ref.item_number,
        item_title=ref.item_title,
        decision=_without_absences(decision),
        absent=item_absences(decision) if decision else (),
    )


def _without_absences(text: str | None) -> str | None:
    """A carried decision's words without its "Følgende deltog ikke …:" line."""
    if not text:
        return None
    kept = [ln for ln in text.split("\n") if not FOLLOWING_ABSENT.match(ln.strip())]
    return " ".join(" ".join(kept).split()) or None


def parse_item(
    number: int,
    title: str,
    lines: Sequence[Line],
    *,
    markdown: bool = False,
    pdf: bool = False,
    page: int | None = None,
    meeting_date: dt.date | None = None,
    case_number: str | None = None,
) -> AgendaItem:
    """Build one AgendaItem from the lines after its heading.

    ``meeting_date`` tells this meeting's dated decision ("Beslutning i Økonomi-
    udvalget den 20-06-2013") from the earlier ones carried along with the case.
    ``case_number`` is one the caller found on the heading line itself.
    """
    clean_title, is_open, marker = split_title(title)
    attendance: list[Attendance] = []
    sections: list[_RawSection] = [_RawSection("", "case")]
    i = 0
    seen_content = False
    while i < len(lines):
        line = lines[i]
        text = line.text.strip()
        i += 1
        if not text:
            sections[-1].lines.append(line)
            continue
        plain = clean_inline(text).strip()
        if case_number is None and len(sections) == 1:
            if not seen_content and is_case_number(plain):
                case_number = plain  # unlabelled, directly under the heading
                continue
            if _CASE_LABEL.match(plain):
                labelled = find_case_number(plain)
                if labelled is None and _CASE_LABEL.fullmatch(plain) and i < len(lines):
                    # the label on a line of its own, the number below it
                    nxt = clean_inline(lines[i].text.strip()).strip()
                    labelled = nxt if is_case_number(nxt) else None
                    i += labelled is not None
                if labelled:
                    case_number = labelled
                    continue
        m = ABSENCE_LINE.match(text)
        if (m or FOLLOWING_ABSENT.match(plain)) and sections[-1].kind == "earlier_decision":
            sections[-1].lines.append(line)  # absent from that earlier treatment
            continue
        if m:
            names = m[2].strip(" *")
            while not names and i < len(lines):  # "**Afbud**" with the names below
                names = lines[i].text.strip()
                i += 1
            reason = m[1].lower()
            reason = "fraværende" if reason.startswith("fravær") else reason
            attendance.extend(parse_attendee_list(names, absent=True, reason=reason))
            continue
        if FOLLOWING_ABSENT.match(plain):
            # "Følgende deltog ikke i behandlingen af punktet:" and the names,
            # after the colon or on the next line (or none at all)
            names = plain.split(":", 1)[1].strip()
            j = i
            while not names and j < len(lines) and not lines[j].text.strip():
                j += 1
            if not names and j < len(lines) and heading_of(lines[j], markdown) is None:
                below = clean_inline(lines[j].text.strip())
                if item_absences(f"Deltog ikke: {below}"):
                    names, i = below, j + 1
            attendance.extend(item_absences(f"{plain.split(':', 1)[0]}: {names}"))
            continue
        one_line = _LABELLED_SECTION.match(plain)
        if one_line and section_kind(one_line["label"]) in {"decided_by", "responsible"}:
            kind = section_kind(one_line["label"]) or "other"
            sections.append(_RawSection(normalise_heading(one_line["label"]), kind, []))
            sections[-1].lines.append(Line(one_line["value"], line.number, line.page))
            continue
        heading = heading_of(line, markdown)
        if heading is not None:
            kind = section_kind(heading) or "other"
            dated = decision_date(heading)
            if dated and parse_date(dated) not in (None, meeting_date):
                kind = "earlier_decision"
            if sections[-1].kind == "decision_history" and kind in {"decision", "decision_history"}:
                sections[-1].lines.append(line)  # history entries carry their own "Beslutning"
            else:
                sections.append(_RawSection(heading, kind, []))
            continue
        seen_content = True
        sections[-1].lines.append(line)

    built: list[Section] = []
    references: list[Reference] = []
    attachments: list[Attachment] = []
    recommendation = decision = None
    scheme = any(
        "anbefal" in ln.text.lower() for s in sections if s.kind == "attachments" for ln in s.lines
    )
    for raw in sections:
        text = block_text(raw.lines, pdf=pdf)
        if raw.kind == "earlier_treatment":
            for para in paragraphs(raw.lines, pdf=pdf):
                ref = parse_reference(paragraph_text(para), ReferenceKind.EARLIER_TREATMENT)
                if ref:
                    references.append(ref)
        elif raw.kind == "decision_history":
            references.extend(_history(raw.lines))
        elif raw.kind == "case_history":
            blocks = [Block(ln.text.strip()) for ln in raw.lines if ln.text.strip()]
            references.extend(case_history(blocks))
        elif raw.kind == "earlier_decision":
            body, date = decision_body(raw.heading), decision_date(raw.heading)
            references.append(
                Reference(
                    kind=ReferenceKind.DECISION_HISTORY,
                    raw=raw.heading,
                    body=clean_body(body) if body else None,
                    date=parse_date(date) if date else None,
                    decision=_without_absences(text),
                    absent=item_absences(text),
                )
            )
        elif raw.kind == "recommendation" and text and recommendation is None:
            recommendation = parse_recommendation(text)
        elif raw.kind == "decision" and text and decision is None:
            decision = decision_or_none(text)
            named = {a.person.name for a in attendance}
            attendance += [a for a in item_absences(text) if a.person.name not in named]
        elif raw.kind == "attachments":
            for para in paragraphs(raw.lines, pdf=pdf):
                # one attachment per line when the lines are numbered; else a wrapped title
                listed = sum(1 for ln in para if _ATTACHMENT_LINE.match(ln.text.strip())) >= 2
                titles = [ln.text for ln in para] if listed else [paragraph_text(para)]
                for title in titles:
                    att = parse_attachment(title, scheme)
                    if att and all(
                        (a.number, a.title) != (att.number, att.title) for a in attachments
                    ):
                        attachments.append(att)
        if text and raw.kind not in _NOT_PROSE:
            # "Økonomiudvalget besluttede den 22. februar 2022, at …": a treatment
            # told in a sentence, as the portal parsers read it (itemhtml.py)
            references.extend(find_prose_references(text, meeting_date))
        if text:
            first_page = next((ln.page for ln in raw.lines if ln.text.strip()), None)
            built.append(Section(raw.heading, text, raw.kind, page=first_page))
    return AgendaItem(
        number=number,
        title=clean_title,
        is_open=is_open,
        case_number=case_number,
        kle=split_kle(case_number) if case_number else None,
        sections=tuple(built),
        recommendation=recommendation,
        decision=decision,
        attachments=tuple(attachments),
        references=tuple(references),
        attendance=tuple(attendance),
        marker=marker,
        page=page,
    )


def is_list_line(text: str) -> bool:
    return bool(LIST_MARKER.match(text))
