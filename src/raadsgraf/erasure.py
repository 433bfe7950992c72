"""Taking things back: ``raadsgraf forget``.

A municipality that republishes minutes with a citizen's name removed, or
receives an erasure request, removes a source document or every occurrence of a
text from a store: from the graph, the search index (chunks, BM25, FAISS), the
embedding cache and every generation the store keeps.

How, and why this way:

* A text is removed from the *records* (the sources are read again with the
  text replaced by :data:`ERASED_MARK`), so that the graph, the chunks, BM25
  and the vectors are rebuilt from what is left, exactly as an ingest would
  build them; a person named only by an erased name is dropped from the
  attendance lists. A source that contains the text but is no longer on disk
  to be read again is removed whole (fail closed), and reported.
* The graph of the new generation is built afresh (bulk-loaded from the kept
  named graphs), never edited in place: a deleted value would otherwise live on
  in the database's older files until a compaction.
* Afterwards every other generation is removed, so the store keeps none that
  still holds the text; readers that had one open keep reading it until they
  reopen (the files stay readable while open).
* The erasure holds for the future: ``<store>/erasure.json`` keeps each
  forgotten text as a salted SHA-256 of its words (never the text), and every
  later ingest into the store removes it; a forgotten source is remembered by
  the SHA-256 of its content, so the same file is not ingested again (a changed
  file — the minutes republished without the name — is).
* ``<store>/audit.jsonl`` records each erasure: when, the hashes, and the
  counts of what was removed — never the erased text or the source's path.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from raadsgraf.config import Settings
from raadsgraf.errors import RaadsgrafError
from raadsgraf.model import Document
from raadsgraf.privacy import ERASED_MARK, ERASURE_FILE, Erasures

if TYPE_CHECKING:  # the graph stack loads when a forget runs, not on import
    from raadsgraf.graph.store import GraphBackend, SourceEntry

__all__ = ["AUDIT_FILE", "ERASED_MARK", "ERASURE_FILE", "Erasures", "ForgetReport", "forget"]
AUDIT_FILE = "audit.jsonl"


def audit(root: Path, entry: dict[str, object]) -> None:
    """Append one line to the store's audit log."""
    with open(Path(root) / AUDIT_FILE, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, sort_keys=True) + "\n")


def forget_cached(cache: Path, keys: Iterable[str]) -> int:
    """Delete vectors by passage key from an embedding cache (every model), and
    rewrite the file so that no freed page keeps them."""
    keys = list(keys)
    if not cache.is_file() or not keys:
        return 0
    db = sqlite3.connect(cache)
    try:
        removed = 0
        with db:
            for i in range(0, len(keys), 500):
                batch = keys[i : i + 500]
                marks = ",".join("?" * len(batch))
                removed += db.execute(f"DELETE FROM vectors WHERE key IN ({marks})", batch).rowcount
        db.execute("VACUUM")
    finally:
        db.close()
    return removed


@dataclass(slots=True)
class ForgetReport:
    """What :func:`raadsgraf.api.forget` did (counts and hashes, never the text)."""

    sources_removed: int = 0
    sources_reread: int = 0
    #: sources that held a forgotten text but were not on disk to be read again
    sources_removed_unreadable: int = 0
    occurrences: int = 0  # of the forgotten texts, in the sources read again
    triples_before: int = 0
    triples_after: int = 0
    chunks_removed: int = 0
    chunks_added: int = 0
    cache_entries_removed: int = 0
    generations_removed: list[str] = field(default_factory=list)
    text_hashes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"forgot: {self.sources_removed} source(s) removed"
            + (
                f" ({self.sources_removed_unreadable} not on disk to be read again)"
                if self.sources_removed_unreadable
                else ""
            )
            + f", {self.sources_reread} read again without {self.occurrences} occurrence(s) "
            f"of {len(self.text_hashes)} text(s); {self.triples_before} → {self.triples_after} "
            f"triples; {self.chunks_removed} chunk(s) removed, {self.chunks_added} rebuilt; "
            f"{self.cache_entries_removed} cached vector(s) deleted; "
            f"{len(self.generations_removed)} older generation(s) deleted"
        )

    def to_json(self) -> dict[str, object]:
        return {
            "sources_removed": self.sources_removed,
            "sources_reread": self.sources_reread,
            "sources_removed_unreadable": self.sources_removed_unreadable,
            "occurrences": self.occurrences,
            "triples_before": self.triples_before,
            "triples_after": self.triples_after,
            "chunks_removed": self.chunks_removed,
            "chunks_added": self.chunks_added,
            "cache_entries_removed": self.cache_entries_removed,
            "generations_removed": len(self.generations_removed),
            "text_sha256": self.text_hashes,
        }


def drop_other_generations(root: Path) -> list[str]:
    """Delete every generation but the live one (after an erasure: the older
    ones still hold what was erased)."""
    from raadsgraf import generations

    live = generations.live(root)
    gone = []
    for gen in sorted(Path(root).glob("gen-*")):
        if gen.is_dir() and gen != live:
            shutil.rmtree(gen)
            gone.append(gen.name)
    return gone


