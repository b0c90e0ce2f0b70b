"""The evidence sentence of a quotes or claims row, bounded.

Every row carries the sentence that holds it (its evidence, with ``sentence_start`` and
``sentence_end``). A sentence longer than ``EVIDENCE_MAX_CHARS`` (a list of thousands of short
quotations or figures with no full stop) would be repeated whole in every one of its rows, so
the table would grow with the square of the input: such a sentence is written clipped to
``EVIDENCE_CONTEXT_CHARS`` characters either side of the row's span, cut at a blank, each cut
marked with an ellipsis. The offsets still give the whole sentence (``article.text``). A sentence
that is not the whole of ``[sentence_start, sentence_end)`` (already clipped, as in a table read
back) is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from quotetrack.models import EVIDENCE_CONTEXT_CHARS, EVIDENCE_MAX_CHARS

ELLIPSIS = "\u2026"
#: the tables whose rows carry an evidence sentence, and the columns the clip reads
CLIPPED_TABLES = frozenset({"quotes", "claims"})
COLUMNS = ("sentence", "sentence_start", "sentence_end", "start", "end")


def clip_sentence(
    sentence: str,
    sentence_start: int | None,
    sentence_end: int | None,
    start: int | None,
    end: int | None,
    max_chars: int = EVIDENCE_MAX_CHARS,
    context: int = EVIDENCE_CONTEXT_CHARS,
) -> str:
    """``sentence`` when it has at most ``max_chars`` characters (or is not the whole sentence of
    its offsets); else the part ``context`` characters either side of the span ``[start, end)``,
    widened to the nearest blank outside it, with an ellipsis at each cut."""
    if (
        not isinstance(sentence, str)
        or len(sentence) <= max_chars
        or sentence_start is None
        or sentence_end is None
        or start is None
        or end is None
        or sentence_end - sentence_start != len(sentence)
    ):
        return sentence
    size = len(sentence)
    lo = min(max(start - sentence_start, 0), size)
    hi = min(max(end - sentence_start, lo), size)
    a = max(lo - context, 0)
    b = min(hi + context, size)
    if a > 0:
        blank = sentence.find(" ", a, lo)
        a = blank + 1 if blank >= 0 else a
    if b < size:
        blank = sentence.rfind(" ", hi, b)
        b = blank if blank >= 0 else b
    return (ELLIPSIS if a > 0 else "") + sentence[a:b] + (ELLIPSIS if b < size else "")


def clip_records(table: str, names: Sequence[str], rows: list[Any]) -> list[Any]:
    """``rows`` (sequences of cells in ``names`` order) with the evidence sentence of each row of
    a clipped table bounded (``clip_sentence``); rows of other tables, and rows whose sentence is
    short, are returned as they are."""
    if table not in CLIPPED_TABLES or not all(c in names for c in COLUMNS):
        return rows
    at = [names.index(c) for c in COLUMNS]
    k = at[0]
    out = rows
    for i, row in enumerate(rows):
        sentence = row[k]
        if isinstance(sentence, str) and len(sentence) > EVIDENCE_MAX_CHARS:
            clipped = clip_sentence(*(row[j] for j in at))
            if clipped is not sentence:
                if out is rows:
                    out = list(rows)
                changed = list(row)
                changed[k] = clipped
                out[i] = type(row)(changed) if isinstance(row, tuple) else changed
    return out
