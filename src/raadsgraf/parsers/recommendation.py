"""The indstilling (recommendation): who recommends, and its points.

Written as "Administrationen indstiller, at …", "Center for Teknik & Miljø
indstiller,\n1. at …\n2. at …" (Greve), "Det indstilles: At 1) … At 2) …"
(Aarhus) or "Direktøren indstiller, at: - …".
"""

from __future__ import annotations

import itertools
import re

from raadsgraf.model import Recommendation

_BY = re.compile(r"^\s*(?P<by>[^.\n:]{2,120}?)\s+indstille[rs]?\b", re.IGNORECASE)
#: "1. at …", "1) …", "At 1) …", "- at …", "• …" at a line start.
_POINT_START = re.compile(
    r"^\s*(?:at\s+\d+\s*[).:]|\d+\s*[.)]|[-•–*]\s+)\s*", re.IGNORECASE | re.MULTILINE
)
#: "At 1) …  At 2) …" run together on one line.
_INLINE_POINTS = re.compile(r"\bat\s+\d+\s*\)\s*", re.IGNORECASE)


def parse_recommendation(text: str) -> Recommendation:
    text = text.strip()
    by = None
    m = _BY.match(text)
    if m and not m["by"].lower().startswith(("det", "der")) and len(m["by"].split()) <= 12:
        by = " ".join(m["by"].split())
    return Recommendation(text=text, by=by, points=_points(text))


def _points(text: str) -> tuple[str, ...]:
    inline = _INLINE_POINTS.split(text)
    if len(inline) > 2:
        return tuple(_clean(p) for p in inline[1:] if _clean(p))
    starts = list(_POINT_START.finditer(text))
    if starts:
        pieces = [text[a.end() : b.start()] for a, b in itertools.pairwise(starts)]
        pieces.append(text[starts[-1].end() :])
        return tuple(_clean(p) for p in pieces if _clean(p))
    if re.match(r"^at\s", text, re.I):  # the bare point: "At punktet drøftes."
        return (_clean(text),)
    # One unnumbered point: "… indstiller, at Byrådet godkender …"
    m = re.search(r"indstille[rs]?\s*,?\s*(?:over for \S+\s*,?\s*)?(\bat\b.*)", text, re.I | re.S)
    return (_clean(m[1]),) if m else ()


def _clean(s: str) -> str:
    return " ".join(s.split()).strip(" ,;")
