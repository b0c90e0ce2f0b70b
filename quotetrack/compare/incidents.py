"""Incidents: the real-world sets of people that figures count, the unit of comparison.

Two figures of one incident and one category are estimates of the same number; figures of
different incidents are never rivals. Incidents are cut out of the event groups
(``quotetrack.compare.events``):

1. **stories**: the event groups of one document's main event are one story across categories
   (the killed and the injured of one blast);
2. **scopes** inside a story, each an incident of its own:
   - background events (``main_event`` false), one per place, else per order of magnitude of the
     toll (an earlier quake's tens of thousands are not the same set as another's hundreds);
   - daily totals, one per day (checked against the day's incidents by ``Flagger.aggregates``);
   - figures with a cue of another incident (``rules/compare.toml``: ``incident.separate``,
     ``incident.another_count``), one per place, else per sentence;
   - places: every named place that no other place of the story contains is an incident; a place
     inside one of them is a part of it (``part_of``) unless its figure is compatible with the
     whole's; a figure with no place joins the incident of its own article's places, never that
     of another figure of its own sentence (two figures of one sentence count two things);
   - victim subsets: a figure counting a narrower class than the taxonomy's root ("women" inside
     "people") that is a breakdown, a partitive ("30 of the 80"), or incompatible with the
     whole's figures is a part of the incident (``part_of``);
3. the rest is the story's main incident.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import regex

from quotetrack.compare.events import ClaimFacts
from quotetrack.compare.flags import SEVERITY, interval, report_date, who
from quotetrack.compare.places import PlaceIndex
from quotetrack.models import Incident as IncidentRow
from quotetrack.models import IncidentStatus

Scope = tuple[str, ...]
MAIN: Scope = ("main",)


@dataclass
class IncidentSet:
    """One incident under construction: its claims and where it lies."""

    incident_id: str
    story_id: str
    scope: Scope
    members: list[ClaimFacts] = field(default_factory=list)
    part_of: str | None = None


@dataclass
class IncidentCues:
    """The compiled cue patterns of another incident, and of a count of everyone hit."""

    separate: regex.Pattern[str] | None = None
    another: regex.Pattern[str] | None = None
    all_hit: regex.Pattern[str] | None = None
    hit_category: str | None = None  # the category of a count of everyone hit ("injured")
    hit_includes: str | None = None  # the category of the dead such a count includes ("killed")
    background: regex.Pattern[str] | None = None  # an earlier event recalled ("in March")
    continues: regex.Pattern[str] | None = None  # a sentence going on about the one before
    sub_place: regex.Pattern[str] | None = None  # "people from the village of X"
    shown: regex.Pattern[str] | None = None  # "footage showed a few wounded"
    weekday: regex.Pattern[str] | None = None  # a day of the week named in a sentence

    def day_of(self, row: dict[str, Any]) -> str | None:
        """The figure's event day: its date, else the day of the week its sentence names."""
        if row.get("event_date"):
            return str(row["event_date"])
        m = self.weekday.search(row.get("sentence") or "") if self.weekday is not None else None
        return m.group().lower().removesuffix("s") if m else None

    def recalled(self, row: dict[str, Any]) -> bool:
        """Whether the figure's sentence recalls an earlier event (a background figure)."""
        return self.background is not None and bool(
            self.background.search(row.get("sentence") or "")
        )

    def continuing(self, row: dict[str, Any]) -> bool:
        """Whether the figure's sentence goes on about the event of the sentence before it."""
        return self.continues is not None and bool(self.continues.match(row.get("sentence") or ""))

    def part_place(self, row: dict[str, Any]) -> str | None:
        """The village or neighbourhood the figure's own words name, or None."""
        if self.sub_place is None:
            return None
        m = self.sub_place.search(row.get("evidence") or "")
        if m is None:
            return None
        return " ".join((m.group("place") or m.group("place2") or "").lower().split()) or None

    def seen(self, row: dict[str, Any]) -> bool:
        """Whether the figure counts the people that footage or photographs show."""
        return self.shown is not None and bool(self.shown.search(row.get("sentence") or ""))

    def other_incident(self, row: dict[str, Any]) -> bool:
        """Whether the figure's sentence marks it as another incident of the story."""
        sentence = row.get("sentence") or ""
        start = row.get("sentence_start")
        count_start = row.get("count_start")
        if self.separate is not None and self.separate.search(sentence):
            return True
        if self.another is None or start is None or count_start is None:
            return False
        before = sentence[max(0, count_start - start - 20) : max(0, count_start - start)]
        return bool(self.another.search(before))


