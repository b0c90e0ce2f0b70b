"""The ``quotetrack`` command: a thin typer shell over the library (``quotetrack.pipeline``).

Data goes to stdout or ``--out``; messages go to stderr. Exit codes: 0 success (also with
per-document issues), 1 handled error (``Error: ...`` and a hint), 2 usage error.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import typer

from quotetrack.compare import CompareOptions
from quotetrack.compare.events import GroupingOptions
from quotetrack.compare.flags import FlagOptions
from quotetrack.compare.quote_matching import QuoteMatchOptions
from quotetrack.compare.syndication import SyndicationOptions
from quotetrack.errors import QuotetrackError
from quotetrack.export import FORMATS, write_table, write_tables, write_to_stdout
from quotetrack.ingest import DEFAULT_MAX_BYTES
from quotetrack.models import Issue
from quotetrack.normalise import TABLES
from quotetrack.parallel import default_jobs
from quotetrack.pipeline import DEFAULT_MAX_CHARS, DEFAULT_TIME_BUDGET_S, Result, run as run_pipeline, run_to_directory
from quotetrack.rules import load_ruleset

app = typer.Typer(help="Who said what, and which casualty figures disagree: quotes, speakers and claims from news.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
rules_app = typer.Typer(help="Inspect and check the rules files.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure accuracy against annotated gold data.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(eval_app, name="eval")

F = TypeVar("F", bound=Callable[..., Any])

INPUTS = typer.Argument(..., help="Files (.txt .html .jsonl .csv), folders, or - for stdin.")
RULES = typer.Option(None, "--rules", help="Rules directory to use instead of the packaged rules.")
OUTLET = typer.Option(None, "--outlet", help="Outlet for inputs whose metadata names none.")
PUBLISHED = typer.Option(None, "--published", help="Published date (YYYY-MM-DD) for inputs without one.")
DEBUG = typer.Option(False, "--debug", help="Show the Python traceback of an internal error.")
QUIET = typer.Option(False, "--quiet", "-q", help="Print no per-document issues or progress, only errors.")
MAX_BYTES = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", min=1,
                         help="Largest .txt/.html file, or JSONL/CSV record, that is read (bytes).")
MAX_CHARS = typer.Option(DEFAULT_MAX_CHARS, "--max-chars", min=1, help="Longest document that is processed (characters).")
JOBS = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes (0: one per core, or one for inputs under 2 MB).")
TIME_BUDGET = typer.Option(DEFAULT_TIME_BUDGET_S, "--time-budget", min=0.0,
                           help="Seconds one document may take (0: no limit); a slower one becomes an issue row.")
WINDOW = typer.Option(1, "--window-days", min=0, help="Claims of one incident may be this many days apart.")
TOLERANCE = typer.Option(1.5, "--tolerance", min=1.0,
                         help="Best-figure ratio above which overlapping figures diverge (x1.5 for vague ones).")
SYNDICATION = typer.Option(0.8, "--syndication-threshold", min=0.0, max=1.0,
                           help="Share of shared 8-word n-grams that makes two articles copies of one story.")
QUOTE_SIMILARITY = typer.Option(80.0, "--quote-similarity", min=0.0, max=100.0,
                                help="rapidfuzz ratio (0-100) above which two quotes count as one altered quote.")


SMALL_INPUT_BYTES = 2_000_000


def auto_jobs(inputs: list[str]) -> int:
    """One process per core, but one alone for small inputs (starting workers costs more than it saves)."""
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


def compare_options(window_days: int, tolerance: float, syndication: float, quote_similarity: float) -> CompareOptions:
    """CompareOptions from the CLI's comparison options."""
    return CompareOptions(quotes=QuoteMatchOptions(min_similarity=quote_similarity),
                          syndication=SyndicationOptions(threshold=syndication),
                          grouping=GroupingOptions(window_days=window_days), flags=FlagOptions(tolerance=tolerance))


def say(message: str) -> None:
    """A message for the user, on stderr."""
    typer.echo(message, err=True)


