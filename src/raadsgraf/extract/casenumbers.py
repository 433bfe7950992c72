"""Case (journal) numbers. KLE journal numbers such as ``00.22.04-I00-5-21``
split into subject notation, action facet and serial; other systems' numbers
are kept as they are:

==========================  =================================================
``00.22.04-I00-5-21``       KLE-based (Ballerup, Acadre, many ESDH systems)
``24-012144``, ``21-014454K``  two-digit year - serial (FirstAgenda portals)
``2011-29298``              four-digit year - serial (eDoc, SBSYS)
``EMN-2025-000517``         prefix - year - serial (Aarhus, Gentofte)
``SAG-2021-00123``,
``SAG-123456``              prefix - serial
``13/12345``, ``2019/123456``  year / serial (Acadre)
==========================  =================================================

A number is never a date (``06-09-2022``, ``2023-10-12``), a year range
(``2024-2029``), a month and year (``12-2023``), an amount, a phone number
(``43 21 12 34``) or a CPR number (``010190-1234``): the patterns are anchored
on both sides, and the year-like ones are checked.
"""

from __future__ import annotations

import re

from raadsgraf.model import KLE

#: subject (2 or 3 two-digit levels) - facet (letter or digit + two digits) - serial
_KLE = re.compile(r"^(\d{2}\.\d{2}(?:\.\d{2})?)-([A-ZÆØÅ0-9]\d{2})-(\d+(?:-\d+)*)$")

_CASE_PATTERNS = [
    _KLE.pattern.strip("^$"),
    r"[A-ZÆØÅ]{2,5}-\d{4}-\d{3,7}",  # EMN-2018-01605 (Aarhus, Gentofte), SAG-2021-00123
    r"[A-ZÆØÅ]{3,5}-\d{5,8}",  # SAG-123456
    r"\d{2}-\d{4,6}[A-Z]?",  # 24-012144, 21-014454K (FirstAgenda portals)
    r"(?:19|20)\d{2}-\d{4,7}",  # 2011-29298, 2023-012345 (eDoc, SBSYS)
    r"\d{2}/\d{3,6}",  # 13/12345 (Acadre)
    r"(?:19|20)\d{2}/\d{4,7}",  # 2019/123456
]
CASE_NUMBER = re.compile(r"(?<![\w.,/-])(?:" + "|".join(_CASE_PATTERNS) + r")(?![\w/-]|[.,]\d)")
#: what the patterns above would also take: a year range, a month and year
_NOT_A_NUMBER = re.compile(
    r"^(?:(?:19|20)\d{2}[-/](?:19|20)\d{2}"  # 2024-2029, 2019/2020
    r"|(?:0?[1-9]|1[0-2])[-/](?:19|20)\d{2})$"  # 12-2023, 06/2024
)
_LABELLED = re.compile(
    r"(?:sags\s*-?\s*id|sagsnr\.?|sag\s+nr\.?|sagsnummer|j\.\s*nr\.?|journalnummer|journalnr\.?"
    r"|jour\.?\s*nr\.?)"
    r"\s*:?\s*(\S+)",
    re.IGNORECASE,
)


def split_kle(case_number: str) -> KLE | None:
    m = _KLE.match(case_number.strip())
    return KLE(subject=m[1], facet=m[2], serial=m[3]) if m else None


def _plausible(number: str) -> bool:
    return _NOT_A_NUMBER.match(number) is None


def is_case_number(text: str) -> bool:
    """True when ``text`` (a whole line) is one case number and nothing else."""
    text = text.strip()
    return CASE_NUMBER.fullmatch(text) is not None and _plausible(text)


def find_case_number(text: str) -> str | None:
    """A labelled case number ("Sags ID: EMN-2018-01605", "J.nr. 2011-29298"),
    else a KLE number anywhere (its shape is unmistakable)."""
    for m in _LABELLED.finditer(text):
        candidate = m[1].rstrip(".,;)")
        if is_case_number(candidate):
            return candidate
    for m2 in CASE_NUMBER.finditer(text):
        if split_kle(m2[0]):
            return m2[0]
    return None


#: "Udviklingsplan Aarhus Ø - endelig vedtagelse      EMN-2025-009242": a number
#: printed at the right margin of an item heading, after a gap or a separator
_TRAILING = re.compile(r"(?:\s{2,}|\t|\s+[|–-]\s+|\s+)(?P<number>\S+)\s*$")


def split_trailing_case_number(title: str) -> tuple[str, str | None]:
    """A heading line that ends in a case number → (title, number).

    Only the families that cannot be part of a title count here (a title may
    end in a year range or "2023-24"); the title must keep some words."""
    m = _TRAILING.search(title)
    if not m:
        return title, None
    number = m["number"].strip("()[]")
    rest = title[: m.start()].rstrip(" -–|:")
    shaped = split_kle(number) or re.fullmatch(
        r"[A-ZÆØÅ]{2,5}-\d{4,}(?:-\d+)?|\d{2}-\d{6}[A-Z]?", number
    )
    if shaped and is_case_number(number) and len(rest.split()) >= 2:
        return rest, number
    return title, None