def overlaps(a: ClaimFacts, b: ClaimFacts) -> bool:
    """True when the two figures' intervals can both hold."""
    if a.low is None or b.low is None:
        return True
    return not ((a.high is not None and a.high < b.low) or (b.high is not None and b.high < a.low))


def magnitude(f: ClaimFacts) -> str:
    """The order of magnitude of a figure ("1e2" for 100-999), "?" when it has none."""
    value = f.best if f.best is not None else f.low
    if not value or value <= 0:
        return "?"
    return f"1e{int(math.log10(value))}"


class IncidentFinder:
    """Assigns every claim of the event groups to an incident."""

    def __init__(
        self,
        places: PlaceIndex,
        cues: IncidentCues,
        victim_parent: dict[str, str],
        subset: regex.Pattern[str] | None = None,
        everyone: frozenset[str] = frozenset(),
    ) -> None:
        self.places = places
        self.cues = cues
        self.victim_parent = victim_parent
        roots = {p for p in victim_parent.values() if p not in victim_parent}
        self.victim_root: str | None = roots.pop() if len(roots) == 1 else None
        self.subset = subset
        self.everyone = everyone  # victim classes that count everyone hurt in a place
        self._wholes: set[tuple[Any, Any, Any]] = set()  # sentences with 2+ figures of a category

    def is_subset(self, f: ClaimFacts) -> bool:
        """A partitive part with its own outcome: "30 of the 80 wounded remained in hospital"
        (the whole, "80 wounded", is a figure of the same sentence), "several who were in critical
        condition". "Two of the three victims died" counts the dead (no whole figure beside it)."""
        row = f.row
        sentence, count_end, start = row.get("sentence") or "", row.get("count_end"), None
        start = row.get("sentence_start")
        if self.subset is None or count_end is None or start is None:
            return False
        m = self.subset.match(sentence, max(0, count_end - start))
        if m is None:
            return False
        if m.group().lstrip().lower().startswith("of"):
            return (row.get("doc_id"), start, row.get("category")) in self._wholes
        return True

    # -- stories -----------------------------------------------------------------------------
    def stories(self, groups: list[tuple[str, list[ClaimFacts]]]) -> dict[str, str]:
        """Group id -> story id: groups of different categories that hold the main event of one
        document, with compatible event types, are one story (its killed and its injured)."""
        parent = {gid: gid for gid, _ in groups}

        def root(g: str) -> str:
            while parent[g] != g:
                parent[g] = parent[parent[g]]
                g = parent[g]
            return g

        # per document: its main-event claims of each group, by category
        in_doc: dict[str, dict[str, list[ClaimFacts]]] = defaultdict(lambda: defaultdict(list))
        category_of: dict[str, str] = {}
        for gid, members in groups:
            for m in members:
                if m.row.get("main_event", True):
                    in_doc[str(m.row.get("doc_id"))][gid].append(m)
                    category_of[gid] = str(m.row.get("category"))
        for held in in_doc.values():
            gids = sorted(held, key=_gid_order)
            for i, ga in enumerate(gids):
                for gb in gids[i + 1 :]:
                    # groups of one category were kept apart for a reason (type, place, day)
                    if category_of[ga] == category_of[gb]:
                        continue
                    if not any(
                        not a.families or not b.families or a.families & b.families
                        for a in held[ga]
                        for b in held[gb]
                    ):
                        continue  # "the quake killed 5 ... a car bomb wounded 12": two events
                    ra, rb = root(ga), root(gb)
                    if ra != rb:
                        parent[max(ra, rb, key=_gid_order)] = min(ra, rb, key=_gid_order)
        return {gid: root(gid) for gid, _ in groups}

    # -- scopes ------------------------------------------------------------------------------
    def _top_place(self, key: str, tops: set[str]) -> str | None:
        """The story's top-level place that contains ``key`` (itself when it is one)."""
        if key in tops:
            return key
        return next((a for a in self.places.ancestors(key) if a in tops), None)

    def is_inner(self, f: ClaimFacts, tops: set[str]) -> bool:
        """Whether the claim's place lies inside one of the story's top-level places."""
        return bool(f.place) and f.place not in tops

    def _narrower_victims(self, f: ClaimFacts) -> str | None:
        """The claim's victim class when it is narrower than everyone hurt (not the root, nor a
        class that counts everyone of a place: villagers, residents)."""
        cls = f.row.get("victim_class")
        if not cls or cls == self.victim_root or cls not in self.victim_parent:
            return None
        if cls in self.everyone:
            return None
        return str(cls)

    def _other_days(self, members: list[ClaimFacts]) -> dict[int, str]:
        """Claim index -> its event day, for figures of an event on another day than the story's:
        an article that dates two figures of one category to different days ("on Saturday, a
        quake elsewhere killed a dozen") tells two events apart; the day that differs from the
        story's most frequent event day is another incident. A figure's day is its event date,
        else the weekday its sentence names (undated articles). Cumulative tolls and updates,
        whose dates move with the reports, are not split."""

        def counted(f: ClaimFacts) -> bool:
            return f.measure == "incident" and not f.row.get("update_cue")

        day_of = {f.index: self.cues.day_of(f.row) for f in members}
        days = Counter(d for d in day_of.values() if d).most_common(1)
        if not days:
            return {}
        main_day = days[0][0]
        by_doc: dict[tuple[Any, Any], set[str]] = defaultdict(set)
        for f in members:
            day = day_of[f.index]
            if day and counted(f):
                by_doc[(f.row.get("doc_id"), f.row.get("category"))].add(day)
        contrasted = {d for found in by_doc.values() if len(found) > 1 for d in found} - {main_day}
        return {
            f.index: str(day_of[f.index])
            for f in members
            if day_of[f.index] in contrasted and counted(f)
        }

    def _wider(self, m: ClaimFacts, f: ClaimFacts) -> bool:
        """Whether ``m`` counts a wider victim class than ``f`` (no class: the root)."""
        cls_f = self._narrower_victims(f) or self.victim_root
        cls_m = self._narrower_victims(m) or self.victim_root
        return bool(cls_f and cls_m and cls_m != cls_f and cls_m in self._ancestors(cls_f))

    def _ancestors(self, cls: str) -> list[str]:
        out: list[str] = []
        while cls in self.victim_parent and len(out) < 10:
            cls = self.victim_parent[cls]
            out.append(cls)
        return out

    def _plain(self, f: ClaimFacts) -> bool:
        """A figure of everyone hurt (not a breakdown part, a partitive or a narrower class)."""
        return not (f.component or self.is_subset(f) or self._narrower_victims(f))

    def _contrasted(self, rest: list[ClaimFacts], top_of: Callable[[str], str]) -> set[str]:
        """The top-level places that an article tells apart from the rest of its story: it gives
        figures for them that cannot hold for another of its places (or for its figures with no
        place) in the same category."""
        by_doc: dict[tuple[Any, Any], list[ClaimFacts]] = defaultdict(list)
        for f in rest:
            if self._plain(f):
                by_doc[(f.row.get("doc_id"), f.row.get("category"))].append(f)
        found: set[str] = set()
        for claims in by_doc.values():
            found |= contrasted_places(claims, top_of)
        return found

    def _place_scopes(self, rest: list[ClaimFacts], tops: set[str]) -> dict[int, Scope]:
        """Claim index -> its place scope: a contrasted top-level place, else the main one."""

        def top_of(place: str) -> str:
            return self._top_place(place, tops) or place

        contrasted = self._contrasted(rest, top_of)
        place_of: dict[int, Scope] = {}
        for f in rest:
            if f.place and top_of(f.place) in contrasted:
                place_of[f.index] = ("place", top_of(f.place))
        sentence_places: dict[tuple[Any, Any, Any], set[Scope]] = defaultdict(set)
        doc_scopes: dict[Any, Counter[Scope]] = defaultdict(Counter)
        for f in rest:
            if f.index in place_of:
                key = (f.row.get("doc_id"), f.row.get("sentence_start"), f.row.get("category"))
                sentence_places[key].add(place_of[f.index])
                doc_scopes[f.row.get("doc_id")][place_of[f.index]] += 1
        for f in rest:
            if f.index in place_of:
                continue
            taken = sentence_places[
                (f.row.get("doc_id"), f.row.get("sentence_start"), f.row.get("category"))
            ]
            # "20 killed in the attacks and seven in X": not at X, so at the article's other place
            others = [s for s, _ in doc_scopes[f.row.get("doc_id")].most_common() if s not in taken]
            place_of[f.index] = others[0] if taken and others else MAIN
        return place_of

    def scopes(self, members: list[ClaimFacts]) -> dict[int, tuple[Scope, Scope | None]]:
        """Claim index -> (its scope, the scope it is part of) for the claims of one story."""
        out: dict[int, tuple[Scope, Scope | None]] = {}
        rest: list[ClaimFacts] = []
        per_sentence = Counter(
            (f.row.get("doc_id"), f.row.get("sentence_start"), f.row.get("category"))
            for f in members
        )
        self._wholes = {k for k, n in per_sentence.items() if n > 1}
        other_days = self._other_days(members)
        for f in members:
            if not f.row.get("main_event", True) or self.cues.recalled(f.row):
                out[f.index] = (("background", magnitude(f)), None)
            elif f.measure == "daily":
                out[f.index] = (("daily", str(f.date or "")), None)
            elif self.cues.other_incident(f.row):
                where = f.place or f"{f.row.get('doc_id')}@{f.row.get('sentence_start')}"
                out[f.index] = (("other", where), None)
            elif f.index in other_days:
                out[f.index] = (("period", other_days[f.index]), None)
            else:
                rest.append(f)
        rest = self._continued(members, rest, out)
        named = {f.place for f in rest if f.place}
        tops = {p for p in named if not any(a in named for a in self.places.ancestors(p))}
        place_of = self._place_scopes(rest, tops)
        hit = self._everyone_hit(rest)
        peers = Peers(self, place_of, rest, tops)
        for f in rest:
            if hit is not None and self._wounded_of(f, hit):
                scope = place_of[f.index]
                out[f.index] = (scope + ("wounded",), scope)
            else:
                out[f.index] = self._part_scope(f, place_of, peers, tops)
        self._follow_wholes(members, out)
        return out

    def _continued(
        self,
        members: list[ClaimFacts],
        rest: list[ClaimFacts],
        out: dict[int, tuple[Scope, Scope | None]],
    ) -> list[ClaimFacts]:
        """Figures of a sentence that goes on about the one before ("It destroyed 300 homes")
        take the incident of that sentence's figures when those are another incident, a background
        event or another day's; the others are returned (still to be placed)."""
        by_doc: dict[Any, list[ClaimFacts]] = defaultdict(list)
        for f in members:
            by_doc[f.row.get("doc_id")].append(f)
        kept = []
        for f in rest:
            start = f.row.get("sentence_start")
            before = None
            if start is not None and self.cues.continuing(f.row):
                before = max(
                    (
                        m
                        for m in by_doc[f.row.get("doc_id")]
                        if m.index in out
                        and m.row.get("sentence_end") is not None
                        and 0 <= start - m.row["sentence_end"] <= 3
                    ),
                    key=lambda m: m.row["sentence_end"],
                    default=None,
                )
            if before is not None and out[before.index][0][0] in ("background", "other", "period"):
                out[f.index] = out[before.index]
            else:
                kept.append(f)
        return kept

    def _follow_wholes(
        self, members: list[ClaimFacts], out: dict[int, tuple[Scope, Scope | None]]
    ) -> None:
        """A partitive part ("injuring 40, 15 of them on the island") is a part of the incident
        of its whole, the figure of the same category just before it in its sentence."""
        subsets = [f for f in members if f.row.get("count_start") is not None and self.is_subset(f)]
        if not subsets:
            return
        by_sentence: dict[tuple[Any, Any, Any], list[ClaimFacts]] = defaultdict(list)
        for m in members:
            if m.row.get("count_start") is not None:
                key = (m.row.get("doc_id"), m.row.get("sentence_start"), m.row.get("category"))
                by_sentence[key].append(m)
        for f in subsets:
            key = (f.row.get("doc_id"), f.row.get("sentence_start"), f.row.get("category"))
            wholes = [
                m
                for m in by_sentence[key]
                if m.row["count_start"] < f.row["count_start"] and not self.is_subset(m)
            ]
            if not wholes:
                continue
            base = out[max(wholes, key=lambda m: m.row["count_start"]).index][0]
            where = f"{f.row.get('doc_id')}@{f.row.get('sentence_start')}"
            out[f.index] = (base + ("subset", where), base)

    def _everyone_hit(self, rest: list[ClaimFacts]) -> float | None:
        """The story's largest count of everyone hit ("shot three people") in an article that also
        counts the dead, or None."""
        cues = self.cues
        if cues.all_hit is None or not cues.hit_category:
            return None
        with_dead = {
            f.row.get("doc_id") for f in rest if f.row.get("category") == cues.hit_includes
        }
        counts = [
            f.best
            for f in rest
            if f.row.get("category") == cues.hit_category
            and f.best is not None
            and f.row.get("doc_id") in with_dead
            and cues.all_hit.search(f.row.get("evidence") or "")
        ]
        return max(counts) if counts else None

    def _wounded_of(self, f: ClaimFacts, hit: float) -> bool:
        """A count of the wounded below the story's count of everyone hit: the survivors."""
        return (
            f.row.get("category") == self.cues.hit_category
            and f.best is not None
            and 0 < f.best < hit
        )

    def _part_scope(
        self, f: ClaimFacts, place_of: dict[int, Scope], peers: Peers, tops: set[str]
    ) -> tuple[Scope, Scope | None]:
        """(scope, part_of) of one claim: a part of its place scope's incident when its own
        article tells it apart from a larger whole (the village's toll beside the quake's, the
        women among the dead); a whole smaller than the part is another incident."""
        scope = place_of[f.index]
        if self.is_subset(f) or self.cues.seen(f.row):
            return scope + ("subset", f"{f.row.get('doc_id')}@{f.row.get('sentence_start')}"), scope
        village = self.cues.part_place(f.row)
        if village:
            return scope + ("in", village), scope
        if self.is_inner(f, tops):
            outer = [m for m in peers.whole(f) if m.place != f.place and not self.is_inner(m, tops)]
            if outer and not any(overlaps(f, m) for m in outer):
                larger = any(m.high is None or f.low is None or m.high >= f.low for m in outer)
                return scope + ("in", str(f.place)), scope if larger else None
            # the whole's figure may come from another article: "100 killed in the province"
            # beside "six killed in a village of it" counts more people than the village's (a
            # part, for review); a whole below the part stays a rival (part_exceeds_whole)
            if f.high is not None and peers.all_above_elsewhere(f, f.high):
                return scope + ("in", str(f.place)), scope
        if f.listed_as and not self._narrower_victims(f):
            return scope + ("victims", f.listed_as), scope
        victims = self._narrower_victims(f)
        if victims:
            wider = [m for m in peers.whole(f) if self._wider(m, f)]
            if f.component or (wider and not any(m.best == f.best for m in wider)):
                larger = not wider or any(
                    m.high is None or f.low is None or m.high >= f.low for m in wider
                )
                return scope + ("victims", victims), scope if larger else None
        return scope, None

    # -- incidents ---------------------------------------------------------------------------
    def find(self, groups: list[tuple[str, list[ClaimFacts]]]) -> list[IncidentSet]:
        """The incidents of ``groups`` (each claim in exactly one), in order of first claim."""
        story_of = self.stories(groups)
        # a background figure (an earlier quake's toll) belongs to the story of its article's main
        # event, where the same background event told by another article of the story meets it
        doc_story: dict[str, str] = {}
        for gid, members in groups:
            for m in members:
                if m.row.get("main_event", True):
                    doc_story.setdefault(str(m.row.get("doc_id")), story_of[gid])
        by_story: dict[str, list[ClaimFacts]] = defaultdict(list)
        for gid, members in groups:
            for m in members:
                story = story_of[gid]
                if not m.row.get("main_event", True):
                    story = doc_story.get(str(m.row.get("doc_id")), story)
                by_story[story].append(m)
        incidents: dict[tuple[str, Scope], IncidentSet] = {}
        parts: list[tuple[IncidentSet, tuple[str, Scope]]] = []
        for story, members in by_story.items():
            scoped = self.scopes(members)
            for f in sorted(members, key=lambda m: m.index):
                scope, whole = scoped[f.index]
                inc = incidents.get((story, scope))
                if inc is None:
                    inc = incidents[(story, scope)] = IncidentSet("", story, scope)
                    if whole is not None:
                        parts.append((inc, (story, whole)))
                inc.members.append(f)
        ordered = sorted(incidents.values(), key=lambda i: min(m.index for m in i.members))
        for n, inc in enumerate(ordered, start=1):
            inc.incident_id = f"i{n}"
        for inc, whole_key in parts:
            whole_inc = incidents.get(whole_key)
            inc.part_of = whole_inc.incident_id if whole_inc is not None else None
        return ordered


