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

#: Lemmas of treating and deciding (verbs) and the nouns naming a decision.
TREATMENT_LEMMAS = (
    "behandle", "beslutte", "godkende", "drøfte", "vedtage", "tiltræde", "anbefale",
    "orientere", "beslutning", "behandling", "godkendelse", "drøftelse",
)  # fmt: skip

#: Political bodies as named in running text; the name's own capitalisation
#: is normalised by :func:`_body`.
BODY = re.compile(
    r"(?<![\w-])(?:"
    r"(?:[A-ZÆØÅ][\w-]*,?\s+(?:[\w-]+,?\s+){0,3}og\s+)?[A-ZÆØÅ][\w-]*udvalg(?:et|ets)?"
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
    date, _, _ = min(dates, key=lambda d: abs(d[1] - verb_at))
    bodies = list(BODY.finditer(sentence))
    body = min(bodies, key=lambda m: abs(m.start() - verb_at))
    item = _ITEM.search(sentence)
    return Reference(
        kind=ReferenceKind.PROSE,
        raw=" ".join(sentence.split()),
        body=_body(body[0]),
        date=date,
        item_number=int(item[1]) if item else None,
    )


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
