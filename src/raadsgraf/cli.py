"""The command line: parse arguments → one library call → print.

stdout carries data (``--json``), stderr carries progress and problems.
Exit codes: 0 all good, 1 some input failed, 2 usage error,
3 everything was read but with warnings (for example text that was not UTF-8).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from raadsgraf import config, pipeline
from raadsgraf.errors import RaadsgrafError
from raadsgraf.model import Document, to_jsonable

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
        report = pipeline.parse_files(
            paths, fmt, progress=not quiet, include_closed=settings.include_closed
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
    formats = ", ".join(f"{n} {f}" for f, n in sorted(report.by_format().items()))
    click.echo(
        f"parsed {len(report.documents)} file(s) ({formats or 'none'}), "
        f"{sum(d.item_count for d in report.documents)} agenda items, "
        f"{len(report.failures)} failed, {warnings} warning(s), "
        f"{report.cpr_redacted} CPR number(s) redacted, {report.closed_sealed} closed item(s) sealed",
        err=True,
    )
    if report.failures:
        sys.exit(EXIT_FAILED)
    if warnings:
        sys.exit(EXIT_WARNINGS)


def main() -> None:
    cli()
