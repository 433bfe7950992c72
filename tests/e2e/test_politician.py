"""The app as a politician reads it (issue 21), in a real browser on the seed store:
plain Danish on every page, a lineage readable at a glance (also at 390 px), a case
picker with titles whose counts match the case page, a word when the source lacks
something, filters reachable on a phone, and no serious accessibility violation
(axe-core, from the axe-playwright-python wheel: nothing fetched)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, SCREENSHOTS
from tests.e2e.test_browser import go, settle

pytestmark = pytest.mark.slow

Page = Any

ITEM = "https://raadsgraf.dk/id/kommune/ballerup/organ/socialudvalget/moede/2023-11-07/punkt/7"
#: Ballerup Socialudvalget 04.10.2022 (seed 004): the minutes have no attendee list,
#: no case numbers and no attachments.
BARE_ITEM = "https://raadsgraf.dk/id/kommune/ballerup/organ/socialudvalget/moede/2022-10-04/punkt/1"
CASE = "03.00.00-P22-2-23"
ONE_TREATMENT_CASE = "00.01.10-P35-9-22"
#: Slagelse's § 17,4-udvalg 18.02.2025 discussed this case: outcome notation "droeftet"
DISCUSSED_CASE = "24-012144"
PERSON = "https://raadsgraf.dk/id/kommune/ballerup/person/andre-amingsoe"
FIRST_QUERY = sorted(p.stem for p in (ROOT / "docs" / "queries").glob("*.rq"))[0]

#: Words and forms a politician should never meet: (pattern, why).
FORBIDDEN = [
    (r"\(e5\)|\be5\b", "a model name"),
    (r"\bBM25\b", "an algorithm name"),
    (r"\bkorpus\b", "'korpus': say what is (not) in the database"),
    (r"\btripler\b", "'tripler': a graph detail"),
    (r"fundet via|\bprosa\b", "an internal link kind"),
    (r"\b[a-zæøå]+-(behandling|forloeb|beslutning|bemaerkninger|efterretning)\b", "a notation"),
    (r"droeftet|bemaerkninger|forloeb\b", "Danish letters spelled out"),
    (r"\braadsgraf (ingest|kle|serve|search|lineage|load)\b", "a CLI command"),
    (r"\b[\w-]+\.(txt|pdf|json|docx|rq)\b", "a file name"),
]
#: Grammar and dates, checked on every page (also the analysts' SPARQL page).
FORMS = [
    (
        r"\b1 (behandlinger|rækker|møder|punkter|filer|kommuner|dagsordenspunkter|udgaver)\b",
        "a plural after 1",
    ),
    (r"\b\d{4}-\d{2}-\d{2}\b", "an ISO date (dd.mm.åååå everywhere)"),
]

PAGES = [
    "/",
    "/?q=boligsocial+strategi",
    "/?q=budgetopf%C3%B8lgning&mode=bm25",
    "/punkt",
    f"/punkt?item={ITEM}",
    f"/punkt?item={BARE_ITEM}",
    "/sag",
    f"/sag?sag={CASE}",
    f"/sag?sag={ONE_TREATMENT_CASE}",
    f"/sag?sag={DISCUSSED_CASE}",
    "/strategi",
    f"/person?person={PERSON}",
    "/udvalg",
    "/indlaes",
]
ANALYST_PAGES = [
    "/sparql",
    # a query with one answer row: "1 række"
    f"/sparql?eksempel={FIRST_QUERY}&q=SELECT+%28COUNT%28*%29+AS+%3Fn%29+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D",
]


def _context(browser: Any, app_url: str, width: int) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": width, "height": 1000 if width > 500 else 844}, locale="da-DK"
    )
    p = context.new_page()
    p.set_default_timeout(60_000)
    p.base_url = app_url  # type: ignore[attr-defined]
    yield p
    context.close()


@pytest.fixture(scope="module")
def desk(browser: Any, app_url: str) -> Iterator[Page]:
    yield from _context(browser, app_url, 1400)


@pytest.fixture(scope="module")
def phone(browser: Any, app_url: str) -> Iterator[Page]:
    yield from _context(browser, app_url, 390)


def shown_text(page: Page) -> str:
    """What a reader sees: the visible text of the page, each tab opened in turn, and
    the text drawn in charts (SVG)."""
    page.locator("[data-testid=stMain] h1").first.wait_for()  # drawn, not blank
    parts = [page.locator("[data-testid=stMain]").inner_text()]
    tabs = page.get_by_role("tab")
    for i in range(tabs.count()):
        tabs.nth(i).click()
        parts.append(page.locator("[data-testid=stMain]").inner_text())
    parts += page.locator("[data-testid=stVegaLiteChart] svg text").all_text_contents()
    return "\n".join(parts)


def offences(text: str, rules: list[tuple[str, str]]) -> list[str]:
    found = []
    for pattern, why in rules:
        for m in re.finditer(pattern, text, flags=re.IGNORECASE):
            line = text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")
            found.append(f"{why}: «{m.group(0)}» in …{line}…")
    return found


def wait_for_chart(page: Page) -> Any:
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.locator("svg text").first.wait_for()
    return chart


def test_every_page_speaks_plain_danish(desk: Page) -> None:
    bad: dict[str, list[str]] = {}
    for path in PAGES:
        go(desk, path)
        found = offences(shown_text(desk), FORBIDDEN + FORMS)
        if found:
            bad[path] = found
    for path in ANALYST_PAGES:  # the technical page: its words are the analyst's
        go(desk, path)
        found = offences(shown_text(desk), FORMS)
        if found:
            bad[path] = found
    desk.get_by_text("1 række").first.wait_for()
    assert not bad, "\n".join(f"{p}: {m}" for p, ms in bad.items() for m in ms)


def test_outcome_badges_are_words_with_icons(desk: Page) -> None:
    """'drøftet', not 'droeftet'; a badge carries an icon and a word, not only a colour."""
    go(desk, f"/sag?sag={DISCUSSED_CASE}")
    badge = desk.locator(".stMarkdownBadge").filter(has_text=re.compile(r"drøftet$")).first
    badge.wait_for()
    assert badge.locator("[role=img]").count() == 1  # the icon beside the word


def _boxes_overlap(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    clash = []
    for i, a in enumerate(boxes):
        for j, b in enumerate(boxes[:i]):
            if (
                a["x"] < b["x"] + b["width"] - 1
                and b["x"] < a["x"] + a["width"] - 1
                and a["y"] < b["y"] + b["height"] - 1
                and b["y"] < a["y"] + a["height"] - 1
            ):
                clash.append((j, i))
    return clash


@pytest.mark.parametrize("width", [1400, 390])
def test_strategy_lineage_at_a_glance(browser: Any, app_url: str, width: int) -> None:
    for page in _context(browser, app_url, width):
        go(page, "/strategi")
        chart = wait_for_chart(page)
        texts = chart.locator("svg text")
        words = texts.all_text_contents()
        joined = "\n".join(words)
        # the ties are written on the drawing, in Danish, not only in a tooltip or a table
        assert "vedtaget af Kommunalbestyrelsen" in joined, words
        assert any(w.startswith("erstattes af") for w in words), words
        assert re.search(r"\d\d\.\d\d\.\d{4} · (høringsudkast|behandling)", joined), words
        # every label readable: none overlaps another, none runs off the chart
        boxes = [texts.nth(i).bounding_box() for i in range(texts.count())]
        drawn = [b for b in boxes if b and b["width"] > 0]
        assert not _boxes_overlap(drawn), _boxes_overlap(drawn)
        frame = chart.bounding_box()
        assert all(b["x"] + b["width"] <= frame["x"] + frame["width"] + 1 for b in drawn)
        if width < 500:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "10-telefon-strategi.png"), full_page=True)
        # a step is a link: the treatment of 07.11.2023 opens its item page
        row = texts.filter(has_text=re.compile(r"^Socialudvalget 07\.11\.2023, punkt 7"))
        row.first.click(force=True)  # the row's click target lies over its text
        page.wait_for_url(re.compile(r"/punkt\?item="))
        settle(page)
        page.get_by_text(
            "Boligsocial strategi 2024-2029: Præsentation af høringsvar"
        ).first.wait_for()


def test_case_lineage_ties_and_links(desk: Page) -> None:
    go(desk, f"/sag?sag={CASE}")
    chart = wait_for_chart(desk)
    words = chart.locator("svg text").all_text_contents()
    assert "samme sagsnummer" in words, words
    assert any(w.startswith("tidligere behandling ifølge punktet 07.11.2023") for w in words)
    assert any(w.startswith("nævnt i teksten til punktet 07.11.2023") for w in words)


def test_case_picker_has_titles_and_matching_counts(desk: Page) -> None:
    go(desk, "/sag")
    desk.get_by_role("combobox").last.click()
    options = desk.get_by_role("option")
    options.first.wait_for()
    labels = options.all_text_contents()
    mine = next(o for o in labels if o.startswith(CASE))
    assert "Boligsocial strategi 2024-2029: Præsentation af høringsvar" in mine
    assert "Socialudvalget" in mine and "senest 07.11.2023" in mine
    counted = re.search(r"\((\d+ behandling(?:er)?) med sagsnummeret\)", mine)
    assert counted, mine
    options.filter(has_text=CASE).first.click()
    settle(desk)
    desk.get_by_text(f"{counted.group(1)} med sagsnummeret").first.wait_for()


def test_missing_things_are_said(desk: Page) -> None:
    go(desk, f"/punkt?item={BARE_ITEM}")
    desk.get_by_text("Referatet har intet sagsnummer").first.wait_for()
    desk.get_by_role("tab", name="Deltagere og fravær").click()
    desk.get_by_text("Referatet har ingen deltagerliste").first.wait_for()
    assert desk.get_by_text(re.compile(r"(Til stede|Fraværende) \(0\)")).count() == 0
    desk.get_by_role("tab", name="Sagsfremstilling").click()
    desk.get_by_text("Referatet nævner ingen bilag").first.wait_for()
    text = desk.locator("[data-testid=stMain]").inner_text()
    assert "Kilde: referat fra Socialudvalget 04.10.2022" in text


def test_filters_reachable_on_a_phone(phone: Page) -> None:
    go(phone, "/?q=boligsocial+strategi")
    phone.get_by_text("fund").first.wait_for()

    def on_screen(locator: Any) -> bool:
        box = locator.bounding_box() if locator.count() and locator.is_visible() else None
        return (
            box is not None
            and box["x"] >= 0
            and box["x"] + box["width"] <= 390
            and 0 <= box["y"] <= 844 - box["height"]
        )

    def sidebar_open() -> bool:
        box = phone.locator("[data-testid=stSidebar]").first.bounding_box()
        return box is not None and box["x"] >= 0 and box["width"] > 100

    phone.wait_for_timeout(800)
    kommune = phone.get_by_label("Kommune").first
    assert not sidebar_open()  # the sidebar is folded away on a phone …
    pointer = phone.get_by_text(re.compile(r"^Filtre.*øverst til venstre"))
    assert on_screen(pointer.first), "nothing on the page points to the filters"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "9-telefon-soeg.png"))
    opener = phone.get_by_role("button", name=re.compile("sidebar|Filtre", re.IGNORECASE))
    assert "Filtre" in opener.first.evaluate(
        "e => getComputedStyle(e, '::after').content"
    )  # the opener is labelled, not a bare »
    opener.first.click()
    phone.wait_for_timeout(800)
    assert sidebar_open()
    kommune.scroll_into_view_if_needed()
    assert on_screen(kommune)  # … and one tap brings them


def _axe_serious(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_no_serious_accessibility_violations(desk: Page, phone: Page) -> None:
    bad = {}
    for page, paths in ((desk, [*PAGES, *ANALYST_PAGES[:1]]), (phone, ["/", "/strategi"])):
        for path in paths:
            go(page, path)
            found = _axe_serious(page)
            if found:
                bad[f"{page.viewport_size['width']}px {path}"] = found
    assert not bad, "\n".join(f"{p}: {v}" for p, vs in bad.items() for v in vs)


def test_headings_in_order(desk: Page) -> None:
    """No level skipped going down (h1 → h3 without an h2) on any page."""
    bad = {}
    for path in PAGES:
        go(desk, path)
        levels = [
            int(t[1])
            for t in desk.locator("[data-testid=stMain] :is(h1,h2,h3,h4,h5,h6)").evaluate_all(
                "els => els.filter(e => e.offsetParent !== null).map(e => e.tagName)"
            )
        ]
        skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        if skips or (levels and levels[0] != 1):
            bad[path] = levels
    assert not bad, bad


def test_screenshots_go_to_a_temporary_folder() -> None:
    """A test run never rewrites the README's pictures (`make screenshots` does)."""
    import os

    if not os.environ.get("RAADSGRAF_SCREENSHOTS"):
        assert not Path(SCREENSHOTS).resolve().is_relative_to(ROOT)
