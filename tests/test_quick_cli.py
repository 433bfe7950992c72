"""Issue #20, parts 2 and 4: a one-shot CLI call loads only what it needs, and the
leaner loading and embedding give the same answers.

A ``raadsgraf search`` on all of Greve took ~3 s (16 s on a busy machine), nearly
all of it loading: the parsers and rdflib, bm25s (and scipy), FAISS, the whole
0.43 GB ONNX graph and the Rust tokenizer's 250k-piece lattice. What users saw
is checked here by what the command paths import (not by timing: the machine is
shared); ``bench/lean.py cli`` measures the wall time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from raadsgraf.config import Settings
from raadsgraf.index.chunking import Chunk
from raadsgraf.index.encoders import PAD_ID, OnnxEncoder, get_encoder
from raadsgraf.index.encoders.cache import EmbeddingCache, embed_with_cache
from raadsgraf.index.encoders.models import DEFAULT_MODEL, model_file
from raadsgraf.index.encoders.split import split_folder
from raadsgraf.index.encoders.unigram import UnigramTokenizer
from raadsgraf.index.search import SearchIndex
from raadsgraf.index.table import ROWS_ARRAYS, ROWS_NAMES, ChunkTable, Columns
from tests.conftest import MODELS

ROOT = Path(__file__).resolve().parents[1]

#: Never on a search's path: a heavy import, or a stage a search does not use.
NOT_FOR_SEARCH = (
    "torch",
    "sentence_transformers",
    "spacy",
    "transformers",
    "rdflib",
    "bm25s",
    "scipy",
    "faiss",
    "tokenizers",
    "onnx",
    "httpx",
    "raadsgraf.parsers",
    "raadsgraf.pipeline",
)
NOT_FOR_LINEAGE = (
    "torch",
    "sentence_transformers",
    "spacy",
    "transformers",
    "onnxruntime",
    "faiss",
    "bm25s",
    "scipy",
    "tokenizers",
    "httpx",
    "raadsgraf.parsers",
    "raadsgraf.pipeline",
    "raadsgraf.index",
)

_PROBE = """
import runpy, sys
sys.argv = ["raadsgraf", *sys.argv[1:]]
try:
    runpy.run_module("raadsgraf", run_name="__main__")
except SystemExit as exc:
    code = exc.code
