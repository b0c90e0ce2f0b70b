"""Cross-source comparison: quote matches, event groups of claims, typed disagreements.

STUB: the compare issue fills this in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from quotetrack.models import Disagreement, EventGroup, QuoteMatch


@dataclass
class Comparison:
    """What compare() finds across a batch."""

    quote_matches: list[QuoteMatch] = field(default_factory=list)
    event_groups: list[EventGroup] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)


def compare(articles: pd.DataFrame, quotes: pd.DataFrame, claims: pd.DataFrame) -> Comparison:
    """Match quotes across documents and flag disagreeing figures."""
    return Comparison()
