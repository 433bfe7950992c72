"""BM25 analyser 2 on real Danish words from the samples: compact case numbers,
æ/ø/å typed as ae/oe/aa, compounds joined the way users type them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from raadsgraf import index, parse_files, pipeline
from raadsgraf.config import Settings
from raadsgraf.errors import IndexMismatch
from raadsgraf.index.chunking import Chunk, chunk_document
from raadsgraf.index.sparse import (
    ANALYSER_VERSION,
    SparseIndex,
    fold_keyboard,
    split_compound,
    tokenize,
    word_normaliser,
)

from .conftest import MODELS, SEEDS


@pytest.fixture(scope="module")
def seed_chunks() -> list[Chunk]:
    report = parse_files([SEEDS], progress=False)
    return [c for d in report.documents for c in chunk_document(d)]


@pytest.fixture(scope="module")
def sparse(seed_chunks: list[Chunk]) -> SparseIndex:
    return SparseIndex.build([c.passage for c in seed_chunks])


def _vocab_known(sparse: SparseIndex):  # type: ignore[no-untyped-def]
    norm = word_normaliser("stem")
    return lambda part: norm(part) in sparse._bm25.vocab_dict


def test_case_numbers_are_also_indexed_without_separators() -> None:
    tokens = tokenize("Sagsnr. 24-012144 og KLE 00.22.04-I00-5-21")
    assert {"24-012144", "24012144", "00.22.04-i00-5-21", "002204i00521"} <= set(tokens)
    assert "24012144" in tokenize("sag 24012144")  # a digit run is kept as typed


def test_fold_keyboard_reads_ascii_spellings() -> None:
    assert fold_keyboard("hjemloesetaelling") == "hjemløsetælling"
    assert fold_keyboard("svoemmehal") == "svømmehal"
    assert fold_keyboard("aalborg") == "ålborg"  # folded only if the vocabulary agrees


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("kolonihavebeboelse", ["kolonihave", "beboelse"]),
        # the genitive "socialudvalgs" is a seed word itself; stemmed alike
        ("socialudvalgsstudietur", ["socialudvalgs", "studietur"]),
        ("voksenområdebudgetforudsætninger", ["voksenområde", "budgetforudsætninger"]),
    ],
)
def test_split_compound_on_seed_vocabulary(
    sparse: SparseIndex, word: str, parts: list[str]
) -> None:
    assert split_compound(word, _vocab_known(sparse)) == parts


def test_split_compound_leaves_known_or_unsplittable_words(sparse: SparseIndex) -> None:
    known = _vocab_known(sparse)
    assert split_compound("xyzqwerty", known) == []
    assert split_compound("budget", known) == []  # one part is not a compound


def test_query_tokens_fold_only_into_the_vocabulary(sparse: SparseIndex) -> None:
    norm = word_normaliser("stem")
    assert norm("hjemløsetælling") in sparse.query_tokens("hjemloesetaelling")
    # "Aalborg" is written so in the seeds: no å-form is added
    assert sparse.query_tokens("Aalborg") == tokenize("Aalborg")


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("kolonihavebeboelse", "2022-10-04#4"),
        ("hjemloesetaelling", "2022-10-04#6"),
        ("sag 24012144", "2025-02-18#3"),
    ],
)
def test_bm25_finds_the_item_for_other_phrasings(
    sparse: SparseIndex, seed_chunks: list[Chunk], query: str, key: str
) -> None:
    ids, _ = sparse.search(query, 5)
    keys = [f"{seed_chunks[i].meeting_date}#{seed_chunks[i].item_number}" for i in ids]
    assert key in keys, keys


@pytest.mark.slow
def test_compound_query_finds_its_item_and_old_analyser_is_refused(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path, models=MODELS)
    pipeline.ingest([SEEDS], settings, progress=False)
    idx = index.open_index(tmp_path, settings)
    for mode in ("bm25", "hybrid"):
        hits = idx.search("socialudvalgsstudietur", mode=mode, top_k=3)
        assert "2022-10-04#7" in [f"{h.meeting_date}#{h.item_number}" for h in hits]
    config_path = idx.folder / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    assert config["bm25_analyser"] == ANALYSER_VERSION
    del config["bm25_analyser"]  # as written by analyser 1, in a content-version 3 store
    config_path.write_text(json.dumps(config), encoding="utf-8")
    build_path = idx.folder.parent / pipeline.BUILD_FILE
    build = json.loads(build_path.read_text(encoding="utf-8"))
    build_path.write_text(json.dumps({**build, "content_version": 3}), encoding="utf-8")
    with pytest.raises(IndexMismatch, match="ingest"):
        index.open_index(tmp_path, settings)
    pipeline.ingest([SEEDS], settings, progress=False)  # rebuilds BM25 from stored passages
    assert index.open_index(tmp_path, settings).search("24012144", mode="bm25")
