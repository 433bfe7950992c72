"""The index folder (``<store>/index``): what is in it, and how it is updated.

Files::

    config.json      model, dimension, normalisation, chunking, corpus hash, version
                     (``model`` names the one model every vector is from: a
                     fast-lane index is all static until ``embed --upgrade``
                     swaps in an all-e5 one, see :mod:`raadsgraf.index.upgrade`)
    chunks.jsonl     one Chunk per line, row i ↔ FAISS id i ↔ BM25 document i
    rows.npz/.json   per row, what filters test (codes, dates, open) and the item;
                     the store's procedural titles (index/table.py)
    vectors.npy      the passage vectors (float32, L2-normalised)
    dense.faiss      the FAISS index over vectors.npy
    bm25/            the bm25s index
    cache.sqlite     embedding cache (model + passage hash → vector); survives rebuilds

``config.json`` is written last, so an interrupted update leaves either the
old index or the new one, described by its own config, never a mix that
claims to be whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from raadsgraf import apart, generations
from raadsgraf.config import Settings
from raadsgraf.errors import IndexMismatch, IndexNotFound
from raadsgraf.index import dense, milvus
from raadsgraf.index.backend import is_embedded
from raadsgraf.index.chunking import Chunk, ChunkParams, chunk_document
from raadsgraf.index.encoders import Encoder, ModelId, Vectors, forget_encoders, index_encoder
from raadsgraf.index.encoders.cache import EmbeddingCache, embed_with_cache
from raadsgraf.index.encoders.models import is_fast_lane_of, models_folder
from raadsgraf.index.sparse import SparseIndex
from raadsgraf.index.table import Columns
from raadsgraf.lazy import Mapped
from raadsgraf.model import Document

#: Bump when the folder's layout or the chunk format changes.
FORMAT_VERSION = 1
#: The BM25 normaliser of a new index (sparse.NORMALISERS). An index records its
#: own in config.json ("bm25"): an ingest into it goes on with that one, and
#: queries and snippets use it. "stem" was the default before session 9.
DEFAULT_NORMALISER = "stem-syncope"


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What :func:`update` did."""

    documents: int
    chunks: int  # chunks in the index afterwards
    added: int  # chunks from the given documents
    removed: int  # chunks they replaced
    embedded: int  # passages that had to be embedded (cache misses)
    cached: int  # passages whose vector came from the cache
    dense_index: str  # "flat", "ivf", "hnsw"; "milvus-flat" or "milvus-ivf_flat" in Milvus
    seconds: float

    def summary(self) -> str:
        return (
            f"index: {self.chunks} chunks ({self.added} from {self.documents} document(s), "
            f"{self.removed} replaced); embedded {self.embedded}, {self.cached} from cache; "
            f"{self.dense_index} FAISS index; {self.seconds:.1f} s"
        )


def index_dir(store_dir: Path) -> Path:
    return Path(store_dir) / "index"


def read_config(folder: Path) -> dict[str, Any]:
    path = folder / "config.json"
    if not path.is_file():
        raise IndexNotFound(
            f"{folder}: no search index here yet; build one with `raadsgraf ingest FILES`"
        )
    try:
        config: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexMismatch(f"{path}: unreadable index config ({exc})") from None
    if config.get("version") != FORMAT_VERSION:
        raise IndexMismatch(
            f"{path}: index format {config.get('version')!r}, this raadsgraf reads "
            f"{FORMAT_VERSION}; delete {folder} and ingest again"
        )
    return config


def check_model(config: dict[str, Any], folder: Path, model: str) -> None:
    if config.get("model") != model:
        raise IndexMismatch(
            f"{folder}: the index was built with model {config.get('model')!r} but the settings "
            f"ask for {model!r}; use the setting model={config.get('model')!r}, "
            f"or delete {folder} and ingest again to rebuild with {model!r}"
        )


def read_chunks(folder: Path) -> list[Chunk]:
    return list(iter_chunks(folder))


def iter_chunks(folder: Path) -> Iterator[Chunk]:
    """The index's chunks in row order, one at a time (all of Greve's 57k at once
    are ~0.1 GB of objects)."""
    path = folder / "chunks.jsonl"
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as f:
        yield from (Chunk.from_json(json.loads(line)) for line in f if line.strip())


