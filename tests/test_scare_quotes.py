"""Quoted names and titles that are not speech, even in a sentence with a source.

Issue 18 (crime and disaster news): nicknames, the names of ships, storms, operations and firms,
slogans on signs, titles of works and items listed after one of them are scare quotes with no
speaker; real short quotes that a frame attributes keep their speaker. Every sentence is
invented."""

from __future__ import annotations

import pytest
from test_quotes import only

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
    return only(quotes, fragment).kind


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


TERMS = [
    # cue words that name a thing
    ('A man nicknamed "Big Tom" was charged on Monday, prosecutors said.', "Big Tom"),
    ('The raid, code-named "Night Owl," ended at dawn, a spokesman said.', "Night Owl"),
    ('Police said a man called "Spider" had sold the guns.', "Spider"),
    ('She lives in what is called the old "Mill Row Block," neighbours said.', "Mill Row"),
    ('The storm, dubbed "Hurricane Zed," flattened the pier, officials said.', "Hurricane"),
    # slogans on signs and walls
    ('Marchers carried a banner reading "Justice for the Miners," organisers said.', "Justice"),
    ('Residents held up signs that read "Fix Our Levees" on Sunday, police said.', "Levees"),
    ('The van was spray-painted with "No Entry Here," the owner said.', "No Entry"),
    # names of ships, operations, storms, places and firms
    ('Commandos boarded the trawler "Sea Lark" at dawn, the ministry said.', "Sea Lark"),
    ('Officers launched Operation "Clean Sweep" last spring, police said.', "Clean Sweep"),
    ('Investigators said "The Harbour Trading Company" had paid the men.', "Harbour"),
    ('The quake struck along the "Long Valley Fault," geologists said.', "Long Valley"),
    # titles of works and lists
    ('Her favourite film is "The Long Walk Home Again," her sister said.', "Long Walk"),
    ('The agency\'s "Report a sighting" page drew many calls, officials said.', "Report a"),
    ('He is on the "Ten Most Wanted" list, the marshals said.', "Ten Most"),
    # items listed after a term
    ('The dealer, known as "Red" and "The Ghost," was arrested, police said.', "The Ghost"),
]


@pytest.mark.parametrize("text,fragment", TERMS)
def test_short_terms_are_scare_quotes_without_a_speaker(extract, text, fragment) -> None:
    quote = only(extract(text), fragment)
    assert quote.kind == "scare"
    assert quote.speaker is None


SPEECH = [
    ('"Never," she said.', "Never", "she"),
    ('"Big mistake," the chief said.', "Big mistake", "the chief"),
    ('"Operation," he said, "is the wrong word."', "Operation", "he"),
    ('Signs of trouble: "We are not safe here," a resident said.', "not safe", "a resident"),
    ('The mayor called "for calm and patience" after the riot.', "for calm", "The mayor"),
    ('The sheriff called the suspect "a coward."', "coward", "The sheriff"),
    ('"Storm Road was flooded," the officer said.', "Storm Road", "the officer"),
]


@pytest.mark.parametrize("text,fragment,speaker", SPEECH)
def test_short_quotes_of_speech_keep_their_speaker(extract, text, fragment, speaker) -> None:
    quote = only(extract(text), fragment)
    assert quote.kind != "scare"
    assert quote.speaker_mention == speaker


def test_a_title_case_headline_is_not_taken_for_a_name(extract) -> None:
    quote = only(extract("Chief Says Fire Was 'Set By A Gang.'"), "Set By")
    assert quote.reason != "a name with its own head word"


def test_apostrophes_of_spaced_out_text_are_not_a_quote(extract) -> None:
    # the segmenter reads a spaced mark after a plural 's' as an apostrophe: no quote at all
    assert extract("The victims ' families met the lawyers ' team on Friday, police said.") == []


def test_a_stray_short_quote_does_not_start_a_list(extract) -> None:
    quotes = extract('It was "grim," "a real shock" and "worse than we feared," the mayor said.')
    assert only(quotes, "worse than").kind != "scare"


def test_an_attribute_value_of_broken_markup_is_not_a_quote(extract) -> None:
    quotes = extract(
        'Officials wrote <tweet tweet-author="stay away from the river" tweet-date="May 2'
        "\n\nThe water kept rising, they said."
    )
    quote = only(quotes, "stay away")
    assert (quote.kind, quote.speaker) == ("scare", None)
