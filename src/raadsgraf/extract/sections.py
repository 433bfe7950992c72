"""Section headings of agenda items and what kind of section each is.

Publishing systems word the same section differently ("Sagsfremstilling",
"Sagens indhold", "Sagsbeskrivelse"); the kind is what later stages use.
"""

from __future__ import annotations

import re

#: kind → headings (lower-case, without trailing colon). Order matters only for
#: documentation; lookups are exact after normalisation.
SECTION_KINDS: dict[str, tuple[str, ...]] = {
    "summary": (
        "sammendrag", "resume", "resumé", "kort fortalt", "beslutningstema", "formål",
        "præsentation",
    ),
    "background": ("baggrund", "historik", "baggrund og historik"),
    "case": (
        "sagsfremstilling", "sagens indhold", "sagsbeskrivelse", "beskrivelse", "indhold",
        "sagen", "sagsfremstilling og vurdering", "vurdering", "administrationens vurdering",
        "fremstilling",
    ),
    "recommendation": (
        "indstilling", "forslag", "administrationens indstilling", "indstillinger",
        "beslutningspunkter", "forvaltningen foreslår", "forvaltningens forslag",
    ),
    "decision": ("beslutning", "beslutninger", "afgørelse", "udvalgets beslutning"),
    "economy": (
        "økonomiske konsekvenser og finansiering", "økonomiske konsekvenser", "økonomi",
        "økonomi og finansiering", "bevillingsmæssige konsekvenser",
        "økonomi og organisatoriske konsekvenser",
    ),
    "attachments": ("bilag", "bilag til sagen", "vedlagte bilag"),
    "decided_by": (
        "beslutningen træffes af", "beslutningskompetence", "kompetence", "sagen afgøres i",
        "sagen afgøres af", "afgøres af", "beslutningsniveau",
    ),
    "signatures": ("underskriftsside", "underskrifter", "underskrift"),
    "earlier_treatment": (
        "tidligere behandling", "tidligere beslutninger", "tidligere politisk behandling",
        "politisk behandling", "punktet behandlet tidligere",
    ),
    "decision_history": ("beslutningshistorik",),
    "case_history": ("sagens forløb", "sagsforløb"),
    "legal_basis": (
        "lovgrundlag", "lovgivning", "retsgrundlag", "hjemmel", "lovhjemmel", "juridisk grundlag",
        "juridiske forhold", "lovgrundlag og hjemmel",
    ),
    "hearing": ("høring", "høringssvar", "høringsvar", "høringsperiode"),
    "participants": ("yderligere deltagelse på mødet", "deltagere", "yderligere deltagelse"),
    "process": (
        "den videre proces", "videre proces", "tidsplan", "proces", "sagsprocedure", "sagsproces",
        "procedure", "den efterfølgende proces", "proces og tidsplan", "tidsplan og proces",
    ),
    "consequences": (
        "konsekvenser", "øvrige konsekvenser", "konsekvensvurdering", "personalemæssige konsekvenser",
        "organisatoriske konsekvenser", "administrative konsekvenser",
    ),
    "communication": ("kommunikation", "kommunikation og inddragelse"),
    "responsible": ("ansvarlig",),
    "duration": ("tid",),
    "climate": ("klimakonsekvenser", "klima- og miljømæssige konsekvenser", "bæredygtighed"),
}  # fmt: skip

