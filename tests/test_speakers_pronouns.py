"""He/she/it and the mentions they may resolve to: places, headings and surnames are typed so
that a pronoun skips what cannot speak (invented sentences)."""

from __future__ import annotations

import pytest

from quotetrack.extract.attribution import Attributor, DocumentContext, QuoteIndex
from quotetrack.extract.segment import segmenter_for
from quotetrack.models import Article


@pytest.fixture(scope="module")
def attributor(ruleset) -> Attributor:
    return Attributor(ruleset)


def context(attributor: Attributor, ruleset, text: str) -> DocumentContext:
    seg = segmenter_for(ruleset).segment(text)
    return attributor.document(Article(doc_id="t", text=text), seg)


def quote_source(attributor, ruleset, text: str, fragment: str):
    ctx = context(attributor, ruleset, text)
    for q in ctx.seg.quotes:
        if fragment in text[q.start : q.end]:
            return ctx.quote_sources[q.index]
    raise AssertionError(f"no quote holds {fragment!r}")


def mentions(attributor, ruleset, text: str):
    seg = segmenter_for(ruleset).segment(text)
    inside = QuoteIndex(seg.quotes)
    frames = attributor.frames(text, seg, inside)
    return {m.text: m for m in attributor.mentions(text, seg, inside, frames, upto=len(text))}


PRONOUN_SKIPS = [
    # a name of two words after a preposition of place is a place ("at Quarry Ridge")
    (
        'Tom Reyes arrived on Friday. Hundreds gathered at Quarry Ridge. "We need water," he said.',
        "Tom Reyes",
    ),
    (
        "Tom Reyes arrived on Friday. Hundreds gathered in the Marlow Basin. "
        '"We need water," he said.',
        "Tom Reyes",
    ),
    # a name starting with a place word or ending with a building word is a place
    ('Tom Reyes arrived on Friday. San Marlow voted. "We need water," he said.', "Tom Reyes"),
    (
        'Ann Pike arrived on Friday. Marlow Tower stayed shut. "We need water," she said.',
        "Ann Pike",
    ),
    # a line in capitals is a heading, not a person
    ('Ann Pike spoke on Friday.\n\nFULL REMARKS\n\n"We need water," she said.', "Ann Pike"),
    # a one-word subject with a "who" clause, or named mid-sentence elsewhere, is a person
    (
        "Dana Wills arrived at noon. Okafor, who chairs the board, spoke next. "
        '"We need water," she said.',
        "Okafor",
    ),
    (
        "Dana Wills arrived at noon. Okafor walked in late. "
        '"We need water," she said. Reporters later met Okafor.',
        "Okafor",
    ),
    # "she" skips a man named by a given name of the lexicon
    ('Leila Haddad met Barack Ochieng in Rome. "We agreed," she said.', "Leila Haddad"),
    ('Ivanka Moss met Rupert Vane in Rome. "We agreed," he said.', "Rupert Vane"),
]


@pytest.mark.parametrize("text,name", PRONOUN_SKIPS)
def test_pronoun_skips_what_cannot_speak(attributor, ruleset, text, name):
    src = quote_source(attributor, ruleset, text, "We ")
    assert src is not None and src.name == name, src


@pytest.mark.parametrize("surname", ["Davis", "Morris", "Calabrese", "Paradis"])
def test_a_surname_with_a_plural_ending_is_a_person(attributor, ruleset, surname):
    text = f'Ann {surname} spoke at noon. "We need water," {surname} said.'
    src = quote_source(attributor, ruleset, text, "water")
    assert src.name == f"Ann {surname}" and src.source_type == "person"


@pytest.mark.parametrize("group", ["Americans", "Lebanese", "Israelis", "Saudis", "Pakistanis"])
def test_a_plural_nationality_stays_a_group(attributor, ruleset, group):
    src = quote_source(attributor, ruleset, f'"We want peace," {group} say.', "peace")
    assert src.source_type == "anonymous"


def test_a_name_after_a_leading_preposition_is_not_a_subject(attributor, ruleset):
    found = mentions(
        attributor, ruleset, 'Like Tom Reyes, Ann Pike opposed the plan. "No," she said.'
    )
    assert not found["Like Tom Reyes"].subject and found["Ann Pike"].subject


def test_a_name_after_a_dash_before_the_colon_is_the_speaker(attributor, ruleset):
    text = 'Turnout fell in every county - Ann Lee: "Fewer people came than we hoped."'
    src = quote_source(attributor, ruleset, text, "Fewer")
    assert src.name == "Ann Lee" and src.rule_id == "colon-name"


def test_a_name_line_does_not_attribute_a_quote_before_it(attributor, ruleset):
    text = 'It is not enough to "look" fair - More from Ann Lee: "Fewer people came than hoped."'
    ctx = context(attributor, ruleset, text)
    by_text = {text[q.start : q.end]: ctx.quote_sources[q.index] for q in ctx.seg.quotes}
    assert by_text['"look"'] is None
    assert by_text['"Fewer people came than hoped."'].name == "Ann Lee"


