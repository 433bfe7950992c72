"""Counts for the search filters."""

from __future__ import annotations

from collections import Counter

from raadsgraf.graph.store import GraphBackend
from raadsgraf.query.views.records import Facets
from raadsgraf.query.views.sparql import _i, _rows

# --- facets -----------------------------------------------------------------------------


def body_labels(store: GraphBackend) -> dict[str, str]:
    """Every municipality and political body the store holds, IRI → its label (the
    one ``skos:prefLabel``; the least when a body has several), in one query: what
    search facets show for a hit's municipality and committee, without asking per hit."""
    rows = _rows(
        store,
        """SELECT ?b (MIN(?l) AS ?label) WHERE {
          { ?b a besluit:Bestuurseenheid } UNION { ?b a besluit:Bestuursorgaan }
          ?b skos:prefLabel ?l
        } GROUP BY ?b""",
    )
    return {str(r["b"]): str(r["label"]) for r in rows if r["label"] is not None}


def facets(store: GraphBackend) -> Facets:
    """Counts of agenda items described by a source, per municipality, committee, outcome, year.

    Grouped by body IRI with one label each (MIN): a body can carry several
    spellings of its name, and the counts must not split over them.
    """
    rows = _rows(
        store,
        """SELECT ?org (MIN(?cl) AS ?c) (MIN(?ml) AS ?m) ?on ?y (COUNT(DISTINCT ?a) AS ?n) WHERE {
          ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?org . ?a dct:source ?src .
          ?org skos:prefLabel ?cl . OPTIONAL { ?org besluit:bestuurt/skos:prefLabel ?ml }
          ?t dct:subject ?a . OPTIONAL { ?t eli-dl:activity_date ?date }
          OPTIONAL { ?t prov:generated/rg:outcome/skos:notation ?on }
          BIND(YEAR(?date) AS ?y)
        } GROUP BY ?org ?on ?y""",
    )
    labels = {
        str(r["on"]): str(r["l"])
        for r in _rows(
            store,
            """SELECT ?on (MIN(?label) AS ?l) WHERE { ?o a rg:Outcome ; skos:notation ?on ;
                 skos:prefLabel ?label FILTER(LANG(?label) = "da") } GROUP BY ?on""",
        )
    }
    munis: Counter[str] = Counter()
    comms: Counter[str] = Counter()
    outs: Counter[str] = Counter()
    years: Counter[int] = Counter()
    bodies: set[tuple[str, str | None]] = set()
    for r in rows:
        n = _i(r["n"]) or 0
        if r["m"]:
            munis[str(r["m"])] += n
        comms[str(r["c"])] += n
        bodies.add((str(r["c"]), str(r["m"]) if r["m"] else None))
        if r["on"]:
            outs[str(r["on"])] += n
        if (y := _i(r["y"])) is not None:
            years[y] += n
    return Facets(
        municipalities=tuple(sorted(munis.items())),
        committees=tuple(sorted(comms.items())),
        outcomes=tuple((o, labels.get(o, o), n) for o, n in sorted(outs.items())),
        years=tuple(sorted(years.items())),
        bodies=tuple(sorted(bodies, key=lambda b: (b[0], b[1] or ""))),
    )
