"""The Danish spaCy pipeline (extract/nlp.py) stays small: lemmas from a compact
table, identical to spaCy's own lookup lemmatizer's, and no PyTorch imported
for it (issue #20, part 3: ingest peak memory; bench/README.md, "lean.py")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from raadsgraf.extract.nlp import LemmaTable, danish, lemma_table
from raadsgraf.pipeline import parse_file

SAMPLES = Path(__file__).parent / "samples"
SEED = SAMPLES / "seeds"


def _sample_sentences() -> list[str]:
    """Sentences of real minutes, as the extractors hand them to spaCy."""
    from raadsgraf.extract.prose import sentences

    texts: list[str] = []
    for path in sorted(SEED.glob("*.txt"))[:3]:
        for meeting in parse_file(path).meetings:
            for item in meeting.items:
                for section in item.sections:
                    texts += [s for s, _ in sentences(section.text)]
    return texts[:400]


def test_lemmas_as_spacys_lookup_lemmatizer() -> None:
    """Every token of real sentences gets the lemma spaCy's own ``lookup`` mode gives it
    (the exact text looked up, the text itself when the table lacks it)."""
    import spacy

    ours = danish()
    theirs = spacy.blank("da")
    theirs.add_pipe("lemmatizer", config={"mode": "lookup"})
    theirs.initialize()
    texts = _sample_sentences()
    assert len(texts) > 50
    compared = 0
    for text in texts:
        a, b = ours(text), theirs(text)
        assert [t.text for t in a] == [t.text for t in b]
        assert [t.lemma_ for t in a] == [t.lemma_ for t in b], text
        compared += len(a)
    assert compared > 1000


def test_lemma_table_lookup() -> None:
    table = LemmaTable.from_json_lines(
        ["{", '    "godkendte": "godkende",', '    "Byrådets": "byråd",', '    "a\\"b": "c"', "}"]
    )
    assert len(table) == 3
    assert table.get("godkendte", "x") == "godkende"
    assert table.get("Byrådets", "x") == "byråd"
    assert table.get('a"b', "x") == "c"  # a JSON escape read as JSON
    assert table.get("byrådets", "byrådets") == "byrådets"  # exact text, as spaCy
    assert table.get("godkend", "godkend") == "godkend"  # a prefix is no entry
    assert table.get("", "") == ""
    assert lemma_table().get("behandlede", "?") == "behandle"


def _rss_script(body: str) -> dict[str, object]:
    code = (
        "import json, sys\n"
        "def rss():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmRSS'):\n"
        "            return int(line.split()[1]) / 1024\n"
        "before = rss()\n" + body + "\n"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1] / "src"))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    out: dict[str, object] = json.loads(done.stdout)
    return out


@pytest.mark.slow
def test_pipeline_is_small_and_leaves_torch_alone() -> None:
    """The pipeline costs far less than spaCy's lemmatizer (~180 MB of table) plus
    the PyTorch thinc imported for it (~180 MB); ``import torch`` still works after."""
    out = _rss_script(
        "from raadsgraf.extract.nlp import danish\n"
        "danish()('Byrådet godkendte sagen den 9. april 2025.')\n"
        "grown = rss() - before\n"
        "loaded = 'torch' in sys.modules\n"
        "import importlib.util\n"
        "has = importlib.util.find_spec('torch') is not None\n"
        "if has:\n"
        "    import torch\n"
        "    has = hasattr(torch, 'tensor')\n"
        "print(json.dumps({'grown': grown, 'torch_loaded': loaded, 'torch_after': has}))"
    )
    assert out["torch_loaded"] is False
    assert out["torch_after"] is _has_torch()
    assert isinstance(out["grown"], float) and out["grown"] < 200, out


def _has_torch() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


@pytest.mark.slow
def test_reading_a_real_meeting_leaves_torch_alone() -> None:
    """The prose and positions rules build spaCy matchers: importing ``spacy.matcher``
    before the pipeline imported spaCy with PyTorch (~150 MB in every ingest)."""
    sample = next((Path(__file__).parent / "samples" / "firstagenda").rglob("*.json"))
    out = _rss_script(
        "from raadsgraf.pipeline import parse_file, prepare\n"
        "from raadsgraf.extract import positions, prose\n"
        f"prepare(parse_file({str(sample)!r}), False)\n"
        "prose._pipeline(); positions._matcher()\n"
        "print(json.dumps({'grown': rss() - before, 'torch_loaded': 'torch' in sys.modules}))"
    )
    assert out["torch_loaded"] is False, out


def test_lemma_pairs_pick_the_lemmas_by_ending() -> None:
    """``lemma_pairs("er")`` (the syncope rule's pass, index/sparse.py) gives exactly
    the table's pairs whose lemma ends in "er", as spaCy's own JSON reading has them."""
    import gzip

    from raadsgraf.extract.nlp import lemma_pairs, lemma_path

    with gzip.open(lemma_path(), "rt", encoding="utf-8") as f:
        table: dict[str, str] = json.load(f)
    picked = list(lemma_pairs("er"))
    assert sorted(picked) == sorted((w, lem) for w, lem in table.items() if lem.endswith("er"))
    assert ("centrene", "center") in picked and len(picked) > 40_000
