"""The store as the service reads it: the live generation, reopened after an ingest."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

from raadsgraf.api import Raadsgraf, store_version
from raadsgraf.api import open as open_store
from raadsgraf.config import Settings
from raadsgraf.serve.errors import ApiError


class LiveStore:
    """Hands out the open :class:`Raadsgraf` for the store's live generation.

    At most once a second it checks the store's version token; when an ingest
    has swapped the generation, the next request gets a freshly opened store
    (requests already running finish on the old one)."""

    def __init__(self, root: Path, settings: Settings, *, check_every: float = 1.0) -> None:
        self.root = root
        self.settings = settings
        self.check_every = check_every
        self.reloads = 0
        self._rg: Raadsgraf | None = None
        self._version: str | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def current(self) -> tuple[Raadsgraf, str]:
        now = time.monotonic()
        if self._rg is None or now - self._checked >= self.check_every:
            with self._lock:
                if self._rg is None or now - self._checked >= self.check_every:
                    version = store_version(self.root)
                    self._checked = now
                    if version is None:
                        raise ApiError(
                            503,
                            "Der er ingen data i databasen endnu.",
                            "The store holds no data yet.",
                        )
                    if version != self._version:
                        self._rg = open_store(self.root, self.settings)
                        self._version = version
                        self.reloads += 1
        assert self._rg is not None and self._version is not None
        return self._rg, self._version

    @staticmethod
    def etag(version: str, *parts: str) -> str:
        """An ETag for an answer that depends only on the store's version and ``parts``
        (the request), so an unchanged answer is known without computing it."""
        digest = hashlib.sha256("\x1f".join((version, *parts)).encode()).hexdigest()[:24]
        return f'"{digest}"'


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """Does an If-None-Match header name ``etag`` (or ``*``)? Weak tags count."""
    if not if_none_match:
        return False
    wanted = if_none_match.strip()
    return wanted == "*" or etag in (t.strip().removeprefix("W/") for t in wanted.split(","))
