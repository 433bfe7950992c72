"""Load tests of `raadsgraf serve` with locust (headless, bounded, loopback only).

Starts `raadsgraf serve` on 127.0.0.1 (rate limit off) over a store, measures the
single-request time of each kind of request one at a time, then runs locust:

  mixed    50 users waiting 1–5 s, 70 % search / 20 % item or case page / 10 % SPARQL
  items    closed loop (no wait): item pages only                → requests/s
  search   closed loop: search only                              → vs. what 2 cores allow
  sparql   20 clients, closed loop, the 13 analyst queries       → vs. what 2 cores allow
  soak     the mixed workload for --time seconds (≥ 900 after --warmup for the target), the service's
           memory (server + SPARQL workers, RSS) sampled every 30 s: after warm-up vs. end

"What two cores allow" = 2 × 1000 ms ÷ the mean single-request time of that kind.
Several scenarios (comma-separated) run one after the other against one service.
On the shared machine start it niced and give it the bench lock: the store, the
service and the model load niced, and only the single times and the locust runs
hold the lock at priority 0 (bench/benchlock.py).

    nice -n 19 python bench/serve_load.py --store STORE --scenario items,sparql,search \
        --time 45 --bench-lock /work/bench.lock [--processes 2]
    nice -n 19 python bench/serve_load.py --store STORE --scenario mixed --time 120 \
        --bench-lock /work/bench.lock
    nice -n 19 python bench/serve_load.py --store STORE --scenario soak --time 900
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from benchlock import held

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    # users, spawn rate, mix (search, item/case, sparql), wait
    "mixed": (50, 10, "70,20,10", "1,5"),
    "items": (20, 20, "0,1,0", "0"),
    "search": (10, 10, "1,0,0", "0"),
    "sparql": (20, 20, "0,0,1", "0"),
    "soak": (50, 10, "70,20,10", "1,5"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(store: Path, seed: int = 7) -> dict[str, Any]:
    """Requests to replay: real item IRIs and case numbers from the store, the dev
    queries, the analyst queries."""
    import raadsgraf

    rnd = random.Random(seed)
    with raadsgraf.open(store) as rg:
        items = [
            str(r[0])
            for r in rg.sparql(
                "SELECT ?a WHERE { ?a a besluit:Agendapunt ; dct:source ?s } ORDER BY ?a"
            ).rows
        ]
        cases = [
            str(r[0])
            for r in rg.sparql(
                "SELECT ?id WHERE { ?c a rg:Case ; dct:identifier ?id } ORDER BY ?id"
            ).rows
        ]
        titles = [
            str(r[0])[:200]
            for r in rg.sparql(
                "SELECT DISTINCT ?t WHERE { ?a a besluit:Agendapunt ; dct:title ?t } ORDER BY ?t"
            ).rows
        ]
        has_index = (rg.live / "index" / "config.json").is_file()
    queries_file = Path("/work/shared/dev-eval/queries.json")
    queries = []
    if queries_file.is_file():
        queries = [q["text"] for q in json.loads(queries_file.read_text())["queries"]]
    phrasings = ROOT / "bench" / "phrasings.json"
    if phrasings.is_file():
        data = json.loads(phrasings.read_text())
        queries += [q["text"] for q in data.get("queries", []) if "text" in q]
    # and item titles, so that few searches repeat a query (the service remembers the
    # last 256 query vectors: a closed loop over 52 queries would measure that memory)
    queries += rnd.sample(titles, min(len(titles), 2000))
    sparql = [
        (p.stem, p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "docs" / "queries").glob("*.rq"))
    ]
    return {
        "items": rnd.sample(items, min(len(items), 1000)),
        "cases": rnd.sample(cases, min(len(cases), 300)),
        "queries": queries if has_index else [],
        "sparql": sparql,
    }


class Server:
    def __init__(self, store: Path, workers: int, processes: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "RAADSGRAF_SERVE_RATE_LIMIT": "0",
            "RAADSGRAF_SPARQL_WORKERS": str(workers),
            "RAADSGRAF_SPARQL_TIMEOUT": "30",
        }
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the process)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "raadsgraf",
                "serve",
                "--store",
                str(store),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                *(["--processes", str(processes)] if processes > 1 else []),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("the service did not start")

    def cpu_s(self) -> float:
        """CPU seconds the service (server + SPARQL workers) has used so far."""
        p = psutil.Process(self.proc.pid)
        procs = [p, *p.children(recursive=True)]
        return sum(sum(x.cpu_times()[:2]) for x in procs if x.is_running())

    def rss_mib(self) -> float:
        p = psutil.Process(self.proc.pid)
        procs = [p, *p.children(recursive=True)]
        return sum(x.memory_info().rss for x in procs if x.is_running()) / 2**20

    def rss_per_process_mib(self) -> list[float]:
        p = psutil.Process(self.proc.pid)
        procs = [p, *p.children(recursive=True)]
        return [round(x.memory_info().rss / 2**20, 1) for x in procs if x.is_running()]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def single_times(
    url: str, data: dict[str, Any], n: int, server: Server
) -> tuple[dict[str, float], dict[str, float]]:
    """Mean single-request milliseconds per kind, one request at a time (after warm-up),
    and the service's CPU milliseconds per request of each kind."""
    out: dict[str, float] = {}
    cpu: dict[str, float] = {}
    rnd = random.Random(3)
    with httpx.Client(base_url=url, timeout=60) as c:

        def timed(fn: Any) -> float:
            t = time.perf_counter()
            r = fn()
            assert r.status_code == 200, (r.status_code, r.text[:300])
            return (time.perf_counter() - t) * 1000

        kinds: dict[str, Any] = {
            "item": lambda: c.get("/api/item", params={"iri": rnd.choice(data["items"])}),
            "case": lambda: c.get("/api/history", params={"target": rnd.choice(data["cases"])}),
        }
        if data["queries"]:
            kinds["search"] = lambda: c.get(
                "/api/search", params={"q": rnd.choice(data["queries"]), "limit": 10}
            )
        for kind, fn in kinds.items():
            for _ in range(3):
                fn()  # warm-up
            used = server.cpu_s()
            out[kind] = statistics.mean(timed(fn) for _ in range(n))
            cpu[kind] = (server.cpu_s() - used) * 1000 / n
        per_query = []
        used = server.cpu_s()
        for _name, q in data["sparql"]:
            c.post("/sparql", data={"query": q})  # warm-up
            per_query.append(
                statistics.mean(
                    timed(lambda q=q: c.post("/sparql", data={"query": q})) for _ in range(3)
                )
            )
        out["sparql"] = statistics.mean(per_query)
        cpu["sparql"] = (server.cpu_s() - used) * 1000 / (4 * len(per_query))
    return out, cpu


