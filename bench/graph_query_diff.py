"""Do rewritten analyst queries return the same rows? Runs every docs/queries/*.rq as
it is now and as it was at a git revision on the same store, and compares the rows
(sorted, and in the order the query returns them; the parts of a GROUP_CONCAT
sorted) and the time.

    PYTHONPATH=src python bench/graph_query_diff.py STORE_FOLDER --before main
    PYTHONPATH=src python bench/graph_query_diff.py STORE_FOLDER --before-dir bench/queries_plain

The store is one built by `raadsgraf ingest` (or by bench/graph_bench.py's loader),
e.g. of the Greve corpus: `raadsgraf ingest ../shared/corpus/greve --store /tmp/greve --no-index`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

from raadsgraf.graph.sparql import run_sparql
from raadsgraf.graph.store import GraphStore

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "docs" / "queries"


def _normalised(rows: tuple[tuple[object, ...], ...], text: str) -> list[str]:
    """Rows as comparable strings; a GROUP_CONCAT has no defined order, so its parts
    (split at the query's own separators) are sorted."""
    seps = re.findall(r'separator\s*=\s*"([^"]+)"', text)

    def value(v: object) -> str:
        if isinstance(v, str):
            for sep in seps:
                if sep in v:
                    return sep.join(sorted(v.split(sep)))
        return repr(v)

    return [repr(tuple(value(v) for v in row)) for row in rows]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("store", type=Path)
    ap.add_argument("--before", default="main", help="git revision of the old queries")
    ap.add_argument(
        "--before-dir",
        type=Path,
        default=None,
        help="compare with the NAME.rq files in this folder instead (e.g. bench/queries_plain)",
    )
    args = ap.parse_args()
    store = GraphStore(args.store, read_only=True)
    differ = 0
    print(
        f"{'query':40} {'rows':>6} {'same rows':>9} {'same order':>10} {'old ms':>8} {'new ms':>8}"
    )
    for path in sorted(QUERIES.glob("*.rq")):
        rel = path.relative_to(ROOT).as_posix()
        if args.before_dir is not None:
            old_path = args.before_dir / path.name
            old_text = old_path.read_text(encoding="utf-8") if old_path.is_file() else ""
        else:
            old_text = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{args.before}:{rel}"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
        if not old_text:
            print(f"{path.stem:40} (no old text)")
            continue
        timed = []
        for text in (old_text, path.read_text(encoding="utf-8")):
            t0 = time.perf_counter()
            result = run_sparql(store, text)
            timed.append(((time.perf_counter() - t0) * 1000, _normalised(result.rows, text)))
        (old_ms, old_rows), (new_ms, new_rows) = timed
        same = sorted(old_rows) == sorted(new_rows)
        differ += not same
        print(
            f"{path.stem:40} {len(new_rows):6} {same!s:>9} {old_rows == new_rows!s:>10}"
            f" {old_ms:8.1f} {new_ms:8.1f}"
        )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
