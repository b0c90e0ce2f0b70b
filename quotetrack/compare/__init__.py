"""Cross-source comparison: quote matches, syndicated copies, event groups and typed disagreements.

``compare(articles, quotes, claims, ruleset)`` takes the three extraction tables and returns a
``Comparison``; each step lives in its own module of this package (``quote_matching``,
``syndication``, ``places``, ``events``, ``flags``), with its data in ``rules/compare.toml``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from quotetrack.compare.anchors import AnchorOptions, StoryIndex, anchors_of, distinctive_range
from quotetrack.compare.budget import (
    COMPARISON_ISSUE_CODES as COMPARISON_ISSUE_CODES,
)
from quotetrack.compare.budget import (
    CompareBudget,
    Deadline,
    Shortfall,
    shortfall_issues,
)
from quotetrack.compare.dates import HEAD_CHARS, DateSource, article_date
from quotetrack.compare.events import (
    EventTyper,
    GroupingOptions,
    claim_facts,
    compatible_pairs,
    group_claims,
    summarise,
)
from quotetrack.compare.flags import Flagger, FlagOptions
from quotetrack.compare.incidents import IncidentCues, IncidentFinder, summarise_incident
from quotetrack.compare.places import PlaceIndex
from quotetrack.compare.quote_matching import QuoteClusters, QuoteMatchOptions, match_clusters
from quotetrack.compare.rules import CompareRules
from quotetrack.compare.spill import ClaimCopy, SpillStore
from quotetrack.compare.syndication import (
    Digest,
    FoundPair,
    SyndicationOptions,
    digest,
    pairs_from_postings,
)
from quotetrack.compare.text import words
from quotetrack.models import (
    ArticlePair,
    Disagreement,
    EventGroup,
    Incident,
    Issue,
    QuoteMatch,
)
from quotetrack.rulebook.ruleset import RuleSet, load_ruleset
from quotetrack.tables.normalise import records


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
    incidents: list[Incident] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)  # run-level (undated articles)
    issues: list[Issue] = field(default_factory=list)  # incidents capped or not compared in time


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Run the block with the objects made before it left out of the garbage collector's full
    passes (``gc.freeze``; unfrozen after): the comparison makes many objects, and each full
    pass would otherwise walk the whole heap of the extraction and the rules again. No object is
    kept longer than the block."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def victim_parents(ruleset: RuleSet) -> dict[str, str]:
    """Victim class -> its parent class, from the victim taxonomy of the claims rules."""
    victims = ruleset.files.get("victims.toml")
    taxonomy: Any = getattr(victims, "classes", None) or {}
    specs = (
        taxonomy.items()
        if isinstance(taxonomy, dict)
        else ((getattr(c, "name", None), c) for c in taxonomy)
    )
    return {name: spec.parent for name, spec in specs if name and getattr(spec, "parent", None)}


@dataclass
class CompactDocument:
    """One document as the comparison needs it."""

    digest: Digest
    anchors: tuple[str, ...]
    place_relations: list[tuple[str, str]]
    quotes: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    date_source: DateSource = "none"


QUOTE_FIELDS = (
    "quote_id",
    "doc_id",
    "outlet",
    "utterance_id",
    "start",
    "end",
    "text",
    "kind",
    "speaker",
    "reported_by",
)
POSITION_FIELDS = (
    "category",
    "measure",
    "main_event",
    "event_date",
    "published",
    "location",
    "claimant",
    "qualifier",
    "low",
    "high",
    "victim_class",
    "count_text",
)
DIGEST_CACHE = 4096  # sketches kept at hand while article pairs are checked
INTERNED_CLAIM_FIELDS = ("sentence", "evidence", "count_text", "claimant", "location", "victims")


class ClaimCopies:
    """The claims that repeat one position (same figure as written, claimant, place and day):
    counted in memory, kept in the spill store, read back when a row lists them."""

    __slots__ = ("store", "position", "count")

    def __init__(self, store: SpillStore, position: int) -> None:
        self.store = store
        self.position = position
        self.count = 0

    def append(self, row: dict[str, Any]) -> None:
        """Keep one more claim of this position."""
        self.store.add_claim_copy(self.position, self.count, row)
        self.count += 1

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[ClaimCopy]:
        return self.store.claim_copies(self.position) if self.count else iter(())


@dataclass
class ComparisonStreams:
    """A comparison whose large tables are made row by row (``Comparer.streams``)."""

    quote_matches: Iterator[QuoteMatch]
    event_groups: Iterator[EventGroup]
    disagreements: Iterator[Disagreement]
    article_pairs: Iterator[ArticlePair]
    incidents: Iterator[Incident]


class Comparer:
    """Collects compact rows document by document, then compares them all (``finish``).

    What stays in memory is one entry per distinct claim position (the same figure from the same
    claimant for the same place and day), the place relations the texts state and caches of
    recently used rows; every quote wording and every quote, every repeated claim, the syndication
    sketches and every document's anchor names go to a temporary SQLite file
    (``quotetrack.compare.spill``), removed by ``close``. A figure or a quote repeated by a
    thousand outlets is thus compared once, and every row still lists every copy.
    """

    def __init__(
        self,
        ruleset: RuleSet | None = None,
        options: CompareOptions | None = None,
        scratch_dir: str | Path | None = None,
        budget: CompareBudget | None = None,
    ) -> None:
        self.ruleset = ruleset or load_ruleset()
        self.budget = budget or CompareBudget()
        self.shortfalls: list[Shortfall] = []  # what ``streams`` capped or left out
        self.deadline = Deadline()  # the last ``streams``'s
        self.options = options or CompareOptions()
        self.rules: CompareRules = self.ruleset.get("compare.toml")
        self.places = PlaceIndex(self.rules)
        self.scratch_dir = scratch_dir
        self._store: SpillStore | None = None  # made by the first document (``compact`` needs none)
        self._quotes: QuoteClusters | None = None
        self.n_documents = 0
        self.n_claim_documents = 0  # documents with claims (whose anchor names are counted)
        self.anchor_stopwords = self.rules.background()
        self.positions: dict[tuple[str, ...], dict[str, Any]] = {}
        self.date_pattern = self.rules.pattern("date.dateline")
        self.weekday_pattern = self.rules.pattern("date.weekday")
        self.nightly_pattern = self.rules.pattern("incident.night_by_night")
        self.recurring_types = frozenset(
            t
            for family in self.rules.recurring_event_families
            for t in self.rules.event_families.get(family, [])
        )
        self.typer = EventTyper(self.rules)
        self.date_sources: Counter[str] = Counter()  # articles with claims, by date source

    @property
    def store(self) -> SpillStore:
        """The scratch database (created on first use)."""
        if self._store is None:
            self._store = SpillStore(self.scratch_dir)
        return self._store

    @property
    def quotes(self) -> QuoteClusters:
        """The quote clusters seen so far."""
        if self._quotes is None:
            self._quotes = QuoteClusters(self.store)
        return self._quotes

    def __enter__(self) -> Comparer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the scratch file (the comparison cannot be read after this)."""
        if self._store is not None:
            self._store.close()

    def add(
        self,
        doc_id: str,
        outlet: str | None,
        text: str,
        quotes: Iterable[dict[str, Any]],
        claims: Iterable[dict[str, Any]],
    ) -> None:
        """Take in one document's text, quote rows and claim rows."""
        self.add_compact(self.compact(doc_id, outlet, text, quotes, claims))

    def compact(
        self,
        doc_id: str,
        outlet: str | None,
        text: str,
        quotes: Iterable[dict[str, Any]],
        claims: Iterable[dict[str, Any]],
    ) -> CompactDocument:
        """What the comparison keeps of one document (computable in a worker process). Claims
        of an article whose metadata has no date take the date its text gives (``dates``)."""
        rows = list(claims)
        published, source = (
            article_date(rows[0].get("published"), text, self.date_pattern)
            if rows
            else (None, "none")
        )
        if source == "text":
            rows = [{**c, "published": published} for c in rows]
        if rows:  # what the article is about, from its opening (its headline and first lines)
            story_types = sorted(self.typer.types(text[:HEAD_CHARS]))
            # told night by night: only asked of an article that opens on an event told day by
            # day (riots), the rest of the text searched once
            nightly = bool(self.recurring_types.intersection(story_types)) and bool(
                self.nightly_pattern.search(text)
            )
            rows = [{**c, "story_types": story_types, "told_nightly": nightly} for c in rows]
        return CompactDocument(
            digest(doc_id, outlet, text),
            # only articles with claims are asked whether they tell one story: the others' names
            # are not read (a name is distinctive among the articles with claims)
            anchors_of(text, self.anchor_stopwords) if rows else (),
            self.places.relations_in(text),
            [{k: q.get(k) for k in QUOTE_FIELDS} for q in quotes if q.get("kind") != "scare"],
            rows,
            source,
        )

    def add_compact(self, doc: CompactDocument) -> None:
        """Take in one document already reduced by ``compact``."""
        d = doc.digest
        self.store.add_digest(self.n_documents, d.doc_id, d.outlet, d.n_sentences, d.sketch)
        self.n_documents += 1
        if doc.claims:  # only claims ask whether two articles tell one story
            self.n_claim_documents += 1
            self.store.count_anchor_names(doc.anchors)
            self.store.add_anchors(d.doc_id, doc.anchors)
        self.places.add_relations(doc.place_relations)
        if doc.claims:
            self.date_sources[doc.date_source] += 1
        for q in doc.quotes:
            self.quotes.add(q)
        for claim in doc.claims:
            self._add_claim(claim)

    def _add_claim(self, claim: dict[str, Any]) -> None:
        """Keep one claim: a new position, or one more copy of a position seen before. Identical
        figures of two articles are one position only within one story: at the same named place
        and date, or in the same sentence (copies of one wire story); "two killed" with no place
        or no date in two articles may count two different events."""
        key = tuple(str(claim.get(f) or "").lower() for f in POSITION_FIELDS)
        if not (claim.get("location") and (claim.get("event_date") or claim.get("published"))):
            key += (" ".join(words(claim.get("sentence") or claim.get("evidence") or "")),)
        first = self.positions.get(key)
        if first is not None:
            first["_copies"].append(claim)
            return
        for name in INTERNED_CLAIM_FIELDS:  # positions of one story share their sentence strings
            if isinstance(claim.get(name), str):
                claim[name] = sys.intern(claim[name])
        self.positions[key] = {**claim, "_copies": ClaimCopies(self.store, len(self.positions))}

    def warnings(self) -> list[Issue]:
        """Run-level warnings: the articles with claims that have no date (metadata or text),
        which are compared with copies of themselves only."""
        return undated_warnings(self.date_sources)

    def streams(self) -> ComparisonStreams:
        """Match quotes, find syndicated copies, group claims and flag disagreements; the quote
        matches, event groups and disagreements come as iterators (read them before ``close``).
        Incidents reached after the budget's deadline get no flags; ``issues`` then lists them,
        with the incidents whose figures were compared in part (the caps)."""
        deadline = self.deadline = self.budget.deadline(self.n_documents)
        self.store.flush()
        syndicated: set[frozenset[str]] = set()
        near_copies: set[frozenset[str]] = set()  # share long passages word for word
        self.store.start_article_pairs()
        for pair in self._article_pairs():  # found once, kept in the spill store for the table
            self.store.add_article_pair(pair)
            near_copies.add(frozenset((pair.doc_a, pair.doc_b)))
            if pair.syndicated:
                syndicated.add(frozenset((pair.doc_a, pair.doc_b)))
        matches = match_clusters(self.quotes, syndicated, self.options.quotes)
        typer = self.typer
        facts = claim_facts(
            list(self.positions.values()),
            self.places,
            typer,
            self.rules.pattern("breakdown.between_counts"),
        )
        low, high = distinctive_range(self.n_claim_documents, self.options.anchors)
        self.store.keep_distinctive(low, high)
        stories = StoryIndex(
            lambda doc: self.store.distinctive(self.store.anchors(doc)), self.options.anchors
        )
        grouping = dataclasses.replace(
            self.options.grouping,
            recurring=(*self.options.grouping.recurring, *self.rules.recurring_event_families),
        )
        crowded: dict[int, int] = {}  # claim -> later claims of its window not compared
        copied = {doc for pair in near_copies for doc in pair}  # asked before the pair is made
        claim_pairs = compatible_pairs(
            facts,
            self.places,
            typer,
            grouping,
            stories.shared,
            lambda a, b: a in copied and b in copied and frozenset((a, b)) in near_copies,
            crowded,
        )
        named = [
            (f"g{n}", g) for n, g in enumerate(group_claims(facts, claim_pairs, grouping), start=1)
        ]
        group_of = {m.index: gid for gid, g in named for m in g.members}
        flagger = Flagger(
            self.rules.explanations,
            self.places,
            syndicated,
            self.options.flags,
            near_copies,
            deadline,
        )
        finder = IncidentFinder(
            self.places,
            IncidentCues(
                self.rules.pattern("incident.separate"),
                self.rules.pattern("incident.another_count"),
                self.rules.pattern("incident.all_hit"),
                self.rules.all_hit.category if self.rules.all_hit else None,
                self.rules.all_hit.includes if self.rules.all_hit else None,
                background=self.rules.pattern("incident.background"),
                continues=self.rules.pattern("incident.continues"),
                sub_place=self.rules.pattern("incident.sub_place"),
                shown=self.rules.pattern("subset.shown"),
                weekday=self.weekday_pattern,
            ),
            victim_parents(self.ruleset),
            self.rules.pattern("subset.after_count"),
            frozenset(self.rules.victims_as_everyone),
        )
        incidents = finder.find([(gid, g.members) for gid, g in named])
        flagger.incidents(incidents, claim_pairs, group_of)
        flagger.parts(incidents, group_of)
        incident_of = {m.index: inc.incident_id for inc in incidents for m in inc.members}
        flagger.aggregates(facts, group_of, incident_of)
        flagger.attributions(facts, incident_of)
        flagger.withdraw_late()
        self.shortfalls = shortfalls(incidents, flagger, crowded, incident_of)
        kinds = flagger.kinds_by_incident()
        skipped = {s.incident_id for s in self.shortfalls if s.incomplete and not s.partial}
        return ComparisonStreams(
            quote_matches=matches,
            event_groups=(summarise(gid, g) for gid, g in named),
            disagreements=flagger.disagreements(),
            article_pairs=self.store.article_pairs(),
            incidents=(
                summarise_incident(
                    inc,
                    kinds.get(inc.incident_id, []),
                    group_of,
                    lambda f: (f.types - typer.generic) or f.types,
                    inc.incident_id not in skipped,
                )
                for inc in incidents
            ),
        )

    def issues(self) -> list[Issue]:
        """The ``issues`` rows of the last ``streams``: every incident whose figures were compared
        in part (``comparison_capped``) or not at all, the budget having run out
        (``comparison_incomplete``)."""
        return shortfall_issues(self.shortfalls, self.deadline.seconds)

    def finish(self) -> Comparison:
        """``streams`` read into lists; the scratch file is removed."""
        try:
            with frozen_heap():
                s = self.streams()
                return Comparison(
                    quote_matches=list(s.quote_matches),
                    event_groups=list(s.event_groups),
                    disagreements=list(s.disagreements),
                    article_pairs=list(s.article_pairs),
                    incidents=list(s.incidents),
                    warnings=self.warnings(),
                    issues=self.issues(),
                )
        finally:
            self.close()

    def _article_pairs(self) -> Iterator[FoundPair]:
        """The article pairs, proposed by the shared sketch values and checked one at a time."""
        digest_of = lru_cache(maxsize=DIGEST_CACHE)(lambda doc: Digest(*self.store.digest(doc)))
        return pairs_from_postings(
            self.store.postings(self.options.syndication.max_docs_per_value),
            digest_of,
            self.options.syndication,
        )


