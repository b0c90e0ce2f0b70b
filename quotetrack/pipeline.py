"""The library API: run the pipeline (ingest -> segment -> quotes/claims -> normalise -> compare).

    >>> from quotetrack import run
    >>> result = run(["seeds/"])
    >>> result.tables["claims"]            # a pandas DataFrame

``Extractor`` holds the compiled rules and processes one article at a time; ``run`` reads inputs,
extracts every article, builds the tables once per batch and compares across documents.
"""

from __future__ import annotations

import contextlib
import itertools
import signal
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

import pandas as pd

from quotetrack.attribution import Attributor
from quotetrack.claims import ClaimExtractor
from quotetrack.compare import CompactDocument, CompareOptions, Comparer, Comparison, compare
from quotetrack.ingest import IngestOptions, read_inputs
from quotetrack.models import Article, Claim, Issue, Quote
from quotetrack.export import TEXT_ROW_FORMATS, Format, TableWriter, encode_rows, table_set
from quotetrack.normalise import TABLES, to_frame
from quotetrack.parallel import iter_results
from quotetrack.quotes import QuoteExtractor
from quotetrack.rules import RuleSet, load_ruleset
from quotetrack.segment import segmenter_for


@dataclass
class DocumentResult:
    """What one article yields."""

    article: Article
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    compact: CompactDocument | None = None  # what the comparison keeps (made where the work is done)
    encoded: dict[str, tuple[int, str]] | None = None  # table -> (rows, text) when encoded where made

    def encode(self, fmt: Format) -> None:
        """Encode the article, quote and claim rows as ``fmt`` text (``export.encode_rows``) and
        let the objects go: a worker then sends back text, which costs little to pass between
        processes, and the process writing the tables only appends it."""
        rows: dict[str, list[Any]] = {"articles": [self.article], "quotes": self.quotes, "claims": self.claims}
        if any(i.fatal for i in self.issues):
            rows["articles"] = []
        self.encoded = {name: (len(r), encode_rows(name, r, fmt)) for name, r in rows.items()}
        self.quotes, self.claims = [], []


@dataclass
class Result:
    """A whole run: its tables (those held in memory) and its counts."""

    tables: dict[str, pd.DataFrame]
    documents_in: int
    processed: int
    failed: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)  # rows per table (also for tables not held)

    def count(self, table: str) -> int:
        """Rows of ``table`` in this run."""
        return self.rows[table] if table in self.rows else len(self.tables.get(table, ()))

    def summary(self) -> str:
        """The one-line summary printed at the end of a run."""
        return (f"{self.documents_in} documents: {self.processed} processed, {self.failed} failed; "
                f"{self.count('quotes')} quotes, {self.count('claims')} claims, "
                f"{self.count('disagreements')} disagreements, {self.count('issues')} issues; {self.seconds:.2f} s")


DEFAULT_MAX_CHARS = 5_000_000
DEFAULT_TIME_BUDGET_S = 30.0


class DocumentTimeout(Exception):
    """Raised inside extraction when a document overruns its time budget."""


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in the block after ``seconds`` (main thread on POSIX; else no limit)."""
    usable = bool(seconds) and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
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


def _stage(build: Callable[[RuleSet], Stage], doc: str) -> "cached_property[Stage]":
    """An ``Extractor`` stage: built from the extractor's rule set on first use, then kept."""
    def get(self: "Extractor") -> Stage:
        return build(self.ruleset)

    get.__doc__ = doc
    return cached_property(get)


class Extractor:
    """Compiled rules for every extraction stage; reuse one for many articles.

    ``max_chars`` and ``time_budget_s`` bound the work on one document: a longer or slower one
    becomes a fatal ``issues`` row instead of holding up the batch.
    """

    def __init__(self, ruleset: RuleSet | None = None, max_chars: int = DEFAULT_MAX_CHARS,
                 time_budget_s: float | None = DEFAULT_TIME_BUDGET_S, compact: bool = False,
                 encode: Format | None = None) -> None:
        self.ruleset = ruleset or load_ruleset()
        self.max_chars = max_chars
        self.time_budget_s = time_budget_s
        self.encode = encode  # results carry their rows as text in this format (DocumentResult.encode)
        self.comparer = Comparer(self.ruleset) if compact else None  # reduces each result for compare

    # The stages are compiled on first use: the parent of a ``--jobs N`` run, which only reads,
    # writes and compares, never holds them (about 30 MB); its workers compile their own.
    segmenter = _stage(segmenter_for, "The segmentation stage (compiled on first use).")
    attributor = _stage(Attributor, "The attribution and speaker-resolution stage (compiled on first use).")
    quotes = _stage(QuoteExtractor, "The quote stage (compiled on first use).")
    claims = _stage(ClaimExtractor, "The claim stage (compiled on first use).")

    def compile(self) -> "Extractor":
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
        compact = self.comparer.compact(article.doc_id, article.outlet, article.text,
                                        (q.model_dump() for q in quotes), (c.model_dump() for c in claims)) \
            if self.comparer is not None else None
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
            return DocumentResult(article, issues=[Issue(doc_id=article.doc_id, source=article.source,
                                                         line=article.line, code=code, fatal=True, message=message)])

        self.compile()  # outside the time budget and the per-document error net
        if len(article.text) > self.max_chars:
            return fail("too_long", f"document has {len(article.text):,} characters, over the "
                                    f"{self.max_chars:,}-character limit (--max-chars); not processed")
        try:
            with time_budget(self.time_budget_s):
                return self.process(article)
        except DocumentTimeout:
            return fail("timeout", f"extraction took over {self.time_budget_s:g} s (--time-budget); not processed")
        except Exception as exc:  # a bug must cost one document, never the batch
            if debug:
                raise
            return fail("internal_error", f"extraction failed ({type(exc).__name__}: {exc}); "
                                          "please report it (rerun with --debug for the traceback)")


