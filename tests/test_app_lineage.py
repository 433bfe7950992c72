"""The lineage drawing's rules (app/forloeb.py) on hand-made histories: kinds by
shape and words, planned and only-mentioned steps hollow and dashed, ties in
Danish, a page only for steps that have one. The drawing itself on real seeds is
checked in the browser (tests/e2e/test_politician.py)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from raadsgraf.query.lineage import LineageStep
from raadsgraf.query.views import History, HistoryStep

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))

import forloeb

BASE = "https://raadsgraf.dk/id/kommune/x/organ/byraadet/moede/"


def step(day: str, n: int | None, link: str, via: str | None, **kw: object) -> LineageStep:
    fields: dict[str, object] = {
        "treatment": f"{BASE}{day}/punkt/{n}/behandling",
        "date": dt.date.fromisoformat(day),
        "municipality": "X",
        "committee": "Byrådet",
        "item_number": n,
        "title": "Budget",
        "outcome": None,
        "case_number": None,
        "link": link,
        "via": via,
        "in_corpus": True,
    }
    fields.update(kw)
    return LineageStep(**fields)  # type: ignore[arg-type]


def test_history_rows() -> None:
    now = step("2024-03-01", 4, "start", None)
    earlier = step("2023-10-02", 9, "tidligere-behandling", now.treatment, in_corpus=False)
    told = step("2023-01-05", 2, "prosa", now.treatment)
    planned = step("2024-06-10", 1, "sag", now.treatment, planned=True)
    history = History(
        "x",
        tuple(HistoryStep(s, None, s in (now, planned)) for s in (told, earlier, now, planned)),
        (),
    )
    events = forloeb.history_events(history, current=now.treatment)
    frame = forloeb.frame(events)
    assert list(frame["top"]) == [
        "05.01.2023 · behandling",
        "02.10.2023 · behandling",
        "01.03.2024 · dette punkt",
        "10.06.2024 · planlagt",
    ]
    assert list(frame["bånd"]) == [
        "nævnt i teksten til punktet 01.03.2024",
        "tidligere behandling ifølge punktet 01.03.2024 (kun nævnt)",
        "samme sagsnummer",
        "planlagt, ifølge punktet 01.03.2024",
    ]
    # hollow and dashed: the meeting only mentioned, and the planned one
    assert list(frame["fyld"] == "#ffffff") == [False, True, False, True]
    assert [s == [4, 3] for s in frame["streg"]] == [False, True, False, True]
    # a page for steps that have one: not the step only mentioned, not this item
    # itself, not a step not yet held
    assert list(frame["side"]) == ["punkt", "", "", ""]
    assert len(set(frame["form"])) == 2  # behandling and planlagt differ by shape, not colour only
