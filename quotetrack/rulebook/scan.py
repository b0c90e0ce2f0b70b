"""Whole-document scanning for lexicon patterns, sped up by a stdlib ``re`` pre-filter.

The rules are compiled with the ``regex`` module (Unicode properties such as ``\\p{L}``), whose
engine spends a lot of time at each position of a long text. For a pattern that is a lexicon
alternation between letter-boundary look-arounds (the shape of the reporting-cue and pronoun
rules) ``Scanner`` first finds *candidate* starts with the stdlib engine, which tests a position
several times faster: the same alternation, with the Unicode-letter look-behind and look-ahead
narrowed to ASCII letters (a weaker test), so every real match start is a candidate. Each
candidate is then matched with the real pattern, in order and without overlaps, so ``finditer``
yields exactly what ``pattern.finditer`` yields. Any other pattern is scanned as it is.

The pre-filter's body is the pattern's body re-factored into one trie over all its strings
(when it is a finite set of literal strings with ``\\s+`` between words): the stdlib engine then
rejects a position after one test per first character instead of entering every lexicon's
alternation in turn. A candidate only needs *some* string to match, so the order of the
alternatives does not matter there (the real pattern decides which one matches).

A body of a few literal words (the pronoun rule) is searched word by word instead, each word
first and the look-behind after it, with the stdlib's fast literal search.

A pattern that starts with a look-behind gets no first-character speed-up from the stdlib
engine, so the pre-filter is run with the look-behind turned into one consumed character that is
not in its class (``[^A-Za-z](?=body)``): the engine then skips runs of letters at C speed and
tries the body once per word. Only the start of the scan needs the look-behind form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

import regex

from quotetrack.rulebook.source import BLANK, finite_strings

# A pattern body the two engines read the same way: literals, escaped punctuation, \s (which the
# stdlib reads as a superset), groups without inline flags or look-arounds ("(?" only as "(?:"),
# alternation, quantifiers, classes of literals.
_BODY_TOKEN = re.compile(
    r"\\[^A-Za-z0-9]|\\s|\(\?:|\((?!\?)|[)|?*+]|\{\d+(?:,\d*)?\}|\[[^\]\\\[^]+\]|[^\\.^$*+?{}\[\]|()]"
)
_LOOKBEHIND = re.compile(r"\(\?<!\[((?:\\p\{L[ul]?\}|\\[^A-Za-z0-9]|[^\\\]\[^])+)\]\)")
_LOOKAHEAD = re.compile(r"\(\?!\[((?:\\p\{L[ul]?\}|\\[^A-Za-z0-9]|[^\\\]\[^])+)\]\)$")
_ASCII_LOOKBEHIND = re.compile(r"\(\?<!\[((?:\\[^A-Za-z0-9]|[^\\\]\[^])+)\]\)")
_ASCII = {r"\p{L}": "A-Za-z", r"\p{Lu}": "A-Z", r"\p{Ll}": "a-z"}


def prefilter_source(source: str) -> str | None:
    """The stdlib pre-filter for the ``regex`` pattern ``source`` (see the module docstring), or
    None."""
    parts = _prefilter_parts(source)
    if parts is None:
        return None
    before, body, after = parts
    prefix = f"(?<![{before}])" if before else ""
    suffix = f"(?![{after}])" if after else ""
    return f"{prefix}(?=(?:{_as_one_trie(body)}){suffix})"


def literal_prefilters(source: str) -> list[str] | None:
    """For a pattern whose body is a few literal words (``(?:[Hh]e|[Ss]he)``): one stdlib pattern
    per word, the word first and the weakened look-behind after it, so that the stdlib engine
    finds each by its fast literal search. None for any other pattern."""
    parts = _prefilter_parts(source)
    if parts is None:
        return None
    before, body, after = parts
    strings = finite_strings(body)
    if (
        strings is None
        or not 0 < len(strings) <= _MAX_LITERALS
        or any(len(w) < 2 or BLANK in w for w in strings)
    ):
        return None
    out = []
    for word in sorted("".join(w) for w in strings):
        literal = re.escape(word)
        out.append(
            literal
            + (f"(?<![{before}]{literal})" if before else "")
            + (f"(?![{after}])" if after else "")
        )
    return out


def _prefilter_parts(source: str) -> tuple[str, str, str] | None:
    """(look-behind class narrowed to ASCII or "", body, look-ahead class narrowed to ASCII or "")
    of a lexicon pattern both engines read the same way, or None."""
    lookbehind = _LOOKBEHIND.match(source)
    body_start = lookbehind.end() if lookbehind else 0
    lookahead = _LOOKAHEAD.search(source, body_start)
    body = source[body_start : lookahead.start() if lookahead else len(source)]
    if not body or "".join(_BODY_TOKEN.findall(body)) != body:
        return None
    return (
        _ascii(lookbehind.group(1)) if lookbehind else "",
        body,
        _ascii(lookahead.group(1)) if lookahead else "",
    )


_MAX_LITERALS = 8  # more words than this: one pass over the text is cheaper than one per word


def _as_one_trie(body: str) -> str:
    """``body`` as one trie over the strings it matches (the same language), or as it is when it is
    not a finite set of literals and ``\\s+`` runs."""
    strings = finite_strings(body)
    if strings is None or not strings:
        return body
    return trie_regex(strings, BLANK)


def trie_regex(strings: Iterable[Sequence[str]], blank: str, reverse: bool = False) -> str:
    """A regex (for ``re`` and ``regex`` alike) matching exactly ``strings``, sequences of
    characters in which ``blank`` stands for a run of whitespace, factored into a prefix trie (a
    suffix trie, fast to match backwards, when ``reverse``); "" when there are none. The engine
    then checks one branch per character instead of every string in turn."""
    trie: dict[str, dict] = {}
    for string in strings:
        node = trie
        for atom in reversed(string) if reverse else string:
            node = node.setdefault(atom, {})
        node[""] = {}
    return _emit(trie, blank, reverse)


def _emit(node: dict[str, dict], blank: str, reverse: bool) -> str:
    branches = []
    for atom, child in sorted(node.items()):
        if atom:
            escaped, rest = (
                (r"\s+" if atom == blank else re.escape(atom)),
                _emit(child, blank, reverse),
            )
            branches.append(rest + escaped if reverse else escaped + rest)
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _ascii(members: str) -> str:
    """Class members with Unicode letter properties narrowed to ASCII letters (a weaker negative
    test)."""
    return re.sub(r"\\p\{L[ul]?\}", lambda m: _ASCII[m.group()], members)


class Scanner:
    """``finditer`` of one compiled ``regex`` pattern, pre-filtered when its shape allows it."""

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        self.pattern = pattern
        self.candidates: re.Pattern[str] | None = None
        self.after_other: re.Pattern[str] | None = None  # consumes the character before a candidate
        self.literals: list[re.Pattern[str]] | None = None  # one per word of a body of a few words
        plain = (
            pattern.flags & ~(regex.VERSION0 | regex.UNICODE) == 0
        )  # no case folding, verbose mode, ...
        source = prefilter_source(pattern.pattern) if plain else None
        if source is not None:
            try:
                literals = literal_prefilters(pattern.pattern)
                self.literals = (
                    [re.compile(word) for word in literals] if literals is not None else None
                )
                self.candidates = re.compile(source)
                lookbehind = _ASCII_LOOKBEHIND.match(source)
                if lookbehind is not None:
                    self.after_other = re.compile(
                        f"[^{lookbehind.group(1)}]" + source[lookbehind.end() :]
                    )
            except re.error:
                self.candidates = self.after_other = self.literals = None  # scanned as it is

    def finditer(self, text: str, pos: int = 0) -> Iterator[regex.Match[str]]:
        """The matches of the pattern in ``text[pos:]``, left to right, as ``pattern.finditer``
        gives them."""
        if self.candidates is None:
            yield from self.pattern.finditer(text, pos)
            return
        match = self.pattern.match
        last = pos
        for start in self._starts(text, pos):
            if start < last:
                continue  # inside the previous match
            m = match(text, start)
            if m is not None:
                yield m
                last = max(m.end(), start + 1)

    def _starts(self, text: str, pos: int) -> Iterator[int]:
        """The pre-filter's candidate starts in ``text[pos:]``, left to right."""
        assert self.candidates is not None
        if self.literals is not None:
            starts: set[int] = set()
            for (
                word
            ) in self.literals:  # searched again one past each hit: a word may overlap itself
                m = word.search(text, pos)
                while m is not None:
                    starts.add(m.start())
                    m = word.search(text, m.start() + 1)
            yield from sorted(starts)
            return
        if self.after_other is None:
            for candidate in self.candidates.finditer(text, pos):
                yield candidate.start()
            return
        if self.candidates.match(text, pos) is not None:
            yield pos
        for candidate in self.after_other.finditer(text, pos):
            yield candidate.start() + 1
