"""An experiment for the fast lane (issue #20): whole-word vectors for frequent words.

The static model has one vector per XLM-R piece, so a Danish compound the tokenizer
splits ("sygedagpenge" → ``▁syge`` ``dag`` ``penge``) is the sum of its pieces'
out-of-context vectors. model2vec's distillation can add whole words to the
vocabulary: e5 is run once over each word (``<s> pieces </s>``, mean-pooled, as
for a piece) and the word gets its own row. Here the words are the archive's own:
every word (no digits, punctuation stripped) of the store's passages that occurs
at least ``--min-count`` times and that the tokenizer splits into ≥ 2 pieces (or,
with ``--words-store``, the words of another store's passages: other
municipalities' archives, to see whether a word list made elsewhere helps). A
word's row is PCA-reduced together with the pieces' rows (a fresh pass of e5 over
the 115,283 Latin pieces, as the build makes) and weighted by its pieces' mean SIF
weight; in a passage it counts as many times as it has pieces, as its pieces did.

The variants are compared by ranking alone (every floor off: the floor is fitted
to the shipped vectors), on the halves of ``bench/trust_queries.json``, with the
fusion and the BM25 side unchanged. Nothing is written to the store; e5's outputs
are cached in ``--work`` (the piece pass is ~15 min at nice 19 on a loaded machine).

    PYTHONPATH=src python bench/fast_words.py --store FAST_STORE --work /tmp/fast-words
    PYTHONPATH=src python bench/fast_words.py --store FAST_STORE --work /tmp/fast-words \
        --words-store OTHER_STORE --min-count 1
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import trust_eval

from raadsgraf import config
from raadsgraf.index import dense, open_index
from raadsgraf.index import floor as floor_mod
from raadsgraf.index.encoders.models import BUILT, DEFAULT_MODEL, MANIFEST, models_folder
from raadsgraf.index.encoders.static import PCA_DIMS, SIF, is_latin, token_outputs

EDGES = re.compile(r"^\W+|\W+$")


def word_counts(passages: list[str], min_count: int) -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter()
    for text in passages:
        counts.update(k for k in (EDGES.sub("", w) for w in text.split()) if k)
    return {w: n for w, n in counts.items() if n >= min_count and not any(c.isdigit() for c in w)}


def outputs(args: argparse.Namespace, static_id: str, passages: list[str]) -> dict[str, Any]:
    """The pieces' and the words' e5 outputs, computed once into ``--work``, by the
    e5 build the static model was distilled from (its manifest's ``teacher``)."""
    from tokenizers import Tokenizer

    folder = models_folder(config.load({"store": str(args.store)}), args.store)
    manifest = json.loads((folder / static_id / MANIFEST).read_text(encoding="utf-8"))
    teacher = folder / manifest["teacher"]
    onnx = teacher / "onnx" / BUILT[DEFAULT_MODEL].onnx_file
    tokenizer = Tokenizer.from_file(str(teacher / "tokenizer.json"))
    vocab = tokenizer.get_vocab()
    pieces = sorted(vocab, key=vocab.__getitem__)
    ends = (tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>"))
    args.work.mkdir(parents=True, exist_ok=True)
    rows_file, pieces_file = args.work / "tok_rows.npy", args.work / "tok_out.npy"
    if not pieces_file.exists():
        rows = [i for i, piece in enumerate(pieces) if is_latin(piece)]
        np.save(rows_file, np.asarray(rows))
        np.save(pieces_file, token_outputs(onnx, rows, ends, progress=True))
    counts = word_counts(passages, args.min_count)
    encoded = tokenizer.encode_batch_fast(list(counts), add_special_tokens=False)
    words = {w: e.ids for w, e in zip(counts, encoded, strict=True) if len(e.ids) >= 2}
    source = f"-{args.words_store.name}" if args.words_store else ""
    words_file = args.work / f"word_out_{args.min_count}{source}.npy"
    if not words_file.exists():
        import onnxruntime as ort

        session = ort.InferenceSession(str(onnx), providers=["CPUExecutionProvider"])
        out = np.zeros((len(words), int(session.get_outputs()[0].shape[-1] or 384)), np.float32)
        by_length: dict[int, list[int]] = collections.defaultdict(list)
        for i, ids in enumerate(words.values()):
            by_length[len(ids)].append(i)
        ids_of = list(words.values())
        for length, members in sorted(by_length.items()):  # equal lengths: no padding
            for lo in range(0, len(members), 512):
                part = members[lo : lo + 512]
                batch = np.asarray([[ends[0], *ids_of[i], ends[1]] for i in part], np.int64)
                feed = {"input_ids": batch, "attention_mask": np.ones_like(batch)}
                out[part] = session.run(None, feed)[0]
            print(f"words of {length} pieces: done", file=sys.stderr)
        np.save(words_file, out)
    return {
        "vocabulary": len(pieces),
        "rows": np.load(rows_file),
        "pieces": np.load(pieces_file),
        "words": words,
        "word_out": np.load(words_file),
    }


def word_table(out: dict[str, Any]) -> tuple[np.ndarray, dict[str, tuple[int, ...]]]:
    """The piece table with one row per word appended, and each word's ids."""
    from model2vec.distill.inference import apply_pca, compute_weights

    size, rows = out["vocabulary"], out["rows"]
    reduced = apply_pca(np.vstack([out["pieces"], out["word_out"]]), PCA_DIMS)
    sif = compute_weights(size, SIF)
    table = np.zeros((size + len(out["words"]), PCA_DIMS), np.float32)
    table[rows] = reduced[: len(rows)] * sif[rows, None]
    ids = list(out["words"].values())
    table[size:] = reduced[len(rows) :] * np.asarray([sif[i].mean() for i in ids])[:, None]
    words = {w: (size + n,) * len(i) for n, (w, i) in enumerate(out["words"].items())}
    return table.astype(np.float16), words


def use_words(encoder: Any, words: dict[str, tuple[int, ...]]) -> None:
    """Make the static encoder look a text word up in ``words`` before tokenising it."""
    tokenise = type(encoder)._ids

    def ids(self: Any, batch: list[str]) -> None:
        tokenise(self, [w for w in batch if EDGES.sub("", w) not in words])
        for w in batch:
            if (key := EDGES.sub("", w)) in words:
                self._words[w] = words[key]

    encoder._ids = ids.__get__(encoder)
    encoder._words = {}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--store", type=Path, required=True, help="A fast-lane (static) store.")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--words-store", type=Path, help="Take the words from this store.")
    ap.add_argument("--halves", default="fit,test")
    args = ap.parse_args()
    settings = config.load({"store": str(args.store)})
    idx = open_index(settings.store, settings)
    passages = [idx.chunks[i].passage for i in range(len(idx.chunks))]
    for mode in ("hybrid", "dense"):  # ranking alone
        floor_mod.FITTED[str(idx.config.get("model"))][mode] = floor_mod.Floor(-1e9)
    queries = json.loads(trust_eval.DEFAULT_QUERIES.read_text(encoding="utf-8"))["queries"]
    source = passages
    if args.words_store:
        other = open_index(args.words_store, config.load({"store": str(args.words_store)}))
        source = [other.chunks[i].passage for i in range(len(other.chunks))]
    out = outputs(args, str(idx.config.get("model_id")), source)
    for variant in ("pieces", "words"):
        start = time.perf_counter()
        if variant == "words":
            idx.encoder._table, words = word_table(out)
            use_words(idx.encoder, words)
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
