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
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from quotetrack.compare import (
    COMPARISON_ISSUE_CODES,
    CompareBudget,
    CompareOptions,
    Comparer,
    Comparison,
    compare,
    frozen_heap,
)
from quotetrack.errors import InputError
from quotetrack.models import Article, Issue
from quotetrack.pipeline.extractor import (
    DocumentResult,
    Extractor,
)
from quotetrack.pipeline.ingest import (
    read_inputs,
    read_records,
)
from quotetrack.pipeline.options import RunOptions
from quotetrack.pipeline.parallel import iter_results
from quotetrack.rulebook.ruleset import RuleSet
from quotetrack.tables.export import (
    TEXT_ROW_FORMATS,
    Format,
    TableWriter,
    table_set,
)
from quotetrack.tables.normalise import TABLES, records, to_frame


@dataclass
class Result:
    """A whole run: its tables (those held in memory) and its counts."""

    tables: dict[str, pd.DataFrame]
    documents_in: int
    processed: int
    failed: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)  # rows per table (also for tables not held)
    comparison_issues: list[Issue] = field(default_factory=list)  # capped / unfinished incidents

    def count(self, table: str) -> int:
        """Rows of ``table`` in this run."""
        return self.rows[table] if table in self.rows else len(self.tables.get(table, ()))

    def summary(self) -> str:
        """The one-line summary printed at the end of a run."""
        return (
            f"{self.documents_in} documents: {self.processed} processed, {self.failed} failed; "
            f"{self.count('quotes')} quotes, {self.count('claims')} claims, "
            f"{self.count('disagreements')} disagreements, {self.count('issues')} issues; "
            f"{self.seconds:.2f} s"
        )

    def __repr__(self) -> str:
        held = ", ".join(f"{name}[{len(frame)}]" for name, frame in self.tables.items())
        return f"<Result {self.summary()}; tables: {held or 'written to disk'}>"


def require_processed(documents_in: int, processed: int) -> None:
    """An ``InputError`` when no input document was found, or none could be processed."""
    if documents_in == 0:
        raise InputError(
            "no input documents found",
            hint="give .txt, .html, .json, .jsonl, .csv or .tsv files, a folder, a URL, or -",
        )
    if processed == 0:
        raise InputError(
            f"none of the {documents_in} input documents could be processed",
            hint="see the issues above",
        )


