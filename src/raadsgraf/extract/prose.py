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

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from raadsgraf.extract.dates import find_dates, make_date
from raadsgraf.extract.nlp import danish
from raadsgraf.extract.nlp import matcher as new_matcher
from raadsgraf.model import Construction, Reference, ReferenceKind

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

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

#: Political bodies as named in running text; the name's own capitalisation
#: is normalised by :func:`_body`.
BODY = re.compile(
    r"(?<![\w-])(?:"
    # a list of parts ("Klima-, Teknik- og Miljøudvalget") starts with a hyphened part,
    # so "Strandvejsområdet, vedtaget af Plan- og Tryghedsudvalget" names only the last
    r"(?:[A-ZÆØÅ]\w*(?:-|,\s*-),?\s+(?:[\w-]+,?\s+|\w+-(?=og\s)){0,3}og\s+"
    # … or, with the hyphen left out, a bare stem ("Kultur og Fritidsudvalgets", "Plan og
    # Tryghedsudvalget"); a definite noun ("Byrådet og Økonomiudvalget") is a body of its own
    r"|[A-ZÆØÅ][a-zæøå]+(?<!et|en|ne)\s+og\s+(?=[A-ZÆØÅ][\w-]*udvalg))?"
    # … and the name it completes: a committee, or a council named by its remit ("Børne- og
    # Skolerådets" is one name, not "Skolerådet")
    r"[A-ZÆØÅ][\w-]*(?:udvalg(?:et|ets)?|råd(?:et|ets))"
    # "Udvalget for Plan, udvikling og kultur" (a committee named by its remit)
    r"|[Uu]dvalg(?:et)?\s+for\s+[A-ZÆØÅ]\w*(?:(?:,\s*[A-ZÆØÅa-zæøå]\w*){0,3}\s+og\s+[A-ZÆØÅa-zæøå]\w*)?"
    r"|[Uu]dvalg(?:et|ets)|[Ff]agudvalg(?:et|ets)"
    # councils and boards named by their remit: "Handicaprådet", "Ældrerådets"
    r"|[A-ZÆØÅ][\w-]*råd(?:et|ets)"
    r"|KKR(?:\s+[A-ZÆØÅ]\w+)?|[Kk]ommunekontaktråd(?:et|ets)?"
    # "på byrådsmødet den …": the meeting names the council
    r"|[Bb]yrådsmøde(?:t)?|[Kk]ommunalbestyrelsesmøde(?:t)?"
    # bodies outside the municipality: they compete for the date, and win no step
    r"|Folketing(?:et|ets)(?:\s+[A-ZÆØÅ][\w-]*udvalg(?:et)?)?"
    r"|[A-ZÆØÅ][\w-]*ministeri(?:et|ets)|[A-ZÆØÅ][\w-]*minister(?:en)?"
    r"|[Bb]yråd(?:et|ets)?|[Kk]ommunalbestyrelsen?s?|[Rr]egionsråd(?:et|ets)"
    # the finance committee's abbreviation, used across Danish municipalities' year-plans
    r"|ØU"
    r"|[Mm]agistrat(?:en|ens)|[Bb]orgerrepræsentation(?:en|ens)"
    r")(?![\w-])"
)
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


#: a time of its own in a table cell: "I foråret 2024 skal … godkendes af Byrådet", "i
#: marts", "inden 2025" (a year in a name, "Budget 2025-28", is none)
_OWN_TIME = re.compile(
    r"\b(?:i\s+(?:foråret|efteråret|sommeren|vinteren|løbet\s+af)|primo|medio|ultimo"
    r"|\d\.\s*kvartal|(?:i|inden|senest)\s+(?:januar|februar|marts|april|maj|juni|juli"
    r"|august|september|oktober|november|december|(?:19|20)\d{2}))\b",
    re.IGNORECASE,
)


