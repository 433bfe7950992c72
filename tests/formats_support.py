"""Helpers for the format tests: golden JSON comparison and corpus paths."""

from __future__ import annotations

import json
from pathlib import Path

from raadsgraf.model import Document, to_jsonable

TESTS = Path(__file__).parent
SAMPLES = TESTS / "samples"
GOLDEN = TESTS / "golden" / "formats"
#: The project's shared/ folder sits beside the repository (in CI too).
SHARED = TESTS.parent.parent / "shared"
CORPUS = SHARED / "corpus"


def golden_json(doc: Document) -> str:
    """The records without the source's absolute path (samples move)."""
    data = to_jsonable(doc)
    assert isinstance(data, dict)
    data["source"]["path"] = Path(doc.source.path).name
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def check_golden(doc: Document, name: str, update: bool) -> None:
    path = GOLDEN / f"{name}.json"
    actual = golden_json(doc)
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            raise AssertionError(f"{path} did not exist; written, review it and re-run")
    assert actual == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if the change is right, run pytest --update-golden and review"
    )
