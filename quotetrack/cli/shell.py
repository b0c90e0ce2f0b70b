"""The ``quotetrack`` typer app, its shared options and the helpers every command uses.

The commands live in ``commands`` (run, quotes, claims, compare, rules, eval) and ``tracker``
(add, export, recompare, status, timeline, report); both register themselves on ``app``.
Data goes to stdout or ``--out``; messages go to stderr. Exit codes: 0 success (also with
per-document issues), 1 handled error (``Error: ...`` and a hint), 2 usage error.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, get_args

import typer

from quotetrack.cli.boundary import explain
from quotetrack.errors import QuotetrackError
from quotetrack.pipeline.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_CHARS, DEFAULT_TIME_BUDGET_S

if TYPE_CHECKING:  # the pipeline is imported when a command runs, so --help answers fast
    from quotetrack.models import Issue
    from quotetrack.pipeline.options import RunOptions
    from quotetrack.pipeline.runner import Result

#: plain help and usage errors (click's): rendering them with rich imports rich and markdown-it,
#: which took half of ``quotetrack --help``'s time (benchmarks/cli_startup.py)
PLAIN = {"rich_markup_mode": None, "no_args_is_help": True}
app = typer.Typer(
    help="Who said what, and which casualty figures disagree: quotes, speakers and claims from "
    "news.",
    add_completion=False,
    pretty_exceptions_enable=False,
    **PLAIN,  # type: ignore[arg-type]
)
rules_app = typer.Typer(help="Inspect and check the rules files.", **PLAIN)  # type: ignore[arg-type]
eval_app = typer.Typer(help="Measure accuracy against annotated gold data.", **PLAIN)  # type: ignore[arg-type]


def _print_version(value: bool) -> None:
    if value:
        from quotetrack import __version__

        typer.echo(f"quotetrack {__version__}")
        raise typer.Exit()


@app.callback()
def _main_options(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Who said what, and which casualty figures disagree: quotes, speakers and claims from news."""


app.add_typer(rules_app, name="rules")
app.add_typer(eval_app, name="eval")

F = TypeVar("F", bound=Callable[..., Any])

INPUTS = typer.Argument(
    ...,
    metavar="INPUT",
    help="Files (.txt .html .json .jsonl .csv .tsv), folders, http(s):// URLs, or - for stdin.",
)
RULES = typer.Option(
    None, "--rules", metavar="DIR", help="Rules directory to use instead of the packaged rules."
)
OUTLET = typer.Option(
    None, "--outlet", metavar="NAME", help="Outlet for inputs whose metadata names none."
)
PUBLISHED = typer.Option(
    None,
    "--published",
    metavar="DATE",
    help="Published date (YYYY-MM-DD) for inputs without one.",
)
TEXT_COLUMN = typer.Option(
    None,
    "--text-column",
    metavar="NAME",
    help="CSV/TSV column or JSON key holding the article text (default: text, body, content...).",
)
ID_COLUMN = typer.Option(
    None, "--id-column", metavar="NAME", help="Column holding the doc_id (default: doc_id, id)."
)
DATE_COLUMN = typer.Option(
    None,
    "--date-column",
    metavar="NAME",
    help="Column holding the published date (default: published, date, pubdate...).",
)
OUTLET_COLUMN = typer.Option(
    None,
    "--outlet-column",
    metavar="NAME",
    help="Column holding the outlet (default: outlet, source, publication...).",
)
URL_COLUMN = typer.Option(
    None, "--url-column", metavar="NAME", help="Column holding the URL (default: url, link)."
)
DATE_ORDER = typer.Option(
    None,
    "--date-order",
    metavar="MDY|DMY|YMD",
    help="How to read an ambiguous date such as 3/4/2013 (default MDY: March 4).",
)
NO_FETCH = typer.Option(
    False, "--no-fetch", help="Refuse http(s):// inputs instead of downloading them."
)
FETCH_PRIVATE = typer.Option(
    False,
    "--fetch-private",
    help="Also download from loopback and private addresses (an intranet); blocked by default.",
)
EXCEL = typer.Option(
    False,
    "--excel",
    help="Start each CSV file with a UTF-8 byte-order mark, so Excel shows accents and quotes.",
)
DEBUG = typer.Option(False, "--debug", help="Show the Python traceback of an internal error.")
QUIET = typer.Option(
    False, "--quiet", "-q", help="Print no per-document issues or progress, only errors."
)
MAX_BYTES = typer.Option(
    DEFAULT_MAX_BYTES,
    "--max-bytes",
    min=1,
    metavar="BYTES",
    help="Largest .txt/.html file, or JSONL/CSV record, that is read (bytes).",
)
MAX_CHARS = typer.Option(
    DEFAULT_MAX_CHARS,
    "--max-chars",
    min=1,
    metavar="CHARS",
    help="Longest document that is processed (characters).",
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
    metavar="N",
    max=MAX_JOBS,
    help="Worker processes (0: one per core, or one for inputs under 2 MB).",
)
TIME_BUDGET = typer.Option(
    DEFAULT_TIME_BUDGET_S,
    "--time-budget",
    min=0.0,
    metavar="SECONDS",
    max=MAX_TIME_BUDGET_S,
    callback=finite,
    help="Seconds one document may take (0: no limit); a slower one becomes an issue row.",
)
COMPARE_BUDGET = typer.Option(
    None,
    "--compare-budget",
    min=0.0,
    metavar="SECONDS",
    max=MAX_TIME_BUDGET_S,
    callback=finite,
    help="Seconds the comparison may take (0: no limit; default: 60 documents' --time-budget "
    "+ a tenth of it per document); incidents not compared in time keep their rows, get no "
    "flags and an issue row.",
)
REMEMBERED = "; a store keeps the value last used"
WINDOW = typer.Option(
    None,
    "--window-days",
    min=0,
    metavar="DAYS",
    help=f"Claims of one incident may be this many days apart (default 1{REMEMBERED}).",
)
TOLERANCE = typer.Option(
    None,
    "--tolerance",
    min=1.0,
    callback=finite,
    metavar="RATIO",
    help="Best-figure ratio above which overlapping figures diverge, x1.5 for vague ones "
    f"(default 1.5{REMEMBERED}).",
)
SYNDICATION = typer.Option(
    None,
    "--syndication-threshold",
    min=0.0,
    callback=finite,
    max=1.0,
    metavar="SHARE",
    help="Share of shared 8-word n-grams that makes two articles copies of one story "
    f"(default 0.8{REMEMBERED}).",
)
QUOTE_SIMILARITY = typer.Option(
    None,
    "--quote-similarity",
    min=0.0,
    callback=finite,
    max=100.0,
    metavar="SCORE",
    help="rapidfuzz ratio (0-100) above which two quotes count as one altered quote "
    f"(default 80{REMEMBERED}).",
)


