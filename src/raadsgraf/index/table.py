"""The chunks of an index folder, read a row at a time, and the columns a search
filters on, read whole.

Opening all of Greve's ``chunks.jsonl`` (57k passages) as :class:`Chunk`
objects took most of a one-shot search's second: a search looks at a few
hundred rows. So ``chunks.jsonl`` is memory-mapped and a row is parsed when
asked for (and kept), while what every search needs for every row — the
filters' columns, each row's item and chunk id, the store's procedural titles — is written
beside it at index time (``rows.npz``, ``rows.json``) and read in
milliseconds. An index written before these files existed is read as before,
all at once.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from raadsgraf.index.boilerplate import STORE_MIN_MEETINGS, procedural_titles
from raadsgraf.index.chunking import Chunk

CHUNKS = "chunks.jsonl"
ROWS_ARRAYS = "rows.npz"
ROWS_NAMES = "rows.json"
#: rows kept parsed (a search reads a few hundred; each costs ~4 KB)
ROWS_KEPT = 4096
ARRAYS = (
    "municipality",
    "committee",
    "outcome",
    "item",
    "title",
    "date",
    "is_open",
    "has_text",
    "chunk_id",
)


class ChunkTable:
    """``chunks.jsonl`` by row: row i is line i, parsed on first access."""

    def __init__(self, path: Path) -> None:
        self._data: bytes | mmap.mmap = b""
        if path.is_file() and path.stat().st_size:
            with open(path, "rb") as f:
                self._data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        ends = np.flatnonzero(np.frombuffer(self._data, dtype=np.uint8) == ord("\n"))
        self._starts = np.concatenate([[0], ends + 1])[: len(ends)]
        self._ends = ends
        # the last rows parsed, bounded: a service's searches over all of Greve otherwise
        # parse and keep row after row (+20 MB per 300 distinct searches, 15-min soak +11 %)
        self._rows: OrderedDict[int, Chunk] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, row: int) -> Chunk:
        chunk = self._rows.get(row)
        if chunk is None:
            if not -len(self) <= row < len(self):
                raise IndexError(row)
            row %= len(self)
            line = self._data[int(self._starts[row]) : int(self._ends[row])]
            chunk = self._rows[row] = Chunk.from_json(json.loads(line))
            if len(self._rows) > ROWS_KEPT:
                with contextlib.suppress(KeyError):  # another thread emptied it first
                    self._rows.popitem(last=False)
        return chunk

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))


@dataclass(frozen=True, slots=True)
class Columns:
    """Per row: the values the filters test, as codes into sorted name lists."""

    municipality: npt.NDArray[np.int32]
    committee: npt.NDArray[np.int32]
    outcome: npt.NDArray[np.int32]
    item: npt.NDArray[np.int32]  # the row's item (or policy) IRI
    title: npt.NDArray[np.int32]  # the row's item title; -1 for a policy's rows
    date: npt.NDArray[np.int64]  # the meeting date's ordinal, -1 for none
    is_open: npt.NDArray[np.bool_]
    has_text: npt.NDArray[np.bool_]
    #: each row's chunk id (ASCII hex): a remote engine's hits map to rows by it;
    #: None for an index written before the column (its rows give the ids)
    chunk_id: npt.NDArray[np.bytes_] | None
    names: dict[str, list[str]]  # "municipality", "committee", "outcome", "item" → names
    #: item titles that recur like boilerplate in this store (index/boilerplate.py)
    procedural: frozenset[str]

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> Columns:
        rows = list(chunks)
        names: dict[str, list[str]] = {}
        codes: dict[str, npt.NDArray[np.int32]] = {}
        for name in ("municipality", "committee", "outcome"):
            codes[name], names[name] = _codes([getattr(c, name) for c in rows])
        codes["item"], names["item"] = _codes([c.iri for c in rows])
        codes["title"], names["title"] = _codes(
            [c.item_title if c.kind == "item" else None for c in rows]
        )
        items = (
            (x.municipality, x.committee, f"{x.committee}/{x.meeting_date}", x.item_title)
            for x in rows
            if x.kind == "item" and x.ordinal == 0
        )
        return cls(
            **codes,
            date=np.array(
                [c.meeting_date.toordinal() if c.meeting_date else -1 for c in rows], np.int64
            ),
            is_open=np.array([c.is_open for c in rows], dtype=bool),
            has_text=np.array([bool(c.text) for c in rows], dtype=bool),
            chunk_id=np.array([c.chunk_id.encode("ascii") for c in rows], dtype=np.bytes_),
            names=names,
            procedural=frozenset(procedural_titles(items, STORE_MIN_MEETINGS)),
        )

    def save(self, folder: Path) -> None:
        arrays = {k: getattr(self, k) for k in ARRAYS if getattr(self, k) is not None}
        tmp = folder / f"{ROWS_ARRAYS}.tmp.npz"
        np.savez(tmp, **arrays)
        os.replace(tmp, folder / ROWS_ARRAYS)
        names = {**self.names, "procedural": sorted(self.procedural)}
        text = json.dumps(names, ensure_ascii=False)
        (folder / f"{ROWS_NAMES}.tmp").write_text(text, encoding="utf-8")
        os.replace(folder / f"{ROWS_NAMES}.tmp", folder / ROWS_NAMES)

    @classmethod
    def load(cls, folder: Path, rows: int) -> Columns | None:
        """The saved columns, or None when absent or not of ``rows`` rows."""
        try:
            names: dict[str, Any] = json.loads((folder / ROWS_NAMES).read_text(encoding="utf-8"))
            with np.load(folder / ROWS_ARRAYS) as saved:
                arrays = {k: saved[k] for k in saved.files}
        except (OSError, ValueError):
            return None
        arrays.setdefault("chunk_id", None)  # optional: only a remote engine needs it
        if set(arrays) != set(ARRAYS) or any(
            a is not None and len(a) != rows for a in arrays.values()
        ):
            return None  # another row count, or written before a column was added
        procedural = frozenset(names.pop("procedural", []))
        return cls(**arrays, names=names, procedural=procedural)


def _codes(values: list[str | None]) -> tuple[npt.NDArray[np.int32], list[str]]:
    names = sorted({v for v in values if v})
    index = {n: i for i, n in enumerate(names)}
    return np.array([index.get(v, -1) if v else -1 for v in values], dtype=np.int32), names
