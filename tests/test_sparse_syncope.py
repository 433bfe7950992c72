"""BM25 with Danish syncope undone (``stem-syncope``, session 9, B1): Snowball stems
"jobcenter" to ``jobcent`` but "jobcentret" to ``jobcentr``; the normaliser sends a
syncopated stem to its base form's when spaCy's Danish table spells a form of that
base (or of a compound's head) with the syncope. bench/README.md, "Danish syncope
in BM25 (session 9, B1)", lists the merges it makes on Greve."""

from __future__ import annotations

from pathlib import Path

import pytest

from raadsgraf.index.chunking import chunk_document
from raadsgraf.index.sparse import NORMALISERS, SparseIndex, tokenize, word_normaliser
from raadsgraf.pipeline import parse_file

SAMPLES = Path(__file__).parent / "samples"

#: (syncopated form, base form): one stem with the rule (right merges).
MERGED = [
    ("jobcentret", "jobcenter"),  # a compound: its head "center" is in the table
    ("erhvervscentrets", "erhvervscenter"),
    ("rusmiddelcentret", "rusmiddelcenter"),
    ("plejecentrene", "plejecenter"),
    ("borgmestre", "borgmester"),
    ("parametre", "parameter"),
    ("numre", "nummer"),  # the consonant doubled in the base form
    ("ydernumre", "ydernummer"),
    ("kældre", "kælder"),
    ("vintre", "vinter"),
    ("aldre", "alder"),
]
#: Words that look syncopated but are not forms of the word with -er (wrong merges
#: the naive rule "drop the r of a stem ending consonant + r" makes), and one right
#: merge the table cannot confirm (it gives "forældre" as its own lemma).
APART = [
    ("vejr", "vej"),  # weather / road: "vejer" is a lemma, but no form of it is "vejr…"
    ("lejr", "leje"),  # camp / rent
    ("sommerlejr", "sommerleje"),
    ("mødre", "møde"),  # mothers / meeting
    ("bedre", "bede"),
    ("mindre", "minde"),
    ("ordre", "ord"),
    ("vandret", "vand"),
    ("vedr", "ved"),
    ("indre", "inden"),
    ("aldrig", "alder"),  # never / age: aldr- goes on with "ig", not an ending in e
    ("forældre", "forælder"),
]


@pytest.mark.parametrize(("form", "base"), MERGED)
def test_a_syncopated_form_meets_its_base_form(form: str, base: str) -> None:
    norm = word_normaliser("stem-syncope")
    assert norm(form) == norm(base) == word_normaliser("stem")(base)
    assert word_normaliser("stem")(form) != norm(form)  # what "stem" misses


@pytest.mark.parametrize(("word", "other"), APART)
def test_look_alikes_keep_their_own_stems(word: str, other: str) -> None:
    norm = word_normaliser("stem-syncope")
    assert norm(word) != norm(other)
    assert norm(word) == word_normaliser("stem")(word)


def test_stem_is_snowball_unchanged() -> None:
    import Stemmer

    snowball = Stemmer.Stemmer("danish")
    assert "stem-syncope" in NORMALISERS
    for form, base in MERGED + APART:
        assert word_normaliser("stem")(form) == snowball.stemWord(form)
        assert word_normaliser("stem")(base) == snowball.stemWord(base)
    assert tokenize("Jobcentret", "stem") == ["jobcentr"]
    assert tokenize("Jobcentret", "stem-syncope") == ["jobcent"]


def _passages(path: Path) -> list[str]:
    return [c.passage for c in chunk_document(parse_file(path))]


@pytest.mark.parametrize(
    ("sample", "query", "said"),
    [  # trust query k92's words against real minutes that say "Greve Rusmiddelcenter"
        (
            "firstagenda/greve-social-handicapudvalget-2022-03-14.json",
            "tilsynsrapport fra rusmiddelcentret",
            "Rusmiddelcenter",
        ),
        ("seeds/003_9a5af37e850b44c7.txt", "jobcenter", "Jobcentret"),
    ],
)
def test_bm25_finds_the_other_form_in_real_minutes(sample: str, query: str, said: str) -> None:
    passages = _passages(SAMPLES / sample)
    holding = {i for i, p in enumerate(passages) if said in p}
    assert holding
    syncope = SparseIndex.build(passages, "stem-syncope")
    ids, _ = syncope.search(query, 5)
    assert holding & set(ids.tolist())
    stem = SparseIndex.build(passages, "stem")
    ids, _ = stem.search(query, 5)
    assert not holding & set(ids.tolist())  # "stem" finds it only by other words, or not


def test_the_shipped_syncope_table_is_the_one_spacys_table_gives() -> None:
    """The package ships the table (index/syncope.json) instead of deriving it in each
    process: it must be what the installed spacy-lookups-data gives, or an upgrade of
    that package would change the tokens of new indexes unnoticed (regenerate with
    ``bench/bm25_normaliser.py bases`` and treat it as a new normaliser)."""
    from raadsgraf.index.sparse import derive_syncope_bases, syncope_bases

    shipped = syncope_bases()
    assert shipped == derive_syncope_bases()
    assert list(shipped) == sorted(shipped) and len(shipped) > 800
    assert shipped["centr"] == "center" and "vejr" not in shipped


def test_a_query_never_reads_spacys_table() -> None:
    """Tokenising with ``stem-syncope`` reads the shipped table only: deriving it from
    spaCy's (0.3–0.4 s) would be most of a one-shot ``raadsgraf search``."""
    import subprocess
    import sys

    code = (
        "import raadsgraf.extract.nlp as nlp\n"
        "def no(*a, **k): raise AssertionError('read spaCy table')\n"
        "nlp.lemma_pairs = no\n"
        "from raadsgraf.index.sparse import tokenize\n"
        "print(tokenize('Jobcentret og plejecentrene', 'stem-syncope'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['jobcent', 'plejecent']"
