"""Wires the stages together: files → parsers → records (→ graph | index).

This is the one module that knows every stage; the stages know only the
model. File reading happens here, at the edge, so parsers get bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from tqdm import tqdm

from raadsgraf import apart, generations
from raadsgraf.apart import release_freed_memory
from raadsgraf.config import Settings, policy_for
from raadsgraf.errors import SourceError
from raadsgraf.model import Attachment, Document, Reported
from raadsgraf.privacy import Erasures, PrivacyReport, SealedForReview, protect
from raadsgraf.spill import Placed, Spill, Spilled

if TYPE_CHECKING:
    from rdflib.term import Node

_T = TypeVar("_T")

#: Inside each store generation: how it was built (``include_closed``,
#: ``content_version``).
BUILD_FILE = "build.json"

#: What this raadsgraf writes into a store for the same input files. Bump it
#: whenever parsing, the graph or the derived graph change what an unchanged file
#: yields: the next ingest into an older store then re-reads every source it
#: knows, instead of skipping them as unchanged (3: sections in the graph,
#: derived shortcuts, the e5-small-int8 encoder; 4: roles as prov:Association,
#: the policies a policy names; 5: CPR numbers redacted without the modulus-11
#: check, items sealed for closed-item wording, a committee's second meeting of a
#: day under its own IRI, the identity graph — an older store may hold a CPR
#: number or a closed item's text that this one would not publish).
CONTENT_VERSION = 5

#: From how many (re)read documents on the sinks (the index) run in a child process
#: (:mod:`raadsgraf.apart`): it starts afresh instead of on the graph stage's
#: memory, for an interpreter's start and the sink's imports (~1–2 s; the model
#: loaded again). A few documents' graph stage leaves little to start afresh from.
APART_FROM = 32

#: File names that are never council records (folder walks skip them).
SKIPPED_NAMES = {"README.md", "readme.md", ".DS_Store", "Thumbs.db"}


@dataclass(frozen=True, slots=True)
class Failure:
    """One file that could not be read, and why."""

    path: str
    message: str
    bug: bool = False  # an unexpected exception: a defect in raadsgraf, not the file

    def __str__(self) -> str:
        return (
            self.message if self.message.startswith(self.path) else f"{self.path}: {self.message}"
        )


@dataclass(slots=True)
class ParseReport(Reported):
    documents: list[Document] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    cpr_redacted: int = 0
    closed_sealed: int = 0
    #: items sealed for closed-item wording their source did not mark
    sealed_for_review: list[SealedForReview] = field(default_factory=list)
    #: attachment files whose text was read into an item (and so not failures)
    attachment_files: set[str] = field(default_factory=set)

    def by_format(self) -> Counter[str]:
        return Counter(d.source.format for d in self.documents)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and every file below folders named, in a stable order."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and child.name not in SKIPPED_NAMES and not hidden:
                    yield child
        else:
            yield path


def parse_file(path: str | Path, fmt: str | None = None) -> Document:
    """Parse one file; ``fmt`` names a parser instead of sniffing."""
    from raadsgraf.parsers.registry import parse_bytes

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(str(path), "no such file") from None
    except IsADirectoryError:
        raise SourceError(str(path), "is a folder") from None
    except PermissionError:
        raise SourceError(str(path), "permission denied") from None
    return parse_bytes(data, str(path), fmt)


def prepare(
    doc: Document,
    include_closed: bool,
    closed_policy: str | None = None,
    erase: Callable[[str], tuple[str, int]] | None = None,
) -> tuple[Document, set[Path], PrivacyReport]:
    """A parsed document as every later stage gets it: attachment files beside it
    read in, then protected (texts the store forgot removed, CPR redacted, closed
    items sealed unless ``include_closed``, by ``closed_policy``). Also returns
    the attachment files it used."""
    doc, used = read_attachments(doc)
    doc = complete(doc)
    policies = Settings().closed_policy if closed_policy is None else closed_policy
    policy = policy_for(policies, doc.source.format)
    doc, privacy = protect(doc, include_closed=include_closed, closed_policy=policy, erase=erase)
    return doc, used, privacy


def failure(path: Path, exc: Exception) -> Failure:
    """A file's error as a Failure; anything but a SourceError is a raadsgraf bug."""
    if isinstance(exc, SourceError):
        return Failure(str(path), str(exc))
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return Failure(str(path), f"internal error (please report): {detail}", bug=True)


