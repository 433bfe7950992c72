"""BM25 over Danish-normalised tokens (bm25s).

Danish inflects and compounds heavily ("strategi", "strategien",
"strategierne"), so tokens are lower-cased and reduced: Snowball Danish
stemming (``stem``), the stem with Danish syncope undone (``stem-syncope``, a
new index's: "jobcentret" meets "jobcenter", see :func:`syncope_bases`), spaCy's
Danish lookup lemmas (``lemma``) or nothing (``lower``). An index records its
own (``storage.DEFAULT_NORMALISER`` for a new one);
``bench/search_quality.py --normaliser`` compares them.

Identifiers are kept whole as well as split: a case number
``00.22.04-I00-5-21`` or ``24-012144`` is one token (so an exact search for it
is sharp) and its parts are tokens too (so ``2024`` still meets ``2024-2029``).
"""

from __future__ import annotations

import array
import functools
import gzip
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from raadsgraf.errors import ConfigError
from raadsgraf.index import variants

NORMALISERS = ("stem", "stem-syncope", "lemma", "lower")

# Snowball's Danish stop-word list (the words that carry no topic).
_STOPWORD_TEXT = """
    og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har
    om vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal
    selv her alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne
    end dette mit også under have dig anden hende mine alt meget sit sine vor mod disse hvis
    din nogle hos blive mange ad bliver hendes været thi jer sådan"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_IDENT = re.compile(r"\w+(?:[.\-/]\w+)+")
_WORD = re.compile(r"[^\W_]+")


@functools.cache
def _lemmas() -> dict[str, str]:
    from raadsgraf.extract.nlp import lemma_path

    with gzip.open(lemma_path(), "rt", encoding="utf-8") as f:
        table: dict[str, str] = json.load(f)
    return {k.lower(): v.lower() for k, v in table.items()}


_VOWELS = frozenset("aeiouyæøå")
#: The shortest base form (or compound head) the syncope rule trusts: "fiber".
_MIN_BASE = 5
#: The shortest first part of a compound whose head is looked up: "job"(center).
_MIN_PREFIX = 3


def _syncopes(base: str) -> list[str]:
    """The syncopated stems of a base form in consonant + "er": "center" → "centr",
    "nummer" → "numr" (and "nummr"); none for others."""
    if len(base) < _MIN_BASE or not base.endswith("er") or base[-3] in _VOWELS:
        return []
    out = [base[:-2] + "r"]
    if base[-3] == base[-4]:
        out.append(base[:-3] + "r")
    return out


#: The syncope table shipped with the package (:func:`derive_syncope_bases`, written
#: by ``bench/bm25_normaliser.py bases``): read, not derived, when a process first
#: needs it — deriving it is a pass over spaCy's table (0.3–0.4 s, most of a one-shot
#: ``raadsgraf search``'s budget) — and fixed with the package, so an index's tokens
#: and its queries' always agree, whatever version of the table is installed.
SYNCOPE_FILE = Path(__file__).with_name("syncope.json")


@functools.cache
def syncope_bases() -> dict[str, str]:
    """Syncopated stem → base form (:data:`SYNCOPE_FILE`, :func:`derive_syncope_bases`)."""
    with open(SYNCOPE_FILE, encoding="utf-8") as f:
        bases: dict[str, str] = json.load(f)["bases"]
    return bases


def derive_syncope_bases() -> dict[str, str]:
    """Syncopated stem → base form, for every base form in consonant + "er" that
    spaCy's Danish lookup table confirms: one of the forms it gives that lemma is
    spelled with the syncope ("centrene" → "center", "numre" → "nummer",
    "kældre" → "kælder"). A form that merely looks so is not enough: "lejer",
    "vejer", "inder" are lemmas too, but none of their forms is spelled "lejr…",
    "vejr…", "indr…", so "lejr" (camp), "vejr" (weather), "indre" (inner) keep
    their own stems. ~900 entries, from one pass over the table's lemmas in "er";
    sorted, as :data:`SYNCOPE_FILE` holds them."""
    from raadsgraf.extract.nlp import lemma_pairs

    bases: dict[str, str] = {}
    for form, lemma in lemma_pairs("er"):
        form, lemma = form.lower(), lemma.lower()
        for stem in _syncopes(lemma):
            if form.startswith(stem):
                bases.setdefault(stem, lemma)
    return dict(sorted(bases.items()))


def _syncope_normaliser() -> Callable[[str], str]:
    """Snowball's stem, with a Danish syncope undone: Snowball stems "jobcenter" to
    ``jobcent`` but "jobcentret", "jobcentrene" (the e of -er dropped before an
    ending) to ``jobcentr``. A stem ending consonant + "r", of a word that goes on
    with "e" after it, whose whole or whose compound head (a tail of at least
    :data:`_MIN_BASE` letters after a first part of at least :data:`_MIN_PREFIX`)
    is a syncope :func:`syncope_bases` knows, becomes the stem of its base form:
    "jobcentr" → "jobcenter" → ``jobcent``."""
    stem = _snowball()  # uncached: normalise() below caches the words it is asked

    @functools.lru_cache(maxsize=200_000)
    def base_stem(s: str) -> str:
        bases = syncope_bases()
        for i in range(len(s) - _MIN_BASE + 2):
            if 0 < i < _MIN_PREFIX:
                continue
            base = bases.get(s[i:])
            if base is not None:
                return stem(s[:i] + base)
        return s

    @functools.lru_cache(maxsize=200_000)
    def normalise(word: str) -> str:
        s = stem(word)
        if len(s) < 4 or s[-1] != "r" or s[-2] in _VOWELS:
            return s
        if not word.startswith(s + "e"):
            return s  # "aldrig" (never): its stem aldr- is no syncope of "alder"
        return base_stem(s)

    return normalise


@functools.cache
def _snowball() -> Callable[[str], str]:
    """Snowball's Danish stemmer (PyStemmer), uncached."""
    import Stemmer

    stem: Callable[[str], str] = Stemmer.Stemmer("danish").stemWord
    return stem


