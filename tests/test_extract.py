"""Rules of the extract layer, each on wordings seen in real council records."""

from __future__ import annotations

import datetime as dt

import pytest

from raadsgraf.extract.casenumbers import (
    find_case_number,
    is_case_number,
    split_kle,
    split_trailing_case_number,
)
from raadsgraf.extract.dates import find_dates, parse_date, parse_time
from raadsgraf.extract.outcomes import classify, decision_or_none, make_decision
from raadsgraf.extract.people import parse_attendee_list, parse_person
from raadsgraf.extract.places import committee_from_url, infer_municipality
from raadsgraf.extract.references import parse_reference
from raadsgraf.extract.sections import decision_body, decision_date, section_kind
from raadsgraf.model import KLE, Outcome, ReferenceKind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tirsdag d. 07. november 2023 kl. 13:00", dt.date(2023, 11, 7)),
        ("den 9. august 2022", dt.date(2022, 8, 9)),
        ("06-09-2022", dt.date(2022, 9, 6)),
        ("Mødetidspunkt 09-04-2018 17:00", dt.date(2018, 4, 9)),
        ("2025-10-01T08:00:00+02:00", dt.date(2025, 10, 1)),
        ("d. 3. okt. 2023", dt.date(2023, 10, 3)),
        ("6/9-2022", dt.date(2022, 9, 6)),
        ("socialudvalget-04-10-2022", dt.date(2022, 10, 4)),
        ("den 31. februar 2023", None),  # not a date
        ("24-012144", None),  # a case number
        ("EMN-2018-01605", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_year_less_dates_need_a_default_year() -> None:
    assert find_dates("Den 6. juni godkendte udvalget") == []
    assert parse_date("Den 6. juni godkendte udvalget", default_year=2023) == dt.date(2023, 6, 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tirsdag d. 07. november 2023 kl. 13:00", dt.time(13, 0)),
        ("mødet hævet kl.: 19.05", dt.time(19, 5)),
        ("07.11.2023", None),
    ],
)
def test_parse_time(text: str, expected: dt.time | None) -> None:
    assert parse_time(text) == expected


def test_kle_split() -> None:
    assert split_kle("00.22.04-I00-5-21") == KLE("00.22.04", "I00", "5-21")
    assert split_kle("27.00.00-000-1-23") == KLE("27.00.00", "000", "1-23")
    assert split_kle("24-012144") is None
    assert split_kle("EMN-2018-01605") is None


@pytest.mark.parametrize(
    "text", ["00.22.04-I00-5-21", "24-012144", "21-014454K", "EMN-2018-01605", "13/12345"]
)
def test_case_numbers(text: str) -> None:
    assert is_case_number(text)


@pytest.mark.parametrize(
    "text",
    # every family the issue names: KLE, two- and four-digit year + serial,
    # prefix + year + serial, prefix + serial, year/serial
    ["00.22.04-I00-5-21", "24-012144", "2011-29298", "EMN-2025-000517", "SAG-2021-00123",
     "SAG-123456", "12/27845", "2019/123456"],
)  # fmt: skip
def test_case_number_families(text: str) -> None:
    assert is_case_number(text)
    assert find_case_number(f"Sagsnr.: {text}") == text
    assert find_case_number(f"J.nr. {text}.") == text


@pytest.mark.parametrize(
    "text",
    # dates, year ranges, a month and year, an amount, a phone number, a CPR number
    ["06-09-2022", "2023-10-12", "24-01-2014", "2024-2029", "2019/2020", "12-2023", "06/2024",
     "1.234.567", "2,2 mio. kr.", "43 21 12 34", "010190-1234", "0101901234"],
)  # fmt: skip
def test_never_a_case_number(text: str) -> None:
    assert not is_case_number(text)
    assert find_case_number(f"Sagsnr.: {text}") is None


