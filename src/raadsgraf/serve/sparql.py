"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (read-only).

* GET ``?query=…``; POST as a form (``query=…``) or ``application/sparql-query``;
  ``default-graph-uri`` and ``named-graph-uri`` set the dataset.
* Results as SPARQL JSON, XML, CSV or TSV (SELECT/ASK), Turtle or N-Triples
  (CONSTRUCT/DESCRIBE), chosen by the Accept header (q-values honoured) or ``format=``.
* Read-only three times over: updates (``update=``, ``application/sparql-update``)
  are refused with 403; the query parser accepts no update; the workers open the
  store read-only. A query with a ``SERVICE`` clause (federation) is refused with
  403, decided by parsing it, so the endpoint never makes requests on a caller's
  behalf; ``?service`` as a variable name is fine.
* Each query runs in a worker process with a timeout (503 past it, the worker
  ended) and a row cap (header ``X-Raadsgraf-Truncated: true``).
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import Response

from raadsgraf.serve.errors import ApiError, error_response
from raadsgraf.serve.metrics import Metrics
from raadsgraf.serve.workers import GRAPH_TYPES, SELECT_TYPES, QueryService, QueryTimeout

# --- SERVICE, decided by parsing ---------------------------------------------------

# Strip what may contain the word SERVICE harmlessly: IRIs, strings, comments
# (the fallback when rdflib's parser cannot read a query Oxigraph might).
_LEXICAL = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*",
    re.DOTALL,
)
_SERVICE_WORD = re.compile(r"service", re.IGNORECASE)
_SERVICE_CLAUSE = re.compile(r"(?<![?$\w:])SERVICE\b", re.IGNORECASE)


def uses_service(query: str) -> bool:
    """Does the query contain a SERVICE clause? A query without the word at all
    cannot; otherwise rdflib's SPARQL parser decides (``SELECT ?service``, a
    string or an IRI containing the word are not clauses)."""
    if not _SERVICE_WORD.search(query):
        return False
    from pyparsing import ParseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(query)
    except (ParseException, ValueError, TypeError, RecursionError):
        # rdflib cannot read it: refuse what looks like a clause outside strings/IRIs
        return bool(_SERVICE_CLAUSE.search(_LEXICAL.sub(" ", query)))

    def names(node: object) -> bool:
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(node, ParseResults | list | tuple):
            return any(names(x) for x in node)
        if isinstance(node, dict):
            return any(names(v) for v in node.values())
        return False

    return names(parsed)


# --- content negotiation -------------------------------------------------------------


def _accepted(accept: str) -> list[tuple[str, float, int, int]]:
    """(media range, q, specificity, position), best first; q=0 dropped."""
    out = []
    for pos, part in enumerate(p for p in accept.split(",") if p.strip()):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        out.append((media, q, specificity, pos))
    return sorted(out, key=lambda t: (-t[1], -t[2], t[3]))


def negotiate(accept: str, types: dict[str, str], default: str) -> str | None:
    """The serialisation for the best acceptable media type in ``types``;
    ``default`` without an Accept header; None when nothing offered is acceptable."""
    ranges = _accepted(accept)
    if not accept.strip():
        return default
    best: tuple[float, int, int, str] | None = None
    for media, fmt in types.items():
        for rng, q, spec, pos in ranges:
            if rng == media or rng == "*/*" or (rng.endswith("/*") and media.startswith(rng[:-1])):
                key = (-q, -spec, pos, fmt)
                if best is None or key < best:
                    best = key
                break
    if best is None:
        return None
    # a wildcard picks the default format among those offered
    return default if best[1] == 0 else best[3]


# --- the route ------------------------------------------------------------------------

_READ_ONLY_DA = "Endpointet kan kun læse: opdateringer afvises."
_READ_ONLY_EN = "This endpoint is read-only: updates are refused."


def router(service: QueryService, metrics: Metrics) -> APIRouter:
    api = APIRouter(tags=["sparql"])

    async def run(
        request: Request, params: list[tuple[str, str]], body_query: str | None
    ) -> Response:
        keys = {k for k, _ in params}
        if "update" in keys:
            raise ApiError(403, _READ_ONLY_DA, _READ_ONLY_EN)
        queries = [v for k, v in params if k == "query"] + (
            [body_query] if body_query is not None else []
        )
        if len(queries) != 1:
            raise ApiError(
                400, "Angiv præcis én parameter `query`.", "Give exactly one `query` parameter."
            )
        query = queries[0]
        if await anyio.to_thread.run_sync(uses_service, query):
            raise ApiError(
                403,
                "SERVICE (forespørgsler til andre endpoints) er ikke tilladt her.",
                "SERVICE (federated queries) is not allowed here.",
            )
        explicit = next((v for k, v in params if k == "format"), None)
        accept = request.headers.get("accept", "")
        if explicit in SELECT_TYPES.values():
            select_fmt: str | None = explicit
            graph_fmt: str | None = "turtle"
        elif explicit in GRAPH_TYPES.values():
            select_fmt, graph_fmt = "json", explicit
        else:
            select_fmt = negotiate(accept, SELECT_TYPES, "json")
            graph_fmt = negotiate(accept, GRAPH_TYPES, "turtle")
        defaults = tuple(v for k, v in params if k == "default-graph-uri")
        named = tuple(v for k, v in params if k == "named-graph-uri")
        started = float(getattr(request.state, "started", time.monotonic()))
        try:
            reply = await anyio.to_thread.run_sync(
                lambda: service.run(
                    query,
                    select_fmt or "none",
                    graph_fmt or "none",
                    default_graphs=defaults,
                    named_graphs=named,
                    started=started,
                )
            )
        except QueryTimeout:
            metrics.sparql_timeouts.inc()
            raise ApiError(
                503,
                f"Forespørgslen blev stoppet efter {service.timeout:g} sekunder.",
                f"The query was stopped after the {service.timeout:g} s timeout.",
            ) from None
        except (EOFError, OSError):
            raise ApiError(503, detail="query worker failed") from None
        if reply.status >= 400:
            detail = reply.body.decode("utf-8", "replace")
            if "read-only" in detail:
                raise ApiError(403, _READ_ONLY_DA, _READ_ONLY_EN, detail=detail)
            return error_response(request, reply.status, detail=detail)
        headers = {"Vary": "Accept"}
        if reply.truncated:
            headers["X-Raadsgraf-Truncated"] = "true"
        return Response(reply.body, media_type=reply.content_type, headers=headers)

    @api.get("/sparql", summary="SPARQL 1.1 query (GET)")
    async def sparql_get(request: Request) -> Response:
        """`?query=…`, optional `default-graph-uri`, `named-graph-uri`, `format`."""
        return await run(request, list(request.query_params.multi_items()), None)

    @api.post("/sparql", summary="SPARQL 1.1 query (POST form or application/sparql-query)")
    async def sparql_post(request: Request) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        params = list(request.query_params.multi_items())
        body = (await request.body()).decode("utf-8", "replace")
        if kind == "application/sparql-update":
            raise ApiError(403, _READ_ONLY_DA, _READ_ONLY_EN)
        if kind == "application/sparql-query":
            return await run(request, params, body)
        if kind == "application/x-www-form-urlencoded":
            return await run(request, params + parse_qsl(body, keep_blank_values=True), None)
        raise ApiError(415, detail=f"unsupported Content-Type {kind!r}")

    return api
