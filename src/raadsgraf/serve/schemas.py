"""The JSON API's answers as models: they make the OpenAPI document, and the
tests check every real answer against it. The records themselves are the
library's dataclasses, so a field added there (a search hit's ``weak`` flag)
appears here without a change."""

from typing import Any

from pydantic import BaseModel, Field

from raadsgraf.index.search import Hit
from raadsgraf.query.lineage import Lineage
from raadsgraf.query.views import (
    CommitteePage,
    Facets,
    History,
    ItemDetail,
    ItemSummary,
    MeetingRef,
    PersonPage,
    PersonRef,
    PolicyNetwork,
)
from raadsgraf.serve.citations import Citation

Links = dict[str, str | None]


class Page(BaseModel):
    total: int | None
    offset: int
    limit: int
    links: Links


class SearchResult(BaseModel):
    hit: Hit
    citation: Citation
    links: Links


class SearchAnswer(Page):
    total: int = Field(description="Strong hits (above the relevance floor) matching the filters")
    total_exact: bool = Field(description="False: there may be more strong hits than total")
    query: str
    mode: str
    filters: dict[str, Any]
    results: list[SearchResult]


class ItemAnswer(BaseModel):
    data: ItemDetail
    citation: Citation
    links: Links


class HistoryAnswer(BaseModel):
    data: History
    citations: list[Citation]
    links: Links


class LineageAnswer(BaseModel):
    data: Lineage
    citations: list[Citation]
    links: Links


class PolicyAnswer(BaseModel):
    data: PolicyNetwork
    lineage: Lineage
    citations: list[Citation]
    links: Links


class PersonAnswer(BaseModel):
    data: PersonPage
    links: Links


class CommitteeAnswer(BaseModel):
    data: CommitteePage
    links: Links


class MeetingAnswer(BaseModel):
    data: MeetingRef
    items: list[ItemSummary]
    source_url: str | None
    links: Links


class FacetsAnswer(BaseModel):
    data: Facets
    links: Links


class CommitteeEntry(BaseModel):
    iri: str
    label: str
    municipality: str | None
    meetings: int
    link: str


class CommitteeList(Page):
    data: list[CommitteeEntry]


class PersonEntry(BaseModel):
    person: PersonRef
    municipality: str | None
    meetings: int
    link: str


class PersonList(Page):
    data: list[PersonEntry]


class MeetingEntry(BaseModel):
    meeting: MeetingRef
    link: str


class MeetingList(Page):
    data: list[MeetingEntry]


class Health(BaseModel):
    status: str
    store: str | None
