"""The comparison's share of a `quotetrack run`: process time of the extraction vs the comparison.

    python benchmarks/compare_share.py ../shared/eval/ecb-dev-docs.jsonl \\
        ../shared/eval/ecb-train-docs.jsonl ../shared/eval/polnear-dev.jsonl
    python benchmarks/compare_share.py BIG.jsonl --profile compare.prof   # cProfile of the
                                                                           # comparison parts only

Runs ``run_to_directory`` on one process (``--jobs 1``, tables written to a temporary folder) and
times, in process time, each part of the comparison where it happens: the per-document reduction
(``Comparer.compact``, done beside the extraction), taking it in (``Comparer.add_compact``) and the
comparison at the end with its tables written (``stream_comparison``). The extraction is the time
of ``Extractor.process`` less the reduction. Prints both and the comparison as a share of the
extraction (issue 19's target: under 10%). Run it by hand: it is not part of CI.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from quotetrack.compare import Comparer  # noqa: E402
from quotetrack.pipeline import runner  # noqa: E402
from quotetrack.pipeline.extractor import Extractor  # noqa: E402

PARTS = ("compact", "add_compact", "stream_comparison")


def timed(
    function: Callable[..., Any],
    part: str,
    seconds: Counter[str],
    profile: cProfile.Profile | None,
) -> Callable[..., Any]:
    """``function`` adding its process time to ``seconds[part]`` (and profiled, if asked)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        if profile is not None and part in PARTS:
            profile.enable()
        try:
            return function(*args, **kwargs)
        finally:
            if profile is not None and part in PARTS:
                profile.disable()
            seconds[part] += time.process_time() - started

    return wrapper


def measure(paths: list[str], profile: cProfile.Profile | None = None) -> Counter[str]:
    """Process seconds of each part of one `quotetrack run` of ``paths`` on one process."""
    seconds: Counter[str] = Counter()
    patched = [
        (Comparer, "compact"),
        (Comparer, "add_compact"),
        (Extractor, "process"),
        (runner, "stream_comparison"),
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name in patched]
    for owner, name, function in originals:
        part = "extractor" if name == "process" else name
        setattr(owner, name, timed(function, part, seconds, profile))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.process_time()
            runner.run_to_directory(paths, Path(tmp) / "out", jobs=1)
            seconds["run"] = time.process_time() - started
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)
    return seconds


def main() -> None:
    """Print the extraction and comparison process times of one run, and the share."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="input files or folders, as for quotetrack run")
    parser.add_argument("--profile", help="write a cProfile of the comparison parts to this file")
    args = parser.parse_args()
    profile = cProfile.Profile() if args.profile else None
    s = measure(args.inputs, profile)
    extraction = s["extractor"] - s["compact"]
    comparison = s["compact"] + s["add_compact"] + s["stream_comparison"]
    print(f"whole run (process time, one job): {s['run']:.2f} s")
    print(f"extraction (Extractor.process less compact): {extraction:.2f} s")
    print(
        f"comparison: {comparison:.2f} s = compact {s['compact']:.2f} + add_compact "
        f"{s['add_compact']:.2f} + compare and write {s['stream_comparison']:.2f}"
    )
    print(f"comparison / extraction: {100 * comparison / extraction:.1f}%")
    if profile is not None:
        profile.dump_stats(args.profile)
        print(f"profile of the comparison written to {args.profile}")


if __name__ == "__main__":
    main()
