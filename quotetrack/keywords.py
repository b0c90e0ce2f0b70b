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

Compiling goes through the disk cache of ``quotetrack.regex_cache`` (``compile_with_lists``).
"""

from __future__ import annotations

import hashlib
from typing import Iterable

import ahocorasick
import regex

from quotetrack.regex_cache import compile_cached
from quotetrack.rules import RuleFile, lexicon_alternation


class KeywordScanner:
    """Whole-word, case-insensitive occurrences of a fixed set of words (or multi-word phrases)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted({" ".join(w.lower().split()) for w in words if w.strip()})
        self.automaton = ahocorasick.Automaton()
        for word in self.words:
            self.automaton.add_word(word, len(word))
        if self.words:
            self.automaton.make_automaton()
        alternation = "|".join(regex.escape(w).replace(r"\ ", " ") for w in sorted(self.words, key=len, reverse=True))
        self.fallback = regex.compile(r"(?i)(?<![\p{L}\p{N}])(?:" + alternation + r")(?![\p{L}\p{N}])") \
            if self.words else None

    def find(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every whole-word occurrence, in text order."""
        if not self.words:
            return []
        low = text.lower()
        if len(low) != len(text):  # a character whose lower case is longer: offsets would shift
            return [(m.start(), m.end()) for m in self.fallback.finditer(text)]  # type: ignore[union-attr]
        out = []
        size = len(low)
        for end, length in self.automaton.iter(low):
            start = end - length + 1
            if (start == 0 or not low[start - 1].isalnum()) and (end + 1 == size or not low[end + 1].isalnum()):
                out.append((start, end + 1))
        out.sort()
        return out


NAMED_LIST = regex.compile(r"\\L<(\w+)>")
#: named list name -> its words (names are content hashes, so files never clash)
_NAMED_LISTS: dict[str, frozenset[str]] = {}
_LEXICON_PATTERNS: dict[frozenset[str], str] = {}  # entries -> their pattern (expansion repeats lexicons)


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
        return lexicon_alternation(unique)  # padded entries sort by their padded length: keep the alternation
    name = "L" + hashlib.sha1("\x00".join(words).encode("utf-8")).hexdigest()[:16]
    _NAMED_LISTS.setdefault(name, frozenset(words))
    phrases = lexicon_alternation(e for e in unique if len(e.split()) > 1)
    return (phrases + "|" if phrases else "") + r"\L<" + name + ">"


def compile_with_lists(pattern: str, flags: int) -> regex.Pattern[str]:
    """Compile an expanded pattern, passing the named lists it refers to (through the cache of
    compiled patterns, see the module docstring)."""
    lists = {name: _NAMED_LISTS[name] for name in set(NAMED_LIST.findall(pattern)) if name in _NAMED_LISTS}
    return compile_cached(pattern, flags, lists)


class NamedListRuleFile(RuleFile):
    """A rules file whose lexicons are expanded as named lists (``lexicon_pattern``)."""

    def lexicon_regex(self, entries: Iterable[str]) -> str:
        """A lexicon as ``lexicon_pattern`` (one-word entries as a named list)."""
        return lexicon_pattern(entries)

    def compile_expanded(self, pattern: str, flags: int) -> regex.Pattern[str]:
        """Compile an expanded pattern with the named lists it refers to."""
        return compile_with_lists(pattern, flags)
