"""The project's own error types. Library code raises these; only the CLI turns
them into exit codes. Anything else escaping a parser is a bug in raadsgraf."""

from __future__ import annotations


class RaadsgrafError(Exception):
    """Base of every error raadsgraf raises on purpose."""


class SourceError(RaadsgrafError):
    """A problem with one input file, named compiler-style: ``path:p3:l14: message``."""

    def __init__(
        self, path: str, message: str, *, line: int | None = None, page: int | None = None
    ) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.page = page
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.page is not None:
            where += f":p{self.page}"
        if self.line is not None:
            where += f":l{self.line}"
        return f"{where}: {self.message}"


class UnknownFormat(SourceError):
    """No registered parser recognises the file."""

    def __init__(self, path: str, known: list[str], detail: str = "") -> None:
        self.known = known
        msg = "unknown format"
        if detail:
            msg += f" ({detail})"
        msg += "; known formats: " + ", ".join(known)
        super().__init__(path, msg)


class ConfigError(RaadsgrafError):
    """A setting has a value raadsgraf cannot use."""


class IndexNotFound(RaadsgrafError):
    """The store folder has no search index (nothing ingested yet)."""


class IndexMismatch(RaadsgrafError):
    """The search index was built differently (another model, chunking, version)."""


class QueryError(RaadsgrafError):
    """A question raadsgraf cannot answer as asked: an empty or far too long search, a bad
    filter, bad SPARQL, a value that is not an IRI, or a lineage target that names nothing."""


class StoreError(RaadsgrafError):
    """The store folder is missing, locked or damaged."""


class StoreBusy(RaadsgrafError):
    """Another ingest is writing to the store."""


class PortalError(RaadsgrafError):
    """The portal answered, but not with what its API promises."""


class FetchError(RaadsgrafError):
    """A URL that could not be fetched, after the retries: one line naming it."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
