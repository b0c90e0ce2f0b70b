"""Segmentation with offsets: paragraphs, sentences and paired quotation marks.

* Paragraphs are lines of text; a hard-wrapped line (no final punctuation, next line starting in
  lower case) is joined to the next one.
* Sentences end at ``.``, ``!``, ``?`` or ``…`` (plus closing marks) before whitespace and an
  upper-case letter, digit or opening mark, except after an abbreviation from
  ``rules/abbreviations.toml`` or a one-letter initial.
* A sentence longer than ``[sentences] max_chars`` of ``rules/abbreviations.toml`` (a list of
  figures or quotations with no full stop, a page with no punctuation) is split into parts of at
  most that length: at the last clause boundary (a comma, semicolon, colon or dash before a blank,
  or a line break) in the second half of each part, else at the last blank there, else at the
  bound; a ``long_sentence`` issue row records it. Every later stage works sentence by sentence,
  so this bounds their work on one sentence and keeps the whole document linear.
* Quotation marks are classified (opening, closing, apostrophe) from their neighbours and paired
  per paragraph, one family at a time (double marks, then single marks outside them). A double
  quote left open at a paragraph end continues when the next paragraph opens with a mark (the
  news convention for quotes over several paragraphs); otherwise the mark is stray, the segment
  is recovered to the paragraph end, and an ``unclosed_quote`` issue row records it.

The whole document is scanned once per kind of boundary with compiled regexes; Python loops run
over the boundaries found, never over characters.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Literal

import regex
from pydantic import Field

from quotetrack.models import Issue
from quotetrack.rulebook.ruleset import RuleFile, RuleSet, StrictModel, lexicon_alternation

SPACES_RE = re.compile(r"\s*")  # the stdlib's \s is exactly str.isspace


#: marks written with two characters, read as the one mark they stand for
TWO_CHARACTER_MARKS = {"''": '"', "``": "\u201c"}
MAX_STRAY_ISSUES = 3  # per paragraph; the rest of a paragraph's stray marks share one issue row
# a markup tag with attributes ("<tweet id=\"42\" author=\"x\">", "</a>"): its marks are not quotes
TAG_RE = regex.compile(
    r"</?[A-Za-z][\w:-]*(?:\s+[\w:-]+\s*=\s*(?:\"[^\"<>\n]*\"|'[^'<>\n]*'|[^\s<>\"']+))*\s*/?>"
)


class AbbreviationLists(StrictModel):
    """The ``[abbreviations]`` table of ``rules/abbreviations.toml``."""

    titles: list[str] = Field(default_factory=list)
    months: list[str] = Field(default_factory=list)
    others: list[str] = Field(default_factory=list)
    sentence_starters: list[str] = Field(default_factory=list)


class SentenceLimits(StrictModel):
    """The ``[sentences]`` table of ``rules/abbreviations.toml``."""

    max_chars: int = Field(
        default=2000,
        ge=100,
        description="longest sentence kept whole; a longer one is split at clause boundaries",
    )


class AbbreviationRules(RuleFile):
    """Schema of ``rules/abbreviations.toml``."""

    abbreviations: AbbreviationLists
    sentences: SentenceLimits = Field(default_factory=SentenceLimits)


class QuotePair(StrictModel):
    """An opening mark and the closing marks that end it."""

    open: str = Field(min_length=1, max_length=1)
    close: list[str] = Field(min_length=1)
    family: Literal["double", "single"]


class QuoteMarkRules(RuleFile):
    """Schema of ``rules/quote_marks.toml``."""

    pairs: list[QuotePair] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Span:
    """A paragraph or sentence: ``[start, end)`` into the article text."""

    start: int
    end: int
    index: int
    paragraph: int = 0


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """One contiguous quoted segment, marks included (the opening one may be missing)."""

    start: int
    end: int
    paragraph: int
    family: str  # "double" or "single"
    closed: bool  # a closing mark ends the segment
    continues: bool = False  # runs on into the next paragraph's segment
    continued_from: int | None = None  # index (in Segmentation.quotes) of the previous segment
    in_headline: bool = False
    index: int = 0


@dataclass(slots=True)
class Segmentation:
    """Everything segment() finds in one article."""

    text: str
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    quotes: list[QuoteSpan] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list)

    def sentence_index_at(self, offset: int) -> int | None:
        """Index of the sentence holding ``offset`` (or the nearest before it)."""
        if not self.sentences:
            return None
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        return max(i, 0)

    def sentence_at(self, offset: int) -> Span | None:
        """The sentence that holds ``offset``."""
        i = self.sentence_index_at(offset)
        return self.sentences[i] if i is not None else None


class Segmenter:
    """Compiled segmentation rules for one rule set (build once, reuse for every document)."""

    def __init__(self, ruleset: RuleSet) -> None:
        abbrev = ruleset.get("abbreviations.toml").abbreviations
        marks: QuoteMarkRules = ruleset.get("quote_marks.toml")
        self.titles = frozenset(abbrev.titles)
        self.months = frozenset(abbrev.months)
        self.others = frozenset(a.lower() for a in abbrev.others)
        self.starters = frozenset(abbrev.sentence_starters)
        self.max_chars = ruleset.get("abbreviations.toml").sentences.max_chars
        # searched backwards from a long sentence's bound: a clause boundary (a comma, semicolon,
        # colon or dash before a blank, or a line break), else a blank; a part ends at its end
        self.clause_break_re = regex.compile(r"(?r)(?:[,;:\u2014\u2013]|(?<=\s)-)(?=\s)|\n")
        self.blank_re = regex.compile(r"(?r)\s")
        self.line_re = regex.compile(r"[^\n]*\n?")
        self.boundary_re = regex.compile(
            r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*(?=\s+[\"'\u201c\u2018\u00ab(\[]*[\p{Lu}\d])"
        )
        self.word_before_re = regex.compile(r"(?r)(\S+)$")  # searched backwards from the period
        self.initials_re = regex.compile(r"(?:\p{L}\.){2,}")
        self.next_word_re = regex.compile(
            r"\s+[\"'\u201c\u2018\u00ab(\[]*([\p{L}\d][\p{L}\d'\u2019.-]*)"
        )
        self.pairs = marks.pairs
        self.open_family: dict[str, str] = {p.open: p.family for p in marks.pairs}
        self.closers: dict[str, frozenset[str]] = {p.open: frozenset(p.close) for p in marks.pairs}
        all_marks = (
            {p.open for p in marks.pairs} | {c for p in marks.pairs for c in p.close} | {'"', "'"}
        )
        # Two apostrophes ('') stand for a double mark in some archives (the New York Times),
        # two grave accents (``) for an opening one in text tokenised the Penn Treebank way.
        # Three after a word close a single quote, then the double one: 'old-school,'''
        self.mark_re = regex.compile(
            "(?<=\\S)'(?='')|''|``|[" + regex.escape("".join(sorted(all_marks))) + "]"
        )
        self.double_marks = frozenset(
            {p.open for p in marks.pairs if p.family == "double"}
            | {c for p in marks.pairs if p.family == "double" for c in p.close}
            | {'"'}
        )
        self.double_closers = frozenset(
            c for p in marks.pairs if p.family == "double" for c in p.close
        )
        elisions = marks.lexicons.get("elisions", [])
        self.elision_re = (
            regex.compile("(?i)(?:" + lexicon_alternation(elisions) + r")(?![\p{L}\d])")
            if elisions
            else None
        )

    # -- paragraphs ----------------------------------------------------------------------------
    def paragraphs(self, text: str) -> list[Span]:
        """Non-blank lines (hard-wrapped lines joined), trimmed of surrounding whitespace."""
        spans: list[Span] = []
        pending: tuple[int, int] | None = None
        for m in self.line_re.finditer(text):
            line = m.group()
            if not line:
                break
            stripped = line.strip()
            if not stripped:
                if pending:
                    spans.append(Span(pending[0], pending[1], len(spans)))
                    pending = None
                continue
            lead = len(line) - len(line.lstrip())
            start = m.start() + lead
            end = start + len(stripped)
            if pending and _is_wrapped(text[pending[0] : pending[1]], stripped):
                pending = (pending[0], end)
                continue
            if pending:
                spans.append(Span(pending[0], pending[1], len(spans)))
            pending = (start, end)
        if pending:
            spans.append(Span(pending[0], pending[1], len(spans)))
        return spans

    # -- sentences -----------------------------------------------------------------------------
    def sentences(
        self, text: str, paragraphs: list[Span], split: list[tuple[int, int, int]] | None = None
    ) -> list[Span]:
        """Sentences inside each paragraph (a sentence never crosses a paragraph); one longer
        than ``max_chars`` is split in parts (``split`` gets its start, end and number of
        parts)."""
        out: list[Span] = []
        for para in paragraphs:
            start = para.start
            for m in self.boundary_re.finditer(text, para.start, para.end):
                if not self._ends_sentence(text, m.start(), m.end(), para.end):
                    continue
                self._add(out, text, start, m.end(), para.index, split)
                spaces = SPACES_RE.match(text, m.end(), para.end)
                start = spaces.end() if spaces is not None else m.end()
            if start < para.end:
                self._add(out, text, start, para.end, para.index, split)
        return out

    def _add(
        self,
        out: list[Span],
        text: str,
        start: int,
        end: int,
        paragraph: int,
        split: list[tuple[int, int, int]] | None,
    ) -> None:
        """Append the sentence ``[start, end)``, in parts when it is longer than ``max_chars``."""
        if end - start <= self.max_chars:
            out.append(Span(start, end, len(out), paragraph))
            return
        parts = self.parts(text, start, end)
        if split is not None:
            split.append((start, end, len(parts)))
        first = len(out)
        out.extend(Span(s, e, first + k, paragraph) for k, (s, e) in enumerate(parts))

    def parts(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """``[start, end)`` cut into parts of at most ``max_chars`` characters, each (but the
        last) at least half that long: cut after the last clause boundary of the second half of
        a part, else at its last blank, else at the bound. Blanks at a cut belong to no part.
        Each search scans at most half a part, so the work is linear in the length."""
        limit = self.max_chars
        out: list[tuple[int, int]] = []
        pos = start
        while end - pos > limit:
            bound = pos + limit
            half = pos + limit // 2
            m = self.clause_break_re.search(text, half, bound + 1) or self.blank_re.search(
                text, half, bound + 1
            )
            cut = m.end() if m is not None else bound
            piece_end = cut
            while piece_end > half and text[piece_end - 1].isspace():
                piece_end -= 1
            out.append((pos, piece_end))
            spaces = SPACES_RE.match(text, cut, end)
            pos = spaces.end() if spaces is not None else cut
        if pos < end:
            out.append((pos, end))
        return out

    def _ends_sentence(self, text: str, punct_start: int, punct_end: int, limit: int) -> bool:
        if text[punct_start] != ".":
            return True
        before = self.word_before_re.search(text, max(0, punct_start - 40), punct_start + 1)
        word = before.group(1).lstrip("\"'(\u201c\u2018[") if before else ""
        if not word:
            return True
        if word in self.titles:
            return False
        nxt = self.next_word_re.match(text, punct_end, limit)
        next_word = nxt.group(1) if nxt else ""
        if len(word) == 2 and word[0].isupper() and word[0].isalpha():
            return False  # an initial: "George W. Bush"
        if word in self.months:
            return not next_word[:1].isdigit()
        if word.lower() in self.others or self.initials_re.fullmatch(word):
            return next_word in self.starters
        return True

    # -- quotation marks -----------------------------------------------------------------------
    def quotes(
        self,
        text: str,
        paragraphs: list[Span],
        headline_end: int,
        doc_id: str | None = None,
        source: str = "",
    ) -> tuple[list[QuoteSpan], list[Issue]]:
        """Pair quotation marks in every paragraph; see the module docstring for the method."""
        quotes: list[QuoteSpan] = []
        issues: list[Issue] = []
        carry: int | None = None  # index of a segment left open at the previous paragraph's end
        for para in paragraphs:
            marks = [
                (m.start(), TWO_CHARACTER_MARKS.get(m.group(), m.group()), m.end())
                for m in self.mark_re.finditer(text, para.start, para.end)
            ]
            if marks and text.find("<", para.start, para.end) >= 0:
                marks = self._outside_tags(text, para, marks)
            if not marks:
                if carry is not None:
                    self._close_stray(quotes, carry, issues, text, doc_id, source)
                    carry = None
                continue
            in_headline = para.end <= headline_end
            doubles = [(pos, ch, end) for pos, ch, end in marks if ch in self.double_marks]
            # A paragraph that opens with a mark continues an open quote from the one before.
            continuing = (
                carry is not None
                and doubles
                and doubles[0][0] == para.start
                and self._role(text, doubles[0][0], doubles[0][1], doubles[0][2], para) != "close"
            )
            if carry is not None and not continuing:
                self._close_stray(quotes, carry, issues, text, doc_id, source)
                carry = None
            segs, open_at_end, strays = self._pair(text, doubles, para, "double")
            first = len(quotes)
            for s, e, closed in segs:
                prev = carry if (continuing and s == para.start) else None
                if prev is not None:
                    quotes[prev] = _replace(quotes[prev], continues=True)
                    carry = None
                quotes.append(
                    QuoteSpan(
                        s,
                        e,
                        para.index,
                        "double",
                        closed,
                        continued_from=prev,
                        in_headline=in_headline,
                        index=len(quotes),
                    )
                )
            for pos in strays[:MAX_STRAY_ISSUES]:
                issues.append(
                    Issue(
                        doc_id=doc_id,
                        source=source,
                        severity="warning",
                        code="stray_quote_mark",
                        message=f"paragraph {para.index + 1}: stray closing quotation mark "
                        f"at offset {pos}",
                        start=pos,
                        end=pos + 1,
                    )
                )
            if (
                len(strays) > MAX_STRAY_ISSUES
            ):  # one row for the rest: a page of marks is not 100,000 rows
                rest = strays[MAX_STRAY_ISSUES:]
                issues.append(
                    Issue(
                        doc_id=doc_id,
                        source=source,
                        severity="warning",
                        code="stray_quote_mark",
                        message=f"paragraph {para.index + 1}: {len(rest)} more stray "
                        f"quotation marks (offsets {rest[0]} to {rest[-1]})",
                        start=rest[0],
                        end=rest[-1] + 1,
                    )
                )
            if open_at_end is not None:
                prev = carry if (continuing and open_at_end == para.start) else None
                if prev is not None:
                    quotes[prev] = _replace(quotes[prev], continues=True)
                quotes.append(
                    QuoteSpan(
                        open_at_end,
                        para.end,
                        para.index,
                        "double",
                        False,
                        continued_from=prev,
                        in_headline=in_headline,
                        index=len(quotes),
                    )
                )
                carry = len(quotes) - 1
            covered = [(q.start, q.end) for q in quotes[first:]]  # this paragraph's double quotes
            singles = [
                (pos, ch, end)
                for pos, ch, end in marks
                if ch not in self.double_marks and not any(a <= pos < b for a, b in covered)
            ]
            if singles:
                ssegs, _, _ = self._pair(text, singles, para, "single")
                for s, e, closed in ssegs:
                    if closed:
                        quotes.append(
                            QuoteSpan(
                                s,
                                e,
                                para.index,
                                "single",
                                True,
                                in_headline=in_headline,
                                index=len(quotes),
                            )
                        )
        if carry is not None:
            self._close_stray(quotes, carry, issues, text, doc_id, source)
        quotes.sort(key=lambda q: q.start)
        if all(q.index == i for i, q in enumerate(quotes)):
            return quotes, issues  # already in text order
        remap = {q.index: i for i, q in enumerate(quotes)}
        return [
            _replace(
                q,
                index=i,
                continued_from=remap.get(q.continued_from)
                if q.continued_from is not None
                else None,
            )
            for i, q in enumerate(quotes)
        ], issues

    def _outside_tags(
        self, text: str, para: Span, marks: list[tuple[int, str, int]]
    ) -> list[tuple[int, str, int]]:
        """The marks that are not inside a markup tag ('<tweet id="42">': attribute values
        are never quotes)."""
        tags = [m.span() for m in TAG_RE.finditer(text, para.start, para.end)]
        if not tags:
            return marks
        return [mk for mk in marks if not any(a < mk[0] < b for a, b in tags)]

    def _close_stray(
        self,
        quotes: list[QuoteSpan],
        carry: int,
        issues: list[Issue],
        text: str,
        doc_id: str | None,
        source: str,
    ) -> None:
        q = quotes[carry]
        issues.append(
            Issue(
                doc_id=doc_id,
                source=source,
                severity="warning",
                code="unclosed_quote",
                message=f"paragraph {q.paragraph + 1}: quotation mark at offset {q.start} is "
                "never closed; quote taken to the paragraph end",
                start=q.start,
                end=q.start + 1,
            )
        )
        return None

    def _role(self, text: str, pos: int, ch: str, end: int, para: Span) -> str:
        """'open', 'close', 'apostrophe' or 'either' for the mark ``ch`` at ``[pos, end)``."""
        prev = text[pos - 1] if pos > para.start else " "
        nxt = text[end] if end < para.end else " "
        left_open = (
            prev.isspace()
            or prev in "([{\u2014\u2013-/:"
            or prev in self.open_family
            or pos == para.start
        )
        right_close = (
            nxt.isspace()
            or nxt in ".,;:!?)]}\u2014\u2013-\u2026"
            or nxt in "\"'\u201d\u2019"
            or end >= para.end
        )
        if ch in ("'", "\u2019"):
            if prev.isalnum() and nxt.isalnum():
                return "apostrophe"  # don't, Fares's
            if ch == "'" or ch == "\u2019":
                if (
                    self.elision_re is not None
                    and (prev.isspace() or prev == "." or pos == para.start)
                    and self.elision_re.match(text, pos, para.end)
                ):
                    return "apostrophe"
                if nxt.isdigit() and (prev.isspace() or pos == para.start):
                    return "apostrophe"  # '90s
                if prev.isspace() and nxt.isspace() and text[pos - 2 : pos - 1] in ("s", "S"):
                    return "apostrophe"  # "the victims ' families": a spaced plural possessive
        if ch in ('"', "'"):
            if left_open and not right_close:
                return "open"
            if right_close and not left_open:
                return "close"
            return "either"
        if ch in self.open_family:
            if ch in self.closers.get(ch, ()):  # a mark that both opens and closes
                return "either"
            # a typographic opener glued to the word before and followed by a space closes
            return (
                "close" if (right_close and not left_open and ch not in "\u201e\u201a") else "open"
            )
        # a typographic closer after a space and before a word opens (a common typing slip)
        return "open" if (left_open and not right_close and ch != "\u2019") else "close"

    def _pair(
        self, text: str, marks: list[tuple[int, str, int]], para: Span, family: str
    ) -> tuple[list[tuple[int, int, bool]], int | None, list[int]]:
        """Pair one family's marks in one paragraph: (segments, offset left open, stray closers)."""
        segs: list[tuple[int, int, bool]] = []
        strays: list[int] = []
        open_pos: int | None = None
        open_ch = ""
        for pos, ch, end in marks:
            role = self._role(text, pos, ch, end, para)
            if role == "apostrophe":
                continue
            if open_pos is None:
                if role == "close":
                    if family == "double":
                        strays.append(pos)
                    continue
                open_pos, open_ch = pos, ch
                continue
            # a quote is open: does this mark close it?
            closes = ch in self.closers.get(
                open_ch, self.double_closers if family == "double" else frozenset()
            ) or (ch == open_ch and ch in ('"', "'"))
            if ch == '"' and open_ch in self.open_family:
                closes = True
            if role == "close" and ch == open_ch:
                closes = True  # an opening mark typed at a quote's end: "Q,“ she said
            if closes and role != "open":
                segs.append((open_pos, end, True))
                open_pos = None
            elif closes and role == "open" and ch in ('"', "'"):
                # a straight mark that looks like an opener while one is open: usually a closer
                # glued to the next word ("Yes,"he said); double quotes do not nest in English.
                segs.append((open_pos, end, True))
                open_pos = None
            elif role == "open" and family == "double" and ch == open_ch:
                strays.append(open_pos)  # the earlier opener was never closed
                open_pos, open_ch = pos, ch
        if family == "single" and open_pos is not None:
            open_pos = None  # an unmatched single mark is an apostrophe, not a quote
        return segs, open_pos, strays

    # -- all together --------------------------------------------------------------------------
    def segment(self, text: str, doc_id: str | None = None, source: str = "") -> Segmentation:
        """Paragraphs, sentences and quotes of one article."""
        paragraphs = self.paragraphs(text)
        split: list[tuple[int, int, int]] = []
        sentences = self.sentences(text, paragraphs, split)
        headline_end = paragraphs[0].end if len(paragraphs) > 1 else 0
        quotes, issues = self.quotes(text, paragraphs, headline_end, doc_id, source)
        issues.extend(
            Issue(
                doc_id=doc_id,
                source=source,
                severity="info",
                code="long_sentence",
                message=f"sentence of {end - start:,} characters at offset {start} read in "
                f"{n} parts of at most {self.max_chars:,} (split at clause boundaries)",
                start=start,
                end=end,
            )
            for start, end, n in split
        )
        seg = Segmentation(
            text=text, paragraphs=paragraphs, sentences=sentences, quotes=quotes, issues=issues
        )
        seg._sentence_starts = [s.start for s in sentences]
        return seg


def _is_wrapped(previous: str, line: str) -> bool:
    """True when ``line`` continues ``previous`` (a hard-wrapped paragraph)."""
    return bool(previous) and previous[-1].isalnum() and line[:1].islower() and len(previous) < 100


def _replace(q: QuoteSpan, **changes: object) -> QuoteSpan:
    values = {name: getattr(q, name) for name in QuoteSpan.__slots__}
    values.update(changes)
    return QuoteSpan(**values)  # type: ignore[arg-type]


def segment(
    text: str, ruleset: RuleSet, doc_id: str | None = None, source: str = ""
) -> Segmentation:
    """Segment one text with the segmentation rules of ``ruleset`` (convenience wrapper)."""
    return segmenter_for(ruleset).segment(text, doc_id, source)


def segmenter_for(ruleset: RuleSet) -> Segmenter:
    """The Segmenter of a rule set, built once and kept on the rule set."""
    cached = getattr(ruleset, "_segmenter", None)
    if cached is None:
        cached = Segmenter(ruleset)
        ruleset._segmenter = cached  # type: ignore[attr-defined]
    return cached
