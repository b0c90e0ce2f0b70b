"""The shape of the nominal rules, read from the loaded rules: what attribution's two nominal
shortcuts may assume (never a copy of the rules' text).

Attribution tries ``subject-nominal`` only where a test on words allows it, and matches
``subject-cue`` without ``NOMINAL``'s trailing phrase where the window cannot hold one
(``quotetrack.extract.attribution``). Both tests are sound only for a ``NOMINAL`` of this shape,
read off the pattern tree (``source.parse``):

* a sequence ``[look-arounds] WORDS... {HEAD} [look-arounds] [TAIL]`` in which each item of
  ``WORDS`` is an optional, bounded repeat of one word and a run of blanks
  (``(?:{DET}[ \\t]+)?``, ``(?:{MOD}[ \\t]+){0,3}``); the head then starts at one of the first
  ``max_words`` words;
* no word before the head can hold a blank; ``breaks`` are the punctuation characters none can
  hold (tested on every character class, escape and literal the words are made of);
* ``stops`` are the words a word after the first cannot be (the entries of the words' negative
  look-aheads that no such word matches, e.g. ``MOD``'s "said", "the");
* ``TAIL`` is an optional group that opens with blanks, a list of literal words and blanks
  (``(?:[ \\t]+(?:for|of|...)[ \\t]+...)?``): ``tail_start`` finds where one could begin, and
  ``untailed`` is ``NOMINAL`` without it;
* ``subject-nominal`` is ``[\\G] [LEAD]* (?P<nominal>{NOMINAL}) [look-arounds]``; ``lead`` holds
  the characters of ``LEAD``.

A rules edit that breaks the shape raises ``ShapeOff`` with the reason; the shortcut is then off
(slower, same results) and ``quotetrack rules check`` prints the reason (``shortcuts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import regex

from quotetrack.errors import RulesError
from quotetrack.rulebook.source import (
    Alternation,
    Char,
    CharClass,
    Escape,
    Group,
    NamedList,
    Node,
    Opaque,
    Reference,
    Repeat,
    Unsupported,
    finite_strings,
    parse,
    to_source,
)

#: punctuation the word test looks for; which of them are breaks is read from the rules
BREAK_CANDIDATES = ',;:()"“”!?'
#: characters a word may not hold for the shape (the test splits the text on whitespace)
BLANK_CHARS = " \t\n\r\u00a0"
LOOKAROUNDS = ("?=", "?!", "?<=", "?<!")
ZERO_WIDTH_ESCAPES = frozenset("bBAZGz")
LEAD_CANDIDATES = "".join(map(chr, range(0x3001)))  # the characters tested against LEAD


class ShapeOff(Exception):
    """The rules no longer have the shape a shortcut relies on (the message says why)."""


class ExpandingRules(Protocol):
    """What the shape reader needs of a rules file."""

    parts: dict[str, str]

    def expand(self, template: str, _stack: tuple[str, ...] = ()) -> str: ...


@dataclass(frozen=True, slots=True)
class WordShape:
    """What the word test before ``subject-nominal`` may assume (see the module docstring)."""

    lead: str  # characters subject-nominal skips before the nominal
    max_words: int  # the head starts at one of the first max_words words
    breaks: frozenset[str]  # characters no word before the head holds
    stops: frozenset[str]  # words no word before the head but the first can be


@dataclass(frozen=True, slots=True)
class Tail:
    """NOMINAL's optional trailing phrase: where one could begin, and NOMINAL without it."""

    start: re.Pattern[str]  # what the text holds where a trailing phrase begins
    untailed: str  # NOMINAL's source without the trailing phrase


def read_word_shape(rules: ExpandingRules, subject_nominal: str) -> WordShape:
    """The shape of the words before ``{HEAD}`` in part ``NOMINAL`` and of the
    ``subject-nominal`` pattern ``subject_nominal``; raises ``ShapeOff`` when they lack it."""
    items = _nominal_items(rules)
    heads = [i for i, item in enumerate(items) if item == Reference("HEAD")]
    if len(heads) != 1:
        raise ShapeOff("NOMINAL does not hold {HEAD} once at its top level")
    words = [_word(item, rules) for item in items[: heads[0]] if not _zero_width(item)]
    return WordShape(
        lead=_lead(subject_nominal),
        max_words=1 + sum(high for _, high, _ in words),
        breaks=frozenset(
            c for c in BREAK_CANDIDATES if not any(_may_hold(tree, c) for _, _, tree in words)
        ),
        stops=_stops(words, rules),
    )


