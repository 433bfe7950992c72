"""A store as files to rebuild from: the backup, and the way to move a store to
other backends without parsing or embedding anything again (docs/dump.md).

``raadsgraf export --dump DIR`` writes::

    DIR/manifest.json          format, version, model and index settings, counts,
                               and every file's sha256
    DIR/graphs/<name>.nq       one named graph per file, canonical N-Quads (blank
                               nodes labelled by RDFC-1.0, lines sorted): the same
                               graph gives the same bytes from any backend
    DIR/index/chunks.parquet   the search chunks (the fields of
                               :class:`raadsgraf.index.chunking.Chunk`) with their
                               embeddings (``vector``: fixed-size float32 list)
    DIR/erasure.json           what the store was asked to forget (hashes only,
                               :mod:`raadsgraf.erasure`), when it was

``raadsgraf load DIR`` rebuilds the configured backends from it: the graph
(embedded or a SPARQL server, ``graph``) and the search index, whose vectors are
the dump's own (no model is loaded). A search backend reads the chunks and
vectors through :func:`read_index` and loads them as it stores them.

A load never brings back what was forgotten: the target store's erasure list
and the dump's own both apply. A source forgotten whole, and any graph or chunk
that holds a forgotten text, is withheld (fail closed: a dump has no source to
read again without the text; ingest the file again and the text is removed);
the derived and identity graphs are then computed afresh. The dump's erasure
list is kept in the store, so later ingests remove the same texts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from raadsgraf import generations, iris
from raadsgraf.config import Settings
from raadsgraf.errors import RaadsgrafError, SourceError
from raadsgraf.graph.backend import open_graph
from raadsgraf.graph.store import SourceEntry
from raadsgraf.index import storage
from raadsgraf.index.chunking import Chunk, ChunkParams
from raadsgraf.index.encoders import Vectors
from raadsgraf.privacy import ERASURE_FILE, Erasures

FORMAT = "raadsgraf-dump"
VERSION = 1
MANIFEST = "manifest.json"
CHUNKS = "index/chunks.parquet"
#: Files of the store's live generation kept as they are (what built it).
BUILD_FILE = "build.json"


@dataclass(frozen=True, slots=True)
class DumpReport:
    """What an export or a load moved, and where to."""

    graphs: int  # named graphs
    triples: int  # their triples, a triple stated by two graphs counted twice
    chunks: int  # search chunks with their vectors (0: no index)
    folder: Path  # the dump (export) or the store (load)
    #: graphs a load left out because they hold what the store was asked to forget
    withheld: int = 0

    def summary(self) -> str:
        text = f"{self.graphs} graphs, {self.triples} triples, {self.chunks} chunks ({self.folder})"
        if self.withheld:
            text += (
                f"; {self.withheld} graph(s) withheld: they hold what the store was asked to "
                "forget (ingest their files again)"
            )
        return text


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def graph_file(iri: str) -> str:
    """``https://raadsgraf.dk/graph/kilde/ab12`` → ``graphs/kilde-ab12.nq``."""
    if not iri.startswith(iris.GRAPH_BASE):
        raise RaadsgrafError(f"{iri}: not a graph of raadsgraf's; cannot name its dump file")
    return "graphs/" + iri[len(iris.GRAPH_BASE) :].replace("/", "-") + ".nq"


