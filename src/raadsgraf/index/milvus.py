"""The search backend on Milvus (a Milvus Lite file or a Milvus server).

One collection holds a store's passages: the e5 vector (``FLAT`` inner
product; an ``IVF_FLAT`` index past :data:`IVF_THRESHOLD`), a sparse BM25
vector, the fields the filters test, and the chunk itself (JSON), keyed by
``chunk_id``.

BM25 with Danish analysis: Milvus's own BM25 function has a Danish Snowball
stemmer, but its tokenizers split ``00.22.04-I00-5-21`` into pieces (and Milvus
Lite has only the ``standard`` and ``jieba`` tokenizers), so exact case-number
search would lose its sharpness. The sparse vectors are therefore made by our
analyser (:func:`raadsgraf.index.sparse.tokenize`): each passage stores, per
term, its BM25 term-frequency part (:meth:`SparseIndex.row_weights`), and a
query sends each term's IDF — so inner product is the bm25s score itself.
Terms become dimensions by CRC-32 (stable across processes and updates).
The IDF comes from the catalogue's vocabulary at query time, so it follows the
corpus; a passage's length normalisation is fixed when it is written.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from raadsgraf import generations
from raadsgraf.config import Settings
from raadsgraf.errors import ConfigError, IndexMismatch
from raadsgraf.index.backend import Selection
from raadsgraf.index.chunking import Chunk
from raadsgraf.index.encoders import ModelId, Vectors
from raadsgraf.index.fusion import Ranked
from raadsgraf.index.sparse import SparseIndex
from raadsgraf.index.table import Columns

#: Rows per insert call (gRPC messages stay well under their 64 MB limit).
BATCH = 2000
#: Past this many passages the dense field gets an IVF index instead of FLAT.
IVF_THRESHOLD = 200_000
_MAX_DIM = 2**32 - 1  # Milvus sparse dimensions are uint32 below this
_EMPTY: Ranked = (np.zeros(0, np.int64), np.zeros(0, np.float32))
_CLIENTS: dict[str, Any] = {}
#: IVF cells a query scans (1/20 of them, as the embedded IVF index does:
#: :func:`raadsgraf.index.dense.ivf_probes`); FLAT ignores it.
_SEARCH_PARAMS: dict[str, dict[str, Any]] = {
    "vector": {"metric_type": "IP", "params": {"nprobe": 50}},
    "bm25": {"metric_type": "IP", "params": {"drop_ratio_search": 0.0}},
}


def term_dim(term: str) -> int:
    return zlib.crc32(term.encode("utf-8")) % _MAX_DIM


def client_uri(settings: Settings, store_dir: Path | None = None) -> str:
    """``milvus://host:port`` → ``http://host:port``; a ``.db`` file → its path
    (relative to the store's root folder: ``store_dir``'s, else ``settings.store``)."""
    value = settings.search.strip()
    if value.startswith("milvus://"):
        return "http://" + value.removeprefix("milvus://")
    if value.startswith(("http://", "https://")):
        return value
    if value.endswith(".db"):
        path = Path(value)
        return str(path if path.is_absolute() else _root(store_dir or settings.store) / path)
    raise ConfigError(
        f"search={value!r}: give 'embedded', a Milvus Lite file ending in .db, "
        "or a Milvus server as milvus://host:port"
    )


def _root(store_dir: Path) -> Path:
    """The store root of a generation folder (or of a store without generations)."""
    shared = generations.shared_folder(Path(store_dir))
    return shared.parent if shared != Path(store_dir) else Path(store_dir)


def connect(uri: str) -> Any:
    """One client per address and process (Milvus Lite serves a file to one process)."""
    if uri not in _CLIENTS:
        try:
            from pymilvus import MilvusClient
        except ImportError:  # pragma: no cover - pymilvus is a dependency
            raise ConfigError("the Milvus search backend needs the pymilvus package") from None
        if "://" not in uri:
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        _CLIENTS[uri] = MilvusClient(uri)
    return _CLIENTS[uri]


def literal(value: str | int | Sequence[str]) -> str:
    """A Milvus expression literal: the one place a value becomes expression text
    (Milvus Lite does not take ``filter_params``). Strings are JSON-quoted, which is
    Milvus's string grammar (double quotes, backslash escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(literal(v) for v in value) + "]"


def _expression(selection: Selection) -> str:
    """The selection as a Milvus boolean expression over the collection's fields."""
    parts: list[str] = []
    for field, names in (
        ("municipality", selection.municipalities),
        ("committee", selection.committees),
        ("outcome", selection.outcomes),
    ):
        if names is not None:
            parts.append(f"{field} in {literal(names)}")
    if selection.date_from is not None:
        parts.append(f"meeting_day >= {literal(selection.date_from)}")
    if selection.date_to is not None:
        parts.append(f"(meeting_day >= 0 and meeting_day <= {literal(selection.date_to)})")
    if selection.open_only:
        parts.append("is_open == true")
    if selection.visible_only:
        parts.append("visible == true")
    return " and ".join(parts)


