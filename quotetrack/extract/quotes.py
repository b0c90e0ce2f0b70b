"""Direct quotes and their speakers: one row per contiguous quoted segment.

Every quoted segment the segmenter pairs becomes a ``Quote`` with its speaker from the shared
attribution module (``DocumentContext.quote_sources``). The kind comes from
``rules/scare_quotes.toml``:

* ``scare``: a term or title ('so-called "X"', 'the show "Fox News Sunday"'), a name ('the trawler
  "Sea Lark"', '"The Harbour Trading Company"'), a slogan on a sign ('a banner reading "X"'), an
  item listed right after one of these ('known as "Red" and "The Ghost"'), a nickname inside a
  name, a markup attribute value mistaken for a quote, or a short quote (at most
  ``max_scare_words`` words) that no frame attributes; no speaker;
* ``partial``: a few quoted words that run on from the writer's own words
  ('the ministry said Fares had been "relieved of his duties"');
* ``direct``: anything else (a quoted statement).

Segments join one utterance (``utterance_id``) when the same frame governs them ('"Q1," he said,
"Q2."'), when a quote runs on into the next paragraph, or when a floating quote follows another
in the same paragraph.
"""

from __future__ import annotations

import regex
from pydantic import Field

from quotetrack.extract.attribution import DocumentContext, Source
from quotetrack.extract.segment import QuoteSpan, Segmentation
from quotetrack.models import Article, Quote
from quotetrack.rulebook.ruleset import RuleFile, RuleSet

WORD_RE = regex.compile(r"[\p{L}\d][\p{L}\d'’\-]*")
CAPITAL_NEXT_RE = regex.compile(r"[ \u00a0]+\p{Lu}")
TRIM = " \t\n\u00a0\"'`“”‘’„«»‹›"
UNATTRIBUTED_SHORT = "short quote with no attribution"


class ScareQuoteRules(RuleFile):
    """Schema of ``rules/scare_quotes.toml``."""

    max_scare_words: int = Field(default=4, ge=0)


