"""The options of a run, in one object: how inputs are read, the per-document limits, the rules
and the comparison's tolerances. The CLI builds one ``RunOptions`` from its flags; the library
(``quotetrack.run``, ``run_to_directory``, ``extract_texts``), the store and the Dask engine
take it (or the same names as flat keyword arguments).

The comparison's four user-facing knobs (``window_days``, ``tolerance``,
``syndication_threshold``, ``quote_similarity``) are ``None`` unless given: ``None`` means the
default, or, for the store, the value it remembers from the last add or recompare.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from quotetrack.compare import CompareOptions
from quotetrack.compare.budget import CompareBudget
from quotetrack.models import DateOrder
from quotetrack.pipeline.ingest import IngestOptions
from quotetrack.pipeline.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_CHARS, DEFAULT_TIME_BUDGET_S

if TYPE_CHECKING:
    from quotetrack.pipeline.extractor import Extractor

#: the comparison knobs of ``RunOptions``: (section of ``CompareOptions``, field, CLI flag).
COMPARE_KNOBS = {
    "window_days": ("grouping", "window_days", "--window-days"),
    "tolerance": ("flags", "tolerance", "--tolerance"),
    "syndication_threshold": ("syndication", "threshold", "--syndication-threshold"),
    "quote_similarity": ("quotes", "min_similarity", "--quote-similarity"),
}
#: the comparison's default budget, in documents' time budgets (plus a tenth per document)
COMPARE_BUDGET_DOCUMENTS = 60


class RunOptions(BaseModel):
    """Every option of a run (reading, limits, rules, comparison). Immutable; ``None`` fields take
    their default (a comparison knob: the store's remembered value, else the default)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    rules_dir: Path | None = Field(
        default=None, description="Rules directory to use instead of the packaged rules."
    )
    outlet: str | None = Field(
        default=None, description="Outlet for inputs whose metadata names none."
    )
    published: str | None = Field(
        default=None, description="Published date for inputs whose metadata gives none."
    )
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="The CSV column or JSON key holding each record field: {'text': 'body'}.",
    )
    date_order: DateOrder | None = Field(
        default=None, description="How to read an ambiguous date such as 3/4/2013 (default MDY)."
    )
    fetch: bool = Field(
        default=True, description="Download http(s):// inputs (False: refuse them)."
    )
    fetch_private: bool = Field(
        default=False, description="Also download from loopback and private addresses."
    )
    max_bytes: int = Field(
        default=DEFAULT_MAX_BYTES,
        ge=1,
        description="Largest .txt/.html file, or JSONL/CSV record, that is read (bytes).",
    )
    max_chars: int = Field(
        default=DEFAULT_MAX_CHARS, ge=1, description="Longest document processed (characters)."
    )
    time_budget_s: float | None = Field(
        default=DEFAULT_TIME_BUDGET_S,
        ge=0.0,
        description="Seconds one document may take (None or 0: no limit).",
    )
    compare_budget_s: float | None = Field(
        default=None,
        ge=0.0,
        description="Seconds the comparison may take (0: no limit; None: derived from "
        "time_budget_s, see compare_budget); incidents not reached in time get no flags and an "
        "issue row.",
    )
    jobs: int = Field(default=1, ge=0, description="Worker processes (0: one per core).")
    debug: bool = Field(default=False, description="Let an internal error's traceback through.")
    window_days: int | None = Field(
        default=None, ge=0, description="Claims of one incident may be this many days apart."
    )
    tolerance: float | None = Field(
        default=None,
        ge=1.0,
        description="Best-figure ratio above which overlapping figures diverge.",
    )
    syndication_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Share of shared 8-word n-grams that makes two articles copies of one story.",
    )
    quote_similarity: float | None = Field(
        default=None,
        ge=0.0,
        le=100.0,
        description="rapidfuzz ratio (0-100) above which two quotes count as one altered quote.",
    )
    compare_options: CompareOptions | None = Field(
        default=None,
        description="Every tolerance of the comparison (the knobs above are applied on top).",
    )

    @field_validator(
        "tolerance",
        "syndication_threshold",
        "quote_similarity",
        "time_budget_s",
        "compare_budget_s",
    )
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
        return value

    @classmethod
    def of(cls, options: RunOptions | None = None, **keywords: Any) -> RunOptions:
        """``options`` (or the defaults) with ``keywords`` (RunOptions fields) on top; an unknown
        keyword is a TypeError, a bad value a ValueError naming the option."""
        if options is not None and not isinstance(options, RunOptions):
            raise TypeError(
                f"options must be a RunOptions, not {type(options).__name__} (give rules_dir=... "
                "and the other options as keywords)"
            )
        unknown = sorted(set(keywords) - set(cls.model_fields))
        if unknown:
            raise TypeError(f"unexpected keyword argument {unknown[0]!r} (not a run option)")
        base = {n: getattr(options, n) for n in options.model_fields_set} if options else {}
        try:
            return cls(**(base | keywords))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValueError(f"run option {where}: {first['msg']}") from None

    def ingest(self) -> IngestOptions:
        """The ingest options: metadata defaults, columns, date order, downloading, size limit."""
        return IngestOptions(
            outlet=self.outlet,
            published=self.published,
            max_bytes=self.max_bytes,
            columns=dict(self.columns),
            date_order=self.date_order,
            fetch=self.fetch,
            fetch_private=self.fetch_private,
        )

    def extractor(self, **extra: Any) -> Extractor:
        """An ``Extractor`` with these rules and per-document limits (``extra``: its other
        arguments, such as ``compact=True``)."""
        from quotetrack.pipeline.extractor import Extractor
        from quotetrack.rulebook.ruleset import load_ruleset

        return Extractor(
            load_ruleset(self.rules_dir),
            max_chars=self.max_chars,
            time_budget_s=self.budget,
            **extra,
        )

    @property
    def budget(self) -> float | None:
        """The time budget for ``Extractor`` (None: no limit)."""
        return self.time_budget_s or None

    def compare_budget(self) -> CompareBudget:
        """How long the comparison may take: ``compare_budget_s`` when given, else the time of
        ``COMPARE_BUDGET_DOCUMENTS`` documents plus a tenth of a document's per document compared
        (``time_budget_s`` each; 30 minutes + 3 s per document by default), else no limit."""
        if self.compare_budget_s is not None:
            return CompareBudget(self.compare_budget_s or None)
        if not self.budget:
            return CompareBudget()
        return CompareBudget(self.budget * COMPARE_BUDGET_DOCUMENTS, self.budget / 10)

    def comparison(self, remembered: CompareOptions | None = None) -> CompareOptions:
        """The comparison options: ``compare_options``, else ``remembered``, else the defaults,
        with every knob given here applied on top."""
        options = self.compare_options or remembered or CompareOptions()
        for knob, (section, name, _flag) in COMPARE_KNOBS.items():
            value = getattr(self, knob)
            if value is not None:
                part = dataclasses.replace(getattr(options, section), **{name: value})
                options = dataclasses.replace(options, **{section: part})
        return options


