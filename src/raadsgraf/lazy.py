"""Module attributes imported on first use (PEP 562).

``import raadsgraf`` runs on every CLI call; a package that imported all it
offers up front would load the parsers, rdflib and an HTTP client for a
``raadsgraf search``. A package lists where each name lives instead, and
:func:`attributes` makes its module ``__getattr__``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def attributes(package: str, homes: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: name → its module (``homes``),
    imported on the first access and then kept as a plain attribute."""

    def getattr_(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(homes[name]), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return getattr_
