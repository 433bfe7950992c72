"""References to other treatments of the same matter, written as a line:

- "Kommunalbestyrelsen den 28. august 2023 Punkt 2"
- "Klima- og Miljøudvalgets møde den 14. juni 2022 Punkt 2"
- "Social- og Sundhedsudvalget den 2. marts 2021 Punkt 12: Drøftelse af hjemløse"
- "Sundheds- og Ældreudvalget 13-09-2022 Punkt 15"
- "Beslutning truffet af Socialudvalget d. 06-09-2022"
- "10-01-2022 Beskæftigelses- og Erhvervsudvalget 2022" (date first, FirstAgenda)
"""

from __future__ import annotations

import re

from raadsgraf.extract.dates import find_dates
from raadsgraf.model import Reference, ReferenceKind

_ITEM = re.compile(
    r"\b(?:punkt|pkt\.?|dagsordenspunkt|sag\s+nr\.?)\s*(\d{1,3})\b\s*[:.,-]?\s*", re.I
)
_LEAD = re.compile(
    r"^(?:beslutning\s+truffet\s+af|behandlet\s+(?:i|af)|behandling\s+i|møde\s+i|på)\s+", re.I
)
_TAIL = re.compile(r"(?:s?\s+møde|,)?\s*(?:den|d\.|på|i|fra)?\s*$", re.I)


def clean_body(text: str) -> str | None:
    """ "Klima- og Miljøudvalgets møde den" → "Klima- og Miljøudvalget"."""
    text = " ".join(text.split()).strip(" ,:;-–")
    text = _LEAD.sub("", text)
    # "Økonomiudvalget (slettet 10-01-2022)": FirstAgenda's note that the body of an
    # earlier term was closed, not part of its name
    text = re.sub(r"\s*\((?:slettet|nedlagt|ophørt)\b[^)]*\)", "", text, flags=re.I)
    text = re.sub(r"\s+(?:den|d\.?)$", "", text, flags=re.I).strip(" ,.:;-–")
    if re.search(r"s\s+møde$", text, re.I):
        text = re.sub(r"s\s+møde$", "", text, flags=re.I)
    text = re.sub(r"\s+møde$", "", text, flags=re.I)
    text = text.strip(" ,.:;-–")
    if not text or not re.search(r"[A-Za-zÆØÅæøå]{3}", text):
        return None
    return text


def parse_reference(line: str, kind: ReferenceKind) -> Reference | None:
    """A Reference from one line (or joined paragraph); None when it has no date."""
    raw = " ".join(line.split())
    dates = find_dates(raw)
    if not dates:
        return None
    date, start, end = dates[0]
    before, after = raw[:start], raw[end:]
    item_number = item_title = None
    m = _ITEM.search(after)
    if m:
        item_number = int(m[1])
        rest = after[m.end() :].strip()
        item_title = rest.rstrip(" .") or None
        after_body = after[: m.start()]
    else:
        after_body = after
    body = clean_body(before)
    if body is None:
        # date first ("10-01-2022 Økonomiudvalget 2022"): the body follows the date
        body = clean_body(re.sub(r"\s+\d{4}(?:\s*-\s*\d{4})?\s*$", "", after_body))
        if body is not None and item_number is None:
            item_title = None
    return Reference(
        kind=kind,
        raw=raw,
        body=body,
        date=date,
        item_number=item_number,
        item_title=item_title,
    )
