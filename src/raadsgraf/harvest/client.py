"""A polite HTTP client for agenda portals: httpx with tenacity's retries.

Polite: a User-Agent naming raadsgraf, at most ``rate`` requests a second
(0: no limit), conditional requests (ETag / Last-Modified) when the server
gave validators. Robust: a 5xx answer, a timeout or a dropped connection is
retried with exponential backoff (tenacity) before it becomes one
:class:`FetchError` naming the URL; the caller goes on with the rest.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from raadsgraf.errors import FetchError
from raadsgraf.model import Closing

#: Sent with every request, so a portal's operators can tell who is asking.
USER_AGENT = "raadsgraf/0.1 (+https://raadsgraf.dk; council records harvester)"


@dataclass(frozen=True, slots=True)
class Response:
    """What a GET gave: a body (``None`` when the server said 304 Not Modified)."""

    url: str
    status: int
    body: bytes | None
    etag: str | None
    last_modified: str | None


class _RetryableStatus(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, _RetryableStatus | httpx.TimeoutException | httpx.TransportError)


class RateLimiter:
    """At most ``rate`` calls a second, spaced evenly (0 or less: no limit)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            time.sleep(delay)


class PortalClient(Closing):
    """GETs against one portal, counted (``requests``, ``fetched``, ``not_modified``)."""

    def __init__(
        self,
        *,
        rate: float = 2.0,
        timeout: float = 30.0,
        attempts: int = 3,
        backoff: float = 1.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.limiter = RateLimiter(rate)
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.http = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": "application/json, application/pdf"},
            timeout=timeout,
            follow_redirects=True,
            transport=transport,
        )
        self.requests = 0
        self.fetched = 0
        self.not_modified = 0
        self.bytes = 0

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        """GET ``url`` (conditional when validators are given), retried on 5xx,
        timeouts and connection errors. A 4xx or the last failure raises
        :class:`FetchError`."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        def attempt() -> httpx.Response:
            self.limiter.wait()
            self.requests += 1
            response = self.http.get(url, headers=headers)
            if response.status_code >= 500:
                raise _RetryableStatus(response.status_code)
            return response

        retrying = Retrying(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.backoff, max=30 * self.backoff),
            reraise=False,
        )
        try:
            response = retrying(attempt)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            tries = f"after {self.attempts} attempt(s)"
            if isinstance(last, _RetryableStatus):
                raise FetchError(url, f"HTTP {last.status} {tries}", last.status) from None
            if isinstance(last, httpx.TimeoutException):
                raise FetchError(url, f"timed out {tries}") from None
            raise FetchError(url, f"{type(last).__name__}: {last} {tries}") from None
        except httpx.HTTPError as exc:  # not retried: an invalid URL, too many redirects
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from None
        if response.status_code == 304:
            self.not_modified += 1
            return Response(url, 304, None, etag, last_modified)
        if response.status_code >= 400:
            raise FetchError(url, f"HTTP {response.status_code}", response.status_code)
        body = response.content
        self.fetched += 1
        self.bytes += len(body)
        return Response(
            url,
            response.status_code,
            body,
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
        )

    def close(self) -> None:
        self.http.close()