def _match_sources(known: GraphBackend, target: str) -> list[SourceEntry]:
    """Store entries a ``--source`` names: its path (as given or resolved), its
    named graph's IRI, or the IRI of anything in it (a meeting, an item)."""
    import pyoxigraph as ox

    from raadsgraf.graph.store import source_key

    entries = known.sources()
    hits = [
        e
        for e in entries
        if target in (e.key, e.path, e.graph)
        or (not target.startswith("http") and e.key == source_key(target))
    ]
    if hits or not target.startswith(("http://", "https://")):
        return hits
    try:
        subject = ox.NamedNode(target)
    except ValueError:
        return []
    rows = known.query(
        "SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }",
        substitutions={ox.Variable("s"): subject},  # bound, never pasted (any backend)
    )
    graphs = {row["g"].value for row in rows}
    return [e for e in entries if e.graph in graphs]


def _graph_literals(known: GraphBackend, graph: str) -> Iterable[str]:
    import pyoxigraph as ox

    for triple in ox.parse(known.graph_ntriples(graph), ox.RdfFormat.N_TRIPLES):
        if isinstance(triple.object, ox.Literal):
            yield triple.object.value


def forget(
    settings: Settings,
    *,
    sources: Sequence[str] = (),
    texts: Sequence[str] = (),
    progress: bool = False,
) -> ForgetReport:
    """Remove sources (by path or IRI) and every occurrence of ``texts`` from the
    store ``settings.store``: graph, search index, embedding cache and every
    generation; remember both for later ingests; record it in the audit log."""
    import datetime as dt

    import pyoxigraph as ox
    from tqdm import tqdm

    from raadsgraf import generations, pipeline
    from raadsgraf.graph import build as graph
    from raadsgraf.graph import derive, identity, sittings
    from raadsgraf.graph.backend import is_remote, open_graph
    from raadsgraf.graph.store import GraphStore, SourceEntry, now, to_nquads
    from raadsgraf.graph.vocab import DERIVED_GRAPH, IDENTITY_GRAPH
    from raadsgraf.parsers.registry import parse_bytes

    root = Path(settings.store)
    if not sources and not texts:
        raise RaadsgrafError("forget: name a source (--source) or a text (--text)")
    live = generations.live(root)
    if live is None:
        raise RaadsgrafError(f"{root}: no store here, nothing to forget")
    report = ForgetReport()
    erasures = Erasures.load(root)
    known = open_graph(live, settings.graph, read_only=True)
    drop: dict[str, SourceEntry] = {}
    for target in sources:
        matched = _match_sources(known, target)
        if not matched:
            known.close()
            raise RaadsgrafError(f"{target}: no source by that path or IRI in {root}")
        for e in matched:
            drop[e.key] = e
            erasures.sources.add(e.sha256)
    fresh = Erasures(erasures.salt, {}, set())  # only the texts named now: to find them
    for text in texts:
        fresh.add_text(text)
        report.text_hashes.append(erasures.add_text(text))
    erasures.save(root)  # from here on every ingest removes them, even if this one dies

    # the sources that hold a text named now are read again without it
    reread: list[tuple[SourceEntry, Document, str]] = []
    unreadable: dict[str, SourceEntry] = {}
    if texts:
        chunk_texts: dict[str, list[str]] = {}
        chunks_file = live / "index" / "chunks.jsonl"
        if chunks_file.is_file():
            for line in chunks_file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    c = json.loads(line)
                    chunk_texts.setdefault(str(c.get("source_path")), []).append(
                        " ".join(str(v) for v in c.values())
                    )
        todo = [e for e in known.sources() if e.key not in drop]
        for entry in tqdm(todo, desc="forget", unit="source", disable=not progress):
            path = Path(entry.key)
            try:
                data = path.read_bytes()
                parsed = parse_bytes(data, entry.path, entry.format)
            except (OSError, RaadsgrafError):
                parsed = None
            if parsed is not None:
                _, _, found = pipeline.prepare(
                    parsed, settings.include_closed, settings.closed_policy, fresh.redact
                )
                if found.erased:
                    doc, _, _ = pipeline.prepare(
                        parsed, settings.include_closed, settings.closed_policy, erasures.redact
                    )
                    report.occurrences += found.erased
                    reread.append((entry, doc, hashlib.sha256(data).hexdigest()))
                continue
            # not on disk (or no longer readable): what the store holds is checked
            held = [*_graph_literals(known, entry.graph), *chunk_texts.get(entry.path, [])]
            if any(fresh.redact(t)[1] for t in held):
                unreadable[entry.key] = entry
    report.sources_removed = len(drop) + len(unreadable)
    report.sources_removed_unreadable = len(unreadable)
    report.sources_reread = len(reread)
    report.triples_before = known.triple_count()
    # a re-read meeting keeps the IRI it had beside another meeting of its day
    placed, _ = sittings.plan(
        [(e.key, d) for e, d, _ in reread], sittings.held_meetings(known), lambda _key: False
    )
    reread = [(e, d, sha) for (e, _, sha), d in zip(reread, placed, strict=True)]

    gone = [*drop, *unreadable]
    loads = []
    for entry, doc, sha in reread:
        triples = graph.document_triples(doc, entry.graph)
        new = SourceEntry(
            entry.key, entry.path, sha, doc.source.format, entry.graph, len(triples), now()
        )
        loads.append((new, to_nquads(triples)))
    gone_paths = {e.path for e in (*drop.values(), *unreadable.values())}
    gone_paths |= {e.path for e, _, _ in reread}
    if is_remote(settings.graph):
        known.close()
    else:  # the kept named graphs, to be loaded into a fresh database
        assert isinstance(known, GraphStore)
        gone_graphs = {e.graph for e in (*drop.values(), *unreadable.values())}
        gone_graphs |= {e.graph for e, _, _ in reread}
        gone_graphs |= {str(DERIVED_GRAPH), str(IDENTITY_GRAPH)}  # rebuilt below
        kept = [
            q
            for q in known.store
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in gone_graphs
        ]
        named = ox.serialize(kept, format=ox.RdfFormat.N_QUADS)
        # the union from the plain triples only: a bulk load would give blank nodes
        # new identities, and a later drop of their graph would not find them there
        union = ox.serialize(
            [
                q.triple
                for q in kept
                if not isinstance(q.subject, ox.BlankNode)
                and not isinstance(q.object, ox.BlankNode)
            ],
            format=ox.RdfFormat.N_TRIPLES,
        )
        del kept
        known.close()  # the live generation is copied next
    with generations.writing(
        root, removed=report.generations_removed, retain_previous=False
    ) as gen:
        if is_remote(settings.graph):
            # a server is changed in place: each graph dropped (and what only it
            # stated taken out of the union) or replaced by SPARQL Update and the
            # Graph Store protocol, values written by pyoxigraph's serialiser
            gstore: GraphBackend = open_graph(gen, settings.graph)
        else:
            shutil.rmtree(gen / "graph", ignore_errors=True)
            gstore = GraphStore(gen)
            if named:
                gstore.store.bulk_load(named, ox.RdfFormat.N_QUADS)
                gstore.store.bulk_load(union, ox.RdfFormat.N_TRIPLES)
                gstore.store.update(  # the same blank nodes, copied inside the store
                    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
                    "FILTER(isBlank(?s) || isBlank(?o)) }"
                )
            del named, union
            gstore.load_ontology(graph.ontology_graph())
        with gstore:
            gstore.remove_sources(gone)
            gstore.replace_sources(loads)
            derive.refresh(gstore)
            identity.refresh(gstore)
            gstore.flush()
            report.triples_after = gstore.triple_count()
        _forget_in_index(gen, gone_paths, [d for _, d, _ in reread], settings, report)
    audit(
        root,
        {
            "time": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "action": "forget",
            "sources_sha256": sorted(e.sha256 for e in drop.values()),
            "source_keys_sha256": sorted(
                hashlib.sha256(e.key.encode()).hexdigest() for e in drop.values()
            ),
            **report.to_json(),
        },
    )
    return report


