"""The walk from treatments to every treatment of the same matter: along shared
case numbers and along references in both directions (the lineage of a matter,
:mod:`raadsgraf.query.lineage`, and the policies' treatments, :mod:`raadsgraf.graph.derive`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from raadsgraf.graph.sparql import iri_term, is_true, select_strings
from raadsgraf.graph.store import GraphBackend

#: Upper bound on the treatments one lineage walks (a guard against a hub case).
MAX_STEPS = 2000

#: Reference kinds that name a treatment of the same matter in a structured way
#: (a labelled block of the minutes); a reference found in running prose may be
#: about something else, so a walk includes its target but goes no further.
STRUCTURED = frozenset({"tidligere-behandling", "beslutningshistorik", "sagens-forloeb"})
SAME_CASE = "sag"
_RANK = {SAME_CASE: 0, **dict.fromkeys(STRUCTURED, 1)}


def per_value(store: GraphBackend, values: str, var: str, pattern: str) -> str:
    """``pattern`` evaluated once per value of ``var``: LATERAL (Oxigraph's SEP-0006)
    makes Oxigraph 0.5 look each one up. A plain join with a ``VALUES`` of more than
    a handful of IRIs is planned as a hash join over a scan of the whole store
    (40-70 ms on Greve instead of 1-5 ms). A backend without the extension (a SPARQL
    server: ``store.lateral`` false) gets the plain join, which every pattern here
    answers alike (each binds ``var`` in every branch); the analyst queries stay
    standard SPARQL 1.1.
    Inside, a type check is a ``FILTER EXISTS``: as a pattern of one variable the
    planner (which does not know the outer variable is bound) would start from it
    and scan every member of the class for each value."""
    lateral = "LATERAL " if store.lateral else ""
    return f"VALUES {var} {{ {values} }} {lateral}{{ {pattern} }}"


@dataclass
class WalkState:
    """What a walk has learnt so far, kept across its levels so nothing is fetched twice.

    ``members``: case → its treatments (a case is fetched once, not once per
    treatment in it, which returned n² rows for a case of n treatments);
    ``case_of``: treatment → case or None, known once the walk has seen it as a
    neighbour; ``out_refs``: treatment → its outgoing references as (reference,
    influencer, kind, influencer is a meeting), for every treatment a level
    expanded — the meeting references of the lineage come from these, and only the
    treatments the walk did not expand are asked for theirs again;
    ``notations``: concept (reference kind, outcome) → its notation.
    """

    members: dict[str, list[str]] = field(default_factory=dict)
    case_of: dict[str, str | None] = field(default_factory=dict)
    out_refs: dict[str, list[tuple[str, str, str, bool]]] = field(default_factory=dict)
    notations: dict[str, str] = field(default_factory=dict)


def notations(store: GraphBackend, state: WalkState, concepts: set[str]) -> dict[str, str]:
    """Concept → ``skos:notation`` (reference kinds, outcomes: a handful of concepts),
    each fetched once per lineage: one lookup fewer per row than joining the
    notation in every query."""
    missing = sorted(c for c in concepts if c not in state.notations)
    state.notations.update((c, "") for c in missing)
    state.notations.update(_objects(store, missing, "skos:notation"))
    return state.notations


def _objects(store: GraphBackend, subjects: list[str], predicate: str) -> list[tuple[str, str]]:
    """(subject, object) pairs of ``predicate`` for ``subjects``, looked up one by one."""
    if not subjects:
        return []
    rows = select_strings(
        store,
        "SELECT ?s ?o WHERE { "
        + per_value(store, " ".join(iri_term(s) for s in subjects), "?s", f"?s {predicate} ?o")
        + " }",
    )
    return [(str(r["s"]), str(r["o"])) for r in rows]


def _cases_of(store: GraphBackend, state: WalkState, treatments: list[str]) -> None:
    """Record the case (or None) of each treatment the walk does not know yet."""
    unknown = sorted({t for t in treatments if t not in state.case_of})
    state.case_of.update((t, None) for t in unknown)
    state.case_of.update(_objects(store, unknown, "eli-dl:forms_part_of"))


def _edges(
    store: GraphBackend, treatments: list[str], state: WalkState
) -> dict[str, list[tuple[str, str]]]:
    """(neighbour, how) per treatment: references either way, and the same case."""
    values = " ".join(iri_term(t) for t in treatments)
    # Outgoing references with every influencer (a treatment, or a meeting named
    # without an item number), incoming ones from the treatments that cite these.
    # A neighbour's case is not joined here: the walk asks for it only for the
    # few new neighbours whose case decides whether it goes on from them.
    rows = select_strings(
        store,
        "SELECT ?a ?r ?b ?k ?meeting WHERE { "
        + per_value(
            store,
            values,
            "?a",
            """{ ?a rg:reference ?r . ?r prov:influencer ?b . ?r dct:type ?k
                 BIND(EXISTS { ?b a besluit:Zitting } AS ?meeting) }
               UNION
               { ?r prov:influencer ?a . ?b rg:reference ?r . ?r dct:type ?k }""",
        )
        + " }",
    )
    kinds = notations(store, state, {str(r["k"]) for r in rows})
    out: dict[str, set[tuple[str, str]]] = {}
    for t in treatments:
        state.out_refs.setdefault(t, [])
    for r in rows:
        a, b, how = str(r["a"]), str(r["b"]), kinds.get(str(r["k"]), "")
        if r["meeting"] is not None:  # an outgoing reference
            state.out_refs[a].append((str(r["r"]), b, how, is_true(r["meeting"])))
            if is_true(r["meeting"]):
                continue
        out.setdefault(a, set()).add((b, how))
    _cases_of(store, state, treatments)
    case_of, members = state.case_of, state.members
    cases = {t: case_of[t] for t in treatments}
    new_cases = sorted({c for c in cases.values() if c is not None} - members.keys())
    if new_cases:
        for c in new_cases:
            members[c] = []
        for r in select_strings(
            store,
            "SELECT ?c ?b WHERE { "
            + per_value(
                store, " ".join(iri_term(c) for c in new_cases), "?c", "?b eli-dl:forms_part_of ?c"
            )
            + " }",
        ):
            members[str(r["c"])].append(str(r["b"]))
            case_of[str(r["b"])] = str(r["c"])
    for a, case in cases.items():
        if case is not None:
            out.setdefault(a, set()).update((b, SAME_CASE) for b in members[case] if b != a)
    return {a: sorted(edges) for a, edges in out.items()}


def walk(
    store: GraphBackend, start: list[str], state: WalkState | None = None
) -> dict[str, tuple[str, str | None]]:
    """Treatments of the same matter as ``start``: treatment → (how reached, from which).

    Breadth first, a few queries per level. Every treatment sharing a case with one
    in the walk is in it, and so is every treatment a reference names (or that
    names one in the walk). The walk goes on from a treatment reached by its
    case, or by a structured reference (Tidligere behandling, Beslutningshistorik,
    Sagens forløb) when it has no case number of its own; it stops at one reached
    by a prose mention, or by a reference into another case — otherwise one
    agenda item citing the budget would pull in the whole council term.
    """
    state = state if state is not None else WalkState()
    reached: dict[str, tuple[str, str | None]] = {t: ("start", None) for t in start}
    frontier = sorted(start)
    while frontier and len(reached) < MAX_STEPS:
        edges = _edges(store, frontier, state)
        found: dict[str, list[tuple[str, str]]] = {}  # new treatment → (how, from) edges
        for t in frontier:
            for n, how in edges.get(t, ()):
                if n not in reached:
                    found.setdefault(n, []).append((how, t))
        _cases_of(
            store, state, [n for n, ways in found.items() if any(h in STRUCTURED for h, _ in ways)]
        )
        nxt = []
        for n, ways in found.items():
            # the strongest link names how it was reached: the shared case, else
            # what the minutes state in a labelled block, else a prose mention (a
            # treatment reached both ways was shown as "prosa" and not gone on from)
            reached[n] = min(ways, key=lambda w: (_RANK.get(w[0], 2), w))
            if any(
                h == SAME_CASE or (h in STRUCTURED and state.case_of[n] is None) for h, _ in ways
            ):
                nxt.append(n)
        frontier = sorted(nxt)
    return reached
