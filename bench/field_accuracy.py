"""Field-level accuracy of the parsers against hand-labelled gold files.

Each ``bench/field_gold/*.json`` names one real document (``source``: a path
relative to the repository root, or ``corpus:`` + a path under
``../shared/corpus``) and what a careful reader finds in it:

- ``items``: number, title, case number, whether it has a decision, the
  decision's outcome class (and ``referred_to`` for referrals), the names of
  members absent from that item;
- ``attendees``: meeting-level name, party letter, role (``null`` when the
  document does not say) and status (present/absent);
- ``references``: earlier treatments told in the item (item number, date, body).

The gold was written by reading the documents, not by copying parser output.
For every field this script counts true positives, false positives and false
negatives over comparable tuples, and prints precision and recall per field,
overall and per format::

    PYTHONPATH=src python bench/field_accuracy.py            # table
    PYTHONPATH=src python bench/field_accuracy.py --json     # machine-readable
    PYTHONPATH=src python bench/field_accuracy.py --show case_numbers   # the misses

``tests/test_field_accuracy.py`` keeps each field at or above its measured level.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from raadsgraf.errors import RaadsgrafError
from raadsgraf.model import AgendaItem, AttendanceStatus, Document, Meeting
from raadsgraf.pipeline import parse_file

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "bench" / "field_gold"
#: ``../shared/corpus`` beside the repository, or where RAADSGRAF_CORPUS points
CORPUS = Path(os.environ.get("RAADSGRAF_CORPUS") or ROOT.parent / "shared" / "corpus")
FIELDS = (
    "items",
    "titles",
    "case_numbers",
    "decisions",
    "outcomes",
    "referred_to",
    "attendees",
    "attendee_party_role",
    "absences",
    "references",
)

Row = tuple[object, ...]


def norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def norm_body(body: str, committee: str) -> str:
    """A body's name without a trailing abbreviation ("… kultur (PUK)");
    "udvalget" is the minutes' own committee, as the graph reads it."""
    name = committee if norm(body) in ("udvalget", "udvalg") else body
    return norm(re.sub(r"\s*\([A-ZÆØÅ]{2,6}\)\s*$", "", name))


def source_path(gold: dict[str, object]) -> Path:
    src = str(gold["source"])
    if src.startswith("corpus:"):
        return CORPUS / src.removeprefix("corpus:")
    return ROOT / src


def available(gold: dict[str, object]) -> bool:
    return source_path(gold).exists()


def load_gold(directory: Path = GOLD_DIR) -> list[dict[str, object]]:
    return [
        json.loads(p.read_text(encoding="utf-8")) | {"_file": p.name}
        for p in sorted(directory.glob("*.json"))
    ]


def _item_rows(items: Iterable[dict[str, object]]) -> dict[str, set[Row]]:
    rows: dict[str, set[Row]] = defaultdict(set)
    for it in items:
        n = it["number"]
        rows["items"].add((n,))
        rows["titles"].add((n, norm(str(it["title"]))))
        if it.get("case_number"):
            rows["case_numbers"].add((n, str(it["case_number"])))
        if it.get("decision"):
            rows["decisions"].add((n,))
            if it.get("outcome"):
                rows["outcomes"].add((n, it["outcome"]))
            if it.get("referred_to"):
                rows["referred_to"].add((n, norm(str(it["referred_to"]))))
        for name in it.get("absent", []) or []:  # type: ignore[union-attr]
            rows["absences"].add((n, norm(str(name))))
    return rows


def gold_rows(gold: dict[str, object]) -> dict[str, set[Row]]:
    rows = _item_rows(gold.get("items", []))  # type: ignore[arg-type]
    for a in gold.get("attendees", []) or []:  # type: ignore[union-attr]
        rows["attendees"].add((norm(a["name"]), a.get("status", "present")))
        rows["attendee_party_role"].add(
            (norm(a["name"]), a.get("party"), norm(a.get("role")) or None)
        )
    for r in gold.get("references", []) or []:  # type: ignore[union-attr]
        rows["references"].add((r["item"], r["date"], norm_body(r["body"], "")))
    return rows


def item_record(it: AgendaItem) -> dict[str, object]:
    d = it.decision
    return {
        "number": it.number,
        "title": it.title,
        "case_number": it.case_number,
        "decision": d is not None,
        "outcome": d.outcome.value if d else None,
        "referred_to": getattr(d, "referred_to", None) if d else None,
        "absent": [a.person.name for a in it.attendance if a.status is AttendanceStatus.ABSENT],
    }


