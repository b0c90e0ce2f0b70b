"""Segmentation: paragraphs, sentences (abbreviations) and quotation-mark pairing, with offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.extract.segment import segment


def sentences(text: str, ruleset) -> list[str]:
    seg = segment(text, ruleset)
    return [text[s.start : s.end] for s in seg.sentences]


def quoted(text: str, ruleset) -> list[str]:
    return [text[q.start : q.end] for q in segment(text, ruleset).quotes]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Brig. Gen. Manaf Tlass fled Syria last week. He has not spoken publicly.",
            ["Brig. Gen. Manaf Tlass fled Syria last week.", "He has not spoken publicly."],
        ),
        (
            "Lt. Gregg Hastings of the Oregon State Police said so. Mr. Sznewajs agreed.",
            ["Lt. Gregg Hastings of the Oregon State Police said so.", "Mr. Sznewajs agreed."],
        ),
        (
            "The U.S. State Department said it was concerned. It gave no details.",
            ["The U.S. State Department said it was concerned.", "It gave no details."],
        ),
        (
            "The vote moved to the U.S. The Senate will decide.",
            ["The vote moved to the U.S.", "The Senate will decide."],
        ),
        (
            "The attack happened on Jan. 5 in Aleppo. Nobody claimed it.",
            ["The attack happened on Jan. 5 in Aleppo.", "Nobody claimed it."],
        ),
        (
            'George W. Bush spoke at 3 p.m. on Friday. Is it over? "Yes!" she said.',
            ["George W. Bush spoke at 3 p.m. on Friday.", "Is it over?", '"Yes!" she said.'],
        ),
        (
            "The gunman entered the party around 4 p.m. One man was shot, police said.",
            ["The gunman entered the party around 4 p.m.", "One man was shot, police said."],
        ),
        (
            '"We are leaving." The crowd cheered. 17 people were hurt.',
            ['"We are leaving."', "The crowd cheered.", "17 people were hurt."],
        ),
    ],
)
def test_sentences_respect_abbreviations(text: str, expected: list[str], ruleset) -> None:
    assert sentences(text, ruleset) == expected


def test_sentences_never_cross_paragraphs(ruleset) -> None:
    text = "Headline without a stop\n\nFirst paragraph ends here\nSecond line is its own paragraph."
    assert sentences(text, ruleset) == [
        "Headline without a stop",
        "First paragraph ends here",
        "Second line is its own paragraph.",
    ]


def test_hard_wrapped_lines_are_joined(ruleset) -> None:
    text = "The ministry said on Thursday that\nthe talks would go on.\n\nNext paragraph."
    seg = segment(text, ruleset)
    assert [text[p.start : p.end] for p in seg.paragraphs] == [
        "The ministry said on Thursday that\nthe talks would go on.",
        "Next paragraph.",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "we will win," and left.', ['"we will win,"']),
        ("He said \u201cwe will win,\u201d and left.", ["\u201cwe will win,\u201d"]),
        ("Er sagte \u201ewir gewinnen\u201c und ging.", ["\u201ewir gewinnen\u201c"]),
        ("Il a dit \u00ab nous gagnerons \u00bb hier.", ["\u00ab nous gagnerons \u00bb"]),
        (
            "Envoy: \u2018Only force can topple Assad\u2019",
            ["\u2018Only force can topple Assad\u2019"],
        ),
        ("Envoy: 'Only force can topple Assad'", ["'Only force can topple Assad'"]),
        (
            "''It has the virtue of being responsible,'' he said.",
            ["''It has the virtue of being responsible,''"],
        ),
        (
            "\u201cWe don\u2019t know,\u201d said Fares\u2019s aide. \u201cNobody does.\u201d",
            ["\u201cWe don\u2019t know,\u201d", "\u201cNobody does.\u201d"],
        ),
        (
            "\u201cHe told me \u2018leave now\u2019 and I did,\u201d she said.",
            ["\u201cHe told me \u2018leave now\u2019 and I did,\u201d"],
        ),
        # an opening mark typed where the closing one belongs, mid-paragraph and at its end
        (
            "\u201cIt is late,\u201c she said. \u201cWe go home.\u201c",
            ["\u201cIt is late,\u201c", "\u201cWe go home.\u201c"],
        ),
        # three apostrophes after a word close the inner single quote, then the double one
        (
            "''I would call it 'brave,' '' she said. ''Truly.''".replace("' ''", "'''"),
            ["''I would call it 'brave,'''", "''Truly.''"],
        ),
        # text tokenised the Penn Treebank way: `` '' for double marks, ` ' for single ones
        (
            "``We will not back down,'' said Ann Lee. The navy sank a `mother ship ' there.",
            ["``We will not back down,''", "`mother ship '"],
        ),
    ],
)
def test_quote_pairing_for_each_style(text: str, expected: list[str], ruleset) -> None:
    assert quoted(text, ruleset) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Assads' regime and the rebels' positions didn't change in the '90s.",
        "It's the ministry\u2019s view that Fares\u2019 remarks weren\u2019t helpful.",
        "Rock 'n' roll fans loved 'em.",
        # tokenised text: a spaced plural possessive, a clitic after a blank or an abbreviation
        "The prosecutors ' offer reached the victims ' families.",
        "The sheriff 's office and the D.A.'s release agreed.",
    ],
)
def test_apostrophes_are_not_quotes(text: str, ruleset) -> None:
    seg = segment(text, ruleset)
    assert seg.quotes == [] and seg.issues == []


def test_multi_paragraph_quote_is_linked(ruleset) -> None:
    text = (
        "The report says:\n\n\u201cFirst paragraph of the quote.\n\n"
        "\u201cSecond paragraph of the quote.\n\n\u201cThird and last.\u201d\n\nAfter."
    )
    seg = segment(text, ruleset)
    segs = [text[q.start : q.end] for q in seg.quotes]
    assert segs == [
        "\u201cFirst paragraph of the quote.",
        "\u201cSecond paragraph of the quote.",
        "\u201cThird and last.\u201d",
    ]
    q0, q1, q2 = seg.quotes
    assert (q0.closed, q0.continues, q0.continued_from) == (False, True, None)
    assert (q1.closed, q1.continues, q1.continued_from) == (False, True, 0)
    assert (q2.closed, q2.continues, q2.continued_from) == (True, False, 1)
    assert seg.issues == []


def test_multi_paragraph_straight_quotes(ruleset) -> None:
    text = 'He wrote:\n\n"In an illustration of the problem.\n\n"Without this network, it fails."\n'
    seg = segment(text, ruleset)
    assert [q.continued_from for q in seg.quotes] == [None, 0]
    assert seg.quotes[0].continues and seg.quotes[1].closed


def test_stray_opening_mark_is_recovered_locally(ruleset) -> None:
    text = "She said \u201cthis never ends.\n\nA new paragraph with \u201ca quote\u201d here."
    seg = segment(text, ruleset)
    assert [text[q.start : q.end] for q in seg.quotes] == [
        "\u201cthis never ends.",
        "\u201ca quote\u201d",
    ]
    assert not seg.quotes[0].closed and not seg.quotes[0].continues
    (issue,) = seg.issues
    assert issue.code == "unclosed_quote" and issue.message.startswith("paragraph 1:")


def test_stray_closing_mark_is_an_issue(ruleset) -> None:
    text = "Nothing was opened here\u201d but a quote \u201cdoes follow\u201d later."
    seg = segment(text, ruleset)
    assert [text[q.start : q.end] for q in seg.quotes] == ["\u201cdoes follow\u201d"]
    assert [i.code for i in seg.issues] == ["stray_quote_mark"]


def test_closer_used_as_opener_is_paired(ruleset) -> None:
    text = "\u201dWhat is most infuriating is this,\u201d she wrote."
    assert quoted(text, ruleset) == ["\u201dWhat is most infuriating is this,\u201d"]


def test_headline_quotes_are_marked(ruleset) -> None:
    text = "Envoy: \u2018Only force works\u2019\n\nBody with \u201ca quote\u201d."
    seg = segment(text, ruleset)
    assert [q.in_headline for q in seg.quotes] == [True, False]


TEXT_ALPHABET = st.sampled_from(
    list("ab Z.!?\n\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e,:;-\u2014") + ["Mr.", "U.S.", "''"]
)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(TEXT_ALPHABET, max_size=80).map("".join))
def test_segmentation_never_raises_and_spans_hold(text: str, ruleset) -> None:
    seg = segment(text, ruleset)
    for span in seg.paragraphs + seg.sentences:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end].strip() == text[span.start : span.end]
    for q in seg.quotes:
        assert 0 <= q.start < q.end <= len(text)
    starts = [s.start for s in seg.sentences]
    assert starts == sorted(starts)
    for issue in seg.issues:
        assert issue.start is not None and 0 <= issue.start < len(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_segmentation_of_arbitrary_unicode(text: str, ruleset) -> None:
    seg = segment(text, ruleset)
    assert all(0 <= q.start < q.end <= len(text) for q in seg.quotes)
    assert all(0 <= s.start < s.end <= len(text) for s in seg.sentences)


def test_markup_attribute_values_are_not_quotes(ruleset) -> None:
    text = (
        "<blockquote data-lang=\"en\" class='tw'>Rents are up.</blockquote> "
        'She said "it is late" when 2 < 3 and 4 > 1.'
    )
    assert quoted(text, ruleset) == ['"it is late"']
