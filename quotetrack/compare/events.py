"""Same-event grouping of claims, blocked so that the work stays near-linear.

Claims are blocked by (category, measure, main_event); inside a block, only claims within the
date window of each other are compared (a sliding window over the claims in date order), so the
quadratic work stays inside small candidate sets. Two claims can be about one event when:

* date: within ``window_days`` for incidents, the same day for daily aggregates, any date for
  cumulative tolls;
* place: equal, nested or unknown (never two different places); claims of two articles with no
  place relation also need the articles to share distinctive names (``anchors``: see
  ``quotetrack.compare.anchors``), positive evidence that they tell one story;
* event type: the types named around the two figures are the same, or one is a generic type of
  the same family ("attack", "massacre"), or one names none;
* they are not two figures of one sentence (a sentence listing two tolls counts two things);
* background figures (``main_event`` false) of two articles are matched only by place: anchors
  name the story, not which earlier event a background toll is about.

The event groups join the compatible pairs in order, as long as a group's dated claims stay within
the date window of each other (so reports of one place on consecutive days do not chain into one
"event" spanning months); the disagreement checks run on the compatible pairs inside a group. A
group records the ``match_keys`` that joined it and a UCDP-style low / best / high summary of
what its sources say (never presented as the truth).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import statistics
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import regex

from quotetrack.compare.places import PlaceIndex
from quotetrack.compare.rules import CompareRules
from quotetrack.compare.text import words
from quotetrack.models import EventGroup
from quotetrack.rulebook.ruleset import lexicon_alternation


@dataclass(frozen=True)
class GroupingOptions:
    """How far apart claims of one event may be."""

    window_days: int = 1
    report_lag_days: int = 2  # more, when a date is the report's (the text gives no event date)
    recurring: tuple[str, ...] = ()  # event families told day by day (protests, riots)
    max_candidates: int = 200  # claims after one (in date order) it is compared with, at most

    @cached_property
    def recurring_families(self) -> frozenset[str]:
        """``recurring`` as a set (asked of every pair of claims compared)."""
        return frozenset(self.recurring)

    def recurs(self, c: ClaimFacts, m: ClaimFacts) -> bool:
        """Whether either claim, or either's article, is of an event family that recurs day by
        day."""
        families = self.recurring_families
        return bool(families) and not (
            families.isdisjoint(c.families)
            and families.isdisjoint(m.families)
            and families.isdisjoint(c.story_families)
            and families.isdisjoint(m.story_families)
        )


@dataclass
class ClaimFacts:
    """What grouping and flagging need to know about one claim (derived once)."""

    row: dict[str, Any]
    index: int
    measure: str
    date: dt.date | None
    place: str | None
    types: frozenset[str]
    families: frozenset[str]
    claimant_key: frozenset[str]
    low: int | None
    high: int | None
    best: float | None
    component: bool = False  # one part of a breakdown ("two women and one man") in its sentence
    dated: bool = True  # its article has a date (metadata or text)
    story_families: frozenset[str] = frozenset()  # families its article opens with
    listed_as: str | None = None  # who it counts, when it is one item of a listed breakdown


@dataclass
class Group:
    """A group under construction."""

    members: list[ClaimFacts] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)


def normalise_measure(measure: str | None) -> str:
    """'incident', 'daily' or 'cumulative' from the claims table's measure."""
    m = (measure or "").lower()
    if "cumul" in m:
        return "cumulative"
    if "daily" in m or "aggregate" in m:
        return "daily"
    return "incident"


def parse_date(value: Any) -> dt.date | None:
    """A date from an ISO string (None when missing or not a date)."""
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def claimant_key(name: str | None) -> frozenset[str]:
    """Content words of a claimant's name ("the Syrian Observatory" -> {syrian, observatory})."""
    return frozenset(
        w for w in words(name or "") if w not in {"the", "a", "an", "of", "for", "and", "group"}
    )


