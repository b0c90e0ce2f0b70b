"""``quotetrack add --jobs N`` extracts the planned articles in worker processes: the store holds
what ``--jobs 1`` stores, and says the same about each batch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import SEEDS
from typer.testing import CliRunner

import quotetrack.pipeline.store as store_module
from quotetrack.cli.commands import app
from quotetrack.pipeline import parallel
from quotetrack.pipeline.ingest import read_inputs
from quotetrack.pipeline.options import RunOptions
from quotetrack.pipeline.parallel import CHUNK
from quotetrack.pipeline.store import Store

runner = CliRunner()
CITIES = ("Mosul", "Aleppo", "Homs", "Idlib", "Raqqa")


def articles(folder: Path, n: int) -> Path:
    """``n`` short reports (more than one worker's chunk), with quotes and figures that disagree."""
    records = [
        {
            "id": f"report-{i}",
            "outlet": f"Outlet {i % 4}",
            "published": f"2023-05-{1 + i % 3:02d}",
            "text": f"A car bomb in {CITIES[i % len(CITIES)]} killed {3 + i % 7} people on "
            f'Monday, officials said. "We will rebuild," Mayor Omar Haddad said. '
            f"At least {10 + i} were wounded, according to the health ministry.\n",
        }
        for i in range(n)
    ]
    path = folder / "reports.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def add(db: Path, *inputs: Path, jobs: int) -> str:
    args = ["add", *map(str, inputs), "--db", str(db), "--jobs", str(jobs)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return "\n".join(line for line in result.stderr.splitlines() if not line.startswith("store "))


def contents(db: Path) -> dict[str, pd.DataFrame]:
    with Store(db, create=False) as store:
        return store.tables()


def test_add_on_two_processes_stores_what_one_stores(tmp_path: Path) -> None:
    reports = articles(tmp_path, 3 * CHUNK)
    one, two = tmp_path / "one.sqlite", tmp_path / "two.sqlite"
    said_one = add(one, reports, SEEDS, jobs=1)
    said_two = add(two, reports, SEEDS, jobs=2)
    assert said_one == said_two
    a, b = contents(one), contents(two)
    assert set(a) == set(b)
    assert len(a["articles"]) == 3 * CHUNK + len(list(read_inputs([SEEDS])))
    assert len(a["claims"]) and len(a["quotes"]) and len(a["disagreements"])
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    # a second batch: what is stored is planned away the same way
    assert add(one, reports, jobs=1) == add(two, reports, jobs=2)


def test_the_library_store_takes_jobs_from_run_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = articles(tmp_path, 2 * CHUNK)
    seen: list[tuple[int, int]] = []
    pools: list[int] = []

    def spy(items: Any, extractor: Any, jobs: int = 1, *args: Any) -> Any:
        pools.append(jobs)
        return parallel.iter_results(items, extractor, jobs, *args)

    monkeypatch.setattr(store_module, "iter_results", spy)
    with Store(tmp_path / "lib.sqlite") as store:
        report = store.add(
            read_inputs([reports]),
            options=RunOptions(jobs=2),
            progress=lambda done, total: seen.append((done, total)),
        )
    assert report.stored == 2 * CHUNK
    assert pools == [2]  # extracted on two worker processes
    assert seen == [(n, 2 * CHUNK) for n in range(1, 2 * CHUNK + 1)]
