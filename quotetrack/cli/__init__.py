"""The ``quotetrack`` command line: a thin typer shell over the library.

``app`` is the typer application; importing ``quotetrack.cli.commands`` registers every command
on it (``commands``: run, quotes, claims, compare, rules, eval; ``tracker``: add, export,
recompare, status, timeline, report). ``main`` is the console script's entry point; it answers
``quotetrack --version`` before importing typer.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the console script."""
    if sys.argv[1:] == ["--version"]:  # the one answer that needs no command line framework
        from quotetrack import __version__

        print(f"quotetrack {__version__}")
        return
    from quotetrack.cli import commands  # noqa: F401  (registers every command)
    from quotetrack.cli.boundary import exit_on_sigterm, guard_streams
    from quotetrack.cli.shell import app

    guard_streams()
    exit_on_sigterm()
    app()


def __getattr__(name: str) -> Any:
    """``app``, with every command registered, imported on first use."""
    if name != "app":
        raise AttributeError(f"module 'quotetrack.cli' has no attribute {name!r}")
    from quotetrack.cli import commands  # noqa: F401
    from quotetrack.cli.shell import app

    return app
