"""Agenda-portal HTML pages: FirstAgenda's rendered meeting page, as saved
from ``dagsorden.<kommune>.dk`` (Aarhus).

The page is the JSON publication rendered by the portal: a title
("Referat 1. oktober 2025 kl. 15.45"), a table of meeting facts (Udvalg,
Mødedato, Mødested, Mødedeltagere), and one ``tr.punktrow`` per item holding
the number, the title (``h2.overskrift``), the case number
(``span.sagsnummer``), the item's HTML body and its attachments
(``a.bilag-link``).

Decisions keep named votes and reservations in their text ("Jakob Søgaard
Clausen tog forbehold. Solveig Munk kunne ikke tiltræde indstillingen."); a
member "forhindret i at deltage" or who "deltog ikke i sagens behandling"
becomes an item-level absence.
"""

from __future__ import annotations

import re
from typing import Any

from raadsgraf.errors import SourceError
from raadsgraf.extract.absences import item_absences, with_departures
from raadsgraf.extract.casenumbers import split_kle
from raadsgraf.extract.dates import parse_date, parse_time
from raadsgraf.extract.people import parse_attendee_list
from raadsgraf.model import (
    AgendaItem,
    Attachment,
    Committee,
    Document,
    Meeting,
    Municipality,
    Problem,
    Source,
)
from raadsgraf.parsers.htmltext import html_blocks, html_to_text, parse_html_document
from raadsgraf.parsers.itemhtml import decision_field, read_item_blocks
from raadsgraf.parsers.registry import register

_KIND = re.compile(r"^\s*(referat|dagsorden|beslutningsprotokol)\b", re.IGNORECASE)
_MUNICIPALITY_IN_NAME = re.compile(r"^([A-ZÆØÅ][a-zæøå]+)\s+(?:Byråd|Kommune)")
_PORTAL_MARKS = (b"punktrow", b"sagsfremstillingContainer", b"dagsordeninfo")
_LOGO = re.compile(r"/([a-zæøå]+)_logo\.\w+$", re.IGNORECASE)


class PortalHtmlParser:
    name = "portal-html"
    description = "Agenda-portal meeting pages (FirstAgenda HTML, e.g. Aarhus)"

    def sniff(self, data: bytes, path: str) -> float:
        head = data[:400_000]
        if b"<html" not in head[:4096].lower() and b"<!doctype html" not in head[:4096].lower():
            return 0.0
        marks = sum(m in head for m in _PORTAL_MARKS)
        if marks >= 2:
            return 0.95
        # An HTML page without the portal's marks: claim it weakly so that the
        # user hears "not an agenda page" rather than "unknown format".
        return 0.35 if path.lower().endswith((".html", ".htm")) else 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        root = parse_html_document(data, source.path)
        rows = root.xpath("//tr[contains(concat(' ', @class, ' '), ' punktrow ')]")
        if not rows:
            raise SourceError(
                source.path,
                "HTML page is not an agenda-portal meeting page (no agenda item rows "
                "'tr.punktrow' found)",
            )
        facts = _facts(root)
        title = _first_text(root, "//h1")
        when = facts.get("mødedato") or title
        date = parse_date(when) or parse_date(title)
        if date is None:
            raise SourceError(source.path, f"no meeting date on the page (title {title!r})")
        committee = facts.get("udvalg") or _first_text(root, "//span[@class='udvalg']")
        if not committee:
            raise SourceError(source.path, "no committee ('Udvalg:') on the page")
        problems: list[Problem] = []
        municipality = _municipality(root, committee)
        if municipality is None:
            municipality = "Ukendt kommune"
            problems.append(Problem("no municipality named on the page"))
        kind_m = _KIND.match(title)
        kind = "agenda" if kind_m and kind_m[1].lower() == "dagsorden" else "minutes"
        meeting = Meeting(
            municipality=Municipality(municipality),
            committee=Committee(committee, municipality),
            date=date,
            kind=kind,
            start=parse_time(when),
            place=facts.get("mødested") or None,
            attendance=parse_attendee_list(facts.get("mødedeltagere", "")),
            items=with_departures([_item(row, i) for i, row in enumerate(rows)]),
        )
        return Document(source=source, meetings=(meeting,), problems=tuple(problems))


def _first_text(root: Any, xpath: str) -> str:
    for el in root.xpath(xpath):
        text = " ".join(el.text_content().split())
        if text:
            return text
    return ""


def _facts(root: Any) -> dict[str, str]:
    """The "Udvalg: / Mødedato: / Mødested: / Mødedeltagere:" table."""
    facts: dict[str, str] = {}
    for row in root.xpath("//table[contains(@class, 'dagsordeninfo')]//tr"):
        cells = row.xpath("./td")
        if len(cells) >= 2:
            key = " ".join(cells[0].text_content().split()).rstrip(":").lower()
            facts[key] = html_to_text(cells[1]).replace("\n", ", ")
    return facts


def _municipality(root: Any, committee: str) -> str | None:
    m = _MUNICIPALITY_IN_NAME.match(committee) or _MUNICIPALITY_IN_NAME.match(
        _first_text(root, "//title")
    )
    if m:
        return f"{m[1]} Kommune"
    for src in root.xpath("//nav//img/@src | //header//img/@src"):
        m = _LOGO.search(str(src))
        if m:
            return f"{m[1].capitalize()} Kommune"
    return None


def _item(row: Any, index: int) -> AgendaItem:
    label = _first_text(row, ".//td[1]//span")
    number = int(label) if label.isdigit() else index + 1
    title = _first_text(row, ".//h2[contains(@class, 'overskrift')]") or f"Punkt {number}"
    case = _first_text(row, ".//span[contains(@class, 'sagsnummer')]") or None
    bodies = row.xpath(".//div[contains(@class, 'punkt')]")
    blocks = html_blocks(bodies[0]) if bodies else []
    parts = read_item_blocks(blocks)
    attachments = []
    for a in row.xpath(".//a[contains(@class, 'bilag-link')]"):
        text = " ".join(a.text_content().split())
        if text:
            m = re.match(r"^bilag\s+(\d+[a-z]?)\b", text, re.I)
            attachments.append(
                Attachment(title=text, number=m[1] if m else None, location=a.get("href"))
            )
    decision_text = parts.decision.raw if parts.decision else decision_field(parts)
    return AgendaItem(
        number=number,
        title=title,
        is_open=not title.lower().startswith("lukket"),
        case_number=case,
        kle=split_kle(case) if case else None,
        sections=parts.sections,
        recommendation=parts.recommendation,
        decision=parts.decision,
        attachments=tuple(attachments),
        references=parts.references,
        attendance=item_absences(decision_text),
    )


PARSER = register(PortalHtmlParser())
