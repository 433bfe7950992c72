"""People in attendee lists: "Maria Lundahl Assov (A)", "Johan Müller (A)
(1. viceborgmester)", "Kate Svarrer (Løsgænger)", "Eva Borg (centerchef for
Voksne og Sundhed)", "Katarina Ammitzbøll (afbud)".

A parenthesis holding one or two capital letters is a party letter; one naming
an absence ("Afbud", "Fraværende") is the reason; "Løsgænger" (independent) is
kept as the party; anything else is a role. A role written after the name
("Navn (A) - formand", "Navn (A), formand", "Navn deltog som referent",
"Navn fra administrationen") or before it ("Formand: Navn (A)") is split off.

Every attendee is classified (:func:`classify`): an elected member (a party, or
a political role: formand, borgmester, rådmand, stedfortræder …) or an official
(a staff role: direktør, chef, sekretær, referent, konsulent, "deltog som …").
Someone a body's attendee list names without party or role is taken as one of
its members: committee minutes list their officials with a title.
"""

from __future__ import annotations

import dataclasses
import re

from raadsgraf.model import Attendance, AttendanceStatus, Person, PersonKind

_PARENS = re.compile(r"\(([^()]*)\)")
_PARTY = re.compile(r"^[A-ZÆØÅ]{1,2}$")
INDEPENDENT = {"løsgænger", "uden for parti", "udenfor parti", "uden for partierne"}
ABSENCE_WORDS = {"afbud", "fraværende", "fravær", "syg", "inhabil", "forfald", "deltog ikke"}


#: Roles of elected members (and their substitutes).
POLITICAL_ROLE = re.compile(
    r"(?:^|\b|vice|næst)(?:borgmester|formand|forkvinde|rådmand|rådkvinde|medlem|stedfortræder"
    r"|suppleant|menigt\s+medlem|gruppeformand|politiker)",
    re.I,
)
#: Roles of staff: "direktør", "centerchef", "sekretær", "referent", "SSP-konsulent" …
OFFICIAL_ROLE = re.compile(
    r"direktør|chef|sekretær|referent|konsulent|leder\b|fuldmægtig|medarbejder|rådgiver"
    r"|jurist|koordinator|forstander|sagsbehandler|specialist|økonom\b|controller|planlægger"
    r"|administration|forvaltning|protokolfører|embedsm|tilforordnet|deltog\s+som|deltager\s+som"
    r"|fra\s+center|fra\s+afdeling|ansat|analytiker|arkitekt|ingeniør|projektleder",
    re.I,
)
#: A role after the name: "Navn - formand", "Navn – næstformand".
_ROLE_AFTER_DASH = re.compile(r"\s+[-–—]\s*(?P<role>[^-–—]+)$")
#: "Navn, formand", "Navn, 1. viceborgmester" (a role word, never a second name).
_ROLE_AFTER_COMMA = re.compile(r",\s*(?P<role>(?:\d\.\s*)?[a-zæøå].*)$")
#: "Navn deltog som referent", "Navn fra administrationen".
_ROLE_IN_WORDS = re.compile(
    r"\s+(?P<role>(?:deltog|deltager)\s+som\s+.+|fra\s+(?:administrationen|forvaltningen).*)$",
    re.I,
)
#: "Formand: Navn (A)", "Næstformand - Navn".
_ROLE_WORD = (
    r"(?:\d\.\s*)?(?:vice|næst)?(?:borgmester|formand|rådmand|sekretær|referent"
    r"|direktør|medlem(?:mer)?)"
)
_ROLE_BEFORE = re.compile(rf"^(?P<role>{_ROLE_WORD})\s*[:\-–]\s*(?P<rest>\S.*)$", re.I)


def classify(party: str | None, role: str | None) -> PersonKind:
    """Elected member or official, from the party letter and the role as written."""
    if party:
        return PersonKind.MEMBER
    if role and OFFICIAL_ROLE.search(role) and not POLITICAL_ROLE.search(role):
        return PersonKind.OFFICIAL
    return PersonKind.MEMBER


def classified(person: Person) -> Person:
    """``person`` with its :class:`PersonKind` (after a parser set party or role)."""
    return dataclasses.replace(person, kind=classify(person.party, person.role))


def is_role(text: str) -> bool:
    """Is ``text`` a role rather than a name ("formand", "1. viceborgmester")?"""
    text = text.strip(" .")
    return bool(text) and (
        text[0].islower() or text[0].isdigit() or bool(re.fullmatch(_ROLE_WORD, text, re.I))
    )


def parse_person(text: str) -> tuple[Person, str | None]:
    """A person and, when the text says so, their absence reason (lower-case)."""
    roles: list[str] = []
    text = " ".join(text.split())
    if before := _ROLE_BEFORE.match(text):
        roles.append(before["role"])
        text = before["rest"]
    parts = [p.strip() for p in _PARENS.findall(text)]
    name = " ".join(_PARENS.sub(" ", text).split()).strip(" ,.;:")
    for pattern in (_ROLE_IN_WORDS, _ROLE_AFTER_DASH, _ROLE_AFTER_COMMA):
        if (m := pattern.search(name)) and (pattern is not _ROLE_AFTER_DASH or is_role(m["role"])):
            roles.append(m["role"].strip(" ,.;:"))
            name = name[: m.start()].strip(" ,.;:-–—")
    party = role = reason = None
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
    roles = [r for r in roles if r]
    if roles:
        role = "; ".join(roles)
    return Person(name=name, party=party, role=role, kind=classify(party, role)), reason


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
        for name in re.split(r"\s+(?:og|samt)\s+(?![^()]*\))", piece):
            name = name.strip(" .")
            if names and is_role(name):  # "Navn (A), formand": the role of the name before
                names[-1] = f"{names[-1]}, {name}"
            elif name:
                names.append(name)
    return names


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
