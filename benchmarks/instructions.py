"""Instructions per extraction pass over the eval texts, counted by callgrind (steady on a noisy
machine, unlike wall time).

    python benchmarks/instructions.py            # prints "M instructions per pass"

Runs ``valgrind --tool=callgrind`` twice over ``bench.py``'s corpus (PolNeAR dev + ECB+ dev):
once with one extraction pass and once with two (``PYTHONHASHSEED=0``); the difference is one
warm pass, without start-up, imports and rule compilation. Needs valgrind (Debian: ``valgrind``).
Takes a few minutes; not part of CI.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def passes(n: int) -> None:
    """Run ``n`` extraction passes over the corpus (the program valgrind counts)."""
    sys.path.insert(0, str(HERE))
    from bench import corpus

    from quotetrack.pipeline.extractor import Extractor

    articles = corpus()
    extractor = Extractor(time_budget_s=None).compile()
    for _ in range(n):
        for article in articles:
            extractor.process(article)


def collected(n: int) -> int:
    """Instructions callgrind collects for a process running ``n`` passes."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--passes",
            str(n),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    match = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if match is None:
        raise SystemExit(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(match.group(1))


def main() -> None:
    """Print the instructions of one warm extraction pass."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.passes:
        passes(args.passes)
        return
    one, two = collected(1), collected(2)
    print(f"{(two - one) / 1e6:,.1f} M instructions per pass")


if __name__ == "__main__":
    main()
