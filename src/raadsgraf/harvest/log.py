"""The harvest log: what raadsgraf holds of one portal, kept in the store.

``<store>/harvest/<portal host>/`` (beside the store's generations, which an
ingest replaces; this folder is never copied or pruned)::

    log.json               every meeting seen: its validators (ETag, Last-Modified),
                           the sha-256 of the portal's answer, its items, whether the
                           file is in the graph yet (``ingested``), and withdrawals
    meetings/<id>.json     the last good answer for each meeting (the ingested source)
    meetings/.attachments/ attachment PDFs (``--attachments``), named by their URL's hash

A run appends each meeting it fetched to ``journal.jsonl`` (one line, flushed
to disk) and folds the journal into ``log.json`` at the end, so a crash loses
nothing and a run costs one write per meeting, not one log rewrite: the next
run replays the journal, finds the fetched but not yet ingested files
(``ingested`` false) and ingests them. ``log.json`` is rewritten only when
something in it changed.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from raadsgraf.errors import RaadsgrafError

LOG = "log.json"
JOURNAL = "journal.jsonl"
MEETINGS = "meetings"
LOG_VERSION = 1


@dataclass(slots=True)
class ItemState:
    """An agenda item as the portal last showed it (or showed it before it went)."""

    iri: str
    number: int
    title: str
    is_open: bool
    withdrawn: str | None = None  # ISO date the harvest found it gone


@dataclass(slots=True)
class MeetingState:
    id: str
    file: str  # relative to the portal's folder
    sha256: str  # of the portal's answer, as fetched
    iri: str
    committee: str
    date: str
    kind: str  # "agenda" or "minutes"
    fetched: str
    etag: str | None = None
    last_modified: str | None = None
    ingested: bool = False
    withdrawn: str | None = None  # ISO date the meeting was gone from the portal
    items: dict[str, ItemState] = field(default_factory=dict)
    attachments: list[str] = field(default_factory=list)

    @staticmethod
    def from_json(data: dict[str, Any]) -> MeetingState:
        items = {k: ItemState(**v) for k, v in data.pop("items", {}).items()}
        return MeetingState(**data, items=items)


def portal_folder(store: Path, base: str) -> Path:
    """``<store>/harvest/<host>`` for a portal's base URL (the port, if any, after a dash)."""
    host = base.split("://", 1)[-1].strip("/").lower()
    return Path(store) / "harvest" / re.sub(r"[^a-z0-9.-]+", "-", host)


class HarvestLog:
    """The log of one portal's folder."""

    def __init__(self, folder: Path, portal: str) -> None:
        self.folder = folder
        self.portal = portal
        self.meetings: dict[str, MeetingState] = {}
        self.graph_sha: str | None = None
        self._saved: str | None = None
        path = folder / LOG
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.meetings = {
                    k: MeetingState.from_json(dict(v)) for k, v in data["meetings"].items()
                }
                self.graph_sha = data.get("graph_sha")
            except (ValueError, KeyError, TypeError) as exc:
                raise RaadsgrafError(f"{path}: damaged harvest log ({exc})") from None
            self._saved = self._text()
        journal = folder / JOURNAL
        if journal.is_file():  # a run that stopped before folding its journal in
            for line in journal.read_text(encoding="utf-8").splitlines():
                try:
                    state = MeetingState.from_json(json.loads(line))
                except (ValueError, TypeError):
                    continue  # the line a crash cut short: that meeting is fetched again
                self.meetings[state.id] = state

    def record(self, meeting: MeetingState) -> None:
        """Journal one fetched meeting now (a crash after this loses nothing)."""
        self.meetings[meeting.id] = meeting
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(meeting), ensure_ascii=False) + "\n"
        with open(self.folder / JOURNAL, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())

    def _text(self) -> str:
        data = {
            "version": LOG_VERSION,
            "portal": self.portal,
            "graph_sha": self.graph_sha,
            "meetings": {k: asdict(v) for k, v in sorted(self.meetings.items())},
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    def save(self) -> bool:
        """Write the log if it changed (atomically); True when it was written."""
        text = self._text()
        journal = self.folder / JOURNAL
        if text == self._saved:
            journal.unlink(missing_ok=True)
            return False
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / LOG, text.encode("utf-8"))
        journal.unlink(missing_ok=True)  # folded in
        self._saved = text
        return True

    def path_of(self, meeting: MeetingState) -> Path:
        return self.folder / meeting.file

    def pending(self) -> list[MeetingState]:
        """Meetings fetched but not yet in the graph (a run that stopped early)."""
        return [m for m in self.meetings.values() if not m.ingested]


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside, then rename: a reader (or a crash) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One harvest of a portal at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RaadsgrafError(f"{folder}: another harvest of this portal is running") from None
        yield
