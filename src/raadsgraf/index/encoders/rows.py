"""A table's rows read from its file when first asked for, not the whole table.

Two tables of 250k rows (one per XLM-R piece) sit behind our encoders: the fast
lane's float16 table in a safetensors file (128 MB) and the split e5 model's
float32 word embeddings in an ``.npy`` file (384 MB). A corpus uses a small part
of either (all of Greve ~14k pieces), a query a handful of rows. Read whole they
cost their size in every process; memory-mapped, nearly as much: the kernel maps
the pages around each page touched (fault-around), and the file-backed pages a
process touched count in its resident memory. :class:`TableRows` ``pread``\\ s
the rows a lookup needs, a run of consecutive rows at a time, and keeps them.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from raadsgraf.errors import ConfigError

#: safetensors' names of the float types a table may have, as numpy's.
_SAFETENSORS_DTYPES = {"F16": "<f2", "F32": "<f4"}


class TableRows:
    """The rows of a 2-D table stored row after row in a file (C order) from
    ``offset`` on, each read from the file the first time it is asked for
    (``table[ids]``, as a numpy array is indexed: ``ids`` of any shape) and kept."""

    def __init__(self, path: Path, offset: int, shape: tuple[int, int], dtype: str) -> None:
        self.path = path
        self.shape = shape
        self.dtype = np.dtype(dtype)
        self._offset = offset
        self._row_bytes = shape[1] * self.dtype.itemsize
        self._slot = np.full(shape[0], -1, dtype=np.int64)  # row id → its place in _rows
        self._rows = np.empty((0, shape[1]), dtype=self.dtype)
        self._count = 0
        self._lock = threading.Lock()  # queries may come from several threads

    @classmethod
    def open(cls, path: Path, name: str) -> TableRows | None:
        """The tensor ``name`` of a safetensors file (its header: 8 bytes of length,
        then JSON), or None when the file has no such 2-D float tensor."""
        import json
        import struct

        try:
            with open(path, "rb") as f:
                (size,) = struct.unpack("<Q", f.read(8))
                header = json.loads(f.read(size))
        except (OSError, ValueError, struct.error):
            return None
        info = header.get(name) if isinstance(header, dict) else None
        if not isinstance(info, dict) or info.get("dtype") not in _SAFETENSORS_DTYPES:
            return None
        shape, (begin, _) = info.get("shape"), info.get("data_offsets", (None, None))
        if not isinstance(begin, int) or not isinstance(shape, list) or len(shape) != 2:
            return None
        return cls(
            path,
            8 + size + begin,
            (int(shape[0]), int(shape[1])),
            _SAFETENSORS_DTYPES[info["dtype"]],
        )

    @classmethod
    def npy(cls, path: Path) -> TableRows | None:
        """The table of an ``.npy`` file (``np.save`` of a 2-D float array: a header,
        then the data in C order), or None when it holds something else."""
        from numpy.lib import format as npy

        try:
            with open(path, "rb") as f:
                version = npy.read_magic(f)
                if version == (1, 0):
                    shape, fortran, dtype = npy.read_array_header_1_0(f)
                elif version == (2, 0):
                    shape, fortran, dtype = npy.read_array_header_2_0(f)
                else:
                    return None
                offset = f.tell()
        except (OSError, ValueError):
            return None
        if fortran or len(shape) != 2 or dtype.kind != "f" or dtype.hasobject:
            return None
        return cls(path, offset, (int(shape[0]), int(shape[1])), dtype.str)

    def __getitem__(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size and (self._slot[ids] < 0).any():
            with self._lock:
                self._load(np.unique(ids[self._slot[ids] < 0]))
        return self._rows[self._slot[ids]]

    def _load(self, ids: npt.NDArray[np.int64]) -> None:
        """Reads the rows ``ids`` (sorted, distinct) from the file, a run of
        consecutive rows at a time."""
        ids = ids[self._slot[ids] < 0]  # another thread may have read some meanwhile
        if not len(ids):
            return
        if self._count + len(ids) > len(self._rows):  # room doubles: each row copied O(1) times
            grown = np.empty(
                (max(2 * len(self._rows), self._count + len(ids), 1024), self.shape[1]), self.dtype
            )
            grown[: self._count] = self._rows[: self._count]
            self._rows = grown
        breaks = np.flatnonzero(np.diff(ids) != 1) + 1
        with open(self.path, "rb", buffering=0) as f:
            for run in np.split(ids, breaks):
                first = int(run[0])
                data = os.pread(
                    f.fileno(), len(run) * self._row_bytes, self._offset + first * self._row_bytes
                )
                if len(data) != len(run) * self._row_bytes:
                    raise ConfigError(f"{self.path}: shorter than its header says (row {first})")
                rows = np.frombuffer(data, dtype=self.dtype).reshape(len(run), self.shape[1])
                self._rows[self._count : self._count + len(run)] = rows
                self._slot[run] = np.arange(self._count, self._count + len(run))
                self._count += len(run)
