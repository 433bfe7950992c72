"""A store built from the real seeds, shared by the view, app and browser tests.

Four seeds go into the store; the fifth (Gentofte, one item) is kept out so the
upload tests can ingest a meeting that is really new. Embedding the seeds' ~270
passages with the real model (the default e5-small-int8) takes a minute or two on two cores, so the
embedding cache (keyed by model and passage text) is kept in pytest's cache
folder between runs; a fresh checkout (CI) embeds everything.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from raadsgraf.config import Settings
from raadsgraf.pipeline import ingest
from tests.conftest import MODELS

SEEDS = Path(__file__).parent / "samples" / "seeds"
STORE_SEEDS = ("000", "001", "003", "004")
UPLOAD_SEED = "002"  # Gentofte, Opgaveudvalg om boligsocial indsats, 9 Apr 2018


def seed_file(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def build_seed_store(folder: Path, cache_dir: Path | None = None) -> Path:
    return build_store(folder, [seed_file(prefix) for prefix in STORE_SEEDS], cache_dir)


def build_store(folder: Path, files: list[Path], cache_dir: Path | None = None) -> Path:
    """A store of ``files`` (copied, so the store's sources are its own), embedded with
    the real model; ``cache_dir`` keeps the embedding cache between runs."""
    src = folder / "src"
    src.mkdir(parents=True)
    for path in files:
        shutil.copy(path, src)
    store = folder / "store"
    cached = cache_dir / "cache.sqlite" if cache_dir else None
    shared = store / "shared" / "embeddings.sqlite"  # the store's cache, shared by generations
    if cached and cached.is_file():
        shared.parent.mkdir(parents=True)
        shutil.copy(cached, shared)
    report = ingest([src], Settings(store=store, models=MODELS), progress=False)
    assert report.ok, report.failures
    if cached:
        shutil.copy(shared, cached)
    return store


def seed_cache(store: Path, seed_store: Path) -> Path:
    """Give a new ``store`` the seed store's embedding cache, so that a test
    ingesting seed text embeds only the passages the seed store never saw."""
    shared = store / "shared"
    shared.mkdir(parents=True, exist_ok=True)
    shutil.copy(seed_store / "shared" / "embeddings.sqlite", shared)
    return store


def copy_store(store: Path, dest: Path) -> Path:
    """A private copy for tests that write (uploads); sources stay where they were."""
    shutil.copytree(store, dest)
    return dest
