"""Case (journal) numbers. KLE journal numbers such as ``00.22.04-I00-5-21``
split into subject notation, action facet and serial; other systems' numbers
(``24-012144``, ``EMN-2018-01605``, ``21-014454K``) are kept as they are."""

from __future__ import annotations

import re

from raadsgraf.model import KLE

#: subject (2 or 3 two-digit levels) - facet (letter or digit + two digits) - serial
_KLE = re.compile(r"^(\d{2}\.\d{2}(?:\.\d{2})?)-([A-ZÆØÅ0-9]\d{2})-(\d+(?:-\d+)*)$")

_CASE_PATTERNS = [
    _KLE.pattern.strip("^$"),
    r"[A-ZÆØÅ]{2,5}-\d{4}-\d{3,6}",  # EMN-2018-01605 (Gentofte, SBSYS-style)
    r"\d{2}-\d{4,6}[A-Z]?",  # 24-012144, 21-014454K (FirstAgenda portals)
    r"\d{4}-\d{4,6}",  # 2023-012345
    r"\d{2}/\d{3,6}",  # 13/12345 (Acadre)
]
CASE_NUMBER = re.compile(r"(?<![\w.-])(?:" + "|".join(_CASE_PATTERNS) + r")(?![\w-])")
_LABELLED = re.compile(
    r"(?:sags\s*-?\s*id|sagsnr\.?|sagsnummer|j\.\s*nr\.?|journalnummer|jour\.?\s*nr\.?)"
    r"\s*:?\s*(\S+)",
    re.IGNORECASE,
)


def split_kle(case_number: str) -> KLE | None:
    m = _KLE.match(case_number.strip())
    return KLE(subject=m[1], facet=m[2], serial=m[3]) if m else None


def is_case_number(text: str) -> bool:
    """True when ``text`` (a whole line) is one case number and nothing else."""
    return CASE_NUMBER.fullmatch(text.strip()) is not None


def find_case_number(text: str) -> str | None:
    """A labelled case number ("Sags ID: EMN-2018-01605"), else a KLE number."""
    m = _LABELLED.search(text)
    if m and CASE_NUMBER.fullmatch(m[1].rstrip(".,;")):
        return m[1].rstrip(".,;")
    for m2 in CASE_NUMBER.finditer(text):
        if split_kle(m2[0]):
            return m2[0]
    return None
