"""Sections in the graph: one node per headed part of an item or policy, read
back from the graph and compared with the seeds' own records."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

import raadsgraf
from raadsgraf import iris, pipeline
from raadsgraf.config import Settings
from raadsgraf.extract.sections import SECTION_KINDS
from raadsgraf.graph.build import document_graph, ontology_graph, validate
from raadsgraf.graph.vocab import RG, sparql_prologue
from raadsgraf.model import Document, Section

SEEDS = Path(__file__).parent / "samples" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))

_SECTIONS = (
    sparql_prologue()
    + """SELECT ?owner ?s ?n ?heading ?text ?kind ?number ?page WHERE {
      ?s a rg:Section ; dct:isPartOf ?owner ; schema:position ?n ;
         dct:type/skos:notation ?kind .
      OPTIONAL { ?s dct:title ?heading } OPTIONAL { ?s prov:value ?text }
      OPTIONAL { ?s dct:identifier ?number } OPTIONAL { ?s schema:pageStart ?page }
    } ORDER BY ?owner ?n"""
)


def _graph(doc: Document) -> Graph:
    return document_graph(doc, iris.source_graph_iri(doc.source.path)) + ontology_graph()


def _sections_in(g: Graph) -> dict[str, list[Section]]:
    out: dict[str, list[Section]] = {}
    for r in g.query(_SECTIONS):
        out.setdefault(str(r.owner), []).append(
            Section(
                heading=str(r.heading or ""),
                text=str(r.text or ""),
                kind=iris.SECTION_KIND_BY_NOTATION[str(r.kind)],
                number=None if r.number is None else str(r.number),
                page=None if r.page is None else int(r.page),
            )
        )
        assert str(r.s) == iris.section_iri(str(r.owner), int(r.n))
    return out


def _expected(doc: Document) -> dict[str, list[Section]]:
    expected: dict[str, list[Section]] = {}
    for m in doc.meetings:
        for item in m.items:
            if item.sections:
                expected[iris.item_iri(m, item)] = [_as_stored(s) for s in item.sections]
    for p in doc.policies:
        if p.sections:
            expected[iris.policy_iri(p)] = [_as_stored(s) for s in p.sections]
    return expected


def _as_stored(s: Section) -> Section:
    kind = s.kind if s.kind in iris.SECTION_KIND_NOTATIONS else "other"
    return dataclasses.replace(s, heading=s.heading.strip(), kind=kind)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_every_section_of_every_seed_is_in_the_graph_in_order(path: Path) -> None:
    (doc,) = pipeline.parse_files([path], progress=False).documents
    expected = _expected(doc)
    assert expected, "every seed has sections"
    assert _sections_in(_graph(doc)) == expected


def test_policy_sections_keep_their_printed_number_and_page() -> None:
    (doc,) = pipeline.parse_files([SEEDS.glob("004_*.txt").__next__()], progress=False).documents
    (policy,) = doc.policies
    stored = _sections_in(_graph(doc))[iris.policy_iri(policy)]
    assert [s.number for s in stored] == [s.number for s in policy.sections]
    assert all(s.kind == "policy" for s in stored) and stored[0].number is not None


def test_section_iris_are_stable_across_builds() -> None:
    path = SEED_FILES[0]
    a = document_graph(raadsgraf.parse_file(path), "urn:x")
    b = document_graph(raadsgraf.parse_file(path), "urn:x")
    sections_a = set(a.subjects(predicate=None, object=RG.Section))
    assert sections_a and sections_a == set(b.subjects(predicate=None, object=RG.Section))


def test_decision_and_recommendation_point_to_the_section_they_were_read_from() -> None:
    doc = raadsgraf.parse_file(SEED_FILES[0])
    g = _graph(doc)
    rows = list(
        g.query(
            sparql_prologue()
            + """SELECT ?node ?kind ?same WHERE {
              ?node prov:wasDerivedFrom ?s . ?s dct:type/skos:notation ?kind ; prov:value ?st .
              ?node prov:value ?nt . BIND(?st = ?nt AS ?same) }"""
        )
    )
    decisions = [r for r in rows if str(r.node).endswith("/beslutning")]
    recommendations = [r for r in rows if str(r.node).endswith("/indstilling")]
    assert decisions and recommendations
    assert {str(r.kind) for r in decisions} == {"beslutning"}
    assert {str(r.kind) for r in recommendations} == {"indstilling"}
    assert all(r.same.toPython() for r in rows)


def test_unknown_kind_is_other_and_every_kind_is_a_concept_with_both_labels() -> None:
    assert iris.section_kind_iri("no-such-kind") == iris.section_kind_iri("other")
    # every kind the extract layer (and the parsers) can give has its own concept
    assert set(SECTION_KINDS) | {"policy", "earlier_decision", "other"} <= set(
        iris.SECTION_KIND_NOTATIONS
    )
    onto = ontology_graph()
    for kind in iris.SECTION_KIND_NOTATIONS:
        concept = URIRef(iris.section_kind_iri(kind))
        assert (concept, None, RG.SectionKind) in onto, kind
        langs = {
            lbl.language
            for lbl in onto.objects(
                concept, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
            )
        }
        assert langs == {"da", "en"}, kind


def test_shapes_reject_a_section_without_kind_or_with_a_taken_position() -> None:
    doc = raadsgraf.parse_file(SEED_FILES[2])
    g = document_graph(doc, "urn:x")
    first = next(iter(g.subjects(predicate=None, object=RG.Section)))
    assert validate(g)[0]
    broken = Graph() + g
    broken.remove((first, URIRef("http://purl.org/dc/terms/type"), None))
    conforms, report = validate(broken)
    assert not conforms and str(first) in report
    broken.add(
        (first, URIRef("http://purl.org/dc/terms/type"), URIRef(iris.section_kind_iri("case")))
    )
    assert validate(broken)[0]
    twin = URIRef(str(first) + "-twin")
    for p, o in g.predicate_objects(first):
        broken.add((twin, p, o))
    conforms, report = validate(broken)
    assert not conforms and "share a position" in report


# --- privacy: a closed item's text never reaches the graph ------------------------------

SECRET = "Borgeren på Hybenvej har fået tilbudt en plads på det lukkede bosted"


@pytest.fixture
def closed_with_text(tmp_path: Path) -> Path:
    """Seed 000 with a Sagsfremstilling written into closed item 9."""
    (seed,) = SEEDS.glob("000_*.txt")
    text = seed.read_text(encoding="utf-8")
    closed = "## **Punkt 9: Lukket: LUKKET Udvikling af beskæftigelsestilbud på handicapområdet**\n\n27.54.00-A00-1-23\n"
    assert closed in text
    text = text.replace(closed, closed + f"\n### Sagsfremstilling\n\n{SECRET}.\n")
    path = tmp_path / "ballerup-socialudvalget-2023-11-07.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _closed_sections(g: Graph) -> list[str]:
    q = (
        sparql_prologue()
        + """SELECT ?s WHERE { ?a besluit:geplandOpenbaar false ; ^dct:isPartOf ?s }"""
    )
    return [str(r.s) for r in g.query(q)]


def test_no_section_of_a_closed_item_reaches_the_graph(closed_with_text: Path) -> None:
    raw = raadsgraf.parse_file(closed_with_text)
    assert any(SECRET in s.text for i in raw.meetings[0].items for s in i.sections)
    (doc,) = pipeline.parse_files([closed_with_text], progress=False).documents
    g = document_graph(doc, "urn:x")
    assert _closed_sections(g) == []
    assert not any(SECRET in str(o) for o in g.objects())
    assert _sections_in(g + ontology_graph()), "open items keep their sections"


def test_closed_sections_only_in_an_internal_store(closed_with_text: Path, tmp_path: Path) -> None:
    for include_closed in (False, True):
        store = tmp_path / f"store-{include_closed}"
        settings = Settings(store=store, include_closed=include_closed)
        assert pipeline.ingest([closed_with_text], settings, progress=False, index=False).ok
        with raadsgraf.open(store, settings) as rg:
            ask = "ASK { ?a besluit:geplandOpenbaar false ; ^dct:isPartOf/prov:value ?text }"
            assert rg.sparql(ask).boolean is include_closed


# --- the analyst query over section text ---------------------------------------------


@pytest.fixture(scope="module")
def seed_graph_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeds") / "store"
    assert pipeline.ingest([SEEDS], Settings(store=folder), progress=False, index=False).ok
    return folder


def test_recommendations_mentioning_a_word(seed_graph_store: Path) -> None:
    query = Path(__file__).parent.parent / "docs" / "queries" / "recommendations-mentioning.rq"
    with raadsgraf.open(seed_graph_store) as rg:
        rows = rg.sparql(query.read_text(encoding="utf-8")).dicts()
    found = {(r["municipality"], r["date"], r["number"]) for r in rows}
    expected = {
        (iris.municipality_name(m.municipality.name), m.date, item.number)
        for doc in pipeline.parse_files([SEEDS], progress=False).documents
        for m in doc.meetings
        for item in m.items
        if any(s.kind == "recommendation" and "bolig" in s.text.lower() for s in item.sections)
    }
    assert found == expected and len(found) == len(rows)
    # the housing strategy's hearing answers, approved by Ballerup's Socialudvalget
    assert ("Ballerup", dt.date(2023, 11, 7), 7) in found
    ballerup = next(r for r in rows if r["municipality"] == "Ballerup")
    assert (ballerup["committee"], ballerup["outcome"]) == ("Socialudvalget", "godkendt")
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
