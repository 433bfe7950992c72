"""Query-side Danish variants for BM25 (raadsgraf.index.variants), on a BM25 index
of the real seeds' chunks: a query spelled the way users type finds what the
documents' own spelling finds. No embedding model is needed here."""

from __future__ import annotations

import pytest

from raadsgraf import parse_files
from raadsgraf.index.chunking import chunk_document
from raadsgraf.index.highlight import bare_identifier
from raadsgraf.index.sparse import SparseIndex, word_normaliser
from raadsgraf.index.variants import identifier_key, spelled_out, split_compound

from .conftest import SEEDS


@pytest.fixture(scope="module")
def bm25() -> tuple[SparseIndex, list[str]]:
    docs = parse_files([SEEDS], progress=False).documents
    texts = [c.passage for d in docs for c in chunk_document(d)]
    return SparseIndex.build(texts), texts


def _rows(idx: SparseIndex, query: str) -> list[int]:
    ids, _ = idx.search(query, 20)
    return ids.tolist()


def test_spelled_out_letters() -> None:
    assert "høringssvar" in spelled_out("hoeringssvar")
    assert "ældre" in spelled_out("aeldre")
    assert "århus" in spelled_out("aarhus")
    assert spelled_out("strategi") == []


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("hoeringssvar", "høringssvar"),
        ("aeldre", "ældre"),
        ("boligomraader", "boligområder"),
        ("boligsocialstrategi", "boligsocial strategi"),
        ("bolig social strategi", "boligsocial strategi"),
        ("24012144", "24-012144"),
    ],
)
def test_a_variant_finds_what_the_written_form_finds(
    bm25: tuple[SparseIndex, list[str]], typed: str, written: str
) -> None:
    idx, _ = bm25
    wanted = _rows(idx, written)
    assert wanted, written
    got = _rows(idx, typed)
    assert got, typed
    assert set(got[:3]) & set(wanted[:3]), (typed, got[:3], wanted[:3])


def test_compound_split_uses_known_parts_and_linking_letters(
    bm25: tuple[SparseIndex, list[str]],
) -> None:
    idx, _ = bm25
    vocab = idx.vocab  # the index's own terms
    norm = word_normaliser("stem")

    def known(word: str) -> str | None:
        term = norm(word)
        return term if term in vocab else None

    assert split_compound("boligsocialstrategi", known) == [norm("boligsocial"), norm("strategi")]
    # "helhedsplan" = "helhed" + linking s + "plan"
    assert split_compound("helhedsplan", lambda w: known(w) if w != "helhedsplan" else None) == [
        norm("helhed"),
        norm("plan"),
    ]
    assert split_compound("xyzxyzxyz", known) is None


def test_known_words_are_not_rewritten(bm25: tuple[SparseIndex, list[str]]) -> None:
    idx, _ = bm25
    # a query the index already knows is scored exactly as its own tokens
    assert idx.query_terms("boligsocial strategi") == [
        word_normaliser("stem")("boligsocial"),
        word_normaliser("stem")("strategi"),
    ]


def test_bare_identifier_is_narrow() -> None:
    assert bare_identifier("24012144") == identifier_key("24-012144")
    assert bare_identifier("EMN201801605") == identifier_key("EMN-2018-01605")
    assert bare_identifier("2024") is None  # a year is not a case number
    assert bare_identifier("boligsocial") is None
    assert bare_identifier("24-012144") is None  # with its dash it is exact_phrase's


def test_a_case_number_after_the_word_sag_is_still_exact() -> None:
    from raadsgraf.index.highlight import exact_phrase

    assert bare_identifier("sag 24012144") == "24012144"
    assert exact_phrase("j.nr. 24-012144") == "24-012144"
    assert exact_phrase("Sagsnr: 24-012144") == "24-012144"
    assert exact_phrase("sagen om budget") is None and bare_identifier("sag") is None
