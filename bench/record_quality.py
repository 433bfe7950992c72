"""Issue 13's accuracy figures on hand-labelled sets.

Positions: bench/positions_gold.json (development) — 162 sentences with stance wording from
decisions of the seeds, Aarhus and 60 Greve meetings, each with its positions
judged by hand (actor: a party letter or a person's name; stance). Precision and
recall of ``find_positions`` over (sentence, actor, stance). bench/positions_heldout.json
— 80 more sentences from 50 other Greve meetings, labelled after the rules were
written and never used to tune them.

Attendees: bench/attendees_gold.json — every distinct attendee of every meeting
attendee list in the samples (tests/samples, seeds, Greve, Aarhus), judged by hand
as member or official; accuracy of ``Person.kind`` as the parsers read it.

    PYTHONPATH=src python bench/record_quality.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def positions(name: str = "positions_gold.json") -> tuple[float, float, list[str]]:
    from raadsgraf.extract.positions import find_positions

    gold = json.loads((HERE / name).read_text(encoding="utf-8"))["sentences"]
    tp = fp = fn = 0
    errors = []
    for i, entry in enumerate(gold):
        want = {(a, s) for a, s in entry["positions"]}
        got = {
            ((p.party or p.actor) if p.kind == "party" else p.actor, p.stance.value)
            for p in find_positions(entry["sentence"])
        }
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
        if want != got:
            errors.append(f"{i}: missed {sorted(want - got)} extra {sorted(got - want)}")
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), errors


def attendees(corpus: Path) -> tuple[float, int, list[str]]:
    import raadsgraf

    gold = json.loads((HERE / "attendees_gold.json").read_text(encoding="utf-8"))
    want = {(g["municipality"], g["name"]): g["kind"] for g in gold["attendees"]}
    got: dict[tuple[str, str], str] = {}
    for rel in gold["files"]:
        path = Path(rel.replace("{corpus}", str(corpus)))
        if not path.is_file():
            print(f"missing {path}", file=sys.stderr)
            continue
        for m in raadsgraf.parse_file(path).meetings:
            for a in m.attendance:
                got[(m.municipality.name, a.person.name)] = str(a.person.kind)
    right = sum(got.get(k) == v for k, v in want.items())
    errors = [f"{k}: want {v}, got {got.get(k)}" for k, v in want.items() if got.get(k) != v]
    return right / max(len(want), 1), len(want), errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    args = parser.parse_args()
    for name, label in (
        ("positions_gold.json", "development"),
        ("positions_heldout.json", "held out"),
    ):
        p, r, errs = positions(name)
        print(f"positions ({label}): precision {p:.3f}, recall {r:.3f}")
        if args.errors:
            print("\n".join(errs))
    acc, n, errs = attendees(args.corpus)
    print(f"attendees: {acc:.3f} correct of {n} (member vs official)")
    if args.errors:
        print("\n".join(errs))


if __name__ == "__main__":
    main()
