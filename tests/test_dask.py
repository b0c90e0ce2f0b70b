"""The Dask engine on a LocalCluster of 2 workers gives the same rows as the local engine."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("dask.distributed")

from conftest import SHARED  # noqa: E402

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
