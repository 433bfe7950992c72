"""Named votes and reservations in a decision's text.

Danish minutes record votes in a few fixed turns of phrase, which this module
reads into :class:`~raadsgraf.model.Vote` records (the decision text itself is
kept unchanged):

- labelled lists: "For stemte: (V), (A), (C) og Liselott Blixt (UP)",
  "Imod stemte (Ø).", "Stemte imod: (F)", "Undlod at stemme: …" — the list may
  follow on the next line;
- a subject and a verb: "John T. Olsen (A) stemte imod", "(F) undlod at tage
  stilling", "Bjarke Abel (A) og Claus Dyremose (C) undlod stillingtagen",
  "Solveig Munk kunne ikke tiltræde indstillingen", "Jakob Søgaard Clausen tog
  forbehold", "Liselott Blixt: Undlod.";
- counts: "Med stemmerne 19 for og 1 imod godkendte Byrådet …".

A subject that is a political body ("Økonomiudvalget anbefaler", "Byrådet
godkendte") is the deciding body, not a vote, and is never read as one.
"""

from __future__ import annotations

import dataclasses
import re

from raadsgraf.extract.people import parse_person, split_names
from raadsgraf.model import Decision, Person, Vote, VotePosition

_POSITIONS = {
    "for": VotePosition.FOR,
    "imod": VotePosition.AGAINST,
    "undlod": VotePosition.ABSTAINED,
    "forbehold": VotePosition.RESERVATION,
}
#: "For stemte: …", "Imod stemte …", "Stemte imod: …", "Undlod at stemme: …"
_LABELLED = re.compile(
    r"^\s*(?:(?P<a>for|imod)\s+stemte|stemte\s+(?P<b>for|imod)|(?P<c>undlod)\s+at\s+stemme)"
    r"\s*:?\s*(?P<list>.*)$",
    re.IGNORECASE,
)
#: "<subject> stemte imod", "<subject> undlod at tage stilling", "<subject> tog forbehold" …
_VERB = re.compile(
    r"(?P<subject>(?:[^.:;!?]|(?<=\s[A-ZÆØÅ])\.){1,300}?)\s*:?\s+(?:"
    r"stemte\s+(?P<a>for|imod)\b"
    r"|(?P<b>undlod)\b(?:\s+at\s+(?:stemme|tage\s+stilling)|\s+stillingtagen)?"
    r"|kunne\s+(?P<neg>ikke\s+)?tiltræde\b"
    r"|(?:tog|tager)\s+(?P<c>forbehold)\b"
    r")",
    re.IGNORECASE,
)
_COUNTS = re.compile(r"med\s+stemmerne\s+(\d{1,3})\s+for\s+og\s+(\d{1,3})\s+imod", re.IGNORECASE)
#: Subjects that are the deciding body or a general phrase, not voters.
_NOT_VOTERS = re.compile(
    r"(?:udvalg(?:et)?|byråd(?:et)?|kommunalbestyrelsen|regionsrådet|magistraten|flertal"
    r"|mindretal|administrationen|forvaltningen|partierne|medlemmerne|alle|ingen|der)\b",
    re.IGNORECASE,
)
_NUMBERED_PARTY = re.compile(r"\(([A-ZÆØÅ]{1,3})-\d\)")
_PARTY_ONLY = re.compile(r"^\(?\s*([A-ZÆØÅ]{1,3})\s*\)?$")
_PARTY_NAMES = (
    "Socialdemokratiet", "Venstre", "Det Konservative Folkeparti", "Konservative",
    "Socialistisk Folkeparti", "SF", "Enhedslisten", "Radikale Venstre", "Dansk Folkeparti",
    "Liberal Alliance", "Moderaterne", "Danmarksdemokraterne", "Alternativet",
    "Nye Borgerlige", "Borgernes Parti",
)  # fmt: skip
#: Sentence ends; never after an initial ("John T. Olsen").
_SENTENCES = re.compile(r"(?<=[.!?])(?<!\s[A-ZÆØÅ]\.)\s+(?=[A-ZÆØÅ(])")
_REMARK = re.compile(
    r"\s+(?:med\s+(?:bemærkning|følgende|en\s+mindretals)|da\s|fordi\s).*$", re.I | re.S
)


