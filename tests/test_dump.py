"""``raadsgraf export --dump`` / ``raadsgraf load``: a store rebuilt from its dump,
without parsing or embedding, answers as the store it came from (docs/dump.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from raadsgraf import dump
from raadsgraf.cli import cli
from raadsgraf.config import Settings
from raadsgraf.errors import SourceError
from tests.backend_compare import (
    QUERIES,
    answers,
    assert_same_graph_and_lineage,
    assert_same_search,
)
from tests.conftest import MODELS


@pytest.fixture(scope="module")
def dumped(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dump")
    result = CliRunner().invoke(cli, ["export", "--dump", str(folder), "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def reloaded(dumped: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    store = tmp_path_factory.mktemp("reloaded") / "store"
    result = CliRunner().invoke(cli, ["load", str(dumped), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return Settings(store=store, models=MODELS)


def test_dump_is_canonical_and_described(seed_store: Path, dumped: Path, tmp_path: Path) -> None:
    manifest = json.loads((dumped / dump.MANIFEST).read_text())
    sources = [g for g in manifest["graphs"] if g["source"]]
    assert len(sources) == 4 and manifest["index"]["chunks"] > 100
    assert manifest["index"]["config"]["model"] == "e5-small-int8"
    for g in manifest["graphs"]:
        lines = (dumped / g["file"]).read_bytes().splitlines(keepends=True)
        assert lines == sorted(lines) and len(lines) == g["triples"] > 0
    # a second dump of the same store is the same bytes (blank nodes too)
    again = dump.export(Settings(store=seed_store), tmp_path)
    assert again.triples == sum(g["triples"] for g in manifest["graphs"])
    for g in manifest["graphs"]:
        assert (tmp_path / g["file"]).read_bytes() == (dumped / g["file"]).read_bytes()


def test_load_answers_as_the_original(seed_store: Path, reloaded: Settings) -> None:
    original = Settings(store=seed_store)
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        assert answers(reloaded, text) == answers(original, text), path.name
    assert_same_graph_and_lineage(original, reloaded)


@pytest.mark.slow
def test_load_searches_as_the_original(seed_store: Path, reloaded: Settings) -> None:
    assert_same_search(Settings(store=seed_store, models=MODELS), reloaded)


def test_a_changed_dump_file_is_named(dumped: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "dump"
    shutil.copytree(dumped, copy)
    manifest = json.loads((copy / dump.MANIFEST).read_text())
    victim = copy / manifest["graphs"][0]["file"]
    victim.write_bytes(victim.read_bytes()[:-200])
    with pytest.raises(SourceError, match=victim.name):
        dump.load(copy, Settings(store=tmp_path / "store"))
    assert not (tmp_path / "store" / "CURRENT").exists()  # nothing went live
