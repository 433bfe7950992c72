"""Search quality on the dev relevance set: nDCG@10, Recall@5, MRR per mode.

Builds an index of the seed documents (embeddings are cached under --work,
so only the first run pays for them) and scores every query of
``queries.json`` for hybrid, dense and BM25 search. Rules (from the file):
a key is ``MEETING_DATE#ITEM_NUMBER`` or ``POLICY:<title fragment>``; grades
3/2/1; each item counts once, at its best chunk (search already groups so); a
result that stands for a case counts its case's other treatments (its card names
them) right after it, each once;
Recall@5 counts grade ≥ 2; MRR is the first grade-3 hit. nDCG uses linear
gains (as trec_eval does).

    PYTHONPATH=src python bench/search_quality.py
    PYTHONPATH=src python bench/search_quality.py --normaliser lemma --fusion rrf
    PYTHONPATH=src python bench/search_quality.py --sweep      # fusion × weight grid
    PYTHONPATH=src python bench/search_quality.py --without-danish-letters  # æ ø å typed ae oe aa
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# built models (the default e5-small-int8) in one folder for every bench store
os.environ.setdefault("RAADSGRAF_MODELS", str(ROOT / "indexes" / "models"))
sys.path.insert(0, str(ROOT / "src"))

from raadsgraf import config, pipeline  # noqa: E402
from raadsgraf.index import Hit, SearchIndex, open_index, update  # noqa: E402
from raadsgraf.index.floor import dense_weight_for  # noqa: E402
from raadsgraf.index.search import DEFAULT_FUSION  # noqa: E402
from raadsgraf.index.sparse import NORMALISERS  # noqa: E402
from raadsgraf.index.storage import DEFAULT_NORMALISER  # noqa: E402

DEFAULT_QUERIES = ROOT.parent / "shared" / "dev-eval" / "queries.json"
DEFAULT_SEEDS = ROOT / "tests" / "samples" / "seeds"


def hit_key(hit: Hit, rel: dict[str, int]) -> str | None:
    """The relevance key a hit stands for (policy keys match by title fragment)."""
    if hit.item_number is not None and hit.meeting_date is not None:
        return f"{hit.meeting_date.isoformat()}#{hit.item_number}"
    for key in rel:
        if key.startswith("POLICY:") and key[7:].casefold() in hit.document_title.casefold():
            return key
    return f"POLICY:{hit.document_title}"


def result_keys(hits: list[Hit], rel: dict[str, int]) -> list[str | None]:
    """The keys a result list shows, in order: each hit's own, then its case's other
    treatments that are judged (search gives a case once, its card naming the others);
    each key once. Older code's hits carry no treatments."""
    keys: list[str | None] = []
    for h in hits:
        carried = [
            f"{t.meeting_date.isoformat()}#{t.item_number}"
            for t in getattr(h, "other_treatments", ())
            if t.meeting_date is not None and t.item_number is not None
        ]
        for key in [hit_key(h, rel), *(k for k in carried if k in rel)]:
            if key is None or key not in keys:
                keys.append(key)
    return keys


def score_query(keys: list[str | None], rel: dict[str, int]) -> dict[str, float]:
    gains = [rel.get(k, 0) if k else 0 for k in keys]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    wanted = {k for k, g in rel.items() if g >= 2}
    recall = len(wanted & {k for k in keys[:5] if k}) / len(wanted) if wanted else 0.0
    mrr = next((1 / (i + 1) for i, k in enumerate(keys) if k and rel.get(k) == 3), 0.0)
    return {"ndcg@10": dcg / idcg if idcg else 0.0, "recall@5": recall, "mrr": mrr}


def evaluate(
    idx: SearchIndex, queries: list[dict[str, Any]], mode: str, fusion: str, weight: float | None
) -> dict[str, Any]:
    per_query = {}
    for q in queries:
        # each mode measured as itself: the exact-identifier rule (lexical) only in hybrid
        hits = idx.search(
            q["text"],
            top_k=10,
            mode=mode,
            fusion_method=fusion,
            dense_weight=weight,
            exact_first=mode == "hybrid",
        )
        per_query[q["id"]] = score_query(result_keys(hits, q["rel"]), q["rel"])
    metrics = ("ndcg@10", "recall@5", "mrr")
    means = {m: sum(s[m] for s in per_query.values()) / len(per_query) for m in metrics}
    return {"mean": means, "per_query": per_query}


