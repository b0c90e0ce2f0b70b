"""Claim evaluation: our scorer agrees with ../shared/eval/tools/score_claims.py, the CLI works,
and the ECB+ dev and train accuracy does not fall below the stored baselines
(tests/baselines.json)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quotetrack.cli.commands import app
from quotetrack.evaluate.claims import (
    claimant_ok,
    evaluate,
    headline_f1,
    load_rows,
    predict,
    report,
    score,
)

REPO = Path(__file__).resolve().parents[1]
EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
GOLD = EVAL / "ecb-dev-claims.jsonl"
DOCS = EVAL / "ecb-dev-docs.jsonl"
SCORER = EVAL / "tools" / "score_claims.py"
BASELINES = REPO / "tests" / "baselines.json"

needs_eval = pytest.mark.skipif(
    not (GOLD.is_file() and DOCS.is_file()), reason="shared eval data not present"
)


@pytest.fixture(scope="module")
def dev_run() -> tuple[list[dict], list[str]]:
    return predict([str(DOCS)])


def test_claimant_match_is_content_word_overlap() -> None:
    assert claimant_ok("the Syrian Observatory for Human Rights", "Syrian Observatory")
    assert claimant_ok(None, "")
    assert not claimant_ok("police", None)
    assert not claimant_ok("the police", "the government")


def test_score_counts_multiset_pairs_in_document_order() -> None:
    gold = [
        {
            "doc_id": "d",
            "category": "killed",
            "qualifier": "exact",
            "value": 3,
            "value_high": None,
            "claimant": "police",
        },
        {
            "doc_id": "d",
            "category": "killed",
            "qualifier": "exact",
            "value": 3,
            "value_high": None,
            "claimant": None,
        },
    ]
    pred = [
        {
            "doc_id": "d",
            "category": "killed",
            "qualifier": "at_least",
            "value": 3,
            "value_high": None,
            "claimant": "police",
        },
        {
            "doc_id": "d",
            "category": "injured",
            "qualifier": "exact",
            "value": 1,
            "value_high": None,
            "claimant": None,
        },
        {
            "doc_id": "other",
            "category": "killed",
            "qualifier": "exact",
            "value": 3,
            "value_high": None,
        },
    ]
    result = score(gold, pred, ["d"])
    assert (result["lenient"]["tp"], result["lenient"]["n_pred"], result["lenient"]["n_gold"]) == (
        1,
        2,
        2,
    )
    assert result["strict"]["tp"] == 0
    assert result["lenient"]["claimant_accuracy"] == 1.0
    assert result["lenient"]["f1"] == 0.5


@needs_eval
def test_agrees_with_the_shared_scorer(dev_run, tmp_path: Path) -> None:
    pred, doc_ids = dev_run
    path = tmp_path / "pred.csv"
    fields = ["doc_id", "category", "qualifier", "value", "value_high", "claimant"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(pred)
    out = tmp_path / "ref.json"
    subprocess.run(
        [
            sys.executable,
            str(SCORER),
            str(GOLD),
            str(path),
            "--docs",
            str(DOCS),
            "--json",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    reference = json.loads(out.read_text())
    ours = score(load_rows(GOLD), pred, doc_ids)
    for mode in ("lenient", "strict"):
        for key in (
            "precision",
            "recall",
            "f1",
            "tp",
            "n_gold",
            "n_pred",
            "claimant_accuracy",
            "per_category",
        ):
            assert ours[mode][key] == reference[mode][key], (mode, key)


@needs_eval
@pytest.mark.parametrize("split", ["dev", "train"])
def test_accuracy_ratchet_on_ecb(split: str) -> None:
    gold, docs = EVAL / f"ecb-{split}-claims.jsonl", EVAL / f"ecb-{split}-docs.jsonl"
    if not (gold.is_file() and docs.is_file()):
        pytest.skip(f"ecb {split} split not present")
    result = evaluate(gold, [str(docs)])
    baselines = json.loads(BASELINES.read_text(encoding="utf-8")) if BASELINES.is_file() else {}
    checks = {
        f"claims.ecb_{split}.strict_f1": result["strict"]["f1"],
        f"claims.ecb_{split}.lenient_f1": result["lenient"]["f1"],
        f"claims.ecb_{split}.claimant_accuracy": result["lenient"]["claimant_accuracy"],
    }
    missing = [k for k in checks if k not in baselines]
    assert not missing, f"no stored baseline for {missing} in {BASELINES}"
    for key, value in checks.items():
        assert value >= baselines[key], f"{key} fell to {value} (baseline {baselines[key]})"
    assert headline_f1(result) == result["strict"]["f1"]
    assert "strict" in report(result) and "per category" in report(result)


@needs_eval
def test_cli_eval_claims_min_f1_and_json(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    ok = CliRunner().invoke(
        app,
        ["eval", "claims", "--gold", str(GOLD), str(DOCS), "--min-f1", "0.5", "--json", str(out)],
    )
    assert ok.exit_code == 0, ok.output
    assert "lenient" in ok.output and json.loads(out.read_text())["strict"]["n_gold"] == 232
    bad = CliRunner().invoke(
        app, ["eval", "claims", "--gold", str(GOLD), str(DOCS), "--min-f1", "0.999"]
    )
    assert bad.exit_code == 1
