"""The one place IRIs are minted, from the sources' own keys.

Re-ingesting a document yields the same IRIs, so nothing duplicates:
municipality / committee / meeting date / item number; case number;
person name + municipality; policy title + municipality.

Names are normalised before they become keys, so that the ways Danish minutes
name one body ("Socialudvalget", "Socialudvalgets møde", "Byråd 2022-2025",
"Byrådet") mint one IRI. The rules are grammatical (genitive -s, the definite
article, a trailing "møde", an electoral period), never a list of known names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

from raadsgraf.model import AgendaItem, Meeting, Outcome, PolicyDocument, ReferenceKind, Stance

BASE = "https://raadsgraf.dk/id/"
GRAPH_BASE = "https://raadsgraf.dk/graph/"

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slug(text: str) -> str:
    """``"Klima- og Miljøudvalget"`` → ``"klima-og-miljoeudvalget"``."""
    text = text.translate(_DANISH)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# --- name normalisation ------------------------------------------------------

_SPACES = re.compile(r"\s+")
# "Byråd 2022-2025", "Kommunalbestyrelsen (2022-2025)": the electoral period names
# the same body, so it is not part of its key.
_PERIOD = re.compile(r"\s*\(?\b(19|20)\d\d\s*[-–]\s*(19|20)\d\d\)?\s*$")
# "Klima- og Miljøudvalgets møde", "Socialudvalget, mødet": the meeting, not the body.
_MEETING_WORD = re.compile(r"[\s,]+(?:møde|mødet|moede)\s*$", re.IGNORECASE)
_LEADING_ARTICLE = re.compile(r"^(?:i|på|fra|til|af)\s+", re.IGNORECASE)
# Head nouns of Danish political bodies: indefinite form → its definite suffix.
_DEFINITE = (
    ("kommunalbestyrelse", "n"),
    ("regionsråd", "et"),
    ("byråd", "et"),
    ("udvalg", "et"),
    ("bestyrelse", "n"),
    ("råd", "et"),
    ("nævn", "et"),
)


def _ends_with_body_noun(lower: str) -> bool:
    return any(
        lower.endswith((noun, noun + "s", noun + suffix, noun + suffix + "s"))
        for noun, suffix in _DEFINITE
    )


def committee_name(name: str) -> str:
    """The canonical (definite, nominative) name of a political body.

    ``"Klima- og Miljøudvalgets møde"`` → ``"Klima- og Miljøudvalget"``,
    ``"Byråd 2022-2025"`` → ``"Byrådet"``, ``"Socialudvalgets"`` → ``"Socialudvalget"``.
    """
    text = _SPACES.sub(" ", name).strip(" .,:;")
    text = _LEADING_ARTICLE.sub("", text)
    text = _MEETING_WORD.sub("", text)
    # Only a period right after the body's head noun names the body's term
    # ("Byråd 2022-2025"); "helhedsplan 2025-2029" is part of a committee's name.
    without_period = _PERIOD.sub("", text).strip(" .,:;")
    if _ends_with_body_noun(without_period.lower()):
        text = without_period
    lower = text.lower()
    for noun, suffix in _DEFINITE:
        definite = noun + suffix
        # genitive of the definite form: "udvalgets" → "udvalget"
        if lower.endswith(definite + "s"):
            return text[:-1]
        if lower.endswith(definite):
            return text
        if lower.endswith(noun + "s") and not lower.endswith(noun + "ss"):
            return text[:-1] + suffix
        if lower.endswith(noun):
            return text + suffix
    return text


def municipality_name(name: str) -> str:
    """``"Ballerup Kommune"`` / ``"Ballerup"`` → ``"Ballerup"``: the municipality's key.

    Only the word Kommune/Kommunes/Region is dropped; a genitive -s on the town
    name is kept, since some town names end in -s (Halsnæs).
    """
    text = _SPACES.sub(" ", name).strip()
    return re.sub(r"\s+(?:kommunes?|regions?)$", "", text, flags=re.IGNORECASE) or text


# --- IRIs of things in the sources ---------------------------------------------


def municipality_iri(name: str) -> str:
    return f"{BASE}kommune/{slug(municipality_name(name))}"


def committee_iri(municipality: str, committee: str) -> str:
    return f"{municipality_iri(municipality)}/organ/{slug(committee_name(committee))}"


def meeting_iri_for(municipality: str, committee: str, date: dt.date) -> str:
    return f"{committee_iri(municipality, committee)}/moede/{date.isoformat()}"


def meeting_iri(meeting: Meeting) -> str:
    """A meeting by committee and date; a committee's second (third …) meeting
    that day adds its start time (``…/moede/2025-09-08T1730``), so that the
    common case — one meeting a day — keeps the date's IRI."""
    base = meeting_iri_for(meeting.municipality.name, meeting.committee.name, meeting.date)
    return f"{base}T{meeting.sitting}" if meeting.sitting else base


