"""The five seeds: golden records, and the facts a user relies on, asserted one by one."""

from __future__ import annotations

import datetime as dt

import pytest

import raadsgraf
from raadsgraf.model import AgendaItem, Document, Meeting, Outcome, ReferenceKind, to_jsonable
from tests.conftest import seed

SEED_IDS = ["000", "001", "002", "003", "004"]


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {s: raadsgraf.parse_file(seed(s)) for s in SEED_IDS}


def meeting(docs: dict[str, Document], s: str) -> Meeting:
    (m,) = docs[s].meetings
    return m


def item(docs: dict[str, Document], s: str, n: int) -> AgendaItem:
    return next(i for i in meeting(docs, s).items if i.number == n)


@pytest.mark.parametrize("s", SEED_IDS)
def test_golden_records(docs: dict[str, Document], s: str, golden_json) -> None:  # type: ignore[no-untyped-def]
    data = to_jsonable(docs[s])
    assert isinstance(data, dict)
    data["source"]["path"] = seed(s).name  # independent of where the tests run
    golden_json(f"{seed(s).stem}.json", data)


def test_formats_are_sniffed(docs: dict[str, Document]) -> None:
    assert [docs[s].source.format for s in SEED_IDS] == ["minutes-text"] * 4 + ["policy-text"]


@pytest.mark.parametrize(("s", "count"), [("000", 10), ("001", 6), ("002", 1), ("003", 13)])
def test_item_counts(docs: dict[str, Document], s: str, count: int) -> None:
    items = meeting(docs, s).items
    assert [i.number for i in items] == list(range(1, count + 1))


def test_meeting_identity(docs: dict[str, Document]) -> None:
    expected = {
        "000": ("Ballerup Kommune", "Socialudvalget", dt.date(2023, 11, 7), dt.time(13, 0)),
        "001": (
            "Slagelse Kommune",
            "§ 17,4-udvalg - Ansøgning Boligsocial helhedsplan 2025-2029",
            dt.date(2025, 2, 18),
            dt.time(15, 0),
        ),
        "002": (
            "Gentofte Kommune",
            "Opgaveudvalg om boligsocial indsats",
            dt.date(2018, 4, 9),
            dt.time(17, 0),
        ),
        # 003 has no header: everything comes from its "Source URL" line
        "003": ("Ballerup Kommune", "Socialudvalget", dt.date(2022, 10, 4), None),
    }
    for s, (municipality, committee, date, start) in expected.items():
        m = meeting(docs, s)
        assert (m.municipality.name, m.committee.name, m.date, m.start) == (
            municipality,
            committee,
            date,
            start,
        ), s
    assert meeting(docs, "002").end == dt.time(19, 5)
    assert (
        meeting(docs, "003").source_url == "http://ballerup.dk/dagsorden/socialudvalget-04-10-2022"
    )


def test_attendees_with_party_and_role(docs: dict[str, Document]) -> None:
    people = {a.person.name: a for a in meeting(docs, "000").attendance}
    assert len(people) == 10
    assert (people["Maria Lundahl Assov"].person.party, people["Maria Lundahl Assov"].status) == (
        "A",
        "present",
    )
    assert people["Johan Müller"].person.role == "1. viceborgmester"
    assert people["Kate Svarrer"].person.party == "Løsgænger"
    assert people["Jannik Karoli Plum Nielsen"].person.role == "direktør"
    assert people["Eva Borg"].person.role == "centerchef for Voksne og Sundhed"
    lolan = people["Lolan Marianne Ottesen"]
    assert (lolan.status, lolan.reason, lolan.person.party) == ("absent", "afbud", "A")


def test_item_level_absence(docs: dict[str, Document]) -> None:
    """André Amingsø is absent from items 4-10 only; Lolan sends regrets for all."""
    absent_andre = [
        i.number
        for i in meeting(docs, "000").items
        if any(a.person.name == "André Amingsø" and a.reason == "fraværende" for a in i.attendance)
    ]
    assert absent_andre == list(range(4, 11))
    assert all(
        any(a.person.name == "Lolan Marianne Ottesen" and a.reason == "afbud" for a in i.attendance)
        for i in meeting(docs, "000").items
    )
    assert all(
        [a.person.name for a in i.attendance] == ["John Dyrby Paulsen"]
        for i in meeting(docs, "001").items
    )


