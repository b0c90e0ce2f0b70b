"""Anchors: the distinctive names an article mentions, evidence that two articles tell one story.

An article's anchors are its capitalised words that do not start a sentence, are at least four
letters long and are not common capitalised words (``rules/compare.toml``: days, months, titles,
generic news words). Across a batch, an anchor is distinctive when few articles mention it
(at most ``max_share`` of them, and at least two so that the pair can share it); two articles
tell one story when they share at least ``min_shared`` distinctive anchors.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass

import regex

# a capitalised word after a lower-case word, a comma or a closing mark (so not a sentence start)
ANCHOR_RE = regex.compile(r"(?<=[\p{Ll},;:)\u201d\"]\s+)\p{Lu}[\p{Ll}\-]{3,}(?:\s+\p{Lu}[\p{Ll}\-]{3,})*")
MAX_ANCHORS = 64


@dataclass(frozen=True)
class AnchorOptions:
    """When shared names make two articles one story."""

    min_shared: int = 3
    max_share: float = 0.2


def anchors_of(text: str, stopwords: frozenset[str]) -> tuple[str, ...]:
    """The anchor names of one article (lower-cased and interned, at most MAX_ANCHORS, most
    frequent first; a tuple, smaller than a set, for batches of many articles)."""
    counts: Counter[str] = Counter()
    for m in ANCHOR_RE.finditer(text):
        for word in m.group().split():
            low = word.lower()
            if low not in stopwords:
                counts[low] += 1
    return tuple(sys.intern(w) for w, _ in counts.most_common(MAX_ANCHORS))


class StoryIndex:
    """Which articles of a batch share distinctive names."""

    def __init__(self, anchors: dict[str, tuple[str, ...]], options: AnchorOptions | None = None) -> None:
        self.options = options or AnchorOptions()
        self.anchors = anchors
        df: Counter[str] = Counter(a for names in anchors.values() for a in names)
        limit = max(2, int(self.options.max_share * len(anchors)))
        self.distinctive = frozenset(a for a, n in df.items() if 2 <= n <= limit)

    def shared(self, doc_a: str, doc_b: str) -> list[str] | None:
        """The distinctive names both articles mention (None when too few)."""
        both = set(self.anchors.get(doc_a, ())).intersection(self.anchors.get(doc_b, ())) & self.distinctive
        return sorted(both) if len(both) >= self.options.min_shared else None
