"""The ``quotetrack`` typer app, its shared options and the helpers every command uses.

The commands live in ``commands`` (run, quotes, claims, compare, rules, eval) and ``tracker``
(add, export, recompare, status, timeline, report); both register themselves on ``app``.
Data goes to stdout or ``--out``; messages go to stderr. Exit codes: 0 success (also with
per-document issues), 1 handled error (``Error: ...`` and a hint), 2 usage error.
"""

from __future__ import annotations

import contextlib
import functools
import math
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer

from quotetrack.cli.boundary import explain
from quotetrack.compare import CompareOptions
from quotetrack.compare.events import GroupingOptions
from quotetrack.compare.flags import FlagOptions
from quotetrack.compare.quote_matching import QuoteMatchOptions
from quotetrack.compare.syndication import SyndicationOptions
from quotetrack.errors import QuotetrackError
from quotetrack.models import Issue
from quotetrack.pipeline.extractor import DEFAULT_MAX_CHARS, DEFAULT_TIME_BUDGET_S
from quotetrack.pipeline.ingest import DEFAULT_MAX_BYTES
from quotetrack.pipeline.parallel import default_jobs
from quotetrack.pipeline.runner import Result
from quotetrack.pipeline.runner import run as run_pipeline
from quotetrack.tables.export import FORMATS

app = typer.Typer(
    help="Who said what, and which casualty figures disagree: quotes, speakers and claims from "
    "news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Inspect and check the rules files.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure accuracy against annotated gold data.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(eval_app, name="eval")

F = TypeVar("F", bound=Callable[..., Any])

INPUTS = typer.Argument(..., help="Files (.txt .html .jsonl .csv), folders, or - for stdin.")
RULES = typer.Option(None, "--rules", help="Rules directory to use instead of the packaged rules.")
OUTLET = typer.Option(None, "--outlet", help="Outlet for inputs whose metadata names none.")
PUBLISHED = typer.Option(
    None, "--published", help="Published date (YYYY-MM-DD) for inputs without one."
)
DEBUG = typer.Option(False, "--debug", help="Show the Python traceback of an internal error.")
QUIET = typer.Option(
    False, "--quiet", "-q", help="Print no per-document issues or progress, only errors."
)
MAX_BYTES = typer.Option(
    DEFAULT_MAX_BYTES,
    "--max-bytes",
    min=1,
    help="Largest .txt/.html file, or JSONL/CSV record, that is read (bytes).",
)
MAX_CHARS = typer.Option(
    DEFAULT_MAX_CHARS, "--max-chars", min=1, help="Longest document that is processed (characters)."
)
MAX_JOBS = 256
MAX_TIME_BUDGET_S = 86_400.0  # one day per document; more is a typo (and overflows timers)


def finite(value: float | None) -> float | None:
    """Reject nan and infinity in a float option (a range check lets nan through)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


JOBS = typer.Option(
    0,
    "--jobs",
    "-j",
    min=0,
    max=MAX_JOBS,
    help="Worker processes (0: one per core, or one for inputs under 2 MB).",
)
TIME_BUDGET = typer.Option(
    DEFAULT_TIME_BUDGET_S,
    "--time-budget",
    min=0.0,
    max=MAX_TIME_BUDGET_S,
    callback=finite,
    help="Seconds one document may take (0: no limit); a slower one becomes an issue row.",
)
WINDOW = typer.Option(
    1, "--window-days", min=0, help="Claims of one incident may be this many days apart."
)
TOLERANCE = typer.Option(
    1.5,
    "--tolerance",
    min=1.0,
    callback=finite,
    help="Best-figure ratio above which overlapping figures diverge (x1.5 for vague ones).",
)
SYNDICATION = typer.Option(
    0.8,
    "--syndication-threshold",
    min=0.0,
    callback=finite,
    max=1.0,
    help="Share of shared 8-word n-grams that makes two articles copies of one story.",
)
QUOTE_SIMILARITY = typer.Option(
    80.0,
    "--quote-similarity",
    min=0.0,
    callback=finite,
    max=100.0,
    help="rapidfuzz ratio (0-100) above which two quotes count as one altered quote.",
)


SMALL_INPUT_BYTES = 2_000_000


def auto_jobs(inputs: list[str]) -> int:
    """One process per core, but one alone for small inputs (starting workers costs more than it
    saves)."""
    total = 0
    for item in inputs:
        path = Path(item)
        if item == "-" or not path.exists():
            continue
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for f in files:
            total += f.stat().st_size
            if total >= SMALL_INPUT_BYTES:
                return default_jobs()
    return 1


def compare_options(
    window_days: int, tolerance: float, syndication: float, quote_similarity: float
) -> CompareOptions:
    """CompareOptions from the CLI's comparison options."""
    return CompareOptions(
        quotes=QuoteMatchOptions(min_similarity=quote_similarity),
        syndication=SyndicationOptions(threshold=syndication),
        grouping=GroupingOptions(window_days=window_days),
        flags=FlagOptions(tolerance=tolerance),
    )


def say(message: str) -> None:
    """A message for the user, on stderr."""
    typer.echo(message, err=True)


def handled(func: F) -> F:
    """Turn a QuotetrackError, and any OS, SQLite, encoding or JSON failure, into ``Error: ...``
    (+ hint) on stderr and exit code 1; with ``--debug`` the latter keep their traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QuotetrackError as exc:
            fail(exc)
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None
        except (OSError, sqlite3.Error, UnicodeError, ValueError) as exc:
            error = explain(exc, kwargs.get("db"))
            if error is None or kwargs.get("debug"):
                raise
            fail(error)

    return wrapper  # type: ignore[return-value]


def fail(error: QuotetrackError) -> NoReturn:
    """Print ``Error: ...`` and its hint on stderr and exit 1."""
    say(f"Error: {error.message}")
    if error.hint:
        say(f"Hint: {error.hint}")
    raise typer.Exit(1) from None


def check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """Validate a --format value (a usage error, exit 2, when unknown)."""
    if fmt not in allowed:
        raise typer.BadParameter(
            f"{fmt!r} is not one of {', '.join(allowed)}", param_hint="--format"
        )
    return fmt


@dataclass(frozen=True)
class Limits:
    """Per-document limits given on the command line."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_chars: int = DEFAULT_MAX_CHARS
    time_budget: float = DEFAULT_TIME_BUDGET_S


def _feedback(quiet: bool) -> tuple[Any, Callable[[Any], None]]:
    """A progress display on stderr (only on a terminal, without --quiet) and a callback that
    prints each document's issues as they arrive and advances the display."""
    printer: Callable[[str], None] = say
    display: Any = contextlib.nullcontext()
    advance: Callable[[], None] = lambda: None  # noqa: E731
    if not quiet and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed} documents"),
            TimeElapsedColumn(),
            console=Console(stderr=True, highlight=False),
            transient=True,
        )
        task = progress.add_task("extracting")
        display = progress
        printer = lambda line: progress.console.print(line, markup=False)  # noqa: E731
        advance = lambda: progress.advance(task)  # noqa: E731

    def on_item(item: Any) -> None:
        issues = [item] if isinstance(item, Issue) else item.issues
        if not quiet:
            for issue in issues:
                printer(issue.one_line())
        advance()

    return display, on_item


