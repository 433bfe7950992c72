"""The one extension point where source formats vary.

A parser is any object with ``name``, ``sniff(data, path)`` and
``parse(data, source)``. Built-in parsers register themselves with
:func:`register` exactly like third-party ones, which may also be announced
through the ``raadsgraf.parsers`` entry-point group. A parser may also have
``complete(doc) -> Document``, called by the pipeline once the files beside
the source are read into its attachments (eDoc's publishing XML reads an item
from its PDF there); parsers themselves never open files.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import entry_points
from pathlib import PurePath
from typing import Protocol, runtime_checkable

from raadsgraf.errors import SourceError, UnknownFormat
from raadsgraf.model import Document, Source


@runtime_checkable
class Parser(Protocol):
    name: str
    description: str

    def sniff(self, data: bytes, path: str) -> float:
        """How sure (0.0-1.0) this parser is that it can read ``data``."""
        ...

    def parse(self, data: bytes, source: Source) -> Document:
        """Read ``data``; raise :class:`SourceError` for bad input."""
        ...


_PARSERS: dict[str, Parser] = {}
_ENTRY_POINTS_LOADED = False


def register(parser: Parser) -> Parser:
    if parser.name in _PARSERS and _PARSERS[parser.name] is not parser:
        raise ValueError(f"a parser named {parser.name!r} is already registered")
    _PARSERS[parser.name] = parser
    return parser


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    for ep in entry_points(group="raadsgraf.parsers"):
        obj = ep.load()
        register(obj() if isinstance(obj, type) else obj)


def parsers() -> dict[str, Parser]:
    """All registered parsers by name (built-in and third-party)."""
    import raadsgraf.parsers  # noqa: F401  (registers the built-ins)

    _load_entry_points()
    return dict(sorted(_PARSERS.items()))


def get(name: str, path: str = "<input>") -> Parser:
    known = parsers()
    if name not in known:
        raise UnknownFormat(path, list(known), f"no parser named {name!r}")
    return known[name]


MIN_CONFIDENCE = 0.3


def detect(data: bytes, path: str) -> Parser:
    """The parser most sure it can read ``data``; the content decides, the
    file name only breaks ties."""
    if not data.strip():
        raise SourceError(path, "empty file")
    known = parsers()
    scored = sorted(((p.sniff(data, path), p.name) for p in known.values()), reverse=True)
    best_score, best_name = scored[0] if scored else (0.0, "")
    if best_score < MIN_CONFIDENCE:
        _check_json(data, path)
        raise UnknownFormat(path, list(known), _describe(data, path))
    return known[best_name]


def _check_json(data: bytes, path: str) -> None:
    """A file that is meant to be JSON but does not parse says where it breaks
    (a truncated download), rather than "unknown format"."""
    head = data.lstrip()[:1]
    if not (path.lower().endswith(".json") or head in (b"{", b"[")):
        return
    try:
        json.loads(data)
    except UnicodeDecodeError:
        return
    except json.JSONDecodeError as exc:
        raise SourceError(
            path, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None


def _describe(data: bytes, path: str) -> str:
    head = data[:4096]
    if b"\x00" in head:
        return "binary data"
    suffix = PurePath(path).suffix.lower()
    return f"{suffix or 'no extension'}, no agenda items, meeting header or policy found"


def make_source(data: bytes, path: str, fmt: str, url: str | None = None) -> Source:
    return Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format=fmt, url=url)


def parse_bytes(data: bytes, path: str, fmt: str | None = None) -> Document:
    """Pick the parser (``fmt`` or by sniffing) and parse ``data`` from ``path``."""
    parser = get(fmt, path) if fmt else detect(data, path)
    return parser.parse(data, make_source(data, path, parser.name))
