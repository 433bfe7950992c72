"""Atom and iCalendar feeds: pure functions from records to bytes.

* :func:`atom` — an Atom 1.0 feed (feedgen) of agenda items: one entry per item
  *and version*, so a meeting republished (agenda → minutes, a correction)
  gives its items new entries a feed reader shows. Each entry carries the
  decision text (or the recommendation, before a decision) and a link to the
  item in the app. Closed items: title only, never their text.
* :func:`calendar` — an iCalendar (RFC 5545) feed of upcoming meetings.

The store queries live in :mod:`raadsgraf.query.updates`; the CLI
(``raadsgraf feed …``) and the HTTP service call these with their records.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from urllib.parse import quote

from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event

from raadsgraf.query.updates import UpcomingMeeting, UpdatedItem

#: Meetings' times in the graph are local (Danish) wall-clock times.
LOCAL = zoneinfo.ZoneInfo("Europe/Copenhagen")
CLOSED_TEXT = "Lukket punkt: kun titlen offentliggøres."
GENERATOR = "raadsgraf"


def item_link(base_url: str, item: str) -> str:
    """The item's page in the app (``/punkt?item=<IRI>``)."""
    return f"{base_url.rstrip('/')}/punkt?item={quote(item, safe='')}"


def entry_id(item: UpdatedItem) -> str:
    """Stable per item and source version: a new version is a new entry."""
    return f"{item.item}#v-{item.version}" if item.version else f"{item.item}#tilbagetrukket"


def entry_title(item: UpdatedItem) -> str:
    when = item.date.strftime("%d.%m.%Y") if item.date else "uden dato"
    number = f"{item.number}. " if item.number is not None else ""
    head = f"{item.committee or 'Ukendt udvalg'} {when}: {number}{item.title}"
    if item.withdrawn:
        return f"{head} (trukket tilbage)"
    if item.kind == "agenda":
        return f"{head} (dagsorden)"
    return head


def entry_text(item: UpdatedItem) -> str:
    """The entry's content: never a closed item's text."""
    if item.withdrawn:
        return (
            f"Punktet eller mødet er fjernet fra kommunens portal ({item.withdrawn.isoformat()}); "
            "raadsgraf viser den sidste udgave."
        )
    if not item.is_open:
        return CLOSED_TEXT
    if item.decision:
        return f"Beslutning: {item.decision}"
    if item.recommendation:
        return f"Indstilling (endnu ikke besluttet): {item.recommendation}"
    return "Ingen beslutning endnu."


def atom(
    title: str,
    feed_id: str,
    items: list[UpdatedItem],
    *,
    base_url: str,
    self_url: str | None = None,
    subtitle: str | None = None,
) -> bytes:
    """An Atom 1.0 feed of ``items`` (newest first), valid per RFC 4287."""
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(title)
    fg.subtitle(subtitle or "Nye og ændrede dagsordenspunkter fra raadsgraf")
    fg.language("da")
    fg.generator(GENERATOR)
    fg.link(href=base_url, rel="alternate")
    if self_url:
        fg.link(href=self_url, rel="self")
    fg.author({"name": "raadsgraf"})
    newest = max((i.updated for i in items), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    fg.updated(newest)
    for item in reversed(items):  # feedgen prepends: add oldest first
        entry = fg.add_entry()
        entry.id(entry_id(item))
        entry.title(entry_title(item))
        entry.link(href=item_link(base_url, item.item), rel="alternate")
        entry.updated(item.updated)
        if item.date:
            entry.published(dt.datetime.combine(item.date, dt.time(0), LOCAL))
        entry.content(entry_text(item), type="text")
        if item.committee:
            entry.category(term=item.committee)
    data: bytes = fg.atom_str(pretty=True)
    return data


def calendar(
    name: str, meetings: list[UpcomingMeeting], *, base_url: str, now: dt.datetime | None = None
) -> bytes:
    """An iCalendar feed: one VEVENT per meeting (timed when the start is known,
    else all day), its agenda items' numbers and titles as the description."""
    cal = Calendar()
    cal.add("prodid", "-//raadsgraf//møder//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = now or dt.datetime.now(dt.UTC)
    for m in meetings:
        event = Event()
        event.add("uid", m.iri)
        event.add("dtstamp", stamp)
        kind = "dagsorden" if m.kind == "agenda" else "referat"
        event.add("summary", f"{m.committee or name}: møde ({kind})")
        if m.start is not None:
            start = m.start.replace(tzinfo=LOCAL) if m.start.tzinfo is None else m.start
            end = m.end or m.start + dt.timedelta(hours=2)
            end = end.replace(tzinfo=LOCAL) if end.tzinfo is None else end
            event.add("dtstart", start)
            event.add("dtend", max(end, start))
        else:
            event.add("dtstart", m.date)
            event.add("dtend", m.date + dt.timedelta(days=1))
        if m.place:
            event.add("location", m.place)
        event.add("url", f"{base_url.rstrip('/')}/udvalg")
        lines = [f"{n}. {t}" if n is not None else t for n, t in m.items]
        if lines:
            event.add("description", "\n".join(lines))
        cal.add_component(event)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data
