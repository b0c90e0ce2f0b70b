"""Cross-source comparison: quote matches, syndicated copies, event groups and typed disagreements.

``compare(articles, quotes, claims, ruleset)`` takes the three extraction tables and returns a
``Comparison``; each step lives in its own module of this package (``quote_matching``,
``syndication``, ``places``, ``events``, ``flags``), with its data in ``rules/compare.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from quotetrack.compare.events import EventTyper, GroupingOptions, claim_facts, group_claims, summarise
from quotetrack.compare.flags import FlagOptions, Flagger
from quotetrack.compare.places import PlaceIndex
from quotetrack.compare.quote_matching import QuoteMatchOptions, match_quotes
from quotetrack.compare.rules import CompareRules
from quotetrack.compare.syndication import SyndicationOptions, article_pairs
from quotetrack.models import ArticlePair, Disagreement, EventGroup, QuoteMatch
from quotetrack.rules import RuleSet, load_ruleset


@dataclass(frozen=True)
class CompareOptions:
    """Every tolerance and window of the comparison (the CLI exposes them as options)."""

    quotes: QuoteMatchOptions = field(default_factory=QuoteMatchOptions)
    syndication: SyndicationOptions = field(default_factory=SyndicationOptions)
    grouping: GroupingOptions = field(default_factory=GroupingOptions)
    flags: FlagOptions = field(default_factory=FlagOptions)


@dataclass
class Comparison:
    """What compare() finds across a batch."""

    quote_matches: list[QuoteMatch] = field(default_factory=list)
    event_groups: list[EventGroup] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    article_pairs: list[ArticlePair] = field(default_factory=list)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a table as dicts with None for missing values."""
    return [{k: (None if v is pd.NA or (isinstance(v, float) and v != v) else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def victim_parents(ruleset: RuleSet) -> dict[str, str]:
    """Victim class -> its parent class, from the claims rules' victim taxonomy (empty if none)."""
    victims = ruleset.files.get("victims.toml")
    taxonomy = getattr(victims, "classes", None) or {}
    parents: dict[str, str] = {}
    for name, spec in taxonomy.items():
        parent = getattr(spec, "parent", None) if not isinstance(spec, dict) else spec.get("parent")
        if parent:
            parents[name] = parent
    return parents


def compare(articles: pd.DataFrame, quotes: pd.DataFrame, claims: pd.DataFrame, ruleset: RuleSet | None = None,
            options: CompareOptions | None = None) -> Comparison:
    """Match quotes across documents, find syndicated copies, group claims and flag disagreements."""
    ruleset = ruleset or load_ruleset()
    options = options or CompareOptions()
    rules: CompareRules = ruleset.get("compare.toml")
    article_rows = records(articles)
    pairs = article_pairs(article_rows, options.syndication)
    syndicated = {frozenset(p.doc_ids) for p in pairs if p.syndicated}
    matches = match_quotes(records(quotes), syndicated, options.quotes)

    places = PlaceIndex(rules, (a.get("text") or "" for a in article_rows))
    facts = claim_facts(records(claims), places, EventTyper(rules))
    groups = group_claims(facts, places, options.grouping)
    named = [(f"g{n}", g) for n, g in enumerate(groups, start=1)]
    flagger = Flagger(rules.explanations, places, victim_parents(ruleset), syndicated, options.flags)
    flagger.groups(named)
    flagger.aggregates(facts, {m.index: gid for gid, g in named for m in g.members})
    flagger.attributions(facts)
    return Comparison(quote_matches=matches, event_groups=[summarise(gid, g) for gid, g in named],
                      disagreements=flagger.rows, article_pairs=pairs)
