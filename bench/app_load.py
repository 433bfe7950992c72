"""The Streamlit app under concurrent sessions (issue 15): time-to-results on the search page.

    PYTHONPATH=src python bench/app_load.py --store STORE --sessions 20 --time 120
    # on the shared machine: niced, timing only while holding the bench lock
    PYTHONPATH=src nice -n 19 python bench/app_load.py --store STORE --bench-lock /work/bench.lock

Starts ``streamlit run app/Hjem.py`` on a free loopback port over the store and
drives it the way the browser does, through Streamlit's own websocket protocol
(``/_stcore/stream``, the ``BackMsg``/``ForwardMsg`` protobuf classes Streamlit
ships): each session opens the search page, then repeatedly waits 1–5 s (as
people do), types a query into the search box (a rerun carrying the box's new
value) and is timed until the run has finished (``script_finished``). A search
counts as answered when the page drew its "… gode fund" line and no exception.

Queries are drawn without repetition from the dev and phrasings queries and the
store's own agenda-item titles, so the app's per-query cache rarely answers for
the engine. Bounded: at most 50 sessions and 15 minutes; loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from app_startup import ROOT, start_app
from benchlock import held
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

RESULTS_LINE = "gode fund"  # the search page's caption above its cards


@dataclass
class Run:
    seconds: float
    answered: bool
    problem: str = ""


@dataclass
class Session:
    url: str
    box: str = ""  # the search box's widget id
    page: str = ""  # the search page's script hash
    runs: list[Run] = field(default_factory=list)

    async def rerun(self, ws: ClientConnection, query: str | None) -> Run:
        msg = BackMsg()
        msg.rerun_script.page_script_hash = self.page
        if query is not None:
            state = msg.rerun_script.widget_states.widgets.add()
            state.id, state.string_value = self.box, query
        started = time.monotonic()
        await ws.send(msg.SerializeToString())
        answered, problem = False, ""
        while True:
            out = ForwardMsg()
            out.ParseFromString(await ws.recv())
            kind = out.WhichOneof("type")
            if kind == "new_session":
                self.page = self.page or out.new_session.page_script_hash
            elif kind == "delta" and out.delta.WhichOneof("type") == "new_element":
                element = out.delta.new_element
                what = element.WhichOneof("type")
                if what == "text_input" and element.text_input.label == "Søg":
                    self.box = element.text_input.id
                elif what == "markdown" and RESULTS_LINE in element.markdown.body:
                    answered = True
                elif what == "exception":
                    problem = f"{element.exception.type}: {element.exception.message[:200]}"
            elif kind == "script_finished":
                seconds = time.monotonic() - started
                return Run(seconds, answered and not problem, problem)

    async def live(self, queries: list[str], until: float, wait: tuple[float, float]) -> None:
        rnd = random.Random()
        async with connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=[Subprotocol("streamlit")],
            max_size=None,
        ) as ws:
            await self.rerun(ws, None)  # the search page, empty
            if not self.box:
                raise SystemExit("the search page drew no search box")
            while queries:
                await asyncio.sleep(rnd.uniform(*wait))
                if time.monotonic() >= until:
                    return
                self.runs.append(await self.rerun(ws, queries.pop(0)))


def query_pool(store: Path, n: int, seed: int) -> list[str]:
    """Dev and phrasings queries, then the store's item titles (shuffled, distinct)."""
    import raadsgraf

    texts: list[str] = []
    dev = Path("/work/shared/dev-eval/queries.json")
    if dev.is_file():
        texts += [q["text"] for q in json.loads(dev.read_text(encoding="utf-8"))["queries"]]
    phrasings = json.loads((ROOT / "bench" / "phrasings.json").read_text(encoding="utf-8"))
    texts += [q["text"] for q in phrasings.get("queries", []) if "text" in q]
    with raadsgraf.open(store) as rg:
        titles = rg.sparql(
            "SELECT DISTINCT ?t WHERE { ?a a besluit:Agendapunt ; dct:title ?t } ORDER BY ?t"
        ).rows
    texts += [str(r[0])[:200] for r in titles]
    pool = list(dict.fromkeys(t for t in texts if t.strip()))
    random.Random(seed).shuffle(pool)
    return pool[:n]


