"""A built e5 model split for quick loading: the transformer body, the word
embeddings as an array read row by row, and the tokenizer's vocabulary in a
form Python reads in milliseconds.

Most of the time a one-shot ``raadsgraf search`` spent went to loading, not
searching: the ONNX graph carries the 250,037 × 384 float32 word-embedding
table (0.38 GB of its 0.43 GB), which onnxruntime copies and checks at every
session start, and the ``tokenizers`` library builds its Unigram lattice over
all 250,002 pieces (~2.6 s) before the first word. A query needs some twenty
rows of the table and a Viterbi pass over a few words, so:

* ``body.onnx`` is the graph with the word-embedding ``Gather`` cut out: its
  output became an input (``inputs_embeds``), and the lookup happens in numpy
  on ``word_embeddings.npy``, whose rows are read when a text first uses them
  (:class:`~raadsgraf.index.encoders.rows.TableRows`). A lookup is a copy, so the arithmetic after
  it is the graph's own (vectors are identical to the whole graph's, checked
  by ``tests/test_quick_cli.py``).
* ``pieces.txt`` (sorted) + ``piece_ids.npy`` + ``scores.npy`` + ``normaliser.json``
  (the normaliser's steps, the special ids) feed :class:`~raadsgraf.index.encoders.unigram.UnigramTokenizer`, a
  Python copy of the HF Unigram (XLM-R) tokenizer for short texts.

The split is made once, beside the built model (``<model>/split/``), under the
model folder's lock, into a temporary folder renamed into place: like the
build itself, it is derived from files already on disk, and nothing is
downloaded. A model whose graph or tokenizer has another shape is not split;
it then runs whole, as before.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

SPLIT = "split"
BODY = "body.onnx"
EMBEDDINGS = "word_embeddings.npy"
PIECES = "pieces.txt"
SCORES = "scores.npy"
PIECE_IDS = "piece_ids.npy"
NORMALISER = "normaliser.json"
EMBEDS_INPUT = "inputs_embeds"
#: The folder of :func:`ensure_vocabulary`, beside a ``tokenizer.json``.
VOCABULARY = "vocabulary"
#: Written last: a split folder without it is not complete.
DONE = "split.json"


def split_folder(onnx_file: Path) -> Path:
    """Where the split of ``<model>/onnx/<file>.onnx`` lives."""
    folder = onnx_file.parent.parent if onnx_file.parent.name == "onnx" else onnx_file.parent
    return folder / SPLIT / onnx_file.stem


def ensure_split(onnx_file: Path, tokenizer_file: Path) -> Path | None:
    """The split folder of ``onnx_file``, made once; None when the model has
    another shape (or its folder is read-only), so the caller runs it whole."""
    if (
        not os.access(onnx_file.parent.parent, os.W_OK)
        and not (split_folder(onnx_file) / DONE).is_file()
    ):
        return None
    return _made_once(split_folder(onnx_file), lambda tmp: _split(onnx_file, tokenizer_file, tmp))


def ensure_vocabulary(tokenizer_file: Path) -> Path | None:
    """Only the tokenizer's part of a split (``pieces.txt``, ``scores.npy``,
    ``piece_ids.npy``, ``normaliser.json``), made once in ``<folder>/vocabulary/``
    beside ``tokenizer.json``: what the fast lane tokenises passages with in
    Python instead of building the Rust tokenizer (~280 MB resident for XLM-R's
    250k pieces). None when the tokenizer is of another kind or the folder is
    read-only."""
    target = tokenizer_file.parent / VOCABULARY
    if not (target / DONE).is_file() and not os.access(tokenizer_file.parent, os.W_OK):
        return None

    def build(tmp: Path) -> bool:
        spec = json.loads(tokenizer_file.read_text(encoding="utf-8"))
        if not _write_vocabulary(spec, tmp):
            return False
        (tmp / DONE).write_text(json.dumps({"from": tokenizer_file.name}) + "\n", "utf-8")
        return True

    return _made_once(target, build)


def _made_once(target: Path, build: Callable[[Path], bool]) -> Path | None:
    """``target`` (a folder ending in :data:`DONE`), built by ``build`` into a
    temporary folder renamed into place under a lock; None when ``build`` says no."""
    if (target / DONE).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / DONE).is_file():
            return target
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp", dir=target.parent))
        tmp.chmod(0o755)
        try:
            if not build(tmp):
                return None
            shutil.rmtree(target, ignore_errors=True)
            os.rename(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _split(onnx_file: Path, tokenizer_file: Path, out: Path) -> bool:
    import onnx
    from onnx import numpy_helper

    spec = json.loads(tokenizer_file.read_text(encoding="utf-8"))
    steps = normaliser_steps(spec)
    if steps is None:
        return False
    model = onnx.load(str(onnx_file))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    inputs = {i.name for i in graph.input}
    lookup = [
        n
        for n in graph.node
        if n.op_type == "Gather"
        and n.input[0] in inits
        and len(n.input) > 1
        and n.input[1] == "input_ids"
        and "input_ids" in inputs
    ]
    if len(lookup) != 1:
        return False
    node = lookup[0]
    table = numpy_helper.to_array(inits[node.input[0]])
    if table.dtype != np.float32 or table.ndim != 2:
        return False
    graph.node.remove(node)
    graph.initializer.remove(inits[node.input[0]])
    embeds = onnx.helper.make_tensor_value_info(
        EMBEDS_INPUT, onnx.TensorProto.FLOAT, ["batch", "tokens", int(table.shape[1])]
    )
    graph.input.append(embeds)
    for n in graph.node:  # the lookup's consumers now read the new input
        for i, name in enumerate(n.input):
            if name == node.output[0]:
                n.input[i] = EMBEDS_INPUT
    onnx.save(model, str(out / BODY))
    np.save(out / EMBEDDINGS, table)
    _write_vocabulary(spec, out)
    (out / DONE).write_text(json.dumps({"from": onnx_file.name}) + "\n", encoding="utf-8")
    return True


def _write_vocabulary(spec: dict[str, Any], out: Path) -> bool:
    """The tokenizer's pieces, scores, ids and normaliser for :class:`UnigramTokenizer`
    into ``out``; False when it is not the kind that tokenizer copies."""
    steps = normaliser_steps(spec)
    if steps is None:
        return False
    vocab = spec["model"]["vocab"]
    # sorted, so a reader finds a piece by bisection without building a dict;
    # the id of the last of equal pieces, as the Rust tokenizer's map keeps it
    ids = {p: i for i, (p, _) in enumerate(vocab)}
    pieces = sorted(ids)
    (out / PIECES).write_text("\n".join(pieces), encoding="utf-8")
    np.save(out / SCORES, np.array([vocab[ids[p]][1] for p in pieces], dtype=np.float64))
    np.save(out / PIECE_IDS, np.array([ids[p] for p in pieces], dtype=np.int64))
    about = {
        "unk_id": spec["model"].get("unk_id"),
        "steps": steps,
        "longest": max(len(p) for p, _ in vocab),
        "min_score": min(s for _, s in vocab),
        # how the Rust tokenizer truncates and pads when it is used whole
        "truncation": (spec.get("truncation") or {}).get("max_length"),
        "padding": bool(spec.get("padding")),
        **_template(spec),
    }
    (out / NORMALISER).write_text(json.dumps(about, ensure_ascii=False), encoding="utf-8")
    return True


def _template(spec: dict[str, Any]) -> dict[str, list[int]]:
    """The ids the post-processor puts before and after a single text."""
    post = spec["post_processor"]
    ids: dict[str, list[int]] = {"before": [], "after": []}
    side = "before"
    for part in post["single"]:
        if "Sequence" in part:
            side = "after"
        else:
            ids[side] += post["special_tokens"][part["SpecialToken"]["id"]]["ids"]
    return ids


def normaliser_steps(spec: dict[str, Any]) -> list[list[str]] | None:
    """The tokenizer's normalisation as steps the Python tokenizer runs
    (``["replace", old, new]``, ``["nfkc"]``, ``["spaces"]`` for the regex
    ``" {2,}" → " "``), or None when the tokenizer is not the Unigram +
    Metaspace kind that tokenizer copies exactly."""
    model = spec.get("model") or {}
    pre = spec.get("pre_tokenizer") or {}
    post = spec.get("post_processor") or {}
    if (
        model.get("type") != "Unigram"
        or model.get("byte_fallback")
        or spec.get("added_tokens")
        or pre.get("type") != "Metaspace"
        or pre.get("replacement") != "▁"
        or pre.get("prepend_scheme") != "always"
        or not pre.get("split")
        or post.get("type") != "TemplateProcessing"
        or any("\n" in p for p, _ in model.get("vocab", []))
    ):
        return None
    norm = spec.get("normalizer") or {}
    parts = norm.get("normalizers", []) if norm.get("type") == "Sequence" else [norm]
    steps: list[list[str]] = []
    for part in parts:
        kind, pattern = part.get("type"), part.get("pattern") or {}
        if kind == "Replace" and "String" in pattern:
            steps.append(["replace", pattern["String"], part["content"]])
        elif kind == "Replace" and pattern.get("Regex") == " {2,}" and part["content"] == " ":
            steps.append(["spaces"])
        elif kind == "NFKC":
            steps.append(["nfkc"])
        else:
            return None
    return steps