def _check_counts(result: Result, strict: bool) -> None:
    if result.documents_in == 0:
        raise QuotetrackError(
            "no input documents found",
            hint="give .txt, .html, .jsonl or .csv files, a folder, or -",
        )
    if result.processed == 0:
        raise QuotetrackError(
            f"none of the {result.documents_in} input documents could be processed",
            hint="see the issues above",
        )
    if strict and result.count("issues"):
        say(result.summary())
        raise QuotetrackError(
            f"{result.count('issues')} issues and --strict was given", hint="see issues.csv"
        )


def _run(
    inputs: list[str],
    rules: Path | None,
    outlet: str | None,
    published: str | None,
    debug: bool,
    quiet: bool,
    strict: bool = False,
    options: CompareOptions | None = None,
    limits: Limits = Limits(),
    jobs: int = 1,
) -> Result:
    """The whole pipeline in memory (for commands that print one table)."""
    display, on_item = _feedback(quiet)
    with display:
        result = run_pipeline(
            inputs,
            rules_dir=rules,
            outlet=outlet,
            published=published,
            debug=debug,
            compare_options=options,
            on_document=on_item,
            max_bytes=limits.max_bytes,
            max_chars=limits.max_chars,
            time_budget_s=limits.time_budget or None,
            jobs=jobs,
        )
    _check_counts(result, strict)
    return result