def _most_common(counts: Counter[str]) -> str:
    """The most frequent entry, ties broken alphabetically (stable across runs)."""
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _gid_order(gid: str) -> tuple[int, str]:
    digits = "".join(ch for ch in gid if ch.isdigit())
    return (int(digits) if digits else 0, gid)


SEVERITY_ORDER = {"high": 3, "medium": 2, "low": 1, "info": 0}
CHANGE_KINDS = frozenset({"update", "revision_down"})


def label(inc: IncidentSet, types: Callable[[ClaimFacts], frozenset[str]]) -> str:
    """A label a person understands: "killed, injured in the earthquake at Qeshm, 2008-09-10"."""
    members = inc.members
    categories = list(dict.fromkeys(str(m.row.get("category")) for m in members))
    named_types = Counter(t for m in members for t in types(m))
    places = Counter(str(m.row["location"]) for m in members if m.row.get("location"))
    dates = sorted({m.date for m in members if m.date})
    victims = next(
        (s for k, s in zip(inc.scope, inc.scope[1:], strict=False) if k == "victims"), None
    )
    text = (f"{victims} " if victims else "") + ", ".join(categories)
    if named_types:
        text += f" in the {_most_common(named_types)}"
    if places:
        text += f" at {_most_common(places)}"
    if inc.scope[0] == "background":
        text += " (background event)"
    elif inc.scope[0] == "other":
        text += " (another incident)"
    elif inc.scope[0] == "daily":
        text += " (the day's total)"
    if dates:
        text += ", " + dates[0].isoformat()
    return text


