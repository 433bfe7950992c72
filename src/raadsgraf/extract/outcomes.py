"""The outcome class of a decision (beslutning), read from its wording.

The first clause decides: a decision usually opens with its verdict
("Indstillingen godkendt", "Taget til efterretning med disse bemærkninger:"),
and what follows are remarks. Rules are ordered: the more specific first.
"""

from __future__ import annotations

import dataclasses
import re

from raadsgraf.extract.positions import find_positions, vote_counts
from raadsgraf.model import Decision, Outcome, Position, Side, Stance

_RULES: list[tuple[Outcome, re.Pattern[str]]] = [
    (Outcome.RECOMMENDED, re.compile(
        r"indstilles?\s+til\s+(?:\w+\s+){0,2}godkendelse|anbefal(?:es|er|et|ede)\b"
        r"|\bindstilles\s+godkendt\b"
        r"|indstiller\s+til\s+(?:by|kommunal)")),
    (Outcome.POSTPONED, re.compile(
        r"\budsat\b|\budsættes\b|ny\s+sag\s+(?:forelægges|fremlægges)|\bgenoptages\b")),
    (Outcome.REJECTED, re.compile(r"\bafvist\b|\bafvises\b|ikke\s+godkendt|\bforkastet\b")),
    (Outcome.REFERRED, re.compile(
        r"\b(?:over|frem|videre|tilbage)send(?:t|es|te)\b|\bsendes\s+(?:tilbage|videre)\b"
        r"|\bsendte\s+sagen\s+(?:tilbage\s+)?til\s+(?:\w+)?behandling\b"
        r"|\bhenvis(?:t|es)\s+til\s+(?:videre\s+)?(?:behandling\s+i\s+)?(?!bilag|sag|notat|indstilling)[a-zæøå]")),
    (Outcome.APPROVED_WITH_REMARKS, re.compile(
        r"godkend(?:t|es)\s+med\s+(?:de\s+)?(?:følgende\s+|disse\s+|faldne\s+|aftalte\s+|nævnte\s+)?"
        r"(?:bemærkning|ændring|tilføjelse|præcisering|(?:korrektur)?rettelse)")),
    (Outcome.NOTED, re.compile(
        r"tag(?:et|es|er)\s+til\s+(?:efterretning|orientering)|til\s+efterretning"
        r"|orienter(?:ingen|et|es|ede)\b")),
    (Outcome.APPROVED, re.compile(
        r"\bgodkend(?:t|es|te)\b|\bvedtag(?:et|es)\b|\bvedtog\b|\bbevilget\b"
        r"|\ber\s+enige\s+om\b|\bbesluttede\b|(?<!ikke\s)\bkunne\s+tiltræde\b|\btiltrådt\b")),
    (Outcome.DISCUSSED, re.compile(r"\bdrøft(?:et|ede|es|ede)\b|\bdrøftelse\b")),
]  # fmt: skip

#: verdicts that close a discussion, told after it
_FINAL = re.compile(
    r"(?P<postponed>\budsat\b|\budsætte\b|\budsættes\b)|(?P<rejected>\bafvist\b|\bafvises\b)"
    r"|(?P<referred>\b(?:over|frem|videre|tilbage)send(?:t|es|te)\b)"
)
_FINAL_OUTCOME = {
    "postponed": Outcome.POSTPONED,
    "rejected": Outcome.REJECTED,
    "referred": Outcome.REFERRED,
}
_REMARKS = re.compile(r"\bmed\s+(?:de\s+|disse\s+|følgende\s+)?(?:\w+\s+){0,3}bemærkning", re.I)
_POINT_PREFIX = re.compile(
    r"^\s*(?:at\s+\d+|ad\s+\d+|pkt\.?\s*\d+|punkt\s+\d+|indstillingens\s+punkt\s+\d+(?:\s*-\s*\d+)?)"
    r"\s*[:.]\s*",
    re.IGNORECASE,
)


def _first_clause(text: str) -> str:
    """The opening sentence, with point prefixes ("At 1:", "Pkt. 2:") removed."""
    for line in text.splitlines():
        line = _POINT_PREFIX.sub("", line).strip()
        if line:
            return re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])", line)[0].lower()
    return ""


def classify(text: str) -> Outcome:
    clause = _first_clause(text)
    # the earliest verdict in the opening sentence; rule order breaks ties
    hits = [(m.start(), i) for i, (_, p) in enumerate(_RULES) if (m := p.search(clause))]
    if hits:
        outcome = _RULES[min(hits)[1]][0]
        if outcome is Outcome.DISCUSSED and (final := _FINAL.search(text.lower())):
            # "… hvorefter udvalget drøftede sagen. Udvalget besluttede herefter at
            # udsætte sagens behandling": a discussion that ended in a verdict
            return _FINAL_OUTCOME[final.lastgroup or ""]
        if outcome is Outcome.APPROVED and _REMARKS.search(clause):
            # only an approval with remarks has a class of its own; "taget til
            # efterretning med bemærkninger" stays NOTED
            return Outcome.APPROVED_WITH_REMARKS
        return outcome
    # No verdict in the first clause (a narrative decision): the earliest verdict
    # anywhere in the text wins.
    whole = text.lower()
    hits = [(m.start(), i) for i, (_, p) in enumerate(_RULES) if (m := p.search(whole))]
    return _RULES[min(hits)[1]][0] if hits else Outcome.OTHER


