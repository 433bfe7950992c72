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

Here: the entry points, the treatment matcher, the clause and construction rules and
items cited by number; :mod:`.bodies`: the bodies a sentence names and which acts on a
date; :mod:`.dates`: a sentence's dates and whether each is a body's meeting.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from raadsgraf.extract.dates import find_dates
from raadsgraf.extract.nlp import danish
from raadsgraf.extract.nlp import matcher as new_matcher
from raadsgraf.extract.prose.bodies import (
    _ATTACHED,
    _BY_REMIT,
    _EXTERNAL,
    BODY,
    _attached_body,
    _body,
    _listed_before,
    _listed_with,
    _meeting_named,
    _named_committee_before,
    _own_body,
    _respectively,
    _timed_apart,
    acting_bodies,
    acting_body,
)
from raadsgraf.extract.prose.dates import _a_meeting, _date_of_a_relative_clause, sentence_dates
from raadsgraf.model import Construction, Reference, ReferenceKind

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

__all__ = [
    "BODY",
    "TREATMENT_LEMMAS",
    "acting_bodies",
    "acting_body",
    "find_prose_references",
    "sentence_dates",
    "sentence_reference",
    "sentence_references",
    "sentences",
]


#: Lemmas of treating and deciding (verbs) and the nouns naming a decision.
TREATMENT_LEMMAS = (
    "behandle", "beslutte", "godkende", "drøfte", "vedtage", "tiltræde", "anbefale",
    "orientere", "beslutning", "behandling", "godkendelse", "drøftelse",
    # putting a matter before a body ("forelægges Byrådet den …", "fremlagde … for
    # udvalget"), presenting it, setting up a body ("blev opgaveudvalget nedsat")
    "forelægge", "fremlægge", "præsentere", "introducere", "nedsætte", "igangsætte", "afvise",
    # what the minutes record ("blev følgende protokolleret")
    "protokollere",
)  # fmt: skip

_ITEM = re.compile(r"\b(?:pkt\.?|punkt)\s*(?:nr\.?\s*)?(\d{1,3})\b", re.IGNORECASE)
#: Sentence ends: a full stop/!/? followed by a capital letter, or a line break.
#: "d. 22. maj", "pkt. 14" and "9. april" never split (a digit or lower case follows).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"“”])|\n+")


@lru_cache(maxsize=1)
def _pipeline() -> tuple[Language, Matcher]:
    nlp = danish()  # the one Danish pipeline per process (its lemma table takes seconds to load)
    matcher = new_matcher()
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


def find_prose_references(text: str, meeting_date: dt.date | None = None) -> list[Reference]:
    """References for the sentences of ``text`` that tell of a treatment. ``meeting_date``
    (the date of the meeting whose minutes hold the text) dates "den 3. oktober" without
    a year."""
    refs: list[Reference] = []
    for sentence, start in sentences(text):
        schedule = "|" in sentence and _in_timetable(text, start)
        refs.extend(sentence_references(sentence, meeting_date, schedule=schedule))
    return refs


#: a table's header or lead-in that says it is a timetable: "Tidsplan og proces | Udvalg
#: | Datoer", "Aktivitet: | Dato:", "Overordnet tids- og aktivitetsplan for …:"
_TIMETABLE = re.compile(
    r"\b(?:tidsplan\w*|tids-\s*og\s+\w*plan\w*|behandlingsplan\w*|procesplan\w*|proces"
    r"|forløb\w*|årshjul\w*|mødeplan\w*|dato(?:er|erne)?|politisk\s+behandling)\b",
    re.IGNORECASE,
)


def _in_timetable(text: str, at: int) -> bool:
    """Is the table row at offset ``at`` in a table whose header row (its first) or the
    line before it says it is a timetable?"""
    lines = text[: text.rfind("\n", 0, at) + 1].split("\n")[:-1]
    header = text[text.rfind("\n", 0, at) + 1 : at]
    while lines and "|" in lines[-1]:
        header = lines.pop()
    lead = next((line for line in reversed(lines) if line.strip()), "")
    return _TIMETABLE.search(header + "\n" + lead) is not None


def sentence_reference(sentence: str, meeting_date: dt.date | None = None) -> Reference | None:
    """The sentence's main reference (the date nearest its treatment verb), if any."""
    refs = sentence_references(sentence, meeting_date)
    return refs[0] if refs else None


