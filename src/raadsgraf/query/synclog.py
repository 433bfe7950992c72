"""The sync log: one JSON line per ``raadsgraf sync`` in ``<store>/sync/log.jsonl``
(written by :mod:`raadsgraf.harvest.sync`), read here for the API and the app."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SYNC_DIR = "sync"
SYNC_LOG = "log.jsonl"


@dataclass(slots=True)
class SyncSummary:
    started: str
    finished: str = ""
    new: int = 0  # meetings (portals) and source files (folders) added
    changed: int = 0
    withdrawn: int = 0  # meetings and items
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    deferred: int = 0
    requests: int = 0
    #: named graphs of the sources this run added or replaced
    sources: list[str] = field(default_factory=list)
    withdrawn_iris: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # one summary line per portal / folder

    def summary(self) -> str:
        return (
            f"sync: {self.new} new, {self.changed} changed, {self.withdrawn} withdrawn, "
            f"{self.failed} failed ({self.requests} request(s))"
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def log_path(store: str | Path) -> Path:
    return Path(store) / SYNC_DIR / SYNC_LOG


def sync_history(store: str | Path, limit: int = 20) -> list[SyncSummary]:
    """The last ``limit`` syncs, newest first (a damaged line is skipped)."""
    path = log_path(store)
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[::-1]:
        try:
            out.append(SyncSummary(**json.loads(line)))
        except (ValueError, TypeError):
            continue
        if len(out) >= limit:
            break
    return out


def last_sync(store: str | Path) -> SyncSummary | None:
    history = sync_history(store, 1)
    return history[0] if history else None
