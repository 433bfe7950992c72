"""What two stores must answer alike, whatever backends hold them: the analyst
queries, the lineage of every case, policy and (some) treatments, the named
graphs, and search. Shared by the backend and dump tests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import raadsgraf
from raadsgraf.config import Settings

ROOT = Path(__file__).parent.parent
QUERIES = sorted((ROOT / "docs" / "queries").glob("*.rq"))
SEARCHES = ("klimapolitik", "boligsocial helhedsplan", "budget 2024", "Landsbyggefonden")


def norm(value: object) -> object:
    """Values as every engine agrees on them: numbers as numbers, the rest as text."""
    if value is None:
        return ""
    # Virtuoso gives a computed boolean (BOUND, comparisons) as the integer 0 or 1
    text = {"False": "0", "True": "1"}.get(str(value), str(value))
    try:
        return Decimal(text)
    except ArithmeticError:
        # GROUP_CONCAT has no defined order: compare the parts
        for sep in (" | ", "; ", ", "):
            if sep in text:
                return sep.join(sorted(text.split(sep)))
        return text


def answers(settings: Settings, text: str) -> list[tuple[object, ...]]:
    with raadsgraf.open(settings.store, settings) as rg:
        return sorted(tuple(norm(v) for v in row) for row in rg.sparql(text).rows)


def graphs(rg: raadsgraf.Raadsgraf) -> dict[str, bytes]:
    return {g: rg.graph.canonical_nquads(g) for g in rg.graph.graph_names()}


def assert_same_graph_and_lineage(a: Settings, b: Settings) -> None:
    with raadsgraf.open(a.store, a) as x, raadsgraf.open(b.store, b) as y:
        assert y.graph.triple_count() == x.graph.triple_count()
        assert graphs(y) == graphs(x)
        assert [e.graph for e in y.sources()] == [e.graph for e in x.sources()]
        targets = [c for c, _ in x.cases()] + [iri for iri, *_ in x.policies()]
        items = x.sparql(
            "SELECT ?t WHERE { ?t a besluit:BehandelingVanAgendapunt } ORDER BY ?t LIMIT 25"
        )
        targets += [str(t) for t in items.column("t")]
        assert len(targets) > 20
        for target in targets:
            assert y.lineage(target) == x.lineage(target), target


def assert_same_search(a: Settings, b: Settings) -> None:
    with raadsgraf.open(a.store, a) as x, raadsgraf.open(b.store, b) as y:
        for query in SEARCHES:
            for mode in ("hybrid", "dense", "bm25"):
                hx, hy = x.search(query, mode=mode), y.search(query, mode=mode)
                assert hx, f"{query!r} ({mode}) finds nothing: nothing compared"
                assert hy == hx, (query, mode)
