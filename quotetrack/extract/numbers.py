"""Number phrases that count people: parse them into a qualifier, a value and an interval.

Pure module (no I/O, no pipeline state): ``NumberParser(rules)`` compiles ``rules/numbers.toml``
once; ``finditer(text)`` yields every count phrase with its offsets, ``parse(phrase)`` reads one.

Method, after Recognizers-Text and Duckling (see rules/README.md): one composed regex finds a
number phrase (digits, number words to the billions, multiples such as "two dozen", counting words
such as "both", zero phrases, vague quantities, ranges) with an optional qualifier before it; the
phrase is then read token by token. Qualifiers map to intervals: "more than 17,000" is
[17001, open), "up to 55,000" is [0, 55000], "about 200" a band around 200 that widens as the
number gets rounder. Values follow ../shared/eval/CLAIMS-GUIDE.md (``value`` = the stated number;
``value_high`` only for ranges; vague words get the guide's conventional values).

The rules compile as a ``keywords.NamedListRuleFile`` (lexicons as named lists, compiled
patterns cached on disk): same matches, a fraction of the compile time.
Speed: ``count_re`` is tried only at anchors (a digit, or a word only a number phrase holds) and
the qualifier words just before them, once per start; ``anchors`` finds a span's anchors by one
digit scan and an Aho-Corasick pass (each hit checked for the anchor regex's word boundaries),
the same starts as ``anchor_re`` (a test compares them). ``parse`` reads each distinct phrase once
(a memo: "two", "2011" and "one" recur; same counts).

It does not decide whether a number counts people: "26 years" parses as 26; the claim rules
(quotetrack/extract/claims.py) decide what a number counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import ahocorasick
import regex
from pydantic import Field, model_validator

from quotetrack.rulebook.keywords import CASE_FOLD_EXTRAS, NamedListRuleFile, compile_with_lists
from quotetrack.rulebook.ruleset import StrictModel, lexicon_alternation

QUALIFIERS = ("at_least", "more_than", "at_most", "less_than", "approx")
ANCHOR_LEXICONS = (
    "units",
    "tens",
    "scales",
    "multipliers",
    "counting_words",
    "multiplicative",
    "zero",
    "vague",
)
NOT_ANCHORS = frozenset(
    {"a", "an", "of"}
)  # words of those lexicons that occur outside number phrases
LEAD_WORDS = frozenset(
    {"between", "from", "anywhere", "a", "half"}
)  # words before an anchor in a range or multiple
LEAD_CHARS = (
    40  # how far before an anchor a number phrase may start ("no fewer than", "anywhere from")
)
GROUP_SPACE = regex.compile(r"(?<=\d)[\u00a0\u202f\u2009\u200b](?=\d{3})")  # "17 000" -> 17000
_ASCII_WORD = regex.compile(r"[a-z]+")
_ASCII_WORD_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyz0123456789_"
)  # \w in ASCII (text lower-cased)
TOKEN = regex.compile(r"\d[\d,]*(?:\.\d+)?|[^\W\d_]+")
SPACES = regex.compile(r"\s+")
HYPHENS_OR_SPACES = regex.compile(r"[\s-]+")
MAX_PARSED = 20_000  # phrases read by NumberParser.parse kept (the memo is emptied when full)


class QualifierTable(StrictModel):
    """Qualifier phrases written before a number, per qualifier (CLAIMS-GUIDE.md)."""

    at_least: list[str]
    more_than: list[str]
    at_most: list[str]
    less_than: list[str]
    approx: list[str]


class VagueQuantity(StrictModel):
    """A vague quantity word, its conventional value and the interval it implies."""

    phrase: str
    value: int | None = None
    low: int | None = None
    high: int | None = None


class ApproxBand(StrictModel):
    """Relative half-width of the band around an approximate number of this many significant
    digits."""

    max_significant_digits: int = Field(ge=1)
    fraction: float = Field(ge=0, lt=1)


class NumberRules(NamedListRuleFile):
    """Schema of ``rules/numbers.toml``: value tables, qualifiers, vague words, bands, parts."""

    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    suffixes: dict[str, int] = Field(default_factory=dict)
    multipliers: dict[str, int] = Field(default_factory=dict)
    counting_words: dict[str, int] = Field(default_factory=dict)
    multiplicative: dict[str, int] = Field(default_factory=dict)
    qualifiers: QualifierTable
    vague: list[VagueQuantity] = Field(default_factory=list)
    approx_bands: list[ApproxBand] = Field(default_factory=list)
    max_figure: int = Field(
        default=10_000_000_000,
        gt=0,
        description="The largest figure that can count people (more than live on Earth is a "
        "misreading or a typo): a count above it is no claim but a bad_figure issue.",
    )

    @model_validator(mode="before")
    @classmethod
    def _lexicons_from_tables(cls, data: Any) -> Any:
        """Make each value table usable in patterns as a lexicon of the same name."""
        if not isinstance(data, dict):
            return data
        lexicons = dict(data.get("lexicons", {}))
        for name in (
            "units",
            "tens",
            "scales",
            "suffixes",
            "multipliers",
            "counting_words",
            "multiplicative",
        ):
            table = data.get(name)
            if isinstance(table, dict):
                lexicons.setdefault(name, list(table))
        scales = data.get("scales")
        if isinstance(scales, dict):
            lexicons.setdefault(
                "large_scales", [w for w, v in scales.items() if isinstance(v, int) and v >= 1000]
            )
        qualifiers = data.get("qualifiers")
        if isinstance(qualifiers, dict):
            for name, phrases in qualifiers.items():
                lexicons.setdefault(name, list(phrases) if isinstance(phrases, list) else phrases)
        vague = data.get("vague")
        if isinstance(vague, list):
            lexicons.setdefault(
                "vague", [v.get("phrase", "") for v in vague if isinstance(v, dict)]
            )
        return {**data, "lexicons": lexicons}


@dataclass(frozen=True, slots=True)
class Count:
    """One number phrase: its span, qualifier, value(s) and interval (``high`` None = open)."""

    start: int
    end: int
    text: str
    qualifier: str
    value: int | None
    value_high: int | None
    low: int | None
    high: int | None
    best: int | None
    kind: str  # number / range / vague / counting / multiplicative / zero


def _key(phrase: str) -> str:
    return SPACES.sub(" ", phrase.strip().lower())


class NumberParser:
    """Compiled number rules: find and read count phrases (build once per rule set)."""

    def __init__(self, rules: NumberRules) -> None:
        self.rules = rules
        self.count_re = rules.compile("{COUNT}", ignore_case=True, key="runtime:count")
        # Anchors: a digit or a word that only a number phrase can hold; COUNT is tried only at the
        # anchor and the few word starts before it (qualifiers), which keeps the scan fast.
        anchors = {
            w.lower()
            for name in ANCHOR_LEXICONS
            for e in rules.lexicons.get(name, [])
            for w in HYPHENS_OR_SPACES.split(e)  # "no-one": its words "no" and "one"
            if w
        }
        words = sorted(anchors - NOT_ANCHORS)
        self.anchor_re = compile_with_lists(
            r"(?i)\d|\b(?:" + lexicon_alternation(words) + r")\b", 0
        )
        # The same anchors for a whole document at once: the words by Aho-Corasick (each hit
        # checked for the word boundaries of anchor_re), the digits by one scan.
        self.anchor_words = (
            ahocorasick.Automaton()
            if words and all(_ASCII_WORD.fullmatch(w) for w in words)
            else None
        )
        if self.anchor_words is not None:
            for word in words:
                self.anchor_words.add_word(word, len(word))
            self.anchor_words.make_automaton()
        self.digits_re = regex.compile(r"\d+")
        openers = {p.split()[0].lower() for q in QUALIFIERS for p in getattr(rules.qualifiers, q)}
        self.lead_re = compile_with_lists(
            r"(?i)\b(?:" + lexicon_alternation(openers | LEAD_WORDS) + r")\b", 0
        )
        # A phrase starting at a word that is neither an anchor nor a lead word starts with a
        # qualifier (the premise of trying only anchors and lead words): there the smaller
        # qualifier pattern is a cheap necessary test before count_re ("in" of "in the town",
        # "at" ...).
        self.qualifier_only = frozenset(openers - LEAD_WORDS - anchors)
        self.qualifier_start_re = rules.compile(
            r"(?:{QUALIFIER})\s", ignore_case=True, key="runtime:qualifier_start"
        )
        self.qualifier_re = rules.compile(
            r"^(?:{QUALIFIER})(?=\s)", ignore_case=True, key="runtime:qualifier"
        )
        self.zero_re = rules.compile(r"^(?:{ZERO})$", ignore_case=True, key="runtime:zero")
        self.counting_re = rules.compile(
            r"^(?:a\s+)?(?:{counting_words}|{multiplicative})(?:\s+of)?$",
            ignore_case=True,
            key="runtime:counting",
        )
        self.vague_re = rules.compile(r"^(?:{VAGUE})$", ignore_case=True, key="runtime:vague")
        self.single_re = rules.compile(r"^(?:{SINGLE})$", ignore_case=True, key="runtime:single")
        self.range_re = rules.compile(
            r"^(?:between\s+|(?:anywhere\s+)?from\s+)?(?P<a>{SINGLE})\s*(?:-|\u2013|\u2014|\bto\b|\bor\b|\band\b)\s*(?P<b>{SINGLE})$",
            ignore_case=True,
            key="runtime:range",
        )
        self.qualifier_of = {_key(p): q for q in QUALIFIERS for p in getattr(rules.qualifiers, q)}
        self.vague_of = {_key(v.phrase): v for v in rules.vague}
        self.counting = {
            _key(k): v for k, v in {**rules.counting_words, **rules.multiplicative}.items()
        }
        self.multiplicative = frozenset(_key(k) for k in rules.multiplicative)
        self.small = {
            **{k.lower(): v for k, v in rules.units.items()},
            **{k.lower(): v for k, v in rules.tens.items()},
        }
        self.scales = {k.lower(): v for k, v in rules.scales.items()}
        self.suffixes = {k.lower(): v for k, v in rules.suffixes.items()}
        self.multipliers = {k.lower(): v for k, v in rules.multipliers.items()}
        self.bands = sorted(rules.approx_bands, key=lambda b: b.max_significant_digits)
        self.parsed: dict[
            str, Count | None
        ] = {}  # phrase -> its reading at offset 0 (phrases repeat: "two", "2011")

    # -- finding -----------------------------------------------------------------------------
    def finditer(
        self,
        text: str,
        pos: int = 0,
        endpos: int | None = None,
        anchors: Iterable[int] | None = None,
    ) -> Iterator[Count]:
        """Every count phrase in ``text[pos:endpos]``, left to right, with offsets into ``text``
        (``anchors``: ``self.anchors(...)`` of the same span, when the caller has them)."""
        end = len(text) if endpos is None else endpos
        found = (
            anchors
            if anchors is not None
            else (m.start() for m in self.anchor_re.finditer(text, pos, end))
        )
        done = pos  # text before this offset is already read
        tried: dict[
            int, regex.Match[str] | None
        ] = {}  # count_re at a start (a lead word is tried again at the next anchor)
        for a in found:
            if a < done:
                continue
            lead = max(done, a - LEAD_CHARS)
            starts = [
                (w.start(), w.group().lower() in self.qualifier_only)
                for w in self.lead_re.finditer(text, lead, a)
            ]
            starts.append((a, False))
            for start, qualified in starts:
                if start in tried:
                    m = tried[start]
                else:
                    m = tried[start] = self._count_at(text, start, end, qualified)
                if m is None or m.end() <= a:
                    continue
                count = self.parse(m.group(), m.start())
                if count is not None:
                    done = m.end()
                    yield count
                    break

    def _count_at(
        self, text: str, start: int, end: int, qualified: bool
    ) -> regex.Match[str] | None:
        """``count_re.match`` at ``start``; ``qualified``: a phrase there must start with a
        qualifier, so the qualifier pattern is tried first (a necessary condition: same matches)."""
        if qualified and self.qualifier_start_re.match(text, start, end) is None:
            return None
        return self.count_re.match(text, start, end)

    def anchors(self, text: str, low: str, start: int, end: int, clean: bool = False) -> list[int]:
        """Where ``anchor_re.finditer(text, start, end)`` finds an anchor, in order; ``low`` is
        ``text.lower()``. Digits by one scan, anchor words by Aho-Corasick on ``low``, each hit
        checked for anchor_re's word boundaries (the regex itself where a neighbour is not ASCII).
        The regex is used as it is when the span is not bounded by blanks or when ``low`` is not
        letter-for-letter the text (``CASE_FOLD_EXTRAS``, a longer lower case); ``clean``: the
        caller
        knows that the whole text has none of them (``keywords.prefilterable``)."""
        if (
            self.anchor_words is None
            or len(low) != len(text)
            or not _bounded_by_blanks(text, start, end)
            or (not clean and any(c in text[start:end] for c in CASE_FOLD_EXTRAS))
        ):
            return [m.start() for m in self.anchor_re.finditer(text, start, end)]
        found = [
            i for m in self.digits_re.finditer(text, start, end) for i in range(m.start(), m.end())
        ]
        words = False
        for last, length in self.anchor_words.iter(
            low[start:end]
        ):  # a slice: iter copies the string it reads
            last += start
            first = last + 1 - length
            before = low[first - 1] if first else " "
            after = low[last + 1] if last + 1 < len(low) else " "
            if before in _ASCII_WORD_CHARS or after in _ASCII_WORD_CHARS:
                continue  # no word boundary (and the regex would say the same)
            if (before.isascii() and after.isascii()) or self.anchor_re.match(
                text, first, end
            ) is not None:
                found.append(first)
                words = True
        return sorted(found) if words else found  # a digit and a word never start at one offset

    def match_at(self, text: str, pos: int, endpos: int | None = None) -> Count | None:
        """The count phrase starting exactly at ``pos``, if any."""
        m = self.count_re.match(text, pos, len(text) if endpos is None else endpos)
        return self.parse(m.group(), m.start()) if m and m.end() > m.start() else None

    # -- reading -----------------------------------------------------------------------------
    def parse(self, phrase: str, start: int = 0) -> Count | None:
        """Read one count phrase (qualifier included); None when it is not a number phrase."""
        if phrase in self.parsed:
            found = self.parsed[phrase]
        else:
            if len(self.parsed) >= MAX_PARSED:
                self.parsed.clear()
            found = self.parsed[phrase] = self._read(phrase)
        if found is None or start == 0:
            return found
        return Count(
            start,
            start + found.end,
            phrase,
            found.qualifier,
            found.value,
            found.value_high,
            found.low,
            found.high,
            found.best,
            found.kind,
        )

    def _read(self, phrase: str) -> Count | None:
        """``parse`` at offset 0, uncached."""
        start = 0
        qualifier = None
        rest, offset = phrase, 0
        q = self.qualifier_re.match(phrase)
        if q:
            qualifier = self.qualifier_of.get(_key(q.group()))
            offset = q.end() + (len(phrase[q.end() :]) - len(phrase[q.end() :].lstrip()))
            rest = phrase[offset:]
        key = _key(rest)
        kind, value, value_high, vague = "number", None, None, None
        if self.zero_re.match(rest):
            kind, value = "zero", 0
        elif self.counting_re.match(rest):
            kind = "multiplicative" if key in self.multiplicative else "counting"
            value = next((self.counting[w] for w in key.split() if w in self.counting), None)
        elif self.vague_re.match(rest):
            kind, vague = "vague", self.vague_of.get(key)
            value = vague.value if vague else None
        elif self.single_re.match(rest):
            value = self.words_to_int(rest)
        else:
            r = self.range_re.match(rest)
            if r is None:
                return None
            kind, value, value_high = (
                "range",
                self.words_to_int(r.group("a")),
                self.words_to_int(r.group("b")),
            )
            if value is not None and value_high is not None and value_high < value:
                value, value_high = value_high, value
        if kind == "vague" and qualifier is None:
            qualifier = "vague"
        if kind == "range":
            qualifier = "range"
        qualifier = qualifier or "exact"
        low, high, best = self.interval(qualifier, value, value_high, vague)
        return Count(
            start,
            start + len(phrase),
            phrase,
            qualifier,
            value,
            value_high if kind == "range" else None,
            low,
            high,
            best,
            kind,
        )

    def words_to_int(self, phrase: str) -> int | None:
        """The integer a numeral spells ("one hundred and twenty-three" -> 123, "1.5 million")."""
        digits = phrase.replace(",", "")
        if digits.isdigit() and digits.isascii():
            return int(digits)  # the common case, exact without any arithmetic
        # exact arithmetic (Fraction, not float): "1.5 million" is 1,500,000 and a 22-digit
        # figure keeps every digit
        total = Fraction(0)
        current: Fraction | int | None = None
        seen = False
        for tok in TOKEN.findall(GROUP_SPACE.sub("", phrase.lower())):
            if tok[0].isdigit():
                current = (current or 0) + Fraction(tok.replace(",", ""))
                seen = True
            elif tok in self.small:
                current = (current or 0) + self.small[tok]
                seen = True
            elif tok == "half":
                current = Fraction(1, 2)
            elif tok in ("a", "an"):
                current = current if current is not None else 1
            elif tok in self.multipliers:
                current = (current if current is not None else 1) * self.multipliers[tok]
                seen = True
            elif tok in self.scales and self.scales[tok] < 1000:
                current = (current if current is not None else 1) * self.scales[tok]
                seen = True
            elif tok in self.scales or tok in self.suffixes:
                scale = self.scales.get(tok) or self.suffixes[tok]
                total += (current if current is not None else 1) * scale
                current = None
                seen = True
            elif tok == "and":
                continue
            else:
                return None
        if not seen:
            return None
        return int(round(total + (current or 0)))

    def interval(
        self,
        qualifier: str,
        value: int | None,
        value_high: int | None = None,
        vague: VagueQuantity | None = None,
    ) -> tuple[int | None, int | None, int | None]:
        """(low, high, best) of a qualified value; high None = no upper bound."""
        if qualifier == "vague":
            if vague is None:
                return (value, None, value) if value is not None else (None, None, None)
            return vague.low, vague.high, vague.value
        if value is None:
            return None, None, None
        if qualifier == "range":
            high = value_high if value_high is not None else value
            return value, high, (value + high) // 2
        if qualifier == "at_least":
            return value, None, value
        if qualifier == "more_than":
            return value + 1, None, value + 1
        if qualifier == "at_most":
            return 0, value, value
        if qualifier == "less_than":
            top = max(value - 1, 0)
            return 0, top, top
        if qualifier == "approx":
            fraction = self.band(value)
            delta = value * fraction
            return math.floor(value - delta + 1e-9), math.ceil(value + delta - 1e-9), value
        return value, value, value

    def band(self, value: int) -> float:
        """Half-width (relative) of the band around an approximate ``value``."""
        digits = len(str(abs(value)).rstrip("0")) or 1
        for b in self.bands:
            if digits <= b.max_significant_digits:
                return b.fraction
        return self.bands[-1].fraction if self.bands else 0.0


def _bounded_by_blanks(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` has a blank (or the text's edge) on both sides, where a
    document-wide search finds what a search bounded to the span finds."""
    return (start == 0 or text[start - 1].isspace()) and (end >= len(text) or text[end].isspace())


def number_parser_for(ruleset: Any) -> NumberParser:
    """The NumberParser of a rule set, built once and kept on the rule set."""
    cached = getattr(ruleset, "_number_parser", None)
    if cached is None:
        cached = NumberParser(ruleset.get("numbers.toml"))
        ruleset._number_parser = cached
    return cached