def parse_files(
    paths: Iterable[str | Path],
    fmt: str | None = None,
    *,
    progress: bool = True,
    include_closed: bool = False,
    closed_policy: str | None = None,
) -> ParseReport:
    """Parse every file; a file that fails is listed and the others are kept.

    Every document leaves here protected (:func:`raadsgraf.privacy.protect`):
    CPR numbers redacted and, unless ``include_closed``, closed items sealed.
    """
    files = list(iter_files(paths))
    report = ParseReport()
    bar = tqdm(files, desc="parse", unit="file", disable=not progress or len(files) < 2)
    for path in bar:
        try:
            doc, used, privacy = prepare(parse_file(path, fmt), include_closed, closed_policy)
        except Exception as exc:  # a parser bug must not lose the other files
            report.failures.append(failure(path, exc))
            continue
        report.attachment_files.update(str(p) for p in used)
        report.documents.append(doc)
        report.cpr_redacted += privacy.cpr_redacted
        report.closed_sealed += privacy.closed_sealed
        report.sealed_for_review += privacy.sealed_for_review
    # A file read as some item's attachment is accounted for, even when it is
    # not minutes or a policy itself.
    report.failures = [f for f in report.failures if f.path not in report.attachment_files]
    return report


#: Beside a source, where a harvest leaves its copies of linked attachments.
LOCAL_COPIES = ".attachments"


def local_copy(base: Path, url: str) -> Path:
    """Where a harvested copy of the attachment at ``url`` lies for sources in
    ``base``: ``<base>/.attachments/<sha-256 of the URL>`` (hidden, so a folder
    ingest never reads it as a source)."""
    return base / LOCAL_COPIES / hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def _attachment_file(base: Path, location: str | None) -> Path | None:
    """The file an attachment's relative ``location`` names, inside ``base``
    (exports differ in letter case: "1.pdf" for "1.PDF"), or a harvested local
    copy of its URL."""
    if location and "://" in location:
        copy = local_copy(base, location)
        return copy if copy.is_file() else None
    if not location or location.startswith(("/", "#")):
        return None
    candidate = base / location.replace("\\", "/").lstrip("/")
    try:
        candidate.resolve().relative_to(base.resolve())
    except ValueError:
        return None  # "../../etc/passwd": never outside the export's folder
    if candidate.is_file():
        return candidate
    if candidate.parent.is_dir():
        for child in candidate.parent.iterdir():
            if child.name.lower() == candidate.name.lower() and child.is_file():
                return child
    return None


def read_attachments(doc: Document) -> tuple[Document, set[Path]]:
    """The document with each attachment's text filled in where its file lies
    beside the source, and the files read. Unreadable ones become problems."""
    from raadsgraf.model import Problem
    from raadsgraf.parsers.attachment_text import attachment_text

    base = Path(doc.source.path).parent
    used: set[Path] = set()
    texts: dict[Path, str | None] = {}
    problems: list[Problem] = []

    def fill(att: Attachment) -> Attachment:
        path = _attachment_file(base, att.location) if att.text is None else None
        if path is None:
            return att
        if path not in texts:
            try:
                texts[path] = attachment_text(path.read_bytes(), str(path))
            except SourceError as exc:
                texts[path] = None
                problems.append(Problem(f"attachment {att.title!r}: {exc}"))
            except OSError as exc:
                texts[path] = None
                problems.append(Problem(f"attachment {att.title!r}: {path}: {exc.strerror}"))
            used.add(path)
        return dataclasses.replace(att, text=texts[path]) if texts[path] else att

    meetings = tuple(
        dataclasses.replace(
            m,
            items=tuple(
                dataclasses.replace(i, attachments=tuple(fill(a) for a in i.attachments))
                for i in m.items
            ),
        )
        for m in doc.meetings
    )
    if not used:
        return doc, used
    return dataclasses.replace(
        doc, meetings=meetings, problems=doc.problems + tuple(problems)
    ), used


