"""Quote rows: kinds (direct / partial / scare), speakers, utterances and the seed articles."""

from __future__ import annotations

import pytest
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.extract.attribution import Attributor
from quotetrack.extract.quotes import QuoteExtractor
from quotetrack.extract.segment import segmenter_for
from quotetrack.models import Article, Quote


@pytest.fixture(scope="module")
def extract(ruleset):
    attributor = Attributor(ruleset)
    extractor = QuoteExtractor(ruleset)
    segmenter = segmenter_for(ruleset)

    def run(text: str, doc_id: str = "t") -> list[Quote]:
        article = Article.build(doc_id=doc_id, text=text)
        seg = segmenter.segment(text, doc_id)
        return extractor.extract(article, seg, attributor.document(article, seg))

    return run


def only(quotes: list[Quote], fragment: str) -> Quote:
    found = [q for q in quotes if fragment in q.text]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


FRAMES = [
    # (text, fragment of the quote, expected speaker, rule id)
    ('"We will not back down," Jane Doe said.', "back down", "Jane Doe", "subject-cue"),
    (
        '"We will not back down," said Jane Doe, a spokeswoman for the agency.',
        "back down",
        "Jane Doe",
        "cue-subject",
    ),
    ('Jane Doe said: "We will not back down."', "back down", "Jane Doe", "subject-cue"),
    ('Jane Doe said "we will not back down" on Friday.', "back down", "Jane Doe", "subject-cue"),
    ('Jane Doe said that the agency "will not back down."', "back down", "Jane Doe", "subject-cue"),
    (
        'According to Jane Doe, "the agency will not back down."',
        "back down",
        "Jane Doe",
        "according-to",
    ),
    (
        'Jane Doe told reporters that "the agency will not back down."',
        "back down",
        "Jane Doe",
        "subject-cue",
    ),
    (
        '"The agency will not back down," Jane Doe told reporters.',
        "back down",
        "Jane Doe",
        "subject-cue",
    ),
    (
        'In a statement broadcast on state television, the ministry said "order will be restored."',
        "order will",
        "the ministry",
        "subject-cue",
    ),
    ('Jane Doe tweeted: "We will not back down."', "back down", "Jane Doe", "subject-cue"),
    (
        'Jane Doe quit the party, saying "it no longer speaks for me."',
        "no longer",
        "Jane Doe",
        "participle",
    ),
    (
        'Jane Doe was quoted as saying "the agency will not back down."',
        "back down",
        "Jane Doe",
        "subject-cue",
    ),
    (
        '"We will not back down," Rep. Jane Doe (D-Md.) said.',
        "back down",
        "Jane Doe",
        "subject-cue",
    ),
    ('"We will not back down." ― Jane Doe', "back down", "Jane Doe", "dash-trailing"),
    ('"SMITH: We will not back down."', "back down", "SMITH", "transcript-label"),
    ('"We will not back down," Jane Doe said by phone.', "back down", "Jane Doe", "subject-cue"),
    ('"We will not back down," fumed Jane Doe.', "back down", "Jane Doe", "cue-subject"),
    ('"We will not back down," suggests Mayor Jane Doe.', "back down", "Jane Doe", "cue-subject"),
    ('Added Jane Doe: "We will not back down."', "back down", "Jane Doe", "cue-subject"),
    ('Jane Doe, City Herald: "We will not back down."', "back down", "Jane Doe", "colon-name"),
    (
        'RENTS KEEP RISING - Jane Doe: "We will not back down."',
        "back down",
        "Jane Doe",
        "colon-name",
    ),
    (
        'Jane Doe took questions before saying, "We will not back down."',
        "back down",
        "Jane Doe",
        "participle",
    ),
    (
        'Jane Doe issued a statement saying "we will not back down."',
        "back down",
        "Jane Doe",
        "participle",
    ),
    (
        'Jane Doe left the podium, came back and declared, "We will not back down."',
        "back down",
        "Jane Doe",
        "coordinated-subject",
    ),
    (
        'Amy Lund, a nurse at a clinic in Dayton, Ohio, told reporters, "We will not back down."',
        "back down",
        "Amy Lund",
        "subject-cue",
    ),
    (
        '"We will not back down on the rent freeze.\n\nJane Doe, Tenants Union of Ohio.',
        "back down",
        "Jane Doe",
        "signature-line",
    ),
]


@pytest.mark.parametrize("text,fragment,speaker,rule", FRAMES)
def test_frames_give_the_speaker(extract, text, fragment, speaker, rule):
    q = only(extract(text), fragment)
    assert q.speaker == speaker or (
        speaker == "the ministry" and q.speaker_mention == "the ministry"
    )
    assert q.rule_id == rule
    assert q.kind != "scare"


def test_reported_chain_names_speaker_and_reporter(extract):
    text = (
        "The Associated Press quoted Ahmed Karim, formerly the country's envoy, as having said "
        "only force "
        'can work.\n\n"There is no way out," Karim was quoted as having said.'
    )
    q = only(extract(text), "no way out")
    assert q.speaker == "Ahmed Karim"
    assert q.reported_by == "Associated Press"
    assert q.speaker_mention == "Karim"
    assert q.resolution.startswith("surname")


def test_pronoun_resolves_to_the_previous_speaker(extract):
    text = (
        "Senator Mary Jones spoke in Ohio on Monday.\n\n"
        '"We cannot wait any longer," she said. "The time is now."'
    )
    quotes = extract(text)
    first, second = only(quotes, "cannot wait"), only(quotes, "time is now")
    assert first.speaker == "Mary Jones" and first.speaker_mention == "she"
    assert second.speaker == "Mary Jones"
    assert first.utterance_id == second.utterance_id  # one utterance broken by "she said"


