"""Atomic, isolated writes to a store folder: write aside, then swap.

A store folder holds generations — complete copies of the graph store and the
search index — and a ``CURRENT`` file naming the live one::

    <store>/CURRENT            "gen-1795310100123456789"
    <store>/gen-…/graph/       the Oxigraph store
    <store>/gen-…/index/       the search index
    <store>/gen-…/sources.json
    <store>/shared/            the embedding cache, shared by all generations

An ingest copies the live generation, changes the copy, and makes it live by
replacing ``CURRENT`` in one ``os.replace`` — atomic on POSIX. Until then
readers (the app, the SPARQL endpoint) keep answering from the previous
generation, and a crash or ``kill -9`` mid-ingest leaves the live generation as
it was; the half-written copy is removed by the next writer — also by an
ingest that finds nothing to change (:func:`cleanup`), and reported. One writer at a
time (an ``flock`` on ``<store>/.lock``); the previous generation is kept so
that readers that opened it before a swap can finish.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from raadsgraf.errors import RaadsgrafError, StoreBusy

CURRENT = "CURRENT"
LOCK = ".lock"
_GEN = re.compile(r"^gen-\d{19,}$")  # gen-<nanoseconds since the epoch>: sorts by age


def _generations(store: Path) -> list[Path]:
    if not store.is_dir():
        return []
    return sorted(p for p in store.iterdir() if p.is_dir() and _GEN.match(p.name))


def live(store: Path) -> Path | None:
    """The live generation's folder, or None for a store never written."""
    pointer = store / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = store / name
    if not _GEN.match(name) or not folder.is_dir():
        raise RaadsgrafError(f"{pointer}: names {name!r}, which is not a generation in the store")
    return folder


def resolve(store: Path) -> Path:
    """The folder readers should open: the live generation (or, for an empty
    store, the folder where the first generation will appear)."""
    return live(store) or store


def shared_folder(folder: Path) -> Path:
    """Where data shared by all generations lives (the embedding cache: keyed by
    content, only ever added to, so a dead writer's additions do no harm): the
    store root's ``shared/`` for a generation folder or a root kept in
    generations, else ``folder`` itself."""
    if _GEN.match(folder.name):
        return folder.parent / "shared"
    if (folder / CURRENT).is_file():  # the store root itself
        return folder / "shared"
    return folder


def _write_pointer(store: Path, name: str) -> None:
    tmp = store / f"{CURRENT}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, store / CURRENT)
    dir_fd = os.open(store, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def retained(store: Path) -> list[Path]:
    """The generations a store keeps: the live one and the one before it."""
    current = live(store)
    gens = _generations(store)
    if current is None or current not in gens:
        return []
    i = gens.index(current)
    return gens[max(i - 1, 0) : i + 1]


def _prune(store: Path, live_name: str | None, *, previous: bool = True) -> list[str]:
    """Remove all generations but the live one and (``previous``) the one before
    it (readers that opened it before the last swap may still be using it); what
    is newer than the live one was left by a writer that died. Returns what was
    removed."""
    gens = [g.name for g in _generations(store)]
    keep: set[str] = set()
    if live_name in gens:
        i = gens.index(live_name)
        keep = {live_name, *(gens[max(i - 1, 0) : i] if previous else ())}
    removed = []
    for name in gens:
        if name not in keep:
            shutil.rmtree(store / name, ignore_errors=True)
            removed.append(name)
    (store / f"{CURRENT}.tmp").unlink(missing_ok=True)  # a pointer a writer died writing
    return removed


@contextmanager
def _locked(store: Path, *, wait: bool = True) -> Iterator[None]:
    with open(store / LOCK, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise StoreBusy(f"{store}: another ingest is writing to this store") from None
        yield


def cleanup(store: Path, *, wait: bool = True) -> list[str]:
    """Under the store lock, remove the generation folders that are neither live
    nor retained — what writers killed mid-ingest left behind — and return their
    names. Every ingest calls it, also one that finds nothing to change, so that
    repeated crashes never grow the store."""
    if not store.is_dir():
        return []
    with _locked(store, wait=wait):
        current = live(store)
        return _prune(store, current.name if current else None)


@contextmanager
def writing(
    store: Path,
    *,
    wait: bool = True,
    removed: list[str] | None = None,
    retain_previous: bool = True,
) -> Iterator[Path]:
    """A fresh copy of the live generation to change; it goes live when the
    block ends without an exception, and is discarded otherwise. The names of
    generations it removes are appended to ``removed``: abandoned ones first,
    and, with ``retain_previous=False`` (an erasure: older generations still
    hold what was erased), every other one after the swap."""
    store.mkdir(parents=True, exist_ok=True)
    with _locked(store, wait=wait):
        previous = live(store)
        # leftovers of a killed writer
        gone = _prune(store, previous.name if previous else None)
        if removed is not None:
            removed.extend(gone)
        name = f"gen-{time.time_ns()}"
        target = store / name
        if previous is not None:
            shutil.copytree(previous, target, symlinks=True)
        else:
            target.mkdir()
        try:
            yield target
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        _write_pointer(store, name)
        gone = _prune(store, name, previous=retain_previous)
        if removed is not None:
            removed.extend(gone)