def read_tail(rules: ExpandingRules) -> Tail:
    """Part ``NOMINAL``'s last item as an optional trailing phrase that opens with blanks,
    literal words and blanks; raises ``ShapeOff`` when it is not one."""
    items = _nominal_items(rules)
    last = items[-1] if items else None
    start = _tail_start(last, rules) if last is not None and _optional(last) else None
    if start is None:
        raise ShapeOff(
            "NOMINAL does not end in an optional group that opens with blanks, literal words "
            "and blanks"
        )
    return Tail(start, to_source(items[:-1]))


def _nominal_items(rules: ExpandingRules) -> tuple[Node, ...]:
    source = rules.parts.get("NOMINAL")
    if source is None:
        raise ShapeOff("there is no part NOMINAL")
    return _sequence(source, "NOMINAL")


def _sequence(source: str, what: str) -> tuple[Node, ...]:
    """The items of a one-branch pattern."""
    try:
        tree = parse(source)
    except Unsupported as exc:
        raise ShapeOff(f"{what} holds a construct the reader does not read ({exc})") from None
    if len(tree.branches) != 1:
        raise ShapeOff(f"{what} is an alternation at its top level")
    return tree.branches[0]


def _zero_width(item: Node) -> bool:
    return (isinstance(item, Group) and item.kind in LOOKAROUNDS) or (
        isinstance(item, Escape) and item.char in ZERO_WIDTH_ESCAPES
    )


def _optional(item: Node) -> bool:
    return isinstance(item, Repeat) and item.low == 0 and item.high == 1 and not item.mode


def _blank_run(item: Node) -> bool:
    """``[ \\t]+`` or ``\\s+``: one or more characters, all of them blanks."""
    if not (isinstance(item, Repeat) and item.low >= 1 and item.high is None):
        return False
    inner = item.item
    if inner == Escape("s"):
        return True
    return isinstance(inner, CharClass) and all(
        regex.fullmatch(f"[{inner.members}]", c) is None or c.isspace()
        for c in BLANK_CHARS + "abc,.;"
    )


def _word(item: Node, rules: ExpandingRules) -> tuple[str, int, Alternation]:
    """(source, most repeats, expanded tree) of one ``WORDS`` item ``(?:W[ \\t]+){0,n}``."""
    body = item.item if isinstance(item, Repeat) else None
    if not (
        isinstance(item, Repeat)
        and item.low == 0
        and item.high is not None
        and isinstance(body, Group)
        and body.kind in ("?:", "")
        and body.body is not None
        and len(body.body.branches) == 1
        and len(body.body.branches[0]) >= 2
        and _blank_run(body.body.branches[0][-1])
    ):
        raise ShapeOff(
            f"'{to_source(item)}' before {{HEAD}} in NOMINAL is not an optional, bounded repeat "
            "of a word and blanks"
        )
    word = to_source(body.body.branches[0][:-1])
    try:
        tree = parse(rules.expand(word))
    except Unsupported as exc:
        raise ShapeOff(
            f"'{word}' in NOMINAL holds a construct the reader does not read ({exc})"
        ) from None
    if any(_may_hold(tree, c) for c in BLANK_CHARS):
        raise ShapeOff(f"a word '{word}' before {{HEAD}} in NOMINAL can hold a blank")
    return word, item.high, tree


def _leaves(node: Node | Alternation) -> list[Node]:
    """The items of a tree that consume a character (look-arounds and anchors left out)."""
    if isinstance(node, Alternation):
        return [leaf for branch in node.branches for item in branch for leaf in _leaves(item)]
    if isinstance(node, Group):
        if node.body is None or node.kind in LOOKAROUNDS:
            return []
        return _leaves(node.body)
    if isinstance(node, Repeat):
        return _leaves(node.item)
    if isinstance(node, NamedList | Reference):
        raise ShapeOff(f"{to_source(node)} cannot be read after expansion")
    if isinstance(node, Escape) and node.char in ZERO_WIDTH_ESCAPES:
        return []
    if isinstance(node, Char) and node.char in "^$":
        return []
    return [node]


