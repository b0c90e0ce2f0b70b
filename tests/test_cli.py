"""The CLI: exit codes, exact messages, every table written with headers, help on every command."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SEEDS
from typer.testing import CliRunner

from quotetrack.cli.commands import app
from quotetrack.tables.normalise import TABLES, columns

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_run_on_seeds_writes_every_table_with_headers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("run", str(SEEDS), "--out", str(out))
    assert result.exit_code == 0, result.output
    for table in TABLES:
        with open(out / f"{table}.csv", newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header == list(columns(table)), table
    with open(out / "articles.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["doc_id"] for r in rows] == ["000_d622aa2cab30c1b9", "001_41ce0450144724b7"]
    assert rows[1]["text"] == (SEEDS / "001_41ce0450144724b7.txt").read_text(encoding="utf-8")
    assert "2 documents: 2 processed, 0 failed" in result.stderr
    assert not list(out.glob(".*.tmp"))
    assert all((p.stat().st_mode & 0o644) == 0o644 for p in out.iterdir())


@pytest.mark.parametrize("fmt", ["jsonl", "json", "parquet"])
def test_run_other_formats(tmp_path: Path, fmt: str) -> None:
    result = invoke("run", str(SEEDS), "--out", str(tmp_path), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.{fmt}" for t in TABLES)
    if fmt == "json":
        arts = json.loads((tmp_path / "articles.json").read_text(encoding="utf-8"))
        assert [a["published"] for a in arts] == ["2012-07-12", "2012-07-12"]
        assert arts[1]["metadata"]["note"].startswith("CBS News")


def test_quotes_to_stdout_as_jsonl_from_stdin() -> None:
    text = 'Headline\n\n"We will stay," the minister said on Monday.\n'
    result = invoke("quotes", "-", "--format", "jsonl", input=text)
    assert result.exit_code == 0, result.output
    for line in result.stdout.splitlines():
        row = json.loads(line)
        assert row["doc_id"] == "stdin"
        assert text[row["start"] : row["end"]] == row["text"]


def test_compare_writes_comparison_tables(tmp_path: Path) -> None:
    result = invoke(
        "compare", str(SEEDS), "--out", str(tmp_path), "--tolerance", "2", "--window-days", "0"
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "article_pairs.csv",
        "disagreements.csv",
        "event_groups.csv",
        "incidents.csv",
        "quote_matches.csv",
    ]
    assert invoke("compare", str(SEEDS), "--tolerance", "0.5").exit_code == 2


def test_claims_to_file(tmp_path: Path) -> None:
    target = tmp_path / "claims.csv"
    result = invoke("claims", str(SEEDS), "-o", str(target))
    assert result.exit_code == 0, result.output
    with open(target, newline="", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == list(columns("claims"))


def test_missing_input_is_a_handled_error(tmp_path: Path) -> None:
    result = invoke("run", "does/not/exist.txt", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: does/not/exist.txt: no such file or directory",
        "Error: none of the 1 input documents could be processed",
        "Hint: see the issues above",
    ]


def test_empty_folder_is_a_handled_error(tmp_path: Path) -> None:
    result = invoke("run", str(tmp_path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "Error: no input documents found"


def test_partial_failure_still_exits_zero_and_counts_add_up(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "ok.txt").write_text("Fine text.", encoding="utf-8")
    (inputs / "bad.jsonl").write_text(
        '{"doc_id": "j1", "text": "Good."}\n{oops\n', encoding="utf-8"
    )
    result = invoke("run", str(inputs), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert f"error: {inputs / 'bad.jsonl'}:2: invalid JSON" in result.stderr
    assert "3 documents: 2 processed, 1 failed" in result.stderr
    strict = invoke("run", str(inputs), "--out", str(tmp_path / "o2"), "--strict")
    assert strict.exit_code == 1
    assert "Error: 1 issues and --strict was given" in strict.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("run", str(SEEDS)).exit_code == 2  # --out missing
    assert invoke("run").exit_code == 2
    bad = invoke("run", str(SEEDS), "--out", str(tmp_path), "--format", "xml")
    assert bad.exit_code == 2 and "'xml' is not one of csv, jsonl, json, parquet" in bad.output
    assert invoke("frobnicate").exit_code == 2


def test_rules_check_ok_and_bad_rules_dir(tmp_path: Path) -> None:
    ok = invoke("rules", "check")
    assert ok.exit_code == 0 and ok.stderr.startswith("ok: ")
    bad = invoke("rules", "check", "--rules", str(tmp_path / "none"))
    assert bad.exit_code == 1
    assert bad.stderr.splitlines() == [
        f"Error: {tmp_path / 'none'}: rules directory not found",
        "Hint: pass --rules DIR with the rules files",
    ]


COMMANDS = [
    ("run",),
    ("quotes",),
    ("claims",),
    ("compare",),
    ("rules", "check"),
    ("eval", "quotes"),
    ("eval", "claims"),
    ("add",),
    ("export",),
    ("recompare",),
    ("status",),
    ("timeline",),
    ("report",),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: tuple[str, ...]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Example: quotetrack" in result.output


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"quotetrack {' '.join(command)}" in readme, command


def test_module_entry_point_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "quotetrack", "rules", "check"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0 and done.stderr.startswith("ok: ")


def test_version_and_lazy_help() -> None:
    """--version answers; the CLI does not import pandas or the pipeline until a command runs
    (what made --help take seconds; the time itself is measured by benchmarks/cli_startup.py)."""
    version = invoke("--version")
    assert version.exit_code == 0 and version.stdout.startswith("quotetrack 0.")
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from quotetrack.cli import commands; commands.app(['--help'], "
            "standalone_mode=False); print(sorted(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Commands:" in loaded  # the help was printed, with every command registered
    heavy = ("pandas", "pydantic", "rich", "quotetrack.models", "quotetrack.pipeline.extractor")
    for name in (*heavy, "quotetrack.compare"):
        assert f"'{name}'" not in loaded, name  # pydantic: the models; rich: fancy help
    bare = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "quotetrack", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert bare.stdout.startswith("quotetrack 0.") and " typer" not in bare.stderr


def test_status_and_timeline_take_format(tmp_path: Path) -> None:
    db = tmp_path / "track.sqlite"
    assert invoke("add", str(SEEDS), "--db", str(db)).exit_code == 0
    status = invoke("status", "--db", str(db), "--format", "json")
    assert status.exit_code == 0 and json.loads(status.stdout)["articles"] == 2
    assert invoke("status", "--db", str(db), "--json").stdout == status.stdout
    lines = invoke("timeline", "--db", str(db), "--format", "jsonl").stdout.splitlines()
    whole = json.loads(invoke("timeline", "--db", str(db), "--format", "json").stdout)
    assert [json.loads(line) for line in lines] == whole and whole
    bad = invoke("status", "--db", str(db), "--format", "xml")
    assert bad.exit_code == 2


def test_the_package_app_is_the_typer_app_after_any_cli_import() -> None:
    import typer

    import quotetrack.cli.commands  # noqa: F401  (imports the shared shell module too)
    from quotetrack.cli import app as package_app

    assert isinstance(package_app, typer.Typer)
