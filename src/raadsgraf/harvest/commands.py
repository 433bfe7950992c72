"""The commands for staying current: ``harvest``, ``watch``, ``sync`` and ``feed``.

Registered on the main group by :mod:`raadsgraf.cli` (they live beside the
harvester so that the CLI module stays one screenful per concern); the same
habits: stdout carries data (``--json``, feed XML), stderr one line per
failure and a summary.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Any

import click

from raadsgraf.errors import RaadsgrafError

EXIT_FAILED = 1

_STORE = click.option(
    "--store",
    default=None,
    type=click.Path(path_type=str),
    help="Store folder (default: setting `store`, env RAADSGRAF_STORE, indexes/store).",
)


def _load(**overrides: Any) -> Any:
    from raadsgraf import config

    try:
        return config.load(overrides)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _failures(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"error: {line}", err=True)


@click.command()
@click.argument("url")
@_STORE
@click.option("--attachments", is_flag=True, default=None, help="Also fetch the attachments' PDFs.")
@click.option(
    "--max",
    "max_meetings",
    type=int,
    default=None,
    help="Fetch at most N meetings this run (0: no cap; setting sync_max).",
)
@click.option(
    "--rate", type=float, default=None, help="Requests per second (0: no limit; setting sync_rate)."
)
@click.option("--no-index", is_flag=True, help="Load the graph only; leave the search index.")
@click.option("--json", "as_json", is_flag=True, help="Print the harvest report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def harvest(
    url: str,
    store: str | None,
    attachments: bool | None,
    max_meetings: int | None,
    rate: float | None,
    no_index: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Fetch a FirstAgenda portal's new and changed meetings and ingest them.

    Lists the committees and their meetings, asks for each meeting with a
    conditional request (or compares a content hash), and ingests what is new
    or changed. An agenda republished as minutes replaces it; a meeting or an
    item gone from the portal is recorded as withdrawn. A failing meeting is one
    line on stderr; the rest goes on, and the next run retries it. The harvest
    log in the store makes a run resumable.

    \b
    Examples:
      raadsgraf harvest https://dagsordener.greve.dk
      raadsgraf harvest https://dagsordener.greve.dk --max 50 --rate 1 --no-index
    """
    from raadsgraf.harvest import harvest as run

    settings = _load(
        store=store, sync_attachments=attachments, sync_max=max_meetings, sync_rate=rate
    )
    try:
        report = run(url, settings, index=not no_index, progress=not quiet)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json(
            {
                "portal": report.portal,
                "listed": report.listed,
                "new": report.new,
                "changed": report.changed,
                "unchanged": report.unchanged,
                "withdrawn_meetings": report.withdrawn_meetings,
                "withdrawn_items": report.withdrawn_items,
                "deferred": report.deferred,
                "failed": report.failures,
                "requests": report.requests,
                "fetched": report.fetched,
                "not_modified": report.not_modified,
            }
        )
    _failures(report.failures)
    click.echo(report.summary(), err=True)
    if report.failures:
        sys.exit(EXIT_FAILED)


@click.command()
@click.argument("folder", type=click.Path(path_type=str))
@_STORE
@click.option(
    "--settle",
    type=float,
    default=None,
    help="Seconds an export must stay unchanged (setting sync_settle).",
)
@click.option(
    "--marker",
    default=None,
    help="A file that marks an export complete, e.g. READY (setting sync_marker).",
)
@click.option("--once", is_flag=True, help="Look once and exit (for cron); default: keep watching.")
@click.option(
    "--interval", type=float, default=30.0, show_default=True, help="Seconds between looks."
)
@click.option("--no-index", is_flag=True, help="Load the graph only; leave the search index.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def watch(
    folder: str,
    store: str | None,
    settle: float | None,
    marker: str | None,
    once: bool,
    interval: float,
    no_index: bool,
    quiet: bool,
) -> None:
    """Ingest export folders (eDoc, Acadre, SBSYS …) dropped into FOLDER once complete.

    Each entry in FOLDER is one export. It is ingested when it holds the marker
    file, or, without one, when nothing in it changed for --settle seconds, so
    a file still being copied is never read. Ingesting the same export again
    changes nothing.

    \b
    Examples:
      raadsgraf watch /srv/raadsgraf/drop --once
      raadsgraf watch /srv/raadsgraf/drop --marker READY
    """
    from raadsgraf.harvest import watch_once

    settings = _load(store=store, sync_settle=settle, sync_marker=marker)
    failed = False
    seen: dict[str, Any] = {}  # exports already ingested, by their signature
    while True:
        try:
            report = watch_once(
                folder,
                settings,
                index=not no_index,
                progress=not quiet,
                seen=None if once else seen,
            )
        except RaadsgrafError as exc:
            raise click.ClickException(str(exc)) from exc
        _failures(report.failures)
        failed = failed or bool(report.failures)
        changed = report.ingest is not None and bool(report.ingest.added or report.ingest.replaced)
        if once or changed or report.failures:
            click.echo(report.summary(), err=True)
        if once:
            break
        time.sleep(interval)
    if failed:
        sys.exit(EXIT_FAILED)


