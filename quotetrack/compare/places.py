"""Places: a comparable key for a location as written, and which place lies inside which.

A location phrase ("the central province of Hama", "throughout Syria") is reduced to its name
("hama", "syria") by dropping the generic place words of ``rules/compare.toml``. Nesting comes
from two sources: the gazetteer (a country contains its first-level divisions) and the articles
themselves, read with the nesting patterns ("the village of Treemseh, northwest of Hama" puts
Treemseh in Hama's area).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

import regex

from quotetrack.compare.rules import CompareRules
from quotetrack.rulebook.keywords import pattern_literals, prefilterable

TOKEN_RE = regex.compile(r"[\p{L}][\p{L}'\u2019\-]*")
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


class PlaceIndex:
    """Place keys and the containment relation learned from the gazetteer and the texts."""

    def __init__(self, rules: CompareRules, texts: Iterable[str] = ()) -> None:
        self.generic = frozenset(w.lower() for w in rules.places.generic)
        self.directions = frozenset(w.lower() for w in rules.places.directions)
        self.parent: dict[str, str] = {}
        for country, divisions in rules.gazetteer.items():
            for division in divisions:
                self._add(division, country)
        self.patterns = [
            (compiled, leads(compiled))
            for rule, compiled in rules.compiled_patterns()
            if rule.id.startswith("place.")
        ]
        for text in texts:
            self.learn(text)

    def _add(self, child: str | None, parent: str | None) -> None:
        c, p = self.key(child), self.key(parent)
        if c and p and c != p and c not in self.ancestors(p):
            self.parent.setdefault(c, p)

    def relations_in(self, text: str) -> list[tuple[str, str]]:
        """The (child, parent) place names that ``text`` states, as written."""
        found = []
        low = text.lower()
        literal = prefilterable(
            text, low
        )  # a literal's offsets in ``low`` are its offsets in ``text``
        for pattern, words in self.patterns:
            hits = (
                pattern.finditer(text)
                if words is None or not literal
                else matches_at(pattern, text, starts_of(text, low, words))
            )
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
        tokens = TOKEN_RE.findall(location)
        names = [
            regex.sub(r"['\u2019]s$", "", t)
            for t in tokens
            if t[0].isupper() and t.lower() not in self.generic
        ]
        if names:
            return " ".join(names).lower()
        regions = [t.lower() for t in tokens if t.lower() in self.directions]
        return "~" + regions[-1] if regions else None

    @staticmethod
    def is_region(key: str | None) -> bool:
        """True for a compass region with no name ("~north"): somewhere inside the story's
        country."""
        return bool(key) and key.startswith("~")  # type: ignore[union-attr]

    def ancestors(self, key: str | None) -> list[str]:
        """The places that contain ``key``, nearest first."""
        out: list[str] = []
        while key in self.parent and len(out) < 20:
            key = self.parent[key]
            if key in out:
                break
            out.append(key)
        return out

    def relation(self, a: str | None, b: str | None) -> Relation:
        """How two place keys relate: equal, nested (one inside the other), disjoint or unknown."""
        if not a or not b:
            return "unknown"
        if a == b:
            return "equal"
        if a in self.ancestors(b) or b in self.ancestors(a):
            return "nested"
        return "disjoint"

    def outer(self, a: str, b: str) -> tuple[str, str]:
        """(inner, outer) of two nested keys."""
        return (b, a) if a in self.ancestors(b) else (a, b)