def test_case_number_at_the_end_of_a_heading() -> None:
    title = "Udviklingsplan Aarhus Ø - endelig vedtagelse      EMN-2025-009242"
    assert split_trailing_case_number(title) == (
        "Udviklingsplan Aarhus Ø - endelig vedtagelse",
        "EMN-2025-009242",
    )
    # a title that ends in a year range or a budget year keeps it
    for title in ("Boligsocial strategi 2024-2029", "Budget 2025-28", "Tryghed 2023-24"):
        assert split_trailing_case_number(title) == (title, None)


def test_case_number_is_not_a_date_or_amount() -> None:
    assert not is_case_number("06-09-2022")
    assert not is_case_number("2,2 mio. kr.")
    assert find_case_number("Sags ID: EMN-2018-01605") == "EMN-2018-01605"
    assert find_case_number("jf. sag 00.01.10-P35-9-22 fra sidste år") == "00.01.10-P35-9-22"


@pytest.mark.parametrize(
    ("text", "name", "party", "role", "reason"),
    [
        ("Maria Lundahl Assov (A)", "Maria Lundahl Assov", "A", None, None),
        ("Johan Müller (A) (1. viceborgmester)", "Johan Müller", "A", "1. viceborgmester", None),
        ("Kate Svarrer (Løsgænger)", "Kate Svarrer", "Løsgænger", None, None),
        ("Lolan Marianne Ottesen (A) (Afbud)", "Lolan Marianne Ottesen", "A", None, "afbud"),
        (
            "Eva Borg (centerchef for Voksne og Sundhed) ",
            "Eva Borg",
            None,
            "centerchef for Voksne og Sundhed",
            None,
        ),
        ("Saime B. Inanc (Ø)", "Saime B. Inanc", "Ø", None, None),
    ],
)
def test_parse_person(
    text: str, name: str, party: str | None, role: str | None, reason: str | None
) -> None:
    person, found_reason = parse_person(text)
    assert (person.name, person.party, person.role, found_reason) == (name, party, role, reason)


def test_attendee_list_splits_on_commas_and_og() -> None:
    people = parse_attendee_list("Kim Tverskov, Ole Lund Petersen og Jesper Dalhoff")
    assert [a.person.name for a in people] == [
        "Kim Tverskov",
        "Ole Lund Petersen",
        "Jesper Dalhoff",
    ]
    # "og" inside a role is not a separator
    (eva,) = parse_attendee_list("Eva Borg (centerchef for Voksne og Sundhed)")
    assert eva.person.role == "centerchef for Voksne og Sundhed"


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Taget til efterretning", Outcome.NOTED),
        ("Orienteringen blev taget til efterretning.", Outcome.NOTED),
        ("Indstillingen godkendt", Outcome.APPROVED),
        ("Godkendt med de faldne bemærkninger.", Outcome.APPROVED_WITH_REMARKS),
        ("Indstilles til godkendelse", Outcome.RECOMMENDED),
        ("Anbefales.", Outcome.RECOMMENDED),
        ("Udvalget drøftede sagen.", Outcome.DISCUSSED),
        ("Sagen udsat til næste møde.", Outcome.POSTPONED),
        ("Sagen oversendes til Økonomiudvalget.", Outcome.REFERRED),
        ("Forslaget blev afvist.", Outcome.REJECTED),
        ("Pkt. 1: Godkendt.", Outcome.APPROVED),
        ("Ingen punkter til eventuelt", Outcome.OTHER),
        # issue #17: referrals and returns (the wording, and the corpus's)
        (
            "Tilbagesendes Borgmesterens Afdeling med henblik på en ny indstilling.",
            Outcome.REFERRED,
        ),
        ("Byrådet sendte sagen til realitetsbehandling i Økonomiudvalget.", Outcome.REFERRED),
        ("Indstilles godkendt, med den tilføjelse, at …", Outcome.RECOMMENDED),
        ("Formanden orienterede om: Deltagelse i Frivillig Fredag", Outcome.NOTED),
        ("Godkendt med de aftalte korrekturrettelser.", Outcome.APPROVED_WITH_REMARKS),
    ],
)
def test_outcomes(text: str, outcome: Outcome) -> None:
    assert classify(text) == outcome


