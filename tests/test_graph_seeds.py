"""The seeds as graphs: golden Turtle (compared by isomorphism), SHACL, lineage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import RDF, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

import raadsgraf
from raadsgraf import iris, pipeline
from raadsgraf.config import Settings
from raadsgraf.graph.build import document_graph, validate
from raadsgraf.graph.vocab import RG

SEEDS = Path(__file__).parent / "samples" / "seeds"
GOLDEN = Path(__file__).parent / "golden" / "graph"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def seed_graph(path: Path) -> Graph:
    doc = raadsgraf.parse_file(path)
    # the named graph is keyed by file name here, so the golden files do not
    # depend on where the checkout lives
    return document_graph(doc, iris.source_graph_iri(path.name))


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_graph_matches_golden_turtle(path: Path, update_golden: bool) -> None:
    g = seed_graph(path)
    golden = GOLDEN / (path.stem + ".ttl")
    if update_golden or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(g.serialize(format="turtle"), encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{golden} was missing and has been written; review it")
        return
    expected = Graph().parse(golden, format="turtle")
    if not isomorphic(g, expected):
        _, only_new, only_old = graph_diff(to_isomorphic(g), to_isomorphic(expected))
        new = sorted(only_new.serialize(format="nt").splitlines())[:10]
        old = sorted(only_old.serialize(format="nt").splitlines())[:10]
        pytest.fail(f"graph differs from {golden}\nnew: {new}\nold: {old}")


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_graph_satisfies_the_shapes(path: Path) -> None:
    conforms, report = validate(seed_graph(path))
    assert conforms, report


def test_all_seeds_together_satisfy_the_shapes() -> None:
    g = Graph()
    for path in SEED_FILES:
        g += seed_graph(path)
    conforms, report = validate(g)
    assert conforms, report


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeds") / "store"
    assert pipeline.ingest([SEEDS], Settings(store=folder), progress=False, index=False).ok
    return folder


def test_lineage_of_the_housing_strategy(store: Path) -> None:
    with raadsgraf.open(store) as rg:
        result = rg.lineage(date=dt.date(2023, 11, 7), item=7, committee="Socialudvalget")
    assert [(s.date, s.committee, s.item_number, s.in_corpus, s.link) for s in result.steps] == [
        # "Økonomiudvalget besluttede den 22. februar 2022, at …": a sentence of the item
        (dt.date(2022, 2, 22), "Økonomiudvalget", None, False, "prosa"),
        (dt.date(2023, 8, 15), "Socialudvalget", 5, False, "tidligere-behandling"),
        (dt.date(2023, 11, 7), "Socialudvalget", 7, True, "start"),
        # the strategy it treated, adopted later (seed 004's own text)
        (dt.date(2024, 1, 29), "Kommunalbestyrelsen", None, False, "vedtagelse"),
    ]
    (policy,) = result.policies
    assert policy.title == "Ballerups Kommunes boligsociale strategi 2024-2029"
    assert (policy.adopted_by, policy.adopted_on) == ("Kommunalbestyrelsen", dt.date(2024, 1, 29))
    assert len(policy.replaces) == 1 and "2014" in policy.replaces[0]


def test_references_name_the_same_bodies_as_the_minutes(store: Path) -> None:
    # "Klima- og Miljøudvalgets møde" (003) and "Klima- og Miljøudvalget" (000) are one body
    q = """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
             ?c a besluit:Bestuursorgaan ; skos:prefLabel ?l FILTER(STRSTARTS(?l, "Klima")) }"""
    with raadsgraf.open(store) as rg:
        assert rg.sparql(q).rows[0][0] == 1
        steps = rg.lineage(date=dt.date(2022, 10, 4), item=12).steps
    assert [(s.committee, s.date) for s in steps] == [
        ("Klima- og Miljøudvalget", dt.date(2022, 6, 14)),
        ("Socialudvalget", dt.date(2022, 10, 4)),
    ]


def test_case_number_lineage_orders_items_in_time(store: Path) -> None:
    with raadsgraf.open(store) as rg:
        steps = rg.lineage("24-012144").steps
    items = [s for s in steps if s.item_number is not None]
    assert [s.item_number for s in items] == [2, 3]
    assert all(s.case_number == "24-012144" and s.in_corpus for s in items)
    # the meetings the items' text names (19 Nov 2024 in Teknik-, Plan- og
    # Landdistriktsudvalget; the dates planned ahead), in date order around them
    dates = [s.date for s in steps]
    assert dates == sorted(dates)  # type: ignore[type-var]
    assert (dt.date(2024, 11, 19), "Teknik-, Plan- og Landdistriktsudvalget") in {
        (s.date, s.committee) for s in steps if s.item_number is None
    }


def test_the_ingested_store_satisfies_the_shapes(store: Path) -> None:
    """What ingest loads (protected documents, placeholders, the derived graph) as a whole."""
    import pyoxigraph as ox

    with raadsgraf.open(store) as rg:
        data = rg.graph.dump(ox.RdfFormat.N_TRIPLES)
    conforms, report = validate(Graph().parse(data=data, format="nt"))
    assert conforms, report


# --- issue 12: no wrong step in a history ------------------------------------------

SLAGELSE_CASE = "24-012144"  # seed 001: the application to Landsbyggefonden


def test_a_later_step_is_in_the_history(store: Path) -> None:
    """Socialudvalget 7.11.2023 item 7 treated the housing strategy; the store knows
    Kommunalbestyrelsen adopted it on 29.01.2024: a step after this item."""
    with raadsgraf.open(store) as rg:
        result = rg.lineage(date=dt.date(2023, 11, 7), item=7, committee="Socialudvalget")
    later = [s for s in result.steps if s.date and s.date > dt.date(2023, 11, 7)]
    assert [(s.date, s.committee, s.planned) for s in later] == [
        (dt.date(2024, 1, 29), "Kommunalbestyrelsen", False)
    ]


def test_a_prose_step_is_in_the_body_the_sentence_names(store: Path) -> None:
    """ "Den 24. marts 2025: Ansøgningen fremlægges for Byrådet, efter indstilling fra
    Teknik-, Plan- og Landdistriktsudvalget": Byrådet's step, not the committee's."""
    with raadsgraf.open(store) as rg:
        steps = rg.lineage(SLAGELSE_CASE).steps
    on_the_day = [(s.committee, s.municipality) for s in steps if s.date == dt.date(2025, 3, 24)]
    assert on_the_day == [("Byrådet", "Slagelse")]


