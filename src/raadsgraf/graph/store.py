"""The on-disk store folder: an Oxigraph store in ``graph/`` and a manifest.

Layout of a store folder (``Settings.store``)::

    <store>/graph/         pyoxigraph (RocksDB) store: one named graph per source file,
                           plus the ontology graph and the derived graph
    <store>/sources.json   manifest: every source ingested (path, sha256, format, graph IRI)
    <store>/index/         the search index (raadsgraf.index), not touched here

Loading goes through N-Quads in bulk; the rdflib API never writes triples here
one by one (Oxigraph is slower than rdflib's own store for that).

The default graph is kept equal to the set union of the named graphs. Queries
run against it, so a fact stated by several sources ("Socialudvalget is a body
of Ballerup") counts once; Oxigraph's union-default-graph mode would count it
once per graph. Replacing a source removes from the default graph only the
triples no other graph states.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from raadsgraf.errors import StoreError
from raadsgraf.iris import DERIVED_GRAPH, ONTOLOGY_GRAPH
from raadsgraf.model import Closing

if TYPE_CHECKING:  # rdflib only where triples are written: a reader never loads it
    from rdflib import Graph
    from rdflib.term import Node

MANIFEST = "sources.json"
GRAPH_DIR = "graph"
MANIFEST_VERSION = 1


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One ingested source file, as the manifest records it."""

    key: str  # the resolved path: what makes two ingests "the same file"
    path: str  # as the user named it
    sha256: str
    format: str
    graph: str  # named-graph IRI
    triples: int
    ingested: str  # ISO timestamp


def source_key(path: str | Path) -> str:
    return Path(path).resolve().as_posix()


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


#: N-Triples bytes per bulk load (see GraphStore._bulk_load).
#: 8 MB: the load's peak on Greve 736 → 570 MB against 32 MB, no slower (bench/README.md, lean.py).
BULK_BATCH_BYTES = 8 * 1024 * 1024


def to_nquads(triples: Iterable[tuple[Node, Node, Node]], graph_iri: str | None = None) -> bytes:
    """Triples as N-Quads in ``graph_iri`` (N-Triples when it is None)."""
    from rdflib import BNode, Literal

    def term(t: Node) -> str:
        if isinstance(t, Literal):
            text = '"' + str(t).translate(_ESCAPES) + '"'
            if t.language:
                return f"{text}@{t.language}"
            if t.datatype and str(t.datatype) != _XSD_STRING:
                return f"{text}^^<{t.datatype}>"
            return text
        if isinstance(t, BNode):
            return f"_:{t}"
        return f"<{t}>"

    suffix = f" <{graph_iri}> .\n" if graph_iri else " .\n"
    return "".join(f"{term(s)} {term(p)} {term(o)}{suffix}" for s, p, o in triples).encode("utf-8")


def graph_to_nquads(g: Graph, graph_iri: str) -> bytes:
    return to_nquads(g, graph_iri)


