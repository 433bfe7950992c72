"""``raadsgraf sync``: every portal and drop folder of the configuration, once,
and a summary of what it brought, written into the store.

The configuration is the ``[sync]`` table of ``raadsgraf.toml`` (settings
``sync_*``, docs/settings.md). Each run appends one JSON line to
``<store>/sync/log.jsonl`` (beside the store's generations, never pruned): when
it ran, new / changed / withdrawn meetings, failures, and the named graphs of
the sources it added or replaced — what the app's "Nyt siden sidste
synkronisering" shows. :func:`last_sync` reads it back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from raadsgraf import iris, pipeline
from raadsgraf.config import Settings
from raadsgraf.errors import RaadsgrafError
from raadsgraf.harvest.run import harvest
from raadsgraf.harvest.watch import watch_once
from raadsgraf.query.synclog import SyncSummary, last_sync, log_path, sync_history

__all__ = ["SyncSummary", "append_log", "last_sync", "run_sync", "sync_history"]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _graphs(report: pipeline.IngestReport | None) -> list[str]:
    from raadsgraf.graph.store import source_key  # the key the ingest gave each file

    if report is None:
        return []
    return [iris.source_graph_iri(source_key(p)) for p in [*report.added, *report.replaced]]


def run_sync(settings: Settings, *, progress: bool = True) -> SyncSummary:
    """Harvest every ``sync_portals`` entry and look at every ``sync_watch`` folder;
    one failing portal or folder does not stop the others. The summary is
    appended to the store's sync log."""
    if not settings.sync_portals and not settings.sync_watch:
        raise RaadsgrafError(
            "nothing to sync: set [sync] portals and/or watch in raadsgraf.toml "
            "(or RAADSGRAF_SYNC_PORTALS / RAADSGRAF_SYNC_WATCH)"
        )
    summary = SyncSummary(started=_now())
    for url in settings.sync_portals:
        try:
            report = harvest(url, settings, index=settings.sync_index, progress=progress)
        except RaadsgrafError as exc:
            summary.failures.append(f"{url}: {exc}")
            continue
        summary.new += len(report.new)
        summary.changed += len(report.changed)
        summary.withdrawn += len(report.withdrawn_meetings) + len(report.withdrawn_items)
        summary.withdrawn_iris += report.withdrawn_meetings
        summary.failures += report.failures
        summary.deferred += report.deferred
        summary.requests += report.requests
        summary.sources += _graphs(report.ingest)
        summary.lines.append(report.summary())
    for folder in settings.sync_watch:
        try:
            watched = watch_once(folder, settings, index=settings.sync_index, progress=progress)
        except RaadsgrafError as exc:
            summary.failures.append(str(exc))
            continue
        if watched.ingest is not None:
            summary.new += len(watched.ingest.added)
            summary.changed += len(watched.ingest.replaced)
        summary.failures += watched.failures
        summary.sources += _graphs(watched.ingest)
        summary.lines.append(watched.summary())
    if settings.sync_index and settings.sync_upgrade > 0:
        _upgrade(settings, summary, progress)
    summary.failed = len(summary.failures)
    summary.finished = _now()
    append_log(Path(settings.store), summary)
    return summary


def _upgrade(settings: Settings, summary: SyncSummary, progress: bool) -> None:
    """In the run's idle time, after the harvest: re-embed at most ``sync_upgrade``
    passages of a fast-lane index with the full model (swapped in when all are)."""
    from raadsgraf.index import upgrade

    try:
        if not upgrade.pending(Path(settings.store), settings):
            return
        report = upgrade.upgrade(
            Path(settings.store), settings, max_passages=settings.sync_upgrade, progress=progress
        )
    except RaadsgrafError as exc:
        summary.failures.append(f"upgrade: {exc}")
        return
    summary.lines.append(report.summary())


def append_log(store: Path, summary: SyncSummary) -> None:
    path = log_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(summary.as_json(), ensure_ascii=False) + "\n"
    with open(path, "a", encoding="utf-8") as f:
        f.write(line)  # one write of one line: a reader sees whole lines
        f.flush()
        os.fsync(f.fileno())