def test_scheduled_steps_are_planned_not_held(store: Path) -> None:
    """The schedule (Tidsplan) after the meeting of 18.02.2025 names 03.03 and 24.03.2025:
    planned steps, apart from the treatments, never a treatment with "ingen beslutning"."""
    with raadsgraf.open(store) as rg:
        steps = rg.lineage(SLAGELSE_CASE).steps
        planned = [(s.date, s.committee) for s in steps if s.planned]
        assert planned == [
            (dt.date(2025, 3, 3), "Teknik-, Plan- og Landdistriktsudvalget"),
            (dt.date(2025, 3, 24), "Byrådet"),
        ]
        held = [s for s in steps if not s.planned]
        assert all(s.date and s.date <= dt.date(2025, 2, 18) for s in held)
        assert all(s.outcome is None and not s.in_corpus for s in steps if s.planned)
        # analyst queries counting treatments do not see them
        rows = rg.sparql(
            """SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {
                 ?t a besluit:BehandelingVanAgendapunt ; eli-dl:activity_date ?d .
                 FILTER(?d > "2025-02-18"^^xsd:date) }"""
        )
        assert int(rows.rows[0][0]) == 0
        rows = rg.sparql("SELECT (COUNT(?p) AS ?n) WHERE { ?t rg:plannedTreatment ?p }")
        assert int(rows.rows[0][0]) >= 2


def test_planned_steps_satisfy_the_shapes() -> None:
    g = seed_graph(SEED_FILES[1])
    assert len(set(g.subjects(RDF.type, RG.PlannedTreatment))) >= 2
    conforms, report = validate(g)
    assert conforms, report
