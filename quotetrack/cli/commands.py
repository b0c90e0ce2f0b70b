"""The extraction commands: ``run``, ``quotes``, ``claims``, ``compare``, ``rules check`` and
``eval``, each a thin shell over the library (``quotetrack.pipeline.runner``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from quotetrack.cli.shell import (
    EXCEL,
    INPUTS,
    QUIET,
    RULES,
    _check_counts,
    _feedback,
    _run,
    app,
    auto_jobs,
    check_format,
    eval_app,
    handled,
    rules_app,
    run_options,
    say,
)
from quotetrack.errors import QuotetrackError

if TYPE_CHECKING:
    from quotetrack.pipeline.options import RunOptions

STRICT = typer.Option(False, "--strict", help="Exit 1 when any issue was reported.")
FORMAT_METAVAR = "csv|jsonl|json|parquet"


@app.command()
@handled
@run_options("rules", "input", "limits", "jobs", "compare", "debug")
def run(
    inputs: list[str] = INPUTS,
    out: Path = typer.Option(
        ..., "--out", "-o", metavar="DIR", help="Folder for the tables (created if missing)."
    ),
    fmt: str = typer.Option(
        "csv", "--format", "-f", metavar=FORMAT_METAVAR, help="Format of the tables."
    ),
    strict: bool = STRICT,
    quiet: bool = QUIET,
    engine: str = typer.Option(
        "local",
        "--engine",
        metavar="local|dask",
        help="local (this machine's cores) or dask (a Dask cluster).",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (default: a LocalCluster of --jobs workers).",
    ),
    excel: bool = EXCEL,
    options: RunOptions = None,  # type: ignore[assignment]  # made by run_options
) -> None:
    """Extract quotes and claims, compare sources, and write every table to --out.

    Rows are written as documents are processed (memory stays flat); the tables appear in --out
    together when the run ends. With --engine dask the JSONL/Parquet inputs are split into
    partitions processed on a Dask cluster, and the tables are written as partitioned Parquet.

    Example: quotetrack run seeds/ --out out/ --jobs 2
    """
    from quotetrack.pipeline.options import RunOptions
    from quotetrack.pipeline.parallel import default_jobs
    from quotetrack.pipeline.runner import run_to_directory
    from quotetrack.tables.normalise import TABLES

    check_format(fmt)
    if engine not in ("local", "dask"):
        raise typer.BadParameter(f"{engine!r} is not one of local, dask", param_hint="--engine")
    if engine == "dask":
        from quotetrack.pipeline.dask_engine import run_dask

        result = run_dask(
            inputs, out, options, scheduler=scheduler, workers=options.jobs or default_jobs()
        )
        _check_counts(result, strict)
        say(result.summary())
        say(
            f"wrote partitioned Parquet to {out}/ (articles/, quotes/, claims/, issues/ "
            "and the comparison tables)"
        )
        return
    options = RunOptions.of(options, jobs=options.jobs or auto_jobs(inputs))
    display, on_item = _feedback(quiet, inputs)
    with display:
        result = run_to_directory(
            inputs,
            out,
            fmt,  # type: ignore[arg-type]  # checked by check_format above
            options,
            on_document=on_item,
            bom=excel,
        )
    _check_counts(result, strict, quiet)
    say(result.summary())
    say(f"wrote {len(TABLES)} tables to {out}/ ({', '.join(f'{t}.{fmt}' for t in TABLES)})")


def _table_command(table: str, doc: str) -> None:
    """Register the command that writes one extraction table (``quotes``, ``claims``): the two
    take the same options and differ only in the table they print."""

    def command(
        inputs: list[str] = INPUTS,
        output: Path | None = typer.Option(
            None, "--output", "-o", metavar="FILE", help="File to write (default: stdout)."
        ),
        fmt: str = typer.Option(
            "csv", "--format", "-f", metavar=FORMAT_METAVAR, help="parquet needs --output."
        ),
        strict: bool = STRICT,
        quiet: bool = QUIET,
        excel: bool = EXCEL,
        options: RunOptions = None,  # type: ignore[assignment]  # made by run_options
    ) -> None:
        from quotetrack.tables.export import write_table, write_to_stdout

        check_format(
            fmt, ("csv", "jsonl", "json", "parquet") if output else ("csv", "jsonl", "json")
        )
        result = _run(inputs, options, quiet, strict)
        frame = result.tables[table]
        if output is None:
            write_to_stdout(frame, fmt)  # type: ignore[arg-type]
        else:
            write_table(frame, output, fmt, excel)  # type: ignore[arg-type]
        say(result.summary())

    command.__name__ = table
    command.__doc__ = doc
    app.command(table)(handled(run_options("rules", "input", "limits", "jobs", "debug")(command)))


_table_command(
    "quotes",
    """Write the quotes table (one row per quoted segment, with its speaker).

    Example: quotetrack quotes seeds/ --format jsonl
    """,
)
_table_command(
    "claims",
    """Write the claims table (one row per casualty figure, with its claimant).

    Example: quotetrack claims seeds/ -o claims.csv
    """,
)


KINDS = typer.Option(
    None,
    "--kind",
    metavar="KIND",
    help="Keep only flags of this kind (repeatable): contradiction, divergence, update, ...",
)
MIN_SEVERITY = typer.Option(
    "low",
    "--min-severity",
    metavar="high|medium|low|info",
    help="Keep only flags at least this severe: high, medium, low, info (info: updates too).",
)


@app.command("compare")
@handled
@run_options("rules", "input", "limits", "jobs", "compare", "debug")
def compare_cmd(
    inputs: list[str] = INPUTS,
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        metavar="DIR",
        help="Folder for the comparison tables (stdout gets the triage).",
    ),
    fmt: str = typer.Option(
        "triage",
        "--format",
        "-f",
        metavar="triage|" + FORMAT_METAVAR,
        help="triage (the incidents that disagree, one line each) or a format for the "
        "disagreements table (parquet with --out).",
    ),
    kinds: list[str] | None = KINDS,
    min_severity: str = MIN_SEVERITY,
    strict: bool = STRICT,
    quiet: bool = QUIET,
    excel: bool = EXCEL,
    options: RunOptions = None,  # type: ignore[assignment]  # made by run_options
) -> None:
    """Compare sources: incidents, typed disagreements, quote matches, syndicated copies. Stdout
    opens with the incidents that disagree, most severe first, one line each.

    Example: quotetrack compare seeds/ --min-severity high --out cmp/
    """
    from quotetrack.pipeline.runner import COMPARISON_TABLES
    from quotetrack.report.triage import SEVERITIES, TriageFilter, triage_text
    from quotetrack.tables.export import FORMATS, write_tables, write_to_stdout
    from quotetrack.tables.normalise import records

    check_format(fmt, ("triage", *FORMATS) if out else ("triage", "csv", "jsonl", "json"))
    if min_severity not in SEVERITIES:
        raise QuotetrackError(
            f"--min-severity {min_severity!r} is not a severity",
            hint="use one of " + ", ".join(SEVERITIES),
        )
    keep = TriageFilter(tuple(kinds) if kinds else None, min_severity)
    result = _run(inputs, options, quiet, strict)
    from quotetrack.compare import batch_warnings
    from quotetrack.rulebook.ruleset import load_ruleset

    for w in batch_warnings(
        result.tables["articles"], result.tables["claims"], load_ruleset(options.rules_dir)
    ):
        say(f"warning: {w.message}")  # run-level: the articles compared with their copies only
    flags = result.tables["disagreements"]
    kept = flags[[keep.keeps(k, s) for k, s in zip(flags["kind"], flags["severity"], strict=True)]]
    if fmt == "triage" or out is not None:
        typer.echo(triage_text(records(result.tables["incidents"]), records(kept), keep), nl=False)
    if out is None and fmt != "triage":
        write_to_stdout(kept, fmt)  # type: ignore[arg-type]
    if out is not None:
        tables = {t: result.tables[t] for t in COMPARISON_TABLES} | {"disagreements": kept}
        table_fmt = "csv" if fmt == "triage" else fmt
        paths = write_tables(tables, out, table_fmt, excel)  # type: ignore[arg-type]
        say(f"wrote {len(paths)} tables to {out}/")
    say(result.summary())


@rules_app.command("check")
@handled
def rules_check(rules: Path | None = RULES) -> None:
    """Validate every rules file and test every pattern's examples and counter-examples.

    Example: quotetrack rules check --rules my-rules/
    """
    from quotetrack.rulebook.ruleset import load_ruleset

    ruleset = load_ruleset(rules)
    problems = ruleset.check()
    for line in problems + ruleset.warnings():
        say(line)
    n_patterns = sum(len(f.patterns) for f in ruleset.files.values())
    n_examples = sum(
        len(p.examples) + len(p.counter_examples)
        for f in ruleset.files.values()
        for p in f.patterns
    )
    if problems:
        raise QuotetrackError(
            f"{len(problems)} rule problems in {ruleset.directory}", hint="fix the rules above"
        )
    say(
        f"ok: {len(ruleset.files)} files, {n_patterns} patterns, {n_examples} examples "
        f"checked in {ruleset.directory}"
    )


def _evaluate(
    kind: str,
    gold: Path,
    inputs: list[str] | None,
    rules: Path | None,
    min_f1: float | None,
    json_out: Path | None,
) -> None:
    import importlib
    import json

    module = importlib.import_module(f"quotetrack.evaluate.{kind}")
    if not gold.is_file():
        raise QuotetrackError(f"{gold}: gold file not found")
    result = module.evaluate(gold, list(inputs or [str(gold)]), rules)
    typer.echo(module.report(result))
    if json_out is not None:
        json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    f1 = module.headline_f1(result)
    if min_f1 is not None and f1 < min_f1:
        raise QuotetrackError(f"{kind} F1 {f1:.3f} is below --min-f1 {min_f1:.3f}")


GOLD = typer.Option(..., "--gold", metavar="FILE", help="Gold JSONL file.")
MIN_F1 = typer.Option(
    None, "--min-f1", metavar="F1", help="Exit 1 when the headline F1 is below this."
)
JSON_OUT = typer.Option(
    None,
    "--output",
    "-o",
    "--json",
    metavar="FILE",
    help="Also write the metrics as JSON to this file (--json: the older spelling).",
)


@eval_app.command("quotes")
@handled
def eval_quotes(
    inputs: list[str] | None = typer.Argument(
        None, help="Articles (default: the gold file's texts)."
    ),
    gold: Path = GOLD,
    rules: Path | None = RULES,
    min_f1: float | None = MIN_F1,
    json_out: Path | None = JSON_OUT,
) -> None:
    """Score quotes and speakers against PolNeAR-style gold (headline: direct quote F1).

    Example: quotetrack eval quotes --gold ../shared/eval/polnear-dev.jsonl --min-f1 0.9
    """
    _evaluate("quotes", gold, inputs, rules, min_f1, json_out)


@eval_app.command("claims")
@handled
def eval_claims(
    inputs: list[str] = typer.Argument(..., help="The documents the gold claims are about."),
    gold: Path = GOLD,
    rules: Path | None = RULES,
    min_f1: float | None = MIN_F1,
    json_out: Path | None = JSON_OUT,
) -> None:
    """Score casualty claims against ECB+-style gold (headline: strict F1).

    Example: quotetrack eval claims --gold ../shared/eval/ecb-dev-claims.jsonl \
../shared/eval/ecb-dev-docs.jsonl
    """
    _evaluate("claims", gold, inputs, rules, min_f1, json_out)


@eval_app.command("compare")
@handled
def eval_compare(
    inputs: list[str] = typer.Argument(..., help="The documents the gold incidents are about."),
    gold: Path = GOLD,
    rules: Path | None = RULES,
    min_f1: float | None = MIN_F1,
    json_out: Path | None = JSON_OUT,
) -> None:
    """Score disagreement flags and incidents against gold incidents (headline: F1 of flag pair
    precision and gold disagreement recall; the metrics of score_flags.py).

    Example: quotetrack eval compare --gold ../shared/eval/ecb-incidents-dev.jsonl \
../shared/eval/ecb-dev-docs.jsonl
    """
    _evaluate("compare", gold, inputs, rules, min_f1, json_out)


# the tracker's commands (add, export, recompare, status, timeline, report) join the same app
from quotetrack.cli import tracker  # noqa: E402, F401
