"""The politicians' record (issue 13) on real samples: members and officials
apart, roles split off names, positions as data, person and party pages, where
parties stood, search finding people."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

import raadsgraf
from raadsgraf.config import Settings
from raadsgraf.extract.outcomes import make_decision
from raadsgraf.extract.positions import find_positions
from raadsgraf.model import PersonKind, Side, Stance
from raadsgraf.parsers.registry import parse_bytes
from raadsgraf.pipeline import ingest
from tests.app_store import seed_file
from tests.formats_support import CORPUS

SAMPLES = Path(__file__).parent / "samples"
#: a Greve city council meeting with many split votes (A, C, D, F, V, Ø), from the corpus
GREVE_SPLIT = (
    Path(os.environ.get("RAADSGRAF_TEST_CORPUS", CORPUS))
    / "greve"
    / "Byråd 2022-2025_2022-05-23T19:00:00+02:00_940a8318-cc26-4e87-9d83-c5a1dc18bea3.json"
)
BALLERUP = "https://raadsgraf.dk/id/kommune/ballerup"
SOCIAL = f"{BALLERUP}/organ/socialudvalget"


@pytest.fixture(scope="module")
def rg(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A graph-only store (no search index) of two Ballerup seeds and two Greve meetings."""
    folder = tmp_path_factory.mktemp("record")
    src = folder / "src"
    src.mkdir()
    for path in (
        seed_file("000"),
        seed_file("003"),
        SAMPLES / "firstagenda" / "greve-byraad-2025-09-08.json",
        SAMPLES / "firstagenda" / "greve-oekonomiudvalget-2022-12-12.json",
    ):
        shutil.copy(path, src)
    if GREVE_SPLIT.is_file():
        shutil.copy(GREVE_SPLIT, src)
    ingest([src], Settings(store=folder / "store"), index=False, progress=False)
    with raadsgraf.open(folder / "store") as opened:
        yield opened


# --- 1. members and officials apart ---------------------------------------------------


def test_seed_officials_are_not_members_of_the_committee(rg) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: "Medlemmer" listed Eva Borg (centerchef), Jannik Karoli Plum Nielsen
    (direktør) and Jakob Søgaard Timmermann among Socialudvalget's members."""
    page = rg.committee(SOCIAL)
    members = {m.person.name for m in page.members}
    officials = {m.person.name: m.roles for m in page.officials}
    staff = {"Eva Borg", "Jannik Karoli Plum Nielsen", "Jakob Søgaard Timmermann"}
    assert staff == set(officials) and not staff & members
    assert officials["Jannik Karoli Plum Nielsen"] == ("direktør",)
    assert {"Maria Lundahl Assov", "Johan Müller", "Kate Svarrer", "André Amingsø"} <= members
    # members with a party first
    assert all(m.person.party for m in page.members[:7])


def test_item_attendees_show_officials_apart_with_their_role(rg) -> None:  # type: ignore[no-untyped-def]
    detail = rg.item(f"{SOCIAL}/moede/2023-11-07/punkt/3")
    staff = [p for p in detail.attendees if p.official]
    assert {p.name for p in staff} == {
        "Eva Borg",
        "Jannik Karoli Plum Nielsen",
        "Jakob Søgaard Timmermann",
    }
    assert all(p.role for p in staff)
    assert not any(p.official for p in detail.attendees[: len(detail.attendees) - len(staff)])


def test_role_after_the_name_is_split_off() -> None:
    """Issue 13: "<name> (A) - formand" became a person named "<name> - formand".
    Seed 000's attendee line, rewritten in the other common layouts."""
    text = seed_file("000").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("**Mødedeltagere**"))
    for variant in (
        "Maria Lundahl Assov (A) - formand, Johan Müller (A) - næstformand",
        "Maria Lundahl Assov (A), formand, Johan Müller (A), næstformand",
        "Maria Lundahl Assov (A) (formand), Johan Müller (A) (næstformand)",
        "Formand: Maria Lundahl Assov (A), Næstformand: Johan Müller (A)",
    ):
        changed = text.replace(
            line,
            line.replace("Maria Lundahl Assov (A), Johan Müller (A) (1. viceborgmester)", variant),
        )
        doc = parse_bytes(changed.encode(), "000.txt")
        people = {a.person.name: a.person for a in doc.meetings[0].attendance}
        assert people["Maria Lundahl Assov"].role.lower() == "formand", variant
        assert people["Johan Müller"].role.lower() == "næstformand", variant
        assert people["Maria Lundahl Assov"].party == "A"
        assert not any("formand" in name for name in people), variant
        assert people["Eva Borg"].kind == PersonKind.OFFICIAL


# --- 2. positions as data --------------------------------------------------------------


def test_majority_minority_counts_and_party_names() -> None:
    positions = find_positions(
        "Et flertal (A, F og Ø) anbefaler indstillingen.\n\nImod stemte 6: V og C.\n\n"
        "Mindretalsudtalelse fra O: Vi ønsker en anden løsning."
    )
    got = {(p.actor, p.stance, p.side, p.votes) for p in positions}
    assert ("F", Stance.RECOMMENDS, Side.MAJORITY, None) in got
    assert ("V", Stance.AGAINST, None, 6) in got and ("C", Stance.AGAINST, None, 6) in got
    assert ("O", Stance.MINORITY, Side.MINORITY, None) in got
    d = make_decision("Indstillingen blev vedtaget med 21 stemmer mod 6.\n\nV stemte imod.")
    assert (d.votes_for, d.votes_against) == (21, 6)
    assert d.positions[0].side == Side.MINORITY


