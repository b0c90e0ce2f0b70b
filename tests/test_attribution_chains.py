"""Quotes that inherit their speaker from other quotes (issue 21): the ``resolution`` of a long
chain of inheriting quotes stays bounded, so output and memory grow linearly with the quotes."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quotetrack.cli.commands import app
from quotetrack.models import Article
from quotetrack.pipeline.extractor import Extractor

HOW = "floating: previous quote in the paragraph"


def chain(n: int) -> str:
    """One paragraph: a colon lead-in with a named speaker, then ``n`` quoted sentences that each
    take their speaker from the quote before."""
    return "Vote\n\nJane Doe said: " + " ".join(f'"Point {i} stands."' for i in range(n)) + "\n"


@pytest.fixture(scope="module")
def extractor(ruleset) -> Extractor:
    return Extractor(ruleset, time_budget_s=None).compile()


def test_a_chain_names_each_step_up_to_two_then_counts_them(extractor) -> None:
    quotes = extractor.process(Article(doc_id="d", text=chain(6))).quotes
    assert [q.speaker for q in quotes] == ["Jane Doe"] * 6
    got = [q.resolution for q in quotes]
    assert got[:3] == ["named", f"{HOW}; named", f"{HOW}; {HOW}; named"]  # as before: every step
    assert got[3] == f"{HOW}; 1 more inherited step back to: {HOW}; named"
    assert got[5] == f"{HOW}; 3 more inherited steps back to: {HOW}; named"


def test_the_resolution_of_a_long_chain_is_bounded(extractor) -> None:
    quotes = extractor.process(Article(doc_id="d", text=chain(500))).quotes
    assert len(quotes) == 500 and all(q.speaker == "Jane Doe" for q in quotes)
    longest = max(len(q.resolution or "") for q in quotes)
    assert longest < 150, longest  # the whole chain would be 500 steps of 43 characters
    assert quotes[-1].resolution.startswith(f"{HOW}; 497 more inherited steps back to: ")
    assert quotes[-1].resolution.endswith("; named")  # the frame's own resolution is kept


def table_size(tmp_path: Path, n: int) -> int:
    """Size of the quotes.csv written for a chain of ``n`` quotes."""
    source = tmp_path / f"chain{n}.txt"
    source.write_text(chain(n), encoding="utf-8")
    out = tmp_path / f"quotes{n}.csv"
    done = CliRunner().invoke(app, ["quotes", str(source), "-o", str(out), "-q"])
    assert done.exit_code == 0, done.output
    return out.stat().st_size


def test_quotes_table_grows_linearly_with_the_chain(tmp_path: Path) -> None:
    """Four times the quotes, less than five times the table (the whole chain in each row: about
    twelve times at these sizes, 765 MB for 6,000 quotes)."""
    small, large = table_size(tmp_path, 300), table_size(tmp_path, 1200)
    assert large < 5 * small, (small, large)


def peak_memory(extractor: Extractor, n: int) -> int:
    """Peak memory allocated while extracting a chain of ``n`` quotes."""
    text = chain(n)
    tracemalloc.start()
    try:
        quotes = extractor.process(Article(doc_id="d", text=text)).quotes
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(quotes) == n
    return peak


def test_memory_grows_linearly_with_the_chain(extractor) -> None:
    extractor.process(Article(doc_id="warm", text=chain(20)))
    small, large = peak_memory(extractor, 300), peak_memory(extractor, 1200)
    assert large < 5 * small, (small, large)
