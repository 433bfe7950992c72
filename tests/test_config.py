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


def test_sync_table_and_env_lists(tmp_path: Path) -> None:
    toml = tmp_path / "raadsgraf.toml"
    toml.write_text(
        '[raadsgraf]\nstore = "s"\n[sync]\nportals = ["https://dagsordener.greve.dk"]\n'
        'watch = ["/drop/a", "/drop/b"]\nrate = 0.5\nmax = 10\n',
        encoding="utf-8",
    )
    settings = load(env={"RAADSGRAF_CONFIG": str(toml)})
    assert settings.sync_portals == ("https://dagsordener.greve.dk",)
    assert settings.sync_watch == (Path("/drop/a"), Path("/drop/b"))
    assert (settings.sync_rate, settings.sync_max) == (0.5, 10)
    env = {"RAADSGRAF_CONFIG": str(toml), "RAADSGRAF_SYNC_PORTALS": "https://a.dk, https://b.dk"}
    assert load(env=env).sync_portals == ("https://a.dk", "https://b.dk")
    assert load({"sync_rate": 0}, env=env).sync_rate == 0.0
    toml.write_text("[sync]\nportal = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown setting '\[sync\] portal'"):
        load(env={"RAADSGRAF_CONFIG": str(toml)})


def test_graph_credentials_are_folded_into_the_address_and_never_shown() -> None:
    """From the environment into the address the SPARQL client reads; the repr, and
    every URL an error names, carry no password."""
    import httpx

    from raadsgraf.graph.remote import endpoints, login

    env = {
        "RAADSGRAF_GRAPH": "sparql+http://db.example:8890/sparql?update=/sparql-auth",
        "RAADSGRAF_GRAPH_USER": "rg",
        "RAADSGRAF_GRAPH_PASSWORD": "p@ss:wörd/1",
    }
    settings = load(env=env)
    assert "p@ss" not in repr(settings) and "rg:***@db.example" in repr(settings)
    assert all("@" not in url and "rg" not in url for url in endpoints(settings.graph))
    assert endpoints(settings.graph)[1] == "http://db.example:8890/sparql-auth"
    auth = login(settings.graph)
    expected = httpx.BasicAuth("rg", "p@ss:wörd/1")._auth_header
    assert auth is not None and auth._basic._auth_header == expected  # type: ignore[attr-defined]
    assert login(env["RAADSGRAF_GRAPH"]) is None
    with pytest.raises(ConfigError, match="graph_user"):
        load(env={**env, "RAADSGRAF_GRAPH": "127.0.0.1"})