def test_a_possessed_organisation_is_named_after_its_owner(attributor, ruleset):
    text = 'Ann Pike lost the vote on Tuesday. Her campaign wrote to supporters: "We fight on."'
    src = quote_source(attributor, ruleset, text, "fight")
    assert src.name == "Ann Pike's campaign" and src.source_type == "organisation"


def test_a_possessed_document_speaks_for_its_issuer(attributor, ruleset):
    text = 'Tom Reyes met Ann Pike at noon. "We won," his statement said.'
    src = quote_source(attributor, ruleset, text, "won")
    assert src.name == "Tom Reyes" and src.source_type == "person"
    assert src.resolution.startswith("possessive")


def test_a_role_written_before_a_name_takes_the_name(attributor, ruleset):
    text = (
        "Ann Pike arrived at noon. Campaign spokesman Don Stewart would not say when. "
        '"Nothing yet," he said.'
    )
    found = mentions(attributor, ruleset, text)
    assert found["Campaign spokesman"].name == "Don Stewart"
    assert quote_source(attributor, ruleset, text, "Nothing").name == "Don Stewart"


def test_a_pronoun_is_a_whole_word_after_an_inverted_cue(attributor, ruleset):
    src = quote_source(attributor, ruleset, '"We miss him," said her nephew, Omar Diaz.', "miss")
    assert src.name == "Omar Diaz" and src.mention == "her nephew"


@pytest.mark.parametrize("head", ["bystander", "coroner", "co-worker", "employee", "commissioner"])
def test_people_in_crime_and_disaster_news_are_sources(attributor, ruleset, head):
    src = quote_source(attributor, ruleset, f'"It was loud," said a {head}.', "loud")
    assert src is not None and src.mention == f"a {head}" and src.source_type == "person"


@pytest.mark.parametrize(
    "text,issuer",
    [
        (
            'The ministry issued a statement on Friday. "We are ready," the statement reads.',
            "ministry",
        ),
        ('Ann Lee, the mayor, sent out an email. "Stay home," the email said.', "Ann Lee"),
        ('Reyes keeps a note from Tom Pike. "You lose," the note says.', "Tom Pike"),
    ],
)
def test_a_document_speaks_for_its_issuer(attributor, ruleset, text, issuer):
    src = quote_source(attributor, ruleset, text, ',"')
    assert issuer in src.name and src.resolution.startswith("document<-")


def test_a_document_without_an_issuer_stays_a_document(attributor, ruleset):
    text = 'Tom Pike issued a report. "We are ready," the statement said.'
    src = quote_source(attributor, ruleset, text, "ready")
    assert src.name == "the statement" and src.source_type == "document"


def test_a_name_and_a_past_verb_are_no_nominal(attributor, ruleset):
    text = (
        "Gov. Tom Reyes spoke at noon. Okafor blamed local officials on Friday, and Okafor left. "
        '"They failed," he said.'
    )
    found = mentions(attributor, ruleset, text)
    assert "Okafor blamed local officials" not in found
    assert quote_source(attributor, ruleset, text, "failed").name == "Okafor"


# -- frames whose subject the speaker rules must find first ------------------------------------

FRAME_SUBJECTS = [
    # a no-break or thin space is a space
    ('Ann Lee chairs the board.\n\n"We vote today," Lee\u00a0said.', "Ann Lee"),
    ('Ann Lee chairs the board.\n\n"We vote today," Lee\u202fsaid.', "Ann Lee"),
    ('Ann Lee chairs the board.\n\n"We vote today," Lee\u2009said.', "Ann Lee"),
    # an inverted cue after a clause and its comma, its subject closing the sentence
    (
        'Tom Reyes wants "a fair deal" for Ann Pike, said Dana Wills, a former aide. '
        '"We vote today," he said.',
        "Dana Wills",
    ),
    # ... not when the subject runs on into the sentence
    ('The plan failed, said Dana Wills to the crowd in the hall. "We vote today."', None),
    # ... and a subject with an appositive before the cue keeps its frame
    ('"We vote today," Dana Wills, a former aide, told the Daily Post.', "Dana Wills"),
    # a title word before lower-case role words and a name is not the speaker: the name is
    (
        'Republican presidential candidate Ann Pike took to the radio, saying: "We vote today."',
        "Ann Pike",
    ),
    ('"We vote today," said undecided Democratic voter Ann Pike of Marlow.', "Ann Pike"),
    # a name ending like a participle is still a name when it is a given name or a surname
    ('Warren endorsed the plan, saying, "We vote today."', "Warren"),
    ('Dana Golden spoke. Golden endorsed the plan, saying, "We vote today."', "Dana Golden"),
    ('Chastened by the loss, the mayor left, saying, "We vote today."', "the mayor"),
    # a participle after "upon" links to the main clause like one after "before"
    ('Ann Pike, a nurse, drew boos upon saying "We vote today."', "Ann Pike"),
    # verbs of reacting and recalling invert like "said"
    ('"We vote today," reacted Tom Reyes.', "Tom Reyes"),
    ('"We vote today," remembered Tom Reyes, a former aide.', "Tom Reyes"),
    # an adviser "to" someone is named by the one advised
    ('"We vote today," said a longtime adviser to Ann Pike.', "a longtime adviser to Ann Pike"),
    # a nominal given a name ("named", "known as", "calling himself") speaks as that name
    ('"We vote today," wrote a man calling himself Tom Reyes.', "Tom Reyes"),
    ('"We vote today," said the nurse known as Okafor.', "Okafor"),
    # the sentence after a quote that opens its own gives the quote's frame
    ('"We vote today?" Tom Reyes asked. "Soon."', "Tom Reyes"),
]