@functools.cache
def word_normaliser(name: str) -> Callable[[str], str]:
    if name == "stem":
        return functools.lru_cache(maxsize=200_000)(_snowball())
    if name == "stem-syncope":
        return _syncope_normaliser()
    if name == "lemma":
        table = _lemmas()
        return lambda w: table.get(w, w)
    if name == "lower":
        return lambda w: w
    raise ConfigError(f"unknown BM25 normaliser {name!r}; known: {', '.join(NORMALISERS)}")


def words(text: str) -> list[str]:
    """The lower-cased words of ``text`` that can carry a topic (no stop words)."""
    return [
        w
        for w in _WORD.findall(text.lower())
        if w not in STOPWORDS and (len(w) >= 2 or w.isdigit())
    ]


def tokenize(text: str, normaliser: str = "stem") -> list[str]:
    norm = word_normaliser(normaliser)
    text = text.lower()
    tokens = [m.group(0) for m in _IDENT.finditer(text) if any(c.isdigit() for c in m.group(0))]
    tokens += [w if w.isdigit() else norm(w) for w in words(text)]
    return tokens


class TokenIds(Sequence[list[int]]):
    """Every passage's token ids, one flat int32 array: a passage's list exists only
    while bm25s reads it. (Greve's 2.9M tokens as one list per passage, then bm25s's
    own list of ids per passage, were ~0.2 GB of an ingest's peak.)"""

    def __init__(self, flat: array.array[int], starts: array.array[int]) -> None:
        self._flat = flat
        self._starts = starts

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, i: int) -> list[int]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[list[int]]: ...
    def __getitem__(self, i: int | slice) -> list[int] | Sequence[list[int]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        return self._flat[self._starts[i] : self._starts[i + 1]].tolist()

    def __iter__(self) -> Iterator[list[int]]:
        flat, starts = self._flat, self._starts
        return (flat[starts[i] : starts[i + 1]].tolist() for i in range(len(self)))


def token_ids(texts: Iterable[str], normaliser: str = "stem") -> tuple[TokenIds, dict[str, int]]:
    """Each text's :func:`tokenize` tokens as ids (an empty text: the one token ``""``,
    as bm25s scores a document without tokens), and the vocabulary: token → id, in
    the order first met (bm25s numbers tokens in a set's order, which differs from
    process to process; the BM25 scores do not depend on the numbering)."""
    vocab: dict[str, int] = {}
    flat = array.array("i")
    starts = array.array("q", [0])
    for text in texts:
        for token in tokenize(text, normaliser) or [""]:
            tid = vocab.get(token)
            if tid is None:
                tid = vocab[token] = len(vocab)
            flat.append(tid)
        starts.append(len(flat))
    return TokenIds(flat, starts), vocab


#: The arrays of bm25s's saved eager index (a CSC matrix: one column per token).
_ARRAYS = ("data", "indices", "indptr")


class SparseIndex:
    """BM25 scores precomputed per (token, document), as bm25s builds and saves
    them; a search sums a few columns. Loaded without bm25s (and the scipy it
    imports), with the arrays memory-mapped: opening costs the vocabulary only."""

    def __init__(
        self,
        arrays: dict[str, npt.NDArray[np.generic]],
        vocab: dict[str, int],
        size: int,
        normaliser: str,
        model: Any = None,
    ) -> None:
        self._data, self._indices, self._indptr = (arrays[k] for k in _ARRAYS)
        self.vocab = vocab
        self.size = size
        self.normaliser = normaliser
        #: the bm25s model that built it (None when loaded): what :meth:`save` writes
        self.bm25 = model
        self._identifiers: dict[str, list[str]] | None = None

    @classmethod
    def build(
        cls, texts: Sequence[str], normaliser: str = "stem", *, show_progress: bool = False
    ) -> SparseIndex:
        import bm25s

        model = bm25s.BM25(k1=1.2, b=0.75)
        ids, vocab = token_ids(texts, normaliser)
        model.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=show_progress)
        return cls.from_model(model, normaliser)

    @classmethod
    def from_model(cls, model: Any, normaliser: str) -> SparseIndex:
        """Over a bm25s model that has indexed its corpus."""
        size = int(model.scores["num_docs"]) if model.scores else 0
        arrays = {k: model.scores[k] for k in _ARRAYS} if size else _empty()
        return cls(arrays, dict(model.vocab_dict or {}), size, normaliser, model)

    def save(self, folder: Path) -> None:
        assert self.bm25 is not None, "only a built index is saved"
        self.bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, normaliser: str) -> SparseIndex:
        """The index bm25s saved in ``folder``: its three arrays memory-mapped."""
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        size = int(params.get("num_docs") or 0)
        if not size:
            return cls(_empty(), vocab, 0, normaliser)
        arrays = {k: np.load(folder / f"{k}.csc.index.npy", mmap_mode="r") for k in _ARRAYS}
        return cls(arrays, vocab, size, normaliser)

    def search(
        self, query: str, k: int, allowed: npt.NDArray[np.int64] | None = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Row ids and BM25 scores of the best ``k`` rows with a positive score."""
        return self.search_terms(self.query_terms(query), k, allowed)

    def search_terms(
        self, terms: Sequence[str], k: int, allowed: npt.NDArray[np.int64] | None = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """:meth:`search` for index terms already found (:meth:`query_terms`)."""
        token_ids = [self.vocab[t] for t in terms if t in self.vocab]
        k = min(k, self.size)
        if not token_ids or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        scores = self._scores(token_ids)
        if allowed is not None:
            keep = np.zeros(self.size, dtype=bool)
            keep[allowed] = True
            scores[~keep] = 0.0
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            part = np.argpartition(scores[candidates], -k)[-k:]
            candidates = candidates[part]
        order = np.argsort(-scores[candidates], kind="stable")
        ids = candidates[order].astype(np.int64)
        return ids, scores[ids].astype(np.float32)

    def query_terms(self, query: str) -> list[str]:
        """The index terms a query looks for: its own tokens the index knows, and
        for the words it does not know, their Danish variants (:mod:`.variants`)."""
        vocab = self.vocab
        if self._identifiers is None:
            self._identifiers = variants.identifier_keys(vocab)
        norm = word_normaliser(self.normaliser)
        terms = [t for t in tokenize(query, self.normaliser) if t in vocab]
        extra = variants.variants(
            words(query), lambda w: w if w.isdigit() else norm(w), vocab, self._identifiers
        )
        return terms + list(dict.fromkeys(extra))  # a repeated query word counts twice, as in bm25s

    def idf(self, term: str) -> float:
        """The term's inverse document frequency as bm25s scores it (Lucene's)."""
        tid = self.vocab.get(term)
        indptr = self._indptr
        if tid is None or tid + 1 >= len(indptr):
            return 0.0
        df = int(indptr[tid + 1] - indptr[tid])
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5)) if df else 0.0

    def row_weights(self, rows: Sequence[int]) -> list[dict[str, float]]:
        """Per row, each term's BM25 score divided by the term's IDF: the part of
        the score that belongs to the passage (term frequency against length). An
        engine that stores these and multiplies by the query's IDF at search time
        scores exactly as this index does."""
        data, indices, indptr = self._data, self._indices, self._indptr
        wanted = np.zeros(self.size, dtype=bool)
        wanted[np.asarray(rows, dtype=np.int64)] = True
        out: dict[int, dict[str, float]] = {int(r): {} for r in rows}
        for term, tid in self.vocab.items():
            if tid + 1 >= len(indptr):  # bm25s's placeholder for an empty passage
                continue
            start, end = indptr[tid], indptr[tid + 1]
            docs = indices[start:end]
            hit = wanted[docs]
            if not hit.any():
                continue
            idf = self.idf(term) or 1.0
            for doc, value in zip(docs[hit].tolist(), data[start:end][hit].tolist(), strict=True):
                out[doc][term] = value / idf
        return [out[int(r)] for r in rows]

    def term_counts(self, terms: Iterable[str]) -> npt.NDArray[np.int16]:
        """Per row, how many of the distinct index ``terms`` its passage holds: read
        off the posting lists (a row is in a term's column iff it holds the term, as
        every BM25 weight is positive), with no passage tokenised at query time."""
        indices, indptr, vocab = self._indices, self._indptr, self.vocab
        counts = np.zeros(self.size, dtype=np.int16)
        for tid in {vocab[t] for t in terms if t in vocab}:
            counts[indices[indptr[tid] : indptr[tid + 1]]] += 1
        return counts

    def _scores(self, token_ids: list[int]) -> npt.NDArray[np.float32]:
        """Σ over query tokens of the precomputed BM25 column (bm25s's eager
        index). A document occurs once per column, so a plain fancy-index add
        is exact — and ~10× faster than the ``np.add.at`` bm25s uses."""
        data, indices, indptr = self._data, self._indices, self._indptr
        scores = np.zeros(self.size, dtype=np.float32)
        for tid in token_ids:
            start, end = indptr[tid], indptr[tid + 1]
            scores[indices[start:end]] += data[start:end]
        return scores


def _empty() -> dict[str, npt.NDArray[np.generic]]:
    return {
        "data": np.zeros(0, np.float32),
        "indices": np.zeros(0, np.int32),
        "indptr": np.zeros(1),
    }