class GraphBackend(Closing):
    """Where a store's graph lives: the protocol every graph backend speaks.

    The manifest (``sources.json``, what each source's named graph holds) is kept
    in the store folder whatever the backend; the triples go to the backend. A
    backend supplies the primitives below (named-graph replace, drop, query,
    graph listing) and inherits the rest: source replacement, removal, the
    ontology and derived graphs. Two backends: :class:`GraphStore` (embedded
    Oxigraph, the default) and :class:`raadsgraf.graph.remote.SparqlServerStore`
    (any SPARQL 1.1 server; tested with Virtuoso). Open one with
    :func:`raadsgraf.graph.backend.open_graph`.

    The default graph — where queries run — is the set union of the named graphs:
    a fact several sources state counts once.
    """

    folder: Path
    read_only: bool
    #: The engine evaluates Oxigraph's ``LATERAL`` (SEP-0006; graph/walk.per_value).
    lateral: bool = False

    def _open_manifest(self, folder: Path, read_only: bool) -> None:
        self.folder = Path(folder)
        self.read_only = read_only
        self._sources = self._read_manifest()

    def close(self) -> None:
        """Release the backend; the object is unusable after."""

    # --- manifest -----------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST

    def _read_manifest(self) -> dict[str, SourceEntry]:
        if not self.manifest_path.is_file():
            return {}
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            return {e["key"]: SourceEntry(**e) for e in data["sources"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.manifest_path}: damaged manifest ({exc})") from None

    def _write_manifest(self) -> None:
        data: dict[str, Any] = {
            "version": MANIFEST_VERSION,
            "graph_store": GRAPH_DIR,
            "ontology_graph": str(ONTOLOGY_GRAPH),
            "derived_graph": str(DERIVED_GRAPH),
            "sources": [asdict(e) for _, e in sorted(self._sources.items())],
        }
        tmp = self.manifest_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.manifest_path)  # atomic: a crash leaves the old manifest

    def sources(self) -> list[SourceEntry]:
        return [e for _, e in sorted(self._sources.items())]

    def sources_has(self, key: str) -> bool:
        return key in self._sources

    def is_current(self, key: str, sha256: str) -> bool:
        entry = self._sources.get(key)
        return entry is not None and entry.sha256 == sha256

    # --- the primitives a backend supplies ------------------------------------------

    def _drop(self, iri: str) -> None:
        """Remove named graph ``iri`` and, from the union, what only it states."""
        raise NotImplementedError

    def _stage(self, iri: str, nt: bytes) -> None:
        """Make ``nt`` (N-Triples) named graph ``iri`` (dropped before) and add it
        to the union; a backend may hold it until :meth:`_commit`."""
        raise NotImplementedError

    def _commit(self) -> None:
        """Write what :meth:`_stage` holds."""

    def query(self, sparql: str, **kwargs: Any) -> Any:
        """A SPARQL query as pyoxigraph results; ``kwargs`` as ``pyoxigraph.Store.query``
        takes them (prefixes, substitutions, default_graph, named_graphs)."""
        raise NotImplementedError

    def graph_names(self) -> list[str]:
        """Our named graphs (sources, ontology, derived, …), sorted."""
        raise NotImplementedError

    def graph_ntriples(self, iri: str) -> bytes:
        """Named graph ``iri`` as N-Triples."""
        raise NotImplementedError

    def canonical_nquads(self, iri: str) -> bytes:
        """Named graph ``iri`` as canonical N-Quads: blank nodes labelled from the
        graph's content (RDFC-1.0), lines sorted, so the same graph gives the same
        bytes whichever backend holds it and whenever it was loaded."""
        g = ox.NamedNode(iri)
        data = ox.Dataset(
            ox.Quad(t.subject, t.predicate, t.object, g)
            for t in ox.parse(self.graph_ntriples(iri), ox.RdfFormat.N_TRIPLES)
        )
        data.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return b"".join(sorted(f"{q} .\n".encode() for q in data))

    def named_quads(self) -> Iterator[ox.Quad]:
        """Every quad of our named graphs."""
        for g in self.graph_names():
            for t in ox.parse(self.graph_ntriples(g), ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))

    def flush(self) -> None:
        """Make the writes durable."""

    # --- writing ----------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.folder}: the store is open read-only")

    def replace_sources(
        self, loads: Iterable[tuple[SourceEntry, bytes | Iterable[tuple[Node, Node, Node]]]]
    ) -> int:
        """Replace each source's named graph by its new triples (not an append).

        A source's triples come as rdflib terms or, more compactly, as N-Triples
        (:func:`to_nquads` without a graph): an ingest turns each document into
        N-Triples as soon as it is read, so it holds bytes, not millions of rdflib
        terms, until the load.
        """
        self._writable()
        entries: list[SourceEntry] = []
        for entry, triples in loads:
            old = self._sources.get(entry.key)
            for iri in sorted({entry.graph, old.graph if old else entry.graph}):
                self._drop(iri)
            self._stage(entry.graph, triples if isinstance(triples, bytes) else to_nquads(triples))
            entries.append(entry)
        self._commit()
        for entry in entries:
            self._sources[entry.key] = entry
        self._write_manifest()
        return sum(e.triples for e in entries)

    def remove_sources(self, keys: Iterable[str]) -> int:
        """Drop sources' named graphs (and what only they stated from the union
        graph) and their manifest entries; returns how many there were."""
        self._writable()
        removed = 0
        for key in keys:
            entry = self._sources.pop(key, None)
            if entry is not None:
                self._drop(entry.graph)
                removed += 1
        self._write_manifest()
        return removed

    def replace_graph_ntriples(self, iri: str, nt: bytes) -> None:
        """Replace one store-level graph (ontology, derived, KLE) by N-Triples."""
        self._writable()
        self._drop(iri)
        self._stage(iri, nt)
        self._commit()

    def replace_graph(self, iri: str, quads: Iterable[ox.Quad]) -> None:
        """Replace one store-level graph (ontology, derived)."""
        data = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)
        self.replace_graph_ntriples(iri, data or b"")

    def load_ontology(self, g: Graph) -> None:
        self.replace_graph_ntriples(str(ONTOLOGY_GRAPH), to_nquads(g))

    # --- reading ------------------------------------------------------------------

    def select(self, sparql: str) -> Iterator[ox.QuerySolution]:
        result = self.query(sparql)
        assert isinstance(result, ox.QuerySolutions)
        yield from result

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        """The named graphs (N-Quads, TriG) or their union (triple formats)."""
        from raadsgraf.graph.vocab import PREFIXES

        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            data = ox.serialize(self.named_quads(), format=fmt, prefixes=PREFIXES)
        else:
            triples = self.query("CONSTRUCT WHERE { ?s ?p ?o }")
            data = ox.serialize(triples, format=fmt, prefixes=PREFIXES)
        assert isinstance(data, bytes)
        return data

    def triple_count(self) -> int:
        """Distinct triples (the default graph)."""
        (row,) = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(row["n"].value)

    def quad_count(self) -> int:
        """Triples in the named graphs, a triple stated by two counted twice."""
        raise NotImplementedError

    def __len__(self) -> int:
        return self.quad_count()


