"""Prometheus metrics, one registry per app (so tests can build many apps)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter(
            "raadsgraf_http_requests", "HTTP requests answered", ["route", "status"], registry=r
        )
        self.latency = Histogram(
            "raadsgraf_http_request_seconds",
            "Time to answer, by route",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.sparql_timeouts = Counter(
            "raadsgraf_sparql_timeouts", "SPARQL queries stopped at the timeout", registry=r
        )
        self.rate_limited = Counter(
            "raadsgraf_rate_limited", "Requests refused by the rate limit", registry=r
        )
        self.generation = Gauge(
            "raadsgraf_store_reloads", "Times the service reopened the store", registry=r
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
