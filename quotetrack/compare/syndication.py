"""Syndication: pairs of articles that are copies of one wire story.

Each article is reduced to fingerprints of its sentences (CRC-32 of the sentence's lower-cased
words; sentences of fewer than ``MIN_WORDS`` words are ignored). Two copies of a wire story
share most sentences word for word; a rewrite shares a few. A pair is ``syndicated`` when the
shared sentences are at least ``threshold`` of the shorter article's. To keep memory flat over
large batches only a bottom-k sketch of each article's fingerprints is kept (the ``SKETCH``
smallest values; exact for articles with fewer sentences), and the containment is estimated
from the sketches (Broder's estimator); the documents that share a sketch value (``postings``, a
grouping in the comparison's scratch database) propose the pairs.
Fingerprints found in very many articles (boilerplate) propose none.
"""

from __future__ import annotations

import heapq
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations
from typing import NamedTuple

import regex

from quotetrack.models import ArticlePair

SENTENCE_SPLIT = regex.compile(r"(?<=[.!?\u2026][\"'\u201d\u2019)]*)\s+|\n+")
# The breaks of SENTENCE_SPLIT with the closing marks before them (not word characters, so
# replacing them with the break changes no sentence's words): found much faster than with a
# look-behind tried at every space.
SENTENCE_BREAK = regex.compile(r"[.!?\u2026][\"'\u201d\u2019)]*\s+|\n+")
NON_WORD = regex.compile(r"[^\p{L}\p{N}]+")
# What a whole text's words are split at, less the spaces (which need no replacing and are most
# of the matches of NON_WORD).
NON_WORD_BUT_SPACE = regex.compile(r"[^\p{L}\p{N} ]+")
# Stands for a sentence break while a whole text is normalised: a letter, so the non-word runs
# stop at it as at a sentence's end; uncased, so lower() (whose final-sigma rule looks at the
# neighbours) sees it as it sees a sentence's end; rare in news.
SENTENCE_MARK = "\ua000"
MIN_WORDS = 6
SKETCH = 64


@dataclass(frozen=True)
class SyndicationOptions:
    """When two articles count as copies."""

    threshold: float = 0.8
    min_shared: int = 3
    max_docs_per_value: int = 50


@dataclass(frozen=True)
class Digest:
    """What syndication keeps of one article: its id, outlet, sentence count and sketch."""

    doc_id: str
    outlet: str | None
    n_sentences: int
    sketch: array

    @cached_property
    def values(self) -> frozenset[int]:
        """The sketch as a set (made once per digest: a digest is compared with many others)."""
        return frozenset(self.sketch)


def sentence_words(text: str) -> Iterator[list[str]]:
    """The lower-cased words (runs of letters and digits) of each sentence of ``text``. The
    whole text is lower-cased and split at once, its sentence breaks replaced by
    ``SENTENCE_MARK``; a text that holds the mark is done sentence by sentence."""
    if SENTENCE_MARK in text:
        return (
            NON_WORD.sub(" ", sentence.lower()).split() for sentence in SENTENCE_SPLIT.split(text)
        )
    marked = SENTENCE_BREAK.sub(SENTENCE_MARK, text).lower()
    return (
        sentence.split() for sentence in NON_WORD_BUT_SPACE.sub(" ", marked).split(SENTENCE_MARK)
    )


def digest(doc_id: str, outlet: str | None, text: str) -> Digest:
    """The sentence fingerprints of one article, as a bottom-k sketch."""
    prints = {
        zlib.crc32(" ".join(words).encode("utf-8"))
        for words in sentence_words(text)
        if len(words) >= MIN_WORDS
    }
    smallest = heapq.nsmallest(SKETCH, prints)
    return Digest(doc_id, outlet, len(prints), array("L", smallest))


def _estimate_shared(a: Digest, b: Digest) -> float:
    """Estimated number of sentences the two articles share."""
    sa, sb = a.values, b.values
    if a.n_sentences <= SKETCH and b.n_sentences <= SKETCH:
        return float(len(sa & sb))  # both sketches are the full sets: exact
    union_sketch = heapq.nsmallest(SKETCH, sa | sb)
    jaccard = sum(1 for v in union_sketch if v in sa and v in sb) / max(len(union_sketch), 1)
    return jaccard * (a.n_sentences + b.n_sentences) / (1 + jaccard)


class FoundPair(NamedTuple):
    """One row of the article_pairs table, as the comparison finds it (the model is made when the
    table is written: a wire story copied N times makes N²/2 pairs)."""

    doc_a: str
    doc_b: str
    outlet_a: str | None
    outlet_b: str | None
    shared_sentences: int
    containment: float
    syndicated: bool

    def row(self) -> ArticlePair:
        """The article_pairs row."""
        return ArticlePair(
            doc_ids=[self.doc_a, self.doc_b],
            outlets=[self.outlet_a, self.outlet_b],
            shared_sentences=self.shared_sentences,
            containment=self.containment,
            syndicated=self.syndicated,
        )


def pairs_from_postings(
    postings: Iterable[list[int]], digest_of: Callable[[int], Digest], options: SyndicationOptions
) -> Iterator[FoundPair]:
    """The article pairs proposed by ``postings`` (the ascending document numbers that share one
    sketch value), in document order, each checked against the two documents' sketches."""
    # copies share most of their sketch values: each distinct list of documents is paired once
    proposed = {
        pair for members in {tuple(m) for m in postings} for pair in combinations(members, 2)
    }
    for i, j in sorted(proposed):
        a, b = digest_of(i), digest_of(j)
        n = _estimate_shared(a, b)
        if n < options.min_shared:
            continue
        containment = min(n / max(min(a.n_sentences, b.n_sentences), 1), 1.0)
        yield FoundPair(
            a.doc_id,
            b.doc_id,
            a.outlet,
            b.outlet,
            round(n),
            round(containment, 3),
            containment >= options.threshold,
        )
