"""The exhaustive held-out set for history steps (bench/lineage_exhaustive.py): its
date-mention regex, its judge and recall on hand-made steps, and the labels file."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from tests.formats_support import CORPUS

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "lineage_exhaustive", BENCH / "lineage_exhaustive.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("lineage_exhaustive", module)
    spec.loader.exec_module(module)
    return module


lx = _module()


def _label(date: str, status: str, body: str | None, **extra: object) -> dict[str, object]:
    return {"date": date, "truth": {"status": status, "body": body}, **extra}


LABELS = [
    _label("2025-03-24", "planned", "Byrådet"),
    _label("2025-03-03", "planned", "Økonomiudvalget"),
    _label("2025-01-13", "treatment", "Teknik-, Plan- og Landdistriktsudvalget"),
    _label("2025-01-20", "citation", "Byrådet"),
    _label("2025-07-01", "none", None),
    _label("2022-03-04", "planned", "Byrådet", also=["2022-03-05"]),
]


def test_a_step_is_right_only_with_the_labelled_body_and_kind() -> None:
    judge = lx.judge_step
    assert judge("2025-03-24", "Byrådet", True, False, LABELS) == "correct"
    assert judge("2025-03-24", "Byrådets", True, False, LABELS) == "correct"  # genitive
    # the case: the plan shown under the committee, or shown as held
    assert (
        judge("2025-03-24", "Teknik-, Plan- og Landdistriktsudvalget", True, False, LABELS)
        == "wrong"
    )
    assert judge("2025-03-24", "Byrådet", False, False, LABELS) == "wrong"
    # ... unless the held step is the council's item of that day: the plan carried out
    assert judge("2025-03-24", "Byrådet", False, True, LABELS) == "correct"
    assert (
        judge("2025-01-13", "Teknik-, Plan- og Landdistriktsudvalget", False, False, LABELS)
        == "correct"
    )
    assert (
        judge("2025-01-13", "Teknik-, Plan- og Landdistriktsudvalget", True, False, LABELS)
        == "wrong"
    )
    assert judge("2025-01-20", "Byrådet", False, False, LABELS) == "correct"  # a citation is held
    assert judge("2025-07-01", "Byrådet", True, False, LABELS) == "wrong"  # no step that day
    assert judge("2025-09-09", "Byrådet", False, False, LABELS) == "wrong"  # a day no mention names
    assert (
        judge("2022-03-05", "Byrådet", True, False, LABELS) == "correct"
    )  # a seminar's second day


def test_recall_counts_each_real_step_once_with_the_right_kind() -> None:
    shown = [
        ("2025-03-24", "Byrådet", False, True),  # carried out: the council's own item
        ("2025-03-03", "Byrådet", True, False),  # the plan under another body: not found
        (
            "2025-01-13",
            "Teknik-, Plan- og Landdistriktsudvalget",
            True,
            False,
        ),  # held, shown planned
        ("2025-01-20", "Byrådet", False, False),  # a citation: no recall label
        ("2025-07-01", "Byrådet", True, False),
    ]
    found, missed = lx.recall_hits([*LABELS, LABELS[0]], shown)
    assert [f["date"] for f in found] == ["2025-03-24"]
    assert [m["date"] for m in missed] == ["2025-03-03", "2025-01-13", "2022-03-04"]
    found, missed = lx.recall_hits(LABELS, [("2022-03-05", "Byrådet", False, False)])
    assert [f["date"] for f in found] == ["2022-03-04"]  # a plan the store knows was held


def test_every_date_form_is_a_mention_and_amounts_are_not() -> None:
    text = (
        "Byrådet besluttede den 24. marts 2025 at … Sagen behandles i ØU 03.03.2025 og "
        "den 17. marts. Seminar den 4.-5. marts. Sagens forløb: 02-06-2022 Økonomiudvalget. "
        "Mødet d. 3.4 aflyses. Prisen er 2.5 mio. kr. og 10.000 borgere. Frist 1.juli 2025."
    )
    found = lx.mentions(text, dt.date(2025, 2, 1))
    assert [m.date.isoformat() for m in found if m.date] == [
        "2025-03-24", "2025-03-03", "2025-03-17", "2025-03-04", "2022-06-02", "2025-04-03", "2025-07-01",
    ]  # fmt: skip
    assert "Byrådet besluttede den 24. marts 2025" in found[0].quote


def test_sampling_needs_a_date_and_a_body_word_and_favours_later_dates() -> None:
    day = dt.date(2024, 5, 1)
    rows = [
        (f"urn:x/moede/2024-05-01/punkt/{i}", day, "t", f"Udvalget den {i}. juni 2024.")
        for i in range(1, 9)
    ]
    rows += [
        (f"urn:y/moede/2024-05-01/punkt/{i}", day, "t", f"Byrådet den {i}. marts 2024.")
        for i in range(1, 9)
    ]
    rows += [
        ("urn:z/moede/2024-05-01/punkt/1", day, "t", "Projektet starter 1. juni 2024.")
    ]  # no body
    chosen = lx.sample_items(rows, excluded={"urn:x/moede/2024-05-01/punkt/1"}, seed=1, n=5)
    iris = [c[0] for c in chosen]
    assert len(iris) == 5 and "urn:x/moede/2024-05-01/punkt/1" not in iris
    assert not any(i.startswith("urn:z") for i in iris)
    assert sum(i.startswith("urn:x") for i in iris) == 3  # 0.6 of 5 mention a later date


def test_the_labels_file_is_complete_and_well_formed() -> None:
    labels = lx.read()
    assert len(labels) >= 200 and len({label["target"] for label in labels}) >= 55
    for label in labels:
        truth = label["truth"]
        assert truth["status"] in {"treatment", "planned", "citation", "none"}, label
        assert (truth["body"] is None) == (truth["status"] == "none"), label
        if label["date"] or truth["status"] != "none":  # "10.00-13": a time the regex took
            dt.date.fromisoformat(label["date"])
        assert (
            label["set"] in {"heldout-6", "heldout-7"}
            and label["quote"]
            and isinstance(label["offset"], int)
        )
    # at least half the items mention a date after their own meeting
    items = {label["target"] for label in labels}
    later = {label["target"] for label in labels if label["date"] > label["target_date"]}
    assert len(later) * 2 >= len(items)


GREVE = CORPUS / "greve"


@pytest.mark.slow
@pytest.mark.skipif(not GREVE.is_dir(), reason=f"{GREVE} not present")
def test_every_date_mention_of_a_labelled_greve_item_is_labelled() -> None:
    """Exhaustive means exhaustive: the mentions the regex finds in each labelled Greve
    item's text are exactly the labelled ones (offsets), and each quote is the text's."""
    labels = [label for label in lx.read() if label["corpus"] == "greve"]
    wanted: dict[str, set[int]] = {}
    for label in labels:
        wanted.setdefault(lx.base_iri(label["target"]), set()).add(label["offset"])
    days = {iri.split("/moede/")[1][:10] for iri in wanted}
    files = [p for p in sorted(GREVE.glob("*.json")) if p.name.split("_")[1][:10] in days]
    seen: dict[str, set[int]] = {}
    for iri, day, _, text in lx.corpus_items(files):
        if lx.base_iri(iri) in wanted:
            seen[lx.base_iri(iri)] = {m.offset for m in lx.mentions(text, day)}
    assert seen == wanted