def parsed_rows(doc: Document) -> dict[str, set[Row]]:
    meetings: tuple[Meeting, ...] = doc.meetings
    items = [item_record(it) for m in meetings for it in m.items]
    rows = _item_rows(items)
    for m in meetings:
        for a in m.attendance:
            rows["attendees"].add((norm(a.person.name), a.status.value))
            rows["attendee_party_role"].add(
                (norm(a.person.name), a.person.party, norm(a.person.role) or None)
            )
        own = norm_body(m.committee.name, m.committee.name)
        for it in m.items:
            for r in it.references:
                if r.date and r.body:
                    body = norm_body(r.body, m.committee.name)
                    if (r.date, body) == (m.date, own):
                        continue  # the meeting itself (a case history lists it too)
                    rows["references"].add((it.number, r.date.isoformat(), body))
    return rows


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, gold: set[Row], got: set[Row], label: str) -> None:
        self.tp += len(gold & got)
        self.fp += len(got - gold)
        self.fn += len(gold - got)
        self.misses += [f"{label}: missing {r}" for r in sorted(gold - got, key=repr)]
        self.misses += [f"{label}: extra   {r}" for r in sorted(got - gold, key=repr)]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _comparable(gold: dict[str, object], fld: str) -> bool:
    """A gold file only scores the fields it labels (``fields`` lists them)."""
    labelled = gold.get("fields")
    return labelled is None or fld in labelled  # type: ignore[operator]


def measure(
    golds: list[dict[str, object]],
) -> tuple[dict[str, Count], dict[str, dict[str, Count]], list[str]]:
    total: dict[str, Count] = {f: Count() for f in FIELDS}
    per_format: dict[str, dict[str, Count]] = defaultdict(lambda: {f: Count() for f in FIELDS})
    skipped: list[str] = []
    for gold in golds:
        if not available(gold):
            skipped.append(str(gold["_file"]))
            continue
        want = gold_rows(gold)
        try:
            doc = parse_file(source_path(gold), gold.get("parser"))  # type: ignore[arg-type]
        except RaadsgrafError as exc:  # a document the parsers cannot read: all missed
            print(f"{gold['_file']}: {exc}", file=sys.stderr)
            got: dict[str, set[Row]] = {}
        else:
            got = parsed_rows(doc)
            if doc.source.format != gold["format"]:
                got = {}  # read by the wrong parser: nothing it found counts
        decided = {r[0] for r in want["decisions"]} & {r[0] for r in got.get("decisions", set())}
        for f in FIELDS:
            if not _comparable(gold, f):
                continue
            g, p = want.get(f, set()), got.get(f, set())
            if f in ("outcomes", "referred_to"):
                # an outcome is judged only where both found the decision
                g = {r for r in g if r[0] in decided}
                p = {r for r in p if r[0] in decided}
            total[f].add(g, p, str(gold["_file"]))
            per_format[str(gold["format"])][f].add(g, p, str(gold["_file"]))
    return total, dict(per_format), skipped


def outcome_shares(paths: list[Path]) -> int:
    """The share of each outcome class (and of referrals naming their body)
    over every decision in ``paths`` (unlabelled: how much stays "andet")."""
    from collections import Counter

    from raadsgraf.pipeline import iter_files

    counts: Counter[str] = Counter()
    referred = 0
    for path in iter_files(paths):
        try:
            doc = parse_file(path)
        except Exception as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            continue
        for m in doc.meetings:
            for it in m.items:
                if it.decision:
                    counts[it.decision.outcome.value] += 1
                    referred += getattr(it.decision, "referred_to", None) is not None
    total = sum(counts.values()) or 1
    print(f"{total} decisions")
    for outcome, n in counts.most_common():
        print(f"  {outcome:28} {n:6d}  {n / total:6.1%}")
    print(f"  referred_to filled         {referred:6d}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--show", metavar="FIELD", help="list the misses of one field")
    ap.add_argument("--gold", type=Path, default=GOLD_DIR, help="folder of gold files")
    ap.add_argument(
        "--outcomes",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="instead: the share of each outcome class over these files or folders",
    )
    args = ap.parse_args(argv)
    if args.outcomes:
        return outcome_shares(args.outcomes)
    golds = load_gold(args.gold)
    total, per_format, skipped = measure(golds)
    if args.json:
        out = {
            "documents": len(golds) - len(skipped),
            "total": {
                f: {"p": c.precision, "r": c.recall, "n": c.tp + c.fn} for f, c in total.items()
            },
            "formats": {
                fmt: {f: {"p": c.precision, "r": c.recall, "n": c.tp + c.fn} for f, c in cs.items()}
                for fmt, cs in sorted(per_format.items())
            },
        }
        print(json.dumps(out, indent=2))
        return 0
    if args.show:
        print("\n".join(total[args.show].misses) or "no misses")
        return 0
    docs = defaultdict(int)
    for g in golds:
        if str(g["_file"]) not in skipped:
            docs[str(g["format"])] += 1
    print(
        f"{len(golds) - len(skipped)} documents ({', '.join(f'{k} {v}' for k, v in sorted(docs.items()))})"
    )
    if skipped:
        print(f"skipped (source not at hand): {', '.join(skipped)}", file=sys.stderr)
    print(f"{'field':22} {'precision':>9} {'recall':>7} {'gold':>5}")
    for f, c in total.items():
        print(f"{f:22} {c.precision:9.3f} {c.recall:7.3f} {c.tp + c.fn:5d}")
    for fmt, cs in sorted(per_format.items()):
        print(f"\n[{fmt}]")
        for f, c in cs.items():
            if c.tp + c.fn + c.fp:
                print(f"  {f:20} {c.precision:9.3f} {c.recall:7.3f} {c.tp + c.fn:5d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
