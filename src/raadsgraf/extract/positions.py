"""Named positions in a decision: who took a reservation, voted for or against,
abstained, recommended something else, or had a minority statement recorded.

- "Jakob Søgaard Clausen tog forbehold."
- "Det Konservative Folkeparti, Venstre, Radikale Venstre og Liberal Alliance tog forbehold."
- "Venstre stemte imod, og Enhedslisten undlod at stemme."
- "Maria Lundahl Assov (A), Per Mortensen (A), og Johan Müller (A) anbefaler en
  klimamålsætning på 87 pct."
- "Dansk Folkeparti kunne ikke tiltræde indstillingen og ønskede deres holdning
  ført til protokol."
- "Et flertal (A, F og Ø) anbefaler …", "Et mindretal bestående af V og C stemte imod."
- "Imod stemte 6: V og C.", "Mindretalsudtalelse fra V: …", "Ø deltog ikke i afstemningen."

A spaCy Matcher over lemmas (``spacy.blank("da")`` with lookup lemmas) finds
the stance, so "stemte", "stemmer" and "stemt" are one verb; the actors are the
sentence's subject before it: people ("Navn (A)", or a name of two or more
capitalised words) and parties (by name, national list). A committee or a bare
"et flertal" as the subject is the decision itself, not a named position; "et
flertal (A, F og Ø)" names its parties, and their positions are on the majority
side. :func:`vote_counts` reads the tally ("vedtaget med 21 stemmer mod 6").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from raadsgraf.extract.nlp import danish
from raadsgraf.extract.nlp import matcher as new_matcher
from raadsgraf.extract.people import parse_person, split_names
from raadsgraf.model import Position, Side, Stance

#: Danish parties by name (and short forms) → ballot letter.
PARTIES = {
    "socialdemokratiet": "A", "socialdemokraterne": "A", "radikale venstre": "B",
    "det radikale venstre": "B", "det konservative folkeparti": "C", "konservative": "C",
    "de konservative": "C", "nye borgerlige": "D", "socialistisk folkeparti": "F", "sf": "F",
    "liberal alliance": "I", "kristendemokraterne": "K", "moderaterne": "M",
    "dansk folkeparti": "O", "venstre": "V", "danmarksdemokraterne": "Æ", "enhedslisten": "Ø",
    "alternativet": "Å", "borgernes parti": "H", "veganerpartiet": "G", "løsgænger": None,
}  # fmt: skip

_CANDIDATE = re.compile(
    r"forbehold|stemte|stemmer|undlod|undlader|anbefale|protokol|tiltræde|mindretal|imod"
    r"|deltog\s+ikke",
    re.I,
)
#: Sentence ends — never after an initial ("John T. Olsen").
_SENTENCES = re.compile(r"(?<=[.!?])(?<!\s[A-ZÆØÅ]\.)\s+(?=[A-ZÆØÅ(])")
#: "For stemte: (V), (A) og Liselott Blixt (UP)", "Imod stemte (Ø).", "Stemte imod: F",
#: "Undlod at stemme: …", "Undlod: A" — the stance first, then the list.
_LABELLED = re.compile(
    r"^(?:(?P<a>for|imod)\s+stemte|stemte\s+(?P<b>for|imod)|(?P<c>undlod)(?:\s+at\s+stemme)?"
    r"|(?P<m>mindretalsudtalelse)\s+fra|(?P<d>for|imod)(?=\s*:))"
    r"(?:\s+(?P<n>\d{1,3})(?:\s+medlemmer)?)?\s*:?\s*(?P<list>[^:]*\S)(?::.*)?$",
    re.I,
)
#: "Liselott Blixt: Undlod." — the list first, then the stance.
_LABELLED_AFTER = re.compile(
    r"^(?P<list>[^:]{3,120}):\s*(?:(?P<c>undlod)|stemte\s+(?P<b>for|imod)|(?P<a>for|imod))\.?$",
    re.I,
)
_REMARK = re.compile(r"\s+(?:med\s+(?:\w+\s+){0,2}bemærkning|da\s|fordi\s|idet\s).*$", re.I | re.S)
_PARTY_LETTER = re.compile(r"^\(?\s*([A-ZÆØÅ]{1,3})(?:-\d)?\s*\)?$")
_MEMBER_OF = re.compile(r"^(?P<name>.+?)\s+fra\s+\((?P<party>[A-ZÆØÅ]{1,3})(?:-\d)?\)$")
_ENUMERATION = re.compile(r"^(?:\d+\.\s*)?(?:[a-z]\.\s+)?")
#: where a run-on line starts its next list: "… (UP-2) Imod stemte (Ø) og (F)",
#: "… (UP-2) (A) undlod at stemme", "Imod: Ø Undlod: F Afbud: …", "… Ikke til stede: …"
_NEXT_LABEL = re.compile(
    r"\s+(?=(?:For|Imod)\s+stemte\b|(?:For|Imod|Undlod|Afbud|Fraværende|Ikke\s+til\s+stede)\s*:"
    r"|\([A-ZÆØÅ]{1,3}\)\s+(?:undlod|undlader|stemte|stemmer)\b)"
)
_POINT = re.compile(r"^(?:ad|vedr\.?|pkt\.?|punkt)\s+[\w.]{1,6}\s*[,:]\s*", re.I)
_NAMES_SOMEONE = re.compile(r"[A-ZÆØÅ(]")
_LABEL_STANCE = {
    "for": Stance.FOR,
    "imod": Stance.AGAINST,
    "undlod": Stance.ABSTAINED,
    "mindretalsudtalelse": Stance.MINORITY,
}
#: "Et flertal (A, F og Ø)", "Et mindretal bestående af V og C", "Flertallet: A, C".
_SIDE = re.compile(
    r"^(?:et\s+|det\s+)?(?P<side>flertal|mindretal)(?:let)?\s*"
    r"(?:\((?P<paren>[^()]*(?:\([^()]*\)[^()]*)*)\)|(?:bestående\s+af|:)\s*(?P<list>.+))\s*$",
    re.I,
)
_NOT_ACTORS = re.compile(
    r"^(?:udvalget|byrådet|kommunalbestyrelsen|et\s+flertal|flertallet|mindretallet|et\s+mindretal"
    r"|administrationen|forvaltningen|alle|samtlige|\w*udvalget|\w*rådet|direktionen|de\s+øvrige)\b",
    re.I,
)

_TAKE = ["tog", "tager", "tage", "taget"]
_VOTE = ["stemte", "stemmer", "stemme", "stemt"]
_PATTERNS: dict[Stance, list[list[dict[str, Any]]]] = {
    Stance.RESERVATION: [[{"LOWER": {"IN": _TAKE}}, {"LOWER": "forbehold"}]],
    # "undlod", "undlod at stemme", "undlod at tage stilling", "undlod stillingtagen"
    Stance.ABSTAINED: [[{"LEMMA": "undlade"}], [{"LOWER": {"IN": ["undlod", "undlader"]}}]],
    Stance.NOT_VOTING: [
        [{"LOWER": "deltog"}, {"LOWER": "ikke"}, {"LOWER": "i"}, {"LOWER": "afstemningen"}],
        [{"LOWER": {"IN": ["stemte", "stemmer"]}}, {"LOWER": "ikke"}],
    ],
    Stance.FOR: [
        [{"LOWER": {"IN": _VOTE}}, {"LOWER": "for"}],
        [{"LOWER": {"IN": ["kan", "kunne"]}}, {"LEMMA": "tiltræde"}],
    ],
    Stance.AGAINST: [
        [{"LOWER": {"IN": _VOTE}}, {"LOWER": "imod"}],
        [{"LEMMA": {"IN": ["være", "er", "var"]}}, {"LOWER": "imod"}],
        [{"LOWER": {"IN": ["kan", "kunne"]}}, {"LOWER": "ikke"}, {"LEMMA": "tiltræde"}],
    ],
    Stance.MINORITY: [
        [{"LEMMA": "føre"}, {"LOWER": "til"}, {"LOWER": "protokol"}],
        [{"LOWER": {"REGEX": r"^mindretals(udtalelse|beslutning|bemærkning)"}}],
    ],
    # active forms only: "A og B anbefales" is the recommendation's options A and B
    Stance.RECOMMENDS: [[{"LOWER": {"IN": ["anbefaler", "anbefalede", "anbefale"]}}]],
}


@lru_cache(maxsize=1)
def _matcher() -> Any:
    matcher = new_matcher()
    for stance, patterns in _PATTERNS.items():
        matcher.add(stance.value, patterns)
    return matcher


Actor = tuple[str, str, str | None]


def _sided(subject: str) -> tuple[list[Actor], Side | None]:
    """The actors of a subject and the side it names ("Et flertal (A, F og Ø)")."""
    subject = subject.strip(" ,:;")
    if m := _SIDE.match(subject):
        side = Side.MAJORITY if m["side"].lower() == "flertal" else Side.MINORITY
        return _actors(m["paren"] or m["list"] or ""), side
    return _actors(subject), None


def _actors(subject: str) -> list[Actor]:
    """(name, kind, party letter) for each actor named in a sentence's subject."""
    subject = subject.strip(" ,:;")
    if not subject or _NOT_ACTORS.match(subject):
        return []
    found: list[Actor] = []
    subject = _ENUMERATION.sub("", subject)  # "2. a. Ø stemte imod"
    pieces = split_names(subject)
    for piece in pieces:
        piece = re.sub(r"^(?:og|samt)\s+", "", piece.strip())
        if letter_m := _PARTY_LETTER.match(piece):  # "(V)", "Ø", "(UP-1)"
            found.append((letter_m[1], "party", letter_m[1]))
            continue
        if member := _MEMBER_OF.match(piece):  # "Charlotte Levin fra (A)"
            found.append((member["name"], "person", member["party"]))
            continue
        key = piece.lower().removesuffix("s")  # genitive
        if piece.lower() in PARTIES or key in PARTIES:
            letter = PARTIES.get(piece.lower(), PARTIES.get(key))
            found.append((piece, "party", letter))
            continue
        person, _ = parse_person(re.sub(r"\(([A-ZÆØÅ]{1,3})-\d\)", r"(\1)", piece))  # "(UP-1)"
        words = person.name.split()
        if len(words) >= 2 and all(w[:1].isupper() for w in words if w not in {"la", "de", "von"}):
            found.append((person.name, "person", person.party))
    # a subject with anything that is neither a party nor a person is not a list of actors
    return found if len(found) == len(pieces) else []