def read_vectors(folder: Path, settings: Settings, chunks: Sequence[Chunk]) -> Vectors:
    """The passage vectors of the index in ``folder`` (row i ↔ ``chunks[i]``),
    from ``vectors.npy`` or, for an index kept in Milvus, from its collection."""
    config = read_config(folder)
    if config.get("search", "embedded") == "embedded":
        vectors: Vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        return vectors
    kept = dataclasses.replace(settings, search=str(config["search"]))
    return milvus.read_vectors(kept, folder.parent, [c.chunk_id for c in chunks])


def corpus_hash(chunks: Sequence[Chunk]) -> str:
    digest = hashlib.sha256()
    for c in chunks:
        digest.update(c.chunk_id.encode())
    return digest.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _write_chunks(path: Path, chunks: Sequence[Chunk]) -> None:
    """``chunks.jsonl``, line by line (the whole text at once was ~0.2 GB of an
    ingest's peak on Greve), swapped in when complete."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for c in chunks:
            f.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
    os.replace(tmp, path)


@dataclass(frozen=True, slots=True)
class Embedded:
    """The encoder an index's vectors came from, once they are computed: what
    :func:`write` records, without the model itself (the fast lane's tokenizer and
    table are ~0.4 GB an index build does not need)."""

    name: str
    dim: int


def _merge(old: list[Chunk], new: list[Chunk]) -> tuple[list[Chunk], int]:
    """Old chunks minus those the new documents replace, then the new ones.

    A document replaces every chunk from the same file and every chunk of an
    item (IRI) it brings again — the minutes of a meeting replace its agenda.
    """
    paths = {c.source_path for c in new}
    iris = {c.iri for c in new}
    kept = [c for c in old if c.source_path not in paths and c.iri not in iris]
    return kept + new, len(old) - len(kept)


def default_cache(store_dir: Path) -> Path:
    """The embedding cache of the index under ``store_dir``: one for all generations
    of a store (``<store>/shared/embeddings.sqlite``: embed nothing twice), else
    ``<store>/index/cache.sqlite``."""
    shared = generations.shared_folder(Path(store_dir))
    path = (
        index_dir(store_dir) / "cache.sqlite"
        if shared == Path(store_dir)
        else shared / "embeddings.sqlite"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def passages(chunks: Sequence[Chunk]) -> Sequence[str]:
    """The chunks' passages (:attr:`Chunk.passage`), each made when asked for: all
    of Greve's at once are ~33 MB of strings that embedding and BM25 read once."""
    return Mapped(chunks, operator.attrgetter("passage"))


def embed_chunks(
    cache_path: Path, encoder: Encoder, chunks: Sequence[Chunk], *, progress: bool
) -> tuple[Vectors, int]:
    texts = passages(chunks)
    with (
        EmbeddingCache(cache_path) as cache,
        tqdm(total=len(texts), desc="embed", unit="passage", disable=not progress) as bar,
    ):
        # a static encoder (the fast lane) takes thousands at once; e5 batches of 32
        batch = int(getattr(encoder, "cache_batch", 32))
        return embed_with_cache(
            cache, encoder.name, encoder.dim, texts, encoder.encode_passages,
            batch_size=batch, progress=bar.update,
        )  # fmt: skip


def write_vectors(folder: Path, vectors: Vectors, settings: Settings) -> str:
    """``vectors.npy`` and ``dense.faiss`` of an embedded index (:func:`write` writes
    them, unless they were written first: then the caller can let go of its
    vectors before BM25 is built). Returns the dense index kind."""
    dense.set_threads(settings.threads)
    kind = dense.index_kind(len(vectors))
    tmp_vectors = folder / "vectors.tmp.npy"
    np.save(tmp_vectors, vectors)
    os.replace(tmp_vectors, folder / "vectors.npy")
    if kind == "flat":  # straight from the vectors, without FAISS's copy of them
        dense.save_flat(vectors, folder / "dense.faiss.tmp")
    else:
        dense.save(dense.build(vectors, kind), folder / "dense.faiss.tmp")
    os.replace(folder / "dense.faiss.tmp", folder / "dense.faiss")
    return kind