class EventTyper:
    """Finds the event types named in a phrase with one compiled alternation."""

    def __init__(self, rules: CompareRules) -> None:
        self.type_of: dict[str, str] = {}
        for etype, ws in rules.event_types.items():
            for w in ws:
                self.type_of.setdefault(" ".join(w.lower().split()), etype)
        self.family_of = {t: fam for fam, members in rules.event_families.items() for t in members}
        self.generic = frozenset(rules.generic_event_types)
        self.pattern = regex.compile(
            r"\b(?:" + lexicon_alternation(self.type_of) + r")\b", regex.IGNORECASE
        )

    def types(self, phrase: str) -> frozenset[str]:
        """Event types named in ``phrase``."""
        return frozenset(
            self.type_of[" ".join(m.group().lower().split())]
            for m in self.pattern.finditer(phrase or "")
        )

    def families(self, types: frozenset[str]) -> frozenset[str]:
        """The families of ``types`` (a type without a family is its own family)."""
        return frozenset(self.family_of.get(t, t) for t in types)

    def compatible(self, a: frozenset[str], b: frozenset[str]) -> bool:
        """Whether two sets of event types can describe one event."""
        if not a or not b or a & b:
            return True
        generic_a, generic_b = a & self.generic, b & self.generic
        return bool(
            (generic_a and self.families(generic_a) & self.families(b))
            or (generic_b and self.families(generic_b) & self.families(a))
        )


def _head(text: str) -> str:
    """The first word of a victim phrase, lower case, without a plural s ("Dutch nationals" ->
    "dutch", "Somalis" -> "somali")."""
    found = words(text)
    return found[0].removesuffix("s") if found else ""


def headline(sentence: str | None) -> bool:
    """Whether a sentence is a headline in title case ("Three Killed In Athens Bank Fire Amid
    Protests"): its capitals are no evidence of a place's name, so a location read from it is not
    used to tell places apart."""
    tokens = [t for t in (sentence or "").split() if len(t) > 3 and t[:1].isalpha()]
    return len(tokens) >= 3 and sum(t[:1].isupper() for t in tokens) >= 0.8 * len(tokens)


