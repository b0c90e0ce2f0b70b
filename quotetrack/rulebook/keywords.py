"""Finding many literal words in a text at once (an Aho-Corasick automaton, pyahocorasick).

A regex alternation of a few hundred words is slow in both ``re`` and ``regex`` (they try every
branch at every position: about 5 MB/s here); an Aho-Corasick automaton reads the text once at C
speed whatever the number of words (about 70 MB/s here). ``KeywordScanner`` finds whole-word,
case-insensitive occurrences with their offsets into the original text.

Speed (``NamedListRuleFile``): a lexicon's one-word entries become a ``regex`` named list
(``\\L<name>``, a hash-set lookup) instead of an alternation of hundreds of branches; entries of
several words stay an alternation in front of it. The matches are the same: the alternation is
longest entry first, and so is a named list (it tries its longest member first and backtracks to
shorter ones); a several-word entry that matches where a one-word entry does is always the longer
one. The patterns get 2-3x shorter (smaller cache files below); on the eval texts the matching
speed is the same as with the alternations, within measurement noise.

Compiling goes through the disk cache of ``quotetrack.rulebook.regex_cache``
(``compile_with_lists``).

Literal pre-filters (``pattern_literals``, ``LiteralIndex``): a pattern (or a template whose
``{NAME}`` references a resolver reads) is read once for what every match must hold: a literal it
contains, the literals it starts and ends with (blanks aside). A caller may skip a regex call
where they are missing: a necessary condition, so the matches are the same.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ahocorasick
import regex

from quotetrack.rulebook import source
from quotetrack.rulebook.regex_cache import compile_cached
from quotetrack.rulebook.ruleset import RuleFile, lexicon_alternation


class KeywordScanner:
    """Whole-word, case-insensitive occurrences of a fixed set of words (or multi-word phrases)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted({" ".join(w.lower().split()) for w in words if w.strip()})
        self.automaton = ahocorasick.Automaton()
        for word in self.words:
            self.automaton.add_word(word, len(word))
        if self.words:
            self.automaton.make_automaton()
        alternation = "|".join(
            regex.escape(w).replace(r"\ ", " ") for w in sorted(self.words, key=len, reverse=True)
        )
        self.fallback = (
            regex.compile(r"(?i)(?<![\p{L}\p{N}])(?:" + alternation + r")(?![\p{L}\p{N}])")
            if self.words
            else None
        )

    def find(self, text: str, low: str | None = None) -> list[tuple[int, int]]:
        """(start, end) of every whole-word occurrence, in text order (``low``: ``text.lower()``,
        when the caller has it)."""
        if not self.words:
            return []
        low = text.lower() if low is None else low
        if len(low) != len(text):  # a character whose lower case is longer: offsets would shift
            return [(m.start(), m.end()) for m in self.fallback.finditer(text)]  # type: ignore[union-attr]
        out = []
        size = len(low)
        for end, length in self.automaton.iter(low):
            start = end - length + 1
            if (start == 0 or not low[start - 1].isalnum()) and (
                end + 1 == size or not low[end + 1].isalnum()
            ):
                out.append((start, end + 1))
        out.sort()
        return out


NAMED_LIST = source.NAMED_LIST
#: named list name -> its words (names are content hashes, so files never clash)
_NAMED_LISTS: dict[str, frozenset[str]] = {}
_LEXICON_PATTERNS: dict[
    frozenset[str], str
] = {}  # entries -> their pattern (expansion repeats lexicons)


def lexicon_pattern(entries: Iterable[str]) -> str:
    """The regex for a lexicon: like ``rules.lexicon_alternation``, with its one-word entries as one
    named list (see the module docstring; same matches)."""
    unique = frozenset(entries)
    known = _LEXICON_PATTERNS.get(unique)
    if known is None:
        known = _LEXICON_PATTERNS[unique] = _lexicon_pattern(unique)
    return known