def _forget_in_index(
    gen: Path, gone_paths: set[str], docs: list[Document], settings: Settings, report: ForgetReport
) -> None:
    """Chunks of the removed and re-read sources out, the re-read ones in; BM25
    and FAISS rebuilt from what is left; their vectors deleted from the cache."""
    from raadsgraf import generations, pipeline
    from raadsgraf.index.backend import is_embedded
    from raadsgraf.index.encoders.cache import passage_key
    from raadsgraf.index.milvus import delete_sources
    from raadsgraf.index.storage import read_chunks

    folder = gen / "index"
    if not (folder / "chunks.jsonl").is_file():
        return
    chunks = read_chunks(folder)
    removed = [c for c in chunks if c.source_path in gone_paths]
    kept = [c for c in chunks if c.source_path not in gone_paths]
    report.chunks_removed = len(removed)
    if not is_embedded(settings):  # the engine's copy goes too, not only the catalogue's
        delete_sources(settings, gen, gone_paths)
    lines = "".join(json.dumps(c.to_json(), ensure_ascii=False) + "\n" for c in kept)
    (folder / "chunks.jsonl").write_text(lines, encoding="utf-8")
    if not kept and not docs:
        shutil.rmtree(folder)  # nothing left to search
    else:
        for _, update in pipeline.sinks():
            update(gen, docs, settings)
    after = read_chunks(folder) if folder.is_dir() else []
    report.chunks_added = len(after) - len(kept)
    still = {passage_key(c.passage) for c in after}
    stale = {passage_key(c.passage) for c in removed} - still
    shared = generations.shared_folder(gen)
    for cache in (shared / "embeddings.sqlite", folder / "cache.sqlite"):
        report.cache_entries_removed += forget_cached(cache, stale)
