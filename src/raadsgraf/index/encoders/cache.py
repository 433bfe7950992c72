"""Embedding cache: model + passage hash → vector, in one SQLite file.

Embedding is the slow step (seconds per item on two cores), so re-ingesting
unchanged text must embed nothing. The key is the hash of the exact text fed
to the encoder, under the encoder's name: a new model, or a changed passage,
misses; everything else hits. SQLite gives atomic writes for free, so an
interrupted ingest keeps what it already paid for.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from raadsgraf.index.encoders import Vectors
from raadsgraf.model import Closing


def passage_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache(Closing):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors ("
            " model TEXT NOT NULL, key TEXT NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL,"
            " PRIMARY KEY (model, key))"
        )

    def close(self) -> None:
        self._db.close()

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for key, blob in self._select(model, keys, "key, vec"):
            found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def known_keys(self, model: str, keys: Sequence[str]) -> set[str]:
        """Those of ``keys`` the cache has a vector for (the vectors not read)."""
        return {key for (key,) in self._select(model, keys, "key")}

    def fill(self, model: str, rows: Mapping[str, Sequence[int]], out: np.ndarray) -> set[str]:
        """Copies each cached vector of a key in ``rows`` into ``out`` at that key's
        rows, one page of the cache at a time (never all vectors as objects at once);
        returns the keys found."""
        found: set[str] = set()
        for key, blob in self._select(model, list(rows), "key, vec"):
            out[rows[key]] = np.frombuffer(blob, dtype=np.float32)
            found.add(key)
        return found

    def _select(self, model: str, keys: Sequence[str], columns: str) -> Iterator[Any]:
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):  # SQLite's bound-parameter limit
            batch = unique[i : i + 500]
            marks = ",".join("?" * len(batch))
            yield from self._db.execute(
                f"SELECT {columns} FROM vectors WHERE model = ? AND key IN ({marks})",
                [model, *batch],
            )

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (model, key, dim, vec) VALUES (?, ?, ?, ?)",
                [
                    (model, k, int(v.shape[0]), np.asarray(v, np.float32).tobytes())
                    for k, v in items.items()
                ],
            )

    def count(self, model: str | None = None) -> int:
        if model is None:
            row = self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()
        else:
            sql = "SELECT COUNT(*) FROM vectors WHERE model = ?"
            row = self._db.execute(sql, [model]).fetchone()
        return int(row[0])


def embed_with_cache(
    cache: EmbeddingCache,
    model: str,
    dim: int,
    texts: Sequence[str],
    encode: Callable[[Sequence[str]], Vectors],
    *,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
) -> tuple[Vectors, int]:
    """Vectors for ``texts`` in order, and how many had to be embedded.

    New vectors are written to the cache batch by batch, so an interrupted run
    keeps its work. Each distinct text is embedded once. Every vector goes
    straight into its rows of the result (no vector is held twice: on Greve the
    57k vectors as objects were ~0.1 GB beside the 88 MB result). ``progress``
    is told how many of ``texts`` have their vector: those found in the cache
    (once, when any are), then each batch's (a text repeated counts each time).
    """
    rows: dict[str, list[int]] = {}
    for row, text in enumerate(texts):
        rows.setdefault(passage_key(text), []).append(row)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    known = cache.fill(model, rows, out)
    if progress and known:
        progress(sum(len(rows[k]) for k in known))
    # each distinct text once (a boilerplate paragraph recurs in many meetings),
    # shortest first: a batch pads to its longest text, and sorting the whole run
    # pads a third less than batches in the order met (bench/lean.py). The int8
    # model scales each token's activations alone (recipe.per_row), so a passage's
    # vector does not depend on its batch-mates and the order is free to choose
    missing = sorted((k for k in rows if k not in known), key=lambda k: len(texts[rows[k][0]]))
    for i in range(0, len(missing), batch_size):
        batch = missing[i : i + batch_size]
        vectors = encode([texts[rows[k][0]] for k in batch])
        cache.put_many(model, {k: vectors[j] for j, k in enumerate(batch)})
        for j, k in enumerate(batch):
            out[rows[k]] = vectors[j]
        if progress:
            progress(sum(len(rows[k]) for k in batch))
    return out, len(missing)
