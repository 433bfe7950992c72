"""The MCP server (the official ``mcp`` SDK): tools for search, item, case
history, policy lineage, person and read-only SPARQL, for AI assistants.

Every tool answer carries ``citations``: the IRI, municipality, committee,
meeting date, item number, title and (when the source gave one) the web
address of the minutes, so an assistant can quote and link the record.
Served over streamable HTTP at ``/mcp`` by ``raadsgraf serve`` and over stdio
by ``raadsgraf mcp``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from raadsgraf.api import Raadsgraf
from raadsgraf.errors import QueryError, RaadsgrafError
from raadsgraf.index.search import Filters
from raadsgraf.serve.citations import Citation, cite, cite_hits, cite_steps, plain
from raadsgraf.serve.errors import ApiError, scrub
from raadsgraf.serve.live import LiveStore
from raadsgraf.serve.workers import QueryService, QueryTimeout

INSTRUCTIONS = (
    "Danish municipal council records (referater, dagsordener, politikker) as a knowledge "
    "graph. Search first, then open items and their case history. Quote decisions with the "
    "citation each answer carries (municipality, committee, date, item number, source URL)."
)


T = TypeVar("T")


def _found(value: T | None, what_en: str, what_da: str, iri: str) -> T:
    """The thing asked for, or a tool error naming it in both languages."""
    if value is None:
        raise ToolError(f"no {what_en} {iri} / {what_da} {iri}")
    return value


def _cite_iris(rg: Raadsgraf, iris: list[str]) -> list[Citation]:
    items = [i for i in dict.fromkeys(iris) if "/punkt/" in i][:50]
    summaries = rg.item_summaries(items) if items else {}
    rows = []
    for i in items:
        s = summaries.get(i)
        if s is not None:
            rows.append((s.item, s.municipality, s.committee, s.date, s.number, s.title))
    return cite(rg, rows)


def build(live: LiveStore, service: QueryService) -> MCPServer:
    server = MCPServer(name="raadsgraf", instructions=INSTRUCTIONS, log_level="WARNING")

    async def call(fn: Any) -> dict[str, Any]:
        def guarded() -> dict[str, Any]:
            try:
                rg, _ = live.current()
                out = plain(fn(rg))
                assert isinstance(out, dict)
                return out
            except ApiError as exc:
                raise ToolError(
                    f"{exc.message_en or 'error'} / {exc.message_da or 'fejl'}"
                    + (f" ({scrub(exc.detail)})" if exc.detail else "")
                ) from None
            except RaadsgrafError as exc:
                raise ToolError(scrub(str(exc))) from None

        result: dict[str, Any] = await anyio.to_thread.run_sync(guarded)
        return result

    @server.tool()
    async def search(
        query: str,
        limit: int = 10,
        municipality: str | None = None,
        committee: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        open_only: bool = False,
        outcome: str | None = None,
        per_item: bool = False,
    ) -> dict[str, Any]:
        """Search agenda items and policies (Danish words, a case number, a KLE number,
        a name). Dates as YYYY-MM-DD. Returns hits best first, each with a citation, and
        `total`: how many strong hits there are (0 means only weak, nearest hits). A case
        treated by several bodies is one hit listing the others in `other_treatments`;
        `per_item=true` gives each agenda item apart."""

        def run(rg: Raadsgraf) -> dict[str, Any]:
            try:
                first = dt.date.fromisoformat(date_from) if date_from else None
                last = dt.date.fromisoformat(date_to) if date_to else None
            except ValueError as exc:
                raise ToolError(f"dates are YYYY-MM-DD: {exc}") from None
            chosen = Filters(municipality, committee, first, last, open_only, outcome)
            hits = rg.search(query, top_k=max(1, min(limit, 50)), filters=chosen, per_item=per_item)
            return {
                "hits": hits,
                "citations": cite_hits(rg, hits),
                "total": hits.total,  # strong hits matching the filters (0: only weak shown)
                "total_exact": hits.total_exact,
            }

        return await call(run)

    @server.tool()
    async def item(iri: str) -> dict[str, Any]:
        """An agenda item by its IRI: title, recommendation, decision, outcome, who was
        absent, references to earlier treatments, sections."""

        def run(rg: Raadsgraf) -> dict[str, Any]:
            d = _found(rg.item(iri), "agenda item", "intet dagsordenspunkt", iri)
            c = cite(rg, [(d.item, d.municipality, d.committee, d.date, d.number, d.title)])
            return {"item": d, "citations": c}

        return await call(run)

    @server.tool()
    async def case_history(target: str) -> dict[str, Any]:
        """Every treatment of a matter, oldest first, with decision texts: give an item
        or treatment IRI, a case number (e.g. 24-012144) or a policy IRI."""

        def run(rg: Raadsgraf) -> dict[str, Any]:
            try:
                h = rg.history(target)
            except QueryError as exc:
                raise ToolError(scrub(str(exc))) from None
            return {"history": h, "citations": cite_steps(rg, (s.step for s in h.steps))}

        return await call(run)

    @server.tool()
    async def policy_lineage(iri: str) -> dict[str, Any]:
        """A policy's versions, adoption, what it replaces, and the treatments of it."""

        def run(rg: Raadsgraf) -> dict[str, Any]:
            network = _found(rg.policy_network(iri), "policy", "ingen politik", iri)
            try:
                found = rg.lineage(iri)
                steps = found.steps
            except QueryError:
                found, steps = None, ()
            c = cite(rg, [(iri, None, None, None, None, network.title)]) + cite_steps(rg, steps)
            return {"policy": network, "lineage": found, "citations": c}

        return await call(run)

    @server.tool()
    async def person(iri: str) -> dict[str, Any]:
        """A politician by IRI: party, roles, meetings attended or missed, item absences."""

        def run(rg: Raadsgraf) -> dict[str, Any]:
            page = _found(rg.person(iri), "person", "ingen person", iri)
            c = cite(
                rg,
                [(m.iri, m.municipality, m.committee, m.date, None, None) for m in page.meetings],
            )
            return {"person": page, "citations": c}

        return await call(run)

    @server.tool()
    async def sparql(query: str) -> dict[str, Any]:
        """A read-only SPARQL 1.1 SELECT/ASK query over the graph (prefixes rg:, besluit:,
        eli-dl:, dct:, skos:… are predefined; see docs/graph.md). Results as SPARQL JSON,
        capped and with a timeout; SERVICE and updates are refused."""
        from raadsgraf.serve.sparql import uses_service

        if uses_service(query):
            raise ToolError("SERVICE is not allowed / SERVICE er ikke tilladt")
        try:
            reply = await anyio.to_thread.run_sync(lambda: service.run(query, "json", "nt"))
        except QueryTimeout:
            raise ToolError(f"stopped after {service.timeout:g} s / stoppet") from None
        text = reply.body.decode("utf-8", "replace")
        if reply.status >= 400:
            raise ToolError(scrub(text))
        if not reply.content_type.startswith("application/sparql-results+json"):
            return {"triples": text, "truncated": reply.truncated, "citations": []}
        data = json.loads(text)
        iris = [
            b["value"]
            for row in data.get("results", {}).get("bindings", [])
            for b in row.values()
            if b.get("type") == "uri"
        ]

        def run(rg: Raadsgraf) -> dict[str, Any]:
            return {"result": data, "truncated": reply.truncated, "citations": _cite_iris(rg, iris)}

        return await call(run)

    return server
