"""The comparison's limits as the user sees them: its deadline and the issue rows that say what
was cut short.

A ``Deadline`` is checked between incidents while figures are compared: an incident reached after
it keeps its claims, groups and row but gets no flags, and is reported as a
``comparison_incomplete`` issue. An incident with more figures than ``FlagOptions.max_positions``,
or claims whose date window held more than ``GroupingOptions.max_candidates`` others, is compared
in part by design, and reported as ``comparison_capped``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from quotetrack.models import Issue

#: the codes of the issue rows the comparison writes
COMPARISON_ISSUE_CODES = ("comparison_capped", "comparison_incomplete")

#: the clock deadlines are measured with (tests replace it to run out of time deterministically)
CLOCK: Callable[[], float] = time.monotonic


@dataclass(frozen=True)
class CompareBudget:
    """How long the comparison may take: ``seconds``, plus ``per_document`` for each document
    compared (None and 0: no limit)."""

    seconds: float | None = None
    per_document: float = 0.0

    def deadline(self, n_documents: int) -> Deadline:
        """The deadline of a comparison of ``n_documents``, starting now."""
        total = (self.seconds or 0.0) + self.per_document * n_documents
        return Deadline(total or None)


class Deadline:
    """A point in time after which no more incidents are compared (None: never)."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = seconds
        self.clock = CLOCK
        self.at = None if seconds is None else self.clock() + seconds

    def expired(self) -> bool:
        """Whether the time is up."""
        return self.at is not None and self.clock() >= self.at


@dataclass
class Shortfall:
    """What the comparison left out of one incident."""

    incident_id: str
    label: str = ""
    incomplete: bool = False  # reached after the deadline: not compared at all ...
    partial: bool = False  # ... or only its checks across incidents (parts, totals) not made
    figures: int = 0  # distinct figures of its categories above the flagger's cap ...
    pairs: int = 0  # ... the pairs they make ...
    pairs_checked: int = 0  # ... and those checked for disagreements
    window_claims: int = 0  # claims whose date window held more than the grouping compares
    window_pairs_skipped: int = 0  # the pairs of claims grouping did not compare for them


def shortfall_issues(shortfalls: list[Shortfall], seconds: float | None) -> list[Issue]:
    """The ``issues`` rows of the incidents the comparison capped or did not reach in time."""
    issues = []
    for s in shortfalls:
        name = f"incident {s.incident_id}" + (f" ({s.label})" if s.label else "")
        if s.incomplete:
            ran_out = f"the comparison budget of {seconds or 0:g} s ran out"
            what = (
                f"was compared in part: {ran_out} before its checks against other incidents, "
                "daily totals and attributions; its flags so far are kept"
                if s.partial
                else f"was not compared: {ran_out}; its claims and incident are kept, without flags"
            )
            issues.append(
                Issue(
                    severity="warning",
                    code="comparison_incomplete",
                    message=f"{name} {what} (give a larger --compare-budget)",
                )
            )
            continue
        parts = []
        if s.figures:
            parts.append(
                f"{s.figures} distinct figures, each checked for disagreements against the one "
                f"before and the most cited, not against all ({s.pairs - s.pairs_checked} of "
                f"{s.pairs} pairs not checked)"
            )
        if s.window_claims:
            parts.append(
                f"{s.window_claims} claims compared for grouping with the next claims in date "
                f"order only ({s.window_pairs_skipped} pairs not compared)"
            )
        issues.append(
            Issue(
                severity="info",
                code="comparison_capped",
                message=f"{name}: " + "; ".join(parts) + " (the caps keep the comparison linear)",
            )
        )
    return issues
