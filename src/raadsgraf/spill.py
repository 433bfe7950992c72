"""Parsed documents kept on disk between an ingest's passes.

An ingest reads every source before it writes anything: the meetings of all
of them decide each meeting's IRI (graph/sittings.py), and nothing may touch the
store until every file was read. Holding the parsed archive meanwhile was most
of an ingest's memory (0.93 GB peak on Greve's 373 meetings); so each document
is pickled to a private temporary folder as it is read, and the write pass
takes them back one at a time. The folder lies beside the store (same disk,
same permissions: a document may hold what the store holds) and goes when the
ingest ends, however it ends.
"""

from __future__ import annotations

import functools
import pickle
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raadsgraf.lazy import Mapped
from raadsgraf.model import Document


@dataclass(frozen=True, slots=True)
class Spilled:
    """One source read by an ingest; its document waits in ``file``."""

    key: str  # the source key (graph/store.source_key)
    path: Path
    sha: str
    file: Path
    #: what deciding meeting IRIs needs without the document (graph/sittings.Starts)
    starts: Any

    def document(self) -> Document:
        with open(self.file, "rb") as f:
            doc: Document = pickle.load(f)  # our own file, written just now
        return doc


class Spill:
    """A temporary folder of pickled documents; :meth:`close` removes it."""

    def __init__(self, near: Path) -> None:
        parent = near if near.is_dir() else None
        self.folder = Path(tempfile.mkdtemp(prefix=".ingest-", dir=parent))
        self._count = 0

    def put(self, key: str, path: Path, sha: str, doc: Document, starts: Any) -> Spilled:
        self._count += 1
        file = self.folder / f"{self._count}.pickle"
        with open(file, "wb") as f:
            pickle.dump(doc, f, protocol=pickle.HIGHEST_PROTOCOL)
        return Spilled(key, path, sha, file, starts)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class Placed(Mapped[Spilled, Document]):
    """The spilled documents, read back one at a time and passed through ``place``
    (each meeting's sitting set): what the graph load and the sinks iterate."""

    def __init__(self, read: list[Spilled], place: Callable[[Document], Document]) -> None:
        super().__init__(read, functools.partial(_placed, place))
        self.read = read


def _placed(place: Callable[[Document], Document], spilled: Spilled) -> Document:
    return place(spilled.document())
