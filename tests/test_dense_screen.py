"""The exact flat scan's order at the cut, and the float16 screen that must return
exactly what the scan returns (dense.MappedFlat, dense.HalfScreen)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from raadsgraf.index import dense


def _cone(n: int, d: int, seed: int) -> npt.NDArray[np.float32]:
    """Unit vectors crowded in a narrow cone, as e5's are (a random pair at cosine
    ~0.85), with every 37th row a copy of row 5: boilerplate passages repeated across
    meetings have equal vectors, so scores tie."""
    rng = np.random.default_rng(seed)
    axis = rng.normal(size=d)
    v = (axis / np.linalg.norm(axis) * 2.4 + rng.normal(size=(n, d)) / np.sqrt(d)).astype(
        np.float32
    )
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    v[::37] = v[5]
    return v


def _by_definition(
    vectors: npt.NDArray[np.float32], q: npt.NDArray[np.float32], k: int
) -> tuple[list[int], list[float]]:
    """The top ``k`` by a full sort: score descending, then row."""
    scores = np.einsum("ij,j->i", vectors, q)
    order = sorted(range(len(scores)), key=lambda r: (-scores[r], r))[:k]
    return order, [float(scores[r]) for r in order]


def test_exact_scan_breaks_ties_at_the_cut_by_row() -> None:
    """Forty copies of one passage tie for first place; the ten kept are the ten first
    rows, as FAISS's heap keeps them (argpartition alone picked among the copies by its
    internal order, so which meetings' copy entered the candidates was arbitrary)."""
    v = _cone(3000, 32, seed=1)
    q = v[5].copy()
    ids, scores = dense.MappedFlat(v).search(q, 10, None)
    copies = np.flatnonzero((v == v[5]).all(axis=1))
    assert ids.tolist() == copies[:10].tolist()
    assert (ids, scores) and _by_definition(v, q, 10)[0] == ids.tolist()


def test_half_screen_returns_the_exact_scan() -> None:
    v = _cone(6000, 64, seed=2)
    screen = dense.HalfScreen(v, depth=300)
    exact = dense.MappedFlat(v)
    rng = np.random.default_rng(3)
    broad = np.flatnonzero(np.arange(len(v)) % 3 != 0).astype(np.int64)  # a filter: 2/3 of rows
    certified = 0
    for i in range(40):
        q = v[rng.integers(len(v))] + rng.normal(size=64).astype(np.float32) * 0.05
        q = (q / np.linalg.norm(q)).astype(np.float32)
        if i % 10 == 0:
            q = v[5].copy()  # the duplicated row: 163 copies tie at the top
        for k, allowed in [(k, a) for k in (1, 10, 50) for a in (None, broad)]:
            found = screen.search(v, q, k, allowed)
            want_ids, want_scores = exact.search(q, k, allowed)
            assert exact._screen is None  # (6,000 rows: the scan never builds one)
            if found is None:
                continue
            certified += 1
            assert found[0].tolist() == want_ids.tolist()
            assert found[1].tobytes() == want_scores.tobytes()  # the same bits
            if allowed is None:
                assert found[0].tolist() == _by_definition(v, q, k)[0]
    assert certified >= 200  # the screen answers, not only the fallback


def test_half_screen_depth_is_per_row_asked_for_and_widened_by_a_filter() -> None:
    """The screen returns SCREEN_PER_K rows per row asked for (at least its depth), and
    under a filter as many more as the filter leaves out, so the allowed rows among
    them still reach past the margin; its answers stay the exact scan's."""
    v = _cone(6000, 64, seed=5)
    screen = dense.HalfScreen(v, depth=100)
    asked: list[int] = []
    index = screen.index

    class Recording:
        ntotal = index.ntotal

        def search(self, q: npt.NDArray[np.float32], depth: int) -> object:
            asked.append(depth)
            return index.search(q, depth)

    screen.index = Recording()  # type: ignore[assignment]
    third = np.arange(0, len(v), 3, dtype=np.int64)
    q = v[11]
    answers = [
        screen.search(v, q, k, allowed) for k, allowed in ((10, None), (50, None), (50, third))
    ]
    assert asked == [100, 3 * 50, 3 * 3 * 50]
    exact = dense.MappedFlat(v)
    for (k, allowed), found in zip(((10, None), (50, None), (50, third)), answers, strict=True):
        assert found is not None
        want = exact.search(q, k, allowed)
        assert found[0].tolist() == want[0].tolist() and found[1].tobytes() == want[1].tobytes()


def test_half_screen_declines_when_it_cannot_prove_the_top() -> None:
    """Rows closer together than float16 can tell apart: the rows within twice the
    error bound of the k-th are more than the screen returns, so it says None."""
    rng = np.random.default_rng(4)
    base = rng.normal(size=32)
    v = (base + rng.normal(size=(2000, 32)) * 1e-5).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    screen = dense.HalfScreen(v, depth=50)
    assert screen.search(v, v[0], 10) is None


def test_mapped_flat_builds_the_screen_at_its_second_unfiltered_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dense, "SCREEN_MIN_ROWS", 1000)
    v = _cone(4000, 32, seed=5)
    flat = dense.MappedFlat(v)
    q = v[11].copy()
    narrow = np.arange(0, 4000, 10, dtype=np.int64)
    filtered = flat.search(q, 20, narrow)  # a narrow filter: the exact scan of its rows
    first = flat.search(q, 20, None)
    assert flat._screen is None  # a one-shot search pays no screen
    second = flat.search(q, 20, None)
    assert flat._screen is not None
    assert first[0].tolist() == second[0].tolist() == _by_definition(v, q, 20)[0]
    assert first[1].tobytes() == second[1].tobytes()
    assert set(filtered[0].tolist()) <= set(narrow.tolist())
    broad = np.arange(0, 4000, 2, dtype=np.int64)
    screened = flat.search(q, 20, broad)
    assert screened[0].tolist() == broad[_by_definition(v[broad], q, 20)[0]].tolist()


def test_warm_builds_the_screen_before_any_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-running process (app, service) warms explicitly: its first user search is
    already screened, with the exact scan's results."""
    monkeypatch.setattr(dense, "SCREEN_MIN_ROWS", 1000)
    v = _cone(4000, 32, seed=6)
    flat = dense.MappedFlat(v)
    flat.warm()
    assert flat._screen is not None
    q = v[7].copy()
    assert flat.search(q, 20, None)[0].tolist() == _by_definition(v, q, 20)[0]
    small = dense.MappedFlat(v[:999])
    small.warm()  # below the size where a screen pays
    assert small._screen is None


def test_the_public_warm_loads_the_model_and_the_screen(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import raadsgraf
    from raadsgraf.errors import RaadsgrafError

    monkeypatch.setattr(dense, "SCREEN_MIN_ROWS", 1)
    rg = raadsgraf.open(seed_store)
    rg.warm()
    idx = rg.index
    assert idx._encoder is not None
    assert idx.backend._dense._screen is not None  # type: ignore[attr-defined]
    hits = rg.search("klimapolitik")
    assert hits and hits[0].snippet
    with pytest.raises(RaadsgrafError):
        raadsgraf.open(seed_store.parent / "no-store").warm()