def sitting_of(start: dt.time) -> str:
    """The suffix a later meeting of the same day gets: its start, ``HHMM``."""
    return f"{start.hour:02d}{start.minute:02d}"


def sittings(starts: set[dt.time | None]) -> dict[dt.time | None, str | None]:
    """Start times of one committee's meetings on one day → their sitting: the
    earliest (and a meeting whose start is unknown) keeps the date's IRI
    (None); each later one is told apart by its start time."""
    known = sorted(t for t in starts if t is not None)
    out: dict[dt.time | None, str | None] = {t: sitting_of(t) for t in known[1:]}
    out.update(dict.fromkeys([*known[:1], None]))
    return out


def item_iri_for(municipality: str, committee: str, date: dt.date, number: int) -> str:
    return f"{meeting_iri_for(municipality, committee, date)}/punkt/{number}"


def item_iri(meeting: Meeting, item: AgendaItem) -> str:
    return f"{meeting_iri(meeting)}/punkt/{item.number}"


def treatment_iri_for(municipality: str, committee: str, date: dt.date, number: int) -> str:
    """The treatment (behandling) of item ``number`` at one meeting.

    A reference to a meeting that is not in the corpus mints this same IRI, so a
    later ingest of that meeting fills the placeholder in.
    """
    return f"{item_iri_for(municipality, committee, date, number)}/behandling"


def treatment_iri(meeting: Meeting, item: AgendaItem) -> str:
    return f"{item_iri(meeting, item)}/behandling"


def decision_iri(treatment: str) -> str:
    return f"{treatment}/beslutning"


def recommendation_iri(treatment: str) -> str:
    return f"{treatment}/indstilling"


def position_iri(decision: str, index: int) -> str:
    return f"{decision}/holdning/{index}"


def propagated_position_iri(position: str, person: str) -> str:
    """A member's position derived from their party's (``position``)."""
    return f"{position}/medlem/{slug(person_key(person))}"


def reference_iri(treatment: str, index: int) -> str:
    return f"{treatment}/henvisning/{index}"


def planned_treatment_iri(treatment: str, key: int | str) -> str:
    """A planned (future) step the treatment's text names: reference ``key`` (its
    1-based index among the item's references) or ``"oversendt"`` (the referral in
    its decision)."""
    return f"{treatment}/planlagt/{key}"


def section_iri(owner: str, position: int) -> str:
    """Section ``position`` (1-based, source order) of an item or a policy.

    The owner's IRI plus the position: a re-ingest of the same file yields the
    same IRIs, and a changed file replaces its own sections with its graph.
    """
    return f"{owner}/afsnit/{position}"


def attachment_iri(item: str, position: int) -> str:
    """Attachment (bilag) ``position`` (1-based, as listed) of an item."""
    return f"{item}/bilag/{position}"


