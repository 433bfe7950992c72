"""The app's read-only views over a store built from the real seeds.

Expectations come from the seeds' own records (``raadsgraf.parse_file``), so
the tests check that the graph views say what the documents say.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

import raadsgraf
from raadsgraf import iris
from raadsgraf.index import Filters
from raadsgraf.model import AttendanceStatus, Document, PersonKind
from tests.app_store import STORE_SEEDS, seed_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rg(seed_store: Path):  # type: ignore[no-untyped-def]
    with raadsgraf.open(seed_store) as opened:
        yield opened


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return [raadsgraf.parse_file(seed_file(p)) for p in STORE_SEEDS]


def _item(docs: list[Document], municipality: str, date: dt.date, number: int):  # type: ignore[no-untyped-def]
    for d in docs:
        for m in d.meetings:
            if iris.municipality_name(m.municipality.name) == municipality and m.date == date:
                return m, next(i for i in m.items if i.number == number)
    raise AssertionError("no such item in the seeds")


def test_item_detail_matches_the_record(rg, docs) -> None:  # type: ignore[no-untyped-def]
    meeting, item = _item(docs, "Ballerup", dt.date(2023, 11, 7), 7)
    detail = rg.item(iris.item_iri(meeting, item))
    assert detail is not None
    assert detail.title == item.title
    assert detail.number == 7 and detail.date == meeting.date
    assert detail.committee == iris.committee_name(meeting.committee.name)
    assert detail.case_number == item.case_number
    assert item.kle is not None
    assert detail.kle_subject == item.kle.subject and detail.kle_facet == item.kle.facet.upper()
    assert item.decision is not None and item.recommendation is not None
    assert detail.decision == item.decision.text and detail.outcome == item.decision.outcome.value
    assert detail.recommendation_points == item.recommendation.points
    assert [s.heading for s in detail.sections] == [s.heading for s in item.sections]
    assert [a.title for a in detail.attachments] == [a.title for a in item.attachments]
    absent = {
        iris.person_key(a.person.name)
        for a in item.attendance
        if a.status == AttendanceStatus.ABSENT
    }
    assert {a.person.name for a in detail.absences} == absent
    assert absent.isdisjoint(p.name for p in detail.attendees)
    assert detail.attendees, "people present at the meeting are present at the item"
    # the earlier treatment the item names is outside the corpus, and says so
    assert len(detail.references) == len(item.references)
    ref = detail.references[0]
    assert ref.date == item.references[0].date and ref.item_number == item.references[0].item_number
    assert not ref.in_corpus
    assert any("boligsocial" in title.lower() for _, title in detail.policies)


def test_item_by_treatment_iri_and_unknown_iri(rg, docs) -> None:  # type: ignore[no-untyped-def]
    meeting, item = _item(docs, "Ballerup", dt.date(2023, 11, 7), 3)
    by_treatment = rg.item(iris.treatment_iri(meeting, item))
    assert by_treatment is not None and by_treatment.item == iris.item_iri(meeting, item)
    assert rg.item("https://raadsgraf.dk/id/kommune/x/organ/y/moede/2020-01-01/punkt/1") is None


def test_case_history_in_date_order_with_decisions(rg, docs) -> None:  # type: ignore[no-untyped-def]
    meeting, item = _item(docs, "Ballerup", dt.date(2023, 11, 7), 7)
    history = rg.history(item.case_number)
    dates = [h.step.date for h in history.steps]
    assert dates == sorted(dates)
    own = [h for h in history.steps if h.in_case]
    assert [h.step.date for h in own] == [meeting.date]
    assert own[0].decision == item.decision.text
    outside = [h for h in history.steps if not h.step.in_corpus]
    assert [h.step.date for h in outside] == sorted(r.date for r in item.references)
    assert history.policies and history.policies[0].adopted_on is not None


def test_case_summaries_name_each_case_as_its_records_do(rg, docs) -> None:  # type: ignore[no-untyped-def]
    """The picker's line per case: the latest item carrying the number (title, committee,
    date) from the records, and the count the case page gives as "med sagsnummeret"."""
    latest: dict[str, tuple[dt.date, str, str]] = {}
    counts: Counter[str] = Counter()
    for d in docs:
        for m in d.meetings:
            for it in m.items:
                if it.case_number:
                    counts[it.case_number] += 1
                    if it.case_number not in latest or m.date > latest[it.case_number][0]:
                        latest[it.case_number] = (m.date, it.title, m.committee.name)
    summaries = rg.case_summaries()
    assert {c.number for c in summaries} == set(latest)
    for c in summaries:
        assert (c.last_date, c.title, c.committee) == latest[c.number], c
        assert c.treatments == counts[c.number]
        assert c.treatments == sum(h.in_case for h in rg.history(c.number).steps)
    dates = [c.last_date for c in summaries]
    assert dates == sorted(dates, reverse=True)


def test_facets_count_the_records(rg, docs) -> None:  # type: ignore[no-untyped-def]
    facets = rg.facets()
    expected: Counter[str] = Counter()
    years: Counter[int] = Counter()
    for d in docs:
        for m in d.meetings:
            expected[iris.municipality_name(m.municipality.name)] += len(m.items)
            years[m.date.year] += len(m.items)
    assert dict(facets.municipalities) == dict(expected)
    assert dict(facets.years) == dict(years)
    outcomes = Counter(
        i.decision.outcome.value for d in docs for m in d.meetings for i in m.items if i.decision
    )
    assert {o: n for o, _, n in facets.outcomes} == dict(outcomes)
    assert all(label for _, label, _ in facets.outcomes)


def test_committee_page(rg, docs) -> None:  # type: ignore[no-untyped-def]
    meetings = [
        m
        for d in docs
        for m in d.meetings
        if iris.committee_iri(m.municipality.name, m.committee.name).endswith(
            "/ballerup/organ/socialudvalget"
        )
    ]
    page = rg.committee(iris.committee_iri("Ballerup", "Socialudvalget"))
    assert page is not None and page.label == "Socialudvalget" and page.municipality == "Ballerup"
    assert sorted(m.date for m in page.meetings) == sorted(m.date for m in meetings)
    per_year = Counter()
    for m in meetings:
        per_year[m.date.year] += len(m.items)
    assert dict(page.items_per_year) == dict(per_year)

    def seen(kind: PersonKind) -> set[str]:
        return {
            iris.person_key(a.person.name)
            for m in meetings
            for a in m.attendance
            if a.person.kind == kind
        }

    # elected members and officials apart, as the records classify them
    assert {mem.person.name for mem in page.members} == seen(PersonKind.MEMBER)
    assert {mem.person.name for mem in page.officials} == seen(PersonKind.OFFICIAL)
    assert rg.committee("https://raadsgraf.dk/id/kommune/x/organ/ukendt") is None


def test_person_page_meetings_absences_and_roles(rg, docs) -> None:  # type: ignore[no-untyped-def]
    meeting, _ = _item(docs, "Ballerup", dt.date(2023, 11, 7), 7)
    absent_items = Counter(
        iris.person_key(a.person.name)
        for i in meeting.items
        for a in i.attendance
        if a.status == AttendanceStatus.ABSENT
    )
    name, count = absent_items.most_common(1)[0]
    page = rg.person(iris.person_iri("Ballerup", name))
    assert page is not None and page.person.name == name
    assert sum(1 for a in page.item_absences if a.date == meeting.date) == count
    assert any(m.date == meeting.date for m in page.meetings)
    # roles are prov:Associations in the graph: 000 names several
    with_role = next(a for d in docs for m in d.meetings for a in m.attendance if a.person.role)
    muni = next(m.municipality.name for d in docs for m in d.meetings if with_role in m.attendance)
    other = rg.person(iris.person_iri(muni, with_role.person.name))
    assert other is not None
    assert {r[:1].lower() + r[1:] for r in with_role.person.role.split("; ")} <= set(other.roles)


def test_people_and_meetings_lists(rg, docs) -> None:  # type: ignore[no-untyped-def]
    listed = rg.meetings()
    assert len(listed) == sum(len(d.meetings) for d in docs)
    assert [m.date for m in listed] == sorted((m.date for m in listed), reverse=True)
    first = listed[0]
    items = rg.meeting_items(first.iri)
    assert [s.number for s in items] == sorted(s.number for s in items)
    assert len(items) == first.items
    assert rg.people()


def test_policy_network_and_table(rg, docs) -> None:  # type: ignore[no-untyped-def]
    (policy,) = [p for d in docs for p in d.policies]
    net = rg.policy_network(iris.policy_iri(policy))
    assert net is not None and net.title == policy.title
    kinds = Counter(n.kind for n in net.nodes)
    assert kinds["politik"] == 1 and kinds["udgave"] >= 1 and kinds["behandling"] >= 1
    assert kinds["erstattet"] == (1 if policy.replaces_year else 0)
    assert net.mentions == tuple(sorted(set(policy.mentions)))
    assert kinds["nævnt"] == len(net.mentions)
    ids = {n.id for n in net.nodes}
    assert all(e.source in ids and e.target in ids for e in net.edges)
    assert len(net.table()) == len(net.edges)
    assert {"vedtaget af", "udgave", "behandler"} <= {e.label for e in net.edges}
    assert rg.policies()[0][0] == iris.policy_iri(policy)


def test_search_with_filters_and_similar(rg) -> None:  # type: ignore[no-untyped-def]
    hits = rg.search("boligsocial strategi", top_k=5)
    assert any("boligsocial" in h.item_title.lower() for h in hits)
    slagelse = rg.search("boligsocial strategi", top_k=5, filters=Filters(municipality="Slagelse"))
    assert slagelse and all("Slagelse" in (h.municipality or "") for h in slagelse)
    summaries = rg.item_summaries([h.iri for h in slagelse])
    assert all(s.municipality == "Slagelse" for s in summaries.values())
    item = hits[0].iri if hits[0].item_number is not None else hits[1].iri
    meeting = item.rsplit("/punkt/", 1)[0]
    similar = rg.similar(item, top_k=3)
    assert similar and all(not h.iri.startswith(meeting + "/") for h in similar)


def test_iris_from_urls_cannot_inject_query_text(rg) -> None:  # type: ignore[no-untyped-def]
    hostile = "https://raadsgraf.dk/id/x> } } SELECT * WHERE { ?s ?p ?o"
    assert rg.item(hostile) is None
    assert rg.person(hostile) is None and rg.committee(hostile) is None
    assert rg.policy_network(hostile) is None


def test_bad_sparql_raises_a_raadsgraf_error(rg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(raadsgraf.RaadsgrafError):
        rg.sparql("SELECT WHERE {")
