"""Dense retrieval over normalised vectors with FAISS.

Below :data:`HNSW_THRESHOLD` vectors an exact ``IndexFlatIP`` scan is both
fast enough (a few ms for ~10^5 × 384) and perfect. Past it an HNSW graph
takes over: its search cost grows with log n, where a flat scan of 10^6
vectors is bound by memory bandwidth (~150 ms on this machine). HNSW keeps
the full float vectors, so recall is limited by the graph search only,
not by quantisation; ``bench/search_speed.py`` measures that recall on real
e5 vectors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from raadsgraf.index.encoders import Vectors

HNSW_THRESHOLD = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96


def set_threads(n: int) -> None:
    """FAISS's OpenMP threads (process-wide). One suits single queries; index
    builds (HNSW) use every core."""
    faiss.omp_set_num_threads(n)


def index_kind(n: int, threshold: int = HNSW_THRESHOLD) -> str:
    return "flat" if n < threshold else "hnsw"


def build(vectors: Vectors, kind: str | None = None) -> faiss.Index:
    n, dim = vectors.shape
    kind = kind or index_kind(n)
    index: faiss.Index
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        index = hnsw
    else:
        raise ValueError(f"unknown FAISS index kind {kind!r}")
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def save(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load(path: Path) -> faiss.Index:
    index = faiss.read_index(str(path))
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def search(
    index: faiss.Index,
    query: Vectors,
    k: int,
    allowed: npt.NDArray[np.int64] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Row ids and cosine scores of the ``k`` nearest rows, best first.

    ``allowed`` (sorted row ids) restricts the search inside FAISS, so a
    narrow filter still returns ``k`` hits instead of a post-filtered few.
    """
    k = min(k, index.ntotal)
    if k <= 0 or (allowed is not None and len(allowed) == 0):
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    params: Any = None
    if allowed is not None:
        # (faiss's stubs lack the SWIG keyword constructors used here)
        selector = faiss.IDSelectorBatch(allowed)
        if hasattr(index, "hnsw"):
            params = getattr(faiss, "SearchParametersHNSW")()  # noqa: B009
            params.efSearch = max(HNSW_EF_SEARCH, k)
        else:
            params = faiss.SearchParameters()
        params.sel = selector
    scores, ids = index.search(q, k, params=params)
    keep = ids[0] >= 0
    return ids[0][keep].astype(np.int64), scores[0][keep]