def sentence_references(
    sentence: str, meeting_date: dt.date | None = None, *, schedule: bool = False
) -> list[Reference]:
    """One Reference per (date, body) the sentence names as a dated treatment: the date
    nearest the treatment verb first, then the dates listed with it ("i Økonomiudvalget
    den 28. august og i Byrådet den 8. september", "den 13. marts (pkt. 16) og 17.
    april 2024 (pkt. 21)"), each with the body acting on it. ``schedule``: the sentence
    is a row of a table headed as a timetable."""
    if len(sentence) > 600 or not acting_bodies(sentence):
        return []
    nlp, matcher = _pipeline()
    doc = nlp(sentence)
    matches = matcher(doc)
    if not matches:
        return _cited_items(sentence, meeting_date)
    dates = sentence_dates(sentence, meeting_date, _told_as_past(doc, matches[0][1]))
    if not dates:
        return []
    verb_at = doc[matches[0][1]].idx
    if _date_of_a_relative_clause(sentence, doc, matches):
        return []
    if matches[0][1] > 0 and doc[matches[0][1] - 1].lower_ == "bedes":
        return []  # "udvalget bedes drøfte …": the request to this very meeting
    meeting_dates = [d for d in dates if _a_meeting(sentence, d)]
    bodies = acting_bodies(sentence)
    if _GOVERNED.search(sentence[:verb_at]):
        # "Efter godkendelse i udvalget forventes udmelding til ansøgerne den 9. oktober":
        # the treatment is the clause's condition; a date counts only as a body's meeting
        meeting_dates = [
            d
            for d in meeting_dates
            if _meeting_named(sentence, bodies, d[1]) or _own_body(sentence, bodies, d[1])
        ]
    if not meeting_dates:
        return []
    # the date nearest the verb, unless only another names a body's meeting ("ved
    # genåbningen den 1. april … godkendte Byrådet på mødet den 17. april")
    primary = min(meeting_dates, key=lambda d: abs(d[1] - verb_at))
    listed = _listed_with(sentence, meeting_dates, primary)
    held = [d for d in meeting_dates if _meeting_named(sentence, bodies, d[1])]
    if held and not any(d in held for d in listed):
        if _own_body(sentence, bodies, primary[1]):
            # "i Økonomiudvalgets 2. behandling af budgettet den 25. september, hvor …
            # oversendes til 2. behandling i Byrådet den 2. oktober": both bodies' dates
            listed += [d for d in held if _attached_body(sentence, bodies, d[1])]
        else:
            primary = min(held, key=lambda d: abs(d[1] - verb_at))
            listed = _listed_with(sentence, meeting_dates, primary)
    pairs = _respectively(sentence, bodies, listed)
    past = _told_as_past(doc, matches[0][1])
    span = (_clause(sentence, listed[0][1])[0], _clause(sentence, listed[-1][1])[1])
    refs: list[Reference] = []
    for date, date_at, date_end in listed:
        if pairs is not None:
            acting = [pairs[date_at]] if date_at in pairs else []
        else:
            first = acting_body(sentence, bodies, date_at)
            acting = [*_listed_before(sentence, bodies, first, date_at), first]
        for m in acting:
            if _EXTERNAL.match(m[0]):
                continue  # the Folketing's or a ministry's step is no step of the municipality's
            if m[0] == "Udvalget" and _BY_REMIT.match(sentence, m.end()):
                continue  # a committee named by a remit BODY does not know: whose is unknown
            if _timed_apart(sentence, date_at, m):
                continue
            body = _body(m[0])
            if body in ("Udvalget", "Fagudvalget"):
                body = _named_committee_before(bodies, m.start()) or body
            ref = Reference(
                kind=ReferenceKind.PROSE,
                raw=" ".join(sentence.split()),
                body=body,
                date=date,
                item_number=_item_of(sentence, date_end, len(dates)),
                # "besluttede at flytte mødet til den 12. januar": the date is the clause's
                past=past and not _CLAUSE.search(sentence[verb_at:date_at]),
                construction=_construction(sentence, doc, matches, span, date_at, m, schedule),
            )
            if ref not in refs:
                refs.append(ref)
    # the date nearest the verb first: the sentence's main reference
    refs.sort(key=lambda r: r.date != primary[0])
    return refs


#: What ends a clause: punctuation, a table's cell, a dash between words, or a word that
#: opens a clause of its own ("…, hvorefter …", "… når listerne udkommer …")
_CLAUSE_BREAK = re.compile(
    r"[,;:|()]|\s[–-]\s|\b(?:hvorefter|hvorved|hvor|idet|når|fordi|mens|men|hvis|såfremt"
    r"|hvilket)\b",
    re.IGNORECASE,
)
#: a line that opens with its date: "- Den 18. december 2023: Sundhedssamarbejdsudvalget
#: drøfter …", "Mandag den 24. november – …" (the match ends where the date starts)
_DATED_LINE = re.compile(r"^\s*(?:[-•*–]\s*)?(?:[a-zæøå]+dag\s+)?(?:den\s+|d\.\s*)?", re.IGNORECASE)
#: a treatment word that is a noun ("behandling", "godkendelsen", "drøftelser")
_NOUN = re.compile(r"(?:ing|else)(?:en|er|erne)?$")


def _clause(sentence: str, at: int) -> tuple[int, int]:
    """The bounds of the clause that holds offset ``at`` (a comma in a body's name,
    "Klima-, Teknik- og Miljøudvalget", ends none)."""
    lo, hi = 0, len(sentence)
    masked = BODY.sub(lambda m: "X" * len(m[0]), sentence)
    for m in _CLAUSE_BREAK.finditer(masked):
        if m.end() <= at:
            lo = m.end()
        elif m.start() >= at:
            hi = m.start()
            break
    return lo, hi


