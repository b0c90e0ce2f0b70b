"""Typed disagreements between claims of one incident, each with a sentence a person can paste.

Figures are rivals only inside one incident and category (``quotetrack.compare.incidents``):
figures of different incidents count different people. Each compatible pair of one incident is
checked in this order (the first that applies):

1. a breakdown part ("two women and one man"), identical intervals or two open lower bounds
   ("at least 7", "at least 20": both can hold) are never flagged;
2. the same claimant: ``update`` / ``revision_down`` when the later report (a later report date,
   or an update cue such as "rose to") has a higher / lower figure, else
   ``same_claimant_inconsistent``; another claimant's later, higher figure with an update cue is
   an ``update`` too;
3. nested places in two articles: ``part_exceeds_whole`` when the inner place's lower bound
   exceeds the outer's upper bound, else ``divergence`` marked ``needs_review`` (one event or a
   part of it: the texts do not say) when the best figures are far apart;
4. ``contradiction`` when the intervals are disjoint, ``divergence`` when they overlap but the best
   figures are further apart than the tolerance (wider for approximate and vague figures).

Along ``part_of``: a part whose lower bound exceeds its whole's upper bound is
``part_exceeds_whole``. Across incidents: a daily aggregate whose bounds disagree with the sum of
one source's incidents of that day in that place (``part_exceeds_whole`` / ``divergence``), and the
same sentence crediting a figure to different claimants in two articles (``attribution_mismatch``).
A flag that repeats between near-copies of one wire story (articles sharing long passages word
for word, partial copies included) is reported once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from rapidfuzz import fuzz

from quotetrack.compare.budget import Deadline
from quotetrack.compare.events import ClaimFacts, PairTable, parse_date
from quotetrack.compare.places import PlaceIndex
from quotetrack.compare.rules import Explanations
from quotetrack.compare.text import words
from quotetrack.models import Disagreement

SEVERITY = {
    "contradiction": "high",
    "part_exceeds_whole": "high",
    "divergence": "medium",
    "same_claimant_inconsistent": "medium",
    "attribution_mismatch": "medium",
    "scope_mismatch": "low",
    "update": "info",
    "revision_down": "low",
}
VAGUE = {"approx", "vague"}


@dataclass(frozen=True)
class FlagOptions:
    """Tolerances of the disagreement checks."""

    tolerance: float = 1.5  # best-value ratio above which overlapping figures diverge
    vague_factor: float = 1.5  # tolerance multiplier when a figure is approximate or vague
    sentence_similarity: float = 85.0  # rapidfuzz ratio for "the same sentence"
    max_positions: int = 50  # above: each figure checked against a few, not against all
    most_cited: int = 3  # the positions every figure is checked against above max_positions


def interval(f: ClaimFacts) -> str:
    """The claim's interval as text: ``[7, ∞)``, ``[6, 6]``."""
    low = "?" if f.low is None else str(f.low)
    return f"[{low}, ∞)" if f.high is None else f"[{low}, {f.high}]"


def disjoint(a: ClaimFacts, b: ClaimFacts) -> bool:
    """True when the two intervals cannot both hold."""
    if a.low is None or b.low is None:
        return False
    return (a.high is not None and a.high < b.low) or (b.high is not None and b.high < a.low)


def ratio(a: ClaimFacts, b: ClaimFacts) -> float | None:
    """Ratio of the larger to the smaller best figure (None when one is zero or missing)."""
    if a.best is None or b.best is None or min(a.best, b.best) <= 0:
        return None
    return max(a.best, b.best) / min(a.best, b.best)


def who(f: ClaimFacts) -> str:
    """The claimant, or the outlet's own voice."""
    claimant = f.row.get("claimant")
    if claimant:
        return str(claimant)
    return f"{f.row.get('outlet') or f.row.get('doc_id')} (own voice)"


def figure(f: ClaimFacts) -> str:
    """The figure as written with what it counts: "at least seven killed"."""
    return f"{f.row.get('count_text')} {f.row.get('category')}"


def report_date(f: ClaimFacts) -> dt.date | None:
    """When the claim was reported: its article's date, else the event's (for "later" reports)."""
    return parse_date(f.row.get("published")) or f.date


