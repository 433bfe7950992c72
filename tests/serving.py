"""A real uvicorn server on a free loopback port, in a thread, for tests that need
HTTP on the wire (MCP's client, concurrent SPARQL clients)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def served(app: Any, *, start_within: float = 60) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of ``app`` served until the block ends."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_within
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not srv.started:
        srv.should_exit = True
        raise RuntimeError(f"the test server did not start within {start_within} s")
    port = srv.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