def export(settings: Settings, folder: Path) -> DumpReport:
    """Write the store ``settings.store`` (graph on ``settings.graph``) to ``folder``."""
    live = generations.resolve(Path(settings.store))
    (folder / "graphs").mkdir(parents=True, exist_ok=True)
    graphs: list[dict[str, Any]] = []
    with open_graph(live, settings.graph, read_only=True) as graph:
        sources = {e.graph: e for e in graph.sources()}
        for iri in graph.graph_names():
            path = folder / graph_file(iri)
            data = graph.canonical_nquads(iri)
            path.write_bytes(data)
            entry = sources.get(iri)
            graphs.append(
                {
                    "iri": iri,
                    "file": graph_file(iri),
                    "triples": data.count(b"\n"),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "source": asdict(entry) if entry else None,
                }
            )
    index = _export_index(live, folder, settings)
    build = live / BUILD_FILE
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "build": json.loads(build.read_text(encoding="utf-8")) if build.is_file() else {},
        "graphs": graphs,
        "index": index,
    }
    erasure = Path(settings.store) / ERASURE_FILE
    if erasure.is_file():  # so that a load elsewhere keeps forgetting
        (folder / ERASURE_FILE).write_bytes(erasure.read_bytes())
        manifest["erasure"] = {"file": ERASURE_FILE, "sha256": _sha256(folder / ERASURE_FILE)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    chunks = index["chunks"] if index else 0
    return DumpReport(len(graphs), sum(g["triples"] for g in graphs), chunks, folder)


def _export_index(live: Path, folder: Path, settings: Settings) -> dict[str, Any] | None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    index = storage.index_dir(live)
    if not (index / "config.json").is_file():
        return None
    config = storage.read_config(index)
    chunks = storage.read_chunks(index)
    vectors = storage.read_vectors(index, settings, chunks)  # embedded or Milvus
    if len(vectors) != len(chunks):
        raise RaadsgrafError(f"{index}: {len(chunks)} chunks but {len(vectors)} vectors")
    table = pa.Table.from_pylist([c.to_json() for c in chunks], schema=_chunk_schema())
    flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1))
    table = table.append_column("vector", pa.FixedSizeListArray.from_arrays(flat, vectors.shape[1]))
    path = folder / CHUNKS
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
    return {"config": config, "chunks": len(chunks), "file": CHUNKS, "sha256": _sha256(path)}


def _chunk_schema() -> Any:
    import pyarrow as pa

    kinds = {int: pa.int64(), bool: pa.bool_()}
    fields = []
    for f in dataclasses.fields(Chunk):
        kind = next(
            (k for t, k in kinds.items() if f.type in (t.__name__, f"{t.__name__} | None")), None
        )
        fields.append(pa.field(f.name, kind or pa.string()))
    return pa.schema(fields)


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dump:
    """A dump folder, checked against its manifest."""

    folder: Path
    manifest: dict[str, Any]

    def graphs(self) -> Iterator[tuple[str, SourceEntry | None, bytes]]:
        """(graph IRI, its source's manifest entry or None, its triples as N-Triples)."""
        import pyoxigraph as ox

        for g in self.manifest["graphs"]:
            data = _checked(self.folder / g["file"], g["sha256"])
            quads = ox.parse(data, ox.RdfFormat.N_QUADS)
            nt = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES) or b""
            source = SourceEntry(**g["source"]) if g["source"] else None
            yield g["iri"], source, nt


def _checked(path: Path, sha256: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(str(path), exc.strerror or str(exc)) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise SourceError(str(path), "changed since the dump was written (sha256 differs)")
    return data


def read(folder: Path) -> Dump:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(str(path), exc.strerror or str(exc)) from None
    except ValueError as exc:
        raise SourceError(str(path), f"not a dump manifest ({exc})") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise SourceError(
            str(path), f"not a {FORMAT} version {VERSION} manifest; this raadsgraf reads that"
        )
    return Dump(folder, manifest)


def read_index(dump: Dump) -> tuple[dict[str, Any], list[Chunk], Vectors] | None:
    """The index config, chunks and their vectors (row i ↔ chunk i); None without an index."""
    import pyarrow.parquet as pq

    index = dump.manifest.get("index")
    if not index:
        return None
    path = dump.folder / index["file"]
    if _sha256(path) != index["sha256"]:
        raise SourceError(str(path), "changed since the dump was written (sha256 differs)")
    table = pq.read_table(path)
    dim = int(index["config"]["dimension"])
    flat = table.column("vector").combine_chunks().flatten().to_numpy()
    vectors = np.ascontiguousarray(flat, dtype=np.float32).reshape(-1, dim)
    rows = table.drop_columns(["vector"]).to_pylist()
    return index["config"], [Chunk.from_json(r) for r in rows], vectors


@dataclass(slots=True)
class _RecordedVectors:
    """The model a dump's vectors were made with, by name: it encodes nothing, since
    a load takes the vectors from the dump."""

    name: str
    dim: int

    def encode_queries(self, texts: Any) -> Vectors:
        raise RaadsgrafError("a dump's vectors are loaded as they are; nothing is embedded")

    encode_passages = encode_queries


def _forgotten(dump: Dump, root: Path) -> list[Erasures]:
    """What a load into store ``root`` must not bring back: the store's erasure list
    and the dump's own. The dump's is kept in the store: taken whole by a store
    without one, merged into one of the same salt; under another salt its texts
    cannot be merged (only their salted hashes are known) and apply to this load."""
    mine = Erasures.load(root)
    entry = dump.manifest.get("erasure")
    if not entry:
        return [mine]
    _checked(dump.folder / entry["file"], entry["sha256"])
    theirs = Erasures.load(dump.folder)
    if not (root / ERASURE_FILE).is_file():
        theirs.save(root)
        return [theirs]
    merged = mine.merge(theirs)
    mine.save(root)
    return [mine] if merged else [mine, theirs]


def _holds_forgotten(nt: bytes, erasures: list[Erasures]) -> bool:
    """Whether a graph (N-Triples) names a forgotten text, in a literal or an IRI
    (a person's IRI carries the name's words)."""
    import pyoxigraph as ox

    if not any(erasures):
        return False
    for t in ox.parse(nt, ox.RdfFormat.N_TRIPLES):
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode | ox.Literal) and any(
                e.forgets(term.value) for e in erasures
            ):
                return True
    return False


