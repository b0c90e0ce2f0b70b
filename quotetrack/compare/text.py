"""Text normalisation for comparing quotes and articles across outlets.

Normalisation is for matching only (offsets always point into the original text): quote marks,
case, punctuation, dashes, ellipses and editorial brackets are folded so that "Where is the
honor?" and “where is the honor” compare equal.
"""

from __future__ import annotations

import regex

WORD_RE = regex.compile(r"[\p{L}\p{N}]+(?:['\u2019][\p{L}]+)*")
EDITORIAL_RE = regex.compile(r"\[(?:\.\.\.|\u2026|sic)\]|[\[\]]", regex.IGNORECASE)
TYPOGRAPHY = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2014": "-",
        "\u2013": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
)
#: the quotation marks ``inner`` strips from a quote's ends
EDGE_MARKS = "\"'\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb\u2039\u203a`"
#: the characters of Unicode's White_Space property (what ``\s`` of the regex module matches)
WHITE_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)
#: what ``inner`` strips from both ends
EDGE_CHARS = EDGE_MARKS + WHITE_SPACE


def inner(text: str) -> str:
    """The quoted words without the surrounding quotation marks and spaces."""
    return text.strip(EDGE_CHARS)


def typographic(text: str) -> str:
    """``text`` with curly marks, dashes, ellipses and spaces folded (wording and punctuation
    kept)."""
    return typographic_inner(inner(text))


def typographic_inner(text: str) -> str:
    """``typographic`` of a text already stripped by ``inner``."""
    # split() breaks at what ``\s`` matches (and four control characters news never holds)
    return " ".join(text.translate(TYPOGRAPHY).split())


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (editorial brackets dropped, apostrophes folded)."""
    text = text.replace("\u2019", "'")
    if "[" in text or "]" in text:  # every editorial mark holds a bracket
        text = EDITORIAL_RE.sub(" ", text)
    return WORD_RE.findall(text.lower()) if text.isascii() else _lowered(text)


def _lowered(text: str) -> list[str]:
    return [w.lower() for w in WORD_RE.findall(text)]


def shingles(tokens: list[str], size: int) -> set[tuple[str, ...]]:
    """Word n-grams of ``tokens`` (the whole sequence when it is shorter than ``size``)."""
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}
