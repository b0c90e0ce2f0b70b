"""Anchors: the distinctive names an article mentions, evidence that two articles tell one story.

An article's anchors are its capitalised words that do not start a sentence, are at least four
letters long and are not common capitalised words (``rules/compare.toml``: days, months, titles,
generic news words) and are not in the fixed background of ``rules/compare.toml`` (regions,
demonyms, capitals, the words of agency names, the countries lexicon), so a name's
distinctiveness does not depend on the batch: a folder of one story groups. An anchor needs at
least two articles to be shared (``max_share`` can further drop names that more than that share
of a batch's articles with claims mention; off by default). Only articles with claims are asked
whether they tell one story, so only theirs are read and counted. Two articles tell one story
when they share at least ``min_shared`` distinctive anchors.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import regex

# a capitalised word after a lower-case word, a comma or a closing mark (so not a sentence start)
ANCHOR_RE = regex.compile(
    r"(?<=[\p{Ll},;:)\u201d\"]\s+)\p{Lu}[\p{Ll}\-]{3,}(?:\s+\p{Lu}[\p{Ll}\-]{3,})*"
)
MAX_ANCHORS = 64
CACHE_DOCUMENTS = (
    10_000  # articles whose distinctive names are kept at hand while claims are compared
)


@dataclass(frozen=True)
class AnchorOptions:
    """When shared names make two articles one story."""

    min_shared: int = 3
    max_share: float | None = None  # a share of the articles with claims above which a name is
    # not distinctive


def anchors_of(text: str, stopwords: frozenset[str]) -> tuple[str, ...]:
    """The anchor names of one article (lower-cased and interned, at most MAX_ANCHORS, most
    frequent first; a tuple, smaller than a set, for batches of many articles)."""
    # one lower() for all names: a name's only capital is its first letter, which lower() maps alone
    words = " ".join(ANCHOR_RE.findall(text)).lower().split()
    counts = Counter(
        [w for w in words if w not in stopwords]
    )  # ties stay in order of first mention
    return tuple(sys.intern(w) for w, _ in counts.most_common(MAX_ANCHORS))


def distinctive_range(n_documents: int, options: AnchorOptions) -> tuple[int, int]:
    """How many of ``n_documents`` articles (those with claims) may mention a name that is
    distinctive (low, high)."""
    if options.max_share is None:
        return 2, max(2, n_documents)
    return 2, max(2, int(options.max_share * n_documents))


class StoryIndex:
    """Which articles of a batch share distinctive names.

    Built from a look-up of one article's distinctive names (``distinctive_for``: its names whose
    document frequency over the batch is in ``distinctive_range``), so that the names and their
    frequencies can live on disk; recent articles' names are kept at hand."""

    def __init__(
        self, distinctive_for: Callable[[str], frozenset[str]], options: AnchorOptions | None = None
    ) -> None:
        self.options = options or AnchorOptions()
        self.distinctive_for = distinctive_for
        self._cache: dict[str, frozenset[str]] = {}

    def _distinctive_of(self, doc: str) -> frozenset[str]:
        names = self._cache.get(doc)
        if names is None:
            if len(self._cache) >= CACHE_DOCUMENTS:
                self._cache.clear()
            names = self._cache[doc] = self.distinctive_for(doc)
        return names

    def shared(self, doc_a: str, doc_b: str) -> list[str] | None:
        """The distinctive names both articles mention (None when too few)."""
        both = self._distinctive_of(doc_a) & self._distinctive_of(doc_b)
        return sorted(both) if len(both) >= self.options.min_shared else None
