"""Write aside, then swap: readers see the old state until the swap; a killed
writer leaves the store as it was."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from raadsgraf import generations
from raadsgraf.errors import RaadsgrafError


def _write(store: Path, text: str) -> None:
    with generations.writing(store) as gen:
        (gen / "data.txt").write_text(text, encoding="utf-8")


def test_first_write_and_swap(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert generations.live(store) is None
    assert generations.resolve(store) == store
    _write(store, "one")
    first = generations.live(store)
    assert first is not None and (first / "data.txt").read_text() == "one"
    _write(store, "two")
    second = generations.resolve(store)
    assert second != first and (second / "data.txt").read_text() == "two"
    # the previous generation stays for readers that opened it before the swap
    assert (first / "data.txt").read_text() == "one"
    _write(store, "three")
    assert not first.exists()  # two generations back: gone


def test_failed_write_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _write(store, "one")
    before = generations.live(store)
    with pytest.raises(ValueError), generations.writing(store) as gen:
        (gen / "data.txt").write_text("half", encoding="utf-8")
        raise ValueError("parser blew up")
    assert generations.live(store) == before
    assert before is not None and (before / "data.txt").read_text() == "one"
    assert len(list(store.glob("gen-*"))) == 1


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with (
        generations.writing(store),
        pytest.raises(generations.StoreBusy),
        generations.writing(store, wait=False),
    ):
        pass


def test_damaged_pointer_is_a_clear_error(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "CURRENT").write_text("../../etc\n")
    with pytest.raises(RaadsgrafError, match=re.escape("CURRENT: names '../../etc'")):
        generations.live(store)


def test_kill_9_mid_write_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _write(store, "committed")
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from raadsgraf import generations
        with generations.writing(Path({str(store)!r})) as gen:
            (gen / "data.txt").write_text("half-written")
            (gen / "started").touch()
            time.sleep(60)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 30
        while not list(store.glob("gen-*/started")):
            assert time.monotonic() < deadline, "writer did not start"
            assert proc.poll() is None, "writer died on its own"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    live = generations.live(store)
    assert live is not None and (live / "data.txt").read_text() == "committed"
    # the next writer clears the dead one's copy and carries on
    _write(store, "next")
    assert (generations.resolve(store) / "data.txt").read_text() == "next"
    assert not list(store.glob("gen-*/started"))


def test_an_ingest_removes_and_reports_what_a_crashed_one_left(tmp_path: Path) -> None:
    """Issue #19: after a kill -9 the abandoned generation stayed through the next
    (nightly, unchanged) ingest; every crash added one."""
    from raadsgraf import pipeline
    from raadsgraf.config import Settings
    from tests.conftest import seed

    store = tmp_path / "store"
    settings = Settings(store=store)
    first = pipeline.ingest([seed("000")], settings, progress=False, index=False)
    assert first.ok and first.removed_generations == []
    live = generations.live(store)
    assert live is not None
    # what a writer killed mid-copy leaves: a newer, half-written generation
    for n in (1, 2):
        abandoned = store / f"gen-{time.time_ns() + n * 10**9}"
        shutil.copytree(live / "graph", abandoned / "graph")
        (abandoned / "half-written").write_bytes(b"x" * 1000)
    names = sorted(p.name for p in store.glob("gen-*") if p != live)
    again = pipeline.ingest([seed("000")], settings, progress=False, index=False)
    assert again.unchanged and not again.added  # nothing to change, still cleaned
    assert sorted(again.removed_generations) == names
    assert [p.name for p in store.glob("gen-*")] == [live.name]
    assert "removed 2 generation(s) a crashed ingest left behind" in again.summary()
    assert generations.live(store) == live


def test_cleanup_keeps_the_live_and_the_retained_generation(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _write(store, "one")
    _write(store, "two")
    kept = generations.retained(store)
    assert len(kept) == 2 and kept[-1] == generations.live(store)
    (store / f"gen-{time.time_ns()}").mkdir()
    assert len(generations.cleanup(store)) == 1
    assert sorted(store.glob("gen-*")) == kept
