"""The number parser: a Duckling-style corpus (value -> its surface forms), qualifiers, intervals,
a negative corpus, and property tests (never raises, offsets hold, low <= best <= high)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.extract.numbers import NumberParser, number_parser_for


@pytest.fixture(scope="module")
def parser(ruleset) -> NumberParser:
    return number_parser_for(ruleset)


# value -> surface forms that must all read as exactly that value (qualifier exact)
CORPUS: dict[int, list[str]] = {
    0: ["no one", "nobody", "none", "zero"],
    1: ["1", "one", "One", "ONE"],
    2: ["2", "two", "both", "a couple of", "Both"],
    3: ["3", "three", "THREE"],
    6: ["six", "half a dozen"],
    10: ["10", "ten", "Ten"],
    12: ["12", "twelve", "a dozen"],
    20: ["20", "twenty", "a score"],
    21: ["21", "twenty-one", "twenty one"],
    24: ["24", "two dozen", "twenty-four"],
    99: ["ninety-nine", "ninety nine"],
    100: ["100", "a hundred", "one hundred"],
    123: ["123", "one hundred and twenty-three", "one hundred twenty-three"],
    612: ["612", "six hundred and twelve"],
    1001: ["1,001", "a thousand and one", "one thousand and one"],
    1400: ["1,400", "1400", "one thousand four hundred"],
    17000: ["17,000", "17000", "seventeen thousand", "Seventeen thousand", "17 thousand"],
    26000: ["26,000", "twenty-six thousand"],
    500000: ["500,000", "half a million", "five hundred thousand"],
    1500000: ["1.5 million", "1,500,000", "1.5m", "one million five hundred thousand"],
    2000000: ["2m", "2 million", "two million", "2,000,000"],
    3000000000: ["3bn", "3 billion", "three billion"],
}


@pytest.mark.parametrize("value,form", [(v, f) for v, forms in CORPUS.items() for f in forms])
def test_corpus_form_reads_as_its_value(parser: NumberParser, value: int, form: str) -> None:
    found = list(parser.finditer(form))
    assert len(found) == 1, found
    count = found[0]
    assert (count.text, count.value, count.qualifier) == (form, value, "exact")


# phrase -> (qualifier, value, value_high, low, high, best)
QUALIFIED = {
    "more than 17,000": ("more_than", 17000, None, 17001, None, 17001),
    "over 50": ("more_than", 50, None, 51, None, 51),
    "upwards of 300": ("more_than", 300, None, 301, None, 301),
    "at least 7": ("at_least", 7, None, 7, None, 7),
    "no fewer than 12": ("at_least", 12, None, 12, None, 12),
    "a minimum of 4": ("at_least", 4, None, 4, None, 4),
    "up to 55,000": ("at_most", 55000, None, 0, 55000, 55000),
    "as many as 80": ("at_most", 80, None, 0, 80, 80),
    "no more than 9": ("at_most", 9, None, 0, 9, 9),
    "fewer than 10": ("less_than", 10, None, 0, 9, 9),
    "less than 100": ("less_than", 100, None, 0, 99, 99),
    "about 200": ("approx", 200, None, 150, 250, 200),
    "around 1,400": ("approx", 1400, None, 1260, 1540, 1400),
    "nearly 1,437": ("approx", 1437, None, 1365, 1509, 1437),
    "about a dozen": ("approx", 12, None, 10, 14, 12),
    "nearly half a million": ("approx", 500000, None, 375000, 625000, 500000),
    "some 30": ("approx", 30, None, 22, 38, 30),
    "an estimated 2,000": ("approx", 2000, None, 1500, 2500, 2000),
    "more than a dozen": ("more_than", 12, None, 13, None, 13),
    "100 to 200": ("range", 100, 200, 100, 200, 150),
    "between 100 and 200": ("range", 100, 200, 100, 200, 150),
    "anywhere from 100 to 200": ("range", 100, 200, 100, 200, 150),
    "100-200": ("range", 100, 200, 100, 200, 150),
    "two or three": ("range", 2, 3, 2, 3, 2),
    "from five to 10": ("range", 5, 10, 5, 10, 7),
    "dozens": ("vague", 24, None, 24, 99, 24),
    "scores": ("vague", 40, None, 40, 199, 40),
    "hundreds": ("vague", 200, None, 200, 999, 200),
    "thousands": ("vague", 2000, None, 2000, 9999, 2000),
    "tens of thousands": ("vague", 20000, None, 20000, 99999, 20000),
    "hundreds of thousands": ("vague", 200000, None, 200000, 999999, 200000),
    "several dozen": ("vague", 36, None, 36, 99, 36),
    "several": ("vague", 3, None, 3, 9, 3),
    "a few": ("vague", 2, None, 2, 9, 2),
    "many": ("vague", None, None, 2, None, None),
}


@pytest.mark.parametrize("phrase", sorted(QUALIFIED))
def test_qualifier_value_and_interval(parser: NumberParser, phrase: str) -> None:
    found = list(parser.finditer(phrase))
    assert len(found) == 1, found
    c = found[0]
    assert (c.qualifier, c.value, c.value_high, c.low, c.high, c.best) == QUALIFIED[phrase]
    assert c.text == phrase


def test_approx_band_widens_with_roundness(parser: NumberParser) -> None:
    round_ = parser.parse("about 200")
    precise = parser.parse("about 237")
    assert round_ is not None and precise is not None
    assert (round_.high - round_.low) / 200 > (precise.high - precise.low) / 237


def test_number_inside_a_sentence_keeps_its_offsets(parser: NumberParser) -> None:
    text = "Activists say more than 17,000 people have been killed."
    (c,) = list(parser.finditer(text))
    assert text[c.start : c.end] == "more than 17,000" == c.text


def test_hyphenated_zero_is_one_count_found_by_the_fast_scan(parser: NumberParser) -> None:
    text = "Luckily no-one was hurt, and No-one died."
    found = [(c.text, c.kind, c.value) for c in parser.finditer(text)]
    assert found == [("no-one", "zero", 0), ("No-one", "zero", 0)]
    assert parser.anchors(text, text.lower(), 0, len(text)) == [
        m.start() for m in parser.anchor_re.finditer(text)
    ]
    assert parser.anchor_words is not None  # a hyphenated entry keeps the fast scan


def test_multiplicative_words_are_their_own_kind(parser: NumberParser) -> None:
    c = parser.parse("double")
    assert c is not None and (c.value, c.kind) == (2, "multiplicative")
    b = parser.parse("both")
    assert b is not None and (b.value, b.kind) == (2, "counting")


# strings in which no number phrase may be found (Duckling's negative corpus)
NEGATIVE = [
    "a man was killed",
    "an officer",
    "the second prominent figure",
    "the 3rd day",
    "$5",
    "5%",
    "6.1-magnitude",
    "12:30",
    "first-degree murder",
    "hundredth",
    "a-b-c",
    "onetwo",
    "someone",
    "anyone",
    "tenant",
    "often",
    "Bonefish",
    "dozenth",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_negative_corpus_has_no_number(parser: NumberParser, text: str) -> None:
    assert list(parser.finditer(text)) == []


def test_decimal_without_scale_is_not_a_head_count(parser: NumberParser) -> None:
    assert parser.parse("5.9") is None
    assert parser.parse("5.9 million") is not None


PIECES = list("0123456789,.- abcxyz") + [
    "one",
    " hundred",
    " and",
    " twenty",
    "-",
    " thousand",
    " dozen",
    "more than ",
    "about ",
    "between ",
    " to ",
    "no one",
    "several",
    "million",
    "half a ",
    "1,000",
    "17,000",
    "up to ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_property_never_raises_offsets_hold_interval_ordered(
    parser: NumberParser, text: str
) -> None:
    for c in parser.finditer(text):
        assert text[c.start : c.end] == c.text
        if c.low is not None and c.best is not None:
            assert c.low <= c.best
        if c.high is not None and c.best is not None:
            assert c.best <= c.high
        if c.low is not None and c.high is not None:
            assert c.low <= c.high


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            PIECES + [" killed", " people", " at least ", " no fewer than ", " anywhere from "]
        ),
        max_size=30,
    ).map("".join)
)
def test_property_anchor_scan_equals_a_full_scan(parser: NumberParser, text: str) -> None:
    """The fast scan (anchors + lead words) finds exactly what COUNT finds scanning every
    position."""
    full = [
        (m.start(), m.group())
        for m in parser.count_re.finditer(text)
        if m.group() and parser.parse(m.group()) is not None
    ]
    assert [(c.start, c.text) for c in parser.finditer(text)] == full


_QUALIFIER_PIECES = [
    "in excess of ",
    "as many as ",
    "just over ",
    "well above ",
    "an estimated ",
    "In ",
    "at ",
    "up ",
    "some ",
    "over ",
    "not ",
    "close ",
    " the town",
    "more or less ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES + _QUALIFIER_PIECES), max_size=25).map("".join))
def test_property_qualifier_pretest_keeps_every_count(parser: NumberParser, text: str) -> None:
    """Where a lead word only opens a qualifier ("in", "at", "just"), finditer tries the qualifier
    pattern before COUNT there: the same counts as COUNT scanning every position."""
    full = [
        (m.start(), m.group())
        for m in parser.count_re.finditer(text)
        if m.group() and parser.parse(m.group()) is not None
    ]
    assert [(c.start, c.text) for c in parser.finditer(text)] == full


_ANCHOR_TOKENS = [
    "one",
    "One",
    "ten",
    "often",
    "tens",
    "2",
    "12",
    "1,000",
    "3.5",
    " ",
    "  ",
    ".",
    ",",
    "-",
    "\u2014",
    "\u00e9",
    "\u0130",
    "\u017f",
    "\u212a",
    "no",
    "none",
    "a",
    "few",
    "hundred",
    "_",
    "x",
    "\n",
    "\u0663",
]


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.sampled_from(_ANCHOR_TOKENS), max_size=14).map("".join), cut=st.integers(0, 60)
)
def test_anchors_are_the_anchor_regex_starts(parser: NumberParser, text: str, cut: int) -> None:
    """NumberParser.anchors (Aho-Corasick and a digit scan) gives exactly anchor_re's starts, on a
    whole text and on a part of it; finditer with them finds the same counts."""
    for start, end in ((0, len(text)), (min(cut, len(text)), len(text)), (0, min(cut, len(text)))):
        expected = [m.start() for m in parser.anchor_re.finditer(text, start, end)]
        anchors = parser.anchors(text, text.lower(), start, end)
        assert anchors == expected
        assert list(parser.finditer(text, start, end, anchors)) == list(
            parser.finditer(text, start, end)
        )


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("9999999999999999999999", 9_999_999_999_999_999_999_999),
        ("1.5 million", 1_500_000),
        ("2.75 billion", 2_750_000_000),
        ("12,345,678,901,234", 12_345_678_901_234),
    ],
)
def test_values_are_exact_integers_never_rounded_through_float(
    parser: NumberParser, phrase: str, value: int
) -> None:
    assert parser.words_to_int(phrase) == value
