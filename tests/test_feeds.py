"""Feeds (issue 14): Atom per committee / case / person / policy / saved search and
iCalendar of upcoming meetings, built from a store the test portal filled; valid
per feedparser and icalendar's parser; never a closed item's text."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import feedparser
import icalendar
import pytest
from click.testing import CliRunner

import raadsgraf
from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.harvest import harvest
from raadsgraf.harvest.client import PortalClient
from raadsgraf.query.feeds import CLOSED_TEXT
from tests.portal_server import Portal, as_agenda
from tests.test_index import HashEncoder  # noqa: F401  (registers the "test-hash" encoder)

SAMPLES = Path(__file__).parent / "samples"
FILES = sorted((SAMPLES / "firstagenda").glob("*.json"))
SOCIAL = "627c09ef-8b52-4178-8100-9f5d91c933c8"
OEK = "e049b9bf-8473-4034-9a27-cd30a5583562"  # item 4 is closed
BYRAAD = "509c8433-d4b6-4cd7-8724-091d2169133e"
SECRET = "Udvalget godkendte forliget med den tidligere kommunaldirektør"
SOON = dt.date.today() + dt.timedelta(days=10)


def _harvest(portal: Portal, settings: Settings) -> None:
    client = PortalClient(rate=0, attempts=1)
    report = harvest(portal.url, settings, progress=False, client=client)
    assert report.ok, report.failures


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Portal, Settings]]:
    store = tmp_path_factory.mktemp("feeds") / "store"
    # an internal store: closed items' text IS in the graph, and still never in a feed
    settings = Settings(store=store, model="test-hash", include_closed=True)
    portal = Portal(FILES)
    portal.change(SOCIAL, as_agenda(portal.meetings[SOCIAL]))
    # an internal export: the closed item's decision is published (to test the feeds)
    closed = portal.meetings[OEK]["Dagsordenpunkter"][2]
    assert str(closed["Caption"]).startswith("Lukket")
    closed["Felter"] = [{"Navn": "Beslutning", "Html": f"<p>{SECRET}</p>"}]
    upcoming = as_agenda(portal.meetings[BYRAAD])
    upcoming["Moede"]["Dato"] = f"{SOON.isoformat()}T17:15:00+01:00"
    portal.change(BYRAAD, upcoming)
    with portal.running():
        _harvest(portal, settings)
        yield portal, settings


def _feed(settings: Settings, kind: str, target: str, **kw: object) -> feedparser.FeedParserDict:
    with raadsgraf.open(settings.store, settings) as rg:
        data = rg.atom_feed(kind, target, **kw)  # type: ignore[arg-type]
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_committee_feed_is_valid_atom_with_decisions_and_links(
    world: tuple[Portal, Settings],
) -> None:
    _, settings = world
    feed = _feed(settings, "committee", "Økonomiudvalget")
    assert len(feed.entries) == 7  # 4 + 3 items of the two meetings
    for e in feed.entries:
        assert e.link.startswith(settings.public_url + "/punkt?item=")
        assert e.id and e.updated and e.title and e.content[0].value
    decided = sum(
        1
        for f in (FILES[1], FILES[2])
        for i in raadsgraf.parse_file(f).meetings[0].items
        if i.is_open and i.decision
    )
    assert decided >= 4
    assert sum(e.content[0].value.startswith("Beslutning: ") for e in feed.entries) == decided


def test_feeds_never_carry_a_closed_items_text(world: tuple[Portal, Settings]) -> None:
    _, settings = world
    with raadsgraf.open(settings.store, settings) as rg:
        assert rg.includes_closed  # the graph holds the closed item's text …
        found = rg.sparql(
            "SELECT ?d WHERE { ?d prov:value ?v FILTER(CONTAINS(?v, 'forliget')) }"
        ).rows
        assert found
    feeds = [
        _feed(settings, "committee", "Økonomiudvalget"),
        _feed(settings, "search", SECRET, mode="bm25"),
    ]
    entry = next(
        e for e in feeds[0].entries if e.title.startswith("Økonomiudvalget 10.01.2022: 3.")
    )
    assert entry.content[0].value == CLOSED_TEXT  # … the feeds do not
    for feed in feeds:
        text = json.dumps([e.content[0].value + e.title for e in feed.entries], ensure_ascii=False)
        assert "forliget" not in text


def test_a_changed_meeting_gives_new_entries_in_committee_and_saved_search_feeds(
    world: tuple[Portal, Settings],
) -> None:
    portal, settings = world
    committee = "Social- og Handicapudvalget"
    minutes = raadsgraf.parse_file(FILES[3]).meetings[0]
    query = minutes.items[1].title
    before = _feed(settings, "committee", committee)
    search_before = _feed(settings, "search", query, mode="bm25", limit=5)
    assert all("(dagsorden)" in e.title for e in before.entries), [e.title for e in before.entries]
    portal.change(SOCIAL, json.loads(FILES[3].read_bytes()))  # the agenda becomes minutes
    _harvest(portal, settings)
    after = _feed(settings, "committee", committee)
    search_after = _feed(settings, "search", query, mode="bm25", limit=5)
    new = {e.id for e in after.entries} - {e.id for e in before.entries}
    assert len(new) == len(minutes.items) == 6
    assert all("(dagsorden)" not in e.title for e in after.entries)
    assert any(e.content[0].value.startswith("Beslutning: ") for e in after.entries)
    new_hits = {e.id for e in search_after.entries} - {e.id for e in search_before.entries}
    assert new_hits and any(query in e.title for e in search_after.entries if e.id in new_hits)


def test_case_and_person_feeds(world: tuple[Portal, Settings]) -> None:
    _, settings = world
    doc = raadsgraf.parse_file(FILES[2])
    case = next(i.case_number for i in doc.meetings[0].items if i.case_number)
    assert case is not None
    feed = _feed(settings, "case", case)
    assert feed.entries and all(e.title for e in feed.entries)
    person = next(a.person.name for a in doc.meetings[0].attendance)
    assert _feed(settings, "person", person).entries


def test_calendar_lists_upcoming_meetings(world: tuple[Portal, Settings]) -> None:
    _, settings = world
    with raadsgraf.open(settings.store, settings) as rg:
        data = rg.calendar_feed("Byrådet")
        past = rg.calendar_feed("Økonomiudvalget")
    cal = icalendar.Calendar.from_ical(data)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1
    start = events[0].decoded("dtstart")
    assert start.date() == SOON and start.hour == 17 and start.tzinfo is not None
    assert "møde (dagsorden)" in str(events[0]["summary"]) and events[0].get("uid")
    assert cal.walk("VTIMEZONE")  # TZID refers to a VTIMEZONE in the calendar (RFC 5545)
    assert icalendar.Calendar.from_ical(past).walk("VEVENT") == []


def test_policy_feed_on_seeds(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "store")
    report = pipeline.ingest([SAMPLES / "seeds"], settings, progress=False, index=False)
    assert report.ok
    feed = _feed(settings, "policy", "boligsociale strategi")
    assert feed.entries


def test_feed_cli(world: tuple[Portal, Settings]) -> None:
    from raadsgraf.cli import cli

    _, settings = world
    runner = CliRunner()
    result = runner.invoke(cli, ["feed", "committee", "Økonomi", "--store", str(settings.store)])
    assert result.exit_code == 0, result.output
    assert not feedparser.parse(result.stdout.encode()).bozo
    result = runner.invoke(cli, ["feed", "calendar", "Byrådet", "--store", str(settings.store)])
    assert result.exit_code == 0 and "BEGIN:VEVENT" in result.stdout
    result = runner.invoke(cli, ["feed", "committee", "Ingen", "--store", str(settings.store)])
    assert result.exit_code == 1 and "no committee named 'Ingen'" in result.stderr
