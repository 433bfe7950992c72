"""KL's KLE XML → titles for the KLE concepts in a store.

The graph names KLE concepts by notation only (KL's titles are licensed). A
user with a licence loads the official files — ``KLE-Emneplan`` (Hovedgruppe /
Gruppe / Emne, each with ``…Nr`` and ``…Titel``) and ``KLE-Handlingsfacetter``
(HandlingsfacetKategori / Handlingsfacet) — into the named graph
:data:`KLE_GRAPH`; a new load replaces the old one. Elements are matched by
local name, so namespaced and plain files both work.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from lxml import etree  # type: ignore[import-untyped]

from raadsgraf import iris
from raadsgraf.errors import SourceError

KLE_GRAPH = iris.KLE_GRAPH
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# element → (number child, title child, IRI maker, scheme)
_SUBJECT_LEVELS = {
    "Hovedgruppe": ("HovedgruppeNr", "HovedgruppeTitel"),
    "Gruppe": ("GruppeNr", "GruppeTitel"),
    "Emne": ("EmneNr", "EmneTitel"),
}
_FACET_LEVELS = {
    "HandlingsfacetKategori": ("HandlingsfacetKategoriNr", "HandlingsfacetKategoriTitel"),
    "Handlingsfacet": ("HandlingsfacetNr", "HandlingsfacetTitel"),
}


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in el:
        if _local(child.tag) == name:
            return (child.text or "").strip() or None
    return None


def _concept(
    iri: str, notation: str, title: str | None, scheme: str, g: ox.NamedNode
) -> Iterator[ox.Quad]:
    node = ox.NamedNode(iri)
    yield ox.Quad(node, ox.NamedNode(_RDF_TYPE), ox.NamedNode(_SKOS + "Concept"), g)
    yield ox.Quad(node, ox.NamedNode(_SKOS + "notation"), ox.Literal(notation), g)
    yield ox.Quad(node, ox.NamedNode(_SKOS + "inScheme"), ox.NamedNode(scheme), g)
    if title:
        yield ox.Quad(node, ox.NamedNode(_SKOS + "prefLabel"), ox.Literal(title, language="da"), g)


def kle_quads(data: bytes, path: str) -> list[ox.Quad]:
    """Concepts with their titles and hierarchy from one KLE XML file."""
    try:
        root = etree.fromstring(
            data, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise SourceError(path, f"not well-formed XML: {exc.msg}", line=line) from None
    g = ox.NamedNode(KLE_GRAPH)
    quads: list[ox.Quad] = []
    for el in root.iter():
        name = _local(el.tag)
        parent = el.getparent()
        parent_name = _local(parent.tag) if parent is not None else ""
        if name in _SUBJECT_LEVELS:
            nr_tag, title_tag = _SUBJECT_LEVELS[name]
            notation = _child_text(el, nr_tag)
            if not notation:
                raise SourceError(path, f"<{name}> without <{nr_tag}>", line=el.sourceline)
            iri = iris.kle_subject_iri(notation)
            quads += _concept(iri, notation, _child_text(el, title_tag), iris.KLE_SUBJECTS, g)
            if name == "Hovedgruppe":
                quads.append(
                    ox.Quad(
                        ox.NamedNode(iri),
                        ox.NamedNode(_SKOS + "topConceptOf"),
                        ox.NamedNode(iris.KLE_SUBJECTS),
                        g,
                    )
                )
            elif parent is not None and parent_name in _SUBJECT_LEVELS:
                up = _child_text(parent, _SUBJECT_LEVELS[parent_name][0])
                if up:
                    quads.append(
                        ox.Quad(
                            ox.NamedNode(iri),
                            ox.NamedNode(_SKOS + "broader"),
                            ox.NamedNode(iris.kle_subject_iri(up)),
                            g,
                        )
                    )
        elif name in _FACET_LEVELS:
            nr_tag, title_tag = _FACET_LEVELS[name]
            notation = _child_text(el, nr_tag)
            if not notation:
                raise SourceError(path, f"<{name}> without <{nr_tag}>", line=el.sourceline)
            iri = iris.kle_facet_iri(notation)
            quads += _concept(iri, notation.upper(), _child_text(el, title_tag), iris.KLE_FACETS, g)
            if name == "Handlingsfacet" and parent is not None and parent_name in _FACET_LEVELS:
                up = _child_text(parent, _FACET_LEVELS[parent_name][0])
                if up:
                    quads.append(
                        ox.Quad(
                            ox.NamedNode(iri),
                            ox.NamedNode(_SKOS + "broader"),
                            ox.NamedNode(iris.kle_facet_iri(up)),
                            g,
                        )
                    )
    if not quads:
        raise SourceError(path, "no KLE Hovedgruppe/Gruppe/Emne or Handlingsfacet elements")
    return quads
