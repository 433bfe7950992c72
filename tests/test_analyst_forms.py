"""Readable analyst queries in docs/queries/, engine forms in the package: same rows."""

from __future__ import annotations

from pathlib import Path

import pytest

import raadsgraf
from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.query.analyst import engine_form, engine_forms

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "docs" / "queries"
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("forms") / "store"
    sources = [SAMPLES / "seeds", SAMPLES / "firstagenda"]
    report = pipeline.ingest(sources, Settings(store=folder), progress=False, index=False)
    assert report.ok
    return folder


def _rows(rows: tuple[tuple[object, ...], ...]) -> tuple[tuple[object, ...], ...]:
    """Rows with GROUP_CONCAT's parts sorted: SPARQL leaves their order to the engine."""

    def norm(v: object) -> object:
        if isinstance(v, str):
            for sep in (" | ", "; "):
                if sep in v:
                    return sep.join(sorted(v.split(sep)))
        return v

    return tuple(tuple(norm(v) for v in row) for row in rows)


def test_every_engine_form_has_a_readable_form() -> None:
    forms = engine_forms()
    assert len(forms) >= 7
    assert set(forms) <= {p.stem for p in QUERIES.glob("*.rq")}


@pytest.mark.parametrize("name", sorted(engine_forms()))
def test_the_engine_form_gives_the_readable_forms_rows(store: Path, name: str) -> None:
    readable = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    with raadsgraf.open(store) as rg:
        plain = rg.sparql(readable)
        tuned = rg.sparql(readable, example=name)
    assert tuned.variables == plain.variables
    assert _rows(tuned.rows) == _rows(plain.rows), f"{name}: the engine form's rows differ"
    assert engine_form(name) != readable


def test_without_an_engine_form_the_text_runs_as_written(store: Path) -> None:
    with raadsgraf.open(store) as rg:
        r = rg.sparql("SELECT (1 AS ?one) WHERE {}", example="no-such-example")
    assert r.rows == ((1,),)
