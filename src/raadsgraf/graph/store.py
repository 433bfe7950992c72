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


class GraphStore(Closing):
    """The graph half of a store folder."""

    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.folder = Path(folder)
        self.read_only = read_only
        graph_dir = self.folder / GRAPH_DIR
        if read_only and not graph_dir.is_dir():
            raise StoreError(f"{self.folder}: no graph store here; run `raadsgraf ingest` first")
        try:
            if read_only:
                self.store = ox.Store.read_only(str(graph_dir))
            else:
                graph_dir.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(graph_dir))
        except OSError as exc:
            raise StoreError(f"{graph_dir}: cannot open the graph store ({exc})") from None
        self._sources = self._read_manifest()

    def close(self) -> None:
        """Release the store (and, when writable, its lock); the object is unusable after."""
        store = self.__dict__.pop("store", None)
        if store is not None and not self.read_only:
            store.flush()
        del store

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

    # --- writing ----------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.folder}: the store is open read-only")

    def _unshare(self, iri: str) -> None:
        """Drop from the default graph what only graph ``iri`` states."""
        g = ox.NamedNode(iri)  # its serialisation is the one escaping of an IRI
        self.store.update(
            f"""DELETE {{ ?s ?p ?o }} WHERE {{
                  GRAPH {g} {{ ?s ?p ?o }}
                  FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }}
                }}"""
        )

    def _share(self, iris: Iterable[str]) -> None:
        """Add graphs' triples to the default graph (a set: nothing duplicates)."""
        for iri in iris:
            g = ox.NamedNode(iri)
            self.store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")

    def _drop(self, iri: str) -> None:
        node = ox.NamedNode(iri)
        if self.store.contains_named_graph(node):
            self._unshare(iri)
            self.store.remove_graph(node)

    def replace_sources(
        self, loads: Iterable[tuple[SourceEntry, bytes | Iterable[tuple[Node, Node, Node]]]]
    ) -> int:
        """Replace each source's named graph by its new triples, loaded in bulk.

        A source's triples come as rdflib terms or, more compactly, as N-Triples
        (:func:`to_nquads` without a graph): an ingest turns each document into
        N-Triples as soon as it is read, so it holds bytes, not millions of rdflib
        terms, until the load. The same triples are bulk-loaded into the default
        graph too (a set, so what other sources already state is not doubled).
        """
        self._writable()
        quads: list[bytes] = []
        plain: list[bytes] = []
        size = 0
        entries: list[SourceEntry] = []
        for entry, triples in loads:
            old = self._sources.get(entry.key)
            for iri in sorted({entry.graph, old.graph if old else entry.graph}):
                self._drop(iri)
            nt = triples if isinstance(triples, bytes) else to_nquads(triples)
            # every N-Triples line ends in " .\n" (a newline inside a literal is
            # escaped), so naming the graph before it makes N-Quads
            quads.append(nt.replace(b" .\n", f" <{entry.graph}> .\n".encode()))
            plain.append(nt)
            size += len(nt)
            entries.append(entry)
            if size >= BULK_BATCH_BYTES:
                self._bulk_load(quads, plain)
                size = 0
        self._bulk_load(quads, plain)
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

    def _bulk_load(self, quads: list[bytes], plain: list[bytes]) -> None:
        """Load a batch into the named graphs and the union graph, and empty it.

        Oxigraph's bulk loader holds a batch several times over while it sorts it
        (Greve in one batch: +880 MB); batches of :data:`BULK_BATCH_BYTES` cap that."""
        if quads:
            self.store.bulk_load(b"".join(quads), ox.RdfFormat.N_QUADS)
            self.store.bulk_load(b"".join(plain), ox.RdfFormat.N_TRIPLES)
        quads.clear()
        plain.clear()

    def replace_graph(self, iri: str, quads: Iterable[ox.Quad]) -> None:
        """Replace one store-level graph (ontology, derived)."""
        self._writable()
        self._drop(iri)
        self.store.extend(list(quads))
        self._share([iri])

    def load_ontology(self, g: Graph) -> None:
        self._writable()
        self._drop(str(ONTOLOGY_GRAPH))
        self.store.bulk_load(graph_to_nquads(g, str(ONTOLOGY_GRAPH)), ox.RdfFormat.N_QUADS)
        self._share([str(ONTOLOGY_GRAPH)])

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

    # --- reading ------------------------------------------------------------------

    def query(self, sparql: str, **kwargs: Any) -> Any:
        """A SPARQL query; the default graph is the set union of the named graphs."""
        return self.store.query(sparql, **kwargs)

    def select(self, sparql: str) -> Iterator[ox.QuerySolution]:
        result = self.query(sparql)
        assert isinstance(result, ox.QuerySolutions)
        yield from result

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        """The named graphs (N-Quads, TriG) or their union (triple formats)."""
        from raadsgraf.graph.vocab import PREFIXES

        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            quads = [q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph)]
            data = ox.serialize(quads, format=fmt, prefixes=PREFIXES)
        else:
            triples = self.store.query("CONSTRUCT WHERE { ?s ?p ?o }")
            assert isinstance(triples, ox.QueryTriples)
            data = ox.serialize(triples, format=fmt, prefixes=PREFIXES)
        assert isinstance(data, bytes)
        return data

    def triple_count(self) -> int:
        """Distinct triples (the default graph)."""
        result = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(result, ox.QuerySolutions)
        (row,) = result
        return int(row["n"].value)

    def __len__(self) -> int:
        return len(self.store)


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