def _labelled(sentence: str) -> list[Position]:
    """Positions from a labelled vote list, or [] when the sentence is none."""
    m = _LABELLED.match(sentence) or _LABELLED_AFTER.match(sentence)
    if not m:
        return []
    groups = m.groupdict()
    label = m["a"] or m["b"] or m["c"] or groups.get("m") or groups.get("d") or ""
    stance = _LABEL_STANCE[label.lower()]
    listing = _REMARK.sub("", m["list"]).strip(" .")
    votes = int(m["n"]) if m.groupdict().get("n") else None
    actors, side = _sided(listing)
    if stance is Stance.MINORITY:
        side = Side.MINORITY
    return [Position(n, k, stance, sentence, p, side, votes) for n, k, p in actors]


_ABBREVIATION = re.compile(
    r"\b(?:pct|kr|mio|mia|jf|bl\.a|f\.eks|ca|nr|pkt|stk|evt|inkl|ekskl|mht|vedr|m\.fl|d|kl)\.$",
    re.I,
)


def sentences(text: str) -> list[str]:
    """Sentences of a decision, not broken after "87 pct." or "jf."."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        merged: list[str] = []
        for piece in _SENTENCES.split(paragraph):
            piece = " ".join(piece.split())
            if merged and _ABBREVIATION.search(merged[-1]):
                merged[-1] = f"{merged[-1]} {piece}"
            elif piece:
                merged.append(piece)
        out.extend(merged)
    return out


def find_positions(text: str) -> tuple[Position, ...]:
    """Every named position in a decision text, in order."""
    if not _CANDIDATE.search(text):
        return ()
    nlp = danish()
    matcher = _matcher()
    positions: list[Position] = []
    for sentence in sentences(text):
        if not _CANDIDATE.search(sentence):
            continue
        # "Imod: Ø Undlod: F Afbud: …" (several labelled lists on one line), and a
        # point named first ("Ad d, Imod stemte: Ø")
        parts = [_POINT.sub("", part) for part in _NEXT_LABEL.split(sentence)]
        listed = [p for part in parts for p in _labelled(part)]
        if listed:
            positions.extend(p for p in listed if p not in positions)
            rest = " ".join(part for part in parts if not _labelled(part))
            if not _CANDIDATE.search(rest):
                continue
            doc = nlp(rest)  # "(A) undlod at stemme" after a labelled list
        else:
            doc = nlp(sentence)
        prev_end = 0
        last: tuple[list[Actor], Side | None] = ([], None)
        for match_id, start, end in sorted(matcher(doc), key=lambda m: m[1]):
            if start < prev_end:
                continue  # "stemte ikke" inside a longer match
            stance = Stance(nlp.vocab.strings[match_id])
            # the subject: the words since the previous stance ("A stemmer for, V og D
            # stemmer imod og C undlader"); none, or no actors in them, is the same
            # subject going on ("… kunne ikke tiltræde og ønskede … ført til protokol")
            subject = doc[prev_end:start].text
            subject = re.sub(r"^[\s,;]*(?:og|samt|mens|medens|,)?\s+", "", subject)
            subject = re.sub(r"\s+(?:kunne|kan|var|er|ønskede|ønsker)(?:\s+ikke)?$", "", subject)
            actors, side = _sided(subject)
            # the same subject goes on across words that name no one ("… og ønskede
            # deres holdning …"), never across a remark that names another actor
            # ("stemte imod med bemærkning om at (A) anbefaler …")
            if not actors and prev_end and not _NAMES_SOMEONE.search(subject):
                actors, side = last
            if stance is Stance.MINORITY:
                side = Side.MINORITY
            for name, kind, party in actors:
                position = Position(name, kind, stance, sentence, party, side)
                if position not in positions:
                    positions.append(position)
            last = (actors, side)
            prev_end = end
    return tuple(positions)


#: "vedtaget med 21 stemmer mod 6", "godkendt med 5 stemmer for og 2 imod",
#: "… (21 for, 6 imod, 2 undlod)", "… med 21 stemmer for, 6 imod og 2 undlod at stemme".
_TALLY = re.compile(
    r"(?P<for>\d{1,3})\s+(?:stemmer\s+)?(?:for\b)?\s*(?:,|og)?\s*(?:stemmer\s+)?"
    r"(?:mod|imod)\s+(?P<against>\d{1,3})\b"
    r"|(?P<for2>\d{1,3})\s+(?:stemmer\s+)?for\s*(?:,|og)\s*(?P<against2>\d{1,3})\s+(?:stemmer\s+)?imod",
    re.I,
)
_ABSTAINED_COUNT = re.compile(
    r"(?P<n>\d{1,3})\s+(?:medlemmer\s+)?(?:undlod|undlader|hverken)", re.I
)
_TALLY_CONTEXT = re.compile(r"vedtag|godkend|forkast|afvis|stemme|anbefal|tiltr", re.I)


def vote_counts(text: str) -> tuple[int | None, int | None, int | None]:
    """(for, against, abstained) when the decision counts the votes."""
    for sentence in sentences(text):
        m = _TALLY.search(sentence)
        if not m or not _TALLY_CONTEXT.search(sentence):
            continue
        votes_for = int(m["for"] or m["for2"])
        against = int(m["against"] or m["against2"])
        abstained = _ABSTAINED_COUNT.search(sentence[m.end() :])
        return votes_for, against, int(abstained["n"]) if abstained else None
    return None, None, None