def recommendation_point_iri(recommendation: str, position: int) -> str:
    """Numbered point ``position`` of a recommendation (indstilling)."""
    return f"{recommendation}/led/{position}"


def absence_iri(holder: str, municipality: str, person: str) -> str:
    return f"{holder}/fravaer/{slug(person_key(person))}"


def case_iri(municipality: str, case_number: str) -> str:
    return f"{municipality_iri(municipality)}/sag/{slug(case_number)}"


def person_key(name: str) -> str:
    """A person's name without the party letter or role the minutes append."""
    text = re.sub(r"\s*\([^)]*\)", "", name)
    return _SPACES.sub(" ", text).strip(" ,.")


def person_iri(municipality: str, name: str, party: str | None = None) -> str:
    """A person by name and municipality; ``party`` only where one source names
    two people alike with different parties (``…/person/jens-hansen-v``)."""
    base = f"{municipality_iri(municipality)}/person/{slug(person_key(name))}"
    return f"{base}-{slug(party_letter(party))}" if party else base


#: Abbreviations the minutes use for a party → its national ballot letter
#: (the letters Danish parties stand for election under, nationally).
PARTY_LETTERS = {
    "S": "A",  # Socialdemokratiet
    "SOC": "A",
    "RV": "B",  # Radikale Venstre
    "R": "B",
    "K": "C",  # Det Konservative Folkeparti
    "KF": "C",
    "SF": "F",  # SF – Socialistisk Folkeparti
    "LA": "I",  # Liberal Alliance
    "DF": "O",  # Dansk Folkeparti
    "EL": "Ø",  # Enhedslisten
    "OE": "Ø",
    "ALT": "Å",  # Alternativet
    "AA": "Å",
    "NB": "D",  # Nye Borgerlige
    "DD": "Æ",  # Danmarksdemokraterne
    "AE": "Æ",
}


def party_letter(notation: str) -> str:
    text = notation.strip().upper().rstrip(".")
    return PARTY_LETTERS.get(text, text)


def role_iri(municipality: str, role: str) -> str:
    """A role as the minutes word it ("formand", "næstformand"), per municipality."""
    return f"{municipality_iri(municipality)}/rolle/{slug(role)}"


def association_iri(holder: str, person: str) -> str:
    """How ``person`` took part in ``holder`` (a meeting or a treatment): their role."""
    return f"{holder}/rolle/{slug(person_key(person))}"


def membership_iri(committee: str, person: str) -> str:
    """``person``'s membership of a committee (IRI), one for every meeting that shows it."""
    return f"{committee}/medlemskab/{slug(person_key(person))}"


def party_iri(municipality: str, letter: str) -> str:
    return f"{municipality_iri(municipality)}/parti/{slug(letter)}"


def policy_iri(policy: PolicyDocument) -> str:
    owner = policy.municipality.name if policy.municipality else "ukendt"
    return f"{municipality_iri(owner)}/politik/{slug(policy.title)}"


def policy_expression_iri(policy: str, stage: str) -> str:
    return f"{policy}/udgave/{slug(stage)}"


def replaced_policy_iri(municipality: str, topic: str, year: int) -> str:
    """A policy known only as "the strategy on ``topic`` from ``year``"."""
    return f"{municipality_iri(municipality)}/politik/{slug(topic)}-{year}"


# --- concept schemes -----------------------------------------------------------

KLE_SUBJECTS = f"{BASE}kle/emne"
KLE_FACETS = f"{BASE}kle/facet"
OUTCOMES = f"{BASE}udfald"
REFERENCE_KINDS = f"{BASE}henvisning"
VERSION_STAGES = f"{BASE}udgave"
STANCES = f"{BASE}holdning"
SECTION_KINDS = f"{BASE}afsnit"

