"""Making ingested values safe to store and write: valid Unicode text, bounded nesting.

Python strings can hold what no UTF-8 file can: lone surrogates (``"\\ud800"`` in JSON, or the
``surrogateescape`` characters of a file name or argument with a non-UTF-8 byte). JSON values can
also nest deeper than any writer's recursion allows. ``valid_item`` gives an article or issue
whose every string field and metadata value is valid text, with values nested deeper than
``MAX_DEPTH`` dropped, and a warning issue saying what was changed.
"""

from __future__ import annotations

import os
from typing import Any

import regex

from quotetrack.models import Article, Issue

SURROGATE = regex.compile(r"[\ud800-\udfff]")
#: metadata values nested deeper than this are dropped (JSON writers recurse once per level).
MAX_DEPTH = 32
#: an article's or issue's short string fields that can come from a file name, argument or JSON.
ARTICLE_FIELDS = ("doc_id", "outlet", "url", "published", "title", "source")
ISSUE_FIELDS = ("doc_id", "source", "message")


def valid_str(value: str) -> tuple[str, int]:
    """``value`` as valid text: a file name's undecodable bytes (surrogate escapes) decoded with
    replacement, any other lone surrogate replaced by U+FFFD; and how many were replaced."""
    if not SURROGATE.search(value):
        return value, 0
    try:  # a file name or argument read with surrogateescape: recover its bytes
        raw = os.fsencode(value)
        fixed = raw.decode("utf-8", errors="replace")
        if not SURROGATE.search(fixed):
            return fixed, max(1, fixed.count("\ufffd"))
    except (UnicodeError, ValueError):
        pass
    return SURROGATE.subn("\ufffd", value)


class _Scrub:
    """Counts what ``value`` changed while making nested values valid."""

    def __init__(self) -> None:
        self.replaced = 0
        self.dropped = 0

    def value(self, value: Any, depth: int = 0) -> Any:
        """``value`` with valid strings (keys too) and nothing nested deeper than MAX_DEPTH."""
        if isinstance(value, str):
            text, n = valid_str(value)
            self.replaced += n
            return text
        if isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                self.dropped += 1
                return None
            if isinstance(value, list):
                return [self.value(v, depth + 1) for v in value]
            return {self.value(str(k)): self.value(v, depth + 1) for k, v in value.items()}
        return value


def scrub(value: Any) -> tuple[Any, int, int]:
    """``value`` made valid: (clean value, strings replaced, values dropped for depth)."""
    scrubber = _Scrub()
    clean = scrubber.value(value)
    return clean, scrubber.replaced, scrubber.dropped


def _needs_scrub(value: Any) -> bool:
    if isinstance(value, str):
        return SURROGATE.search(value) is not None
    return value is not None and not isinstance(value, int | float | bool)


def valid_item(item: Article | Issue) -> list[Article | Issue]:
    """The item with valid text in every string field and metadata value, preceded by a warning
    issue when anything had to change (the common case, nothing to change, costs a few scans)."""
    names = ARTICLE_FIELDS if isinstance(item, Article) else ISSUE_FIELDS
    fields = {name: getattr(item, name) for name in names}
    metadata = item.metadata if isinstance(item, Article) else None
    if not any(_needs_scrub(v) for v in fields.values()) and not (
        metadata and any(_needs_scrub(v) for v in metadata.values())
    ):
        return [item]
    scrubber = _Scrub()
    update = {name: scrubber.value(v) for name, v in fields.items()}
    if metadata is not None:
        update["metadata"] = scrubber.value(metadata)
    if not scrubber.replaced and not scrubber.dropped:
        return [item]
    clean = item.model_copy(update=update)
    what = []
    if scrubber.replaced:
        what.append(f"{scrubber.replaced} invalid characters (lone surrogates) replaced by U+FFFD")
    if scrubber.dropped:
        what.append(f"{scrubber.dropped} values nested deeper than {MAX_DEPTH} levels dropped")
    warning = Issue(
        doc_id=clean.doc_id,
        source=clean.source,
        line=clean.line,
        severity="warning",
        code="invalid_text",
        message="; ".join(what),
    )
    return [warning, clean]