def run_locust(
    url: str, scenario: str, seconds: int, data_file: Path, users: int | None
) -> dict[str, Any]:
    n, rate, mix, wait = SCENARIOS[scenario]
    n = users or n
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "stats"
        env = {**os.environ, "RG_DATA": str(data_file), "RG_MIX": mix, "RG_WAIT": wait}
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "serve_locustfile.py"),
                "--headless",
                "-u",
                str(n),
                "-r",
                str(rate),
                "-t",
                f"{seconds}s",
                "--host",
                url,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=seconds + 120,
        )
        with open(f"{prefix}_stats.csv", encoding="utf-8") as stats_file:
            rows = list(csv.DictReader(stats_file))
        with open(f"{prefix}_failures.csv", encoding="utf-8") as failures_file:
            failures = [
                {"name": r["Name"], "error": r["Error"][:300], "count": int(r["Occurrences"])}
                for r in csv.DictReader(failures_file)
            ]
    stats = {}
    for r in rows:
        stats[r["Name"]] = {
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "mean_ms": round(float(r["Average Response Time"]), 1),
            "p50_ms": float(r["50%"]),
            "p95_ms": float(r["95%"]),
            "p99_ms": float(r["99%"]),
            "rps": round(float(r["Requests/s"]), 1),
        }
    return {"users": n, "seconds": seconds, "stats": stats, "failures": failures}


