from __future__ import annotations

from pathlib import Path

import pytest

from raadsgraf.config import load
from raadsgraf.errors import ConfigError


def test_precedence(tmp_path: Path) -> None:
    toml = tmp_path / "raadsgraf.toml"
    toml.write_text('[raadsgraf]\nstore = "from-file"\nthreads = 1\n', encoding="utf-8")
    env = {"RAADSGRAF_CONFIG": str(toml)}
    assert load(env=env).store == Path("from-file")
    assert load(env={**env, "RAADSGRAF_STORE": "from-env"}).store == Path("from-env")
    settings = load({"store": "from-flag"}, env={**env, "RAADSGRAF_STORE": "from-env"})
    assert (settings.store, settings.threads) == (Path("from-flag"), 1)
    assert load(env={}).model == "e5-small-int8" and load(env={}).models is None
    assert load(env={"RAADSGRAF_MODELS": "m"}).models == Path("m")


def test_bad_settings_name_the_place(tmp_path: Path) -> None:
    toml = tmp_path / "raadsgraf.toml"
    toml.write_text("[raadsgraf]\nstorage = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"raadsgraf.toml: unknown setting 'storage'"):
        load(env={"RAADSGRAF_CONFIG": str(toml)})
    with pytest.raises(ConfigError, match="setting 'threads': cannot use 'many' as int"):
        load(env={"RAADSGRAF_THREADS": "many"})
    with pytest.raises(ConfigError, match="include_closed"):
        load(env={"RAADSGRAF_INCLUDE_CLOSED": "perhaps"})
