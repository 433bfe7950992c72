"""Pool the topic queries' top 10s from every mode and code version, judge them blind (issue #12).

Three steps:

* ``collect``: for every topic query of ``bench/trust_queries.json``, the top 10
  of hybrid, dense and BM25 on a store, one result per case (the default) and
  ``per_item`` (when the code has it); every hit not yet judged goes to a pool
  file, with the mode and rank that found it (the pool file is not the judging
  sheet). Run it with older code too (``PYTHONPATH=/old/src``): its results were
  part of "before".
* ``sheet``: the union of pool files, one row per query and judgement key (a case
  number, ``DATE#ITEM`` or ``POLICY:title``), shuffled, **without** the mode or
  rank: the query, the item's title, committee, date, its case's treatments, the
  item's opening text and the lines that hold the query's words, and an empty
  ``grade`` — so a grade is given by reading, never by which mode found it. An
  existing sheet keeps its rows and grades; only new (query, key) rows are added.
* ``apply``: adds the sheet's grades ≥ 1 to the queries' ``rel`` (grade 0 = not
  about it, kept on the sheet only) and prints the grade distribution. A row whose
  case number also carries items on other subjects (Greve reuses some numbers, e.g.
  one for a committee's orientations of a year) says ``judged_as``: its own
  ``DATE#ITEM``, or ``CASE@title fragment`` when the case has several treatments.

    PYTHONPATH=src python bench/topic_pool.py collect --store STORE --out /tmp/pool-main.jsonl
    PYTHONPATH=/tmp/old/src python bench/topic_pool.py collect --store STORE --out /tmp/pool-old.jsonl
    PYTHONPATH=src python bench/topic_pool.py sheet --store STORE --out bench/topic_pool_2026.jsonl \\
        /tmp/pool-main.jsonl /tmp/pool-old.jsonl
    # grade every row of the sheet (0–3, the scale of trust_queries.json), then
    PYTHONPATH=src python bench/topic_pool.py apply bench/topic_pool_2026.jsonl
"""

from __future__ import annotations

import argparse
import collections
import inspect
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import trust_eval

from raadsgraf import config
from raadsgraf.index import open_index

SEED = 12  # the number: a fixed shuffle, so the sheet is reproducible
OPENING = 700  # characters of the item's text on the sheet
LINES = 5  # lines holding a query word


def judgement_key(hit: Any) -> str:
    """The key a new judgement is written under: the case where the set judges by case."""
    if hit.case_number:
        return str(hit.case_number)
    if hit.item_number is not None and hit.meeting_date is not None:
        return f"{hit.meeting_date.isoformat()}#{hit.item_number}"
    return f"POLICY:{hit.item_title}"


def topics(path: Path) -> list[dict[str, Any]]:
    return [
        q for q in json.loads(path.read_text(encoding="utf-8"))["queries"] if q["kind"] == "topic"
    ]


def collect(args: argparse.Namespace) -> None:
    idx = open_index(args.store, config.load({"store": str(args.store)}))
    grouped = "per_item" in inspect.signature(idx.search).parameters
    variants = [False, True] if grouped else [None]
    rows = []
    for q in topics(args.queries):
        for mode in trust_eval.MODES:
            for per_item in variants:
                extra = {} if per_item is None else {"per_item": per_item}
                hits = trust_eval.run(idx, q["text"], mode, 10, **extra)
                for rank, hit in enumerate(hits[:10], 1):
                    if trust_eval.grade(hit, q["rel"]):
                        continue
                    rows.append(
                        {
                            "query": q["id"],
                            "key": judgement_key(hit),
                            "iri": hit.iri,
                            "mode": mode,
                            "per_item": per_item,
                            "rank": rank,
                        }
                    )
        print(f"{q['id']}: {len(rows)} unjudged places so far", file=sys.stderr)
    with args.out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} unjudged places → {args.out}", file=sys.stderr)


def _texts(idx: Any, wanted: set[str]) -> dict[str, list[Any]]:
    """The chunks of the wanted items and of every treatment of the wanted cases."""
    by_iri: dict[str, list[Any]] = collections.defaultdict(list)
    for i in range(len(idx.chunks)):
        chunk = idx.chunks[i]
        if chunk.iri in wanted or (chunk.case_number and chunk.case_number in wanted):
            by_iri[chunk.iri].append(chunk)
    return by_iri


