"""Issue #20: an ingest's peak memory. A large ingest builds its index in a process of
its own (raadsgraf/apart.py), which starts without the graph stage's memory: the
index it writes is the one an in-process index stage writes; its errors reach the
caller as clear errors; a child that dies or is interrupted never passes for a
result. The index stage holds no second copy of the vectors (the flat FAISS file
is written from them) and no list of tokens per passage (BM25 from token ids),
with the same files and scores as before."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pytest

from raadsgraf import apart, generations, pipeline
from raadsgraf.config import Settings
from raadsgraf.errors import IndexNotFound, RaadsgrafError
from raadsgraf.graph.store import GraphStore
from raadsgraf.index import dense
from raadsgraf.index.sparse import SparseIndex, token_ids, tokenize
from raadsgraf.index.storage import index_dir, read_config
from tests.conftest import MODELS

SEEDS = Path(__file__).parent / "samples" / "seeds"
SRC = str(Path(__file__).resolve().parents[1] / "src")


def _ingest(store: Path, apart_from: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Ingests the seeds with the fast lane; the exit codes of child processes run."""
    codes: list[int] = []
    run = apart._run

    def counted(job: Path) -> int:
        codes.append(run(job))
        return codes[-1]

    monkeypatch.setattr(apart, "_run", counted)
    monkeypatch.setattr(pipeline, "APART_FROM", apart_from)
    settings = Settings(store=store, model="e5-small-static", models=MODELS)
    report = pipeline.ingest(sorted(SEEDS.glob("*.txt")), settings, progress=False)
    assert report.ok and len(report.added) == 5
    assert report.sink_results["index"].chunks > 0  # type: ignore[attr-defined]
    return codes


@pytest.mark.slow
def test_the_index_built_apart_is_the_one_built_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # read pass, graph stage, index stage: each in a process of its own
    assert _ingest(tmp_path / "apart", 0, monkeypatch) == [0, 0, 0]
    assert _ingest(tmp_path / "here", 10**6, monkeypatch) == []
    assert _graphs(tmp_path / "apart") == _graphs(tmp_path / "here")
    a, b = (index_dir(generations.resolve(tmp_path / n)) for n in ("apart", "here"))
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert {"chunks.jsonl", "vectors.npy", "dense.faiss", "config.json"} <= {str(f) for f in files}
    assert any(str(f).startswith("bm25/") for f in files)
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for f in files:  # bm25s numbers its tokens in set order, which differs from process to process
        if not str(f).startswith("bm25/"):
            assert (a / f).read_bytes() == (b / f).read_bytes(), f
    assert _postings(SparseIndex.load(a / "bm25", "stem")) == _postings(
        SparseIndex.load(b / "bm25", "stem")
    )
    assert read_config(a)["chunks"] == read_config(b)["chunks"]
    assert not list((tmp_path / "apart").glob(".ingest-*"))  # the job went with the spill


def _graphs(store: Path) -> dict[str, bytes]:
    """Every named graph of a store, canonical N-Quads."""
    with GraphStore(generations.resolve(store), read_only=True) as graph:
        return {iri: graph.canonical_nquads(iri) for iri in graph.graph_names()}


def _postings(bm25: SparseIndex) -> dict[str, list[tuple[int, float]]]:
    """Each BM25 term's rows and scores."""
    data, indices, indptr = bm25._data, bm25._indices, bm25._indptr
    return {
        term: list(
            zip(
                indices[indptr[t] : indptr[t + 1]].tolist(),
                data[indptr[t] : indptr[t + 1]].tolist(),
                strict=True,
            )
        )
        for term, t in bm25.vocab.items()
        if t + 1 < len(indptr)
    }


def test_an_error_apart_is_raised_here_naming_what_failed(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="no search index here yet") as caught:
        apart.call(read_config, tmp_path / "nowhere", folder=tmp_path)
    assert "own process" in "".join(caught.value.__notes__)
    # SourceError(path, message) cannot be rebuilt from its pickle: same text, a RaadsgrafError
    with pytest.raises(RaadsgrafError, match=r"nowhere\.txt: no such file"):
        apart.call(pipeline.parse_file, tmp_path / "nowhere.txt", folder=tmp_path)
    with pytest.raises(TypeError):  # a bug stays a bug
        apart.call(pipeline.parse_file, 17, folder=tmp_path)
    assert list(tmp_path.iterdir()) == []  # the job's files are gone


