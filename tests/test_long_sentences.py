"""Bounded work on long sentences (issue 21): a sentence longer than ``[sentences] max_chars`` of
rules/abbreviations.toml is read in parts cut at clause boundaries, so extraction grows linearly
with the length of a document, whatever its punctuation."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.extract.segment import Segmenter, segment
from quotetrack.models import Article
from quotetrack.pipeline.extractor import Extractor
from quotetrack.rulebook.ruleset import default_rules_dir, load_ruleset

PLACES = ("Aden", "Basra", "Cali", "Dakar", "Essen", "Faro", "Gao", "Hue")


def figures(size: int) -> str:
    """One sentence of casualty figures joined by commas, no full stop, about ``size`` long."""
    parts: list[str] = []
    total = i = 0
    while total < size:
        part = (
            f"{3 + i % 50} people were killed in {PLACES[i % 8]}, "
            f"{4 + i % 30} were injured in {PLACES[(i + 3) % 8]}"
        )
        parts.append(part)
        total += len(part) + 2
        i += 1
    return "Clashes\n\n" + ", ".join(parts) + "\n"


def quotations(n: int) -> str:
    """One sentence of ``n`` short quotations attributed to a named speaker."""
    return "Protest\n\n" + ", ".join(f'"{i} were hurt," the mayor said' for i in range(n)) + "\n"


def plain_words(size: int) -> str:
    """One sentence of plain words with no punctuation at all (pronouns and reporting verbs:
    work for the attribution stage)."""
    unit = (
        "she said the river rose over the fields and he told them they watched it from the hills "
    )
    return "Flood\n\n" + (unit * (size // len(unit) + 1))[:size] + "\n"


def max_chars(ruleset) -> int:
    return ruleset.get("abbreviations.toml").sentences.max_chars


def check_parts(text: str, start: int, end: int, parts: list[tuple[int, int]], limit: int) -> None:
    """Parts are in order, non-empty, at most ``limit`` long (all but the last at least half of
    it), and cover ``[start, end)`` but for blanks between them."""
    assert parts[0][0] == start and parts[-1][1] == end
    for (a, b), (c, _) in zip(parts, parts[1:], strict=False):
        assert text[b:c].strip() == "" and b <= c
        assert b - a >= limit // 2
    for a, b in parts:
        assert 0 < b - a <= limit


def test_a_long_sentence_is_read_in_parts_cut_after_its_commas(ruleset) -> None:
    text = figures(20_000)
    seg = segment(text, ruleset, doc_id="d")
    body = [s for s in seg.sentences if s.paragraph == 1]
    limit = max_chars(ruleset)
    assert len(body) >= 20_000 // limit
    check_parts(
        text,
        seg.paragraphs[1].start,
        seg.paragraphs[1].end,
        [(s.start, s.end) for s in body],
        limit,
    )
    assert all(text[s.end - 1] == "," for s in body[:-1])  # clause boundaries, never a word cut
    assert [s.index for s in seg.sentences] == list(range(len(seg.sentences)))
    (issue,) = [i for i in seg.issues if i.code == "long_sentence"]
    assert (issue.start, issue.end) == (seg.paragraphs[1].start, seg.paragraphs[1].end)
    assert f"{len(body)} parts" in issue.message and issue.severity == "info"


def test_plain_words_are_cut_at_blanks_and_one_endless_word_at_the_bound(ruleset) -> None:
    limit = max_chars(ruleset)
    text = plain_words(3 * limit)
    body = [s for s in segment(text, ruleset).sentences if s.paragraph == 1]
    assert len(body) > 1
    assert all(text[s.end].isspace() and text[s.end - 1].isalpha() for s in body[:-1])
    word = "x" * (3 * limit + 7)
    parts = [(s.start, s.end) for s in segment(word, ruleset).sentences]
    assert parts == [(0, limit), (limit, 2 * limit), (2 * limit, 3 * limit), (3 * limit, len(word))]


def test_a_sentence_up_to_the_bound_is_kept_whole(ruleset) -> None:
    limit = max_chars(ruleset)
    whole = ("word " * limit)[: limit - 1] + "."
    assert len(whole) == limit
    seg = segment(whole, ruleset)
    assert [(s.start, s.end) for s in seg.sentences] == [(0, limit)] and seg.issues == []
    assert len(segment(whole[:-1] + "ab.", ruleset).sentences) == 2


def test_the_bound_is_read_from_the_rules(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    for path in default_rules_dir().glob("*.toml"):
        content = path.read_text(encoding="utf-8")
        if path.name == "abbreviations.toml":
            assert "max_chars = 2000" in content
            content = content.replace("max_chars = 2000", "max_chars = 300")
        (rules / path.name).write_text(content, encoding="utf-8")
    text = figures(2_000)
    sentences = segment(text, load_ruleset(rules)).sentences
    assert max(s.end - s.start for s in sentences) <= 300 and len(sentences) > 6


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab ,;:-\u2014\n\t")), min_size=1, max_size=700),
    st.integers(min_value=100, max_value=250),
)
def test_parts_cover_any_text_within_the_bound(body: str, limit: int) -> None:
    segmenter = Segmenter(load_ruleset())
    segmenter.max_chars = limit
    text = "a" + body + "b"
    parts = segmenter.parts(text, 0, len(text))
    if len(text) <= limit:
        assert parts == [(0, len(text))]
    else:
        check_parts(text, 0, len(text), parts, limit)


def cpu_seconds(extractor: Extractor, text: str) -> tuple[float, int, int]:
    """The least CPU time of two extractions of ``text``, and its quotes and claims."""
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        result = extractor.process(Article(doc_id="long", text=text))
        best = min(best, time.process_time() - start)
    return best, len(result.quotes), len(result.claims)


@pytest.mark.parametrize(
    "make, small",
    [(figures, 8_000), (quotations, 300), (plain_words, 50_000)],
    ids=["figures", "quotations", "plain-words"],
)
def test_extraction_grows_linearly_with_one_sentence(make, small: int, ruleset) -> None:
    """Four times the sentence costs about four times the CPU time (quadratic work: sixteen
    times; before the split these three grew 13, 14 and 13 times, and one sentence of 200,000
    characters of figures took 120 s)."""
    extractor = Extractor(ruleset, time_budget_s=None).compile()
    extractor.process(Article(doc_id="warm", text=make(small // 10)))
    short, quotes, claims = cpu_seconds(extractor, make(small))
    long, quotes4, claims4 = cpu_seconds(extractor, make(4 * small))
    assert quotes4 >= 3.5 * quotes and claims4 >= 3.5 * claims  # the same reading, four times
    assert long < 8 * max(short, 0.05), f"{short:.2f}s -> {long:.2f}s for 4x the text"
