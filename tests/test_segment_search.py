"""A pattern searched only in the segments where a match can lie finds what finditer finds."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.compare.places import PlaceIndex
from quotetrack.rulebook.keywords import prefilterable
from quotetrack.rulebook.segments import SegmentSearch, alphabet_members

# pieces of text around the place patterns' words, with punctuation, digits and case variants
PIECES = [
    "Hama",
    "Idlib",
    "Kafr Nabl",
    "Treemseh",
    "Syria",
    "Greece",
    "Athens",
    "in",
    "IN",
    "the",
    "province",
    "Province",
    "region",
    "county",
    "state",
    "district",
    "governorate",
    "of",
    "village",
    "town",
    "near",
    "north",
    "northern",
    "outside",
    "about",
    "5",
    "km",
    "miles",
    "said",
    "people",
    "were",
    "killed",
    ",",
    ".",
    "'s",
    "\n",
    " ",
    "  ",
    "-",
    "(",
    ")",
    "\u00e9",
    "\u0130",  # a capital whose lower case is two characters: no literal pre-filter then
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join)
SYNTHETIC = [
    regex.compile(r"(?P<a>\p{Lu}\w+)\s+(?:state|province)\b"),
    regex.compile(r"\b\p{Lu}[\p{L}\-]+\s+in\s+(?:Syria|Greece)\b"),
    regex.compile(r"[a-z]+\s+county", regex.IGNORECASE),
]


def place_patterns(ruleset) -> list[regex.Pattern[str]]:
    return [pattern for pattern, _ in PlaceIndex(ruleset.get("compare.toml")).patterns]


def spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_segment_search_finds_what_finditer_finds(ruleset, text: str) -> None:
    low = text.lower()
    if not prefilterable(text, low):
        return
    for pattern in place_patterns(ruleset) + SYNTHETIC:
        search = SegmentSearch.from_pattern(pattern)
        assert search is not None, pattern.pattern
        assert spans(search.finditer(text, low)) == spans(pattern.finditer(text))


def test_matches_are_found_in_several_segments() -> None:
    pattern = SYNTHETIC[0]
    text = "Officials in Ohio state said. Then Hama province, and the Idlib province (again)."
    search = SegmentSearch.from_pattern(pattern)
    assert search is not None
    found = spans(search.finditer(text, text.lower()))
    assert len(found) == 3 and found == spans(pattern.finditer(text))


def test_patterns_that_can_hold_any_character_give_no_shortcut() -> None:
    unread = (r"\p{Lu}.+ province", r"(?<=in )\p{Lu}\w+ state", r"^\w+ county", r"[^,]+ state")
    for source in unread:
        assert SegmentSearch.from_pattern(regex.compile(source)) is None, source
    assert alphabet_members(regex.compile(r"(?i)x state")) is None  # inline flags


def test_a_named_list_adds_its_characters_to_the_alphabet() -> None:
    members = alphabet_members(regex.compile(r"\L<lands>,", lands=["Syria", "Chad"]))
    assert members is not None
    alphabet = regex.compile(f"[{members}]")
    assert all(alphabet.match(c) for c in "SyriaChd,")
    assert not any(alphabet.match(c) for c in "xZ. ")
