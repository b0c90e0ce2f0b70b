"""The same quote across documents: identical, re-punctuated, split differently, truncated, altered.

Method: quotes (not scare quotes) are reduced to lower-cased words; an inverted index of word
trigrams proposes candidate pairs from different documents (so the work is linear in the number of
quotes plus the candidates); each candidate is then classified with rapidfuzz:

* ``identical``: the same text once typography (curly/straight marks, dashes) is folded;
* ``same_words``: the same words, punctuation or marks differ;
* ``split_differently``: one document's quote is covered by two or more quotes of the other;
* ``truncated``: one quote's words lie inside the other's;
* ``altered``: similar wording (rapidfuzz ratio at or above the threshold), with a word diff.
"""

from __future__ import annotations

from collections import defaultdict
import sys
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from quotetrack.compare.text import inner, shingles, typographic, words
from quotetrack.models import QuoteMatch

SHINGLE = 3
MIN_WORDS = 3


@dataclass(frozen=True)
class QuoteMatchOptions:
    """Thresholds of quote matching (rapidfuzz scores, 0-100)."""

    min_similarity: float = 80.0
    containment: float = 95.0  # partial_ratio for "one quote lies inside the other" (small edits allowed)
    max_piece_share: float = 0.8  # a fuzzy piece is at most this share of the longer quote
    split_coverage: float = 0.85


@dataclass
class _Q:
    row: dict[str, Any]
    tokens: list[str]
    joined: str


def names_agree(a: str | None, b: str | None) -> bool | None:
    """Whether two speaker names can be the same person ("Fares" ~ "Nawaf Fares"); None if one is unknown."""
    if not a or not b:
        return None
    ta, tb = set(words(a)), set(words(b))
    if not ta or not tb:
        return None
    return ta <= tb or tb <= ta


def speakers_agree(names: Sequence[str | None]) -> bool | None:
    """True when every named speaker is compatible with every other; None when fewer than two are named."""
    named = [n for n in names if n]
    if len(named) < 2:
        return None
    distinct = sorted(set(named))  # copies repeat the same few names: compare each pair of names once
    return all(names_agree(a, b) is not False for i, a in enumerate(distinct) for b in distinct[i + 1:])


def word_diff(a: list[str], b: list[str]) -> str:
    """A short word-level diff from ``a`` to ``b``: ``-old +new`` chunks joined by ``; ``."""
    parts = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        old = " ".join(a[op.src_start:op.src_end])
        new = " ".join(b[op.dest_start:op.dest_end])
        parts.append(" ".join(p for p in (f"-{old!r}" if old else "", f"+{new!r}" if new else "") if p))
    return "; ".join(parts)


class QuoteRow:
    """The fields of one quote that matching needs (slots: a fraction of a dict's memory)."""

    __slots__ = ("quote_id", "doc_id", "outlet", "utterance_id", "start", "end", "text", "kind", "speaker",
                 "reported_by")

    def __init__(self, row: dict[str, Any]) -> None:
        for name in self.__slots__:
            value = row.get(name)
            # copies of one quote in many articles share one string
            setattr(self, name, sys.intern(value) if isinstance(value, str) else value)

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        """The field ``name`` (like ``dict.get``)."""
        value = getattr(self, name, default)
        return default if value is None else value


class QuoteClusters:
    """Quotes grouped by their words, built one quote at a time (copies share the tokens)."""

    def __init__(self) -> None:
        self.clusters: dict[str, list[_Q]] = {}
        self._joined_of: dict[str, str] = {}  # quote text -> its words (copies are not re-read)

    def add(self, row: dict[str, Any] | QuoteRow) -> None:
        """Take in one quote (scare quotes and quotes under three words are left out)."""
        if row.get("kind") == "scare":
            return
        joined = self._joined_of.get(row["text"])
        if joined is None:
            tokens = words(inner(row["text"]))
            joined = self._joined_of[row["text"]] = " ".join(tokens) if len(tokens) >= MIN_WORDS else ""
        if not joined:
            return
        members = self.clusters.get(joined)
        tokens = members[0].tokens if members else joined.split(" ")
        if members is None:
            self.clusters[joined] = [_Q(row, tokens, joined)]  # type: ignore[arg-type]
        else:
            members.append(_Q(row, tokens, members[0].joined))  # type: ignore[arg-type]


