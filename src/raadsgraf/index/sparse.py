"""BM25 over Danish-normalised tokens (bm25s).

Danish inflects and compounds heavily ("strategi", "strategien",
"strategierne"), so tokens are lower-cased and reduced: Snowball Danish
stemming (``stem``, the default), spaCy's Danish lookup lemmas (``lemma``) or
nothing (``lower``). ``bench/search_quality.py --normaliser`` compares them.

Identifiers are kept whole as well as split: a case number
``00.22.04-I00-5-21`` or ``24-012144`` is one token (so an exact search for it
is sharp) and its parts are tokens too (so ``2024`` still meets ``2024-2029``);
its compact form without separators (``24012144``) is a token as well, since users
type case numbers without the dash.

At query time only, a word missing from the vocabulary is tried with the
keyboard spellings ae/oe/aa read as æ/ø/å (``hjemloesetaelling``), and kept
folded only when that form is in the vocabulary (``Aalborg`` stays as written).
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt

from raadsgraf.errors import ConfigError

NORMALISERS = ("stem", "lemma", "lower")
#: Bump when tokenize() changes what it emits: an index built by another
#: analyser is rebuilt by the next ingest, and refused by search until then.
ANALYSER_VERSION = 2

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
_SEPARATORS = re.compile(r"[.\-/]")
_FOLDS = (("ae", "æ"), ("oe", "ø"), ("aa", "å"))


@functools.cache
def _lemmas() -> dict[str, str]:
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or spec.origin is None:
        raise ConfigError("the 'lemma' normaliser needs the spacy-lookups-data package")
    path = Path(spec.origin).parent / "data" / "da_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        table: dict[str, str] = json.load(f)
    return {k.lower(): v.lower() for k, v in table.items()}


@functools.cache
def word_normaliser(name: str) -> Callable[[str], str]:
    if name == "stem":
        import Stemmer

        stemmer = Stemmer.Stemmer("danish")
        return functools.lru_cache(maxsize=200_000)(stemmer.stemWord)
    if name == "lemma":
        table = _lemmas()
        return lambda w: table.get(w, w)
    if name == "lower":
        return lambda w: w
    raise ConfigError(f"unknown BM25 normaliser {name!r}; known: {', '.join(NORMALISERS)}")


def tokenize(text: str, normaliser: str = "stem") -> list[str]:
    norm = word_normaliser(normaliser)
    text = text.lower()
    tokens = []
    for m in _IDENT.finditer(text):
        ident = m.group(0)
        if any(c.isdigit() for c in ident):
            tokens += [ident, _SEPARATORS.sub("", ident)]
    for m in _WORD.finditer(text):
        word = m.group(0)
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        tokens.append(word if word.isdigit() else norm(word))
    return tokens


def fold_keyboard(word: str) -> str:
    """``word`` with the ASCII spellings of æ, ø and å replaced (``hjemloese`` →
    ``hjemløse``)."""
    for ascii_form, letter in _FOLDS:
        word = word.replace(ascii_form, letter)
    return word


#: Shortest compound part tried; shorter ones ("is", "ur") match by accident.
MIN_PART = 4


def split_compound(word: str, known: Callable[[str], bool]) -> list[str]:
    """Parts of a Danish compound, fewest first, each ``known`` — or ``[]``.

    Danish joins words directly (``kolonihave|beboelse``) or with a linking
    -s- or -e- (``socialudvalg|s|studietur``), so a part may drop one trailing
    s or e before the next. Only a word of at least two known parts is split:
    the parts come back in the normaliser's form, ready to look up.
    """

    @functools.cache
    def parts(start: int) -> tuple[str, ...] | None:
        if start == len(word):
            return ()
        best: tuple[str, ...] | None = None
        for end in range(len(word), start + MIN_PART - 1, -1):
            piece = word[start:end]
            if not known(piece):
                continue
            nexts = [end] + ([end + 1] if end < len(word) and word[end] in "se" else [])
            for nxt in nexts:
                rest = parts(nxt) if len(word) - nxt >= MIN_PART or nxt == len(word) else None
                if rest is not None and (best is None or len(rest) + 1 < len(best)):
                    best = (piece, *rest)
        return best

    found = parts(0)
    return list(found) if found is not None and len(found) >= 2 else []


class SparseIndex:
    def __init__(self, model: bm25s.BM25, normaliser: str) -> None:
        self._bm25 = model
        self.normaliser = normaliser
        self.size = int(model.scores["num_docs"]) if model.scores else 0

    @classmethod
    def build(
        cls, texts: Sequence[str], normaliser: str = "stem", *, show_progress: bool = False
    ) -> SparseIndex:
        model = bm25s.BM25(k1=1.2, b=0.75)
        corpus = [tokenize(t, normaliser) or [""] for t in texts]
        model.index(corpus, show_progress=show_progress)
        return cls(model, normaliser)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, normaliser: str) -> SparseIndex:
        return cls(bm25s.BM25.load(str(folder), show_progress=False), normaliser)

    def search(
        self, query: str, k: int, allowed: npt.NDArray[np.int64] | None = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Row ids and BM25 scores of the best ``k`` rows with a positive score."""
        vocab = self._bm25.vocab_dict
        token_ids = [vocab[t] for t in self.query_tokens(query) if t in vocab]
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

    def query_tokens(self, query: str) -> list[str]:
        """The query's tokens, plus, for a word the vocabulary lacks: the word
        with ae/oe/aa read as æ/ø/å, or else its compound parts (see
        :func:`split_compound`), when those are in the vocabulary."""
        vocab = self._bm25.vocab_dict
        norm = word_normaliser(self.normaliser)
        tokens = tokenize(query, self.normaliser)
        for word in _WORD.findall(query.lower()):
            if word in STOPWORDS or word.isdigit() or norm(word) in vocab:
                continue
            folded = fold_keyboard(word)
            if folded != word and norm(folded) in vocab:
                tokens.append(norm(folded))
                continue
            # "beboelse" has a real "oe": split the word as written before folding it
            for form in dict.fromkeys((word, folded)):
                parts = split_compound(form, lambda part: norm(part) in vocab)
                if parts:
                    tokens += [norm(p) for p in parts]
                    break
        return tokens

    def _scores(self, token_ids: list[int]) -> npt.NDArray[np.float32]:
        """Σ over query tokens of the precomputed BM25 column (bm25s's eager
        index). A document occurs once per column, so a plain fancy-index add
        is exact — and ~10× faster than the ``np.add.at`` bm25s uses."""
        index = self._bm25.scores
        data, indices, indptr = index["data"], index["indices"], index["indptr"]
        scores = np.zeros(self.size, dtype=np.float32)
        for tid in token_ids:
            start, end = indptr[tid], indptr[tid + 1]
            scores[indices[start:end]] += data[start:end]
        return scores
