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

from quotetrack.cli.app import (
    DATE_COLUMN,
    DATE_ORDER,
    DEBUG,
    EXCEL,
    FETCH_PRIVATE,
    ID_COLUMN,
    MAX_BYTES,
    MAX_CHARS,
    NO_FETCH,
    OUTLET,
    OUTLET_COLUMN,
    PUBLISHED,
    QUIET,
    QUOTE_SIMILARITY,
    RULES,
    SYNDICATION,
    TEXT_COLUMN,
    TIME_BUDGET,
    TOLERANCE,
    URL_COLUMN,
    WINDOW,
    Reading,
    app,
    check_format,
    compare_options,
    handled,
    say,
)
from quotetrack.errors import QuotetrackError
from quotetrack.models import Article, Issue
from quotetrack.pipeline.ingest import SIDECAR_SUFFIX
from quotetrack.tables.export import write_tables

if TYPE_CHECKING:  # the pipeline and the store are imported when a command runs
    from quotetrack.pipeline.extractor import Extractor
    from quotetrack.pipeline.store import Store

DB = typer.Option(..., "--db", help="The SQLite store (created by the first add).")
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


def extractor_for(rules: Path | None, **limits: Any) -> Extractor:
    """An Extractor with the rules of ``rules`` (the packaged rules when None)."""
    from quotetrack.pipeline.extractor import Extractor
    from quotetrack.rulebook.ruleset import load_ruleset

    return Extractor(load_ruleset(rules), **limits)


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
def add(
    inputs: list[str] = typer.Argument(
        ..., help="Files (.txt .html .jsonl .csv), folders, or - for stdin."
    ),
    db: Path = DB,
    rules: Path | None = RULES,
    outlet: str | None = OUTLET,
    published: str | None = PUBLISHED,
    debug: bool = DEBUG,
    quiet: bool = QUIET,
    window_days: int = WINDOW,
    tolerance: float = TOLERANCE,
    syndication: float = SYNDICATION,
    quote_similarity: float = QUOTE_SIMILARITY,
    max_bytes: int = MAX_BYTES,
    max_chars: int = MAX_CHARS,
    time_budget: float = TIME_BUDGET,
    text_column: str | None = TEXT_COLUMN,
    id_column: str | None = ID_COLUMN,
    date_column: str | None = DATE_COLUMN,
    outlet_column: str | None = OUTLET_COLUMN,
    url_column: str | None = URL_COLUMN,
    date_order: str | None = DATE_ORDER,
    no_fetch: bool = NO_FETCH,
    fetch_private: bool = FETCH_PRIVATE,
) -> None:
    """Add articles to the store and recompare everything stored (new, changed or unchanged: said
    per article).

    Example: quotetrack add seeds/ --db track.sqlite
    """
    started = time.perf_counter()
    inputs = documents_only(inputs, quiet)
    extractor = extractor_for(rules, max_chars=max_chars, time_budget_s=time_budget or None)
    reading = Reading.from_options(
        text_column,
        id_column,
        date_column,
        outlet_column,
        url_column,
        date_order,
        no_fetch,
        fetch_private,
    )
    from quotetrack.pipeline.ingest import read_inputs
    from quotetrack.pipeline.runner import require_processed

    items = list(read_inputs(inputs, reading.ingest(outlet, published, max_bytes)))
    if not any(isinstance(item, Article) for item in items):  # nothing to store: create nothing
        print_issues([item for item in items if isinstance(item, Issue)], quiet)
        require_processed(sum(1 for i in items if isinstance(i, Issue) and i.fatal), 0)
    with open_store(db) as store:
        with progress_bar(quiet) as update:
            report = store.add(
                items,
                extractor,
                compare_options(window_days, tolerance, syndication, quote_similarity),
                inputs=inputs,
                debug=debug,
                progress=update,
            )
        print_issues(report.issues, quiet)
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


