"""The Milvus search backend (issue #16), tested against Milvus Lite: the seeds
ingested once into the embedded index (the session's seed store) and once into a
Milvus Lite file, sharing the embedding cache, then the same queries, modes and
filters asked of both. Bounded: ~10 s of ingest, then queries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import raadsgraf
from raadsgraf import erasure, index
from raadsgraf.config import Settings
from raadsgraf.errors import ConfigError, IndexMismatch
from raadsgraf.index.milvus import literal
from raadsgraf.index.search import Filters
from raadsgraf.pipeline import ingest

from .app_store import SEEDS, STORE_SEEDS, UPLOAD_SEED, seed_cache, seed_file
from .conftest import MODELS

pytest.importorskip("milvus_lite")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DEV_QUERIES = (
    next((p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.is_dir()), ROOT / "shared")
    / "dev-eval"
    / "queries.json"
)
TRUST_QUERIES = ROOT / "bench" / "trust_queries.json"
#: The issue's tolerance: mean top-10 overlap with the embedded index.
MIN_OVERLAP = 0.9


def _settings(store: Path, search: str = "embedded") -> Settings:
    return Settings(store=store, models=MODELS, search=search)


@pytest.fixture(scope="module")
def milvus_store(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed store's four seeds ingested with ``search = "search.db"`` (a Milvus
    Lite file in the store), reusing the seed store's embedding cache."""
    folder = tmp_path_factory.mktemp("milvus")
    src = folder / "src"
    src.mkdir()
    for prefix in STORE_SEEDS:
        shutil.copy(seed_file(prefix), src)
    store = seed_cache(folder / "store", seed_store)
    report = ingest([src], _settings(store, "search.db"), progress=False)
    assert report.ok, report.failures
    built = report.sink_results["index"]
    assert isinstance(built, index.IndexReport) and built.dense_index == "milvus-flat"
    return store


@pytest.fixture(scope="module")
def pair(seed_store: Path, milvus_store: Path) -> tuple[index.SearchIndex, index.SearchIndex]:
    embedded = index.open_index(seed_store, _settings(seed_store))
    remote = index.open_index(milvus_store, _settings(milvus_store, "search.db"))
    shared = _OnceEncoder(embedded.encoder)  # one model, each query encoded once
    embedded._encoder = remote._encoder = shared  # type: ignore[assignment]
    return embedded, remote


class _OnceEncoder:
    """The real encoder, remembering query vectors: both engines get the same ones."""

    def __init__(self, inner: index.Encoder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.seen: dict[str, object] = {}

    def encode_queries(self, texts):  # type: ignore[no-untyped-def]
        (text,) = texts
        if text not in self.seen:
            self.seen[text] = self.inner.encode_queries([text])
        return self.seen[text]


def _overlap(a: list[index.Hit], b: list[index.Hit]) -> float:
    left, right = [h.iri for h in a], [h.iri for h in b]
    if not left and not right:  # both found nothing (BM25: no query word in the seeds)
        return 1.0
    return len(set(left) & set(right)) / max(1, len(left), len(right))


def _queries(path: Path) -> list[str]:
    return [q["text"] for q in json.loads(path.read_text(encoding="utf-8"))["queries"]]


def test_the_milvus_store_keeps_its_vectors_in_milvus(milvus_store: Path) -> None:
    rg = raadsgraf.open(milvus_store, _settings(milvus_store, "search.db"))
    assert rg.index.backend.kind == "milvus"
    folder = rg.index.folder
    assert not (folder / "dense.faiss").exists() and not (folder / "vectors.npy").exists()
    assert (milvus_store / "search.db").exists()
    hits = rg.search("boligsocial helhedsplan", top_k=3, mode="bm25")  # no model to load
    assert hits and hits[0].iri.startswith("https://")


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_dev_queries_answer_as_the_embedded_index(pair, mode: str) -> None:  # type: ignore[no-untyped-def]
    embedded, remote = pair
    overlaps = []
    for query in _queries(DEV_QUERIES):
        a = embedded.search(query, mode=mode, include_weak=True)
        b = remote.search(query, mode=mode, include_weak=True)
        overlaps.append(_overlap(a, b))
        # the hit contract: same fields, same weak flag, same relevance where both found
        # it (to 0.001: two engines' float32 inner products differ in the last digits)
        shared = {h.iri: h for h in b}
        for hit in a:
            if hit.iri in shared:
                mine, other = hit.to_json(), shared[hit.iri].to_json()
                assert mine.pop("relevance") == pytest.approx(other.pop("relevance"), abs=1e-3)
                assert {k: v for k, v in mine.items() if k not in ("rank", "score")} == {
                    k: v for k, v in other.items() if k not in ("rank", "score")
                }
    assert sum(overlaps) / len(overlaps) >= MIN_OVERLAP, overlaps


def test_bench_queries_answer_as_the_embedded_index(pair) -> None:  # type: ignore[no-untyped-def]
    """bench/trust_queries.json is about Greve; on the seeds every query still has
    a ranking (or says it has no good match), and both engines must agree on it:
    all 148 in BM25 (no model), every third in hybrid (bounded time)."""
    embedded, remote = pair
    queries = _queries(TRUST_QUERIES)
    for mode, chosen in (("bm25", queries), ("hybrid", queries[::3])):
        overlaps = [
            _overlap(
                embedded.search(q, mode=mode, include_weak=True),
                remote.search(q, mode=mode, include_weak=True),
            )
            for q in chosen
        ]
        assert sum(overlaps) / len(overlaps) >= MIN_OVERLAP, mode
        assert min(overlaps) >= 0.5, (mode, sorted(overlaps)[:5])


FILTERS = [
    Filters(municipality="gentofte"),
    Filters(committee="økonomi"),
    Filters(date_from=dt.date(2020, 1, 1)),
    Filters(date_to=dt.date(2019, 12, 31)),
    Filters(outcome="godkendt"),
    Filters(open_only=True, municipality="KOMMUNE"),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f)[8:60])
