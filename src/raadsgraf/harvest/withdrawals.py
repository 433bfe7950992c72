"""What a harvest records beside the sources: meetings and items withdrawn
from a portal, as triples for the portal's own named graph (docs/graph.md)."""

from __future__ import annotations

import datetime as dt
import hashlib

from rdflib import RDF, SDO, XSD, Literal, URIRef
from rdflib.term import Node

from raadsgraf.graph.vocab import BESLUIT, RG
from raadsgraf.harvest.log import HarvestLog

Triple = tuple[Node, Node, Node]


def _date(iso: str) -> Literal:
    return Literal(dt.date.fromisoformat(iso[:10]), datatype=XSD.date)


def withdrawal_triples(log: HarvestLog) -> list[Triple]:
    """Every withdrawal the log holds, in a stable order."""
    out: list[Triple] = []
    dcterms_title = URIRef("http://purl.org/dc/terms/title")
    for meeting in sorted(log.meetings.values(), key=lambda m: m.id):
        z = URIRef(meeting.iri)
        if meeting.withdrawn:
            out.append((z, RG.withdrawnOn, _date(meeting.withdrawn)))
        for item in meeting.items.values():
            if not item.withdrawn:
                continue
            a = URIRef(item.iri)
            out += [
                (z, BESLUIT.behandelt, a),
                (a, RDF.type, BESLUIT.Agendapunt),
                (a, dcterms_title, Literal(item.title, lang="da")),
                (a, SDO.position, Literal(item.number)),
                (a, BESLUIT.geplandOpenbaar, Literal(item.is_open)),
                (a, RG.withdrawnOn, _date(item.withdrawn)),
            ]
    return out


def triples_sha(triples: list[Triple]) -> str:
    text = "\n".join(" ".join(t.n3() for t in triple) for triple in triples)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