@dataclass(slots=True)
class MilvusBackend:
    """Searches (and writes) one Milvus collection; rows are catalogue positions."""

    client: Any
    collection: str
    ids: list[str]  # the catalogue's chunk ids, by row
    row_of: dict[str, int]
    sparse: SparseIndex
    kind: str = "milvus"

    @classmethod
    def open(
        cls,
        settings: Settings,
        folder: Path,
        chunks: Iterable[Chunk],
        sparse: SparseIndex,
        columns: Columns,
    ) -> MilvusBackend:
        """The collection, with the catalogue's chunk ids read off its columns
        (``rows.npz``: no row of ``chunks.jsonl`` parsed), or from the rows of an
        index written before that column."""
        client = connect(client_uri(settings, folder.parent))
        if not client.has_collection(settings.search_collection):
            raise IndexMismatch(
                f"{folder}: the index is kept in Milvus ({settings.search}), but its "
                f"collection {settings.search_collection!r} is not there; ingest again"
            )
        client.load_collection(settings.search_collection)
        if columns.chunk_id is not None:
            ids = np.char.decode(columns.chunk_id, "ascii").tolist()
        else:
            ids = [c.chunk_id for c in chunks]
        rows = {cid: row for row, cid in enumerate(ids)}
        return cls(client, settings.search_collection, ids, rows, sparse)

    # --- searching ---------------------------------------------------------------------------

    def _ranked(self, found: list[Any], k: int) -> Ranked:
        pairs = [
            (self.row_of[hit["id"]], float(hit["distance"]))
            for hit in found[0]
            if hit["id"] in self.row_of  # a row written after this catalogue was read
        ][:k]
        if not pairs:
            return _EMPTY
        rows, scores = zip(*pairs, strict=True)
        return np.array(rows, np.int64), np.array(scores, np.float32)

    def _search(self, field: str, data: Any, k: int, selection: Selection) -> Ranked:
        expr = _expression(selection)
        search_params = _SEARCH_PARAMS[field]
        # a few more than asked: rows newer than the catalogue are dropped above
        found = self.client.search(
            self.collection,
            data=[data],
            anns_field=field,
            limit=min(16_384, k + 16),
            filter=expr,
            search_params=search_params,
        )
        return self._ranked(found, k)

    def dense(self, qvec: Vectors, k: int, selection: Selection) -> Ranked:
        return self._search("vector", np.asarray(qvec, np.float32).tolist(), k, selection)

    def bm25(self, terms: Sequence[str], k: int, selection: Selection) -> Ranked:
        query: dict[int, float] = {}
        for term in terms:  # a repeated query word counts twice, as in bm25s
            idf = self.sparse.idf(term)
            if idf > 0:
                query[term_dim(term)] = query.get(term_dim(term), 0.0) + idf
        if not query:
            return _EMPTY
        rows, scores = self._search("bm25", query, k, selection)
        keep = scores > 0
        return rows[keep], scores[keep]

    def warm(self) -> None:
        """Nothing to build in this process: :meth:`open` has loaded the collection
        into the server's memory."""

    def vector(self, row: int) -> Vectors:
        (got,) = self.client.get(self.collection, ids=[self.ids[row]], output_fields=["vector"])
        return np.asarray(got["vector"], np.float32)


# --- writing ----------------------------------------------------------------------------------


def _schema(client: Any, dim: int) -> Any:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, description="raadsgraf passages")
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=1024)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("bm25", DataType.SPARSE_FLOAT_VECTOR)
    for name in ("source_path", "iri", "municipality", "committee", "outcome", "model"):
        schema.add_field(name, DataType.VARCHAR, max_length=2048)
    schema.add_field("meeting_day", DataType.INT64)
    schema.add_field("is_open", DataType.BOOL)
    schema.add_field("visible", DataType.BOOL)
    schema.add_field("chunk", DataType.JSON)
    return schema


def ensure_collection(client: Any, name: str, dim: int, model: str, rows: int = 0) -> None:
    """Create the collection (vector index chosen by size) unless it exists with
    the same dimension and model; another model's vectors cannot be mixed in."""
    if client.has_collection(name):
        client.load_collection(name)  # a reopened Milvus Lite file starts released
        fields = {f["name"]: f for f in client.describe_collection(name)["fields"]}
        have = int(fields["vector"].get("params", {}).get("dim", dim))
        sample = client.query(name, filter='id != ""', output_fields=["model"], limit=1)
        if have != dim or (sample and sample[0]["model"] != model):
            raise IndexMismatch(
                f"Milvus collection {name!r} holds {have}-d vectors of "
                f"{sample[0]['model'] if sample else '?'!r}, not {dim}-d {model!r}: "
                "drop it (or name another search_collection) and ingest again"
            )
        return
    index = client.prepare_index_params()
    if rows >= IVF_THRESHOLD:
        nlist = max(16, int(4 * rows**0.5))
        index.add_index("vector", index_type="IVF_FLAT", metric_type="IP", params={"nlist": nlist})
    else:
        index.add_index("vector", index_type="FLAT", metric_type="IP")
    index.add_index("bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    client.create_collection(
        name, schema=_schema(client, dim), index_params=index, consistency_level="Strong"
    )


