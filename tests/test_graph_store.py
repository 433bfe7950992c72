"""Store folder: named graph per source, idempotent re-ingest, derived links, lineage."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import raadsgraf
from raadsgraf import generations, iris, pipeline
from raadsgraf.config import Settings
from raadsgraf.graph.sparql import QueryError
from tests.graph_parser import write
from tests.graph_records import strategy


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Settings]:
    src = tmp_path / "src"
    src.mkdir()
    write(src, "a-2023-11-07.txt", "minutes_2023")
    write(src, "b-strategi.txt", "strategy")
    write(src, "c-slagelse.txt", "other_municipality")
    return src, Settings(store=tmp_path / "store")


def count(folder: Path, query: str) -> int:
    with raadsgraf.open(folder) as rg:
        value = rg.sparql(query).rows[0][0]
    assert isinstance(value, int)
    return value


def test_reingesting_unchanged_files_is_a_noop(corpus: tuple[Path, Settings]) -> None:
    src, settings = corpus
    first = pipeline.ingest([src], settings, progress=False, index=False)
    assert first.ok and len(first.added) == 3 and first.triples > 0
    live = generations.live(settings.store)
    assert live is not None
    manifest = (live / "sources.json").read_text()
    second = pipeline.ingest([src], settings, progress=False, index=False)
    assert second.added == [] and second.replaced == [] and len(second.unchanged) == 3
    assert second.store_triples == first.store_triples
    assert generations.live(settings.store) == live  # nothing written: no new generation
    assert (live / "sources.json").read_text() == manifest


def test_a_store_built_by_an_older_raadsgraf_is_rebuilt_by_the_next_ingest(
    corpus: tuple[Path, Settings],
) -> None:
    src, settings = corpus
    pipeline.ingest([src], settings, progress=False, index=False)
    live = generations.live(settings.store)
    assert live is not None
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s a rg:Section }"
    sections = count(settings.store, q)
    # what an older raadsgraf left: no content version, and less in the graph
    (live / pipeline.BUILD_FILE).write_text('{"include_closed": false}\n')
    build = json.loads((live / "sources.json").read_text())
    (src / "b-strategi.txt").rename(src.parent / "moved.txt")
    # the user ingests one file: every source the store knows is read again
    report = pipeline.ingest([src / "c-slagelse.txt"], settings, progress=False, index=False)
    assert report.upgraded and report.ok
    assert sorted(report.replaced) == [str(src / "a-2023-11-07.txt"), str(src / "c-slagelse.txt")]
    assert report.outdated_kept == [str(src / "b-strategi.txt")]
    assert "no longer on disk" in report.summary()
    assert count(settings.store, q) == sections
    new = generations.live(settings.store)
    assert new is not None and new != live
    info = json.loads((new / pipeline.BUILD_FILE).read_text())
    assert info["content_version"] == pipeline.CONTENT_VERSION
    assert len(json.loads((new / "sources.json").read_text())["sources"]) == len(build["sources"])
    # and from then on an unchanged file is skipped again
    again = pipeline.ingest([src], settings, progress=False, index=False)
    assert not again.upgraded and len(again.unchanged) == 2 and again.added == []


def test_a_changed_file_replaces_only_its_own_graph(corpus: tuple[Path, Settings]) -> None:
    src, settings = corpus
    pipeline.ingest([src], settings, progress=False, index=False)
    q = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = count(settings.store, q)
    assert graphs == 3 + 2  # one per source, the ontology and the derived graph
    # the same records, new bytes: the file's graph is replaced, not added to
    write(src, "c-slagelse.txt", "other_municipality", extra="edited\n")
    again = pipeline.ingest([src], settings, progress=False, index=False)
    assert again.replaced == [str(src / "c-slagelse.txt")] and len(again.unchanged) == 2
    assert count(settings.store, q) == graphs
    live = generations.live(settings.store)
    assert live is not None
    entries = json.loads((live / "sources.json").read_text())["sources"]
    assert {e["path"] for e in entries} == {str(p) for p in src.iterdir()}
    # and swapping its content for another document drops the old triples
    write(src, "c-slagelse.txt", "minutes_2023_08")
    pipeline.ingest([src], settings, progress=False, index=False)
    slagelse = 'SELECT (COUNT(*) AS ?n) WHERE { ?m skos:prefLabel "Slagelse"@da }'
    assert count(settings.store, slagelse) == 0


def test_placeholder_is_filled_in_by_a_later_ingest(corpus: tuple[Path, Settings]) -> None:
    src, settings = corpus
    pipeline.ingest([src], settings, progress=False, index=False)
    earlier = iris.treatment_iri_for("Ballerup", "Socialudvalget", dt.date(2023, 8, 15), 5)
    ask = f"ASK {{ <{earlier}> rg:inCorpus true }}"
    with raadsgraf.open(settings.store) as rg:
        assert rg.sparql(ask).boolean is False
        step = next(s for s in rg.lineage(earlier).steps if s.treatment == earlier)
        assert not step.in_corpus and step.title is None
    write(src, "d-2023-08-15.txt", "minutes_2023_08")
    pipeline.ingest([src], settings, progress=False, index=False)
    with raadsgraf.open(settings.store) as rg:
        assert rg.sparql(ask).boolean is True
        step = next(s for s in rg.lineage(earlier).steps if s.treatment == earlier)
        assert step.in_corpus and step.title and step.title.startswith("Boligsocial strategi")


def test_lineage_of_the_housing_strategy_item(corpus: tuple[Path, Settings]) -> None:
    src, settings = corpus
    pipeline.ingest([src], settings, progress=False, index=False)
    with raadsgraf.open(settings.store) as rg:
        by_date = rg.lineage(date=dt.date(2023, 11, 7), item=7, committee="Socialudvalgets")
        by_case = rg.lineage("03.00.00-P22-2-23")
    steps = [(s.date, s.committee, s.item_number, s.link) for s in by_date.steps]
    assert steps == [
        (dt.date(2023, 8, 15), "Socialudvalget", 5, "tidligere-behandling"),
        (dt.date(2023, 11, 7), "Socialudvalget", 7, "start"),
        (dt.date(2024, 1, 29), "Kommunalbestyrelsen", None, "vedtagelse"),  # the strategy's
    ]
    assert [s.treatment for s in by_case.steps] == [s.treatment for s in by_date.steps]
    (policy,) = by_date.policies
    assert policy.adopted_on == dt.date(2024, 1, 29)
    assert policy.adopted_by == "Kommunalbestyrelsen"
    assert policy.replaces == ("boligsociale strategi (2014)",)


def test_policy_links_stay_in_their_municipality(corpus: tuple[Path, Settings]) -> None:
    src, settings = corpus
    pipeline.ingest([src], settings, progress=False, index=False)
    q = """SELECT ?t WHERE { ?t rg:treatsPolicy ?p } ORDER BY ?t"""
    with raadsgraf.open(settings.store) as rg:
        linked = [str(t) for t in rg.sparql(q).column("t")]
    assert len(linked) == 2
    assert all("/kommune/ballerup/" in t for t in linked)


def test_lineage_names_what_it_cannot_find(corpus: tuple[Path, Settings]) -> None:
    src, settings = corpus
    pipeline.ingest([src], settings, progress=False, index=False)
    with raadsgraf.open(settings.store) as rg:
        with pytest.raises(QueryError, match="99-999"):
            rg.lineage("99-999")
        with pytest.raises(QueryError, match="2020-01-01"):
            rg.lineage(date=dt.date(2020, 1, 1), item=1)


def test_opening_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(raadsgraf.RaadsgrafError, match="raadsgraf ingest"):
        raadsgraf.open(tmp_path / "nothing")


def test_nquads_escaping_round_trips_through_oxigraph(tmp_path: Path) -> None:
    import pyoxigraph as ox
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from raadsgraf.graph.store import to_nquads

    s, p = URIRef("https://raadsgraf.dk/id/x"), URIRef("https://raadsgraf.dk/id/p")
    values = [
        Literal('citat "med" anførselstegn\\og backslash\nog linjeskift\r'),
        Literal("beslutning", lang="da"),
        Literal(7),
        Literal("2024-01-29", datatype=XSD.date),
        Literal(True),
    ]
    store = ox.Store()
    store.load(
        to_nquads([(s, p, v) for v in values], "https://raadsgraf.dk/graph/t"), ox.RdfFormat.N_QUADS
    )
    loaded = {q.object for q in store}
    assert ox.Literal('citat "med" anførselstegn\\og backslash\nog linjeskift\r') in loaded
    assert ox.Literal("beslutning", language="da") in loaded
    assert ox.Literal("7", datatype=ox.NamedNode(str(XSD.integer))) in loaded
    assert len(loaded) == len(values)


def test_ingest_feeds_the_sinks_only_what_changed(
    corpus: tuple[Path, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    calls: list[tuple[Path, list[str]]] = []

    def update(store_dir: Path, documents: list[object], settings: Settings) -> str:
        calls.append((store_dir, [d.source.path for d in documents]))  # type: ignore[attr-defined]
        return "ok"

    fake = types.ModuleType("raadsgraf.index")
    fake.update = update  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "raadsgraf.index", fake)
    src, settings = corpus
    first = pipeline.ingest([src], settings, progress=False)
    assert first.sink_results == {"index": "ok"}
    # the index is written into the new generation, beside its graph
    assert calls[0][0] == generations.live(settings.store) and len(calls[0][1]) == 3
    write(src, "b-strategi.txt", "strategy", extra="v2\n")
    pipeline.ingest([src], settings, progress=False)
    assert calls[1][1] == [str(src / "b-strategi.txt")]
    pipeline.ingest([src], settings, progress=False)
    assert len(calls) == 2  # nothing changed: the sinks are not called


def test_rdflib_view_of_the_store(corpus: tuple[Path, Settings]) -> None:
    from rdflib import URIRef

    from raadsgraf.graph.vocab import ELI

    src, settings = corpus
    pipeline.ingest([src], settings, progress=False, index=False)
    policy = URIRef(iris.policy_iri(strategy().policies[0]))
    with raadsgraf.open(settings.store) as rg:
        ds = rg.rdflib()
        assert ds.value(policy, ELI.date_document).toPython() == dt.date(2024, 1, 29)


def test_ingest_writes_a_generation_and_readers_open_it(
    corpus: tuple[Path, Settings],
) -> None:
    src, settings = corpus
    pipeline.ingest([src], settings, progress=False, index=False)
    first = generations.live(settings.store)
    write(src, "c-slagelse.txt", "other_municipality", extra="changed\n")
    pipeline.ingest([src], settings, progress=False, index=False)
    second = generations.live(settings.store)
    assert first is not None and second is not None and second != first
    with raadsgraf.open(settings.store) as rg:
        assert rg.graph.folder == second
        assert [s.item_number for s in rg.lineage("03.00.00-P22-2-23").steps] == [5, 7, None]
