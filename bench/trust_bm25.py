"""BM25-mode trust figures on a store built without the e5 encoder (issue #12).

BM25 hits do not depend on the encoder, so a store whose dense vectors come
from a stand-in (hashed words, never used by BM25) gives BM25's known-case,
topic and no-answer figures on all of Greve in minutes instead of the hours e5
needs under load. Only ``--modes bm25`` means anything on such a store.

    PYTHONPATH=src python bench/trust_bm25.py ingest --store /tmp/greve-bm25 \\
        ../shared/corpus/greve tests/samples/seeds tests/samples/firstagenda
    PYTHONPATH=src python bench/trust_bm25.py eval --store /tmp/greve-bm25 --half test
"""

from __future__ import annotations

import hashlib
import os
import re
import runpy
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MODEL = "bm25-standin"
os.environ["RAADSGRAF_MODEL"] = MODEL

from raadsgraf.index.encoders import Vectors, register_encoder  # noqa: E402


class StandIn:
    """Hashed words in 32 dimensions: deterministic, cheap, and unused by BM25."""

    name = MODEL
    dim = 32

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        for word in re.findall(r"\w+", text.lower()):
            v[int(hashlib.sha1(word.encode()).hexdigest()[:6], 16) % self.dim] += 1.0
        return v / (np.linalg.norm(v) or 1.0)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return np.stack([self._vector(t) for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self.encode_queries(texts)


def main() -> None:
    register_encoder(MODEL, lambda _name, _threads: StandIn())
    command, args = sys.argv[1], sys.argv[2:]
    if command == "ingest":
        from raadsgraf.cli import cli

        sys.argv = ["raadsgraf", "ingest", *args]
        cli()
    elif command == "eval":
        sys.argv = ["trust_eval.py", "--modes", "bm25", *args]
        runpy.run_path(str(Path(__file__).with_name("trust_eval.py")), run_name="__main__")
    else:
        raise SystemExit("usage: trust_bm25.py ingest|eval ARGS (see the module docstring)")


if __name__ == "__main__":
    main()
