"""Wire-style crime and disaster stories, often one long paragraph: quoted terms further on are
not the last speaker's, and a ship's name is no one a pronoun refers to (invented sentences)."""

from __future__ import annotations

import pytest

from quotetrack.models import Article, Quote
from quotetrack.pipeline.extractor import Extractor


@pytest.fixture(scope="module")
def extractor(ruleset) -> Extractor:
    return Extractor(ruleset).compile()


def quote_with(extractor: Extractor, text: str, fragment: str) -> Quote:
    """The quote row holding ``fragment``."""
    for q in extractor.process(Article(doc_id="t", text=text)).quotes:
        if fragment in q.text:
            return q
    raise AssertionError(f"no quote holds {fragment!r}")


STORY = (
    '"We are working on it," the navy officer said. The frigate sailed at dawn and reached the '
    'cargo ship by noon. A helicopter was "launched" from its deck and circled the "mother ship" '
    'for an hour. "Nobody was hurt."'
)


@pytest.mark.parametrize("term", ["launched", "mother ship"])
def test_quoted_words_further_on_are_not_the_last_speakers(extractor, term):
    q = quote_with(extractor, STORY, term)
    assert q.speaker is None and q.kind == "scare"


def test_a_quote_that_opens_its_sentence_still_follows_the_last_speaker(extractor):
    assert quote_with(extractor, STORY, "Nobody was hurt").speaker == "the navy officer"


def test_a_ships_name_is_no_antecedent(extractor):
    text = (
        "Captain Ravi Menon commands the fleet. The frigate INS Vela found the boats at night. "
        '"We fired warning shots," he said.'
    )
    assert quote_with(extractor, text, "warning shots").speaker == "Ravi Menon"


@pytest.mark.parametrize(
    ("text", "fragment", "speaker"),
    [
        # a nickname in quotation marks inside the name
        ('Joaquin "El Rayo" Guzman told the court, "I regret nothing."', "regret", "Guzman"),
        ('Ana "Tiny" Ruiz said, "We saw the smoke first."', "smoke", "Ana"),
        # four lower-case words of role before the name
        ('"We are ready," said regional flood agency spokesman Budi Santoso.', "ready", "Budi"),
    ],
)
def test_the_speakers_name_holds_its_nickname_and_loses_its_role(
    extractor, text, fragment, speaker
):
    q = quote_with(extractor, text, fragment)
    assert q.speaker is not None and speaker in q.speaker and "spokesman" not in q.speaker
    assert len(q.speaker.split()) >= 2
