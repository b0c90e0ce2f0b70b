"""Kinds of direct quotation that other quote extractors test (cue before or after the quote,
inverted "said X", split and continued quotes, pronouns and roles resolved to names, colons,
"according to", nested and unusual marks, quotes across paragraphs), each as an invented news
sentence with the quoted words and the name the speaker must resolve to."""

from __future__ import annotations

import pytest

from quotetrack import Article, Extractor
from quotetrack.models import Quote

# (case kind, text, distinctive words of the quote, resolved speaker)
CASES = [
    (
        "cue-before-comma",
        'Mayor Helen Achebe said, "The bridge will reopen in May."',
        "bridge will reopen",
        "Helen Achebe",
    ),
    (
        "quote-then-name-said",
        '"We expect long delays," Raj Patel said.',
        "long delays",
        "Raj Patel",
    ),
    (
        "quote-then-said-name",
        '"We expect long delays," said Raj Patel.',
        "long delays",
        "Raj Patel",
    ),
    (
        "present-tense-says-name",
        '"The water is safe to drink," says Ingrid Solberg.',
        "safe to drink",
        "Ingrid Solberg",
    ),
    (
        "pronoun-after-name",
        'Lena Morales toured the plant on Monday. "The pumps are old," she said.',
        "pumps are old",
        "Lena Morales",
    ),
    (
        "split-by-cue-second-half",
        '"The budget is tight," Tomas Greer said, "but we will manage."',
        "we will manage",
        "Tomas Greer",
    ),
    (
        "split-by-cue-first-half",
        '"The budget is tight," Tomas Greer said, "but we will manage."',
        "budget is tight",
        "Tomas Greer",
    ),
    (
        "continuation-after-attribution",
        '"The road is closed," said Priya Nair. "Crews will work overnight."',
        "work overnight",
        "Priya Nair",
    ),
    (
        "multi-sentence-quote",
        '"Prices rose again. Families are struggling. We must act," said Ruth Okoye.',
        "Families are struggling",
        "Ruth Okoye",
    ),
    (
        "title-before-name",
        '"The vote is final," said Senator Paul Wexley.',
        "vote is final",
        "Paul Wexley",
    ),
    (
        "appositive-after-name",
        '"We did not see it coming," said Dana Brill, a spokeswoman for the port authority.',
        "see it coming",
        "Dana Brill",
    ),
    (
        "role-then-name-in-commas",
        'The fire chief, Alan Stroud, said, "Nobody was hurt in the blaze."',
        "Nobody was hurt",
        "Alan Stroud",
    ),
    (
        "role-noun-resolved",
        'Police Chief Maria Ventura spoke on Tuesday. "We have made two arrests," the chief said.',
        "two arrests",
        "Maria Ventura",
    ),
    (
        "colon-introduction",
        'Governor Lisa Hartmann was blunt: "This plan is dead."',
        "plan is dead",
        "Lisa Hartmann",
    ),
    (
        "according-to-after",
        '"The tanks were empty," according to Ben Carver, the plant manager.',
        "tanks were empty",
        "Ben Carver",
    ),
    (
        "according-to-before",
        'According to Ruth Adler, "the numbers do not add up."',
        "do not add up",
        "Ruth Adler",
    ),
    (
        "told-reporters",
        '"We will appeal the ruling," Nadia Flores told reporters on Friday.',
        "appeal the ruling",
        "Nadia Flores",
    ),
    (
        "added-pronoun",
        'Kofi Mensah said the plan was sound. "It will save money," he added.',
        "save money",
        "Kofi Mensah",
    ),
    (
        "added-name-inverted",
        '"It is over for this season," added Jonah Weiss.',
        "over for this season",
        "Jonah Weiss",
    ),
    (
        "nested-single-in-double",
        "\"They kept shouting 'open the gates' all night,\" said Irene Vasquez.",
        "kept shouting",
        "Irene Vasquez",
    ),
    (
        "curly-double-quotes",
        "“We are ready for the storm,” said Hugo Brandt.",
        "ready for the storm",
        "Hugo Brandt",
    ),
    (
        "guillemets",
        "«We are ready for the storm,» said Hugo Brandt.",
        "ready for the storm",
        "Hugo Brandt",
    ),
    (
        "single-quote-style",
        "'We are ready for the storm,' said Hugo Brandt.",
        "ready for the storm",
        "Hugo Brandt",
    ),
    (
        "single-quotes-with-apostrophe",
        "'We can’t wait any longer,' said Abel Fox.",
        "wait any longer",
        "Abel Fox",
    ),
    (
        "surname-back-to-full-name",
        'Frank Delgado, the union leader, spoke outside. "We will strike," Delgado said.',
        "We will strike",
        "Frank Delgado",
    ),
    (
        "honorific-surname",
        'Harriet Cole resigned on Monday. "It was a mistake," Ms. Cole said.',
        "was a mistake",
        "Harriet Cole",
    ),
    (
        "alternating-speakers",
        'Anna Kim and Leo Barros debated on Sunday. "Taxes must rise," Kim said. "They must '
        'not," Barros replied.',
        "must not",
        "Leo Barros",
    ),
    ("insisted", '"I did nothing wrong," Carla Mendes insisted.', "nothing wrong", "Carla Mendes"),
    (
        "wrote-in-statement",
        '"The results speak for themselves," Victor Lang wrote in a statement.',
        "speak for themselves",
        "Victor Lang",
    ),
    (
        "cue-with-long-adverbial",
        '"We have no other road left," Maya Singh said on Tuesday at a news conference in the '
        "capital.",
        "no other road",
        "Maya Singh",
    ),
    (
        "said-quote-no-comma",
        'Peter Olsen said "the money is gone."',
        "money is gone",
        "Peter Olsen",
    ),
    (
        "partial-quote-said-that",
        'Rosa Diaz said that the plan was "a disaster for farmers."',
        "disaster for farmers",
        "Rosa Diaz",
    ),
    ("question-asked", '"Where did the money go?" asked Greta Holm.', "money go", "Greta Holm"),
    (
        "exclamation-shouted-role",
        '"Get out of the house now!" shouted firefighter Sam Ruiz.',
        "Get out",
        "Sam Ruiz",
    ),
    (
        "pronoun-gender-distractor",
        'Judge Ellen Park ruled on Monday after hearing from Tom Ward. "The law is clear," she '
        "said.",
        "law is clear",
        "Ellen Park",
    ),
    ("noted", '"Sales fell by half," Ines Moreau noted.', "fell by half", "Ines Moreau"),
    (
        "quoted-as-saying",
        'Hana Sato was quoted as saying, "The deal is off."',
        "deal is off",
        "Hana Sato",
    ),
    (
        "said-in-an-interview",
        '"We underestimated the storm," Oscar Lind said in an interview.',
        "underestimated the storm",
        "Oscar Lind",
    ),
    ("middle-initial", '"It will pass," said Robert J. Keane.', "will pass", "Robert J. Keane"),
    (
        "hyphenated-irish-name",
        '"We are hopeful," said Siobhan O\'Neill-Hart.',
        "are hopeful",
        "Siobhan O'Neill-Hart",
    ),
    (
        "split-pronoun-second-half",
        'Nora Quist spoke after the vote. "This is hard," she said, "but it is fair."',
        "but it is fair",
        "Nora Quist",
    ),
    (
        "posted-on-social-media",
        '"Thank you all for the support," Mia Torres posted on social media.',
        "Thank you all",
        "Mia Torres",
    ),
    (
        "police-in-news-release",
        'A man was hurt in a crash on Elm Road.\n"Detectives are reviewing the footage," '
        "Dunmore police said in a news release.",
        "reviewing the footage",
        "Dunmore police",
    ),
    (
        "continuation-after-appositive-who",
        '"He is going to hurt somebody," said Walter Reese, a county detective who has tracked '
        'the case for a year. "He has done it before."',
        "done it before",
        "Walter Reese",
    ),
    (
        "low-nine-quotes",
        "„We will not back down,“ said Celia Rhodes.",
        "not back down",
        "Celia Rhodes",
    ),
    (
        "apostrophe-s-plural-in-quote",
        '"The Joneses\' barn was the first to burn," said Ken Albright.',
        "barn was the first",
        "Ken Albright",
    ),
    (
        "dash-interruption-in-quote",
        '"We tried — we really tried — to save it," said Pia Lund.',
        "really tried",
        "Pia Lund",
    ),
    (
        "in-a-statement-colon",
        'In a statement, Fiona Grant said: "The company regrets the error."',
        "regrets the error",
        "Fiona Grant",
    ),
    (
        "who-clause-then-said-quote",
        'Eli Navarro, who has farmed here for 30 years, said Monday, "The river has never been '
        'this low."',
        "never been this low",
        "Eli Navarro",
    ),
    (
        "possessive-role-comma-name",
        'The company\'s chief executive, Ana Ruiz, said, "Our sales doubled."',
        "sales doubled",
        "Ana Ruiz",
    ),
    (
        "pronoun-across-paragraph",
        "Gail Hensley runs the shelter on Pine Street.\n\nVolunteers arrived early on "
        'Saturday.\n\n"We need blankets," she said.',
        "need blankets",
        "Gail Hensley",
    ),
    (
        "warned",
        '"The dam could fail," engineer Milo Strand warned.',
        "dam could fail",
        "Milo Strand",
    ),
    (
        "recalled-pronoun",
        'Vera Kohl grew up near the mine. "We heard the blasts every day," she recalled.',
        "blasts every day",
        "Vera Kohl",
    ),
    (
        "said-colon-newline-block",
        'Minister Omar Farouk said:\n\n"We will double the number of nurses by next year."',
        "double the number",
        "Omar Farouk",
    ),
    (
        "quote-as-subject-sentence-start",
        '"Nobody told us anything," Maria Pell, 62, said of the evacuation.',
        "Nobody told us",
        "Maria Pell",
    ),
    (
        "name-with-age-apposition-inverted",
        '"The water came fast," said Kurt Haas, 71, a retired teacher.',
        "water came fast",
        "Kurt Haas",
    ),
    (
        "unclosed-final-quote",
        '"The shop is closed," said Lea Stone. "We do not know when',
        "shop is closed",
        "Lea Stone",
    ),
    (
        "tweeted",
        '"Proud of our team today," Mayor Ola Berg tweeted.',
        "Proud of our team",
        "Ola Berg",
    ),
    (
        "explained-with-object",
        '"The loan was never repaid," Sean Hale explained to the court.',
        "never repaid",
        "Sean Hale",
    ),
    (
        "speaker-sentence-before-quote-pronoun",
        'Rita Vance stood at the podium. She said: "We have lost a friend."',
        "lost a friend",
        "Rita Vance",
    ),
    (
        "pronoun-subject-cue-before",
        'Nils Berg left the meeting early. He said, "I have a train to catch."',
        "train to catch",
        "Nils Berg",
    ),
    (
        "first-name-back-reference",
        'Chris Dunmore went to the market. Chris said, "I need more onions than this."',
        "more onions",
        "Chris Dunmore",
    ),
    (
        "possessive-role-then-name-inverted",
        '"The grant has run out," said the agency\'s director, Kim Lowe.',
        "grant has run out",
        "Kim Lowe",
    ),
    (
        "adding-colon-continuation",
        '"We are ready," said the mayor of Tarrow, Joel Finch, adding: "The roads are clear."',
        "roads are clear",
        "Joel Finch",
    ),
    (
        "partial-after-adding-that",
        "Lucia Brand said the crew had worked all night, adding that the job requires them to "
        '"stay calm and fix what is broken."',
        "stay calm",
        "Lucia Brand",
    ),
    (
        "rapid-quotes-last-attributed",
        '"Where?"\n\n"I cannot see him!"\n\n"He is behind the truck!" Zoe Pratt shouted.',
        "behind the truck",
        "Zoe Pratt",
    ),
    (
        "told-an-outlet",
        '"We will know more by Friday," Deputy Mayor Ruth Ng told The Ledger.',
        "more by Friday",
        "Ruth Ng",
    ),
    (
        "abbreviated-military-title",
        '"It is a sad day," Lt. Col. Karl Stein said.',
        "sad day",
        "Karl Stein",
    ),
    ("generational-suffix", '"It is a sad day," Karl Stein Jr. said.', "sad day", "Karl Stein Jr."),
    ("doubled-apostrophe-quotes", "''It is a sad day,'' said Karl Stein.", "sad day", "Karl Stein"),
    (
        "role-noun-by-salience",
        'Karl Stein led the service. "It is a sad day," the pastor said.',
        "sad day",
        "Karl Stein",
    ),
    (
        "named-ministry-in-statement",
        '"We regret the delay," the Health Ministry said in a statement.',
        "regret the delay",
        "Health Ministry",
    ),
    (
        "trade-noun-refers-back",
        'Paolo Rinaldi, a chef, closed his kitchen last week.\n\n"Think before you order," the '
        'chef said. "Waste costs us all."',
        "Waste costs",
        "Paolo Rinaldi",
    ),
    (
        "coach-as-title",
        'Coach Dina Alvarez said the team was tired.\n\n"Nobody can keep that pace," she said.',
        "keep that pace",
        "Dina Alvarez",
    ),
    (
        "appositive-role-refers-back",
        'Karl Stein, the bishop, led the service. "It is a sad day," the bishop said.',
        "sad day",
        "Karl Stein",
    ),
    (
        "appositive-role-past-another-name",
        "Frank Delgado, the union leader, spoke first. Mayor Ann Pike followed him. "
        '"We will strike," the union leader said.',
        "will strike",
        "Frank Delgado",
    ),
    (
        "institution-noun",
        '"It is a sad day," the church said in a statement.',
        "sad day",
        "the church",
    ),
    (
        "treebank-double-marks",
        "``We will not back down,'' said Celia Rhodes.",
        "not back down",
        "Celia Rhodes",
    ),
    (
        "paragraphs-attributed-at-the-end",
        '"The first phase is finished.\n\n"The second phase starts in June," said Olga Petrov.',
        "first phase",
        "Olga Petrov",
    ),
]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    """One extractor for the whole module."""
    return Extractor()


