"""The fault suite (issue 21): each class of fault tried from the user's side, through the CLI.

Every test checks the documented contract: exit 0 (done), 1 (``Error: ...`` and a ``Hint: ...``
naming the path and the cause) or 2 (usage error), and no Python traceback without ``--debug``.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS
from typer.testing import CliRunner

from quotetrack.cli.boundary import explain
from quotetrack.cli.commands import app
from quotetrack.pipeline import store as store_module

runner = CliRunner()


def invoke(*args: str):
    """Run the CLI in this process; returns click's Result (stdout and stderr apart)."""
    return runner.invoke(app, [str(a) for a in args])


def cli(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    """Run the installed CLI in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "quotetrack", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def handled_error(result, *fragments: str) -> None:
    """Exit 1, an ``Error:`` line holding every fragment, a hint, and no traceback."""
    stderr = result.stderr
    assert result.exit_code == 1 if hasattr(result, "exit_code") else result.returncode == 1
    assert "Traceback" not in stderr, stderr
    error = next(line for line in stderr.splitlines() if line.startswith("Error: "))
    for fragment in fragments:
        assert fragment in error, (fragment, error)
    assert "Hint: " in stderr


# -- one error boundary ------------------------------------------------------------------------
def test_out_onto_a_file(tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("keep me", encoding="utf-8")
    handled_error(invoke("run", SEEDS, "--out", target), str(target), "exists and is not a folder")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_debug_keeps_the_traceback(tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("", encoding="utf-8")
    done = cli("run", SEEDS, "--out", target, "--debug")
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "FileExistsError" in done.stderr


def test_output_file_onto_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    handled_error(invoke("quotes", SEEDS, "-o", folder), str(folder), "is a folder")
    assert folder.is_dir() and not list(folder.iterdir())


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_out_into_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        handled_error(invoke("run", SEEDS, "--out", folder / "x"), "permission denied")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "read-only"),
        (errno.ENOSPC, "disk full"),
        (errno.EISDIR, "is a folder"),
    ],
)
def test_os_errors_name_the_path_and_the_cause(code: int, cause: str) -> None:
    # the causes a root test run cannot provoke for real, through the same translation
    exc = OSError(code, os.strerror(code), "tables/.claims.tmp", None, "tables/claims.csv")
    error = explain(exc)
    assert error is not None
    assert error.message.startswith("tables/claims.csv: " + cause), error.message
    assert error.hint


def test_closed_stdout(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "quotetrack", "quotes", str(SEEDS)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Error: <stdout>: output closed" in done.stderr


def test_corrupt_store(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    assert invoke("add", SEEDS, "--db", db, "-q").exit_code == 0
    with db.open("r+b") as fh:  # overwrite the pages after the schema
        fh.seek(4096 * 2)
        fh.write(b"\xff" * 8192)
    handled_error(invoke("export", "--db", db, "--out", tmp_path / "x"), str(db), "corrupt")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database " * 300)
    handled_error(invoke("status", "--db", garbage), str(garbage), "not a quotetrack store")


def test_store_locked_by_another_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "t.sqlite"
    assert invoke("add", SEEDS, "--db", db, "-q").exit_code == 0
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        more = tmp_path / "more"
        more.mkdir()
        (more / "a.txt").write_text('"We stay," the mayor said.\n', encoding="utf-8")
        result = invoke("add", more, "--db", db)
        handled_error(result, str(db), "busy")
        assert "try again" in result.stderr
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_foreign_sqlite_file_is_never_modified(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE notes (x TEXT)")
    con.commit()
    con.close()
    before = db.read_bytes()
    for args in (("status", "--db", db), ("add", SEEDS, "--db", db, "-q")):
        handled_error(invoke(*args), str(db), "not a quotetrack store")
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]  # no -wal, no -shm


def test_bad_gold_files_for_eval(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc_id": "a", "text": "x", "quotes": []}\n{"bad\n', encoding="utf-8")
    handled_error(invoke("eval", "quotes", "--gold", gold), str(gold), "line 2", "invalid JSON")
    gold.write_text('{"x": 1}\n', encoding="utf-8")
    handled_error(invoke("eval", "claims", "--gold", gold, SEEDS), "line 1", "missing doc_id")
    gold.write_text("[1, 2]\n", encoding="utf-8")
    handled_error(invoke("eval", "claims", "--gold", gold, SEEDS), "not a JSON object")
    gold.write_bytes(b'{"doc_id": "\xff"}\n')
    handled_error(invoke("eval", "claims", "--gold", gold, SEEDS), str(gold), "not UTF-8")


@pytest.mark.parametrize(
    "option",
    [
        ("--time-budget", "1e308"),
        ("--time-budget", "nan"),
        ("--tolerance", "nan"),
        ("--tolerance", "inf"),
        ("--quote-similarity", "nan"),
        ("--jobs", "100000"),
    ],
)
def test_option_values_are_range_checked_at_parse_time(tmp_path: Path, option) -> None:
    result = invoke("run", SEEDS, "--out", tmp_path / "o", *option)
    assert result.exit_code == 2, result.output
    assert option[0] in result.stderr
    assert not (tmp_path / "o").exists()


def test_seeds_still_run(tmp_path: Path) -> None:
    # the boundary changes no result: a normal run still exits 0 and writes its tables
    out = tmp_path / "out"
    assert invoke("run", SEEDS, "--out", out, "-q").exit_code == 0
    assert (out / "claims.csv").is_file()
    shutil.rmtree(out)
