"""Comparison evaluation: ``quotetrack eval compare`` agrees with score_flags.py on the ECB+ dev
split (undated and with dates), the CLI works, and the scores keep to tests/baselines.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quotetrack.cli.commands import app
from quotetrack.evaluate.claims import load_rows
from quotetrack.evaluate.compare import gold_interval, headline_f1, report, row_pairs, score
from quotetrack.pipeline.runner import run
from quotetrack.tables.export import write_tables

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
GOLD = EVAL / "ecb-incidents-dev.jsonl"
DOCS = EVAL / "ecb-dev-docs.jsonl"
DATES = EVAL / "tools" / "ecb_dates.py"
SCORER = EVAL / "tools" / "score_flags.py"
BASELINES = REPO / "tests" / "baselines.json"

needs_eval = pytest.mark.skipif(
    not (GOLD.is_file() and DOCS.is_file() and SCORER.is_file() and DATES.is_file()),
    reason="shared eval data not present",
)


def test_gold_intervals_and_row_pairs() -> None:
    assert gold_interval({"qualifier": "more_than", "value": 4}) == (5.0, float("inf"))
    assert gold_interval({"qualifier": "vague", "value": 3}) == (3.0, 14.0)
    assert gold_interval({"qualifier": "exact", "value": None}) == (0.0, float("inf"))
    row = {
        "claim_ids": ["a", "b", "c"],
        "claimants": ["police", "police", "medics"],
        "intervals": ["[6, 6]", "[6, 6]", "[7, 7]"],
        "match_keys": [],
    }
    assert row_pairs(row) == [("a", "c"), ("b", "c")]  # copies of one position are not paired
    daily = {**row, "match_keys": ["measure:daily_vs_incidents"]}
    assert row_pairs(daily) == [("a", "b"), ("a", "c")]


@pytest.fixture(scope="module")
def dev_runs(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """The dev split as it is and with dates (ecb_dates.py, a 0-2 day spread): tables on disk."""
    base = tmp_path_factory.mktemp("eval-compare")
    dated = base / "dev-dated.jsonl"
    subprocess.run([sys.executable, str(DATES), str(DOCS), str(dated), "2"], check=True)
    runs = {}
    for name, docs in (("undated", DOCS), ("dated", dated)):
        tables = run([docs]).tables
        out = base / name
        write_tables(tables, out, "csv")
        runs[name] = (out, tables)
    return runs


@needs_eval
@pytest.mark.parametrize("name", ["undated", "dated"])
def test_scores_agree_with_score_flags(dev_runs, tmp_path: Path, name: str) -> None:
    out, tables = dev_runs[name]
    reference = tmp_path / "ref.json"
    subprocess.run(
        [sys.executable, str(SCORER), str(GOLD), str(out), "--docs", str(DOCS)]
        + ["--json", str(reference)],
        check=True,
        capture_output=True,
    )
    ref = json.loads(reference.read_text(encoding="utf-8"))
    doc_ids = [json.loads(line)["doc_id"] for line in DOCS.read_text().splitlines() if line]
    ours = score(load_rows(GOLD), tables, doc_ids)
    for key in ("rows", "pairs", "right", "precision", "false_alarms"):
        assert ours["flags"][key] == ref["flags"][key], key
    for key in ("gold_disagreements", "both_extracted", "found", "recall"):
        assert ours["recall"][key] == ref["recall"][key], key
    for name_ in ("incident", "incident_category"):
        assert ours["grouping"][name_] == ref["grouping"][name_]
    assert ours["extraction"]["matched"] == ref["extraction"]["matched"]


@needs_eval
def test_dev_scores_keep_to_the_baselines(dev_runs) -> None:
    baselines = json.loads(BASELINES.read_text(encoding="utf-8"))
    doc_ids = [json.loads(line)["doc_id"] for line in DOCS.read_text().splitlines() if line]
    checks = {}
    for name, (_, tables) in dev_runs.items():
        result = score(load_rows(GOLD), tables, doc_ids)
        checks[f"compare.ecb_dev_{name}.flag_precision"] = result["flags"]["precision"]
        checks[f"compare.ecb_dev_{name}.recall"] = result["recall"]["recall"]
        checks[f"compare.ecb_dev_{name}.bcubed_f1"] = result["grouping"]["incident"]["f1"]
    missing = [k for k in checks if k not in baselines]
    assert not missing, f"no stored baseline for {missing} in {BASELINES}"
    for key, value in checks.items():
        assert value >= baselines[key], f"{key} fell to {value} (baseline {baselines[key]})"


@needs_eval
def test_cli_eval_compare(tmp_path: Path) -> None:
    metrics = tmp_path / "m.json"
    result = CliRunner().invoke(
        app,
        ["eval", "compare", "--gold", str(GOLD), str(DOCS), "--json", str(metrics)]
        + ["--min-f1", "0.01"],
    )
    assert result.exit_code == 0, result.output
    assert "B-cubed vs incident" in result.output and "headline" in result.output
    saved = json.loads(metrics.read_text(encoding="utf-8"))
    assert headline_f1(saved) > 0 and report(saved).startswith("claims")
    high = CliRunner().invoke(
        app,
        ["eval", "compare", "--gold", str(GOLD), str(DOCS)]
        + [
            "--min-f1",
            "0.99",
        ],
    )
    assert high.exit_code == 1 and "below --min-f1" in high.output
