"""People in attendee lists: "Maria Lundahl Assov (A)", "Johan Müller (A)
(1. viceborgmester)", "Kate Svarrer (Løsgænger)", "Eva Borg (centerchef for
Voksne og Sundhed)", "Katarina Ammitzbøll (afbud)".

A parenthesis holding one or two capital letters is a party letter; one naming
an absence ("Afbud", "Fraværende") is the reason; "Løsgænger" (independent) is
kept as the party; anything else is a role.
"""

from __future__ import annotations

import re

from raadsgraf.model import Attendance, AttendanceStatus, Person

_PARENS = re.compile(r"\(([^()]*)\)")
_PARTY = re.compile(r"^[A-ZÆØÅ]{1,2}$")
INDEPENDENT = {"løsgænger", "uden for parti", "udenfor parti", "uden for partierne"}
ABSENCE_WORDS = {"afbud", "fraværende", "fravær", "syg", "inhabil", "forfald", "deltog ikke"}


def parse_person(text: str) -> tuple[Person, str | None]:
    """A person and, when the text says so, their absence reason (lower-case)."""
    parts = [p.strip() for p in _PARENS.findall(text)]
    name = " ".join(_PARENS.sub(" ", text).split()).strip(" ,.;:")
    party = role = reason = None
    roles: list[str] = []
    for part in parts:
        low = part.lower()
        if _PARTY.match(part):
            party = part
        elif low in INDEPENDENT:
            party = part[0].upper() + part[1:]
        elif low in ABSENCE_WORDS or low.startswith(("afbud", "fravær")):
            reason = "fraværende" if low.startswith("fravær") else low
        elif part:
            roles.append(part)
    if roles:
        role = "; ".join(roles)
    return Person(name=name, party=party, role=role), reason


def split_names(text: str) -> list[str]:
    """Split a list of names on commas, semicolons and a final "og"/"samt", never
    inside parentheses; names set in columns without commas ("Jesper Mathiesen
    (A) Ole Bjerregaard (V)") split after a closing parenthesis."""
    text = " ".join(text.split())
    pieces: list[str] = []
    depth = 0
    current = ""
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        after_paren = ch == " " and current.endswith(")") and text[i + 1 : i + 2].isupper()
        if depth == 0 and (ch in ",;" or after_paren):
            pieces.append(current)
            current = ""
        else:
            current += ch
    pieces.append(current)
    names: list[str] = []
    for piece in pieces:
        # "Ole Lund Petersen og Jesper Dalhoff": split on " og "/" samt " outside parentheses
        names.extend(re.split(r"\s+(?:og|samt)\s+(?![^()]*\))", piece))
    return [n.strip(" .") for n in names if n.strip(" .")]


def parse_attendee_list(
    text: str, *, absent: bool = False, reason: str | None = None
) -> tuple[Attendance, ...]:
    """Attendances from a list of names. ``absent`` marks everyone as absent
    (a "Fraværende:" or "Afbud:" list) with ``reason`` unless a person's own
    parenthesis names one."""
    result = []
    for chunk in split_names(text):
        person, own_reason = parse_person(chunk)
        if not person.name:
            continue
        if own_reason or absent:
            result.append(Attendance(person, AttendanceStatus.ABSENT, own_reason or reason))
        else:
            result.append(Attendance(person, AttendanceStatus.PRESENT))
    return tuple(result)
