"""Phrasing robustness: nDCG@10, Recall@5, MRR per mode and per phrasing class.

Scores ``bench/phrasings.json`` (held-out queries written from reading the
samples: compounds split/joined, inflections, synonyms, abbreviations, names,
case numbers, misspellings, English) over the seeds plus the Greve slice in
``tests/samples/firstagenda``. Metrics and index build are those of
``search_quality.py`` (imported, not copied), so figures compare with the dev set.

    PYTHONPATH=src python bench/phrasings.py
    PYTHONPATH=src python bench/phrasings.py --per-query
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_quality import ROOT, add_index_options, build, evaluate, fusion_weight

METRICS = ("ndcg@10", "recall@5", "mrr")
MODES = ("hybrid", "dense", "bm25")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--queries", type=Path, default=ROOT / "bench" / "phrasings.json")
    ap.add_argument(
        "--samples",
        type=Path,
        nargs="+",
        default=[ROOT / "tests" / "samples" / "seeds", ROOT / "tests" / "samples" / "firstagenda"],
    )
    ap.add_argument("--work", type=Path, default=ROOT / "indexes" / "bench-phrasings")
    add_index_options(ap)
    ap.add_argument("--per-query", action="store_true", help="Show every query's nDCG@10.")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON.")
    args = ap.parse_args()

    queries = json.loads(args.queries.read_text(encoding="utf-8"))["queries"]
    idx = build(args.work, list(args.samples), args.normaliser, args.model)
    runs = {m: evaluate(idx, queries, m, args.fusion, args.dense_weight) for m in MODES}
    classes: dict[str, list[str]] = defaultdict(list)
    for q in queries:
        classes[q["class"]].append(q["id"])
    table: dict[str, dict[str, dict[str, float]]] = {}
    for mode, run in runs.items():
        table[mode] = {"all": run["mean"]}
        for cls, ids in classes.items():
            table[mode][cls] = {
                m: sum(run["per_query"][i][m] for i in ids) / len(ids) for m in METRICS
            }
    if args.json:
        print(json.dumps({"table": table, "runs": runs}, indent=2))
        return
    print(
        f"{len(queries)} queries; {len(idx)} chunks; BM25 {args.normaliser}; "
        f"fusion {args.fusion} w={fusion_weight(idx, args.dense_weight)}"
    )
    print(f"{'class':<16} {'n':>3} " + " ".join(f"{m + ' nDCG/R5/MRR':>22}" for m in MODES))
    for cls in ["all", *classes]:
        n = len(queries) if cls == "all" else len(classes[cls])
        cells = " ".join(
            f"{table[m][cls]['ndcg@10']:8.3f}{table[m][cls]['recall@5']:7.3f}{table[m][cls]['mrr']:7.3f}"
            for m in MODES
        )
        print(f"{cls:<16} {n:>3} {cells}")
    if args.per_query:
        for q in queries:
            s = " ".join(f"{m}:{runs[m]['per_query'][q['id']]['ndcg@10']:.2f}" for m in MODES)
            print(f"{q['id']} {q['class']:<14} {s}  {q['text']}")


if __name__ == "__main__":
    main()
