"""Procedural agenda items ("boilerplate"): godkendelse af dagsorden, eventuelt,
meddelelser, underskriftsark, gensidig orientering …

They are on nearly every agenda, say nothing about a subject, and, being
short, sit close to any query in embedding space: left alone they fill result
lists and "Lignende punkter". Which titles are procedural is decided from data,
not from a list of words: a title is procedural when, normalised
(:func:`title_key`), it is the title of items

* in at least :data:`MIN_MUNICIPALITIES` municipalities (different councils
  with different case systems name the same item the same way only when it is
  a fixture of the meeting), or
* in at least :data:`MIN_MEETING_SHARE` of the meetings of one committee,
  and in at least 2 of them (it is on most of its agendas).

A real case never qualifies: its title names its subject and year ("Budget
2025-28 - orientering og drøftelse" is one title in one budget round; treated
by nine committees it is still one municipality and one meeting per
committee). The rule is applied twice: to the reference data (all of Greve and
the samples; ``bench/boilerplate.py`` writes the titles it yields to
``boilerplate.json`` beside this module, with their counts), and at search time
to the store's own items, so a new municipality's fixtures are found once a few
of its meetings are in. In a store the title must recur at :data:`STORE_MIN_MEETINGS`
meetings: a committee that treated one case at two of its few meetings must not
lose it (the reference list was reviewed by hand; bench/README.md lists it).

Variants of a procedural title ("Orientering fra formanden og gensidig
orientering", "Gensidig orientering") are procedural too: a title made only of
the words of procedural titles (stop words aside) is one (:func:`is_procedural`).
A title with one word of its own ("Orientering om hjemløsetælling") is not.

A query that names a procedural title (all its words, e.g. "godkendelse af
referat") still finds those items: :func:`asks_for`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from raadsgraf.index.sparse import STOPWORDS

MIN_MUNICIPALITIES = 2
MIN_MEETING_SHARE = 0.5
MIN_MEETINGS = 2
STORE_MIN_MEETINGS = 3
REFERENCE = Path(__file__).with_name("boilerplate.json")

_PREFIX = re.compile(r"^\s*(?:lukket|åben|aaben|fortroligt?)\s*[:\-–]?\s*", re.IGNORECASE)
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[^\wæøå]+|_")


def title_key(title: str) -> str:
    """The title as a comparable key: lower case, without "Lukket:" prefixes (repeated:
    "Lukket: LUKKET Meddelelser"), parenthesised notes ("(B)", "(underskriftside)"),
    punctuation and the ordinal a title may carry ("Punkt 2")."""
    t = title.strip()
    while True:
        stripped = _PREFIX.sub("", t)
        if stripped == t:
            break
        t = stripped
    t = _PAREN.sub(" ", t.lower())
    t = re.sub(r"^punkt\s+\d+\s*[:.]?", " ", t)
    return " ".join(_NON_WORD.sub(" ", t).split())


def procedural_titles(
    items: Iterable[tuple[str | None, str | None, str, str]],
    min_meetings: int = MIN_MEETINGS,
) -> dict[str, dict[str, int]]:
    """Title key → evidence, for the titles the rule calls procedural.

    ``items``: (municipality, committee, meeting key, title) per agenda item;
    ``min_meetings``: how many of one committee's meetings the title must be on.
    """
    municipalities: dict[str, set[str]] = defaultdict(set)
    meetings_of: dict[str, set[str]] = defaultdict(set)  # committee → its meetings
    title_meetings: dict[tuple[str, str], set[str]] = defaultdict(set)  # (title, committee)
    for municipality, committee, meeting, title in items:
        key = title_key(title)
        if not key:
            continue
        body = f"{municipality or '?'}/{committee or '?'}"
        municipalities[key].add(municipality or "?")
        meetings_of[body].add(meeting)
        title_meetings[(key, body)].add(meeting)
    found: dict[str, dict[str, int]] = {}
    for (key, body), meetings in title_meetings.items():
        total = len(meetings_of[body])
        share_ok = len(meetings) >= max(min_meetings, MIN_MEETING_SHARE * total)
        muni_ok = len(municipalities[key] - {"?"}) >= MIN_MUNICIPALITIES
        if share_ok or muni_ok:
            entry = found.setdefault(
                key, {"municipalities": len(municipalities[key]), "meetings": 0}
            )
            entry["meetings"] = max(entry["meetings"], len(meetings))
    return found


@cache
def reference_titles() -> frozenset[str]:
    """The procedural titles measured on the reference data (``boilerplate.json``)."""
    if not REFERENCE.is_file():
        return frozenset()
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return frozenset(data["titles"])


def vocabulary(titles: Iterable[str]) -> frozenset[str]:
    """The words procedural titles are made of (stop words aside)."""
    return frozenset(w for t in titles for w in t.split() if w not in STOPWORDS)


def is_procedural(key: str, titles: frozenset[str], words: frozenset[str]) -> bool:
    """A procedural title, or a variant made only of their words."""
    if key in titles:
        return True
    own = [w for w in key.split() if w not in STOPWORDS]
    return bool(own) and not any(w.isdigit() for w in own) and set(own) <= words


def asks_for(query: str, key: str) -> bool:
    """Does the query name this procedural title (all of its words)?"""
    wanted = set(title_key(query).split())
    return bool(key) and set(key.split()) <= wanted