def _timed_apart(sentence: str, date_at: int, body: re.Match[str]) -> bool:
    """A table row ("22. april 2024 | Sundhedsberedskabsplan | I foråret 2024 skal
    planen revideres og godkendes af Byrådet") whose body stands in another cell than the
    date, a cell that tells its own time: the row's date is the meeting whose year-plan
    it is, not the body's ("10. september 2024 | Plan- og Tryghedsudvalget behandler …"
    is the body's)."""
    if "|" not in sentence:
        return False
    start = sentence.rfind("|", 0, body.start()) + 1
    end = sentence.find("|", body.end())
    end = len(sentence) if end < 0 else end
    if start <= date_at < end:
        return False  # the date's own cell
    cell = sentence[start : body.start()] + " " + sentence[body.end() : end]
    return _OWN_TIME.search(cell) is not None


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

#: A person's role in a body: "møde med formand og næstformand for Handicaprådet den …",
#: "Borgersamlings-medlemmer Byråd", "Udvalgsformanden for Plan- og Tryghedsudvalget".
_ROLE_OF = re.compile(
    r"(?:formand|næstformand|medlem|repræsentant|sekretær)\w*\s+"
    r"(?:(?:og\s+\w+\s+)?(?:for|i|fra|af)\s+)?$",
    re.IGNORECASE,
)


def acting_bodies(sentence: str) -> list[re.Match[str]]:
    """The bodies the sentence names, less those named only as a person's role (the
    chair of a council meeting someone is no meeting of the council)."""
    return [m for m in BODY.finditer(sentence) if not _ROLE_OF.search(sentence[: m.start()])]


#: the start of a subordinate clause ("besluttede, at Byrådet indkaldes … den 20. juni")
_CLAUSE = re.compile(r"\b(?:at|om|hvor|når|hvis|så)\b", re.IGNORECASE)

#: The lower-case remit after a capitalised "Udvalget" (a proper name), which BODY leaves
#: out: "Region Sjælland (Udvalget for regional udvikling, uddannelse, kollektiv trafik …)
#: har den 6. september 2023 besluttet" is another authority's committee, not "udvalget"
#: of the item ("forelægges Udvalget for at sikre …" is no remit).
_BY_REMIT = re.compile(r"\s+for\s+(?!at\b|så\b)[a-zæøå]")

#: Bodies outside the municipality: "Folketingets Finansudvalg vedtog den 10. marts …".
_EXTERNAL = re.compile(r"Folketing|[A-ZÆØÅ][\w-]*minist", re.IGNORECASE)

#: A date list's joints: "(pkt. 16), 17. april", "og i Byrådet den", "og efterfølgende i
#: Byrådet den", "og Byrådets møde den"; BODY stands for a body's name.
_LIST_JOINT = re.compile(
    r"\s*,?\s*(?:\((?:pkt|punkt)\.?\s*\d+[^)]{0,20}\))?\s*(?:,\s*)?(?:\s*(?:og|samt)\s+)?"
    r"(?:(?:efterfølgende|derefter|herefter|senere|igen|endelig)\s+)?"
    r"(?:(?:i|på|for|af)\s+)?(?:BODY\s*(?:s?\s*møde\s*)?)?(?:(?:den|d\.)\s*)?",
    re.IGNORECASE,
)


def _meeting_named(sentence: str, bodies: list[re.Match[str]], date_at: int) -> bool:
    """Is the date a named body's meeting: "Byrådet den …", "Byrådets møde den …",
    "Byrådet på mødet den …", "på mødet den …"?"""
    if re.search(r"\bmøde[t]?\s+(?:den|d\.)?\s*$", sentence[:date_at], re.IGNORECASE):
        return True
    return _attached_body(sentence, bodies, date_at)


def _attached_body(sentence: str, bodies: list[re.Match[str]], date_at: int) -> bool:
    return any(
        m.end() <= date_at and _ATTACHED.fullmatch(sentence[m.end() : date_at]) for m in bodies
    )


def _own_body(sentence: str, bodies: list[re.Match[str]], date_at: int) -> bool:
    """Does a body stand before the date in its own clause ("Økonomiudvalgets 2.
    behandling af budgettet den …"), no comma or other date between?"""
    return any(
        m.end() <= date_at
        and date_at - m.end() <= 60
        and not re.search(r"[,;:]|\d{4}", sentence[m.end() : date_at])
        for m in bodies
    )