def test_header_absences_gentofte(docs: dict[str, Document]) -> None:
    m = meeting(docs, "002")
    absent = [a.person.name for a in m.attendance if a.status == "absent"]
    present = [a.person.name for a in m.attendance if a.status == "present"]
    assert absent == [
        "Katarina Ammitzbøll",
        "Annita Fjord Pedersen",
        "Lene Hjorth",
        "Sanne Thor Pohl",
    ]
    assert len(present) == 11 and "Leif Madsen" in present and "Kim Tverskov" in present


def test_closed_items(docs: dict[str, Document]) -> None:
    closed = [(i.number, i.title) for i in meeting(docs, "000").items if not i.is_open]
    assert closed == [
        (8, "Meddelelser"),
        (9, "Udvikling af beskæftigelsestilbud på handicapområdet"),
    ]
    assert item(docs, "000", 9).case_number == "27.54.00-A00-1-23"


def test_case_numbers_and_kle(docs: dict[str, Document]) -> None:
    first = item(docs, "000", 1)
    assert first.case_number == "00.22.04-I00-5-21"
    assert first.kle is not None
    assert (first.kle.subject, first.kle.facet, first.kle.serial) == ("00.22.04", "I00", "5-21")
    # other numbering schemes are kept as they are, without KLE parts
    assert [
        (i.number, i.case_number, i.kle) for i in meeting(docs, "001").items if i.case_number
    ] == [
        (2, "24-012144", None),
        (3, "24-012144", None),
    ]
    assert item(docs, "002", 1).case_number == "EMN-2018-01605"


def test_earlier_treatment_references(docs: dict[str, Document]) -> None:
    def refs(s: str, n: int) -> list[tuple[str | None, dt.date | None, int | None]]:
        return [
            (r.body, r.date, r.item_number)
            for r in item(docs, s, n).references
            if r.kind != ReferenceKind.PROSE
        ]

    assert refs("000", 3) == [("Kommunalbestyrelsen", dt.date(2023, 8, 28), 2)]
    assert refs("000", 5) == [("Klima- og Miljøudvalget", dt.date(2023, 10, 3), 11)]
    assert refs("000", 7) == [("Socialudvalget", dt.date(2023, 8, 15), 5)]
    assert refs("003", 6) == [
        ("Social- og Sundhedsudvalget", dt.date(2021, 3, 2), 12),
        ("Social- og Sundhedsudvalget", dt.date(2019, 10, 1), 2),
    ]
    assert (
        item(docs, "003", 6).references[0].item_title == "Drøftelse af hjemløse i Ballerup Kommune"
    )
    # "Klima- og Miljøudvalgets møde den 14. juni 2022 Punkt 2": genitive and "møde" dropped
    assert refs("003", 12) == [("Klima- og Miljøudvalget", dt.date(2022, 6, 14), 2)]
    # a treatment told in a sentence of the text (minutes read as text, PDF or DOCX)
    prose = [
        (r.body, r.date, r.item_number)
        for r in item(docs, "000", 7).references
        if r.kind == ReferenceKind.PROSE
    ]
    assert prose == [("Økonomiudvalget", dt.date(2022, 2, 22), None)]


def test_decision_history(docs: dict[str, Document]) -> None:
    history = [
        r for r in item(docs, "003", 11).references if r.kind == ReferenceKind.DECISION_HISTORY
    ]
    assert [(r.body, r.date, r.item_number) for r in history] == [
        ("Socialudvalget", dt.date(2022, 9, 6), None),
        ("Økonomiudvalget", dt.date(2022, 9, 20), None),
        ("Sundheds- og Ældreudvalget", dt.date(2022, 9, 13), 15),
        ("Børne- og Skoleudvalget", dt.date(2022, 9, 6), 4),
    ]
    assert history[0].decision == "Taget til efterretning"
    assert history[1].decision is not None and history[1].decision.startswith(
        "Sagen sendes tilbage"
    )


