"""Incident finding reads each story's figures in work that grows with the figures, not with their
pairs: the indexed look-ups give what the pairwise definitions give."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.compare.incidents import contrasted_places, overlaps


def pairwise(claims, top_of) -> set[str]:
    """The definition: every pair of one article's figures of one category."""
    found: set[str] = set()
    for i, a in enumerate(claims):
        for b in claims[i + 1 :]:
            pa = top_of(a.place) if a.place else ""
            pb = top_of(b.place) if b.place else ""
            if (
                not (pa and pb)
                and a.row.get("sentence_start") != b.row.get("sentence_start")
                and not any(f.place and f.high == 0 for f in (a, b))
            ):
                continue
            if pa != pb and not overlaps(a, b):
                found.update(p for p in (pa, pb) if p)
    return found


def figure(place, low, span, sentence):
    high = None if span is None else (None if low is None else low + span)
    return SimpleNamespace(place=place, low=low, high=high, row={"sentence_start": sentence})


FIGURES = st.builds(
    figure,
    st.sampled_from([None, "", "Arvel", "Kemby", "Osterby", "Kemby village"]),
    st.sampled_from([None, 0, 0, 1, 2, 5, 10]),  # lower bounds, denials (0) often
    st.sampled_from([None, 0, 0, 1, 3]),
    st.integers(0, 3),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(FIGURES, max_size=12))
def test_contrasted_places_are_those_of_the_pairwise_definition(claims) -> None:
    def top_of(place: str) -> str:
        return "Kemby" if place == "Kemby village" else place

    assert contrasted_places(claims, top_of) == pairwise(claims, top_of)
