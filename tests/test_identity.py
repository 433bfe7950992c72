"""Identity that holds (issue #19): a committee that meets twice a day has two
meetings; same-named people who the sources say differ are flagged."""

from __future__ import annotations

import shutil
from pathlib import Path

import raadsgraf
from raadsgraf import iris, pipeline
from raadsgraf.config import Settings
from tests.conftest import SAMPLES

EARLY = SAMPLES / "firstagenda" / "greve-byraad-2025-09-08.json"  # Byrådet 17:15
LATE = SAMPLES / "privacy" / "greve-byraad-2025-09-08-1730.json"  # Byrådet 17:30, same day
BASE = iris.meeting_iri_for("Greve Kommune", "Byrådet", __import__("datetime").date(2025, 9, 8))

MEETINGS = """
PREFIX besluit: <http://data.vlaanderen.be/ns/besluit#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?z ?start (COUNT(DISTINCT ?i) AS ?items) (GROUP_CONCAT(DISTINCT ?t; separator="|") AS ?titles)
WHERE { ?z a besluit:Zitting ; prov:startedAtTime ?start ; besluit:behandelt ?i .
        ?i <http://purl.org/dc/terms/title> ?t }
GROUP BY ?z ?start ORDER BY ?z
"""


def _meetings(store: Path) -> list[tuple[str, str, int]]:
    with raadsgraf.open(store) as rg:
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rg.sparql(MEETINGS).rows]


def test_two_meetings_of_a_committee_on_one_day_are_two(tmp_path: Path) -> None:
    """Greve's Byråd met at 17:15 and 17:30 on 8 September 2025: before, one
    meeting with the items of both (item 1 of each merged into one)."""
    store = tmp_path / "store"
    report = pipeline.ingest([EARLY, LATE], Settings(store=store), progress=False, index=False)
    assert report.ok
    got = _meetings(store)
    assert [(z, n) for z, _, n in got] == [(BASE, 3), (f"{BASE}T1730", 3)]
    assert "17:15" in got[0][1] and "17:30" in got[1][1]
    with raadsgraf.open(store) as rg:
        titles = rg.sparql(
            "SELECT ?t WHERE { ?i <http://purl.org/dc/terms/title> ?t }",
        ).rows
        assert len({str(r[0]) for r in titles}) >= 5
        # the later meeting's closed item is sealed under its own IRI
        ask = f"ASK {{ <{BASE}T1730/punkt/4> ?p ?o }}"
        assert rg.sparql(ask).boolean is True


def test_the_same_iris_whatever_the_order_of_ingest(tmp_path: Path) -> None:
    """The later meeting ingested first holds the date's IRI until the earlier
    one comes; then its source is read again and moves to its start-time IRI."""
    folder = tmp_path / "greve"
    folder.mkdir()
    early, late = shutil.copy(EARLY, folder / "a.json"), shutil.copy(LATE, folder / "b.json")
    store = tmp_path / "store"
    settings = Settings(store=store)
    pipeline.ingest([late], settings, progress=False, index=False)
    assert [z for z, _, _ in _meetings(store)] == [BASE]  # alone: the date's IRI
    report = pipeline.ingest([early, late], settings, progress=False, index=False)
    assert report.added == [str(early)] and report.replaced == [str(late)]
    assert [(z, n) for z, _, n in _meetings(store)] == [(BASE, 3), (f"{BASE}T1730", 3)]
    again = pipeline.ingest([early, late], settings, progress=False, index=False)
    assert again.unchanged == [str(early), str(late)] and not again.replaced


def test_one_meeting_a_day_keeps_its_iri() -> None:
    from raadsgraf.parsers.registry import parse_bytes

    doc = parse_bytes(EARLY.read_bytes(), str(EARLY))
    assert iris.meeting_iri(doc.meetings[0]) == BASE
    assert iris.sittings({None}) == {None: None}
    t = __import__("datetime").time
    assert iris.sittings({t(17, 30), t(17, 15), None}) == {
        t(17, 15): None,
        None: None,
        t(17, 30): "1730",
    }
