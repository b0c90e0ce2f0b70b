"""Quoted names and titles that are not speech, even in a sentence with a source."""

from __future__ import annotations

import pytest

from quotetrack.extract.attribution import Attributor
from quotetrack.extract.quotes import QuoteExtractor
from quotetrack.extract.segment import segmenter_for
from quotetrack.models import Article, Quote


@pytest.fixture(scope="module")
def extract(ruleset):
    attributor = Attributor(ruleset)
    extractor = QuoteExtractor(ruleset)
    segmenter = segmenter_for(ruleset)

    def run(text: str) -> list[Quote]:
        article = Article.build(doc_id="t", text=text)
        seg = segmenter.segment(text, "t")
        return extractor.extract(article, seg, attributor.document(article, seg))

    return run


def kind_of(quotes: list[Quote], fragment: str) -> str:
    found = [q.kind for q in quotes if fragment in q.text]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


@pytest.mark.parametrize(
    "text,fragment",
    [
        ('The smuggler, known to his crew as "Captain," was arrested, police said.', "Captain"),
        ('The twins were known locally as "Salt" and Pepper, a neighbour said.', "Salt"),
        ('Her second novel was "The Quiet Harbour Years," her agent said.', "Quiet Harbour"),
        ('He launched a podcast called "Morning Ledger" last year, aides said.', "Morning Ledger"),
        ('The barn was used as a "drop point" by the ring, investigators said.', "drop point"),
    ],
)
def test_names_and_titles_are_not_speech(extract, text, fragment) -> None:
    assert kind_of(extract(text), fragment) == "scare"


@pytest.mark.parametrize(
    "text,fragment",
    [
        ('Mayor Lena Ortiz said the budget was "a betrayal of every family here."', "betrayal"),
        ('The senator called the report "deeply dishonest and unfair," aides said.', "dishonest"),
        ('The union said the plan is "not going to work for anyone," staff said.', "not going"),
    ],
)
def test_partial_quotes_of_speech_stay_quotes(extract, text, fragment) -> None:
    assert kind_of(extract(text), fragment) != "scare"