def _listed_with(
    sentence: str, dates: list[tuple[dt.date, int, int]], primary: tuple[dt.date, int, int]
) -> list[tuple[dt.date, int, int]]:
    """The primary date and the dates listed with it, in order: each joined to the next
    by a comma or "og" (with at most the next date's body and "møde den" between)."""
    at = dates.index(primary)
    lo = hi = at

    def joined(a: tuple[dt.date, int, int], b: tuple[dt.date, int, int]) -> bool:
        between = BODY.sub("BODY", sentence[a[2] : b[1]])
        return _LIST_JOINT.fullmatch(between) is not None

    while lo > 0 and joined(dates[lo - 1], dates[lo]):
        lo -= 1
    while hi + 1 < len(dates) and joined(dates[hi], dates[hi + 1]):
        hi += 1
    return dates[lo : hi + 1]


def _respectively(
    sentence: str, bodies: list[re.Match[str]], dates: list[tuple[dt.date, int, int]]
) -> dict[int, re.Match[str]] | None:
    """ "Økonomiudvalget og Byrådet vedtog henholdsvis den 28. august og 4. september",
    "den 25. september og 2. oktober: 2. behandling på henholdsvis ØU og Byrådet": the
    bodies listed next to "henholdsvis", paired with its dates in order. An empty pairing
    when a listed partner is no known body ("på ØU og BY henholdsvis"): no date's body is
    known then."""
    word = re.search(r"\bhenholdsvis\b", sentence, re.IGNORECASE)
    if word is None and dates:
        # "orienterede Økonomiudvalget og Byrådet … på møder den 27. november 2023 (pkt.
        # 29) og 11. december 2023": the plural "møder" right before the dates pairs them
        # with the bodies listed before it, in order, as "henholdsvis" does
        word = re.search(r"\bmøder(?=\s+(?:den\s+|d\.\s*)?$)", sentence[: dates[0][1]])
    if word is None or len(dates) < 2:
        return None
    if dates[0][1] > word.start():  # the bodies before the word
        group = [m for m in bodies if m.end() <= word.start()][-1:]
        for m in reversed([m for m in bodies if m.end() <= word.start()][:-1]):
            if not re.fullmatch(r"\s*(?:,|og|samt)\s*", sentence[m.end() : group[0].start()]):
                break
            group.insert(0, m)
        unknown = group and re.fullmatch(
            r"\s*(?:og|samt)\s+\S+\s*", sentence[group[-1].end() : word.start()]
        )
    elif dates[-1][1] < word.start():  # the bodies after it
        after = [m for m in bodies if m.start() >= word.end()]
        group = after[:1]
        if group and not re.fullmatch(r"\s*", sentence[word.end() : group[0].start()]):
            return None
        for m in after[1:]:
            if not re.fullmatch(r"\s*(?:,|og|samt)\s*", sentence[group[-1].end() : m.start()]):
                break
            group.append(m)
        unknown = group and re.match(r"\s*(?:og|samt)\s+(?!\d)\w+", sentence[group[-1].end() :])
    else:
        return None
    if unknown:
        return {}
    if len(group) != len(dates):
        return None
    return {d[1]: m for d, m in zip(dates, group, strict=True)}


def _listed_before(
    sentence: str, bodies: list[re.Match[str]], body: re.Match[str], date_at: int
) -> list[re.Match[str]]:
    """ "forelægges Plan- og Tryghedsudvalget, samt Beskæftigelses- og Erhvervsudvalget den
    31. maj": the bodies listed right before the date's own body share its date."""
    out: list[re.Match[str]] = []
    at = body.start()
    if not _ATTACHED.fullmatch(sentence[body.end() : date_at]):
        return out  # "Økonomiudvalget og Byrådet vedtog den …": the verb between
    for m in reversed([m for m in bodies if m.end() <= at]):
        if not re.fullmatch(r"\s*(?:,\s*)?(?:og|samt)\s+|\s*,\s*", sentence[m.end() : at]):
            break
        out.insert(0, m)
        at = m.start()
    return out


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


