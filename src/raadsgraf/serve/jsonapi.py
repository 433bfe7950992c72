"""The JSON API: search, item, case history, lineage, policy, person, committee,
meeting, facets. Every answer carries stable IRIs, links to the answers about
the things it names, and an ETag (If-None-Match → 304 without any work)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from raadsgraf.api import Raadsgraf
from raadsgraf.errors import QueryError, RaadsgrafError
from raadsgraf.index.search import Filters
from raadsgraf.model import Outcome
from raadsgraf.query.lineage import Lineage
from raadsgraf.serve import schemas
from raadsgraf.serve.citations import (
    cite,
    cite_hits,
    cite_steps,
    link,
    meeting_of,
    plain,
    resource_link,
)
from raadsgraf.serve.errors import ApiError
from raadsgraf.serve.live import LiveStore, not_modified

T = TypeVar("T")
MAX_IRI = 2000
IriParam = Annotated[
    str, Query(min_length=8, max_length=MAX_IRI, description="The thing's IRI (https://…)")
]
Limit = Annotated[int, Query(ge=1, le=100, description="Results per page")]
Offset = Annotated[int, Query(ge=0, le=10_000, description="Results to skip")]


def _check_iri(iri: str) -> str:
    if not iri.startswith(("https://", "http://")):
        raise ApiError(
            400,
            "Adressen er ikke en IRI (den skal begynde med https://).",
            "The address is not an IRI (it must start with https://).",
        )
    return iri


def _found(value: T | None, what_da: str, what_en: str, iri: str) -> T:
    """The thing asked for, or a 404 naming it."""
    if value is None:
        raise ApiError(404, f"{what_da} findes ikke: {iri}", f"No such {what_en}: {iri}")
    return value


def _page_links(request: Request, offset: int, limit: int, more: bool) -> dict[str, str | None]:
    url = request.url

    def at(o: int) -> str:
        params = dict(request.query_params)
        params["offset"], params["limit"] = str(o), str(limit)
        return url.path + "?" + "&".join(f"{k}={v}" for k, v in _encoded(params).items())

    return {
        "self": at(offset),
        "next": at(offset + limit) if more else None,
        "prev": at(max(offset - limit, 0)) if offset > 0 else None,
    }


def _paged(
    request: Request, every: Sequence[Any], offset: int, limit: int, row: Callable[[Any], Any]
) -> dict[str, Any]:
    """A list answer: one page of ``every`` (each made by ``row``), its total, links."""
    page = every[offset : offset + limit]
    return {
        "total": len(every),
        "offset": offset,
        "limit": limit,
        "links": _page_links(request, offset, limit, len(every) > offset + limit),
        "data": [row(x) for x in page],
    }


def _person_row(r: tuple[Any, ...]) -> dict[str, Any]:
    person, municipality, meetings = r
    return {
        "person": person,
        "municipality": municipality,
        "meetings": meetings,
        "link": link("person", iri=person.iri),
    }


def _committee_row(r: tuple[Any, ...]) -> dict[str, Any]:
    keys = ("iri", "label", "municipality", "meetings")
    return dict(zip(keys, r, strict=True)) | {"link": link("committee", iri=r[0])}


def _meeting_row(m: Any) -> dict[str, Any]:
    return {"meeting": m, "link": link("meeting", iri=m.iri)}


def _encoded(params: dict[str, str]) -> dict[str, str]:
    from urllib.parse import quote

    return {quote(k, safe=""): quote(v, safe="") for k, v in params.items()}


def _no_treatments(exc: QueryError) -> ApiError:
    return ApiError(
        404, "Der er ingen behandlinger af det.", "No treatments of that.", detail=str(exc)
    )


def _item_answer(rg: Raadsgraf, iri: str) -> dict[str, Any]:
    """An agenda item (item or treatment IRI): decision, recommendation, sections…"""
    d = _found(rg.item(iri), "Dagsordenspunktet", "agenda item", iri)
    (c,) = cite(rg, [(d.item, d.municipality, d.committee, d.date, d.number, d.title)])
    links: dict[str, str | None] = {
        "self": link("item", iri=d.item),
        "history": link("history", target=d.treatment),
        "meeting": link("meeting", iri=d.meeting),
        "committee": link("committee", iri=d.committee_iri) if d.committee_iri else None,
        "case": link("history", target=d.case_number) if d.case_number else None,
    }
    for n, (policy, _) in enumerate(d.policies, 1):
        links[f"policy{n}"] = link("policy", iri=policy)
    return {"data": d, "citation": c, "links": links}


def _policy_answer(rg: Raadsgraf, iri: str) -> dict[str, Any]:
    """A policy's versions, adoption, what it replaces, and its treatments."""
    network = _found(rg.policy_network(iri), "Politikken", "policy", iri)
    try:
        found = rg.lineage(iri)
    except QueryError:
        found = Lineage(iri, (), ())
    return {
        "data": network,
        "lineage": found,
        "citations": cite_steps(rg, found.steps),
        "links": {"self": link("policy", iri=iri), "history": link("history", target=iri)},
    }