@app.command("datasette-metadata")
@handled
def datasette_metadata(
    db: Path = DB,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default: stdout)."
    ),
) -> None:
    """Write Datasette's metadata.json for the store: every table and column described.

    Example: quotetrack datasette-metadata --db track.sqlite -o metadata.json
    """
    from quotetrack.tables.dictionary import datasette_metadata as metadata

    text = json.dumps(metadata(db.stem), ensure_ascii=False, indent=1) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        say(f"wrote {output}")


@app.command()
@handled
def export(
    db: Path = DB,
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the tables."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, jsonl, json or parquet."),
    excel: bool = EXCEL,
) -> None:
    """Write every table of the store to --out, the same files ``quotetrack run`` writes.

    Example: quotetrack export --db track.sqlite --out tables/ --format jsonl
    """
    check_format(fmt, STORE_FORMATS)
    with open_store(db, create=False) as store:
        paths = write_tables(store.tables(), out, fmt, excel)  # type: ignore[arg-type]
    say(f"wrote {len(paths)} tables to {out}/ ({', '.join(p.name for p in paths)})")


@app.command()
@handled
def recompare(
    db: Path = DB,
    rules: Path | None = RULES,
    window_days: int = WINDOW,
    tolerance: float = TOLERANCE,
    syndication: float = SYNDICATION,
    quote_similarity: float = QUOTE_SIMILARITY,
) -> None:
    """Recompute quote matches, event groups and disagreements over the whole store with new
    options.

    Example: quotetrack recompare --db track.sqlite --tolerance 2
    """
    if not db.is_file():
        raise QuotetrackError(
            f"{db}: no such store", hint="create it with quotetrack add INPUT... --db FILE"
        )
    with open_store(db) as store:
        comparison = store.recompare(
            extractor_for(rules),
            compare_options(window_days, tolerance, syndication, quote_similarity),
        )
        say(
            f"recompared: {len(comparison.quote_matches)} quote matches, "
            f"{len(comparison.event_groups)} event groups, "
            f"{len(comparison.disagreements)} disagreements"
        )


@app.command()
@handled
def status(
    db: Path = DB,
    fmt: str = typer.Option("text", "--format", "-f", metavar="text|json", help="text or json."),
    as_json: bool = typer.Option(False, "--json", hidden=True, help="Same as --format json."),
) -> None:
    """Summarise the store: articles, outlets, quotes, claims, open disagreements, newest article.

    Example: quotetrack status --db track.sqlite
    """
    fmt = check_format("json" if as_json else fmt, ("text", "json"))
    with open_store(db, create=False) as store:
        s = store.status()
    if fmt == "json":
        typer.echo(json.dumps(s, indent=1))
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
    typer.echo("\n".join(lines))


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
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if fmt == "jsonl":
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    current = None
    for row in rows:
        if row["group_id"] != current:
            current = row["group_id"]
            where = f" in {row['location']}" if row["location"] else ""
            typer.echo(f"{current}: {row['category']}{where}")
        change = {"update": "  ↑ update", "revision_down": "  ↓ revision down"}.get(
            row["change"] or "", ""
        )
        typer.echo(
            f"  {row['date'] or '????-??-??'}  {(row['claimant'] or '(own voice)'):<40} "
            f"{_figure(row):<28} "
            f"{row['outlet'] or row['doc_id']}{change}"
        )


@app.command()
@handled
def report(
    inputs: list[str] | None = typer.Argument(None, help="Articles to report on (or --db)."),
    db: Path | None = typer.Option(None, "--db", help="Report on everything in this store."),
    output: Path = typer.Option(..., "--output", "-o", help="The HTML file to write."),
    title: str = typer.Option(
        "quotetrack report", "--title", help="Title at the top of the report."
    ),
    rules: Path | None = RULES,
    outlet: str | None = OUTLET,
    published: str | None = PUBLISHED,
    debug: bool = DEBUG,
    quiet: bool = QUIET,
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
                documents_only(inputs or [], quiet),
                rules_dir=rules,
                outlet=outlet,
                published=published,
                debug=debug,
                on_document=counter(update),
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
