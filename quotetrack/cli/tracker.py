"""The tracker commands (``add``, ``export``, ``status``, ``timeline``, ``report``) on the main app.

A thin shell over ``quotetrack.pipeline.store`` and ``quotetrack.report.html``; imported by
``quotetrack.cli.commands``,
which registers these commands on its ``app``. Data goes to stdout or the named file, messages
(issues, what a batch changed, the one-line summary) to stderr.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from quotetrack.cli.shell import (
    EXCEL,
    QUIET,
    app,
    auto_jobs,
    check_format,
    comparison_lines,
    handled,
    run_options,
    say,
)
from quotetrack.errors import QuotetrackError

if TYPE_CHECKING:  # the models, the pipeline and the store are imported when a command runs
    from quotetrack.models import Issue
    from quotetrack.pipeline.extractor import Extractor
    from quotetrack.pipeline.options import RunOptions
    from quotetrack.pipeline.store import Store

DB = typer.Option(..., "--db", metavar="FILE", help="The SQLite store (created by the first add).")
OUTPUT = typer.Option(
    None, "--output", "-o", metavar="FILE", help="File to write (default: stdout)."
)


def emit(text: str, output: Path | None) -> None:
    """``text`` (ending in a newline) to stdout, or written to ``output`` (then said on stderr)."""
    if output is None:
        typer.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)
    say(f"wrote {output}")


STORE_FORMATS = ("csv", "jsonl", "json", "parquet")


@contextlib.contextmanager
def progress_bar(
    quiet: bool, label: str = "extracting"
) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr, only on a terminal and without --quiet; yields ``update(done,
    total)``."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total or None)


def counter(update: Callable[[int, int], None] | None) -> Callable[[Any], None] | None:
    """An ``on_document`` callback that counts documents into ``update`` (total unknown)."""
    if update is None:
        return None
    done = 0

    def tick(_item: Any) -> None:
        nonlocal done
        done += 1
        update(done, 0)

    return tick


def documents_only(inputs: list[str], quiet: bool = False) -> list[str]:
    """The inputs less sidecar files (``NAME.meta.json``), which are read with their document.

    A shell glob such as ``seeds/000*`` names the sidecar too; it is metadata, not an article.
    """
    from quotetrack.pipeline.ingest import SIDECAR_SUFFIX

    kept = [i for i in inputs if not i.endswith(SIDECAR_SUFFIX)]
    if not quiet:
        for skipped in sorted(set(inputs) - set(kept)):
            say(f"info: {skipped}: sidecar metadata, read with its document")
    return kept


def print_issues(issues: list[Issue], quiet: bool) -> None:
    """One stderr line per issue (none with --quiet)."""
    if not quiet:
        for issue in issues:
            say(issue.one_line())


def open_store(db: Path, create: bool = True) -> Store:
    """The store at ``db`` (``quotetrack.pipeline.store`` imported on first use)."""
    from quotetrack.pipeline.store import Store

    return Store(db, create=create)


def extractor_for(options: RunOptions) -> Extractor:
    """An Extractor with the rules and per-document limits of ``options``."""
    return options.extractor()


def store_summary(store: Store, seconds: float) -> str:
    """The one-line summary of a store: articles, quotes, claims, disagreements, issues, seconds."""
    s = store.status()
    return (
        f"store {store.path}: {s['articles']} articles, {s['quotes']} quotes, "
        f"{s['claims']} claims, {s['open_disagreements']} disagreements, "
        f"{s['toll_changes']} toll changes, {s['issues']} issues; {seconds:.2f} s"
    )


@app.command()
@handled
@run_options("rules", "input", "limits", "jobs", "compare", "debug")
def add(
    inputs: list[str] = typer.Argument(
        ...,
        metavar="INPUT",
        help="Files (.txt .html .json .jsonl .csv .tsv), folders, URLs, or - for stdin.",
    ),
    db: Path = DB,
    fts: bool = typer.Option(
        False,
        "--fts",
        help="Also index quotes and claim sentences for full-text search (kept up to date by "
        "every later add; Datasette shows a search box).",
    ),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any issue was reported."),
    quiet: bool = QUIET,
    options: RunOptions = None,  # type: ignore[assignment]  # made by run_options
) -> None:
    """Add articles to the store and recompare everything stored (new, changed or unchanged: said
    per article). Comparison options given here are remembered by the store.

    Example: quotetrack add seeds/ --db track.sqlite
    """
    started = time.perf_counter()
    inputs = documents_only(inputs, quiet)
    extractor = extractor_for(options)
    from quotetrack.compare import COMPARISON_ISSUE_CODES
    from quotetrack.models import Article, Issue
    from quotetrack.pipeline.ingest import read_inputs
    from quotetrack.pipeline.options import RunOptions
    from quotetrack.pipeline.runner import require_processed

    options = RunOptions.of(options, jobs=options.jobs or auto_jobs(inputs))
    items = list(read_inputs(inputs, options.ingest()))
    if not any(isinstance(item, Article) for item in items):  # nothing to store: create nothing
        print_issues([item for item in items if isinstance(item, Issue)], quiet)
        require_processed(sum(1 for i in items if isinstance(i, Issue) and i.fatal), 0)
    with open_store(db) as store:
        with progress_bar(quiet) as update:
            report = store.add(items, extractor, options, inputs=inputs, progress=update)
        if fts and store.enable_fts() and not quiet:
            say(f"full-text search on: quotes_fts, claims_fts in {db}")
        print_issues([i for i in report.issues if i.code not in COMPARISON_ISSUE_CODES], quiet)
        if not quiet:
            for line in comparison_lines(report.issues):
                say(line)
        for line in report.messages():
            say(line)
        if not report.stored and not report.unchanged and not report.duplicates:
            raise QuotetrackError(
                f"none of the {len(items)} input documents could be processed",
                hint="see the issues above",
            )
        verdict = "nothing new" if not report.changed else f"batch {report.batch_id}"
        say(
            f"{verdict}: {len(report.new)} new, {len(report.replaced)} replaced, "
            f"{len(report.unchanged)} unchanged, "
            f"{len(report.duplicates)} duplicates, {report.failed} failed"
        )
        say(store_summary(store, time.perf_counter() - started))
        if strict and report.issues:
            raise QuotetrackError(
                f"{len(report.issues)} issues and --strict was given", hint="see the issues above"
            )


@app.command("datasette-metadata")
@handled
def datasette_metadata(
    db: Path = DB,
    output: Path | None = OUTPUT,
) -> None:
    """Write Datasette's metadata.json for the store: every table and column described.

    Example: quotetrack datasette-metadata --db track.sqlite -o metadata.json
    """
    from quotetrack.pipeline.store import STORE_DESCRIPTIONS
    from quotetrack.tables.dictionary import datasette_metadata as metadata

    data = metadata(db.stem)
    tables = data["databases"][db.stem]["tables"]
    for name, description in STORE_DESCRIPTIONS.items():
        tables.setdefault(name, {})["description"] = description
    emit(json.dumps(data, ensure_ascii=False, indent=1) + "\n", output)


@app.command()
@handled
def export(
    db: Path = DB,
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR", help="Folder for the tables."),
    fmt: str = typer.Option(
        "csv", "--format", "-f", metavar="csv|jsonl|json|parquet", help="Format of the tables."
    ),
    excel: bool = EXCEL,
    quiet: bool = QUIET,
) -> None:
    """Write every table of the store to --out, the same files ``quotetrack run`` writes.

    Example: quotetrack export --db track.sqlite --out tables/ --format jsonl
    """
    from quotetrack.tables.export import write_tables

    check_format(fmt, STORE_FORMATS)
    with open_store(db, create=False) as store:
        paths = write_tables(store.tables(), out, fmt, excel)  # type: ignore[arg-type]
    if not quiet:
        say(f"wrote {len(paths)} tables to {out}/ ({', '.join(p.name for p in paths)})")


@app.command()
@handled
@run_options("rules", "compare")
def recompare(
    db: Path = DB,
    quiet: bool = QUIET,
    options: RunOptions = None,  # type: ignore[assignment]  # made by run_options
) -> None:
    """Recompute quote matches, event groups and disagreements over the whole store with new
    options; the store remembers them for the next add.

    Example: quotetrack recompare --db track.sqlite --tolerance 2
    """
    from quotetrack.pipeline.store import options_changed

    if not db.is_file():
        raise QuotetrackError(
            f"{db}: no such store", hint="create it with quotetrack add INPUT... --db FILE"
        )
    with open_store(db) as store:
        resolved, changes = store.resolve_options(options)
        comparison = store.recompare(extractor_for(options), resolved)
        if not quiet:
            for line in comparison_lines(comparison.issues):
                say(line)
            say(
                f"recompared: {len(comparison.quote_matches)} quote matches, "
                f"{len(comparison.event_groups)} event groups, "
                f"{len(comparison.disagreements)} disagreements"
            )
        if changes:
            say(options_changed(changes))


@app.command()
@handled
def status(
    db: Path = DB,
    fmt: str = typer.Option("text", "--format", "-f", metavar="text|json", help="text or json."),
    as_json: bool = typer.Option(False, "--json", hidden=True, help="Same as --format json."),
    output: Path | None = OUTPUT,
) -> None:
    """Summarise the store: articles, outlets, quotes, claims, open disagreements, newest article.

    Example: quotetrack status --db track.sqlite
    """
    fmt = check_format("json" if as_json else fmt, ("text", "json"))
    with open_store(db, create=False) as store:
        s = store.status()
    if fmt == "json":
        emit(json.dumps(s, indent=1) + "\n", output)
        return
    newest = s["newest_article"]
    lines = [
        f"store: {s['path']} (schema {s['schema_version']}, {s['batches']} batches)",
        f"articles: {s['articles']} from {s['outlets']} outlets",
        f"quotes: {s['quotes']}",
        f"claims: {s['claims']} in {s['event_groups']} event groups",
        f"open disagreements: {s['open_disagreements']}",
        f"toll changes: {s['toll_changes']}",
        f"issues: {s['issues']}",
        "newest article: "
        + (
            "none dated"
            if newest is None
            else f"{newest['published']} {newest['doc_id']} {newest['title'] or ''}".rstrip()
        ),
    ]
    emit("\n".join(lines) + "\n", output)


def _figure(row: dict[str, Any]) -> str:
    low = "?" if row["low"] is None else f"{row['low']:,}"
    high = "∞" if row["high"] is None else f"{row['high']:,}"
    return f"{row['count_text']} [{low}, {high}]"


@app.command()
@handled
def timeline(
    db: Path = DB,
    event: str | None = typer.Option(None, "--event", help="Only this event group id."),
    fmt: str = typer.Option(
        "text", "--format", "-f", metavar="text|jsonl|json", help="text, jsonl or json."
    ),
    as_json: bool = typer.Option(False, "--json", hidden=True, help="Same as --format jsonl."),
    output: Path | None = OUTPUT,
) -> None:
    """Print each claimant's figures per event group in date order, marking updates and revisions
    down.

    Example: quotetrack timeline --db track.sqlite --event g3
    """
    fmt = check_format("jsonl" if as_json else fmt, ("text", "jsonl", "json"))
    with open_store(db, create=False) as store:
        rows = store.timeline(event)
    if event and not rows:
        raise QuotetrackError(
            f"no event group {event!r} in {db}",
            hint="see the group ids with: quotetrack timeline --db FILE",
        )
    emit(_timeline_text(rows, fmt), output)


def _timeline_text(rows: list[dict[str, Any]], fmt: str) -> str:
    """The timeline rows as json, jsonl or the text table."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    lines = []
    current = None
    for row in rows:
        if row["group_id"] != current:
            current = row["group_id"]
            where = f" in {row['location']}" if row["location"] else ""
            lines.append(f"{current}: {row['category']}{where}")
        change = {"update": "  ↑ update", "revision_down": "  ↓ revision down"}.get(
            row["change"] or "", ""
        )
        lines.append(
            f"  {row['date'] or '????-??-??'}  {(row['claimant'] or '(own voice)'):<40} "
            f"{_figure(row):<28} "
            f"{row['outlet'] or row['doc_id']}{change}"
        )
    return "".join(line + "\n" for line in lines)


