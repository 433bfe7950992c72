"""The app's words: plain Danish for what the graph stores as notations and kinds.

A politician reads "tidligere behandling", "nævnt i teksten", "drøftet",
"1 behandling", "29.01.2024" — never a notation, a model name, a file name or a
command. Every page formats counts, dates, outcomes and link kinds through here,
so one place decides the wording and tests can hold the pages to it.
"""

from __future__ import annotations

import datetime as dt

#: Danish labels of the outcome notations (as ontology/raadsgraf.ttl's skos:prefLabel@da).
OUTCOMES = {
    "godkendt": "godkendt",
    "godkendt-med-bemaerkninger": "godkendt med bemærkninger",
    "indstilles-til-godkendelse": "indstilles til godkendelse",
    "taget-til-efterretning": "taget til efterretning",
    "droeftet": "drøftet",
    "udsat": "udsat",
    "oversendt": "oversendt",
    "afvist": "afvist",
    "andet": "andet",
}

#: How a treatment was reached in a history, as a council secretary says it.
LINKS = {
    "start": "dette punkt",
    "sag": "samme sagsnummer",
    "tidligere-behandling": "tidligere behandling",
    "beslutningshistorik": "beslutningshistorik",
    "sagens-forloeb": "sagens forløb",
    "prosa": "nævnt i teksten",
    "vedtagelse": "vedtagelse",
    "oversendt": "oversendt",
}

#: Nouns with their plural, for counts ("1 behandling", "3 behandlinger").
PLURALS = {
    "behandling": "behandlinger",
    "møde": "møder",
    "punkt": "punkter",
    "række": "rækker",
    "fund": "fund",
    "fil": "filer",
    "udvalg": "udvalg",
    "kommune": "kommuner",
    "udgave": "udgaver",
    "dagsordenspunkt": "dagsordenspunkter",
    "henvisning": "henvisninger",
}

#: Shown for a meeting known only because another item refers to it.
ONLY_MENTIONED = "kun nævnt"
ONLY_MENTIONED_LONG = "kun nævnt i et andet referat; mødets eget referat er ikke indlæst"


def count(n: int, noun: str) -> str:
    """``count(1, "behandling")`` → "1 behandling", ``count(3, ...)`` → "3 behandlinger"."""
    return f"{n} {noun if n == 1 else PLURALS.get(noun, noun)}"


def date(value: dt.date | None, missing: str = "ukendt dato") -> str:
    """The one date format on every page: dd.mm.åååå."""
    return value.strftime("%d.%m.%Y") if value else missing


def outcome(notation: str | None, label: str | None = None) -> str:
    """An outcome in words; a notation the app does not know is shown without hyphens."""
    if not notation:
        return "ingen beslutning"
    return OUTCOMES.get(notation) or label or notation.replace("-", " ")


def link(kind: str | None) -> str:
    """How a treatment in a history was found, in words."""
    if not kind:
        return "henvisning"
    return LINKS.get(kind, kind.replace("-", " "))


def source(committee: str | None, when: dt.date | None, *, has_decision: bool) -> str:
    """The source as a reader knows it: "referat fra Socialudvalget 07.11.2023"."""
    kind = "referat" if has_decision else "dagsorden"
    parts = [kind, "fra", committee or "et udvalg"]
    if when:
        parts.append(date(when))
    return " ".join(parts)
