"""The indexed look-ups of ``Resolver`` (issue 21): a nominal ("the minister", "the ministry")
finds the latest person whose role holds its head word, or the latest organisation named with
it, without walking every earlier mention, with the answers of that walk."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import pytest
from conftest import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.extract import attribution
from quotetrack.extract.attribution import Attributor, QuoteIndex
from quotetrack.extract.mentions import Mention, NameLexicon, Resolver
from quotetrack.extract.segment import segmenter_for
from quotetrack.models import Article
from quotetrack.pipeline.extractor import Extractor

EVAL = SHARED / "eval"


class LinearResolver(Resolver):
    """The reference: the three look-ups as a walk over every earlier mention, the latest first."""

    def _earlier(self, m: Mention, at: int | None) -> Iterator[Mention]:
        resolved = self.resolved
        return (resolved[i] for i in range(self._count_before(m, at) - 1, -1, -1))

    def _org_named(self, m: Mention, at: int | None, head: str) -> Mention | None:
        for e in self._earlier(m, at):
            if e.entity_type == "organisation" and e.kind == "name":
                if head in e.name.lower().split():
                    return e
        return None

    def _org_recent(self, m: Mention, at: int | None, flag: str | None) -> Mention | None:
        for e in self._earlier(m, at):
            if (
                e.entity_type == "organisation"
                and e.kind == "name"
                and (flag is None or getattr(e, flag))
                and m.sentence - e.sentence <= 12
            ):
                return e
        return None

    def _person_with_role(self, m: Mention, at: int | None, head: str) -> Mention | None:
        for e in self._earlier(m, at):
            if e.entity_type == "person" and e.kind == "name" and e.role and head in e.role.lower():
                return e
        return None


HEADS = ["minister", "ministry", "president", "agency", "group", "chief", "health"]
NAMES = ["Health Ministry", "Vice-President", "Water Agency", "Ann Pike", "Rebel Group", "Bo Li"]
ROLES = [None, "Foreign Minister", "Vice-President", "Health Minister", "Agency Chief", ""]

mentions = st.lists(
    st.tuples(
        st.integers(0, 400),  # start (the sentence follows from it, as in a document)
        st.sampled_from(["name", "name", "nominal", "pronoun"]),
        st.sampled_from(["person", "organisation", "person", "organisation", "anonymous"]),
        st.sampled_from(NAMES),
        st.sampled_from(ROLES),
        st.booleans(),  # speaker
        st.booleans(),  # subject
    ),
    max_size=40,
)


def mention(start: int, kind: str, etype: str, name: str, role, speaker, subject) -> Mention:
    return Mention(
        start,
        start + 3,
        name,
        kind,
        etype,
        name,
        role=role,
        sentence=start // 20,
        subject=subject,
        speaker=speaker,
    )


@settings(max_examples=300, deadline=None)
@given(
    mentions,
    st.lists(
        st.tuples(st.integers(0, 420), st.sampled_from(HEADS), st.integers(-1, 45)), max_size=30
    ),
    st.integers(0, 3),
)
def test_indexed_lookups_answer_as_the_walk_over_earlier_mentions(
    ruleset, added, queries, late
) -> None:
    """Mentions added in document order, the ``late`` last ones then inserted before others,
    asked about between additions, with or without the count of earlier mentions given."""
    lexicon = NameLexicon(ruleset.get("names.toml"))
    fast, slow = Resolver(lexicon), LinearResolver(lexicon)
    items = sorted(added[late:], key=lambda item: item[0]) + added[:late]
    for k, item in enumerate(items):
        for r in (fast, slow):
            r.remember(mention(*item))
        for start, head, at_given in queries[k % 3 :: 3]:
            m = mention(start, "nominal", "organisation", "the " + head, None, False, False)
            at = at_given if 0 <= at_given <= len(fast.resolved) else None
            assert fast._person_with_role(m, at, head) == slow._person_with_role(m, at, head)
            assert fast._org_named(m, at, head) == slow._org_named(m, at, head)
            for flag in ("speaker", "subject", None):
                assert fast._org_recent(m, at, flag) == slow._org_recent(m, at, flag)


UNITS = [
    "Jane Doe, a farmer, said the river rose.",
    "The minister said the water would fall.",
    "Paul Roe told reporters the road was closed.",
    "The ministry said it would send help.",
    "The spokesman said more rain was coming.",
    "The agency said the dam held.",
    "Agency Chief Ben Ode said the pumps worked.",
    "The chief said the Water Agency had crews out.",
]


def nominal_text(size: int) -> str:
    """About ``size`` characters of paragraphs whose subjects are nominals ("the minister", "the
    ministry") and names, after a first paragraph that names a minister and a ministry."""
    head = (
        "Flood\n\nForeign Minister Laurent Fabius said on Monday that the Foreign Ministry "
        "would act. The Water Agency agreed.\n\n"
    )
    parts: list[str] = []
    total, i = len(head), 0
    while total < size:
        part = " ".join(UNITS[(i + k) % len(UNITS)] for k in range(4)) + "\n\n"
        parts.append(part)
        total += len(part)
        i += 3
    return head + "".join(parts)


def all_mentions(attributor: Attributor, ruleset, text: str) -> list[Mention]:
    seg = segmenter_for(ruleset).segment(text, "t")
    inside = QuoteIndex(seg.quotes)
    return attributor.mentions(text, seg, inside, attributor.frames(text, seg, inside))


def texts() -> Iterator[str]:
    yield nominal_text(6_000)
    if EVAL.exists():
        for name in ("polnear-dev.jsonl", "ecb-dev-docs.jsonl"):
            with open(EVAL / name, encoding="utf-8") as fh:
                for line in fh:
                    yield json.loads(line)["text"]


def test_every_mention_resolves_as_with_the_walk(ruleset, monkeypatch) -> None:
    """On generated text and the eval texts, every mention of the document pass resolves to what
    the walk over earlier mentions makes of it."""
    attributor = Attributor(ruleset)
    docs = list(texts())
    fast = [all_mentions(attributor, ruleset, t) for t in docs]
    monkeypatch.setattr(attribution, "Resolver", LinearResolver)
    slow = [all_mentions(attributor, ruleset, t) for t in docs]
    assert fast == slow
    nominals = [m for ms in fast for m in ms if m.resolution.startswith("nominal<-")]
    assert len(nominals) > 50  # the look-ups were asked and answered


def python_calls(extractor: Extractor, text: str) -> int:
    """Python function calls (generator steps included) made extracting ``text``: a count of
    work that does not depend on the machine's load."""
    count = 0

    def profile(frame, event, arg) -> None:
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    try:
        extractor.process(Article(doc_id="d", text=text))
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("small", [50_000])
def test_work_grows_linearly_with_nominals(ruleset, small: int) -> None:
    """Four times the text of nominals, at most five times the calls (the walk over every earlier
    mention made it fifteen times)."""
    extractor = Extractor(ruleset, time_budget_s=None).compile()
    extractor.process(Article(doc_id="warm", text=nominal_text(5_000)))
    short = python_calls(extractor, nominal_text(small))
    long = python_calls(extractor, nominal_text(4 * small))
    assert long <= 5 * short, (short, long)
