"""Party letters → party names, per municipality and election period.

Danish ballots give each national party a letter (A Socialdemokratiet, V Venstre
…); minutes write "(A)" or "A og V stemte imod". Some municipalities use their
own abbreviations: Aarhus writes S, KF, EL, RV, SF … (its council's published
composition, ``shared/corpus/aarhus/aarhus-byraad-2026-2029-composition.yaml``).
A local list is used for its municipality (its own period first, then any of
its periods); every other letter is read from the national list.
"""

from __future__ import annotations

from dataclasses import dataclass

#: National ballot letters (valgbogstaver), as of the 2021 and 2025 local elections.
NATIONAL: dict[str, str] = {
    "A": "Socialdemokratiet", "B": "Radikale Venstre", "C": "Det Konservative Folkeparti",
    "D": "Nye Borgerlige", "F": "SF – Socialistisk Folkeparti", "I": "Liberal Alliance",
    "K": "Kristendemokraterne", "M": "Moderaterne", "O": "Dansk Folkeparti", "V": "Venstre",
    "Æ": "Danmarksdemokraterne", "Ø": "Enhedslisten", "Å": "Alternativet",
    "H": "Borgernes Parti", "G": "Veganerpartiet",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class LocalList:
    """A municipality's own party abbreviations for an election period."""

    municipality: str
    first_year: int
    last_year: int
    names: dict[str, str]


LOCAL: tuple[LocalList, ...] = (
    LocalList(
        "Aarhus Kommune", 2026, 2029,
        {
            "ALT": "Alternativet", "DD": "Danmarksdemokraterne", "DF": "Dansk Folkeparti",
            "KF": "Det Konservative Folkeparti", "EL": "Enhedslisten", "KD": "Kristendemokraterne",
            "LA": "Liberal Alliance", "M": "Moderaterne", "NB": "Nye Borgerlige",
            "RV": "Radikale Venstre", "S": "Socialdemokratiet", "SF": "SF – Socialistisk Folkeparti",
            "V": "Venstre", "UFP": "Uden for parti",
        },
    ),
)  # fmt: skip

#: Independents as the minutes write them: kept as their own "party".
INDEPENDENT = {"løsgænger": "Løsgænger", "uden for parti": "Uden for parti"}


def party_name(letter: str, municipality: str | None = None, year: int | None = None) -> str | None:
    """The party a letter stands for in ``municipality`` in ``year``; None when unknown."""
    key = letter.strip().strip("()")
    if key.lower() in INDEPENDENT:
        return INDEPENDENT[key.lower()]
    key = key.upper()
    if municipality:
        mine = [lst for lst in LOCAL if lst.municipality == municipality]
        mine.sort(key=lambda lst: not (year and lst.first_year <= year <= lst.last_year))
        for lst in mine:
            if key in lst.names:
                return lst.names[key]
    return NATIONAL.get(key)