def complete(doc: Document) -> Document:
    """The document as its parser completes it once the files beside it are read
    (a parser's optional ``complete(doc)``: eDoc's publishing XML reads an item
    from its PDF when the XML holds no text for it)."""
    from raadsgraf.parsers.registry import get

    try:
        parser = get(doc.source.format, doc.source.path)
    except SourceError:
        return doc  # a format no longer registered: nothing to complete
    finish = getattr(parser, "complete", None)
    if not callable(finish):
        return doc
    completed: Document = finish(doc)
    return completed


# --- ingest: files → records → graph store (→ search index) -------------------------

#: A stage fed with the documents an ingest (re)read: ``update(store_dir, documents,
#: settings)``. The graph is loaded first; then every sink in :func:`sinks` runs.
Sink = Callable[[Path, Sequence[Document], Settings], object]


def sinks() -> list[tuple[str, Sink]]:
    """Stages after the graph: the search index when ``raadsgraf.index`` provides ``update``."""
    found: list[tuple[str, Sink]] = []
    try:
        index = importlib.import_module("raadsgraf.index")
    except ModuleNotFoundError as exc:
        if exc.name != "raadsgraf.index":
            raise  # the module exists but a dependency of it is missing: a real error
        return found
    update = getattr(index, "update", None)
    if callable(update):
        found.append(("index", update))
    return found


@dataclass(slots=True)
class IngestReport(Reported):
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    triples: int = 0
    store_triples: int = 0
    #: what the derived graph was rebuilt with (graph/derive.DeriveReport's counts)
    derived: dict[str, int] = field(default_factory=dict)
    sink_results: dict[str, object] = field(default_factory=dict)
    cpr_redacted: int = 0
    closed_sealed: int = 0
    #: items sealed for closed-item wording their source did not mark (for review)
    sealed_for_review: list[SealedForReview] = field(default_factory=list)
    #: occurrences of texts the store forgot, removed from re-read sources
    erased: int = 0
    #: files skipped because the store was asked to forget exactly this content
    forgotten: list[str] = field(default_factory=list)
    #: the store was built by an older raadsgraf (:data:`CONTENT_VERSION`): its
    #: sources were re-read; ``outdated_kept`` could not be (their files are gone)
    upgraded: bool = False
    outdated_kept: list[str] = field(default_factory=list)
    #: person IRIs the sources give several parties: flagged rg:AmbiguousPerson
    identity_conflicts: list[str] = field(default_factory=list)
    #: generation folders a crashed ingest left behind, removed by this one
    removed_generations: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"ingested {len(self.added)} new and {len(self.replaced)} changed file(s), "
            f"{len(self.unchanged)} unchanged, {len(self.failures)} failed; "
            f"{self.triples} triples loaded, {self.store_triples} in the store; "
            f"{self.cpr_redacted} CPR number(s) redacted, {self.closed_sealed} closed item(s) sealed"
            f" ({len(self.sealed_for_review)} for closed-item wording only: review them)"
        )
        if self.identity_conflicts:
            text += (
                f"; {len(self.identity_conflicts)} identity conflict(s) flagged "
                "(one name, several parties: rg:AmbiguousPerson)"
            )
        if self.erased:
            text += f"; {self.erased} occurrence(s) of forgotten text removed"
        if self.forgotten:
            text += f"; {len(self.forgotten)} forgotten file(s) not ingested again"
        if self.upgraded:
            text += "; the store was built by an older raadsgraf: every known source was re-read"
        if self.removed_generations:
            text += (
                f"; removed {len(self.removed_generations)} generation(s) a crashed ingest "
                f"left behind: {', '.join(self.removed_generations)}"
            )
        if self.outdated_kept:
            text += (
                f"; {len(self.outdated_kept)} source(s) no longer on disk kept as an older "
                f"raadsgraf built them: {', '.join(self.outdated_kept)}"
            )
        return text


def _on_disk(key: str) -> bool:
    return Path(key).is_file()


def _content_version(generation: Path) -> int | None:
    """The :data:`CONTENT_VERSION` a store generation was built with (None: before 3)."""
    build = generation / BUILD_FILE
    try:
        info = json.loads(build.read_text(encoding="utf-8")) if build.is_file() else {}
    except (OSError, ValueError):
        return None
    version = info.get("content_version") if isinstance(info, dict) else None
    return version if isinstance(version, int) else None


