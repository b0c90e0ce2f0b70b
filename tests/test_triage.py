"""Triage: ``quotetrack compare`` and the HTML report open with the incidents that disagree."""

from __future__ import annotations

import json

from conftest import SEEDS
from typer.testing import CliRunner

from quotetrack.cli.commands import app
from quotetrack.report.triage import TriageFilter, triage, triage_text

INCIDENTS = [
    {"group_id": "i1", "label": "killed in the blast at Orlo", "status": "agree"},
    {
        "group_id": "i2",
        "label": "killed in the shelling at Vesk",
        "status": "disagree",
        "claimants": ["police", "medics"],
        "figures": ["six killed", "nine killed"],
        "intervals": ["[6, 6]", "[9, 9]"],
    },
    {"group_id": "i3", "label": "injured in the fire at Tarn", "status": "disagree"},
    {"group_id": "i4", "label": "killed in the quake", "status": "updated"},
]
FLAGS = [
    {"incident_id": "i3", "kind": "divergence", "severity": "medium"},
    {"incident_id": "i2", "kind": "contradiction", "severity": "high"},
    {"incident_id": "i4", "kind": "update", "severity": "info"},
]


def test_most_severe_first_and_the_rest_collapsed() -> None:
    rows, others = triage(INCIDENTS, FLAGS, TriageFilter(min_severity="low"))
    assert [r.group_id for r in rows] == ["i2", "i3"]
    assert rows[0].who_says == "police: six killed [6, 6]; medics: nine killed [9, 9]"
    assert others == {"agree": 1, "updated": 1}
    text = triage_text(INCIDENTS, FLAGS, TriageFilter(min_severity="low"))
    assert text.splitlines()[0].startswith("[HIGH] killed in the shelling at Vesk: police")
    assert text.splitlines()[-1] == "other incidents: 1 agree, 1 updated"


def test_kind_and_min_severity_filter() -> None:
    rows, _ = triage(INCIDENTS, FLAGS, TriageFilter(kinds=("divergence",)))
    assert [r.group_id for r in rows] == ["i3"]
    rows, _ = triage(INCIDENTS, FLAGS, TriageFilter(min_severity="high"))
    assert [r.group_id for r in rows] == ["i2"]
    rows, _ = triage(INCIDENTS, FLAGS)  # info: updates shown too
    assert [r.group_id for r in rows] == ["i2", "i3", "i4"]


def test_compare_command_prints_the_triage_and_filters_the_table(tmp_path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["compare", str(SEEDS), "--quiet"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("[HIGH]") and "Treemseh" in first and "six killed" in first
    high = runner.invoke(
        app, ["compare", str(SEEDS), "--quiet", "--kind", "contradiction", "-f", "jsonl"]
    )
    assert high.exit_code == 0, high.output
    rows = [json.loads(line) for line in high.output.splitlines() if line.startswith("{")]
    assert rows and {r["kind"] for r in rows} == {"contradiction"}
    bad = runner.invoke(app, ["compare", str(SEEDS), "--min-severity", "severe"])
    assert bad.exit_code == 1 and "Hint:" in bad.output


def test_report_opens_with_the_triage(tmp_path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", str(SEEDS), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.index('id="triage"') < page.index('id="groups"')
    assert '<li class="sev-high"><b>HIGH</b> killed in the shelling at Treemseh' in page
