"""The SQLite store: batches equal one run, dedup, replacement, migrations, export round-trips,
tolls over time."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS
from typer.testing import CliRunner

from quotetrack.cli.commands import app
from quotetrack.errors import QuotetrackError
from quotetrack.models import Article, Claim
from quotetrack.pipeline.extractor import DocumentResult, Extractor
from quotetrack.pipeline.ingest import read_inputs
from quotetrack.pipeline.runner import run
from quotetrack.pipeline.store import MIGRATIONS, SCHEMA_VERSION, Store, _row_values
from quotetrack.tables.normalise import TABLES, columns

runner = CliRunner()
SEED_FILES = sorted(SEEDS.glob("0*.txt"))


@pytest.fixture(scope="module")
def extractor(ruleset) -> Extractor:
    return Extractor(ruleset)


def items(*paths: Path | str) -> list[Any]:
    return list(read_inputs([str(p) for p in paths]))


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table of the store (store-only tables included)."""
    names = [
        r[0]
        for r in store.con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    return {n: sorted(map(repr, store.con.execute(f"SELECT * FROM {n}"))) for n in names}


def assert_sound(store: Store) -> None:
    integrity, fk_problems = store.checks()
    assert integrity == "ok" and fk_problems == []


def csv_rows(path: Path) -> list[tuple[str, ...]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return [tuple(rows[0])] + sorted(map(tuple, rows[1:]))


def test_two_batches_give_the_same_tables_as_one_run(tmp_path: Path, extractor: Extractor) -> None:
    with Store(tmp_path / "t.sqlite") as store:
        first = store.add(items(SEED_FILES[0]), extractor)
        second = store.add(items(SEED_FILES[1]), extractor)
        assert (first.new, second.new) == ([SEED_FILES[0].stem], [SEED_FILES[1].stem])
        stored = store.tables()
        assert_sound(store)
        assert store.version == SCHEMA_VERSION
    whole = run([SEEDS]).tables
    for name in TABLES:
        assert stored[name].equals(whole[name]), name
    assert len(stored["articles"]) == 2


def test_adding_the_same_file_twice_changes_nothing(tmp_path: Path, extractor: Extractor) -> None:
    with Store(tmp_path / "t.sqlite") as store:
        store.add(items(SEEDS), extractor)
        before = snapshot(store)
        again = store.add(items(SEEDS), extractor)
        assert (
            not again.changed
            and again.unchanged == [p.stem for p in SEED_FILES]
            and again.new == []
        )
        assert snapshot(store) == before


def write_article(folder: Path, name: str, text: str, published: str = "2024-03-01") -> Path:
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    (folder / f"{name}.meta.json").write_text(
        f'{{"outlet": "Daily Record", "published": "{published}"}}', encoding="utf-8"
    )
    return path


def test_changed_article_replaces_its_rows_and_says_so(
    tmp_path: Path, extractor: Extractor
) -> None:
    old = (
        "Blast in market\n\nPolice said three people were killed in the blast on Friday. "
        '"We are investigating," the chief said.\n'
    )
    new = "Blast in market\n\nPolice said seven people were killed in the blast on Friday.\n"
    path = write_article(tmp_path, "market", old)
    with Store(tmp_path / "t.sqlite") as store:
        store.add(items(path), extractor)
        old_quotes = store.rows("quotes")
        path.write_text(new, encoding="utf-8")
        report = store.add(items(path), extractor)
        assert report.replaced == ["market"] and report.new == []
        assert report.messages() == [
            "replaced: market (its text changed; old quotes and claims removed)"
        ]
        (article,) = store.rows("articles")
        assert article["text"] == new
        assert all(new[q["start"] : q["end"]] == q["text"] for q in store.rows("quotes"))
        assert [
            new[c["start"] : c["end"]] == c["evidence"] and "seven" in c["evidence"]
            for c in store.rows("claims")
        ] == [True]
        assert len(old_quotes) > len(store.rows("quotes"))  # the old quote went with the old text
        assert_sound(store)


def test_same_text_under_another_name_is_a_duplicate(tmp_path: Path, extractor: Extractor) -> None:
    text = "Flood\n\nOfficials said 12 people died in the floods.\n"
    a, b = write_article(tmp_path, "flood-a", text), write_article(tmp_path, "flood-b", text)
    with Store(tmp_path / "t.sqlite") as store:
        store.add(items(a), extractor)
        report = store.add(items(b), extractor)
        assert report.duplicates == [("flood-b", "flood-a")] and not report.changed
        assert [r["doc_id"] for r in store.rows("articles")] == ["flood-a"]


def test_other_article_with_a_stored_doc_id_is_renamed(
    tmp_path: Path, extractor: Extractor
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    a = write_article(tmp_path / "one", "story", "Fire\n\nTwo firefighters were injured.\n")
    b = write_article(
        tmp_path / "two", "story", "Storm\n\nFour people were injured in the storm.\n"
    )
    with Store(tmp_path / "t.sqlite") as store:
        store.add(items(a), extractor)
        report = store.add(items(b), extractor)
        assert report.renamed == [("story~2", "story")]
        assert [r["doc_id"] for r in store.rows("articles")] == ["story", "story~2"]


def make_v1(path: Path, article: Article) -> None:
    """A store as the first schema version wrote it, holding one article."""
    con = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](con)
    con.execute("PRAGMA user_version = 1")
    cols = ", ".join(f'"{c}"' for c in columns("articles"))
    con.execute(
        f"INSERT INTO articles ({cols}) VALUES ({', '.join('?' * len(columns('articles')))})",
        _row_values("articles", article),
    )
    con.close()


def test_migration_from_the_first_schema_version(tmp_path: Path, extractor: Extractor) -> None:
    path = tmp_path / "old.sqlite"
    article = next(i for i in items(SEED_FILES[0]) if isinstance(i, Article))
    make_v1(path, article)
    with Store(path) as store:
        assert (
            store.migrated == list(range(2, SCHEMA_VERSION + 1)) and store.version == SCHEMA_VERSION
        )
        (row,) = store.con.execute("SELECT doc_id, batch_id, seq FROM articles").fetchall()
        assert row[0] == article.doc_id and row[1] is not None and row[2] == 1
        assert (
            store.con.execute("SELECT note FROM batches").fetchone()[0]
            == "articles stored under schema 1"
        )
        assert store.rows("articles")[0]["text"] == article.text
        report = store.add(items(*SEED_FILES), extractor)  # the migrated article is recognised
        assert report.unchanged == [article.doc_id] and report.new == [SEED_FILES[1].stem]
        assert_sound(store)
    with Store(path) as again:
        assert again.migrated == []


def test_missing_model_column_is_added_on_open(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE claims DROP COLUMN event_date")
    con.close()
    with Store(path) as store:
        have = {r[1] for r in store.con.execute("PRAGMA table_info(claims)")}
        assert set(columns("claims")) <= have


def test_a_failing_batch_stores_nothing(tmp_path: Path, extractor: Extractor, monkeypatch) -> None:
    import quotetrack.pipeline.store as store_module

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("compare failed")

    with Store(tmp_path / "t.sqlite") as store:
        monkeypatch.setattr(store_module, "compare", broken)
        with pytest.raises(RuntimeError):
            store.add(items(SEEDS), extractor)
        assert store.status()["articles"] == 0 and store.status()["batches"] == 0


def test_files_that_are_not_stores_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.close()
    with pytest.raises(QuotetrackError, match="not a quotetrack store"):
        Store(other)
    (tmp_path / "text.sqlite").write_text("hello, not a database" * 100)
    with pytest.raises(QuotetrackError, match="not a quotetrack store"):
        Store(tmp_path / "text.sqlite")
    with pytest.raises(QuotetrackError, match="no such store"):
        Store(tmp_path / "missing.sqlite", create=False)


# -- tolls over time ---------------------------------------------------------------------------
def toll(
    doc: str, day: str, value: int, claimant: str = "the health ministry", cue: str | None = None
) -> DocumentResult:
    """One article reporting a cumulative death toll (hand-made claim, real offsets)."""
    text = (
        f"Quake toll\n\n{claimant.capitalize()} said {value} people have died since the "
        "earthquake.\n"
    )
    figure = str(value)
    start = text.index(f" {figure} ") + 1
    sentence = text.split("\n\n")[1].strip()
    article = Article.build(
        doc_id=doc, text=text, outlet=f"Outlet {doc}", published=day, source=f"{doc}.txt"
    )
    claim = Claim(
        doc_id=doc,
        outlet=article.outlet,
        claim_id=f"{doc}:c1",
        start=start,
        end=start + len(figure),
        count_text=figure,
        evidence=figure,
        sentence=sentence,
        category="killed",
        qualifier="exact",
        value=value,
        low=value,
        high=value,
        best=value,
        claimant=claimant,
        measure="cumulative",
        location="Herat",
        published=day,
        update_cue=cue,
        sentence_start=text.index(sentence),
        sentence_end=text.index(sentence) + len(sentence),
    )
    return DocumentResult(article, claims=[claim])


def test_rising_and_falling_tolls_are_recorded_with_both_dates(
    tmp_path: Path, extractor: Extractor
) -> None:
    with Store(tmp_path / "t.sqlite") as store:
        b1 = store.commit([toll("day1", "2024-03-01", 120)], [], extractor=extractor).batch_id
        b2 = store.commit([toll("day2", "2024-03-02", 300)], [], extractor=extractor).batch_id
        (change,) = [
            dict(
                zip(
                    [d[0] for d in store.con.execute("SELECT * FROM toll_changes").description],
                    r,
                    strict=True,
                )
            )
            for r in store.con.execute("SELECT * FROM toll_changes")
        ]
        assert (change["kind"], change["from_date"], change["to_date"]) == (
            "update",
            "2024-03-01",
            "2024-03-02",
        )
        assert (change["from_best"], change["to_best"], change["first_batch_id"]) == (120, 300, b2)
        store.commit([toll("day3", "2024-03-03", 250)], [], extractor=extractor)
        kinds = {
            (r[0], r[1], r[2]): r[3]
            for r in store.con.execute(
                "SELECT from_claim_id, to_claim_id, kind, first_batch_id FROM toll_changes"
            )
        }
        assert (
            kinds[("day1:c1", "day2:c1", "update")] == b2
        )  # first recorded in batch 2, kept since
        assert ("day2:c1", "day3:c1", "revision_down") in kinds
        series = store.timeline()
        assert [(r["date"], r["best"], r["change"]) for r in series] == [
            ("2024-03-01", 120, None),
            ("2024-03-02", 300, "update"),
            ("2024-03-03", 250, "revision_down"),
        ]
        assert store.status()["open_disagreements"] == 0 and b1 != b2
        assert_sound(store)


def test_cli_add_status_timeline_export_report(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    first = runner.invoke(app, ["add", *map(str, SEEDS.glob("000*")), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert (
        f"info: {next(SEEDS.glob('000*.meta.json'))}: sidecar metadata, read with its document"
        in first.stderr
    )
    second = runner.invoke(app, ["add", *map(str, SEEDS.glob("001*")), "--db", str(db)])
    assert second.exit_code == 0 and "batch 2: 1 new, 0 replaced" in second.stderr
    again = runner.invoke(app, ["add", str(SEEDS), "--db", str(db)])
    assert "nothing new: 0 new, 0 replaced, 2 unchanged" in again.stderr
    status = runner.invoke(app, ["status", "--db", str(db)])
    assert status.exit_code == 0 and "articles: 2 from 1 outlets" in status.stdout
    assert "newest article: 2012-07-12 " in status.stdout
    out = tmp_path / "exported"
    assert runner.invoke(app, ["export", "--db", str(db), "--out", str(out)]).exit_code == 0
    ran = tmp_path / "ran"
    assert runner.invoke(app, ["run", str(SEEDS), "--out", str(ran)]).exit_code == 0
    for name in TABLES:
        assert csv_rows(out / f"{name}.csv") == csv_rows(ran / f"{name}.csv"), name
    timeline = runner.invoke(app, ["timeline", "--db", str(db)])
    assert timeline.exit_code == 0
    claims = run([SEEDS]).tables["claims"]
    assert sum(line.startswith("  2012-07-12") for line in timeline.stdout.splitlines()) == len(
        claims
    )
    unknown = runner.invoke(app, ["timeline", "--db", str(db), "--event", "g999"])
    assert unknown.exit_code == 1 and f"Error: no event group 'g999' in {db}" in unknown.stderr
    html_file = tmp_path / "r.html"
    made = runner.invoke(app, ["report", "--db", str(db), "-o", str(html_file)])
    assert made.exit_code == 0 and html_file.read_text(encoding="utf-8").startswith(
        "<!DOCTYPE html>"
    )
    assert (
        runner.invoke(app, ["report", str(SEEDS), "--db", str(db), "-o", str(html_file)]).exit_code
        == 2
    )
    assert runner.invoke(app, ["report", "-o", str(html_file)]).exit_code == 2
    missing = runner.invoke(app, ["status", "--db", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 1
    assert missing.stderr.splitlines() == [
        f"Error: {tmp_path / 'none.sqlite'}: no such store",
        "Hint: create it with: quotetrack add INPUT... --db FILE",
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_export_other_formats(tmp_path: Path, extractor: Extractor, fmt: str) -> None:
    db = tmp_path / "t.sqlite"
    with Store(db) as store:
        store.add(items(SEEDS), extractor)
    result = runner.invoke(
        app, ["export", "--db", str(db), "--out", str(tmp_path / "o"), "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == sorted(
        f"{t}.{fmt}" for t in TABLES
    )


def test_recompare_command_applies_new_options(tmp_path) -> None:
    from conftest import SEEDS

    db = tmp_path / "t.sqlite"
    runner = CliRunner()
    assert runner.invoke(app, ["add", str(SEEDS), "--db", str(db), "--quiet"]).exit_code == 0
    with Store(db) as store:
        before = [r["kind"] for r in store.rows("disagreements")]
    loose = runner.invoke(app, ["recompare", "--db", str(db), "--tolerance", "50"])
    assert loose.exit_code == 0 and loose.stderr.startswith("recompared: ")
    with Store(db) as store:
        after = [r["kind"] for r in store.rows("disagreements")]
    assert after.count("divergence") < before.count(
        "divergence"
    )  # ratios under 50 no longer diverge
    assert after.count("contradiction") == before.count(
        "contradiction"
    )  # disjoint figures stay contradictions
    missing = runner.invoke(app, ["recompare", "--db", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 1 and "no such store" in missing.stderr


def test_timeline_shows_an_undated_article_as_undated(tmp_path: Path) -> None:
    """An article without a published date is ordered by the day it was added, but that day is
    not printed as its date."""
    cli = CliRunner()
    story = "Rescuers said at least 12 people were killed in the flood on Monday."
    (tmp_path / "undated.txt").write_text(story, encoding="utf-8")
    db = tmp_path / "track.sqlite"
    assert cli.invoke(app, ["add", str(tmp_path / "undated.txt"), "--db", str(db)]).exit_code == 0
    rows = [
        json.loads(line)
        for line in cli.invoke(
            app, ["timeline", "--db", str(db), "--format", "jsonl"]
        ).stdout.splitlines()
    ]
    assert rows and all(r["date"] is None and r["added"] for r in rows)
    text = cli.invoke(app, ["timeline", "--db", str(db)]).stdout
    assert "????-??-??" in text and rows[0]["added"] not in text
