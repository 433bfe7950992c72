"""End to end in a real browser: search a seed topic, open an item, see its
treatment history, follow the case and the strategy, run SPARQL, upload a file.
Each step saves a screenshot (to a temporary folder; `make screenshots` renews
docs/screenshots/, shown in the README)."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.app_store import UPLOAD_SEED, seed_file
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.slow

Page = Any  # playwright.sync_api.Page, imported lazily with the browser


@pytest.fixture(scope="module")
def page(browser: Any, app_url: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="da-DK")
    p = context.new_page()
    p.set_default_timeout(60_000)
    p.base_url = app_url  # type: ignore[attr-defined]
    p.outside = []  # type: ignore[attr-defined]
    p.on(
        "request",
        lambda r: r.url.startswith((app_url, "data:", "blob:")) or p.outside.append(r.url),
    )
    yield p
    context.close()


def settle(page: Page) -> None:
    """Wait until the script run finished (no 'running' widget for a moment)."""
    page.wait_for_selector("[data-testid=stApp]")
    quiet_since = None
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        running = page.locator("[data-testid=stStatusWidget]").count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.8:
            return
        time.sleep(0.1)
    raise TimeoutError("the app kept running")


def go(page: Page, path: str) -> None:
    page.goto(page.base_url + path)
    settle(page)


def painted(page: Page, colour: str) -> int:
    """Pixels of ``colour`` (#rrggbb) in the first chart: a chart whose marks failed to
    draw still has its size and legend, so the marks themselves are counted."""
    from PIL import Image

    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.scroll_into_view_if_needed()
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(
        1
        for px in image.get_flattened_data()
        if sum(abs(a - b) for a, b in zip(px, want, strict=True)) < 24
    )


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert page.locator("[data-testid=stException]").count() == 0, name


def wait_for_chart(page: Page) -> None:
    """Until the page's first chart (Altair: canvas or svg) is drawn."""
    page.locator(
        "[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg"
    ).first.wait_for()


def test_search_open_item_and_history(page: Page, record_property: Any) -> None:
    start = time.monotonic()
    go(page, "/")
    box = page.locator("[data-testid=stTextInput] input").first
    box.wait_for()
    record_property("first_page_seconds", round(time.monotonic() - start, 2))
    box.fill("boligsocial strategi")
    box.press("Enter")
    settle(page)
    page.get_by_text("Boligsocial strategi 2024-2029: Præsentation af høringsvar").first.wait_for()
    assert "q=boligsocial" in page.url  # the result page can be shared as a link
    shot(page, "1-soeg")

    opens = page.locator("[data-testid=stPageLink] a").filter(
        has_text=re.compile(r"Åbn punkt \d+ fra")
    )
    opens.first.click()
    settle(page)
    page.get_by_role("tab", name="Behandlingshistorik").wait_for()
    assert "item=" in page.url
    page.get_by_text(re.compile(r"\d+ behandlinger")).first.wait_for()
    wait_for_chart(page)
    page.get_by_text("(kun nævnt)").first.wait_for()
    assert painted(page, "#b9470b") > 60  # this item's mark on the lineage
    shot(page, "2-punkt")


def test_case_strategy_people_committees(page: Page) -> None:
    go(page, "/sag?sag=03.00.00-P22-2-23")
    # 07.11.2023 carries the number; 15.08.2023 and ØU 22.02.2022 are found by reference
    page.get_by_text("1 behandling med sagsnummeret").first.wait_for()
    shot(page, "3-sagshistorik")
    go(page, "/strategi")
    wait_for_chart(page)
    page.get_by_text("boligsociale strategi (2014)").first.wait_for()
    assert painted(page, "#1f4e79") > 60  # the adoption's mark on the lineage
    shot(page, "4-strategi")
    go(page, "/person?person=https://raadsgraf.dk/id/kommune/ballerup/person/andre-amingsoe")
    page.get_by_text("Fravær ved enkelte punkter").wait_for()
    shot(page, "5-person")
    go(page, "/udvalg")
    page.get_by_text("Punkter pr. år").wait_for()
    shot(page, "6-udvalg")


def test_sparql_workbench(page: Page) -> None:
    go(page, "/sparql")
    page.get_by_text("/sparql").first.wait_for()
    page.get_by_role("button", name=re.compile("Kør")).click()
    settle(page)
    page.get_by_role("button", name=re.compile("Hent som CSV")).wait_for()
    assert page.locator("[data-testid=stDataFrame]").count() == 1
    shot(page, "7-sparql")
    editor = page.locator("textarea").first
    editor.fill("SELECT ?x WHERE {")
    editor.press("Control+Enter")
    page.get_by_role("button", name=re.compile("Kør")).click()
    settle(page)
    page.locator("[data-testid=stAlertContentError]").first.wait_for()


def test_upload(page: Page, tmp_path: Path) -> None:
    go(page, "/indlaes")
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    page.locator("input[type=file]").set_input_files([str(seed_file(UPLOAD_SEED)), str(empty)])
    page.get_by_text("tom.txt").first.wait_for()
    settle(page)
    page.get_by_role("button", name=re.compile("Indlæs")).click()
    page.get_by_text(re.compile(r"Færdig: 1 af 2 filer indlæst")).wait_for(timeout=120_000)
    settle(page)
    page.locator("[data-testid=stAlertContentError]").filter(has_text="tom.txt").wait_for()
    shot(page, "8-indlaes")
    go(page, "/?q=opgaveudvalget+boligsocial+indsats&kommune=Gentofte")
    page.get_by_text("Opgaveudvalg om boligsocial indsats").first.wait_for()


def record_shot(page: Page, name: str, folder: Path, scroll_to: str | None = None) -> None:
    """Issue 13's pages: into a temporary folder, or RAADSGRAF_SCREENSHOTS (how the
    committed docs/screenshots/9-*.png are refreshed) — a test never rewrites them."""
    target = Path(os.environ.get("RAADSGRAF_SCREENSHOTS") or folder)
    target.mkdir(parents=True, exist_ok=True)
    if scroll_to:  # the app scrolls inside its own container: bring the part into view
        heading = page.get_by_role("heading", name=scroll_to, exact=True).first
        heading.evaluate("e => e.scrollIntoView({block: 'start'})")
        time.sleep(0.3)
    page.screenshot(path=str(target / f"{name}.png"), full_page=scroll_to is None)
    assert page.locator("[data-testid=stException]").count() == 0, name


def test_record_person_party_committee(page: Page, tmp_path: Path) -> None:
    """Issue 13: a person's seats, attendance rate and positions; a party page; the
    committee's members apart from its officials; a bogus person is no one."""
    go(page, "/person?person=https://raadsgraf.dk/id/kommune/ballerup/person/johan-muller")
    page.get_by_text("Udvalg og roller").wait_for()
    page.get_by_text("Fremmøde til møder").wait_for()
    page.get_by_role("button", name=re.compile("Hent holdninger som CSV")).wait_for()
    page.get_by_text(re.compile("04.10.2022 · Socialudvalget · punkt 12")).first.wait_for()
    record_shot(page, "9-person-holdninger", tmp_path)
    go(page, "/parti?parti=https://raadsgraf.dk/id/kommune/ballerup/parti/a")
    page.get_by_role("heading", name=re.compile("Socialdemokratiet")).wait_for()
    page.get_by_text(re.compile("Maria Lundahl Assov — til stede")).wait_for()
    record_shot(page, "9-parti", tmp_path)
    go(page, "/udvalg?udvalg=https://raadsgraf.dk/id/kommune/ballerup/organ/socialudvalget")
    page.get_by_role("heading", name="Fra administrationen").wait_for()
    page.get_by_text(re.compile("Jannik Karoli Plum Nielsen, direktør")).wait_for()
    record_shot(page, "9-udvalg-medlemmer", tmp_path, scroll_to="Medlemmer")
    go(page, "/partier")
    page.get_by_text("Delte beslutninger").first.wait_for()
    go(page, "/person?person=bogus")
    page.get_by_text(re.compile("Personen i linket findes ikke")).first.wait_for()
    assert page.get_by_text("Johan Müller").count() == 0
    go(page, "/?q=André+Amingsø")
    page.get_by_text("Personer og partier").wait_for()
    page.get_by_role("link", name=re.compile("André Amingsø")).first.wait_for()


def test_nothing_is_fetched_from_outside(page: Page) -> None:
    """Every page ran above; none of them asked another host for anything (no CDN)."""
    assert page.outside == [], "\n".join(page.outside)
