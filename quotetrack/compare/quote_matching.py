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
from dataclasses import dataclass
from typing import Any, Sequence

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
    return all(names_agree(a, b) is not False for i, a in enumerate(named) for b in named[i + 1:])


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


def match_quotes(rows: list[dict[str, Any]], syndicated: set[frozenset[str]] | None = None,
                 options: QuoteMatchOptions | None = None) -> list[QuoteMatch]:
    """Quote matches across documents from quote rows (dicts with the ``quotes`` table's columns)."""
    options = options or QuoteMatchOptions()
    syndicated = syndicated or set()
    items: list[_Q] = []
    for row in rows:
        if row.get("kind") == "scare":
            continue
        tokens = words(inner(row["text"]))
        if len(tokens) >= MIN_WORDS:
            items.append(_Q(row, tokens, " ".join(tokens)))
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for sh in shingles(item.tokens, SHINGLE):
            index[sh].append(i)
    candidates: set[tuple[int, int]] = set()
    for members in index.values():
        if len(members) > 200:  # a phrase too common to propose pairs ("we are going to")
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if items[i].row["doc_id"] != items[j].row["doc_id"]:
                    candidates.add((i, j))

    contained_in: dict[tuple[int, str], list[int]] = defaultdict(list)  # (long, other doc) -> short pieces
    pairs: list[tuple[int, int, str, float, str | None]] = []
    for i, j in sorted(candidates):
        a, b = items[i], items[j]
        if a.joined == b.joined:
            same = typographic(a.row["text"]) == typographic(b.row["text"])
            pairs.append((i, j, "identical" if same else "same_words", 1.0, None))
            continue
        short, long_ = (i, j) if len(a.joined) <= len(b.joined) else (j, i)
        s_text, l_text = items[short].joined, items[long_].joined
        if f" {s_text} " in f" {l_text} " or (len(s_text) <= options.max_piece_share * len(l_text)
                                            and fuzz.partial_ratio(s_text, l_text) >= options.containment):
            contained_in[(long_, items[short].row["doc_id"])].append(short)
            continue
        ratio = fuzz.ratio(a.joined, b.joined)
        if ratio >= options.min_similarity:
            pairs.append((i, j, "altered", round(ratio / 100, 3), word_diff(a.tokens, b.tokens)))

    groups: list[tuple[list[int], str, float, str | None]] = []
    for (long_, _doc), pieces in sorted(contained_in.items()):
        pieces = sorted(set(pieces), key=lambda k: items[k].row["start"])
        covered = sum(len(items[k].tokens) for k in pieces) / max(len(items[long_].tokens), 1)
        if len(pieces) >= 2 and covered >= options.split_coverage:
            groups.append(([long_] + pieces, "split_differently", round(min(covered, 1.0), 3), None))
        else:
            for k in pieces:
                sim = round(len(items[k].tokens) / len(items[long_].tokens), 3)
                groups.append(([k, long_], "truncated", sim, None))
    groups.extend(([i, j], status, sim, diff) for i, j, status, sim, diff in pairs)

    def order(members: list[int]) -> list[int]:
        return sorted(members, key=lambda k: (items[k].row["doc_id"], items[k].row["start"]))

    matches = []
    for n, (members, status, sim, diff) in enumerate(sorted(groups, key=lambda g: [
            (items[k].row["doc_id"], items[k].row["start"]) for k in order(g[0])]), start=1):
        rows_ = [items[k].row for k in order(members)]
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
