"""One data dictionary: every column described on its row model, docs/columns.md generated from
the models (stale = a failure), tables that reload with their types, CSV that Excel reads."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, SEEDS
from test_library import OTHER, STORY
from typer.testing import CliRunner

import quotetrack
from quotetrack.cli.commands import app
from quotetrack.tables.dictionary import DOCUMENT_PATH, markdown
from quotetrack.tables.normalise import TABLES

runner = CliRunner()


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_description(table: str) -> None:
    fields = TABLES[table].model_fields
    assert [n for n, f in fields.items() if len((f.description or "").strip()) < 10] == []
    assert all(f"| `{name}` |" in markdown() for name in fields)


def test_docs_columns_md_is_generated_from_the_models() -> None:
    written = (REPO / DOCUMENT_PATH).read_text(encoding="utf-8")
    assert written == markdown(), (
        "docs/columns.md is stale: run python -m quotetrack.tables.dictionary --write "
        "docs/columns.md"
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for path in SEEDS.glob("0*"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "flood-a.txt").write_text(STORY, encoding="utf-8")
    (folder / "flood-b.txt").write_text(OTHER, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("fmt", "extra"), [("csv", []), ("csv", ["--excel"]), ("jsonl", [])])
def test_written_tables_reload_with_their_types(
    corpus: Path, tmp_path: Path, fmt: str, extra: list[str]
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(corpus), "--out", str(out), "--format", fmt, *extra])
    assert result.exit_code == 0, result.output
    held = quotetrack.run(corpus).tables
    assert len(held["claims"]) >= 2 and held["claims"]["high"].isna().any()
    for table in TABLES:
        reloaded = quotetrack.read_table(out / f"{table}.{fmt}")
        pd.testing.assert_frame_equal(reloaded, held[table], check_exact=True, obj=table)


def test_plain_pandas_reads_counts_as_floats_which_read_table_avoids(corpus: Path, tmp_path: Path):
    assert runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path)]).exit_code == 0
    assert pd.read_csv(tmp_path / "claims.csv")["high"].dtype == "float64"
    assert quotetrack.read_table(tmp_path / "claims.csv")["high"].dtype == "Int64"


def test_excel_csv_starts_with_a_byte_order_mark(corpus: Path, tmp_path: Path) -> None:
    plain, excel = tmp_path / "plain", tmp_path / "excel"
    assert runner.invoke(app, ["run", str(corpus), "--out", str(plain)]).exit_code == 0
    assert runner.invoke(app, ["run", str(corpus), "--out", str(excel), "--excel"]).exit_code == 0
    for table in TABLES:
        assert (excel / f"{table}.csv").read_bytes() == b"\xef\xbb\xbf" + (
            plain / f"{table}.csv"
        ).read_bytes()


def test_datasette_metadata_describes_every_column(tmp_path: Path) -> None:
    target = tmp_path / "metadata.json"
    made = runner.invoke(app, ["datasette-metadata", "--db", "track.sqlite", "-o", str(target)])
    assert made.exit_code == 0, made.output
    tables = json.loads(target.read_text(encoding="utf-8"))["databases"]["track"]["tables"]
    from quotetrack.pipeline.store import STORE_DESCRIPTIONS

    assert set(tables) == set(TABLES) | set(STORE_DESCRIPTIONS)  # the store's own tables and views
    assert all(tables[name]["description"] for name in STORE_DESCRIPTIONS)
    for table, model in TABLES.items():
        assert tables[table]["columns"] == {n: f.description for n, f in model.model_fields.items()}
