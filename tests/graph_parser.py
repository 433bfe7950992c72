"""A parser registered for tests: a file ``records:<factory>`` yields that
factory's hand-made Document, so ingest runs end to end through the registry."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests import graph_records

from raadsgraf.model import Document, Source
from raadsgraf.parsers.registry import register


class RecordsParser:
    name = "test-records"
    description = "hand-made records for the graph tests"

    def sniff(self, data: bytes, path: str) -> float:
        return 1.0 if data.startswith(b"records:") else 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        factory = data.decode().split(":", 1)[1].split()[0]
        doc: Document = getattr(graph_records, factory)()
        return dataclasses.replace(doc, source=source)


PARSER = register(RecordsParser())


def write(folder: Path, name: str, factory: str, extra: str = "") -> Path:
    path = folder / name
    path.write_text(f"records:{factory}\n{extra}", encoding="utf-8")
    return path