def quote_holding(extractor: Extractor, text: str, words: str) -> Quote:
    """The quote of ``text`` whose words include ``words``."""
    quotes = extractor.process(Article(doc_id="d", text=text)).quotes
    found = [q for q in quotes if words in q.text]
    assert found, f"no quote holds {words!r}: {[q.text for q in quotes]}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "words", "speaker"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_peer_case_speaker(extractor: Extractor, text: str, words: str, speaker: str) -> None:
    quote = quote_holding(extractor, text, words)
    assert quote.speaker == speaker, (quote.speaker, quote.rule_id, quote.resolution)


# a title, or a few quoted words inside the writer's own sentence: the peers' suites expect no
# direct quotation from these
NOT_DIRECT = [
    ("film-title", 'Ivan Roth thinks his film "Night Harbor" will win.', "Night Harbor"),
    (
        "quoted-words-in-sentence",
        'Burt Ames says his dog is "a menace" to the mail carrier.',
        "a menace",
    ),
]


@pytest.mark.parametrize(
    ("text", "words"), [c[1:] for c in NOT_DIRECT], ids=[c[0] for c in NOT_DIRECT]
)
def test_peer_case_not_direct(extractor: Extractor, text: str, words: str) -> None:
    quote = quote_holding(extractor, text, words)
    assert quote.kind != "direct", (quote.kind, quote.speaker, quote.reason)
