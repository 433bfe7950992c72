"""SPARQL queries in a small pool of worker processes: a timeout and a row cap.

Oxigraph queries cannot be interrupted in-process, so each query runs in a
worker process and a query past its deadline is stopped by ending its worker
(a fresh one takes its place). The deadline counts from when the request
arrived, so a query queued behind a runaway one is answered (503) when its own
deadline passes rather than waiting for the runaway to finish. The workers
open the store read-only and reopen it when an ingest swaps the generation.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

#: media type → serialisation name, for SELECT/ASK results and for graphs
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt"}


@dataclass(frozen=True, slots=True)
class Reply:
    """A worker's answer: a result body, or an error (``status`` ≥ 400, ``body`` its message)."""

    status: int
    content_type: str
    body: bytes
    truncated: bool = False


#: (query, SELECT format, graph format, default-graph IRIs, named-graph IRIs)
Request = tuple[str, str, str, tuple[str, ...], tuple[str, ...]]


class QueryTimeout(Exception):
    """The query (or its wait for a worker) passed the deadline."""


def _worker_main(conn: Connection, folder: str, max_rows: int, graph: str) -> None:
    from raadsgraf import generations
    from raadsgraf.errors import RaadsgrafError
    from raadsgraf.graph.backend import open_graph
    from raadsgraf.graph.sparql import run_sparql
    from raadsgraf.query import results

    store = open_graph(generations.resolve(Path(folder)), graph, read_only=True)
    conn.send("ready")
    while True:
        try:
            query, select_fmt, graph_fmt, default_graphs, named_graphs = conn.recv()
        except EOFError:
            return
        try:
            result = run_sparql(
                store,
                query,
                limit=max_rows,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
            )
        except RaadsgrafError as exc:
            conn.send(Reply(400, "text/plain; charset=utf-8", str(exc).encode()))
            continue
        fmt, offered = (
            (graph_fmt, GRAPH_TYPES) if result.kind == "graph" else (select_fmt, SELECT_TYPES)
        )
        if fmt not in offered.values():
            msg = f"{result.kind} results come as: {', '.join(offered)}"
            conn.send(Reply(406, "text/plain; charset=utf-8", msg.encode()))
            continue
        if result.kind == "graph":
            media = next(m for m, f in GRAPH_TYPES.items() if f == graph_fmt)
            body = results.serialize_graph(result, graph_fmt)
        else:
            media = next(m for m, f in SELECT_TYPES.items() if f == select_fmt)
            body = results.serialize(result, select_fmt).encode("utf-8")
        conn.send(Reply(200, media + "; charset=utf-8", body, result.truncated))


def _stamp(folder: Path) -> tuple[str, float]:
    """What changes when an ingest finishes: the live generation, and its manifest."""
    from raadsgraf import generations

    live = generations.resolve(folder)
    try:
        return str(live), (live / "sources.json").stat().st_mtime
    except OSError:
        return str(live), 0.0


class _Worker:
    def __init__(self, folder: Path, max_rows: int, graph: str) -> None:
        ctx = mp.get_context("spawn")  # no fork of a threaded server
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(child, str(folder), max_rows, graph), daemon=True
        )
        self.process.start()
        child.close()
        self.stamp = _stamp(folder)

    def wait_ready(self, timeout: float = 120.0) -> bool:
        """Block until the worker has opened the store (a spawn takes a second or more)."""
        try:
            return bool(self.conn.poll(timeout)) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            return False

    def run(self, request: Request, timeout: float) -> Reply | None:
        self.conn.send(request)
        if not self.conn.poll(max(timeout, 0.0)):
            return None
        reply = self.conn.recv()
        assert isinstance(reply, Reply)
        return reply

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


def check_store(folder: Path, graph: str = "") -> None:
    """Raise the library's error when ``folder`` holds no store to serve."""
    from raadsgraf import generations
    from raadsgraf.graph.backend import open_graph

    open_graph(generations.resolve(folder), graph, read_only=True).close()


class QueryService:
    """A pool of query workers over one store folder (thread-safe)."""

    def __init__(
        self,
        folder: Path,
        *,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        workers: int = 2,
        graph: str = "",
    ) -> None:
        check_store(folder, graph)  # fail here when there is none
        self.folder = folder
        self.graph = graph
        self.timeout = timeout
        self.max_rows = max_rows
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = threading.Event()
        starting = [_Worker(folder, max_rows, graph) for _ in range(max(workers, 1))]
        for worker in starting:  # answer no query before the pool is whole
            worker.wait_ready()
            self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        """End ``worker`` and start another; it joins the pool once it has opened the
        store, so the request that ended it is answered without waiting for the spawn."""
        worker.stop()

        def start() -> None:
            fresh = _Worker(self.folder, self.max_rows, self.graph)
            fresh.wait_ready()
            if self._closed.is_set():
                fresh.stop()
            else:
                self._idle.put(fresh)

        threading.Thread(target=start, daemon=True).start()

    def run(
        self,
        query: str,
        select_fmt: str = "json",
        graph_fmt: str = "turtle",
        *,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
        started: float | None = None,
    ) -> Reply:
        """Run ``query``; raises :class:`QueryTimeout` past ``timeout`` seconds from
        ``started`` (a ``time.monotonic()`` value; default: now)."""
        deadline = (started if started is not None else time.monotonic()) + self.timeout
        try:
            worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.001))
        except queue.Empty:
            raise QueryTimeout from None
        if worker.stamp != _stamp(self.folder):
            worker.stop()  # the store changed since the worker opened its read-only view
            worker = _Worker(self.folder, self.max_rows, self.graph)
            worker.wait_ready()
        try:
            request = (query, select_fmt, graph_fmt, default_graphs, named_graphs)
            reply = worker.run(request, deadline - time.monotonic())
        except (EOFError, OSError):
            self._replace(worker)
            raise
        if reply is None:
            self._replace(worker)  # ends the runaway query with its process
            raise QueryTimeout
        if self._closed.is_set():
            worker.stop()
        else:
            self._idle.put(worker)
        return reply

    def close(self) -> None:
        self._closed.set()
        while not self._idle.empty():
            self._idle.get().stop()
