"""Snippets with the query's words marked, and the "exact-looking" query test.

A user who types a case number, a KLE number or a person's name wants the
items that contain exactly that, first; a topical query wants ranking. The
test is deliberately narrow: identifiers with digits and separators, or a
short run of capitalised words (a name).
"""

from __future__ import annotations

import re

from raadsgraf.index.sparse import STOPWORDS, word_normaliser
from raadsgraf.index.variants import identifier_key

MARK_OPEN, MARK_CLOSE = "**", "**"
SNIPPET_WORDS = 40

#: Case numbers (24-012144, EMN-2017-03467), KLE numbers (00.22.04-I00-5-21, 00.22.04).
_IDENTIFIER = re.compile(
    r"^(?:\d{2}\.\d{2}(?:\.\d{2})?(?:-[A-ZÆØÅ]\d{2})?(?:-\d+-\d+)?"
    r"|[A-ZÆØÅ]{0,5}-?\d{2,4}-\d{3,}(?:-\d+)?"
    r"|\d+(?:[.\-/]\w+){2,})$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[A-ZÆØÅ][a-zæøåéüöä'-]+\.?$|^[A-ZÆØÅ]\.$")
_SPACE = re.compile(r"\s+")
#: The word a user may put before a case number: "sag 24-012144", "j.nr. 24012144".
_CASE_WORD = re.compile(
    r"^(?:sag(?:s?nr|snummer)?|j\.?\s?nr|journal(?:nr|nummer)?)\.?:?\s+(?=\S*\d)", re.IGNORECASE
)
_SOURCE_MARKUP = re.compile(r"\*\*+|__+|^#+$")
_BARE = re.compile(r"^[A-ZÆØÅ]{0,5}\d+$", re.IGNORECASE)
_WORDS = re.compile(r"[^\W_]+")
_EDGES = re.compile(r"^\W+|\W+$")


def exact_phrase(query: str) -> str | None:
    """The phrase to require verbatim when the query looks exact, else None."""
    q = _CASE_WORD.sub("", _SPACE.sub(" ", query.strip().strip("\"'“”«»")))
    if _IDENTIFIER.match(q):
        return q
    words = q.split(" ")
    if 2 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words):
        return q
    return None


def is_name(phrase: str) -> bool:
    """Is an exact phrase a person's name (capitalised words) rather than an identifier?"""
    return not _IDENTIFIER.match(phrase)


def bare_identifier(query: str) -> str | None:
    """A case number typed without its separators ("24012144", "EMN201801605"):
    its separator-free key, to compare with the items' case numbers; else None."""
    q = _CASE_WORD.sub("", query.strip().strip("\"'“”«»"))
    if _BARE.match(q) and sum(c.isdigit() for c in q) >= 6:
        return identifier_key(q)
    return None


def contains_phrase(text: str, phrase: str) -> bool:
    """Case- and whitespace-insensitive containment, on word boundaries."""
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(p) for p in phrase.split(" ")) + r"(?!\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _markup_chars(token: str) -> bool:
    """Could ``token`` (or a whole text) hold source markup (``**``, ``__``, ``#``)?
    Most tokens cannot."""
    return "*" in token or "_" in token or "#" in token


def _mark(token: str) -> str:
    """``"2022."`` → ``"**2022**."``: punctuation stays outside the mark."""
    m = re.match(r"^(\W*)(.*?)(\W*)$", token)
    if not m or not m.group(2):
        return token
    return f"{m.group(1)}{MARK_OPEN}{m.group(2)}{MARK_CLOSE}{m.group(3)}"


def snippet(text: str, query: str, normaliser: str, words: int = SNIPPET_WORDS) -> str:
    """The ``words``-word window of ``text`` richest in the query's words, marked."""
    norm = word_normaliser(normaliser)
    wanted = {norm(w) for w in _WORDS.findall(query.lower()) if w not in STOPWORDS and len(w) > 1}
    phrase = exact_phrase(query)
    exact = phrase.lower() if phrase else None
    # the source's own markup ("## **Beslutning**") would collide with the marks; a
    # passage repeats its words, so each distinct token is cleaned and judged once
    tokens = text.split()
    if _markup_chars(text):  # else no token changes (and ``split`` leaves none empty)
        clean = {t: _SOURCE_MARKUP.sub("", t) if _markup_chars(t) else t for t in set(tokens)}
        tokens = [c for c in (clean[t] for t in tokens) if c]
    if not tokens:
        return ""

    # the words whose normal form the query has (a token's words are its \w runs: the
    # punctuation around it never splits or joins one)
    distinct = set(tokens)
    found = {w for w in set(_WORDS.findall(" ".join(distinct).lower())) if norm(w) in wanted}

    def hit(token: str) -> bool:
        if _EDGES.sub("", token).lower() == exact:
            return True
        low = token.lower()
        return any(w in found for w in _WORDS.findall(low))

    if exact is not None:
        marked = {t for t in distinct if hit(t)}
    elif found:
        # a word of the token in ``found`` is a substring of it: the cheap test first
        marked = {
            t
            for t in distinct
            if any(map((low := t.lower()).__contains__, found))
            and any(w in found for w in _WORDS.findall(low))
        }
    else:
        marked = set()
    marks = [t in marked for t in tokens]
    # the first window with the most marks (a running count, not a sum per window)
    best = 0
    if marked:  # else the first window
        count = sum(marks[:words])
        best_count = count
        for start in range(1, max(1, len(tokens) - words + 1)):
            count += marks[start + words - 1] - marks[start - 1]
            if count > best_count:
                best, best_count = start, count
    end = min(len(tokens), best + words)
    out = [_mark(t) if marks[i] else t for i, t in enumerate(tokens[best:end], start=best)]
    text_out = " ".join(out)
    if best > 0:
        text_out = "… " + text_out
    if end < len(tokens):
        text_out += " …"
    return text_out