STAGES = tuple(name for name, value in vars(Extractor).items() if isinstance(value, cached_property))


def extract(items: Iterable[Article | Issue], extractor: Extractor | None = None, debug: bool = False,
            on_document: Callable[[Article | Issue], None] | None = None, jobs: int = 1
            ) -> tuple[list[DocumentResult], list[Issue]]:
    """Process every article; return per-document results and the input issues met on the way."""
    extractor = extractor or Extractor()
    results: list[DocumentResult] = []
    input_issues: list[Issue] = []
    for item in iter_results(items, extractor, jobs, debug):
        if isinstance(item, Issue):
            input_issues.append(item)
        else:
            results.append(item)
        if on_document is not None:
            on_document(item)  # type: ignore[arg-type]
    return results, input_issues


def build_tables(results: list[DocumentResult], input_issues: list[Issue], ruleset: RuleSet | None = None,
                 comparison: Comparison | None = None, compare_options: CompareOptions | None = None
                 ) -> dict[str, pd.DataFrame]:
    """The seven tables from extraction results (and a comparison, when one was made)."""
    failed_ids = {i.doc_id for r in results for i in r.issues if i.fatal}
    articles = [r.article for r in results if r.article.doc_id not in failed_ids]
    tables = {
        "articles": to_frame("articles", articles),
        "quotes": to_frame("quotes", [q for r in results for q in r.quotes]),
        "claims": to_frame("claims", [c for r in results for c in r.claims]),
    }
    comparison = comparison or compare(tables["articles"], tables["quotes"], tables["claims"], ruleset,
                                       compare_options)
    tables["quote_matches"] = to_frame("quote_matches", comparison.quote_matches)
    tables["event_groups"] = to_frame("event_groups", comparison.event_groups)
    tables["disagreements"] = to_frame("disagreements", comparison.disagreements)
    tables["article_pairs"] = to_frame("article_pairs", comparison.article_pairs)
    tables["issues"] = to_frame("issues", input_issues + [i for r in results for i in r.issues])
    return tables


def run(inputs: Iterable[str | Path], rules_dir: str | Path | None = None, outlet: str | None = None,
        published: str | None = None, debug: bool = False,
        on_document: Callable[[Article | Issue], None] | None = None,
        compare_options: CompareOptions | None = None, max_bytes: int | None = None,
        max_chars: int = DEFAULT_MAX_CHARS, time_budget_s: float | None = DEFAULT_TIME_BUDGET_S,
        jobs: int = 1) -> Result:
    """Read ``inputs``, extract quotes and claims, compare across documents; return the tables."""
    started = time.perf_counter()
    extractor = Extractor(load_ruleset(rules_dir), max_chars=max_chars, time_budget_s=time_budget_s)
    options = IngestOptions(outlet=outlet, published=published,
                            **({"max_bytes": max_bytes} if max_bytes is not None else {}))
    results, input_issues = extract(read_inputs(inputs, options), extractor, debug, on_document, jobs)
    tables = build_tables(results, input_issues, extractor.ruleset, compare_options=compare_options)
    lost = sum(1 for i in input_issues if i.fatal)
    failed_docs = {i.doc_id for r in results for i in r.issues if i.fatal}
    processed = len(results) - len(failed_docs)
    return Result(tables=tables, documents_in=len(results) + lost, processed=processed,
                  failed=lost + len(failed_docs), seconds=time.perf_counter() - started)


STREAMED_TABLES = ("articles", "quotes", "claims", "issues")
COMPARISON_SLICE = 1000  # rows of a comparison table turned into a frame at a time ...
COMPARISON_SLICE_ITEMS = 5_000  # ... or fewer, when its rows list this many quotes or claims
LISTED_FIELDS = ("quote_ids", "claim_ids")  # what a comparison row lists (counted by ``slices``)
COMPARISON_TABLES = ("quote_matches", "event_groups", "disagreements", "article_pairs")


