"""Rules as data: load ``rules/*.toml``, validate each file, compose and compile its patterns.

Every rules file has the same skeleton (``RuleFile``):

``[meta]``
    ``description`` and ``source`` (provenance: where the list came from).
``[lexicons]``
    named word lists; ``{name}`` in a pattern becomes an alternation of the escaped entries,
    longest first, with any run of spaces in an entry matching any run of whitespace.
``[parts]``
    named regex fragments; ``{NAME}`` in a pattern or another part is replaced by ``(?:part)``.
``[[patterns]]``
    rules with a stable ``id``, a ``pattern`` built from parts, ``examples`` that must match and
    ``counter_examples`` that must not (checked by ``quotetrack rules check`` and the tests).

A stage that needs more fields subclasses ``RuleFile``/``PatternRule`` in its own module; the
mapping from file name to schema is the constant ``SCHEMAS`` below. Unknown keys are rejected,
and every error names the file and the key.
"""

from __future__ import annotations

import functools
import importlib
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

import regex
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from quotetrack.errors import RulesError
from quotetrack.rulebook import contract, shortcuts
from quotetrack.rulebook.regex_cache import compile_cached

#: File name -> "module:Class" of the pydantic schema that validates it (imported lazily, so
#: that a stage module can define its own schema without import cycles).
SCHEMAS: dict[str, str] = {
    "abbreviations.toml": "quotetrack.extract.segment:AbbreviationRules",
    "attribution.toml": "quotetrack.extract.attribution:AttributionRules",
    "names.toml": "quotetrack.extract.attribution:NameRules",
    "reporting_verbs.toml": "quotetrack.extract.attribution:ReportingVerbRules",
    "scare_quotes.toml": "quotetrack.extract.quotes:ScareQuoteRules",
    "quote_eval.toml": "quotetrack.evaluate.quotes:QuoteEvalRules",
    "quote_marks.toml": "quotetrack.extract.segment:QuoteMarkRules",
    "compare.toml": "quotetrack.compare.rules:CompareRules",
    "numbers.toml": "quotetrack.extract.numbers:NumberRules",
    "casualties.toml": "quotetrack.rulebook.claim_rules:CasualtyRules",
    "victims.toml": "quotetrack.rulebook.claim_rules:VictimRules",
    "claimants.toml": "quotetrack.rulebook.claim_rules:ClaimantRules",
    "claim_context.toml": "quotetrack.rulebook.claim_rules:ClaimContextRules",
}

# {NAME} refers to a part or lexicon; \p{Lu}, \P{L} and \N{...} are regex syntax, not references.
#: longest expansion of a pattern or part (today's rules need under 100,000 characters).
MAX_EXPANDED_CHARS = 1_000_000
REFERENCE = regex.compile(r"(?<!\\[pPN])\{([A-Za-z_][A-Za-z0-9_]*)\}")
ID_PATTERN = r"^[a-z0-9][a-z0-9_.\-]*$"
CHECK_TIMEOUT_S = 1.0


