"""The service serves the Atom and iCalendar feeds: valid, cached by ETag, 404 for nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import feedparser
import icalendar
import pytest
from fastapi.testclient import TestClient

from raadsgraf.config import Settings
from raadsgraf.serve.app import ServeOptions, create_app


@pytest.fixture(scope="module")
def client(seed_store: Path) -> Iterator[TestClient]:
    settings = Settings(store=seed_store, serve_rate_limit=0)
    app = create_app(seed_store, settings, ServeOptions(warm=False))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_a_committee_feed_is_valid_atom_with_decisions(client: TestClient) -> None:
    r = client.get("/feeds/committee.atom", params={"target": "Socialudvalget"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries and all(e.link for e in feed.entries)
    again = client.get(
        "/feeds/committee.atom",
        params={"target": "Socialudvalget"},
        headers={"If-None-Match": r.headers["etag"]},
    )
    assert again.status_code == 304


def test_a_case_feed_and_an_unknown_committee(client: TestClient) -> None:
    r = client.get("/feeds/case.atom", params={"target": "24-012144"})
    assert r.status_code == 200 and not feedparser.parse(r.content).bozo
    missing = client.get("/feeds/committee.atom", params={"target": "Ingen sådan udvalg xyz"})
    assert missing.status_code == 404
    body = missing.json()
    assert "Traceback" not in missing.text and body
    assert client.get("/feeds/nonsense.atom", params={"target": "x"}).status_code == 422


def test_the_calendar_feed_parses(client: TestClient) -> None:
    r = client.get("/feeds/calendar.ics", params={"committee": "Socialudvalget"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    assert cal.get("VERSION") == "2.0"
