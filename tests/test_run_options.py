"""One options object for every run: the library's flat keywords and ``RunOptions`` give the same
tables, the store remembers the comparison options last used and says when a command changes
them, and every command follows one convention for its output flags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import SEEDS
from typer.testing import CliRunner

import quotetrack
from quotetrack.cli.commands import app
from quotetrack.compare import CompareOptions
from quotetrack.compare.flags import FlagOptions
from quotetrack.pipeline.options import (
    RunOptions,
    compare_changes,
    compare_options_from_json,
    compare_options_json,
)
from quotetrack.pipeline.store import Store

runner = CliRunner()

STORY = (
    "Floods in the valley killed 12 people on Monday, officials said. "
    '"We have never seen water like this," the mayor, Ana Ruiz, told reporters.\n'
)


def remembered(store: Store) -> CompareOptions:
    options = store.compare_options()
    assert options is not None
    return options


def test_flat_keywords_and_run_options_give_the_same_tables() -> None:
    flat = quotetrack.run(SEEDS, tolerance=3, window_days=2, max_chars=100_000)
    options = RunOptions(tolerance=3, window_days=2, max_chars=100_000)
    boxed = quotetrack.run(SEEDS, options)
    for name, frame in flat.tables.items():
        assert frame.equals(boxed.tables[name]), name


def test_a_full_compare_options_is_still_accepted_and_knobs_apply_on_top() -> None:
    strict = CompareOptions(flags=FlagOptions(tolerance=1.0))
    options = RunOptions.of(compare_options=strict, window_days=3)
    resolved = options.comparison()
    assert resolved.flags.tolerance == 1.0 and resolved.grouping.window_days == 3
    result = quotetrack.run(SEEDS, compare_options=strict)
    assert result.count("disagreements") >= quotetrack.run(SEEDS).count("disagreements")


def test_the_old_positional_parameters_still_work(tmp_path: Path) -> None:
    """``run(inputs, rules_dir)`` and ``run_to_directory(inputs, out, fmt, jobs)`` were positional
    before the options object."""
    from conftest import REPO

    from quotetrack.pipeline.runner import run_to_directory

    rules = REPO / "rules"
    old = quotetrack.run(SEEDS, rules)
    assert old.tables["claims"].equals(quotetrack.run(SEEDS, rules_dir=rules).tables["claims"])
    written = run_to_directory(SEEDS, tmp_path / "out", "csv", 1)
    assert written.count("claims") == len(old.tables["claims"])


def test_unknown_or_bad_run_options_are_named() -> None:
    with pytest.raises(TypeError, match="tolerence"):
        quotetrack.run(SEEDS, tolerence=2)
    with pytest.raises(ValueError, match="tolerance"):
        quotetrack.run(SEEDS, tolerance=0.5)
    with pytest.raises(TypeError, match="RunOptions"):
        quotetrack.run(SEEDS, 42)  # type: ignore[arg-type]


def test_compare_options_survive_json_and_changes_are_named_by_their_flag() -> None:
    options = RunOptions(tolerance=2, quote_similarity=90).comparison()
    assert compare_options_from_json(compare_options_json(options)) == options
    assert compare_options_from_json("not json") is None
    assert compare_changes(CompareOptions(), options) == [
        "--quote-similarity 80 -> 90",
        "--tolerance 1.5 -> 2",
    ]


def test_the_store_remembers_recompare_options_for_the_next_add(tmp_path: Path) -> None:
    """Before: ``recompare --tolerance 50`` was undone silently by the next ``add`` (which compared
    with the default 1.5 again)."""
    db = tmp_path / "t.sqlite"
    first = runner.invoke(app, ["add", str(SEEDS), "--db", str(db), "--quiet"])
    assert first.exit_code == 0 and "comparison options changed" not in first.stderr
    loose = runner.invoke(app, ["recompare", "--db", str(db), "--tolerance", "50"])
    assert loose.exit_code == 0
    assert "comparison options changed: --tolerance 1.5 -> 50" in loose.stderr
    with Store(db) as store:
        after_recompare = store.rows("disagreements")
    story = tmp_path / "flood.txt"
    story.write_text(STORY, encoding="utf-8")
    later = runner.invoke(app, ["add", str(story), "--db", str(db), "--quiet"])
    assert later.exit_code == 0, later.stderr
    assert "comparison options changed" not in later.stderr
    with Store(db) as store:
        assert remembered(store).flags.tolerance == 50
        kinds = [r["kind"] for r in store.rows("disagreements")]
    assert kinds.count("divergence") == [r["kind"] for r in after_recompare].count("divergence")
    # an add that changes them says so, and applies them even when nothing new is stored
    again = runner.invoke(app, ["add", str(story), "--db", str(db), "--tolerance", "1.5", "-q"])
    assert again.exit_code == 0
    assert "comparison options changed: --tolerance 50 -> 1.5" in again.stderr
    with Store(db) as store:
        assert remembered(store).flags.tolerance == 1.5
        back = [r["kind"] for r in store.rows("disagreements")]
    assert back.count("divergence") > kinds.count("divergence")


def test_a_store_of_schema_3_remembers_the_options_of_its_last_batch(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    with Store(db) as store:
        store.add(quotetrack.read_inputs([str(SEEDS)]), options=RunOptions(tolerance=4))
        # as schema 3 left it: no settings table, the options only in the batches table
        store.con.execute("DROP TABLE settings")
        for view in ("disagreement_claims_articles", "quote_articles"):
            store.con.execute(f"DROP VIEW {view}")
        store.con.execute("DROP TABLE outlets")
        store.con.execute("PRAGMA user_version = 3")
    with Store(db) as store:
        assert store.migrated == [4]
        assert remembered(store).flags.tolerance == 4
        assert store.con.execute("SELECT count(*) FROM outlets").fetchone()[0] >= 1


def test_views_outlets_and_full_text_search(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    added = runner.invoke(app, ["add", str(SEEDS), "--db", str(db), "--fts", "--quiet"])
    assert added.exit_code == 0, added.stderr
    with Store(db) as store:
        con = store.con
        n_quotes = con.execute("SELECT count(*) FROM quotes").fetchone()[0]
        assert con.execute("SELECT count(*) FROM quote_articles").fetchone()[0] == n_quotes
        linked = con.execute("SELECT count(*) FROM disagreement_claims").fetchone()[0]
        view = con.execute("SELECT count(*) FROM disagreement_claims_articles").fetchone()[0]
        assert view == linked > 0
        outlets = con.execute("SELECT outlet, articles, quotes FROM outlets").fetchall()
        named = con.execute(
            "SELECT outlet, count(*) FROM articles WHERE outlet IS NOT NULL GROUP BY outlet"
        ).fetchall()
        assert sorted((o, a) for o, a, _ in outlets) == sorted(named)
        word = con.execute("SELECT speaker FROM quotes WHERE speaker IS NOT NULL").fetchone()[0]
        hits = con.execute(
            "SELECT q.speaker, q.text, q.sentence FROM quotes_fts f "
            "JOIN quotes q ON q.rowid = f.rowid WHERE quotes_fts MATCH ?",
            (f'"{word}"',),
        ).fetchall()
        assert 0 < len(hits) <= n_quotes
        assert all(word.lower() in " ".join(filter(None, row)).lower() for row in hits)
    # a later add keeps the index up to date without --fts
    story = tmp_path / "flood.txt"
    story.write_text(STORY, encoding="utf-8")
    assert runner.invoke(app, ["add", str(story), "--db", str(db), "-q"]).exit_code == 0
    with Store(db) as store:
        found = store.con.execute(
            "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'Ruiz'"
        ).fetchone()[0]
        assert found == 1


def test_datasette_opens_the_store_and_reads_a_view(tmp_path: Path) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    import asyncio

    db = tmp_path / "track.sqlite"
    assert runner.invoke(app, ["add", str(SEEDS), "--db", str(db), "--fts", "-q"]).exit_code == 0
    meta = tmp_path / "metadata.json"
    assert (
        runner.invoke(app, ["datasette-metadata", "--db", str(db), "-o", str(meta)]).exit_code == 0
    )
    metadata = json.loads(meta.read_text(encoding="utf-8"))

    async def read() -> tuple[list[dict], list[dict], dict]:
        ds = datasette_app.Datasette([str(db)], metadata=metadata)
        await ds.invoke_startup()
        view = await ds.client.get("/track/disagreement_claims_articles.json?_shape=array")
        search = await ds.client.get("/track/quotes.json?_search=Fares&_shape=array")
        table = await ds.client.get("/track/outlets.json")
        return view.json(), search.json(), table.json()

    view, search, outlets = asyncio.run(read())
    with Store(db) as store:
        expected = store.con.execute("SELECT count(*) FROM disagreement_claims").fetchone()[0]
        fares = store.con.execute(
            "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'Fares'"
        ).fetchone()[0]
    assert len(view) == expected > 0
    assert {"disagreement_id", "claimant", "outlet", "sentence"} <= set(view[0])
    assert len(search) == fares > 0
    assert "outlets" == outlets["table"]


def _commands() -> dict[str, Any]:
    """Every command of the CLI by name (``eval quotes`` for a subcommand), as click sees it."""
    group: Any = typer.main.get_command(app)
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found |= {f"{name} {n}": c for n, c in command.commands.items()}
        else:
            found[name] = command
    return found


def test_one_convention_for_output_flags() -> None:
    """``-o/--out DIR`` for many tables, ``-o/--output FILE`` for one file, on every command that
    writes data (before: status and timeline had no -o at all)."""
    writers = set()
    for name, command in _commands().items():
        for param in command.params:
            if param.param_type_name == "option" and "-o" in param.opts:
                writers.add(name)
                long = next(o for o in param.opts if o.startswith("--"))
                assert (long, param.metavar) in (("--out", "DIR"), ("--output", "FILE")), name
    assert {"run", "quotes", "claims", "compare", "export", "status", "timeline"} <= writers
    assert {"report", "datasette-metadata"} <= writers


def test_quiet_strict_and_rules_where_they_make_sense() -> None:
    commands = _commands()
    flags = {name: {o for p in c.params for o in p.opts} for name, c in commands.items()}
    for name in ("run", "quotes", "claims", "compare", "add", "report"):
        assert {"--quiet", "--strict", "--rules"} <= flags[name], name
    assert {"--quiet", "--rules"} <= flags["recompare"]
    assert "--quiet" in flags["export"]
    formats = {
        name: next(p.metavar for p in c.params if "--format" in p.opts)
        for name, c in commands.items()
        if "--format" in flags[name]
    }
    assert all(metavar and "|" in metavar for metavar in formats.values()), formats


def test_status_and_timeline_write_to_a_file(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    assert runner.invoke(app, ["add", str(SEEDS), "--db", str(db), "-q"]).exit_code == 0
    stdout = runner.invoke(app, ["status", "--db", str(db), "--format", "json"]).stdout
    target = tmp_path / "status.json"
    done = runner.invoke(app, ["status", "--db", str(db), "-f", "json", "-o", str(target)])
    assert done.exit_code == 0 and done.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(stdout)
    lines = runner.invoke(app, ["timeline", "--db", str(db)]).stdout
    out = tmp_path / "timeline.txt"
    assert runner.invoke(app, ["timeline", "--db", str(db), "--output", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == lines != ""


def test_strict_fails_a_command_with_issues(tmp_path: Path) -> None:
    doc = tmp_path / "odd.txt"
    doc.write_text('He said "this quote never ends.\n', encoding="utf-8")
    plain = runner.invoke(app, ["quotes", str(doc)])
    assert plain.exit_code == 0 and "warning" in plain.stderr
    strict = runner.invoke(app, ["quotes", str(doc), "--strict"])
    assert strict.exit_code == 1 and "--strict" in strict.stderr