def test_filters_select_the_same_hits(pair, filters: Filters) -> None:  # type: ignore[no-untyped-def]
    embedded, remote = pair
    for query in ("boligsocial indsats", "budget 2021", "skole"):
        a = embedded.search(query, filters=filters, include_weak=True)
        b = remote.search(query, filters=filters, include_weak=True)
        assert [h.iri for h in a] == [h.iri for h in b], query
        for hit in b:
            if filters.municipality:
                assert filters.municipality.casefold() in (hit.municipality or "").casefold()
            if filters.committee:
                assert filters.committee.casefold() in (hit.committee or "").casefold()
            if filters.date_from:
                assert hit.meeting_date is None or hit.meeting_date >= filters.date_from
            if filters.date_to:
                assert hit.meeting_date is not None and hit.meeting_date <= filters.date_to
            if filters.open_only:
                assert hit.is_open


def test_a_filter_that_matches_nothing_finds_nothing(pair) -> None:  # type: ignore[no-untyped-def]
    _, remote = pair
    assert remote.search("budget", filters=Filters(municipality="Ingenby")) == []


def _rows_naming(client: Any, name: str, words: str) -> int:
    """Rows of the collection whose chunk (any field) holds ``words``."""
    rows = client.query(name, filter='id != ""', output_fields=["chunk"], limit=16_384)
    return sum(words.lower() in json.dumps(r["chunk"], ensure_ascii=False).lower() for r in rows)


def test_ingest_replaces_and_forget_deletes_in_milvus(milvus_store: Path, tmp_path: Path) -> None:
    """An ingest replaces a source's rows; `forget` deletes a source's rows and a
    name's (its sources read again without it) from the collection; a dump written
    before the erasure, loaded back, does not bring the name back."""
    from raadsgraf import dump

    from .test_erasure import NAME

    store = tmp_path / "store"
    shutil.copytree(milvus_store, store)
    settings = _settings(store, "search.db")
    before = dump.export(settings, tmp_path / "before")
    upload = seed_file(UPLOAD_SEED)  # Gentofte, boligsocial indsats, 9 Apr 2018
    assert ingest([upload], settings, progress=False).ok
    assert ingest([upload], settings, progress=False).ok  # again: replaced, not appended
    idx = index.open_index(store, settings)
    client, name = idx.backend.client, settings.search_collection  # type: ignore[attr-defined]
    (count,) = client.query(name, filter='id != ""', output_fields=["count(*)"])
    assert count["count(*)"] == len(idx.chunks)
    added = [c for c in idx.chunks if c.source_path.endswith(upload.name)]
    assert added and all(c.meeting_date == dt.date(2018, 4, 9) for c in added)

    erasure.forget(settings, sources=[str(upload)])
    expr = f"source_path in {literal([c.source_path for c in added])}"
    (count,) = client.query(name, filter=expr, output_fields=["count(*)"])
    assert count["count(*)"] == 0
    idx = index.open_index(store, settings)
    assert all(not c.source_path.endswith(upload.name) for c in idx.chunks)

    assert _rows_naming(client, name, NAME) > 0
    report = erasure.forget(settings, texts=[NAME])
    assert report.sources_reread == 1 and report.chunks_removed > 0
    assert _rows_naming(client, name, NAME) == 0
    assert dump.load(before.folder, settings).withheld == 1
    assert _rows_naming(client, name, NAME) == 0
    idx = index.open_index(store, settings)
    assert not any(NAME in c.text for c in idx.chunks)