def build(work: Path, seeds: Path | list[Path], normaliser: str, model: str) -> SearchIndex:
    settings = config.load({"store": str(work / f"store-{normaliser}"), "model": model})
    report = pipeline.parse_files(seeds if isinstance(seeds, list) else [seeds], progress=False)
    for failure in report.failures:
        print(f"warning: {failure}", file=sys.stderr)
    if not report.documents:
        raise SystemExit(f"no documents parsed from {seeds}")
    import shutil

    shutil.rmtree(settings.store / "index", ignore_errors=True)
    result = update(
        settings.store,
        report.documents,
        settings,
        normaliser=normaliser,
        cache_path=work / "cache.sqlite",
    )
    print(result.summary(), file=sys.stderr)
    return open_index(settings.store, settings)


def fusion_weight(idx: SearchIndex, weight: float | None) -> float:
    """The dense weight hybrid runs with: ``weight``, or the index's model's."""
    return dense_weight_for(str(idx.config.get("model"))) if weight is None else weight


def add_index_options(ap: argparse.ArgumentParser) -> None:
    """The options that choose how the bench index is built and fused (shared with
    bench/phrasings.py)."""
    ap.add_argument("--model", default=config.Settings().model)
    ap.add_argument("--normaliser", default=DEFAULT_NORMALISER, choices=NORMALISERS)
    ap.add_argument("--fusion", default=DEFAULT_FUSION, choices=["relative", "rrf"])
    ap.add_argument(
        "--dense-weight",
        type=float,
        default=None,
        help="Hybrid's dense weight in fusion (default: the index's model's, floor.dense_weight_for).",
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--work", type=Path, default=ROOT / "indexes" / "bench-quality")
    add_index_options(ap)
    ap.add_argument("--sweep", action="store_true", help="Grid over fusion and dense weight.")
    ap.add_argument("--per-query", action="store_true", help="Show every query's scores.")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON.")
    ap.add_argument(
        "--without-danish-letters",
        action="store_true",
        help="Type every query as on a keyboard without æ, ø, å (ae, oe, aa).",
    )
    args = ap.parse_args()

    queries = json.loads(args.queries.read_text(encoding="utf-8"))["queries"]
    if args.without_danish_letters:
        spell = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})
        queries = [{**q, "text": q["text"].translate(spell)} for q in queries]
    idx = build(args.work, args.seeds, args.normaliser, args.model)
    runs: dict[str, dict[str, Any]] = {}
    for mode in ("hybrid", "dense", "bm25"):
        runs[mode] = evaluate(idx, queries, mode, args.fusion, args.dense_weight)
    if args.sweep:
        for fusion in ("relative", "rrf"):
            for weight in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
                run = evaluate(idx, queries, "hybrid", fusion, weight)
                runs[f"hybrid {fusion} w={weight}"] = run
    if args.json:
        print(json.dumps(runs, indent=2))
        return
    print(
        f"{len(queries)} queries; {len(idx)} chunks; BM25 {args.normaliser}; "
        f"fusion {args.fusion} w={fusion_weight(idx, args.dense_weight)}"
    )
    print(f"{'run':<26} {'nDCG@10':>8} {'R@5':>6} {'MRR':>6}")
    for name, run in runs.items():
        m = run["mean"]
        print(f"{name:<26} {m['ndcg@10']:8.3f} {m['recall@5']:6.3f} {m['mrr']:6.3f}")
    if args.per_query:
        for mode in ("hybrid", "dense", "bm25"):
            scores = runs[mode]["per_query"].items()
            print(mode, " ".join(f"{q}:{s['ndcg@10']:.2f}" for q, s in scores))


if __name__ == "__main__":
    main()