@pytest.mark.parametrize(
    ("text", "outcome", "body"),
    [
        # the examples
        (
            "Fremsendes til Teknisk Udvalg til behandling af sagen.",
            Outcome.REFERRED,
            "Teknisk Udvalg",
        ),
        ("Tilbagesendes Borgmesterens Afdeling.", Outcome.REFERRED, "Borgmesterens Afdeling"),
        ("Oversendes til Økonomiudvalget.", Outcome.REFERRED, "Økonomiudvalget"),
        # tests/samples/portal_html (Magistraten 02-09-2025, in "Sagsforløb")
        (
            "Fremsendes til Aarhus Byråd med bemærkning, at Magistraten i mødet den 2. september"
            " 2025 anbefaler, at byrådet tiltræder Borgmesterens Afdelings indstilling.",
            Outcome.REFERRED,
            "Aarhus Byråd",
        ),
        # greve corpus (Økonomiudvalget 25 Sep 2024, item 12; Byrådet 2023)
        (
            "Orienteringen blev taget til efterretning og videresendes til Byrådet.",
            Outcome.NOTED,
            "Byrådet",
        ),
        (
            "Byrådet sendte sagen til realitetsbehandling i Klima-, Teknik- og Miljøudvalget.",
            Outcome.REFERRED,
            "Klima-, Teknik- og Miljøudvalget",
        ),
        # not a referral: a pointer to an attachment
        ("Der henvises til bilag 2. Godkendt.", Outcome.APPROVED, None),
        # nor the body that sent something (bench heldout-5: Greve, 18.11.2024)
        (
            "Orienteringen blev taget til efterretning, idet udvalget kvitterer for "
            "høringssvaret fremsendt af DH-medlemmerne af Handicaprådet.",
            Outcome.NOTED,
            None,
        ),
    ],
)
def test_referrals_name_the_receiving_body(text: str, outcome: Outcome, body: str | None) -> None:
    decision = make_decision(text)
    assert decision.outcome is outcome
    assert decision.referred_to == body


@pytest.mark.parametrize(
    ("heading", "kind", "body", "date"),
    [
        ("Beslutning i Økonomiudvalget den 10-04-2013", "decision", "Økonomiudvalget", "10-04-2013"),
        ("Økonomiudvalgets beslutning den 12.03.2013 Punkt 5", "decision", "Økonomiudvalget", "12.03.2013"),
        ("Udvalget for Teknik og Miljøs beslutning den 4. marts 2013", "decision",
         "Udvalget for Teknik og Miljø", "4. marts 2013"),
        ("Byrådets beslutning", "decision", "Byrådet", None),
        ("Udvalgets beslutning", "decision", None, None),
        ("Afgørelse", "decision", None, None),
        ("BESLUTNINGSFORSLAG FRA SF", "proposal", None, None),
        ("Forslag fra V, KF og LA om tilskud", "proposal", None, None),
        ("Borgerforslag", "proposal", None, None),
        ("Forslag", "recommendation", None, None),
        ("På baggrund af Byrådets beslutning", None, None, None),
    ],
)  # fmt: skip
def test_decision_headings(
    heading: str, kind: str | None, body: str | None, date: str | None
) -> None:
    assert section_kind(heading) == kind
    assert decision_body(heading) == body
    assert decision_date(heading) == date


def test_absence_lines_alone_are_no_decision() -> None:
    assert decision_or_none("Afbud: Kenneth Jerkel") is None
    assert decision_or_none(".") is None
    assert decision_or_none("Beslutning ikke frigivet") is None
    assert decision_or_none("Godkendt.\nAfbud: Kenneth Jerkel") is not None


