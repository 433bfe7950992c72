"""Search on the real seeds with the real default model (e5-small-int8): one index
build per session (~1 min on two cores), then queries, filters and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import raadsgraf
from raadsgraf import generations, index, parse_files, pipeline
from raadsgraf.cli import cli
from raadsgraf.config import Settings
from raadsgraf.iris import item_iri

from .app_store import seed_cache
from .conftest import MODELS, SEEDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def documents():  # type: ignore[no-untyped-def]
    report = parse_files([SEEDS], progress=False)
    assert not report.failures
    return report.documents


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, seed_store: Path) -> Path:
    """The seeds ingested end to end: graph, then the search index as a sink. The
    seed store's embedding cache holds four of the five seeds' passages, so only
    the fifth's are embedded here."""
    path = seed_cache(tmp_path_factory.mktemp("store"), seed_store)
    report = pipeline.ingest([SEEDS], Settings(store=path, models=MODELS), progress=False)
    assert report.ok, report.failures
    built = report.sink_results["index"]
    assert isinstance(built, index.IndexReport)
    assert built.chunks > 100 and 0 < built.embedded < built.chunks
    assert built.embedded + built.cached == built.added == built.chunks
    return path


@pytest.fixture(scope="module")
def idx(store: Path) -> index.SearchIndex:
    return index.open_index(store, Settings(store=store, models=MODELS))


def _keys(hits: list[index.Hit]) -> list[str]:
    return [f"{h.meeting_date}#{h.item_number}" for h in hits]


def test_every_item_and_the_policy_is_indexed_with_graph_iris(
    idx: index.SearchIndex, documents
) -> None:  # type: ignore[no-untyped-def]
    iris = {c.iri for c in idx.chunks}
    expected = {item_iri(m, i) for d in documents for m in d.meetings for i in m.items}
    assert expected <= iris and len(iris) == len(expected) + 1
    closed = [c for c in idx.chunks if not c.is_open]
    assert {c.item_number for c in closed} == {8, 9} and all(c.text == "" for c in closed)


def test_reingesting_unchanged_seeds_embeds_nothing(store: Path, documents) -> None:  # type: ignore[no-untyped-def]
    live = generations.resolve(store)  # the index lives in the store's live generation
    again = index.update(live, documents[:2], Settings(store=store, models=MODELS), progress=False)
    assert again.embedded == 0 and again.removed == again.added


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_topical_queries(idx: index.SearchIndex, mode: str) -> None:
    assert _keys(idx.search("Housing First på hjemløshedsområdet", mode=mode))[0] == "2023-11-07#2"
    hits = idx.search("evaluering af studieturen til Aalborg", mode=mode, top_k=3)
    assert "2025-02-18#2" in _keys(hits)


def test_exact_queries_put_their_items_first(idx: index.SearchIndex) -> None:
    # one hit per item (by default the case's two items are one result: test_search_trust)
    both = {"2025-02-18#2", "2025-02-18#3"}
    assert set(_keys(idx.search("24-012144", per_item=True))[:2]) == both
    assert _keys(idx.search("00.22.04-I00-5-21"))[0] == "2023-11-07#1"
    assert _keys(idx.search("EMN-2018-01605"))[0] == "2018-04-09#1"
    # typed without separators, a case number still puts its items first
    assert set(_keys(idx.search("24012144", per_item=True))[:2]) == both
    assert _keys(idx.search("emn201801605"))[0] == "2018-04-09#1"
    assert _keys(idx.search("Christine Helmudt"))[0] == "2023-11-07#1"
    # absent ("afbud") from these open items: the item records name him
    absent = set(_keys(idx.search("André Amingsø", top_k=20))[:5])
    assert absent == {f"2023-11-07#{n}" for n in (4, 5, 6, 7, 10)}


def test_english_query_still_finds_the_item(idx: index.SearchIndex) -> None:
    keys = _keys(idx.search("count of homeless people", top_k=3))
    assert "2022-10-04#6" in keys


def test_filters_on_real_records(idx: index.SearchIndex) -> None:
    filters = index.Filters(committee="socialudvalget", date_from=dt.date(2023, 1, 1))
    hits = idx.search("budget", filters=filters)
    assert hits and {h.meeting_date for h in hits} == {dt.date(2023, 11, 7)}
    approved = idx.search("budget", filters=index.Filters(outcome="godkendt"))
    assert "2023-11-07#3" in _keys(approved)
    assert all(h.item_number not in (8, 9) or h.meeting_date != dt.date(2023, 11, 7) for h in
               idx.search("beskæftigelsestilbud handicap", filters=index.Filters(open_only=True)))  # fmt: skip


def test_python_api_search(store: Path) -> None:
    with raadsgraf.open(store) as rg:
        hits = rg.search("hjemløsetælling", top_k=3, committee="Socialudvalget")
        assert _keys(hits)[0] == "2022-10-04#6"
        assert not rg.search("hjemløsetælling", date_from=dt.date(2030, 1, 1))


def test_cli_search_json(store: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["search", "klimapolitik", "--json", "-k", "3", "--all", "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    # the climate policy draft first; Planstrategi 2023, ungraded for this query in the
    # dev set, sits at the floor (0.8766): 0.8767 with recipe 1's vectors, below with
    # recipe 2's, 0.8779 with recipe 3's (nearer the float32 model's); --all fills the
    # list with a weak one
    assert "2 strong hit(s); 3 shown" in result.stderr
    assert [h["weak"] for h in hits] == [False, False, True]
    assert (
        len(hits) == 3 and hits[0]["meeting_date"] == "2022-10-04" and hits[0]["item_number"] == 12
    )
    assert set(hits[0]) == {
        "rank", "score", "iri", "municipality", "committee", "meeting_date", "item_number",
        "item_title", "case_number", "document_title", "source", "section", "snippet",
        "weak", "relevance", "is_open", "other_treatments",
    }  # fmt: skip
    assert hits[0]["source"] == "003_9a5af37e850b44c7.txt" and "**" in hits[0]["snippet"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", ""], "empty query"),
        (["search", "x" * 10_000], "10,000 characters"),
        (["search", "budget", "--from", "2023-02-30"], "not a date"),
        (["search", "budget", "--from", "2024-01-01", "--to", "2023-01-01"], "is after"),
        (["search", "budget", "--outcome", "vedtaget"], "'vedtaget' is not one of"),
    ],
)
def test_cli_bad_input_is_one_line_no_traceback(store: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, [*args, "--store", str(store)])
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output


def test_cli_store_without_index(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "budget", "--store", str(tmp_path)])
    # an empty folder: the store itself is missing, and the message says what to run
    assert result.exit_code == 1 and "run `raadsgraf ingest` first" in result.output
