"""The date of an article read from its text, for articles whose metadata has none.

News texts open with a dateline or a byline date ("JAKARTA, July 2 (Reuters) -", "Posted
11/28/05 7:21 AM", "Tuesday, 2 July 2013"). The first date that the ``date.dateline`` pattern of
``rules/compare.toml`` finds near the top of the text is parsed with dateparser (English, month
first for numeric dates, strict: a date needs a day, a month and a year). Where a date came from
is kept beside it (``DATE_SOURCES``), so that a report can say which dates were read, not given.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal

import regex

DateSource = Literal["metadata", "text", "none"]
DATE_SOURCES: tuple[DateSource, ...] = ("metadata", "text", "none")
HEAD_CHARS = 400  # how far into the text a dateline or byline date is looked for


@lru_cache(maxsize=4096)
def parse_date_text(text: str) -> dt.date | None:
    """A date from a date as written ("Nov 27, 2005", "11 / 28 / 05"), None when not one."""
    import dateparser  # imported on first use: only undated articles need it

    found = dateparser.parse(
        " ".join(text.split()),
        languages=["en"],
        settings={"STRICT_PARSING": True, "DATE_ORDER": "MDY", "PREFER_DAY_OF_MONTH": "first"},
    )
    return found.date() if found is not None else None


def text_date(text: str, pattern: regex.Pattern[str]) -> dt.date | None:
    """The first date written near the top of ``text`` (its dateline or byline), or None."""
    for m in pattern.finditer(text[:HEAD_CHARS]):
        day = parse_date_text(m.group())
        if day is not None:
            return day
    return None


def article_date(
    published: str | None, text: str, pattern: regex.Pattern[str]
) -> tuple[str | None, DateSource]:
    """(the article's ISO date, where it came from): its metadata, else its text, else none."""
    if published:
        return published, "metadata"
    day = text_date(text, pattern)
    return (day.isoformat(), "text") if day is not None else (None, "none")