def summarise_incident(
    inc: IncidentSet,
    kinds: list[str],
    group_of: dict[int, str],
    types: Callable[[ClaimFacts], frozenset[str]],
    compared: bool = True,
) -> IncidentRow:
    """The incidents row of ``inc``: every claimant's latest figure and what its flags say
    (``compared`` False: the comparison budget ran out before its figures were compared)."""
    latest: dict[tuple[str, str], ClaimFacts] = {}
    for m in sorted(inc.members, key=lambda m: (report_date(m) or dt.date.min, m.index)):
        latest[(who(m), str(m.row.get("category")))] = m
    rows = [r for m in inc.members for r in [m.row, *m.row.get("_copies", [])]]
    bests = [m.best for m in inc.members if m.best is not None]
    strongest = max(kinds, key=lambda k: SEVERITY_ORDER[SEVERITY[k]], default=None)
    voices = {v for v, _ in latest}
    status: IncidentStatus
    if not compared:
        status = "not_compared"
    elif any(k not in CHANGE_KINDS for k in kinds):
        status = "disagree"
    elif kinds:
        status = "updated"
    else:
        status = "single_source" if len(voices) <= 1 else "agree"
    dates = sorted({m.date for m in inc.members if m.date})
    places = Counter(str(m.row["location"]) for m in inc.members if m.row.get("location"))
    victims = next(
        (s for k, s in zip(inc.scope, inc.scope[1:], strict=False) if k == "victims"), None
    )
    return IncidentRow(
        group_id=inc.incident_id,
        story_id=group_of.get(inc.members[0].index),
        label=label(inc, types),
        categories=list(dict.fromkeys(str(m.row.get("category")) for m in inc.members)),
        place=_most_common(places) if places else None,
        victims=victims,
        period=" to ".join(sorted({dates[0].isoformat(), dates[-1].isoformat()}))
        if dates
        else None,
        part_of=inc.part_of,
        claim_ids=[r["claim_id"] for r in rows],
        doc_ids=[r["doc_id"] for r in rows],
        claimants=[v for v, _ in latest],
        figures=[f"{m.row.get('count_text')} {c}" for (_, c), m in latest.items()],
        intervals=[interval(m) for m in latest.values()],
        low=int(min(bests)) if bests else None,
        high=int(max(bests)) if bests else None,
        status=status,
        strongest_flag=strongest,
        severity=SEVERITY[strongest] if strongest else None,
        n_flags=len(kinds),
    )