def _lexicon_pattern(unique: frozenset[str]) -> str:
    words = sorted(e for e in unique if e.strip() and len(e.split()) == 1)
    if not words or any(w != w.strip() for w in words):
        return lexicon_alternation(
            unique
        )  # padded entries sort by their padded length: keep the alternation
    name = "L" + hashlib.sha1("\x00".join(words).encode("utf-8")).hexdigest()[:16]
    _NAMED_LISTS.setdefault(name, frozenset(words))
    phrases = lexicon_alternation(e for e in unique if len(e.split()) > 1)
    return (phrases + "|" if phrases else "") + r"\L<" + name + ">"


def compile_with_lists(pattern: str, flags: int) -> regex.Pattern[str]:
    """Compile an expanded pattern, passing the named lists it refers to (through the cache of
    compiled patterns, see the module docstring)."""
    lists = {
        name: _NAMED_LISTS[name]
        for name in set(NAMED_LIST.findall(pattern))
        if name in _NAMED_LISTS
    }
    return compile_cached(pattern, flags, lists)


class NamedListRuleFile(RuleFile):
    """A rules file whose lexicons are expanded as named lists (``lexicon_pattern``)."""

    def lexicon_regex(self, entries: Iterable[str]) -> str:
        """A lexicon as ``lexicon_pattern`` (one-word entries as a named list)."""
        return lexicon_pattern(entries)

    def compile_expanded(self, pattern: str, flags: int) -> regex.Pattern[str]:
        """Compile an expanded pattern with the named lists it refers to."""
        return compile_with_lists(pattern, flags)


