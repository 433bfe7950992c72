"""Which agenda-item titles are procedural ("boilerplate"), measured on data.

Parses all of Greve (``../shared/corpus/greve``) and every sample under
``tests/samples``, applies the rule of ``raadsgraf.index.boilerplate`` (a title
in ≥ 2 municipalities, or on ≥ half of one committee's meetings), prints the
titles it yields with their evidence, and with ``--write`` stores them in
``src/raadsgraf/index/boilerplate.json`` (the reference list search uses).

    PYTHONPATH=src python bench/boilerplate.py            # print the list
    PYTHONPATH=src python bench/boilerplate.py --write    # … and store it
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from raadsgraf import pipeline  # noqa: E402
from raadsgraf.index import boilerplate  # noqa: E402
from raadsgraf.model import Meeting  # noqa: E402


def shared_folder() -> Path:
    """``../shared`` beside the repository (a worktree may sit deeper: look upwards)."""
    for parent in ROOT.parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared"
    return ROOT.parent / "shared"


DEFAULT_INPUTS = [shared_folder() / "corpus" / "greve", ROOT / "tests" / "samples"]


def items(inputs: list[Path]) -> list[tuple[str | None, str | None, str, str]]:
    report = pipeline.parse_files([p for p in inputs if p.exists()], progress=True)
    rows = []
    for doc in report.documents:
        for m in getattr(doc, "meetings", ()):
            assert isinstance(m, Meeting)
            muni = m.municipality.name if m.municipality else None
            committee = m.committee.name if m.committee else None
            meeting = f"{muni}/{committee}/{m.date.isoformat() if m.date else doc.source.path}"
            rows.extend((muni, committee, meeting, i.title) for i in m.items)
    return rows


def _name(path: Path) -> str:
    for base in (ROOT, shared_folder().parent):
        if path.resolve().is_relative_to(base):
            return str(path.resolve().relative_to(base))
    return path.name


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("inputs", nargs="*", type=Path, default=DEFAULT_INPUTS)
    ap.add_argument("--write", action="store_true", help="Store the list in boilerplate.json.")
    args = ap.parse_args()
    rows = items(args.inputs)
    found = boilerplate.procedural_titles(rows)
    counts = Counter(boilerplate.title_key(t) for *_, t in rows)
    meetings = len({m for _, _, m, _ in rows})
    print(f"{len(rows)} items in {meetings} meetings; {len(found)} procedural titles:")
    covered = 0
    for key in sorted(found, key=lambda k: -counts[k]):
        e = found[key]
        covered += counts[key]
        print(
            f"  {counts[key]:>4} items  {e['municipalities']} municipalities  "
            f"max {e['meetings']:>3} meetings of one committee  {key}"
        )
    print(f"{covered} items ({covered / max(1, len(rows)):.1%}) are procedural")
    if args.write:
        out = {
            "rule": (
                f"title key in >= {boilerplate.MIN_MUNICIPALITIES} municipalities, or on >= "
                f"{boilerplate.MIN_MEETING_SHARE:.0%} of the meetings (at least 2) of one "
                f"committee with >= {boilerplate.MIN_MEETINGS} meetings"
            ),
            "measured_on": [_name(p) for p in args.inputs if p.exists()],
            "command": "PYTHONPATH=src python bench/boilerplate.py --write",
            "items": len(rows),
            "titles": {k: {**found[k], "items": counts[k]} for k in sorted(found)},
        }
        boilerplate.REFERENCE.write_text(
            json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"wrote {boilerplate.REFERENCE.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