def _lines(text: str, words: list[str]) -> list[str]:
    found = []
    for line in re.split(r"(?<=[.!?])\s+|\n+", text):
        low = line.casefold()
        if any(w in low for w in words) and line.strip() not in found:
            found.append(line.strip()[:300])
        if len(found) == LINES:
            break
    return found


def sheet(args: argparse.Namespace) -> None:
    pool = [
        json.loads(line)
        for path in args.pools
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    idx = open_index(args.store, config.load({"store": str(args.store)}))
    by_iri = _texts(idx, {row["iri"] for row in pool} | {row["key"] for row in pool})
    pooled: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for row in pool:
        first = by_iri[row["iri"]][0]
        key = row["key"]
        if first.case_number == key and idx._is_procedural(first.item_title):
            # a procedural item's standing journal number is no case: judging it would
            # grade every Huskeliste of the committee; the item is judged by itself
            key = f"{first.meeting_date.isoformat()}#{first.item_number}"
        pooled[(row["query"], key)].add(row["iri"])
    texts = {q["id"]: q["text"] for q in topics(args.queries)}
    rows = []
    for (qid, key), iris in sorted(pooled.items()):
        # the case's treatments, oldest first; the earliest pooled item stands for it
        items = {iri: cs for iri, cs in by_iri.items() if iri in iris or cs[0].case_number == key}
        ordered = sorted(items.values(), key=lambda cs: (str(cs[0].meeting_date), cs[0].iri))
        shown = next(cs for cs in ordered if cs[0].iri in iris)
        first = shown[0]
        body = "\n".join(c.text for c in sorted(shown, key=lambda c: c.ordinal))
        words = re.findall(r"\w{4,}", texts[qid].casefold())
        rows.append(
            {
                "query_id": qid,
                "query": texts[qid],
                "key": key,
                "iri": first.iri,
                "title": first.item_title,
                "municipality": first.municipality,
                "committee": first.committee,
                "date": str(first.meeting_date) if first.meeting_date else None,
                "treatments": [
                    f"{cs[0].meeting_date} {cs[0].committee}: {cs[0].item_title}" for cs in ordered
                ],
                "opening": body[:OPENING],
                "lines": _lines(body, [w[:6] for w in words]),
                "grade": None,
                "note": "",
            }
        )
    random.Random(SEED).shuffle(rows)
    # a sheet graded before keeps its rows, numbers and grades; new rows follow it
    kept = []
    if args.out.exists():
        kept = [json.loads(line) for line in args.out.read_text(encoding="utf-8").splitlines()]
    seen = {(row["query_id"], row["key"]) for row in kept}
    new = [row for row in rows if (row["query_id"], row["key"]) not in seen]
    with args.out.open("w", encoding="utf-8") as f:
        for row in kept:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        for n, row in enumerate(new, len(kept) + 1):
            f.write(json.dumps({"row": n, **row}, ensure_ascii=False) + "\n")
    print(f"{len(new)} new rows ({len(kept)} kept) → {args.out}", file=sys.stderr)


def apply(args: argparse.Namespace) -> None:
    data = json.loads(args.queries.read_text(encoding="utf-8"))
    by_id = {q["id"]: q for q in data["queries"]}
    grades: collections.Counter[int] = collections.Counter()
    for line in args.sheet.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["grade"] is None:
            sys.exit(
                f"{args.sheet}:{row['row']}: not graded yet ({row['query']!r}: {row['title']!r})"
            )
        grades[row["grade"]] += 1
        rel = by_id[row["query_id"]]["rel"]
        # judged_as: the item alone, where its case number also carries other subjects
        key = row.get("judged_as") or row["key"]
        if row["grade"] and key not in rel:
            rel[key] = row["grade"]
    args.queries.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"grades: {dict(sorted(grades.items()))}; {sum(grades.values())} rows", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--queries", type=Path, default=trust_eval.DEFAULT_QUERIES)
    sub = ap.add_subparsers(dest="step", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--store", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("sheet")
    s.add_argument("--store", type=Path, required=True)
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("pools", type=Path, nargs="+")
    a = sub.add_parser("apply")
    a.add_argument("sheet", type=Path)
    args = ap.parse_args()
    {"collect": collect, "sheet": sheet, "apply": apply}[args.step](args)


if __name__ == "__main__":
    main()