class GraphStore(GraphBackend):
    """The embedded backend: an Oxigraph (RocksDB) store in ``<folder>/graph``."""

    lateral = True

    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        graph_dir = Path(folder) / GRAPH_DIR
        if read_only and not graph_dir.is_dir():
            raise StoreError(f"{folder}: no graph store here; run `raadsgraf ingest` first")
        try:
            if read_only:
                self.store = ox.Store.read_only(str(graph_dir))
            else:
                graph_dir.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(graph_dir))
        except OSError as exc:
            raise StoreError(f"{graph_dir}: cannot open the graph store ({exc})") from None
        self._open_manifest(folder, read_only)
        self._quads: list[bytes] = []
        self._plain: list[bytes] = []
        self._copied: list[str] = []
        self._size = 0

    def close(self) -> None:
        """Release the store (and, when writable, its lock); the object is unusable after."""
        store = self.__dict__.pop("store", None)
        if store is not None and not self.read_only:
            store.flush()
        del store

    def _unshare(self, iri: str) -> None:
        """Drop from the default graph what only graph ``iri`` states."""
        g = ox.NamedNode(iri)  # its serialisation is the one escaping of an IRI
        self.store.update(
            f"""DELETE {{ ?s ?p ?o }} WHERE {{
                  GRAPH {g} {{ ?s ?p ?o }}
                  FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }}
                }}"""
        )

    def _drop(self, iri: str) -> None:
        node = ox.NamedNode(iri)
        if self.store.contains_named_graph(node):
            self._unshare(iri)
            self.store.remove_graph(node)

    def _stage(self, iri: str, nt: bytes) -> None:
        # every N-Triples line ends in " .\n" (a newline inside a literal is
        # escaped), so naming the graph before it makes N-Quads
        self._quads.append(nt.replace(b" .\n", f" <{iri}> .\n".encode()))
        if b"_:" in nt:
            # a bulk load gives blank nodes new identities: a graph with some (the
            # ontology's lists) is copied into the union inside the store instead,
            # so that dropping it later finds the same nodes there
            self._copied.append(iri)
        else:
            self._plain.append(nt)
        self._size += len(nt)
        if self._size >= BULK_BATCH_BYTES:
            self._commit()

    def _commit(self) -> None:
        """Bulk-load the staged batch into the named graphs and the union graph.

        Oxigraph's bulk loader holds a batch several times over while it sorts it
        (Greve in one batch: +880 MB); batches of :data:`BULK_BATCH_BYTES` cap that.
        The union is a set, so what other sources already state is not doubled."""
        if self._quads:
            self.store.bulk_load(b"".join(self._quads), ox.RdfFormat.N_QUADS)
            self.store.bulk_load(b"".join(self._plain), ox.RdfFormat.N_TRIPLES)
        for iri in self._copied:
            g = ox.NamedNode(iri)
            self.store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
        self._quads.clear()
        self._plain.clear()
        self._copied.clear()
        self._size = 0

    def flush(self) -> None:
        """Write everything to disk and compact it.

        A bulk load, the union-graph updates and the derived graph leave RocksDB
        with many overlapping files; compacting them once after a write (about
        a second on Greve) makes the lookups of every later query cheaper
        (corpus-wide aggregates 25-35 % faster, bench/graph_README.md).
        """
        if not self.read_only:
            self.store.flush()
            self.store.optimize()

    def query(self, sparql: str, **kwargs: Any) -> Any:
        """A SPARQL query; the default graph is the set union of the named graphs."""
        return self.store.query(sparql, **kwargs)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def graph_ntriples(self, iri: str) -> bytes:
        quads = self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
        return ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES) or b""

    def named_quads(self) -> Iterator[ox.Quad]:
        return (q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph))

    def quad_count(self) -> int:
        return len(self.store)


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
