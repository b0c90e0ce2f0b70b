"""The library as a pandas user calls it: one path or many, texts and DataFrames in memory,
validated dates, a readable result."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO
from pydantic import ValidationError

import quotetrack

SEEDS = REPO / "seeds"
STORY = (
    'Rescuers said at least 12 people were killed in the flood. "We are still searching," '
    "said Maria Lopez, a fire chief."
)
OTHER = (
    'Officials said 30 people died in the flood. "The water rose in minutes," said Tom Reed, '
    "the mayor."
)


def test_run_takes_one_path_as_a_string_or_a_path() -> None:
    as_str = quotetrack.run(str(SEEDS))
    as_path = quotetrack.run(SEEDS)
    as_list = quotetrack.run([SEEDS])
    assert as_str.processed == as_path.processed == as_list.processed > 0
    assert as_str.tables["quotes"].equals(as_list.tables["quotes"])


@pytest.mark.parametrize("bad", [42, b"seeds/", [SEEDS, 3], pd.DataFrame({"text": [STORY]})])
def test_run_refuses_what_is_not_a_path(bad: object) -> None:
    with pytest.raises(TypeError, match="extract_texts"):
        quotetrack.run(bad)  # type: ignore[arg-type]


def test_extract_texts_from_a_dataframe_with_its_own_column_names() -> None:
    df = pd.DataFrame(
        {
            "url": ["https://example.org/a", "https://example.org/b"],
            "body": [STORY, OTHER],
            "date": ["3/15/2013", "March 16, 2013"],
            "source": ["Daily A", "Daily B"],
            "desk": ["metro", None],
        }
    )
    result = quotetrack.extract_texts(df, text="body", id="url", published="date", outlet="source")
    articles = result.tables["articles"].set_index("doc_id")
    assert list(articles.index) == ["https://example.org/a", "https://example.org/b"]
    assert list(articles["published"]) == ["2013-03-15", "2013-03-16"]
    assert list(articles["outlet"]) == ["Daily A", "Daily B"]
    assert articles.loc["https://example.org/a", "metadata"] == {"desk": "metro"}
    assert set(result.tables["quotes"]["speaker"].dropna()) >= {"Maria Lopez", "Tom Reed"}
    assert result.tables["claims"]["best"].dropna().astype(int).tolist() == [12, 30]


def test_extract_texts_gives_the_tables_run_gives_for_the_same_articles(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")
    from_files = quotetrack.run(tmp_path)
    articles = [
        quotetrack.Article.build(doc_id="a", text=STORY),
        quotetrack.Article.build(doc_id="b", text=OTHER),
    ]
    in_memory = quotetrack.extract_texts(articles)
    for table in ("quotes", "claims", "disagreements"):
        pd.testing.assert_frame_equal(from_files.tables[table], in_memory.tables[table])


def test_extract_texts_from_plain_strings_and_dicts() -> None:
    result = quotetrack.extract_texts([STORY, {"content": OTHER, "headline": "Flood"}])
    articles = result.tables["articles"]
    assert list(articles["doc_id"]) == ["text-1", "text-2"]
    assert list(articles["title"].fillna("")) == ["", "Flood"]


def test_extract_texts_names_a_missing_column_and_a_wrong_type() -> None:
    with pytest.raises(KeyError, match="'body'"):
        quotetrack.extract_texts(pd.DataFrame({"text": [STORY]}), text="body")
    with pytest.raises(TypeError, match="run"):
        quotetrack.extract_texts("seeds/")
    with pytest.raises(TypeError, match="item 2"):
        quotetrack.extract_texts([STORY, 7])


def test_article_reads_published_as_ingest_does() -> None:
    assert quotetrack.Article(doc_id="a", published="3/15/2013").published == "2013-03-15"
    assert quotetrack.Article(doc_id="a", published="July 2, 2013").published == "2013-07-02"
    assert quotetrack.Article(doc_id="a", published="2013-07-02T10:00Z").published == "2013-07-02"
    with pytest.raises(ValidationError, match="not a date"):
        quotetrack.Article(doc_id="a", published="next week")
    with pytest.raises(ValidationError, match="not a date"):
        quotetrack.Article(doc_id="a", published="July 2013")  # no day: never invented


def test_result_prints_a_short_summary() -> None:
    result = quotetrack.extract_texts([STORY])
    shown = repr(result)
    assert shown.startswith("<Result 1 documents: 1 processed")
    assert "quotes[1]" in shown and len(shown) < 400
