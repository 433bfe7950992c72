"""Hand-made records shaped like the seeds, for graph and SPARQL tests that must
not wait for (or break with) the parsers."""

from __future__ import annotations

import datetime as dt

from raadsgraf.model import (
    KLE,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Committee,
    Decision,
    Document,
    Meeting,
    Municipality,
    Outcome,
    Person,
    PolicyDocument,
    Recommendation,
    Reference,
    ReferenceKind,
    Source,
)

BALLERUP = Municipality("Ballerup Kommune")
SOCIAL = Committee("Socialudvalget", "Ballerup Kommune")


def present(name: str, party: str | None = None) -> Attendance:
    return Attendance(Person(name, party), AttendanceStatus.PRESENT)


def absent(name: str, party: str | None = None, reason: str = "afbud") -> Attendance:
    return Attendance(Person(name, party), AttendanceStatus.ABSENT, reason)


def minutes_2023() -> Document:
    """Socialudvalget 7 Nov 2023: item 7 treats the housing strategy again."""
    items = (
        AgendaItem(
            number=1,
            title="Præsentation af Maglemosen",
            case_number="00.22.04-I00-5-21",
            kle=KLE("00.22.04", "I00", "5-21"),
            decision=Decision("Taget til efterretning.", Outcome.NOTED, "Taget til efterretning"),
        ),
        AgendaItem(
            number=5,
            title="Planstrategi 2023",
            case_number="01.02.03-P15-1-23",
            kle=KLE("01.02.03", "P15", "1-23"),
            references=(
                Reference(
                    ReferenceKind.EARLIER_TREATMENT,
                    "Klima- og Miljøudvalgets møde den 3. oktober 2023 Punkt 11",
                    body="Klima- og Miljøudvalgets møde",
                    date=dt.date(2023, 10, 3),
                    item_number=11,
                ),
            ),
            decision=Decision("Godkendt.", Outcome.APPROVED, "Godkendt"),
        ),
        AgendaItem(
            number=7,
            title="Boligsocial strategi 2024-2029: Præsentation af høringsvar",
            case_number="03.00.00-P22-2-23",
            kle=KLE("03.00.00", "P22", "2-23"),
            recommendation=Recommendation(
                "Direktionen indstiller, at strategien godkendes.", by="Direktionen"
            ),
            decision=Decision(
                "Indstilles til godkendelse.", Outcome.RECOMMENDED, "Indstilles til godkendelse"
            ),
            references=(
                Reference(
                    ReferenceKind.EARLIER_TREATMENT,
                    "Socialudvalget den 15. august 2023 Punkt 5",
                    body="Socialudvalget",
                    date=dt.date(2023, 8, 15),
                    item_number=5,
                ),
            ),
            attendance=(absent("André Amingsø", "D", "fraværende"),),
        ),
        AgendaItem(number=9, title="LUKKET Meddelelser", is_open=False),
    )
    meeting = Meeting(
        municipality=BALLERUP,
        committee=SOCIAL,
        date=dt.date(2023, 11, 7),
        start=dt.time(13, 0),
        place="UUC Maglemosen",
        attendance=(
            present("Maria Lundahl Assov", "A"),
            present("André Amingsø", "D"),
            present("Saime B. Inanc", "Ø"),
            absent("Lolan Marianne Ottesen", "A"),
        ),
        items=items,
    )
    return Document(Source("seeds/minutes-2023-11-07.txt", "a" * 64, "minutes-text"), (meeting,))


def minutes_2023_08() -> Document:
    """The earlier meeting that minutes_2023 item 7 names (same case)."""
    item = AgendaItem(
        number=5,
        title="Boligsocial strategi 2024-2029 - udkast til høring",
        case_number="03.00.00-P22-2-23",
        kle=KLE("03.00.00", "P22", "2-23"),
        decision=Decision("Godkendt.", Outcome.APPROVED, "Godkendt"),
    )
    meeting = Meeting(
        municipality=BALLERUP,
        committee=Committee("Socialudvalg", "Ballerup Kommune"),  # a variant of the name
        date=dt.date(2023, 8, 15),
        attendance=(present("Maria Lundahl Assov (A)"), absent("Saime B. Inanc", "Ø")),
        items=(item,),
    )
    return Document(Source("seeds/minutes-2023-08-15.txt", "b" * 64, "minutes-text"), (meeting,))


def strategy() -> Document:
    policy = PolicyDocument(
        title="Ballerups Kommunes boligsociale strategi 2024-2029",
        municipality=BALLERUP,
        kind="strategi",
        period=(2024, 2029),
        adopted_by="Kommunalbestyrelsen",
        adopted_on=dt.date(2024, 1, 29),
        prepared_by="Socialudvalget",
        replaces=(
            "Derfor er der behov for en ny boligsocial strategi, som erstatter den "
            "hidtidige strategi fra 2014.",
        ),
        replaces_year=2014,
    )
    return Document(Source("seeds/strategi.txt", "c" * 64, "policy-text"), (), (policy,))


def other_municipality() -> Document:
    """A Slagelse item whose title shares the topic words but not the municipality."""
    meeting = Meeting(
        municipality=Municipality("Slagelse Kommune"),
        committee=Committee("Byråd 2022-2025", "Slagelse Kommune"),
        date=dt.date(2024, 2, 1),
        items=(
            AgendaItem(
                number=3,
                title="Boligsocial strategi 2024-2029",
                case_number="24-012144",
                decision=Decision("Afvist.", Outcome.REJECTED, "Afvist"),
            ),
        ),
    )
    return Document(Source("other/slagelse.txt", "d" * 64, "minutes-text"), (meeting,))
