"""Syndication: pairs of articles that are copies of one wire story (long shared word n-grams).

Each article is reduced to the set of its word 8-grams; an inverted index finds the pairs that
share any, and a pair is ``syndicated`` when the shared n-grams cover at least ``threshold`` of
the shorter article's (a rewrite that keeps some sentences stays below it; a copy trimmed at the
end stays above). N-grams found in very many articles (boilerplate) propose no pairs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from quotetrack.compare.text import shingles, words
from quotetrack.models import ArticlePair

NGRAM = 8


@dataclass(frozen=True)
class SyndicationOptions:
    """When two articles count as copies."""

    threshold: float = 0.8
    min_shared: int = 5
    max_docs_per_ngram: int = 50


def article_pairs(articles: list[dict[str, Any]], options: SyndicationOptions | None = None) -> list[ArticlePair]:
    """Every pair of articles sharing at least ``min_shared`` 8-grams, with its containment."""
    options = options or SyndicationOptions()
    grams = [{hash(g) for g in shingles(words(a.get("text") or ""), NGRAM)} for a in articles]
    index: dict[int, list[int]] = defaultdict(list)
    for i, gs in enumerate(grams):
        for g in gs:
            index[g].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in index.values():
        if 1 < len(members) <= options.max_docs_per_ngram:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    shared[(members[x], members[y])] += 1
    pairs = []
    for (i, j), n in sorted(shared.items()):
        if n < options.min_shared:
            continue
        containment = n / max(min(len(grams[i]), len(grams[j])), 1)
        pairs.append(ArticlePair(doc_ids=[articles[i]["doc_id"], articles[j]["doc_id"]],
                                 outlets=[articles[i].get("outlet"), articles[j].get("outlet")],
                                 shared_ngrams=n, containment=round(containment, 3),
                                 syndicated=containment >= options.threshold))
    return pairs
