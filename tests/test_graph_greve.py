"""Lineage on Greve (FirstAgenda JSON, shared/corpus/greve): for chosen cases, every
item with the case number and every "Sagens forløb" entry appears, in date order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

import raadsgraf
from raadsgraf import iris, pipeline
from raadsgraf.config import Settings
from raadsgraf.graph.walk import SAME_CASE, STRUCTURED
from raadsgraf.model import ReferenceKind
from raadsgraf.query.lineage import LineageStep
from tests.formats_support import CORPUS

GREVE = CORPUS / "greve"
CASES = ("22-006819", "21-015609")

pytestmark = pytest.mark.skipif(not GREVE.is_dir(), reason=f"{GREVE} not present")


@pytest.fixture(scope="module")
def greve(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    files = sorted(
        p for p in GREVE.glob("*.json") if any(c.encode() in p.read_bytes() for c in CASES)
    )
    store = tmp_path_factory.mktemp("greve") / "store"
    report = pipeline.ingest(files, Settings(store=store), progress=False, index=False)
    assert report.ok, report.failures
    return store, files


def _committee_key(name: str | None) -> str:
    return iris.slug(iris.committee_name(name or ""))


@pytest.mark.parametrize("case", CASES)
def test_every_item_and_every_case_history_entry_in_order(
    greve: tuple[Path, list[Path]], case: str
) -> None:
    store, files = greve
    items: list[tuple[dt.date, str, int]] = []
    history: set[tuple[dt.date, str]] = set()
    for path in files:
        for m in raadsgraf.parse_file(path).meetings:
            for item in m.items:
                if item.case_number != case:
                    continue
                items.append((m.date, _committee_key(m.committee.name), item.number))
                for ref in item.references:
                    if ref.kind == ReferenceKind.CASE_HISTORY and ref.date and ref.body:
                        history.add((ref.date, _committee_key(ref.body)))
    assert len(items) >= 4 and history
    with raadsgraf.open(store) as rg:
        steps = rg.lineage(case).steps
    dates = [s.date for s in steps]
    assert dates == sorted(dates)  # type: ignore[type-var]
    got = {(s.date, _committee_key(s.committee), s.item_number): s.link for s in steps}
    assert set(items) <= set(got), sorted(set(items) - set(got))
    assert {got[i] for i in items} == {"start"}  # the case's own items are where it starts
    named = {(s.date, _committee_key(s.committee)) for s in steps}
    assert history <= named, sorted(history - named)


def test_case_history_resolves_to_the_same_case_at_that_meeting(
    greve: tuple[Path, list[Path]],
) -> None:
    store, _ = greve
    with raadsgraf.open(store) as rg:
        steps = rg.lineage("22-006819").steps
    assert [(s.date, s.committee, s.item_number) for s in steps] == [
        (dt.date(2022, 6, 13), "Økonomiudvalget", 29),
        (dt.date(2022, 6, 20), "Byrådet", 38),
        (dt.date(2023, 1, 23), "Økonomiudvalget", 8),
        (dt.date(2023, 1, 30), "Byrådet", 15),
    ]
    # "Byråd 2022-2025" in the portal's file names and "Byrådet" are one body
    q = 'SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a besluit:Bestuursorgaan ; skos:prefLabel ?l FILTER(STRSTARTS(?l, "Byråd")) }'
    with raadsgraf.open(store) as rg:
        assert rg.sparql(q).rows[0][0] == 1


def _steps_with_via(store: Path) -> Iterator[tuple[str, LineageStep, LineageStep]]:
    """(start, step, the step it was reached from) over the lineage of every treatment."""
    with raadsgraf.open(store) as rg:
        items = rg.sparql(
            "SELECT DISTINCT ?t WHERE { ?t a besluit:BehandelingVanAgendapunt ; dct:source ?s }"
        ).rows
        for (t,) in items:
            steps = rg.lineage(str(t)).steps
            by_iri = {s.treatment: s for s in steps}
            for s in steps:
                if s.via in by_iri:
                    yield str(t), s, by_iri[s.via]


def test_meeting_steps_come_from_treatments_the_walk_went_on_from(
    greve: tuple[Path, list[Path]],
) -> None:
    """A meeting named without an item number is a step only when a treatment of this
    matter names it: an item reached by a prose mention, or of another case, lists
    the meetings of its own matter."""
    checked = 0
    for t, s, via in _steps_with_via(greve[0]):
        if s.item_number is None:
            went_on = via.link in ("start", SAME_CASE) or (
                via.link in STRUCTURED and via.case_number is None
            )
            assert went_on, (t, s, via)
            checked += 1
    assert checked > 20


def test_a_treatment_of_the_same_case_is_linked_by_its_case(
    greve: tuple[Path, list[Path]],
) -> None:
    """A treatment that shares its case with the one it was reached from, and is
    also mentioned in prose, is linked as "sag" (and the walk goes on from it)."""
    checked = 0
    for t, s, via in _steps_with_via(greve[0]):
        if s.case_number is not None and s.case_number == via.case_number:
            assert s.link == SAME_CASE, (t, s, via)
            checked += 1
    assert checked > 20


def test_the_greve_store_satisfies_the_shapes(greve: tuple[Path, list[Path]]) -> None:
    import pyoxigraph as ox
    from rdflib import Graph

    from raadsgraf.graph.build import validate

    store, _ = greve
    with raadsgraf.open(store) as rg:
        data = rg.graph.dump(ox.RdfFormat.N_TRIPLES)
    conforms, report = validate(Graph().parse(data=data, format="nt"))
    assert conforms, report[:3000]


def test_the_derived_shortcuts_equal_their_paths_on_greve(greve: tuple[Path, list[Path]]) -> None:
    from tests.test_shortcuts import assert_shortcuts_equal_their_paths

    assert_shortcuts_equal_their_paths(greve[0])