class StrictModel(BaseModel):
    """Base for rule schemas: unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleMeta(StrictModel):
    """Provenance of a rules file."""

    description: str
    source: str = ""


class PatternRule(StrictModel):
    """One named pattern with the examples that document and test it."""

    id: str = Field(pattern=ID_PATTERN)
    pattern: str
    description: str = ""
    ignore_case: bool = False
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)


class RuleFile(StrictModel):
    """Skeleton shared by every rules file; stages subclass it to add typed sections."""

    meta: RuleMeta
    lexicons: dict[str, list[str]] = Field(default_factory=dict)
    parts: dict[str, str] = Field(default_factory=dict)
    patterns: list[PatternRule] = Field(default_factory=list)

    path: ClassVar[str] = ""
    _compiled: dict[str, regex.Pattern[str]] = PrivateAttr(default_factory=dict)
    _expanded: dict[str, str] = PrivateAttr(default_factory=dict)  # part name -> its expansion
    _origin: str = PrivateAttr(default="")

    # -- composition -------------------------------------------------------------------------
    def expand(self, template: str, _stack: tuple[str, ...] = ()) -> str:
        """Return ``template`` with every ``{NAME}`` replaced by its part or lexicon.

        Each part is expanded once (memoised); an expansion longer than ``MAX_EXPANDED_CHARS``
        (parts that refer to other parts many times over grow exponentially) is a RulesError.
        """

        def replace(match: regex.Match[str]) -> str:
            name = match.group(1)
            if name in _stack:
                chain = " -> ".join(_stack + (name,))
                raise RulesError(f"{self._origin}: parts.{name}: refers to itself ({chain})")
            if name in self.parts:
                expanded = self._expanded.get(name)
                if expanded is None:
                    expanded = "(?:" + self.expand(self.parts[name], _stack + (name,)) + ")"
                    self._expanded[name] = expanded
                return expanded
            if name in self.lexicons:
                return "(?:" + self.lexicon_regex(self.lexicons[name]) + ")"
            raise RulesError(
                f"{self._origin}: {{{name}}}: no part or lexicon of that name",
                hint="define it under [parts] or [lexicons] in the same file",
            )

        size = 0

        def bounded(match: regex.Match[str]) -> str:
            nonlocal size
            text = replace(match)
            size += len(text)
            if size > MAX_EXPANDED_CHARS:
                where = f"parts.{_stack[-1]}" if _stack else f"{{{match.group(1)}}}"
                raise RulesError(
                    f"{self._origin}: {where}: expands to over {MAX_EXPANDED_CHARS:,} characters "
                    "(parts that refer to other parts many times over)",
                    hint="refer to a part once and repeat it with a quantifier, e.g. (?:{PART})+",
                )
            return text

        return REFERENCE.sub(bounded, template)

    def lexicon_regex(self, entries: Iterable[str]) -> str:
        """The regex a lexicon expands to (an alternation, longest entry first)."""
        return lexicon_alternation(entries)

    def compile_expanded(self, pattern: str, flags: int) -> regex.Pattern[str]:
        """Compile an expanded pattern (through the compiled-pattern cache)."""
        return compile_cached(pattern, flags)

    def compile(
        self, template: str, ignore_case: bool = False, key: str | None = None
    ) -> regex.Pattern[str]:
        """Compile ``template`` (after expansion) once and cache it under ``key``."""
        cache_key = key if key is not None else f"{ignore_case}:{template}"
        compiled = self._compiled.get(cache_key)
        if compiled is None:
            flags = regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0)
            try:
                compiled = self.compile_expanded(self.expand(template), flags)
            except regex.error as exc:
                raise RulesError(
                    f"{self._origin}: {key or template[:40]}: bad regex: {exc}"
                ) from None
            self._compiled[cache_key] = compiled
        return compiled

    def pattern(self, rule_id: str) -> regex.Pattern[str]:
        """The compiled pattern of the rule with id ``rule_id``."""
        for rule in self.patterns:
            if rule.id == rule_id:
                return self.compile(rule.pattern, rule.ignore_case, key="pattern:" + rule.id)
        raise KeyError(rule_id)

    def compiled_patterns(self) -> list[tuple[PatternRule, regex.Pattern[str]]]:
        """Every pattern rule with its compiled regex, in file order."""
        return [(rule, self.pattern(rule.id)) for rule in self.patterns]

    def lexicon_set(self, name: str, lower: bool = True) -> frozenset[str]:
        """A lexicon as a set of entries (lower-cased unless ``lower`` is false)."""
        entries = self.lexicons.get(name, [])
        return frozenset(e.lower() for e in entries) if lower else frozenset(entries)

    # -- checking ----------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Compile every pattern and test its examples; return problems, each naming file and id."""
        problems: list[str] = []
        seen: set[str] = set()
        for index, rule in enumerate(self.patterns):
            where = f"{self._origin}: patterns[{index}] (id={rule.id})"
            if rule.id in seen:
                problems.append(f"{where}: duplicate id")
            seen.add(rule.id)
            try:
                compiled = self.pattern(rule.id)
            except RulesError as exc:
                problems.append(exc.message)
                continue
            problems.extend(check_examples(where, compiled, rule.examples, rule.counter_examples))
        for name in self.parts:
            try:
                self.compile(self.parts[name], key="part:" + name)
            except RulesError as exc:
                problems.append(exc.message)
        problems.extend(self.extra_checks())
        return problems

    def extra_checks(self) -> list[str]:
        """Stage-specific checks of a subclass (e.g. expected values); none by default."""
        return []


def check_examples(
    where: str,
    compiled: regex.Pattern[str],
    examples: Iterable[str],
    counter_examples: Iterable[str],
) -> list[str]:
    """Problems with a compiled pattern's examples (must match) and counter-examples (must not)."""
    problems: list[str] = []
    for text, should_match in [(e, True) for e in examples] + [
        (c, False) for c in counter_examples
    ]:
        try:
            found = compiled.search(text, timeout=CHECK_TIMEOUT_S) is not None
        except TimeoutError:
            problems.append(
                f"{where}: took over {CHECK_TIMEOUT_S}s on {text!r} (catastrophic backtracking?)"
            )
            continue
        if found != should_match:
            kind = "example does not match" if should_match else "counter-example matches"
            problems.append(f"{where}: {kind}: {text!r}")
    return problems