def sentence_dates(
    sentence: str, meeting_date: dt.date | None, past: bool
) -> list[tuple[dt.date, int, int]]:
    """The sentence's dates; one without a year takes the year of the date listed right
    after it ("den 28. august og 4. september 2024"), else, with the meeting's date known,
    the year that puts it where the verb's tense says: a past treatment on or before the
    meeting, any other the nearest to it."""
    full = find_dates(sentence)
    for m in _SHORT_YEAR.finditer(sentence):  # "Byrådsmøde den 26.06.24."
        found = make_date(2000 + int(m[3]), int(m[2]), int(m[1]))
        if found and not any(s < m.end() and m.start(1) < e for _, s, e in full):
            full.append((found, m.start(1), m.end()))
    full.sort(key=lambda d: d[1])
    starts = {d[1] for d in full}
    out = list(full)
    # any leap year finds the yearless dates (29 February too); each is dated below
    for date, start, end in find_dates(sentence, default_year=2000):
        if start in starts:
            continue
        after = next((d for d in full if d[1] > end), None)
        joint = sentence[end : after[1]] if after else ""
        year: int | None = None
        if after and re.fullmatch(r"\s*(?:,|og|samt|til|-|–)\s*(?:den\s*)?", joint):
            year = after[0].year - int((_dated(date, after[0].year) or after[0]) > after[0])
        elif meeting_date is not None:
            years = [meeting_date.year - 1, meeting_date.year, meeting_date.year + 1]
            dated = {y: d for y in years if (d := _dated(date, y)) is not None}
            if past:
                year = max((y for y, d in dated.items() if d <= meeting_date), default=None)
            else:
                year = min(dated, key=lambda y: abs(dated[y] - meeting_date), default=None)
        found = _dated(date, year) if year is not None else None
        if found is not None:
            out.append((found, start, end))
    return sorted(out, key=lambda d: d[1])


#: a two-digit year, only right after "den"/"d." (elsewhere it could be a case number)
_SHORT_YEAR = re.compile(r"\b(?:den|d\.)\s+(\d{1,2})\.(\d{1,2})\.(\d{2})(?!\d)", re.IGNORECASE)


def _dated(date: dt.date, year: int) -> dt.date | None:
    try:
        return date.replace(year=year)
    except ValueError:  # 29 February
        return None


def _a_meeting(sentence: str, date: tuple[dt.date, int, int]) -> bool:
    """Is the date a day a body met (not a deadline, an event, a date range)?"""
    before = sentence[: date[1]]
    if _NOT_A_MEETING.search(before) or _RANGE.search(before):
        return False
    if re.match(r"(?:lørdag|søndag)\b", sentence[date[1] :], re.IGNORECASE):
        return False  # a weekend day: an event, not a council's meeting
    after = sentence[date[2] : date[2] + 60]
    if _DEADLINE_AFTER.match(after) or _MOVED_AFTER.match(after):
        return False
    if _TOO_LATE.match(sentence, date[2]):
        return False
    group = _GROUP_MEETS.search(before)
    # "den politiske følgegruppe, som mødes den 8. november": a group that is no political
    # body of the municipality meets that day ("Byrådet mødes den …" is the council's)
    return group is None or BODY.fullmatch(group[1]) is not None


