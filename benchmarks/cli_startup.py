"""How long ``quotetrack --help`` and ``quotetrack --version`` take (wall time, median of runs).

    python benchmarks/cli_startup.py [--runs 7]

The command line imports the pipeline (pandas, the rules) only when a command runs; this measures
what a user waits for before the help text. Wall time depends on the machine's load: compare
numbers taken together.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import time


def seconds(args: list[str], runs: int) -> float:
    """Median wall time of ``args`` over ``runs`` runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Print the median time of each command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    exe = shutil.which("quotetrack") or "quotetrack"
    for args in ([exe, "--help"], [exe, "--version"], [exe, "run", "--help"]):
        print(f"{' '.join(['quotetrack', *args[1:]]):<24} {seconds(args, runs):.2f} s")


if __name__ == "__main__":
    main()
