"""Schemas of the claim rules files (casualties, victims, claimants, claim_context) and linking.

A claim rules file may name other rules files in ``uses``; ``{NAME}`` in its patterns then also
expands the parts and lexicons of those files (casualties.toml uses ``{COUNT}`` from numbers.toml
and ``{victim_nouns}`` from victims.toml). The linked files are the rule set's own when the
extractor links them, else the sibling files of the same directory (for ``rules check``).

Speed (``NamedListRuleFile``): a lexicon's one-word entries become a ``regex`` named list
(``\\L<name>``, a hash-set lookup) instead of an alternation of hundreds of branches; entries of
several words stay an alternation in front of it. The matches are the same: the alternation is
longest entry first, and so is a named list (it tries its longest member first and backtracks to
shorter ones); a several-word entry that matches where a one-word entry does is always the longer
one. Matching a named list is one set lookup per candidate length instead of a try per entry,
which makes the claim stage ~30 % faster; the patterns get 2-3x shorter.

Speed (compiled-pattern cache): ``regex`` parses and optimises a pattern in Python, ~3 s for the
claim and number patterns (``{COUNT}`` is nested many times). ``compile_with_lists`` keeps the
compiled program (``Pattern._pickled_data``, what ``regex`` itself pickles) in a cache directory,
one file per pattern, keyed by the pattern, flags, named lists, and the ``regex`` and Python
versions, with a checksum; the next process rebuilds the pattern from it in well under a
millisecond (``_regex.compile``, as unpickling does). The directory is ``$QUOTETRACK_REGEX_CACHE``,
else ``$XDG_CACHE_HOME/quotetrack/regex`` (``~/.cache/quotetrack/regex``); ``QUOTETRACK_REGEX_CACHE=off``
turns it off. A file that is missing, damaged or unwritable just means compiling as before.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable

import regex
from pydantic import Field, PrivateAttr, model_validator

from quotetrack.errors import RulesError
from quotetrack.rules import (REFERENCE, PatternRule, RuleFile, StrictModel, default_rules_dir,
                              lexicon_alternation, load_rule_file)

CATEGORIES = ("killed", "injured", "missing", "arrested", "kidnapped", "displaced", "casualties")

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
    folder = regex_cache_dir()
    if folder is None:
        return regex.compile(pattern, flags, **lists)
    path = folder / (_cache_key(pattern, flags, lists) + ".bin")
    cached = _load_compiled(path, pattern)
    if cached is not None:
        return cached
    compiled = regex.compile(pattern, flags, **lists)
    _store_compiled(path, compiled)
    return compiled


REGEX_CACHE_ENV = "QUOTETRACK_REGEX_CACHE"
CACHE_FORMAT = 1  # bump when the file layout changes
OFF = frozenset({"", "0", "off", "no", "false"})


def regex_cache_dir() -> Path | None:
    """The directory of the compiled-pattern cache, or None when it is turned off."""
    setting = os.environ.get(REGEX_CACHE_ENV)
    if setting is not None:
        return None if setting.strip().lower() in OFF else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "quotetrack" / "regex"


def _cache_key(pattern: str, flags: int, lists: dict[str, frozenset[str]]) -> str:
    described = json.dumps([CACHE_FORMAT, regex.__version__, sys.version, pattern, int(flags),
                            sorted((name, sorted(words)) for name, words in lists.items())], ensure_ascii=True)
    return hashlib.sha256(described.encode("ascii")).hexdigest()


def _load_compiled(path: Path, pattern: str) -> regex.Pattern[str] | None:
    """The pattern rebuilt from its cache file, or None (no file, damaged, or for another pattern)."""
    try:
        blob = path.read_bytes()
        digest, payload = blob[:32], blob[32:]
        if hashlib.sha256(payload).digest() != digest:
            return None
        data = marshal.loads(payload)
        if not isinstance(data, tuple) or not data or data[0] != pattern:
            return None
        compiled: regex.Pattern[str] = _regex_engine().compile(*data)
        return compiled if compiled.pattern == pattern else None
    except Exception:  # a cache must never be the reason a run fails
        return None


def _store_compiled(path: Path, compiled: regex.Pattern[str]) -> None:
    """Write the compiled program of ``compiled`` to ``path`` atomically (silently skipped on failure)."""
    try:
        payload = marshal.dumps(compiled._pickled_data)  # type: ignore[attr-defined]
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(payload).digest() + payload)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except Exception:
        return


def _regex_engine() -> Any:
    """The C engine module of ``regex`` (its ``compile`` takes a compiled program)."""
    from regex import _regex  # type: ignore[attr-defined]

    return _regex


class NamedListRuleFile(RuleFile):
    """A rules file whose lexicons are expanded as named lists (``lexicon_pattern``)."""

    def expand(self, template: str, _stack: tuple[str, ...] = ()) -> str:
        """Return ``template`` with every ``{NAME}`` replaced by its part or lexicon."""

        def replace(match: regex.Match[str]) -> str:
            name = match.group(1)
            if name in _stack:
                raise RulesError(f"{self._origin}: parts.{name}: refers to itself ({' -> '.join(_stack + (name,))})")
            if name in self.parts:
                return "(?:" + self.expand(self.parts[name], _stack + (name,)) + ")"
            if name in self.lexicons:
                return "(?:" + lexicon_pattern(self.lexicons[name]) + ")"
            raise RulesError(f"{self._origin}: {{{name}}}: no part or lexicon of that name",
                             hint="define it under [parts] or [lexicons] in the same file")

        return REFERENCE.sub(replace, template)

    def compile(self, template: str, ignore_case: bool = False, key: str | None = None) -> regex.Pattern[str]:
        """Compile ``template`` (after expansion) once and cache it under ``key``."""
        cache_key = key if key is not None else f"{ignore_case}:{template}"
        compiled = self._compiled.get(cache_key)
        if compiled is None:
            flags = regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0)
            try:
                compiled = compile_with_lists(self.expand(template), flags)
            except regex.error as exc:
                raise RulesError(f"{self._origin}: {key or template[:40]}: bad regex: {exc}") from None
            self._compiled[cache_key] = compiled
        return compiled


class LinkedRuleFile(NamedListRuleFile):
    """A rules file whose patterns may refer to parts and lexicons of the files in ``uses``."""

    uses: list[str] = Field(default_factory=list)
    _linked: list[RuleFile] | None = PrivateAttr(default=None)

    def link(self, files: list[RuleFile]) -> None:
        """Use these (already loaded) files for the names in ``uses``."""
        self._linked = files

    def linked(self) -> list[RuleFile]:
        """The files named in ``uses`` (loaded from beside this file when not linked)."""
        if self._linked is None:
            folder = Path(self._origin).parent if self._origin else default_rules_dir()
            self._linked = [load_rule_file(folder / name) for name in self.uses]
        return self._linked

    def expand(self, template: str, _stack: tuple[str, ...] = ()) -> str:
        """Like RuleFile.expand, also expanding names defined in the linked files."""

        def outside(match: regex.Match[str]) -> str:
            name = match.group(1)
            if name in self.parts or name in self.lexicons:
                return match.group(0)
            for other in self.linked():
                if name in other.parts:
                    return "(?:" + other.expand(other.parts[name]) + ")"
                if name in other.lexicons:
                    return "(?:" + lexicon_pattern(other.lexicons[name]) + ")"
            return match.group(0)

        return super().expand(REFERENCE.sub(outside, template), _stack)


class ClaimRule(PatternRule):
    """A claim construction: ``{COUNT}`` marks the count; named groups give category and victims."""

    count_kinds: list[str] = Field(default_factory=list)  # empty = any kind of count


class CasualtyRules(LinkedRuleFile):
    """Schema of ``rules/casualties.toml``."""

    patterns: list[ClaimRule] = Field(default_factory=list)  # type: ignore[assignment]

    def extra_checks(self) -> list[str]:
        """Every pattern holds ``{COUNT}`` exactly once (the count it is about)."""
        return [f"{self._origin}: patterns (id={r.id}): needs {{COUNT}} exactly once"
                for r in self.patterns if r.pattern.count("{COUNT}") != 1]


class VictimClass(StrictModel):
    """One class of the victim taxonomy (its parent class) and the nouns that name it."""

    parent: str | None = None
    nouns: list[str]


class VictimRules(NamedListRuleFile):
    """Schema of ``rules/victims.toml``: the taxonomy; ``{victim_nouns}`` is every noun of it."""

    classes: dict[str, VictimClass]

    @model_validator(mode="before")
    @classmethod
    def _nouns_lexicon(cls, data: Any) -> Any:
        """Offer all class nouns as the lexicon ``victim_nouns``."""
        if isinstance(data, dict) and isinstance(data.get("classes"), dict):
            nouns = [n for c in data["classes"].values() if isinstance(c, dict) for n in c.get("nouns", [])]
            data = {**data, "lexicons": {**data.get("lexicons", {}), "victim_nouns": nouns}}
        return data

    def extra_checks(self) -> list[str]:
        """Every parent is a class of the file."""
        return [f"{self._origin}: classes.{name}.parent: unknown class {c.parent!r}"
                for name, c in self.classes.items() if c.parent and c.parent not in self.classes]


class ClaimantType(StrictModel):
    """One claimant type and the words of a claimant name that give it."""

    name: str
    words: list[str]


class ClaimantRules(NamedListRuleFile):
    """Schema of ``rules/claimants.toml``."""

    types: list[ClaimantType]


class ClaimContextRules(NamedListRuleFile):
    """Schema of ``rules/claim_context.toml`` (lexicons and patterns only)."""