def ingest(
    paths: Iterable[str | Path],
    settings: Settings | None = None,
    *,
    fmt: str | None = None,
    progress: bool = True,
    index: bool = True,
    graphs: Mapping[str, Iterable[tuple[Node, Node, Node]]] | None = None,
    parsed: Mapping[str, Document] | None = None,
) -> IngestReport:
    """Parse files and load them into the store folder ``settings.store``.

    A file whose content is unchanged since its last ingest is skipped; a changed
    file replaces its own named graph only. Then the derived graph is rebuilt and
    every sink (the search index) gets the documents that were (re)read;
    ``index=False`` loads the graph only.

    The store changes atomically (:mod:`raadsgraf.generations`): the work goes
    into a copy of the live generation, which replaces it only when graph and
    index are both written. Readers keep answering from the previous state
    meanwhile; a crash leaves the store as it was. Re-ingesting unchanged files
    writes nothing at all.

    ``graphs`` (named-graph IRI → triples) replaces whole named graphs that
    belong to no file in the same generation: what a harvest records beside
    the sources (meetings and items withdrawn from a portal). ``parsed`` (path →
    document) holds documents a caller already parsed from those very files (a
    harvest checks each answer with its parser), so they are not parsed twice.

    From :data:`APART_FROM` files on (and without ``parsed``) each stage runs in
    a fresh process of its own (:mod:`raadsgraf.apart`): the read pass, the graph
    stage, the index stage, one after the other, while this process only waits
    between them and holds none of their libraries (spaCy, lxml, rdflib,
    Oxigraph, FAISS): what crosses over is data (file names, the sittings plan,
    the report).
    """
    settings = settings or Settings()
    root = Path(settings.store)
    # under the store lock: what a writer killed mid-ingest left goes first, even
    # when nothing below changes the store
    removed = generations.cleanup(root)
    files = list(iter_files(paths))
    thin = parsed is None and len(files) >= APART_FROM
    # what was read, one source at a time: the document itself waits on disk
    # (spill), so an ingest holds one document at a time, not the archive
    spill = Spill(root)
    try:
        read: Read = _stage(
            thin, spill.folder, read_pass, files, settings, fmt, progress, parsed, spill
        )
        report = read.report
        report.removed_generations = removed
        if not read.spilled and not graphs:
            return report
        documents = Placed(read.spilled, read.place)
        _write(root, report, settings, documents, graphs, index, thin=thin)
    finally:
        spill.close()
    return report


def _stage(apart_: bool, folder: Path | None, func: Callable[..., _T], *args: object) -> _T:
    """``func(*args)``, in a process of its own when ``apart_`` (its job's files in
    ``folder``: the spill's, which goes when the ingest ends)."""
    if not apart_:
        return func(*args)
    answer: _T = apart.call(func, *args, folder=folder)
    return answer


@dataclass(slots=True)
class Read:
    """What an ingest's read pass leaves for the write pass: plain data."""

    report: IngestReport
    #: each (re)read source, its document waiting in the spill
    spilled: list[Spilled]
    #: sets each meeting's sitting (graph/sittings.Placer)
    place: Callable[[Document], Document]