def compare_options_json(options: CompareOptions) -> str:
    """``options`` as JSON text (sorted keys), as the store remembers it."""
    return json.dumps(dataclasses.asdict(options), sort_keys=True)


def compare_options_from_json(text: str | None) -> CompareOptions | None:
    """The ``CompareOptions`` of ``compare_options_json`` (None for None or unreadable text);
    fields this version lacks are dropped, fields the text lacks take their defaults."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    default = CompareOptions()
    sections: dict[str, Any] = {}
    for section in dataclasses.fields(default):
        part = getattr(default, section.name)
        given = data.get(section.name)
        if not isinstance(given, dict):
            continue
        values = {}
        for f in dataclasses.fields(part):
            if f.name in given:
                value = given[f.name]
                values[f.name] = tuple(value) if isinstance(value, list) else value
        sections[section.name] = dataclasses.replace(part, **values)
    return dataclasses.replace(default, **sections)


def compare_changes(old: CompareOptions, new: CompareOptions) -> list[str]:
    """What differs between two comparison options, one ``name old -> new`` each (the knobs by
    their CLI flag, other fields as section.field)."""
    flags = {(section, name): flag for section, name, flag in COMPARE_KNOBS.values()}
    changes = []
    for section in dataclasses.fields(old):
        a, b = getattr(old, section.name), getattr(new, section.name)
        for f in dataclasses.fields(a):
            va, vb = getattr(a, f.name), getattr(b, f.name)
            if va != vb:
                name = flags.get((section.name, f.name), f"{section.name}.{f.name}")
                changes.append(f"{name} {_show(va)} -> {_show(vb)}")
    return changes


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
