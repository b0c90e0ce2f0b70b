"""One article in, its rows out: ``Extractor`` holds the compiled stages (segment, attribution,
quotes, claims) and processes one article at a time within its limits (length, time budget),
turning a failure into a fatal ``issues`` row. ``DocumentResult`` is what one article yields.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from quotetrack.compare import (
    CompactDocument,
    Comparer,
)
from quotetrack.extract.attribution import Attributor
from quotetrack.extract.claims import ClaimExtractor
from quotetrack.extract.quotes import QuoteExtractor
from quotetrack.extract.segment import segmenter_for
from quotetrack.models import Article, Claim, Issue, Quote
from quotetrack.pipeline.limits import DEFAULT_MAX_CHARS, DEFAULT_TIME_BUDGET_S
from quotetrack.rulebook.ruleset import RuleSet, load_ruleset
from quotetrack.tables.export import (
    Format,
    encode_rows,
)


@dataclass
class DocumentResult:
    """What one article yields."""

    article: Article
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    compact: CompactDocument | None = (
        None  # what the comparison keeps (made where the work is done)
    )
    encoded: dict[str, tuple[int, str]] | None = (
        None  # table -> (rows, text) when encoded where made
    )

    def encode(self, fmt: Format) -> None:
        """Encode the article, quote and claim rows as ``fmt`` text (``export.encode_rows``) and
        let the objects go: a worker then sends back text, which costs little to pass between
        processes, and the process writing the tables only appends it."""
        rows: dict[str, list[Any]] = {
            "articles": [self.article],
            "quotes": self.quotes,
            "claims": self.claims,
        }
        if any(i.fatal for i in self.issues):
            rows["articles"] = []
        self.encoded = {name: (len(r), encode_rows(name, r, fmt)) for name, r in rows.items()}
        self.quotes, self.claims = [], []


class DocumentTimeout(Exception):
    """Raised inside extraction when a document overruns its time budget."""


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in the block after ``seconds`` (main thread on POSIX; else no
    limit)."""
    usable = (
        bool(seconds)
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DocumentTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


Stage = TypeVar("Stage")


def _stage(build: Callable[[RuleSet], Stage], doc: str) -> cached_property[Stage]:
    """An ``Extractor`` stage: built from the extractor's rule set on first use, then kept."""

    def get(self: Extractor) -> Stage:
        return build(self.ruleset)

    get.__doc__ = doc
    return cached_property(get)


class Extractor:
    """Compiled rules for every extraction stage; reuse one for many articles.

    ``max_chars`` and ``time_budget_s`` bound the work on one document: a longer or slower one
    becomes a fatal ``issues`` row instead of holding up the batch.
    """

    def __init__(
        self,
        ruleset: RuleSet | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        time_budget_s: float | None = DEFAULT_TIME_BUDGET_S,
        compact: bool = False,
        encode: Format | None = None,
    ) -> None:
        self.ruleset = ruleset or load_ruleset()
        self.max_chars = max_chars
        self.time_budget_s = time_budget_s
        self.encode = (
            encode  # results carry their rows as text in this format (DocumentResult.encode)
        )
        self.comparer = (
            Comparer(self.ruleset) if compact else None
        )  # reduces each result for compare

    # The stages are compiled on first use: the parent of a ``--jobs N`` run, which only reads,
    # writes and compares, never holds them (about 30 MB); its workers compile their own.
    segmenter = _stage(segmenter_for, "The segmentation stage (compiled on first use).")
    attributor = _stage(
        Attributor, "The attribution and speaker-resolution stage (compiled on first use)."
    )
    quotes = _stage(QuoteExtractor, "The quote stage (compiled on first use).")
    claims = _stage(ClaimExtractor, "The claim stage (compiled on first use).")

    def compile(self) -> Extractor:
        """Compile every stage now (a no-op once done); returns the extractor."""
        for stage in STAGES:
            getattr(self, stage)
        return self

    def process(self, article: Article) -> DocumentResult:
        """Segment one article and extract its quotes and claims."""
        seg = self.segmenter.segment(article.text, article.doc_id, article.source)
        ctx = self.attributor.document(article, seg)
        quotes = self.quotes.extract(article, seg, ctx)
        claims = self.claims.extract(article, seg, ctx, quotes)
        compact = (
            self.comparer.compact(
                article.doc_id,
                article.outlet,
                article.text,
                (q.model_dump() for q in quotes),
                (c.model_dump() for c in claims),
            )
            if self.comparer is not None
            else None
        )
        return DocumentResult(article, quotes, claims, list(seg.issues), compact)

    def process_safely(self, article: Article, debug: bool = False) -> DocumentResult:
        """``process`` within the limits, turning a failure into a fatal issue row (re-raised with
        debug); the rows encoded when the extractor says so."""
        result = self._process_within_limits(article, debug)
        if self.encode is not None:
            result.encode(self.encode)
        return result

    def _process_within_limits(self, article: Article, debug: bool) -> DocumentResult:

        def fail(code: str, message: str) -> DocumentResult:
            return DocumentResult(
                article,
                issues=[
                    Issue(
                        doc_id=article.doc_id,
                        source=article.source,
                        line=article.line,
                        code=code,
                        fatal=True,
                        message=message,
                    )
                ],
            )

        self.compile()  # outside the time budget and the per-document error net
        if len(article.text) > self.max_chars:
            return fail(
                "too_long",
                f"document has {len(article.text):,} characters, over the "
                f"{self.max_chars:,}-character limit (--max-chars); not processed",
            )
        try:
            with time_budget(self.time_budget_s):
                return self.process(article)
        except DocumentTimeout:
            return fail(
                "timeout",
                f"extraction took over {self.time_budget_s:g} s (--time-budget); not processed",
            )
        except Exception as exc:  # a bug must cost one document, never the batch
            if debug:
                raise
            return fail(
                "internal_error",
                f"extraction failed ({type(exc).__name__}: {exc}); "
                "please report it (rerun with --debug for the traceback)",
            )


STAGES = tuple(
    name for name, value in vars(Extractor).items() if isinstance(value, cached_property)
)
