"""Harvesting a FirstAgenda portal (issue 14), against the local test portal
(tests/portal_server.py) serving the real Greve samples in tests/samples/firstagenda."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

import raadsgraf
from raadsgraf import generations, pipeline
from raadsgraf.config import Settings
from raadsgraf.graph import build
from raadsgraf.harvest import harvest
from raadsgraf.harvest.client import USER_AGENT, PortalClient
from raadsgraf.harvest.log import JOURNAL, LOG, HarvestLog, portal_folder
from tests.portal_server import Portal, as_agenda

SAMPLES = Path(__file__).parent / "samples" / "firstagenda"
FILES = sorted(SAMPLES.glob("*.json"))
SOCIAL = "627c09ef-8b52-4178-8100-9f5d91c933c8"  # 6 items, minutes
OEK = "e049b9bf-8473-4034-9a27-cd30a5583562"  # 4 items, one closed
OEK_DEC = "7cc45fff-2d28-48f6-ae19-0d8113f9cad6"
BYRAAD = "509c8433-d4b6-4cd7-8724-091d2169133e"


def _client() -> PortalClient:
    return PortalClient(rate=0, timeout=0.5, attempts=2, backoff=0.01)


def _run(portal: Portal, store: Path, **kw: object) -> raadsgraf.harvest.HarvestReport:
    return harvest(
        portal.url, Settings(store=store), index=False, progress=False, client=_client(), **kw
    )  # type: ignore[arg-type]


def _live(store: Path) -> str | None:
    gen = generations.live(store)
    return gen.name if gen else None


def _select(store: Path, query: str) -> list[tuple[str, ...]]:
    with raadsgraf.open(store) as rg:
        return [tuple(str(v) for v in row) for row in rg.sparql(query).rows]


def test_first_run_ingests_every_meeting_second_fetches_and_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    portal = Portal(FILES)
    with portal.running():
        first = _run(portal, store)
        assert first.ok, first.failures
        assert len(first.new) == 5 and first.ingest is not None and len(first.ingest.added) == 5
        gen = _live(store)
        log = portal_folder(store, portal.url) / LOG
        stamp = log.stat().st_mtime_ns
        bodies = portal.bodies
        second = _run(portal, store)
    assert second.ok and second.new == [] and second.changed == [] and second.unchanged == 5
    assert portal.bodies == bodies  # conditional requests: every meeting answered 304
    assert second.not_modified == 5 and second.ingest is None
    assert _live(store) == gen and log.stat().st_mtime_ns == stamp  # nothing written
    rows = _select(
        store, "SELECT (COUNT(DISTINCT ?z) AS ?n) WHERE { ?z a besluit:Zitting ; dct:source ?s }"
    )
    assert rows[0][0].startswith("5")


def test_without_validators_a_content_hash_finds_nothing_changed(tmp_path: Path) -> None:
    store = tmp_path / "store"
    portal = Portal(FILES, etags=False)
    with portal.running():
        _run(portal, store)
        gen = _live(store)
        again = _run(portal, store)
    assert again.unchanged == 5 and again.new == again.changed == [] and again.ingest is None
    assert _live(store) == gen


def test_changed_and_added_meetings_are_exactly_what_the_next_run_fetches(tmp_path: Path) -> None:
    store = tmp_path / "store"
    portal = Portal(FILES[:-1])
    with portal.running():
        _run(portal, store)
        portal.change(OEK)
        added = portal.add(FILES[-1])
        before = portal.bodies
        report = _run(portal, store)
    assert portal.bodies - before == 2
    assert len(report.changed) == 1 and len(report.new) == 1 and report.unchanged == 3
    assert report.ingest is not None
    assert len(report.ingest.added) == 1 and len(report.ingest.replaced) == 1
    titles = _select(
        store, 'SELECT ?t WHERE { ?a dct:title ?t FILTER(CONTAINS(STR(?t), "(rettet)")) }'
    )
    assert len(titles) == 1 and added in portal.meetings


def test_agenda_republished_as_minutes_replaces_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    portal = Portal(FILES)
    minutes = portal.meetings[SOCIAL]
    portal.change(SOCIAL, as_agenda(minutes))
    query = """SELECT ?kind (COUNT(DISTINCT ?d) AS ?decisions) WHERE {
      ?z a besluit:Zitting ; dct:type ?kind ; dct:date "2022-03-14"^^xsd:date ; besluit:behandelt ?a .
      OPTIONAL { ?t dct:subject ?a ; prov:generated ?d } } GROUP BY ?kind"""
    with portal.running():
        _run(portal, store)
        assert [r[0] for r in _select(store, query)] == ["agenda"]
        portal.change(SOCIAL, minutes)
        report = _run(portal, store)
    assert len(report.changed) == 1
    rows = _select(store, query)
    decided = sum(
        1
        for i in raadsgraf.parse_file(SAMPLES / "greve-social-handicapudvalget-2022-03-14.json")
        .meetings[0]
        .items
        if i.decision
    )
    assert decided >= 5
    assert len(rows) == 1 and rows[0][0] == "minutes" and int(rows[0][1]) == decided
    # one source for the meeting: the minutes replaced the agenda's graph
    with raadsgraf.open(store) as rg:
        assert len(rg.sources()) == 5


def test_withdrawn_meeting_and_item_are_recorded_not_dropped(tmp_path: Path) -> None:
    store = tmp_path / "store"
    portal = Portal(FILES)
    with portal.running():
        _run(portal, store)
        gone = portal.drop_item(SOCIAL)
        portal.delete(OEK_DEC)
        report = _run(portal, store)
        assert report.ok, report.failures
        again = _run(portal, store)  # nothing new to record
    assert len(report.withdrawn_meetings) == 1 and len(report.withdrawn_items) == 1
    assert again.withdrawn_items == [] and again.withdrawn_meetings == [] and again.ingest is None
    rows = _select(
        store,
        """SELECT ?x ?title WHERE { ?x rg:withdrawnOn ?d OPTIONAL { ?x dct:title ?title } }""",
    )
    assert len(rows) == 2
    assert any(r[0].endswith("/moede/2022-12-12") for r in rows)
    assert any(r[0].endswith("/punkt/6") and gone["Caption"] in r[1] for r in rows)
    # the withdrawn meeting keeps its last version; the graph still satisfies the shapes
    items = _select(
        store, 'SELECT ?a WHERE { ?z dct:date "2022-12-12"^^xsd:date ; besluit:behandelt ?a }'
    )
    assert len(items) == 3
    # the feeds say so: the withdrawn item, and every item of the withdrawn meeting
    with raadsgraf.open(store) as rg:
        _, items = rg.feed_items("committee", "Økonomiudvalget")
        _, social = rg.feed_items("committee", "Social- og Handicapudvalget")
    assert {i.number for i in items if i.withdrawn and i.date == dt.date(2022, 12, 12)} == {1, 2, 3}
    assert not [i for i in items if i.withdrawn and i.date != dt.date(2022, 12, 12)]
    assert [i.title for i in social if i.withdrawn] == [gone["Caption"]]
    with raadsgraf.open(store) as rg:
        data = rg.graph.dump(ox.RdfFormat.N_TRIPLES)
    conforms, text = build.validate(Graph().parse(data=data, format="nt"))
    assert conforms, text


@pytest.mark.parametrize("kind", ["500", "timeout", "truncated"])
def test_each_fault_is_one_line_and_loses_nothing_else(tmp_path: Path, kind: str) -> None:
    store = tmp_path / "store"
    portal = Portal(FILES, timeout=1.5)
    with portal.running():
        _run(portal, store)
        portal.change(SOCIAL)
        portal.change(BYRAAD)
        portal.fault(SOCIAL, kind)
        report = _run(portal, store)
        assert len(report.failures) == 1 and SOCIAL in report.failures[0]
        assert "\n" not in report.failures[0]
        assert len(report.changed) == 1  # Byrådet still came through
        portal.faults.clear()
        retry = _run(portal, store)  # the next run fetches what failed
    assert retry.ok and len(retry.changed) == 1
    rows = _select(
        store, 'SELECT ?t WHERE { ?a dct:title ?t FILTER(CONTAINS(STR(?t), "(rettet)")) }'
    )
    assert len(rows) == 2


def test_fault_messages_say_what_went_wrong(tmp_path: Path) -> None:
    store = tmp_path / "store"
    portal = Portal(FILES, timeout=1.5)
    with portal.running():
        _run(portal, store)
        for ident in (SOCIAL, BYRAAD, OEK):
            portal.change(ident)
        portal.fault(SOCIAL, "500")
        portal.fault(BYRAAD, "timeout")
        portal.fault(OEK, "truncated")
        report = _run(portal, store)
    lines = sorted(report.failures)
    assert len(lines) == 3
    assert any("HTTP 500 after 2 attempt(s)" in ln for ln in lines)
    assert any("timed out after 2 attempt(s)" in ln for ln in lines)
    assert any(OEK in ln and "invalid JSON" in ln and str(store) not in ln for ln in lines)


def test_cap_and_crash_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    portal = Portal(FILES)
    with portal.running():
        capped = _run(portal, store, max_meetings=2)
        assert len(capped.new) == 2 and capped.deferred == 3

        def crash(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        # killed after fetching the other 3, before the log was written or anything ingested
        monkeypatch.setattr(HarvestLog, "save", crash)
        with pytest.raises(KeyboardInterrupt):
            _run(portal, store)
        monkeypatch.undo()
        journal = portal_folder(store, portal.url) / JOURNAL
        assert len(journal.read_text(encoding="utf-8").splitlines()) == 3
        bodies = portal.bodies
        resumed = _run(portal, store)
        assert not journal.exists()  # folded into the log
    assert portal.bodies == bodies  # nothing fetched again
    assert resumed.ingest is not None and len(resumed.ingest.added) == 3
    with raadsgraf.open(store) as rg:
        assert len(rg.sources()) == 5


def test_attachments_are_fetched_and_read(tmp_path: Path) -> None:
    store = tmp_path / "store"
    portal = Portal([SAMPLES / "greve-social-handicapudvalget-2022-03-14.json"])
    with portal.running():
        report = _run(portal, store, attachments=True)
        assert report.ok and report.attachments == 2
        again = _run(portal, store, attachments=True)
    assert again.attachments == 0  # each attachment is fetched once
    state = json.loads((portal_folder(store, portal.url) / LOG).read_text(encoding="utf-8"))
    path = portal_folder(store, portal.url) / state["meetings"][SOCIAL]["file"]
    doc, used, _ = pipeline.prepare(raadsgraf.parse_file(path), include_closed=False)
    texts = [a.text for i in doc.meetings[0].items for a in i.attachments if a.text]
    assert len(used) == 2 and all("Bilag" in t for t in texts) and len(texts) == 2


def test_requests_name_raadsgraf_and_are_rate_limited(tmp_path: Path) -> None:
    import time

    portal = Portal(FILES[:1])
    seen: list[str] = []
    original = portal.handle

    def spy(handler):  # type: ignore[no-untyped-def]
        seen.append(handler.headers.get("User-Agent"))
        return original(handler)

    portal.handle = spy  # type: ignore[method-assign]
    with portal.running():
        start = time.monotonic()
        client = PortalClient(rate=5)
        for _ in range(4):
            client.get(portal.url + "/api/agenda/udvalgsliste")
        elapsed = time.monotonic() - start
    assert set(seen) == {USER_AGENT} and "raadsgraf" in USER_AGENT
    assert elapsed >= 0.55  # 4 requests at 5/s: at least 3 intervals of 0.2 s


def test_cli_harvest_one_line_per_failure(tmp_path: Path) -> None:
    from raadsgraf.cli import cli

    store = tmp_path / "store"
    portal = Portal(FILES)
    portal.fault(SOCIAL, "truncated", 1)
    with portal.running():
        result = CliRunner().invoke(
            cli, ["harvest", portal.url, "--store", str(store), "--no-index", "-q", "--rate", "0"]
        )
    assert result.exit_code == 1, result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and SOCIAL in errors[0] and "Traceback" not in result.output
    assert "4 new" in result.stderr


def test_an_unreachable_portal_is_one_line_and_writes_no_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    report = harvest(
        "http://127.0.0.1:9", Settings(store=store), index=False, progress=False, client=_client()
    )
    assert len(report.failures) == 1 and "udvalgsliste" in report.failures[0]
    assert report.ingest is None and _live(store) is None