def listed_breakdowns(
    rows: list[dict[str, Any]], between: regex.Pattern[str] | None
) -> dict[int, str]:
    """Row index -> who it counts, for the counts of one category that one sentence lists as the
    parts of one set ("12 Dutch and 9 Belgian nationals"): what stands between two consecutive
    counts matches ``between`` (rules/compare.toml ``breakdown.between_counts``)."""
    if between is None:
        return {}
    by_sentence: dict[tuple[Any, Any, Any], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row.get("count_start") is not None and row.get("sentence_start") is not None:
            by_sentence[(row.get("doc_id"), row["sentence_start"], row.get("category"))].append(i)
    out: dict[int, str] = {}
    for (_, start, _), found in by_sentence.items():
        found.sort(key=lambda i: rows[i]["count_start"])
        for i, j in zip(found, found[1:], strict=False):
            a, b = rows[i], rows[j]
            if a.get("count_end") is None:
                continue
            sentence = a.get("sentence") or ""
            gap = sentence[a["count_end"] - start : b["count_start"] - start]
            if gap and between.search(gap):
                out[i] = _head(a.get("victims") or gap) or "listed"
                after = (b.get("sentence") or "")[b.get("count_end", 0) - start :]
                out[j] = _head(b.get("victims") or after) or "listed"
    return out


def claim_facts(
    rows: list[dict[str, Any]],
    places: PlaceIndex,
    typer: EventTyper,
    between: regex.Pattern[str] | None = None,
) -> list[ClaimFacts]:
    """ClaimFacts for every claim row (event types from the figure's phrase, else its sentence
    when the sentence holds no other figure of the same category). Figures of one category that
    count different victim classes in one sentence, or that one sentence lists as the parts of one
    set (``between``: see ``listed_breakdowns``), are the parts of a breakdown (``component``)."""
    per_sentence: dict[tuple[Any, Any, Any], int] = defaultdict(int)
    classes: dict[tuple[Any, Any, Any], set[str]] = defaultdict(set)
    for row in rows:
        key = (row.get("doc_id"), row.get("sentence_start"), row.get("category"))
        per_sentence[key] += 1
        if row.get("victim_class"):
            classes[key].add(row["victim_class"])
    listed = listed_breakdowns(rows, between)
    facts = []
    for i, row in enumerate(rows):
        types = typer.types(row.get("evidence") or "")
        if (
            not types
            and per_sentence[(row.get("doc_id"), row.get("sentence_start"), row.get("category"))]
            == 1
        ):
            types = typer.types(row.get("sentence") or "")
        best = row.get("best")
        facts.append(
            ClaimFacts(
                row=row,
                index=i,
                measure=normalise_measure(row.get("measure")),
                date=parse_date(row.get("event_date")) or parse_date(row.get("published")),
                place=None if headline(row.get("sentence")) else places.key(row.get("location")),
                types=types,
                families=typer.families(types),
                claimant_key=claimant_key(row.get("claimant")),
                low=_int(row.get("low")),
                high=_int(row.get("high")),
                best=None if best is None else float(best),
                component=i in listed
                or len(classes[(row.get("doc_id"), row.get("sentence_start"), row.get("category"))])
                >= 2,
                dated=bool(row.get("published")),
                story_families=typer.families(frozenset(row.get("story_types") or ())),
                listed_as=listed.get(i),
            )
        )
    return facts


StoryMatch = Callable[[str, str], "list[str] | None"]
CopyMatch = Callable[[str, str], bool]


def _compatible(
    c: ClaimFacts,
    m: ClaimFacts,
    places: PlaceIndex,
    typer: EventTyper,
    options: GroupingOptions,
    story: StoryMatch | None = None,
    copies: CopyMatch | None = None,
) -> list[str] | None:
    """The match keys joining ``c`` and ``m``, or None when they cannot be one event."""
    same_doc = c.row.get("doc_id") == m.row.get("doc_id")
    copy = (
        not same_doc
        and copies is not None
        and copies(str(c.row.get("doc_id")), str(m.row.get("doc_id")))
    )
    if not (same_doc or copy) and not (c.dated and m.dated):
        # an undated article joins another only as a copy of it: shared names (places included)
        # cannot tell this year's quake on an island from another year's
        return None
    if (
        same_doc
        and c.row.get("sentence_start") is not None
        and c.row.get("sentence_start") == m.row.get("sentence_start")
    ):
        return None  # two figures of one sentence count two things
    recurring = options.recurs(c, m)
    if recurring and (c.measure == "cumulative") != (m.measure == "cumulative"):
        return None  # "over 50 arrests in four nights of protest" is not one night's count
    if (
        recurring
        and not (same_doc or copy)
        and not (c.row.get("event_date") and c.row.get("event_date") == m.row.get("event_date"))
        and (c.row.get("told_nightly") or m.row.get("told_nightly"))
    ):
        # riots told night by night ("a third night of rioting"): one article's figures count
        # the same night's people as another's only when both texts date them to it
        return None
    keys = []
    limit = pair_limit(c, m, options)
    if limit is not None and c.date and m.date:
        gap = abs((c.date - m.date).days)
        if gap > limit:
            return None
        keys.append("date:same_day" if gap == 0 else f"date:within_{gap}d")
    relation = places.relation(c.place, m.place)
    if relation == "disjoint":
        return None
    one_story = same_doc or copy  # near-copies of one wire story need no other evidence
    # a country (both in it, or one place inside it) is no evidence of one story: two articles on
    # "Indonesia", or on "Jakarta" and "Indonesia", may tell two stories
    placed = (relation == "equal" and not places.is_country(c.place)) or (
        relation == "nested"
        and not places.is_country(places.outer(c.place or "", m.place or "")[1])
    )
    if not one_story and not placed and not c.row.get("main_event", True):
        return None  # background events (an earlier quake's toll) are matched by place only
    if not one_story and not placed:
        # two articles need positive evidence that they tell one story: shared distinctive names
        anchors = story(str(c.row.get("doc_id")), str(m.row.get("doc_id"))) if story else None
        if not anchors:
            return None
        keys.append("anchor:" + ",".join(anchors[:3]))
    if relation == "equal":
        keys.append(f"place:equal:{c.place}")
    elif relation == "nested":
        inner, outer = places.outer(c.place or "", m.place or "")
        keys.append(f"place:nested:{inner}<{outer}")
    if not typer.compatible(c.types, m.types):
        return None
    if c.types and m.types:
        keys.append("type:" + "+".join(sorted(c.types | m.types)))
    return keys


@dataclass(frozen=True, slots=True)
class Pair:
    """Two claims that can be about one event, and why."""

    a: int
    b: int
    keys: tuple[str, ...]


def compatible_pairs(
    facts: list[ClaimFacts],
    places: PlaceIndex,
    typer: EventTyper,
    options: GroupingOptions | None = None,
    story: StoryMatch | None = None,
    copies: CopyMatch | None = None,
    crowded: dict[int, int] | None = None,
) -> PairTable:
    """Every pair of claims that can be about one event, compared only inside blocks and windows
    (in order of the claims' indexes).
    ``crowded`` (when given) receives, for each dated claim whose window held more than
    ``max_candidates`` later claims, how many of them it was not compared with."""
    options = options or GroupingOptions()
    # a cumulative toll ("the death toll rose to 22") and an incident's figure ("kills five") can
    # count the same people: they share a block; daily totals are a block of their own
    blocks: dict[tuple[str, bool, bool], list[ClaimFacts]] = defaultdict(list)
    for f in facts:
        key = (
            str(f.row.get("category")),
            f.measure == "daily",
            bool(f.row.get("main_event", True)),
        )
        blocks[key].append(f)
    widest = options.window_days + options.report_lag_days
    pairs = PairTable()
    for members in blocks.values():
        dated = sorted(
            (f for f in members if f.measure != "cumulative"),
            key=lambda x: (x.date or dt.date.min, x.index),
        )
        cumulative = [f for f in members if f.measure == "cumulative"]
        candidates = itertools.chain(
            _windowed(dated, options, widest, crowded, copies),
            ((c, m) for i, c in enumerate(cumulative) for m in cumulative[i + 1 :]),
            ((c, m) for c in cumulative for m in dated),
        )  # made one at a time: a crowded block has a million of them
        for c, m in candidates:
            if not (c.dated and m.dated):
                # the same question, without _compatible's call, for the other candidates
                doc_c, doc_m = c.row.get("doc_id"), m.row.get("doc_id")
                if doc_c != doc_m and not (copies is not None and copies(str(doc_c), str(doc_m))):
                    continue
            keys = _compatible(c, m, places, typer, options, story, copies)
            if keys is not None:
                a, b = sorted((c.index, m.index))
                pairs.add(a, b, tuple(keys))
    return pairs.sorted()


def _windowed(
    dated: list[ClaimFacts],
    options: GroupingOptions,
    widest: int,
    crowded: dict[int, int] | None,
    copies: CopyMatch | None,
) -> Iterator[tuple[ClaimFacts, ClaimFacts]]:
    """Each dated claim (sorted by date) with the later ones inside its window, at most
    ``max_candidates`` of them; ``crowded`` receives how many a crowded window left out."""
    days = [f.date.toordinal() if f.date else 0 for f in dated]
    for i, c in enumerate(dated):
        beyond = i + 1 + options.max_candidates
        if crowded is not None and c.date and beyond < len(dated):
            last = bisect.bisect_right(days, days[i] + widest, lo=beyond)
            if last > beyond:
                crowded[c.index] = last - beyond
        # sorted by date: nothing further is in the window; a window crowded with figures (a
        # thousand for one place and day) compares each with the next few only, which still
        # joins them into one group and keeps the work linear
        end = beyond
        if c.date:  # every later claim is dated too (undated ones sort first)
            end = min(end, bisect.bisect_right(days, days[i] + widest, lo=i + 1))
        if c.dated:
            for m in dated[i + 1 : end]:
                yield c, m
        else:  # what _compatible asks first: an undated claim joins only its own article's
            # claims or a near-copy's (most of a window's candidates are neither)
            doc = c.row.get("doc_id")
            for m in dated[i + 1 : end]:
                if m.row.get("doc_id") == doc or (
                    copies is not None and copies(str(doc), str(m.row.get("doc_id")))
                ):
                    yield c, m


class PairTable:
    """Compatible pairs of claims, kept compactly: a story of 6,000 figures has 800,000 of them.

    A pair is two machine integers: (a, b) packed in one, and the index of its match keys (one
    shared tuple per distinct list of keys), 16 bytes where a ``Pair`` object took about 90, and
    they are sorted without a Python object per pair. ``add`` the pairs, then ``sorted()``;
    iterating gives ``Pair``s in order of (a, b), and ``keys_of(a, b)`` finds a pair's keys by
    bisection."""

    def __init__(self) -> None:
        self._key_index: dict[tuple[str, ...], int] = {}
        self.key_lists: list[tuple[str, ...]] = []
        self.order = array("Q")  # a << 32 | b (claim indexes are below 2**32)
        self.keys_at = array("Q")  # index into key_lists, parallel to order

    def add(self, a: int, b: int, keys: tuple[str, ...]) -> None:
        """One pair, a < b (claim indexes)."""
        k = self._key_index.get(keys)
        if k is None:
            k = self._key_index[keys] = len(self.key_lists)
            self.key_lists.append(keys)
        self.order.append(a << 32 | b)
        self.keys_at.append(k)

    def sorted(self) -> PairTable:
        """This table with its pairs in order of (a, b)."""
        import numpy as np  # pandas's own dependency: a sort without an object per pair

        order = np.frombuffer(self.order, dtype=np.uint64)
        keys_at = np.frombuffer(self.keys_at, dtype=np.uint64)
        by = np.argsort(order, kind="stable")
        self.order, self.keys_at = array("Q"), array("Q")
        self.order.frombytes(order[by].tobytes())
        self.keys_at.frombytes(keys_at[by].tobytes())
        return self

    def __len__(self) -> int:
        return len(self.order)

    def __iter__(self) -> Iterator[Pair]:
        lists = self.key_lists
        for ab, k in zip(self.order, self.keys_at, strict=True):
            yield Pair(ab >> 32, ab & 0xFFFFFFFF, lists[k])

    def keys_of(self, a: int, b: int) -> tuple[str, ...]:
        """The match keys of claims (a, b), a < b; () when they are no pair."""
        ab = a << 32 | b
        i = bisect.bisect_right(self.order, ab) - 1
        return self.key_lists[self.keys_at[i]] if i >= 0 and self.order[i] == ab else ()


def pair_limit(c: ClaimFacts, m: ClaimFacts, options: GroupingOptions) -> int | None:
    """How many days apart two claims of one event may be dated (None: any): two cumulative
    tolls, any; a daily total, the same day; else the window, widened by the report lag when a
    date is only the report's (no event date in the text: reports of one event come out over
    several days; not for events that recur day by day, such as riots)."""
    if c.measure == "cumulative" and m.measure == "cumulative":
        return None
    if "daily" in (c.measure, m.measure):
        return 0
    reported = not (c.row.get("event_date") and m.row.get("event_date"))
    if options.recurs(c, m) and (c.row.get("told_nightly") or m.row.get("told_nightly")):
        reported = False  # each night's riot is an event of its own: no lag for later reports
    return options.window_days + (options.report_lag_days if reported else 0)


def group_claims(
    facts: list[ClaimFacts], pairs: Iterable[Pair], options: GroupingOptions | None = None
) -> list[Group]:
    """Event groups: the compatible pairs joined, in order, as long as a group's dated claims stay
    within the date window of each other (each claim in one group). Without that bound, reports of
    one place on consecutive days would chain into one "event" spanning months."""
    options = options or GroupingOptions()
    parent = list(range(len(facts)))
    first = [f.date for f in facts]  # per root: its group's earliest and latest date
    last = list(first)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for p in pairs:
        ra, rb = root(p.a), root(p.b)
        if ra == rb:
            continue
        dates = [d for d in (first[ra], last[ra], first[rb], last[rb]) if d is not None]
        limit = pair_limit(facts[p.a], facts[p.b], options)
        if limit is not None and dates and (max(dates) - min(dates)).days > limit:
            continue  # joined, the group would span more than the window
        keep, drop = min(ra, rb), max(ra, rb)
        parent[drop] = keep
        if dates:
            first[keep], last[keep] = min(dates), max(dates)
    groups: dict[int, Group] = {}
    for f in facts:
        g = groups.setdefault(
            root(f.index),
            Group(
                keys={f"category:{f.row.get('category')}", f"measure:{f.measure}"}
                | ({"main_event:false"} if not f.row.get("main_event", True) else set())
            ),
        )
        g.members.append(f)
    for p in pairs:
        if root(p.a) == root(p.b):
            groups[root(p.a)].keys.update(p.keys)
    return sorted(groups.values(), key=lambda g: min(m.index for m in g.members))


def summarise(group_id: str, g: Group) -> EventGroup:
    """The event_groups row of a group: what sources say, low / best / high."""
    members = sorted(g.members, key=lambda m: m.index)
    bests = [m.best for m in members if m.best is not None]
    lows = [(m.low, m) for m in members if m.low is not None]
    highs = [(m.high, m) for m in members if m.high is not None]
    strongest = max(lows, key=lambda x: x[0]) if lows else None
    tightest = min(highs, key=lambda x: x[0]) if highs else None
    places = [m.row.get("location") for m in members if m.row.get("location")]
    dates = sorted({m.date for m in members if m.date})
    rows = [r for m in members for r in [m.row, *m.row.get("_copies", [])]]
    return EventGroup(
        group_id=group_id,
        category=str(members[0].row.get("category")),
        measure=members[0].measure,
        claim_ids=[r["claim_id"] for r in rows],
        doc_ids=[r["doc_id"] for r in rows],
        outlets=[r.get("outlet") for r in rows],
        location=places[0] if places else None,
        event_date=dates[0].isoformat() if dates else None,
        match_keys=sorted(g.keys),
        low=int(min(bests)) if bests else None,
        best=int(statistics.median(bests)) if bests else None,
        high=int(max(bests)) if bests else None,
        strongest_lower_bound=strongest[0] if strongest else None,
        strongest_lower_claim=strongest[1].row["claim_id"] if strongest else None,
        tightest_upper_bound=tightest[0] if tightest else None,
        tightest_upper_claim=tightest[1].row["claim_id"] if tightest else None,
        conservative=min(lo for lo, _ in lows) if lows else None,
    )
