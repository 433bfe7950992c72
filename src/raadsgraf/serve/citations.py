"""Citations and links: what every answer carries so that a reader (or an
assistant) can quote the minutes and follow the graph.

A citation names the agenda item or policy by its stable IRI, with the
municipality, committee, meeting date, item number and, when the source gave
one, the web address the minutes were published at."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from raadsgraf.api import Raadsgraf
from raadsgraf.index.search import Hit
from raadsgraf.model import to_jsonable
from raadsgraf.query.lineage import LineageStep

_MEETING = re.compile(r"^(.*?/moede/[^/]+)")


@dataclass(frozen=True, slots=True)
class Citation:
    iri: str
    municipality: str | None
    committee: str | None
    date: dt.date | None
    item_number: int | None
    title: str | None
    source_url: str | None
    link: str  # this service's JSON answer for it


def meeting_of(iri: str) -> str | None:
    """The meeting IRI an item or treatment IRI belongs to (IRIs are minted so)."""
    m = _MEETING.match(iri)
    return m[1] if m else None


def link(path: str, **params: str | int | None) -> str:
    """A link to one of this service's answers (values URL-encoded, never pasted)."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"/api/{path}" + (f"?{query}" if query else "")


def resource_link(iri: str) -> str:
    """The JSON answer for an IRI, by the kind of thing its IRI names."""
    if "/punkt/" in iri:
        return link("item", iri=iri)
    if "/politik/" in iri:
        return link("policy", iri=iri)
    if "/person/" in iri:
        return link("person", iri=iri)
    if "/moede/" in iri:
        return link("meeting", iri=iri)
    if "/organ/" in iri:
        return link("committee", iri=iri)
    return link("history", target=iri)


def cite(
    rg: Raadsgraf,
    entries: Iterable[tuple[str, str | None, str | None, dt.date | None, int | None, str | None]],
) -> list[Citation]:
    """Citations for (iri, municipality, committee, date, item number, title) tuples,
    with the source addresses looked up in one query."""
    rows = list(entries)
    meetings = [m for m in (meeting_of(r[0]) for r in rows) if m]
    urls = rg.source_urls(meetings) if meetings else {}
    out = []
    for iri, muni, committee, date, number, title in rows:
        meeting = meeting_of(iri)
        out.append(
            Citation(
                iri,
                muni,
                committee,
                date,
                number,
                title,
                urls.get(meeting) if meeting else None,
                resource_link(iri),
            )
        )
    return out


def cite_hits(rg: Raadsgraf, hits: Iterable[Hit]) -> list[Citation]:
    """Citations for search hits, in their order."""
    return cite(
        rg,
        (
            (
                h.iri,
                h.municipality,
                h.committee,
                h.meeting_date,
                h.item_number,
                h.item_title or h.document_title,
            )
            for h in hits
        ),
    )


def cite_steps(rg: Raadsgraf, steps: Iterable[LineageStep]) -> list[Citation]:
    """Citations for the held steps of a history or lineage; a planned step is no
    record to cite, so it is left out."""
    return cite(
        rg,
        (
            (s.treatment, s.municipality, s.committee, s.date, s.item_number, s.title)
            for s in steps
            if not s.planned
        ),
    )


def plain(value: object) -> object:
    """Records, dicts and tuples → JSON values (dates as ISO strings). Generic over
    dataclasses, so a field the library adds to a record appears in the answer."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {name: plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    return to_jsonable(value)