def read_pass(
    files: list[Path],
    settings: Settings,
    fmt: str | None,
    progress: bool,
    parsed: Mapping[str, Document] | None,
    spill: Spill,
) -> Read:
    """An ingest's first pass: every file read, the changed ones parsed, protected
    and spilled; the sittings of their meetings planned against the store's
    (re-reading a stored source whose meeting moves)."""
    from raadsgraf.graph import sittings, store  # the graph stage, wired in here only
    from raadsgraf.graph.backend import open_graph
    from raadsgraf.parsers.registry import parse_bytes

    report = IngestReport()
    root = Path(settings.store)
    erasures = Erasures.load(root)
    live = generations.live(root)
    known = open_graph(live, settings.graph, read_only=True) if live is not None else None
    files = list(files)
    formats: dict[Path, str | None] = dict.fromkeys(files, fmt)
    if known is not None and live is not None and _content_version(live) != CONTENT_VERSION:
        # an older raadsgraf built this store: what it holds for an unchanged file
        # is not what this one would build, so every known source is read again
        report.upgraded = True
        named = {store.source_key(f) for f in files}
        for entry in known.sources():
            if entry.key in named:
                continue
            if Path(entry.key).is_file():
                files.append(Path(entry.key))
                formats[Path(entry.key)] = entry.format
            else:
                report.outdated_kept.append(entry.path)
    attachment_files: set[str] = set()
    read: list[Spilled] = []
    given: dict[str, Path] = {}  # source key → the path as this ingest was given it

    def read_file(path: Path, *, again: bool = False) -> None:
        key = store.source_key(path)
        given.setdefault(key, path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.failures.append(Failure(str(path), exc.strerror or str(exc)))
            return
        sha = hashlib.sha256(data).hexdigest()
        if sha in erasures.sources:  # `raadsgraf forget --source` took this very file back
            report.forgotten.append(str(path))
            return
        current = known is not None and not report.upgraded and known.is_current(key, sha)
        if current and not again:
            report.unchanged.append(str(path))
            return
        try:
            handed = (parsed or {}).get(str(path))
            if handed is None or fmt not in (None, handed.source.format):
                handed = parse_bytes(data, str(path), formats.get(path, fmt))
            doc, used, privacy = prepare(
                handed,
                settings.include_closed,
                settings.closed_policy,
                erasures.redact if erasures else None,
            )
        except Exception as exc:  # a parser bug must not lose the other files
            report.failures.append(failure(path, exc))
            return
        attachment_files.update(str(p) for p in used)
        report.cpr_redacted += privacy.cpr_redacted
        report.closed_sealed += privacy.closed_sealed
        report.sealed_for_review += privacy.sealed_for_review
        report.erased += privacy.erased
        replaced = known is not None and known.sources_has(key)
        (report.replaced if replaced else report.added).append(str(path))
        read.append(spill.put(key, path, sha, doc, sittings.starts_of(doc)))

    try:
        _read_all(files, read_file, progress)
        # a committee's second meeting of a day gets its own IRI; a stored meeting
        # whose IRI moves for it is read again (graph/sittings.py)
        held = sittings.held_meetings(known) if known is not None and read else {}
        place, moved = sittings.placer([(r.key, r.starts) for r in read], held, _on_disk)
        stored_path = {e.key: e.path for e in known.sources()} if moved and known else {}
        for key in sorted(moved):
            path = given.get(key)
            if path is None:  # as the store knows it, so its chunks are found and replaced
                path = Path(stored_path.get(key, key))
                path = path if store.source_key(path) == key else Path(key)
            if str(path) in report.unchanged:
                report.unchanged.remove(str(path))
            read_file(path, again=True)
        if moved:
            place, _ = sittings.placer([(r.key, r.starts) for r in read], held, _on_disk)
        report.failures = [f for f in report.failures if f.path not in attachment_files]
        if not read and known is not None:
            report.store_triples = known.triple_count()
    finally:
        if known is not None:
            known.close()  # the live generation is copied next; close it first
    return Read(report, read, place)


def _read_all(files: list[Path], read_file: Callable[[Path], None], progress: bool) -> None:
    bar = tqdm(files, desc="ingest", unit="file", disable=not progress or len(files) < 2)
    for path in bar:
        read_file(path)


@dataclass(frozen=True, slots=True)
class Loaded:
    """What an ingest's graph stage reports back."""

    triples: int
    derived: dict[str, int]
    identity_conflicts: list[str]
    store_triples: int


def _write(
    root: Path,
    report: IngestReport,
    settings: Settings,
    documents: Placed,
    graphs: Mapping[str, Iterable[tuple[Node, Node, Node]]] | None,
    index: bool,
    *,
    thin: bool = False,
) -> None:
    """Into a copy of the live generation: the graph stage (:func:`load_graph`),
    then the sinks (the index); each in a process of its own when ``thin``."""
    folder = documents.read[0].file.parent if documents else None  # the spill's
    with generations.writing(root, removed=report.removed_generations) as gen:
        # once a closed item's text is in a store, the store is an internal one for good
        build = gen / BUILD_FILE
        earlier = json.loads(build.read_text(encoding="utf-8")) if build.is_file() else {}
        internal = bool(earlier.get("include_closed")) or settings.include_closed
        info = {"include_closed": internal, "content_version": CONTENT_VERSION}
        build.write_text(json.dumps(info) + "\n", encoding="utf-8")
        extra = {iri: list(triples) for iri, triples in (graphs or {}).items()}
        loaded = _stage(thin, folder, load_graph, gen, settings, documents, extra)
        report.triples = loaded.triples
        report.derived = loaded.derived
        report.identity_conflicts = loaded.identity_conflicts
        report.store_triples = loaded.store_triples
        if documents and index:
            # a large ingest's index stage runs in a process of its own, which starts
            # without the graph stage's libraries (raadsgraf/apart.py)
            far = _apart(documents, settings, thin=thin)
            for name, update in sinks():
                report.sink_results[name] = _stage(far, folder, update, gen, documents, settings)


def load_graph(
    gen: Path,
    settings: Settings,
    documents: Placed,
    graphs: Mapping[str, list[tuple[Node, Node, Node]]],
) -> Loaded:
    """Each document's graph into the generation ``gen``, loaded as it is turned
    into triples (:meth:`GraphStore.replace_sources` loads in 8 MB batches), then
    the harvest's ``graphs``, the ontology, the derived graphs and identity."""
    import pyoxigraph as ox

    from raadsgraf import iris
    from raadsgraf.graph import build as graph
    from raadsgraf.graph import derive, identity, store
    from raadsgraf.graph.backend import open_graph

    def loads() -> Iterator[tuple[store.SourceEntry, bytes]]:
        for r, doc in zip(documents.read, documents, strict=True):
            graph_iri = iris.source_graph_iri(r.key)
            triples = graph.document_triples(doc, graph_iri)
            entry = store.SourceEntry(
                r.key, str(r.path), r.sha, doc.source.format, graph_iri, len(triples), store.now()
            )
            # N-Triples until the load: a fraction of the memory of rdflib terms
            yield entry, store.to_nquads(triples)

    gstore = open_graph(gen, settings.graph)
    triples = gstore.replace_sources(loads()) if documents else 0
    for graph_iri, extra in graphs.items():
        quads = store.to_nquads(extra, graph_iri)
        gstore.replace_graph(graph_iri, ox.parse(quads, ox.RdfFormat.N_QUADS))
        triples += quads.count(b"\n")
    gstore.load_ontology(graph.ontology_graph())
    release_freed_memory()  # the load's N-Triples batches: derive runs where they were
    derived = dataclasses.asdict(derive.refresh(gstore))  # plain data for the waiting process
    conflicts = [str(c) for c in identity.refresh(gstore)]
    gstore.flush()
    loaded = Loaded(triples, derived, conflicts, gstore.triple_count())
    gstore.close()  # release the store's lock before the sinks run
    release_freed_memory()
    return loaded


def _apart(documents: Sequence[Document], settings: Settings, *, thin: bool = False) -> bool:
    """Do the sinks run in a process of their own (:data:`APART_FROM` documents, or
    every stage does: ``thin``)? Not for an encoder this process registered: a
    fresh one would not know it."""
    if len(documents) < APART_FROM and not thin:
        return False
    from raadsgraf.index.encoders import registered

    return not registered(settings.model)


def load_kle(paths: Iterable[str | Path], settings: Settings) -> int:
    """Load KLE titles from KL's XML files into the store (replacing an earlier load);
    written into a copy of the live generation and swapped in, like an ingest.
    Returns the number of triples loaded."""
    from raadsgraf.graph.backend import open_graph
    from raadsgraf.graph.kle import KLE_GRAPH, kle_quads

    quads = []
    for name in paths:
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise SourceError(str(name), exc.strerror or str(exc)) from None
        quads += kle_quads(data, str(name))
    with generations.writing(Path(settings.store)) as gen, open_graph(gen, settings.graph) as graph:
        graph.replace_graph(KLE_GRAPH, quads)
        graph.flush()
    return len(quads)
