"""BM25 normalisers compared on a real store: the merges one makes, and a store's
BM25 rebuilt with it (session 9, B1: Danish syncope, "jobcentret" ↔ "Jobcenter").

``merges`` counts the words of a store's passages (``sparse.words``) and lists,
ranked by word occurrences, every stem of ``--base`` that ``--normaliser`` sends
elsewhere: the stem, where it goes, how often the target stem already occurs, and
the commonest words of each side — the list to judge merge by merge.

``rebuild`` rewrites the BM25 folder of a store (its live generation) from its
chunks.jsonl with ``--normaliser`` and records it in the index config, leaving the
vectors alone: run it on a copy (``cp -a``), never on a shared store. Then
``bench/trust_eval.py --store COPY`` scores search with that normaliser.

``bases`` derives the syncope table from spaCy's Danish lookup table
(``sparse.derive_syncope_bases``) and writes it where the package ships it
(``src/raadsgraf/index/syncope.json``): run it after upgrading spacy-lookups-data,
and treat a changed table as a new normaliser (existing indexes were built with the
old one; tests/test_sparse_syncope.py fails until the two agree).

    PYTHONPATH=src python bench/bm25_normaliser.py merges --store /work/cache/greve-r3 --top 60
    cp -a /work/cache/greve-r3 /tmp/b1-e5
    PYTHONPATH=src python bench/bm25_normaliser.py rebuild --store /tmp/b1-e5 --normaliser stem-syncope
    PYTHONPATH=src python bench/bm25_normaliser.py bases
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from raadsgraf import generations  # noqa: E402
from raadsgraf.index import storage  # noqa: E402
from raadsgraf.index.sparse import (  # noqa: E402
    NORMALISERS,
    SYNCOPE_FILE,
    derive_syncope_bases,
    word_normaliser,
    words,
)


def merges(store: Path, base: str, normaliser: str, top: int) -> None:
    folder = storage.index_dir(generations.resolve(store))
    counts: collections.Counter[str] = collections.Counter()
    for chunk in storage.read_chunks(folder):
        counts.update(w for w in words(chunk.passage) if not w.isdigit())
    old, new = word_normaliser(base), word_normaliser(normaliser)
    stems: collections.Counter[str] = collections.Counter()
    forms: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    moved: collections.Counter[tuple[str, str]] = collections.Counter()
    for word, n in counts.items():
        s = old(word)
        stems[s] += n
        forms[s][word] += n
        if (t := new(word)) != s:
            moved[s, t] += n
    print(
        f"{len(counts)} words, {sum(counts.values())} occurrences; {normaliser} moves "
        f"{len(moved)} {base} stems ({sum(moved.values())} occurrences)"
    )
    print(f"{'n':>6} {'stem':<24} {'→ stem':<22} {'n':>6}  words → words")
    for (s, t), n in moved.most_common(top):
        these = ",".join(w for w, _ in forms[s].most_common(3))
        those = ",".join(w for w, _ in forms[t].most_common(2))
        print(f"{n:6d} {s:<24} {t:<22} {stems[t]:6d}  {these} → {those}")


def rebuild(store: Path, normaliser: str) -> None:
    folder = storage.index_dir(generations.resolve(store))
    start = time.perf_counter()
    n = storage.rebuild_sparse(folder, normaliser)
    print(
        f"{folder}: BM25 rebuilt with {normaliser!r} over {n} passages in "
        f"{time.perf_counter() - start:.0f} s",
        file=sys.stderr,
    )


def bases() -> None:
    """Write the syncope table the package ships."""
    table = {
        "about": "Syncopated Snowball stem -> its base form in consonant + 'er', confirmed by "
        "spacy-lookups-data's Danish lemma table (index/sparse.py, derive_syncope_bases); "
        "written by bench/bm25_normaliser.py bases.",
        "bases": derive_syncope_bases(),
    }
    text = json.dumps(table, ensure_ascii=False, indent=0, sort_keys=False)
    SYNCOPE_FILE.write_text(text + "\n", encoding="utf-8")
    print(f"{SYNCOPE_FILE}: {len(table['bases'])} syncopes", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="command", required=True)
    m = sub.add_parser("merges", help="List the stems a normaliser merges, by frequency.")
    m.add_argument("--store", type=Path, required=True)
    m.add_argument("--base", default="stem", choices=NORMALISERS)
    m.add_argument("--normaliser", default="stem-syncope", choices=NORMALISERS)
    m.add_argument("--top", type=int, default=60)
    r = sub.add_parser("rebuild", help="Rebuild a store's BM25 with a normaliser (a copy!).")
    r.add_argument("--store", type=Path, required=True)
    r.add_argument("--normaliser", required=True, choices=NORMALISERS)
    sub.add_parser("bases", help="Write the syncope table the package ships.")
    args = ap.parse_args()
    if args.command == "bases":
        bases()
    elif args.command == "merges":
        merges(args.store, args.base, args.normaliser, args.top)
    else:
        rebuild(args.store, args.normaliser)


if __name__ == "__main__":
    main()