def _person_answer(rg: Raadsgraf, iri: str) -> dict[str, Any]:
    """A person's meetings, party, absences and roles."""
    page = _found(rg.person(iri), "Personen", "person", iri)
    links = {"self": link("person", iri=iri)}
    for m in page.meetings[:50]:
        links[f"meeting:{m.iri}"] = link("meeting", iri=m.iri)
    return {"data": page, "links": links}


def _committee_answer(rg: Raadsgraf, iri: str) -> dict[str, Any]:
    """A committee's meetings, members and outcomes."""
    page = _found(rg.committee(iri), "Udvalget", "committee", iri)
    return {
        "data": page,
        "links": {
            "self": link("committee", iri=iri),
            "meetings": link("meetings", committee=iri),
        },
    }


def _meeting_answer(rg: Raadsgraf, iri: str) -> dict[str, Any]:
    """A meeting and its agenda items in order."""
    ref = _found(rg.meeting(iri), "Mødet", "meeting", iri)
    links: dict[str, str | None] = {"self": link("meeting", iri=iri)}
    if ref.committee_iri:
        links["committee"] = link("committee", iri=ref.committee_iri)
    items = rg.meeting_items(iri)
    for s in items:
        links[f"item:{s.number}"] = link("item", iri=s.item)
    return {
        "data": ref,
        "items": items,
        "source_url": rg.source_urls([iri]).get(iri),
        "links": links,
    }


