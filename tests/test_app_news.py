"""The home page's "Nyt siden sidste synkronisering" (issue 14), with AppTest on a
store that `raadsgraf sync` filled from the test portal."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from raadsgraf.config import Settings
from raadsgraf.harvest import run_sync
from tests.portal_server import Portal

pytestmark = pytest.mark.slow

APP = Path(__file__).resolve().parents[1] / "app" / "Hjem.py"
SAMPLES = Path(__file__).parent / "samples" / "firstagenda"


def test_home_page_shows_what_the_last_sync_brought(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    files = [SAMPLES / "greve-oekonomiudvalget-2022-01-10.json"]
    portal = Portal(files)
    with portal.running():
        settings = Settings(store=store, sync_portals=(portal.url,), sync_rate=0, sync_index=False)
        run_sync(settings, progress=False)
        _check_news(store, monkeypatch)
        run_sync(settings, progress=False)  # nothing new: the page says so
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert "Ingen nye eller ændrede møder." in "\n".join(m.value for m in at.markdown)


def _check_news(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAADSGRAF_STORE", str(store))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    heads = [e.label for e in at.expander]
    assert any(h.startswith("Nyt siden sidste synkronisering") for h in heads), heads
    shown = "\n".join(m.value for m in [*at.markdown, *at.caption])
    assert "1 nye, 0 ændrede, 0 trukket tilbage" in shown
    assert "**Økonomiudvalget** · 10.01.2022 · referat" in shown