def test_only_what_a_fresh_process_can_find_runs_apart(tmp_path: Path) -> None:
    assert apart.by_name(pipeline.parse_file) == ("raadsgraf.pipeline", "parse_file")
    assert apart.by_name(lambda: 1) is None
    here = os.getpid()
    assert apart.call(lambda: os.getpid(), folder=tmp_path) == here
    assert apart.call(os.getpid, folder=tmp_path) != here


def _stage_children(me: psutil.Process) -> list[psutil.Process]:
    """The stage's child processes only: pytest may have others (multiprocessing's
    resource tracker, a server a fixture started)."""
    found = []
    for kid in me.children():
        with contextlib.suppress(psutil.Error):
            if "raadsgraf.apart" in kid.cmdline():
                found.append(kid)
    return found


def _signal_child(sig: int, after: float) -> Callable[[], None]:
    def send() -> None:
        me = psutil.Process()
        for _ in range(3000):
            kids = _stage_children(me)
            if kids:
                time.sleep(after)
                if after:
                    kids[0].send_signal(sig)
                    return
                # from its first moment, through its interpreter's start, until it ends
                while kids[0].is_running() and kids[0].status() != psutil.STATUS_ZOMBIE:
                    with contextlib.suppress(psutil.Error):
                        kids[0].send_signal(sig)
                    time.sleep(0.002)
                return
            time.sleep(0.005)

    return send