def save_sparse(folder: Path, sparse: SparseIndex) -> None:
    """Write the BM25 index to ``folder/bm25`` (through ``bm25.tmp``); config.json,
    which names its normaliser, is the caller's to write after it."""
    shutil.rmtree(folder / "bm25.tmp", ignore_errors=True)
    sparse.save(folder / "bm25.tmp")
    shutil.rmtree(folder / "bm25", ignore_errors=True)
    os.replace(folder / "bm25.tmp", folder / "bm25")


def rebuild_sparse(folder: Path, normaliser: str) -> int:
    """Rebuild the BM25 index of the index folder ``folder`` from its chunks with
    ``normaliser`` and record it in config.json: the vectors stay as they are (a
    bench compares normalisers on a copy of a store without embedding again).
    Embedded backend only. Returns the number of passages."""
    config = read_config(folder)
    chunks = read_chunks(folder)
    save_sparse(folder, SparseIndex.build(passages(chunks), normaliser))
    config["bm25"] = normaliser
    _write_atomic(folder / "config.json", json.dumps(config, indent=2).encode("utf-8"))
    return len(chunks)


def write(
    folder: Path,
    chunks: Sequence[Chunk],
    vectors: Vectors | None,
    settings: Settings,
    encoder: ModelId,
    normaliser: str = DEFAULT_NORMALISER,
    params: ChunkParams | None = None,
    *,
    fresh: int = 0,
    gone: Sequence[str] = (),
    progress: bool = False,
    written: str | None = None,
) -> str:
    """Build the index over ``chunks`` (row i ↔ ``vectors[i]``) and write the folder,
    config.json last. Returns the dense index kind. With the embedded backend FAISS
    and BM25 are rebuilt from every chunk; with Milvus (the ``search`` setting) the
    folder keeps the catalogue (chunks, BM25 vocabulary) and the collection gets the
    rows from ``fresh`` on, after the chunk ids in ``gone`` are deleted from it.
    ``vectors`` None: :func:`write_vectors` wrote them already, a dense index of
    kind ``written``."""
    params = params or ChunkParams()
    dense.set_threads(settings.threads)
    sparse = SparseIndex.build(passages(chunks), normaliser)
    _write_chunks(folder / "chunks.jsonl", chunks)
    Columns.of(chunks).save(folder)
    if not is_embedded(settings):
        assert vectors is not None, "Milvus is given its vectors"
        kind = milvus.write(
            settings, encoder, chunks, vectors, sparse, fresh, gone, progress, folder.parent
        )
    elif vectors is not None:
        kind = write_vectors(folder, vectors, settings)
    else:
        assert written is not None, "the kind write_vectors wrote"
        kind = written
    save_sparse(folder, sparse)
    config = {
        "version": FORMAT_VERSION,
        "model": settings.model,
        "model_id": encoder.name,
        "dimension": encoder.dim,
        "normalisation": "l2",
        "metric": "inner-product",
        "dense_index": kind,
        "search": "embedded" if is_embedded(settings) else settings.search,
        "bm25": normaliser,
        "chunking": params.as_dict(),
        "include_closed": settings.include_closed,
        "chunks": len(chunks),
        "corpus_hash": corpus_hash(chunks),
    }
    _write_atomic(folder / "config.json", json.dumps(config, indent=2).encode("utf-8"))
    return kind


def embed_and_write(
    folder: Path,
    chunks: Sequence[Chunk],
    encoder: Encoder,
    settings: Settings,
    cache_path: Path,
    normaliser: str,
    params: ChunkParams,
    *,
    fresh: int = 0,
    gone: Sequence[str] = (),
    progress: bool = False,
    release: bool = False,
) -> tuple[str, int]:
    """Embeds ``chunks`` through the cache at ``cache_path`` and writes the index in
    ``folder`` (:func:`write`); returns the dense index kind and how many passages
    had to be embedded. The vectors go before BM25 is built (88 MB on Greve); with
    ``release`` the encoder too (:func:`forget_encoders`; its session and arena,
    ~0.2 GB for e5), provided the caller holds no reference of its own."""
    vectors, embedded = embed_chunks(cache_path, encoder, chunks, progress=progress)
    model = Embedded(encoder.name, encoder.dim)
    del encoder  # the model's memory goes before FAISS and BM25 are built
    if release:  # freed, and its pages handed back (glibc kept them all: bench/README.md)
        forget_encoders()
        apart.release_freed_memory()
    written = None
    if is_embedded(settings):
        written = write_vectors(folder, vectors, settings)
        del vectors
    kind = write(
        folder,
        chunks,
        None if written else vectors,
        settings,
        model,
        normaliser,
        params,
        fresh=fresh,
        gone=gone,
        progress=progress,
        written=written,
    )
    return kind, embedded


