"""Casualty claims: figures, qualifiers, what they count and who claims them.

STUB: the claims issue fills this in.
"""

from __future__ import annotations

from quotetrack.attribution import DocumentContext
from quotetrack.models import Article, Claim, Quote
from quotetrack.rules import RuleSet
from quotetrack.segment import Segmentation


class ClaimExtractor:
    """Compiled claim rules (build once per rule set)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset

    def extract(self, article: Article, seg: Segmentation, ctx: DocumentContext,
                quotes: list[Quote]) -> list[Claim]:
        """Every casualty claim of ``article``."""
        return []
