"""One result per case (issue #12): on all of Greve one case filled several of the ten
places, one per body that treated it. Real samples: Greve's case 21-016074 (the
ministry's ranking of the municipalities' employment efforts) as treated by
Beskæftigelses- og Erhvervsudvalget 10.01.2022, Økonomiudvalget 24.01.2022 and
Byrådet 31.01.2022 (tests/samples/cases), and two more Økonomiudvalget meetings whose
"Godkendelse af dagsorden" carries the same standing journal number."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

import raadsgraf
from raadsgraf.cli import cli
from raadsgraf.index.search import Hit, Treatment
from tests.app_store import build_store

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).parent / "samples"
APP = Path(__file__).resolve().parents[1] / "app"
CASE = "21-016074"
QUERY = "rangering af kommunernes beskæftigelsesindsats"
BODIES = {
    "Beskæftigelses- og Erhvervsudvalget": "2022-01-10",
    "Økonomiudvalget": "2022-01-24",
    "Byrådet": "2022-01-31",
}
STANDING = "21-014439"  # Økonomiudvalget's "Godkendelse af dagsorden", every meeting
REUSED = "24-008633"  # Greve files unrelated items under this one number
KLAGER = "Klagesager på det sociale område i Greve Kommune i 2023"  # two committees


@pytest.fixture(scope="module")
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = getattr(request.config, "cache", None)
    folder = Path(cache.mkdir("raadsgraf-embeddings")) if cache is not None else None
    files = [
        *sorted((SAMPLES / "cases").glob("*.json")),
        SAMPLES / "firstagenda" / "greve-oekonomiudvalget-2022-01-10.json",
        SAMPLES / "firstagenda" / "greve-oekonomiudvalget-2022-12-12.json",
    ]
    return build_store(tmp_path_factory.mktemp("cases"), files, folder)


@pytest.fixture(scope="module")
def rg(store: Path):  # type: ignore[no-untyped-def]
    with raadsgraf.open(store) as opened:
        yield opened


def _where(t: Hit | Treatment) -> tuple[str | None, str | None]:
    return t.committee, t.meeting_date.isoformat() if t.meeting_date else None


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_a_case_treated_by_three_bodies_is_one_result_carrying_the_others(
    rg: raadsgraf.Raadsgraf, mode: str
) -> None:
    hits = rg.search(QUERY, mode=mode, top_k=10)
    case = [h for h in hits if h.case_number == CASE]
    assert len(case) == 1, [_where(h) for h in case]
    (best,) = case
    assert best is hits[0] and not best.weak
    treated = {_where(best), *(_where(t) for t in best.other_treatments)}
    assert treated == set(BODIES.items())
    dates = [t.meeting_date for t in best.other_treatments]
    assert dates == sorted(dates)  # oldest first
    # one hit per item on demand, each still naming the case's other two treatments
    apart = [h for h in rg.search(QUERY, mode=mode, per_item=True) if h.case_number == CASE]
    assert {_where(h) for h in apart} == set(BODIES.items())
    assert all(len(h.other_treatments) == 2 for h in apart)


def test_case_number_query_lists_the_case_first_once(rg: raadsgraf.Raadsgraf) -> None:
    hits = rg.search(CASE, top_k=10, include_weak=True)
    assert hits[0].case_number == CASE and not hits[0].weak
    assert len(hits[0].other_treatments) == 2
    assert not any(h.case_number == CASE for h in hits[1:])
    assert hits.total == 1  # the three carriers are one strong result


def test_standing_journal_numbers_of_procedural_items_stay_apart(
    rg: raadsgraf.Raadsgraf,
) -> None:
    """Økonomiudvalget's "Godkendelse af dagsorden" keeps one journal number across its
    meetings: those are three items, no case with a history."""
    hits = rg.search("godkendelse af dagsorden", top_k=10, committee="Økonomiudvalget")
    standing = [h for h in hits if h.case_number == STANDING]
    assert len(standing) == 3 and not any(h.other_treatments for h in standing)
    assert len({h.meeting_date for h in standing}) == 3


def test_similar_items_are_other_cases(rg: raadsgraf.Raadsgraf) -> None:
    """ "Lignende punkter" of a treatment: not its own case's other treatments (they are
    its history), although their text is the most alike."""
    treatments = [h for h in rg.search(QUERY, per_item=True) if h.case_number == CASE]
    assert len(treatments) == 3
    for treatment in treatments:
        assert not any(h.case_number == CASE for h in rg.similar(treatment.iri))


def test_facets_count_a_case_once_per_value(rg: raadsgraf.Raadsgraf) -> None:
    """Under a query, a facet counts results (cases): the case counts once under each
    body that treated it, as many as choosing that body shows."""
    committees = dict(rg.search_facets(QUERY).committees)
    for body in BODIES:
        chosen = [h for h in rg.search(QUERY, top_k=100, committee=body) if not h.weak]
        assert committees[body] == len(chosen), body


def test_cli_groups_and_per_item_separates(store: Path) -> None:
    runner = CliRunner()
    base = ["search", QUERY, "--store", str(store), "--top-k", "5"]
    out = runner.invoke(cli, [*base, "--json"])
    assert out.exit_code == 0, out.output
    hits = [h for h in json.loads(out.stdout) if h["case_number"] == CASE]
    assert len(hits) == 1 and len(hits[0]["other_treatments"]) == 2
    apart = json.loads(runner.invoke(cli, [*base, "--json", "--per-item"]).stdout)
    assert sum(h["case_number"] == CASE for h in apart) == 3
    text = runner.invoke(cli, base).output
    assert "also treated: " in text and "Byrådet 2022-01-31" in text


def test_app_card_names_the_other_treatments(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAADSGRAF_STORE", str(store))
    at = AppTest.from_file(str(APP / "Hjem.py"), default_timeout=120)
    at.query_params["q"] = QUERY
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    captions = [c.value for c in at.caption if c.value.startswith("Også behandlet i ")]
    assert len(captions) == 1, captions
    (where,) = (m.value for m in at.markdown if f"sag {CASE}" in m.value)
    others = {body: date for body, date in BODIES.items() if body not in where}
    assert len(others) == 2, where
    for body, date in others.items():
        day = f"{date[8:10]}.{date[5:7]}.{date[:4]}"
        assert f"{body} {day}" in captions[0], captions[0]
    sys.path.insert(0, str(APP))
    try:
        from common import CARD_TREATMENTS, also_treated  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(APP))
    with raadsgraf.open(store) as opened:
        hit = next(h for h in opened.search(QUERY) if h.case_number == CASE)
    assert also_treated(hit) == captions[0]
    # a long history is named in part and counted
    many = dataclasses.replace(hit, other_treatments=hit.other_treatments * CARD_TREATMENTS)
    assert also_treated(many).endswith(f"og {len(many.other_treatments) - CARD_TREATMENTS} flere")


def test_one_number_filed_on_several_matters_is_several_cases(rg: raadsgraf.Raadsgraf) -> None:
    """Greve's 24-008633 holds complaints, processing times and a health reform: the
    complaints (two committees) are one result; the others are no treatments of it."""
    hits = [h for h in rg.search("klagesager på det sociale område", top_k=10)]
    (complaints,) = [h for h in hits if h.item_title == KLAGER]
    assert [t.item_title for t in complaints.other_treatments] == [KLAGER]
    by_number = rg.search(REUSED, top_k=10)
    assert {h.item_title for h in by_number if h.case_number == REUSED} == {
        KLAGER,
        "Sagsbehandlingstider på det sociale område",
        "Regeringens udspil til en sundhedsreform",
    }