def compare(
    articles: pd.DataFrame,
    quotes: pd.DataFrame,
    claims: pd.DataFrame,
    ruleset: RuleSet | None = None,
    options: CompareOptions | None = None,
    budget: CompareBudget | None = None,
) -> Comparison:
    """Match quotes across documents, find syndicated copies, group claims into incidents and
    flag disagreements (within ``budget``: see ``Comparer.streams``)."""
    comparer = Comparer(ruleset, options, budget=budget)
    quotes_by_doc: dict[str, list[dict[str, Any]]] = {}
    for q in records(quotes):
        quotes_by_doc.setdefault(q["doc_id"], []).append(q)
    claims_by_doc: dict[str, list[dict[str, Any]]] = {}
    for c in records(claims):
        claims_by_doc.setdefault(c["doc_id"], []).append(c)
    seen = set()
    for a in records(articles):
        seen.add(a["doc_id"])
        comparer.add(
            a["doc_id"],
            a.get("outlet"),
            a.get("text") or "",
            quotes_by_doc.get(a["doc_id"], []),
            claims_by_doc.get(a["doc_id"], []),
        )
    for doc_id in sorted(
        (set(quotes_by_doc) | set(claims_by_doc)) - seen
    ):  # rows whose article is not given
        comparer.add(doc_id, None, "", quotes_by_doc.get(doc_id, []), claims_by_doc.get(doc_id, []))
    return comparer.finish()