def test_decision_outcomes(docs: dict[str, Document]) -> None:
    def outcome(s: str, n: int) -> Outcome | None:
        d = item(docs, s, n).decision
        return d.outcome if d else None

    assert outcome("000", 1) == Outcome.NOTED
    assert outcome("000", 3) == Outcome.APPROVED
    assert outcome("000", 6) == Outcome.RECOMMENDED
    assert outcome("001", 2) == Outcome.DISCUSSED
    assert outcome("001", 3) == Outcome.RECOMMENDED
    assert outcome("002", 1) == Outcome.DISCUSSED
    assert outcome("003", 8) == Outcome.POSTPONED
    assert outcome("003", 12) == Outcome.APPROVED_WITH_REMARKS
    assert outcome("000", 10) is None  # no Beslutning section


def test_recommendation_points(docs: dict[str, Document]) -> None:
    rec = item(docs, "000", 3).recommendation
    assert rec is not None and rec.by == "Centrene for Voksne og Sundhed samt Arbejdsmarked"
    assert len(rec.points) == 2 and rec.points[0].startswith("Det forventede forbrug for 2023")
    # PDF extraction moved "1." to the end of the line; it is put back
    rec3 = item(docs, "003", 12).recommendation
    assert rec3 is not None and rec3.points == (
        "Udvalget anbefaler en klimamålsætning på 85 pct. CO2-reduktion i 2030.",
        "Udvalget kommer med anbefalinger til det videre arbejde med færdiggørelse af klimapolitikken.",
    )


def test_attachments(docs: dict[str, Document]) -> None:
    atts = item(docs, "000", 6).attachments
    assert [a.recommended for a in atts] == [False, False, True, False, False]
    assert (
        atts[2].title
        == "Ny version med indarbejdede rettelser - Strategi for socialområdet 2024-2026"
    )
    numbered = item(docs, "001", 3).attachments
    assert [a.number for a in numbered] == ["1", "2", "3", "4", "5"]  # listed twice, kept once


def test_pdf_text_repaired(docs: dict[str, Document]) -> None:
    # wrapped titles are joined, page breaks inside sentences closed
    assert (
        item(docs, "003", 4).title
        == "Status for indsatsen vedrørende ulovlig beboelse i kolonihaver"
    )
    background = next(s for s in item(docs, "003", 1).sections if s.kind == "background")
    assert background.text == (
        "Socialudvalget bliver introduceret til borgernære tilbud ved at lægge udvalgsmøderne på "
        "forskellige borgernære tilbud gennem året."
    )


def test_sections_in_order(docs: dict[str, Document]) -> None:
    kinds = [s.kind for s in item(docs, "000", 1).sections]
    assert kinds == [
        "summary",
        "background",
        "case",
        "participants",
        "economy",
        "attachments",
        "decided_by",
        "recommendation",
        "decision",
    ]


def test_policy_document(docs: dict[str, Document]) -> None:
    (policy,) = docs["004"].policies
    assert policy.title == "Ballerups Kommunes boligsociale strategi 2024-2029"
    assert policy.municipality is not None and policy.municipality.name == "Ballerup Kommune"
    assert (policy.kind, policy.period) == ("strategi", (2024, 2029))
    assert (policy.adopted_by, policy.adopted_on) == ("Kommunalbestyrelsen", dt.date(2024, 1, 29))
    assert policy.prepared_by == "Socialudvalget"
    assert policy.replaces_year == 2014
    numbers = [s.number for s in policy.sections]
    assert numbers[:3] == ["1", "2", "2.1"] and "4.3.4" in numbers and numbers[-1] == "6"
    assert "Plads til alle i Ballerup" in policy.mentions


def test_minority_recommendation(docs: dict[str, Document]) -> None:
    """003 item 12: three named members recommend 87 % where the committee says 85 %."""
    decision = item(docs, "003", 12).decision
    assert decision is not None
    assert [(p.actor, p.party, p.stance) for p in decision.positions] == [
        ("Maria Lundahl Assov", "A", "anbefaler"),
        ("Per Mortensen", "A", "anbefaler"),
        ("Johan Müller", "A", "anbefaler"),
    ]
