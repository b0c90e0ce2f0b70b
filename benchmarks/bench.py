"""Benchmark the full extraction (quotes + speakers + claims, tables built) on real articles.

    python benchmarks/bench.py                 # the eval texts once (~0.65 MB)
    python benchmarks/bench.py --mb 50         # repeated to at least 50 MB
    python benchmarks/bench.py --profile out.prof
    python benchmarks/bench.py --jobs 2 --mb 50  # extraction, then the whole run (read,
                                                 # extract, compare, write), on 1 and 2 cores
    python benchmarks/bench.py --cpu           # process time instead of wall time
                                               # (steadier on a busy machine)

Prints MB/s (UTF-8 bytes of article text per second), documents/s, peak RSS and the share of
each stage. The corpus is the PolNeAR dev and ECB+ dev texts in ../shared/eval (read by path,
never copied). Run it by hand: it is not part of CI.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from quotetrack.models import Article  # noqa: E402
from quotetrack.pipeline.extractor import Extractor  # noqa: E402
from quotetrack.tables.normalise import to_frame  # noqa: E402


def corpus() -> list[Article]:
    """The eval articles (PolNeAR dev, ECB+ dev) as Articles."""
    articles = []
    for name in ("polnear-dev.jsonl", "ecb-dev-docs.jsonl"):
        with open(EVAL / name, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                articles.append(
                    Article.build(
                        doc_id=rec["doc_id"],
                        text=rec["text"],
                        outlet=rec.get("outlet") or None,
                        published=rec.get("date"),
                    )
                )
    return articles


def run(
    articles: list[Article],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
    extractor: Extractor | None = None,
) -> dict[str, float]:
    """Extract every article ``repeat`` times; return seconds per stage (measured with
    ``clock``)."""
    extractor = extractor or Extractor().compile()
    stages: Counter[str] = Counter()
    quotes, claims = [], []
    for _ in range(repeat):
        for art in articles:
            t0 = clock()
            seg = extractor.segmenter.segment(art.text, art.doc_id, art.source)
            t1 = clock()
            ctx = extractor.attributor.document(art, seg)
            t2 = clock()
            q = extractor.quotes.extract(art, seg, ctx)
            t3 = clock()
            c = extractor.claims.extract(art, seg, ctx, q)
            t4 = clock()
            quotes.extend(q)
            claims.extend(c)
            stages["segment"] += t1 - t0
            stages["attribution"] += t2 - t1
            stages["quotes"] += t3 - t2
            stages["claims"] += t4 - t3
    t5 = clock()
    to_frame("quotes", quotes)
    to_frame("claims", claims)
    stages["tables"] += clock() - t5
    stages["n_quotes"] = len(quotes)
    stages["n_claims"] = len(claims)
    return dict(stages)


def extraction_on_cores(mb: float, jobs: int) -> None:
    """Time the extraction (every article's quotes, speakers and claims; the two tables built once)
    of the corpus repeated to ``mb`` MB on 1 and on ``jobs`` processes (``iter_results``: the
    ``--jobs`` code path, worker start-up and rule compiling included); the cross-document
    comparison, which runs once at the end of a run, is timed by ``end_to_end``."""
    from quotetrack.pipeline.parallel import iter_results

    articles = corpus()
    size = sum(len(a.text.encode("utf-8")) for a in articles)
    repeat = max(1, int(-(-mb * 1e6 // size)))
    seconds = {}
    for n in (1, jobs):
        extractor = Extractor()
        started = time.perf_counter()
        quotes, claims = [], []
        for result in iter_results((a for _ in range(repeat) for a in articles), extractor, n):
            quotes.extend(result.quotes)
            claims.extend(result.claims)
        to_frame("quotes", quotes)
        to_frame("claims", claims)
        seconds[n] = time.perf_counter() - started
        print(
            f"extraction, {size * repeat / 1e6:.1f} MB, {len(articles) * repeat} documents, "
            f"jobs {n}: {seconds[n]:.1f} s -> {size * repeat / 1e6 / seconds[n]:.2f} MB/s "
            f"({len(quotes)} quotes, {len(claims)} claims)"
        )
    print(f"extraction on {jobs} jobs: {seconds[1] / seconds[jobs]:.2f}x one job")


def end_to_end(mb: float, jobs: int) -> None:
    """Time ``run_to_directory`` on the corpus repeated to ``mb`` MB with 1 and ``jobs`` processes
    (start-up included: the rules compile once per run; output tables written to a temp folder)."""
    from make_corpus import write_corpus

    from quotetrack.pipeline.runner import run_to_directory

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        written, _ = write_corpus(mb, path)
        seconds = {}
        for n in (1, jobs):
            started = time.perf_counter()
            result = run_to_directory([path], Path(tmp) / f"out{n}", jobs=n)
            seconds[n] = time.perf_counter() - started
            print(
                f"quotetrack run, {written / 1e6:.1f} MB, {result.documents_in} documents, "
                f"jobs {n}: {seconds[n]:.1f} s -> {written / 1e6 / seconds[n]:.2f} MB/s"
            )
        print(f"{jobs} jobs: {seconds[1] / seconds[jobs]:.2f}x one job")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--mb", type=float, default=0, help="repeat the corpus to at least this many MB"
    )
    ap.add_argument("--profile", help="write a cProfile profile here and print its top entries")
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="measure process time (time.process_time) instead of wall time",
    )
    ap.add_argument(
        "--jobs",
        type=int,
        default=0,
        help="time the extraction, then the whole `quotetrack run` (read, extract, compare, "
        "write CSV), with 1 and N jobs",
    )
    args = ap.parse_args()
    if args.jobs:
        extraction_on_cores(args.mb or 50, args.jobs)
        end_to_end(args.mb or 50, args.jobs)
        return
    clock = time.process_time if args.cpu else time.perf_counter
    articles = corpus()
    size = sum(len(a.text.encode("utf-8")) for a in articles)
    repeat = max(1, int(-(-args.mb * 1e6 // size))) if args.mb else 1
    compile_started = clock()
    extractor = Extractor().compile()  # compile the rules (and build the scanners) before timing
    compile_seconds = clock() - compile_started
    profiler = cProfile.Profile() if args.profile else None
    started = clock()
    if profiler:
        profiler.enable()
    stages = run(articles, repeat, clock, extractor)
    if profiler:
        profiler.disable()
    seconds = clock() - started
    mb = size * repeat / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {len(articles)} documents, {size / 1e6:.2f} MB, x{repeat} = {mb:.1f} MB")
    print(
        f"time: {seconds:.2f} s  ->  {mb / seconds:.2f} MB/s, "
        f"{len(articles) * repeat / seconds:.0f} documents/s "
        f"(one core, {'process' if args.cpu else 'wall'} time)"
    )
    print(f"rules compiled in {compile_seconds:.2f} s ({'process' if args.cpu else 'wall'} time)")
    print(f"peak RSS: {peak:.0f} MB")
    print(f"rows: {stages.pop('n_quotes'):.0f} quotes, {stages.pop('n_claims'):.0f} claims")
    total = sum(stages.values())
    print(
        "stage shares: " + ", ".join(f"{k} {v / total:.0%} ({v:.2f} s)" for k, v in stages.items())
    )
    if profiler:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main()