def measure(
    server: Server,
    scenario: str,
    seconds: int,
    data_file: Path,
    users: int | None,
    warmup: int = 60,
) -> dict[str, Any]:
    """One locust run against the running service, with the service's CPU and memory."""
    memory: list[tuple[float, float]] = []
    stop = threading.Event()

    def sample() -> None:
        t0 = time.monotonic()
        while not stop.wait(30 if scenario == "soak" else 10):
            memory.append((round(time.monotonic() - t0), round(server.rss_mib(), 1)))

    result: dict[str, Any] = {"scenario": scenario, "load_before": os.getloadavg()}
    result["rss_before_mib"] = round(server.rss_mib(), 1)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    used, client = server.cpu_s(), resource.getrusage(resource.RUSAGE_CHILDREN)
    result["locust"] = run_locust(server.url, scenario, seconds, data_file, users)
    stop.set()
    done = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, once it has ended
    requests = result["locust"]["stats"].get("Aggregated", {}).get("requests", 0)
    result["service_cores_used"] = round((server.cpu_s() - used) / seconds, 2)
    result["locust_cores_used"] = round(
        (done.ru_utime + done.ru_stime - client.ru_utime - client.ru_stime) / seconds, 2
    )
    if requests:
        result["service_cpu_ms_per_request"] = round((server.cpu_s() - used) * 1000 / requests, 1)
    result["rss_samples_mib"] = memory
    result["rss_after_mib"] = round(server.rss_mib(), 1)
    result["rss_per_process_mib"] = server.rss_per_process_mib()
    after_warmup = [rss for t, rss in memory if t >= warmup]
    if scenario == "soak" and len(after_warmup) >= 2:
        # the target compares the end with memory once warmed up (caches filled)
        result["warmup_s"] = warmup
        result["rss_after_warmup_mib"] = after_warmup[0]
        result["rss_growth_after_warmup"] = round(after_warmup[-1] / after_warmup[0] - 1, 3)
    result["load_after"] = os.getloadavg()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument(
        "--scenario",
        default="mixed",
        help=f"one or more of {', '.join(sorted(SCENARIOS))}, comma-separated (one service)",
    )
    ap.add_argument("--time", type=int, default=60, help="seconds of load per scenario (bounded)")
    ap.add_argument("--users", type=int, default=None)
    ap.add_argument("--workers", type=int, default=2, help="SPARQL worker processes")
    ap.add_argument(
        "--processes", type=int, default=1, help="service processes (raadsgraf serve --processes)"
    )
    ap.add_argument("--single", type=int, default=20, help="requests per kind for single times")
    ap.add_argument(
        "--warmup",
        type=int,
        default=60,
        help="soak: seconds of the same traffic before the memory baseline (part of --time)",
    )
    ap.add_argument(
        "--bench-lock",
        type=Path,
        default=None,
        help="time only while holding this flock, at priority 0 (start the bench niced)",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    scenarios = args.scenario.split(",")
    if unknown := [s for s in scenarios if s not in SCENARIOS]:
        raise SystemExit(f"unknown scenario {unknown}; known: {', '.join(sorted(SCENARIOS))}")
    if args.time * len(scenarios) > 3600:
        raise SystemExit("--time is bounded to an hour")
    data = prepare(args.store)
    server = Server(args.store, args.workers, args.processes)
    result: dict[str, Any] = {
        "store": str(args.store),
        "processes": args.processes,
        "sparql_workers": args.workers,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(data, f)
    try:
        if data["queries"]:  # index and model loaded before anything is timed
            for _ in range(2 * args.processes):
                httpx.get(server.url + "/api/search", params={"q": "kommune"}, timeout=300)
        with held(args.bench_lock, [server.proc.pid]) as lock:
            result["lock"] = lock
            single, cpu = single_times(server.url, data, args.single, server)
            result["single_ms"] = {k: round(v, 1) for k, v in single.items()}
            result["two_cores_allow_rps"] = {k: round(2000 / v, 1) for k, v in single.items()}
            # the same bound from the CPU a request costs the service: what two *free* cores allow
            result["single_cpu_ms"] = {k: round(v, 1) for k, v in cpu.items()}
            result["two_free_cores_allow_rps"] = {
                k: round(2000 / v, 1) for k, v in cpu.items() if v
            }
            result["runs"] = [
                measure(server, s, args.time, Path(f.name), args.users, args.warmup)
                for s in scenarios
            ]
    finally:
        os.unlink(f.name)
        server.stop()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(f"{args.store}, {args.processes} process(es), lock {result['lock']}")
    print(
        "single request, mean ms:",
        result["single_ms"],
        " two cores allow (req/s):",
        result["two_cores_allow_rps"],
        " CPU ms:",
        result["single_cpu_ms"],
    )
    for run in result["runs"]:
        print(f"scenario {run['scenario']}, load {run['load_before']} → {run['load_after']}")
        for name, s in run["locust"]["stats"].items():
            print(
                f"  {name:10} {s['requests']:6} req  {s['failures']} failed  {s['rps']:6} req/s  "
                f"p50 {s['p50_ms']:.0f}  p95 {s['p95_ms']:.0f}  p99 {s['p99_ms']:.0f} ms"
            )
        print(
            "  service CPU per request under load",
            run.get("service_cpu_ms_per_request"),
            f"ms; cores used: service {run['service_cores_used']}, "
            f"locust {run['locust_cores_used']}",
        )
        print(
            f"  memory {run['rss_before_mib']} → {run['rss_after_mib']} MiB",
            run.get("rss_growth_after_warmup", ""),
            "per process",
            run["rss_per_process_mib"],
        )


if __name__ == "__main__":
    main()
