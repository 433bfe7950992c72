"""``raadsgraf watch DIR``: ingest the exports that case-management systems
(eDoc, Acadre, SBSYS) drop into a folder, once each is complete.

Each entry directly in ``DIR`` — an export folder (XML + PDFs) or a single
file — is one unit. A unit is complete when it holds the marker file
(``sync_marker``, e.g. ``READY``), or, without a marker setting, when nothing in
it changed (names, sizes, modification times) for ``settle`` seconds: two
looks ``settle`` seconds apart agree and the newest file is at least that old.
A unit with a file still being written — or a partial-download name
(``*.part``, ``*.tmp``, ``*.crdownload``, ``~$…``) — waits for a later look, so a
half-copied file is never read. Complete units go to
:func:`raadsgraf.pipeline.ingest`, which skips what it already holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.errors import RaadsgrafError

PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".filepart")

Signature = tuple[tuple[str, int, int], ...]


@dataclass(slots=True)
class WatchReport:
    folder: str
    complete: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # still being written
    ingest: pipeline.IngestReport | None = None

    @property
    def failures(self) -> list[str]:
        return [str(f) for f in self.ingest.failures] if self.ingest else []

    def summary(self) -> str:
        text = (
            f"{self.folder}: {len(self.complete)} complete export(s), "
            f"{len(self.waiting)} still arriving"
        )
        if self.ingest is not None:
            text += f"; ingest: {self.ingest.summary()}"
        return text


def first_import(settings: Settings, index: bool = True) -> Settings:
    """The settings an import from a portal or drop folder ingests with: the static
    fast lane when the store has no search index yet (the first import is the whole
    archive; ``sync`` upgrades it to e5 in its idle time), else ``settings``."""
    if not index:
        return settings
    from raadsgraf.index.upgrade import first_import as fast  # the search stage, when used

    return fast(settings)


def _partial(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(PARTIAL_SUFFIXES) or name.startswith(("~$", ".~"))


def signature(unit: Path) -> Signature | None:
    """Names, sizes and mtimes of every file in a unit; None while a file in it
    looks partial (or vanished between listing and stat)."""
    files = sorted(p for p in unit.rglob("*") if p.is_file()) if unit.is_dir() else [unit]
    out = []
    for path in files:
        if _partial(path):
            return None
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        out.append(
            (
                path.relative_to(unit).as_posix() if unit.is_dir() else path.name,
                st.st_size,
                st.st_mtime_ns,
            )
        )
    return tuple(out)


def units(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise RaadsgrafError(f"{folder}: no such folder to watch")
    return sorted(
        p
        for p in folder.iterdir()
        if not p.name.startswith(".") and p.name not in pipeline.SKIPPED_NAMES and not _partial(p)
    )


def complete_units(
    folder: Path,
    *,
    settle: float,
    marker: str = "",
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.time,
) -> tuple[list[Path], list[Path]]:
    """(complete, still arriving) units of ``folder``, looking twice ``settle`` apart
    (once, when a marker file decides)."""
    found = units(folder)
    if marker:
        done = [u for u in found if u.is_dir() and (u / marker).is_file()]
        return done, [u for u in found if u not in done]
    first = {u: signature(u) for u in found}
    if settle > 0:
        sleep(settle)
    complete, waiting = [], []
    for unit in found:
        sig = signature(unit)
        newest = max((m for _, _, m in sig), default=0) / 1e9 if sig else now()
        if sig is not None and sig == first[unit] and now() - newest >= settle:
            complete.append(unit)
        else:
            waiting.append(unit)
    return complete, waiting


def watch_once(
    folder: str | Path,
    settings: Settings | None = None,
    *,
    settle: float | None = None,
    marker: str | None = None,
    index: bool = True,
    progress: bool = True,
    seen: dict[str, Signature | None] | None = None,
) -> WatchReport:
    """One look at ``folder``: ingest every complete export (see the module doc).

    ``seen`` (kept by a long-running watcher between looks) remembers each
    ingested export's signature, so an unchanged one is not read again."""
    settings = settings or Settings()
    folder = Path(folder)
    report = WatchReport(str(folder))
    complete, waiting = complete_units(
        folder,
        settle=settings.sync_settle if settle is None else settle,
        marker=settings.sync_marker if marker is None else marker,
    )
    report.complete = [str(u) for u in complete]
    report.waiting = [str(u) for u in waiting]
    signatures = {str(u): signature(u) for u in complete}
    if seen is not None:
        complete = [u for u in complete if seen.get(str(u), ()) != signatures[str(u)]]
    if complete:
        marker_name = settings.sync_marker if marker is None else marker
        files = [
            f for f in pipeline.iter_files(complete) if not marker_name or f.name != marker_name
        ]
        report.ingest = pipeline.ingest(
            files, first_import(settings, index), progress=progress, index=index
        )
        if seen is not None:
            failed = {f.path for f in report.ingest.failures}
            for unit in complete:
                if not any(p.startswith(str(unit)) for p in failed):
                    seen[str(unit)] = signatures[str(unit)]
    return report