def _entity(chunk: Chunk, vector: Vectors, weights: dict[str, float], model: str) -> dict[str, Any]:
    bm25: dict[int, float] = {}
    for term, value in weights.items():
        bm25[term_dim(term)] = bm25.get(term_dim(term), 0.0) + value
    return {
        "id": chunk.chunk_id,
        "vector": np.asarray(vector, np.float32).tolist(),
        "bm25": bm25 or {0: 0.0},
        "source_path": chunk.source_path,
        "iri": chunk.iri,
        "municipality": chunk.municipality or "",
        "committee": chunk.committee or "",
        "outcome": chunk.outcome or "",
        "model": model,
        "meeting_day": chunk.meeting_date.toordinal() if chunk.meeting_date else -1,
        "is_open": chunk.is_open,
        "visible": chunk.is_open or not chunk.text,
        "chunk": json.loads(json.dumps(chunk.to_json(), ensure_ascii=False)),
    }


def upsert(
    client: Any,
    name: str,
    chunks: Sequence[Chunk],
    vectors: Vectors,
    weights: Sequence[dict[str, float]],
    model: str,
    progress: Any = None,
) -> None:
    """Write (or overwrite) passages by ``chunk_id``, in batches. (Delete, then
    insert: Milvus Lite does not implement the timestamp call ``upsert`` makes.)"""
    for start in range(0, len(chunks), BATCH):
        rows = [
            _entity(c, vectors[start + i], weights[start + i], model)
            for i, c in enumerate(chunks[start : start + BATCH])
        ]
        client.delete(name, ids=[row["id"] for row in rows])
        client.insert(name, rows)
        if progress is not None:
            progress(len(rows))


def delete(client: Any, name: str, chunk_ids: Iterable[str]) -> None:
    ids = list(chunk_ids)
    for start in range(0, len(ids), BATCH):
        client.delete(name, ids=ids[start : start + BATCH])


def read_vectors(settings: Settings, store_dir: Path, chunk_ids: Sequence[str]) -> Vectors:
    """The stored vectors of ``chunk_ids``, in that order (a dump, a move back to
    the embedded index): read from the collection, never embedded again."""
    client = connect(client_uri(settings, store_dir))
    client.load_collection(settings.search_collection)
    found: dict[str, Any] = {}
    for start in range(0, len(chunk_ids), BATCH):
        got = client.get(
            settings.search_collection,
            ids=list(chunk_ids[start : start + BATCH]),
            output_fields=["vector"],
        )
        found.update((row["id"], row["vector"]) for row in got)
    missing = [cid for cid in chunk_ids if cid not in found]
    if missing:
        raise IndexMismatch(
            f"Milvus collection {settings.search_collection!r} lacks {len(missing)} of the "
            f"index's chunks (first: {missing[0]}); ingest again"
        )
    return np.array([found[cid] for cid in chunk_ids], dtype=np.float32)


def delete_sources(settings: Settings, store_dir: Path, source_paths: Iterable[str]) -> None:
    """Remove every passage of these source files (``raadsgraf forget``)."""
    client = connect(client_uri(settings, store_dir))
    paths = sorted(set(source_paths))
    if paths and client.has_collection(settings.search_collection):
        client.delete(settings.search_collection, filter=f"source_path in {literal(paths)}")
        client.load_collection(settings.search_collection)


def write(
    settings: Settings,
    encoder: ModelId,
    chunks: Sequence[Chunk],
    vectors: Vectors,
    sparse: SparseIndex,
    fresh: int,
    gone: Sequence[str],
    progress: bool,
    store_dir: Path | None = None,
) -> str:
    """Bring the collection up to date with the catalogue ``chunks``: delete ``gone``,
    write the rows from ``fresh`` on. ``fresh == 0`` (a first ingest, a load from a
    dump) writes the collection anew, so nothing older stays in it. Returns the
    dense index kind."""
    client = connect(client_uri(settings, store_dir))
    name = settings.search_collection
    if not client.has_collection(name):
        fresh = 0
    elif fresh == 0:
        client.drop_collection(name)
    ensure_collection(client, name, encoder.dim, encoder.name, len(chunks))
    delete(client, name, gone)
    rows = list(range(fresh, len(chunks)))
    weights = sparse.row_weights(rows)
    with tqdm(total=len(rows), desc="milvus", unit="passage", disable=not progress) as bar:
        upsert(client, name, chunks[fresh:], vectors[fresh:], weights, encoder.name, bar.update)
    client.flush(name)
    client.load_collection(name)
    index = client.describe_index(name, "vector")
    return "milvus-" + str(index.get("index_type", "FLAT")).lower()