def test_a_clause_joined_by_og_keeps_its_own_subject() -> None:
    """Greve: "A stemmer for og V stemmer imod." gave V's vote to A as well."""
    got = {(p.actor, p.stance) for p in find_positions("A stemmer for og V stemmer imod.")}
    assert got == {("A", Stance.FOR), ("V", Stance.AGAINST)}


def test_passive_anbefales_is_not_a_position() -> None:
    """Greve: "A og B anbefales, …" names the recommendation's options A and B."""
    assert find_positions("A og B anbefales, idet der allerede nu ses behov.") == ()


def test_party_letters_are_named_in_the_graph(rg) -> None:  # type: ignore[no-untyped-def]
    names = {p.letter: p.name for p in rg.parties() if p.municipality == "Ballerup"}
    assert names["A"] == "Socialdemokratiet" and names["Ø"] == "Enhedslisten"


# --- 3. person and party pages ---------------------------------------------------------


def test_person_page_shows_the_recorded_position(rg) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: Johan Müller's page showed "Møder deltaget 1" and little else,
    although the store holds his separate position on 04.10.2022 item 12."""
    page = rg.person(f"{BALLERUP}/person/johan-muller")
    record = page.record
    (pos,) = [p for p in record.positions if p.date == dt.date(2022, 10, 4)]
    assert pos.number == 12 and pos.stance == "anbefaler" and "87 pct" in pos.text
    assert pos.outcome == "godkendt-med-bemaerkninger"
    (seat,) = record.memberships
    assert seat.committee == "Socialudvalget" and seat.roles == ("1. viceborgmester",)
    assert (seat.meetings_attended, seat.meetings_held) == (1, 1)


def test_attendance_rate_counts_item_absences(rg) -> None:  # type: ignore[no-untyped-def]
    page = rg.person(f"{BALLERUP}/person/andre-amingsoe")
    (seat,) = page.record.memberships
    absent_items = {a.item for a in page.item_absences}
    assert seat.items_held == 10 and seat.items_attended == 10 - len(absent_items) > 0


def test_bogus_person_is_no_one(rg) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: /person?person=bogus silently showed someone else."""
    assert rg.person("bogus") is None
    assert rg.person(f"{BALLERUP}/person/bogus") is None
    assert rg.party("bogus") is None


def test_party_page_lists_members_and_their_positions(rg) -> None:  # type: ignore[no-untyped-def]
    page = rg.party(f"{BALLERUP}/parti/a")
    assert page.party.name == "Socialdemokratiet"
    members = {p.name for p, _, _ in page.members}
    assert {"Maria Lundahl Assov", "Johan Müller", "Per Mortensen"} <= members
    assert {p.holder for p in page.positions} >= {"Johan Müller", "Per Mortensen"}


@pytest.mark.skipif(not GREVE_SPLIT.is_file(), reason="the Greve corpus is not at hand")
def test_where_parties_stood_in_greve(rg) -> None:  # type: ignore[no-untyped-def]
    result = rg.party_agreement(date_from=dt.date(2022, 5, 23), date_to=dt.date(2022, 5, 23))
    assert len(result.decisions) >= 5, "Greve's split decisions of 23.05.2022"
    assert {"Enhedslisten", "Venstre", "Socialdemokratiet"} <= set(result.parties)
    for d in result.decisions:
        assert d.camps and d.date == dt.date(2022, 5, 23)
    for a, b, same, both in result.same:
        assert 0 <= same <= both and a < b
    none = rg.party_agreement(date_to=dt.date(2000, 1, 1))
    assert not none.decisions and not none.same


# --- 5. search finds people ------------------------------------------------------------


def test_a_name_finds_the_person_and_a_party_name_the_party(rg) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: searching "André Amingsø" offered no way to his person page."""
    (first, *_) = rg.people_matching("André Amingsø")
    assert first.iri == f"{BALLERUP}/person/andre-amingsoe"
    assert any(getattr(p, "letter", None) == "A" for p in rg.people_matching("Socialdemokratiet"))
    assert rg.people_matching("budgetopfølgning") == []


def test_a_party_vote_reaches_its_present_members_only_without_doubt() -> None:
    """Seed 000 with item 1's decision saying how two parties voted: Ø's vote goes
    to Saime B. Inanc (Ø), present, marked derived; A's does not reach its members
    because one of them is named with a position of her own."""
    from rdflib import URIRef

    from raadsgraf.graph.build import document_graph
    from raadsgraf.graph.vocab import RG

    text = seed_file("000").read_text(encoding="utf-8")
    text = text.replace(
        "## Beslutning\n\nTaget til efterretning\n",
        "## Beslutning\n\nGodkendt.\n\nØ stemte imod. A stemte for. "
        "Maria Lundahl Assov (A) tog forbehold.\n",
        1,
    )
    doc = parse_bytes(text.encode(), "000.txt")
    g = document_graph(doc, "https://raadsgraf.dk/graph/kilde/test")
    derived = {
        (str(g.value(p, RG.heldBy)).rsplit("/", 1)[1], str(g.value(p, RG.stance)).rsplit("/", 1)[1])
        for p in g.subjects(RG.propagatedFrom, None)
    }
    assert derived == {("saime-b-inanc", "imod")}
    (node,) = g.subjects(RG.propagatedFrom, None)
    assert str(g.value(node, RG.side)).endswith("/mindretal")
    assert isinstance(g.value(node, RG.propagatedFrom), URIRef)
