"""The middleware every request passes: request id, rate limit, body cap,
metrics and the structured access log (one JSON line per request)."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from raadsgraf.serve.errors import error_body
from raadsgraf.serve.metrics import Metrics

access_log = logging.getLogger("raadsgraf.access")

#: never rate limited: the orchestrator's probes and the scraper
UNLIMITED = ("/healthz", "/metrics")


class RateLimiter:
    """A token bucket per client address: ``per_minute`` requests a minute on
    average, bursts up to a sixth of that (at least 10). 0 turns it off."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(per_minute / 6.0, 10.0)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> tuple[bool, float]:
        """(allowed, seconds until the next token when refused)."""
        if self.rate <= 0:
            return True, 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if len(self._buckets) > 50_000:  # forget clients whose bucket is full again
                self._buckets = {
                    k: v
                    for k, v in self._buckets.items()
                    if v[0] + (now - v[1]) * self.rate < self.burst
                }
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                return False, (1.0 - tokens) / self.rate
            self._buckets[client] = (tokens - 1.0, now)
            return True, 0.0


class _TooLarge(Exception):
    pass


class Guard:
    """Pure ASGI middleware (no per-request task or body buffering)."""

    def __init__(
        self, app: ASGIApp, *, metrics: Metrics, limiter: RateLimiter, max_body: int
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.limiter = limiter
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        rid = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = rid
        scope["state"]["started"] = started
        client = (scope.get("client") or ("-", 0))[0]
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"x-request-id" for k, _ in headers):
                    headers.append((b"x-request-id", rid.encode()))
                message["headers"] = headers
            await send(message)

        received = 0

        async def receive_wrapper() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return message

        try:
            if scope["path"] not in UNLIMITED:
                allowed, wait = self.limiter.allow(client)
                if not allowed:
                    self.metrics.rate_limited.inc()
                    retry = {"Retry-After": str(max(int(wait + 0.999), 1))}
                    await self._refuse(send_wrapper, 429, rid, retry)
                    return
            length = _header(scope, b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                await self._refuse(send_wrapper, 413, rid)
                return
            await self.app(scope, receive_wrapper, send_wrapper)
        except _TooLarge:
            if not response_started:
                await self._refuse(send_wrapper, 413, rid)
        finally:
            elapsed = time.monotonic() - started
            route = scope.get("route")
            label = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(label, str(status)).inc()
            self.metrics.latency.labels(label).observe(elapsed)
            access_log.info(
                json.dumps(
                    {
                        "ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        "request_id": rid,
                        "client": client,
                        "method": scope.get("method"),
                        "path": scope["path"],
                        "query": scope.get("query_string", b"").decode("latin-1")[:500],
                        "status": status,
                        "ms": round(elapsed * 1000, 1),
                    },
                    ensure_ascii=False,
                )
            )

    @staticmethod
    async def _refuse(
        send: Send, status: int, rid: str, headers: dict[str, str] | None = None
    ) -> None:
        body = json.dumps(error_body(status, rid), ensure_ascii=False).encode()
        raw: list[tuple[bytes, bytes]] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def configure_access_log(stream: Any = None) -> None:
    """Access lines (JSON) to stderr unless the host application set up logging."""
    if not access_log.handlers:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
