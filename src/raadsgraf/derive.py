"""Links across documents, derived in the store after every ingest.

One document cannot see another, so what needs the whole corpus lives in its
own named graph (:data:`raadsgraf.vocab.DERIVED_GRAPH`), rebuilt from scratch
each time a source changes:

* ``rg:inCorpus`` on every treatment: true when some source describes it,
  false for a placeholder known only from a reference;
* ``rg:treatsPolicy``: an agenda item whose title names a policy's topic and
  period (:func:`raadsgraf.topics.matches`), in the policy's municipality, and
  every treatment linked to such an item by a reference or a shared case;
* the policy's hearing draft (``eli:Expression``) when such an item is about
  the hearing ("høring" in its title), used by that treatment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import PROV, RDF, XSD

from raadsgraf import iris
from raadsgraf.store import GraphStore
from raadsgraf.topics import Topic, matches, topic
from raadsgraf.vocab import DERIVED_GRAPH, ELI, RG, sparql_prologue

_TRUE = ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean)))
_FALSE = ox.Literal("false", datatype=ox.NamedNode(str(XSD.boolean)))
_HEARING = "høring"


@dataclass(frozen=True, slots=True)
class DeriveReport:
    treatments: int
    placeholders: int
    policy_links: int


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _value(term: object) -> str:
    return str(getattr(term, "value", term))


def _policies(store: GraphStore) -> Iterator[tuple[str, str, str, str, Topic]]:
    q = (
        sparql_prologue()
        + """
    SELECT ?p ?title ?m ?mlabel ?start ?end WHERE {
      ?p a rg:Policy ; eli:title ?title ; dct:publisher ?m .
      ?m skos:prefLabel ?mlabel .
      OPTIONAL { ?p schema:startDate ?start ; schema:endDate ?end }
    }"""
    )
    for row in store.select(q):
        period = None
        if row["start"] is not None and row["end"] is not None:
            period = (int(_value(row["start"])), int(_value(row["end"])))
        title = _value(row["title"])
        yield (
            _value(row["p"]),
            title,
            _value(row["m"]),
            _value(row["mlabel"]),
            topic(title, _value(row["mlabel"]), period),
        )


def _treatments(store: GraphStore) -> dict[str, tuple[str, str | None, bool]]:
    """treatment → (municipality IRI, title, described by a source)."""
    q = (
        sparql_prologue()
        + """
    SELECT ?t ?m ?title ?src WHERE {
      ?t a besluit:BehandelingVanAgendapunt ; dct:subject ?a .
      ?z besluit:behandelt ?a ; besluit:isGehoudenDoor/besluit:bestuurt ?m .
      OPTIONAL { ?a dct:title ?title }
      OPTIONAL { ?t dct:source ?src }
    }"""
    )
    out: dict[str, tuple[str, str | None, bool]] = {}
    for row in store.select(q):
        t = _value(row["t"])
        title = _value(row["title"]) if row["title"] is not None else None
        old = out.get(t)
        in_corpus = row["src"] is not None or (old is not None and old[2])
        out[t] = (_value(row["m"]), title or (old[1] if old else None), in_corpus)
    return out


def _neighbours(store: GraphStore) -> dict[str, set[str]]:
    """Treatments linked by a reference (either way) or by a shared case."""
    q = (
        sparql_prologue()
        + """
    SELECT ?a ?b WHERE {
      { ?a rg:referencesTreatment ?b }
      UNION
      { ?a eli-dl:forms_part_of ?c . ?b eli-dl:forms_part_of ?c . FILTER(?a != ?b) }
    }"""
    )
    graph: dict[str, set[str]] = defaultdict(set)
    for row in store.select(q):
        a, b = _value(row["a"]), _value(row["b"])
        graph[a].add(b)
        graph[b].add(a)
    return graph


def _closure(start: set[str], graph: dict[str, set[str]]) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def derived_quads(store: GraphStore) -> tuple[list[ox.Quad], DeriveReport]:
    g = _n(DERIVED_GRAPH)
    quads: list[ox.Quad] = []
    treatments = _treatments(store)
    for t, (_, _, in_corpus) in treatments.items():
        quads.append(ox.Quad(_n(t), _n(RG.inCorpus), _TRUE if in_corpus else _FALSE, g))
    links = 0
    neighbours: dict[str, set[str]] | None = None
    for p, _title, m, _mlabel, policy_topic in _policies(store):
        direct = {
            t
            for t, (tm, title, _) in treatments.items()
            if tm == m and title and matches(policy_topic, title)
        }
        if not direct:
            continue
        if neighbours is None:
            neighbours = _neighbours(store)
        for t in sorted(_closure(direct, neighbours)):
            quads.append(ox.Quad(_n(t), _n(RG.treatsPolicy), _n(p), g))
            links += 1
        hearing = sorted(t for t in direct if _HEARING in (treatments[t][1] or "").lower())
        if hearing:
            e = _n(iris.policy_expression_iri(p, "høringsudkast"))
            quads += [
                ox.Quad(e, _n(RDF.type), _n(ELI.Expression), g),
                ox.Quad(e, _n(ELI.realizes), _n(p), g),
                ox.Quad(_n(p), _n(ELI.is_realized_by), e, g),
                ox.Quad(e, _n(RG.versionStage), _n(iris.version_stage_iri("høringsudkast")), g),
            ]
            quads += [ox.Quad(_n(t), _n(PROV.used), e, g) for t in hearing]
    placeholders = sum(1 for _, _, c in treatments.values() if not c)
    return quads, DeriveReport(len(treatments), placeholders, links)


def refresh(store: GraphStore) -> DeriveReport:
    """Rebuild the derived graph from everything in the store."""
    quads, report = derived_quads(store)
    store.replace_graph(str(DERIVED_GRAPH), quads)
    return report
