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

import math
import sys
import threading
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
    once; the pages a scan reads stay in the OS cache for the next process.

    A process that searches again (the app, the API, a benchmark) builds a
    :class:`HalfScreen` — at :meth:`warm`, or else at its second search without a
    narrow filter — and from then on reads half the bytes per query, with the same
    results (see there)."""

    def __init__(self, vectors: npt.NDArray[np.float32]) -> None:
        self.vectors = vectors
        self.ntotal = int(vectors.shape[0])
        self._screen: HalfScreen | None = None
        self._unfiltered = 0
        self._lock = threading.Lock()

    def search(
        self, query: Vectors, k: int, allowed: npt.NDArray[np.int64] | None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        # a filter that leaves most rows (open items, a period) screens like none;
        # a narrow one gathers its few rows for the exact scan below
        broad = allowed is None or (len(allowed) > k and 4 * len(allowed) >= self.ntotal)
        if broad and k < self.ntotal:
            screen = self._screen_for_search()
            found = None if screen is None else screen.search(self.vectors, query, k, allowed)
            if found is not None:
                return found
        rows = self.vectors if allowed is None else self.vectors[allowed]
        # einsum's own loop, on one core: BLAS would split a matrix-vector product
        # over threads, and on a busy machine a stalled thread holds up the query
        # (Greve-sized, load 16: median 17 ms, vs 41 ms through BLAS, 24 ms FAISS)
        scores = _inner(rows, query)
        top = _top(scores, min(k, len(scores)))
        ids = top if allowed is None else allowed[top]
        return ids.astype(np.int64), scores[top].astype(np.float32)

    def warm(self) -> None:
        """Build the screen now (a long-running process, before its first user search)."""
        if self.ntotal >= SCREEN_MIN_ROWS:
            with self._lock:
                if self._screen is None:
                    self._screen = HalfScreen(self.vectors)

    def _screen_for_search(self) -> HalfScreen | None:
        """The screen, built at the second search of this process that could use it (a
        one-shot search would pay ~0.4 s of FAISS import and encoding to save ~2 ms)."""
        if self._screen is None and self.ntotal >= SCREEN_MIN_ROWS:
            with self._lock:
                self._unfiltered += 1
                if self._screen is None and self._unfiltered >= 2:
                    self._screen = HalfScreen(self.vectors)
        return self._screen


#: Below this many rows the exact scan is as fast as a screen and its re-scoring.
SCREEN_MIN_ROWS = 20_000
#: Rows the screen returns: :data:`SCREEN_PER_K` per row asked for, at least
#: ``SCREEN_DEPTH``, and more under a filter (divided by the share of rows it leaves),
#: so that the allowed ones among them still reach past the margin. The exact top
#: ``k`` lies within them whenever the screen's last score is below its ``k``-th minus
#: twice the error bound; otherwise the exact scan runs. On Greve's 57,008 e5
#: passages and 296 real queries the rows within that margin were, for k = 200,
#: 270 at the median and 403 at most (recipe 1; 2.0·k) and 217 / 262 (recipe 2;
#: 1.3·k), for k = 500 544 / 603 (recipe 2). Fewer rows returned is a shorter heap:
#: FAISS's fp16 scan of Greve for its top 600 takes 2.31 ms p50, top 1,000 2.54.
SCREEN_DEPTH = 500
SCREEN_PER_K = 3
#: float32 unit roundoff, and the bound on a d-term float32 dot product's rounding
#: error relative to the sum of the terms' magnitudes (any order, with or without
#: FMA): gamma_d = d·u / (1 - d·u).
_U32 = 2.0**-24


def _gamma(d: int) -> float:
    return d * _U32 / (1 - d * _U32)


def _top(scores: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.int64]:
    """The ``k`` best rows, best first, ties by row — at the cut too, as FAISS's heap
    keeps the first of equal scores: duplicated passages (boilerplate repeated across
    meetings) have equal vectors, and ``argpartition`` alone would pick among copies
    tied at the ``k``-th place by its own internal order."""
    if k < len(scores):
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        above = np.flatnonzero(scores > kth)
        top = np.concatenate([above, np.flatnonzero(scores == kth)[: k - len(above)]])
    else:
        top = np.arange(len(scores))
    return top[np.lexsort((top, -scores[top]))]


#: Covers a float32 norm's own rounding (relative error below d·u ≈ 2.3e-5 at d = 384).
_NORM_SLACK = 1.001


def _norms(rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms: npt.NDArray[np.float32] = np.sqrt(np.einsum("ij,ij->i", rows, rows))
    return norms


def _inner(rows: npt.NDArray[np.float32], query: Vectors) -> npt.NDArray[np.float32]:
    """Every row's inner product with the query: the exact scores, one code path for the
    scan and the screen's re-scoring, so a row's score is the same bits in both."""
    scores: npt.NDArray[np.float32] = np.einsum("ij,j->i", rows, query.reshape(-1))
    return scores


class HalfScreen:
    """A first pass over a float16 copy of the vectors (FAISS ``IndexScalarQuantizer``
    ``QT_fp16``, SIMD, one thread: half the memory traffic of the float32 scan, which
    is memory-bound), then the exact float32 scores of the few hundred rows it cannot
    rule out. The result is the exact scan's, by construction, not by sampling:

    a screened score ``s~`` and the exact one ``s`` (einsum over the float32 row) differ
    by at most ``eps = |q|·(max_r |x~_r - x_r| + gamma_d·(max|x~| + max|x|))`` — the
    float16 rounding of the row (measured over every row when the screen is built)
    plus both float32 dot products' rounding. If the screen's ``k``-th best score is
    ``t``, at least ``k`` rows have ``s >= t - eps``, so a row with ``s~ < t - 2·eps``
    (``s < t - eps``) is beaten by ``k`` rows and is not in the top ``k``. Every other
    row is re-scored exactly; when the screen's last returned row is not below that
    cut, rows it did not return might belong, and the caller scans exactly instead.
    Ties keep the exact scan's order (score, then row)."""

    def __init__(self, vectors: npt.NDArray[np.float32], depth: int = SCREEN_DEPTH) -> None:
        import faiss

        n, d = vectors.shape
        self.depth = depth
        self.index = faiss.IndexScalarQuantizer(
            d, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
        )
        step = 8192
        for start in range(0, n, step):
            self.index.add(np.ascontiguousarray(vectors[start : start + step], dtype=np.float32))
        # the codes FAISS holds (two bytes per dimension, IEEE half), read in place: the
        # bound comes from the very values the screen scores with
        raw = faiss.rev_swig_ptr(self.index.codes.data(), n * d * 2)
        half = np.frombuffer(raw, dtype=np.float16).reshape(n, d)
        worst = largest = 0.0
        for start in range(0, n, step):
            exact = np.asarray(vectors[start : start + step], dtype=np.float32)
            rounded = half[start : start + step].astype(np.float32)
            # x~ - x is exact in float32 (x~ is x with fewer mantissa bits); the float32
            # norms are within d·u of their value, covered by _NORM_SLACK
            worst = max(worst, float(_norms(rounded - exact).max()))
            largest = max(largest, float(_norms(exact).max()), float(_norms(rounded).max()))
        worst, largest = worst * _NORM_SLACK, largest * _NORM_SLACK
        self.row_error = worst
        self.row_norm = largest
        self.gamma = _gamma(d)

    def margin(self, query: Vectors) -> float:
        """``eps`` for this query (see the class)."""
        q = float(np.linalg.norm(np.asarray(query, dtype=np.float64)))
        return q * (self.row_error + 2 * self.gamma * self.row_norm)

    def search(
        self,
        vectors: npt.NDArray[np.float32],
        query: Vectors,
        k: int,
        allowed: npt.NDArray[np.int64] | None = None,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]] | None:
        """The exact scan's top ``k`` (rows, scores) — of the ``allowed`` rows (sorted)
        when given —, or None when the screen cannot prove it has every row of it."""
        import faiss

        n = self.index.ntotal
        share = 1.0 if allowed is None else max(len(allowed), 1) / n
        depth = min(math.ceil(max(self.depth, SCREEN_PER_K * k) / share), n)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        faiss.omp_set_num_threads(1)  # this thread's OpenMP team: one query, one core
        approx, ids = self.index.search(q, depth)
        approx, ids = approx[0], ids[0]
        last = float(approx[-1])  # every row not returned screens at most this
        if allowed is not None:
            at = np.minimum(np.searchsorted(allowed, ids), len(allowed) - 1)
            keep = allowed[at] == ids
            approx, ids = approx[keep], ids[keep]
            if len(ids) < k:
                return None
        cut = float(approx[k - 1]) - 2 * self.margin(query)
        if depth < n and last >= cut:
            return None
        rows = np.sort(ids[approx >= cut])
        scores = _inner(vectors[rows], q)
        top = _top(scores, k)
        return rows[top].astype(np.int64), scores[top].astype(np.float32)


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