print("MODULES", *sorted(sys.modules), file=sys.stderr)
"""


def _loaded(*argv: str) -> tuple[str, set[str]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), RAADSGRAF_MODELS=str(MODELS))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], env=env, capture_output=True, text=True, check=True
    )
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")]
    return done.stdout, set(line.split()[1:])


def _heavy(loaded: set[str], banned: tuple[str, ...]) -> list[str]:
    return sorted(b for b in banned if any(m == b or m.startswith(b + ".") for m in loaded))


def test_search_command_loads_no_parser_graph_or_heavy_library(seed_store: Path) -> None:
    out, loaded = _loaded(
        "search", "boligsocial helhedsplan", "--store", str(seed_store), "-k", "3"
    )
    assert " 1. " in out  # it did search, through the model (hybrid)
    assert "onnxruntime" in loaded
    assert _heavy(loaded, NOT_FOR_SEARCH) == []


def test_lineage_command_loads_no_search_engine(seed_store: Path) -> None:
    out, loaded = _loaded(
        "lineage", "--date", "2023-11-07", "--item", "7", "--store", str(seed_store)
    )
    assert out.strip()
    assert _heavy(loaded, NOT_FOR_LINEAGE) == []


@pytest.fixture(scope="module")
def encoder(seed_store: Path) -> OnnxEncoder:
    enc = get_encoder(DEFAULT_MODEL, 2, MODELS)
    assert isinstance(enc, OnnxEncoder)
    return enc


def _passages(store: Path) -> list[str]:
    from raadsgraf import generations

    table = ChunkTable(generations.resolve(store) / "index" / "chunks.jsonl")
    return [c.passage for c in table]


def test_query_tokenizer_gives_the_rust_tokenizers_ids(seed_store: Path) -> None:
    from tokenizers import Tokenizer

    path = model_file(DEFAULT_MODEL, MODELS)
    get_encoder(DEFAULT_MODEL, 2, MODELS)  # splits the model on first use
    ours = UnigramTokenizer(split_folder(path))
    rust = Tokenizer.from_file(str(path.parent.parent / "tokenizer.json"))
    rust.enable_truncation(max_length=512)
    odd = ["", " lead", "trail ", "a  b", "a\u00a0b", "ﬁ ①²", "\x01ctl\tx\ny", "日本語", "🙂 ☃ ǅ"]
    texts = [f"query: {t}" for t in odd] + odd + [f"passage: {p}" for p in _passages(seed_store)]
    texts.append("passage: " + " ".join(_passages(seed_store)))  # truncated at 512 ids
    wrong = [t for t in texts if ours.encode(t) != rust.encode(t).ids]
    assert wrong == []
    assert len(texts) > 250 and len(ours.encode(texts[-1])) == 512
    # the passages are tokenised through its word cache (an ingest's texts): the same
    # ids again from the cache, and after the cache starts over
    assert [ours.encode(t) for t in texts] == [rust.encode(t).ids for t in texts]
    small = UnigramTokenizer(split_folder(path))
    small_cache = 50
    import raadsgraf.index.encoders.unigram as unigram

    unigram_cache, unigram.WORD_CACHE = unigram.WORD_CACHE, small_cache
    try:
        assert [small.encode(t) for t in texts[-40:]] == [rust.encode(t).ids for t in texts[-40:]]
        assert len(small._words) <= small_cache
    finally:
        unigram.WORD_CACHE = unigram_cache


def test_split_model_gives_the_whole_graphs_vectors(encoder: OnnxEncoder, seed_store: Path) -> None:
    texts = [*_passages(seed_store)[:24], "boligsocial helhedsplan", "hjemløse"]
    whole = OnnxEncoder(encoder._path, 2, name="whole")
    whole._split, whole._embeddings, whole._session = None, None, None
    assert encoder._split is not None  # the default model splits
    for kind in ("encode_passages", "encode_queries"):
        split_vectors = getattr(encoder, kind)(texts)
        whole_vectors = getattr(whole, kind)(texts)
        assert float((split_vectors * whole_vectors).sum(axis=1).min()) >= 0.9999


def _mapped(name: str) -> bool:
    """Is a file called ``name`` memory-mapped into this process?"""
    return any(line.rstrip().endswith("/" + name) for line in open("/proc/self/maps"))


def test_word_embeddings_are_read_row_by_row_not_mapped(
    encoder: OnnxEncoder, seed_store: Path
) -> None:
    """A cold e5 ingest's index stage had most of the 384 MB word-embedding table
    resident: memory-mapped, every row touched brought in the pages around it. Rows
    are now read when first used, and the vectors are the mapped table's, bit for bit."""
    from raadsgraf.index.encoders.split import EMBEDDINGS

    texts = [*_passages(seed_store)[:40], "boligsocial helhedsplan"]
    fresh = OnnxEncoder(encoder._path, 2, name="fresh")
    passages, queries = fresh.encode_passages(texts), fresh.encode_queries(texts[-2:])
    assert not _mapped(EMBEDDINGS)
    assert fresh._embeddings is not None and encoder._split is not None
    used = {
        i for p in ("passage: ", "query: ") for t in texts for i in fresh._ids([p + t], False)[0]
    }
    assert fresh._embeddings._count == len(used | {PAD_ID})  # only the rows used, each once
    mapped = OnnxEncoder(encoder._path, 2, name="mapped")
    mapped._embeddings = np.load(encoder._split / EMBEDDINGS, mmap_mode="r")  # type: ignore[assignment]
    assert np.array_equal(mapped.encode_passages(texts), passages)
    assert np.array_equal(mapped.encode_queries(texts[-2:]), queries)