def update(
    store_dir: Path,
    documents: Sequence[Document],
    settings: Settings,
    *,
    progress: bool = True,
    normaliser: str | None = None,
    params: ChunkParams | None = None,
    cache_path: Path | None = None,
) -> IndexReport:
    """Add (or replace) ``documents`` in the search index under ``store_dir``.

    Only passages the cache has not seen are embedded; the FAISS and BM25
    indexes are rebuilt from all chunks, which takes seconds even at 10^5.
    ``cache_path`` (default ``<store>/shared/embeddings.sqlite`` for a store
    kept in generations, else ``<store>/index/cache.sqlite``) lets several
    indexes share one embedding cache. ``normaliser`` (BM25's) None: the one the
    index records, :data:`DEFAULT_NORMALISER` for a new index.
    """
    start = time.perf_counter()
    folder = index_dir(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    params = params or ChunkParams()
    old: list[Chunk] = []
    if (folder / "config.json").is_file():
        config = read_config(folder)
        if is_fast_lane_of(config.get("model"), settings.model):
            # a fast-lane index stays one until `raadsgraf embed --upgrade` (index/upgrade.py)
            settings = dataclasses.replace(settings, model=str(config["model"]))
            if progress:
                print(
                    f"{folder}: the index is the fast lane ({settings.model}); new passages "
                    "are embedded with it: `raadsgraf embed --upgrade` re-embeds all with the "
                    "full model",
                    file=sys.stderr,
                )
        if config.get("model") != settings.model:
            # every passage is embedded again below (the cache is keyed by model)
            print(
                f"{folder}: the index was built with model {config.get('model')!r}; "
                f"embedding every passage again with {settings.model!r}",
                file=sys.stderr,
            )
        if normaliser is None:  # an index goes on with the normaliser it was built with
            normaliser = str(config.get("bm25"))
        if config.get("chunking") != params.as_dict() or config.get("bm25") != normaliser:
            raise IndexMismatch(
                f"{folder}: the index was built with other chunking/BM25 settings; "
                f"delete {folder} and ingest again"
            )
        old = read_chunks(folder)
    normaliser = normaliser or DEFAULT_NORMALISER
    new = [
        c
        for d in documents
        for c in chunk_document(d, params, include_closed=settings.include_closed)
    ]
    chunks, removed = _merge(old, new)
    if not chunks:  # nothing to index (no documents yet): leave the folder as it was
        return IndexReport(len(documents), 0, 0, removed, 0, 0, "none", time.perf_counter() - start)
    # an index made by an earlier build of the model (a recipe change) goes on with it
    # until `raadsgraf embed --upgrade`: one model's vectors per index
    built_with = read_config(folder).get("model_id") if old else None
    models = models_folder(settings, store_dir)
    cache_path = cache_path or default_cache(store_dir)
    merged = {c.chunk_id for c in chunks}
    gone = sorted({c.chunk_id for c in old} - merged)
    kind, embedded = embed_and_write(
        folder,
        chunks,
        # no name of its own here: let go of in embed_and_write (~0.15 GB, fast lane)
        index_encoder(settings.model, built_with, settings.threads, models),
        settings,
        cache_path,
        normaliser,
        params,
        fresh=len(chunks) - len(new),
        gone=gone,
        progress=progress,
        release=apart.one_call(),  # kept for a next ingest only where there is one
    )
    return IndexReport(
        documents=len(documents),
        chunks=len(chunks),
        added=len(new),
        removed=removed,
        embedded=embedded,
        cached=len(chunks) - embedded,
        dense_index=kind,
        seconds=time.perf_counter() - start,
    )
