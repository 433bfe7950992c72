"""Field-level accuracy on the hand-labelled documents (bench/field_gold/):
each field stays at or above the level measured when the harness was written
(issue #17), so no later change lowers it unnoticed. ``python
bench/field_accuracy.py`` prints the figures per field and per format."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "field_accuracy.py"

#: (precision, recall) floors, measured on 30 documents (4 of them samples' layouts
#: or formats rebuilt; 17 read from ../shared/corpus when it is at hand)
FLOORS: dict[str, tuple[float, float]] = {
    "items": (1.0, 1.0),
    "titles": (1.0, 1.0),
    "case_numbers": (1.0, 1.0),
    "decisions": (1.0, 1.0),
    "outcomes": (1.0, 1.0),
    "referred_to": (1.0, 1.0),
    "attendees": (1.0, 1.0),
    "attendee_party_role": (1.0, 1.0),
    "absences": (1.0, 1.0),
    # recall 0.975 -> 0.966 (118 gold references) with the planned-step gate of issue 12's
    # fifth pass: "formandskabet besluttet, at udvalget indkaldes til et ekstra møde tirsdag
    # den 15. maj 2018" (seed 002) is a call to a meeting, which may or may not be for the
    # matter, and gives no step now ("right or absent"; bench/README.md, "Fifth pass")
    "references": (0.98, 0.96),
}


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("field_accuracy", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_every_field_keeps_its_level() -> None:
    harness = _harness()
    golds = harness.load_gold()
    assert len(golds) >= 25
    formats = {g["format"] for g in golds}
    assert formats >= {
        "firstagenda", "minutes-text", "pdf", "docx", "portal-html", "sbsys", "edoc", "rtf"
    }  # fmt: skip
    total, _, skipped = harness.measure(golds)
    if len(skipped) > len(golds) // 2:
        pytest.skip(f"{len(skipped)} gold documents' sources are not at hand")
    low = [
        f"{field}: precision {c.precision:.3f} < {FLOORS[field][0]} or recall {c.recall:.3f}"
        f" < {FLOORS[field][1]}\n  " + "\n  ".join(c.misses[:10])
        for field, c in total.items()
        if c.precision < FLOORS[field][0] - 1e-9 or c.recall < FLOORS[field][1] - 1e-9
    ]
    assert not low, "\n".join(low)


def test_gold_files_name_real_sources_and_known_fields() -> None:
    harness = _harness()
    for gold in harness.load_gold():
        assert str(gold["source"]).startswith(("tests/samples/", "corpus:")), gold["_file"]
        for field in gold.get("fields") or []:
            assert field in harness.FIELDS, (gold["_file"], field)
        numbers = [it["number"] for it in gold["items"]]
        assert len(numbers) == len(set(numbers)), gold["_file"]
