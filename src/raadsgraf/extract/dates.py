"""Danish dates and times as written in council records.

Handles "Tirsdag d. 07. november 2023", "den 9. august 2022", "3. okt. 2023",
"06-09-2022", "6/9-2022", "2023-11-07" and ISO timestamps. A date without a
year ("den 6. juni") is only read when the caller supplies ``default_year``.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4,
    "apr": 4, "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = r"(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)"

#: "7. november 2023", "d. 07. nov. 2023", "den 9 august 2022" (year optional).
_WORDY = re.compile(
    rf"\b(?:{_WEEKDAY}\s+)?(?:(?:d\.|den)\s*)?(\d{{1,2}})\.?\s+({_MONTH_ALT})\.?"
    rf"(?:,?\s+(\d{{4}}))?(?![\w-])",
    re.IGNORECASE,
)
#: "2023-11-07" (ISO, optionally a timestamp).
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?=\b|T)")
#: "06-09-2022", "6.9.2022", "6/9-2022", "06-09-22" is not accepted (ambiguous with case numbers).
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?![\d])")

_TIME = re.compile(r"\b(?:kl\.?\s*)?([01]?\d|2[0-3])[:.]([0-5]\d)\b", re.IGNORECASE)


def make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, default_year: int | None = None) -> list[tuple[dt.date, int, int]]:
    """Every date in ``text`` as ``(date, start, end)`` character offsets, in order."""
    found: list[tuple[dt.date, int, int]] = []
    taken: list[tuple[int, int]] = []

    def add(date: dt.date | None, start: int, end: int) -> None:
        if date is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append((date, start, end))

    for m in _ISO.finditer(text):
        add(make_date(int(m[1]), int(m[2]), int(m[3])), m.start(), m.end())
    for m in _NUMERIC.finditer(text):
        add(make_date(int(m[3]), int(m[2]), int(m[1])), m.start(), m.end())
    for m in _WORDY.finditer(text):
        year = int(m[3]) if m[3] else default_year
        if year is not None:
            add(make_date(year, MONTHS[m[2].lower()], int(m[1])), m.start(), m.end())
    return sorted(found, key=lambda f: f[1])


def parse_date(text: str, default_year: int | None = None) -> dt.date | None:
    """The first date in ``text``, or None."""
    dates = find_dates(text, default_year)
    return dates[0][0] if dates else None


def parse_time(text: str) -> dt.time | None:
    """The first clock time ("kl. 13:00", "17.00") in ``text``, or None.

    Dates are blanked first so that "07.11.2023" is not read as 07:11.
    """
    blanked = text
    for _, start, end in find_dates(text):
        blanked = blanked[:start] + " " * (end - start) + blanked[end:]
    m = _TIME.search(blanked)
    return dt.time(int(m[1]), int(m[2])) if m else None