_BY_HEADING = {h: kind for kind, headings in SECTION_KINDS.items() for h in headings}
_NOISE = re.compile(r"[#*_`]+")
#: "Beslutning i Udvalget for plan, udvikling og kultur (PUK) den 10-04-2013":
#: systems that carry a case's earlier decisions along with each new treatment.
_DATE = r"(?P<date>[\d\-./]+\d|\d{1,2}\.\s*\w+\s+\d{4})"
_ITEM_NO = r"(?:\s*[,.]?\s*(?:punkt|pkt\.?)\s*\d{1,4})?"
DATED_DECISION = re.compile(
    r"^(?:beslutning|afgørelse)\s+(?:i|fra|truffet\s+af)\s+(?P<body>.+?)\s+(?:den|d\.)\s+"
    + _DATE
    + _ITEM_NO
    + r"\s*:?$",
    re.I,
)
#: "Økonomiudvalgets beslutning den 12.03.2013 Punkt 5", "Byrådets beslutning",
#: "Udvalget for Teknik og Miljøs beslutning den 4. marts 2013": the body in
#: the genitive, with or without the date and item number
GENITIVE_DECISION = re.compile(
    r"^(?P<body>(?:Udvalget\s+for\s+[^:]{2,60}?"
    r"|[A-ZÆØÅ][\wæøå,-]*(?:\s+(?:og\s+)?[A-ZÆØÅ\d§][\wæøå,.-]*)*?"
    r"(?:udvalget|udvalg|[Bb]yrådet|[Bb]yråd|rådet|[Rr]åd|bestyrelsen|[Mm]agistraten"
    r"|[Bb]orgmesteren|forsamlingen))s)"
    r"\s+(?:[Bb]eslutning|[Aa]fgørelse)(?:\s+(?:den|d\.)\s+"
    + _DATE
    + r")?"
    + _ITEM_NO.replace("punkt|pkt", "[Pp]unkt|[Pp]kt")
    + r"\s*:?$"
)
#: a proposal printed after the decision ("BESLUTNINGSFORSLAG FRA SF",
#: "Borgerforslag", "Forslag fra V, KF og LA om …"): it ends the decision
_PROPOSAL = re.compile(
    r"^(?:(?:beslutnings|borger|medborger|ændrings)forslag(?:et)?(?:\s+fra\b.*)?"
    r"|forslag\s+fra\s+(?:[a-zæøå]{1,3}|borger\w*|partie\w*)\b(?:\s*(?:,|og)\s*[a-zæøå]{1,3}\b)*.*)$"
)


def decision_body(heading: str) -> str | None:
    """The body of a dated or genitive decision heading, in the nominative."""
    m = DATED_DECISION.match(heading)
    if m:
        return m["body"]
    m = GENITIVE_DECISION.match(heading)
    if m:
        body = m["body"][:-1]
        return body[:-1] if body.endswith("'") else body
    return None


def decision_date(heading: str) -> str | None:
    m = DATED_DECISION.match(heading) or GENITIVE_DECISION.match(heading)
    return m["date"] if m and m["date"] else None


def normalise_heading(text: str) -> str:
    """ "### **Beslutning**" → "Beslutning"; "Beslutning:" → "Beslutning"."""
    text = _NOISE.sub("", text)
    return " ".join(text.split()).strip(" :")


#: "Supplerende indstilling", "Ny supplerende sagsfremstilling": a later addition
#: to a section is still that section.
_SUPPLEMENT = re.compile(r"^(?:ny\s+)?(?:supplerende|revideret|opdateret|ændret)\s+")
#: "Administrationen indstiller", "Børne- og Ungeforvaltningen indstiller".
_RECOMMENDS = re.compile(r"^[\wæøå\- ]*(?:administration|forvaltning|direktion)\w*\s+indstiller$")


def section_kind(heading: str) -> str | None:
    """The kind of a section heading, or None when it is not a known heading."""
    key = normalise_heading(heading).lower()
    kind = _BY_HEADING.get(key) or _BY_HEADING.get(_SUPPLEMENT.sub("", key))
    if kind:
        return kind
    if _RECOMMENDS.match(key):
        return "recommendation"
    # "Yderligere deltagelse på Socialudvalgets møde" and similar open-ended headings
    if key.startswith("yderligere deltagelse"):
        return "participants"
    if key.startswith("beslutning truffet af") or key.startswith("beslutningshistorik"):
        return "decision_history"
    if (
        DATED_DECISION.match(key)
        or GENITIVE_DECISION.match(normalise_heading(heading))
        or (
            key
            in {"udvalgets beslutning", "byrådets beslutning", "kommunalbestyrelsens beslutning"}
        )
    ):
        return "decision"  # the caller tells this meeting's decision from earlier ones
    if _PROPOSAL.match(key) and len(key) <= 120:
        return "proposal"
    return None