COMMON_WORDS = (
    "Tom West met Dan Pike at noon. West walked out. The west wing was shut. "
    'Harsh words followed. The talk was harsh. "No," Dan Pike said.'
)


def test_a_common_word_opening_a_sentence_is_a_name_when_it_ends_one(attributor, ruleset):
    found = mentions(attributor, ruleset, COMMON_WORDS)
    # "West" ends the name "Tom West"; "Harsh", a common word that ends no name, stays out
    assert found["West"].name == "Tom West" and "Harsh" not in found


def test_a_name_opening_a_sentence_after_a_name_is_a_mention(attributor, ruleset):
    found = mentions(attributor, ruleset, 'Tom Reyes met Dan Pike. Reyes left. "No," Pike said.')
    assert found["Reyes"].name == "Tom Reyes"


@pytest.mark.parametrize(
    "text,name",
    [
        # "'s" before "been" is "has": the name is the sentence's subject, not a possessive
        (
            "Tom Reyes met Dan Pike at noon. Reyes's been pressing Pike for weeks. "
            '"We vote today," he said.',
            "Tom Reyes",
        ),
        # a surname keeps the person the text keeps naming when a namesake comes in
        (
            "Dan Murphy chairs the board. Murphy spoke first. Murphy met Ann Murphy, a teacher, "
            'at noon. "We vote today," Murphy said.',
            "Dan Murphy",
        ),
        # a long opening phrase leaves the subject after it
        (
            "Noting that Dana Wills had fought the plan for years and lost twice, Ann Pike stood "
            'up. "We vote today," she said.',
            "Ann Pike",
        ),
    ],
)
def test_the_speaker_the_text_keeps_to(attributor, ruleset, text, name):
    assert quote_source(attributor, ruleset, text, "vote today").name == name


@pytest.mark.parametrize("name", ["Election Day", "Vietnam War", "Marlow Accord", "Art Deco"])
def test_an_event_or_a_law_is_no_antecedent(attributor, ruleset, name):
    text = f'Tom Reyes spoke at noon. Crowds came for {name}. "We vote today," he said.'
    assert quote_source(attributor, ruleset, text, "vote today").name == "Tom Reyes"


def test_a_dash_line_after_a_quote_paragraph_signs_it(attributor, ruleset):
    text = 'The plan passed.\n\n"We vote today."\n\n- Ann Lee, speaking in Marlow.\n\nRain fell.'
    src = quote_source(attributor, ruleset, text, "vote today")
    assert src is not None and src.name == "Ann Lee" and src.rule_id == "signature-line"


@pytest.mark.parametrize(
    "text,name",
    [
        # the subject of the sentence before beats a person named earlier in the pronoun's own
        # sentence who is not its subject
        (
            "Dana Wills chaired the hearing. In a talk with Robin Okafor on Friday, she said: "
            '"We vote today."',
            "Dana Wills",
        ),
        # ... and a subject in the pronoun's own sentence comes first
        (
            "Dana Wills chaired the hearing. Robin Okafor spoke to the board, and she said: "
            '"We vote today."',
            "Robin Okafor",
        ),
        # with no subject or speaker that close, the nearest person still wins
        (
            'Ann Pike spoke first. The vote was held. The crowd cheered for Dana Wills. "We '
            'vote today," she said.',
            "Dana Wills",
        ),
    ],
)
def test_a_pronoun_looks_for_a_subject_next_door_first(attributor, ruleset, text, name):
    src = quote_source(attributor, ruleset, text, "vote today")
    assert src is not None and src.name == name, src


@pytest.mark.parametrize("text,name", FRAME_SUBJECTS)
def test_the_frame_gives_the_speaker(attributor, ruleset, text, name):
    src = quote_source(attributor, ruleset, text, "vote today")
    assert (src.name if src is not None else None) == name, src
