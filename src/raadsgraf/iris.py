"""The one place IRIs are minted, from the sources' own keys.

Re-ingesting a document yields the same IRIs, so nothing duplicates:
municipality / committee / meeting date / item number; case number;
person name + municipality; policy title + municipality.
"""

from __future__ import annotations

import re
import unicodedata

from raadsgraf.model import AgendaItem, Meeting, PolicyDocument

BASE = "https://raadsgraf.dk/id/"

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slug(text: str) -> str:
    """``"Klima- og Miljøudvalget"`` → ``"klima-og-miljoeudvalget"``."""
    text = text.translate(_DANISH)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def municipality_iri(name: str) -> str:
    return f"{BASE}kommune/{slug(name)}"


def committee_iri(municipality: str, committee: str) -> str:
    return f"{municipality_iri(municipality)}/organ/{slug(committee)}"


def meeting_iri(meeting: Meeting) -> str:
    base = committee_iri(meeting.municipality.name, meeting.committee.name)
    return f"{base}/moede/{meeting.date.isoformat()}"


def item_iri(meeting: Meeting, item: AgendaItem) -> str:
    return f"{meeting_iri(meeting)}/punkt/{item.number}"


def case_iri(municipality: str, case_number: str) -> str:
    return f"{municipality_iri(municipality)}/sag/{slug(case_number)}"


def person_iri(municipality: str, name: str) -> str:
    return f"{municipality_iri(municipality)}/person/{slug(name)}"


def policy_iri(policy: PolicyDocument) -> str:
    owner = policy.municipality.name if policy.municipality else "ukendt"
    return f"{municipality_iri(owner)}/politik/{slug(policy.title)}"
