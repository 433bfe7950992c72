"""The guarantees of a store, end to end on real minutes: a closed item's body
and a CPR number appear nowhere — graph, index files, search, export, SPARQL —
and readers keep answering from the previous state while an ingest runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import raadsgraf
from raadsgraf import generations, pipeline
from raadsgraf.cli import cli
from raadsgraf.config import Settings
from tests.app_store import seed_cache
from tests.conftest import MODELS, SAMPLES
from tests.test_privacy import (  # noqa: F401  (fixtures)
    CPR,
    LABELLED_CPR,
    ODD_CPR,
    SECRET,
    minutes_with_labelled_cpr,
    minutes_with_secret,
)

NEEDLES = ("Hybenvej", SECRET, CPR, CPR.replace("-", ""))


@pytest.mark.slow
def test_secret_and_cpr_are_nowhere(
    minutes_with_secret: Path,  # noqa: F811
    tmp_path: Path,
    seed_store: Path,
) -> None:
    store = seed_cache(tmp_path / "store", seed_store)
    report = pipeline.ingest(
        [minutes_with_secret], Settings(store=store, models=MODELS), progress=False
    )
    assert report.ok and (report.cpr_redacted, report.closed_sealed) == (2, 2)
    # every file on disk that holds text of the index (chunks, BM25 vocabulary, config)
    index_files = [p for p in generations.resolve(store).rglob("*") if p.is_file()]
    assert any(p.name == "chunks.jsonl" for p in index_files)
    for path in index_files:
        data = path.read_bytes()
        for needle in NEEDLES:
            assert needle.encode() not in data, (path, needle)
            assert needle.lower().encode() not in data, (path, needle)
    with raadsgraf.open(store) as rg:
        for needle in NEEDLES:
            ask = f'ASK {{ GRAPH ?g {{ ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?o)), LCASE("{needle}"))) }} }}'
            assert rg.sparql(ask).boolean is False, needle
        hits = rg.search("borger Hybenvej lukkede bosted", top_k=20, mode="bm25")
        assert all(SECRET not in h.snippet and "Hybenvej" not in h.snippet for h in hits)
    for fmt in ("turtle", "nt", "jsonld"):
        result = CliRunner().invoke(cli, ["export", "--format", fmt, "--store", str(store)])
        assert result.exit_code == 0, result.stderr
        assert all(n not in result.stdout for n in NEEDLES), fmt
        assert "Udvikling af beskæftigelsestilbud på handicapområdet" in result.stdout


@pytest.mark.slow
def test_labelled_cpr_is_nowhere(
    minutes_with_labelled_cpr: Path,  # noqa: F811
    tmp_path: Path,
    seed_store: Path,
) -> None:
    """Issue #19: a labelled CPR number whose check digit fails was in the graph,
    chunks.jsonl, the BM25 vocabulary, search results and the export."""
    store = seed_cache(tmp_path / "store", seed_store)
    report = pipeline.ingest(
        [minutes_with_labelled_cpr], Settings(store=store, models=MODELS), progress=False
    )
    assert report.ok and report.cpr_redacted == 2
    needles = [n for c in (LABELLED_CPR, ODD_CPR) for n in (c, c.replace("-", ""), c[:6])]
    files = [p for p in store.rglob("*") if p.is_file()]
    assert any(p.name == "chunks.jsonl" for p in files)
    for path in files:
        data = path.read_bytes()
        assert all(n.encode() not in data for n in needles), path
    with raadsgraf.open(store) as rg:
        hits = rg.search("borgeren med CPR-nummer deltager", top_k=5, mode="bm25")
        assert hits and all(n not in h.snippet for h in hits for n in needles)
    result = CliRunner().invoke(cli, ["export", "--format", "nt", "--store", str(store)])
    assert result.exit_code == 0 and "[CPR-nummer fjernet]" in result.stdout
    assert all(n not in result.stdout for n in needles)


def _count(store: Path) -> int:
    with raadsgraf.open(store) as rg:
        value = rg.sparql(
            "PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#> "
            "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a besluit:Agendapunt }"
        ).rows[0][0]
    assert isinstance(value, int)
    return value


def test_readers_answer_from_the_previous_state_while_an_ingest_runs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    seeds = SAMPLES / "seeds"
    pipeline.ingest(
        [seeds / "000_a8444cda17ad0171.txt"], Settings(store=store), progress=False, index=False
    )
    before = _count(store)
    greve = SAMPLES / "firstagenda"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "RAADSGRAF_STORE": str(store)}
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from raadsgraf.cli import main; main()",
            "ingest",
            "--no-index",
            "-q",
            str(greve),
            str(seeds),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while writer.poll() is None:
            assert time.monotonic() < deadline, "ingest did not finish"
            seen.add(_count(store))  # never an error, never a half-written state
            time.sleep(0.05)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    after = _count(store)
    assert after > before
    assert seen <= {before, after}
    assert before in seen  # the readers were answering while the writer worked
