"""Shared fixtures: the packaged rule set, the repository and the shared evaluation data."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotetrack.rules import RuleSet, load_ruleset

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    """The rules shipped with the project."""
    return load_ruleset()
