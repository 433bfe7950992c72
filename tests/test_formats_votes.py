"""Named votes and reservations read from decision texts."""

from __future__ import annotations

import pytest

from raadsgraf.extract.votes import find_votes
from raadsgraf.model import VotePosition
from raadsgraf.pipeline import parse_file
from tests.formats_support import SAMPLES


def _read(text: str) -> list[tuple[str, list[str], list[str], int | None]]:
    return [
        (
            str(v.position),
            [f"{p.name} ({p.party})" if p.party else p.name for p in v.voters],
            list(v.parties),
            v.count,
        )
        for v in find_votes(text)
    ]


def test_counted_and_labelled_votes() -> None:
    text = (
        "Med stemmerne 19 for og 1 imod godkendte Byrådet Økonomiudvalgets indstilling.\n\n"
        "For stemte: (V), (A), (C), (D) og Liselott Blixt (UP-1).\n\n"
        "Imod stemte:\n(Ø) med bemærkning om, at ”Enhedslisten ønsker en handling”."
    )
    assert _read(text) == [
        ("for", [], [], 19),
        ("imod", [], [], 1),
        ("for", ["Liselott Blixt (UP)"], ["V", "A", "C", "D"], None),
        ("imod", [], ["Ø"], None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.-2. Anbefales. John T. Olsen (A) stemte imod.", ("imod", ["John T. Olsen (A)"], [])),
        (
            "Bjarke Abel (A) og Claus Dyremose (C) undlod at tage stilling.",
            ("undlod", ["Bjarke Abel (A)", "Claus Dyremose (C)"], []),
        ),
        ("(F) undlod at tage stilling.", ("undlod", [], ["F"])),
        ("Liselott Blixt: Undlod.", ("undlod", ["Liselott Blixt"], [])),
        ("Jakob Søgaard Clausen tog forbehold.", ("forbehold", ["Jakob Søgaard Clausen"], [])),
        ("Solveig Munk kunne ikke tiltræde indstillingen.", ("imod", ["Solveig Munk"], [])),
        (
            "Socialistisk Folkeparti tog forbehold vedrørende prioriteringen.",
            ("forbehold", [], ["Socialistisk Folkeparti"]),
        ),
    ],
)
def test_subject_and_verb(text: str, expected: tuple[str, list[str], list[str]]) -> None:
    [(position, voters, parties, _)] = _read(text)
    assert (position, voters, parties) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Økonomiudvalget tiltræder Klima-, Teknik- og Miljøudvalgets beslutning.",
        "1. Udvalget undlod at tage stilling.",
        "Et flertal i udvalget kunne tiltræde indstillingen.",
        "Byrådet godkendte indstillingen.",
    ],
)
def test_bodies_are_not_voters(text: str) -> None:
    assert find_votes(text) == ()


def test_two_votes_in_one_sentence() -> None:
    text = "Tina Rotbøll (A) stemte for, Linda Heegaard (F) stemte imod."
    assert [(v.position, v.voters[0].name) for v in find_votes(text)] == [
        (VotePosition.FOR, "Tina Rotbøll"),
        (VotePosition.AGAINST, "Linda Heegaard"),
    ]


def test_portal_decision_carries_its_votes() -> None:
    page = SAMPLES / "portal_html" / "aarhus-teknisk-udvalg-referat-2025-10-01.html"
    decision = parse_file(page).meetings[0].items[1].decision
    assert decision is not None
    assert [(str(v.position), len(v.voters)) for v in decision.votes] == [
        ("for", 4),
        ("forbehold", 1),
        ("imod", 1),
    ]