def _construction(
    sentence: str,
    doc: Doc,
    matches: list[tuple[int, int, int]],
    span: tuple[int, int],
    date_at: int,
    body: re.Match[str],
    schedule: bool = False,
) -> Construction:
    """What licenses the (date, body): the treatment word, the body and the date in one
    clause (``span``: the clauses of the date and the dates listed with it), a line that
    opens with its date, a timetable's row, another table's row, the body named at the
    date, or none of these."""
    words = [doc[start:end] for _, start, end in matches]
    lo, hi = span
    if body.end() <= date_at and _ATTACHED.fullmatch(sentence[body.end() : date_at]):
        # "Behandling i Byrådet, den 5. september": the body's clause runs on to its date
        lo = min(lo, _clause(sentence, body.start())[0])
        # "… temamødet med Byrådet den 9. august 2023, hvor budgetmaterialet præsenteres":
        # a "hvor" clause right after the date tells what happens at that meeting
        where = re.match(r"\s*,?\s*hvor\b", sentence[hi:])
        if where is not None:
            hi = _clause(sentence, hi + where.end())[1]
    if lo <= body.start() and body.end() <= hi:
        inside = [w for w in words if lo <= w.start_char and w.end_char <= hi]
        if any(len(w) == 1 and not _NOUN.search(w.text.lower()) for w in inside):
            return Construction.VERB_CLAUSE
        if inside:
            return Construction.NOUN_CLAUSE
    lead = _DATED_LINE.match(sentence)
    if lead is not None and date_at <= lead.end() and date_at < body.start():
        # the line is the step: body and treatment word after its date, no other date
        # between ("- Den 25. september 2023 – Møde i X: X præsenteres for …")
        nxt = next((d[1] for d in find_dates(sentence) if d[1] > date_at), len(sentence))
        if body.end() <= nxt and any(date_at < w.start_char < nxt for w in words):
            return Construction.DATED_LINE
    if "|" in sentence:
        # a row: "Sag om … - beslutning efter høring | Økonomiudvalget | 28. februar 2024"
        return Construction.SCHEDULE_ROW if schedule else Construction.TABLE_ROW
    if _ATTACHED.fullmatch(sentence[body.end() : date_at]) or re.search(
        r"\bmøde[t]?\s+(?:den|d\.)?\s*$", sentence[:date_at], re.IGNORECASE
    ):
        return Construction.MEETING
    return Construction.LOOSE


def _cited_items(sentence: str, meeting_date: dt.date | None) -> list[Reference]:
    """No treatment verb, but an item of a named meeting cited by number: "jf. punkt nr.
    28 Byrådsmøde den 26.06.24", "(Byrådet den 26. juni 2024, pkt. 25)"."""
    bodies = acting_bodies(sentence)
    refs = []
    for date, start, end in sentence_dates(sentence, meeting_date, past=True):
        attached = [
            m for m in bodies if m.end() <= start and _ATTACHED.fullmatch(sentence[m.end() : start])
        ]
        near = _ITEM.search(sentence[max(0, start - 60) : end + 25])
        if not attached or near is None or _EXTERNAL.match(attached[-1][0]):
            continue
        item = _ITEM.search(sentence[end : end + 25]) or _ITEM.search(sentence[:start][-60:])
        refs.append(
            Reference(
                kind=ReferenceKind.PROSE,
                raw=" ".join(sentence.split()),
                body=_body(attached[-1][0]),
                date=date,
                item_number=int(item[1]) if item else None,
                past=True,
                construction=Construction.CITED_ITEM,
            )
        )
    return refs


#: a treatment named as the condition or the horizon of what the sentence dates
#: ("Efter godkendelse i …", "inden endelig vedtagelse i …", "Hvis Greve Byråd godkender
#: sagen, igangsættes proces …")
_GOVERNED = re.compile(
    r"\b(?:efter|inden|før|(?:hvis|såfremt)(?:\s+\w+){0,3}?)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)

#: the start of a subordinate clause ("besluttede, at Byrådet indkaldes … den 20. juni")
_CLAUSE = re.compile(r"\b(?:at|om|hvor|når|hvis|så)\b", re.IGNORECASE)

#: auxiliaries of a past treatment; "fik"/"fået": "som Byrådet fik forelagt på mødet den …"
_PAST_AUX = frozenset({"har", "havde", "blev", "var", "er", "blevet", "været", "fik", "fået"})


def _told_as_past(doc: Doc, i: int) -> bool:
    """Is the treatment verb in the past ("besluttede", "vedtog", "har godkendt", "blev
    behandlet")? A noun ("beslutning") or a present or future form is not."""
    token = doc[i]
    word = token.lower_
    if word == token.lemma_.lower() or word.endswith(("es", "er", "ning", "else")):
        return False
    if word.endswith(("ede", "te", "agde", "og")):
        return True
    return word.endswith("t") and any(t.lower_ in _PAST_AUX for t in doc[max(0, i - 8) : i])


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
