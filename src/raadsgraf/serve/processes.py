"""``raadsgraf serve --processes N``: N service processes on one port, each with a
listening socket of its own (``SO_REUSEPORT``), so the kernel spreads new
connections evenly over them.

uvicorn's own ``--workers`` shares one listening socket among the processes, and
Linux then hands a burst of keep-alive connections mostly to one of them: under 10
closed-loop search clients on Greve one of two processes served every search (its
memory grew by the search caches, the other's did not) and the service used 1.3
cores of two. Each process builds the application itself from the environment
(:func:`raadsgraf.serve.app.from_settings`); this parent starts them, restarts one
that dies, and ends them all on SIGTERM/SIGINT.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import socket
import time
from typing import Any

from raadsgraf.serve.app import FACTORY

#: a process that dies this soon after its start is not restarted (it would die again)
MIN_LIFETIME = 10.0


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` that other processes may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _serve_one(host: str, port: int, options: dict[str, Any]) -> None:
    import uvicorn

    sock = listening_socket(host, port)
    config = uvicorn.Config(FACTORY, factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


def run_processes(processes: int, host: str, port: int, options: dict[str, Any]) -> None:
    """Serve on ``host:port`` from ``processes`` processes until SIGTERM/SIGINT.
    ``options`` are uvicorn.Config's (log level, keep-alive …)."""
    listening_socket(host, port).close()  # a port in use fails here, in the parent
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> tuple[multiprocessing.process.BaseProcess, float]:
        p = context.Process(target=_serve_one, args=(host, port, options), daemon=False)
        p.start()
        return p, time.monotonic()

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    children = [start() for _ in range(processes)]
    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping:
            time.sleep(0.5)
            for i, (p, started) in enumerate(children):
                if not p.is_alive() and not stopping:
                    if time.monotonic() - started < MIN_LIFETIME:
                        stopping = True  # it cannot start: end the others and say so
                        raise SystemExit(f"a service process ended at start (exit {p.exitcode})")
                    children[i] = start()
    finally:
        for p, _ in children:
            if p.is_alive():
                p.terminate()  # uvicorn finishes running requests on SIGTERM
        for p, _ in children:
            p.join(30)
            if p.is_alive():
                p.kill()
        for s, handler in previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(s, handler)
