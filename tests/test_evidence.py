"""The evidence sentence of quotes and claims rows stays bounded (issue 21): a sentence longer
than EVIDENCE_MAX_CHARS is written clipped around the row's span, so a table grows linearly
with its rows, and every row still carries its evidence and the whole sentence's offsets."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from quotetrack.models import EVIDENCE_CONTEXT_CHARS, EVIDENCE_MAX_CHARS, Article
from quotetrack.pipeline.extractor import Extractor
from quotetrack.tables.evidence import ELLIPSIS, clip_sentence
from quotetrack.tables.export import encode_rows, write_frame, write_table
from quotetrack.tables.normalise import to_frame
from quotetrack.tables.reading import read_table


def words(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n))


def test_a_short_sentence_is_written_whole() -> None:
    sentence = words(100)
    assert len(sentence) <= EVIDENCE_MAX_CHARS
    assert clip_sentence(sentence, 10, 10 + len(sentence), 20, 30) is sentence


def test_a_long_sentence_is_clipped_around_the_span_at_blanks() -> None:
    sentence = words(2_000)
    start = sentence.index("w1000")
    end = start + len("w1000 w1001")
    clipped = clip_sentence(sentence, 50, 50 + len(sentence), 50 + start, 50 + end)
    assert clipped.startswith(ELLIPSIS) and clipped.endswith(ELLIPSIS)
    inner = clipped[1:-1]
    assert inner in sentence and sentence[start:end] in inner
    assert inner.split() == sentence[sentence.index(inner) :].split()[: len(inner.split())]
    assert not inner.startswith(" ") and not inner.endswith(" ")  # cut at blanks, whole words
    assert len(inner) <= end - start + 2 * EVIDENCE_CONTEXT_CHARS


def test_the_edges_of_a_sentence_are_not_marked() -> None:
    sentence = words(2_000)
    head = clip_sentence(sentence, 0, len(sentence), 0, 5)
    tail = clip_sentence(sentence, 0, len(sentence), len(sentence) - 5, len(sentence))
    assert head.startswith("w0 ") and head.endswith(ELLIPSIS)
    assert tail.startswith(ELLIPSIS) and tail.endswith(sentence[-5:])


def test_a_sentence_that_is_not_whole_is_left_as_it_is() -> None:
    sentence = words(2_000)
    clipped = clip_sentence(sentence, 0, len(sentence), 4_000, 4_010)
    assert clipped != sentence
    # read back from a table: its offsets still give the whole sentence, the text is shorter
    assert clip_sentence(clipped, 0, len(sentence), 4_000, 4_010) is clipped


def quotations(n: int) -> str:
    """One sentence of ``n`` short quotations."""
    return "Protest\n\nThe crowd chanted " + ", ".join(f'"we rebuild {i}"' for i in range(n)) + "\n"


@pytest.fixture(scope="module")
def extractor(ruleset) -> Extractor:
    return Extractor(ruleset, time_budget_s=None)


def test_many_quotations_in_one_sentence_make_a_linear_table(extractor: Extractor) -> None:
    sizes = {}
    for n in (1_500, 6_000):
        text = quotations(n)
        quotes = extractor.process(Article(doc_id="q", text=text)).quotes
        assert len(quotes) == n
        sizes[n] = len(encode_rows("quotes", quotes, "csv").encode("utf-8"))
        frame = to_frame("quotes", quotes)
        for row in frame.itertuples():
            whole = text[row.sentence_start : row.sentence_end]
            assert text[row.start : row.end] in row.sentence
            assert row.sentence.strip(ELLIPSIS) in whole
            assert len(row.sentence) <= row.end - row.start + 2 * EVIDENCE_CONTEXT_CHARS + 2
    assert sizes[6_000] < 4.5 * sizes[1_500]
    assert sizes[6_000] / 6_000 < 2 * EVIDENCE_MAX_CHARS  # bytes per row, bounded


def test_every_format_writes_the_same_clipped_sentence(extractor: Extractor, tmp_path) -> None:
    quotes = extractor.process(Article(doc_id="q", text=quotations(300))).quotes
    frame = to_frame("quotes", quotes)
    assert frame["sentence"].str.len().max() < len(quotes[0].sentence)  # clipped
    stream = io.StringIO()
    write_frame(frame, stream, "csv")
    assert stream.getvalue().split("\n", 1)[1] == encode_rows("quotes", quotes, "csv")
    stream = io.StringIO()
    write_frame(frame, stream, "jsonl")
    assert stream.getvalue() == encode_rows("quotes", quotes, "jsonl")
    for suffix in ("csv", "parquet"):
        path = write_table(frame, Path(tmp_path) / f"quotes.{suffix}")
        back = read_table(path)
        assert list(back["sentence"]) == list(frame["sentence"])
        assert list(to_frame("quotes", back.to_dict("records"))["sentence"]) == list(
            frame["sentence"]
        )  # read back and written again: clipped once, not again


def test_claims_in_a_long_sentence_carry_their_own_figure(extractor: Extractor) -> None:
    parts = [f"{i + 2} people were killed in Aden" for i in range(400)]
    text = "Clashes\n\n" + ", ".join(parts) + ".\n"
    claims = extractor.process(Article(doc_id="c", text=text)).claims
    assert len(claims) >= 300
    frame = to_frame("claims", claims)
    assert frame["sentence"].str.len().max() <= EVIDENCE_MAX_CHARS + 2
    for row in frame.itertuples():
        assert row.evidence in row.sentence and row.sentence.strip(ELLIPSIS) in text