def lexicon_alternation(entries: Iterable[str]) -> str:
    """Regex alternation of literal entries, longest first; spaces match any whitespace run."""
    unique = sorted(set(entries), key=lambda e: (-len(e), e))
    return "|".join(
        r"\s+".join(regex.escape(part) for part in entry.split())
        for entry in unique
        if entry.strip()
    )


def default_rules_dir() -> Path:
    """The rules shipped with the package (inside the wheel) or beside it (source checkout)."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


def schema_for(file_name: str) -> type[RuleFile]:
    """The pydantic schema class that validates ``file_name``."""
    target = SCHEMAS.get(file_name)
    if target is None:
        raise RulesError(
            f"{file_name}: unknown rules file", hint=f"known files: {', '.join(sorted(SCHEMAS))}"
        )
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def format_validation_error(origin: str, exc: ValidationError) -> str:
    """One line per problem: ``file: key.path: message``."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in err["loc"]).replace(
            ".[", "["
        )
        lines.append(f"{origin}: {loc or '(top level)'}: {err['msg']}")
    return "\n".join(lines)


def load_rule_file(path: Path, schema: type[RuleFile] | None = None) -> RuleFile:
    """Read and validate one rules file; raises RulesError naming the file and the key."""
    origin = str(path)
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"{origin}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RulesError(f"{origin}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{origin}: invalid TOML: {exc}") from None
    model = schema or schema_for(path.name)
    try:
        rule_file = model.model_validate(raw)
    except ValidationError as exc:
        raise RulesError(
            format_validation_error(origin, exc),
            hint="see rules/README.md for the keys each file takes",
        ) from None
    rule_file._origin = origin
    return rule_file


class RuleSet:
    """All rules files of one directory, validated; files are looked up by name."""

    def __init__(self, directory: Path, files: dict[str, RuleFile]) -> None:
        self.directory = directory
        self.files = files

    def get(self, file_name: str) -> Any:
        """The validated rules file ``file_name`` (its schema's type)."""
        try:
            return self.files[file_name]
        except KeyError:
            raise RulesError(
                f"{self.directory / file_name}: missing rules file",
                hint="copy it from the packaged rules (see `quotetrack rules check`) "
                "or drop --rules",
            ) from None

    def check(self) -> list[str]:
        """Every problem of every file (empty when all patterns and examples pass)."""
        problems: list[str] = []
        for rule_file in self.files.values():
            problems.extend(rule_file.check())
        return problems

    def warnings(self) -> list[str]:
        """One line per speed shortcut these rules turn off (``shortcuts``): slower, same
        results."""
        return shortcuts.warnings(self.files)


def _signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(directory.glob("*.toml"))
    )


@functools.lru_cache(maxsize=8)
def _load_cached(directory: Path, signature: tuple[tuple[str, int, int], ...]) -> RuleSet:
    files = {name: load_rule_file(directory / name) for name, _, _ in signature}
    missing = sorted(set(SCHEMAS) - set(files))
    if missing:
        raise RulesError(
            f"{directory}: missing rules file(s): {', '.join(missing)}",
            hint="a --rules directory must hold every rules file (copy the packaged ones and edit)",
        )
    broken = contract_problems(files)
    if broken:
        raise RulesError(
            "\n".join(broken),
            hint="the code looks these up by name (quotetrack/rulebook/contract.py): "
            "restore the name, or change the code and the contract together",
        )
    return RuleSet(directory, files)


def contract_problems(files: dict[str, RuleFile]) -> list[str]:
    """What the code needs (``contract.CONTRACT``) and the loaded ``files`` lack, one line each."""
    problems: list[str] = []
    for name, rule_file in files.items():
        links = [*getattr(rule_file, "uses", []), *getattr(rule_file, "imports", [])]
        linked = [files[link] for link in links if link in files]
        problems += contract.missing(name, rule_file._origin, rule_file, linked)
    return problems


def load_ruleset(directory: Path | str | None = None) -> RuleSet:
    """Load (once per directory state) and validate every ``*.toml`` rules file."""
    path = Path(directory) if directory is not None else default_rules_dir()
    if not path.is_dir():
        raise RulesError(
            f"{path}: rules directory not found", hint="pass --rules DIR with the rules files"
        )
    return _load_cached(path.resolve(), _signature(path))