def same_claimant(a: ClaimFacts, b: ClaimFacts) -> bool:
    """Both claims name a claimant and the names are compatible: one's words are among the other's,
    or both end in the same name ("Police Const. Tim Fanning" and "Constable Tim Fanning")."""
    if not (a.claimant_key and b.claimant_key):
        return False
    if a.claimant_key <= b.claimant_key or b.claimant_key <= a.claimant_key:
        return True
    last_a, last_b = _last_name(a.row.get("claimant")), _last_name(b.row.get("claimant"))
    return bool(last_a) and last_a == last_b


def _last_name(name: Any) -> str:
    """The last word of a claimant's name when it is capitalised (a surname), else ''."""
    tokens = str(name or "").split()
    last = tokens[-1].strip(".,") if tokens else ""
    return last.lower() if len(last) > 2 and last[:1].isupper() else ""


def _then(make: Callable[[], str], suffix: str) -> Callable[[], str]:
    """An explanation maker with ``suffix`` (the reason a flag needs review) appended."""
    return make if not suffix else (lambda: make() + suffix)


class Flagger:
    """Applies the checks to event groups and builds the disagreement rows."""

    def __init__(
        self,
        templates: Explanations,
        places: PlaceIndex,
        syndicated: set[frozenset[str]],
        options: FlagOptions | None = None,
        near_copies: set[frozenset[str]] | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.templates = templates
        self.deadline = deadline or Deadline()
        # incident -> (distinct figures, their pairs, pairs checked) of its capped categories
        self.capped: dict[str, tuple[int, int, int]] = {}
        self.late: set[str] = set()  # incidents reached after the deadline (``withdraw_late``)
        self.cut_short: set[str] = set()  # incidents whose checks across incidents were not made
        self.places = places
        self.syndicated = syndicated
        self.options = options or FlagOptions()
        self._open: dict[tuple, dict[str, Any]] = {}
        self._copies: dict[str, set[str]] = defaultdict(set)  # doc -> its (near-)copies
        for pair in near_copies if near_copies is not None else syndicated:
            a, b = tuple(pair)
            self._copies[a].add(b)
            self._copies[b].add(a)
        self._seen: dict[tuple, set[str]] = {}
        self._first_key: dict[tuple, tuple] = {}  # signature -> the key of its first row
        self.current_incident: str | None = None  # the incident of the pair being checked
        self._rises: list[dt.date] = []  # report days of its category's raised tolls

    # -- helpers -------------------------------------------------------------------------------
    def _tolerance(self, a: ClaimFacts, b: ClaimFacts) -> float:
        vague = a.row.get("qualifier") in VAGUE or b.row.get("qualifier") in VAGUE
        return self.options.tolerance * (self.options.vague_factor if vague else 1.0)

    def _when(self, a: ClaimFacts, b: ClaimFacts) -> str:
        """When the two figures were reported: ", same day" or " (reported DAY and DAY)"."""
        day_a, day_b = report_date(a), report_date(b)
        if day_a and day_b:
            if day_a == day_b:
                return ", same day"
            return f" (reported {day_a.isoformat()} and {day_b.isoformat()})"
        return ""

    def _text(self, kind: str, a: ClaimFacts, b: ClaimFacts, **extra: Any) -> str:
        values = dict(
            a=who(a),
            b=who(b),
            fa=figure(a),
            fb=figure(b),
            va=a.row.get("victims") or "?",
            vb=b.row.get("victims") or "?",
            when=self._when(a, b),
            where_a=f" in {a.row['location']}" if a.row.get("location") else "",
            where_b=f" in {b.row['location']}" if b.row.get("location") else "",
        )
        values.update(extra)
        return getattr(self.templates, kind).format(**values)

    def add(
        self,
        kind: str,
        members: list[ClaimFacts],
        explanation: Callable[[], str],
        group_id: str | None,
        keys: Iterable[str],
        r: float | None = None,
        needs_review: bool = False,
    ) -> None:
        """Record one flag. The same positions (kind, claimants, intervals) met again in one group
        join the first row (one row per disagreement, listing every claim that takes those
        positions); met again between syndicated copies of one story, they are reported once."""
        docs = [m.row["doc_id"] for m in members]
        signature = (
            kind,
            tuple(sorted((str(m.row.get("claimant")), interval(m)) for m in members)),
        )
        earlier = self._seen.get(signature)
        incident = self.current_incident
        key = (group_id, incident, signature)
        if (
            earlier is not None
            and self._copies
            and any(self._copies.get(d, set()) & earlier for d in docs)
        ):
            key = self._first_key[signature]  # the copy's flag joins the row reported first
        self._seen.setdefault(signature, set()).update(docs)
        self._first_key.setdefault(signature, key)
        row = self._open.get(key)
        if row is None:
            row = self._open[key] = dict(
                kind=kind,
                group_id=group_id,
                incident_id=incident,
                explanation=explanation(),
                keys=set(keys),
                ratio=r,
                needs_review=needs_review,
                members=[],
                indices=set(),
            )
        else:
            row["keys"].update(keys)
            row["needs_review"] = row["needs_review"] or needs_review
        for m in members:
            if m.index not in row["indices"]:
                row["indices"].add(m.index)
                row["members"].append(m)

    def withdraw_late(self) -> None:
        """Drop the flags of the incidents reached after the deadline (flags across incidents
        included: a few of an incident's flags would read as all of them)."""
        self.cut_short -= self.late | {""}
        self._open = {k: r for k, r in self._open.items() if r["incident_id"] not in self.late}

    def kinds_by_incident(self) -> dict[str, list[str]]:
        """Incident id -> the kinds of the flags found inside it (or along its parts)."""
        out: dict[str, list[str]] = defaultdict(list)
        for row in self._open.values():
            if row["incident_id"]:
                out[row["incident_id"]].append(row["kind"])
        return out

    def disagreements(self) -> Iterator[Disagreement]:
        """The flags as rows of the disagreements table, in the order they were first found (made
        one at a time: a row lists every copy of its positions)."""
        for n, row in enumerate(self._open.values(), start=1):
            members: list[ClaimFacts] = row["members"]
            rows = [
                r for m in members for r in [m.row, *m.row.get("_copies", [])]
            ]  # copies of a position too
            docs = [r["doc_id"] for r in rows]
            outlets = [r.get("outlet") for r in rows]
            hedged = [m for m in members if m.row.get("hedge")]
            explanation = " ".join(
                [
                    row["explanation"],
                    *(
                        self.templates.review_hedged.format(a=who(m), hedge=m.row["hedge"])
                        for m in hedged
                    ),
                ]
            )
            yield Disagreement(
                disagreement_id=f"d{n}",
                kind=row["kind"],
                severity=SEVERITY[row["kind"]],
                needs_review=row["needs_review"] or bool(hedged),
                group_id=row["group_id"],
                claim_ids=[r["claim_id"] for r in rows],
                doc_ids=docs,
                outlets=outlets,
                claimants=[r.get("claimant") for r in rows],
                intervals=[
                    interval(m) for m in members for _ in range(1 + len(m.row.get("_copies", [])))
                ],
                ratio=None if row["ratio"] is None else round(row["ratio"], 2),
                same_outlet=len(set(docs)) == 1
                or (len(set(outlets)) == 1 and outlets[0] is not None),
                syndicated=len(set(docs)) == 2 and frozenset(docs) in self.syndicated,
                match_keys=sorted(row["keys"]),
                explanation=explanation,
                evidence=[str(r.get("sentence") or r.get("evidence")) for r in rows],
                incident_id=row["incident_id"],
            )

    # -- checks --------------------------------------------------------------------------------
    def pair(self, a: ClaimFacts, b: ClaimFacts, group_id: str, keys: set[str]) -> None:
        """Check one pair of claims of one incident and category (``a`` reported no later)."""
        if a.component or b.component:
            return  # "two women and one man": the parts of a breakdown are not rival figures
        if a.low == b.low and a.high == b.high:
            return
        if a.high is None and b.high is None:
            return  # two lower bounds ("at least 7", "at least 20") can both hold
        r = ratio(a, b)
        if same_claimant(a, b):
            date_a, date_b = report_date(a), report_date(b)
            later = date_a is not None and date_b is not None and date_b > date_a
            if b.row.get("update_cue") or (later and a.row["doc_id"] != b.row["doc_id"]):
                kind = "update" if (b.best or 0) > (a.best or 0) else "revision_down"
                self.add(kind, [a, b], partial(self._text, kind, a, b), group_id, keys, r)
            else:
                self.add(
                    "same_claimant_inconsistent",
                    [a, b],
                    partial(self._text, "same_claimant_inconsistent", a, b),
                    group_id,
                    keys,
                    r,
                )
            return
        if (b.best or 0) > (a.best or 0) and (b.row.get("update_cue") or self._rose_after(a, b)):
            # "the toll rose to 22": a later, higher count of the same people, not a rival figure
            text = partial(self._text, "update_by_other", a, b)
            self.add("update", [a, b], text, group_id, keys, r)
            return
        if self.places.relation(a.place, b.place) == "nested":
            self._nested(a, b, group_id, keys, r)
            return
        if a.row.get("doc_id") == b.row.get("doc_id"):
            if self.places.in_other_countries(a.place, b.place):
                return  # one article's figures for two countries count two sets of people
            if not (a.place or b.place or a.row.get("claimant") or b.row.get("claimant")):
                # the writer's own two figures with no place ("three killed" in one paragraph,
                # "14" in another) count two things: a writer does not contradict itself unawares
                return
        if disjoint(a, b):
            self.add(
                "contradiction",
                [a, b],
                partial(self._text, "contradiction", a, b),
                group_id,
                keys,
                r,
            )
        elif r is not None and r > self._tolerance(a, b):
            self.add(
                "divergence",
                [a, b],
                partial(self._text, "divergence", a, b, ratio=f"{r:.1f}"),
                group_id,
                keys,
                r,
            )

    def _nested(
        self, a: ClaimFacts, b: ClaimFacts, group_id: str, keys: set[str], r: float | None
    ) -> None:
        """Figures for a place and a place inside it, in different articles: one event or only
        part of it, which the texts do not say (flagged for review, or as a part exceeding it)."""
        inner_key, _ = self.places.outer(a.place or "", b.place or "")
        inner, outer = (a, b) if a.place == inner_key else (b, a)
        if outer.high is not None and inner.low is not None and inner.low > outer.high:
            text = partial(self._text, "part_exceeds_whole", outer, inner)
            self.add("part_exceeds_whole", [outer, inner], text, group_id, keys, r)
        elif r is None or r > self._tolerance(a, b):
            text = partial(
                self._text,
                "divergence_nested",
                a,
                b,
                ratio=f"{r:.1f}" if r else "far",
                inner=inner.row.get("location"),
                outer=outer.row.get("location"),
            )
            self.add("divergence", [a, b], text, group_id, keys, r, needs_review=True)

    def _rose_after(self, a: ClaimFacts, b: ClaimFacts) -> bool:
        """Whether the incident's toll was raised ("rose to", "raising its earlier figure") in a
        report after ``a``'s and no later than ``b``'s: ``a`` is then an earlier count, not a rival
        of ``b``."""
        day_a, day_b = report_date(a), report_date(b)
        if day_a is None or day_b is None or day_b <= day_a:
            return False
        return any(day_a < day <= day_b for day in self._rises)

    def incidents(
        self,
        incidents: Iterable[Any],
        pairs: PairTable,
        group_of: dict[int, str],
    ) -> None:
        """Check every pair of claims of one incident and category (the earlier report first):
        the incident says they count the same people, whatever joined them. Two figures of one
        sentence count two things and are not compared. An incident with more than
        ``FlagOptions.max_positions`` distinct positions in a category checks each position only
        against the report before it and the most-cited positions, so that flags grow with the
        documents, not with the pairs of figures."""
        for inc in incidents:
            if self.deadline.expired():
                self.late.add(inc.incident_id)
                continue
            by_category: dict[str, list[ClaimFacts]] = defaultdict(list)
            for m in inc.members:
                by_category[str(m.row.get("category"))].append(m)
            self.current_incident = inc.incident_id
            for category, members in by_category.items():
                members.sort(key=lambda f: (report_date(f) or dt.date.min, f.index))
                self._rises = [
                    day
                    for f in members
                    if f.row.get("update_cue") and (day := report_date(f)) is not None
                ]
                checked = self._pairs_to_check(members)
                if len(members) > self.options.max_positions:
                    n = len(members)
                    figures, n_pairs, done = self.capped.get(inc.incident_id, (0, 0, 0))
                    self.capped[inc.incident_id] = (
                        figures + n,
                        n_pairs + n * (n - 1) // 2,
                        done + len(checked),
                    )
                for a, b in checked:
                    if a.row.get("doc_id") == b.row.get("doc_id") and a.row.get(
                        "sentence_start"
                    ) == b.row.get("sentence_start"):
                        continue
                    pair_keys = {
                        f"category:{category}",
                        f"incident:{inc.incident_id}",
                        *pairs.keys_of(min(a.index, b.index), max(a.index, b.index)),
                    }
                    self.pair(a, b, group_of.get(a.index, ""), pair_keys)
        self.current_incident = None

    def _pairs_to_check(self, members: list[ClaimFacts]) -> list[tuple[ClaimFacts, ClaimFacts]]:
        """The pairs of one incident and category to check, the earlier report first: all of
        them, or, above ``max_positions`` positions, each position against the report before it
        and the ``most_cited`` positions repeated by the most articles (linear in positions)."""
        if len(members) <= self.options.max_positions:
            return [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
        order = {m.index: n for n, m in enumerate(members)}
        cited = sorted(members, key=lambda f: (-len(f.row.get("_copies") or ()), order[f.index]))
        anchors = cited[: self.options.most_cited]
        chosen: set[tuple[int, int]] = set()
        for n, f in enumerate(members):
            for other in ([members[n - 1]] if n else []) + anchors:
                if other is not f:
                    i, j = sorted((order[f.index], order[other.index]))
                    chosen.add((i, j))
        return [(members[i], members[j]) for i, j in sorted(chosen)]

    def parts(
        self, incidents: Iterable[Any], group_of: dict[int, str], keys: Iterable[str] = ()
    ) -> None:
        """Along ``part_of``: a part whose figure exceeds its whole's (same category) is flagged
        ``part_exceeds_whole``."""
        by_id = {inc.incident_id: inc for inc in incidents}
        for part_set in by_id.values():
            whole_set = by_id.get(part_set.part_of) if part_set.part_of else None
            if whole_set is None:
                continue
            if self.deadline.expired():
                self.cut_short.add(whole_set.incident_id)
                continue
            for part in part_set.members:
                for whole in whole_set.members:
                    if part.row.get("category") != whole.row.get("category"):
                        continue
                    if part.component or whole.component:
                        continue
                    self.current_incident = whole_set.incident_id
                    pair_keys = {f"part_of:{part_set.incident_id}<{whole_set.incident_id}", *keys}
                    gid = group_of.get(whole.index)
                    r = ratio(part, whole)
                    if whole.high is not None and part.low is not None and part.low > whole.high:
                        text = partial(self._text, "part_exceeds_whole", whole, part)
                        self.add("part_exceeds_whole", [whole, part], text, gid, pair_keys, r)
                    elif self._unsure_part(part, whole):
                        # "100 killed in the province" and "six in a village of it" from two
                        # articles: one event, or only a part of it? The texts do not say
                        text = partial(
                            self._text,
                            "divergence_nested",
                            whole,
                            part,
                            ratio=f"{r:.1f}" if r else "far",
                            inner=part.row.get("location"),
                            outer=whole.row.get("location"),
                        )
                        nested = f"place:nested:{part.place}<{whole.place}"
                        self.add(
                            "divergence", [whole, part], text, gid, pair_keys | {nested}, r, True
                        )
        self.current_incident = None

    def _unsure_part(self, part: ClaimFacts, whole: ClaimFacts) -> bool:
        """Whether a part's place lies inside its whole's, as two articles name them, with figures
        far apart: only a person reading both can tell a part from the same event."""
        if part.row.get("doc_id") == whole.row.get("doc_id"):
            return False  # its own article told it apart
        if self.places.relation(part.place, whole.place) != "nested":
            return False
        r = ratio(part, whole)
        return r is None or r > self._tolerance(part, whole)

    def _inside(self, part: ClaimFacts, total: ClaimFacts) -> bool:
        """Whether an incident can count towards a daily total: inside or at its place, or (in the
        total's own article) at an unnamed place or a compass region."""
        relation = self.places.relation(part.place, total.place)
        if relation == "equal":
            return True
        if relation == "nested":
            return self.places.outer(part.place or "", total.place or "")[1] == total.place
        same_doc = part.row["doc_id"] == total.row["doc_id"]
        return same_doc and (part.place is None or self.places.is_region(part.place))

    def aggregates(
        self,
        facts: list[ClaimFacts],
        group_of: dict[int, str],
        incident_of: dict[int, str] | None = None,
    ) -> None:
        """Daily totals against the sum of each source's incidents that day inside the place."""
        incidents: dict[tuple[str, Any], list[ClaimFacts]] = defaultdict(list)
        for f in facts:
            if f.measure == "incident" and f.date:
                incidents[(str(f.row.get("category")), f.date)].append(f)
        for total in facts:
            if total.measure != "daily" or not total.date:
                continue
            self.current_incident = (incident_of or {}).get(total.index)
            if self.deadline.expired():
                self.cut_short.add(self.current_incident or "")
                continue
            by_source: dict[str, list[ClaimFacts]] = defaultdict(list)
            for part in incidents.get((str(total.row.get("category")), total.date), []):
                if self._inside(part, total):
                    by_source[who(part)].append(part)
            keys = {
                f"category:{total.row.get('category')}",
                "measure:daily_vs_incidents",
                "date:same_day",
            }
            for source, parts in sorted(by_source.items()):
                parts_sum = sum(p.low or 0 for p in parts)
                listing = f"{source}: " + " + ".join(str(p.low) for p in parts)
                members = [total] + parts
                if any(p.row["doc_id"] != total.row["doc_id"] for p in parts):
                    reason = f" {self.templates.review_other_articles}"
                elif not all(same_claimant(p, total) for p in parts):
                    reason = f" {self.templates.review_other_sources}"
                else:
                    reason = ""
                review = bool(reason)
                if total.high is not None and parts_sum > total.high:
                    text = partial(
                        self._text,
                        "aggregate_exceeded",
                        total,
                        parts[0],
                        parts_sum=parts_sum,
                        parts=listing,
                    )
                    explain = _then(text, reason)
                    self.add(
                        "part_exceeds_whole",
                        members,
                        explain,
                        group_of.get(total.index),
                        keys,
                        needs_review=review,
                    )
                elif total.low and parts_sum / total.low > self._tolerance(total, parts[0]):
                    text = partial(
                        self._text,
                        "aggregate_divergence",
                        total,
                        parts[0],
                        parts_sum=parts_sum,
                        parts=listing,
                    )
                    explain = _then(text, reason)
                    self.add(
                        "divergence",
                        members,
                        explain,
                        group_of.get(total.index),
                        keys,
                        parts_sum / total.low,
                        needs_review=review,
                    )
        self.current_incident = None

    def attributions(
        self, facts: list[ClaimFacts], incident_of: dict[int, str] | None = None
    ) -> None:
        """The same sentence in two articles crediting one figure to different claimants."""
        buckets: dict[tuple, list[ClaimFacts]] = defaultdict(list)
        for f in facts:
            if f.claimant_key:
                buckets[(f.row.get("category"), f.low, f.high)].append(f)
        for members in buckets.values():
            if self.deadline.expired():
                if len({m.row["doc_id"] for m in members}) > 1:
                    self.cut_short.update((incident_of or {}).get(m.index, "") for m in members)
                continue
            if len(members) < 2:
                continue
            # each sentence's words once, not once per pair (a bucket of n claims has n²/2 pairs)
            said = [" ".join(words(m.row.get("sentence") or "")) for m in members]
            for i, a in enumerate(members):
                sa = said[i]
                for k in range(i + 1, len(members)):
                    b = members[k]
                    if a.row["doc_id"] == b.row["doc_id"] or same_claimant(a, b):
                        continue
                    sb = said[k]
                    if sa and sb and fuzz.ratio(sa, sb) >= self.options.sentence_similarity:
                        self.current_incident = (incident_of or {}).get(a.index)
                        self.add(
                            "attribution_mismatch",
                            [a, b],
                            partial(self._text, "attribution_mismatch", a, b),
                            None,
                            {"sentence:same"},
                        )
        self.current_incident = None
