"""Materialised shortcuts: long paths the analyst queries walk for every item, stored
as one triple each in the derived graph.

Oxigraph answers a corpus-wide aggregate by one index lookup per triple pattern
and row (a few µs each), so a query over every treatment costs about as many
lookups as its patterns. Three paths recur in nearly every question about items;
each is stored here as a single property, declared in ``ontology/raadsgraf.ttl``
with the path it abbreviates (``owl:propertyChainAxiom``):

* ``rg:treatedBy`` — treatment → body that held the meeting:
  ``dct:subject / ^besluit:behandelt / besluit:isGehoudenDoor``;
* ``rg:decisionOutcome`` — treatment → outcome concept: ``prov:generated / rg:outcome``;
* ``rg:caseTreatment`` — case → its treatments and the treatments they refer to:
  ``^eli-dl:forms_part_of / rg:referencesTreatment?``.

They are rebuilt with the rest of the derived graph after every ingest, from the
sources' own graphs plus the references the derived graph itself resolves — never from the previous derived graph, which may be stale.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from raadsgraf.graph.store import GraphBackend
from raadsgraf.graph.vocab import DERIVED_GRAPH, RG, sparql_prologue


def _pairs(store: GraphBackend, body: str) -> set[tuple[ox.NamedNode, ox.NamedNode]]:
    pairs = set()
    for row in store.select(sparql_prologue() + f"SELECT ?s ?o WHERE {{ {body} }}"):
        s, o = row["s"], row["o"]
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
            pairs.add((s, o))
    return pairs


def shortcut_quads(store: GraphBackend, derived: Iterable[ox.Quad] = ()) -> list[ox.Quad]:
    """The shortcut triples for everything in ``store``, in the derived graph.

    ``derived`` are the quads about to be written to the derived graph alongside;
    their ``rg:referencesTreatment`` links count.
    """
    g = ox.NamedNode(str(DERIVED_GRAPH))
    treated_by = _pairs(
        store, "?s dct:subject ?a . ?z besluit:behandelt ?a . ?z besluit:isGehoudenDoor ?o ."
    )
    outcome = _pairs(store, "?s prov:generated ?d . ?d rg:outcome ?o .")
    steps = _pairs(store, "?o eli-dl:forms_part_of ?s .")
    # references stated by a source (the derived graph's own, from an earlier
    # refresh, are replaced by ``extra_references``)
    references = _pairs(
        store,
        f"GRAPH ?g {{ ?s rg:referencesTreatment ?o }} FILTER(?g != <{DERIVED_GRAPH}>)",
    )
    references_treatment = ox.NamedNode(str(RG.referencesTreatment))
    references.update(
        (q.subject, q.object)
        for q in derived
        if q.predicate == references_treatment
        and isinstance(q.subject, ox.NamedNode)
        and isinstance(q.object, ox.NamedNode)
    )
    cited: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for t, u in references:
        cited.setdefault(t, set()).add(u)
    case_treatments = set(steps)
    for case, t in steps:
        case_treatments.update((case, u) for u in cited.get(t, ()))
    quads = [ox.Quad(s, ox.NamedNode(str(RG.treatedBy)), o, g) for s, o in treated_by]
    quads += [ox.Quad(s, ox.NamedNode(str(RG.decisionOutcome)), o, g) for s, o in outcome]
    quads += [ox.Quad(s, ox.NamedNode(str(RG.caseTreatment)), o, g) for s, o in case_treatments]
    return quads
