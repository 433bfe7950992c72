"""Earlier treatment written in running text → PROSE references."""

from __future__ import annotations

import datetime as dt

import pytest

from raadsgraf.extract.prose import find_prose_references, sentence_reference, sentences
from raadsgraf.model import ReferenceKind


@pytest.mark.parametrize(
    ("sentence", "body", "date", "item"),
    [
        (
            "Den 9. april 2025 behandlede byrådet sagen om ny skolestruktur.",
            "Byrådet",
            dt.date(2025, 4, 9),
            None,
        ),
        (
            "Byrådet besluttede d. 22. maj 2024 at igangsætte en analyse.",
            "Byrådet",
            dt.date(2024, 5, 22),
            None,
        ),
        (
            "Budgetopfølgning 3 2024 blev behandlet i Byrådet den 11. december 2024 (pkt. 14).",
            "Byrådet",
            dt.date(2024, 12, 11),
            14,
        ),
        (
            "Byrådets beslutning (den 21. juni 2021, pkt. 43) om en borgersamling.",
            "Byrådet",
            dt.date(2021, 6, 21),
            43,
        ),
        (
            "Økonomiudvalget godkendte den 3. maj 2023 rammerne for udbuddet.",
            "Økonomiudvalget",
            dt.date(2023, 5, 3),
            None,
        ),
        (
            "Sagen blev drøftet i Klima-, Teknik- og Miljøudvalget den 6. marts 2023, punkt 4.",
            "Klima-, Teknik- og Miljøudvalget",
            dt.date(2023, 3, 6),
            4,
        ),
    ],
)
def test_treatment_sentences(sentence: str, body: str, date: dt.date, item: int | None) -> None:
    ref = sentence_reference(sentence)
    assert ref is not None
    assert ref.kind == ReferenceKind.PROSE
    assert (ref.body, ref.date, ref.item_number) == (body, date, item)
    assert ref.raw == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Byrådet ønsker en bred inddragelse af borgerne.",  # no date
        "Den 9. april 2025 holdes der borgermøde i hallen.",  # no body, no treatment
        "Udvalget mødes igen den 3. maj 2025.",  # body and date, but no treatment
    ],
)
def test_sentences_that_are_not_references(sentence: str) -> None:
    assert sentence_reference(sentence) is None


def test_sentence_split_keeps_danish_abbreviations() -> None:
    text = "Byrådet besluttede d. 22. maj 2024 at gå videre. Pkt. 14 blev udsat.\nNy linje."
    assert [s for s, _ in sentences(text)] == [
        "Byrådet besluttede d. 22. maj 2024 at gå videre.",
        "Pkt. 14 blev udsat.",
        "Ny linje.",
    ]


def test_references_from_a_section() -> None:
    text = (
        "Byrådet godkendte på mødet den 21. juni 2021, at borgerinddragelsen skal ske i en "
        "borgersamling. I denne sag modtager byrådet formelt anbefalingerne. Den første "
        "politiske behandling vil ske til sommer."
    )
    [ref] = find_prose_references(text)
    assert (ref.body, ref.date) == ("Byrådet", dt.date(2021, 6, 21))
