"""Shared fixtures: the packaged rule set, the repository and the shared evaluation data."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from quotetrack.rulebook.ruleset import RuleSet, load_ruleset

# the compiled-pattern cache of this test session (and of the CLI processes it starts): compiled
# once per run, never written to the user's own cache directory
if "QUOTETRACK_REGEX_CACHE" not in os.environ:
    os.environ["QUOTETRACK_REGEX_CACHE"] = tempfile.mkdtemp(prefix="quotetrack-test-regex-")
    atexit.register(shutil.rmtree, os.environ["QUOTETRACK_REGEX_CACHE"], True)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    """The rules shipped with the project."""
    return load_ruleset()