@pytest.mark.parametrize(
    ("line", "body", "date", "number"),
    [
        (
            "Kommunalbestyrelsen den 28. august 2023 Punkt 2",
            "Kommunalbestyrelsen",
            dt.date(2023, 8, 28),
            2,
        ),
        (
            "Klima- og Miljøudvalgets møde den 14. juni 2022 Punkt 2",
            "Klima- og Miljøudvalget",
            dt.date(2022, 6, 14),
            2,
        ),
        (
            "Sundheds- og Ældreudvalget 13-09-2022 Punkt 15",
            "Sundheds- og Ældreudvalget",
            dt.date(2022, 9, 13),
            15,
        ),
        (
            "Beslutning truffet af Socialudvalget d. 06-09-2022",
            "Socialudvalget",
            dt.date(2022, 9, 6),
            None,
        ),
        (
            "10-01-2022 Beskæftigelses- og Erhvervsudvalget 2022",
            "Beskæftigelses- og Erhvervsudvalget",
            dt.date(2022, 1, 10),
            None,
        ),
        ("29-01-2024 Byråd 2022-2025", "Byråd", dt.date(2024, 1, 29), None),
    ],
)
def test_reference_lines(line: str, body: str, date: dt.date, number: int | None) -> None:
    ref = parse_reference(line, ReferenceKind.EARLIER_TREATMENT)
    assert ref is not None
    assert (ref.body, ref.date, ref.item_number, ref.raw) == (body, date, number, line)


def test_reference_needs_a_date() -> None:
    assert parse_reference("Socialudvalget Punkt 3", ReferenceKind.EARLIER_TREATMENT) is None


def test_section_kinds() -> None:
    assert section_kind("### **Beslutning**") == "decision"
    assert section_kind("Sagens indhold") == "case"
    assert section_kind("Resumé") == "summary"
    assert section_kind("Yderligere deltagelse på Socialudvalgets møde") == "participants"
    assert section_kind("Sagens forløb") == "case_history"
    assert section_kind("Digitale krænkelser") is None


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        # headings Greve's FirstAgenda minutes use (tests/samples/firstagenda)
        ("Sagsprocedure", "process"),
        ("Øvrige konsekvenser", "consequences"),
        # a later addition to a section is still that section
        ("Supplerende indstilling", "recommendation"),
        ("Ny supplerende sagsfremstilling", "case"),
        ("Supplerende sagsbeskrivelse", "case"),
        ("Revideret indstilling:", "recommendation"),
        # who recommends, in the heading
        ("Administrationen indstiller", "recommendation"),
        ("Børne- og Ungeforvaltningen indstiller", "recommendation"),
        ("Lovhjemmel", "legal_basis"),
        # not a section kind
        ("Supplerende dagsorden", None),
        ("Borgmesteren indstiller ikke at", None),
    ],
)
def test_section_kind_variants(heading: str, kind: str | None) -> None:
    assert section_kind(heading) == kind


def test_municipality_prefers_the_meeting_place() -> None:
    text = "Aalborg Kommune har … Aalborg Kommune … Aalborg Kommune … Slagelse Kommune"
    assert infer_municipality(text, place="Torvegade 15, Slagelse") == "Slagelse Kommune"
    assert infer_municipality("I Ballerups Kommunes vision") == "Ballerup Kommune"
    assert infer_municipality("", url="https://dagsordener.greve.dk/x") == "Greve Kommune"


def test_committee_from_url_uses_names_in_the_text() -> None:
    url = "http://ballerup.dk/dagsorden/klima-og-miljoeudvalget-03-10-2023"
    assert committee_from_url(url, ["Klima- og Miljøudvalget"]) == "Klima- og Miljøudvalget"
    assert (
        committee_from_url("http://x.dk/dagsorden/socialudvalget-04-10-2022", [])
        == "Socialudvalget"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Aarhus Byråd and Teknisk Udvalg, Oct 2025
        (
            "Jakob Søgaard Clausen tog forbehold.",
            [("Jakob Søgaard Clausen", "person", "forbehold", None)],
        ),
        (
            "Det Konservative Folkeparti, Venstre, Radikale Venstre og Liberal Alliance tog forbehold.",
            [
                ("Det Konservative Folkeparti", "party", "forbehold", "C"),
                ("Venstre", "party", "forbehold", "V"),
                ("Radikale Venstre", "party", "forbehold", "B"),
                ("Liberal Alliance", "party", "forbehold", "I"),
            ],
        ),
        (
            "Venstre stemte imod, og Enhedslisten undlod at stemme.",
            [("Venstre", "party", "imod", "V"), ("Enhedslisten", "party", "undlod", "Ø")],
        ),
        (
            "Dansk Folkeparti kunne ikke tiltræde indstillingen og ønskede deres holdning ført til protokol.",
            [
                ("Dansk Folkeparti", "party", "imod", "O"),
                ("Dansk Folkeparti", "party", "mindretalsudtalelse", "O"),
            ],
        ),
        # the committee itself, or "a majority", is the decision, not a named position
        ("Socialudvalget anbefaler overfor Byrådet at indstillingen godkendes.", []),
        ("Et flertal stemte for.", []),
        ("Orienteringen blev taget til efterretning.", []),
    ],
)
def test_positions(text: str, expected: list[tuple[str, str, str, str | None]]) -> None:
    from raadsgraf.extract.positions import find_positions

    assert [(p.actor, p.kind, p.stance.value, p.party) for p in find_positions(text)] == expected


