"""`raadsgraf forget` (issue #19): a text or a source taken back from the graph,
the search index, the embedding cache and every generation, for good."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import raadsgraf
from raadsgraf import generations, pipeline
from raadsgraf.cli import cli
from raadsgraf.config import Settings
from raadsgraf.erasure import AUDIT_FILE, ERASED_MARK, ERASURE_FILE, Erasures
from tests.app_store import seed_cache
from tests.conftest import MODELS, seed

#: a council member in seed 000 (Ballerup, Socialudvalget 2023-11-07): present in
#: the attendance list, absent ("Afbud") from two items, named in the text
NAME = "Lolan Marianne Ottesen"


def _needles(text: str) -> list[bytes]:
    slug = "-".join(text.lower().split())
    return [text.encode(), text.lower().encode(), text.upper().encode(), slug.encode()]


def _holders(store: Path, text: str) -> list[str]:
    """Every file under ``store`` (binary ones too) holding ``text`` in UTF-8."""
    needles = _needles(text)
    return [
        str(p)
        for p in store.rglob("*")
        if p.is_file() and any(n in p.read_bytes() for n in needles)
    ]


def test_redact_finds_the_words_in_any_case_and_form() -> None:
    e = Erasures("salt", {}, set())
    e.add_text("Jens Hansen")
    assert e.redact("Borgeren Jens Hansen (V) og JENS\nHANSENS bil") == (
        f"Borgeren {ERASED_MARK} (V) og {ERASED_MARK} bil",
        2,
    )
    # other people, and parts of the name alone, stay
    assert e.redact("Jens Hansenberg, Jensine Hansen, Hansen") == (
        "Jens Hansenberg, Jensine Hansen, Hansen",
        0,
    )


def test_the_erasure_list_holds_hashes_only(tmp_path: Path) -> None:
    e = Erasures.load(tmp_path)
    e.add_text(NAME)
    e.save(tmp_path)
    data = (tmp_path / ERASURE_FILE).read_bytes()
    assert not any(n in data for n in _needles(NAME))
    again = Erasures.load(tmp_path)
    assert again.redact(f"{NAME} (A)") == (f"{ERASED_MARK} (A)", 1)


def test_forget_needs_a_store_and_a_target(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["forget", "--text", NAME, "--store", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no store here" in result.stderr
    result = runner.invoke(cli, ["forget", "--store", str(tmp_path)])
    assert result.exit_code == 1 and "name a source" in result.stderr


@pytest.mark.slow
def test_forget_a_text_and_a_source_everywhere_for_good(tmp_path: Path, seed_store: Path) -> None:
    folder = tmp_path / "minutes"
    folder.mkdir()
    first, second = folder / "ballerup-2023-11-07.txt", folder / "other.txt"
    shutil.copy(seed("000"), first)
    shutil.copy(seed("001"), second)
    store = seed_cache(tmp_path / "store", seed_store)  # embeds only what the seed store did not
    settings = Settings(store=store, models=MODELS)
    assert pipeline.ingest([first], settings, progress=False).ok
    assert pipeline.ingest([second], settings, progress=False).ok
    assert len(list(store.glob("gen-*"))) == 2  # the live one and the one before
    assert any("chunks.jsonl" in h for h in _holders(store, NAME))
    assert any("embeddings.sqlite" in str(p) for p in store.rglob("*"))

    result = CliRunner().invoke(
        cli, ["forget", "--text", NAME, "--store", str(store), "--json", "-q"]
    )
    assert result.exit_code == 0, result.stderr
    done = json.loads(result.stdout)
    assert done["sources_reread"] == 1 and done["occurrences"] >= 3
    assert done["chunks_removed"] > 0 and done["cache_entries_removed"] > 0
    assert _holders(store, NAME) == []
    assert [p.name for p in store.glob("gen-*")] == [generations.live(store).name]  # type: ignore[union-attr]
    with raadsgraf.open(store) as rg:
        ask = 'ASK { ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?o)), "ottesen (a)")) }'
        assert rg.sparql(ask).boolean is False
        assert rg.search("Lolan Marianne Ottesen afbud", top_k=10, mode="bm25")  # still searchable
        hits = rg.search("Lolan Marianne Ottesen afbud", top_k=10)
        assert all(NAME not in h.snippet for h in hits)
    audit = (store / AUDIT_FILE).read_bytes()
    assert b'"action": "forget"' in audit
    assert not any(n in audit for n in _needles(NAME))

    # a new file naming her (the next meeting's minutes) is ingested without it
    later = folder / "ballerup-2023-12-05.txt"
    later.write_text(
        seed("000").read_text(encoding="utf-8").replace("2023", "2022"), encoding="utf-8"
    )
    report = pipeline.ingest([later], settings, progress=False)
    assert report.ok and report.erased >= 3 and "forgotten text removed" in report.summary()
    assert _holders(store, NAME) == []

    # a source taken back whole stays out when the same file comes again
    result = CliRunner().invoke(cli, ["forget", "--source", str(second), "--store", str(store)])
    assert result.exit_code == 0, result.stderr
    assert "1 source(s) removed" in result.stderr
    again = pipeline.ingest([folder], settings, progress=False)
    assert again.forgotten == [str(second)] and str(second) not in again.added
    with raadsgraf.open(store) as rg:
        assert all(h.source != second.name for h in rg.search("udvalget", top_k=50))
    lines = (store / AUDIT_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["sources_removed"] == 1
    assert str(second).encode() not in (store / AUDIT_FILE).read_bytes()


def test_forget_a_source_by_the_iri_of_its_meeting(tmp_path: Path) -> None:
    """A graph-only store: `--source` may name a meeting; the source's graph goes,
    the other stays, and the same file is not taken in again."""
    from raadsgraf import iris
    from raadsgraf.erasure import forget
    from raadsgraf.errors import RaadsgrafError
    from raadsgraf.parsers.registry import parse_bytes

    store = tmp_path / "store"
    settings = Settings(store=store)
    pipeline.ingest([seed("000"), seed("001")], settings, progress=False, index=False)
    meeting = parse_bytes(seed("001").read_bytes(), str(seed("001"))).meetings[0]
    z = iris.meeting_iri(meeting)
    report = forget(settings, sources=[z])
    assert (report.sources_removed, report.sources_reread) == (1, 0)
    assert report.triples_after < report.triples_before
    with raadsgraf.open(store) as rg:
        # the default graph is exactly the union of the named graphs (the ontology's
        # blank nodes not doubled by the rebuild)
        union = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
        assert int(next(iter(rg.sparql(union).rows))[0]) == report.triples_after
        assert rg.sparql(f"ASK {{ <{z}> ?p ?o }}").boolean is False
        kept = iris.meeting_iri(parse_bytes(seed("000").read_bytes(), "x.txt").meetings[0])
        assert rg.sparql(f"ASK {{ <{kept}> ?p ?o }}").boolean is True
    again = pipeline.ingest([seed("000"), seed("001")], settings, progress=False, index=False)
    assert again.forgotten == [str(seed("001"))] and again.unchanged == [str(seed("000"))]
    with pytest.raises(RaadsgrafError, match="no source by that path or IRI"):
        forget(settings, sources=["https://raadsgraf.dk/id/nothing"])


def test_a_source_read_again_keeps_its_meetings_apart(tmp_path: Path) -> None:
    """Forgetting a name read again both meetings of Greve's Byråd that day; they stay
    apart (the 17:30 one at …T1730), and the name is gone."""
    from raadsgraf.erasure import forget
    from tests.test_identity import BASE, EARLY, LATE, _meetings

    store = tmp_path / "store"
    settings = Settings(store=store)
    pipeline.ingest([EARLY, LATE], settings, progress=False, index=False)
    report = forget(settings, texts=["Conni Bergendorff"])
    assert report.sources_reread == 2 and report.occurrences >= 2  # she attended both
    assert [z for z, _, _ in _meetings(store)] == [BASE, f"{BASE}T1730"]
    assert _holders(store, "Conni Bergendorff") == []
