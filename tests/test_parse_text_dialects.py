"""The text parser on a publishing system other than the seeds': Acadre
minutes (Syddjurs) with items numbered through the year, an unlabelled header,
members set in columns, and earlier decisions carried along with the case."""

from __future__ import annotations

import datetime as dt

import raadsgraf
from raadsgraf.model import Outcome, ReferenceKind, to_jsonable
from tests.conftest import SAMPLES

ACADRE = SAMPLES / "text" / "syddjurs-puk-2013-06-20.txt"


def test_acadre_minutes(golden_json) -> None:  # type: ignore[no-untyped-def]
    doc = raadsgraf.parse_file(ACADRE)
    (m,) = doc.meetings
    assert (m.municipality.name, m.committee.name, m.date, m.start) == (
        "Syddjurs Kommune",
        "Udvalget for plan, udvikling og kultur (PUK)",
        dt.date(2013, 6, 20),
        dt.time(10, 30),
    )
    assert [(a.person.name, a.person.party) for a in m.attendance] == [
        ("Jesper Mathiesen", "A"),
        ("Ole Bjerregaard", "V"),
        ("Ole Bollesen", "A"),
        ("Steen Fris", "C"),
        ("Niels Viderø", "A"),
    ]
    (item,) = m.items  # the table of contents names the same item: it counts once
    assert (item.number, item.title, item.case_number) == (
        715,
        "Kulturkommune 2017. Politiske fokusområder",
        "12/27845",
    )
    assert item.decision is not None and item.decision.outcome == Outcome.DISCUSSED
    assert item.decision.text.startswith("Punktet blev drøftet.")
    history = [(r.kind, r.body, r.date) for r in item.references]
    assert history == [
        # "Arbejdet blev 27. juni 2012 igangsat i Udvalget for Plan, udvikling og kultur"
        (ReferenceKind.PROSE, "Udvalget for Plan, udvikling og kultur", dt.date(2012, 6, 27)),
        (
            ReferenceKind.DECISION_HISTORY,
            "Udvalget for plan, udvikling og kultur (PUK)",
            dt.date(2013, 4, 10),
        ),
        (
            ReferenceKind.DECISION_HISTORY,
            "Udvalget for plan, udvikling og kultur (PUK)",
            dt.date(2013, 4, 24),
        ),
    ]
    assert item.references[2].decision is not None
    assert item.references[2].decision.startswith("Punktet genoptages.")
    assert [a.title for a in item.attachments] == [
        "Opsamlingsnotat. Temamøde 20.09.2012",
        "Politik for Kultur og Fritid-Lokalt engagement, Godkendt af byrådet 300409",
        "Kulturkommune 2017 -arbejdsoplæg til Udvalget for Plan, Udvikling og Kultur",
    ]
    assert item.recommendation is not None and item.recommendation.by == "Direktøren"
    assert item.recommendation.points[0].startswith(
        "Udvalget for Plan, udvikling og kultur påbegynder"
    )
    decided_by = next(s for s in item.sections if s.kind == "decided_by")
    assert decided_by.text == "Udvalget for plan, udvikling og kultur (PUK)"
    data = to_jsonable(doc)
    assert isinstance(data, dict)
    data["source"]["path"] = ACADRE.name
    golden_json("text/syddjurs-puk-2013-06-20.json", data)


def test_numbered_policy_chapters_are_not_items() -> None:
    """A policy's "1. Indledning" in its table of contents is no agenda item."""
    doc = raadsgraf.parse_file(SAMPLES / "seeds" / "004_ca5c3699950fcacc.txt")
    assert doc.source.format == "policy-text" and not doc.meetings