#: the sentence says the date will not do: "Byrådet har ordinært møde den 11. december
#: 2023, hvilket vil være for sent til at behandle …", "…, hvor det ikke er muligt"
_TOO_LATE = re.compile(
    r"[^.;]{0,20}?,?\s*(?:hvilket|hvor|men)\s+(?:\w+\s+){0,3}?"
    r"(?:for\s+sent|for\s+tidligt|ikke\s+(?:\w+\s+)?mulig\w*|umulig\w*)\b",
    re.IGNORECASE,
)
#: Who meets on the date: "følgegruppen, som mødes den …", "netværket holder møde den …",
#: "Byrådet mødes den …"; group 1 is the word before the verb (a body, or a group that
#: is none)
_GROUP_MEETS = re.compile(
    r"([\w-]+)\s*,?\s+(?:(?:som|der)\s+)?(?:\w+\s+)?"
    r"(?:mødes|samles|træder\s+sammen|(?:af)?holder\s+(?:sit\s+|et\s+|deres\s+)?(?:\w+\s+)?møde)"
    r"(?:\s+(?:igen|næste\s+gang|første\s+gang|[a-zæøå]+dag))?\s+(?:den|d\.)?\s*$",
    re.IGNORECASE,
)
#: what may stand between a date and the words told after it: "kl. 17.00", a comma
_AFTER_DATE = r"\s*(?:kl\.?\s*[\d.:]+\s*)?,?\s*"
#: a meeting the calendar changes, told after its date: "mødet den 9. januar 2023 flyttes
#: til torsdag", "udvalgets møde den 12. juni 2024 udvides med 1 time"
_MOVED_AFTER = re.compile(
    _AFTER_DATE + r"(?:flyttes|udvides|aflyses|rykkes|forlænges|forkortes|afkortes)\b",
    re.IGNORECASE,
)
#: "den 20.-21. maj", "den 14. og 15. marts": a span of days is a seminar or a
#: negotiation, not a meeting
_RANGE = re.compile(r"\b\d{1,2}\.?\s*(?:-|–|og|til)\s*$")
#: the date of a deadline told after it: "den 19. september 2024 kl. 8.00 var der frist"
_DEADLINE_AFTER = re.compile(
    _AFTER_DATE + r"(?:var|er|blev|bliver)\s+(?:der\s+)?(?:\w+\s+)?frist",
    re.IGNORECASE,
)


