"""MCP on `raadsgraf serve`, driven by the official SDK's own client over streamable
HTTP (a real uvicorn on 127.0.0.1) and over stdio (`raadsgraf mcp`): the tools
answer from the real seeds, and every answer carries citations."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from raadsgraf.config import Settings
from raadsgraf.serve.app import ServeOptions, create_app
from tests.conftest import MODELS
from tests.serving import served

TOOLS = {"search", "item", "case_history", "policy_lineage", "person", "sparql"}


@pytest.fixture(scope="module")
def server(seed_store: Path) -> Iterator[str]:
    settings = Settings(store=seed_store, models=MODELS, sparql_workers=1)
    app = create_app(seed_store, settings, ServeOptions(warm=False))
    with served(app) as url:
        yield url + "/mcp"


def _data(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    data = result.structured_content
    if data is None:
        data = json.loads(result.content[0].text)
    assert isinstance(data, dict)
    data = data.get("result", data) if set(data) == {"result"} else data
    return data


def _citations_are_complete(data: dict[str, Any], *, numbered: bool = False) -> None:
    """Every citation names its IRI, municipality, committee and date; items in the
    corpus (search hits, an item) their number too. A step known only from a reference
    may lack the item number (the minutes did not give it)."""
    assert data["citations"], data
    for c in data["citations"]:
        assert c["iri"].startswith("https://raadsgraf.dk/id/")
        assert {"municipality", "committee", "date", "item_number", "source_url"} <= set(c)
        if "/moede/" in c["iri"]:
            assert c["municipality"] and c["committee"] and c["date"], c
        if numbered and "/punkt/" in c["iri"]:
            assert c["item_number"], c


async def _session(url: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    async with Client(url) as client:
        tools = await client.list_tools()
        out["tools"] = {t.name for t in tools.tools}
        found = _data(await client.call_tool("search", {"query": "boligsocial helhedsplan"}))
        out["search"] = found
        first = found["hits"][0]["iri"]
        out["item"] = _data(await client.call_tool("item", {"iri": first}))
        out["history"] = _data(await client.call_tool("case_history", {"target": "24-012144"}))
        for per_item in (False, True):
            args = {"query": "24-012144", "per_item": per_item}
            out[f"case per_item={per_item}"] = _data(await client.call_tool("search", args))
        policies = _data(
            await client.call_tool(
                "sparql", {"query": "SELECT ?p WHERE { ?p a rg:Policy } ORDER BY ?p LIMIT 1"}
            )
        )
        out["sparql"] = policies
        policy = policies["result"]["results"]["bindings"][0]["p"]["value"]
        out["policy"] = _data(await client.call_tool("policy_lineage", {"iri": policy}))
        attendee = out["item"]["item"]["attendees"][0]["iri"]
        out["person"] = _data(await client.call_tool("person", {"iri": attendee}))
        refused = await client.call_tool(
            "sparql", {"query": "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"}
        )
        out["refused"] = refused
        missing = await client.call_tool("item", {"iri": "https://raadsgraf.dk/id/none"})
        out["missing"] = missing
    return out


def test_mcp_tools_over_streamable_http_carry_citations(server: str) -> None:
    out = anyio.run(_session, server)
    assert out["tools"] == TOOLS
    hits = out["search"]["hits"]
    assert hits and len(out["search"]["citations"]) == len(hits)
    assert out["search"]["total"] == len(hits) and out["search"]["total_exact"]  # 9 < limit 10
    assert out["search"]["citations"][0]["iri"] == hits[0]["iri"]
    _citations_are_complete(out["search"], numbered=True)
    assert out["item"]["item"]["item"] == hits[0]["iri"]
    _citations_are_complete(out["item"], numbered=True)
    assert out["history"]["history"]["steps"]
    # issue #12: the number's two items name two matters: two hits, neither a treatment
    # of the other (one matter in several bodies is one hit: tests/test_search_cases.py)
    hits = out["case per_item=False"]["hits"]
    assert sorted(h["item_number"] for h in hits) == [2, 3]
    assert all(h["other_treatments"] == [] for h in hits)
    assert len(out["case per_item=True"]["hits"]) == 2
    _citations_are_complete(out["history"])
    assert out["policy"]["policy"]["policy"].startswith("https://raadsgraf.dk/id/")
    _citations_are_complete(out["policy"])
    _citations_are_complete(out["person"])
    assert out["refused"].is_error and "SERVICE" in out["refused"].content[0].text
    assert out["missing"].is_error and "no agenda item" in out["missing"].content[0].text


def test_mcp_over_stdio(seed_store: Path) -> None:
    env = {
        **os.environ,
        "RAADSGRAF_STORE": str(seed_store),
        "RAADSGRAF_MODELS": str(MODELS),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    params = StdioServerParameters(command=sys.executable, args=["-m", "raadsgraf", "mcp"], env=env)

    async def run() -> tuple[set[str], dict[str, Any]]:
        async with Client(params) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            history = _data(await client.call_tool("case_history", {"target": "24-012144"}))
        return names, history

    names, history = anyio.run(run)
    assert names == TOOLS
    _citations_are_complete(history)
