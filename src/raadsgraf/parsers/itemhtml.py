"""An agenda item's HTML body → sections, decision, recommendation, references.

FirstAgenda's JSON (``Felter[].Html``), its rendered portal pages (Aarhus) and
eDoc's AgendaWeb HTML all carry an item's text as one HTML fragment whose
``<h3>``/``<h4>`` headings are the sections. This module reads such a fragment
once its headings and lines are known (:mod:`raadsgraf.parsers.htmltext`).

"Sagens forløb" comes in two layouts, both read into CASE_HISTORY references:

* dated lines (Greve): ``10-01-2022 Økonomiudvalget 2022`` then the decision,
  or "Beslutning ikke frigivet" (not yet released → no decision);
* labelled fields (Aarhus): ``Udvalg: Magistraten`` / ``Dato: 02-09-2025`` /
  ``Punktnummer: 12`` then the decision.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from raadsgraf.extract.absences import item_absences
from raadsgraf.extract.dates import find_dates, parse_date
from raadsgraf.extract.outcomes import decision_or_none
from raadsgraf.extract.prose import find_prose_references
from raadsgraf.extract.references import parse_reference
from raadsgraf.extract.sections import section_kind
from raadsgraf.model import Decision, Recommendation, Reference, ReferenceKind, Section
from raadsgraf.parsers.htmltext import Block, blocks_text, split_headed
from raadsgraf.parsers.recommendation import parse_recommendation

#: Headings some portals use that the shared vocabulary does not hold (yet).
#: "Byråd 2022-2025", "Økonomiudvalget 2022": an election term or year is a
#: label of the portal, not part of the body's name.
#: Sections whose every dated line names another treatment of the case.
_LINE_REFERENCES = {
    "earlier_treatment": ReferenceKind.EARLIER_TREATMENT,
    "decision_history": ReferenceKind.DECISION_HISTORY,
}
_TERM = re.compile(r"\s+\d{4}(?:\s*-\s*\d{4})?$")
_DEFINITE = {"byråd": "Byrådet", "kommunalbestyrelse": "Kommunalbestyrelsen"}
_ENTRY = re.compile(r"^\s*(?:\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{4}-\d{2}-\d{2})\b")
_FIELD = re.compile(r"^\s*(udvalg|dato|punktnummer|punkt)\s*:\s*(.*)$", re.IGNORECASE)
_NOT_RELEASED = re.compile(r"^beslutning ikke frigivet\.?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ItemParts:
    sections: tuple[Section, ...]
    decision: Decision | None
    recommendation: Recommendation | None
    references: tuple[Reference, ...]


def body_name(name: str) -> str:
    """A body's name without portal decoration: ".Spørgsmål / Svar til
    Byrådet 2022-2025" → "Spørgsmål / Svar til Byrådet", "Byråd 2022" → "Byrådet"."""
    name = _TERM.sub("", " ".join(name.split()).lstrip(".· ")).strip()
    return _DEFINITE.get(name.lower(), name)


def heading_kind(heading: str | None) -> str:
    if not heading:
        return "other"
    return section_kind(heading) or "other"


def read_item_blocks(blocks: list[Block], meeting_date: dt.date | None = None) -> ItemParts:
    """Sections in order; the first decision and recommendation sections
    become records; "Sagens forløb" and treatment sentences elsewhere become
    references."""
    sections: list[Section] = []
    decision: Decision | None = None
    recommendation: Recommendation | None = None
    references: list[Reference] = []
    for heading, body in split_headed(blocks):
        text = blocks_text(body)
        if not text or text in (".", "-"):
            continue  # a wrapper heading such as "Fremstilling"
        kind = heading_kind(heading)
        sections.append(Section(heading=heading or "", text=text, kind=kind))
        if kind == "decision" and decision is None:
            decision = decision_or_none(text)
        elif kind == "recommendation" and recommendation is None:
            recommendation = parse_recommendation(text)
        if kind == "case_history":
            references.extend(case_history(body))
        elif kind in _LINE_REFERENCES:
            for block in body:
                ref = parse_reference(block.text, _LINE_REFERENCES[kind]) if block.text else None
                if ref is not None:
                    references.append(ref)
        else:
            references.extend(find_prose_references(text, meeting_date))
    return ItemParts(tuple(sections), decision, recommendation, tuple(references))


def decision_field(parts: ItemParts) -> str:
    """The text of the decision section even when it decides nothing (it may
    still name the absent: "Afbud: Kenneth Jerkel")."""
    return next((s.text for s in parts.sections if s.kind == "decision"), "")


def case_history(body: list[Block]) -> list[Reference]:
    """One Reference per entry of a "Sagens forløb" block, with the decision
    text that follows it (None while "Beslutning ikke frigivet")."""
    if any(_FIELD.match(b.text) and b.text.lower().lstrip().startswith("udvalg") for b in body):
        return _labelled_history(body)
    refs: list[Reference] = []
    current: Reference | None = None
    decision: list[str] = []
    for block in body:
        ref = parse_reference(block.text, ReferenceKind.CASE_HISTORY) if _is_entry(block) else None
        if ref is not None:
            if current is not None:
                refs.append(_with_decision(current, decision))
            current = replace(ref, body=body_name(ref.body) if ref.body else None)
            decision = []
        elif current is not None:
            decision.append(block.text)
    if current is not None:
        refs.append(_with_decision(current, decision))
    return refs


def _with_decision(ref: Reference, lines: list[str]) -> Reference:
    text = "\n".join(lines).strip()
    released = bool(text) and not _NOT_RELEASED.match(text)
    return replace(
        ref, decision=text if released else None, absent=item_absences(text) if released else ()
    )


def _is_entry(block: Block) -> bool:
    text = block.text
    return bool(_ENTRY.match(text)) and len(text) <= 120 and bool(find_dates(text[:12]))


def _labelled_history(body: list[Block]) -> list[Reference]:
    """Aarhus: "Udvalg: X", "Dato: DD-MM-YYYY", "Punktnummer: N", then text."""
    refs: list[Reference] = []
    fields: dict[str, str] = {}
    header: list[str] = []
    decision: list[str] = []

    def flush() -> None:
        if "udvalg" not in fields:
            return
        number = re.sub(r"\D", "", fields.get("punktnummer", fields.get("punkt", "")))
        ref = Reference(
            kind=ReferenceKind.CASE_HISTORY,
            raw="; ".join(header),
            body=body_name(fields["udvalg"]) or None,
            date=parse_date(fields.get("dato", "")),
            item_number=int(number) if number else None,
        )
        refs.append(_with_decision(ref, decision))

    for block in body:
        m = _FIELD.match(block.text)
        if m and (m[1].lower() == "udvalg" or not decision):
            if m[1].lower() == "udvalg":
                flush()
                fields, header, decision = {}, [], []
            fields[m[1].lower()] = m[2].strip()
            header.append(" ".join(block.text.split()))
        elif fields and block.text:
            decision.append(block.text)
    flush()
    return refs
