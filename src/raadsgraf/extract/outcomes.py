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
        r"|indstiller\s+til\s+(?:by|kommunal)")),
    (Outcome.POSTPONED, re.compile(
        r"\budsat\b|\budsættes\b|ny\s+sag\s+(?:forelægges|fremlægges)|\bgenoptages\b")),
    (Outcome.REJECTED, re.compile(r"\bafvist\b|\bafvises\b|ikke\s+godkendt|\bforkastet\b")),
    (Outcome.REFERRED, re.compile(
        r"\boversend(?:t|es)\b|sendes\s+(?:tilbage|videre)|henvis(?:t|es)\s+til")),
    (Outcome.APPROVED_WITH_REMARKS, re.compile(
        r"godkend(?:t|es)\s+med\s+(?:de\s+)?(?:følgende\s+|disse\s+|faldne\s+)?"
        r"(?:bemærkning|ændring|tilføjelse|præcisering)")),
    (Outcome.NOTED, re.compile(
        r"tag(?:et|es|er)\s+til\s+(?:efterretning|orientering)|til\s+efterretning"
        r"|orienter(?:ingen|et|es)\b")),
    (Outcome.APPROVED, re.compile(
        r"\bgodkend(?:t|es|te)\b|\bvedtag(?:et|es)\b|\bvedtog\b|\bbevilget\b"
        r"|\ber\s+enige\s+om\b|\bbesluttede\b|(?<!ikke\s)\bkunne\s+tiltræde\b|\btiltrådt\b")),
    (Outcome.DISCUSSED, re.compile(r"\bdrøft(?:et|ede|es|ede)\b|\bdrøftelse\b")),
]  # fmt: skip

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


def make_decision(raw: str) -> Decision:
    """A Decision with its outcome class, the named positions in it and the vote count."""
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
    )
