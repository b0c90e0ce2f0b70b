"""Exceptions raised by quotetrack for handled failures (never for bad article data)."""

from __future__ import annotations


class QuotetrackError(Exception):
    """A handled failure: the CLI prints ``Error: <message>`` (and the hint) and exits 1."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self) -> tuple[type, tuple[str, str | None]]:
        # raised in a worker process and re-raised in the parent: the hint travels too
        return type(self), (self.message, self.hint)


class RulesError(QuotetrackError):
    """A rules file is missing, unreadable or invalid; the message names the file and key."""


class InputError(QuotetrackError):
    """No input could be read at all (per-document problems become Issue rows instead)."""
