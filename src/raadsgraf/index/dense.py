"""Dense retrieval over normalised vectors with FAISS.

Below :data:`APPROXIMATE_THRESHOLD` vectors an exact ``IndexFlatIP`` scan is
both fast enough (~6 ms for the 34k Greve passages) and perfect. Past it, a
flat scan is bound by memory bandwidth (~150–250 ms at 10^6 × 384 here), and
an inverted-file index takes over: k-means cells over the vectors, and a
query scans only the ``nprobe`` cells nearest to it. The vectors in the cells
are 8-bit scalar-quantised (one byte per dimension, per-dimension ranges
learnt from the data: ``kind="ivf"``), so a query reads a quarter of the bytes
of full floats. Measured on Greve's own 34k e5 passage vectors grown to 10^6
(``bench/search_speed.py faiss``): at the same cells, 8-bit codes lose almost
nothing against full floats (recall@10 0.959 vs 0.963 at nprobe 125), because
the recall lost is lost to the cell choice: e5 vectors crowd into a narrow cone
(a random pair of Danish passages sits at cosine ~0.85), and queries
(``query:`` prefix) lie outside the passages' distribution. Full-float cells
remain available as ``kind="ivf-flat"``, and HNSW as ``kind="hnsw"``. On a
million real, varied Greve passages (``bench/million.py``) HNSW is the faster
index at equal recall (recall@10 0.991 at efSearch 512 in 1.5 ms, against this
IVF-SQ8 default's 0.975 in 4.2 ms), but it holds every float vector in memory
(1.8 GB against 0.4 GB) and builds at least 1.5× longer, and this index is
rebuilt whole at each ingest: IVF-SQ8 stays the kind past the threshold
(bench/README.md gives the figures and the reasons).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:  # faiss is imported where an index is built or an approximate one read
    import faiss

from raadsgraf.index.encoders import Vectors

APPROXIMATE_THRESHOLD = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96


def set_threads(n: int) -> None:
    """FAISS's OpenMP threads (process-wide). One suits single queries; index
    builds (HNSW) use every core."""
    import faiss

    faiss.omp_set_num_threads(n)


def index_kind(n: int, threshold: int = APPROXIMATE_THRESHOLD) -> str:
    return "flat" if n < threshold else "ivf"


def ivf_lists(n: int) -> int:
    """About 4·√n cells: ~250 vectors per cell at 10^6."""
    return max(16, int(4 * n**0.5))


def ivf_probes(nlist: int) -> int:
    """Cells scanned per query: 1/20 of them (≈ 50k vectors at 10^6, 19 MB of
    8-bit codes: a few ms), chosen for recall@10 ≥ 0.95 on real e5 vectors."""
    return max(8, nlist // 20)


def build(vectors: Vectors, kind: str | None = None) -> faiss.Index:
    import faiss

    n, dim = vectors.shape
    kind = kind or index_kind(n)
    index: faiss.Index
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind in ("ivf", "ivf-flat"):
        nlist = ivf_lists(n)
        quantizer = faiss.IndexFlatIP(dim)
        ivf: Any
        if kind == "ivf":
            ivf = faiss.IndexIVFScalarQuantizer(
                quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
            )
        else:
            ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        # k-means needs ~30-60 points per cell; more only slows the build
        rng = np.random.default_rng(0)
        sample = vectors[rng.choice(n, size=min(n, 48 * nlist), replace=False)]
        ivf.train(np.ascontiguousarray(sample, dtype=np.float32))
        ivf.nprobe = ivf_probes(nlist)
        index = ivf
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
    import faiss

    faiss.write_index(index, str(path))


def save_flat(vectors: Vectors, path: Path) -> None:
    """Writes what ``save(build(vectors, "flat"), path)`` writes, byte for byte,
    from ``vectors`` a block at a time: an ``IndexFlatIP`` holds a copy of every
    vector (88 MB on Greve), which this never makes. The file is FAISS's own
    header — taken from FAISS's serialisation of an empty flat index, with the
    count set — then the vectors' floats."""
    import faiss

    n, dim = vectors.shape
    empty = faiss.serialize_index(faiss.IndexFlatIP(dim)).tobytes()
    # "IxFI", the dimension, ntotal (8 bytes), ..., the float count (8 bytes) last
    if empty[:4] != b"IxFI" or empty[8:16] != bytes(8) or empty[-8:] != bytes(8):
        save(build(vectors, "flat"), path)  # a FAISS that writes another layout
        return
    order: Literal["little", "big"] = sys.byteorder
    with open(path, "wb") as f:
        f.write(empty[:8] + n.to_bytes(8, order) + empty[16:-8] + (n * dim).to_bytes(8, order))
        for i in range(0, n, 4096):
            f.write(np.ascontiguousarray(vectors[i : i + 4096], dtype=np.float32).tobytes())


class MappedFlat:
    """The exact flat search over ``vectors.npy`` itself, memory-mapped: the same
    inner products as ``IndexFlatIP`` (which holds a copy of the same floats), but
    opening it reads nothing and loads no FAISS, so a one-shot search starts at
    once; the pages a scan reads stay in the OS cache for the next process."""

    def __init__(self, vectors: npt.NDArray[np.float32]) -> None:
        self.vectors = vectors
        self.ntotal = int(vectors.shape[0])

    def search(
        self, query: Vectors, k: int, allowed: npt.NDArray[np.int64] | None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        rows = self.vectors if allowed is None else self.vectors[allowed]
        # einsum's own loop, on one core: BLAS would split a matrix-vector product
        # over threads, and on a busy machine a stalled thread holds up the query
        # (Greve-sized, load 16: median 17 ms, vs 41 ms through BLAS, 24 ms FAISS)
        scores = np.einsum("ij,j->i", rows, query.reshape(-1))
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]  # best first; ties by row, as FAISS
        ids = top if allowed is None else allowed[top]
        return ids.astype(np.int64), scores[top].astype(np.float32)


def load(path: Path, vectors: Path | None = None) -> Any:
    """The index at ``path``, memory-mapped (``IO_FLAG_MMAP``): its pages are read
    when a search touches them. A flat index is searched over ``vectors`` (the
    same floats) when given, without FAISS."""
    if vectors is not None and vectors.is_file() and _is_flat(path):
        return MappedFlat(np.load(vectors, mmap_mode="r"))
    import faiss

    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP)
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    if hasattr(index, "nprobe"):
        index.nprobe = ivf_probes(int(getattr(index, "nlist")))  # noqa: B009
    return index


def _is_flat(path: Path) -> bool:
    """Is the FAISS file an ``IndexFlatIP``? (Its first four bytes name the kind.)"""
    with open(path, "rb") as f:
        return f.read(4) == b"IxFI"


def search(
    index: Any,
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
    if isinstance(index, MappedFlat):
        return index.search(np.asarray(query, dtype=np.float32), k, allowed)
    import faiss

    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    params: Any = None
    if allowed is not None:
        # (faiss's stubs lack the SWIG keyword constructors used here)
        selector = faiss.IDSelectorBatch(allowed)
        if hasattr(index, "hnsw"):
            params = getattr(faiss, "SearchParametersHNSW")()  # noqa: B009
            params.efSearch = max(HNSW_EF_SEARCH, k)
        elif hasattr(index, "nprobe"):
            params = faiss.SearchParametersIVF()
            params.nprobe = index.nprobe
        else:
            params = faiss.SearchParameters()
        params.sel = selector
    scores, ids = index.search(q, k, params=params)
    keep = ids[0] >= 0
    return ids[0][keep].astype(np.int64), scores[0][keep]
