"""Watch folders and sync (issue 14): an export is ingested only when complete,
never half-copied; sync writes a summary the app reads."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import raadsgraf
from raadsgraf.config import Settings
from raadsgraf.harvest import last_sync, run_sync, watch_once
from tests.portal_server import Portal

SAMPLES = Path(__file__).parent / "samples"
ACADRE = SAMPLES / "acadre"
MEETING = SAMPLES / "firstagenda" / "greve-oekonomiudvalget-2022-01-10.json"


def _slow_copy(src: Path, dst: Path, seconds: float) -> threading.Thread:
    data = src.read_bytes()
    chunks = 20

    def run() -> None:
        with open(dst, "wb") as f:
            for i in range(chunks):
                f.write(data[i * len(data) // chunks : (i + 1) * len(data) // chunks])
                f.flush()
                time.sleep(seconds / chunks)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_file_still_being_copied_is_never_ingested(tmp_path: Path) -> None:
    drop, store = tmp_path / "drop", tmp_path / "store"
    (drop / "export-1").mkdir(parents=True)
    settings = Settings(store=store)
    writer = _slow_copy(MEETING, drop / "export-1" / "meeting.json", seconds=2.0)
    time.sleep(0.2)
    early = watch_once(drop, settings, settle=0.5, index=False, progress=False)
    assert early.complete == [] and early.waiting == [str(drop / "export-1")]
    assert early.ingest is None and not (store / "CURRENT").exists()
    writer.join()
    late = watch_once(drop, settings, settle=0.5, index=False, progress=False)
    assert late.complete == [str(drop / "export-1")]
    assert late.ingest is not None and late.ingest.ok and len(late.ingest.added) == 1
    with raadsgraf.open(store) as rg:
        assert len(rg.sources()) == 1
    again = watch_once(drop, settings, settle=0.5, index=False, progress=False)
    assert (
        again.ingest is not None and again.ingest.added == [] and len(again.ingest.unchanged) == 1
    )


def test_marker_and_partial_names_decide(tmp_path: Path) -> None:
    drop, store = tmp_path / "drop", tmp_path / "store"
    export = drop / "acadre-1863"
    shutil.copytree(ACADRE, export)
    settings = Settings(store=store)
    waiting = watch_once(drop, settings, settle=0, marker="READY", index=False, progress=False)
    assert waiting.complete == [] and waiting.ingest is None  # copied, but not marked yet
    (export / "3687982.docx.part").write_bytes(b"half")
    (export / "READY").write_text("", encoding="utf-8")
    # the marker decides; a partial name in an unmarked folder makes it wait
    assert watch_once(drop, settings, settle=0, index=False, progress=False).complete == []
    (export / "3687982.docx.part").unlink()
    done = watch_once(drop, settings, settle=0, marker="READY", index=False, progress=False)
    assert done.complete == [str(export)] and done.ingest is not None
    assert done.ingest.ok, done.ingest.failures
    assert len(done.ingest.added) >= 1


def test_sync_writes_a_summary_the_app_reads(tmp_path: Path) -> None:
    store = tmp_path / "store"
    drop = tmp_path / "drop"
    (drop / "x").mkdir(parents=True)
    shutil.copy(SAMPLES / "firstagenda" / "greve-byraad-2025-09-08.json", drop / "x")
    portal = Portal([MEETING, SAMPLES / "firstagenda" / "greve-oekonomiudvalget-2022-12-12.json"])
    with portal.running():
        settings = Settings(
            store=store,
            sync_portals=(portal.url,),
            sync_watch=(drop,),
            sync_rate=0,
            sync_index=False,
            sync_settle=0,
        )
        first = run_sync(settings, progress=False)
        second = run_sync(settings, progress=False)
    assert (first.new, first.changed, first.withdrawn, first.failed) == (3, 0, 0, 0)
    assert len(first.sources) == 3
    assert (second.new, second.changed, second.failed, second.sources) == (0, 0, 0, [])
    assert last_sync(store) == second
    with raadsgraf.open(store) as rg:
        news = rg.news(first)
    assert {m.date.isoformat() for m in news} == {"2022-01-10", "2022-12-12", "2025-09-08"}
    assert all(m.items for m in news) and any(i.decision for m in news for i in m.items)


def test_sync_cli_without_configuration_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from raadsgraf.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RAADSGRAF_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["sync", "--store", str(tmp_path / "s")])
    assert result.exit_code == 1 and "[sync] portals" in result.stderr


def test_a_long_running_watcher_reads_an_ingested_export_once(tmp_path: Path) -> None:
    drop, store = tmp_path / "drop", tmp_path / "store"
    (drop / "e").mkdir(parents=True)
    shutil.copy(MEETING, drop / "e")
    settings = Settings(store=store)
    seen: dict[str, object] = {}
    first = watch_once(drop, settings, settle=0, index=False, progress=False, seen=seen)  # type: ignore[arg-type]
    assert first.ingest is not None and len(first.ingest.added) == 1
    second = watch_once(drop, settings, settle=0, index=False, progress=False, seen=seen)  # type: ignore[arg-type]
    assert second.complete == [str(drop / "e")] and second.ingest is None  # not even read
    (drop / "e" / MEETING.name).write_bytes(
        MEETING.read_bytes().replace(b"Godkendelse", b"Godkendelsen")
    )
    third = watch_once(drop, settings, settle=0, index=False, progress=False, seen=seen)  # type: ignore[arg-type]
    assert third.ingest is not None and len(third.ingest.replaced) == 1


def test_watch_cli_once_and_sync_intervals(tmp_path: Path) -> None:
    import click

    from raadsgraf.cli import cli
    from raadsgraf.harvest.commands import _interval

    drop = tmp_path / "drop"
    (drop / "e").mkdir(parents=True)
    shutil.copy(MEETING, drop / "e")
    args = ["watch", str(drop), "--once", "--settle", "0", "--no-index", "-q"]
    result = CliRunner().invoke(cli, [*args, "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "1 complete export(s)" in result.stderr and "ingested 1 new" in result.stderr
    assert (_interval("30m"), _interval("1h"), _interval("1d"), _interval("90")) == (
        1800,
        3600,
        86400,
        90,
    )
    with pytest.raises(click.BadParameter):
        _interval("hourly")