def load(folder: Path, settings: Settings) -> DumpReport:
    """Rebuild store ``settings.store`` from dump ``folder``: the graph on the configured
    backend (every graph replaced, graphs the dump lacks dropped) and the search index
    from the dump's vectors, in a new generation that goes live at the end. What the
    store (or the dump) was asked to forget is withheld (see the module doc)."""
    from raadsgraf.graph import derive, identity

    dump = read(folder)
    triples = 0
    with generations.writing(Path(settings.store)) as gen:
        erasures = _forgotten(dump, Path(settings.store))
        (gen / BUILD_FILE).write_text(json.dumps(dump.manifest["build"]) + "\n")
        kept: list[tuple[str, SourceEntry | None, bytes]] = []
        withheld: set[str] = set()  # the withheld sources' paths
        for iri, source, nt in dump.graphs():
            if (source is not None and any(source.sha256 in e.sources for e in erasures)) or (
                _holds_forgotten(nt, erasures)
            ):
                withheld.add(source.path if source else iri)
            else:
                kept.append((iri, source, nt))
        with open_graph(gen, settings.graph) as graph:
            listed = {iri for iri, _, _ in kept}
            graph.remove_sources([e.key for e in graph.sources() if e.graph not in listed])
            for iri in graph.graph_names():
                if iri not in listed:
                    graph.replace_graph_ntriples(iri, b"")
            sources = []
            for iri, source, nt in kept:
                triples += nt.count(b"\n")
                if source is None:
                    graph.replace_graph_ntriples(iri, nt)
                else:
                    sources.append((source, nt))
            graph.replace_sources(sources)
            if withheld:  # what the derived graphs said of the withheld sources goes too
                derive.refresh(graph)
                identity.refresh(graph)
            graph.flush()
        chunks = _load_index(gen, dump, settings, withheld, erasures)
    return DumpReport(len(kept), triples, chunks, Path(settings.store), len(withheld))


def _load_index(
    gen: Path, dump: Dump, settings: Settings, withheld: set[str], erasures: list[Erasures]
) -> int:
    """The embedded search index from the dump's chunks and vectors (FAISS and BM25
    built again; the embedding model is not loaded), without the chunks of withheld
    sources or holding a forgotten text."""
    index = read_index(dump)
    folder = storage.index_dir(gen)
    if index is None:
        return 0
    config, chunks, vectors = index
    keep = [
        i
        for i, c in enumerate(chunks)
        if c.source_path not in withheld
        and not any(e.forgets(" ".join(str(v) for v in c.to_json().values())) for e in erasures)
    ]
    if len(keep) < len(chunks):
        chunks, vectors = [chunks[i] for i in keep], vectors[keep]
    folder.mkdir(parents=True, exist_ok=True)
    as_built = dataclasses.replace(
        settings, model=config["model"], include_closed=config["include_closed"]
    )
    storage.write(
        folder,
        chunks,
        vectors,
        as_built,
        _RecordedVectors(config["model_id"], int(config["dimension"])),
        normaliser=config["bm25"],
        params=ChunkParams(**config["chunking"]),
    )
    return len(chunks)