def test_pronoun_skips_a_person_of_the_wrong_gender(extract):
    text = 'Michael Brown met Susan Clark on Tuesday. She said the talks "went nowhere at all."'
    assert only(extract(text), "went nowhere").speaker == "Susan Clark"


def test_definite_nominal_resolves_to_the_organisation(extract):
    text = (
        "Syria's Foreign Ministry said Thursday that the envoy should be punished. In a statement, "
        'the ministry said he had been "relieved of his duties."'
    )
    q = only(extract(text), "relieved")
    assert q.speaker == "Syria's Foreign Ministry"
    assert q.kind == "partial"
    assert q.speaker_type == "organisation"


def test_quote_running_over_paragraphs_is_one_utterance(extract):
    text = (
        'Jane Doe said:\n\n"The first part of the speech goes here.'
        '\n\n"And the second part is here."'
    )
    quotes = extract(text)
    assert len(quotes) == 2
    assert {q.speaker for q in quotes} == {"Jane Doe"}
    assert quotes[0].utterance_id == quotes[1].utterance_id


def test_floating_quote_takes_the_previous_paragraphs_speaker(extract):
    text = (
        '"We have done nothing wrong," said Jane Doe, the company\'s chief executive.\n\n'
        '"Our accounts are open to anyone who wants to look at them."'
    )
    assert only(extract(text), "accounts are open").speaker == "Jane Doe"


SCARE = [
    ('Cluster bombs drop dozens of "bomblets" over a large area.', "bomblets"),
    ('The so-called "Buffett rule" would raise taxes.', "Buffett rule"),
    (
        'On this weekend\'s broadcast of "Fox News Sunday," the senator said he would vote no.',
        "Fox News",
    ),
    ('Dwayne "The Rock" Johnson was there.', "The Rock"),
    ('The 30-second spot, titled "Arrogant," features a reporter.', "Arrogant"),
]


@pytest.mark.parametrize("text,fragment", SCARE)
def test_scare_quotes_have_no_speaker(extract, text, fragment):
    q = only(extract(text), fragment)
    assert q.kind == "scare"
    assert q.speaker is None and q.reason


def test_unattributed_long_quote_is_kept_without_a_speaker(extract):
    q = only(
        extract('"Nothing about this plan makes any sense to the people who live here."'), "Nothing"
    )
    assert q.kind == "direct"
    assert q.speaker is None and q.speaker_type == "unattributed"


def test_seed_000_quotes(extract):
    text = (SEEDS / "000_d622aa2cab30c1b9.txt").read_text(encoding="utf-8")
    quotes = extract(text, "000")
    fares = [
        q
        for q in quotes
        if "roadmap" in q.text or "pushed from power" in q.text or "honor" in q.text
    ]
    assert len(fares) == 3 and all(q.speaker == "Nawaf Fares" for q in fares)
    chain = [q for q in fares if "roadmap" in q.text or "pushed from power" in q.text]
    assert all(
        q.reported_by == "Associated Press" for q in chain
    )  # "The Associated Press quoted Nawaf Fares"
    ministry = [q for q in quotes if "relieved" in q.text or "accountability" in q.text]
    assert len(ministry) == 2
    assert all(q.speaker == "Syria's Foreign Ministry" and q.kind == "partial" for q in ministry)


def test_seed_001_quotes(extract):
    text = (SEEDS / "001_41ce0450144724b7.txt").read_text(encoding="utf-8")
    quotes = extract(text, "001")
    for q in quotes:
        assert q.text == text[q.start : q.end]
    fares = [
        q
        for q in quotes
        if any(w in q.text for w in ("roadmap", "pushed from power", "honor", "allegiance is"))
    ]
    assert len(fares) == 4 and all(q.speaker == "Nawaf Fares" for q in fares)
    assert only(quotes, "closeness").speaker == "Laurent Fabius"
    bomblets = only(quotes, "bomblets")
    assert bomblets.kind == "scare" and bomblets.speaker is None
    assert [q.quote_id for q in quotes] == [f"001:q{i + 1}" for i in range(len(quotes))]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab said He \"“”‘’'.,:\n Jane")), max_size=120))
def test_never_raises_and_offsets_hold(extract, text):
    for q in extract(text):
        assert q.text == text[q.start : q.end]
        if q.speaker_start is not None:
            assert 0 <= q.speaker_start < q.speaker_end <= len(text)


def test_a_sentence_with_content_of_its_own_does_not_take_the_quote_before(extract):
    text = (
        '"It is a sad day," Jane Doe told reporters. "We will not back down."'
        " Tom Reyes said he would stay on."
    )
    assert only(extract(text), "back down").speaker == "Jane Doe"
    text = 'Tom Reyes was asked about it.\n\n"We will not back down." Jane Doe said on Friday.'
    assert only(extract(text), "back down").speaker == "Jane Doe"


def test_a_participle_subject_is_never_inside_the_quote(extract):
    text = '"If I were mayor, I would act," said Tom Reyes, asking for anonymity.'
    assert only(extract(text), "mayor").speaker == "Tom Reyes"
    text = (
        '"If I were mayor, I would act," said a Green Party member who lives here,'
        " asking for anonymity."
    )
    assert only(extract(text), "mayor").speaker_mention != "I"
