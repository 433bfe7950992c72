"""The ontology's terms as code: a typo in a term name fails at import, not in a query.

Standard vocabularies first (OSLO besluit, ELI, ELI-DL, W3C ORG/person, Dublin
Core, PROV-O, SKOS, schema.org); ``RG`` holds raadsgraf's own terms, each tied
to a standard one in ``ontology/raadsgraf.ttl``.
"""

from __future__ import annotations

from rdflib import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SDO, SKOS, XSD, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from raadsgraf import iris


class BESLUIT(DefinedNamespace):
    """Flemish OSLO *besluit* (decisions of local government)."""

    _NS = Namespace("http://data.vlaanderen.be/ns/besluit#")
    _fail = True

    Zitting: URIRef  # a meeting (møde)
    Agendapunt: URIRef  # an agenda item (dagsordenspunkt)
    BehandelingVanAgendapunt: URIRef  # the treatment of an item in one meeting
    Besluit: URIRef  # a decision
    Bestuursorgaan: URIRef  # a political body (udvalg, byråd)
    Bestuurseenheid: URIRef  # a municipality
    behandelt: URIRef  # Zitting → Agendapunt
    isGehoudenDoor: URIRef  # Zitting → Bestuursorgaan
    bestuurt: URIRef  # Bestuursorgaan → Bestuurseenheid
    heeftAanwezige: URIRef  # BehandelingVanAgendapunt → present person
    heeftAanwezigeBijStart: URIRef  # Zitting → present person
    geplandOpenbaar: URIRef  # Agendapunt → boolean
    openbaar: URIRef  # BehandelingVanAgendapunt → boolean


class ELI(DefinedNamespace):
    """European Legislation Identifier ontology."""

    _NS = Namespace("http://data.europa.eu/eli/ontology#")
    _fail = True

    Work: URIRef
    Expression: URIRef
    LegalResource: URIRef
    title: URIRef
    is_realized_by: URIRef
    realizes: URIRef
    passed_by: URIRef
    date_document: URIRef
    repeals: URIRef


class ELI_DL(DefinedNamespace):
    """ELI extension for draft legislation: processes and their activities."""

    _NS = Namespace("http://data.europa.eu/eli/eli-draft-legislation-ontology#")
    _fail = True

    LegislativeProcess: URIRef
    Activity: URIRef
    forms_part_of: URIRef
    activity_date: URIRef
    process_id: URIRef


class PERSON(DefinedNamespace):
    """W3C Person vocabulary."""

    _NS = Namespace("http://www.w3.org/ns/person#")
    _fail = True

    Person: URIRef


class RG(DefinedNamespace):
    """raadsgraf's own terms, only where no standard term fits."""

    _NS = Namespace("https://raadsgraf.dk/ontology#")
    _fail = True

    # classes
    Case: URIRef
    Policy: URIRef
    Absence: URIRef
    Recommendation: URIRef
    TreatmentReference: URIRef
    PlannedTreatment: URIRef  # a coming step an item names: not held, never a treatment
    Outcome: URIRef
    ReferenceKind: URIRef
    VersionStage: URIRef
    Position: URIRef
    Stance: URIRef
    Section: URIRef
    SectionKind: URIRef
    Attachment: URIRef
    RecommendationPoint: URIRef
    Official: URIRef
    Side: URIRef
    AmbiguousPerson: URIRef
    # properties
    referencesTreatment: URIRef
    earlierTreatment: URIRef
    referencesMeeting: URIRef
    plannedTreatment: URIRef
    plannedBy: URIRef
    construction: URIRef
    referredTo: URIRef
    reference: URIRef
    absentee: URIRef
    absence: URIRef
    absentPerson: URIRef
    absenceReason: URIRef
    recommendation: URIRef
    recommendedBy: URIRef
    outcome: URIRef
    treatsPolicy: URIRef
    mentionsPolicy: URIRef
    inCorpus: URIRef
    withdrawnOn: URIRef
    kleFacet: URIRef
    versionStage: URIRef
    referencedTitle: URIRef
    position: URIRef
    heldBy: URIRef
    stance: URIRef
    attachment: URIRef
    recommendedReading: URIRef
    point: URIRef
    attestedAt: URIRef
    side: URIRef
    votes: URIRef
    votesFor: URIRef
    votesAgainst: URIRef
    votesAbstained: URIRef
    propagatedFrom: URIRef
    ambiguity: URIRef
    # materialised shortcuts (derived graph; raadsgraf.graph.shortcuts)
    treatedBy: URIRef
    decisionOutcome: URIRef
    caseTreatment: URIRef


#: Named graph holding the ontology and the concept schemes in a store.
ONTOLOGY_GRAPH = URIRef(iris.ONTOLOGY_GRAPH)
#: Named graph holding what is derived across documents (policy links, in-corpus flags).
DERIVED_GRAPH = URIRef(iris.DERIVED_GRAPH)
#: Named graph flagging person IRIs that may stand for several people (graph/identity.py).
IDENTITY_GRAPH = URIRef(iris.IDENTITY_GRAPH)

#: Prefixes bound on every graph raadsgraf writes and offered to SPARQL queries.
PREFIXES: dict[str, str] = {
    "besluit": str(BESLUIT._NS),
    "eli": str(ELI._NS),
    "eli-dl": str(ELI_DL._NS),
    "person": str(PERSON._NS),
    "rg": str(RG._NS),
    "dct": str(DCTERMS),
    "prov": str(PROV),
    "skos": str(SKOS),
    "org": str(ORG),
    "foaf": str(FOAF),
    "schema": str(SDO),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}


def sparql_prologue() -> str:
    """``PREFIX`` lines for every prefix in :data:`PREFIXES`."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
