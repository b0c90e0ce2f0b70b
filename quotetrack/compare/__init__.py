"""Cross-source comparison: quote matches, syndicated copies, event groups and typed disagreements.

``compare(articles, quotes, claims, ruleset)`` takes the three extraction tables and returns a
``Comparison``; each step lives in its own module of this package (``quote_matching``,
``syndication``, ``places``, ``events``, ``flags``), with its data in ``rules/compare.toml``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Iterable

import pandas as pd

from quotetrack.compare.anchors import AnchorOptions, StoryIndex, anchors_of
from quotetrack.compare.events import EventTyper, GroupingOptions, claim_facts, compatible_pairs, group_claims, summarise
from quotetrack.compare.flags import FlagOptions, Flagger
from quotetrack.compare.places import PlaceIndex
from quotetrack.compare.quote_matching import QuoteClusters, QuoteMatchOptions, QuoteRow, match_clusters
from quotetrack.compare.rules import CompareRules
from quotetrack.compare.syndication import Digest, SyndicationOptions, article_pairs, digest
from quotetrack.normalise import records
from quotetrack.models import ArticlePair, Disagreement, EventGroup, QuoteMatch
from quotetrack.rules import RuleSet, load_ruleset


@dataclass(frozen=True)
class CompareOptions:
    """Every tolerance and window of the comparison (the CLI exposes them as options)."""

    quotes: QuoteMatchOptions = field(default_factory=QuoteMatchOptions)
    syndication: SyndicationOptions = field(default_factory=SyndicationOptions)
    grouping: GroupingOptions = field(default_factory=GroupingOptions)
    flags: FlagOptions = field(default_factory=FlagOptions)
    anchors: AnchorOptions = field(default_factory=AnchorOptions)


@dataclass
class Comparison:
    """What compare() finds across a batch."""

    quote_matches: list[QuoteMatch] = field(default_factory=list)
    event_groups: list[EventGroup] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    article_pairs: list[ArticlePair] = field(default_factory=list)


def victim_parents(ruleset: RuleSet) -> dict[str, str]:
    """Victim class -> its parent class, from the victim taxonomy of the claims rules."""
    victims = ruleset.files.get("victims.toml")
    taxonomy: Any = getattr(victims, "classes", None) or {}
    specs = taxonomy.items() if isinstance(taxonomy, dict) else ((getattr(c, "name", None), c) for c in taxonomy)
    return {name: spec.parent for name, spec in specs if name and getattr(spec, "parent", None)}


@dataclass
class CompactDocument:
    """One document as the comparison needs it."""

    digest: Digest
    anchors: tuple[str, ...]
    place_relations: list[tuple[str, str]]
    quotes: list[dict[str, Any]]
    claims: list[dict[str, Any]]


QUOTE_FIELDS = ("quote_id", "doc_id", "outlet", "utterance_id", "start", "end", "text", "kind", "speaker",
                "reported_by")


class Comparer:
    """Collects compact rows document by document, then compares them all (``finish``).

    Only what the comparison needs is kept: a sentence sketch per article (syndication), the place
    relations its text states, its quotes' ids/text/speakers, and its claim rows.
    """

    def __init__(self, ruleset: RuleSet | None = None, options: CompareOptions | None = None) -> None:
        self.ruleset = ruleset or load_ruleset()
        self.options = options or CompareOptions()
        self.rules: CompareRules = self.ruleset.get("compare.toml")
        self.places = PlaceIndex(self.rules)
        self.digests: list[Digest] = []
        self.anchors: dict[str, tuple[str, ...]] = {}
        self.anchor_stopwords = frozenset(w.lower() for w in self.rules.anchor_stopwords)
        self.quotes = QuoteClusters()
        self.claims: list[dict[str, Any]] = []

    def add(self, doc_id: str, outlet: str | None, text: str, quotes: Iterable[dict[str, Any]],
            claims: Iterable[dict[str, Any]]) -> None:
        """Take in one document's text, quote rows and claim rows."""
        self.add_compact(self.compact(doc_id, outlet, text, quotes, claims))

    def compact(self, doc_id: str, outlet: str | None, text: str, quotes: Iterable[dict[str, Any]],
                claims: Iterable[dict[str, Any]]) -> "CompactDocument":
        """What the comparison keeps of one document (computable in a worker process)."""
        return CompactDocument(digest(doc_id, outlet, text), anchors_of(text, self.anchor_stopwords),
                               self.places.relations_in(text),
                               [{k: q.get(k) for k in QUOTE_FIELDS} for q in quotes if q.get("kind") != "scare"],
                               list(claims))

    def add_compact(self, doc: "CompactDocument") -> None:
        """Take in one document already reduced by ``compact``."""
        self.digests.append(doc.digest)
        self.anchors[doc.digest.doc_id] = doc.anchors
        self.places.add_relations(doc.place_relations)
        for q in doc.quotes:
            self.quotes.add(QuoteRow(q))
        for claim in doc.claims:  # copies of one sentence in many articles share one string
            for name in ("sentence", "evidence", "count_text", "claimant", "location", "victims"):
                if isinstance(claim.get(name), str):
                    claim[name] = sys.intern(claim[name])
            self.claims.append(claim)

    def finish(self) -> Comparison:
        """Match quotes, find syndicated copies, group claims and flag disagreements."""
        pairs = article_pairs(self.digests, self.options.syndication)
        syndicated = {frozenset(p.doc_ids) for p in pairs if p.syndicated}
        matches = match_clusters(self.quotes, syndicated, self.options.quotes)
        typer = EventTyper(self.rules)
        facts = claim_facts(collapse_copies(self.claims), self.places, typer)
        stories = StoryIndex(self.anchors, self.options.anchors)
        claim_pairs = compatible_pairs(facts, self.places, typer, self.options.grouping, stories.shared)
        named = [(f"g{n}", g) for n, g in enumerate(group_claims(facts, claim_pairs), start=1)]
        group_of = {m.index: gid for gid, g in named for m in g.members}
        flagger = Flagger(self.rules.explanations, self.places, victim_parents(self.ruleset), syndicated,
                          self.options.flags, self.rules.pattern("subset.after_count"))
        flagger.pairs(facts, claim_pairs, group_of, {gid: g.keys for gid, g in named})
        flagger.aggregates(facts, group_of)
        flagger.attributions(facts)
        return Comparison(quote_matches=matches, event_groups=[summarise(gid, g) for gid, g in named],
                          disagreements=flagger.disagreements(), article_pairs=pairs)


