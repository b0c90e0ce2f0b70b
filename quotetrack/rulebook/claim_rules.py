"""Schemas of the claim rules files (casualties, victims, claimants, claim_context) and linking.

A claim rules file may name other rules files in ``uses``; ``{NAME}`` in its patterns then also
expands the parts and lexicons of those files (casualties.toml uses ``{COUNT}`` from numbers.toml
and ``{victim_nouns}`` from victims.toml). The linked files are the rule set's own when the
extractor links them, else the sibling files of the same directory (for ``rules check``).

Speed: every schema here is a ``keywords.NamedListRuleFile``: lexicons compile as ``regex``
named lists and compiled patterns are cached on disk (same matches; see
``quotetrack.rulebook.keywords``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import regex
from pydantic import Field, PrivateAttr, model_validator

from quotetrack.rulebook.keywords import (
    Literals,
    NamedListRuleFile,
    lexicon_literals,
    pattern_literals,
    read_literals,
)
from quotetrack.rulebook.ruleset import (
    REFERENCE,
    PatternRule,
    RuleFile,
    StrictModel,
    default_rules_dir,
    load_rule_file,
)

CATEGORIES = ("killed", "injured", "missing", "arrested", "kidnapped", "displaced", "casualties")
# A rule group that names a capture ("captured", "seized", "held"): the category is arrested or
# kidnapped by who captures whom (claims.py reads it from the sentence).
CAPTURE = "captured"


class LinkedRuleFile(NamedListRuleFile):
    """A rules file whose patterns may refer to parts and lexicons of the files in ``uses``."""

    uses: list[str] = Field(default_factory=list)
    _linked: list[RuleFile] | None = PrivateAttr(default=None)
    _literal_memo: dict[tuple[int, str], Literals | None] = PrivateAttr(default_factory=dict)

    def link(self, files: list[RuleFile]) -> None:
        """Use these (already loaded) files for the names in ``uses``."""
        self._linked = files
        self._literal_memo.clear()  # what was read from the files linked before

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
                    return "(?:" + self.lexicon_regex(other.lexicons[name]) + ")"
            return match.group(0)

        return super().expand(REFERENCE.sub(outside, template), _stack)

    def literals(self, template: str) -> Literals:
        """What every match of ``template`` holds (``keywords.pattern_literals``), its references
        read as ``expand`` expands them: this file's parts and lexicons, then the linked files'
        (each part read once per file)."""
        return pattern_literals(template, resolve=self._resolver(self, self.linked()))

    def _resolver(self, file: RuleFile, others: list[RuleFile]) -> Callable[[str], Literals | None]:
        memo = self._literal_memo

        def resolve(name: str) -> Literals | None:
            for owner in [file, *others]:
                key = (id(owner), name)
                if key in memo:
                    return memo[key]
                if name in owner.parts:
                    memo[key] = None  # a part that refers to itself is not read
                    inner = self._resolver(owner, []) if owner is not file else resolve
                    memo[key] = read_literals(owner.parts[name], resolve=inner)
                    return memo[key]
                if name in owner.lexicons:
                    memo[key] = lexicon_literals(owner.lexicons[name])
                    return memo[key]
            return None

        return resolve


class ClaimRule(PatternRule):
    """A claim construction: ``{COUNT}`` marks the count; named groups give category and victims."""

    count_kinds: list[str] = Field(default_factory=list)  # empty = any kind of count
    borrows: bool = Field(
        default=False,
        description="the rule has no category of its own: its count takes the category of the "
        "claim that ends just before the rule's match in the same sentence",
    )


class CasualtyRules(LinkedRuleFile):
    """Schema of ``rules/casualties.toml``."""

    patterns: list[ClaimRule] = Field(default_factory=list)  # type: ignore[assignment]

    def extra_checks(self) -> list[str]:
        """Every pattern holds ``{COUNT}`` exactly once (the count it is about)."""
        return [
            f"{self._origin}: patterns (id={r.id}): needs {{COUNT}} exactly once"
            for r in self.patterns
            if r.pattern.count("{COUNT}") != 1
        ]


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
            nouns = [
                n
                for c in data["classes"].values()
                if isinstance(c, dict)
                for n in c.get("nouns", [])
            ]
            data = {**data, "lexicons": {**data.get("lexicons", {}), "victim_nouns": nouns}}
        return data

    def extra_checks(self) -> list[str]:
        """Every parent is a class of the file."""
        return [
            f"{self._origin}: classes.{name}.parent: unknown class {c.parent!r}"
            for name, c in self.classes.items()
            if c.parent and c.parent not in self.classes
        ]


class ClaimantType(StrictModel):
    """One claimant type and the words of a claimant name that give it."""

    name: str
    words: list[str]


class ClaimantRules(NamedListRuleFile):
    """Schema of ``rules/claimants.toml``."""

    types: list[ClaimantType]


class ClaimContextRules(NamedListRuleFile):
    """Schema of ``rules/claim_context.toml`` (lexicons and patterns only)."""