def find_votes(text: str) -> tuple[Vote, ...]:
    """Every vote the decision text records, in order."""
    votes: list[Vote] = []
    lines = [ln.strip() for ln in text.splitlines()]
    for i, line in enumerate(lines):
        if not line:
            continue
        m = _COUNTS.search(line)
        if m:
            votes.append(Vote(VotePosition.FOR, m[0], count=int(m[1])))
            votes.append(Vote(VotePosition.AGAINST, m[0], count=int(m[2])))
        for sentence in _SENTENCES.split(line):
            labelled = _labelled(sentence, lines[i + 1 :])
            if labelled is not None:
                votes.append(labelled)
            else:
                votes.extend(_with_verb(sentence))
    return tuple(votes)


def with_votes(decision: Decision) -> Decision:
    """The decision with the votes its raw text records."""
    return dataclasses.replace(decision, votes=find_votes(decision.raw))


def _labelled(sentence: str, following: list[str]) -> Vote | None:
    m = _LABELLED.match(sentence)
    if not m:
        return None
    position = _POSITIONS[(m["a"] or m["b"] or m["c"]).lower()]
    listing = m["list"].strip()
    if not listing:  # "Imod stemte:" with the list on the next line
        listing = next((ln for ln in following if ln), "")
    return _vote(position, listing, sentence if m["list"].strip() else f"{sentence} {listing}")


def _with_verb(sentence: str) -> list[Vote]:
    """Votes told as subject + verb; one sentence may hold several
    ("Tina Rotbøll (A) stemte for, Linda Heegaard (F) stemte imod.")."""
    found: list[Vote] = []
    for m in _VERB.finditer(sentence):
        subject = m["subject"].strip(" ,")
        # keep only the list right before the verb: "…, hvorefter X (A) stemte imod"
        subject = re.split(r"\b(?:men|mens|og\s+at|hvorefter)\s+", subject)[-1]
        if not subject or _NOT_VOTERS.search(subject) or len(subject) > 250:
            continue
        if m["a"]:
            position = _POSITIONS[m["a"].lower()]
        elif m["b"]:
            position = VotePosition.ABSTAINED
        elif m["c"]:
            position = VotePosition.RESERVATION
        else:
            position = VotePosition.AGAINST if m["neg"] else VotePosition.FOR
        vote = _vote(position, subject, " ".join(sentence.split()))
        if vote is not None:
            found.append(vote)
    return found


def _vote(position: VotePosition, listing: str, raw: str) -> Vote | None:
    listing = _REMARK.sub("", listing).strip(" .,:")
    listing = _NUMBERED_PARTY.sub(r"(\1)", listing)  # "(UP-1)": list 1 of a split party
    listing = re.sub(r"\)\s+(?=[A-ZÆØÅ(])", "), ", listing)  # "Genning (V) Hans-Jørgen …"
    voters: list[Person] = []
    parties: list[str] = []
    for piece in split_names(listing):
        piece = piece.strip(" .")
        party = _PARTY_ONLY.match(piece)
        if party:
            parties.append(party[1])
            continue
        if piece in _PARTY_NAMES:
            parties.append(piece)
            continue
        person, _ = parse_person(piece)
        words = person.name.split()
        # a member's name: two to six capitalised words ("Hans-Jørgen Hammer Kirstein")
        if 2 <= len(words) <= 6 and all(w[:1].isupper() for w in words if len(w) > 2):
            voters.append(person)
    if not voters and not parties:
        return None
    return Vote(position, " ".join(raw.split()), tuple(voters), tuple(parties))
