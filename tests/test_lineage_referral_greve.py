"""A referral back to "fagudvalg" (Greve, Byrådet 11.12.2023 item 31: "Byrådet sendte
sagen tilbage til behandling i fagudvalg …") names no body: the committee is the one the
matter belongs to, and once it treated the case again the referral was carried out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import raadsgraf
from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.query.lineage import LineageStep, _subject_committee
from tests.formats_support import CORPUS

GREVE = CORPUS / "greve"
FILES = (  # the committee's treatment, the council's referral, the committee's next one
    "Sundheds- og Omsorgsudvalget_2023-11-13T17:00:00+01:00_607bf911-0289-42ca-a071-f6d1be3d5461.json",
    "Byråd 2022-2025_2023-12-11T17:00:00+01:00_cec1bc9b-b3fa-4915-8d0d-aefec68554f8.json",
    "Sundheds- og Omsorgsudvalget_2024-01-08T15:30:00+01:00_2061c901-c357-4238-a278-b683f5562237.json",
)
COUNCIL_ITEM = (
    "https://raadsgraf.dk/id/kommune/greve/organ/byraadet/moede/2023-12-11/punkt/31/behandling"
)


@pytest.mark.slow
@pytest.mark.skipif(not GREVE.is_dir(), reason=f"{GREVE} not present")
def test_a_referral_to_fagudvalg_carried_out_is_no_planned_step(tmp_path: Path) -> None:
    store = tmp_path / "store"
    report = pipeline.ingest(
        [GREVE / name for name in FILES], Settings(store=store), progress=False, index=False
    )
    assert report.ok, report.failures
    with raadsgraf.open(store) as rg:
        steps = rg.lineage(COUNCIL_ITEM).steps
    assert not [s for s in steps if s.committee == "Fagudvalget"]
    assert not [s for s in steps if s.planned and s.date is None]
    held = {(s.date, s.committee) for s in steps if not s.planned}
    assert (dt.date(2024, 1, 8), "Sundheds- og Omsorgsudvalget") in held


def _step(treatment: str, day: dt.date | None, committee: str, **kw: object) -> LineageStep:
    fields: dict[str, object] = {
        "municipality": "Greve Kommune",
        "item_number": None,
        "title": None,
        "outcome": None,
        "case_number": None,
        "link": "sag",
        "via": None,
        "in_corpus": True,
    }
    fields.update(kw)
    return LineageStep(treatment, day, committee=committee, **fields)  # type: ignore[arg-type]


def test_a_referral_to_fagudvalg_not_yet_carried_out_names_the_committee() -> None:
    """The same history before 08.01.2024: the committee that held the matter last before
    the council's referral (not the finance committee it passed through)."""
    steps = [
        _step("sou", dt.date(2023, 11, 13), "Sundheds- og Omsorgsudvalget"),
        _step("oeu", dt.date(2023, 11, 27), "Økonomiudvalget"),
        _step("br", dt.date(2023, 12, 11), "Byrådet", link="start"),
    ]
    plan = _step("plan", None, "Fagudvalget", link="oversendt", via="br", planned=True)
    resolved = _subject_committee(steps, plan)
    assert resolved is not None and resolved.committee == "Sundheds- og Omsorgsudvalget"
    later = [*steps, _step("sou2", dt.date(2024, 1, 8), "Sundheds- og Omsorgsudvalget")]
    assert _subject_committee(later, plan) is None