@app.command()
@handled
@run_options("rules", "input", "limits", "compare", "debug")
def report(
    inputs: list[str] | None = typer.Argument(
        None, metavar="INPUT", help="Articles to report on (or --db)."
    ),
    db: Path | None = typer.Option(None, "--db", help="Report on everything in this store."),
    output: Path = typer.Option(
        ..., "--output", "-o", metavar="FILE", help="The HTML file to write."
    ),
    title: str = typer.Option(
        "quotetrack report", "--title", help="Title at the top of the report."
    ),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any issue was reported."),
    quiet: bool = QUIET,
    options: RunOptions = None,  # type: ignore[assignment]  # made by run_options
) -> None:
    """Write one self-contained HTML report: number lines per event, disagreements, quotes,
    highlighted articles.

    Example: quotetrack report seeds/ -o report.html
    """
    if bool(inputs) == (db is not None):
        raise typer.BadParameter("give either INPUT... or --db FILE", param_hint="INPUT / --db")
    started = time.perf_counter()
    if db is not None:
        with open_store(db, create=False) as store:
            tables = store.tables()
            summary = store_summary(store, 0.0).rsplit(";", 1)[0]
    else:
        with progress_bar(quiet) as update:
            from quotetrack.pipeline.runner import run as run_pipeline

            result = run_pipeline(
                documents_only(inputs or [], quiet), options, on_document=counter(update)
            )
        if not quiet:
            for row in result.tables["issues"].itertuples(index=False):
                say(f"{row.severity}: {row.source or row.doc_id or '<input>'}: {row.message}")
        if result.processed == 0:
            raise QuotetrackError(
                "no input documents could be processed", hint="see the issues above"
            )
        tables = result.tables
        summary = result.summary().rsplit(";", 1)[0]
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    from quotetrack.report.html import render_report

    tmp.write_text(render_report(tables, title=title), encoding="utf-8")
    tmp.replace(output)
    say(f"{summary}; {time.perf_counter() - started:.2f} s")
    say(f"wrote {output}")
    if strict and len(tables["issues"]):
        raise QuotetrackError(
            f"{len(tables['issues'])} issues and --strict was given",
            hint="see the issues in the report",
        )
