"""App start-up: how long until the first page is usable, and search latency in the app.

    PYTHONPATH=src python bench/app_startup.py --store /tmp/seed-store
    PYTHONPATH=src python bench/app_startup.py --store /tmp/greve-store --no-search

Starts ``streamlit run app/Hjem.py`` on a free loopback port with the store,
drives Debian's chromium (Playwright, ``/usr/bin/chromium``) and reports, from
process start: the server answering, the search page drawn with its filters
(interactive), then the first and a second search through the box. The
machine has 2 cores shared with other work: timings are noisy; run it 3 times.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``streamlit run app/Hjem.py`` over ``store`` on a free loopback port, once it
    answers its health check (the process and its URL)."""
    port = free_port()
    env = dict(os.environ, RAADSGRAF_STORE=str(store))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "Hjem.py"),
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         # as deployed: an edit to the source tree must not reload modules mid-run
         "--server.fileWatcherType", "none"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the app did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--query", default="boligsocial strategi")
    parser.add_argument(
        "--no-search", action="store_true", help="first page only (a graph-only store)"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    start = time.monotonic()
    proc, url = start_app(args.store)
    result: dict[str, float] = {"server_up_s": time.monotonic() - start}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page()
            page.set_default_timeout(120_000)
            page.goto(url)
            page.get_by_text("Skriv i søgefeltet").wait_for()
            page.locator("[data-testid=stSelectbox]").first.wait_for()
            result["first_page_interactive_s"] = time.monotonic() - start
            for n in () if args.no_search else (1, 2):
                box = page.locator("[data-testid=stTextInput] input").first
                box.fill(args.query if n == 1 else args.query + " beslutning")
                t = time.monotonic()
                box.press("Enter")
                page.get_by_text(" fund · ").first.wait_for()
                page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')")
                result[f"search_{n}_s"] = time.monotonic() - t
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(json.dumps({k: round(v, 2) for k, v in result.items()}, indent=2))


if __name__ == "__main__":
    main()