def shortfalls(
    incidents: list[Any],
    flagger: Flagger,
    crowded: dict[int, int],
    incident_of: dict[int, str],
) -> list[Shortfall]:
    """What the comparison left out, per incident in incident order: the figures compared with a
    few others only (by the flagger's cap or the grouping window's), or the whole incident
    (reached after the deadline)."""
    window_pairs: Counter[str] = Counter()
    window_claims: Counter[str] = Counter()
    for index, skipped in crowded.items():
        if index in incident_of:
            window_pairs[incident_of[index]] += skipped
            window_claims[incident_of[index]] += 1
    out = []
    for inc in incidents:
        iid = inc.incident_id
        first = inc.members[0]
        label = ", ".join(
            str(v) for v in (first.row.get("category"), first.row.get("location"), first.date) if v
        )
        if iid in flagger.late or iid in flagger.cut_short:
            out.append(Shortfall(iid, label, incomplete=True, partial=iid in flagger.cut_short))
        elif iid in flagger.capped or iid in window_claims:
            figures, pairs, checked = flagger.capped.get(iid, (0, 0, 0))
            out.append(
                Shortfall(
                    iid,
                    label,
                    figures=figures,
                    pairs=pairs,
                    pairs_checked=checked,
                    window_claims=window_claims[iid],
                    window_pairs_skipped=window_pairs[iid],
                )
            )
    return out


def undated_warnings(date_sources: Counter[str]) -> list[Issue]:
    """The run-level warning about the articles with claims that have no date, from the count of
    such articles by date source (metadata / text / none)."""
    undated = date_sources.get("none", 0)
    if not undated:
        return []
    total = sum(date_sources.values())
    return [
        Issue(
            severity="warning",
            code="undated_articles",
            message=f"{undated} of {total} articles with claims have no date (metadata or "
            "text): each is compared only with its own near-copies, never joined to another "
            "story by shared names",
        )
    ]


def batch_warnings(
    articles: pd.DataFrame, claims: pd.DataFrame, ruleset: RuleSet | None = None
) -> list[Issue]:
    """The run-level warnings of a finished batch, from its articles and claims tables (the
    articles with claims that have no date in their metadata or text)."""
    ruleset = ruleset or load_ruleset()
    pattern = ruleset.get("compare.toml").pattern("date.dateline")
    with_claims = set(claims["doc_id"]) if len(claims) else set()
    sources: Counter[str] = Counter()
    for a in records(articles):
        if a["doc_id"] in with_claims:
            sources[article_date(a.get("published"), a.get("text") or "", pattern)[1]] += 1
    return undated_warnings(sources)
