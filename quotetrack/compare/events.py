"""Same-event grouping of claims, blocked so that the work stays near-linear.

Claims are blocked by (category, measure, main_event); inside a block they are taken in date
order and each joins the first open group whose members are all compatible with it:

* date: within ``window_days`` for incidents, the same day for daily aggregates, any date for
  cumulative tolls;
* place: equal, nested or unknown (never two different places);
* event type: the types named in the two sentences share a family (shelling ~ attack), or one
  sentence names none.

A group records the ``match_keys`` that joined it and a UCDP-style low / best / high summary of
what its sources say (never presented as the truth).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import regex

from quotetrack.compare.places import PlaceIndex
from quotetrack.compare.rules import CompareRules
from quotetrack.compare.text import words
from quotetrack.models import EventGroup
from quotetrack.rules import lexicon_alternation


@dataclass(frozen=True)
class GroupingOptions:
    """How far apart claims of one event may be."""

    window_days: int = 1


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
    return frozenset(w for w in words(name or "") if w not in {"the", "a", "an", "of", "for", "and", "group"})


class EventTyper:
    """Finds the event types named in a sentence with one compiled alternation."""

    def __init__(self, rules: CompareRules) -> None:
        self.type_of: dict[str, str] = {}
        for etype, ws in rules.event_types.items():
            for w in ws:
                self.type_of.setdefault(" ".join(w.lower().split()), etype)
        self.family_of = {t: fam for fam, members in rules.event_families.items() for t in members}
        self.pattern = regex.compile(r"\b(?:" + lexicon_alternation(self.type_of) + r")\b", regex.IGNORECASE)

    def types(self, sentence: str) -> frozenset[str]:
        """Event types named in ``sentence``."""
        return frozenset(self.type_of[" ".join(m.group().lower().split())] for m in self.pattern.finditer(sentence or ""))

    def families(self, types: frozenset[str]) -> frozenset[str]:
        """The families of ``types`` (a type without a family is its own family)."""
        return frozenset(self.family_of.get(t, t) for t in types)


def claim_facts(rows: list[dict[str, Any]], places: PlaceIndex, typer: EventTyper) -> list[ClaimFacts]:
    """ClaimFacts for every claim row."""
    facts = []
    for i, row in enumerate(rows):
        types = typer.types(row.get("sentence") or row.get("evidence") or "")
        best = row.get("best")
        facts.append(ClaimFacts(
            row=row, index=i, measure=normalise_measure(row.get("measure")),
            date=parse_date(row.get("event_date")) or parse_date(row.get("published")),
            place=places.key(row.get("location")), types=types, families=typer.families(types),
            claimant_key=claimant_key(row.get("claimant")), low=_int(row.get("low")), high=_int(row.get("high")),
            best=None if best is None else float(best)))
    return facts


def _compatible(c: ClaimFacts, m: ClaimFacts, places: PlaceIndex, options: GroupingOptions) -> list[str] | None:
    """The match keys joining ``c`` to ``m``, or None when they cannot be one event."""
    keys = []
    if c.measure != "cumulative" and c.date and m.date:
        gap = abs((c.date - m.date).days)
        limit = 0 if c.measure == "daily" else options.window_days
        if gap > limit:
            return None
        keys.append("date:same_day" if gap == 0 else f"date:within_{gap}d")
    relation = places.relation(c.place, m.place)
    if relation == "disjoint":
        return None
    if relation == "equal":
        keys.append(f"place:equal:{c.place}")
    elif relation == "nested":
        inner, outer = places.outer(c.place or "", m.place or "")
        keys.append(f"place:nested:{inner}<{outer}")
    if c.families and m.families:
        shared = c.families & m.families
        if not shared:
            return None
        keys.append("type:" + "+".join(sorted(c.types & m.types or shared)))
    return keys


def group_claims(facts: list[ClaimFacts], places: PlaceIndex, options: GroupingOptions | None = None
                 ) -> list[Group]:
    """Event groups (each claim in exactly one), in order of their first claim."""
    options = options or GroupingOptions()
    blocks: dict[tuple[str, str, bool], list[ClaimFacts]] = defaultdict(list)
    for f in facts:
        blocks[(str(f.row.get("category")), f.measure, bool(f.row.get("main_event", True)))].append(f)
    groups: list[Group] = []
    for (category, measure, main), members in blocks.items():
        open_groups: list[Group] = []
        for f in sorted(members, key=lambda x: (x.date or dt.date.min, x.index)):
            joined = False
            for g in open_groups:
                keys_per_member = [_compatible(f, m, places, options) for m in g.members]
                if all(k is not None for k in keys_per_member):
                    g.members.append(f)
                    for ks in keys_per_member:
                        g.keys.update(ks or [])
                    joined = True
                    break
            if not joined:
                g = Group([f], {f"category:{category}", f"measure:{measure}"} | ({"main_event:false"} if not main else set()))
                open_groups.append(g)
                groups.append(g)
            if measure != "cumulative" and f.date:  # close groups that fell out of the window
                open_groups = [g for g in open_groups if any(m.date is None or (f.date - m.date).days <= options.window_days
                                                             for m in g.members)]
    groups.sort(key=lambda g: min(m.index for m in g.members))
    return groups


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
    return EventGroup(
        group_id=group_id, category=str(members[0].row.get("category")), measure=members[0].measure,
        claim_ids=[m.row["claim_id"] for m in members], doc_ids=[m.row["doc_id"] for m in members],
        outlets=[m.row.get("outlet") for m in members], location=places[0] if places else None,
        event_date=dates[0].isoformat() if dates else None, match_keys=sorted(g.keys),
        low=int(min(bests)) if bests else None, best=int(statistics.median(bests)) if bests else None,
        high=int(max(bests)) if bests else None,
        strongest_lower_bound=strongest[0] if strongest else None,
        strongest_lower_claim=strongest[1].row["claim_id"] if strongest else None,
        tightest_upper_bound=tightest[0] if tightest else None,
        tightest_upper_claim=tightest[1].row["claim_id"] if tightest else None,
        conservative=min(lo for lo, _ in lows) if lows else None)
