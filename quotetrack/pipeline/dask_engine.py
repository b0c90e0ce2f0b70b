"""Beyond one machine: extraction mapped over partitions of a dataset with Dask.

    quotetrack run data/*.jsonl --out out/ --engine dask                      # a LocalCluster
    quotetrack run data/*.jsonl --out out/ --engine dask --scheduler tcp://host:8786

Each JSONL file is cut into byte ranges at line boundaries (``blocksize``), each Parquet file
into its row groups; one Dask task per partition reads its part, extracts it with
``extract_partition`` (the per-partition function, usable from any Dask or Spark job), writes its
rows to ``OUT/<table>/part-NNNNN.parquet`` and returns only the compact rows the comparison needs.
The comparison then runs once, on the client, over those compact rows (its work is blocked by
category and date window), and writes ``OUT/<table>.parquet`` for the comparison tables.
Workers must see the input paths and ``OUT`` (a shared file system).

Needs the ``dask`` extra: ``pip install 'quotetrack[dask]'``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from quotetrack.compare import CompactDocument, Comparer
from quotetrack.errors import QuotetrackError
from quotetrack.models import Article, Issue
from quotetrack.pipeline.ingest import IngestOptions, parse_jsonl, parse_record
from quotetrack.pipeline.options import RunOptions
from quotetrack.pipeline.runner import STREAMED_TABLES, Result, write_comparison
from quotetrack.rulebook.ruleset import load_ruleset
from quotetrack.tables.export import write_parquet
from quotetrack.tables.normalise import arrow_schema, to_frame

DEFAULT_BLOCKSIZE = 64 * 1024 * 1024


@dataclass(frozen=True)
class Partition:
    """One task's share of the input: a byte range of a JSONL file or a row group of a Parquet
    file."""

    index: int
    path: str
    kind: str  # "jsonl" or "parquet"
    start: int = 0  # byte offset (jsonl) or row group (parquet)
    end: int = 0
    first_line: int = 1


@dataclass
class PartitionResult:
    """What extract_partition returns: every table's rows, the compact rows and the counts."""

    tables: dict[str, pd.DataFrame]
    compact: list[CompactDocument]
    documents_in: int
    processed: int
    failed: int


def plan_partitions(
    inputs: Iterable[str | Path], blocksize: int = DEFAULT_BLOCKSIZE
) -> list[Partition]:
    """Partitions of the JSONL and Parquet inputs (files, or folders of them)."""
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        files.extend(
            sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".parquet"))
            if path.is_dir()
            else [path]
        )
    parts: list[Partition] = []
    for path in files:
        if not path.is_file():
            raise QuotetrackError(
                f"{path}: no such file", hint="the dask engine reads .jsonl and .parquet files"
            )
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            for group in range(pq.ParquetFile(path).num_row_groups):
                parts.append(Partition(len(parts), str(path), "parquet", group, group + 1))
            continue
        if path.suffix != ".jsonl":
            raise QuotetrackError(
                f"{path}: the dask engine reads .jsonl and .parquet files",
                hint="use the local engine for .txt, .html and .csv",
            )
        size, line, start = path.stat().st_size, 1, 0
        with path.open("rb") as fh:
            while start < size:
                fh.seek(min(start + blocksize, size))
                fh.readline()  # move on to the end of the line the block boundary falls in
                end = min(fh.tell(), size)
                fh.seek(start)
                newlines = fh.read(end - start).count(b"\n")
                parts.append(Partition(len(parts), str(path), "jsonl", start, end, line))
                line += newlines
                start = end
    return parts


def _lines(part: Partition) -> list[str]:
    with open(part.path, "rb") as fh:
        fh.seek(part.start)
        data = fh.read(part.end - part.start)
    if part.start == 0 and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="replace").splitlines()


def _records(part: Partition) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    table = pq.ParquetFile(part.path).read_row_group(part.start)
    return table.to_pylist()


