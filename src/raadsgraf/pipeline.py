"""Wires the stages together: files → parsers → records (→ graph | index).

This is the one module that knows every stage; the stages know only the
model. File reading happens here, at the edge, so parsers get bytes.
"""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from raadsgraf.errors import SourceError
from raadsgraf.model import Document
from raadsgraf.parsers.registry import parse_bytes

#: File names that are never council records (folder walks skip them).
SKIPPED_NAMES = {"README.md", "readme.md", ".DS_Store", "Thumbs.db"}


@dataclass(frozen=True, slots=True)
class Failure:
    """One file that could not be read, and why."""

    path: str
    message: str
    bug: bool = False  # an unexpected exception: a defect in raadsgraf, not the file

    def __str__(self) -> str:
        return (
            self.message if self.message.startswith(self.path) else f"{self.path}: {self.message}"
        )


@dataclass(slots=True)
class ParseReport:
    documents: list[Document] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def by_format(self) -> Counter[str]:
        return Counter(d.source.format for d in self.documents)

    @property
    def ok(self) -> bool:
        return not self.failures


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and every file below folders named, in a stable order."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and child.name not in SKIPPED_NAMES and not hidden:
                    yield child
        else:
            yield path


def parse_file(path: str | Path, fmt: str | None = None) -> Document:
    """Parse one file; ``fmt`` names a parser instead of sniffing."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(str(path), "no such file") from None
    except IsADirectoryError:
        raise SourceError(str(path), "is a folder") from None
    except PermissionError:
        raise SourceError(str(path), "permission denied") from None
    return parse_bytes(data, str(path), fmt)


def parse_files(
    paths: Iterable[str | Path], fmt: str | None = None, *, progress: bool = True
) -> ParseReport:
    """Parse every file; a file that fails is listed and the others are kept."""
    files = list(iter_files(paths))
    report = ParseReport()
    bar = tqdm(files, desc="parse", unit="file", disable=not progress or len(files) < 2)
    for path in bar:
        try:
            report.documents.append(parse_file(path, fmt))
        except SourceError as exc:
            report.failures.append(Failure(str(path), str(exc)))
        except Exception as exc:  # a parser bug must not lose the other files
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            report.failures.append(
                Failure(str(path), f"internal error (please report): {detail}", bug=True)
            )
    return report
