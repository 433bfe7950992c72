"""Combining ranked lists from the dense and the BM25 retriever.

Two methods:

* ``rrf``: reciprocal-rank fusion, ``Σ w / (k + rank)``. It ignores scores,
  so it is robust to their scales, but it also throws away *how much* better
  the first hit is; on BEIR plain RRF of BM25 and a strong dense model loses
  to the dense model alone.
* ``relative`` (the default): each list's scores are scaled to [0, 1] over its
  own candidates and combined as ``w · dense + (1 − w) · bm25``. A query whose
  BM25 scores drop off sharply (an exact name or number) keeps that margin,
  and a paraphrase query with flat BM25 scores leaves the decision to the
  dense side. A row one list did not return counts as that list's zero.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

FUSIONS = ("relative", "rrf")
RRF_K = 60
#: Where a list's scale starts. BM25 has a true zero (no query term matched),
#: so a weak match stays weak; cosine has none worth using (e5 puts unrelated
#: Danish passages at ~0.75), so the dense side starts at its worst candidate.
FLOORS: dict[str, float | None] = {"bm25": 0.0, "dense": None}

Ranked = tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]


def rrf(
    lists: Mapping[str, Ranked], weights: Mapping[str, float], k: int = RRF_K
) -> dict[int, float]:
    fused: dict[int, float] = {}
    for name, (ids, _scores) in lists.items():
        w = weights.get(name, 1.0)
        for rank, row in enumerate(ids.tolist(), start=1):
            fused[row] = fused.get(row, 0.0) + w / (k + rank)
    return fused


def _scaled(scores: npt.NDArray[np.float32], floor: float | None) -> npt.NDArray[np.float64]:
    s = scores.astype(np.float64)
    if s.size == 0:
        return s
    lo, hi = float(s.min()) if floor is None else floor, float(s.max())
    if hi - lo < 1e-9:
        return np.ones_like(s)
    return (s - lo) / (hi - lo)


def relative(lists: Mapping[str, Ranked], weights: Mapping[str, float]) -> dict[int, float]:
    fused: dict[int, float] = {}
    total = sum(weights.get(name, 1.0) for name in lists) or 1.0
    for name, (ids, scores) in lists.items():
        w = weights.get(name, 1.0) / total
        scaled = _scaled(scores, FLOORS.get(name))
        for row, value in zip(ids.tolist(), scaled.tolist(), strict=True):
            fused[row] = fused.get(row, 0.0) + w * value
    return fused


def fuse(
    lists: Mapping[str, Ranked], method: str = "relative", dense_weight: float = 0.5
) -> dict[int, float]:
    """Row id → fused score (higher is better) over every row any list returned."""
    weights = {"dense": dense_weight, "bm25": 1.0 - dense_weight}
    if method == "rrf":
        return rrf(lists, weights)
    if method == "relative":
        return relative(lists, weights)
    raise ValueError(f"unknown fusion {method!r}; known: {', '.join(FUSIONS)}")