def extract_partition(
    items: Iterable[Article | Issue], options: RunOptions | None = None, **keywords: Any
) -> PartitionResult:
    """Extract one partition's articles: every table's rows plus the compact rows for comparison.
    ``options`` (or keywords) are those of ``quotetrack.run``.

    This is the function to call from a user's own Dask or Spark job (``mapPartitions``)."""
    opts = RunOptions.of(options, **keywords)
    extractor = opts.extractor()
    comparer = Comparer(extractor.ruleset, opts.comparison())
    rows: dict[str, list] = {name: [] for name in STREAMED_TABLES}
    compact: list[CompactDocument] = []
    documents_in = processed = failed = 0
    for item in items:
        if isinstance(item, Issue):
            rows["issues"].append(item)
            documents_in += int(item.fatal)
            failed += int(item.fatal)
            continue
        documents_in += 1
        result = extractor.process_safely(item, debug=opts.debug)
        rows["issues"].extend(result.issues)
        if any(i.fatal for i in result.issues):
            failed += 1
            continue
        processed += 1
        rows["articles"].append(result.article)
        rows["quotes"].extend(result.quotes)
        rows["claims"].extend(result.claims)
        compact.append(
            comparer.compact(
                item.doc_id,
                item.outlet,
                item.text,
                (q.model_dump() for q in result.quotes),
                (c.model_dump() for c in result.claims),
            )
        )
    return PartitionResult(
        {name: to_frame(name, r) for name, r in rows.items()},
        compact,
        documents_in,
        processed,
        failed,
    )


def _parquet_items(part: Partition, options: IngestOptions) -> Iterable[Article | Issue]:
    for number, record in enumerate(_records(part), start=1):
        yield from parse_record(
            record,
            part.path,
            number,
            f"{Path(part.path).stem}-{number}",
            "parquet",
            "utf-8",
            options,
        )


def process_partition(
    part: Partition, out_dir: str, run_options: RunOptions
) -> tuple[list[CompactDocument], tuple[int, int, int], dict[str, int]]:
    """One Dask task: read, extract, write this partition's Parquet parts; return compact rows."""
    options = run_options.ingest()
    if part.kind == "jsonl":
        items: Iterable[Article | Issue] = parse_jsonl(
            _lines(part),
            part.path,
            Path(part.path).stem,
            "utf-8",
            options,
            first_line=part.first_line,
        )
    else:
        items = _parquet_items(part, options)
    result = extract_partition(items, run_options)
    for name, frame in result.tables.items():
        target = Path(out_dir) / name / f"part-{part.index:05d}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(frame, target, arrow_schema(name))
    return (
        result.compact,
        (result.documents_in, result.processed, result.failed),
        {name: len(frame) for name, frame in result.tables.items()},
    )


def run_dask(
    inputs: Iterable[str | Path],
    out_dir: Path,
    options: RunOptions | None = None,
    *,
    scheduler: str | None = None,
    blocksize: int = DEFAULT_BLOCKSIZE,
    workers: int = 2,
    **keywords: Any,
) -> Result:
    """Extract every partition on a Dask cluster (``scheduler`` address, or a LocalCluster of
    ``workers`` processes), then compare on the client; write partitioned Parquet to ``out_dir``.
    ``options`` (or keywords) are those of ``quotetrack.run``."""
    opts = RunOptions.of(options, **keywords)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise QuotetrackError(
            "the dask engine needs dask.distributed", hint="pip install 'quotetrack[dask]'"
        ) from None
    started = time.perf_counter()
    ruleset = load_ruleset(opts.rules_dir)  # validate the rules before shipping work
    opts = RunOptions.of(opts, rules_dir=ruleset.directory)  # the workers load the same rules
    parts = plan_partitions(inputs, blocksize)
    out_dir.mkdir(parents=True, exist_ok=True)
    cluster = (
        None
        if scheduler
        else LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    )
    comparer = Comparer(ruleset, opts.comparison(), budget=opts.compare_budget())
    totals = [0, 0, 0]
    rows = {name: 0 for name in STREAMED_TABLES}
    try:
        with Client(scheduler or cluster) as client:
            futures = [
                client.submit(
                    process_partition,
                    part,
                    str(out_dir),
                    opts,
                    pure=False,
                )
                for part in parts
            ]
            for future in futures:  # in partition order; each one's rows are let go once taken in
                compact, counts, sizes = future.result()
                future.release()
                for doc in compact:
                    comparer.add_compact(doc)
                totals = [a + b for a, b in zip(totals, counts, strict=False)]
                for name, n in sizes.items():
                    rows[name] += n
        rows.update(write_comparison(comparer, out_dir, "parquet"))
        comparison_issues = comparer.issues()  # capped or unfinished incidents
        if comparison_issues:  # one more part of the issues table, after the partitions'
            target = out_dir / "issues" / f"part-{len(parts):05d}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            write_parquet(to_frame("issues", comparison_issues), target, arrow_schema("issues"))
            rows["issues"] += len(comparison_issues)
    finally:
        comparer.close()
        if cluster is not None:
            cluster.close()
    return Result(
        tables={},
        documents_in=totals[0],
        processed=totals[1],
        failed=totals[2],
        seconds=time.perf_counter() - started,
        rows=rows,
        comparison_issues=comparison_issues,
    )