def extract(
    items: Iterable[Article | Issue],
    extractor: Extractor | None = None,
    debug: bool = False,
    on_document: Callable[[Article | Issue], None] | None = None,
    jobs: int = 1,
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


def build_tables(
    results: list[DocumentResult],
    input_issues: list[Issue],
    ruleset: RuleSet | None = None,
    comparison: Comparison | None = None,
    compare_options: CompareOptions | None = None,
    budget: CompareBudget | None = None,
) -> dict[str, pd.DataFrame]:
    """The nine tables from extraction results (and a comparison, when one was made; else one
    made within ``budget``)."""
    failed_ids = {i.doc_id for r in results for i in r.issues if i.fatal}
    articles = [r.article for r in results if r.article.doc_id not in failed_ids]
    tables = {
        "articles": to_frame("articles", articles),
        "quotes": to_frame("quotes", [q for r in results for q in r.quotes]),
        "claims": to_frame("claims", [c for r in results for c in r.claims]),
    }
    comparison = comparison or compare(
        tables["articles"], tables["quotes"], tables["claims"], ruleset, compare_options, budget
    )
    tables["quote_matches"] = to_frame("quote_matches", comparison.quote_matches)
    tables["event_groups"] = to_frame("event_groups", comparison.event_groups)
    tables["disagreements"] = to_frame("disagreements", comparison.disagreements)
    tables["article_pairs"] = to_frame("article_pairs", comparison.article_pairs)
    tables["incidents"] = to_frame("incidents", comparison.incidents)
    tables["issues"] = to_frame(
        "issues", input_issues + [i for r in results for i in r.issues] + comparison.issues
    )
    return tables


Inputs = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def input_paths(inputs: Inputs) -> list[str | os.PathLike[str]]:
    """``inputs`` as a list of paths: one path (str or Path) or an iterable of them. Anything else
    (a DataFrame, Articles, bytes) is a TypeError pointing at ``extract_texts``."""
    if isinstance(inputs, str | os.PathLike):
        return [inputs]
    hint = "; for texts, Articles or a DataFrame in memory use quotetrack.extract_texts(...)"
    if isinstance(inputs, bytes | bytearray | pd.DataFrame):
        raise TypeError(
            f"run() takes a path or an iterable of paths, not {type(inputs).__name__}{hint}"
        )
    try:
        paths = list(inputs)
    except TypeError:
        raise TypeError(
            f"run() takes a path or an iterable of paths, not {type(inputs).__name__}{hint}"
        ) from None
    for item in paths:
        if not isinstance(item, str | os.PathLike):
            raise TypeError(f"run() got a {type(item).__name__} among its paths{hint}")
    return paths


def run(
    inputs: Inputs,
    options: RunOptions | str | os.PathLike[str] | None = None,
    *,
    on_document: Callable[[Article | Issue], None] | None = None,
    **keywords: Any,
) -> Result:
    """Read ``inputs`` (a path, or an iterable of paths: files, folders, ``-``), extract quotes
    and claims, compare across documents; return the tables.

    ``options`` is a ``RunOptions``; its fields may also be given as keywords (on top of it):
    ``columns`` maps record fields to the columns of CSV/JSON inputs (``{"text": "body"}``),
    ``date_order`` reads ambiguous dates (``"DMY"`` for 3/4/2013 as 3 April), ``fetch=False``
    refuses ``http(s)://`` inputs, ``tolerance=2`` loosens the comparison, ``rules_dir`` picks
    other rules... ``on_document`` is called with each document's result as it is made."""
    paths = input_paths(inputs)
    if isinstance(options, str | os.PathLike):  # the second parameter used to be rules_dir
        options, keywords = None, {"rules_dir": options, **keywords}
    opts = RunOptions.of(options, **keywords)
    return _run_items(read_inputs(paths, opts.ingest()), opts, on_document)


def extract_texts(
    data: Any,
    text: str | None = None,
    id: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    title: str | None = None,
    options: RunOptions | str | os.PathLike[str] | None = None,
    *,
    default_outlet: str | None = None,
    default_published: str | None = None,
    **keywords: Any,
) -> Result:
    """The tables ``run`` makes, from articles in memory: a pandas DataFrame (one row per
    article), or an iterable of texts (str), ``Article``s or dicts.

    ``text``, ``id``, ``published``, ``outlet``, ``url`` and ``title`` name the columns holding
    each field (default: the field's own name or a common alias such as ``body``, ``date``,
    ``source``); other columns are kept as metadata. Dates are read as in files.
    ``default_outlet`` and ``default_published`` fill records that give none; ``options`` (or
    keywords such as ``tolerance=2``, ``rules_dir=...``) are those of ``run``.

        >>> result = extract_texts(df, text="body", id="url", published="date", outlet="source")
    """
    mapping = {"text": text, "doc_id": id, "published": published, "outlet": outlet}
    mapping |= {"url": url, "title": title}
    columns = {name: column for name, column in mapping.items() if column is not None}
    if isinstance(data, pd.DataFrame):
        missing = [c for c in columns.values() if c not in data.columns]
        if missing:
            raise KeyError(f"no column {', '.join(map(repr, missing))} in the DataFrame")
        frame = data.astype(object).where(data.notna(), None)
        records: Iterable[Any] = frame.to_dict("records")
    elif isinstance(data, str | bytes | os.PathLike) or not isinstance(data, Iterable):
        raise TypeError(
            f"extract_texts() takes a DataFrame or an iterable of texts, Articles or dicts, not "
            f"{type(data).__name__} (for files use quotetrack.run(path))"
        )
    else:
        records = data
    if isinstance(options, str | os.PathLike):  # the old 8th parameter, rules_dir
        options, keywords = None, {"rules_dir": options, **keywords}
    defaults = {"outlet": default_outlet, "published": default_published}
    given = {name: value for name, value in defaults.items() if value is not None}
    opts = RunOptions.of(options, **given, **keywords)
    if columns:
        opts = RunOptions.of(opts, columns=opts.columns | columns)
    return _run_items(read_records(records, opts.ingest()), opts)


def _run_items(
    items: Iterable[Article | Issue],
    options: RunOptions,
    on_document: Callable[[Article | Issue], None] | None = None,
) -> Result:
    """Extract ``items``, build and compare the tables in memory, count what happened."""
    started = time.perf_counter()
    extractor = options.extractor()
    results, input_issues = extract(items, extractor, options.debug, on_document, options.jobs)
    tables = build_tables(
        results,
        input_issues,
        extractor.ruleset,
        compare_options=options.comparison(),
        budget=options.compare_budget(),
    )
    lost = sum(1 for i in input_issues if i.fatal)
    failed_docs = {i.doc_id for r in results for i in r.issues if i.fatal}
    processed = len(results) - len(failed_docs)
    return Result(
        tables=tables,
        documents_in=len(results) + lost,
        processed=processed,
        failed=lost + len(failed_docs),
        seconds=time.perf_counter() - started,
        comparison_issues=[
            Issue(**row)
            for row in records(tables["issues"])
            if row["code"] in COMPARISON_ISSUE_CODES
        ],
    )


STREAMED_TABLES = ("articles", "quotes", "claims", "issues")
COMPARISON_SLICE = 1000  # rows of a comparison table turned into a frame at a time ...
COMPARISON_SLICE_ITEMS = 5_000  # ... or fewer, when its rows list this many quotes or claims
LISTED_FIELDS = ("quote_ids", "claim_ids")  # what a comparison row lists (counted by ``slices``)
COMPARISON_TABLES = (
    "quote_matches",
    "event_groups",
    "disagreements",
    "article_pairs",
    "incidents",
)


def slices(
    rows: Iterable[Any], max_rows: int = COMPARISON_SLICE, max_items: int = COMPARISON_SLICE_ITEMS
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


def stream_comparison(comparer: Comparer, writers: dict[str, TableWriter]) -> list[Issue]:
    """Compare what ``comparer`` holds and append the comparison tables to ``writers`` in slices
    (a table of many copies is never one frame; an empty table still gets its header), and the
    comparison's issue rows (capped or unfinished incidents) to ``writers["issues"]`` when there
    is one; returns those issues."""
    with frozen_heap():
        streams = comparer.streams()
        for name in COMPARISON_TABLES:
            writers[name].append(to_frame(name, []))
            for rows in slices(getattr(streams, name)):
                writers[name].append_rows(rows)
    issues = comparer.issues()
    if "issues" in writers and issues:
        writers["issues"].append_rows(issues)
    return issues


def write_comparison(comparer: Comparer, out_dir: Path, fmt: Format) -> dict[str, int]:
    """The comparison tables of ``comparer`` written to ``out_dir`` (renamed into place together);
    returns their row counts."""
    with table_set(out_dir, COMPARISON_TABLES, fmt) as writers:
        stream_comparison(comparer, writers)
    return {name: w.rows for name, w in writers.items()}


def run_to_directory(
    inputs: Inputs,
    out_dir: Path,
    fmt: Format = "csv",
    options: RunOptions | int | None = None,
    *,
    on_document: Callable[[Article | Issue], None] | None = None,
    batch_documents: int = 200,
    bom: bool = False,
    **keywords: Any,
) -> Result:
    """``run`` with bounded memory: rows are written to ``out_dir`` batch by batch as documents are
    processed (on ``options.jobs`` cores), the comparison works on compact rows, and the finished
    tables are renamed into place together at the end. A failed run, or one in which no document
    could be processed (an ``InputError``), leaves the old tables, and no new folder. ``options``
    and ``keywords`` are those of ``run``; ``bom`` starts each CSV file with a UTF-8 byte-order
    mark (for Excel)."""
    started = time.perf_counter()
    if isinstance(options, int):  # the old 4th parameter, jobs
        options, keywords = None, {"jobs": options, **keywords}
    opts = RunOptions.of(options, **keywords)
    paths = input_paths(inputs)
    created = [p for p in (out_dir, *out_dir.parents) if not p.exists()]
    try:
        return _run_to_directory(
            paths, out_dir, fmt, opts, on_document, batch_documents, started, bom
        )
    except BaseException:
        for folder in created:  # innermost first; only folders this run made, left empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _run_to_directory(
    paths: list[str | os.PathLike[str]],
    out_dir: Path,
    fmt: Format,
    options: RunOptions,
    on_document: Callable[[Article | Issue], None] | None,
    batch_documents: int,
    started: float,
    bom: bool,
) -> Result:
    rules_dir, jobs, debug = options.rules_dir, options.jobs, options.debug
    extractor = options.extractor(compact=True, encode=fmt if fmt in TEXT_ROW_FORMATS else None)
    comparer = Comparer(extractor.ruleset, options.comparison(), budget=options.compare_budget())
    counts = {"documents_in": 0, "processed": 0, "failed": 0}
    batch: dict[str, list] = {name: [] for name in STREAMED_TABLES}
    encoded: dict[str, list[tuple[int, str]]] = {name: [] for name in STREAMED_TABLES}
    with contextlib.closing(comparer), table_set(out_dir, TABLES, fmt, bom) as writers:

        def flush() -> None:
            for name in STREAMED_TABLES:
                writers[name].append_rows(batch[name])
                batch[name].clear()
                if encoded[name]:
                    writers[name].append_encoded(
                        "".join(text for _, text in encoded[name]), sum(n for n, _ in encoded[name])
                    )
                    encoded[name].clear()

        flush()  # headers first, so that even an empty run writes every table
        pending = 0
        for item in iter_results(
            read_inputs(paths, options.ingest()), extractor, jobs, debug, rules_dir
        ):
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
                        comparer.add(
                            item.article.doc_id,
                            item.article.outlet,
                            item.article.text,
                            (q.model_dump() for q in item.quotes),
                            (c.model_dump() for c in item.claims),
                        )
                pending += 1
            if on_document is not None:
                on_document(item)  # type: ignore[arg-type]
            if pending >= batch_documents:
                flush()
                pending = 0
        flush()
        require_processed(counts["documents_in"], counts["processed"])  # else keep the old tables
        comparison_issues = stream_comparison(
            comparer, {name: writers[name] for name in (*COMPARISON_TABLES, "issues")}
        )
    rows = {name: w.rows for name, w in writers.items()}
    return Result(
        tables={},
        documents_in=counts["documents_in"],
        processed=counts["processed"],
        failed=counts["failed"],
        seconds=time.perf_counter() - started,
        rows=rows,
        comparison_issues=comparison_issues,
    )