class Peers:
    """The claims of one story's place scope and category, indexed once for ``_part_scope``
    (which asked every claim of the story for each claim: work that grew with the square of the
    claims)."""

    def __init__(
        self,
        finder: IncidentFinder,
        place_of: dict[int, Scope],
        rest: list[ClaimFacts],
        tops: set[str],
    ) -> None:
        self.finder, self.place_of, self.tops = finder, place_of, tops
        self.by_doc: dict[tuple[Scope, Any, Any], list[ClaimFacts]] = defaultdict(list)
        self.by_key: dict[tuple[Scope, Any], list[ClaimFacts]] = defaultdict(list)
        for m in rest:
            key = (place_of[m.index], m.row.get("category"))
            self.by_key[key].append(m)
            self.by_doc[(*key, m.row.get("doc_id"))].append(m)
        self._lowest: dict[tuple[Scope, Any], list[tuple[float, str | None]]] = {}

    def whole(self, f: ClaimFacts) -> list[ClaimFacts]:
        """The other claims of ``f``'s place scope and category in ``f``'s article."""
        key = (self.place_of[f.index], f.row.get("category"), f.row.get("doc_id"))
        return [m for m in self.by_doc[key] if m is not f]

    def all_above_elsewhere(self, f: ClaimFacts, high: float) -> bool:
        """Whether some claim of ``f``'s place scope and category stands at another place than
        ``f``'s, is not inside a top-level place and counts everyone hurt, and every such claim's
        lower bound is above ``high``."""
        key = (self.place_of[f.index], f.row.get("category"))
        lowest = self._lowest.get(key)
        if lowest is None:
            lowest = self._lowest[key] = self._lowest_by_place(key)
        for low, place in lowest:  # at most two: the lowest two places
            if place != f.place:
                return low > high
        return False

    def _lowest_by_place(self, key: tuple[Scope, Any]) -> list[tuple[float, str | None]]:
        """(lowest lower bound, place) of the two places whose claims' bounds are lowest (an
        unknown bound counts as lowest of all)."""
        finder, tops = self.finder, self.tops
        by_place: dict[str | None, float] = {}
        for m in self.by_key[key]:
            if finder.is_inner(m, tops) or not finder._plain(m):
                continue
            low = float("-inf") if m.low is None else m.low
            by_place[m.place] = min(low, by_place.get(m.place, float("inf")))
        return sorted(((low, place) for place, low in by_place.items()), key=lambda lp: lp[0])[:2]


