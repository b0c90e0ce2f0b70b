"""The Dask engine on a LocalCluster of 2 workers gives the same rows as the local engine."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("dask.distributed")

from conftest import SHARED, several_incidents  # noqa: E402

from quotetrack.pipeline.dask_engine import plan_partitions, run_dask  # noqa: E402
from quotetrack.pipeline.runner import COMPARISON_TABLES, STREAMED_TABLES, run_to_directory  # noqa: E402


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every missing value as None (Parquet readers differ in NA vs None)."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = (SHARED / "eval" / "ecb-dev-docs.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    lines.insert(5, "{not json")
    path = tmp_path_factory.mktemp("dask") / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_partitions_cut_at_line_boundaries(corpus: Path) -> None:
    parts = plan_partitions([corpus], blocksize=20_000)
    assert len(parts) > 3
    assert parts[0].start == 0 and parts[-1].end == corpus.stat().st_size
    assert all(a.end == b.start for a, b in zip(parts, parts[1:], strict=False))
    data = corpus.read_bytes()
    for p in parts:
        assert data[p.start : p.end].endswith(b"\n")
        assert p.first_line == data[: p.start].count(b"\n") + 1


def test_dask_rows_equal_the_local_engine(corpus: Path, tmp_path: Path) -> None:
    local = run_to_directory([corpus], tmp_path / "local", fmt="parquet")
    dask_result = run_dask([corpus], tmp_path / "dask", workers=2, blocksize=20_000)
    assert (
        (dask_result.documents_in, dask_result.processed, dask_result.failed)
        == (local.documents_in, local.processed, local.failed)
        == (41, 40, 1)
    )
    for table in STREAMED_TABLES:
        parts = sorted((tmp_path / "dask" / table).glob("part-*.parquet"))
        assert len(parts) > 3
        distributed = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        single = pd.read_parquet(tmp_path / "local" / f"{table}.parquet")
        pd.testing.assert_frame_equal(plain(distributed), plain(single))
    for table in COMPARISON_TABLES:
        pd.testing.assert_frame_equal(
            plain(pd.read_parquet(tmp_path / "dask" / f"{table}.parquet")),
            plain(pd.read_parquet(tmp_path / "local" / f"{table}.parquet")),
        )


def test_dask_engine_keeps_the_compare_budget_and_reports_what_it_left(
    tmp_path: Path, ticking: list[float]
) -> None:
    """As tests/test_compare_budget.py for the local engine: the client's comparison stops at
    ``compare_budget_s`` (a fake clock, one second per reading: the comparison runs in this,
    the client's, process), keeps every incident, and the incidents it did not reach are
    ``comparison_incomplete`` rows of the issues table."""
    from quotetrack.compare import COMPARISON_ISSUE_CODES

    inputs = several_incidents(tmp_path)
    out = tmp_path / "dask"
    result = run_dask([inputs], out, workers=1, compare_budget_s=3)
    issues = pd.concat(
        [pd.read_parquet(p) for p in sorted((out / "issues").glob("part-*.parquet"))],
        ignore_index=True,
    )
    late = issues[issues["code"] == "comparison_incomplete"]
    late_ids = {m.split()[1] for m in late["message"] if "was not compared" in m}
    compared = set(pd.read_parquet(out / "disagreements.parquet")["incident_id"])
    incidents = pd.read_parquet(out / "incidents.parquet")
    assert late_ids and compared  # the clock ran out part of the way
    assert not late_ids & compared
    assert late_ids | compared == set(incidents["group_id"])  # every incident kept
    assert {i.code for i in result.comparison_issues} <= set(COMPARISON_ISSUE_CODES)
    assert len(result.comparison_issues) == len(late) == result.count("issues")
    full = run_dask([inputs], tmp_path / "full", workers=1, compare_budget_s=0)  # no limit
    assert full.comparison_issues == []
    assert set(pd.read_parquet(tmp_path / "full" / "disagreements.parquet")["incident_id"]) == (
        set(incidents["group_id"])
    )
