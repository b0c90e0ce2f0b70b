"""The same quote across documents: identical, re-punctuated, split differently, truncated, altered.

Method: quotes (not scare quotes) are reduced to lower-cased words; an inverted index of word
trigrams proposes candidate pairs from different documents, and a pair stays a candidate only when
it shares at least a quarter of the smaller wording's trigrams (``min_shared_trigrams``: two
different quotes that share one common phrase, "we are going to", are not compared; the work is
linear in the number of quotes plus the candidates); each candidate is then classified with
rapidfuzz:

* ``identical``: the same text once typography (curly/straight marks, dashes) is folded;
* ``same_words``: the same words, punctuation or marks differ;
* ``split_differently``: one document's quote is covered by two or more quotes of the other;
* ``truncated``: one quote's words lie inside the other's;
* ``altered``: similar wording (rapidfuzz ratio at or above the threshold), with a word diff.

Memory: the wordings (one ``Cluster`` each) and their quotes are in the comparison's spill store
(``quotetrack.compare.spill``); only the wordings used most recently are kept at hand. The trigram
index pairs wordings in memory while it is small and in the spill store past that
(``quotetrack.compare.trigram_index``). Quotes are read back cluster by cluster when a row is made,
so rows come one at a time (``match_clusters`` is a generator); what grows in memory is the rows
found (one entry per quote_matches row until they are sorted). A piece that many copies of a story
quote inside one longer quote is one row listing every copy."""

from __future__ import annotations

import heapq
import pickle
import sys
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from quotetrack.compare.spill import SpillStore, WordingRow
from quotetrack.compare.text import inner, shingles, typographic_inner, words
from quotetrack.compare.trigram_index import TrigramIndex
from quotetrack.models import QuoteMatch

SHINGLE = 3
MIN_WORDS = 3
MAX_POSTING = 200  # clusters a trigram may be in and still propose pairs
CLUSTER_CACHE = 1 << 14  # wordings kept at hand (by words while adding, by number while matching)
WORDING_CACHE = 1 << 13  # quote texts whose wording is remembered (copies of recent stories)
SEEN_BITS = 1 << 23  # a 1 MB filter of the wordings seen: a new one is not looked up on disk
MEMBER_CACHE_ROWS = 4096  # quotes of the clusters read most recently, kept at hand while matching


@dataclass(frozen=True)
class QuoteMatchOptions:
    """Thresholds of quote matching (rapidfuzz scores, 0-100)."""

    min_similarity: float = 80.0
    containment: float = (
        95.0  # partial_ratio for "one quote lies inside the other" (small edits allowed)
    )
    max_piece_share: float = 0.8  # a fuzzy piece is at most this share of the longer quote
    split_coverage: float = 0.85
    min_shared_trigrams: float = (
        0.25  # a candidate pair shares at least this share of the smaller wording's trigrams
    )


def names_agree(a: str | None, b: str | None) -> bool | None:
    """Whether two speaker names can be the same person ("Fares" ~ "Nawaf Fares"); None if one is
    unknown."""
    if not a or not b:
        return None
    ta, tb = set(words(a)), set(words(b))
    if not ta or not tb:
        return None
    return ta <= tb or tb <= ta


def speakers_agree(names: Sequence[str | None]) -> bool | None:
    """True when every named speaker is compatible with every other; None when fewer than two are
    named."""
    named = [n for n in names if n]
    if len(named) < 2:
        return None
    distinct = sorted(
        set(named)
    )  # copies repeat the same few names: compare each pair of names once
    return all(
        names_agree(a, b) is not False for i, a in enumerate(distinct) for b in distinct[i + 1 :]
    )


def word_diff(a: list[str], b: list[str]) -> str:
    """A short word-level diff from ``a`` to ``b``: ``-old +new`` chunks joined by ``; ``."""
    parts = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        old = " ".join(a[op.src_start : op.src_end])
        new = " ".join(b[op.dest_start : op.dest_end])
        parts.append(
            " ".join(p for p in (f"-{old!r}" if old else "", f"+{new!r}" if new else "") if p)
        )
    return "; ".join(parts)


