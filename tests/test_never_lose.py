"""Data never lost or invented, from the user's side: a run that reads nothing keeps the old
tables, an ``add`` of a typo creates nothing, ``--out`` onto a file is a message."""

from __future__ import annotations

from pathlib import Path

from conftest import SEEDS
from typer.testing import CliRunner

from quotetrack.cli.commands import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_run_that_reads_nothing_keeps_the_old_tables(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("run", str(SEEDS), "--out", str(out)).exit_code == 0
    before = snapshot(out)
    assert before["claims.csv"].count(b"\n") > 1
    typo = invoke("run", str(tmp_path / "seedz"), "--out", str(out))
    assert typo.exit_code == 1
    assert "Error: none of the 1 input documents could be processed" in typo.stderr
    assert snapshot(out) == before


def test_a_run_that_reads_nothing_creates_no_out_folder(tmp_path: Path) -> None:
    out = tmp_path / "new" / "out"
    result = invoke("run", str(tmp_path / "seedz"), "--out", str(out))
    assert result.exit_code == 1
    assert not (tmp_path / "new").exists()


def test_add_of_only_a_typo_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "stores" / "track.sqlite"
    result = invoke("add", str(tmp_path / "seedz"), "--db", str(db))
    assert result.exit_code == 1
    assert "error: " in result.stderr and "no such file or directory" in result.stderr
    assert "Error: none of the 1 input documents could be processed" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_add_of_a_typo_leaves_an_existing_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "track.sqlite"
    assert invoke("add", str(SEEDS), "--db", str(db)).exit_code == 0
    before = invoke("status", "--db", str(db), "--json").stdout
    assert invoke("add", str(tmp_path / "seedz"), "--db", str(db)).exit_code == 1
    assert invoke("status", "--db", str(db), "--json").stdout == before


def test_out_onto_an_existing_file_is_a_message(tmp_path: Path) -> None:
    taken = tmp_path / "tables.csv"
    taken.write_text("precious\n", encoding="utf-8")
    for command in (["run", str(SEEDS)], ["compare", str(SEEDS)]):
        result = invoke(*command, "--out", str(taken))
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"Error: --out {taken} is a file, not a folder" in result.stderr
        assert "Hint: " in result.stderr
    assert taken.read_text(encoding="utf-8") == "precious\n"
