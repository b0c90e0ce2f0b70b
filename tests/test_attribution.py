"""Attribution frames and speaker resolution (quotetrack.attribution, quotetrack.mentions)."""

from __future__ import annotations

import pytest

from quotetrack.attribution import Attributor, DocumentContext
from quotetrack.models import Article
from quotetrack.segment import segmenter_for


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
    ("Protests began in March. Activists say more than 17,000 people have been killed.",
     "more than 17,000 people", "activists"),
    ("The Syrian government blames the uprising on armed gangs. It says more than 4,000 members of the "
     "security forces have been killed.", "more than 4,000 members", "the Syrian government"),
    ("The Britain-based Syrian Observatory for Human Rights said at least seven people were killed. "
     "The activist group also said government shelling killed six people.", "six people",
     "Syrian Observatory for Human Rights"),
    ("Three people died in the crash on the highway, police said.", "Three people", "police"),
    ("According to the Red Cross, 40 people were injured.", "40 people", "Red Cross"),
    ("Mayor Jane Doe told reporters that 12 buildings had burned.", "12 buildings", "Jane Doe"),
    ("Another group, the Local Coordination Committees, said at least 20 people were killed.", "20 people",
     "Local Coordination Committees"),
]


@pytest.mark.parametrize("text,span,expected", CLAIMANTS)
def test_source_of_resolves_claimants(attributor, ruleset, text, span, expected):
    assert source_name(attributor, ruleset, text, span) == expected


NO_SOURCE = [
    ("Cluster bombs explode in the air and drop dozens of bomblets over a large area.", "dozens of bomblets"),
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
    assert text[src.start:src.end] == "Officials"
    assert text[src.cue_start:src.cue_end] == "said"
    assert src.source_type == "anonymous"
    assert src.rule_id == "subject-cue"
