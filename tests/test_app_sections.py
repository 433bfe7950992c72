"""The item page and ``api.item()`` read an item's sections, attachments and
recommendation points from the graph, and so do the person page (roles) and the
strategy network (the policies a policy names): they still show them when the
source file has moved since the ingest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import raadsgraf
from raadsgraf import iris, pipeline
from raadsgraf.config import Settings
from tests.app_store import seed_file

APP = Path(__file__).resolve().parents[1] / "app" / "Hjem.py"
ITEM = "https://raadsgraf.dk/id/kommune/ballerup/organ/socialudvalget/moede/2023-11-07/punkt/7"


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, raadsgraf.Document]:
    """A graph-only store of seed 000 whose source file is gone after the ingest."""
    folder = tmp_path_factory.mktemp("moved")
    src = folder / "src"
    src.mkdir()
    path = Path(shutil.copy(seed_file("000"), src))
    (doc,) = pipeline.parse_files([path], progress=False).documents
    store = folder / "store"
    assert pipeline.ingest([src], Settings(store=store), progress=False, index=False).ok
    path.unlink()
    return store, doc


def test_item_text_comes_from_the_graph(moved: tuple[Path, raadsgraf.Document]) -> None:
    store, doc = moved
    with raadsgraf.open(store) as rg:
        for meeting in doc.meetings:
            for item in meeting.items:
                detail = rg.item(iris.item_iri(meeting, item))
                assert detail is not None
                assert [(s.heading, s.text, s.kind) for s in detail.sections] == [
                    (s.heading, s.text, s.kind) for s in item.sections
                ], item.number
                assert [(a.title, a.number, a.recommended) for a in detail.attachments] == [
                    (a.title, a.number, a.recommended) for a in item.attachments
                ], item.number
                points = item.recommendation.points if item.recommendation else ()
                assert detail.recommendation_points == points, item.number
        sealed = [i for i in doc.meetings[0].items if not i.is_open]
        assert sealed and all(
            rg.item(iris.item_iri(doc.meetings[0], i)).sections == ()  # type: ignore[union-attr]
            for i in sealed
        )


def test_roles_come_from_the_graph(moved: tuple[Path, raadsgraf.Document]) -> None:
    store, doc = moved
    muni = doc.meetings[0].municipality.name
    with_role = {
        a.person.name: a.person.role for m in doc.meetings for a in m.attendance if a.person.role
    }
    assert with_role
    with raadsgraf.open(store) as rg:
        for name, role in with_role.items():
            page = rg.person(iris.person_iri(muni, name))
            assert page is not None
            assert {r[:1].lower() + r[1:] for r in role.split("; ")} <= set(page.roles), name


def test_named_policies_come_from_the_graph(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    path = Path(shutil.copy(seed_file("004"), src))
    (doc,) = pipeline.parse_files([path], progress=False).documents
    (policy,) = doc.policies
    assert policy.mentions
    store = tmp_path / "store"
    assert pipeline.ingest([src], Settings(store=store), progress=False, index=False).ok
    path.unlink()
    with raadsgraf.open(store) as rg:
        net = rg.policy_network(iris.policy_iri(policy))
    assert net is not None
    assert net.mentions == tuple(sorted(set(policy.mentions)))
    assert sorted(n.label for n in net.nodes if n.kind == "nævnt") == sorted(net.mentions)


def test_item_page_shows_sections_without_the_source_file(
    moved: tuple[Path, raadsgraf.Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, doc = moved
    monkeypatch.setenv("RAADSGRAF_STORE", str(store))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["item"] = ITEM
    at.run()
    at.switch_page("sider/punkt.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    item = next(i for i in doc.meetings[0].items if i.number == 7)
    # one expander per section, then the page's own "Om data" (technical detail)
    assert [e.label for e in at.expander] == [s.heading for s in item.sections] + ["Om data"]
    summary = next(e for e in at.expander if e.label == "Sammendrag")
    assert summary.proto.expanded
    assert not any(e.proto.expanded for e in at.expander if e.label != "Sammendrag")
    shown = "\n".join(m.value for m in at.markdown)
    assert next(s.text for s in item.sections if s.kind == "case") in shown
