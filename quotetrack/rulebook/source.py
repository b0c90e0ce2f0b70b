"""The one reader of regex source: a pattern's text as a small tree.

Speed shortcuts are derived from the rules by reading their patterns: what every match must
hold (``keywords.pattern_literals``) and the finite set of strings a lexicon pattern matches
(``finite_strings``, for the pre-filters of ``scan``). Both read the tree ``parse`` builds, so
there is one reader of the syntax, and no private module of the standard library is used.

The reader knows the constructs the rules use: literal characters, escapes, classes (kept as
text), groups (capturing, ``(?:``, named, look-arounds, atomic, scoped and inline flags),
alternation, quantifiers (greedy, lazy ``?``, possessive ``+``), ``{NAME}`` references of a
template and ``\\L<name>`` named lists. Anything else raises ``Unsupported``: the caller then
derives no shortcut from the pattern (a slower run, never a different result).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

GROUP_PREFIX = regex.compile(r"\?(?::|P<\w+>|<\w+>|=|!|<=|<!|>|[a-zA-Z\-]+:|[a-zA-Z\-]+\))")
QUANTIFIER = regex.compile(r"\{(\d*)(?:,(\d*))?\}")
HEX_ESCAPE = regex.compile(
    r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x\{[0-9A-Fa-f]+\})"
)
REFERENCE = regex.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
NAMED_LIST = regex.compile(r"\\L<(\w+)>")
BLANK = "\x00"  # the atom standing for a run of whitespace (\s+) in ``finite_strings``
MAX_STRINGS = 20000  # ``finite_strings`` gives up on a pattern matching more strings than this


class Unsupported(Exception):
    """A construct the reader does not read (no shortcut is derived from the pattern)."""


@dataclass(frozen=True, slots=True)
class Char:
    """One character written as itself (``a``, a space, ``.``, ``^``)."""

    char: str


@dataclass(frozen=True, slots=True)
class Escape:
    """A backslash and one character (``\\s``, ``\\b``, ``\\.``)."""

    char: str


@dataclass(frozen=True, slots=True)
class Opaque:
    """An escape that stands for a class or one character not written as itself (``\\p{L}``,
    ``\\x41``)."""

    text: str


@dataclass(frozen=True, slots=True)
class CharClass:
    """A ``[...]`` set; ``members`` is its text between the brackets."""

    members: str


@dataclass(frozen=True, slots=True)
class Reference:
    """``{NAME}`` in a template: a part or lexicon of the rules file."""

    name: str


@dataclass(frozen=True, slots=True)
class NamedList:
    """``\\L<name>``: a ``regex`` named list."""

    name: str


@dataclass(frozen=True, slots=True)
class Group:
    """A group; ``kind`` is its prefix ("" capturing, ``?:``, ``?=``, ``?i:``, ``?P<n>`` ...);
    ``body`` is None for inline flags (``(?i)``)."""

    kind: str
    body: Alternation | None


@dataclass(frozen=True, slots=True)
class Repeat:
    """An item and its quantifier: at least ``low``, at most ``high`` (None: no limit) times;
    ``mode`` is "" (greedy), "?" (lazy) or "+" (possessive); ``text`` is the quantifier."""

    item: Node
    low: int
    high: int | None
    mode: str
    text: str


@dataclass(frozen=True, slots=True)
class Alternation:
    """Branches, each a sequence of nodes."""

    branches: tuple[tuple[Node, ...], ...]


Node = Char | Escape | Opaque | CharClass | Reference | NamedList | Group | Repeat


def parse(source: str) -> Alternation:
    """The tree of ``source``; raises ``Unsupported`` for a construct the reader does not know."""
    reader = _Reader(source)
    try:
        tree = reader.alternation()
    except IndexError:
        raise Unsupported("the pattern ends inside a construct") from None
    if reader.i != len(source):
        raise Unsupported("an unbalanced ')'")
    return tree


class _Reader:
    """Recursive descent over the source, one construct at a time."""

    def __init__(self, source: str) -> None:
        self.p = source
        self.i = 0

    def alternation(self) -> Alternation:
        branches = [self.sequence()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            branches.append(self.sequence())
        return Alternation(tuple(branches))

    def sequence(self) -> tuple[Node, ...]:
        items: list[Node] = []
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            item = self.atom()
            items.append(self.quantified(item))
        return tuple(items)

    def quantified(self, item: Node) -> Node:
        p, i = self.p, self.i
        if i >= len(p):
            return item
        if p[i] in "*+?":
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[p[i]]
            self.i += 1
        elif p[i] == "{":
            m = QUANTIFIER.match(p, i)
            if m is None:
                return item
            low = int(m.group(1) or 0)
            high = low if m.group(2) is None else (int(m.group(2)) if m.group(2) else None)
            self.i = m.end()
        else:
            return item
        mode = ""
        if self.i < len(p) and p[self.i] in "?+":
            mode = p[self.i]
            self.i += 1
        return Repeat(item, low, high, mode, p[i : self.i])

    def atom(self) -> Node:
        p = self.p
        ch = p[self.i]
        if ch == "(":
            return self.group()
        if ch == "[":
            return self.char_class()
        if ch == "\\":
            return self.escape()
        if ch == "{":
            m = REFERENCE.match(p, self.i)
            if m is None:
                raise Unsupported("a brace that is no reference (a fuzzy constraint?)")
            self.i = m.end()
            return Reference(m.group(1))
        self.i += 1
        return Char(ch)

    def group(self) -> Group:
        p = self.p
        self.i += 1
        kind = ""
        if p.startswith("?", self.i):
            m = GROUP_PREFIX.match(p, self.i)
            if m is None:
                raise Unsupported(p[self.i : self.i + 4])
            self.i = m.end()
            kind = m.group()
            if kind.endswith(")"):  # inline flags "(?i)", "(?r)": no text of their own
                return Group(kind, None)
        body = self.alternation()
        if self.i >= len(p) or p[self.i] != ")":
            raise Unsupported("unbalanced")
        self.i += 1
        return Group(kind, body)

    def char_class(self) -> CharClass:
        p, start = self.p, self.i + 1
        i = start
        if i < len(p) and p[i] == "^":
            i += 1
        if i < len(p) and p[i] == "]":
            i += 1
        while i < len(p) and p[i] != "]":
            if p[i] == "\\":
                i += 2
            elif p[i] == "[":
                raise Unsupported("nested set")
            else:
                i += 1
        if i >= len(p):
            raise Unsupported("unclosed set")
        self.i = i + 1
        return CharClass(p[start:i])

    def escape(self) -> Node:
        p = self.p
        nxt = p[self.i + 1] if self.i + 1 < len(p) else ""
        if nxt == "L":
            m = NAMED_LIST.match(p, self.i)
            if m is None:
                raise Unsupported("named list")
            self.i = m.end()
            return NamedList(m.group(1))
        if nxt in "pPN":
            end = p.find("}", self.i)
            if end < 0:
                raise Unsupported("property")
            text, self.i = p[self.i : end + 1], end + 1
            return Opaque(text)
        if nxt in "xuU":
            m = HEX_ESCAPE.match(p, self.i)
            if m is None:
                raise Unsupported("hex escape")
            self.i = m.end()
            return Opaque(m.group())
        if nxt.isdigit() or not nxt:
            raise Unsupported("back reference, octal or a final backslash")
        self.i += 2
        return Escape(nxt)


# -- the strings of a finite pattern ------------------------------------------------------------
def finite_strings(source: str) -> set[tuple[str, ...]] | None:
    """Every string ``source`` matches, as tuples of characters in which ``BLANK`` stands for a
    run of whitespace, when the pattern is a finite set of literal strings and ``\\s+`` runs
    (literals, escaped punctuation, classes of literal characters, plain groups, alternation,
    optional items); None for any other pattern or more than ``MAX_STRINGS`` strings."""
    try:
        return _alternation_strings(parse(source))
    except Unsupported:
        return None


def _alternation_strings(tree: Alternation) -> set[tuple[str, ...]] | None:
    out: set[tuple[str, ...]] = set()
    for branch in tree.branches:
        found = _sequence_strings(branch)
        if found is None:
            return None
        out |= found
    return out


def _sequence_strings(items: tuple[Node, ...]) -> set[tuple[str, ...]] | None:
    out: set[tuple[str, ...]] = {()}
    for item in items:
        options = _item_strings(item)
        if options is None:
            return None
        out = {a + b for a in out for b in options}
        if len(out) > MAX_STRINGS:
            return None
    return out


def _item_strings(item: Node) -> set[tuple[str, ...]] | None:
    if isinstance(item, Char):
        return None if item.char in ".^$*+?{}" else {(item.char,)}
    if isinstance(item, Escape):
        return None if item.char.isalnum() else {(item.char,)}
    if isinstance(item, CharClass):
        members = item.members
        if not members or members[0] == "^" or "\\" in members or "[" in members:
            return None
        if "-" in members[1:-1]:
            return None  # a range
        return {(c,) for c in members}
    if isinstance(item, Group):
        if item.body is None or item.kind not in ("", "?:"):
            return None
        return _alternation_strings(item.body)
    if isinstance(item, Repeat):
        if item.mode:
            return None
        if item.low == 1 and item.high is None and _is_blank_class(item.item):
            return {(BLANK,)}
        if item.low == 0 and item.high == 1:
            inner = _item_strings(item.item)
            return None if inner is None else inner | {()}
        return None
    return None


def _is_blank_class(item: Node) -> bool:
    """``\\s``, possibly inside groups ``(?:...)`` of one item."""
    while isinstance(item, Group) and item.kind == "?:" and item.body is not None:
        branches = item.body.branches
        if len(branches) != 1 or len(branches[0]) != 1:
            return False
        item = branches[0][0]
    return item == Escape("s")


# -- back to source -----------------------------------------------------------------------------
def to_source(node: Node | Alternation | tuple[Node, ...]) -> str:
    """The regex source of a tree, a node or a sequence of nodes (``parse``'s inverse:
    ``to_source(parse(s)) == s`` for every pattern ``parse`` reads)."""
    if isinstance(node, tuple):
        return "".join(map(to_source, node))
    if isinstance(node, Alternation):
        return "|".join(map(to_source, node.branches))
    if isinstance(node, Char):
        return node.char
    if isinstance(node, Escape):
        return "\\" + node.char
    if isinstance(node, Opaque):
        return node.text
    if isinstance(node, CharClass):
        return f"[{node.members}]"
    if isinstance(node, Reference):
        return "{" + node.name + "}"
    if isinstance(node, NamedList):
        return f"\\L<{node.name}>"
    if isinstance(node, Group):
        # inline flags ("(?i)") keep their closing parenthesis in ``kind``
        return "(" + node.kind if node.body is None else f"({node.kind}{to_source(node.body)})"
    return to_source(node.item) + node.text
