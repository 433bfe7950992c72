"""A Python copy of the HF ``tokenizers`` Unigram tokenizer (XLM-R kind) for
short texts: the query side of :mod:`raadsgraf.index.encoders.split`, and the
fast lane's words (:mod:`raadsgraf.index.encoders.static`).

Loading the Rust tokenizer builds its lattice over all 250,002 pieces (~2.6 s
on our machine) before it reads a word; this one reads the pieces as one text
file, sorted, and finds pieces by bisection (~0.1 s to open), and runs the same Viterbi search per word. It copies
the Rust code step for step — normaliser steps in order, Metaspace (``▁``
prepended, split before each ``▁``), the best path with ties kept by the
shorter piece, unknown characters scored ``min − 10`` and runs of them fused
into one ``<unk>`` — and ``tests/test_quick_cli.py`` checks it gives the Rust
tokenizer's ids on every sample passage.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from pathlib import Path

import numpy as np

from raadsgraf.index.encoders.split import NORMALISER, PIECE_IDS, PIECES, SCORES

#: HF's ``K_UNK_PENALTY``: an unknown character scores this below the worst piece.
UNK_PENALTY = 10.0
_SPACES = re.compile(" {2,}")
#: Distinct words whose pieces a tokenizer keeps (a few tens of MB at most).
WORD_CACHE = 200_000


class UnigramTokenizer:
    def __init__(self, folder: Path, max_length: int = 512) -> None:
        about = json.loads((folder / NORMALISER).read_text(encoding="utf-8"))
        # sorted pieces, found by bisection: a query looks up a few hundred
        # substrings, and building a 250k-entry dict would cost more than all of them
        self._pieces = (folder / PIECES).read_text(encoding="utf-8").split("\n")
        # still memory-mapped, but as plain arrays: indexing a ``np.memmap`` goes
        # through its Python ``__getitem__`` (a few µs each, ~200 per query)
        self._piece_ids = np.asarray(np.load(folder / PIECE_IDS, mmap_mode="r"))
        self._scores = np.asarray(np.load(folder / SCORES, mmap_mode="r"))
        self._longest: int = about["longest"]
        self._unk: int = about["unk_id"]
        self._unk_score = float(about["min_score"]) - UNK_PENALTY
        self._steps: list[list[str]] = about["steps"]
        self._before: list[int] = about["before"]
        self._after: list[int] = about["after"]
        self.max_length = max_length
        #: each word's pieces, once: council records repeat their words, so a
        #: passage is mostly lookups (bounded: starts over past WORD_CACHE words)
        self._words: dict[str, list[int]] = {}

    @property
    def unk_id(self) -> int:
        return self._unk

    def normalise(self, text: str) -> str:
        for step in self._steps:
            if step[0] == "replace":
                text = text.replace(step[1], step[2])
            elif step[0] == "nfkc":
                text = unicodedata.normalize("NFKC", text)
            else:
                text = _SPACES.sub(" ", text)
        return text

    def encode(self, text: str) -> list[int]:
        """The ids the Rust tokenizer gives ``text``, specials and truncation included."""
        ids = self.pieces(text)
        room = self.max_length - len(self._before) - len(self._after)
        return self._before + ids[:room] + self._after

    def pieces(self, text: str) -> list[int]:
        """The ids of ``text``'s pieces, without specials or truncation (the Rust
        tokenizer's ``encode(text, add_special_tokens=False)`` untruncated)."""
        text = self.normalise(text).replace(" ", "▁")
        if text and not text.startswith("▁"):
            text = "▁" + text
        ids: list[int] = []
        words = self._words
        for word in re.split("(?=▁)", text):
            if word:
                known = words.get(word)
                if known is None:
                    if len(words) >= WORD_CACHE:
                        words.clear()
                    known = words[word] = self._viterbi(word)
                ids += known
        return ids

    def _viterbi(self, word: str) -> list[int]:
        n = len(word)
        score: list[float] = [0.0] * (n + 1)
        start: list[int] = [-1] * (n + 1)
        piece: list[int] = [-1] * (n + 1)
        pieces, size = self._pieces, len(self._pieces)
        for i in range(n):
            base = score[i]
            single = False
            for end in range(i + 1, min(n, i + self._longest) + 1):
                at = bisect.bisect_left(pieces, word[i:end])
                if at == size or pieces[at] != word[i:end]:
                    if at == size or not pieces[at].startswith(word[i:end]):
                        break  # no piece starts so: none longer does either
                    continue
                candidate = float(self._scores[at]) + base
                if start[end] < 0 or candidate > score[end]:
                    score[end], start[end], piece[end] = candidate, i, int(self._piece_ids[at])
                single = single or end == i + 1
            if not single:
                candidate = self._unk_score + base
                if start[i + 1] < 0 or candidate > score[i + 1]:
                    score[i + 1], start[i + 1], piece[i + 1] = candidate, i, self._unk
        out: list[int] = []
        end = n
        while end > 0:  # back from the end; a run of unknowns becomes one <unk>
            if piece[end] != self._unk or not out or out[-1] != self._unk:
                out.append(piece[end])
            end = start[end]
        out.reverse()
        return out
