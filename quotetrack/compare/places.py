"""Places: a comparable key for a location as written, and which place lies inside which.

A location phrase ("the central province of Hama", "throughout Syria") is reduced to its name
("hama", "syria") by dropping the generic place words of ``rules/compare.toml``. Nesting comes
from three sources, the first that knows a place winning: the users' own ``[gazetteer]`` table of
``rules/compare.toml``; ``rules/gazetteer.tsv`` (countries, ISO 3166-2 subdivisions and GeoNames
cities, built by ``scripts/build_gazetteer.py``); and the articles themselves, read with the
nesting patterns ("the village of Treemseh, northwest of Hama" puts Treemseh in Hama's area).

A name of ``gazetteer.tsv`` with rows in several countries ("Tripoli": Libya, Lebanon, Greece) has
no parent: it is nested only in a place that contains one of its readings and that the same
comparison names ("Tripoli" and "Libya"), never through a chain of guesses. A country's name never
gets a parent from the file ("Georgia" the country is not the US state).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import regex

from quotetrack.compare.rules import CompareRules
from quotetrack.errors import RulesError
from quotetrack.rulebook.keywords import pattern_literals, prefilterable
from quotetrack.rulebook.ruleset import default_rules_dir
from quotetrack.rulebook.segments import SegmentSearch

TOKEN_RE = regex.compile(r"[\p{L}][\p{L}'\u2019\-]*")
POSSESSIVE = ("'s", "\u2019s")
Relation = Literal["equal", "nested", "disjoint", "unknown"]
MIN_LEAD = (
    4  # a shorter opening literal ("in") is everywhere in a text: the engine's own scan is faster
)


def leads(pattern: regex.Pattern[str]) -> tuple[str, ...] | None:
    """The literals (lower case) one of which opens every match of ``pattern`` once its leading
    blanks are removed (``keywords.pattern_literals``); None when not known, when a match may be
    blank, or when one of them is shorter than ``MIN_LEAD`` (too common to be worth looking for)."""
    found = pattern_literals(pattern.pattern, pattern.flags)
    if found.blank or not found.lead or min(map(len, found.lead)) < MIN_LEAD:
        return None
    return tuple(sorted(found.lead))


def starts_of(text: str, low: str, words: tuple[str, ...]) -> list[int]:
    """Every position of ``text`` where a match opening with one of ``words`` can begin: where one
    of them begins in ``low`` (``text`` lower-cased, offsets kept), or in the blanks right before
    it."""
    found = set()
    for word in words:
        at = low.find(word)
        while at >= 0:
            found.add(at)
            blank = at
            while blank > 0 and text[blank - 1].isspace():  # the few blanks before a hit
                blank -= 1
                found.add(blank)
            at = low.find(word, at + 1)
    return sorted(found)


def matches_at(
    pattern: regex.Pattern[str], text: str, starts: list[int]
) -> Iterator[regex.Match[str]]:
    """What ``pattern.finditer(text)`` yields when no match can begin elsewhere than ``starts``
    (and none is empty): the engine tries only those positions."""
    end = 0
    for at in starts:
        if at >= end and (m := pattern.match(text, at)) is not None:
            end = m.end()
            yield m


@dataclass(frozen=True)
class Gazetteer:
    """The place keys of ``gazetteer.tsv``: each unambiguous place's parent, each ambiguous
    place's possible parents, and the countries' keys."""

    parent: dict[str, str]
    choices: dict[str, frozenset[str]]
    countries: frozenset[str]
    country: dict[str, str]  # a place whose parent is ambiguous -> its country


def gazetteer_path(rules: CompareRules) -> Path | None:
    """The gazetteer file named by ``rules.gazetteer_file``, beside ``compare.toml`` (the
    shipped rules' one when that folder has none); None when the name is empty."""
    if not rules.gazetteer_file:
        return None
    origin = getattr(rules, "_origin", "")
    here = Path(origin).parent / rules.gazetteer_file if origin else None
    if here is not None and here.is_file():
        return here
    return default_rules_dir() / rules.gazetteer_file


def load_gazetteer(path: Path, generic: frozenset[str]) -> Gazetteer:
    """``path`` read once per process (and again only when the file changes); place names are
    keyed like ``PlaceIndex.key`` with the ``generic`` words. Raises RulesError naming the file
    when it cannot be read or a line is not ``name, parent, kind, country``."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise RulesError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return _load_gazetteer(str(path), stamp, generic)


@functools.cache
def _load_gazetteer(path: str, stamp: int, generic: frozenset[str]) -> Gazetteer:
    """The cached body of ``load_gazetteer`` (``stamp`` is the file's modification time)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"{path}: cannot read: {exc}") from None
    names, ups, kinds, codes = _columns(path, text)
    # most names are capitalised words with no generic word: their key is their lower case (as
    # ``name_key`` would make it, five times faster); the others go through ``name_key``
    plain = re.compile(r"[A-Z][a-z]*(?: [A-Z][a-z]*)*")
    keys = {
        name: (
            low
            if (
                plain.fullmatch(name)
                or (
                    name.replace(" ", "").isalpha()
                    and all(w[:1].isupper() for w in name.split(" "))
                )
            )
            and generic.isdisjoint(low.split(" "))
            else name_key(name, generic)
        )
        for name in {*names, *ups}
        for low in (name.lower(),)
    }
    countries: set[str] = set()
    main: dict[str, str] = {}  # country code -> its country's key
    code_of: dict[str, str] = {}
    parent: dict[str, str] = {}
    others: dict[str, set[str]] = {}  # a second parent in the same country
    ambiguous: dict[str, set[str]] = {}  # names of several countries -> their parents
    for name, up, kind, code in zip(names, ups, kinds, codes, strict=True):
        child = keys[name]
        if not child:
            continue
        if kind == "country":
            countries.add(child)
            if not up:
                main[code] = child
            continue
        up_key = keys[up]
        if not up_key or up_key == child:
            continue
        if code_of.setdefault(child, code) != code or child in ambiguous:
            ambiguous.setdefault(child, {parent.get(child, up_key)}).add(up_key)
        elif parent.setdefault(child, up_key) != up_key:
            others.setdefault(child, set()).add(up_key)
    for child, second in others.items():  # readings of one country in several subdivisions
        inside = (second | {parent[child]}) & countries
        if len(inside) == 1:
            parent[child] = next(iter(inside))
        else:
            del parent[child]
    choices = {c: frozenset(p) for c, p in ambiguous.items() if c not in countries}
    for child in [*ambiguous, *countries]:
        parent.pop(child, None)  # "Georgia" the country is in nothing, whatever bears its name
    country = {  # "Kesh" in "Lorn", a name of two countries: Kesh is still in its own country
        c: main[code_of[c]]
        for c, p in parent.items()
        if p not in parent and p not in countries and code_of[c] in main
    }
    return Gazetteer(parent, choices, frozenset(countries), country)


def _columns(path: str, text: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """The four columns of a gazetteer file's rows (comments, blank lines and the column names
    left out); raises RulesError naming the file and the line when a row has not four cells."""
    lines = text.split("\n")
    rows = [n for n, line in enumerate(lines) if line and line[0] != "#"]
    if rows and lines[rows[0]].startswith("name\t"):
        rows = rows[1:]  # the column names
    if rows and rows[-1] - rows[0] + 1 == len(rows):  # one block (as built): split at once
        cells = "\t".join(lines[rows[0] : rows[-1] + 1]).split("\t")
    else:
        cells = "\t".join(lines[n] for n in rows).split("\t")
    if len(cells) != 4 * len(rows):
        bad = next(n for n in rows if lines[n].count("\t") != 3)
        raise RulesError(
            f"{path}: line {bad + 1}: needs 4 tab-separated cells: {lines[bad][:60]!r}"
        )
    return cells[0::4], cells[1::4], cells[2::4], cells[3::4]


def name_key(location: str, generic: frozenset[str]) -> str | None:
    """The proper names of a location phrase, lower-cased ("the province of Hama" -> "hama"):
    its capitalised words that are not ``generic`` place words, without a final 's."""
    names = [
        t[:-2] if t.endswith(POSSESSIVE) else t
        for t in TOKEN_RE.findall(location)
        if t[0].isupper() and t.lower() not in generic
    ]
    return " ".join(names).lower() if names else None


class PlaceIndex:
    """Place keys and the containment relation learned from the gazetteer and the texts."""

    def __init__(self, rules: CompareRules, texts: Iterable[str] = ()) -> None:
        self.generic = frozenset(w.lower() for w in rules.places.generic)
        self.directions = frozenset(w.lower() for w in rules.places.directions)
        path = gazetteer_path(rules)
        self.known = (
            load_gazetteer(path, self.generic)
            if path is not None
            else Gazetteer({}, {}, frozenset(), {})
        )
        self.parent: dict[str, str] = {}  # the users' places, then the texts'
        for country, divisions in rules.gazetteer.items():
            for division in divisions:
                self._add(division, country, users=True)
        self.patterns = [
            (compiled, leads(compiled))
            for rule, compiled in rules.compiled_patterns()
            if rule.id.startswith("place.")
        ]
        # a pattern that opens with a class, not a literal ("{PLACE} in ... province") is tried
        # by the engine at every position: it is searched only where its literals are instead
        self.segment_searches = {
            compiled: search
            for compiled, words in self.patterns
            if words is None
            and pattern_literals(compiled.pattern, compiled.flags).lead is None
            and (search := SegmentSearch.from_pattern(compiled)) is not None
        }
        for text in texts:
            self.learn(text)

    def _add(self, child: str | None, parent: str | None, users: bool = False) -> None:
        """Put ``child`` inside ``parent`` unless it already has a parent (the users' table
        comes before the gazetteer file, which comes before the texts) or that makes a loop."""
        c, p = self.key(child), self.key(parent)
        if not c or not p or c == p or c in self.ancestors(p):
            return
        if users or c not in self.known.parent:
            self.parent.setdefault(c, p)

    def relations_in(self, text: str) -> list[tuple[str, str]]:
        """The (child, parent) place names that ``text`` states, as written."""
        found = []
        low = text.lower()
        literal = prefilterable(
            text, low
        )  # a literal's offsets in ``low`` are its offsets in ``text``
        for pattern, words in self.patterns:
            segments = self.segment_searches.get(pattern) if literal else None
            if segments is not None:
                hits = segments.finditer(text, low)
            elif words is None or not literal:
                hits = pattern.finditer(text)
            else:
                hits = matches_at(pattern, text, starts_of(text, low, words))
            for m in hits:
                groups = m.groupdict()
                parent = groups.get("parent") or groups.get("parent2")
                if groups.get("child") and parent:
                    found.append((groups["child"], parent))
        return found

    def add_relations(self, relations: Iterable[tuple[str, str]]) -> None:
        """Add (child, parent) relations found elsewhere (e.g. by a worker process)."""
        for child, parent in relations:
            self._add(child, parent)

    def learn(self, text: str) -> None:
        """Add the nesting relations that ``text`` states."""
        self.add_relations(self.relations_in(text))

    def key(self, location: str | None) -> str | None:
        """The comparable name of a location phrase: its proper names ("hama"), else its compass
        region marked with ``~`` ("the country's north" -> "~north"), else None."""
        if not location:
            return None
        name = name_key(location, self.generic)
        if name:
            return name
        tokens = TOKEN_RE.findall(location)
        regions = [t.lower() for t in tokens if t.lower() in self.directions]
        return "~" + regions[-1] if regions else None

    def is_country(self, key: str | None) -> bool:
        """True for a country's name (of the gazetteer file): a place that many unrelated events
        share, so no evidence on its own that two articles tell one story."""
        return bool(key) and key in self.known.countries

    @staticmethod
    def is_region(key: str | None) -> bool:
        """True for a compass region with no name ("~north"): somewhere inside the story's
        country."""
        return bool(key) and key.startswith("~")  # type: ignore[union-attr]

    def ancestors(self, key: str | None) -> list[str]:
        """The places that contain ``key``, nearest first."""
        out: list[str] = []
        country = None  # the country of the last place whose parent is a name of several
        while key is not None and len(out) < 20:
            country = self.known.country.get(key, country)
            key = self.parent.get(key) or self.known.parent.get(key)
            if key is None or key in out:
                break
            out.append(key)
        if country and country not in out and out and out[-1] not in self.known.countries:
            out.append(country)
        return out

    def relation(self, a: str | None, b: str | None) -> Relation:
        """How two place keys relate: equal, nested (one inside the other), disjoint or unknown."""
        if not a or not b:
            return "unknown"
        if a == b:
            return "equal"
        if self._contains(a, b) or self._contains(b, a):
            return "nested"
        return "disjoint"

    def _contains(self, outer: str, inner: str) -> bool:
        """Whether ``outer`` contains ``inner``: one of its ancestors, or (for a name of several
        countries) an ancestor of one of its readings."""
        if outer in self.ancestors(inner):
            return True
        readings = () if inner in self.parent else self.known.choices.get(inner, ())
        return any(outer == r or outer in self.ancestors(r) for r in readings)

    def country_of(self, key: str | None) -> str | None:
        """The country a place key lies in (itself, for a country), None when not known."""
        if not key:
            return None
        if self.is_country(key):
            return key
        return next((a for a in self.ancestors(key) if self.is_country(a)), None)

    def in_other_countries(self, a: str | None, b: str | None) -> bool:
        """Whether two places are known to lie in two different countries (then no figure of
        one counts the people of the other)."""
        country_a = self.country_of(a)
        return country_a is not None and country_a != (self.country_of(b) or country_a)

    def outer(self, a: str, b: str) -> tuple[str, str]:
        """(inner, outer) of two nested keys."""
        return (b, a) if self._contains(a, b) else (a, b)
