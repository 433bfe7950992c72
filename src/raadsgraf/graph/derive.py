"""Links across documents, derived in the store after every ingest.

One document cannot see another, so what needs the whole corpus lives in its
own named graph (:data:`raadsgraf.graph.vocab.DERIVED_GRAPH`), rebuilt from scratch
each time a source changes:

* ``rg:inCorpus`` on every treatment: true when some source describes it,
  false for a placeholder known only from a reference;
* ``rg:treatsPolicy``: an agenda item whose title names a policy's topic and
  period (:func:`raadsgraf.graph.topics.matches`), in the policy's municipality, and
  every treatment linked to such an item by a reference or a shared case;
* the policy's hearing draft (``eli:Expression``) when such an item is about
  the hearing ("høring" in its title), used by that treatment;
* one ``skos:prefLabel`` per body, from the names the sources use;
* references that name only a meeting, resolved to the treatment of the
  citing item's case at that meeting;
* the materialised shortcuts of :mod:`raadsgraf.graph.shortcuts` (``rg:treatedBy``,
  ``rg:decisionOutcome``, ``rg:caseTreatment``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import PROV, RDF, SKOS, XSD

from raadsgraf import iris
from raadsgraf.graph.shortcuts import shortcut_quads
from raadsgraf.graph.sparql import is_true
from raadsgraf.graph.store import GraphBackend
from raadsgraf.graph.topics import Topic, matches, topic
from raadsgraf.graph.vocab import DERIVED_GRAPH, ELI, RG, sparql_prologue
from raadsgraf.graph.walk import walk

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


def _policies(store: GraphBackend) -> Iterator[tuple[str, str, str, str, Topic]]:
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


def _treatments(store: GraphBackend) -> dict[str, tuple[str, str | None, bool]]:
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


def _resolved_meeting_references(store: GraphBackend, g: ox.NamedNode) -> list[ox.Quad]:
    """A reference naming only a meeting ("Sagens forløb: 17-01-2022 Økonomiudvalget")
    names the treatment of the citing item's own case at that meeting, once the
    meeting is in the store: the reference gets that treatment as a second
    ``prov:influencer``, and the citing treatment an ``rg:referencesTreatment``."""
    q = (
        sparql_prologue()
        + """
    SELECT DISTINCT ?t ?r ?u ?earlier WHERE {
      ?t rg:reference ?r ; eli-dl:forms_part_of ?c ; eli-dl:activity_date ?td .
      ?r prov:influencer ?z . ?z a besluit:Zitting ; besluit:behandelt ?a .
      ?u dct:subject ?a ; eli-dl:forms_part_of ?c ; eli-dl:activity_date ?ud .
      FILTER(?u != ?t)
      BIND(?ud < ?td AS ?earlier)
    }"""
    )
    quads = []
    for row in store.select(q):
        t, r, u = row["t"], row["r"], row["u"]
        quads.append(ox.Quad(r, _n(PROV.influencer), u, g))
        quads.append(ox.Quad(t, _n(RG.referencesTreatment), u, g))
        if is_true(_value(row["earlier"])):
            quads.append(ox.Quad(t, _n(RG.earlierTreatment), u, g))
    return quads


def _body_labels(store: GraphBackend, g: ox.NamedNode) -> list[ox.Quad]:
    """One ``skos:prefLabel`` per body: the name most sources use (``rdfs:label``),
    the longer on a tie (the spelling with its punctuation: "Klima-, Teknik- og …")."""
    q = (
        sparql_prologue()
        + """
    SELECT ?c ?l (COUNT(DISTINCT ?src) AS ?n) WHERE {
      GRAPH ?src { ?c a besluit:Bestuursorgaan ; rdfs:label ?l }
    } GROUP BY ?c ?l"""
    )
    best: dict[str, tuple[int, int, str, object]] = {}
    for row in store.select(q):
        c, label = _value(row["c"]), row["l"]
        key = (int(_value(row["n"])), len(_value(label)), _value(label), label)
        if c not in best or key[:3] > best[c][:3]:
            best[c] = key
    return [ox.Quad(_n(c), _n(SKOS.prefLabel), k[3], g) for c, k in sorted(best.items())]  # type: ignore[arg-type]


def derived_quads(store: GraphBackend) -> tuple[list[ox.Quad], DeriveReport]:
    g = _n(DERIVED_GRAPH)
    quads: list[ox.Quad] = []
    treatments = _treatments(store)
    for t, (_, _, in_corpus) in treatments.items():
        quads.append(ox.Quad(_n(t), _n(RG.inCorpus), _TRUE if in_corpus else _FALSE, g))
    links = 0
    for p, _title, m, _mlabel, policy_topic in _policies(store):
        direct = {
            t
            for t, (tm, title, _) in treatments.items()
            if tm == m and title and matches(policy_topic, title)
        }
        if not direct:
            continue
        for t in sorted(walk(store, sorted(direct))):
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
    resolved = _resolved_meeting_references(store, g)
    quads += resolved
    quads += _body_labels(store, g)
    quads += shortcut_quads(store, resolved)
    placeholders = sum(1 for _, _, c in treatments.values() if not c)
    return quads, DeriveReport(len(treatments), placeholders, links)


def refresh(store: GraphBackend) -> DeriveReport:
    """Rebuild the derived graph from everything in the store."""
    quads, report = derived_quads(store)
    store.replace_graph(str(DERIVED_GRAPH), quads)
    return report
