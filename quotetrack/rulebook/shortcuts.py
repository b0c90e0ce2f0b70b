"""Which speed shortcuts the loaded rules allow, and what an edit that turns one off costs.

The shortcuts are derived from the rules by reading their patterns (``source``, ``keywords``,
``scan``); an edit may make one impossible, which changes no result but slows a run down.
``quotetrack rules check`` prints one warning line per shortcut that is off (``warnings``).
The costs are measured on the eval texts (process time of the stage, this machine; see
``benchmarks/README.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from quotetrack.rulebook.nominal_shape import ShapeOff
from quotetrack.rulebook.scan import prefilter_source

CUE_COST = "the attribution stage runs about 1.3-1.6x slower"
CLAIM_COST = (
    "the rule's regex then runs at every count of every sentence with a casualty word; "
    "with no rule pre-filtered the claims stage runs about 1.5x slower"
)

WORD_TEST_COST = "the attribution stage runs about 1.05-1.1x slower"
TAIL_COST = "the attribution stage runs about 1.03-1.05x slower"


def cue_prefilter(files: Mapping[str, Any]) -> list[str]:
    """The reporting-cue pre-filter (``scan.Scanner``): pattern ``cue`` must be a lexicon
    alternation between letter look-arounds, read the same way by ``re`` and ``regex``."""
    attribution = files.get("attribution.toml")
    if attribution is None or "cue" not in {r.id for r in attribution.patterns}:
        return []  # the contract check reports a missing pattern
    cue = attribution.pattern("cue")
    if prefilter_source(cue.pattern) is not None and not cue.flags & ~_PLAIN_FLAGS:
        return []
    return [
        f"warning: {attribution._origin}: pattern 'cue' is no longer a lexicon alternation "
        f"between letter look-arounds: the reporting-cue pre-filter is off ({CUE_COST})"
    ]


def claim_prefilters(files: Mapping[str, Any]) -> list[str]:
    """The literal pre-filter of each casualty rule (``keywords.pattern_literals``): one side of
    ``{COUNT}`` must hold a literal that every match holds."""
    casualties = files.get("casualties.toml")
    if casualties is None:
        return []
    casualties.link([files[name] for name in casualties.uses if name in files])
    out = []
    for rule in casualties.patterns:
        if rule.borrows:  # tried only after another claim of the sentence, which was pre-filtered
            continue
        before, _, after = rule.pattern.partition("{COUNT}")
        sides = [casualties.literals(side) for side in (before, after) if side]
        if not any(side.inside for side in sides):
            out.append(
                f"warning: {casualties._origin}: pattern {rule.id!r} holds no literal that every "
                f"match must hold: its pre-filter is off ({CLAIM_COST})"
            )
    return out


def nominal_shortcuts(files: Mapping[str, Any]) -> list[str]:
    """Attribution's word test before ``subject-nominal`` and its ``subject-cue`` without the
    nominal's trailing phrase (``nominal_shape``): part ``NOMINAL`` and pattern
    ``subject-nominal`` must keep the shapes that module describes."""
    attribution = files.get("attribution.toml")
    if attribution is None or "subject-nominal" not in {r.id for r in attribution.patterns}:
        return []  # the contract check reports a missing pattern
    out = []
    for read, shortcut, cost in (
        (attribution.word_shape, "the word test before subject-nominal", WORD_TEST_COST),
        (attribution.tail, "subject-cue without NOMINAL's trailing phrase", TAIL_COST),
    ):
        try:
            read()
        except ShapeOff as exc:
            out.append(f"warning: {attribution._origin}: {exc}: {shortcut} is off ({cost})")
    return out


_PLAIN_FLAGS = regex.VERSION0 | regex.UNICODE  # no case folding, verbose mode ... (as Scanner)
SHORTCUTS = (cue_prefilter, claim_prefilters, nominal_shortcuts)


def warnings(files: Mapping[str, Any]) -> list[str]:
    """One line per speed shortcut the rules in ``files`` turn off (empty for the shipped rules)."""
    return [line for shortcut in SHORTCUTS for line in shortcut(files)]
