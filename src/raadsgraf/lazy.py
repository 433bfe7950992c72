"""Module attributes imported on first use (PEP 562); sequences made on access.

``import raadsgraf`` runs on every CLI call; a package that imported all it
offers up front would load the parsers, rdflib and an HTTP client for a
``raadsgraf search``. A package lists where each name lives instead, and
:func:`attributes` makes its module ``__getattr__``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

S = TypeVar("S")
T = TypeVar("T")


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


class Mapped(Sequence[T], Generic[S, T]):
    """``func`` of each of ``items``, made when it is asked for and not kept: a
    sequence of large values (documents read back from disk, passages) that is
    read once costs one value at a time. Pickles when ``func`` does."""

    def __init__(self, items: Sequence[S], func: Callable[[S], T]) -> None:
        self.items = items
        self._func = func

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self._func(x) for x in self.items[i]]
        return self._func(self.items[i])

    def __iter__(self) -> Iterator[T]:
        return (self._func(x) for x in self.items)
