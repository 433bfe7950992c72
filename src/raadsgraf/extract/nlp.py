"""The shared Danish spaCy pipeline: ``spacy.blank("da")`` with the lookup
lemmatizer from spacy-lookups-data (no trained Danish pipeline exists offline).

Loading the lemma table takes seconds, so the pipeline is built once per
process and only when a rule needs lemmas.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def danish() -> Any:
    """The process-wide ``spacy.blank("da")`` pipeline with lookup lemmas."""
    import spacy

    nlp = spacy.blank("da")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # reads the Danish lookup table shipped by spacy-lookups-data
    return nlp
