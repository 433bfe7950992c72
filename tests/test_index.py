"""The index stage on hand-made records: chunking, cache, persistence, filters,
grouping, exact queries and bad input. A small hashing encoder stands in for
e5 here so these run in a second; tests/test_search_seeds.py runs the real
model on the real seeds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from raadsgraf import index
from raadsgraf.config import Settings
from raadsgraf.errors import IndexMismatch, IndexNotFound, QueryError
from raadsgraf.index import dense
from raadsgraf.index.chunking import ChunkParams, chunk_document, split_text
from raadsgraf.index.encoders import Vectors, register_encoder
from raadsgraf.index.encoders.cache import EmbeddingCache, embed_with_cache
from raadsgraf.index.fusion import fuse
from raadsgraf.index.highlight import exact_phrase, snippet
from raadsgraf.index.sparse import SparseIndex, tokenize
from raadsgraf.iris import item_iri, policy_iri
from raadsgraf.model import (
    AgendaItem,
    Committee,
    Decision,
    Document,
    Meeting,
    Municipality,
    Outcome,
    PolicyDocument,
    Section,
    Source,
)


class HashEncoder:
    """Bag of hashed word trigrams: deterministic, and similar texts are close."""

    dim = 64

    def __init__(self, name: str = "test-hash") -> None:
        self.name = name
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        for word in re.findall(r"\w+", text.lower()):
            for i in range(max(1, len(word) - 2)):
                h = int(hashlib.md5(word[i : i + 3].encode()).hexdigest()[:8], 16)
                v[h % self.dim] += 1.0
        return v / (np.linalg.norm(v) or 1.0)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return np.stack([self._vec(t) for t in texts]).astype(np.float32)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        self.calls += len(texts)
        return np.stack([self._vec(t) for t in texts]).astype(np.float32)


ENCODER = HashEncoder()
register_encoder("test-hash", lambda _n, _t: ENCODER)
register_encoder("test-other", lambda _n, _t: HashEncoder("test-other"))

BALLERUP = Municipality("Ballerup Kommune")
SOCIAL = Committee("Socialudvalget", BALLERUP.name)
LONG = " ".join(
    f"Sætning nummer {i} handler om hjemløshed og boliger i kommunen." for i in range(60)
)


def _meeting(date: dt.date = dt.date(2023, 11, 7)) -> Meeting:
    items = (
        AgendaItem(
            1,
            "Præsentation af Maglemosen",
            case_number="00.22.04-I00-5-21",
            sections=(
                Section(
                    "Sammendrag",
                    "Udvalget besøger UUC Maglemosen. Forstander Christine Helmudt deltager.",
                ),
            ),
            decision=Decision("Taget til efterretning", Outcome.NOTED, "Taget til efterretning"),
        ),
        AgendaItem(
            2,
            "Hjemløsetælling 2022",
            case_number="24-012144",
            sections=(Section("Sagsfremstilling", LONG),),
            decision=Decision("Godkendt", Outcome.APPROVED, "Godkendt"),
        ),
        AgendaItem(
            3,
            "LUKKET Personsag",
            is_open=False,
            sections=(Section("Sagsfremstilling", "Fortrolig tekst om en navngiven borger."),),
        ),
    )
    return Meeting(BALLERUP, SOCIAL, date, items=items)


def _documents() -> list[Document]:
    minutes = Document(Source("seeds/minutes.txt", "a", "test"), meetings=(_meeting(),))
    policy = PolicyDocument(
        "Boligsocial strategi 2024-2029",
        BALLERUP,
        "strategi",
        sections=(
            Section("Sundhed", "Kost, motion og overvægt i de almene boligområder.", number="4.1"),
        ),
        adopted_by="Kommunalbestyrelsen",
        adopted_on=dt.date(2024, 1, 29),
    )
    return [minutes, Document(Source("seeds/policy.txt", "b", "test"), policies=(policy,))]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store=tmp_path / "store", model="test-hash")


@pytest.fixture
def built(settings: Settings) -> index.SearchIndex:
    index.update(settings.store, _documents(), settings, progress=False)
    return index.open_index(settings.store, settings)


def test_split_text_keeps_sentences_and_overlaps() -> None:
    params = ChunkParams(max_words=50, overlap_words=10, min_words=5)
    windows = split_text(LONG, params)
    assert len(windows) > 5
    assert all(len(w.split()) <= 50 for w in windows)
    assert all(w.startswith("Sætning") and w.endswith("kommunen.") for w in windows)
    first, second = windows[0].split(". "), windows[1].split(". ")
    assert first[-1] == second[0] or first[-1].rstrip(".") == second[0].rstrip(".")


def test_chunks_carry_identity_and_closed_items_only_their_title() -> None:
    chunks = chunk_document(_documents()[0])
    meeting = _meeting()
    by_item = {c.item_number: c for c in chunks}
    assert by_item[2].iri == item_iri(meeting, meeting.items[1])
    assert by_item[2].case_number == "24-012144" and by_item[2].outcome == "godkendt"
    closed = [c for c in chunks if c.item_number == 3]
    assert len(closed) == 1 and closed[0].text == "" and "Fortrolig" not in closed[0].passage
    opened = chunk_document(_documents()[0], include_closed=True)
    assert any("Fortrolig" in c.text for c in opened)
    policy = chunk_document(_documents()[1])
    assert policy[0].iri == policy_iri(_documents()[1].policies[0])
    assert policy[0].section == "4.1 Sundhed"


def test_tokenize_keeps_identifiers_whole_and_stems_danish() -> None:
    tokens = tokenize("Sag 00.22.04-I00-5-21 og 24-012144: strategierne for boligområderne")
    assert "00.22.04-i00-5-21" in tokens and "24-012144" in tokens and "012144" in tokens
    assert "og" not in tokens
    assert tokenize("strategien")[0] == tokenize("strategierne")[0]


def test_cache_embeds_each_text_once(tmp_path: Path) -> None:
    enc = HashEncoder("cache-test")
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        encode = enc.encode_passages
        told: list[int] = []  # progress counts texts, a repeated one each time
        v1, n1 = embed_with_cache(
            cache, enc.name, enc.dim, ["a b", "c d", "a b"], encode, progress=told.append
        )
        assert told == [3]
        told.clear()
        v2, n2 = embed_with_cache(
            cache, enc.name, enc.dim, ["c d", "e f", "c d"], encode, progress=told.append
        )
        assert told == [2, 1]  # the cached "c d" twice, then the batch with "e f"
    assert (n1, n2) == (2, 1) and enc.calls == 3
    assert np.allclose(v1[1], v2[0]) and np.allclose(v1[0], v1[2])


def test_update_writes_a_self_describing_folder_and_reingest_embeds_nothing(
    settings: Settings,
) -> None:
    first = index.update(settings.store, _documents(), settings, progress=False)
    assert first.embedded == first.chunks > 5
    config = json.loads((settings.store / "index" / "config.json").read_text())
    assert config["model"] == "test-hash" and config["dimension"] == 64
    assert config["chunks"] == first.chunks and config["dense_index"] == "flat"
    calls = ENCODER.calls
    again = index.update(settings.store, _documents()[:1], settings, progress=False)
    assert again.embedded == 0 and ENCODER.calls == calls
    assert again.chunks == first.chunks  # replaced, not duplicated


def test_minutes_replace_the_agenda_of_the_same_meeting(settings: Settings) -> None:
    agenda = Document(Source("agenda.txt", "x", "test"), meetings=(_meeting(),))
    index.update(settings.store, [agenda], settings, progress=False)
    report = index.update(settings.store, _documents()[:1], settings, progress=False)
    assert report.removed == report.added
    idx = index.open_index(settings.store, settings)
    assert {c.source for c in idx.chunks} == {"minutes.txt"}


def test_other_model_or_no_index_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="no search index"):
        index.open_index(tmp_path / "empty", settings)
    index.update(settings.store, _documents(), settings, progress=False)
    other = Settings(store=settings.store, model="test-other")
    with pytest.raises(IndexMismatch, match="built with model 'test-hash'"):
        index.open_index(settings.store, other)


def test_ingesting_with_another_model_embeds_every_passage_again(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = _documents()
    first = index.update(settings.store, docs, settings, progress=False)
    other = Settings(store=settings.store, model="test-other")
    # one document re-read: the others' passages are embedded again from the index's chunks
    report = index.update(settings.store, docs[:1], other, progress=False)
    assert report.chunks == first.chunks and report.embedded == first.chunks
    assert "embedding every passage again with 'test-other'" in capsys.readouterr().err
    assert len(index.open_index(settings.store, other)) == first.chunks
    with pytest.raises(IndexMismatch, match="built with model 'test-other'"):
        index.open_index(settings.store, settings)


def test_hits_are_grouped_per_item_with_json_fields(built: index.SearchIndex) -> None:
    hits = built.search("hjemløshed og boliger", top_k=10)
    iris = [h.iri for h in hits]
    assert len(iris) == len(set(iris))
    assert hits[0].item_number == 2 and hits[0].rank == 1
    assert "**hjemløshed**" in hits[0].snippet
    assert list(hits[0].to_json()) == [
        "rank", "score", "iri", "municipality", "committee", "meeting_date", "item_number",
        "item_title", "case_number", "document_title", "source", "section", "snippet",
        "weak", "relevance", "is_open", "other_treatments",
    ]  # fmt: skip
    assert hits[0].to_json()["meeting_date"] == "2023-11-07"


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize(
    ("query", "item"), [("24-012144", 2), ("00.22.04-I00-5-21", 1), ("Christine Helmudt", 1)]
)
def test_exact_looking_queries_put_their_items_first(
    built: index.SearchIndex, mode: str, query: str, item: int
) -> None:
    assert exact_phrase(query) is not None
    assert built.search(query, mode=mode)[0].item_number == item


def test_filters(built: index.SearchIndex) -> None:
    def items(**kw: object) -> set[object]:
        hits = built.search("kommunen boliger sundhed", filters=index.Filters(**kw))  # type: ignore[arg-type]
        return {h.item_number or h.item_title for h in hits}

    assert items(outcome="godkendt") == {2}
    assert items(date_from=dt.date(2024, 1, 1)) == {"Boligsocial strategi 2024-2029"}
    assert items(date_to=dt.date(2023, 12, 31)) == {1, 2, 3}
    assert items(committee="socialudv", open_only=True) == {1, 2}
    assert items(municipality="Gentofte") == set()


def test_bad_queries(built: index.SearchIndex) -> None:
    with pytest.raises(QueryError, match="empty"):
        built.search("   ")
    with pytest.raises(QueryError, match="10,000 characters"):
        built.search("x" * 10_000)
    assert built.search("homelessness in the municipality", mode="hybrid")


def test_fusion_keeps_a_sharp_margin_and_rrf_counts_ranks() -> None:
    ids = np.arange(1, 11, dtype=np.int64)
    lists = {
        "dense": (ids, np.linspace(0.82, 0.70, 10).astype(np.float32)),
        "bm25": (np.array([3, 1], np.int64), np.array([9.0, 1.0], np.float32)),
    }
    relative = fuse(lists, "relative", 0.5)
    assert max(relative, key=relative.__getitem__) == 3
    rrf = fuse(lists, "rrf", 0.5)
    assert rrf[3] > rrf[2] and rrf[1] > rrf[2]


@pytest.mark.parametrize("kind", ["ivf", "ivf-flat", "hnsw"])
def test_dense_selector_and_approximate_indexes_agree_with_flat(kind: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(4000, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    flat = dense.build(vecs, "flat")
    dense.save(dense.build(vecs, kind), tmp_path / "x.faiss")
    approx = dense.load(tmp_path / "x.faiss")
    if kind == "ivf":  # one byte per dimension in the cells
        assert approx.code_size == 32 and approx.nprobe == dense.ivf_probes(approx.nlist)
    q = vecs[7]
    assert dense.search(flat, q, 1)[0][0] == 7 == dense.search(approx, q, 1)[0][0]
    allowed = np.arange(1000, 4000, dtype=np.int64)
    for faiss_index in (flat, approx):
        ids, _ = dense.search(faiss_index, q, 10, allowed)
        assert len(ids) == 10 and ids.min() >= 1000
    assert dense.index_kind(10_000) == "flat" and dense.index_kind(1_000_000) == "ivf"


def test_snippet_marks_query_words_outside_punctuation() -> None:
    s = snippet("Antallet af hjemløse i 2022. Det er faldet.", "hjemløshed 2022", "stem")
    assert "**hjemløse**" in s and "**2022**." in s


def _plain_snippet(text: str, query: str, normaliser: str, words: int = 40) -> str:
    """:func:`snippet` by its definition, token by token and window by window (the
    speed-ups of the real one must not change a character)."""
    from raadsgraf.index.highlight import _mark
    from raadsgraf.index.sparse import STOPWORDS, word_normaliser

    norm = word_normaliser(normaliser)
    query_words = re.findall(r"[^\W_]+", query.lower())
    wanted = {norm(w) for w in query_words if w not in STOPWORDS and len(w) > 1}
    phrase = exact_phrase(query)
    tokens = [t for t in (re.sub(r"\*\*+|__+|^#+$", "", t) for t in text.split()) if t]
    if not tokens:
        return ""

    def hit(token: str) -> bool:
        core = re.sub(r"^\W+|\W+$", "", token).lower()
        if phrase and core == phrase.lower():
            return True
        return bool(core) and any(norm(w) in wanted for w in re.findall(r"[^\W_]+", core))

    marks = [hit(t) for t in tokens]
    best, best_count = 0, -1
    for start in range(0, max(1, len(tokens) - words + 1)):
        if sum(marks[start : start + words]) > best_count:
            best, best_count = start, sum(marks[start : start + words])
    end = min(len(tokens), best + words)
    out = " ".join(_mark(t) if marks[i] else t for i, t in enumerate(tokens) if best <= i < end)
    return ("… " if best else "") + out + (" …" if end < len(tokens) else "")


def test_snippet_is_the_richest_window_as_defined() -> None:
    samples = Path(__file__).parent / "samples" / "seeds"
    texts = [p.read_text(encoding="utf-8") for p in sorted(samples.glob("*.txt"))]
    passages = texts + [t for text in texts for t in text.split("\n\n") if t.strip()]
    passages += ["## **Beslutning** Godkendt__ af **Byrådet**.", "**", "kort tekst"]
    queries = [
        "hjemløshed 2022",
        "budget for skoleområdet",
        "Byrådet godkendte",
        "Mette Frederiksen",
        "24-012144",
        "xyzzy",
    ]
    assert len(passages) > 100
    for q in queries:
        for p in passages:
            assert snippet(p, q, "stem") == _plain_snippet(p, q, "stem"), (q, p[:80])


def test_bm25_scores_equal_bm25s_own() -> None:
    rng = np.random.default_rng(1)
    words = ["hjemløse", "kommunen", "budget", "klima", "strategi", "bolig", "sag", "udvalg"]
    texts = [" ".join(rng.choice(words, size=rng.integers(1, 12))) for _ in range(300)]
    idx = SparseIndex.build(texts)
    query = "hjemløse budget budget strategi"
    ids, scores = idx.search(query, 300)
    expected = idx.bm25.get_scores(tokenize(query))
    assert np.allclose(scores, expected[ids], rtol=1e-5)
    assert set(ids.tolist()) == set(np.flatnonzero(expected > 0).tolist())
    assert list(scores) == sorted(scores, reverse=True)
    allowed = np.arange(0, 300, 2, dtype=np.int64)
    ids, _ = idx.search(query, 10, allowed)
    assert len(ids) == 10 and all(i % 2 == 0 for i in ids)


def test_a_new_index_undoes_syncope_and_an_old_one_keeps_its_bm25(
    settings: Settings, tmp_path: Path
) -> None:
    """Real minutes that say "Greve Rusmiddelcenter", asked for "rusmiddelcentret"
    (trust query k92): a new index finds and marks it; an index built with "stem"
    (before session 9) takes an ingest without IndexMismatch and keeps "stem"."""
    from raadsgraf.pipeline import parse_file

    sample = Path(__file__).parent / "samples" / "firstagenda"
    minutes = parse_file(sample / "greve-social-handicapudvalget-2022-03-14.json")

    def bm25_of(store: Path) -> str:
        return str(json.loads((store / "index" / "config.json").read_text())["bm25"])

    index.update(settings.store, [minutes], settings, progress=False)
    assert bm25_of(settings.store) == "stem-syncope"
    hits = index.open_index(settings.store, settings).search(
        "rusmiddelcentret", mode="bm25", include_weak=True
    )
    assert any("**Rusmiddelcenter**" in h.snippet for h in hits[:3])

    old = Settings(store=tmp_path / "old", model="test-hash")
    index.update(old.store, [minutes], old, normaliser="stem", progress=False)
    index.update(old.store, _documents(), old, progress=False)  # the default is not "stem"
    assert bm25_of(old.store) == "stem"
    idx = index.open_index(old.store, old)
    assert idx.normaliser == "stem" and len(idx) > len(index.open_index(settings.store, settings))
    assert not idx.search("rusmiddelcentret", mode="bm25", include_weak=True)  # as before
    with pytest.raises(IndexMismatch, match="other chunking/BM25 settings"):
        index.update(old.store, _documents(), old, normaliser="stem-syncope", progress=False)
