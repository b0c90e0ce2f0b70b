"""Speakers the writer leaves unnamed ("a person close to the mayor", "one Ohio Democrat") and
clause subjects that a participle or an absolute "with" phrase attaches to (invented sentences)."""

from __future__ import annotations

import pytest

from quotetrack.models import Article
from quotetrack.pipeline.extractor import Extractor


@pytest.fixture(scope="module")
def extractor(ruleset) -> Extractor:
    return Extractor(ruleset).compile()


def speaker_of(extractor: Extractor, text: str, fragment: str) -> tuple[str | None, str | None]:
    """(speaker, speaker_mention) of the quote holding ``fragment``."""
    for q in extractor.process(Article(doc_id="t", text=text)).quotes:
        if fragment in q.text:
            return q.speaker, q.speaker_mention
    raise AssertionError(f"no quote holds {fragment!r}")


UNNAMED = [
    # people named by what they do or where they belong, with what follows the head
    ("“The drop is real,” said a person close to the mayor.", "drop", "a person"),
    ("“It was hard,” said the designer, who works for another label.", "hard", "the designer"),
    ("“Stay home,” tweeted a user from Leeds on Monday.", "Stay", "a user from Leeds"),
    # a lower-case modifier before capitalised ones, up to three of those
    (
        "“It will be hard,” said a longtime GOP data expert who has worked for a rival.",
        "hard",
        "a longtime GOP data expert",
    ),
    (
        "“I would want answers,” said a prominent Town Party Committee member.",
        "answers",
        "a prominent Town Party Committee member",
    ),
    # the unnamed person met before, not the salient name ...
    (
        "Mayor Ann Pike spent heavily this year. “I would want answers,” said a prominent party "
        "member. “Nobody cares when you spend your own money,” the party member said.",
        "Nobody cares",
        "the party member",
    ),
    # ... while a definite role still names the person who holds it
    ("Mayor Ann Pike met the press on Monday. “We are fine,” the mayor said.", "fine", "Ann Pike"),
]


def test_a_bare_nominal_with_capitalised_modifiers_is_not_the_salient_person(extractor):
    text = (
        "Ann Pike leads the polls. But few think she will win.\n\n"
        "“If she wins, it will be close,” said one Ohio Democrat."
    )
    speaker, _ = speaker_of(extractor, text, "close")
    assert speaker is not None and "Ohio Democrat" in speaker


CLAUSE_SUBJECTS = [
    # a sentence-opening conjunction before the subject a participle attaches to
    (
        "The week was bad. And then Mayor Dan Ruiz went on the attack, saying, “Is the governor "
        "going to act?”",
        "governor",
        "Dan Ruiz",
    ),
    # a name, then an appositive nominal, then the verb: the name is the subject
    (
        "Dean Marsh, a former party chairman and candidate, poked at the mayor during the "
        "debate, tweeting, “Notice the sniffing.”",
        "sniffing",
        "Dean Marsh",
    ),
    (
        "Ann Lee, vice chairwoman for the campaign, emailed supporters on Monday evening, "
        "telling them, “I am proud.”",
        "proud",
        "Ann Lee",
    ),
    # ... but a sentence-opening phrase before a nominal subject is no name
    (
        "On Thursday, the ministry issued a statement, saying, “We are fine.”",
        "fine",
        "the ministry",
    ),
    # an absolute "with" phrase: the name right before the participle (an adverb between)
    (
        "Some supporters punched a protester, with Mayor Dan Ruiz reportedly yelling: “Get him "
        "out!”",
        "Get him",
        "Dan Ruiz",
    ),
    # a participle after a reported clause with its own reporting verb is that clause's ...
    (
        'Sheriff Tom Reyes told reporters that Ann Lee called 911, saying "someone is inside."',
        "someone",
        "Ann Lee",
    ),
    # ... but not after a reported clause without one
    (
        'Mayor Ann Pike said that the plan had failed, adding, "We will try again."',
        "try",
        "Ann Pike",
    ),
    # an appositive holding its own quotation between the subject and the cue
    (
        'Mayor Ruth Okafor, who wore a shirt reading "Rebuild Now," told the crowd, "We will be '
        'back by spring."',
        "back by spring",
        "Ruth Okafor",
    ),
    (
        '"We have had better fairs," county delegate Bill Eastman, wearing a straw hat and "Vote '
        'Lee" pins, said as the rain fell.',
        "better fairs",
        "Bill Eastman",
    ),
    # a capitalised role word before a name is no part of it
    ('Reporter Dana Wills asked Mayor Ann Pike, "Will you run again?"', "run again", "Dana Wills"),
    # a capitalised modifier before a role and a name is no one
    (
        "Democratic front-runner Ann Pike was the first to weigh in on Friday.\n\n"
        "“Proud of my friend,” she wrote.",
        "Proud",
        "Ann Pike",
    ),
    # a quotation inside the speaker's appositive speaks for no one
    (
        '"We have had better fairs," county delegate Bill Eastman, wearing a straw hat and "Vote '
        'Lee" pins, said as the rain fell.',
        "Vote Lee",
        None,
    ),
    # a new manner verb
    ("Senator Amy Pike cracked, “I am a progressive who acts.”", "progressive", "Amy Pike"),
]


@pytest.mark.parametrize(("text", "fragment", "speaker"), UNNAMED + CLAUSE_SUBJECTS)
def test_the_speaker_is_the_unnamed_nominal_or_the_clause_subject(
    extractor, text, fragment, speaker
):
    assert speaker_of(extractor, text, fragment)[0] == speaker
