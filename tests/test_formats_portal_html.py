"""Agenda-portal HTML pages (Aarhus): golden records, votes kept, bad pages."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from raadsgraf.errors import SourceError
from raadsgraf.model import AttendanceStatus, ReferenceKind
from raadsgraf.parsers.portal_html import item_absences
from raadsgraf.parsers.registry import detect, parse_bytes
from raadsgraf.pipeline import parse_file
from tests.formats_support import CORPUS, SAMPLES, check_golden

PAGE = SAMPLES / "portal_html" / "aarhus-teknisk-udvalg-referat-2025-10-01.html"
AARHUS = Path(os.environ.get("RAADSGRAF_TEST_CORPUS", CORPUS)) / "aarhus"


def test_golden(update_golden: bool) -> None:
    doc = parse_file(PAGE)
    assert doc.source.format == "portal-html"
    check_golden(doc, "portal_html/aarhus-teknisk-udvalg-referat-2025-10-01", update_golden)


def test_meeting_facts() -> None:
    meeting = parse_file(PAGE).meetings[0]
    assert meeting.municipality.name == "Aarhus Kommune"
    assert meeting.committee.name == "Teknisk Udvalg"
    assert (meeting.date, meeting.start) == (dt.date(2025, 10, 1), dt.time(15, 45))
    assert (meeting.kind, meeting.place) == ("minutes", "Udvalgsværelse 398")
    assert [i.number for i in meeting.items] == list(range(1, len(meeting.items) + 1))


def test_named_votes_and_reservations_stay_in_the_decision() -> None:
    item = parse_file(PAGE).meetings[0].items[1]
    assert item.title == "Udviklingsplan Aarhus Ø - endelig vedtagelse"
    assert item.decision is not None
    text = item.decision.text
    assert "Jakob Søgaard Clausen tog forbehold." in text
    assert "Solveig Munk kunne ikke tiltræde indstillingen." in text
    [absent] = item.attendance
    assert (absent.person.name, absent.status) == ("Liv Gro Jensen", AttendanceStatus.ABSENT)


def test_labelled_case_history_and_recommendation() -> None:
    item = parse_file(PAGE).meetings[0].items[1]
    history = [r for r in item.references if r.kind is ReferenceKind.CASE_HISTORY]
    assert [(r.body, r.date, r.item_number) for r in history] == [
        ("Magistraten", dt.date(2025, 9, 2), 12),
        ("Aarhus Byråd", dt.date(2025, 9, 10), 11),
        ("Teknisk Udvalg", dt.date(2025, 9, 22), 2),
    ]
    assert history[0].decision and "Venstre tog forbehold" in history[0].decision
    assert item.recommendation is not None and len(item.recommendation.points) == 2
    assert item.case_number == "EMN-2025-009242"
    assert item.attachments[1].number == "1" and item.attachments[1].location


def test_absence_sentences() -> None:
    found = item_absences("Godkendt. Anna Hansen og Bo Lund deltog ikke i behandlingen af sagen.")
    assert [a.person.name for a in found] == ["Anna Hansen", "Bo Lund"]


def test_html_that_is_not_an_agenda_page() -> None:
    page = b"<!DOCTYPE html><html><head><title>Nyheder</title></head><body><p>Hej</p></body></html>"
    assert detect(page, "news.html").name == "portal-html"
    with pytest.raises(SourceError, match="not an agenda-portal meeting page") as err:
        parse_bytes(page, "news.html")
    assert str(err.value).startswith("news.html: ")


@pytest.mark.skipif(not AARHUS.is_dir(), reason="the Aarhus corpus is not at hand")
def test_city_council_agenda_page() -> None:
    meeting = parse_file(AARHUS / "aarhus-byraad-dagsorden-2025-10-08.html").meetings[0]
    assert (meeting.committee.name, meeting.kind) == ("Aarhus Byråd", "agenda")
    assert len(meeting.items) == 33
    assert sum(bool(i.recommendation) for i in meeting.items) == 15
    assert all(i.case_number for i in meeting.items)