SMALL_INPUT_BYTES = 2_000_000


def auto_jobs(inputs: list[str]) -> int:
    """One process per core, but one alone for small inputs (starting workers costs more than it
    saves)."""
    total = 0
    from quotetrack.pipeline.parallel import default_jobs

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


def check_format(fmt: str, allowed: tuple[str, ...] | None = None) -> str:
    """Validate a --format value against ``allowed`` (default: every table format; a usage
    error, exit 2, when unknown)."""
    if allowed is None:
        from quotetrack.tables.export import FORMATS

        allowed = FORMATS
    if fmt not in allowed:
        raise typer.BadParameter(
            f"{fmt!r} is not one of {', '.join(allowed)}", param_hint="--format"
        )
    return fmt


#: the flags each group of run options adds to a command: (parameter name, type, typer option).
#: The command gets them as one ``RunOptions`` (``options``), built by ``run_options``.
OPTION_GROUPS: dict[str, tuple[tuple[str, Any, Any], ...]] = {
    "rules": (("rules", Path | None, RULES),),
    "input": (
        ("outlet", str | None, OUTLET),
        ("published", str | None, PUBLISHED),
        ("text_column", str | None, TEXT_COLUMN),
        ("id_column", str | None, ID_COLUMN),
        ("date_column", str | None, DATE_COLUMN),
        ("outlet_column", str | None, OUTLET_COLUMN),
        ("url_column", str | None, URL_COLUMN),
        ("date_order", str | None, DATE_ORDER),
        ("no_fetch", bool, NO_FETCH),
        ("fetch_private", bool, FETCH_PRIVATE),
        ("max_bytes", int, MAX_BYTES),
    ),
    "limits": (
        ("max_chars", int, MAX_CHARS),
        ("time_budget", float, TIME_BUDGET),
        ("compare_budget", float | None, COMPARE_BUDGET),
    ),
    "jobs": (("jobs", int, JOBS),),
    "compare": (
        ("window_days", int | None, WINDOW),
        ("tolerance", float | None, TOLERANCE),
        ("syndication", float | None, SYNDICATION),
        ("quote_similarity", float | None, QUOTE_SIMILARITY),
    ),
    "debug": (("debug", bool, DEBUG),),
}
#: CLI parameter -> ``RunOptions`` field, where the names differ.
RUN_OPTION_NAMES = {
    "rules": "rules_dir",
    "time_budget": "time_budget_s",
    "compare_budget": "compare_budget_s",
    "syndication": "syndication_threshold",
}
#: the column flags -> the record field each one maps.
COLUMN_FLAGS = {
    "text_column": "text",
    "id_column": "doc_id",
    "date_column": "published",
    "outlet_column": "outlet",
    "url_column": "url",
}


