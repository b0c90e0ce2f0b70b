"""The ``quotetrack`` command line: a thin typer shell over the library.

``app`` is the typer application; importing this package registers every command on it
(``commands``: run, quotes, claims, compare, rules, eval; ``tracker``: add, export, recompare,
status, timeline, report). ``main`` is the console script's entry point.
"""

from __future__ import annotations

from quotetrack.cli import commands, tracker  # noqa: F401  (register their commands on the app)
from quotetrack.cli.app import app
from quotetrack.cli.boundary import exit_on_sigterm, guard_streams

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the console script."""
    guard_streams()
    exit_on_sigterm()
    app()
