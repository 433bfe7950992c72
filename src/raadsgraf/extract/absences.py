"""Members absent from one agenda item, in the many ways minutes say it.

- a labelled line: "Afbud: Per Lund Sørensen, Conni Bergendorff",
  "Fraværende: …", "Ikke til stede: …", "Deltog ikke: …", "Inhabil: …";
- "Følgende deltog ikke i behandlingen af punktet:" with the names after the
  colon or on the lines below (or none: then nobody);
- a sentence: "Liv Gro Jensen deltog ikke i sagens behandling",
  "… deltog ikke i behandlingen", "X var inhabil og deltog ikke …",
  "X var forhindret i at deltage", "X havde meldt afbud", "X var fraværende";
- "X forlod mødet under punkt 7" / "efter punkt 7": absent from the rest of
  the meeting (:func:`departures`, applied by the parser to the later items).

Only the text the caller passes is read: a decision, an item's attendance
lines, a treatment in the case history. A case presentation that tells how
another body's members left *their* meeting is not an absence from this item,
so parsers never pass it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from raadsgraf.extract.people import parse_person
from raadsgraf.model import AgendaItem, Attendance, AttendanceStatus

_WORD = r"(?:[A-ZÆØÅ]\.|[A-ZÆØÅ][\wæøåéüö'’-]*)"  # "Hans-Jørgen", an initial "T."
_NAME = rf"{_WORD}(?:\s+(?:{_WORD}|von|van|de|la))*(?:\s*\([^()]{{1,40}}\))?"
_NAMES = rf"{_NAME}(?:\s*(?:,|\bog\b|\bsamt\b)\s*{_NAME})*"
_START = r"(?:^|(?<=[.!?:;]\s)|(?<=\n))\s*"

_LABEL = re.compile(
    r"(?:^|(?<=[.!?]\s))\W*(afbud|fraværende|fravær|ikke til stede|ikke mødt|deltog ikke|inhabil|forfald)\W*:\s*(.*)$",
    re.I | re.M,
)
#: "Følgende deltog ikke i behandlingen af punktet:" (names follow, maybe none)
FOLLOWING_ABSENT = re.compile(
    r"^\W*følgende(?:\s+medlemmer)?\s+(?:deltog\s+ikke|var\s+(?:inhabile?|fraværende))"
    r"[^:\n]*:[ \t]*(?P<rest>.*)$",
    re.I | re.M,
)
_SENTENCE = re.compile(
    _START + rf"(?P<names>{_NAMES})\s+"
    r"(?P<what>var\s+inhabile?|erklærede\s+sig\s+inhabile?|deltog\s+ikke\s+i\s+"
    r"(?:sagens\s+|punktets\s+|dette\s+punkts\s+)?(?:behandling(?:en)?|drøftelsen|beslutningen)"
    r"|var\s+forhindret\s+i\s+at\s+deltage|havde\s+meldt\s+afbud|var\s+fraværende)\b"
)
_LEFT = re.compile(
    _START + rf"(?P<names>{_NAMES})\s+forlod\s+mødet\b[^.\n]*?\b(?P<when>under|efter|før|inden)\s+"
    r"(?:(?:behandlingen\s+af\s+)?(?:dagsordens)?punkt(?:et)?|pkt\.?)\s*(?P<number>\d{1,3})\b",
    re.I,
)
#: words that open a sentence but name no one
_NOT_NAMES = {"udvalget", "byrådet", "følgende", "sagen", "punktet", "forvaltningen", "der"}


def _reason(what: str) -> str:
    what = what.lower()
    if "inhabil" in what:
        return "inhabil"
    if "afbud" in what:
        return "afbud"
    if "fravær" in what or "forhindret" in what:
        return "fraværende"
    return "deltog ikke"


def _people(names: str, reason: str) -> list[Attendance]:
    out = []
    for chunk in re.split(r"\s*(?:,|;|\bog\b|\bsamt\b)\s*(?![^()]*\))", names):
        person, own = parse_person(chunk)
        words = person.name.split()
        if len(words) < 2 or len(words) > 5 or words[0].lower() in _NOT_NAMES:
            continue
        if not all(w[:1].isupper() or w in {"von", "van", "de", "la"} for w in words):
            continue
        out.append(Attendance(person, AttendanceStatus.ABSENT, own or reason))
    return out


def item_absences(text: str) -> tuple[Attendance, ...]:
    """Everyone ``text`` names as not taking part in the item, each once."""
    found: list[Attendance] = []
    for m in _LABEL.finditer(text):
        label = m[1].lower()
        reason = "fraværende" if label.startswith("fravær") else label
        found += _people(m[2].rstrip(". "), reason)
    for m in FOLLOWING_ABSENT.finditer(text):
        rest = m["rest"].strip()
        if not rest:  # the names on the lines below, up to a blank line
            below = text[m.end() :].lstrip("\n").split("\n\n", 1)[0]
            rest = " ".join(below.split()) if re.fullmatch(_NAMES, " ".join(below.split())) else ""
        found += _people(rest.rstrip(". "), _reason(m[0]))
    for m in _SENTENCE.finditer(text):
        found += _people(m["names"], _reason(m["what"]))
    seen: set[str] = set()
    out = []
    for a in found:
        if a.person.name not in seen:
            seen.add(a.person.name)
            out.append(a)
    return tuple(out)


def departures(text: str) -> list[tuple[Attendance, int, bool]]:
    """(absence, item number, inclusive) for each "X forlod mødet under/efter
    punkt N": absent from item N on ("under") or from the items after it."""
    out = []
    for m in _LEFT.finditer(text):
        inclusive = m["when"].lower() in {"under", "før", "inden"}
        for a in _people(m["names"], "forlod mødet"):
            out.append((a, int(m["number"]), inclusive))
    return out


def with_departures(items: Sequence[AgendaItem]) -> tuple[AgendaItem, ...]:
    """Items with the absences of members who left the meeting: "X forlod
    mødet under punkt 7" in any item's decision marks X absent from item 7 on."""
    left: list[tuple[Attendance, int, bool]] = []
    for item in items:
        if item.decision:
            left += departures(item.decision.raw)
    if not left:
        return tuple(items)
    out = []
    for item in items:
        names = {a.person.name for a in item.attendance}
        extra = [
            a
            for a, number, inclusive in left
            if (item.number > number or (inclusive and item.number == number))
            and a.person.name not in names
        ]
        out.append(replace(item, attendance=item.attendance + tuple(extra)) if extra else item)
    return tuple(out)
