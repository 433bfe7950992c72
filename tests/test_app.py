"""Each page of the Streamlit app, run headless with Streamlit's AppTest
against the store built from the real seeds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_store import UPLOAD_SEED, copy_store, seed_file

pytestmark = pytest.mark.slow

APP = Path(__file__).resolve().parents[1] / "app" / "Hjem.py"
ITEM = "https://raadsgraf.dk/id/kommune/ballerup/organ/socialudvalget/moede/2023-11-07/punkt/7"
CASE = "03.00.00-P22-2-23"


def page(store: Path, monkeypatch: pytest.MonkeyPatch, name: str | None, **params: str) -> AppTest:
    monkeypatch.setenv("RAADSGRAF_STORE", str(store))
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if name:
        at.switch_page(f"sider/{name}.py")
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.caption, *at.title, *at.header])


def test_search_cards_filters_and_url(seed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(seed_store, monkeypatch, None, q="boligsocial strategi")
    assert at.text_input(key="query").value == "boligsocial strategi"
    shown = texts(at)
    assert "Boligsocial strategi 2024-2029: Præsentation af høringsvar" in shown
    assert ":green-badge[:material/check_circle: godkendt]" in shown  # its decision's outcome
    assert "**boligsocial**" in shown.lower()  # highlighted snippet
    municipality = at.sidebar.selectbox(key="f_kommune")
    assert any(o.startswith("Slagelse (") for o in municipality.options)
    municipality.select("Slagelse").run()
    assert at.query_params["kommune"] in ("Slagelse", ["Slagelse"])  # the shareable URL
    heads = [m.value for m in at.markdown if m.value.startswith("**") and "· punkt" in m.value]
    assert heads and all("17,4" in h for h in heads), heads  # Slagelse's committee only
    assert "Boligsocial strategi 2024-2029: Præsentation" not in texts(at)


def test_search_without_a_good_match_says_so(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #12: nonsense, and a filtered query no item answers, were shown as hits."""
    for params in (
        {"q": "xyzzy qwerty"},
        {"q": "hjemløse", "kommune": "Ballerup", "udvalg": "Socialudvalget", "udfald": "godkendt"},
    ):
        at = page(seed_store, monkeypatch, None, **params)
        assert any("Ingen gode fund" in w.value for w in at.warning), params
        assert any(h.value == "Svage fund" for h in at.subheader), params
        shown = texts(at)
        assert "svagt fund" in shown and "0 gode fund" in shown
        assert "Eventuelt" not in shown and "Godkendelse af referat" not in shown


