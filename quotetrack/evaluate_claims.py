"""Accuracy of the claims stage against annotated gold data (the metrics of ../shared/eval/tools).

STUB: the claims issue fills this in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def evaluate(gold_path: Path, inputs: list[str], rules_dir: Path | None = None) -> dict[str, Any]:
    """Run the pipeline on ``inputs`` and score its claims against ``gold_path``."""
    raise NotImplementedError


def headline_f1(result: dict[str, Any]) -> float:
    """The F1 that --min-f1 is compared with."""
    raise NotImplementedError


def report(result: dict[str, Any]) -> str:
    """The printed table of metrics."""
    raise NotImplementedError