def slices(rows: Iterable[Any], max_rows: int = COMPARISON_SLICE, max_items: int = COMPARISON_SLICE_ITEMS
           ) -> Iterator[list[Any]]:
    """``rows`` in lists of at most ``max_rows`` rows that together list at most ``max_items``
    quotes or claims (a row that lists every copy of a wire story can be large)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    # the rows' list field, looked up on the first row (a table's rows are alike; a failed getattr
    # on a pydantic model costs more than the rest of the loop)
    listed = next((name for name in LISTED_FIELDS if hasattr(first, name)), None)
    chunk: list[Any] = []
    items = 0
    for row in itertools.chain((first,), rows):
        chunk.append(row)
        items += len(getattr(row, listed) or ()) if listed is not None else 0
        if len(chunk) >= max_rows or items >= max_items:
            yield chunk
            chunk, items = [], 0
    if chunk:
        yield chunk


def stream_comparison(comparer: Comparer, writers: dict[str, TableWriter]) -> None:
    """Compare what ``comparer`` holds and append the comparison tables to ``writers`` in slices
    (a table of many copies is never one frame; an empty table still gets its header)."""
    streams = comparer.streams()
    for name in COMPARISON_TABLES:
        writers[name].append(to_frame(name, []))
        for rows in slices(getattr(streams, name)):
            writers[name].append_rows(rows)


def write_comparison(comparer: Comparer, out_dir: Path, fmt: Format) -> dict[str, int]:
    """The comparison tables of ``comparer`` written to ``out_dir`` (renamed into place together);
    returns their row counts."""
    with table_set(out_dir, COMPARISON_TABLES, fmt) as writers:
        stream_comparison(comparer, writers)
    return {name: w.rows for name, w in writers.items()}


def run_to_directory(inputs: Iterable[str | Path], out_dir: Path, fmt: Format = "csv", jobs: int = 1,
                     rules_dir: str | Path | None = None, outlet: str | None = None, published: str | None = None,
                     debug: bool = False, on_document: Callable[[Article | Issue], None] | None = None,
                     compare_options: CompareOptions | None = None, max_bytes: int | None = None,
                     max_chars: int = DEFAULT_MAX_CHARS, time_budget_s: float | None = DEFAULT_TIME_BUDGET_S,
                     batch_documents: int = 200) -> Result:
    """``run`` with bounded memory: rows are written to ``out_dir`` batch by batch as documents are
    processed (on ``jobs`` cores), the comparison works on compact rows, and the finished tables
    are renamed into place together at the end (a failed run leaves the old tables)."""
    started = time.perf_counter()
    extractor = Extractor(load_ruleset(rules_dir), max_chars=max_chars, time_budget_s=time_budget_s, compact=True,
                          encode=fmt if fmt in TEXT_ROW_FORMATS else None)
    options = IngestOptions(outlet=outlet, published=published,
                            **({"max_bytes": max_bytes} if max_bytes is not None else {}))
    comparer = Comparer(extractor.ruleset, compare_options)
    counts = {"documents_in": 0, "processed": 0, "failed": 0}
    batch: dict[str, list] = {name: [] for name in STREAMED_TABLES}
    encoded: dict[str, list[tuple[int, str]]] = {name: [] for name in STREAMED_TABLES}
    with contextlib.closing(comparer), table_set(out_dir, TABLES, fmt) as writers:
        def flush() -> None:
            for name in STREAMED_TABLES:
                writers[name].append_rows(batch[name])
                batch[name].clear()
                if encoded[name]:
                    writers[name].append_encoded("".join(text for _, text in encoded[name]),
                                                 sum(n for n, _ in encoded[name]))
                    encoded[name].clear()

        flush()  # headers first, so that even an empty run writes every table
        pending = 0
        for item in iter_results(read_inputs(inputs, options), extractor, jobs, debug, rules_dir):
            if isinstance(item, Issue):
                batch["issues"].append(item)
                counts["documents_in"] += int(item.fatal)
                counts["failed"] += int(item.fatal)
            else:
                counts["documents_in"] += 1
                batch["issues"].extend(item.issues)
                if any(i.fatal for i in item.issues):
                    counts["failed"] += 1
                else:
                    counts["processed"] += 1
                    if item.encoded is not None:
                        for name, chunk in item.encoded.items():
                            encoded[name].append(chunk)
                    else:
                        batch["articles"].append(item.article)
                        batch["quotes"].extend(item.quotes)
                        batch["claims"].extend(item.claims)
                    if item.compact is not None:
                        comparer.add_compact(item.compact)
                    else:
                        comparer.add(item.article.doc_id, item.article.outlet, item.article.text,
                                     (q.model_dump() for q in item.quotes), (c.model_dump() for c in item.claims))
                pending += 1
            if on_document is not None:
                on_document(item)  # type: ignore[arg-type]
            if pending >= batch_documents:
                flush()
                pending = 0
        flush()
        stream_comparison(comparer, {name: writers[name] for name in COMPARISON_TABLES})
    rows = {name: w.rows for name, w in writers.items()}
    return Result(tables={}, documents_in=counts["documents_in"], processed=counts["processed"],
                  failed=counts["failed"], seconds=time.perf_counter() - started, rows=rows)