class Cluster:
    """What stays in memory of one distinct wording: its words and a summary of its quotes (the
    quotes themselves are in the spill store)."""

    __slots__ = ("cid", "joined", "n_tokens", "first_doc", "multi_doc", "form", "same_form")

    def __init__(self, cid: int, joined: str, first_doc: str, form: int) -> None:
        self.cid = cid
        self.joined = joined
        self.n_tokens = joined.count(" ") + 1
        self.first_doc = first_doc
        self.multi_doc = False
        self.form = form
        self.same_form = True

    @property
    def tokens(self) -> list[str]:
        """The lower-cased words of the wording."""
        return self.joined.split(" ")

    def has_doc_other_than(self, doc_id: str) -> bool:
        """True when a quote of the cluster is in a document other than ``doc_id``."""
        return self.multi_doc or self.first_doc != doc_id


@lru_cache(maxsize=WORDING_CACHE)
def wording(text: str) -> tuple[str, int]:
    """(the quote's lower-cased words joined by spaces, or "" when under ``MIN_WORDS``; a hash of
    its typographic form) -- cached, since wire copies repeat the same quotes."""
    stripped = inner(text)  # once for both forms
    tokens = words(stripped)
    return (" ".join(tokens) if len(tokens) >= MIN_WORDS else ""), hash(typographic_inner(stripped))


