"""Read-only views the app shows: typed records built by SPARQL over the store.

Each function asks the graph through :func:`raadsgraf.graph.sparql.run_sparql` and
returns frozen records, so the app never sees a triple and the same pages
could be drawn by another front end. Predicates follow ``docs/graph.md``.

Modules: ``items`` (item, history, summaries), ``bodies`` (meetings,
committees, people), ``people`` (the politicians' record: seats, attendance,
positions, parties, where parties stood), ``facets``, ``policies``; records in
``records``.

What the graph does not hold (a person's role, the policies a policy names) is
added from the source records by :class:`raadsgraf.api.Raadsgraf`, which can
read the source files. An item's sections, attachments and recommendation
points are in the graph and come from it.
"""

from raadsgraf.query.views.bodies import (
    committee_page,
    committees,
    meeting,
    meeting_items,
    meeting_urls,
    meetings,
    people,
    person_page,
)
from raadsgraf.query.views.facets import body_labels, facets
from raadsgraf.query.views.items import (
    case_summaries,
    case_treatments,
    cases,
    decisions,
    history,
    item_detail,
    item_summaries,
    sections,
    sources_of,
    treatment_of,
)
from raadsgraf.query.views.people import parties as party_list
from raadsgraf.query.views.people import party_agreement, party_page, person_record
from raadsgraf.query.views.policies import policies, policy_network
from raadsgraf.query.views.records import (
    AbsenceView,
    CaseSummary,
    CommitteePage,
    Facets,
    History,
    HistoryStep,
    ItemAbsence,
    ItemDetail,
    ItemSummary,
    MeetingRef,
    Member,
    MembershipView,
    NetworkEdge,
    NetworkNode,
    PartyAgreement,
    PartyPage,
    PartyRef,
    PersonPage,
    PersonRecord,
    PersonRef,
    PolicyNetwork,
    PositionView,
    ReferenceView,
    SplitDecision,
)

__all__ = [
    "AbsenceView",
    "CaseSummary",
    "CommitteePage",
    "Facets",
    "History",
    "HistoryStep",
    "ItemAbsence",
    "ItemDetail",
    "ItemSummary",
    "MeetingRef",
    "Member",
    "MembershipView",
    "NetworkEdge",
    "NetworkNode",
    "PartyAgreement",
    "PartyPage",
    "PartyRef",
    "PersonPage",
    "PersonRecord",
    "PersonRef",
    "PolicyNetwork",
    "PositionView",
    "ReferenceView",
    "SplitDecision",
    "body_labels",
    "case_summaries",
    "case_treatments",
    "cases",
    "committee_page",
    "committees",
    "decisions",
    "facets",
    "history",
    "item_detail",
    "item_summaries",
    "meeting",
    "meeting_items",
    "meeting_urls",
    "meetings",
    "party_agreement",
    "party_list",
    "party_page",
    "people",
    "person_page",
    "person_record",
    "policies",
    "policy_network",
    "sections",
    "sources_of",
    "treatment_of",
]