INF = float("inf")


def contrasted_places(claims: list[ClaimFacts], top_of: Callable[[str], str]) -> set[str]:
    """The top-level places of one article's figures of one category that some other figure of
    it cannot hold with: two figures at different places whose intervals cannot both hold, or a
    figure at a place against one with no place in the same sentence ("1 dead" in a headline,
    "two died" in Troy: one place) or against a denial there ("no one was hurt in X" denies at X
    only). Computed from each place's lowest upper and highest lower bound, so the work grows
    with the figures, not with their pairs; a figure with no lower bound can hold with any."""
    bounded = [
        (c, top_of(c.place) if c.place else "", float(c.low)) for c in claims if c.low is not None
    ]
    found: set[str] = set()
    extremes: dict[str, tuple[float, float]] = {}  # place -> (lowest high, highest low)
    for c, place, c_low in bounded:
        if place:
            high, low = extremes.get(place, (INF, -INF))
            extremes[place] = (min(high, INF if c.high is None else c.high), max(low, c_low))
    if len(extremes) > 1:
        top_lows = sorted(((low, p) for p, (_, low) in extremes.items()), reverse=True)[:2]
        bottom_highs = sorted((high, p) for p, (high, _) in extremes.items())[:2]
        for place, (high, low) in extremes.items():
            other_low = next(v for v, p in top_lows if p != place)
            other_high = next(v for v, p in bottom_highs if p != place)
            if high < other_low or other_high < low:
                found.add(place)
    unplaced = [c for c, place, _ in bounded if not place]
    if not unplaced:
        return found
    everywhere = _extremes(unplaced)
    by_sentence: dict[Any, list[ClaimFacts]] = defaultdict(list)
    for c in unplaced:
        by_sentence[c.row.get("sentence_start")].append(c)
    sentence_extremes = {s: _extremes(cs) for s, cs in by_sentence.items()}
    for c, place, c_low in bounded:
        if not place or place in found:
            continue
        high = INF if c.high is None else c.high
        sides = [sentence_extremes.get(c.row.get("sentence_start"))]
        if c.high == 0:
            sides.append(everywhere)
        if any(x is not None and (high < x[1] or x[0] < c_low) for x in sides):
            found.add(place)
    return found


def _extremes(claims: list[ClaimFacts]) -> tuple[float, float]:
    """(lowest upper bound, highest lower bound) of figures that all have a lower bound."""
    return (
        min(INF if c.high is None else c.high for c in claims),
        max(float(c.low) for c in claims if c.low is not None),
    )