#: A date that is a deadline, a cut-off or when something takes effect, not the
#: day a body met: "senest 1. december", "pr. 31. juli", "træder i kraft den 1. juli",
#: "frem til og med den 19. september", "opstart den 13. august".
_NOT_A_MEETING = re.compile(
    r"(?:\b(?:senest|pr\.|frist(?:en)?|i\s+kraft|gældende|fra\s+og\s+med|til\s+og\s+med"
    r"|frem\s+(?:til|mod)(?:\s+\w+)?|opstart|udløber"
    # a bound or a start: "to gange efter den 18. november", "ny aftale fra 1. oktober",
    # "omfattet af ældreloven fra den 1. juli"
    r"|efter|før|fra"
    # the day rules take effect, however far from "i kraft": "træder i kraft med tre
    # måneders varsel, fra byrådets endelige beslutning, til den 1. oktober"
    r"|i\s+kraft\b[^.;]{0,120}?\btil"
    # a deadline moved ("fristen forlænges til 1. marts 2025", "udskudt til")
    r"|(?:forlæng|udsky|udskud|rykke)\w*(?:\s+\w+)?\s+til"
    # an event, not a meeting: "på Socialudvalgets seminar den", "studieturen som gik til
    # Aalborg den", "konferencen, som afholdes i Aalborg den", "workshop den"
    r"|(?:seminar|workshop|studietur|konference|forum|festival|messe"
    # meetings that are events, not a body's: "stormøde om Sundhedsaftalen den …"
    r"|stormøde|dialogmøde|borgermøde|informationsmøde|fyraftensmøde|netværksmøde)"
    r"\w*(?:\s+(?!møde)[\w,.-]+){0,6}?"
    # a visit is an event: "program for virksomhedsbesøg den 8. september 2025",
    # "studiebesøg hos Vejle Kommune den …"
    r"|\w*besøg(?:et|ene)?(?:\s+(?:hos|på|i)\s+[\w-]+(?:\s+[A-ZÆØÅ][\w-]*)?)?"
    # a period's bounds: "i perioden fra den 11. december …", "indtil den 31. marts"
    r"|indtil|perioden?(?:\s+(?:fra|mellem))?"
    # a place's opening or closing day, not a meeting: "Borgerservice skal være åben med
    # tidsbestilling fredag den 20. december", "Rådhuset holder lukket den 27. december",
    # ("behandles som lukket punkt den …" is a meeting's)
    r"|(?:åben|åbent|lukket|lukke(?:dag|s|r)?|åbningstid)\w*"
    r"(?!\s+(?:punkt|møde|dagsorden|sag|del))(?:\s+(?!møde)[\w,.-]+){0,4}?"
    # a deed registered that day ("deklarationen lyst 12/11/1948")
    r"|(?:ting)?lyst"
    # taking office ("som tiltræder Byrådet den 1. januar"), not approving ("tiltræder
    # indstillingen den …")
    r"|tiltr(?:æder|ådte|ådt)\s+(?:pr\.|[Bb]yrådet|[Kk]ommunalbestyrelsen)"
    r"|inden(?:\s+\w+)?|indgå\w*(?:\s+\w+)?|pr\.\s+\d{1,2}\.\s*\w+\.?\s+(?:eller|og)"
    r"|(?:virke|virkning|gælde)\w*\s+fra"
    # a document's own date ("afgørelse af 15. december 2021 fra Det Kommunale Tilsyn")
    r"|(?:afgørelse|brev|skrivelse|henvendelse|e-?mail|notat|kendelse|dom|bekendtgørelse"
    r"|cirkulære|ansøgning|høringssvar|redegørelse)\w*\s+af"
    # a meeting as a calendar fact, not a treatment of the matter: "mødet i april er den
    # 17. april", "afholdelse af Social- og Handicapudvalgets møde den 8. september"
    r"|mødet\s+i\s+\w+\s+er"
    # a decision about the calendar is no step of the matter: a meeting held, cancelled
    # or moved ("afholdelse af ekstraordinært byrådsmøde 1. december", "flytning af
    # byrådsmøde i november, fra onsdag den 26. november til mandag den 24. november",
    # "flytte mødet fra den 5. januar 2026 til den 12. januar"), or called at another hour
    # ("Byrådet indkaldes 30 min. tidligere end planlagt den 20. juni"), or called ("at
    # indkalde til et ekstraordinært udvalgsmøde den 21. november")
    r"|(?:afholdelse|aflysning|flytning|flytte|flyttes|flyttet|indkald\w*\s+til)"
    r"\s+(?:af\s+)?(?:\S+\s+){0,8}?"
    r"\S*møde[t]?(?![\w-])(?:[^.;]|(?<=\d)\.){0,60}?"
    r"|(?:tidligere|senere)\s+end\s+(?:planlagt|normalt|sædvanligt|vanligt)"
    # a bound on a meeting, not one: "genindføres allerede fra byrådsmødet den 8. september"
    r"|fra\s+(?:og\s+med\s+)?(?:\w+\s+)?\w*møde[t]?)(?:\s+(?:den|d\.))?\s*)$",
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
    named = [m for m in named if _body(m[0]) not in ("Udvalget", "Fagudvalget")]
    return _body(named[0][0]) if len(named) == 1 else None


#: A body the matter comes *from* ("efter indstilling fra X", "anbefaling fra X"):
#: it acted earlier, not on the sentence's date.
_FROM = re.compile(r"\b(?:fra|på\s+vegne\s+af)\s+$", re.IGNORECASE)
#: A body's advice another body acts on: "Byrådet behandler den 3. oktober
#: Økonomiudvalgets anbefaling" (the genitive's "s" is part of the match).
_ADVICE = re.compile(r"(?<=s)\s+(?:\w+\s+)?(?:anbefaling|indstilling)", re.IGNORECASE)
#: A body whose treatment another body prepares: "Økonomiudvalgets forberedelse af
#: Byrådets 2. behandling" (the genitive preparer acts on the date).
_PREPARED = re.compile(r"[A-ZÆØÅ]\w*s\s+forberedelse\s+(?:af|til)\s+$")
#: The start of a clause about what is to happen next ("i forhold til indstilling
#: til godkendelse i Byrådet", "med henblik på …", ", som skal indstille til …"):
#: a body named after it is where the matter goes later, not who acts on the date.
_ONWARD = re.compile(
    r"\b(?:i\s+forhold\s+til|med\s+henblik\s+på|henblik\s+på|(?:som|der)\s+(?:skal|vil)"
    r"|at\s+der\s+skal|for\s+at|under\s+forudsætning\s+af"
    # "SOU skal senest på udvalgsmødet den 14. november indstille til Byrådet": the body
    # recommended to acts later, the one recommending on the date
    r"|indstill\w*\s+til)\b",
    re.IGNORECASE,
)


#: What stands between a body and the date that is its meeting's.
_ATTACHED = re.compile(
    # the rest of a name by remit ("Samarbejdsudvalget for Fysioterapi den …")
    r"(?:\s+for\s+[A-ZÆØÅ][\w-]*(?:,?\s+(?:og\s+)?[\w-]+){0,3}?)?"
    r"\s*(?:s?\s+møde|,)?\s*(?:på\s+(?:sit|deres|mødet|møde)\s*)?(?:møde\s+)?(?:den|d\.)?\s*",
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
        return (
            _FROM.search(sentence[max(0, m.start() - 30) : m.start()]) is not None
            or _ADVICE.match(sentence, m.end()) is not None
            # "Økonomiudvalgets forberedelse af Byrådets 2. behandling … den 24. september":
            # the date is the preparing body's, the prepared treatment comes after it
            or _PREPARED.search(sentence[max(0, m.start() - 40) : m.start()]) is not None
        )

    def later(m: re.Match[str]) -> bool:
        # an onward clause between the date and the body (the date's own clause ends there)
        lo, hi = sorted((date_at, m.start()))
        return any(lo < o < hi for o in onward)

    def nearest(ms: list[re.Match[str]]) -> re.Match[str]:
        # "behandles i Klima-, Teknik- og Miljøudvalget den 27. marts 2025 og i Byrådet
        # den 23. april": a body right before the date ("X den …", "X på mødet den …")
        # is the date's own, however near the next body stands
        attached = [
            m for m in ms if m.end() <= date_at and _ATTACHED.fullmatch(sentence[m.end() : date_at])
        ]
        return min(attached or ms, key=lambda m: abs(m.start() - date_at))

    acting = [m for m in bodies if not origin(m) and not later(m)]
    if acting:
        return nearest(acting)
    not_origin = [m for m in bodies if not origin(m)]
    return nearest(not_origin or bodies)


_ACTIVITY = re.compile(r"^[A-ZÆØÅ][a-zæøå]+\s+(?:i|af|på|fra|til|med)\s+(\S.*)$")


def _body(name: str) -> str:
    """ "byrådet", "Byrådets" → "Byrådet"; "Økonomiudvalgets" → "Økonomiudvalget";
    "Kultur og Fritidsudvalgets" → "Kultur- og Fritidsudvalget"; "byrådsmødet" → "Byrådet"."""
    name = " ".join(name.split())
    # "Drøftelse i Teknik-, Plan- og Landdistriktsudvalget": the body after the activity
    lead = _ACTIVITY.match(name)
    if lead:
        name = lead[1]
    name = name[0].upper() + name[1:]
    name = re.sub(r",\s*-", "-,", name)  # "Klima, - Teknik- og Miljøudvalget"
    name = re.sub(r"^([A-ZÆØÅ][a-zæøå]+) og (?=\S+udvalg)", r"\1- og ", name)
    name = re.sub(r"(\w)-og\s", r"\1- og ", name)  # "Teknik-og Miljøudvalget"
    name = re.sub(r"udvalgsudvalg", "udvalg", name)  # "Kultur- og Fritidsudvalgsudvalget"
    if name == "ØU":
        return "Økonomiudvalget"
    if re.fullmatch(r"(?:Byrådsmøde|Kommunalbestyrelsesmøde)t?", name):
        return "Byrådet" if name.startswith("By") else "Kommunalbestyrelsen"
    if name.endswith(("ets", "ens")):
        name = name[:-1]
    if name == "Byråd":
        return "Byrådet"
    if name in ("Udvalget", "Udvalg"):
        return "Udvalget"
    if name in ("Fagudvalget", "Fagudvalg"):
        return "Fagudvalget"
    return name