def handled(func: F) -> F:
    """Turn a QuotetrackError into ``Error: ...`` (+ hint) on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QuotetrackError as exc:
            say(f"Error: {exc.message}")
            if exc.hint:
                say(f"Hint: {exc.hint}")
            raise typer.Exit(1) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


def check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """Validate a --format value (a usage error, exit 2, when unknown)."""
    if fmt not in allowed:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(allowed)}", param_hint="--format")
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
    advance: Callable[[], None] = lambda: None
    if not quiet and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} documents"),
                            TimeElapsedColumn(), console=Console(stderr=True, highlight=False), transient=True)
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
        raise QuotetrackError("no input documents found", hint="give .txt, .html, .jsonl or .csv files, a folder, or -")
    if result.processed == 0:
        raise QuotetrackError(f"none of the {result.documents_in} input documents could be processed",
                              hint="see the issues above")
    if strict and result.count("issues"):
        say(result.summary())
        raise QuotetrackError(f"{result.count('issues')} issues and --strict was given", hint="see issues.csv")


def _run(inputs: list[str], rules: Optional[Path], outlet: Optional[str], published: Optional[str],
         debug: bool, quiet: bool, strict: bool = False, options: CompareOptions | None = None,
         limits: Limits = Limits(), jobs: int = 1) -> Result:
    """The whole pipeline in memory (for commands that print one table)."""
    display, on_item = _feedback(quiet)
    with display:
        result = run_pipeline(inputs, rules_dir=rules, outlet=outlet, published=published, debug=debug,
                              compare_options=options, on_document=on_item, max_bytes=limits.max_bytes,
                              max_chars=limits.max_chars, time_budget_s=limits.time_budget or None, jobs=jobs)
    _check_counts(result, strict)
    return result


@app.command()
@handled
def run(inputs: list[str] = INPUTS,
        out: Path = typer.Option(..., "--out", "-o", help="Folder for the tables (created if missing)."),
        fmt: str = typer.Option("csv", "--format", "-f", help="csv, jsonl, json or parquet."),
        rules: Optional[Path] = RULES, outlet: Optional[str] = OUTLET, published: Optional[str] = PUBLISHED,
        strict: bool = typer.Option(False, "--strict", help="Exit 1 when any issue was reported."),
        debug: bool = DEBUG, quiet: bool = QUIET, window_days: int = WINDOW, tolerance: float = TOLERANCE,
        syndication: float = SYNDICATION, quote_similarity: float = QUOTE_SIMILARITY,
        max_bytes: int = MAX_BYTES, max_chars: int = MAX_CHARS, time_budget: float = TIME_BUDGET,
        jobs: int = JOBS,
        engine: str = typer.Option("local", "--engine", help="local (this machine's cores) or dask (a Dask cluster)."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                                help="Dask scheduler address (default: a LocalCluster of --jobs workers).")
        ) -> None:
    """Extract quotes and claims, compare sources, and write every table to --out.

    Rows are written as documents are processed (memory stays flat); the tables appear in --out
    together when the run ends. With --engine dask the JSONL/Parquet inputs are split into
    partitions processed on a Dask cluster, and the tables are written as partitioned Parquet.

    Example: quotetrack run seeds/ --out out/ --jobs 2
    """
    check_format(fmt)
    if engine not in ("local", "dask"):
        raise typer.BadParameter(f"{engine!r} is not one of local, dask", param_hint="--engine")
    options = compare_options(window_days, tolerance, syndication, quote_similarity)
    if engine == "dask":
        from quotetrack.dask_engine import run_dask

        result = run_dask(inputs, out, scheduler=scheduler, rules_dir=rules, compare_options=options,
                          workers=jobs or default_jobs())
        _check_counts(result, strict)
        say(result.summary())
        say(f"wrote partitioned Parquet to {out}/ (articles/, quotes/, claims/, issues/ and the comparison tables)")
        return
    display, on_item = _feedback(quiet)
    with display:
        result = run_to_directory(inputs, out, fmt, jobs=jobs or auto_jobs(inputs), rules_dir=rules, outlet=outlet,  # type: ignore[arg-type]
                                  published=published, debug=debug, on_document=on_item,
                                  compare_options=options, max_bytes=max_bytes, max_chars=max_chars, time_budget_s=time_budget or None)
    _check_counts(result, strict)
    say(result.summary())
    say(f"wrote {len(TABLES)} tables to {out}/ ({', '.join(f'{t}.{fmt}' for t in TABLES)})")


def _one_table(table: str, inputs: list[str], output: Optional[Path], fmt: str, rules: Optional[Path],
               outlet: Optional[str], published: Optional[str], debug: bool, quiet: bool) -> None:
    check_format(fmt, ("csv", "jsonl", "json", "parquet") if output else ("csv", "jsonl", "json"))
    result = _run(inputs, rules, outlet, published, debug, quiet)
    frame = result.tables[table]
    if output is None:
        write_to_stdout(frame, fmt)  # type: ignore[arg-type]
    else:
        write_table(frame, output, fmt)  # type: ignore[arg-type]
    say(result.summary())


@app.command()
@handled
def quotes(inputs: list[str] = INPUTS,
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
           fmt: str = typer.Option("csv", "--format", "-f", help="csv, jsonl or json (parquet with -o)."),
           rules: Optional[Path] = RULES, outlet: Optional[str] = OUTLET, published: Optional[str] = PUBLISHED,
           debug: bool = DEBUG, quiet: bool = QUIET) -> None:
    """Write the quotes table (one row per quoted segment, with its speaker).

    Example: quotetrack quotes seeds/ --format jsonl
    """
    _one_table("quotes", inputs, output, fmt, rules, outlet, published, debug, quiet)


@app.command()
@handled
def claims(inputs: list[str] = INPUTS,
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
           fmt: str = typer.Option("csv", "--format", "-f", help="csv, jsonl or json (parquet with -o)."),
           rules: Optional[Path] = RULES, outlet: Optional[str] = OUTLET, published: Optional[str] = PUBLISHED,
           debug: bool = DEBUG, quiet: bool = QUIET) -> None:
    """Write the claims table (one row per casualty figure, with its claimant).

    Example: quotetrack claims seeds/ -o claims.csv
    """
    _one_table("claims", inputs, output, fmt, rules, outlet, published, debug, quiet)


COMPARISON_TABLES = ("quote_matches", "event_groups", "disagreements", "article_pairs")


@app.command("compare")
@handled
def compare_cmd(inputs: list[str] = INPUTS,
                out: Optional[Path] = typer.Option(None, "--out", "-o",
                                                   help="Folder for the comparison tables (default: disagreements on stdout)."),
                fmt: str = typer.Option("csv", "--format", "-f", help="csv, jsonl, json (parquet with --out)."),
                rules: Optional[Path] = RULES, outlet: Optional[str] = OUTLET, published: Optional[str] = PUBLISHED,
                debug: bool = DEBUG, quiet: bool = QUIET, window_days: int = WINDOW, tolerance: float = TOLERANCE,
                syndication: float = SYNDICATION, quote_similarity: float = QUOTE_SIMILARITY) -> None:
    """Compare sources: quote matches, event groups, typed disagreements, syndicated copies.

    Example: quotetrack compare seeds/ --tolerance 2 --out cmp/
    """
    check_format(fmt, FORMATS if out else ("csv", "jsonl", "json"))
    result = _run(inputs, rules, outlet, published, debug, quiet,
                  options=compare_options(window_days, tolerance, syndication, quote_similarity))
    if out is None:
        write_to_stdout(result.tables["disagreements"], fmt)  # type: ignore[arg-type]
    else:
        paths = write_tables({t: result.tables[t] for t in COMPARISON_TABLES}, out, fmt)  # type: ignore[arg-type]
        say(f"wrote {len(paths)} tables to {out}/")
    say(result.summary())


@rules_app.command("check")
@handled
def rules_check(rules: Optional[Path] = RULES) -> None:
    """Validate every rules file and test every pattern's examples and counter-examples.

    Example: quotetrack rules check --rules my-rules/
    """
    ruleset = load_ruleset(rules)
    problems = ruleset.check()
    for problem in problems:
        say(problem)
    n_patterns = sum(len(f.patterns) for f in ruleset.files.values())
    n_examples = sum(len(p.examples) + len(p.counter_examples) for f in ruleset.files.values() for p in f.patterns)
    if problems:
        raise QuotetrackError(f"{len(problems)} rule problems in {ruleset.directory}", hint="fix the rules above")
    say(f"ok: {len(ruleset.files)} files, {n_patterns} patterns, {n_examples} examples checked in {ruleset.directory}")


def _evaluate(kind: str, gold: Path, inputs: Optional[list[str]], rules: Optional[Path], min_f1: Optional[float],
              json_out: Optional[Path]) -> None:
    import importlib
    import json

    module = importlib.import_module(f"quotetrack.evaluate_{kind}")
    if not gold.is_file():
        raise QuotetrackError(f"{gold}: gold file not found")
    result = module.evaluate(gold, list(inputs or [str(gold)]), rules)
    typer.echo(module.report(result))
    if json_out is not None:
        json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    f1 = module.headline_f1(result)
    if min_f1 is not None and f1 < min_f1:
        raise QuotetrackError(f"{kind} F1 {f1:.3f} is below --min-f1 {min_f1:.3f}")


GOLD = typer.Option(..., "--gold", help="Gold JSONL file.")
MIN_F1 = typer.Option(None, "--min-f1", help="Exit 1 when the headline F1 is below this.")
JSON_OUT = typer.Option(None, "--json", help="Also write the metrics as JSON to this file.")


@eval_app.command("quotes")
@handled
def eval_quotes(inputs: Optional[list[str]] = typer.Argument(None, help="Articles (default: the gold file's texts)."),
                gold: Path = GOLD, rules: Optional[Path] = RULES, min_f1: Optional[float] = MIN_F1,
                json_out: Optional[Path] = JSON_OUT) -> None:
    """Score quotes and speakers against PolNeAR-style gold (headline: direct quote F1).

    Example: quotetrack eval quotes --gold ../shared/eval/polnear-dev.jsonl --min-f1 0.9
    """
    _evaluate("quotes", gold, inputs, rules, min_f1, json_out)


@eval_app.command("claims")
@handled
def eval_claims(inputs: list[str] = typer.Argument(..., help="The documents the gold claims are about."),
                gold: Path = GOLD, rules: Optional[Path] = RULES, min_f1: Optional[float] = MIN_F1,
                json_out: Optional[Path] = JSON_OUT) -> None:
    """Score casualty claims against ECB+-style gold (headline: strict F1).

    Example: quotetrack eval claims --gold ../shared/eval/ecb-dev-claims.jsonl ../shared/eval/ecb-dev-docs.jsonl
    """
    _evaluate("claims", gold, inputs, rules, min_f1, json_out)


from quotetrack import cli_tracker  # noqa: E402,F401  (registers add/export/status/timeline/report)


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