class QuoteClusters:
    """Quotes grouped by their words, built one quote at a time: every wording and every quote in
    the spill store, the wordings used most recently at hand."""

    def __init__(self, store: SpillStore, cache_size: int | None = None) -> None:
        self.store = store
        self.cache_size = cache_size or CLUSTER_CACHE
        self.recent: OrderedDict[str, Cluster] = (
            OrderedDict()
        )  # joined words -> cluster, least recent first
        self.by_id: OrderedDict[int, Cluster] = OrderedDict()  # cid -> cluster, while matching
        self.count = 0
        self._members: OrderedDict[int, list[dict[str, Any]]] = (
            OrderedDict()
        )  # cid -> its quotes, least recent first
        self._member_rows = 0  # quotes held in ``_members``
        # one bit per hash of a wording seen (a Bloom filter with one hash): a clear bit means a
        # new wording, so most new wordings skip the look-up in the spill store
        self._seen = bytearray(SEEN_BITS // 8)

    def __len__(self) -> int:
        return self.count

    def add(self, row: dict[str, Any]) -> None:
        """Take in one quote (scare quotes and quotes under three words are left out)."""
        if row.get("kind") == "scare":
            return
        text = row["text"]
        joined, form = wording(text)
        if not joined:
            return
        if self._members:
            self._members.clear()  # a cluster's quotes may change
            self._member_rows = 0
        cluster = self._cluster(joined)
        doc_id = row["doc_id"]
        if cluster is None:
            cluster = Cluster(self.count, joined, sys.intern(doc_id), form)
            self.count += 1
            self.store.add_wording((cluster.cid, joined, cluster.first_doc, False, form, True))
            bit = hash(joined) % SEEN_BITS
            self._seen[bit >> 3] |= 1 << (bit & 7)
            self._remember(self.recent, joined, cluster)
        else:
            multi_doc = cluster.multi_doc or doc_id != cluster.first_doc
            same_form = cluster.same_form and form == cluster.form
            if (multi_doc, same_form) != (cluster.multi_doc, cluster.same_form):
                cluster.multi_doc, cluster.same_form = multi_doc, same_form
                self.store.update_wording(cluster.cid, multi_doc, same_form)
        self.store.add_quote_member(cluster.cid, row)

    def _cluster(self, joined: str) -> Cluster | None:
        cluster = self.recent.get(joined)
        if cluster is not None:
            self.recent.move_to_end(joined)
            return cluster
        bit = hash(joined) % SEEN_BITS
        if not self._seen[bit >> 3] & (1 << (bit & 7)):
            return None  # never seen
        row = self.store.wording(joined)
        if row is None:
            return None
        cluster = _cluster_of(row)
        self._remember(self.recent, joined, cluster)
        return cluster

    def _remember(self, cache: OrderedDict[Any, Cluster], key: Any, cluster: Cluster) -> None:
        cache[key] = cluster
        if len(cache) > self.cache_size:
            cache.popitem(last=False)

    def __iter__(self) -> Iterator[Cluster]:
        """Every cluster, in the order its wording was first seen."""
        return (_cluster_of(row) for row in self.store.wordings())

    def get(self, cid: int) -> Cluster:
        """The cluster numbered ``cid``."""
        cluster = self.by_id.get(cid)
        if cluster is None:
            cluster = _cluster_of(self.store.wording_by_id(cid))
            self._remember(self.by_id, cid, cluster)
        else:
            self.by_id.move_to_end(cid)
        return cluster

    def members(self, cid: int) -> list[dict[str, Any]]:
        """The quotes of cluster ``cid``, ordered by document and offset (do not change the list:
        the clusters read most recently are kept, up to ``MEMBER_CACHE_ROWS`` quotes in all)."""
        rows = self._members.get(cid)
        if rows is not None:
            self._members.move_to_end(cid)
            return rows
        rows = self._members[cid] = self.store.quote_members(cid)
        self._member_rows += len(rows)
        while self._member_rows > MEMBER_CACHE_ROWS and len(self._members) > 1:
            self._member_rows -= len(self._members.popitem(last=False)[1])
        return rows


def _cluster_of(row: WordingRow) -> Cluster:
    cid, joined, first_doc, multi_doc, form, same_form = row
    cluster = Cluster(cid, joined, sys.intern(first_doc), form)
    cluster.multi_doc, cluster.same_form = bool(multi_doc), bool(same_form)
    return cluster


@dataclass
class _Group:
    """One quote_matches row before its quotes are fetched: which clusters, which of their quotes
    (clusters by number, so that a group can wait in the spill store until the table is sorted)."""

    status: str
    similarity: float
    diff: str | None
    clusters: tuple[int, ...]  # every quote of these clusters ...
    whole: int | None = None  # ... and of this one, except a single piece document's
    piece_docs: set[str] = field(default_factory=set)
    pieces: set[tuple[int, str, int]] = field(default_factory=set)  # (cluster id, doc_id, start)
    pieces_of: tuple[int, ...] = ()

    def rows(self, quote_clusters: QuoteClusters) -> list[dict[str, Any]]:
        """The group's quotes, ordered by document and offset."""
        parts = [quote_clusters.members(c) for c in self.clusters]
        if self.whole is not None:
            alone = next(iter(self.piece_docs)) if len(self.piece_docs) == 1 else None
            parts.append([r for r in quote_clusters.members(self.whole) if r["doc_id"] != alone])
            for c in self.pieces_of:
                parts.append(
                    [
                        r
                        for r in quote_clusters.members(c)
                        if (c, r["doc_id"], r["start"]) in self.pieces
                    ]
                )
        return list(heapq.merge(*parts, key=lambda r: (r["doc_id"], r["start"])))


SORT_PREFIX = 16  # quotes of a group that decide its place in the table (ties: the order found)


def table_order(rows: list[dict[str, Any]]) -> bytes:
    """A group's place in the table as bytes that sort as its first SORT_PREFIX (doc_id, start)
    pairs do as lists of tuples (a NUL ends each doc_id, starts are zero-padded)."""
    return "".join(f"{r['doc_id']}\x00{r['start']:012d}\x01" for r in rows[:SORT_PREFIX]).encode()


def match_clusters(
    quote_clusters: QuoteClusters,
    syndicated: set[frozenset[str]] | None = None,
    options: QuoteMatchOptions | None = None,
) -> Iterator[QuoteMatch]:
    """Quote matches across documents from clustered quotes, one row at a time.

    Quotes with the same words form one cluster (one ``identical`` / ``same_words`` row listing
    them all, however many outlets repeat them); only one representative per cluster enters the
    trigram index, so a quote repeated by a thousand outlets costs one candidate, not a million.
    A piece found in many copies of a story inside the same longer quote is one ``truncated`` /
    ``split_differently`` row listing every copy (not one row per copy)."""
    options = options or QuoteMatchOptions()
    syndicated = syndicated or set()
    store = quote_clusters.store
    store.start_matching()
    found = 0  # groups found so far: a group's number breaks ties in the table's order

    def keep(group: _Group, number: int | None = None) -> None:
        nonlocal found
        store.add_match_group(
            table_order(group.rows(quote_clusters)),
            found if number is None else number,
            pickle.dumps(group, pickle.HIGHEST_PROTOCOL),
        )
        found += number is None

    # a phrase in more than MAX_POSTING wordings is too common to propose ("we are going to")
    index = TrigramIndex(store, MAX_POSTING)
    for c in quote_clusters:
        if c.multi_doc:
            keep(_Group("identical" if c.same_form else "same_words", 1.0, None, (c.cid,)))
        index.add(c.cid, shingles(c.tokens, SHINGLE))
    reps = quote_clusters.get

    contained_in: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(
        list
    )  # (long, doc) -> (start, short)
    # pairs sharing one common phrase ("we are going to") in two different quotes are not proposed
    for i, j in index.candidates(options.min_shared_trigrams):
        a, b = reps(i), reps(j)
        short, long_ = (i, j) if len(a.joined) <= len(b.joined) else (j, i)
        s_text, l_text = reps(short).joined, reps(long_).joined
        if f" {s_text} " in f" {l_text} " or (
            len(s_text) <= options.max_piece_share * len(l_text)
            and fuzz.partial_ratio(s_text, l_text, score_cutoff=options.containment)
            >= options.containment
        ):
            for piece in quote_clusters.members(short):
                contained_in[(long_, piece["doc_id"])].append((piece["start"], short))
            continue
        if not (a.multi_doc or b.multi_doc or a.first_doc != b.first_doc):
            continue  # both wordings only in one document: not a match across documents
        ratio = fuzz.ratio(a.joined, b.joined, score_cutoff=options.min_similarity)
        if ratio >= options.min_similarity:
            keep(_Group("altered", round(ratio / 100, 3), word_diff(a.tokens, b.tokens), (i, j)))

    merged: dict[
        tuple[Any, ...], tuple[int, _Group]
    ] = {}  # rows of pieces gather copies: kept at the end
    for (long_, doc), pieces in sorted(contained_in.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        whole = reps(long_)
        if not whole.has_doc_other_than(doc):
            continue
        pieces.sort()
        covered = sum(reps(short).n_tokens for _, short in pieces) / max(whole.n_tokens, 1)
        if len(pieces) >= 2 and covered >= options.split_coverage:
            pieces_found = [
                (
                    "split_differently",
                    round(min(covered, 1.0), 3),
                    tuple(short for _, short in pieces),
                    pieces,
                )
            ]
        else:
            pieces_found = [
                (
                    "truncated",
                    round(reps(short).n_tokens / whole.n_tokens, 3),
                    (short,),
                    [(start, short)],
                )
                for start, short in pieces
            ]
        for status, sim, shorts, chosen in pieces_found:
            entry = merged.get((status, long_, shorts))
            if entry is None:
                entry = merged[(status, long_, shorts)] = (
                    found,
                    _Group(status, sim, None, (), long_, pieces_of=tuple(dict.fromkeys(shorts))),
                )
                found += 1
            group = entry[1]
            group.piece_docs.add(doc)
            group.pieces.update((short, doc, start) for start, short in chosen)
    del contained_in
    for number, group in merged.values():
        keep(group, number)
    del merged

    for n, group in enumerate(store.match_groups(), start=1):
        rows_ = group.rows(quote_clusters)
        docs = [r["doc_id"] for r in rows_]
        speakers = [r.get("speaker") for r in rows_]
        yield QuoteMatch(
            match_id=f"m{n}",
            quote_ids=[r["quote_id"] for r in rows_],
            doc_ids=docs,
            outlets=[r.get("outlet") for r in rows_],
            similarity=group.similarity,
            status=group.status,
            diff=group.diff,
            speakers=speakers,
            speaker_agrees=speakers_agree(speakers),
            reported_by=[r.get("reported_by") for r in rows_],
            texts=[r["text"] for r in rows_],
            starts=[r["start"] for r in rows_],
            ends=[r["end"] for r in rows_],
            syndicated=frozenset(docs) in syndicated if len(set(docs)) == 2 else False,
        )
