"""Direct quotes and their speakers.

STUB: the quotes issue fills this in.
"""

from __future__ import annotations

from quotetrack.attribution import DocumentContext
from quotetrack.models import Article, Quote
from quotetrack.rules import RuleSet
from quotetrack.segment import Segmentation


class QuoteExtractor:
    """Compiled quote rules (build once per rule set)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset

    def extract(self, article: Article, seg: Segmentation, ctx: DocumentContext) -> list[Quote]:
        """Every quoted segment of ``article`` with its kind and speaker."""
        return []