#: Section kind (``Section.kind``, the extract layer's key) → its concept's notation
#: in the section-kind scheme. A kind not listed here becomes "andet" (other).
SECTION_KIND_NOTATIONS: dict[str, str] = {
    "summary": "sammendrag",
    "background": "baggrund",
    "case": "sagsfremstilling",
    "recommendation": "indstilling",
    "decision": "beslutning",
    "earlier_decision": "tidligere-beslutning",
    "economy": "oekonomi",
    "attachments": "bilag",
    "decided_by": "beslutningskompetence",
    "signatures": "underskrifter",
    "earlier_treatment": "tidligere-behandling",
    "decision_history": "beslutningshistorik",
    "case_history": "sagens-forloeb",
    "legal_basis": "lovgrundlag",
    "hearing": "hoering",
    "participants": "deltagere",
    "process": "videre-proces",
    "communication": "kommunikation",
    "responsible": "ansvarlig",
    "duration": "tid",
    "climate": "klimakonsekvenser",
    "consequences": "konsekvenser",
    "policy": "politikafsnit",
    "other": "andet",
}
#: notation → section kind, for readers that turn the graph back into records.
SECTION_KIND_BY_NOTATION = {n: k for k, n in SECTION_KIND_NOTATIONS.items()}


def kle_subject_iri(notation: str) -> str:
    """KLE subject (emne) by its notation only: ``00.22.04``."""
    return f"{KLE_SUBJECTS}/{notation}"


def kle_facet_iri(notation: str) -> str:
    """KLE action facet (handlingsfacet) by its notation only: ``I00``."""
    return f"{KLE_FACETS}/{notation.upper()}"


# The enum constructors accept the members and their plain-string values alike:
# records that went through a string-mapping pass may carry either.
def outcome_iri(outcome: Outcome | str) -> str:
    return f"{OUTCOMES}/{Outcome(outcome).value}"


def reference_kind_iri(kind: ReferenceKind | str) -> str:
    return f"{REFERENCE_KINDS}/{ReferenceKind(kind).value}"


def side_iri(side: str) -> str:
    """The majority/minority concept (``model.Side`` value)."""
    return f"{BASE}side/{side}"


def stance_iri(stance: Stance | str) -> str:
    return f"{STANCES}/{Stance(stance).value}"


def section_kind_iri(kind: str) -> str:
    """The section-kind concept of ``Section.kind``; unknown kinds are "other"."""
    notation = SECTION_KIND_NOTATIONS.get(kind, SECTION_KIND_NOTATIONS["other"])
    return f"{SECTION_KINDS}/{notation}"


def version_stage_iri(stage: str) -> str:
    return f"{VERSION_STAGES}/{slug(stage)}"


#: The store's own named graphs: the ontology, what is derived from the whole graph,
#: identity flags, KL's subject titles, and the union a SPARQL server is loaded with.
ONTOLOGY_GRAPH = f"{GRAPH_BASE}ontology"
DERIVED_GRAPH = f"{GRAPH_BASE}derived"
IDENTITY_GRAPH = f"{GRAPH_BASE}identity"
KLE_GRAPH = f"{GRAPH_BASE}kle"
UNION_GRAPH = f"{GRAPH_BASE}union"


def feed_iri(kind: str, key: str) -> str:
    """The Atom id of a feed of ``kind`` ("committee", "search" …) about ``key``."""
    return f"https://raadsgraf.dk/feed/{slug(kind)}/{key}"


def source_graph_iri(key: str) -> str:
    """The named graph holding everything read from one source file."""
    return f"{GRAPH_BASE}kilde/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:20]}"


def harvest_graph_iri(portal_folder: str) -> str:
    """The named graph holding what a harvest of one portal records beside the
    sources (withdrawn meetings and items); ``portal_folder`` is its host folder."""
    return f"{GRAPH_BASE}hoest/{slug(portal_folder)}"


def withdrawn_item_iri(meeting: str, portal_item_id: str) -> str:
    """A withdrawn item whose number a current item of the same meeting now has."""
    return f"{meeting}/punkt/tilbagetrukket/{slug(portal_item_id)}"
