"""bench/phrasings.json (the held-out phrasing set) points at real records: every
judged key is an item or policy the samples parse to, so a parser change that
renumbers items shows up here rather than as a silent drop in the figures."""

from __future__ import annotations

import json
from pathlib import Path

from raadsgraf import parse_files

from .conftest import SAMPLES, SEEDS

SET = Path(__file__).parents[1] / "bench" / "phrasings.json"


def test_every_judged_key_is_a_parsed_record() -> None:
    report = parse_files([SEEDS, SAMPLES / "firstagenda"], progress=False)
    assert not report.failures
    items = {
        f"{m.date.isoformat()}#{it.number}"
        for d in report.documents
        for m in d.meetings
        for it in m.items
    }
    titles = [p.title.casefold() for d in report.documents for p in d.policies]
    queries = json.loads(SET.read_text(encoding="utf-8"))["queries"]
    assert len({q["id"] for q in queries}) == len(queries) == 40
    for q in queries:
        assert q["class"] and q["why"] and q["text"], q["id"]
        for key, grade in q["rel"].items():
            assert grade in (1, 2, 3), (q["id"], key)
            if key.startswith("POLICY:"):
                assert any(key[7:].casefold() in t for t in titles), (q["id"], key)
            else:
                assert key in items, (q["id"], key)
        assert 3 in q["rel"].values(), q["id"]
