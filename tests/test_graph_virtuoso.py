"""The analyst queries against Virtuoso (scripts/virtuoso.sh) through the standard
protocol, loaded through the Graph Store protocol: the same rows as the embedded store.

Runs where Virtuoso is installed (``scripts/virtuoso.sh install``); skipped otherwise.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import raadsgraf
from raadsgraf import pipeline
from raadsgraf.config import Settings
from raadsgraf.graph.gsp import UNION_GRAPH, VIRTUOSO_PATH, push
from raadsgraf.graph.vocab import PREFIXES

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "scripts" / "virtuoso.sh"
SEEDS = Path(__file__).parent / "samples" / "seeds"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("virtuoso-t") is None, reason="Virtuoso not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("virtuoso")
    store = root / "store"
    assert pipeline.ingest([SEEDS], Settings(store=store), progress=False, index=False).ok
    port = _free_port()
    subprocess.run([str(SCRIPT), "start", str(root / "db"), str(port)], check=True, timeout=120)
    try:
        base = f"http://127.0.0.1:{port}"
        with raadsgraf.open(store) as rg:
            push(rg.graph, base + VIRTUOSO_PATH)
        yield base + "/sparql", store
    finally:
        subprocess.run([str(SCRIPT), "stop", str(root / "db")], check=False, timeout=60)


def _norm(value: object) -> object:
    """Values as both servers agree on them: numbers as numbers, the rest as text."""
    if value is None:
        return ""
    # rdflib terms are str (their lexical form); pyoxigraph terms carry it in .value
    text = str(value) if isinstance(value, str) else str(getattr(value, "value", value))
    # Virtuoso gives a boolean (BOUND, comparisons) as the integer 0 or 1
    text = {"false": "0", "true": "1"}.get(text, text)
    try:
        return Decimal(text)
    except ArithmeticError:
        # GROUP_CONCAT has no defined order: compare the parts
        for sep in (" | ", "; ", ", "):
            if sep in text:
                return sep.join(sorted(text.split(sep)))
        return text


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "docs" / "queries").glob("*.rq")))
def test_analyst_query_on_virtuoso_matches_the_embedded_store(
    virtuoso: tuple[str, Path], name: str
) -> None:
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    url, store = virtuoso
    text = (ROOT / "docs" / "queries" / name).read_text(encoding="utf-8")
    with raadsgraf.open(store) as rg:
        local = sorted(tuple(_norm(t) for t in row) for row in rg.sparql(text).terms)
    remote_graph = Graph(SPARQLStore(url, returnFormat="json"), identifier=URIRef(UNION_GRAPH))
    remote = sorted(
        tuple(_norm(t) for t in row)
        for row in remote_graph.query(text, initNs=PREFIXES)  # type: ignore[union-attr]
    )
    assert remote == local
