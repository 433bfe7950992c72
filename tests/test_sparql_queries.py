"""The analyst queries in docs/queries/ run on the seeds, and their results are asserted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import raadsgraf
from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.graph.sparql import SparqlResult

ROOT = Path(__file__).parent.parent
QUERIES = ROOT / "docs" / "queries"
SEEDS = Path(__file__).parent / "samples" / "seeds"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeds") / "store"
    report = pipeline.ingest([SEEDS], Settings(store=folder), progress=False, index=False)
    assert report.ok and len(report.added) == 5
    return folder


def run(store: Path, name: str) -> SparqlResult:
    with raadsgraf.open(store) as rg:
        return rg.sparql((QUERIES / name).read_text(encoding="utf-8"))


def test_there_are_at_least_ten_documented_queries() -> None:
    queries = sorted(QUERIES.glob("*.rq"))
    assert len(queries) >= 10
    for q in queries:
        assert q.read_text(encoding="utf-8").startswith("#"), f"{q.name}: say what it asks"
        assert q.name in (ROOT / "docs" / "graph.md").read_text(encoding="utf-8"), q.name


@pytest.mark.parametrize("name", sorted(p.name for p in QUERIES.glob("*.rq")))
def test_every_query_returns_rows(store: Path, name: str) -> None:
    assert run(store, name).rows, name


def test_items_per_committee_and_outcome(store: Path) -> None:
    rows = {
        (r["committee"], r["outcome"]): r["items"]
        for r in run(store, "items-per-committee-and-outcome.rq").dicts()
    }
    # two Ballerup Socialudvalget meetings (10 + 13 items) are one committee
    assert sum(n for (c, _), n in rows.items() if c == "Socialudvalget") == 23  # type: ignore[misc]
    assert rows[("Socialudvalget", "udsat")] == 1
    assert rows[("Opgaveudvalg om boligsocial indsats", "droeftet")] == 1


def test_absences_per_person(store: Path) -> None:
    rows = {r["name"]: r for r in run(store, "absences-per-person.rq").dicts()}
    lolan = rows["Lolan Marianne Ottesen"]
    assert (lolan["party"], lolan["meetings_missed"], lolan["reasons"]) == ("A", 1, "afbud")
    assert rows["André Amingsø"]["meetings_missed"] == 0
    assert rows["André Amingsø"]["items_missed"] >= 1  # type: ignore[operator]
    assert rows["André Amingsø"]["reasons"] == "fraværende"


def test_attendance_per_meeting(store: Path) -> None:
    rows = {r["date"]: r for r in run(store, "attendance-per-meeting.rq").dicts()}
    assert rows[dt.date(2023, 11, 7)]["absent_count"] == 1
    assert rows[dt.date(2025, 2, 18)]["present_count"] == 6


def test_cases_across_committees(store: Path) -> None:
    rows = {r["case_number"]: r for r in run(store, "cases-across-committees.rq").dicts()}
    # Planstrategi 2023 (000 item 5) went through Klima- og Miljøudvalget first
    planstrategi = rows["01.02.17-P20-1-23"]
    assert set(str(planstrategi["treated_by"]).split("; ")) == {
        "Socialudvalget",
        "Klima- og Miljøudvalget",
    }
    assert (planstrategi["first"], planstrategi["last"]) == (
        dt.date(2023, 10, 3),
        dt.date(2023, 11, 7),
    )
    assert rows["00.30.14-G01-4-23"]["committees"] == 2
    # the housing strategy's earlier treatment was in the same committee: not listed
    assert "03.00.00-P22-2-23" not in rows


def test_policies_and_what_they_replace(store: Path) -> None:
    (row,) = run(store, "policies-and-what-they-replace.rq").dicts()
    assert row["title"] == "Ballerups Kommunes boligsociale strategi 2024-2029"
    assert (row["adopted_by"], row["adopted_on"]) == ("Kommunalbestyrelsen", dt.date(2024, 1, 29))
    assert row["replaced_year"] == "2014"


def test_policy_treatments(store: Path) -> None:
    rows = run(store, "policy-treatments.rq").dicts()
    assert [(r["date"], r["committee"], r["number"], r["in_corpus"]) for r in rows] == [
        (dt.date(2023, 8, 15), "Socialudvalget", 5, False),
        (dt.date(2023, 11, 7), "Socialudvalget", 7, True),
    ]


def test_separate_positions(store: Path) -> None:
    rows = run(store, "separate-positions.rq").dicts()
    assert {r["name"] for r in rows} == {"Maria Lundahl Assov", "Per Mortensen", "Johan Müller"}
    assert {(r["date"], r["number"], r["stance"]) for r in rows} == {
        (dt.date(2022, 10, 4), 12, "anbefaler")
    }


def test_earlier_treatments_not_in_corpus(store: Path) -> None:
    rows = {
        (r["date"], r["committee"], r["number"])
        for r in run(store, "earlier-treatments-not-in-corpus.rq").dicts()
    }
    assert (dt.date(2023, 8, 15), "Socialudvalget", 5) in rows
    assert (dt.date(2023, 10, 3), "Klima- og Miljøudvalget", 11) in rows
    assert (dt.date(2023, 8, 28), "Kommunalbestyrelsen", 2) in rows
    assert len(rows) == 11


def test_people_across_documents(store: Path) -> None:
    rows = run(store, "people-across-documents.rq").dicts()
    names = {r["name"] for r in rows}
    assert "Maria Lundahl Assov" in names  # attendee in 000, named in a decision in 003
    assert all(r["municipality"] == "ballerup" for r in rows)


def test_items_per_kle_group(store: Path) -> None:
    rows = {r["group"]: r["treatments"] for r in run(store, "items-per-kle-group.rq").dicts()}
    assert rows["00"] >= 1 and rows["03"] == 1  # type: ignore[operator]


def test_closed_items_per_committee(store: Path) -> None:
    rows = {r["committee"]: r for r in run(store, "closed-items-per-committee.rq").dicts()}
    assert rows["Socialudvalget"]["closed_items"] == 2


def test_cases_with_several_items(store: Path) -> None:
    rows = run(store, "cases-with-several-items.rq").dicts()
    assert [(r["case_number"], r["treatments"]) for r in rows] == [("24-012144", 2)]


def test_attendance_rate_per_member(store: Path) -> None:
    rows = {
        (r["name"], r["committee"]): r for r in run(store, "attendance-rate-per-member.rq").dicts()
    }
    # seed 000: Socialudvalget 07.11.2023, Lolan Marianne Ottesen sent her apologies
    assert rows[("Johan Müller", "Socialudvalget")]["rate_pct"] == 100
    lolan = rows[("Lolan Marianne Ottesen", "Socialudvalget")]
    assert (lolan["held"], lolan["attended"], lolan["rate_pct"]) == (1, 0, 0)
    # officials have no membership
    assert not any(name == "Eva Borg" for name, _ in rows)


def test_split_decisions_per_party(store: Path) -> None:
    rows = {r["letter"]: r for r in run(store, "split-decisions-per-party.rq").dicts()}
    # seed 003 item 12: three (A) members recommend 87 pct. instead of 85
    assert rows["A"]["party"] == "Socialdemokratiet"
    assert (rows["A"]["decisions"], rows["A"]["stances"]) == (1, "anbefaler")


def test_positions_of_one_member(store: Path) -> None:
    (row,) = run(store, "positions-of-one-member.rq").dicts()
    assert row["date"] == dt.date(2022, 10, 4) and row["item"] == 12
    assert row["stance"] == "anbefaler" and row["derived"] is False
    assert "87 pct" in str(row["sentence"])