POSITION_FIELDS = ("category", "measure", "main_event", "event_date", "published", "location", "claimant",
                   "qualifier", "low", "high", "victim_class", "count_text")


def collapse_copies(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per position (the same figure, as written, from the same claimant, for the same
    place and day), the others kept under ``_copies``: a figure repeated by a thousand outlets is
    compared once, and every flag and group still lists every claim that states it."""
    positions: dict[tuple, dict[str, Any]] = {}
    for row in claims:
        key = tuple(str(row.get(f) or "").lower() for f in POSITION_FIELDS)
        first = positions.get(key)
        if first is None:
            positions[key] = {**row, "_copies": []}
        else:
            first["_copies"].append(row)
    return list(positions.values())


def compare(articles: pd.DataFrame, quotes: pd.DataFrame, claims: pd.DataFrame, ruleset: RuleSet | None = None,
            options: CompareOptions | None = None) -> Comparison:
    """Match quotes across documents, find syndicated copies, group claims and flag disagreements."""
    comparer = Comparer(ruleset, options)
    quotes_by_doc: dict[str, list[dict[str, Any]]] = {}
    for q in records(quotes):
        quotes_by_doc.setdefault(q["doc_id"], []).append(q)
    claims_by_doc: dict[str, list[dict[str, Any]]] = {}
    for c in records(claims):
        claims_by_doc.setdefault(c["doc_id"], []).append(c)
    seen = set()
    for a in records(articles):
        seen.add(a["doc_id"])
        comparer.add(a["doc_id"], a.get("outlet"), a.get("text") or "", quotes_by_doc.get(a["doc_id"], []),
                     claims_by_doc.get(a["doc_id"], []))
    for doc_id in sorted((set(quotes_by_doc) | set(claims_by_doc)) - seen):  # rows whose article is not given
        comparer.add(doc_id, None, "", quotes_by_doc.get(doc_id, []), claims_by_doc.get(doc_id, []))
    return comparer.finish()
