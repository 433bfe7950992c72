"""Meetings of one committee on one day: told apart, not merged.

A meeting's IRI comes from committee and date (``…/organ/byraadet/moede/2025-09-08``),
which is stable and what references to a meeting ("Byrådet 8. september 2025")
can mint. When a committee meets twice that day — Greve's Byråd met at 17:15
and again at 17:30 on 8 September 2025 — the earliest meeting keeps the date's
IRI and each later one adds its start time (``…/moede/2025-09-08T1730``,
:func:`raadsgraf.iris.sittings`). A meeting whose start is unknown is the
day's first. The minutes and the agenda of one meeting (same start) stay one.

The ingest sees the meetings of the files it reads and those already in the
store: when a file brings an earlier meeting than one the store holds under the
date's IRI, that source is read again so that its meeting moves to its
start-time IRI (:func:`plan` names it); a source no longer on disk keeps its
IRIs, and the new meeting is told apart by its start time instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from raadsgraf import iris
from raadsgraf.model import Document, Meeting

if TYPE_CHECKING:  # a Placer crosses to an ingest's waiting process, which holds no store
    from raadsgraf.graph.store import GraphBackend

_SITTING = re.compile(r"T\d{4}$")

_HELD = """
PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?g ?z ?start WHERE {
  GRAPH ?g { ?z a besluit:Zitting ; dct:source ?src . OPTIONAL { ?z prov:startedAtTime ?start } }
}"""


@dataclasses.dataclass(frozen=True, slots=True)
class Held:
    """A meeting already in the store: its source, IRI and start."""

    key: str
    iri: str
    start: dt.time | None


def base_iri(meeting: Meeting) -> str:
    return iris.meeting_iri(dataclasses.replace(meeting, sitting=None))


def held_meetings(store: GraphBackend) -> dict[str, list[Held]]:
    """The store's meetings (those read from a source, not placeholders), by
    the date's IRI of their committee and day."""
    key_of = {e.graph: e.key for e in store.sources()}
    held: dict[str, list[Held]] = defaultdict(list)
    for row in store.select(_HELD):
        key = key_of.get(row["g"].value)
        if key is None:
            continue
        start = None
        if row["start"] is not None:
            try:
                start = dt.datetime.fromisoformat(row["start"].value).time()
            except ValueError:
                start = None
        iri = row["z"].value
        held[_SITTING.sub("", iri)].append(Held(key, iri, start))
    return held


#: A source's meetings as the plan needs them: each one's date IRI and start.
Starts = tuple[tuple[str, dt.time | None], ...]


def starts_of(doc: Document) -> Starts:
    return tuple((base_iri(m), m.start) for m in doc.meetings)


def plan(
    docs: Sequence[tuple[str, Document]],
    held: dict[str, list[Held]],
    readable: Callable[[str], bool],
) -> tuple[list[Document], set[str]]:
    """The documents (by source key) with each meeting's sitting set, and the
    keys of stored sources to read again because their meeting's IRI moves."""
    place, reread = placer([(key, starts_of(doc)) for key, doc in docs], held, readable)
    return [place(doc) for _, doc in docs], reread


def placer(
    docs: Sequence[tuple[str, Starts]],
    held: dict[str, list[Held]],
    readable: Callable[[str], bool],
) -> tuple[Placer, set[str]]:
    """:func:`plan` for documents known only by their meetings' starts (a streaming
    ingest keeps no documents in memory): what sets a document's sittings, and
    the keys of stored sources to read again."""
    batch = {key for key, _ in docs}
    starts: dict[str, set[dt.time | None]] = defaultdict(set)
    for _, pairs in docs:
        for base, start in pairs:
            starts[base].add(start)
    reread: set[str] = set()
    pinned: dict[str, dt.time | None] = {}  # IRI → start of a stored meeting that cannot move
    tables: dict[str, dict[dt.time | None, str | None]] = {}
    for base, mine in starts.items():
        others = [h for h in held.get(base, []) if h.key not in batch]
        table = iris.sittings(mine | {h.start for h in others})
        tables[base] = table
        for h in others:
            sitting = table.get(h.start)
            if (f"{base}T{sitting}" if sitting else base) == h.iri:
                continue
            if readable(h.key):
                reread.add(h.key)
            else:
                pinned[h.iri] = h.start
    return Placer(tables, pinned), reread


@dataclasses.dataclass(frozen=True, slots=True)
class Placer:
    """Sets each meeting's sitting in a document, as :func:`placer` decided: plain
    data (no closure), so an ingest can hand it to its index stage's own process."""

    #: the day's IRI → a start → its sitting (None: the day's first meeting)
    tables: dict[str, dict[dt.time | None, str | None]]
    #: IRI → start of a stored meeting that cannot move
    pinned: dict[str, dt.time | None]

    def meeting(self, m: Meeting) -> Meeting:
        base = base_iri(m)
        sitting = self.tables[base].get(m.start)
        iri = f"{base}T{sitting}" if sitting else base
        if iri in self.pinned and self.pinned[iri] != m.start and m.start is not None:
            sitting = iris.sitting_of(m.start)
        return dataclasses.replace(m, sitting=sitting) if sitting != m.sitting else m

    def __call__(self, doc: Document) -> Document:
        meetings = tuple(self.meeting(m) for m in doc.meetings)
        changed = any(a is not b for a, b in zip(meetings, doc.meetings, strict=True))
        return dataclasses.replace(doc, meetings=meetings) if changed else doc