def summary(runs: list[Run]) -> dict[str, Any]:
    times = sorted(r.seconds for r in runs)
    if not times:
        return {"searches": 0}

    def pct(p: float) -> float:
        return round(times[min(len(times) - 1, int(p * len(times)))], 3)

    return {
        "searches": len(times),
        "unanswered": sum(not r.answered for r in runs),
        "problems": sorted({r.problem for r in runs if r.problem})[:5],
        "mean_s": round(statistics.mean(times), 3),
        "p50_s": pct(0.50),
        "p95_s": pct(0.95),
        "p99_s": pct(0.99),
        "max_s": round(times[-1], 3),
    }


async def drive(
    url: str, args: argparse.Namespace, pool: list[str], app_pid: int
) -> dict[str, Any]:
    # One session alone first: the model loads (not timed: before the bench lock),
    # then the single-session time per search.
    alone = Session(url)
    await alone.live([pool.pop()], time.monotonic() + 600, (0.0, 0.0))
    with held(args.bench_lock, [app_pid]) as lock:
        result = await timed(url, args, pool, alone)
    return {"lock": lock, **result}


async def timed(
    url: str, args: argparse.Namespace, pool: list[str], alone: Session
) -> dict[str, Any]:
    await alone.live([pool.pop() for _ in range(args.single)], time.monotonic() + 600, (0.0, 0.0))
    first, single = alone.runs[0], alone.runs[1:]
    sessions = [Session(url) for _ in range(args.sessions)]
    # each session types its own run of the pool, wrapping round when a small store's
    # titles run out (a repeated query may then come from the app's cache: counted)
    step = max(len(pool) // args.sessions, 1)
    shares = [(pool[i * step :] + pool[: i * step]) * 4 for i in range(args.sessions)]
    copies = [list(share) for share in shares]  # the sessions consume theirs
    load_before = os.getloadavg()
    until = time.monotonic() + args.time
    started = time.monotonic()
    await asyncio.gather(
        *(s.live(share, until, args.wait) for s, share in zip(sessions, shares, strict=True))
    )
    elapsed = time.monotonic() - started
    runs = [r for s in sessions for r in s.runs]
    typed = [q for s, share in zip(sessions, copies, strict=True) for q in share[: len(s.runs)]]
    return {
        "distinct_queries": len(set(typed)),
        "first_search_s": round(first.seconds, 2),
        "single_session": summary(single),
        "sessions": args.sessions,
        "seconds": round(elapsed, 1),
        "searches_per_s": round(len(runs) / elapsed, 2),
        "concurrent": summary(runs),
        "load_before": [round(x, 1) for x in load_before],
        "load_after": [round(x, 1) for x in os.getloadavg()],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--time", type=int, default=120, help="seconds of load (≤ 900)")
    ap.add_argument("--wait", type=float, nargs=2, default=(1.0, 5.0), metavar=("MIN", "MAX"))
    ap.add_argument("--single", type=int, default=10, help="searches by one session alone")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument(
        "--bench-lock",
        type=Path,
        default=None,
        help="time only while holding this flock, at priority 0 (start the bench niced)",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not 1 <= args.sessions <= 50 or not 1 <= args.time <= 900:
        raise SystemExit("bounded: 1–50 sessions, 1–900 seconds")
    pool = query_pool(args.store, 5000, args.seed)
    proc, url = start_app(args.store)
    try:
        result = asyncio.run(drive(url, args, pool, proc.pid))
        result["app_rss_mib"] = round(psutil.Process(proc.pid).memory_info().rss / 2**20, 1)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    result["store"] = str(args.store)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    c, s = result["concurrent"], result["single_session"]
    print(
        f"load {result['load_before']} → {result['load_after']}; first search {result['first_search_s']} s"
    )
    print(f"one session alone: {s['searches']} searches, mean {s['mean_s']} s, p95 {s['p95_s']} s")
    print(
        f"{result['sessions']} sessions, {result['seconds']} s: {c['searches']} searches "
        f"({result['searches_per_s']}/s), {c['unanswered']} unanswered; time to results "
        f"p50 {c['p50_s']} p95 {c['p95_s']} p99 {c['p99_s']} max {c['max_s']} s; "
        f"app RSS {result['app_rss_mib']} MiB"
    )


if __name__ == "__main__":
    main()