def build_run_options(flags: dict[str, Any]) -> Any:
    """The ``RunOptions`` of a command's run flags (a usage error for an unknown --date-order)."""
    from quotetrack.models import DateOrder
    from quotetrack.pipeline.options import RunOptions

    flags = dict(flags)
    columns = {field: flags.pop(flag) for flag, field in COLUMN_FLAGS.items() if flag in flags}
    values: dict[str, Any] = {"columns": {f: c for f, c in columns.items() if c}}
    if "date_order" in flags:
        given = flags.pop("date_order")
        order = given.upper() if given else None
        if order not in (None, *get_args(DateOrder)):
            raise typer.BadParameter(
                f"{given!r} is not one of MDY, DMY, YMD", param_hint="--date-order"
            )
        values["date_order"] = order
    if "no_fetch" in flags:
        values["fetch"] = not flags.pop("no_fetch")
    if "time_budget" in flags:
        values["time_budget_s"] = flags.pop("time_budget") or None
    values |= {RUN_OPTION_NAMES.get(name, name): value for name, value in flags.items()}
    return RunOptions.of(**values)


def run_options(*groups: str) -> Callable[[F], F]:
    """Give a command the flags of these ``OPTION_GROUPS`` and call it with them as one
    ``RunOptions`` in its ``options`` parameter (declared once here, not in every command)."""
    specs = [spec for group in groups for spec in OPTION_GROUPS[group]]

    def decorate(func: F) -> F:
        signature = inspect.signature(func)
        own = [p for p in signature.parameters.values() if p.name != "options"]
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=info, annotation=kind)
            for name, kind, info in specs
        ]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            flags = {name: kwargs.pop(name) for name, _, _ in specs if name in kwargs}
            return func(*args, options=build_run_options(flags), **kwargs)

        wrapper.__signature__ = signature.replace(parameters=own + added)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {  # typer resolves these; RunOptions is not imported here
            **{k: v for k, v in func.__annotations__.items() if k != "options"},
            **{name: kind for name, kind, _ in specs},
        }
        return wrapper  # type: ignore[return-value]

    return decorate


def _feedback(quiet: bool, inputs: list[str] | None = None) -> tuple[Any, Callable[[Any], None]]:
    """A progress display on stderr (only on a terminal, without --quiet) and a callback that
    prints each document's issues as they arrive and advances the display. The display shows
    the total when the inputs' document count is known (``count_documents``), and says when the
    extraction is over and the sources are being compared."""
    printer: Callable[[str], None] = say
    display: Any = contextlib.nullcontext()
    advance: Callable[[], None] = lambda: None  # noqa: E731
    if not quiet and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        from quotetrack.pipeline.ingest import count_documents

        total = count_documents(inputs) if inputs else None
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            *((BarColumn(), MofNCompleteColumn()) if total else ()),
            TextColumn("documents" if total else "{task.completed} documents"),
            TimeElapsedColumn(),
            console=Console(stderr=True, highlight=False),
            transient=True,
        )
        task = progress.add_task("extracting", total=total)
        display = progress
        printer = lambda line: progress.console.print(line, markup=False)  # noqa: E731

        def advance() -> None:
            progress.advance(task)
            if total and progress.tasks[0].completed >= total:
                progress.update(task, description="comparing sources")

    from quotetrack.models import Issue

    def on_item(item: Any) -> None:
        issues = [item] if isinstance(item, Issue) else item.issues
        if not quiet:
            for issue in issues:
                printer(issue.one_line())
        if not isinstance(item, Issue) or item.fatal:  # one document (a warning is not one)
            advance()

    return display, on_item


def comparison_lines(issues: list[Issue]) -> list[str]:
    """What the user is told on stderr about the comparison's issues: each capped incident, and
    one line for the incidents the budget left uncompared (there may be thousands)."""
    lines = [f"{i.severity}: {i.message}" for i in issues if i.code == "comparison_capped"]
    late = [i for i in issues if i.code == "comparison_incomplete"]
    if late:
        lines.append(
            f"warning: the comparison ran out of time: {len(late)} "
            f"{'incident was' if len(late) == 1 else 'incidents were'} not fully compared "
            "(kept; see the comparison_incomplete rows of issues, or give a larger "
            "--compare-budget)"
        )
    return lines


def _check_counts(result: Result, strict: bool, quiet: bool = False) -> None:
    from quotetrack.pipeline.runner import require_processed

    require_processed(result.documents_in, result.processed)
    if not quiet:
        for line in comparison_lines(result.comparison_issues):
            say(line)
    if strict and result.count("issues"):
        say(result.summary())
        raise QuotetrackError(
            f"{result.count('issues')} issues and --strict was given", hint="see issues.csv"
        )


def _run(inputs: list[str], options: RunOptions, quiet: bool, strict: bool = False) -> Result:
    """The whole pipeline in memory (for commands that print one table)."""
    from quotetrack.pipeline.runner import run as run_pipeline

    display, on_item = _feedback(quiet, inputs)
    with display:
        result = run_pipeline(inputs, options, on_document=on_item)
    _check_counts(result, strict, quiet)
    return result
