"""The text folding that quote matching compares with (quotetrack.compare.text)."""

from __future__ import annotations

import regex

from quotetrack.compare.dates import parse_date_text
from quotetrack.compare.text import EDGE_MARKS, WHITE_SPACE, inner, typographic

EVERY_CHARACTER = "".join(map(chr, range(0x3100)))  # past the last White_Space character


def test_white_space_is_what_the_regex_module_calls_a_space() -> None:
    assert set(WHITE_SPACE) == set(regex.findall(r"\s", EVERY_CHARACTER))


def test_inner_strips_marks_and_spaces_at_both_ends_only() -> None:
    assert inner('\u00a0\u201c "Not \u2018here\u2019," she said\u201d \n') == (
        'Not \u2018here\u2019," she said'
    )
    assert inner("\u201c\u201d  ") == ""
    assert inner("plain words") == "plain words"
    assert all(inner(f"{mark}x{mark}") == "x" for mark in EDGE_MARKS)


def test_typographic_folds_marks_dashes_and_runs_of_space() -> None:
    folded = typographic("\u201cWe \u2014 all\u00a0of us \u2026\t\u2018won\u2019t\u2019 go\u201d")
    assert folded == "We - all of us ... 'won't' go"


def test_dateline_dates_need_a_day_a_month_and_a_year() -> None:
    assert str(parse_date_text("Tuesday, 2 July 2013")) == "2013-07-02"
    assert str(parse_date_text("Jul. 2nd, 2013")) == "2013-07-02"
    assert str(parse_date_text("7 / 2 / 13")) == "2013-07-02"  # month first
    assert str(parse_date_text("11/28/05")) == "2005-11-28"
    assert parse_date_text("2/30/2013") is None  # no such day
    assert parse_date_text("July 2013") is None  # no day: never guessed
    assert parse_date_text("no date here") is None