def _interval(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = text.strip().lower()
    try:
        if text and text[-1] in units:
            return float(text[:-1]) * units[text[-1]]
        return float(text)
    except ValueError:
        raise click.BadParameter(f"{text!r}: use e.g. 30m, 1h, 1d") from None


@click.command()
@_STORE
@click.option(
    "--every",
    default=None,
    help="Keep running, one sync per interval (30m, 1h, 1d; setting sync_every).",
)
@click.option("--no-index", is_flag=True, default=None, help="Graph only (setting sync_index).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def sync(
    store: str | None, every: str | None, no_index: bool | None, as_json: bool, quiet: bool
) -> None:
    """Harvest every portal and ingest every drop folder of raadsgraf.toml's [sync].

    Writes a summary (new, changed, withdrawn, failed) into the store, which the
    app shows as "Nyt siden sidste synkronisering". Run it from cron or a
    systemd timer (docs/sync.md), or keep it running with --every.

    \b
    Examples:
      raadsgraf sync
      raadsgraf sync --every 1h
    """
    from raadsgraf.harvest import run_sync

    settings = _load(store=store, sync_every=every, sync_index=False if no_index else None)

    def once() -> bool:
        try:
            summary = run_sync(settings, progress=not quiet)
        except RaadsgrafError as exc:
            click.echo(f"error: {exc}", err=True)
            return False
        if as_json:
            _echo_json(summary.as_json())
        _failures(summary.failures)
        for line in summary.lines:
            click.echo(line, err=True)
        click.echo(summary.summary(), err=True)
        return not summary.failures

    if not settings.sync_every:
        if not once():
            sys.exit(EXIT_FAILED)
        return
    from apscheduler.schedulers.blocking import BlockingScheduler

    seconds = _interval(settings.sync_every)
    scheduler = BlockingScheduler()
    # one run at a time: a slow sync is not started again over itself
    scheduler.add_job(
        once,
        "interval",
        seconds=seconds,
        max_instances=1,
        coalesce=True,
        next_run_time=dt.datetime.now(),
    )
    click.echo(f"sync every {settings.sync_every}; Ctrl-C stops", err=True)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)


@click.group()
def feed() -> None:
    """Atom feeds of new and changed items, and an iCalendar of upcoming meetings.

    Written to stdout. Entries carry the decision text (never a closed item's)
    and a link to the item in the app (setting public_url).

    \b
    Examples:
      raadsgraf feed committee "Økonomiudvalget" > oekonomiudvalget.atom
      raadsgraf feed calendar "Økonomiudvalget" > oekonomiudvalget.ics
    """


def _atom(kind: str, target: str, store: str | None, limit: int, mode: str = "hybrid") -> None:
    import raadsgraf

    try:
        with raadsgraf.open(settings=_load(store=store)) as rg:
            data = rg.atom_feed(kind, target, limit=limit, mode=mode)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(data.decode("utf-8"), nl=False)


_LIMIT = click.option("--limit", default=50, show_default=True, help="At most this many entries.")


def _simple_feed(kind: str, argument: str, help_text: str) -> None:
    """``raadsgraf feed KIND ARGUMENT``: the Atom feed of one thing, named in words."""

    @feed.command(kind, help=help_text)
    @click.argument(argument)
    @_LIMIT
    @_STORE
    def command(limit: int, store: str | None, **named: str) -> None:
        _atom(kind, named[argument], store, limit)


for _kind, _argument, _help in (
    (
        "committee",
        "name",
        """Atom feed of a committee's items (by name, part of it, or IRI).

    \b
    Example:
      raadsgraf feed committee "Social- og Handicapudvalget"
    """,
    ),
    (
        "case",
        "case_number",
        """Atom feed of the items with a case number.

    \b
    Example:
      raadsgraf feed case 22-006819
    """,
    ),
    (
        "person",
        "name",
        """Atom feed of the items of meetings a person attended or was absent from,
    and of decisions naming their position.

    \b
    Example:
      raadsgraf feed person "Pernille Beckmann"
    """,
    ),
    (
        "policy",
        "title",
        """Atom feed of the items that treated a policy or strategy.

    \b
    Example:
      raadsgraf feed policy "Boligsocial strategi"
    """,
    ),
):
    _simple_feed(_kind, _argument, _help)


@feed.command("search")
@click.argument("query")
@_LIMIT
@click.option(
    "--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True
)
@_STORE
def feed_search(query: str, limit: int, mode: str, store: str | None) -> None:
    """Atom feed of a saved search: the items it finds, newest version first.

    \b
    Example:
      raadsgraf feed search "trafiksikkerhed skolevej" --mode bm25
    """
    _atom("search", query, store, limit, mode)


@feed.command("calendar")
@click.argument("committee")
@click.option("--from", "date_from", default=None, help="First day, YYYY-MM-DD (default: today).")
@_STORE
def feed_calendar(committee: str, date_from: str | None, store: str | None) -> None:
    """iCalendar (RFC 5545) of a committee's meetings from today on.

    \b
    Example:
      raadsgraf feed calendar "Økonomiudvalget" > oekonomiudvalget.ics
    """
    import raadsgraf

    try:
        today = dt.date.fromisoformat(date_from) if date_from else None
    except ValueError:
        raise click.BadParameter(f"{date_from!r} is not YYYY-MM-DD", param_hint="--from") from None
    try:
        with raadsgraf.open(settings=_load(store=store)) as rg:
            data = rg.calendar_feed(committee, today=today)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(data.decode("utf-8"), nl=False)


def register(group: click.Group) -> None:
    for command in (harvest, watch, sync, feed):
        group.add_command(command)
