"""Search you can trust: known cases, topics and no-answer queries (issue #12).

Scores ``bench/trust_queries.json`` against an ingested store (graph + search
index), per mode:

* **known**: success@5 and MRR — a hit is right when it carries one of the
  query's case numbers (or is the named ``DATE#ITEM``, or its title holds the
  fragment of a ``CASE@fragment`` key); ranking over the list
  with weak hits included (``include_weak``), so it measures ranking alone;
* **topic**: nDCG@10 (linear gains, grades 3/2/1 per case, each case counted at
  its first hit: a case treated by three bodies is one answer) over the same list;
* **no-answer accuracy**: share of no-answer queries with no strong hit
  (nothing clears the floor);
* **false-floor rate**: share of answerable queries (known and topic) whose
  right answer is in the top 10 but weak — the floor hid a good answer.

``--fit`` fits the floor of :mod:`raadsgraf.index.floor` on the fit half (the
split is fixed in the file): for each lexical weight it collects every
candidate's relevance and picks the threshold with the best no-answer accuracy
at a false-floor rate ≤ 0.05 on that half (best no-answer accuracy minus false-floor
rate; among equals, the floor in the widest gap between an answer's and a no-answer
query's relevance, midway); paste the printed values into
``floor.py``. Figures are then reported on the test half (``--half test``).

    PYTHONPATH=src python bench/trust_eval.py --store STORE                # test half, all modes
    PYTHONPATH=src python bench/trust_eval.py --store STORE --half all --per-query
    PYTHONPATH=src python bench/trust_eval.py --store STORE --fit          # fit the floor
    PYTHONPATH=src python bench/trust_eval.py --store STORE --half fit --dense-weight 0.3  # fusion
    PYTHONPATH=/path/to/old/src python bench/trust_eval.py --store STORE   # "before" (old code)

The store: ``raadsgraf ingest --store STORE GREVE_FILES tests/samples/seeds
tests/samples/firstagenda`` (bench/README.md says which Greve files were used).
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("RAADSGRAF_MODELS", str(ROOT / "indexes" / "models"))
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT / "src"))

from raadsgraf import config  # noqa: E402
from raadsgraf.index import open_index  # noqa: E402

DEFAULT_QUERIES = ROOT / "bench" / "trust_queries.json"
MODES = ("hybrid", "dense", "bm25")
MAX_FALSE_FLOOR = 0.05


def keys_of(hit: Any) -> set[str]:
    """The judgement keys a hit stands for."""
    keys = set()
    if hit.case_number:
        keys.add(hit.case_number)
    if hit.item_number is not None and hit.meeting_date is not None:
        keys.add(f"{hit.meeting_date.isoformat()}#{hit.item_number}")
    if hit.item_number is None:
        keys.add(f"POLICY:{hit.item_title}")
    return keys


def judged_keys(hit: Any, rel: dict[str, int]) -> set[str]:
    """The judged keys a hit stands for (a policy by a fragment of its title; a case
    whose number Greve also uses for other subjects as ``CASE@title fragment``)."""
    keys = {k for k in keys_of(hit) if k in rel}
    title = hit.item_title.casefold()
    if hit.item_number is None:
        keys |= {k for k in rel if k.startswith("POLICY:") and k[7:].casefold() in title}
    elif hit.case_number:
        for k in rel:
            case, at, fragment = k.partition("@")
            if at and case == hit.case_number and fragment.casefold() in title:
                keys.add(k)
    return keys


def grade(hit: Any, rel: dict[str, int]) -> int:
    return max((rel[k] for k in judged_keys(hit, rel)), default=0)


def run(idx: Any, text: str, mode: str, top_k: int, **extra: Any) -> list[Any]:
    """All ranked hits, weak ones included (older code has no floor: all strong);
    ``extra`` goes to ``search`` as it is (e.g. ``per_item``)."""
    if "include_weak" in inspect.signature(idx.search).parameters:
        extra["include_weak"] = True
    return list(idx.search(text, top_k=top_k, mode=mode, **extra))


def weak(hit: Any) -> bool:
    return bool(getattr(hit, "weak", False))


def first_gains(hits: list[Any], rel: dict[str, int]) -> list[int]:
    """Each hit's grade, a judged case earning it once: on a whole municipality one
    case is several hits (committee, Økonomiudvalget, Byrådet), and counting every
    one would let nDCG pass 1 while the ideal counts each case once."""
    credited: set[str] = set()
    gains = []
    for hit in hits:
        keys = judged_keys(hit, rel)
        gains.append(max((rel[k] for k in keys - credited), default=0))
        credited |= keys
    return gains


def ndcg(gains: list[int], rel: dict[str, int]) -> float:
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def evaluate(idx: Any, queries: list[dict[str, Any]], mode: str, **extra: Any) -> dict[str, Any]:
    """The metrics of ``mode`` over ``queries``; ``extra`` goes to ``search`` (hybrid's
    ``dense_weight``)."""
    known, topics, none = [], [], []
    per_query: dict[str, dict[str, Any]] = {}
    for q in queries:
        hits = run(idx, q["text"], mode, 10, **extra)
        if q["kind"] == "known":
            rel = {a: 3 for a in q["answers"]}
            ranks = [i for i, h in enumerate(hits) if grade(h, rel)]
            first = ranks[0] if ranks else None
            row = {
                "success@5": float(first is not None and first < 5),
                "mrr": 1 / (first + 1) if first is not None else 0.0,
                "false_floor": float(first is not None and weak(hits[first])),
            }
            known.append(row)
        elif q["kind"] == "topic":
            gains = first_gains(hits, q["rel"])
            good = [h for h, g in zip(hits, gains, strict=True) if g >= 2]
            row = {
                "ndcg@10": ndcg(gains, q["rel"]),
                "false_floor": float(bool(good) and all(weak(h) for h in good)),
            }
            topics.append(row)
        else:
            row = {"no_answer": float(not any(not weak(h) for h in hits))}
            none.append(row)
        row["top"] = [
            f"{'~' if weak(h) else ''}{h.case_number or h.item_title[:30]}" for h in hits[:3]
        ]
        per_query[q["id"]] = row

    def mean(rows: list[dict[str, Any]], key: str) -> float:
        return sum(r[key] for r in rows) / len(rows) if rows else float("nan")

    answerable = known + topics
    return {
        "known_success@5": mean(known, "success@5"),
        "known_mrr": mean(known, "mrr"),
        "topic_ndcg@10": mean(topics, "ndcg@10"),
        "no_answer_accuracy": mean(none, "no_answer"),
        "false_floor_rate": mean(answerable, "false_floor"),
        "counts": {"known": len(known), "topic": len(topics), "none": len(none)},
        "per_query": per_query,
    }


# --- fitting -------------------------------------------------------------------------


def _components(
    idx: Any, text: str, mode: str, fitted: dict[str, Any]
) -> list[tuple[Any, float, float]]:
    """(hit, cosine, coverage) for the top 50 candidates, with no floor: relevance is
    linear in the weight, so two runs (weight 0 and 1) give both parts."""
    from raadsgraf.index import floor as floor_mod

    runs = []
    for w in (0.0, 1.0):
        fitted[mode] = floor_mod.Floor(threshold=-1e9, lexical_weight=w)
        runs.append({h.iri: h for h in run(idx, text, mode, 50)})
    out = []
    for iri, h in runs[0].items():
        other = runs[1].get(iri)
        if h.relevance is None:
            continue
        cov = (other.relevance - h.relevance) if other and other.relevance is not None else 0.0
        out.append((h, h.relevance, cov))
    return out


def fit(idx: Any, queries: list[dict[str, Any]], mode: str, model: str) -> dict[str, float]:
    """The threshold and lexical weight with the best no-answer accuracy minus false-floor
    rate, at a false-floor rate ≤ MAX_FALSE_FLOOR, on ``queries`` (the fit half)."""
    from raadsgraf.index import floor as floor_mod

    weights = [0.0] if mode == "dense" else [0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3]
    fitted = floor_mod.FITTED.setdefault(floor_mod.SAME_VECTORS.get(model, model), {})
    saved = fitted.get(mode)
    try:
        parts = {q["id"]: _components(idx, q["text"], mode, fitted) for q in queries}
    finally:
        if saved is None:
            fitted.pop(mode, None)
        else:
            fitted[mode] = saved
    best: dict[str, float] | None = None
    for w in weights:
        need: list[float] = []  # answerable: the right answer's relevance must clear
        top: list[float] = []  # no answer: the best candidate's relevance must not
        for q in queries:
            scored = [(h, cos + w * cov) for h, cos, cov in parts[q["id"]]]
            if q["kind"] == "none":
                top.append(max((r for _, r in scored), default=-1.0))
                continue
            rel = {a: 3 for a in q["answers"]} if q["kind"] == "known" else q["rel"]
            good = [r for h, r in scored[:10] if grade(h, rel) >= 2]
            if good:
                need.append(good[0] if q["kind"] == "known" else max(good))
        values = sorted(set(need + top))
        # candidate floors: midway between neighbouring values (the same split with the
        # widest margin on both sides)
        for lo_v, hi_v in itertools.pairwise(values):
            t = (lo_v + hi_v) / 2
            ff = sum(r < t for r in need) / max(1, len(need))
            na = sum(r < t for r in top) / max(1, len(top))
            margin = hi_v - lo_v
            key = (round(na - ff, 6), margin)
            if ff <= MAX_FALSE_FLOOR and (best is None or key > best["_key"]):
                best = {
                    "threshold": round(t, 4),
                    "lexical_weight": w,
                    "no_answer": na,
                    "false_floor": ff,
                    "margin": round(margin, 4),
                    "answerable": len(need),
                    "no_answer_queries": len(top),
                    "_key": key,
                }
        print(f"  {mode} w={w}: best so far {best}", file=sys.stderr)
    assert best is not None
    best.pop("_key")
    return best


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    ap.add_argument("--half", choices=["fit", "test", "all"], default="test")
    ap.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    ap.add_argument("--fit", action="store_true", help="Fit the floor on the fit half.")
    ap.add_argument("--per-query", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--dense-weight",
        type=float,
        default=None,
        help="Hybrid's dense weight in fusion (default: the index's own, per model).",
    )
    args = ap.parse_args()

    queries = json.loads(args.queries.read_text(encoding="utf-8"))["queries"]
    settings = config.load({"store": str(args.store)})
    idx = open_index(settings.store, settings)
    if args.fit:
        fit_half = [q for q in queries if q["half"] == "fit"]
        for mode in ("hybrid", "dense"):
            best = fit(idx, fit_half, mode, str(idx.config.get("model")))
            print(f"{mode}: {json.dumps(best)}")
        return
    chosen = [q for q in queries if args.half == "all" or q["half"] == args.half]
    weight = {} if args.dense_weight is None else {"dense_weight": args.dense_weight}
    results = {
        mode: evaluate(idx, chosen, mode, **(weight if mode == "hybrid" else {}))
        for mode in args.modes
    }
    if args.json:
        print(json.dumps(results, indent=1, default=str))
        return
    counts = results[args.modes[0]]["counts"]
    print(
        f"{args.half} half: {counts['known']} known-case, {counts['topic']} topic, "
        f"{counts['none']} no-answer queries; {len(idx)} chunks"
    )
    print(f"{'mode':<8} {'succ@5':>7} {'MRR':>6} {'nDCG@10':>8} {'no-ans':>7} {'false-fl':>9}")
    for mode, r in results.items():
        print(
            f"{mode:<8} {r['known_success@5']:7.3f} {r['known_mrr']:6.3f} "
            f"{r['topic_ndcg@10']:8.3f} {r['no_answer_accuracy']:7.3f} {r['false_floor_rate']:9.3f}"
        )
    if args.per_query:
        for mode, r in results.items():
            for qid, row in r["per_query"].items():
                text = next(q["text"] for q in queries if q["id"] == qid)
                scores = {k: round(v, 2) for k, v in row.items() if isinstance(v, float)}
                print(f"{mode} {qid} {text!r} {scores} {row['top']}")


if __name__ == "__main__":
    main()
