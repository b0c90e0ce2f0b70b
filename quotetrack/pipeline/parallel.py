"""Processing documents on every core: results in input order, identical to one process.

``iter_results(items, jobs=N)`` maps ``Extractor.process_safely`` over the articles of an input
stream with a pool of N worker processes (each compiles the rules once, in its initializer) and
yields, in input order, a ``DocumentResult`` per article and the input ``Issue`` rows unchanged.
Inputs are consumed lazily, a bounded number of chunks ahead (topped up as each chunk's results are
taken, so the workers are never idle waiting for the next batch), and memory stays flat.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from quotetrack.errors import QuotetrackError
from quotetrack.models import Article, Issue
from quotetrack.pipeline.extractor import DocumentResult, Extractor
from quotetrack.rulebook.ruleset import load_ruleset
from quotetrack.tables.export import Format

CHUNK = 8  # documents sent to a worker at a time
CHUNKS_IN_FLIGHT_PER_JOB = 8  # chunks queued or being worked on, per worker (bounds memory)


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Worker:
    """Per-process state of a pool worker: its Extractor (built once by the initializer)."""

    extractor: Extractor | None = None
    debug: bool = False
    failure: BaseException | None = None  # why the initializer could not build the Extractor


def _init(
    rules_dir: str | None,
    max_chars: int,
    time_budget_s: float | None,
    debug: bool,
    compact: bool,
    encode: Format | None,
) -> None:
    # An initializer that raises makes the pool start workers again and again (the run hangs):
    # the failure is kept and raised by the worker's first task instead, in the parent.
    try:
        _Worker.extractor = Extractor(
            load_ruleset(rules_dir),
            max_chars=max_chars,
            time_budget_s=time_budget_s,
            compact=compact,
            encode=encode,
        ).compile()
    except Exception as exc:  # noqa: BLE001 - re-raised by _work_chunk
        _Worker.failure = exc
    _Worker.debug = debug


def _work(item: Article | Issue) -> DocumentResult | Issue:
    if isinstance(item, Issue):
        return item
    assert _Worker.extractor is not None
    result = _Worker.extractor.process_safely(item, debug=_Worker.debug)
    if result.encoded is not None:
        result.article = None  # type: ignore[assignment]  # the parent has it: do not send the text back
    return result


def iter_results(
    items: Iterable[Article | Issue],
    extractor: Extractor,
    jobs: int = 1,
    debug: bool = False,
    rules_dir: str | Path | None = None,
) -> Iterator[DocumentResult | Issue]:
    """Results of every article (and the input issues), in input order, on ``jobs`` processes."""
    if jobs <= 1:
        for item in items:
            yield item if isinstance(item, Issue) else extractor.process_safely(item, debug=debug)
        return
    context = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    directory = str(rules_dir if rules_dir is not None else extractor.ruleset.directory)
    iterator = iter(items)
    chunks = iter(lambda: list(itertools.islice(iterator, CHUNK)), [])
    # ProcessPoolExecutor, not multiprocessing.Pool: a worker that dies (the OOM killer, a crash
    # in C code) breaks the executor and every pending result raises, where a Pool would replace
    # the worker, lose its chunk and wait for it forever
    with ProcessPoolExecutor(
        jobs,
        mp_context=context,
        initializer=_init,
        initargs=(
            directory,
            extractor.max_chars,
            extractor.time_budget_s,
            debug,
            extractor.comparer is not None,
            extractor.encode,
        ),
    ) as pool:
        # a bounded number of chunks in flight, topped up as each one is taken: the workers never
        # wait for the next batch (Executor.map alone would read the whole input ahead)
        in_flight: collections.deque[tuple[list[Article | Issue], Future]] = collections.deque()
        for chunk in chunks:
            in_flight.append((chunk, pool.submit(_work_chunk, chunk)))
            if len(in_flight) >= CHUNKS_IN_FLIGHT_PER_JOB * jobs:
                yield from _in_order(*in_flight.popleft())
        while in_flight:
            yield from _in_order(*in_flight.popleft())


def _work_chunk(items: list[Article | Issue]) -> list[DocumentResult | Issue]:
    if _Worker.failure is not None:
        raise _Worker.failure
    return [_work(item) for item in items]


def _in_order(sent: list[Article | Issue], pending: Future) -> Iterator[DocumentResult | Issue]:
    """The results of one chunk, each with the article the parent sent (workers do not send it
    back); a worker that died while holding the chunk fails the run, naming its documents."""
    try:
        results = pending.result()
    except BrokenProcessPool:
        raise QuotetrackError(
            f"a worker process died while extracting {_documents(sent)}",
            hint="it was killed (out of memory?) or crashed: rerun with --jobs 1, "
            "or give the machine more memory",
        ) from None
    for item, result in zip(sent, results, strict=True):
        if not isinstance(result, Issue) and result.article is None:
            result.article = item  # type: ignore[assignment]
        yield result


def _documents(items: list[Article | Issue]) -> str:
    """A short name for the documents of a chunk (the first, and how many more)."""
    names = [item.doc_id for item in items if isinstance(item, Article)]
    if not names:
        return "a batch of input issues"
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return f"document {names[0]!r}{more}"
