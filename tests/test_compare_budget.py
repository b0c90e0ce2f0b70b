"""The comparison's bounds, as a user meets them: an incident with too many figures to compare
pairwise is compared in part and says so (``comparison_capped``), and a comparison that runs out
of its ``--compare-budget`` leaves the incidents it did not reach unflagged, kept and reported
(``comparison_incomplete``), with every table written. Time is a fake clock here (each reading
advances one second), never the wall clock."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import BLAST_CITIES, several_incidents, write_jsonl
from typer.testing import CliRunner

import quotetrack
from quotetrack.cli.commands import app
from quotetrack.compare import COMPARISON_ISSUE_CODES
from quotetrack.pipeline.options import RunOptions
from quotetrack.pipeline.store import Store
from quotetrack.tables.normalise import TABLES

runner = CliRunner()
FIGURES = 1000


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 articles, each with its own figure for one blast at one place on one day."""
    records = [
        {
            "id": f"d{n}",
            "outlet": f"Outlet {n % 40}",
            "published": "2024-03-05",
            "text": f"KARACHI - A bomb blast in Karachi on Tuesday killed {n + 2} people, "
            "police said.\n",
        }
        for n in range(FIGURES)
    ]
    return write_jsonl(tmp_path_factory.mktemp("crowded") / "blast.jsonl", records)


def read_tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(out / f"{name}.csv") for name in TABLES}


def test_a_thousand_figures_for_one_place_and_day_report_the_cap(
    crowded: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(crowded), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    tables = read_tables(out)
    capped = tables["issues"][tables["issues"]["code"] == "comparison_capped"]
    assert len(capped) == 1
    (incident_id,) = tables["incidents"]["group_id"]  # the incident is kept, whole (its id)
    message = capped["message"].iloc[0]
    assert f"incident {incident_id} " in message
    assert f"{FIGURES} distinct figures" in message
    assert f"of {FIGURES * (FIGURES - 1) // 2} pairs not checked" in message
    assert capped["severity"].iloc[0] in ("warning", "info")
    assert len(tables["claims"]) == FIGURES
    # linear, not all pairs: far fewer flags than pairs of figures
    assert 0 < len(tables["disagreements"]) < FIGURES * 10
    assert f"info: incident {incident_id} " in result.stderr


def test_a_small_batch_is_not_capped(tmp_path: Path) -> None:
    result = quotetrack.run(several_incidents(tmp_path))
    assert not set(result.tables["issues"]["code"]) & set(COMPARISON_ISSUE_CODES)
    assert result.comparison_issues == []


def test_a_tiny_compare_budget_reports_incomplete_incidents_and_writes_every_table(
    tmp_path: Path, ticking: list[float]
) -> None:
    inputs = several_incidents(tmp_path)
    full = quotetrack.run(inputs, compare_budget_s=0)  # 0: no limit
    flagged = set(full.tables["disagreements"]["incident_id"])
    assert len(flagged) == len(BLAST_CITIES)  # without a deadline every incident is flagged
    out = tmp_path / "out"
    args = ["run", str(inputs), "--out", str(out), "--jobs", "1", "--compare-budget", "3"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "the comparison ran out of time" in result.stderr
    tables = read_tables(out)
    assert set(tables) == set(TABLES)
    late = tables["issues"][tables["issues"]["code"] == "comparison_incomplete"]
    late_ids = {m.split()[1] for m in late["message"] if "was not compared" in m}
    compared = set(tables["disagreements"]["incident_id"])
    assert late_ids and compared  # the clock ran out part of the way
    assert not late_ids & compared  # an incident not reached has no flags
    assert late_ids | compared == set(tables["incidents"]["group_id"])  # every one kept
    status = dict(zip(tables["incidents"]["group_id"], tables["incidents"]["status"], strict=True))
    assert {status[i] for i in late_ids} == {"not_compared"}  # never "agree" unread
    assert "not_compared" not in {status[i] for i in compared}
    assert (late["severity"] == "warning").all()
    assert len(tables["claims"]) == len(full.tables["claims"])
    assert len(tables["incidents"]) == len(full.tables["incidents"])
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1


def test_the_library_reports_incomplete_incidents(tmp_path: Path, ticking: list[float]) -> None:
    result = quotetrack.run(several_incidents(tmp_path), compare_budget_s=3)
    late = [i for i in result.comparison_issues if i.code == "comparison_incomplete"]
    assert late
    issues = result.tables["issues"]
    assert (issues["code"] == "comparison_incomplete").sum() == len(late)
    assert len(result.tables["incidents"]) == len(BLAST_CITIES)


def test_the_store_keeps_only_the_last_comparisons_issues(
    tmp_path: Path, ticking: list[float]
) -> None:
    from quotetrack.pipeline.ingest import read_inputs

    inputs = several_incidents(tmp_path)
    with Store(tmp_path / "track.sqlite") as store:
        report = store.add(read_inputs([inputs]), options=RunOptions(compare_budget_s=3))
        late = [i for i in report.issues if i.code == "comparison_incomplete"]
        assert late
        stored = store.tables(["issues"])["issues"]
        assert (stored["code"] == "comparison_incomplete").sum() == len(late)
        store.recompare(options=RunOptions(compare_budget_s=0))
        stored = store.tables(["issues"])["issues"]
        assert not (stored["code"] == "comparison_incomplete").any()


def test_the_default_compare_budget_follows_the_time_budget() -> None:
    per_document = 2.0
    derived = RunOptions(time_budget_s=per_document).compare_budget()
    assert derived.seconds is not None and derived.seconds > per_document
    assert derived.per_document > 0
    many, few = derived.deadline(10_000).seconds, derived.deadline(10).seconds
    assert many is not None and few is not None and many > few
    assert RunOptions(time_budget_s=0).compare_budget().deadline(10).seconds is None
    assert RunOptions(compare_budget_s=0).compare_budget().deadline(10).seconds is None
    assert RunOptions(compare_budget_s=5).compare_budget().deadline(10_000).seconds == 5


@pytest.mark.parametrize("value", ["-1", "nan", "1e308"])
def test_a_bad_compare_budget_is_a_usage_error(tmp_path: Path, value: str) -> None:
    inputs = several_incidents(tmp_path)
    result = runner.invoke(
        app, ["run", str(inputs), "--out", str(tmp_path / "o"), "--compare-budget", value]
    )
    assert result.exit_code == 2
    assert "--compare-budget" in result.output + result.stderr
