"""The shared Danish spaCy pipeline: ``spacy.blank("da")`` with lookup lemmas from
spacy-lookups-data's Danish table (no trained Danish pipeline exists offline).

The pipeline is built once per process and only when a rule needs lemmas. It
is kept small (bench/README.md, "lean.py": the graph stage of a Greve ingest
held ~0.4 GB for it):

- spaCy's own lookup lemmatizer holds the table as a dict of 553k Python
  strings (~180 MB); :class:`LemmaTable` holds the same pairs as one sorted
  string and an array of offsets (~25 MB) and answers by binary search. The
  lemma is the table's entry for the token's exact text, else the text itself,
  as spaCy's ``lookup`` mode gives it.
- spaCy's machine-learning layer (thinc) imports PyTorch whenever it is
  installed (~180 MB resident) although a blank pipeline never uses it; while
  spaCy is first imported here PyTorch is hidden from thinc (a later
  ``import torch`` anywhere in the process works as usual).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

#: The spaCy component that sets each token's lemma from :func:`lemma_table`.
LEMMA_PIPE = "raadsgraf_lookup_lemmas"


class LemmaTable:
    """A read-only ``word → lemma`` table: ``"word\\x00lemma\\n"`` lines sorted by word
    in one string, and where each line starts."""

    def __init__(self, lines: list[str]) -> None:
        """``lines``: ``"word\x00lemma"`` strings (emptied here)."""
        lines.sort()  # "\x00" sorts first, so by word
        self._text = "\n".join(lines) + "\n"
        starts = array("L")
        at = 0
        for line in lines:
            starts.append(at)
            at += len(line) + 1
        lines.clear()
        self._starts = starts

    @classmethod
    def from_json_lines(cls, lines: Iterable[str]) -> LemmaTable:
        """From spacy-lookups-data's JSON (one ``"word": "lemma",`` pair a line), read
        a line at a time so the whole table never exists as a dict."""
        return cls(list(_pair_lines(lines)))

    def _word(self, i: int) -> str:
        start = self._starts[i]
        return self._text[start : self._text.index("\x00", start)]

    def __len__(self) -> int:
        return len(self._starts)

    def forms(self) -> set[str]:
        """Every word form the table names: its words and their lemmas."""
        return {form for line in self._text.splitlines() for form in line.split("\x00")}

    def get(self, word: str, default: str) -> str:
        i = bisect_left(range(len(self._starts)), word, key=self._word)
        if i == len(self._starts) or self._word(i) != word:
            return default
        start = self._text.index("\x00", self._starts[i]) + 1
        return self._text[start : self._text.index("\n", start)]


def _pair_lines(lines: Iterable[str]) -> Iterator[str]:
    """The ``"word\x00lemma"`` pairs of spacy-lookups-data's JSON lines."""
    for line in lines:
        line = line.strip().rstrip(",")
        if not line.startswith('"'):
            continue  # the braces
        if "\\" in line:  # an escape: let JSON read it
            ((word, lemma),) = json.loads("{" + line + "}").items()
            yield f"{word}\x00{lemma}"
        else:
            yield line[1:-1].replace('": "', "\x00", 1)


def lemma_path() -> Path:
    """spacy-lookups-data's Danish lemma table (``da_lemma_lookup.json.gz``)."""
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or spec.origin is None:
        from raadsgraf.errors import ConfigError

        raise ConfigError("Danish lemmas need the spacy-lookups-data package")
    return Path(spec.origin).parent / "data" / "da_lemma_lookup.json.gz"


@lru_cache(maxsize=1)
def lemma_table() -> LemmaTable:
    """spacy-lookups-data's Danish lemma table (``da_lemma_lookup``), compact."""
    with gzip.open(lemma_path(), "rt", encoding="utf-8") as f:
        return LemmaTable.from_json_lines(f)


def lemma_pairs(ending: str = "") -> Iterator[tuple[str, str]]:
    """The same table's ``(word, lemma)`` pairs whose lemma ends with ``ending``,
    kept nowhere (for one pass: index/sparse.py's syncope rule). The lines are
    picked before they are parsed: all 553k pairs take ~0.6 s, those of lemmas
    in "er" (42k) ~0.2 s."""
    with gzip.open(lemma_path(), "rt", encoding="utf-8") as f:
        text = f.read()
    tail = f'{ending}"'
    lines = [line for line in text.splitlines() if line.rstrip().rstrip(",").endswith(tail)]
    del text
    for pair in _pair_lines(lines):
        word, _, lemma = pair.partition("\x00")
        yield word, lemma


def _import_spacy() -> Any:
    """``import spacy`` without thinc importing PyTorch (when nothing imported it yet)."""
    hide = "torch" not in sys.modules
    if hide:
        sys.modules["torch"] = None  # type: ignore[assignment]  # thinc: "no torch here"
    try:
        import spacy
    finally:
        if hide and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


def matcher() -> Any:
    """A spaCy ``Matcher`` over :func:`danish`'s vocabulary. (Importing
    ``spacy.matcher`` first would import spaCy the plain way, PyTorch and all:
    ~150 MB more in every ingest.)"""
    vocab = danish().vocab
    from spacy.matcher import Matcher

    return Matcher(vocab)


@lru_cache(maxsize=1)
def danish() -> Any:
    """The process-wide ``spacy.blank("da")`` pipeline with lookup lemmas."""
    spacy = _import_spacy()
    from spacy.language import Language

    table = lemma_table()

    def lemmatise(doc: Any) -> Any:
        for token in doc:
            if token.lemma == 0:  # as spaCy's lemmatizer: keep a lemma already set
                token.lemma_ = table.get(token.text, token.text)
        return doc

    if not Language.has_factory(LEMMA_PIPE):
        Language.component(LEMMA_PIPE, func=lemmatise)
    nlp = spacy.blank("da")
    nlp.add_pipe(LEMMA_PIPE)
    return nlp
