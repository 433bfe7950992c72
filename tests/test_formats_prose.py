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


# The body that acts on the date, not the nearest body name (issue 12). Sentences
# from the seeds (Slagelse's schedule, Ballerup) and Greve's minutes.
@pytest.mark.parametrize(
    ("sentence", "body", "date", "item"),
    [
        (  # seed 001's schedule: TPL only recommends, Byrådet decides that day
            "- Den 24. marts 2025: Ansøgningen fremlægges for Byrådet, efter indstilling fra "
            "Teknik-, Plan- og Landdistriktsudvalget med henblik på endelig godkendelse.",
            "Byrådet",
            dt.date(2025, 3, 24),
            None,
        ),
        (  # …and on 3 March TPL discusses it; Byrådet is where it goes next
            "- Den 3. marts 2025: Drøftelse i Teknik-, Plan- og Landdistriktsudvalget i forhold "
            "til indstilling til godkendelse i Byrådet.",
            "Teknik-, Plan- og Landdistriktsudvalget",
            dt.date(2025, 3, 3),
            None,
        ),
        (
            "Teknik- og Miljøudvalget indstiller til Byrådet, at planen godkendes, og sagen "
            "behandles i Byrådet den 24. marts 2025.",
            "Byrådet",
            dt.date(2025, 3, 24),
            None,
        ),
        (
            "Sagen oversendes til Økonomiudvalget til behandling den 5. maj 2025.",
            "Økonomiudvalget",
            dt.date(2025, 5, 5),
            None,
        ),
        (  # Greve: "udvalgets" after a named committee is that committee
            "Plan- og Tryghedsudvalget har ved udvalgets behandling af sagen den 14. marts 2023 "
            "ønsket en præcisering af fordele og ulemper ved et Borgerting.",
            "Plan- og Tryghedsudvalget",
            dt.date(2023, 3, 14),
            None,
        ),
        (  # Greve: a list-part name starts with a hyphened part
            "Lokalplan for Strandvejen (Tillæg nr. 1 til Lokalplan nr. 12.50 for "
            "Strandvejsområdet, vedtaget af Plan- og Tryghedsudvalget den 23. august 2023 "
            "(pkt. 2))",
            "Plan- og Tryghedsudvalget",
            dt.date(2023, 8, 23),
            2,
        ),
        (  # Greve: each date with the item number after it
            "Af de 32 mio. kr. har Byrådet den 13. marts 2024 (pkt. 16), 17. april 2024 "
            "(pkt. 21) og 26. juni 2024 (pkt. 17) truffet beslutning om at anvende 16,85 mio. kr.",
            "Byrådet",
            dt.date(2024, 6, 26),
            17,
        ),
        (
            "Klima-, Teknik og Miljøudvalget godkendte den 17. august 2023 (pkt. 5), at "
            "daginstitutionen genhuses i pavilloner.",
            "Klima-, Teknik og Miljøudvalget",
            dt.date(2023, 8, 17),
            5,
        ),
    ],
)
def test_the_body_acting_on_the_date(
    sentence: str, body: str, date: dt.date, item: int | None
) -> None:
    ref = sentence_reference(sentence)
    assert ref is not None
    assert (ref.body, ref.date, ref.item_number) == (body, date, item)


@pytest.mark.parametrize(
    "sentence",
    [  # Greve: a deadline or the day a law takes effect is no meeting
        "KKR Sjælland anbefaler kommunalbestyrelserne og regionsrådet i Region Sjælland "
        "tiltræder rammeaftalen senest 1. december 2022.",
        "Byrådet skal godkende de nye pleje- og omsorgsforløb, som følger af ny ældrelov, der "
        "træder i kraft den 1. juli 2025.",
        # a document's own date, an agreement's, a moved meeting's old date
        "Administrationen orienterer om afgørelse af 15. december 2021 (vedlagt som bilag) fra "
        "Det Kommunale Tilsyn, hvorved tilsynet afviser at rejse en sag, som byrådet behandlede.",
        "Byrådet videresendte budgettet til 2. behandling med bemærkning om, at der er indgået "
        "budgetforlig den 31. august 2023.",
        "Udvalget beslutter at flytte mødet fra den 4. juni 2024.",
        # seed 001: the date is the study trip's, in a clause after a treatment still to come
        "§ 17,4 udvalget - Ansøgning Boligsocial helhedsplan 2025-2029 skal drøfte studieturen "
        "som gik til det østlige Aalborg den 15. januar 2025 med henblik på anbefalinger til "
        "Teknik-, Plan- og Landdistriktsudvalget.",
    ],
)
def test_deadlines_are_not_treatments(sentence: str) -> None:
    assert sentence_reference(sentence) is None


def test_a_relative_clause_may_tell_of_a_treatment() -> None:
    ref = sentence_reference(
        "Byrådet skal godkende planen, som blev drøftet i Økonomiudvalget den 3. marts 2025."
    )
    assert ref is not None and (ref.body, ref.date) == ("Økonomiudvalget", dt.date(2025, 3, 3))
