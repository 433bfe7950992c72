"""Atom and iCalendar feeds over HTTP: what is new for a committee, a case, a person,
a policy or a saved search, and a committee's upcoming meetings. The feeds are built
by :meth:`raadsgraf.api.Raadsgraf.atom_feed` / ``calendar_feed`` (closed items give
their title only); this module serves them with an ETag tied to the store's version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from raadsgraf.api import Raadsgraf
from raadsgraf.errors import QueryError
from raadsgraf.serve.errors import ApiError
from raadsgraf.serve.live import LiveStore, not_modified

KINDS = ("committee", "case", "person", "policy", "search")


def router(live: LiveStore) -> APIRouter:
    api = APIRouter(prefix="/feeds", tags=["feeds"])

    def answer(request: Request, media_type: str, build: Callable[[Raadsgraf], bytes]) -> Response:
        rg, version = live.current()
        etag = live.etag(version, request.url.path, request.url.query)
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if not_modified(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        try:
            body = build(rg)
        except QueryError as exc:
            raise ApiError(
                404, "Der er intet feed for det.", "There is no feed for that.", detail=str(exc)
            ) from None
        return Response(body, media_type=media_type, headers=headers)

    @api.get("/{kind}.atom", summary="Atom feed of new and changed items", response_class=Response)
    def atom(
        request: Request,
        kind: Annotated[str, Path(pattern="^(committee|case|person|policy|search)$")],
        target: Annotated[
            str,
            Query(min_length=1, max_length=500, description="A name, IRI, case number or query"),
        ],
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> Response:
        """Entries with the decision text and a link to the item; closed items by title only."""
        return answer(
            request,
            "application/atom+xml; charset=utf-8",
            lambda rg: rg.atom_feed(kind, target, limit=limit),
        )

    @api.get("/calendar.ics", summary="Upcoming meetings of a committee", response_class=Response)
    def calendar(
        request: Request,
        committee: Annotated[str, Query(min_length=1, max_length=500)],
    ) -> Response:
        """An iCalendar feed of the committee's meetings from today on."""
        return answer(
            request, "text/calendar; charset=utf-8", lambda rg: rg.calendar_feed(committee)
        )

    return api