class QuoteExtractor:
    """Compiled quote rules (build once per rule set)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        rules: ScareQuoteRules = ruleset.get("scare_quotes.toml")
        self.max_scare_words = rules.max_scare_words
        self.term_cue = rules.pattern("term-cue")
        self.work_context = rules.pattern("work-context")
        self.work_after = rules.pattern("work-after")
        self.title_case = rules.pattern("title-case")
        self.nickname = rules.pattern("nickname")
        self.partial_context = rules.pattern("partial-context")
        self.name_head = rules.pattern("name-head")
        self.name_first_word = rules.pattern("name-first-word")
        self.markup_attribute = rules.pattern("markup-attribute")
        self.modifier_before = rules.pattern("modifier-before")
        self.running_text = rules.pattern("running-text")
        self.list_link = rules.pattern("list-link")

    def extract(self, article: Article, seg: Segmentation, ctx: DocumentContext) -> list[Quote]:
        """Every quoted segment of ``article`` with its kind and speaker."""
        text = article.text
        rows: list[Quote] = []
        utterance_of: list[int] = []
        frame_utterance: dict[tuple[int, int], int] = {}
        n_utterances = 0
        last_scare: QuoteSpan | None = None
        for q in seg.quotes:
            src = ctx.quote_sources[q.index]
            kind, reason = self.kind(text, seg, q, src)
            if (
                kind != "scare"
                and last_scare is not None
                and self.listed_after(text, last_scare, q)
            ):
                kind, reason = "scare", "listed with a term or title quoted before it"
            if kind == "scare" and reason != UNATTRIBUTED_SHORT:
                last_scare = q  # a term or title, not just a stray short quote
            link = ctx.quote_links[q.index]
            frame = ctx.quote_frames[q.index]
            if link is not None and kind != "scare":
                utterance = utterance_of[link]
            elif frame is not None and kind != "scare" and (frame, q.paragraph) in frame_utterance:
                utterance = frame_utterance[(frame, q.paragraph)]
            else:
                utterance = n_utterances
                n_utterances += 1
            if frame is not None and kind != "scare":
                frame_utterance[(frame, q.paragraph)] = utterance
            utterance_of.append(utterance)
            rows.append(
                self._row(
                    article, seg, q, kind, reason, None if kind == "scare" else src, utterance
                )
            )
        return rows

    def kind(
        self, text: str, seg: Segmentation, q: QuoteSpan, src: Source | None
    ) -> tuple[str, str | None]:
        """(kind, reason) of one quoted segment."""
        content = text[q.start : q.end].strip(TRIM)
        n_words = len(WORD_RE.findall(content))
        sent = seg.sentence_at(q.start)
        para = seg.paragraphs[q.paragraph]
        lead_start = max(para.start, sent.start if sent else para.start)
        before = text[max(lead_start, q.start - 60) : q.start]
        after = text[q.end : min(para.end, q.end + 3)]
        if n_words == 0:
            return "scare", "empty quote"
        if self.markup_attribute.search(before):
            return "scare", "an attribute value in markup"
        if self.term_cue.search(before):
            return "scare", "term or title introduced by a cue word"
        if n_words <= 7 and self.title_case.match(content):
            if self.work_context.search(before) or self.work_after.match(
                text, q.end, min(len(text), q.end + 30)
            ):
                return "scare", "title of a work"
            if q.start <= para.start + 1 and q.end >= para.end - 1 and para.index > 0:
                return "scare", "a heading in quotation marks"
            if (
                n_words >= 2
                and self.name_head.search(content)
                and self.in_running_text(text, sent.end if sent else para.end, lead_start, q)
            ):
                return "scare", "a name with its own head word"
            if self.name_first_word.search(before):
                return "scare", "a name after its head word"
        if (
            2 <= n_words <= 7
            and self.modifier_before.search(before)
            and self.work_after.match(text, q.end, min(para.end, q.end + 30))
        ):
            return "scare", "title of a work"
        if n_words <= 3 and self.nickname.search(before) and CAPITAL_NEXT_RE.match(after):
            return "scare", "nickname inside a name"
        if src is None and n_words <= self.max_scare_words:
            return "scare", UNATTRIBUTED_SHORT
        if self.partial_context.search(before):
            if (
                content[:1].isupper()
                and n_words > 6
                and src is not None
                and src.cue_end is not None
                and 0 <= q.start - src.cue_end <= 3
            ):
                return "direct", None  # 'S said "Q"'
            return "partial", "quoted words inside the writer's sentence"
        return "direct", None if src is not None else "no attribution found"

    def listed_after(self, text: str, prev: QuoteSpan, q: QuoteSpan) -> bool:
        """Whether ``q`` is a short item listed right after the quoted term or title ``prev``
        ('known as "Red" and "The Ghost"')."""
        if prev.paragraph != q.paragraph or prev.end > q.start:
            return False
        between = text[prev.end : q.start]
        if not self.list_link.match(between):
            return False
        comma_inside = text[prev.start : prev.end].rstrip(TRIM).endswith(",")
        content = text[q.start : q.end].strip(TRIM)
        return bool(between.strip() or comma_inside) and len(WORD_RE.findall(content)) <= 7

    def in_running_text(self, text: str, sent_end: int, sent_start: int, q: QuoteSpan) -> bool:
        """Whether the sentence around ``q`` (outside the quote) reads as running text, not as a
        title-case headline."""
        return bool(
            self.running_text.search(text, sent_start, q.start)
            or self.running_text.search(text, q.end, sent_end)
        )

    def _row(
        self,
        article: Article,
        seg: Segmentation,
        q: QuoteSpan,
        kind: str,
        reason: str | None,
        src: Source | None,
        utterance: int,
    ) -> Quote:
        text = article.text
        sent = seg.sentence_at(q.start)
        s_start, s_end = (sent.start, sent.end) if sent else (q.start, q.end)
        if q.end > s_end:
            last = seg.sentence_at(q.end - 1)
            s_end = last.end if last else q.end
        return Quote(
            doc_id=article.doc_id,
            outlet=article.outlet,
            quote_id=f"{article.doc_id}:q{q.index + 1}",
            utterance_id=f"{article.doc_id}:u{utterance + 1}",
            start=q.start,
            end=q.end,
            text=text[q.start : q.end],
            kind=kind,  # type: ignore[arg-type]
            reason=reason if kind != "direct" or src is None else None,
            speaker=src.name if src else None,
            speaker_mention=src.mention if src else None,
            speaker_start=src.start if src else None,
            speaker_end=src.end if src else None,
            speaker_type=src.source_type if src else (None if kind == "scare" else "unattributed"),
            speaker_role=src.role if src else None,
            cue=src.cue if src else None,
            cue_start=src.cue_start if src else None,
            cue_end=src.cue_end if src else None,
            reported_by=src.reported_by if src else None,
            sentence=text[s_start:s_end],
            sentence_start=s_start,
            sentence_end=s_end,
            rule_id=src.rule_id if src else None,
            resolution=src.resolution if src else None,
        )
