"""What a policy is about, from its title: the rule that links policies to agenda items.

A policy title ("Ballerups Kommunes boligsociale strategi 2024-2029") and an
agenda item title ("Boligsocial strategi 2024-2029: Præsentation af høringsvar")
name the same matter when the item's words contain every content word of the
policy's topic (Danish Snowball stems, so "boligsociale" = "boligsocial") and any
years the item names overlap the policy's period. The municipality's own name and
function words are not content. No list of known policies is involved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_STOP = frozenset(
    [
        "og",
        "i",
        "for",
        "af",
        "til",
        "om",
        "på",
        "med",
        "den",
        "det",
        "de",
        "en",
        "et",
        "som",
        "der",
        "er",
        "fra",
        "ny",
        "nye",
        "nyt",
        "vores",
        "kommune",
        "kommunes",
        "kommunens",
        "region",
        "regionens",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("danish")


def stems(text: str, *, exclude: str = "") -> frozenset[str]:
    """Content-word stems of ``text``, without those of ``exclude`` (a place name)."""
    excluded = {w.lower() for w in _WORD.findall(exclude)}
    excluded |= {w + "s" for w in excluded}
    words = [
        w.lower()
        for w in _WORD.findall(text)
        if len(w) > 1 and w.lower() not in _STOP and w.lower() not in excluded
    ]
    return frozenset(_stemmer().stemWords(words))


def years(text: str) -> frozenset[int]:
    return frozenset(int(y) for y in _YEAR.findall(text))


@dataclass(frozen=True, slots=True)
class Topic:
    """A policy's topic: its content stems, readable words and period."""

    stems: frozenset[str]
    words: tuple[str, ...]
    period: tuple[int, int] | None


def topic(title: str, municipality: str = "", period: tuple[int, int] | None = None) -> Topic:
    excluded = {w.lower() for w in _WORD.findall(municipality)}
    excluded |= {w + "s" for w in excluded}
    words = tuple(
        w.lower()
        for w in _WORD.findall(title)
        if len(w) > 1 and w.lower() not in _STOP and w.lower() not in excluded
    )
    if period is None:
        found = sorted(years(title))
        period = (found[0], found[-1]) if found else None
    return Topic(stems(title, exclude=municipality), words, period)


def topic_label(t: Topic) -> str:
    """Readable topic from the stems' source words: ``"boligsociale strategi"``."""
    return " ".join(t.words)


def topic_key(t: Topic) -> str:
    """The topic as sorted stems, stable across inflections: ``"boligsocial strategi"``."""
    return " ".join(sorted(t.stems))


def matches(policy: Topic, item_title: str) -> bool:
    """Does an agenda item with this title treat the policy?"""
    if not policy.stems:
        return False
    if not policy.stems <= stems(item_title):
        return False
    named = years(item_title)
    if len(policy.stems) < 2 and not (named and policy.period):
        return False  # one word ("Strategi") is too weak a match without a shared period
    if named and policy.period:
        start, end = policy.period
        return any(start <= y <= end for y in named)
    return True
