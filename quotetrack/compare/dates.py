"""The date of an article read from its text, for articles whose metadata has none.

News texts open with a dateline or a byline date ("JAKARTA, July 2 (Reuters) -", "Posted
11/28/05 7:21 AM", "Tuesday, 2 July 2013"). The first date that the ``date.dateline`` pattern of
``rules/compare.toml`` finds near the top of the text is parsed with python-dateutil (month first
for numeric dates, strict: a date needs a day, a month and a year). The pattern fixes the shapes a
date can have, so dateutil's parser (about 0.2 ms a date) does the job of dateparser's (about
15 ms, as it also reads relative dates, time zones and other languages, which a dateline never
needs). Where a date came from
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


#: two fill-in dates differing in year, month and day: a date read the same against both has
#: all three written (dateutil fills what is missing from its ``default``)
_FILL_INS = (dt.datetime(2001, 1, 1), dt.datetime(2002, 2, 2))


@lru_cache(maxsize=4096)
def parse_date_text(text: str) -> dt.date | None:
    """A date from a date as written ("Nov 27, 2005", "11 / 28 / 05"), None when not one."""
    from dateutil import parser  # imported on first use: only undated articles need it

    written = " ".join(text.split())
    try:
        read = [parser.parse(written, default=fill_in, dayfirst=False) for fill_in in _FILL_INS]
    except (ValueError, OverflowError):  # no date, or no such day ("2/30/2013")
        return None
    days = {r.date() for r in read}
    return days.pop() if len(days) == 1 else None


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