def _may_hold(tree: Alternation, char: str) -> bool:
    """Whether a match of ``tree`` may hold ``char`` (some character it consumes may be it)."""
    for leaf in _leaves(tree):
        if isinstance(leaf, Char):
            if leaf.char == char or (leaf.char == "." and char != "\n"):
                return True
        elif isinstance(leaf, Escape | Opaque | CharClass):
            if regex.fullmatch(to_source(leaf), char, regex.IGNORECASE) is not None:
                return True
    return False


def _stops(words: list[tuple[str, int, Alternation]], rules: ExpandingRules) -> frozenset[str]:
    """The entries of the words' leading negative look-aheads that no word after the first can
    be (the first item's words may stand only first when it is at most one word)."""
    later = words[1:] if words and words[0][1] == 1 else words
    candidates: set[str] = set()
    for _, _, tree in later:
        for opening in map(_opening, tree.branches):
            if isinstance(opening, Group) and opening.kind == "?!" and opening.body is not None:
                first = opening.body.branches[0][0] if opening.body.branches[0] else None
                if isinstance(first, Group) and first.body is not None:
                    found = finite_strings(to_source(first.body)) or set()
                    candidates |= {"".join(s).lower() for s in found}
    compiled = [regex.compile(rules.expand(word)) for word, _, _ in later]
    return frozenset(w for w in candidates if not any(p.fullmatch(w) for p in compiled))


def _opening(branch: tuple[Node, ...]) -> Node | None:
    """The first item of a branch, looked for inside plain groups of one branch."""
    item = branch[0] if branch else None
    while isinstance(item, Group) and item.kind == "?:" and item.body is not None:
        if len(item.body.branches) != 1 or not item.body.branches[0]:
            break
        item = item.body.branches[0][0]
    return item


def _tail_start(tail: Node, rules: ExpandingRules) -> re.Pattern[str] | None:
    """A pattern for where the optional trailing group ``tail`` can begin: its opening blanks,
    literal words and blanks (None when it does not open so: no shortcut)."""
    body = tail.item if isinstance(tail, Repeat) else None
    if not (isinstance(body, Group) and body.body is not None and len(body.body.branches) == 1):
        return None
    items = body.body.branches[0]
    if len(items) < 3 or not (_blank_run(items[0]) and _blank_run(items[2])):
        return None
    try:
        strings = finite_strings(rules.expand(to_source(items[1])))
    except RulesError:  # a reference the rules cannot expand: no shortcut
        return None
    if not strings or any(not s or "\x00" in s for s in strings):
        return None
    first, last = items[0], items[2]
    assert isinstance(first, Repeat) and isinstance(last, Repeat)
    words = "|".join(sorted((re.escape("".join(s)) for s in strings), key=len, reverse=True))
    try:
        return re.compile(f"{to_source(first.item)}(?:{words}){to_source(last.item)}")
    except re.error:
        return None


def _lead(subject_nominal: str) -> str:
    """The characters ``subject-nominal`` may skip before ``{NOMINAL}``."""
    items = [i for i in _sequence(subject_nominal, "subject-nominal") if not _zero_width(i)]
    if items and isinstance(items[0], Repeat) and items[0].low == 0 and items[0].high is None:
        lead_item: Node | None = items[0].item
        items = items[1:]
    else:
        lead_item = None
    if not (
        len(items) == 1
        and isinstance(items[0], Group)
        and items[0].kind not in LOOKAROUNDS
        and items[0].body is not None
        and items[0].body.branches == ((Reference("NOMINAL"),),)
    ):
        raise ShapeOff("subject-nominal is not [LEAD]* (?P<nominal>{NOMINAL}) and look-arounds")
    if lead_item is None:
        return ""
    try:
        lead = regex.compile(to_source(lead_item))
    except regex.error:
        raise ShapeOff("subject-nominal's lead is not one character class") from None
    return "".join(c for c in LEAD_CANDIDATES if lead.fullmatch(c))