def router(live: LiveStore) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["api"])

    def answer(request: Request, compute: Callable[[Raadsgraf], Any]) -> Response:
        rg, version = live.current()
        etag = live.etag(version, request.url.path, request.url.query)
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if not_modified(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        body = plain(compute(rg))
        return Response(
            json.dumps(body, ensure_ascii=False).encode(),
            media_type="application/json",
            headers=headers,
        )

    @api.get("/search", response_model=schemas.SearchAnswer, summary="Search the records")
    def search(
        request: Request,
        q: Annotated[str, Query(min_length=1, max_length=500, description="Words, a case number…")],
        limit: Limit = 10,
        offset: Annotated[int, Query(ge=0, le=200)] = 0,
        mode: Annotated[str, Query(pattern="^(hybrid|dense|bm25)$")] = "hybrid",
        municipality: Annotated[str | None, Query(max_length=200)] = None,
        committee: Annotated[str | None, Query(max_length=200)] = None,
        date_from: Annotated[dt.date | None, Query(alias="from")] = None,
        date_to: Annotated[dt.date | None, Query(alias="to")] = None,
        open_only: bool = False,
        outcome: Annotated[
            str | None, Query(description=", ".join(o.value for o in Outcome))
        ] = None,
        per_item: Annotated[
            bool, Query(description="One hit per agenda item, not one per case")
        ] = False,
    ) -> Response:
        """One hit per case (its best treatment; the case's other treatments in the hit's
        `other_treatments`), agenda item without a case number or policy, best first;
        `per_item=true`: one hit per agenda item. The CLI's `search` filters.

        `total` counts the strong hits (those that clear the relevance floor) that match
        the filters; 0 when only weak hits (`weak: true`, "nearest, not a good match")
        are shown. When `total_exact` is false there may be more than `total`."""

        def compute(rg: Raadsgraf) -> Any:
            try:
                chosen = Filters(municipality, committee, date_from, date_to, open_only, outcome)
                hits = rg.search(
                    q, top_k=offset + limit + 1, mode=mode, filters=chosen, per_item=per_item
                )
            except QueryError as exc:
                raise ApiError(400, "Søgningen kan ikke udføres.", detail=str(exc)) from None
            except RaadsgrafError as exc:
                raise ApiError(
                    503,
                    "Søgeindekset kan ikke bruges.",
                    "The search index is unavailable.",
                    detail=str(exc),
                ) from None
            page = hits[offset : offset + limit]
            citations = cite_hits(rg, page)
            results = []
            for h, c in zip(page, citations, strict=True):
                links: dict[str, str | None] = {"self": resource_link(h.iri)}
                if "/punkt/" in h.iri:
                    links["history"] = link("history", target=h.iri)
                    links["meeting"] = link("meeting", iri=meeting_of(h.iri))
                results.append({"hit": h, "citation": c, "links": links})
            filters = {
                "municipality": municipality,
                "committee": committee,
                "from": date_from,
                "to": date_to,
                "open_only": open_only,
                "outcome": outcome,
            }
            return {
                "total": hits.total,
                "total_exact": hits.total_exact,
                "offset": offset,
                "limit": limit,
                "links": _page_links(request, offset, limit, len(hits) > offset + limit),
                "query": q,
                "mode": mode,
                "filters": filters,
                "results": results,
            }

        return answer(request, compute)

    @api.get("/history", response_model=schemas.HistoryAnswer, summary="Case history")
    def history(
        request: Request, target: Annotated[str, Query(min_length=1, max_length=MAX_IRI)]
    ) -> Response:
        """Treatment history of an item, treatment, case number or policy, with decisions."""

        def compute(rg: Raadsgraf) -> Any:
            try:
                h = rg.history(target)
            except QueryError as exc:
                raise _no_treatments(exc) from None
            return {
                "data": h,
                "citations": cite_steps(rg, (s.step for s in h.steps)),
                "links": {"self": link("history", target=target)},
            }

        return answer(request, compute)

    @api.get("/lineage", response_model=schemas.LineageAnswer, summary="Treatment lineage")
    def lineage(
        request: Request,
        target: Annotated[str | None, Query(max_length=MAX_IRI)] = None,
        date: dt.date | None = None,
        item: Annotated[int | None, Query(ge=0, le=10_000)] = None,
        committee: Annotated[str | None, Query(max_length=200)] = None,
    ) -> Response:
        """Lineage of an IRI or case number, or of a meeting date + item number."""
        if target is None and (date is None or item is None):
            raise ApiError(
                422, "Angiv target, eller date og item.", "Give target, or date and item."
            )

        def compute(rg: Raadsgraf) -> Any:
            try:
                found = rg.lineage(target, date=date, item=item, committee=committee)
            except QueryError as exc:
                raise _no_treatments(exc) from None
            return {
                "data": found,
                "citations": cite_steps(rg, found.steps),
                "links": {"self": str(request.url.path) + "?" + request.url.query},
            }

        return answer(request, compute)

    @api.get("/people", response_model=schemas.PersonList, summary="People")
    def people(request: Request, limit: Limit = 50, offset: Offset = 0) -> Response:
        return answer(request, lambda rg: _paged(request, rg.people(), offset, limit, _person_row))

    @api.get("/committees", response_model=schemas.CommitteeList, summary="Committees")
    def committees(request: Request, limit: Limit = 50, offset: Offset = 0) -> Response:
        return answer(
            request, lambda rg: _paged(request, rg.committees(), offset, limit, _committee_row)
        )

    @api.get("/meetings", response_model=schemas.MeetingList, summary="Meetings, newest first")
    def meetings(
        request: Request,
        committee: Annotated[str | None, Query(max_length=MAX_IRI)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response:
        if committee is not None:
            _check_iri(committee)

        return answer(
            request, lambda rg: _paged(request, rg.meetings(committee), offset, limit, _meeting_row)
        )

    @api.get("/facets", response_model=schemas.FacetsAnswer, summary="Facet counts")
    def facets(request: Request) -> Response:
        """Items per municipality, committee, outcome and year."""
        return answer(request, lambda rg: {"data": rg.facets(), "links": {"self": link("facets")}})

    def one(fetch: Callable[[Raadsgraf, str], dict[str, Any]]) -> Callable[..., Response]:
        def endpoint(request: Request, iri: IriParam) -> Response:
            _check_iri(iri)
            return answer(request, lambda rg: fetch(rg, iri))

        endpoint.__doc__ = fetch.__doc__
        return endpoint

    # The things asked for by IRI: each answer, or a 404 naming the thing.
    for path, model, summary, fetch in (
        ("/item", schemas.ItemAnswer, "An agenda item", _item_answer),
        ("/policy", schemas.PolicyAnswer, "A policy and its lineage", _policy_answer),
        ("/person", schemas.PersonAnswer, "A person", _person_answer),
        ("/committee", schemas.CommitteeAnswer, "A committee", _committee_answer),
        ("/meeting", schemas.MeetingAnswer, "A meeting", _meeting_answer),
    ):
        api.add_api_route(
            path,
            one(fetch),
            methods=["GET"],
            response_model=model,
            summary=summary,
            name=path.strip("/"),
        )

    return api
