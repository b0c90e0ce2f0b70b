"""Quote matching's candidate pairs: found in memory and in the spill store, the same pairs."""

from __future__ import annotations

import random
from itertools import combinations

import pytest

from quotetrack.compare.spill import SpillStore
from quotetrack.compare.text import shingles
from quotetrack.compare.trigram_index import TrigramIndex

VOCABULARY = "we are going to the city and build a new school for all children today".split()


def wordings(seed: int, n: int = 120) -> list[list[str]]:
    """Random wordings over a small vocabulary, so that many share trigrams."""
    rng = random.Random(seed)
    return [[rng.choice(VOCABULARY) for _ in range(rng.randint(3, 14))] for _ in range(n)]


def holders(texts: list[list[str]]) -> dict[tuple[str, ...], int]:
    """How many wordings hold each trigram."""
    counts: dict[tuple[str, ...], int] = {}
    for text in texts:
        for t in shingles(text, 3):
            counts[t] = counts.get(t, 0) + 1
    return counts


def pairwise(texts: list[list[str]], max_posting: int, min_share: float) -> list[tuple[int, int]]:
    """The definition, pair by pair: shared trigrams that few enough wordings hold."""
    grams = [shingles(t, 3) for t in texts]
    held = holders(texts)
    found = []
    for i, j in combinations(range(len(texts)), 2):
        shared = sum(1 for t in grams[i] & grams[j] if held[t] <= max_posting)
        if shared and shared >= min_share * min(len(grams[i]), len(grams[j])):
            found.append((i, j))
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "limits",
    [{}, {"max_trigrams": 0}, {"max_trigrams": 50}, {"max_pairs": 0}],
    ids=["memory", "store", "spilled-midway", "too-many-pairs"],
)
def test_candidates_match_the_pairwise_definition(tmp_path, seed, limits) -> None:
    texts = wordings(seed)
    # a limit that some trigram's holders reach exactly, so that an off-by-one shows
    reached = sorted({n for n in holders(texts).values() if n >= 2})
    max_posting = reached[len(reached) // 2]
    store = SpillStore(tmp_path)
    try:
        index = TrigramIndex(store, max_posting=max_posting, **limits)
        for cluster, text in enumerate(texts):
            index.add(cluster, shingles(text, 3))
        found = list(index.candidates(0.25))
        assert index.spilled == bool(limits)
    finally:
        store.close()
    assert found == pairwise(texts, max_posting=max_posting, min_share=0.25)
    assert found  # the vocabulary is small: some pairs are candidates


def test_no_wordings_no_pairs(tmp_path) -> None:
    store = SpillStore(tmp_path)
    try:
        assert list(TrigramIndex(store, max_posting=10).candidates(0.25)) == []
    finally:
        store.close()
