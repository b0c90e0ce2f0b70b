"""Attribution and speaker resolution shared by quotes and claims (who says what).

STUB: the quotes issue fills this in. The contract the claims stage relies on:

* ``Attributor(ruleset)`` compiles the rules once;
* ``Attributor.document(article, seg)`` returns a ``DocumentContext`` for one article;
* ``DocumentContext.source_of(start, end)`` returns the ``Source`` that the article says a span
  of text comes from (resolved to a name, e.g. "he" -> "Nawaf Fares"), or None for the outlet's
  own voice.
"""

from __future__ import annotations

from dataclasses import dataclass

from quotetrack.models import Article
from quotetrack.rules import RuleSet
from quotetrack.segment import Segmentation


@dataclass(frozen=True, slots=True)
class Source:
    """Who a span of text is attributed to."""

    name: str  # resolved name ("Nawaf Fares", "Syria's Foreign Ministry", "activists")
    mention: str  # the mention the frame used ("he", "the ministry")
    start: int
    end: int
    source_type: str  # person / organisation / anonymous / document / outlet
    role: str | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    reported_by: str | None = None
    rule_id: str | None = None
    resolution: str | None = None


class DocumentContext:
    """Mentions and attributions of one article."""

    def __init__(self, article: Article, seg: Segmentation) -> None:
        self.article = article
        self.seg = seg

    def source_of(self, start: int, end: int) -> Source | None:
        """The source the article gives for the text in ``[start, end)``, or None."""
        return None


class Attributor:
    """Compiled attribution rules (build once per rule set)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset

    def document(self, article: Article, seg: Segmentation) -> DocumentContext:
        """Analyse one article's mentions and attribution frames."""
        return DocumentContext(article, seg)
