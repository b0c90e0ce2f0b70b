"""The candidate pairs of quote matching: wordings that share enough word trigrams.

Every distinct wording (a cluster, numbered from 0) gives the hashes of its word trigrams. Two
clusters are a candidate pair when they share trigrams held by at most ``max_posting`` clusters (a
phrase in more, "we are going to", proposes nothing) and the shared ones are at least
``min_share`` of the smaller wording's trigrams.

The pairs are found in memory with numpy while the index is small (the trigrams of the batch's
quotes sorted once, each run of one trigram expanded into its pairs, the pairs counted with one
``unique``): a few arrays of machine integers, not a Python object per trigram or pair. Past
``max_trigrams`` trigrams, or when the pairs would exceed ``max_pairs``, the same grouping is done
by the comparison's SQLite spill store, so memory stays bounded whatever the batch. Both ways give
the same pairs in the same order (tested).

A trigram is kept as Python's 64-bit hash of its words: two different trigrams share a hash with
a probability of about one in 10^19 per pair, and then a pair's shared count is one too high.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator

import numpy as np

from quotetrack.compare.spill import SpillStore

MAX_TRIGRAMS = 500_000  # trigrams kept in memory (12 bytes each, about 3x that while sorted)
# before the spill store takes them (some 30,000 distinct quotes: a batch of 3,000 articles)
MAX_PAIRS = 300_000  # pairs the trigrams may expand to in memory (about 40 bytes each while
# counted: 12 MB); a batch of 1,000 political articles has about 130,000

SPILL_ROWS = 5_000  # trigrams handed to the spill store at a time


class TrigramIndex:
    """The trigram hashes of clusters 0, 1, 2 ... added in order, and the pairs they propose."""

    def __init__(
        self,
        store: SpillStore,
        max_posting: int,
        max_trigrams: int = MAX_TRIGRAMS,
        max_pairs: int = MAX_PAIRS,
    ) -> None:
        self.store = store
        self.max_posting = max_posting
        self.max_trigrams = max_trigrams
        self.max_pairs = max_pairs
        self.counts = array("I")  # distinct trigrams of each cluster, by cluster number
        self._hashes = array("q")  # the trigrams held in memory ...
        self._clusters = array("i")  # ... and the cluster of each
        self.spilled = False  # True once the trigrams went to the spill store

    def add(self, cluster: int, trigrams: Iterable[tuple[str, ...]]) -> None:
        """Take in cluster ``cluster``'s distinct trigrams (clusters come in number order)."""
        hashes = [hash(t) for t in trigrams]
        self.counts.append(len(hashes))
        if self.spilled:
            self.store.add_shingles(cluster, hashes)
            return
        self._hashes.extend(hashes)
        self._clusters.extend([cluster] * len(hashes))
        if len(self._hashes) > self.max_trigrams:
            self._spill()

    def _spill(self) -> None:
        hashes, clusters = self._hashes, self._clusters
        for at in range(0, len(hashes), SPILL_ROWS):  # a slice at a time: no list of them all
            end = at + SPILL_ROWS
            self.store.add_shingle_rows(zip(hashes[at:end], clusters[at:end], strict=True))
        self._hashes, self._clusters = array("q"), array("i")
        self.spilled = True

    def candidates(self, min_share: float) -> Iterator[tuple[int, int]]:
        """The pairs (i < j) of clusters sharing at least ``min_share`` of the smaller one's
        trigrams, ordered by i then j."""
        if not self.spilled:
            found = self._pairs_in_memory(min_share)
            if found is not None:
                return found
            self._spill()
        return self._pairs_in_store(min_share)

    def _pairs_in_store(self, min_share: float) -> Iterator[tuple[int, int]]:
        store, counts = self.store, self.counts
        for posting in store.shingle_postings(self.max_posting):
            store.add_candidate_pairs(posting)
        for i, j, shared in store.candidates():
            if shared >= min_share * min(counts[i], counts[j]):
                yield i, j

    def _pairs_in_memory(self, min_share: float) -> Iterator[tuple[int, int]] | None:
        """The pairs, found with numpy; None when they would be too many for memory."""
        if not self._hashes:
            return iter(())
        hashes = np.frombuffer(self._hashes, dtype=np.int64)
        clusters = np.frombuffer(self._clusters, dtype=np.int32)
        order = np.lexsort((clusters, hashes))  # by trigram, then cluster
        hashes, clusters = hashes[order], clusters[order]
        # a trigram twice in one cluster (two trigrams with one hash) counts once
        kept = np.ones(len(hashes), dtype=bool)
        kept[1:] = (hashes[1:] != hashes[:-1]) | (clusters[1:] != clusters[:-1])
        hashes, clusters = hashes[kept], clusters[kept]
        starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
        lengths = np.diff(np.r_[starts, len(hashes)])
        posting = (lengths >= 2) & (lengths <= self.max_posting)
        starts, lengths = starts[posting], lengths[posting]
        if int((lengths * (lengths - 1) // 2).sum()) > self.max_pairs:
            return None
        packed = [np.empty(0, dtype=np.int64)]
        for size in np.unique(lengths).tolist():
            first, second = np.triu_indices(size, 1)
            at = starts[lengths == size][:, None]
            i = clusters[at + first].astype(np.int64)
            j = clusters[at + second].astype(np.int64)
            packed.append(((i << 32) | j).ravel())
        pairs, shared = np.unique(np.concatenate(packed), return_counts=True)
        i, j = pairs >> 32, pairs & 0xFFFFFFFF
        counts = np.frombuffer(self.counts, dtype=np.uint32).astype(np.int64)
        enough = shared >= min_share * np.minimum(counts[i], counts[j])
        return zip(i[enough].tolist(), j[enough].tolist(), strict=True)