def test_opening_maps_chunk_ids_without_parsing_a_row(milvus_store: Path, tmp_path: Path) -> None:
    """Milvus answers with chunk ids: the rows they map to come from the chunk-id
    column of rows.npz, not from parsing every row of chunks.jsonl; an index
    written before that column (a copy with it taken out) still opens, the ids
    then read from the rows, and answers the same."""
    import numpy as np

    from raadsgraf import generations
    from raadsgraf.index.table import ROWS_ARRAYS, Columns

    settings = _settings(milvus_store, "search.db")
    idx = index.SearchIndex(generations.resolve(milvus_store), settings)
    assert idx.chunks._rows == {}, "rows were parsed to open the index"
    query = "boligsocial helhedsplan"
    hits = [h.to_json() for h in idx.search(query, mode="bm25")]
    assert hits

    store = tmp_path / "store"
    shutil.copytree(milvus_store, store)
    rows = generations.resolve(store) / "index" / ROWS_ARRAYS
    with np.load(rows) as saved:
        older = {k: saved[k] for k in saved.files if k != "chunk_id"}
    np.savez(rows, **older)
    loaded = Columns.load(rows.parent, len(idx.chunks))
    assert loaded is not None and loaded.chunk_id is None  # the other columns still read
    old = index.SearchIndex(generations.resolve(store), _settings(store, "search.db"))
    assert old.backend.ids == idx.backend.ids  # type: ignore[attr-defined]
    assert [h.to_json() for h in old.search(query, mode="bm25")] == hits


def test_the_setting_names_what_it_accepts(seed_store: Path) -> None:
    with pytest.raises(ConfigError, match="milvus://host:port"):
        index.open_index(seed_store, _settings(seed_store, "elastic://x"))


def test_an_index_kept_elsewhere_is_not_searched_as_embedded(milvus_store: Path) -> None:
    with pytest.raises(IndexMismatch, match=r"search\.db"):
        index.open_index(milvus_store, _settings(milvus_store))


def test_a_server_address_is_understood() -> None:
    from raadsgraf.index.milvus import client_uri

    settings = dataclasses.replace(Settings(), search="milvus://milvus.example:19530")
    assert client_uri(settings) == "http://milvus.example:19530"
    assert client_uri(dataclasses.replace(settings, search="/srv/x.db")) == "/srv/x.db"
    assert SEEDS.is_dir()


def test_the_vectors_come_back_out_of_milvus_unchanged(pair) -> None:  # type: ignore[no-untyped-def]
    """What a dump or a move back to the embedded index reads: the stored vectors."""
    import numpy as np

    from raadsgraf.index.storage import read_vectors

    embedded, remote = pair
    got = read_vectors(remote.folder, remote.settings, remote.chunks)
    mine = read_vectors(embedded.folder, embedded.settings, embedded.chunks)
    row = {c.chunk_id: i for i, c in enumerate(embedded.chunks)}
    expected = np.stack([mine[row[c.chunk_id]] for c in remote.chunks])
    assert got.shape == expected.shape and np.allclose(got, expected, atol=1e-6)


def test_a_dump_loads_into_milvus_and_back_out(seed_store: Path, tmp_path: Path) -> None:
    """`export --dump` of the embedded store, `load` with search = a Milvus Lite file:
    the same searches (no embedding: the dump's vectors), and a dump of the
    Milvus-backed store carries the same vectors (the collection is read back)."""
    from raadsgraf import dump

    from .backend_compare import SEARCHES

    first = dump.export(_settings(seed_store), tmp_path / "dump")
    settings = _settings(tmp_path / "store", "search.db")
    loaded = dump.load(first.folder, settings)
    assert loaded.chunks == first.chunks > 100
    assert (tmp_path / "store" / "search.db").exists()
    a = index.open_index(seed_store, _settings(seed_store))
    b = index.open_index(tmp_path / "store", settings)
    b._encoder = a.encoder
    for query in SEARCHES:
        for mode in ("hybrid", "bm25"):
            x, y = a.search(query, mode=mode), b.search(query, mode=mode)
            assert x and [h.iri for h in x] == [h.iri for h in y], (query, mode)
            assert [h.weak for h in x] == [h.weak for h in y]
    again = dump.export(settings, tmp_path / "again")
    chunks = "index/chunks.parquet"
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "again" / chunks).equals(
        pq.read_table(tmp_path / "dump" / chunks)
    )
    assert again.chunks == first.chunks