def test_positions_keep_the_whole_sentence() -> None:
    from raadsgraf.extract.positions import find_positions

    text = "Godkendt.\n\nMaria Lundahl Assov (A) og Per Mortensen (A) anbefaler en målsætning på 87 pct. CO2-reduktion."
    (first, second) = find_positions(text)
    assert (first.actor, second.actor) == ("Maria Lundahl Assov", "Per Mortensen")
    assert first.text.endswith("87 pct. CO2-reduktion.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Greve Byråd and committees 2022-2025 (FirstAgenda): votes listed after a label
        (
            "Med stemmerne 11 for og 9 imod godkendte Byrådet indstillingen. For stemte: (V), (D) og "
            "Liselott Blixt (UP). Imod stemte: (A) og (F) med bemærkning om, at partierne ønsker mere.",
            [("V", "for"), ("D", "for"), ("Liselott Blixt", "for"), ("A", "imod"), ("F", "imod")],
        ),
        ("For stemte: C og Ø", [("C", "for"), ("Ø", "for")]),
        ("Undlod: A", [("A", "undlod")]),
        ("Liselott Blixt: Undlod.", [("Liselott Blixt", "undlod")]),
        ("(Ø) undlod at tage stilling.", [("Ø", "undlod")]),
        ("Mehmet Zeki Dogru (Ø) Stemte imod.", [("Mehmet Zeki Dogru", "imod")]),
        ("2. a. Ø stemte imod. 2. c. F stemte imod.", [("Ø", "imod"), ("F", "imod")]),
        (
            "For stemte (V), Liselott Blixt (UP-1) samt John T. Olsen og Charlotte Levin fra (A).",
            [
                ("V", "for"),
                ("Liselott Blixt", "for"),
                ("John T. Olsen", "for"),
                ("Charlotte Levin", "for"),
            ],
        ),
        ("Med stemmerne 19 for godkendte Byrådet indstillingen.", []),
    ],
)
def test_vote_lists(text: str, expected: list[tuple[str, str]]) -> None:
    from raadsgraf.extract.positions import find_positions

    assert [(p.actor, p.stance.value) for p in find_positions(text)] == expected


def test_who_could_and_could_not_agree() -> None:
    """Aarhus Teknisk Udvalg, 1 Oct 2025: members who could (not) agree."""
    from raadsgraf.extract.positions import find_positions

    text = (
        "Et flertal i udvalget kunne tiltræde indstillingen i overensstemmelse med Magistratens "
        "anbefaling. Jesper Kjeldsen, Steffen Wich, Gert Bjerregaard og Metin Lindved Aydin kunne "
        "tiltræde indstillingen. Jakob Søgaard Clausen tog forbehold. Solveig Munk kunne ikke "
        "tiltræde indstillingen. Liv Gro Jensen var forhindret i at deltage i udvalgets behandling af sagen."
    )
    assert [(p.actor, p.stance.value) for p in find_positions(text)] == [
        ("Jesper Kjeldsen", "for"),
        ("Steffen Wich", "for"),
        ("Gert Bjerregaard", "for"),
        ("Metin Lindved Aydin", "for"),
        ("Jakob Søgaard Clausen", "forbehold"),
        ("Solveig Munk", "imod"),
    ]
