"""Graph store benchmark: load time and analyst-query latency, Oxigraph vs rdflib Memory.

Builds a synthetic corpus of council records shaped like real minutes (meetings,
items with case numbers and KLE, decisions, recommendations, attendance and
absences, references to earlier treatments in and out of the corpus, policies
whose titles name items), turns it into RDF with the project's own graph.py,
loads it (1) into an Oxigraph store folder through the project's store.py
(bulk N-Quads, union default graph, derived graph) and (2) into an rdflib
in-memory Graph, then times the analyst queries in docs/queries/ plus two
selective queries on both, in the same run.

    PYTHONPATH=src python bench/graph_bench.py               # ~0.9 M triples
    PYTHONPATH=src python bench/graph_bench.py --items 2000  # quick run
    PYTHONPATH=src python bench/graph_bench.py --json out.json

rdflib queries are stopped after --rdflib-timeout seconds (recorded as ">N s").

Some analyst queries are written in a form that suits Oxigraph (sub-SELECTs it
joins by hashing) and that rdflib evaluates more slowly. So that no ratio is
bought by slowing rdflib, the straightforward text of each such query is kept in
bench/queries_plain/ (same name, same rows); rdflib is timed on both texts and
the ratio is reported twice: against rdflib on the same text, and against
rdflib's faster form ("best form"). --rdflib-best-of DIR names another folder of
plain texts (e.g. the queries at an earlier commit, exported with git show).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Dataset
from tqdm import tqdm

from raadsgraf import iris
from raadsgraf.graph import derive
from raadsgraf.graph.build import document_triples, ontology_graph
from raadsgraf.graph.sparql import run_sparql
from raadsgraf.graph.store import GraphStore, SourceEntry, now
from raadsgraf.graph.vocab import PREFIXES
from raadsgraf.model import (
    KLE,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Committee,
    Decision,
    Document,
    Meeting,
    Municipality,
    Outcome,
    Person,
    PolicyDocument,
    Recommendation,
    Reference,
    ReferenceKind,
    Source,
)
from raadsgraf.query.lineage import lineage

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "docs" / "queries"
PLAIN_QUERIES = ROOT / "bench" / "queries_plain"
TOPICS = [
    "boligsocial strategi",
    "klimaplan",
    "sundhedspolitik",
    "handicappolitik",
    "erhvervsstrategi",
    "ældrepolitik",
    "børne- og ungepolitik",
    "trafikplan",
]
COMMITTEES = [
    "Byrådet",
    "Økonomiudvalget",
    "Socialudvalget",
    "Teknik- og Miljøudvalget",
    "Børne- og Skoleudvalget",
    "Kultur- og Fritidsudvalget",
    "Sundhedsudvalget",
    "Beskæftigelsesudvalget",
]
OUTCOMES = list(Outcome)


def synthetic_corpus(items_wanted: int, seed: int = 7) -> list[Document]:
    rnd = random.Random(seed)
    munis = ["Nordby Kommune", "Sydby Kommune", "Østby Kommune"]
    per_meeting = 25
    meetings_needed = max(1, items_wanted // per_meeting)
    docs: list[Document] = []
    history: dict[str, list[tuple[str, dt.date, int, str]]] = {m: [] for m in munis}
    start = dt.date(2018, 1, 8)
    for k in range(meetings_needed):
        muni = munis[k % len(munis)]
        committee = COMMITTEES[(k // len(munis)) % len(COMMITTEES)]
        date = start + dt.timedelta(days=7 * (k // (len(munis) * len(COMMITTEES))) + k % 5)
        people = [f"Person {muni[:3]} {committee[:4]} {j}" for j in range(9)]
        attendance = tuple(
            Attendance(
                Person(p, rnd.choice("ABCFOVØ")),
                AttendanceStatus.ABSENT if j == k % 9 else AttendanceStatus.PRESENT,
                "afbud" if j == k % 9 else None,
            )
            for j, p in enumerate(people)
        )
        items = []
        for n in range(1, per_meeting + 1):
            past = history[muni]
            refs: tuple[Reference, ...] = ()
            case = None
            if past and rnd.random() < 0.35:
                body, pdate, pn, case = rnd.choice(past[-400:])
                refs = (
                    Reference(
                        ReferenceKind.EARLIER_TREATMENT,
                        f"{body} den {pdate} Punkt {pn}",
                        body=body,
                        date=pdate,
                        item_number=pn,
                    ),
                )
            elif rnd.random() < 0.1:  # a meeting outside the corpus
                refs = (
                    Reference(
                        ReferenceKind.CASE_HISTORY,
                        "Kommunalbestyrelsen 2017",
                        body="Kommunalbestyrelsen",
                        date=dt.date(2017, 1 + n % 12, 1 + n),
                        item_number=n,
                    ),
                )
            subject = (
                f"{rnd.randrange(0, 33):02d}.{rnd.randrange(0, 20):02d}.{rnd.randrange(0, 12):02d}"
            )
            facet = rnd.choice(["A00", "G01", "I00", "P22", "S00"])
            case = case or f"{subject}-{facet}-{rnd.randrange(1, 99)}-{date.year % 100}"
            topic = rnd.choice(TOPICS)
            title = (
                f"{topic.capitalize()} {2024}-{2028}: behandling {n}"
                if rnd.random() < 0.05
                else f"Sag {k}-{n} om drift"
            )
            outcome = rnd.choice(OUTCOMES)
            items.append(
                AgendaItem(
                    number=n,
                    title=title,
                    is_open=rnd.random() > 0.05,
                    case_number=case,
                    kle=KLE(subject, facet, case.split("-")[-2]) if case.count("-") == 3 else None,
                    recommendation=Recommendation(
                        "Forvaltningen indstiller, at sagen godkendes.", "Forvaltningen"
                    ),
                    decision=Decision(f"{outcome.value}.", outcome, outcome.value),
                    references=refs,
                    attendance=(attendance[(k + 1) % 9],) if n % 7 == 0 else (),
                )
            )
            past.append((committee, date, n, case))
        meeting = Meeting(
            Municipality(muni),
            Committee(committee, muni),
            date,
            start=dt.time(16, 0),
            attendance=attendance,
            items=tuple(items),
        )
        docs.append(Document(Source(f"synthetic/{k}.txt", f"{k:064x}", "synthetic"), (meeting,)))
    for j, muni in enumerate(munis):
        for topic in TOPICS:
            pol = PolicyDocument(
                f"{muni.split()[0]}s {topic} 2024-2028",
                Municipality(muni),
                "politik",
                (2024, 2028),
                adopted_by="Byrådet",
                adopted_on=dt.date(2024, 3, 1),
                replaces_year=2016,
            )
            docs.append(
                Document(
                    Source(f"synthetic/p{j}-{topic}.txt", f"p{j}{topic}", "synthetic"), (), (pol,)
                )
            )
    return docs


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout


#: One timing protocol for every engine: one untimed warm-up run, then RUNS timed runs,
#: the median reported (set by --runs). rdflib used to be timed once, cold, against
#: Oxigraph's warm median; now both get the same treatment.
RUNS = 3


def measure(run: Callable[[], object], budget: float | None = None) -> float | None:
    """Median seconds of RUNS runs after one warm-up; None when a run passes ``budget``."""

    def once() -> float | None:
        if budget is not None:
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, budget)
        t0 = time.perf_counter()
        try:
            run()
        except Timeout:
            return None
        finally:
            if budget is not None:
                signal.setitimer(signal.ITIMER_REAL, 0)
        return time.perf_counter() - t0

    if once() is None:
        return None
    times = []
    for _ in range(RUNS):
        s = once()
        if s is None:
            return None
        times.append(s)
    return statistics.median(times)


def time_rdflib(g: Dataset, query: str, budget: float) -> float | None:
    return measure(lambda: list(g.query(query, initNs=PREFIXES)), budget)


def time_oxigraph(store: GraphStore, query: str) -> float:
    s = measure(lambda: run_sparql(store, query))
    assert s is not None
    return s


def lineage_sample(store: GraphStore, every: int) -> dict[str, float]:
    """``lineage()`` of every ``every``-th treatment a source describes (sorted by IRI):
    p50, p90 and max in ms, and the item whose lineage took longest."""
    rows = run_sparql(
        store,
        "SELECT DISTINCT ?t WHERE { ?t a besluit:BehandelingVanAgendapunt ; dct:source ?s }",
    ).rows
    sample = sorted(str(t) for (t,) in rows)[::every]
    times = []
    for t in tqdm(sample, desc="lineage sample", unit="item", file=sys.stderr):
        t0 = time.perf_counter()
        steps = len(lineage(store, t).steps)
        times.append(((time.perf_counter() - t0) * 1000, steps))
    ms = sorted(t for t, _ in times)
    return {
        "items": len(ms),
        "p50_ms": statistics.median(ms),
        "p90_ms": ms[int(0.9 * (len(ms) - 1))],
        "max_ms": ms[-1],
        "max_steps": max(n for _, n in times),
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--items", type=int, default=22_000, help="agenda items (22000 ≈ 0.9 M triples)"
    )
    ap.add_argument("--rdflib-timeout", type=float, default=60.0)
    ap.add_argument(
        "--runs", type=int, default=RUNS, help="timed runs per query and engine, after a warm-up"
    )
    ap.add_argument(
        "--greve",
        type=Path,
        default=None,
        help="parse this folder of real minutes (e.g. shared/corpus/greve) instead of synthetic",
    )
    ap.add_argument("--json", type=Path, default=None, help="write the figures here too")
    ap.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="build the graph store in this new folder and keep it (for graph_query_diff.py)",
    )
    ap.add_argument(
        "--rdflib-best-of",
        type=Path,
        default=PLAIN_QUERIES,
        help="folder of plain forms of analyst queries (NAME.rq); rdflib is timed on both "
        "texts and the ratio also against its faster one (default: bench/queries_plain)",
    )
    ap.add_argument(
        "--lineage-every",
        type=int,
        default=60,
        help="lineage of every N-th treatment (p50/p90/max)",
    )
    args = ap.parse_args()
    global RUNS
    RUNS = args.runs
    out: dict[str, Any] = {}

    t0 = time.perf_counter()
    if args.greve:
        from raadsgraf import pipeline

        parsed = pipeline.parse_files([args.greve], progress=True)
        docs = parsed.documents
        out["parse_s"] = time.perf_counter() - t0
        out["documents"] = len(docs)
        t0 = time.perf_counter()
    else:
        docs = synthetic_corpus(args.items)
    graphs = []
    for doc in tqdm(docs, desc="records → rdf", unit="doc", file=sys.stderr):
        key = doc.source.path
        graphs.append(
            (
                SourceEntry(
                    key, key, doc.source.sha256, "synthetic", iris.source_graph_iri(key), 0, now()
                ),
                document_triples(doc, iris.source_graph_iri(key)),
            )
        )
    out["build_rdf_s"] = time.perf_counter() - t0
    out["triples_built"] = sum(len(g) for _, g in graphs)

    with tempfile.TemporaryDirectory() as tmp:
        if args.keep is not None:
            if args.keep.exists() and any(args.keep.iterdir()):
                sys.exit(f"{args.keep}: not empty; --keep needs a new or empty folder")
            args.keep.mkdir(parents=True, exist_ok=True)
        store = GraphStore(args.keep or Path(tmp))
        t0 = time.perf_counter()
        store.replace_sources(graphs)
        store.load_ontology(ontology_graph())
        out["oxigraph_load_s"] = time.perf_counter() - t0
        del graphs  # the built triples would slow the query timings (see below)
        gc.collect()
        t0 = time.perf_counter()
        report = derive.refresh(store)
        out["derive_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        store.flush()  # as an ingest does: flush and compact (GraphStore.flush)
        out["flush_optimize_s"] = time.perf_counter() - t0
        out["derived"] = {
            "treatments": report.treatments,
            "placeholders": report.placeholders,
            "policy_links": report.policy_links,
        }
        out["triples_in_store"] = store.triple_count()

        # selective queries: one item's lineage (the API) and its raw details
        meeting = next(m for d in docs[len(docs) // 2 :] for m in d.meetings if len(m.items) > 5)
        item = meeting.items[5]
        t_iri = iris.treatment_iri(meeting, item)
        selective = {
            "one-treatment-details": f"""SELECT ?title ?date ?outcome WHERE {{
                <{t_iri}> dct:subject/dct:title ?title ; eli-dl:activity_date ?date ;
                          prov:generated/rg:outcome/skos:notation ?outcome }}""",
            "one-treatment-references": f"""SELECT ?u ?date WHERE {{
                {{ <{t_iri}> rg:referencesTreatment ?u }} UNION {{ ?u rg:referencesTreatment <{t_iri}> }}
                ?u eli-dl:activity_date ?date }}""",
        }
        t0 = time.perf_counter()
        for _ in range(5):
            lineage(store, t_iri)
        out["lineage_api_ms"] = (time.perf_counter() - t0) / 5 * 1000
        out["lineage_sample"] = lineage_sample(store, args.lineage_every)

        queries = {
            **selective,
            **{p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))},
        }
        rows = []
        for name, q in tqdm(queries.items(), desc="oxigraph", unit="query", file=sys.stderr):
            rows.append({"query": name, "oxigraph_ms": time_oxigraph(store, q) * 1000})

        # the same store copied into RAM (raadsgraf.open(..., in_memory=True))
        t0 = time.perf_counter()
        ram = GraphStore.__new__(GraphStore)
        ram.folder, ram.read_only, ram._sources = store.folder, True, {}
        ram.store = pyoxigraph.Store()
        ram.store.bulk_load(
            store.store.dump(format=pyoxigraph.RdfFormat.N_QUADS), pyoxigraph.RdfFormat.N_QUADS
        )
        out["oxigraph_ram_copy_s"] = time.perf_counter() - t0
        for row in tqdm(rows, desc="oxigraph RAM", unit="query", file=sys.stderr):
            row["oxigraph_ram_ms"] = time_oxigraph(ram, queries[row["query"]]) * 1000
        del ram
        gc.collect()

        # rdflib is loaded only now: millions of rdflib objects in the same
        # process would slow every later allocation (the cyclic GC walks them),
        # so Oxigraph is timed first, and the GC is frozen after the load.
        t0 = time.perf_counter()
        # rdflib gets the same named graphs, queried with the default graph as their union
        nq = store.dump(pyoxigraph.RdfFormat.N_QUADS)
        mem = Dataset(default_union=True)
        mem.parse(data=nq, format="nquads")
        out["rdflib_memory_load_s"] = time.perf_counter() - t0
        out["rdflib_quads"] = len(mem)

        gc.freeze()
        prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
        plain = {
            p.stem: p.read_text(encoding="utf-8")
            for p in sorted(args.rdflib_best_of.glob("*.rq"))
            if p.stem in queries
        }
        timeout_ms = args.rdflib_timeout * 1000
        for row in tqdm(rows, desc="rdflib", unit="query", file=sys.stderr):
            rd_s = time_rdflib(mem, prologue + queries[row["query"]], args.rdflib_timeout)
            row["rdflib_ms"] = None if rd_s is None else rd_s * 1000
            row["rdflib_plain_ms"] = None
            if row["query"] in plain:
                rd_s = time_rdflib(mem, prologue + plain[row["query"]], args.rdflib_timeout)
                row["rdflib_plain_ms"] = None if rd_s is None else rd_s * 1000
            # rdflib's faster form (a timeout counts as the timeout)
            forms = [row["rdflib_ms"]] + ([row["rdflib_plain_ms"]] if row["query"] in plain else [])
            row["rdflib_best_ms"] = min(timeout_ms if ms is None else ms for ms in forms)
        out["queries"] = rows
        out["plain_forms"] = sorted(plain)
        ratios = [(r["rdflib_ms"] or timeout_ms) / max(r["oxigraph_ms"], 1e-3) for r in rows]
        out["geomean_speedup_lower_bound"] = statistics.geometric_mean(ratios)
        out["geomean_speedup_best_form"] = statistics.geometric_mean(
            r["rdflib_best_ms"] / max(r["oxigraph_ms"], 1e-3) for r in rows
        )
        out["geomean_speedup_ram"] = statistics.geometric_mean(
            (r["rdflib_ms"] or args.rdflib_timeout * 1000) / max(r["oxigraph_ram_ms"], 1e-3)
            for r in rows
        )
        del store

    print(
        f"triples: built {out['triples_built']}, in store {out['triples_in_store']}, rdflib quads {out['rdflib_quads']}"
    )
    if "parse_s" in out:
        print(f"parse {out['documents']} files: {out['parse_s']:.1f} s")
    print(f"records → RDF (graph.py): {out['build_rdf_s']:.1f} s")
    print(
        f"Oxigraph load (bulk N-Quads + union graph + ontology): {out['oxigraph_load_s']:.1f} s; derive: {out['derive_s']:.1f} s; flush + compact: {out['flush_optimize_s']:.1f} s"
    )
    print(f"rdflib Memory load (parse N-Quads into a Dataset): {out['rdflib_memory_load_s']:.1f} s")
    print(f"lineage() of one item through the API: {out['lineage_api_ms']:.1f} ms")
    ls = out["lineage_sample"]
    print(
        f"lineage() of every {args.lineage_every}th treatment ({ls['items']:.0f} items, up to "
        f"{ls['max_steps']:.0f} steps): p50 {ls['p50_ms']:.1f} ms, p90 {ls['p90_ms']:.1f} ms, "
        f"max {ls['max_ms']:.1f} ms"
    )
    print(f"RAM copy of the store: {out['oxigraph_ram_copy_s']:.1f} s")

    def fmt(ms: float | None) -> str:
        return "> %.0f" % (args.rdflib_timeout * 1000) if ms is None else f"{ms:.1f}"

    print(
        f"{'query':40} {'oxigraph ms':>12} {'RAM ms':>9} {'rdflib ms':>12} {'×':>6}"
        f" {'rdflib plain ms':>16} {'× best':>7}"
    )
    for r in rows:
        timeout_ms = args.rdflib_timeout * 1000
        ratio = (r["rdflib_ms"] or timeout_ms) / max(r["oxigraph_ms"], 1e-3)
        best = r["rdflib_best_ms"] / max(r["oxigraph_ms"], 1e-3)
        plain_ms = fmt(r["rdflib_plain_ms"]) if r["query"] in out["plain_forms"] else "—"
        print(
            f"{r['query']:40} {r['oxigraph_ms']:12.2f} {r['oxigraph_ram_ms']:9.2f}"
            f" {fmt(r['rdflib_ms']):>12} {ratio:6.0f} {plain_ms:>16} {best:7.0f}"
        )
    print(
        f"geometric mean speed-up (rdflib timeouts counted at the timeout): {out['geomean_speedup_lower_bound']:.1f}× "
        f"against rdflib on the same text, {out['geomean_speedup_best_form']:.1f}× against rdflib's "
        f"faster form ({len(out['plain_forms'])} plain forms from {args.rdflib_best_of})"
    )
    print(f"geometric mean speed-up of the RAM copy: {out['geomean_speedup_ram']:.0f}×")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
