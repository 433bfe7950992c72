"""FirstAgenda portal JSON (Greve): golden records, details, bad input, corpus counts."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from raadsgraf.errors import SourceError
from raadsgraf.model import AttendanceStatus, Outcome, ReferenceKind
from raadsgraf.parsers.htmltext import html_blocks, split_headed
from raadsgraf.parsers.itemhtml import body_name, case_history
from raadsgraf.parsers.registry import detect, parse_bytes
from raadsgraf.pipeline import parse_file, parse_files
from tests.formats_support import CORPUS, SAMPLES, check_golden

FA = SAMPLES / "firstagenda"
GREVE = Path(os.environ.get("RAADSGRAF_TEST_CORPUS", CORPUS)) / "greve"


@pytest.mark.parametrize("path", sorted(FA.glob("*.json")), ids=lambda p: p.stem)
def test_golden(path: Path, update_golden: bool) -> None:
    doc = parse_file(path)
    assert doc.source.format == "firstagenda"
    check_golden(doc, f"firstagenda/{path.stem}", update_golden)


def test_meeting_header_and_attendance() -> None:
    meeting = parse_file(FA / "greve-oekonomiudvalget-2022-12-12.json").meetings[0]
    assert meeting.municipality.name == "Greve Kommune"
    assert meeting.committee.name == "Økonomiudvalget"
    assert (meeting.date, meeting.start) == (dt.date(2022, 12, 12), dt.time(15, 20))
    assert meeting.kind == "minutes"
    absent = [a for a in meeting.attendance if a.status is AttendanceStatus.ABSENT]
    assert len(absent) == 2 and all(a.reason in ("afbud", "fraværende") for a in absent)


def test_closed_items_follow_the_title_not_isopen() -> None:
    # IsOpen is false on every Greve item; "Lukket:" in the title marks a closed one.
    raw = json.loads((FA / "greve-oekonomiudvalget-2022-01-10.json").read_text("utf-8"))
    assert all(it["IsOpen"] is False for it in raw["Dagsordenpunkter"])
    items = parse_file(FA / "greve-oekonomiudvalget-2022-01-10.json").meetings[0].items
    closed = [i for i in items if not i.is_open]
    assert [i.title.startswith("Lukket") for i in items] == [not i.is_open for i in items]
    assert len(closed) == 1 and len(items) == 4


def test_item_absences() -> None:
    items = parse_file(FA / "greve-oekonomiudvalget-2022-01-10.json").meetings[0].items
    absences = [a for i in items for a in i.attendance]
    assert len(absences) == 3
    assert all(a.status is AttendanceStatus.ABSENT and a.reason == "fraværende" for a in absences)


def test_sections_decision_recommendation_and_case_history() -> None:
    items = parse_file(FA / "greve-social-handicapudvalget-2022-03-14.json").meetings[0].items
    with_history = [i for i in items if any(s.kind == "case_history" for s in i.sections)]
    assert len(with_history) == 6
    for item in with_history:
        history = [r for r in item.references if r.kind == ReferenceKind.CASE_HISTORY]
        assert history and all(r.date and r.body for r in history)
    decided = [i for i in items if i.decision]
    assert decided and all(i.decision.outcome in Outcome for i in decided if i.decision)
    rec = next(i.recommendation for i in items if i.recommendation and i.recommendation.points)
    assert rec.by and all(p.lower().startswith("at") for p in rec.points)


def test_case_history_in_paragraph_layout() -> None:
    # The 2025 layout: <h4> headings, "DD/MM/YYYY Body" entries (Økonomiudvalget 5 Nov 2025).
    html = (
        "<h4>Sagens forløb</h4>\n<h4><span>08/09/2025\nByrådet</span></h4>\n"
        "<h4><span>Byrådet\nsendte sagen til realitetsbehandling i Økonomiudvalget.</span></h4>"
    )
    [(heading, body)] = list(split_headed(html_blocks(html)))
    assert heading == "Sagens forløb"
    [ref] = case_history(body)
    assert (ref.date, ref.body) == (dt.date(2025, 9, 8), "Byrådet")
    assert ref.decision == "Byrådet sendte sagen til realitetsbehandling i Økonomiudvalget."


def test_unreleased_decision_is_none() -> None:
    html = (
        "<h3>Sagens forløb</h3><span class='sagsforloeb'><u>10-01-2022 Økonomiudvalget 2022</u>"
        "<br> Beslutning ikke frigivet<br> <u>31-01-2022 Byråd 2022</u><br> <div>Godkendt.</div>"
        "</span>"
    )
    [(_, body)] = list(split_headed(html_blocks(html)))
    first, second = case_history(body)
    assert (first.body, first.decision) == ("Økonomiudvalget", None)
    assert (second.body, second.date, second.decision) == (
        "Byrådet",
        dt.date(2022, 1, 31),
        "Godkendt.",
    )


def test_body_names() -> None:
    assert body_name(".Spørgsmål / Svar til Byrådet 2022-2025") == "Spørgsmål / Svar til Byrådet"
    assert body_name("Byråd 2022-2025") == "Byrådet"
    assert body_name("Klima-, Teknik- og Miljøudvalget 2022") == "Klima-, Teknik- og Miljøudvalget"


def test_truncated_json_is_one_clear_error(tmp_path: Path) -> None:
    data = (FA / "greve-oekonomiudvalget-2022-12-12.json").read_bytes()[:3000]
    bad = tmp_path / "truncated.json"
    bad.write_bytes(data)
    assert detect(data, str(bad)).name == "firstagenda"
    with pytest.raises(SourceError) as err:
        parse_file(bad)
    assert str(err.value).startswith(f"{bad}:l")
    assert "invalid JSON" in str(err.value) and "\n" not in str(err.value)


def test_json_that_is_not_a_meeting() -> None:
    with pytest.raises(SourceError, match="not a FirstAgenda meeting: no 'Moede'"):
        parse_bytes(b'{"Dagsordenpunkter": [], "Udvalg": {}}', "x.json", "firstagenda")


def test_folder_keeps_going_past_a_bad_file(tmp_path: Path) -> None:
    good = FA / "greve-byraad-2025-09-08.json"
    (tmp_path / "good.json").write_bytes(good.read_bytes())
    (tmp_path / "bad.json").write_bytes(good.read_bytes()[:500])
    report = parse_files([tmp_path], progress=False)
    assert [Path(d.source.path).name for d in report.documents] == ["good.json"]
    assert len(report.failures) == 1 and "bad.json" in str(report.failures[0])


@pytest.mark.skipif(not GREVE.is_dir(), reason="the Greve corpus is not at hand")
def test_whole_greve_corpus() -> None:
    """373 meetings, no failures, and the counts the corpus README states."""
    report = parse_files([GREVE], progress=False)
    assert report.failures == []
    meetings = [m for d in report.documents for m in d.meetings]
    items = [i for m in meetings for i in m.items]
    assert len(meetings) == 373
    assert len(items) == 5553
    assert sum(i.case_number is not None for i in items) == 5111
    assert (
        sum(not i.is_open for i in items) == 387
    )  # 2 say "sagen skal behandles for lukkede døre" (fail-closed wording)
    # open items: a "Beslutning" holding only ".", "Afbud: …" or "Beslutning ikke
    # frigivet" is no decision; closed items' decisions stand without a heading
    assert sum(i.decision is not None for i in items if i.is_open) == 4787
    assert sum(i.decision is not None for i in items if not i.is_open) == 378
    history = [i for i in items if any(r.kind == ReferenceKind.CASE_HISTORY for r in i.references)]
    assert len(history) == 1675  # Byråd 25.06.2025 item 6 is sealed now (its text says closed)
    assert all(
        r.date is not None
        for i in history
        for r in i.references
        if r.kind == ReferenceKind.CASE_HISTORY
    )
    # 975 listed + "Afbud: …" lines + per-item absences ("X deltog ikke i behandlingen", …)
    assert sum(len(i.attendance) for i in items) == 2361
    assert sum(len(i.attachments) for i in items) == 8390


def test_records_keep_their_enums_through_the_folder_walk() -> None:
    # the privacy pass maps every string; a StrEnum must stay itself
    report = parse_files([FA / "greve-social-handicapudvalget-2022-03-14.json"], progress=False)
    item = report.documents[0].meetings[0].items[1]
    assert all(isinstance(r.kind, ReferenceKind) for r in item.references)
    assert item.decision is None or isinstance(item.decision.outcome, Outcome)
