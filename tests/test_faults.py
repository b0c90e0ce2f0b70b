"""The fault suite (issue 21): each class of fault tried from the user's side, through the CLI.

Every test checks the documented contract: exit 0 (done), 1 (``Error: ...`` and a ``Hint: ...``
naming the path and the cause) or 2 (usage error), and no Python traceback without ``--debug``.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
    kwargs.setdefault("timeout", 300)
    return subprocess.run(
        [sys.executable, "-m", "quotetrack", *map(str, args)],
        capture_output=True,
        text=True,
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
    handled_error(invoke("run", SEEDS, "--out", target), str(target), "is a file, not a folder")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_debug_keeps_the_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    done = cli("quotes", SEEDS, "-o", folder, "--debug")
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "IsADirectoryError" in done.stderr


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


@pytest.mark.parametrize(
    ("message", "cause"),
    [
        ("attempt to write a readonly database", "read-only"),
        ("database is locked", "busy"),
        ("database disk image is malformed", "corrupt"),
        ("database or disk is full", "disk full"),
    ],
)
def test_sqlite_errors_name_the_store_and_the_cause(message: str, cause: str) -> None:
    error = explain(sqlite3.OperationalError(message), Path("track.sqlite"))
    assert error is not None and error.hint
    assert error.message.startswith("track.sqlite: ") and cause in error.message


def test_store_onto_a_folder(tmp_path: Path) -> None:
    handled_error(invoke("add", SEEDS, "--db", tmp_path), str(tmp_path), "cannot open the store")


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


# -- ingest safe for any input -----------------------------------------------------------------
GOOD_TEXT = '"We will stay," the mayor said on Monday.'


def _rows(out: Path, table: str) -> list[dict[str, str]]:
    with open(out / f"{table}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_one_bad_record_never_loses_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    deep = "[" * 100_000 + "]" * 100_000
    lines = [
        json.dumps({"doc_id": "surrogate", "text": GOOD_TEXT, "m": {"a": ["x\ud800y"]}}),
        '{"doc_id": "deep", "text": "t", "m": ' + deep + "}",
        '{"doc_id": "bignum", "text": "t", "n": ' + "9" * 5000 + "}",
        json.dumps({"doc_id": "nested", "text": GOOD_TEXT, "m": [[[[[[[[]]]]]]]] * 3}),
        json.dumps({"doc_id": "good", "text": GOOD_TEXT}),
    ]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "side.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "side.meta.json").write_text(
        json.dumps({"outlet": "Wire\udc80", "extra": {"deep": [{"k\ud800": "v"}]}}),
        encoding="utf-8",
    )
    (folder / "big.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "big.meta.json").write_text('{"n": ' + "1" * 5000 + "}", encoding="utf-8")
    (folder / "deep.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "deep.meta.json").write_text('{"n": ' + deep + "}", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # would block a reader forever
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "wb") as fh:  # not UTF-8: Latin-1 e acute
        fh.write(GOOD_TEXT.encode())
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"quotetrack", b"run", os.fsencode(folder)]
        + [b"--out", os.fsencode(out), b"--outlet", b"Le Monde \xe9dition"],
        capture_output=True,
        timeout=300,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, stderr
    assert "Traceback" not in stderr
    articles = {r["doc_id"]: r for r in _rows(out, "articles")}
    issues = _rows(out, "issues")
    assert {"surrogate", "nested", "good", "side", "big", "deep", "caf\ufffd"} <= set(articles)
    assert articles["side"]["outlet"] == "Wire\ufffd"
    assert articles["good"]["outlet"] == "Le Monde \ufffddition"
    bad_lines = {int(i["line"]) for i in issues if i["code"] == "bad_json"}
    assert bad_lines == {2, 3}
    codes = {(i["source"].rsplit("/", 1)[-1], i["code"]) for i in issues}
    assert {("big.meta.json", "bad_sidecar"), ("deep.meta.json", "bad_sidecar")} <= codes
    assert ("pipe.txt", "not_a_file") in codes
    assert ("batch.jsonl", "invalid_text") in codes


def test_duplicate_doc_ids_cost_constant_work_each(monkeypatch: pytest.MonkeyPatch) -> None:
    from quotetrack.pipeline import ingest

    calls = 0
    real = ingest._id_key

    def counted(doc_id: str) -> int:
        nonlocal calls
        calls += 1
        return real(doc_id)

    monkeypatch.setattr(ingest, "_id_key", counted)
    ids = ingest.DocIds()
    copies = [ids.claim("same")[0] for _ in range(3000)]
    assert copies[:3] == ["same", "same~2", "same~3"] and copies[-1] == "same~3000"
    assert calls <= 4 * 3000  # before: each copy counted up from ~2 (4.5 million calls)
    assert ids.claim("same~5") == ("same~5~2", True)  # a taken suffix is never reused


def test_store_renames_many_copies_of_one_doc_id(tmp_path: Path) -> None:
    from quotetrack.models import Article
    from quotetrack.pipeline.store import Store

    with Store(tmp_path / "t.sqlite") as store:
        store.con.execute(
            "INSERT INTO articles (doc_id, sha1, source, text) VALUES ('x', 's0', 'a', 't')"
        )
        copies = [Article.build(doc_id="x", source=f"b{n}", text=f"t{n}") for n in range(3000)]
        plan = store.plan(copies)
    assert [a.doc_id for a, _ in plan.renamed] == [f"x~{n}" for n in range(2, 3002)]


TEXT = st.text(st.characters(exclude_categories=()), max_size=8)  # lone surrogates too
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=20,
)


def _nest(value: object, depth: int) -> object:
    for _ in range(depth):
        value = [value]
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(st.tuples(JSON, st.integers(0, 120)), min_size=1, max_size=5),
    sidecar=JSON,
    sidecar_depth=st.integers(0, 120),
)
def test_arbitrary_json_is_always_accounted_for(records, sidecar, sidecar_depth) -> None:
    from quotetrack.models import Article, Issue
    from quotetrack.pipeline.ingest import read_inputs

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lines = [
            json.dumps({"doc_id": f"r{i}", "text": "Some text.", "meta": _nest(value, depth)})
            for i, (value, depth) in enumerate(records)
        ]
        (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (folder / "b.txt").write_text("Some text.", encoding="utf-8")
        (folder / "b.meta.json").write_text(
            json.dumps({"extra": _nest(sidecar, sidecar_depth)}), encoding="utf-8"
        )
        items = list(read_inputs([folder]))
    stored = {i.line for i in items if isinstance(i, Article) and i.source.endswith("a.jsonl")}
    lost = {i.line for i in items if isinstance(i, Issue) and i.fatal}
    assert stored | lost == set(range(1, len(records) + 1))
    assert any(isinstance(i, Article) and i.doc_id == "b" for i in items)
    for item in items:  # what every writer needs: valid UTF-8 JSON text
        json.dumps(item.model_dump(), ensure_ascii=False).encode("utf-8")


# -- a store two people can share --------------------------------------------------------------
def write_stories(folder: Path, count: int, paragraphs: int = 1) -> None:
    """``count`` short invented news stories, ``a000.txt`` ..., each with a quote and figures."""
    folder.mkdir()
    for n in range(count):
        (folder / f"a{n:03d}.txt").write_text(
            f"Story {n}\n\n" + f'"We counted {n + 3} dead in Town{n}," the mayor said on Monday. '
            f"Police said at least {n + 1} people were injured and {n % 7} are missing.\n"
            * paragraphs,
            encoding="utf-8",
        )


def test_two_concurrent_adds_of_the_same_articles(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_stories(folder, 40)
    db = tmp_path / "shared.sqlite"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "quotetrack", "add", str(folder), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    con = sqlite3.connect(db)
    doc_ids = [row[0] for row in con.execute("SELECT doc_id FROM articles")]
    con.close()
    assert sorted(doc_ids) == [f"a{n:03d}" for n in range(40)]  # each stored once, none renamed


# -- bounded work ------------------------------------------------------------------------------
def test_exponential_rule_parts_fail_rules_check_quickly(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules", rules)
    numbers = rules / "numbers.toml"
    text = numbers.read_text(encoding="utf-8")
    chain = ['BOOM0 = "a"'] + [f'BOOM{n} = "{{BOOM{n - 1}}}{{BOOM{n - 1}}}"' for n in range(1, 61)]
    assert text.count("\n[parts]\n") == 1
    numbers.write_text(
        text.replace("\n[parts]\n", "\n[parts]\n" + "\n".join(chain) + "\n"), encoding="utf-8"
    )
    done = cli("rules", "check", "--rules", rules, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "parts.BOOM" in done.stderr and "expands to over 1,000,000 characters" in done.stderr


# -- temporary files ---------------------------------------------------------------------------
def test_sigterm_removes_temporary_files_and_keeps_the_old_tables(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_stories(folder, 400, paragraphs=5)
    out = tmp_path / "out"
    assert invoke("run", SEEDS, "--out", out, "-q").exit_code == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "quotetrack", "run", str(folder), "--out", str(out), "-q"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    deadline = time.monotonic() + 120
    while not [p for p in out.iterdir() if p.name.startswith(".")]:  # staging has begun
        assert proc.poll() is None and time.monotonic() < deadline, "run ended before SIGTERM"
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "stopped by SIGTERM" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old  # no staging file, old tables
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out", "tmp"]
    assert not list(scratch.iterdir())  # no spill file


def test_csv_rows_merged_by_an_unterminated_quote_are_reported(tmp_path: Path) -> None:
    table = tmp_path / "batch.csv"
    table.write_text(
        'doc_id,text\na,"He said ""hi"" to them\nb,Second row text here\nc,Third row\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert invoke("run", table, "--out", out, "-q").exit_code == 0
    merged = [i for i in _rows(out, "issues") if i["code"] == "merged_rows"]
    assert [(i["line"], i["severity"]) for i in merged] == [("2", "warning")]
    assert "2 lines shaped like further rows" in merged[0]["message"]
    # a closed multi-line field (a paragraph break in an article) is not reported
    table.write_text(
        'doc_id,text\na,"First paragraph.\nSecond, with a comma."\nb,Second row\n',
        encoding="utf-8",
    )
    assert invoke("run", table, "--out", out, "-q").exit_code == 0
    assert not [i for i in _rows(out, "issues") if i["code"] == "merged_rows"]


# -- exact, bounded figures ------------------------------------------------------------------------
def test_a_figure_no_column_can_hold_is_a_bad_figure_issue_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Huge toll\n\nPolice said 9999999999999999999999 people were killed in the blast. "
        "The mayor said 12 people were injured.\n",
        encoding="utf-8",
    )
    for fmt in ("csv", "parquet", "json"):
        out = tmp_path / f"out-{fmt}"
        done = cli("run", folder, "--out", out, "--format", fmt, "--quiet")
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    claims = pd.read_csv(tmp_path / "out-csv" / "claims.csv")
    assert list(claims["value"]) == [12]  # the plausible figure of the same article is kept
    issues = pd.read_csv(tmp_path / "out-csv" / "issues.csv")
    bad = issues[issues["code"] == "bad_figure"]
    assert len(bad) == 1 and "9999999999999999999999" in bad["message"].iloc[0]
    assert bad["start"].iloc[0] == len("Huge toll\n\nPolice said ")