def test_npy_table_rows_are_np_loads_rows(tmp_path: Path) -> None:
    """:class:`TableRows` over an ``.npy`` file gives exactly ``np.load``'s rows: ids
    repeated, in any order, 2-D (a batch of texts × tokens), empty, from threads."""
    from concurrent.futures import ThreadPoolExecutor

    from raadsgraf.index.encoders.rows import TableRows

    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float16):
        whole = rng.standard_normal((3000, 24)).astype(dtype)
        np.save(tmp_path / "t.npy", whole)
        rows = TableRows.npy(tmp_path / "t.npy")
        assert rows is not None and rows.shape == whole.shape and rows.dtype == whole.dtype
        asked = [[5, 4, 5, 0], [[7, 1, 1], [2999, 7, 3]], [], list(range(100)), [5, 5]]
        for ids in asked:
            got = rows[np.asarray(ids, dtype=np.int64)]
            assert got.dtype == whole.dtype and np.array_equal(got, whole[ids])
        fresh = TableRows.npy(tmp_path / "t.npy")
        assert fresh is not None
        batches = [rng.integers(0, len(whole), (4, 50)) for _ in range(64)]
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(fresh.__getitem__, batches))
        assert all(np.array_equal(g, whole[b]) for g, b in zip(got, batches, strict=True))
        assert fresh._count == len(np.unique(np.concatenate(batches)))  # each row read once
    np.save(tmp_path / "f.npy", np.asfortranarray(whole))
    np.save(tmp_path / "v.npy", whole[0])
    np.save(tmp_path / "i.npy", np.arange(6).reshape(2, 3))
    (tmp_path / "x.npy").write_bytes(b"not numpy")
    assert [TableRows.npy(tmp_path / f) for f in ("f.npy", "v.npy", "i.npy", "x.npy")] == [None] * 4


class _Recorder:
    name, dim = "recorder", 2

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_each_distinct_text_is_embedded_once_shortest_first(tmp_path: Path) -> None:
    texts = ["Godkendelse af dagsorden", "a much longer passage " * 5, "kort", "kort", "mellem"]
    texts = texts * 3  # boilerplate recurs across meetings
    enc = _Recorder()
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        vectors, embedded = embed_with_cache(
            cache,
            enc.name,
            2,
            texts,
            enc.encode_passages,  # type: ignore[arg-type]
            batch_size=2,
        )
    sent = [t for call in enc.calls for t in call]
    # by length: a batch pads to its longest text (a vector does not depend on batch-mates)
    assert embedded == 4 and sent == sorted(dict.fromkeys(texts), key=len)
    assert [len(call) for call in enc.calls] == [2, 2]
    assert [v[0] for v in vectors] == [len(t) for t in texts]


def test_a_long_running_index_keeps_a_bounded_number_of_rows_parsed(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service reads rows all day: it keeps the last ROWS_KEPT parsed, not all (on
    Greve the kept rows grew by 3,000 per 300 searches), and re-reads the others."""
    from raadsgraf import generations
    from raadsgraf.index import table as table_module

    monkeypatch.setattr(table_module, "ROWS_KEPT", 5)
    table = ChunkTable(generations.resolve(seed_store) / "index" / "chunks.jsonl")
    first = [table[i].passage for i in range(12)]
    assert len(table._rows) == 5 and list(table._rows) == list(range(7, 12))
    assert [table[i].passage for i in range(12)] == first


def test_saved_columns_equal_those_computed_and_old_indexes_still_open(
    seed_store: Path, tmp_path: Path
) -> None:
    from raadsgraf import generations

    folder = generations.resolve(seed_store) / "index"
    table = ChunkTable(folder / "chunks.jsonl")
    saved = Columns.load(folder, len(table))
    assert saved is not None
    computed = Columns.of(table)
    for name in ("municipality", "committee", "outcome", "item", "date", "is_open", "has_text"):
        assert np.array_equal(getattr(saved, name), getattr(computed, name)), name
    assert saved.names == computed.names and saved.procedural == computed.procedural
    assert [json.dumps(c.to_json()) for c in table] == [
        json.dumps(Chunk.from_json(json.loads(line)).to_json())
        for line in (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    # an index written before the columns existed: read as before, same answers
    old = tmp_path / "gen"
    shutil.copytree(folder, old / "index")
    (old / "index" / ROWS_ARRAYS).unlink()
    (old / "index" / ROWS_NAMES).unlink()
    settings = Settings(store=seed_store, models=MODELS)
    query = "boligsocial helhedsplan"
    fresh = SearchIndex(generations.resolve(seed_store), settings).search(query, mode="bm25")
    again = SearchIndex(old, settings).search(query, mode="bm25")
    assert [h.to_json() for h in fresh] == [h.to_json() for h in again]
    assert fresh
