"""Shared fixtures: the packaged rule set, the repository and the shared evaluation data."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
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


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    """``records`` written to ``path`` as JSON Lines; returns the path."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


BLAST_CITIES = ("Karachi", "Lahore", "Quetta", "Peshawar", "Multan", "Sialkot")


def several_incidents(folder: Path) -> Path:
    """One blast per city, each told by two outlets with figures far apart (a flag each)."""
    records = [
        {
            "id": f"{city.lower()}-{side}",
            "outlet": f"Outlet {side}",
            "published": f"2024-03-{10 + n:02d}",
            "text": f"{city.upper()} - A bomb blast in {city} on Tuesday killed {figure} people, "
            "police said.\n",
        }
        for n, city in enumerate(BLAST_CITIES)
        for side, figure in (("a", 4), ("b", 40))
    ]
    return write_jsonl(folder / "blasts.jsonl", records)


@pytest.fixture
def ticking(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The comparison's clock made to advance one second each time it is read."""
    import quotetrack.compare.budget as budget

    now = [0.0]

    def clock() -> float:
        now[0] += 1.0
        return now[0]

    monkeypatch.setattr(budget, "CLOCK", clock)
    yield now
