"""Attribution frames and speaker resolution (quotetrack.extract.attribution,
quotetrack.extract.mentions)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.extract.attribution import Attributor, DocumentContext
from quotetrack.extract.segment import segmenter_for
from quotetrack.models import Article
from quotetrack.rulebook.ruleset import default_rules_dir, load_rule_file

PREPOSITIONS = load_rule_file(default_rules_dir() / "names.toml").lexicon_set("prepositions")


@pytest.fixture(scope="module")
def attributor(ruleset) -> Attributor:
    return Attributor(ruleset)


def context(attributor: Attributor, ruleset, text: str) -> DocumentContext:
    article = Article.build(doc_id="t", text=text)
    seg = segmenter_for(ruleset).segment(text, "t")
    return attributor.document(article, seg)


def source_name(attributor, ruleset, text: str, span: str) -> str | None:
    ctx = context(attributor, ruleset, text)
    start = text.index(span)
    src = ctx.source_of(start, start + len(span))
    return src.name if src else None


CLAIMANTS = [
    # (text, span inside it, expected source name)
    (
        "Protests began in March. Activists say more than 17,000 people have been killed.",
        "more than 17,000 people",
        "activists",
    ),
    (
        "The Syrian government blames the uprising on armed gangs. It says more than 4,000 "
        "members of the "
        "security forces have been killed.",
        "more than 4,000 members",
        "the Syrian government",
    ),
    (
        "The Britain-based Syrian Observatory for Human Rights said at least seven people were "
        "killed. "
        "The activist group also said government shelling killed six people.",
        "six people",
        "Syrian Observatory for Human Rights",
    ),
    ("Three people died in the crash on the highway, police said.", "Three people", "police"),
    ("According to the Red Cross, 40 people were injured.", "40 people", "Red Cross"),
    ("Mayor Jane Doe told reporters that 12 buildings had burned.", "12 buildings", "Jane Doe"),
    (
        "Another group, the Local Coordination Committees, said at least 20 people were killed.",
        "20 people",
        "Local Coordination Committees",
    ),
]


@pytest.mark.parametrize("text,span,expected", CLAIMANTS)
def test_source_of_resolves_claimants(attributor, ruleset, text, span, expected):
    assert source_name(attributor, ruleset, text, span) == expected


NO_SOURCE = [
    (
        "Cluster bombs explode in the air and drop dozens of bomblets over a large area.",
        "dozens of bomblets",
    ),
    ("The storm killed 14 people on Tuesday.", "14 people"),
    ("Syria's state news agency carried the report on Thursday.", "the report"),
    ("Activist claims often have different figures.", "different figures"),
]


@pytest.mark.parametrize("text,span", NO_SOURCE)
def test_source_of_is_none_in_the_outlets_voice(attributor, ruleset, text, span):
    assert source_name(attributor, ruleset, text, span) is None


def test_source_carries_cue_offsets_and_rule(attributor, ruleset):
    text = "Officials said 30 people were hurt."
    ctx = context(attributor, ruleset, text)
    src = ctx.source_of(text.index("30"), text.index("30") + 9)
    assert src is not None
    assert text[src.start : src.end] == "Officials"
    assert text[src.cue_start : src.cue_end] == "said"
    assert src.source_type == "anonymous"
    assert src.rule_id == "subject-cue"


def quote_source(attributor, ruleset, text: str, fragment: str):
    ctx = context(attributor, ruleset, text)
    for q in ctx.seg.quotes:
        if fragment in text[q.start : q.end]:
            return ctx.quote_sources[q.index]
    raise AssertionError(f"no quote holds {fragment!r}")


RESOLUTION = [
    # (text, quote fragment, expected name, resolution prefix)
    (
        'Prime Minister Ahmed Karim spoke on Monday. "We are ready," Karim said.',
        "ready",
        "Ahmed Karim",
        "surname",
    ),
    (
        'Ahmed Karim spoke on Monday. "We are ready," Mr. Karim said.',
        "ready",
        "Ahmed Karim",
        "surname",
    ),
    (
        'Ahmed Karim met Susan Clark in Rome. "We are ready," she said.',
        "ready",
        "Susan Clark",
        "pronoun",
    ),
    (
        'Susan Clark met Ahmed Karim in Rome. "We are ready," he said.',
        "ready",
        "Ahmed Karim",
        "pronoun",
    ),
    (
        'The Red Cross opened a clinic on Monday. "We need more staff," it said.',
        "staff",
        "Red Cross",
        "pronoun",
    ),
    (
        'Human Rights Watch issued a report. "The abuses are systematic," the group said.',
        "abuses",
        "Human Rights Watch",
        "nominal",
    ),
    (
        'Syria\'s Foreign Ministry issued a note. "He is a traitor," the ministry said.',
        "traitor",
        "Syria's Foreign Ministry",
        "nominal",
    ),
    (
        'Senator Mary Jones took the stage. "We will win," the senator said.',
        "win",
        "Mary Jones",
        "nominal",
    ),
    (
        '"We will win," the minister of finance, Ahmed Karim, said.',
        "win",
        "Ahmed Karim",
        "apposition",
    ),
    # a single untyped capitalised word named once is an antecedent only when no person is near
    (
        "Dana Wills toured the shelter on Friday. Neighbours knew Marlow had flooded. "
        '"We need blankets," she said.',
        "blankets",
        "Dana Wills",
        "pronoun",
    ),
    # a capitalised word between a determiner and a lower-case word modifies a noun
    (
        "Tom Reyes arrived on Friday. Talks with the Peruvian delegation and the Peruvian press "
        "ran late. "
        '"The talks went well," he said.',
        "talks",
        "Tom Reyes",
        "pronoun",
    ),
    # "the judge": the person whose role holds the head noun, not the most salient person
    (
        "Judge Ann Pike heard the case. Lawyer Tom Reyes spoke for an hour and Reyes sat down. "
        '"This is over," the judge said.',
        "over",
        "Ann Pike",
        "nominal",
    ),
    # a person's of-phrase says where they are from, it is not the name
    ('"We will win," said Rep. Ann Pike of Ohio.', "win", "Ann Pike", "named"),
    ('"We will win," said Rep. Tom King of Ohio.', "win", "Tom King", "named"),
    ('"We will win," said Attorney General of Ohio Dana Wills.', "win", "Dana Wills", "named"),
]


@pytest.mark.parametrize("text,fragment,name,how", RESOLUTION)
def test_resolution_rules(attributor, ruleset, text, fragment, name, how):
    src = quote_source(attributor, ruleset, text, fragment)
    assert src is not None and src.name == name
    assert src.resolution.split("<-")[0].split(" ")[0].startswith(how)


FRAME_RULES = [
    ('"We are ready," said Jane Doe, the agency\'s director.', "ready", "cue-subject"),
    ('"We are ready," Jane Doe said.', "ready", "subject-cue"),
    ('According to the agency, "the plan is ready."', "plan", "according-to"),
    ('Jane Doe left the room, saying "we are ready."', "ready", "participle"),
    ('The video shows Jane Doe saying, "We are ready."', "ready", "name-participle"),
    ('Jane Doe summed it up: "We are ready."', "ready", "colon-lead"),
    ('"We are ready." ― Jane Doe', "ready", "dash-trailing"),
    ('"DOE: We are ready."', "ready", "transcript-label"),
    (
        'Reuters quoted Jane Doe as saying the plan was ready. "It is," she added.',
        "It is",
        "subject-cue",
    ),
]


@pytest.mark.parametrize("text,fragment,rule", FRAME_RULES)
def test_each_frame_rule_fires(attributor, ruleset, text, fragment, rule):
    src = quote_source(attributor, ruleset, text, fragment)
    assert src is not None and src.rule_id == rule


NO_FRAME = [
    # a quote whose sentence has no attribution frame must not get a speaker
    'Syria\'s state news agency carried the "report" on Thursday.',
    'Jane Doe thinks the plan is "a long shot at best for everyone."',  # mental verb, not speech
    'The "statement reported by the agency" was brief.',
    '"He said nothing about the plan to anyone in the room."',  # the cue is inside the quote
]


@pytest.mark.parametrize("text", NO_FRAME)
def test_no_frame_no_speaker(attributor, ruleset, text):
    ctx = context(attributor, ruleset, text)
    assert ctx.seg.quotes and all(s is None for s in ctx.quote_sources)


def test_a_place_is_not_a_pronoun_antecedent(attributor, ruleset):
    text = 'Ahmed Karim flew to Paris on Monday. In Paris, "we made progress," he said.'
    assert quote_source(attributor, ruleset, text, "progress").name == "Ahmed Karim"


def test_a_country_as_speaker_is_an_organisation(attributor, ruleset):
    text = 'Japan said the test was "an outrage that threatens the whole region and beyond."'
    src = quote_source(attributor, ruleset, text, "outrage")
    assert src.name == "Japan" and src.source_type == "organisation"


def test_a_common_word_opening_a_sentence_is_not_a_name(attributor, ruleset):
    text = 'Economic sanctions are like weapons. Ahmed Karim disagreed. "They work," he said.'
    assert quote_source(attributor, ruleset, text, "They work").name == "Ahmed Karim"


def test_names_split_into_role_and_name(attributor):
    lex = attributor.lexicon
    assert lex.type_name("French Foreign Minister Laurent Fabius") == (
        "person",
        "Laurent Fabius",
        "French Foreign Minister",
        "m",
    )
    assert lex.type_name("Brig. Gen. Ahmed Karim")[1:3] == ("Ahmed Karim", "Brig. Gen.")
    assert lex.type_name("Syria's Foreign Ministry")[:2] == (
        "organisation",
        "Syria's Foreign Ministry",
    )
    assert lex.type_name("Mr. King")[:3] == ("person", "King", "Mr.")
    assert lex.type_name("New Jersey")[0] == "place"
    assert lex.type_name("Syrians")[0] == "anonymous"


@pytest.mark.parametrize(
    "entries", [["say", "says", "said", "saying"], ["went on", "go", "going"], ["a", "ab", "abc"]]
)
def test_trie_alternation_matches_exactly_the_entries(entries):
    import regex

    from quotetrack.extract.attribution import trie_alternation
    from quotetrack.rulebook.ruleset import lexicon_alternation

    trie = regex.compile(f"(?:{trie_alternation(entries)})")
    plain = regex.compile(f"(?:{lexicon_alternation(entries)})")
    for word in entries + ["sa", "sayings", "went  on", "wen", "abcd", ""]:
        assert bool(trie.fullmatch(word)) == bool(plain.fullmatch(word)), word
        m1, m2 = trie.match(word), plain.match(word)
        assert (m1 and m1.group()) == (m2 and m2.group()), word


# -- fast scanning: the pre-filtered scan must give exactly the matches of the rule
# -------------------------

SCAN_TEXTS = [
    "Fares said on Thursday that the regime had lost control, according to the report.",
    # inside words and after hyphens
    "The unsaid words of the essay: sayings, resaid, re-said, said-so.",
    # a non-ASCII letter before a cue
    "Éhas been quoted as saying nothing; he was quoted as saying more.",
    # a non-ASCII letter or apostrophe after
    "Ahmed said\u00e9 it, Ahmed saidé it and Ahmed said\u2019 it.",
    "She went on\nand on; they went\u00a0on. The\u2028said line.",  # cues over odd whitespace
    "5said _said 'said’ «said» (said) SAID Said Says.",
    "He, she, they; the heir, Shea, Theyre, he’s, she's, théy, Hé.",
    "",
]


@pytest.mark.parametrize("rule", ["cue_re", "pronoun_re", "name_re"])
@pytest.mark.parametrize("text", SCAN_TEXTS)
def test_scanner_finds_what_the_rule_finds(attributor, rule, text):
    from quotetrack.rulebook.scan import Scanner

    pattern = getattr(attributor, rule)
    assert [m.span() for m in Scanner(pattern).finditer(text)] == [
        m.span() for m in pattern.finditer(text)
    ]


def test_scanner_prefilters_lexicon_patterns_only(attributor):
    from quotetrack.rulebook.scan import prefilter_source

    cue = prefilter_source(attributor.cue_re.pattern)
    assert cue is not None and r"\p" not in cue and cue.startswith("(?<![A-Za-z")
    assert prefilter_source(attributor.name_re.pattern) is None  # Unicode classes in the body
    assert prefilter_source(r"\Gsaid") is None
    assert prefilter_source(r"(?<![\p{L}])[[:alpha:]]+") is None
    assert prefilter_source(r"(?<![\p{L}])(?i)said") is None  # inline flags read differently
    assert prefilter_source(r"(?<![\p{L}])(?=x)said") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="saidhe toldSHTy'’-é\u00a0\n,.5", max_size=60))
def test_scanner_matches_the_rule_on_any_text(attributor, text):
    from quotetrack.rulebook.scan import Scanner

    for pattern in (attributor.cue_re, attributor.pronoun_re):
        assert [m.span() for m in Scanner(pattern).finditer(text)] == [
            m.span() for m in pattern.finditer(text)
        ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcAB é-'\n.", max_size=40), st.text(alphabet="abcé", max_size=4))
def test_lower_words_lookup_matches_the_word_list(text, word):
    from quotetrack.extract.attribution import LOWER_WORD_RE, _LowerWords

    words = set(LOWER_WORD_RE.findall(text))
    assert _LowerWords(text).has(word) == (word in words)
    lookups = _LowerWords(text)
    lookups.budget = 1  # past the budget: the full word list
    assert [lookups.has(w) for w in (word, "ab", word)] == [w in words for w in (word, "ab", word)]


@pytest.mark.parametrize(
    "entries",
    [
        ["say", "says", "said", "saying"],
        ["news agency", "agency", "state news agency"],
        ["man", "woman", "spokesman", "a"],
    ],
)
def test_suffix_trie_matches_exactly_the_entries(entries):
    import regex

    from quotetrack.extract.attribution import suffix_trie_alternation, trie_alternation

    suffix = regex.compile(f"(?:{suffix_trie_alternation(entries)})")
    prefix = regex.compile(f"(?:{trie_alternation(entries)})")
    for word in entries + ["sa", "sayings", "news  agency", "gency", "oman", "", "spokeswoman"]:
        assert bool(suffix.fullmatch(word)) == bool(prefix.fullmatch(word)), word


SUBJECT_WINDOWS = [
    "French Foreign Minister Laurent Fabius ",
    "The state news agency ",
    "The big old red news agency ",
    "the vice president ",
    "In a statement, the ministry ",
    "Jane Doe, a spokeswoman for the agency, ",
    "he also ",
    "Officials at the Ministry of Health ",
    "the 9/11 widow ",
    "",
    "Smith (R-Texas) has ",
]


@pytest.mark.parametrize("window", SUBJECT_WINDOWS)
def test_reverse_subject_pattern_finds_what_the_plain_pattern_finds(ruleset, window):
    """The look-behind guards of the reverse pattern change its speed, not its matches."""
    rules = ruleset.get("attribution.toml")
    rule = next(r for r in rules.patterns if r.id == "subject-cue")
    plain = rules.compile("(?r)" + rule.pattern, key="test:plain-reverse")
    guarded = rules.reverse_pattern("subject-cue")
    m1, m2 = plain.search(window), guarded.search(window)
    assert (m1 and (m1.span(), m1.span("subject"), m1.group("appos"))) == (
        m2 and (m2.span(), m2.span("subject"), m2.group("appos"))
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab's’ .", max_size=8))
def test_unpossessive_removes_what_the_possessive_pattern_removes(word):
    import regex

    from quotetrack.extract.mentions import unpossessive

    assert unpossessive(word) == regex.sub(r"['’]s?$", "", word)


def test_head_words_come_from_the_head_lexicons(attributor):
    """The nominal shortcut needs every head noun's last word; a part that is not a union of
    lexicons has none."""
    assert {"ministry", "agency", "spokesman", "officials"} <= attributor.head_ends
    rules = attributor.ruleset.get("attribution.toml")
    assert rules.part_words("NAME") is None and rules.part_words("no-such-part") is None


# issue 3 follow-up: attribution accuracy rules (each with a positive and a negative case)
SOURCE_RULES = [
    # (text, fragment of a quote or claim, expected source name or None, expected role or None)
    (
        '"He fired twice," said city police spokesperson Jane Doe.',
        "fired",
        "Jane Doe",
        "city police spokesperson",
    ),
    (
        '"We need change," said Republican nominee Ahmed Karim on Monday.',
        "change",
        "Ahmed Karim",
        "Republican nominee",
    ),
    ('"We need change," said Karim on Monday.', "change", "Karim", None),  # no role: the name alone
    # a title with an of-phrase before a given name is a name, not a nominal resolved by salience
    (
        "Secretary General Ahmed Karim spoke first. Secretary of State John Doe spoke next, and "
        "he urged calm. "
        '"We remain open to talks," he said.',
        "remain open",
        "John Doe",
        "Secretary of State",
    ),
    (
        'Gen. Ahmed Karim took the stage. "We are ready," Chairman of the Joint Chiefs said.',
        "ready",
        "Ahmed Karim",
        "Gen.",
    ),
    # "liken" is a speech-act verb ('X likened the rules to "Q"'); its passive is not a frame
    (
        'Another critic, Jane Doe, likened the rules to "burning the house down" on Monday.',
        "burning",
        "Jane Doe",
        "Another critic",
    ),
    ('The old prison was likened to "a fortress on a hill" by visitors.', "fortress", None, None),
    # a participle after a quote attaches to the subject at the start of its sentence
    (
        "Mr. Karim hardly clarified the matter, calling the remark a compliment -- ''That makes "
        "me smart'' -- and, "
        "when questioned after the debate, asserting, ''Of course, I pay federal taxes every "
        "year.''",
        "Of course",
        "Karim",
        "Mr.",
    ),
    (
        'In the end, "the plan was dead on arrival in the capital," adding to the pressure on the '
        "agency.",
        "dead on",
        None,
        None,
    ),
    # a frame inside a parenthesis governs only the aside
    (
        "The police said there was one arrest and no injuries to civilians (a local paper says "
        "three people were "
        "injured).",
        "no injuries",
        "the police",
        None,
    ),
    (
        "The police said there was one arrest and no injuries to civilians (a local paper says "
        "three people were "
        "injured).",
        "three people",
        "a local paper",
        None,
    ),
    # a bare comma after a parenthesis ('Jane Doe (D-Richmond), shouted')
    (
        '"The nation is watching," state Del. Jane Doe (D-Richmond), shouted to the crowd.',
        "watching",
        "Jane Doe",
        "Del.",
    ),
    ("Prices rose in the capital (up 3 percent), analysts said.", "3 percent", "analysts", None),
    # a day adverbial between the subject and the cue ('The committee on Monday said')
    (
        "The Budget Committee on Monday said the repairs would cost $4 million.",
        "$4 million",
        "Budget Committee",
        None,
    ),
    ("The fire on Monday destroyed 40 homes.", "40 homes", None, None),
    # a passive auxiliary before the cue: what is reported is not a speaker
    ("Three deaths were reported in the town on Sunday.", "Three deaths", None, None),
    ("At least 12 injuries have been reported since the storm.", "12 injuries", None, None),
    (
        "Three deaths were reported in the town, the mayor's office said.",
        "Three deaths",
        "the mayor's office",
        None,
    ),
    # charge / accuse in their legal sense are not reporting cues
    (
        "Police charged the driver with manslaughter after two people died.",
        "two people",
        None,
        None,
    ),
    ("The man accused of killing two people appeared in court.", "two people", None, None),
    (
        'The senator accused the agency of "hiding the real numbers from the public."',
        "hiding",
        "the senator",
        None,
    ),
]


@pytest.mark.parametrize("text,fragment,name,role", SOURCE_RULES)
def test_attribution_accuracy_rules(attributor, ruleset, text, fragment, name, role):
    ctx = context(attributor, ruleset, text)
    quote = next((q for q in ctx.seg.quotes if fragment in text[q.start : q.end]), None)
    if quote is not None:
        src = ctx.quote_sources[quote.index]
    else:
        start = text.index(fragment)
        src = ctx.source_of(start, start + len(fragment))
    assert (src.name if src else None) == name
    if src is not None:
        assert src.role == role


REPORTED_CHAINS = [
    # (text, fragment of a claim, expected speaker, expected reported_by)
    (
        "Two survivors were quoted by the Associated Press as saying 30 people were trapped.",
        "30 people",
        "Two survivors",
        "Associated Press",
    ),
    (
        "State TV quoted the crisis center in the capital of the province as saying 10 people "
        "were killed.",
        "10 people",
        "the crisis center in the capital",
        "State TV",
    ),
    (
        "Reuters quoted the mayor as saying 10 people were killed.",
        "10 people",
        "the mayor",
        "Reuters",
    ),
    # not a chain: "quoted" with no "as saying" / a quoted poem
    (
        "The poem was quoted by the speaker at the memorial for 10 people who were killed.",
        "10 people",
        None,
        None,
    ),
]


@pytest.mark.parametrize("text,fragment,name,reported_by", REPORTED_CHAINS)
def test_reported_chains(attributor, ruleset, text, fragment, name, reported_by):
    ctx = context(attributor, ruleset, text)
    start = text.index(fragment)
    src = ctx.source_of(start, start + len(fragment))
    assert (src.name if src else None) == name
    assert (src.reported_by if src else None) == reported_by
    if src is not None:
        assert text[src.cue_start : src.cue_end].split()[0] in ("were", "quoted")


def test_topic_on_joins_an_organisation_name(attributor, ruleset):
    text = (
        "The Commission on Civil Rights issued a study. "
        '"The risks are growing," the commission said.'
    )
    src = quote_source(attributor, ruleset, text, "risks")
    assert src is not None and src.name == "Commission on Civil Rights"


@pytest.mark.parametrize(
    "text,name",
    [
        ("The Budget Committee on Monday said", "The Budget Committee"),  # a day is not a topic
        ("Trump on Monday said", "Trump"),  # "on" joins only after an organisation word
        ("The Commission on Human Rights said", "The Commission on Human Rights"),
    ],
)
def test_topic_on_only_after_organisation_words(attributor, text, name):
    assert attributor.name_re.match(text).group() == name


# -- speed shortcuts: each gives exactly what the rule it stands for gives ---------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="inat oé5_,.\n'-", max_size=30))
def test_after_preposition_reads_the_previous_word_as_the_pattern_does(text):
    from quotetrack.extract.attribution import PREV_WORD_RE, _after_preposition

    for start in range(len(text) + 1):
        m = PREV_WORD_RE.search(text, max(0, start - 20), start)
        assert _after_preposition(text, start, PREPOSITIONS) == (
            m is not None and m.group(1).lower() in PREPOSITIONS
        )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="Hea lsid,\n\t", max_size=40))
def test_search_back_finds_what_the_reverse_search_finds(attributor, text):
    from quotetrack.extract.attribution import _search_back

    for end in range(len(text) + 1):
        for pattern in (attributor.left_re, attributor.passive_re):
            a, b = _search_back(pattern, text, 0, end), pattern.search(text, 0, end)
            assert (a and a.span()) == (b and b.span())


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='SMITH:JO \t\n"a', max_size=50))
def test_label_lines_find_what_the_label_pattern_finds(attributor, text):
    assert [m.span() for m in attributor._labels(text)] == [
        m.span() for m in attributor.label_re.finditer(text)
    ]


NOMINAL_WORDS = [
    "the",
    "The",
    "a",
    "ministry",
    "group",
    "activist",
    "officials",
    "Syrian",
    "Syria's",
    "state",
    "news",
    "agency",
    "secretary",
    "of",
    "said",
    "for",
    "Human",
    "Rights",
    "in",
    "local",
    "two",
    "(AP)",
    "ministry,",
    '"The',
    ",",
    "“",
    "9/11",
    "-",
    "’s",
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(NOMINAL_WORDS), max_size=9),
    st.sampled_from([" ", "\t", "  ", "\n", " \u00a0"]),
)
def test_nominal_shape_check_never_refuses_a_subject_nominal(attributor, words, sep):
    text = sep.join(words)
    if attributor.subject_nominal_re.match(text, 0, len(text)) is not None:
        assert attributor._nominal_can_start(text, 0, len(text))


def test_nominal_shape_check_is_on_for_these_rules(attributor):
    shape = attributor.word_shape
    assert attributor.head_firsts is not None and shape is not None
    # the head starts at one of nine words: a determiner, a lower-case word before capitalised
    # modifiers ("a senior Party adviser"), up to three of those and three lower-case modifiers
    assert "said" in shape.stops and "," in shape.breaks and shape.max_words == 9


LEFT_WORDS = [
    "The",
    "ministry",
    "of",
    "for",
    "in",
    "Health",
    "Jane",
    "Doe",
    "said",
    "he",
    ",",
    "an",
    "aide",
    "officials",
    "the",
    "state",
    "agency",
    "also",
    "(D-Md.)",
    "who",
    "at",
    "with",
    "from",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LEFT_WORDS), max_size=10), st.sampled_from([" ", "\t", "  "]))
def test_left_subject_finds_what_the_subject_cue_rule_finds(attributor, words, sep):
    assert attributor.left_untailed_re is not None
    text = sep.join(words) + " "
    a, b = (
        attributor._left_subject(text, 0, len(text)),
        attributor.left_re.search(text, 0, len(text)),
    )
    assert (a and (a.span(), a.span("subject"), a.group("appos"))) == (
        b and (b.span(), b.span("subject"), b.group("appos"))
    )


@pytest.mark.parametrize(
    "body",
    [
        r"(?:said|says|sa(?:id|ying)|[Aa]ccording\s+to)",
        r"(?:a|ab|abc)(?:\s+x)?",
        r"(?:x+|y)",
        r"(?:a\s|b)",
    ],
)
def test_one_trie_prefilter_body_matches_the_same_strings(body):
    import itertools
    import re

    from quotetrack.rulebook.scan import _as_one_trie

    merged = re.compile(_as_one_trie(body))
    plain = re.compile(body)
    # every text of 0-3 characters, and the three-character ones before a suffix
    for n, suffix in ((0, ""), (1, ""), (2, ""), (3, ""), (3, "ccording  to")):
        for chars in itertools.product("saidyngAcortx b\n", repeat=n):
            text = "".join(chars) + suffix
            assert (merged.fullmatch(text) is None) == (plain.fullmatch(text) is None)


def test_cue_prefilter_is_one_trie(attributor):
    from quotetrack.rulebook.scan import Scanner

    source = Scanner(attributor.cue_re).candidates.pattern
    # one trie over every string of every lexicon: no class of the rule ("[Aa]ccording") is left
    assert "[Aa]ccording" not in source and "cording" in source
    assert Scanner(attributor.cue_re).candidates.search("as Added, according to her")


def test_pronoun_scanner_searches_word_by_word(attributor):
    from quotetrack.rulebook.scan import Scanner

    literals = Scanner(attributor.pronoun_re).literals
    assert (
        literals is not None and len(literals) == 6 and Scanner(attributor.cue_re).literals is None
    )
    text = "hehe he, she's shehe They\u2019re they théy"
    assert [m.span() for m in Scanner(attributor.pronoun_re).finditer(text)] == [
        m.span() for m in attributor.pronoun_re.finditer(text)
    ]


def test_backward_search_shortcut_only_for_patterns_that_end_at_the_window_end(attributor):
    """The shortcuts hold for the shipped rules, and a pattern of another shape is searched as it
    is."""
    import regex

    from quotetrack.extract.attribution import _ends_at_window_end, _search_back

    assert attributor.label_at_line_start
    assert _ends_at_window_end(attributor.left_re) and _ends_at_window_end(attributor.passive_re)
    text = "Smith said on Monday that the talks had failed"
    for pattern in (
        regex.compile(r"(?r)said"),
        regex.compile(r"said\s+on"),
        regex.compile(r"(?r)\w+\s+said\$"),
    ):
        assert not _ends_at_window_end(pattern)
        found, expected = (
            _search_back(pattern, text, 0, len(text)),
            pattern.search(text, 0, len(text)),
        )
        assert (found and found.span()) == (expected and expected.span())


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcfinortyIOT _-.,;:'\"()1\t\n\u00e9"), max_size=30))
def test_after_preposition_equals_the_word_pattern(text):
    """The ASCII path of _after_preposition (two rstrips) gives the word PREV_WORD_RE reads."""
    from quotetrack.extract.attribution import PREV_WORD_RE, _after_preposition

    m = PREV_WORD_RE.search(text, max(0, len(text) - 20), len(text))
    assert _after_preposition(text, len(text), PREPOSITIONS) == (
        m is not None and m.group(1).lower() in PREPOSITIONS
    )
