"""Streaming runs: rows written batch by batch, --jobs N identical to --jobs 1, old tables kept on
failure."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEEDS, SHARED

from quotetrack.errors import QuotetrackError, RulesError
from quotetrack.models import Article, Issue
from quotetrack.pipeline.extractor import STAGES, Extractor
from quotetrack.pipeline.ingest import IngestOptions, read_inputs
from quotetrack.pipeline.parallel import iter_results
from quotetrack.pipeline.runner import run, run_to_directory
from quotetrack.tables.normalise import TABLES

ECB_DOCS = SHARED / "eval" / "ecb-dev-docs.jsonl"


def small_corpus(tmp_path: Path, n: int = 30) -> Path:
    lines = ECB_DOCS.read_text(encoding="utf-8").splitlines()[:n]
    target = tmp_path / "corpus.jsonl"
    target.write_text("\n".join(lines) + "\n{broken line\n", encoding="utf-8")
    return target


def read(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


def test_jobs_two_gives_the_same_tables_as_one(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path)
    one = run_to_directory([corpus], tmp_path / "one", jobs=1, batch_documents=7)
    two = run_to_directory([corpus], tmp_path / "two", jobs=2, batch_documents=7)
    assert (
        (one.documents_in, one.processed, one.failed)
        == (two.documents_in, two.processed, two.failed)
        == (31, 30, 1)
    )
    for table in TABLES:
        assert read(tmp_path / "one", table).equals(read(tmp_path / "two", table)), table


def test_the_parent_of_a_parallel_run_does_not_compile_the_stages(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path, 6)
    extractor = Extractor()
    results = list(iter_results(read_inputs([corpus], IngestOptions()), extractor, jobs=2))
    assert sum(1 for r in results if not isinstance(r, Issue)) == 6
    assert all(r.quotes is not None for r in results if not isinstance(r, Issue))
    assert not set(STAGES) & set(vars(extractor))  # workers compiled their own
    extractor.process(results[0].article)  # and the parent still can, on first use
    assert set(STAGES) <= set(vars(extractor))


def test_a_worker_that_cannot_start_fails_the_run_instead_of_hanging(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path, 4)
    with pytest.raises(RulesError, match="rules directory not found") as raised:
        list(
            iter_results(
                read_inputs([corpus], IngestOptions()),
                Extractor(),
                jobs=2,
                rules_dir=tmp_path / "no-rules",
            )
        )
    assert raised.value.hint  # the hint crosses the process boundary with the message


def test_a_worker_killed_mid_run_fails_the_run_instead_of_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = small_corpus(tmp_path, 12)
    victim = json.loads(ECB_DOCS.read_text(encoding="utf-8").splitlines()[9])["doc_id"]
    process_safely = Extractor.process_safely

    def killed_on_victim(self: Extractor, article: Article, debug: bool = False) -> object:
        if article.doc_id == victim:  # as the OOM killer would: SIGKILL, no clean-up
            os.kill(os.getpid(), signal.SIGKILL)
        return process_safely(self, article, debug)

    monkeypatch.setattr(Extractor, "process_safely", killed_on_victim)  # forked workers inherit it
    with pytest.raises(QuotetrackError, match="worker process died") as raised:
        list(iter_results(read_inputs([corpus], IngestOptions()), Extractor(), jobs=2))
    assert "--jobs 1" in (raised.value.hint or "")


def test_streamed_tables_equal_the_in_memory_run(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path, 12)
    streamed = run_to_directory([corpus, SEEDS], tmp_path / "s", batch_documents=5)
    memory = run([corpus, SEEDS])
    assert streamed.summary().split(";")[:2] == memory.summary().split(";")[:2]
    for table in ("articles", "quotes", "claims", "issues", "disagreements", "quote_matches"):
        streamed_rows = read(tmp_path / "s", table)
        assert len(streamed_rows) == len(memory.tables[table]), table
        assert list(streamed_rows.columns) == list(memory.tables[table].columns)


@pytest.mark.parametrize("fmt", ["jsonl", "json", "parquet"])
def test_streamed_formats(tmp_path: Path, fmt: str) -> None:
    corpus = small_corpus(tmp_path, 8)
    result = run_to_directory([corpus], tmp_path / "o", fmt=fmt, batch_documents=3)
    path = tmp_path / "o" / f"articles.{fmt}"
    if fmt == "parquet":
        rows = pd.read_parquet(path)
        assert len(rows) == 8 and str(rows["n_chars"].dtype) == "int64"
    elif fmt == "json":
        assert len(json.loads(path.read_text(encoding="utf-8"))) == 8
    else:
        assert len(path.read_text(encoding="utf-8").splitlines()) == 8
    assert result.count("articles") == 8


def test_failed_run_leaves_the_old_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    run_to_directory([SEEDS], out)
    before = (out / "articles.csv").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")

    import quotetrack.pipeline.runner as pipeline

    monkeypatch.setattr(pipeline.Comparer, "streams", broken)
    with pytest.raises(RuntimeError):
        run_to_directory([SEEDS, small_corpus(tmp_path, 3)], out)
    assert (out / "articles.csv").read_bytes() == before
    assert not list(out.glob(".*.tmp"))


def test_slices_are_bounded_by_rows_and_by_listed_items() -> None:
    from types import SimpleNamespace

    from quotetrack.pipeline.runner import slices

    rows = [SimpleNamespace(quote_ids=["q"] * n) for n in (1, 2, 50, 3, 1, 1)]
    assert [len(s) for s in slices(rows, max_rows=4, max_items=10)] == [3, 3]
    assert [len(s) for s in slices(rows, max_rows=2, max_items=1000)] == [2, 2, 2]
    assert sum(len(s) for s in slices(iter(rows), max_rows=1000, max_items=1)) == len(rows)


def test_empty_comparison_tables_have_their_header(tmp_path: Path) -> None:
    doc = tmp_path / "one.txt"
    doc.write_text("Nothing happened today, officials said.\n", encoding="utf-8")
    run_to_directory([doc], tmp_path / "out")
    for name in ("quote_matches", "event_groups", "disagreements", "article_pairs"):
        text = (tmp_path / "out" / f"{name}.csv").read_text(encoding="utf-8")
        assert text.splitlines()[0].split(",")[0] in (
            "match_id",
            "group_id",
            "disagreement_id",
            "doc_ids",
        )
        assert len(text.splitlines()) == 1