# -- literal pre-filters ------------------------------------------------------------------------
#: Non-ASCII characters that a case-insensitive ``regex`` pattern matches to an ASCII letter
#: while ``str.lower`` does not map them to it ('İ' and 'ſ'; the Kelvin sign lower-cases to "k").
#: A text holding one is never pre-filtered (a test derives this set from ``regex`` itself).
CASE_FOLD_EXTRAS = "\u0130\u017f"
MAX_LITERALS = 400  # a larger set of alternatives is not kept
_ZERO_WIDTH_ESCAPES = frozenset("bBAZzGKmM")
_BLANK_ESCAPES = frozenset(
    " \t\n\r\f\vsntrfv"
)  # escapes that match blanks only (\s, \n, an escaped space)
_KNOWN_FLAGS = frozenset("imsrawu-")  # inline flags under which letters match as lower() says
_ASCII_LETTERS = regex.compile(r"[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class Literals:
    """What every match of a pattern holds, as lower-case ASCII strings (None: nothing known).

    ``inside``: one of them occurs in the match (runs of letters); ``lead``/``trail``: the match,
    once its leading/trailing blanks (``str.isspace``) are removed, starts/ends with one of them,
    unless it is blank; ``blank``: the match may be empty or all blanks (then ``lead`` and
    ``trail`` say nothing about it)."""

    inside: frozenset[str] | None
    lead: frozenset[str] | None
    trail: frozenset[str] | None
    blank: bool


UNKNOWN = Literals(None, None, None, True)  # a class, a dot, a non-ASCII character ...
EMPTY = Literals(
    None, frozenset(), frozenset(), True
)  # an assertion, or blanks only (\s, \b, (?=...))


def _union(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    if any(s is None for s in sets):
        return None
    union = frozenset().union(*sets)  # type: ignore[arg-type]
    return union if len(union) <= MAX_LITERALS else None


def _either(branches: list[Literals]) -> Literals:
    """The literals of an alternation (what every branch holds)."""
    return Literals(
        _union([b.inside for b in branches]),
        _union([b.lead for b in branches]),
        _union([b.trail for b in branches]),
        any(b.blank for b in branches),
    )


def _edge(items: list[Literals], side: str) -> frozenset[str] | None:
    """The lead (or trail) of a sequence: the items' own up to the first one that cannot be
    blank."""
    found: list[frozenset[str] | None] = []
    for item in items:
        edge = getattr(item, side)
        found.append(edge)
        if edge is None or not item.blank:
            break
    return _union(found)


def _sequence(items: list[Literals]) -> Literals:
    """The literals of a sequence: the best ``inside`` of its items, the lead of its first ones."""
    insides = [i.inside for i in items if i.inside is not None]
    return Literals(
        min(insides, key=_selectivity) if insides else None,
        _edge(items, "lead"),
        _edge(items[::-1], "trail"),
        all(i.blank for i in items),
    )


def _run(chars: str) -> Literals:
    """A run of literal (ASCII, non-blank) characters."""
    letters = _ASCII_LETTERS.findall(chars)
    best = max(letters, key=len).lower() if letters else ""
    low = chars.lower()
    return Literals(
        frozenset({best}) if len(best) >= 2 else None, frozenset({low}), frozenset({low}), False
    )


def lexicon_literals(entries: Iterable[str]) -> Literals:
    """The literals of a lexicon (its entries are literal text; blanks in them match any blanks)."""
    inside: set[str] = set()
    lead: set[str] = set()
    trail: set[str] = set()
    letterless = False  # an entry without a letter: the lexicon has no inside literal
    for entry in entries:
        words = entry.lower().split()
        if not words:
            continue
        if not entry.isascii():
            return UNKNOWN
        letters = _ASCII_LETTERS.findall(entry)
        if letters:
            inside.add(max(letters, key=len).lower())
        else:
            letterless = True
        lead.add(words[0])
        trail.add(words[-1])
    if not lead:
        return UNKNOWN
    return Literals(None if letterless else _capped(inside), _capped(lead), _capped(trail), False)


def _capped(literals: set[str]) -> frozenset[str] | None:
    return frozenset(literals) if len(literals) <= MAX_LITERALS else None


class _LiteralReader:
    """Reads the literals of a parsed pattern (``source.parse``; ``{NAME}`` references through
    ``resolve``)."""

    def __init__(self, resolve: Callable[[str], Literals | None]) -> None:
        self.resolve = resolve

    def alternation(self, tree: source.Alternation) -> Literals:
        return _either([self.sequence(branch) for branch in tree.branches])

    def sequence(self, nodes: tuple[source.Node, ...]) -> Literals:
        items: list[Literals] = []
        run: list[str] = []
        for node in nodes:
            low = node.low if isinstance(node, source.Repeat) else None
            info, char = self.atom(node.item if isinstance(node, source.Repeat) else node)
            if char is not None and low is None:
                run.append(char)
                continue
            if run:
                items.append(_run("".join(run)))
                run = []
            if char is not None:
                info = _run(char)
            if low is not None:
                info = Literals(
                    info.inside if low else None, info.lead, info.trail, info.blank or low == 0
                )
            items.append(info)
        if run:
            items.append(_run("".join(run)))
        return _sequence(items) if items else EMPTY

    def atom(self, node: source.Node) -> tuple[Literals, str | None]:
        """(literals, char): ``char`` is a literal ASCII non-blank character, else None."""
        if isinstance(node, source.Group):
            return self.group(node), None
        if isinstance(node, source.Escape):
            return self.escape(node.char)
        if isinstance(node, source.NamedList):
            if node.name not in _NAMED_LISTS:
                raise source.Unsupported("named list")
            return lexicon_literals(_NAMED_LISTS[node.name]), None
        if isinstance(node, source.Reference):
            found = self.resolve(node.name)
            if found is None:
                raise source.Unsupported("a reference the resolver does not read")
            return found, None
        if isinstance(node, source.Char):
            ch = node.char
            if ch in "^$" or ch.isspace():
                return EMPTY, None
            if ch in "}." or not ch.isascii():
                return UNKNOWN, None
            return UNKNOWN, ch
        if isinstance(node, source.Repeat):  # a quantifier on a quantified item
            return self.atom(node.item)[0], None
        return UNKNOWN, None  # a class, \p{...}, \x41

    def group(self, node: source.Group) -> Literals:
        kind = node.kind
        if (
            kind
            and kind[-1] in ":)"
            and kind[1] not in "P<=!>:"
            and not _KNOWN_FLAGS.issuperset(kind[1:-1])
        ):
            raise source.Unsupported("flags " + kind)  # verbose, full case folding, fuzzy, V1 ...
        if node.body is None:  # inline flags "(?i)", "(?r)": no text of their own
            return EMPTY
        inner = self.alternation(node.body)
        return EMPTY if kind in ("?=", "?!", "?<=", "?<!") else inner

    def escape(self, nxt: str) -> tuple[Literals, str | None]:
        if nxt in _BLANK_ESCAPES or nxt in _ZERO_WIDTH_ESCAPES:
            return EMPTY, None
        if nxt.isalpha() or not nxt.isascii():
            return UNKNOWN, None  # \d, \w, \S, \X ...
        return UNKNOWN, nxt  # an escaped punctuation character: itself


def _selectivity(literals: frozenset[str]) -> tuple[int, int, int]:
    """Sort key of a literal set, the likeliest to rule a text out first: no short literal, few
    literals, long ones."""
    shortest = min((len(w) for w in literals), default=0)
    return (shortest < 3, len(literals), -shortest)


def _smallest_cover(literals: frozenset[str] | None) -> frozenset[str] | None:
    """Drop the literals that hold another one ("arrests" holds "arrest"): the same texts pass."""
    if literals is None:
        return None
    kept: list[str] = []
    for word in sorted(literals, key=len):
        if not any(k in word for k in kept):
            kept.append(word)
    return frozenset(kept)


def pattern_literals(
    pattern: str, flags: int = 0, resolve: Callable[[str], Literals | None] | None = None
) -> Literals:
    """What every match of ``pattern`` holds (see ``Literals``), read from the pattern: runs of
    literal characters, lexicons (``\\L<...>`` named lists, or ``{name}`` when ``resolve`` reads
    references), alternations (what every branch holds), quantifiers (the literals of an element
    that must occur at least once). A pattern this reader does not know (verbose mode, full case
    folding, back references, nested sets) gives ``UNKNOWN``, i.e. no pre-filter. ``inside`` keeps
    no literal that holds another one ("arrests" holds "arrest": the same texts pass)."""
    found = read_literals(pattern, flags, resolve)
    return Literals(_smallest_cover(found.inside), found.lead, found.trail, found.blank)


def read_literals(
    pattern: str, flags: int = 0, resolve: Callable[[str], Literals | None] | None = None
) -> Literals:
    """``pattern_literals`` without the cover step (what a resolver returns for a part)."""
    if (
        flags & (regex.VERBOSE | regex.FULLCASE | regex.BESTMATCH | regex.ENHANCEMATCH)
        or flags & regex.VERSION1
    ):
        return UNKNOWN
    reader = _LiteralReader(resolve or (lambda name: None))
    try:
        return reader.alternation(source.parse(pattern))
    except source.Unsupported:
        return UNKNOWN


class LiteralIndex:
    """Where the literals of many pre-filters occur in one text (one Aho-Corasick pass)."""

    def __init__(self, sets: list[frozenset[str]]) -> None:
        self.sets = sets
        members: dict[str, list[int]] = {}
        for k, literals in enumerate(sets):
            for word in literals:
                members.setdefault(word, []).append(k)
        self.automaton = ahocorasick.Automaton()
        for word, ks in members.items():
            self.automaton.add_word(word, (len(word), tuple(ks)))
        if members:
            self.automaton.make_automaton()
        self.empty = not members

    def scan(self, text: str, start: int = 0, end: int | None = None) -> LiteralHits | None:
        """The occurrences in ``text[start:end]`` (offsets into ``text``); None when that part
        cannot be pre-filtered (it holds a character of ``CASE_FOLD_EXTRAS``, or one whose lower
        case is longer)."""
        part = text[start:end]
        if not prefilterable(part, low := part.lower()):
            return None
        return self.scan_lowered(low, 0, len(low), start)

    def scan_lowered(self, low: str, start: int, end: int, offset: int = 0) -> LiteralHits:
        """``scan`` of ``low[start:end]``, a text lower-cased that ``prefilterable`` accepts
        (offsets into ``low`` plus ``offset``): a document lower-cased once serves all its
        parts."""
        starts: dict[int, list[int]] = {}
        ends: dict[int, list[int]] = {}
        if not self.empty:
            # a slice: the automaton copies the string it reads (else a whole document per
            # sentence)
            base = offset + start + 1
            for last, (length, ks) in self.automaton.iter(low[start:end]):
                for k in ks:
                    if k in ends:
                        starts[k].append(base + last - length)
                        ends[k].append(base + last)
                    else:
                        starts[k], ends[k] = [base + last - length], [base + last]
        return LiteralHits(low, offset, starts, ends)


def prefilterable(text: str, low: str) -> bool:
    """Whether literal pre-filters may read ``text`` through ``low`` (its ``str.lower()``): no
    character of ``CASE_FOLD_EXTRAS``, none whose lower case is longer (then every character
    lower-cases to one, at its own offset)."""
    return len(low) == len(text) and not any(c in text for c in CASE_FOLD_EXTRAS)


class LiteralHits:
    """One part of a text, lower-cased, and where each pre-filter's literals occur in it."""

    __slots__ = ("low", "offset", "starts", "ends")

    def __init__(
        self, low: str, offset: int, starts: dict[int, list[int]], ends: dict[int, list[int]]
    ) -> None:
        # the part (or the whole text), lower-cased (offsets into the text minus ``offset``)
        self.low = low
        self.offset = offset
        self.ends = (
            ends  # occurrences of each set's literals, in order of their end (sets found only)
        )
        self.starts = starts

    def holds(self, k: int, lo: int, hi: int) -> bool:
        """Whether a literal of set ``k`` lies inside ``text[lo:hi]``."""
        ends = self.ends.get(k)
        if ends is None:
            return False
        i = bisect.bisect_left(ends, lo + 1)
        starts = self.starts[k]
        n = len(ends)
        while i < n and ends[i] <= hi:
            if starts[i] >= lo:
                return True
            i += 1
        return False

    def edges(self, lo: int, at: int, after: int, hi: int) -> tuple[int, int]:
        """Where ``text[lo:at]`` ends once its trailing blanks are removed, and where
        ``text[after:hi]`` starts once its leading blanks are removed (for ``ends_at`` and
        ``starts_at``: windows around one place read once for many tests)."""
        off = self.offset
        trimmed = len(self.low[lo - off : at - off].rstrip())
        return lo + trimmed, _BLANKS.match(self.low, after - off, hi - off).end() + off  # type: ignore[union-attr]

    def ends_at(self, lo: int, trimmed_end: int, suffixes: tuple[str, ...]) -> bool:
        """``ends_with`` for a window whose trimmed end ``edges`` gave."""
        return self.low.endswith(suffixes, lo - self.offset, trimmed_end - self.offset)

    def starts_at(self, first: int, hi: int, prefixes: tuple[str, ...]) -> bool:
        """``starts_with`` for a window whose first non-blank offset ``edges`` gave."""
        return self.low.startswith(prefixes, first - self.offset, hi - self.offset)

    def starts_with(self, lo: int, hi: int, prefixes: tuple[str, ...]) -> bool:
        """Whether ``text[lo:hi]``, leading blanks removed, starts with one of ``prefixes``."""
        first = _BLANKS.match(self.low, lo - self.offset, hi - self.offset).end()  # type: ignore[union-attr]
        return self.low.startswith(prefixes, first, hi - self.offset)

    def ends_with(self, lo: int, hi: int, suffixes: tuple[str, ...]) -> bool:
        """Whether ``text[lo:hi]``, trailing blanks removed, ends with one of ``suffixes``."""
        return self.low[lo - self.offset : hi - self.offset].rstrip().endswith(suffixes)


_BLANKS = re.compile(r"\s*")  # the stdlib's \s is exactly str.isspace (and holds every \s of regex)
