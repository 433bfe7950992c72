"""A read-only SPARQL 1.1 Protocol endpoint over a store folder.

* GET ``/sparql?query=…`` and POST (form ``query=…`` or ``application/sparql-query``);
  results as SPARQL JSON, XML, CSV or TSV (SELECT/ASK) and Turtle or N-Triples
  (CONSTRUCT/DESCRIBE), chosen by the Accept header or ``format=``.
* Read-only three times over: update requests (``update=``, ``application/sparql-update``)
  are refused with 403; the query parser accepts no update; and the workers open
  the store read-only. ``SERVICE`` (federated queries) is refused with 403 too,
  so the endpoint never makes requests on a caller's behalf.
* Each query runs in a worker process, so a query past ``timeout`` seconds is
  stopped by ending its worker (Oxigraph queries cannot be interrupted in-process),
  and at most ``max_rows`` rows are returned (header ``X-Raadsgraf-Truncated: true``).
* Binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import re
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from raadsgraf.config import SERVE_PORT

DEFAULT_PORT = SERVE_PORT

_SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt"}


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False


# --- what a query may not do ------------------------------------------------------

# Strip what may contain the word SERVICE harmlessly: IRIs, strings, comments.
_LEXICAL = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*",
    re.DOTALL,
)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def uses_service(query: str) -> bool:
    return bool(_SERVICE.search(_LEXICAL.sub(" ", query)))


# --- worker processes -----------------------------------------------------------------


def _worker_main(conn: Connection, folder: str, max_rows: int) -> None:
    from raadsgraf import generations
    from raadsgraf.errors import RaadsgrafError
    from raadsgraf.graph.sparql import run_sparql
    from raadsgraf.graph.store import GraphStore
    from raadsgraf.query import results

    store = GraphStore(generations.resolve(Path(folder)), read_only=True)
    while True:
        try:
            query, select_fmt, graph_fmt = conn.recv()
        except EOFError:
            return
        try:
            result = run_sparql(store, query, limit=max_rows)
        except RaadsgrafError as exc:
            conn.send(Reply(400, "text/plain; charset=utf-8", f"{exc}\n".encode()))
            continue
        if result.kind == "graph":
            media = next(m for m, f in _GRAPH_TYPES.items() if f == graph_fmt)
            body = results.serialize_graph(result, graph_fmt)
        else:
            media = next(m for m, f in _SELECT_TYPES.items() if f == select_fmt)
            body = results.serialize(result, select_fmt).encode("utf-8")
        conn.send(Reply(200, media + "; charset=utf-8", body, result.truncated))


class _Worker:
    def __init__(self, folder: Path, max_rows: int) -> None:
        ctx = mp.get_context("spawn")  # no fork of a threaded server
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(child, str(folder), max_rows), daemon=True
        )
        self.process.start()
        child.close()
        self.manifest_mtime = _mtime(folder)

    def run(self, query: str, select_fmt: str, graph_fmt: str, timeout: float) -> Reply | None:
        self.conn.send((query, select_fmt, graph_fmt))
        if not self.conn.poll(timeout):
            return None
        reply = self.conn.recv()
        assert isinstance(reply, Reply)
        return reply

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


def _mtime(folder: Path) -> tuple[str, float]:
    """What changes when an ingest finishes: the live generation, and its manifest."""
    from raadsgraf import generations

    live = generations.resolve(folder)
    try:
        return str(live), (live / "sources.json").stat().st_mtime
    except OSError:
        return str(live), 0.0


class QueryService:
    """Runs queries in a small pool of worker processes with a timeout and a row cap."""

    def __init__(
        self, folder: Path, *, timeout: float = 10.0, max_rows: int = 10_000, workers: int = 2
    ) -> None:
        from raadsgraf import generations
        from raadsgraf.graph.store import GraphStore

        GraphStore(generations.resolve(folder), read_only=True)  # fail here when there is none
        self.folder = folder
        self.timeout = timeout
        self.max_rows = max_rows
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(workers):
            self._idle.put(_Worker(folder, max_rows))

    def run(self, query: str, select_fmt: str = "json", graph_fmt: str = "turtle") -> Reply:
        if uses_service(query):
            return Reply(403, "text/plain; charset=utf-8", b"SERVICE is not allowed here\n")
        worker = self._idle.get()
        if worker.manifest_mtime != _mtime(self.folder):
            worker.stop()  # the store changed since the worker opened its read-only view
            worker = _Worker(self.folder, self.max_rows)
        try:
            reply = worker.run(query, select_fmt, graph_fmt, self.timeout)
        except (EOFError, OSError):
            reply = Reply(500, "text/plain; charset=utf-8", b"query worker failed\n")
            worker.stop()
            worker = _Worker(self.folder, self.max_rows)
        if reply is None:
            worker.stop()
            worker = _Worker(self.folder, self.max_rows)
            msg = f"query stopped after the {self.timeout:g} s timeout\n".encode()
            reply = Reply(503, "text/plain; charset=utf-8", msg)
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get().stop()


# --- HTTP --------------------------------------------------------------------------


def _negotiate(accept: str, explicit: str | None) -> tuple[str, str]:
    select_fmt, graph_fmt = "json", "turtle"
    if explicit:
        if explicit in _SELECT_TYPES.values():
            return explicit, graph_fmt
        if explicit in _GRAPH_TYPES.values():
            return select_fmt, explicit
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in _SELECT_TYPES:
            return _SELECT_TYPES[media], graph_fmt
        if media in _GRAPH_TYPES:
            return select_fmt, _GRAPH_TYPES[media]
    return select_fmt, graph_fmt


class _Handler(BaseHTTPRequestHandler):
    service: QueryService
    server_version = "raadsgraf-sparql"

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        if reply.truncated:
            self.send_header("X-Raadsgraf-Truncated", "true")
        self.end_headers()
        self.wfile.write(reply.body)

    def _text(self, status: int, message: str) -> None:
        self._send(Reply(status, "text/plain; charset=utf-8", (message + "\n").encode()))

    def _answer(self, params: dict[str, list[str]], body_query: str | None = None) -> None:
        if "update" in params:
            self._text(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
            return
        queries = params.get("query", []) + ([body_query] if body_query is not None else [])
        if len(queries) != 1:
            self._text(HTTPStatus.BAD_REQUEST, "give exactly one `query` parameter")
            return
        fmt = params["format"][0] if params.get("format") else None
        select_fmt, graph_fmt = _negotiate(self.headers.get("Accept", ""), fmt)
        self._send(self.service.run(queries[0], select_fmt, graph_fmt))

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path not in ("/sparql", "/"):
            self._text(HTTPStatus.NOT_FOUND, "the endpoint is /sparql")
            return
        self._answer(parse_qs(url.query))

    def do_POST(self) -> None:
        url = urlparse(self.path)
        if url.path not in ("/sparql", "/"):
            self._text(HTTPStatus.NOT_FOUND, "the endpoint is /sparql")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        params = parse_qs(url.query)
        if kind == "application/sparql-update":
            self._text(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
        elif kind == "application/sparql-query":
            self._answer(params, body)
        elif kind == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body).items():
                params.setdefault(key, []).extend(values)
            self._answer(params)
        else:
            self._text(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"unsupported Content-Type {kind!r}")


def make_server(
    folder: Path,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    workers: int = 2,
) -> tuple[ThreadingHTTPServer, QueryService]:
    """A server ready for ``serve_forever()`` (port 0 picks a free port)."""
    service = QueryService(folder, timeout=timeout, max_rows=max_rows, workers=workers)
    handler = type("Handler", (_Handler,), {"service": service})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server, service


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
