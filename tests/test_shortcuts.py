"""The derived graph's shortcuts (raadsgraf.graph.shortcuts) equal the paths they abbreviate.

The expected pairs are read from the ontology itself: each shortcut's
``owl:propertyChainAxiom`` (and any ``[ owl:inverseOf X ] rdfs:subPropertyOf``
axiom) becomes a SPARQL property path, evaluated on the same store.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection

import raadsgraf
from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.graph.vocab import RG

ONTOLOGY = Path(__file__).parent.parent / "ontology" / "raadsgraf.ttl"
SEEDS = Path(__file__).parent / "samples" / "seeds"
SHORTCUTS = (RG.treatedBy, RG.decisionOutcome, RG.caseTreatment)


def _step(g: Graph, node: object) -> str:
    if isinstance(node, BNode):
        return "^" + _step(g, g.value(node, OWL.inverseOf))
    return f"<{node}>"


def long_path(prop: URIRef) -> str:
    """The SPARQL property path a shortcut abbreviates, from the ontology's axioms."""
    g = Graph().parse(ONTOLOGY)
    chains = [
        "/".join(_step(g, n) for n in Collection(g, head))
        for head in g.objects(prop, OWL.propertyChainAxiom)
    ]
    subs = [_step(g, s) for s in g.subjects(RDFS.subPropertyOf, prop) if isinstance(s, BNode)]
    assert chains, f"{prop}: no owl:propertyChainAxiom"
    return "|".join(f"({p})" for p in chains + subs)


def pairs(store: Path, path: str) -> set[tuple[str, str]]:
    with raadsgraf.open(store) as rg:
        rows = rg.sparql(f"SELECT DISTINCT ?s ?o WHERE {{ ?s {path} ?o }}").rows
    return {(str(s), str(o)) for s, o in rows}


def assert_shortcuts_equal_their_paths(store: Path, *, nonempty: bool = True) -> None:
    for prop in SHORTCUTS:
        stored = pairs(store, f"<{prop}>")
        assert stored or not nonempty, f"{prop}: nothing derived"
        assert stored == pairs(store, long_path(prop)), prop


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeds") / "store"
    assert pipeline.ingest([SEEDS], Settings(store=folder), progress=False, index=False).ok
    return folder


def test_every_shortcut_is_declared_as_a_chain_of_standard_terms() -> None:
    g = Graph().parse(ONTOLOGY)
    for prop in SHORTCUTS:
        assert (prop, RDF.type, OWL.ObjectProperty) in g
        assert "rg:" not in long_path(prop).replace(str(RG.referencesTreatment), "")
        assert {o.language for o in g.objects(prop, RDFS.label)} == {"da", "en"}  # type: ignore[attr-defined]


def test_shortcuts_equal_their_paths_on_the_seeds(seeds: Path) -> None:
    assert_shortcuts_equal_their_paths(seeds)


def test_case_treatment_reaches_a_referenced_treatment_outside_the_case(seeds: Path) -> None:
    # the housing strategy (Socialudvalget 7 Nov 2023 item 7) names its earlier
    # treatment on 15 Aug 2023 (item 5), a meeting not in the corpus
    with raadsgraf.open(seeds) as rg:
        rows = rg.sparql(
            """SELECT ?u WHERE { ?c dct:identifier "03.00.00-P22-2-23" ; rg:caseTreatment ?u .
                 FILTER NOT EXISTS { ?u eli-dl:forms_part_of ?c } }"""
        ).rows
    assert any("/moede/2023-08-15/punkt/5/" in str(u) for (u,) in rows), rows


def test_shortcuts_follow_a_re_ingest(tmp_path: Path) -> None:
    """A source replaced by one without decisions takes its shortcuts with it."""
    src = next(SEEDS.glob("003*.txt"))
    copy = tmp_path / src.name
    copy.write_bytes(src.read_bytes())
    store = tmp_path / "store"
    assert pipeline.ingest([copy], Settings(store=store), progress=False, index=False).ok
    before = pairs(store, f"<{RG.decisionOutcome}>")
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("Beslutning", "Bemærkning"), encoding="utf-8")
    assert pipeline.ingest([copy], Settings(store=store), progress=False, index=False).ok
    after = pairs(store, f"<{RG.decisionOutcome}>")
    assert after < before
    assert_shortcuts_equal_their_paths(store, nonempty=False)
