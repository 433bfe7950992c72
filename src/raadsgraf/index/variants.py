"""Query-side Danish variants for BM25: what a user types that the index spells
another way. Only words the index does not know are rewritten, and only into
terms it does know, so a query that already matches is scored as before and
the index itself is unchanged.

- æ, ø, å typed as ``ae``, ``oe``, ``aa`` ("hoeringssvar" → "høringssvar").
- A compound joined where the documents write its parts, or written in one
  where the documents hold it as parts: an unknown word is split into two known
  ones, allowing the linking -s-/-e- ("boligsocialstrategi" → "boligsocial" +
  "strategi"), and two neighbouring words are also tried as one ("bolig social"
  → "boligsocial").
- An identifier typed without its separators ("24012144" for "24-012144").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Mapping

#: æ/ø/å as typed on a keyboard without them.
_SPELLED = (("aa", "å"), ("ae", "æ"), ("oe", "ø"))
#: Shortest part a compound is split into; Danish compounds' parts are rarely shorter.
_MIN_PART = 4
#: Linking letters between the parts of a Danish compound (fugebogstaver).
_LINKS = ("s", "e")
_SEPARATORS = re.compile(r"[^0-9a-zæøå]")


def identifier_key(token: str) -> str:
    """An identifier without its separators: "24-012144" and "24012144" meet."""
    return _SEPARATORS.sub("", token.lower())


def identifier_keys(vocab: Collection[str]) -> dict[str, list[str]]:
    """Separator-free key → the index's identifier tokens (those with a digit and a separator)."""
    keys: dict[str, list[str]] = {}
    for token in vocab:
        # the regex first: it rejects a plain word at once (a query opens a 78k-term vocabulary)
        if _SEPARATORS.search(token) and any(c.isdigit() for c in token):
            keys.setdefault(identifier_key(token), []).append(token)
    return keys


def spelled_out(word: str) -> list[str]:
    """``word`` with each combination of its ae/oe/aa read as æ/ø/å (at most 8)."""
    spots = [(m.start(), new) for old, new in _SPELLED for m in re.finditer(old, word)]
    spots = sorted(spots)[:3]
    out = []
    for chosen in itertools.product((False, True), repeat=len(spots)):
        if not any(chosen):
            continue
        text, shift = word, 0
        last_end = -1
        for (pos, new), use in zip(spots, chosen, strict=True):
            if not use or pos < last_end:  # "aae": overlapping spellings, one at a time
                continue
            text = text[: pos + shift] + new + text[pos + shift + 2 :]
            shift -= 1
            last_end = pos + 2
        out.append(text)
    return out


def split_compound(
    word: str, known: Callable[[str], str | None], *, depth: int = 1
) -> list[str] | None:
    """Known terms ``word`` is a compound of (longest first part first), or None.

    ``known`` maps a word to its index term, or None when the index lacks it."""
    for i in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
        left, right = word[:i], word[i:]
        right_terms: list[str] | None
        term = known(right)
        if term is not None:
            right_terms = [term]
        elif depth > 0:
            right_terms = split_compound(right, known, depth=depth - 1)
        else:
            right_terms = None
        if right_terms is None:
            continue
        for head in (left, *(left[:-1] for link in _LINKS if left.endswith(link))):
            if len(head) >= _MIN_PART and (left_term := known(head)) is not None:
                return [left_term, *right_terms]
    return None


def variants(
    words: list[str],
    normalise: Callable[[str], str],
    vocab: Mapping[str, int],
    identifiers: Mapping[str, list[str]],
) -> list[str]:
    """Index terms for the query ``words`` (lower-cased, stop words removed) that
    their plain normalised forms miss."""

    def known(word: str) -> str | None:
        term = normalise(word)
        return term if term in vocab else None

    out: list[str] = []
    for word in words:
        if known(word) is not None:
            continue
        if word.isalpha():
            forms = [word, *spelled_out(word)]
            found = next((t for f in forms[1:] if (t := known(f)) is not None), None)
            if found is not None:
                out.append(found)
                continue
            for form in forms:
                parts = split_compound(form, known)
                if parts:
                    out.extend(parts)
                    break
        out.extend(identifiers.get(identifier_key(word), ()))
    for a, b in itertools.pairwise(words):
        if a.isalpha() and b.isalpha() and (joined := known(a + b)) is not None:
            out.append(joined)
    return out
