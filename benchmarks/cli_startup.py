"""How long ``quotetrack --help`` and ``quotetrack --version`` take (wall time, median of runs).

    python benchmarks/cli_startup.py [--runs 7]

The command line imports the pipeline (pandas, pydantic, the rules) only when a command runs, and
prints plain help (rendering it with rich imported rich and markdown-it: half the time); this
measures what a user waits for before the help text, next to the interpreter's own start.
``python -X importtime -m quotetrack --help`` shows where the rest goes. Wall time depends on
the machine's load: compare numbers taken together.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
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
    # the floor: the interpreter, and the CLI framework alone (typer builds a command's options
    # with pydantic, so a command's --help also pays for pydantic)
    for code in ("pass", "import typer"):
        print(f"{'python -c ' + code:<24} {seconds([sys.executable, '-c', code], runs):.2f} s")


if __name__ == "__main__":
    main()
