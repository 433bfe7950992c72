"""Error answers: JSON in Danish and English with a request id; never a trace.

Every 4xx/5xx the service sends has the body::

    {"error": {"status": 404, "code": "not_found", "request_id": "…",
               "message_da": "…", "message_en": "…", "detail": "…"}}

``detail`` is the library's own (English) message for a request error, with any
filesystem path removed; for a server error there is no detail, and the trace
goes to the log under the request id.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from raadsgraf.errors import RaadsgrafError

log = logging.getLogger("raadsgraf.serve")

#: (code, Danish, English) per status
MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Forespørgslen kan ikke besvares.", "The request cannot be answered."),
    403: ("forbidden", "Det er ikke tilladt her.", "This is not allowed here."),
    404: ("not_found", "Det findes ikke.", "Not found."),
    405: ("method_not_allowed", "Metoden er ikke tilladt.", "Method not allowed."),
    406: (
        "not_acceptable",
        "Intet af de ønskede formater kan leveres.",
        "None of the accepted formats can be served.",
    ),
    413: ("too_large", "Forespørgslen er for stor.", "The request body is too large."),
    415: (
        "unsupported_media_type",
        "Indholdstypen understøttes ikke.",
        "Unsupported content type.",
    ),
    422: (
        "invalid_parameters",
        "En eller flere parametre er ugyldige.",
        "One or more parameters are invalid.",
    ),
    429: (
        "rate_limited",
        "For mange forespørgsler; vent lidt og prøv igen.",
        "Too many requests; wait a little and try again.",
    ),
    500: (
        "internal_error",
        "Der opstod en fejl på serveren. Oplys forespørgslens id, hvis du kontakter os.",
        "The server failed. Quote the request id if you contact us.",
    ),
    503: (
        "unavailable",
        "Tjenesten kan ikke svare lige nu.",
        "The service cannot answer right now.",
    ),
}

# An absolute filesystem path (not the path part of an IRI: that follows "//host").
_PATH = re.compile(r"(?<![\w:/.%-])/(?:[\w.@+-]+/)*[\w.@+-]+")


def scrub(text: str) -> str:
    """``text`` without filesystem paths (a library error may name the store folder)."""
    return _PATH.sub("<…>", text)


@dataclass(slots=True)
class ApiError(Exception):
    """An answer with a status: raise it from a route."""

    status: int
    message_da: str | None = None
    message_en: str | None = None
    detail: str | None = None
    headers: dict[str, str] | None = None


def error_body(
    status: int,
    request_id: str,
    *,
    message_da: str | None = None,
    message_en: str | None = None,
    detail: str | None = None,
) -> dict[str, object]:
    code, da, en = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    body: dict[str, object] = {
        "status": status,
        "code": code,
        "request_id": request_id,
        "message_da": message_da or da,
        "message_en": message_en or en,
    }
    if detail:
        body["detail"] = scrub(detail)
    return {"error": body}


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "-"))


def error_response(
    request: Request, status: int, *, headers: dict[str, str] | None = None, **text: str | None
) -> JSONResponse:
    """The error answer; ``text`` as :func:`error_body` takes it (message_da, message_en,
    detail)."""
    rid = request_id(request)
    body = error_body(status, rid, **text)
    return JSONResponse(body, status_code=status, headers={**(headers or {}), "X-Request-Id": rid})


def install(app: FastAPI) -> None:
    """Exception handlers: every error becomes the JSON body above."""

    async def api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(
            request,
            exc.status,
            message_da=exc.message_da,
            message_en=exc.message_en,
            detail=exc.detail,
            headers=exc.headers,
        )

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return error_response(request, exc.status_code, headers=dict(exc.headers or {}))

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return error_response(request, 422, detail=problems)

    async def domain(request: Request, exc: Exception) -> JSONResponse:
        # A library error that reached here unhandled by its route: the request's fault.
        return error_response(request, 400, detail=str(exc))

    async def crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("request %s failed", request_id(request), exc_info=exc)
        return error_response(request, 500)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(RaadsgrafError, domain)
    app.add_exception_handler(Exception, crash)