def test_search_cards_are_clean_and_facets_narrow(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page(seed_store, monkeypatch, None, q="udvikling af beskæftigelsestilbud handicapområdet")
    cards = [m.value for m in at.markdown]
    assert any(":material/lock:" in c and "Udvikling af beskæftigelsestilbud" in c for c in cards)
    assert not any(c.startswith("**:") or "**:" in c for c in cards)
    where = [c for c in cards if "· punkt" in c]
    assert where and all("Ballerup" in c or "Slagelse" in c for c in where)  # municipality shown
    # a chosen municipality narrows the committee list to its own committees
    at = page(seed_store, monkeypatch, None, q="boligsocial helhedsplan", kommune="Slagelse")
    committees = at.sidebar.selectbox(key="f_udvalg").options
    assert len(committees) == 2 and "17,4" in committees[1], committees


def test_search_mode_and_empty_query(seed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(seed_store, monkeypatch, None, q="budgetopfølgning", mode="bm25")
    assert at.segmented_control(key="mode").value == "Nøgleord"
    assert "Tredje budgetopfølgning 2023 for Socialudvalget" in texts(at)
    at = page(seed_store, monkeypatch, None)
    assert any("dagsordenspunkter fra" in i.value for i in at.info)


def test_item_page(seed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(seed_store, monkeypatch, "punkt", item=ITEM)
    shown = texts(at)
    assert "Boligsocial strategi 2024-2029: Præsentation af høringsvar" in shown
    assert "Indstillingen godkendt" in shown
    # the Tidligere behandling block (15.08.2023) and a sentence of the text
    # ("Økonomiudvalget besluttede den 22. februar 2022 …"), both outside the corpus,
    # and the strategy's adoption by Kommunalbestyrelsen on 29.01.2024 after it
    assert "4 behandlinger" in shown and "kun nævnt" in shown
    assert "2 før og 1 efter dette punkt" in shown
    # the KLE number without a title (none loaded): no command beside it (the way to
    # load titles is in the "Om data" expander, for staff)
    assert "03.00.00 · facet P22" in shown and "titel ikke indlæst" not in shown
    assert "Kilde: referat fra Socialudvalget 07.11.2023" in shown
    assert any(e.label == "Om data" for e in at.expander)
    assert any(s.label == "Sammendrag" for s in at.expander)
    assert any("Lignende" in t.label for t in at.tabs)


def test_item_page_without_item_lists_meetings(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page(seed_store, monkeypatch, "punkt")
    assert len(at.selectbox[0].options) == 3


def test_case_page(seed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(seed_store, monkeypatch, "sag", sag=CASE)
    shown = texts(at)
    # one treatment carries the number; two more are found through references, and
    # the strategy's adoption
    assert "1 behandling med sagsnummeret" in shown and "2 fundet gennem henvisninger" in shown
    assert "samt strategiens vedtagelse" in shown
    assert "Indstillingen godkendt" in shown
    assert "fundet som tidligere behandling" in shown and "fundet via" not in shown
    # seed 001's schedule: two coming steps, shown apart as planned, not as treatments
    at = page(seed_store, monkeypatch, "sag", sag="24-012144")
    shown = texts(at)
    assert "Desuden 2 planlagte trin" in shown and "Planlagt" in [h.value for h in at.header]
    assert "24.03.2025** · Byrådet (Slagelse) — *planlagt*" in shown
    at = page(seed_store, monkeypatch, "sag", sag="99.99.99-X00-0-00")
    assert at.error and "ingen behandling, sag" in at.error[0].value


def test_case_picker_titles_and_counts(seed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each case in the picker has its title, committee and last date, and the count it
    shows is the count the case page gives for it."""
    at = page(seed_store, monkeypatch, "sag")
    picker = at.selectbox[0]
    label = next(o for o in picker.options if o.startswith(CASE))
    assert "Boligsocial strategi 2024-2029: Præsentation af høringsvar" in label
    assert "Socialudvalget" in label and "senest 07.11.2023" in label
    assert "(1 behandling med sagsnummeret)" in label
    for option in picker.options[:4]:
        number, count = option.split(" · ")[0], option.rsplit("(", 1)[1].split(" med")[0]
        case = page(seed_store, monkeypatch, "sag", sag=number)
        assert f"{count} med sagsnummeret" in texts(case), (option, texts(case))


def test_strategy_page(seed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(seed_store, monkeypatch, "strategi")
    table = at.dataframe[0].value
    assert {"fra", "relation", "til", "dato"} <= set(table.columns)
    assert "erstatter" in set(table["relation"]) and "nævner" in set(table["relation"])
    assert "boligsociale strategi (2014)" in set(table["til"])
    # the strategy's own text, section by section, from the graph
    headings = [e.label for e in at.expander]
    assert len(headings) >= 10
    assert any("Sundhed" in h for h in headings), headings


def test_person_and_committee_pages(seed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    person = "https://raadsgraf.dk/id/kommune/ballerup/person/andre-amingsoe"
    at = page(seed_store, monkeypatch, "person", person=person)
    assert at.header[0].value == "André Amingsø"
    assert at.metric[0].label == "Fremmøde til møder" and at.metric[0].value == "100 %"
    assert at.metric[1].label == "Fremmøde til punkter" and at.metric[1].value == "30 %"
    at = page(seed_store, monkeypatch, "person", person="bogus")
    assert "findes ikke" in at.error[0].value and not at.header  # never someone else
    at = page(seed_store, monkeypatch, "udvalg")
    assert at.header and at.metric[0].label == "Møder"
    assert "Fra administrationen" in [h.value for h in at.subheader]
    at = page(seed_store, monkeypatch, "parti")
    assert at.header and at.metric[0].label == "Medlemmer"
    at = page(seed_store, monkeypatch, "partier")
    assert at.metric[0].label == "Delte beslutninger"


def test_sparql_page(seed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(seed_store, monkeypatch, "sparql")
    assert any("127.0.0.1:7878/sparql" in m.value for m in at.markdown)
    at.button[0].click().run()
    assert not at.error
    assert len(at.dataframe[0].value) > 0
    at.text_area(key="editor").input("SELECT ?x WHERE {").run()
    at.button[0].click().run()
    assert at.error and "syntax" in at.error[0].value.lower()


def test_upload_ingests_and_reports_failures(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store = copy_store(seed_store, tmp_path / "store")
    at = page(store, monkeypatch, "indlaes")
    good = seed_file(UPLOAD_SEED)
    at.file_uploader(key="filer").set_value(
        [("tom.txt", b"", "text/plain"), (good.name, good.read_bytes(), "text/plain")]
    ).run()
    at.button[0].click().run()
    assert any("tom.txt" in e.value for e in at.error)
    assert any(good.name in s.value for s in at.success)
    at = page(store, monkeypatch, None, q="opgaveudvalget boligsocial indsats", kommune="Gentofte")
    assert "Opgaveudvalg om boligsocial indsats" in texts(at)


def test_empty_store_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = page(tmp_path / "nothing", monkeypatch, None)
    assert at.info and "Der er ingen referater" in at.info[0].value


def test_app_imports_no_graph_or_index_library() -> None:
    """The app talks to raadsgraf's API; rdflib, pyoxigraph, FAISS and BM25 stay behind it."""
    banned = {"rdflib", "pyoxigraph", "faiss", "bm25s"}
    files = list((APP.parent).rglob("*.py"))
    assert len(files) >= 10
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] in banned for n in names), (path, names)


def test_internal_store_says_so_on_every_page(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A store built with include_closed carries the warning above every page;
    the ordinary seed store carries none."""
    from raadsgraf.config import Settings
    from raadsgraf.pipeline import ingest
    from tests.conftest import seed

    assert not page(seed_store, monkeypatch, None).warning
    internal = tmp_path / "internal"
    report = ingest(
        [seed("002")], Settings(store=internal, include_closed=True), progress=False, index=False
    )
    assert report.ok
    for name in (None, "punkt", "sparql", "udvalg"):
        at = page(internal, monkeypatch, name)
        assert any("Intern database" in w.value for w in at.warning), name


def test_malformed_links_say_so_in_danish_with_a_way_back(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [
        ("punkt", {"item": "foo"}, "Linket peger ikke på et dagsordenspunkt"),
        ("punkt", {"item": ITEM + "0"}, "Der er intet dagsordenspunkt med adressen"),
        ("punkt", {"item": 'https://x> } ; DROP ALL "'}, "Linket peger ikke"),
        ("person", {"person": "bogus"}, "Personen i linket findes ikke"),
        ("udvalg", {"udvalg": "bogus"}, "Udvalget i linket findes ikke"),
        ("strategi", {"politik": "bogus"}, "Politikken i linket findes ikke"),
    ]
    for name, params, message in cases:
        # the link opens the page itself (the search page has an `udvalg` filter of its own)
        at = page(seed_store, monkeypatch, None)
        at.switch_page(f"sider/{name}.py")
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert at.error and message in at.error[0].value, (name, params)
        shown = "\n".join(e.value for e in at.error) + texts(at)
        assert "Traceback" not in shown and "Error:" not in shown and "/tmp" not in shown
        # nothing else is shown in its place (no other person's page)
        assert not at.header and not at.metric, (name, params)


def test_upload_errors_are_danish(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store = copy_store(seed_store, tmp_path / "store")
    at = page(store, monkeypatch, "indlaes")
    at.file_uploader(key="filer").set_value(
        [
            ("billede.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "text/plain"),
            ("tom.txt", b"", "text/plain"),
        ]
    ).run()
    at.button[0].click().run()
    errors = [e.value for e in at.error]
    assert any(e.startswith("billede.txt: filformatet kendes ikke") for e in errors), errors
    assert any(e == "tom.txt: filen er tom" for e in errors), errors
    assert not any("unknown format" in e or str(store) in e for e in errors), errors