def match_quotes(rows: Iterable[dict[str, Any]], syndicated: set[frozenset[str]] | None = None,
                 options: QuoteMatchOptions | None = None) -> list[QuoteMatch]:
    """Quote matches across documents from quote rows (dicts with the ``quotes`` table's columns)."""
    clusters = QuoteClusters()
    for row in rows:
        clusters.add(row)
    return match_clusters(clusters, syndicated, options)


def match_clusters(quote_clusters: QuoteClusters, syndicated: set[frozenset[str]] | None = None,
                   options: QuoteMatchOptions | None = None) -> list[QuoteMatch]:
    """Quote matches across documents from clustered quotes.

    Quotes with the same words form one cluster (one ``identical`` / ``same_words`` row listing
    them all, however many outlets repeat them); only one representative per cluster enters the
    trigram index, so a quote repeated by a thousand outlets costs one candidate, not a million.
    """
    options = options or QuoteMatchOptions()
    syndicated = syndicated or set()
    clusters = quote_clusters.clusters
    reps = list(clusters.values())
    groups: list[tuple[list[_Q], str, float, str | None]] = []
    for members in reps:
        if len({m.row["doc_id"] for m in members}) >= 2:
            same = len({typographic(m.row["text"]) for m in members}) == 1
            groups.append((members, "identical" if same else "same_words", 1.0, None))

    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, members in enumerate(reps):
        for sh in shingles(members[0].tokens, SHINGLE):
            index[sh].append(i)
    candidates: set[tuple[int, int]] = set()
    for posting in index.values():
        if len(posting) > 200:  # a phrase too common to propose pairs ("we are going to")
            continue
        for x in range(len(posting)):
            for y in range(x + 1, len(posting)):
                candidates.add((posting[x], posting[y]))

    contained_in: dict[tuple[int, str], list[_Q]] = defaultdict(list)  # (long cluster, doc) -> pieces
    for i, j in sorted(candidates):
        a, b = reps[i][0], reps[j][0]
        short, long_ = (i, j) if len(a.joined) <= len(b.joined) else (j, i)
        s_text, l_text = reps[short][0].joined, reps[long_][0].joined
        if f" {s_text} " in f" {l_text} " or (len(s_text) <= options.max_piece_share * len(l_text)
                                            and fuzz.partial_ratio(s_text, l_text) >= options.containment):
            for piece in reps[short]:
                contained_in[(long_, piece.row["doc_id"])].append(piece)
            continue
        ratio = fuzz.ratio(a.joined, b.joined)
        if ratio >= options.min_similarity and len(_docs(reps[i]) | _docs(reps[j])) > 1:
            groups.append((reps[i] + reps[j], "altered", round(ratio / 100, 3), word_diff(a.tokens, b.tokens)))

    for (long_, doc), pieces in sorted(contained_in.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        whole = [m for m in reps[long_] if m.row["doc_id"] != doc]
        if not whole:
            continue
        pieces = sorted(pieces, key=lambda q: q.row["start"])
        covered = sum(len(q.tokens) for q in pieces) / max(len(whole[0].tokens), 1)
        if len(pieces) >= 2 and covered >= options.split_coverage:
            groups.append((whole + pieces, "split_differently", round(min(covered, 1.0), 3), None))
        else:
            for piece in pieces:
                groups.append((whole + [piece], "truncated", round(len(piece.tokens) / len(whole[0].tokens), 3), None))

    def order(members: list[_Q]) -> list[_Q]:
        return sorted(members, key=lambda q: (q.row["doc_id"], q.row["start"]))

    matches = []
    for n, (members, status, sim, diff) in enumerate(sorted(groups, key=lambda g: [
            (q.row["doc_id"], q.row["start"]) for q in order(g[0])]), start=1):
        rows_ = [q.row for q in order(members)]
        docs = [r["doc_id"] for r in rows_]
        speakers = [r.get("speaker") for r in rows_]
        matches.append(QuoteMatch(
            match_id=f"m{n}", quote_ids=[r["quote_id"] for r in rows_], doc_ids=docs,
            outlets=[r.get("outlet") for r in rows_], similarity=sim, status=status, diff=diff,
            speakers=speakers, speaker_agrees=speakers_agree(speakers),
            reported_by=[r.get("reported_by") for r in rows_], texts=[r["text"] for r in rows_],
            starts=[r["start"] for r in rows_], ends=[r["end"] for r in rows_],
            syndicated=frozenset(docs) in syndicated if len(set(docs)) == 2 else False))
    return matches


def _docs(members: list[_Q]) -> set[str]:
    return {m.row["doc_id"] for m in members}
