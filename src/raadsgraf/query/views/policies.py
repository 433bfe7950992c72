"""A policy or strategy as a network: versions, treatments, adoption, predecessors."""

from __future__ import annotations

import datetime as dt

from raadsgraf.graph.store import GraphBackend
from raadsgraf.query.views.records import NetworkEdge, NetworkNode, PolicyNetwork
from raadsgraf.query.views.sparql import _d, _iri, _rows, _s

# --- policies ---------------------------------------------------------------------------


def policies(store: GraphBackend) -> list[tuple[str, str, dt.date | None]]:
    """(IRI, title, adoption date) of every policy a source describes."""
    rows = _rows(
        store,
        """SELECT ?p ?ti (SAMPLE(?d) AS ?date) WHERE {
          ?p a rg:Policy ; eli:title ?ti ; dct:source ?src . OPTIONAL { ?p eli:date_document ?d }
        } GROUP BY ?p ?ti ORDER BY ?ti""",
    )
    return [(str(r["p"]), str(r["ti"]), _d(r["date"])) for r in rows]


def policy_network(store: GraphBackend, iri: str) -> PolicyNetwork | None:
    """A policy as nodes and edges: versions, treatments, adoption, what it replaces."""
    P = _iri(iri)
    head = _rows(
        store,
        f"""SELECT ?ti ?date ?by ?byl ?cr ?crl ?kind WHERE {{ {P} eli:title ?ti .
          OPTIONAL {{ {P} eli:date_document ?date }} OPTIONAL {{ {P} dct:type ?kind }}
          OPTIONAL {{ {P} eli:passed_by ?by . ?by skos:prefLabel ?byl }}
          OPTIONAL {{ {P} dct:creator ?cr . ?cr skos:prefLabel ?crl }} }} LIMIT 1""",
    )
    if not head:
        return None
    h = head[0]
    title = str(h["ti"])
    nodes: dict[str, NetworkNode] = {
        iri: NetworkNode(iri, title, "politik", _d(h["date"]), _s(h["kind"]))
    }
    edges: list[NetworkEdge] = []
    if h["by"]:
        nodes[str(h["by"])] = NetworkNode(str(h["by"]), str(h["byl"]), "organ")
        edges.append(NetworkEdge(iri, str(h["by"]), "vedtaget af"))
    if h["cr"]:
        nodes.setdefault(str(h["cr"]), NetworkNode(str(h["cr"]), str(h["crl"]), "organ"))
        edges.append(NetworkEdge(iri, str(h["cr"]), "udarbejdet af"))
    for r in _rows(
        store,
        f"""SELECT ?e ?stage ?sl WHERE {{ {P} eli:is_realized_by ?e .
              OPTIONAL {{ ?e rg:versionStage ?st . ?st skos:notation ?stage }}
              OPTIONAL {{ ?e rg:versionStage/skos:prefLabel ?sl FILTER(LANG(?sl) = "da") }}
            }} ORDER BY ?e""",
    ):
        e = str(r["e"])
        label = _s(r["sl"]) or _s(r["stage"]) or e.rsplit("/", 1)[-1]
        nodes.setdefault(e, NetworkNode(e, f"udgave: {label}", "udgave"))
        edges.append(NetworkEdge(iri, e, "udgave"))
    for r in _rows(
        store,
        f"""SELECT ?old ?label ?issued WHERE {{ {P} dct:replaces ?old .
              OPTIONAL {{ ?old rdfs:label ?label }} OPTIONAL {{ ?old dct:issued ?issued }} }}""",
    ):
        old = str(r["old"])
        nodes.setdefault(
            old, NetworkNode(old, _s(r["label"]) or old, "erstattet", None, _s(r["issued"]))
        )
        edges.append(NetworkEdge(iri, old, "erstatter"))
    treated = _rows(
        store,
        f"""SELECT ?t ?date ?cl ?n ?title ?on ?e ?src WHERE {{ ?t rg:treatsPolicy {P} .
              OPTIONAL {{ ?t eli-dl:activity_date ?date }}
              OPTIONAL {{ ?t dct:subject ?a . OPTIONAL {{ ?a schema:position ?n }}
                         OPTIONAL {{ ?a dct:title ?title }}
                         OPTIONAL {{ ?z besluit:behandelt ?a ; besluit:isGehoudenDoor/skos:prefLabel ?cl }} }}
              OPTIONAL {{ ?t prov:generated/rg:outcome/skos:notation ?on }}
              OPTIONAL {{ ?t prov:used ?e }}
              OPTIONAL {{ ?t dct:source ?src }} }} ORDER BY ?date""",
    )
    for r in treated:
        t = str(r["t"])
        when = _d(r["date"])
        # a display label: the date as every page writes it (dd.mm.åååå)
        day = when.strftime("%d.%m.%Y") if when else "ukendt dato"
        label = f"{_s(r['cl']) or 'ukendt udvalg'} {day}, punkt {_s(r['n']) or '?'}"
        detail = _s(r["title"]) or ("uden for korpus" if r["src"] is None else None)
        if t not in nodes:
            nodes[t] = NetworkNode(t, label, "behandling", when, detail)
            edges.append(NetworkEdge(t, iri, "behandler"))
        if r["e"] and str(r["e"]) in nodes:
            edges.append(NetworkEdge(t, str(r["e"]), "bruger"))
    mentions = tuple(
        str(r["name"])
        for r in _rows(
            store, f"SELECT DISTINCT ?name WHERE {{ {P} rg:mentionsPolicy ?name }} ORDER BY ?name"
        )
    )
    for i, name in enumerate(mentions, start=1):
        node = f"{iri}#naevnt-{i}"
        nodes[node] = NetworkNode(node, name, "nævnt")
        edges.append(NetworkEdge(iri, node, "nævner"))
    return PolicyNetwork(iri, title, tuple(nodes.values()), tuple(edges), mentions)
