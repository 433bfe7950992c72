"""Issue 14's "done when", on all of Greve (shared/corpus/greve, 373 meetings) served
by the test portal: the first harvest ingests every meeting; a second fetches and
writes nothing; after 3 changes and 2 additions the next fetches exactly those 5;
each fault is one line and loses nothing else. Graph only (``index=False``): the
search index is the ingest's business, tested elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

import raadsgraf
from raadsgraf import generations
from raadsgraf.config import Settings
from raadsgraf.harvest import harvest
from raadsgraf.harvest.client import PortalClient
from tests.formats_support import CORPUS
from tests.portal_server import Portal, meeting_id

GREVE = CORPUS / "greve"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not GREVE.is_dir(), reason=f"{GREVE} not present"),
]


def _run(portal: Portal, store: Path) -> raadsgraf.harvest.HarvestReport:
    client = PortalClient(rate=0, timeout=1.0, attempts=2, backoff=0.01)
    return harvest(portal.url, Settings(store=store), index=False, progress=False, client=client)


def test_harvest_all_of_greve(tmp_path: Path) -> None:
    files = sorted(GREVE.glob("*.json"))
    assert len(files) == 373
    held_back = files[100], files[200]
    store = tmp_path / "store"
    portal = Portal([f for f in files if f not in held_back], timeout=2.0)
    with portal.running():
        first = _run(portal, store)
        assert first.ok, first.failures[:3]
        assert len(first.new) == 371 and first.ingest is not None
        assert len(first.ingest.added) == 371

        gen = generations.live(store)
        bodies = portal.bodies
        second = _run(portal, store)
        assert second.ok and second.unchanged == 371 and second.ingest is None
        assert portal.bodies == bodies and generations.live(store) == gen

        changed = [meeting_id(files[i]) for i in (10, 150, 300)]
        for ident in changed:
            portal.change(ident)
        for f in held_back:
            portal.add(f)
        bodies = portal.bodies
        third = _run(portal, store)
        assert third.ok and portal.bodies - bodies == 5
        assert len(third.changed) == 3 and len(third.new) == 2 and third.unchanged == 371 - 3

        faulty = [meeting_id(files[i]) for i in (20, 21, 22)]
        fine = [meeting_id(files[i]) for i in (23, 24)]
        for ident in faulty + fine:
            portal.change(ident)
        for ident, kind in zip(faulty, ("500", "timeout", "truncated"), strict=True):
            portal.fault(ident, kind)
        fourth = _run(portal, store)
        assert len(fourth.failures) == 3
        assert all(any(i in line for line in fourth.failures) for i in faulty)
        assert len(fourth.changed) == 2 and fourth.ingest is not None and fourth.ingest.ok
    with raadsgraf.open(store) as rg:
        assert len(rg.sources()) == 373
        rows = rg.sparql(
            "SELECT (COUNT(DISTINCT ?z) AS ?n) WHERE { ?z a besluit:Zitting ; dct:source ?s }"
        ).rows
    assert int(str(rows[0][0])) >= 370  # two Greve files describe the same meeting day
