"""The frame mentions ``Attributor.document`` uses (subjects resolved on their own when they can,
the other mentions made only up to the last subject that needs them) equal those of the full pass
over every mention (``Attributor.mentions``, the reference), on the eval texts and generated
ones."""

from __future__ import annotations

import json

import pytest
from conftest import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.extract.attribution import Attributor, QuoteIndex
from quotetrack.extract.segment import segmenter_for

EVAL = SHARED / "eval"


def both(attributor: Attributor, ruleset, text: str):
    seg = segmenter_for(ruleset).segment(text, "t")
    inside = QuoteIndex(seg.quotes)
    frames = attributor.frames(text, seg, inside)
    by_span = {(m.start, m.end): m for m in attributor.mentions(text, seg, inside, frames)}
    full = (
        [
            by_span.get((f.subj_start, f.subj_end)) or by_span.get((f.subj_start, f.subj_end - 1))
            for f in frames
        ],
        [by_span.get(f.reporter) if f.reporter is not None else None for f in frames],
    )
    return attributor._frame_mentions(text, seg, inside, frames), full


@pytest.fixture(scope="module")
def attributor(ruleset) -> Attributor:
    return Attributor(ruleset)


@pytest.mark.skipif(not EVAL.exists(), reason="no eval data")
def test_frame_mentions_equal_the_full_pass_on_the_eval_texts(attributor, ruleset):
    n = 0
    for name in ("polnear-dev.jsonl", "ecb-dev-docs.jsonl"):
        with open(EVAL / name, encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line)["text"]
                lazy, full = both(attributor, ruleset, text)
                assert lazy == full
                n += 1
    assert n > 100


PIECES = [
    "Nawaf Fares",
    "Fares",
    "Nawaf",
    "Mr. Fares",
    "Foreign Minister Laurent Fabius",
    "Fabius",
    "Laurent",
    "Jane Doe",
    "Doe",
    "Ms. Doe",
    "the ministry",
    "The ministry",
    "the Foreign Ministry",
    "Syria's Foreign Ministry",
    "the spokesman",
    "a spokesman for the agency",
    "activists",
    "officials",
    "the minister",
    "the group",
    "He",
    "he",
    "She",
    "she",
    "They",
    "they",
    "It",
    "We",
    "I",
    "Reuters",
    "the Syrian Observatory for Human Rights",
    "the minister of the economy, Jane Doe,",
    "Obama",
    "President Barack Obama",
    "Barack",
]
CUES = [
    "said",
    "told reporters",
    "says",
    "added",
    "quoted him as saying",
    "was quoted by Reuters as saying",
]
TAILS = [" the talks failed.", " that it was over.", ': "We will win."', ", and left.", "."]


@st.composite
def documents(draw) -> str:
    paragraphs = []
    for _ in range(draw(st.integers(1, 6))):
        sentences = []
        for _ in range(draw(st.integers(1, 4))):
            subject = draw(st.sampled_from(PIECES))
            shape = draw(st.integers(0, 3))
            cue = draw(st.sampled_from(CUES))
            other = draw(st.sampled_from(PIECES))
            if shape == 0:
                sentences.append(f"{subject} {cue}{draw(st.sampled_from(TAILS))}")
            elif shape == 1:
                sentences.append(f'"It is over," {cue.split()[0]} {subject}.')
            elif shape == 2:
                sentences.append(f"{subject} met {other} in Paris on Monday.")
            else:
                sentences.append(f"According to {subject}, {other} {cue} nothing.")
            sentences[-1] = sentences[-1][0].upper() + sentences[-1][1:]
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


@settings(max_examples=300, deadline=None)
@given(documents())
def test_frame_mentions_equal_the_full_pass_on_generated_texts(attributor, ruleset, text):
    lazy, full = both(attributor, ruleset, text)
    assert lazy == full
