"""Named members' own positions in a decision text.

Danish minutes record a minority or a different recommendation inside the
decision: "Maria Lundahl Assov (A), Per Mortensen (A), og Johan Müller (A)
anbefaler en klimamålsætning på 87 pct." — a list of names with party letters,
then a verb of stance. Each such sentence becomes a position held by those
people; the people get the same IRIs as in attendee lists (name + municipality).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# a name word: "Lundahl", "Frimodt-Møller", or an initial "B."
_WORD = r"[A-ZÆØÅ](?:[^\W\d_]|-)+|[A-ZÆØÅ]\."
_NAME = rf"(?:{_WORD})(?:\s+(?:{_WORD}))*\s*\([A-ZÆØÅ]{{1,2}}\)"
_STANCE = (
    r"anbefaler|anbefalede|stemmer imod|stemte imod|stemmer for|stemte for|kan ikke|"
    r"tager forbehold|tog forbehold|ønsker|ønskede|foreslår|foreslog|undlader|undlod|"
    r"er imod|var imod|tilslutter sig ikke"
)
_POSITION = re.compile(
    rf"(?P<names>{_NAME}(?:\s*,\s*(?:og\s+)?{_NAME}|\s+og\s+{_NAME})*)\s*,?\s+(?P<verb>{_STANCE})\b"
    r"[^.]*\.?"
)
_ONE = re.compile(rf"(?P<name>(?:{_WORD})(?:\s+(?:{_WORD}))*)\s*\((?P<party>[A-ZÆØÅ]{{1,2}})\)")


@dataclass(frozen=True, slots=True)
class Position:
    text: str
    stance: str
    people: tuple[tuple[str, str], ...]  # (name, party letter)


def find_positions(text: str) -> list[Position]:
    flat = " ".join(text.split())
    out = []
    for m in _POSITION.finditer(flat):
        people = tuple((p["name"], p["party"]) for p in _ONE.finditer(m["names"]))
        out.append(Position(m.group(0).strip(), m["verb"].lower(), people))
    return out
