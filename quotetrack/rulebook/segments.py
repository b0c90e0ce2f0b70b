"""A pattern searched only in the stretches of text where a match can lie.

Read from the pattern (``source.parse``): the characters a match can consume (its *alphabet*:
its literal characters, classes, properties and named lists) and the literals every match holds
(``keywords.pattern_literals``). A match never holds a character outside the alphabet, so it
lies inside one *segment* (a run of alphabet characters) and inside one that holds one of the
literals. ``SegmentSearch.finditer`` finds each literal in the lower-cased text, widens it to its
segment and lets the engine search only there: the matches ``pattern.finditer`` yields, without
trying a pattern that opens with a class (``\\p{Lu}...``) at every position of the text.

Patterns with look-arounds, anchors, inline flags, the any-character dot or negated sets give no
shortcut (``from_pattern`` returns None: the caller searches the whole text, never with a
different result). A word boundary needs one character of context on each side: the engine sees
the segment and the character after it.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from quotetrack.rulebook import source
from quotetrack.rulebook.keywords import pattern_literals

ZERO_WIDTH = frozenset("bB")  # escapes that consume nothing (one character of context)
CLASS_ESCAPES = frozenset("sSwWdDntrfv")  # escapes written into the alphabet as they are
GROUP_KINDS = ("", "?:", "?>")  # groups read through (and named ones, ``?P<n>``)
FLAGS = regex.IGNORECASE | regex.ASCII | regex.UNICODE  # flags the alphabet keeps


def alphabet_members(pattern: regex.Pattern[str]) -> str | None:
    """The members of a character set (text between brackets) that holds every character a
    match of ``pattern`` can consume; None when the pattern uses a construct not read here."""
    try:
        tree = source.parse(pattern.pattern)
    except source.Unsupported:
        return None
    members: list[str] = []
    lists = getattr(pattern, "named_lists", {}) or {}
    if not _collect(tree, members, lists):
        return None
    return "".join(dict.fromkeys(members))


def _literal(char: str) -> str:
    return f"\\U{ord(char):08x}"


def _collect(node: object, members: list[str], lists: dict[str, frozenset[str]]) -> bool:
    """Add the alphabet of ``node`` to ``members``; False for a construct not read here."""
    if isinstance(node, source.Alternation):
        return all(_collect(item, members, lists) for b in node.branches for item in b)
    if isinstance(node, source.Repeat):
        return _collect(node.item, members, lists)
    if isinstance(node, source.Group):
        named = node.kind.startswith("?P<") or (
            node.kind.startswith("?<") and node.kind[2:3] not in ("=", "!")
        )
        if node.body is None or not (node.kind in GROUP_KINDS or named):
            return False  # look-arounds, inline or scoped flags
        return _collect(node.body, members, lists)
    if isinstance(node, source.Char):
        if node.char in ".^$":
            return False  # any character, or an anchor
        members.append(_literal(node.char))
        return True
    if isinstance(node, source.Escape):
        if node.char in ZERO_WIDTH:
            return True
        if node.char in CLASS_ESCAPES:
            members.append("\\" + node.char)
            return True
        if node.char.isalnum():
            return False  # \A, \Z, \G and other escapes with a meaning of their own
        members.append(_literal(node.char))
        return True
    if isinstance(node, source.Opaque):
        members.append(node.text)
        return True
    if isinstance(node, source.CharClass):
        if node.members.startswith("^") or not node.members:
            return False
        members.append(node.members)
        return True
    if isinstance(node, source.NamedList):
        words = lists.get(node.name)
        if words is None:
            return False
        members.extend(_literal(c) for c in sorted({c for w in words for c in w}))
        return True
    return False  # a reference left unexpanded


class SegmentSearch:
    """``pattern.finditer`` confined to the segments that hold one of its literals."""

    def __init__(self, pattern: regex.Pattern[str], members: str, literals: tuple[str, ...]):
        self.pattern = pattern
        self.literals = literals  # lower case
        flags = pattern.flags & FLAGS
        self.breaker = regex.compile(f"[^{members}]", flags)
        self.breaker_before = regex.compile(f"(?r)[^{members}]", flags)

    @classmethod
    def from_pattern(cls, pattern: regex.Pattern[str]) -> SegmentSearch | None:
        """The search for ``pattern``; None when its alphabet or its literals are not known."""
        members = alphabet_members(pattern)
        if members is None:
            return None
        found = pattern_literals(pattern.pattern, pattern.flags)
        if found.blank or not found.inside:
            return None
        literals = tuple(sorted({w.lower() for w in found.inside}))
        try:
            return cls(pattern, members, literals)
        except regex.error:
            return None

    def finditer(self, text: str, low: str) -> Iterator[regex.Match[str]]:
        """What ``pattern.finditer(text)`` yields; ``low`` is ``text.lower()`` with the same
        offsets (``keywords.prefilterable``)."""
        hits = sorted({at for word in self.literals for at in _find_all(low, word)})
        searched = 0  # the text before this is searched
        for at in hits:
            if at < searched:
                continue  # inside the segment just searched
            before = self.breaker_before.search(text, searched, at)
            start = before.end() if before is not None else searched
            after = self.breaker.search(text, at)
            end = after.start() if after is not None else len(text)
            # the character after the segment is context (a word boundary), never consumed
            yield from self.pattern.finditer(text, start, min(end + 1, len(text)))
            searched = max(end, at + 1)


def _find_all(low: str, word: str) -> Iterator[int]:
    at = low.find(word)
    while at >= 0:
        yield at
        at = low.find(word, at + 1)