@pytest.mark.parametrize(
    ("sig", "after", "expected"),
    [
        (signal.SIGKILL, 0.5, RaadsgrafError),
        (signal.SIGINT, 0.5, KeyboardInterrupt),  # past the child's imports: in time.sleep
        # again and again from its first moment: also in the interpreter's own start,
        # where Python cannot catch it (it died "Fatal Python error: init_import_site",
        # exit code 1, reported as a crash)
        (signal.SIGINT, 0.0, KeyboardInterrupt),
    ],
)
def test_a_child_that_dies_or_is_interrupted_gives_no_result(
    tmp_path: Path, sig: int, after: float, expected: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    thread = threading.Thread(target=_signal_child(sig, after))
    thread.start()
    with pytest.raises(expected) as caught:
        apart.call(time.sleep, 30, folder=tmp_path)
    thread.join()
    if sig == signal.SIGKILL:
        assert "exit code -9 and no result" in str(caught.value)
    assert not _stage_children(psutil.Process())
    assert "Fatal Python error" not in capfd.readouterr().err
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.mark.parametrize("n", [0, 1, 5000])
def test_the_flat_faiss_file_written_from_the_vectors_is_faiss_own(tmp_path: Path, n: int) -> None:
    vectors = np.random.default_rng(n).standard_normal((n, 384)).astype(np.float32)
    dense.save_flat(vectors, tmp_path / "ours.faiss")
    dense.save(dense.build(vectors, "flat"), tmp_path / "faiss.faiss")
    assert (tmp_path / "ours.faiss").read_bytes() == (tmp_path / "faiss.faiss").read_bytes()
    loaded = dense.load(tmp_path / "ours.faiss")
    assert loaded.ntotal == n


def test_bm25_from_token_ids_scores_as_bm25s_from_tokens() -> None:
    import bm25s

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts = [para for t in texts for para in t.split("\n\n")] + ["", "og i"]  # no tokens
    ours = SparseIndex.build(texts)
    model = bm25s.BM25(k1=1.2, b=0.75)
    model.index([tokenize(t) or [""] for t in texts], show_progress=False)
    theirs = SparseIndex.from_model(model, "stem")
    assert ours.size == theirs.size == len(texts) and set(ours.vocab) == set(theirs.vocab)
    assert _postings(ours) == _postings(theirs)
    assert list(ours.vocab) == list(token_ids(texts)[1])  # numbered as first met
    ids, vocab = token_ids(["boliger byrådet boliger", "", "byrådet"])
    assert list(ids) == [ids[0], ids[1], ids[-1]] == [[0, 1, 0], [2], [1]]
    assert vocab[""] == 2 and len(vocab) == 3


#: A large ingest as the CLI runs it, in a fresh interpreter: the process that
#: waits while the stages run imports none of their libraries.
_THIN = """
import json, sys
from pathlib import Path
from raadsgraf import pipeline
from raadsgraf.config import Settings
pipeline.APART_FROM = 0
report = pipeline.ingest(sys.argv[2:], Settings(store=Path(sys.argv[1])), progress=False,
                         index=False)
heavy = ("spacy", "lxml", "rdflib", "pyoxigraph", "raadsgraf.graph.store", "raadsgraf.parsers")
print(json.dumps({"added": len(report.added), "failures": [str(f) for f in report.failures],
                  "triples": report.store_triples, "loaded": report.triples,
                  "imported": sorted(m for m in heavy if m in sys.modules)}))
"""


def test_the_process_that_waits_holds_none_of_the_stages_libraries(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    files = [*sorted(SEEDS.glob("*.txt")), broken]
    store = tmp_path / "store"
    done = subprocess.run(
        [sys.executable, "-c", _THIN, str(store), *map(str, files)],
        capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONPATH=SRC),
    )  # fmt: skip
    out = json.loads(done.stdout)
    assert out["imported"] == []  # on one process: spaCy, lxml, rdflib, Oxigraph, ...
    assert out["added"] == 5 and len(out["failures"]) == 1  # the others are read
    assert out["failures"][0].startswith(f"{broken}:l1: invalid JSON")  # naming file and line
    assert out["loaded"] > 0 and out["triples"] > out["loaded"]
    with GraphStore(generations.resolve(store), read_only=True) as graph:
        assert graph.triple_count() == out["triples"]
    assert not list(store.glob(".ingest-*")) and not list(tmp_path.glob(".apart-*"))


@pytest.mark.parametrize(
    ("sig", "expected"),
    [
        (signal.SIGKILL, r"read_pass ended in its own process with exit code -9 and no result"),
        (signal.SIGINT, None),  # Ctrl-C: the stage stops, and so does the ingest
    ],
)
def test_a_stage_killed_mid_ingest_is_an_error_and_the_store_stays_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sig: int, expected: str | None
) -> None:
    monkeypatch.setattr(pipeline, "APART_FROM", 0)
    store = tmp_path / "store"
    thread = threading.Thread(target=_signal_child(sig, 0.5))
    thread.start()
    with pytest.raises(KeyboardInterrupt if expected is None else RaadsgrafError) as caught:
        pipeline.ingest(sorted(SEEDS.glob("*.txt")), Settings(store=store), progress=False)
    thread.join()
    assert expected is None or re.search(expected, str(caught.value))
    assert generations.live(store) is None
    assert not _stage_children(psutil.Process())
    assert not list(store.glob(".ingest-*")) and not list(store.glob("gen-*"))


def test_a_child_interrupted_while_it_starts_is_an_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C before the child's own handler is in place: Python dies of SIGINT
    (exit code -2), which is the user's interrupt, not a crash."""
    early = "import os, signal, time; os.kill(os.getpid(), signal.SIGINT); time.sleep(30)"
    monkeypatch.setattr(
        apart, "_run", lambda job: subprocess.run([sys.executable, "-c", early]).returncode
    )
    with pytest.raises(KeyboardInterrupt):
        apart.call(time.sleep, 30, folder=tmp_path)


def test_a_child_knows_it_runs_one_call(tmp_path: Path) -> None:
    """A stage run apart may let go of what it keeps for a next call (an index stage:
    its encoder, ~0.2 GB of e5 session and arena), because it is asked of
    ``raadsgraf.apart.one_call()``; the child ran ``main`` as ``__main__``, so that
    stayed False and the encoder was held through FAISS and BM25."""
    assert not apart.one_call()
    assert apart.call(apart.one_call, folder=tmp_path) is True
