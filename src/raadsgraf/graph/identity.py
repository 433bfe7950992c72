"""People who share a name: flagged, not silently merged.

A person's IRI comes from name + municipality (:func:`raadsgraf.iris.person_iri`):
stable, and what a name in a decision's text can mint. Two people with one
name in one municipality therefore share an IRI. Where one source names them
with different parties they are told apart there (the build gives each a
party-qualified IRI); across sources the evidence is the parties the sources
give a name, and when: after each ingest this module finds every person IRI
that the sources give two or more parties and flags it in its own named graph,
``https://raadsgraf.dk/graph/identity``::

    <…/person/jens-hansen> a rg:AmbiguousPerson ;
        rg:ambiguity "partierne A og V samme dag (2024-03-13): to personer"@da .

Parties are compared by their national ballot letter, so "S" and "A" (both
Socialdemokratiet), "SF" and "F", "K" and "C" … are one party. A person seen
with two parties on one day is two people; parties in turn are a party switch
or two people, which the sources do not tell — both are flagged, neither is
merged away nor split by guesswork.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF

from raadsgraf.graph.store import GraphBackend
from raadsgraf.graph.vocab import IDENTITY_GRAPH, RG
from raadsgraf.iris import party_letter

_PEOPLE = """
PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT DISTINCT ?p ?n ?d WHERE {
  GRAPH ?g { ?p org:memberOf ?party . ?party skos:notation ?n .
             ?z a besluit:Zitting ; dct:date ?d ; dct:source ?src }
}"""


@dataclass(frozen=True, slots=True)
class Conflict:
    person: str
    reason: str

    def __str__(self) -> str:
        return f"{self.person}: {self.reason}"


def conflicts(store: GraphBackend) -> list[Conflict]:
    """Person IRIs the sources give two or more parties, with why."""
    seen: dict[str, dict[str, set[dt.date]]] = defaultdict(lambda: defaultdict(set))
    for row in store.select(_PEOPLE):
        try:
            day = dt.date.fromisoformat(row["d"].value[:10])
        except ValueError:
            continue
        seen[row["p"].value][party_letter(row["n"].value)].add(day)
    out = []
    for person, parties in sorted(seen.items()):
        if len(parties) < 2:
            continue
        by_day: dict[dt.date, set[str]] = defaultdict(set)
        for letter, days in parties.items():
            for day in days:
                by_day[day].add(letter)
        same = sorted(day for day, letters in by_day.items() if len(letters) > 1)
        if same:
            letters = " og ".join(sorted(by_day[same[0]]))
            reason = f"partierne {letters} samme dag ({same[0].isoformat()}): to personer"
        else:
            spans = ", ".join(
                f"{letter} ({min(days).isoformat()}–{max(days).isoformat()})"
                for letter, days in sorted(parties.items(), key=lambda kv: min(kv[1]))
            )
            reason = f"partierne {spans}: partiskift eller flere personer"
        out.append(Conflict(person, reason))
    return out


def refresh(store: GraphBackend) -> list[Conflict]:
    """Rebuild the identity graph from everything in the store."""
    found = conflicts(store)
    graph = ox.NamedNode(str(IDENTITY_GRAPH))
    quads = []
    for c in found:
        node = ox.NamedNode(c.person)
        quads.append(
            ox.Quad(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RG.AmbiguousPerson)), graph)
        )
        quads.append(
            ox.Quad(
                node, ox.NamedNode(str(RG.ambiguity)), ox.Literal(c.reason, language="da"), graph
            )
        )
    store.replace_graph(str(IDENTITY_GRAPH), quads)
    return found