def clean(raw: str) -> str:
    """Whitespace-normalised text, paragraphs kept."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw.strip())]
    return "\n\n".join(p for p in paragraphs if p)


_ADOPTED = {Outcome.APPROVED, Outcome.APPROVED_WITH_REMARKS, Outcome.RECOMMENDED}


def with_sides(positions: tuple[Position, ...], outcome: Outcome) -> tuple[Position, ...]:
    """A vote for or against gets its side from the outcome when the text names none:
    against an adopted proposal is the minority, against a rejected one the majority."""
    if outcome not in _ADOPTED and outcome is not Outcome.REJECTED:
        return positions
    won = Stance.FOR if outcome in _ADOPTED else Stance.AGAINST
    out = []
    for p in positions:
        if p.side is None and p.stance in (Stance.FOR, Stance.AGAINST):
            side = Side.MAJORITY if p.stance is won else Side.MINORITY
            p = dataclasses.replace(p, side=side)
        out.append(p)
    return tuple(out)


#: the receiving body of a referral: "Fremsendes til Teknisk Udvalg til
#: behandling", "Tilbagesendes Borgmesterens Afdeling", "videresendes til Byrådet",
#: "Sagen oversendes til videre behandling i Økonomiudvalget"
_SUFFIX = (
    r"(?:[Uu]dvalg(?:et)?|[Bb]yråd(?:et)?|[Kk]ommunalbestyrelsen|[Rr]egionsråd(?:et)?"
    r"|[Mm]agistrat(?:en)?|[Aa]fdeling(?:en)?|[Ff]orvaltning(?:en)?|[Dd]irektion(?:en)?|[Rr]åd(?:et)?"
    r"|[Aa]dministration(?:en)?|[Bb]estyrelse(?:n)?)"
)
_CAP = r"[A-ZÆØÅ][\wæøå-]*"
_REFERRAL = re.compile(
    r"\b(?i:(?:over|frem|videre|tilbage)send(?:es|t|te)|sendes\s+(?:tilbage|videre)|henvis(?:es|t)"
    r"|sendte\s+sagen\s+(?:tilbage\s+)?til\s+\w*behandling\s+i)"
    # "Fremsendes med ændringsforslaget fra … af 22. januar 2025 til X": a few words between
    r"(?:\s+(?!til\b)(?:\d{1,2}\.|[^\s.;:]+)){0,20}?"
    r"\s+(?i:til\s+)?(?i:videre\s+|fornyet\s+|politisk\s+)?(?i:behandling\s+i\s+)?"
    r"(?i:(?:det|den)\s+)?"
    r"(?P<body>"
    # "Magistratsafdelingen for Teknik og Miljø", "Udvalget for Plan, Udvikling og Kultur"
    rf"[A-ZÆØÅ][\wæøå-]*{_SUFFIX}\s+for\s+{_CAP}(?:(?:,\s*|\s+og\s+){_CAP})*"
    # "Klima-, Teknik- og Miljøudvalget", "Aarhus Byråd", "Borgmesterens Afdeling", "byrådet"
    rf"|(?:{_CAP},?\s+(?:og\s+)?){{0,4}}[\wæøåÆØÅ-]*{_SUFFIX}"
    r")\b"
)


_SENDER = re.compile(r"\b(?:af|fra)\s+(?:det\s+|den\s+)?$", re.IGNORECASE)


def referred_to(text: str) -> str | None:
    """The body a decision sends the case to, when it is a referral or return."""
    text = " ".join(text.split())
    # "høringssvaret fremsendt af DH-medlemmerne af Handicaprådet": the body named after
    # "af" or "fra" is who sent something, not where the case goes
    m = next(
        (m for m in _REFERRAL.finditer(text) if not _SENDER.search(text, 0, m.start("body"))),
        None,
    )
    if not m:
        return None
    body = m["body"].strip(" ,.")
    return body[:1].upper() + body[1:]


#: what a decision field holds when there is no decision: nothing, a dash, "Beslutning
#: ikke frigivet", or only the absences ("Afbud: Kenneth Jerkel")
_NO_DECISION = re.compile(
    r"^(?:tomt indhold|beslutning ikke frigivet|ingen beslutning)?[\s.\-–]*$", re.I
)
_ABSENCE_ONLY = re.compile(
    r"^\W*(?:afbud|fraværende|fravær|ikke til stede|ikke mødt|deltog ikke)\W*:.*$", re.I | re.M
)


def is_decision(raw: str) -> bool:
    """Does the text decide anything, once absence lines are set aside?"""
    return _NO_DECISION.match(_ABSENCE_ONLY.sub("", raw).strip()) is None


def decision_or_none(raw: str) -> Decision | None:
    """A Decision, unless the field holds no decision (see :func:`is_decision`)."""
    return make_decision(raw) if is_decision(raw) else None


def make_decision(raw: str) -> Decision:
    """A Decision with its outcome class, the named positions in it, the vote count
    and, for a referral, the body it goes to."""
    text = clean(raw)
    outcome = classify(raw)
    votes_for, against, abstained = vote_counts(text)
    return Decision(
        text=text,
        outcome=outcome,
        raw=raw.strip(),
        positions=with_sides(find_positions(text), outcome),
        votes_for=votes_for,
        votes_against=against,
        votes_abstained=abstained,
        referred_to=referred_to(text),
    )
