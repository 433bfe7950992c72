"""Earlier (or later) treatment written in running text.

"Den 9. april 2025 behandlede byrådet …", "Byrådet besluttede d. 22. maj 2024
at …", "Budgetopfølgning 3 2024 blev behandlet i Byrådet den 11. december 2024
(pkt. 14)", "Byrådets beslutning (den 21. september 2020, pkt. 21) om …".

A sentence is a reference when it names a date, a political body and a
treatment: a verb of treating or deciding in any form (behandlede, blev
behandlet, besluttede, har godkendt, drøftede …) or the matching noun
("beslutning", "behandling"). Verb forms are matched on lemmas from
spaCy's Danish lookup table (spacy-lookups-data), so "godkendte",
"godkendt" and "godkendes" need no list of their own. Only sentences that
already hold a date and a body go through spaCy, which keeps a whole
corpus fast. The raw sentence is kept on the Reference.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from raadsgraf.extract.dates import find_dates
from raadsgraf.extract.nlp import danish
from raadsgraf.model import Reference, ReferenceKind

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

#: Lemmas of treating and deciding (verbs) and the nouns naming a decision.
TREATMENT_LEMMAS = (
    "behandle", "beslutte", "godkende", "drøfte", "vedtage", "tiltræde", "anbefale",
    "orientere", "beslutning", "behandling", "godkendelse", "drøftelse",
)  # fmt: skip

#: Political bodies as named in running text; the name's own capitalisation
#: is normalised by :func:`_body`.
BODY = re.compile(
    r"(?<![\w-])(?:"
    # a list of parts ("Klima-, Teknik- og Miljøudvalget") starts with a hyphened part,
    # so "Strandvejsområdet, vedtaget af Plan- og Tryghedsudvalget" names only the last
    r"(?:[A-ZÆØÅ]\w*(?:-|,\s*-),?\s+(?:[\w-]+,?\s+){0,3}og\s+)?[A-ZÆØÅ][\w-]*udvalg(?:et|ets)?"
    r"|[Uu]dvalg(?:et|ets)"
    r"|[Bb]yråd(?:et|ets)?|[Kk]ommunalbestyrelsen?s?|[Rr]egionsråd(?:et|ets)"
    r"|[Mm]agistrat(?:en|ens)|[Bb]orgerrepræsentation(?:en|ens)"
    r")(?![\w-])"
)
_ITEM = re.compile(r"\b(?:pkt\.?|punkt)\s*(\d{1,3})\b", re.IGNORECASE)
#: Sentence ends: a full stop/!/? followed by a capital letter, or a line break.
#: "d. 22. maj", "pkt. 14" and "9. april" never split (a digit or lower case follows).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"“”])|\n+")


@lru_cache(maxsize=1)
def _pipeline() -> tuple[Language, Matcher]:
    from spacy.matcher import Matcher

    nlp = danish()  # the one Danish pipeline per process (its lemma table takes seconds to load)
    matcher = Matcher(nlp.vocab)
    matcher.add("TREAT", [[{"LEMMA": {"IN": list(TREATMENT_LEMMAS)}}]])
    matcher.add("TREAT", [[{"LOWER": {"IN": list(TREATMENT_LEMMAS)}}]])
    # "tog sagen til efterretning", "taget til orientering"
    matcher.add(
        "TREAT",
        [
            [
                {"LEMMA": "tage"},
                {"OP": "{0,2}"},
                {"LOWER": "til"},
                {"LOWER": {"IN": ["efterretning", "orientering"]}},
            ]
        ],
    )
    return nlp, matcher


def sentences(text: str) -> list[tuple[str, int]]:
    """``(sentence, start offset)`` pairs."""
    out = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.start()].strip():
            out.append((text[start : m.start()], start))
        start = m.end()
    if text[start:].strip():
        out.append((text[start:], start))
    return out


def find_prose_references(text: str) -> list[Reference]:
    """References for the sentences of ``text`` that tell of a treatment."""
    refs: list[Reference] = []
    for sentence, _ in sentences(text):
        ref = sentence_reference(sentence)
        if ref is not None:
            refs.append(ref)
    return refs


def sentence_reference(sentence: str) -> Reference | None:
    """A Reference when this one sentence names a dated treatment by a body."""
    if len(sentence) > 600 or not BODY.search(sentence):
        return None
    dates = find_dates(sentence)
    if not dates:
        return None
    nlp, matcher = _pipeline()
    doc = nlp(sentence)
    matches = matcher(doc)
    if not matches:
        return None
    verb_at = doc[matches[0][1]].idx
    if _date_of_a_relative_clause(sentence, doc, matches):
        return None
    meeting_dates = [d for d in dates if not _NOT_A_MEETING.search(sentence[: d[1]])]
    if not meeting_dates:
        return None
    date, date_at, date_end = min(meeting_dates, key=lambda d: abs(d[1] - verb_at))
    bodies = list(BODY.finditer(sentence))
    acting = acting_body(sentence, bodies, date_at)
    body = _body(acting[0])
    if body == "Udvalget":
        body = _named_committee_before(bodies, acting.start()) or body
    return Reference(
        kind=ReferenceKind.PROSE,
        raw=" ".join(sentence.split()),
        body=body,
        date=date,
        item_number=_item_of(sentence, date_end, len(dates)),
    )


#: A date that is a deadline, a cut-off or when something takes effect, not the
#: day a body met: "senest 1. december", "pr. 31. juli", "træder i kraft den 1. juli",
#: "frem til og med den 19. september", "opstart den 13. august".
_NOT_A_MEETING = re.compile(
    r"(?:\b(?:senest|pr\.|frist(?:en)?|i\s+kraft|gældende|fra\s+og\s+med|til\s+og\s+med"
    r"|frem\s+(?:til|mod)(?:\s+\w+)?|opstart|tiltr(?:æder|ådte|ådt)(?:\s+\w+)?|udløber"
    r"|inden(?:\s+\w+)?|indgå\w*(?:\s+\w+)?|pr\.\s+\d{1,2}\.\s*\w+\.?\s+(?:eller|og)"
    # a document's own date ("afgørelse af 15. december 2021 fra Det Kommunale Tilsyn")
    r"|(?:afgørelse|brev|skrivelse|henvendelse|e-?mail|notat|kendelse|dom|bekendtgørelse"
    r"|cirkulære|ansøgning|høringssvar|redegørelse)\w*\s+af"
    # a meeting moved away from that day ("flytte mødet fra den 5. januar 2026 til …")
    r"|flyt\w*\s+(?:\w+\s+)?mødet(?:\s+fra)?)(?:\s+(?:den|d\.))?\s*)$",
    re.IGNORECASE,
)


_MODALS = frozenset({"skal", "vil", "kan", "skulle", "bør", "må"})
_RELATIVE = re.compile(r"\b(?:som|der)\s+(?!skal\b|vil\b)\w+", re.IGNORECASE)


def _date_of_a_relative_clause(
    sentence: str, doc: Doc, matches: list[tuple[int, int, int]]
) -> bool:
    """ "Udvalget skal drøfte studieturen, som gik til Aalborg den 15. januar 2025": the
    treatment is still to come (a modal before the verb) and the date belongs to a
    relative clause after it that tells of no treatment: no dated treatment. ("…
    planen, som blev drøftet i Økonomiudvalget den 3. marts" is one.)"""
    verb = matches[0][1]
    if verb == 0 or doc[verb - 1].lower_ not in _MODALS:
        return False
    start = doc[verb].idx
    dates = find_dates(sentence[start:])
    clause = _RELATIVE.search(sentence, start)
    if not dates or clause is None or clause.start() > start + dates[0][1]:
        return False
    date_at = start + dates[0][1]
    return not any(clause.start() < doc[m[1]].idx < date_at for m in matches[1:])


def _item_of(sentence: str, date_end: int, n_dates: int) -> int | None:
    """The item number that goes with the date: "den 13. marts 2024 (pkt. 16), 17. april
    2024 (pkt. 21)" pairs each date with the number right after it. With one date in the
    sentence, its one number wherever it stands."""
    after = _ITEM.search(sentence[date_end : date_end + 25])
    if after:
        return int(after[1])
    if n_dates == 1:
        item = _ITEM.search(sentence)
        return int(item[1]) if item else None
    return None


def _named_committee_before(bodies: list[re.Match[str]], at: int) -> str | None:
    """ "Plan- og Tryghedsudvalget har ved udvalgets behandling den 14. marts …": a
    generic "udvalget" after one named committee in the same sentence is that committee."""
    named = [m for m in bodies if m.start() < at and "udvalg" in m[0].lower()]
    named = [m for m in named if _body(m[0]) != "Udvalget"]
    return _body(named[0][0]) if len(named) == 1 else None


#: A body the matter comes *from* ("efter indstilling fra X", "anbefaling fra X"):
#: it acted earlier, not on the sentence's date.
_FROM = re.compile(r"\b(?:fra|på\s+vegne\s+af)\s+$", re.IGNORECASE)
#: The start of a clause about what is to happen next ("i forhold til indstilling
#: til godkendelse i Byrådet", "med henblik på …", ", som skal indstille til …"):
#: a body named after it is where the matter goes later, not who acts on the date.
_ONWARD = re.compile(
    r"\b(?:i\s+forhold\s+til|med\s+henblik\s+på|henblik\s+på|(?:som|der)\s+(?:skal|vil)"
    r"|at\s+der\s+skal|for\s+at)\b",
    re.IGNORECASE,
)


def acting_body(sentence: str, bodies: list[re.Match[str]], date_at: int) -> re.Match[str]:
    """The body the sentence names as acting on the date at ``date_at``.

    "Ansøgningen fremlægges for Byrådet, efter indstilling fra Teknik-, Plan- og
    Landdistriktsudvalget": Byrådet, not the committee it comes from. "Drøftelse i
    Teknik-, Plan- og Landdistriktsudvalget i forhold til indstilling til godkendelse i
    Byrådet": the committee; Byrådet is where it goes next. Of the bodies that are
    neither the matter's origin nor in a clause about its next steps, the one nearest
    the date; failing that, the nearest that is not its origin; failing that, the nearest.
    """
    onward = [m.start() for m in _ONWARD.finditer(sentence)]

    def origin(m: re.Match[str]) -> bool:
        return _FROM.search(sentence[max(0, m.start() - 30) : m.start()]) is not None

    def later(m: re.Match[str]) -> bool:
        # an onward clause between the date and the body (the date's own clause ends there)
        lo, hi = sorted((date_at, m.start()))
        return any(lo < o < hi for o in onward)

    def nearest(ms: list[re.Match[str]]) -> re.Match[str]:
        return min(ms, key=lambda m: abs(m.start() - date_at))

    acting = [m for m in bodies if not origin(m) and not later(m)]
    if acting:
        return nearest(acting)
    not_origin = [m for m in bodies if not origin(m)]
    return nearest(not_origin or bodies)


_ACTIVITY = re.compile(r"^[A-ZÆØÅ][a-zæøå]+\s+(?:i|af|på|fra|til|med)\s+(\S.*)$")


def _body(name: str) -> str:
    """ "byrådet", "Byrådets" → "Byrådet"; "Økonomiudvalgets" → "Økonomiudvalget"."""
    name = " ".join(name.split())
    # "Drøftelse i Teknik-, Plan- og Landdistriktsudvalget": the body after the activity
    lead = _ACTIVITY.match(name)
    if lead:
        name = lead[1]
    name = name[0].upper() + name[1:]
    if name.endswith(("ets", "ens")):
        name = name[:-1]
    if name == "Byråd":
        return "Byrådet"
    if name in ("Udvalget", "Udvalg"):
        return "Udvalget"
    return name
