"""How fast can the extraction be while its rules stay regular expressions run by the `regex`
engine?

    python benchmarks/regex_floor.py

Runs one extraction pass over the eval texts (as ``bench.py`` does) with every compiled pattern of
the extractor and of the quotetrack modules wrapped so that each call (pattern, method, arguments)
is recorded; then replays the recorded calls alone, best of five, in process time. The replay is
the time the `regex` engine needs for the rules as they are written, with no Python work around
it: a ceiling on the MB/s any Python implementation of these rules can reach. It also prints the
patterns that take the most of it. Run it by hand: it is not part of CI.
"""

from __future__ import annotations

import sys
import time
import types
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import regex

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import bench  # noqa: E402

from quotetrack.pipeline.extractor import Extractor  # noqa: E402

METHODS = ("match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split")
Call = tuple[str, Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class RecordingPattern:
    """A compiled pattern that records each call of its matching methods in ``calls``."""

    def __init__(self, pattern: regex.Pattern[str], name: str, calls: list[Call]) -> None:
        self._pattern, self._name, self._calls = pattern, name, calls

    def __getattr__(self, attr: str) -> Any:
        method = getattr(self._pattern, attr)
        if attr not in METHODS:
            return method

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self._calls.append((self._name, method, args, kwargs))
            result = method(*args, **kwargs)
            return list(result) if attr == "finditer" else result

        return recorded


def wrap_patterns(
    root: object, name: str, calls: list[Call], seen: set[int], depth: int = 0
) -> None:
    """Replace every compiled pattern held in the attributes of ``root`` (and of the objects it
    holds, a few levels down) by a recording one."""
    attributes = getattr(root, "__dict__", None)
    if attributes is None or id(root) in seen or depth > 5:
        return
    seen.add(id(root))
    for attr, value in list(attributes.items()):
        if isinstance(value, regex.Pattern):
            try:
                setattr(root, attr, RecordingPattern(value, f"{name}.{attr}", calls))
            except (AttributeError, TypeError):  # a frozen object: left as it is
                pass
        elif hasattr(value, "__dict__") and not isinstance(
            value, (type, types.ModuleType, types.FunctionType)
        ):
            wrap_patterns(value, f"{name}.{attr}", calls, seen, depth + 1)


def replay(calls: list[Call]) -> tuple[float, Counter[str]]:
    """(process seconds of the best of five plain replays, seconds per pattern in one more replay
    that times each call)."""
    clock = time.process_time
    best = float("inf")
    for _ in range(5):
        started = clock()
        for _name, method, args, kwargs in calls:
            result = method(*args, **kwargs)
            if hasattr(result, "__next__"):  # finditer
                list(result)
        best = min(best, clock() - started)
    per_pattern: Counter[str] = Counter()
    for name, method, args, kwargs in calls:
        t0 = clock()
        result = method(*args, **kwargs)
        if hasattr(result, "__next__"):
            list(result)
        per_pattern[name] += clock() - t0
    return best, per_pattern


def main() -> None:
    calls: list[Call] = []
    extractor = Extractor().compile()
    wrap_patterns(extractor, "extractor", calls, set())
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("quotetrack"):
            for attr, value in list(vars(module).items()):
                if isinstance(value, regex.Pattern):
                    setattr(module, attr, RecordingPattern(value, f"{module_name}.{attr}", calls))
    articles = bench.corpus()
    size_mb = sum(len(a.text.encode("utf-8")) for a in articles) / 1e6
    started = time.process_time()
    bench.run(articles, 1, time.process_time, extractor)
    whole = time.process_time() - started
    seconds, per_pattern = replay(calls)
    print(f"corpus: {len(articles)} documents, {size_mb:.2f} MB")
    print(f"extraction (calls recorded): {whole:.2f} s; {len(calls)} regex calls")
    print(
        f"the regex calls alone: {seconds:.3f} s -> {size_mb / seconds:.2f} MB/s at most with "
        f"these rules in the regex engine ({seconds / whole:.0%} of the recorded pass)"
    )
    total = sum(per_pattern.values()) or 1.0
    for name, spent in per_pattern.most_common(12):
        print(f"  {spent * 1000:7.1f} ms  {spent / total:4.0%}  {name}")


if __name__ == "__main__":
    main()
