"""``raadsgraf serve``: one ASGI application (FastAPI) with the JSON API under
``/api``, the SPARQL 1.1 Protocol at ``/sparql``, MCP (streamable HTTP) at
``/mcp``, ``/healthz``, ``/metrics`` and the OpenAPI document at ``/openapi.json``.

Run it with uvicorn (``raadsgraf serve``) or gunicorn with uvicorn workers
(docs/serve.md); build it with :func:`create_app`."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.routing import Route

from raadsgraf.api import store_version
from raadsgraf.config import Settings
from raadsgraf.errors import RaadsgrafError
from raadsgraf.serve import errors, feeds, jsonapi, schemas, sparql
from raadsgraf.serve.guard import Guard, RateLimiter, configure_access_log
from raadsgraf.serve.live import LiveStore
from raadsgraf.serve.metrics import Metrics
from raadsgraf.serve.workers import QueryService

DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """What the service needs beyond :class:`Settings` (the CLI's flags)."""

    host: str = DEFAULT_HOST  # for MCP's DNS-rebinding protection
    warm: bool = True  # load the search index and model at start-up


def create_app(store: Path, settings: Settings, options: ServeOptions | None = None) -> FastAPI:
    """The service over a store folder (fails with a RaadsgrafError when it holds no store)."""
    options = options or ServeOptions()
    service = QueryService(
        store,
        timeout=settings.sparql_timeout,
        max_rows=settings.sparql_max_rows,
        workers=settings.sparql_workers,
        graph=settings.graph,
    )
    live = LiveStore(store, settings)
    metrics = Metrics()
    from raadsgraf.serve.mcp_tools import build

    assistant = build(live, service)
    mcp_app = assistant.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=True, host=options.host
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if options.warm:
            threading.Thread(target=_warm, args=(live,), daemon=True).start()
        async with assistant.session_manager.run():
            yield
        service.close()

    app = FastAPI(
        title="raadsgraf",
        version=_version(),
        summary="Danish council records: JSON API, SPARQL 1.1 Protocol and MCP",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.live = live
    app.state.sparql = service
    app.state.metrics = metrics
    errors.install(app)
    app.include_router(jsonapi.router(live))
    app.include_router(sparql.router(service, metrics))
    app.include_router(feeds.router(live))
    for route in mcp_app.routes:  # /mcp, run by the session manager started above
        if isinstance(route, Route):
            app.router.routes.append(route)

    @app.get("/healthz", response_model=schemas.Health, tags=["service"])
    def healthz() -> JSONResponse:
        """200 while the store can be read; 503 otherwise."""
        try:
            version = store_version(store)
        except RaadsgrafError:
            version = None
        status = "ok" if version else "no-store"
        return JSONResponse({"status": status, "store": version}, 200 if version else 503)

    @app.get("/metrics", tags=["service"], response_class=Response)
    def prometheus() -> Response:
        """Prometheus text format."""
        metrics.generation.set(live.reloads)
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    origins = [o.strip() for o in settings.serve_cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "If-None-Match"],
            expose_headers=["ETag", "X-Request-Id", "X-Raadsgraf-Truncated"],
        )
    app.add_middleware(
        Guard,
        metrics=metrics,
        limiter=RateLimiter(settings.serve_rate_limit),
        max_body=settings.serve_max_body,
    )
    configure_access_log()
    return app


def _warm(live: LiveStore) -> None:
    # Best effort: a store without an index answers the first search with its error.
    with contextlib.suppress(Exception):
        rg, _ = live.current()
        rg.warm()


#: the application factory uvicorn's and gunicorn's worker processes import
FACTORY = "raadsgraf.serve.app:from_settings"
#: how ``raadsgraf serve --processes N`` hands its --host and --no-warm to the processes
OPTIONS_ENV = "RAADSGRAF_SERVE_OPTIONS"


def from_settings() -> FastAPI:
    """The application for ``uvicorn --factory`` / gunicorn: settings from
    ``raadsgraf.toml`` and ``RAADSGRAF_*`` (docs/serve.md)."""
    from raadsgraf.config import load

    settings = load()
    options = ServeOptions(**json.loads(os.environ.get(OPTIONS_ENV, "{}")))
    return create_app(Path(settings.store), settings, options)


def per_process(settings: Settings, processes: int) -> Settings:
    """Each of ``processes`` service processes gets its share of the SPARQL workers
    (at least one), so that the machine runs ``sparql_workers`` of them in all."""
    return replace(settings, sparql_workers=max(1, settings.sparql_workers // processes))


def export_for_processes(settings: Settings, options: ServeOptions) -> None:
    """Put the settings the serve command may have changed, and its options, into the
    environment the worker processes start with (they build the app with
    :func:`from_settings`)."""
    for name in (
        "store",
        "sparql_timeout",
        "sparql_max_rows",
        "sparql_workers",
        "serve_rate_limit",
        "serve_cors_origins",
    ):
        os.environ[f"RAADSGRAF_{name.upper()}"] = str(getattr(settings, name))
    os.environ[OPTIONS_ENV] = json.dumps({"host": options.host, "warm": options.warm})


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("raadsgraf")
    except PackageNotFoundError:  # a checkout on PYTHONPATH
        return "0"
