"""The keyword scanner finds whole words case-insensitively, with offsets into the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.rulebook.keywords import KeywordScanner


def test_whole_words_only_and_offsets() -> None:
    scanner = KeywordScanner(["killed", "toll", "death toll"])
    text = "The Death Toll rose; tolls and unkilled men; KILLED."
    spans = scanner.find(text)
    assert [text[s:e] for s, e in spans] == ["Death Toll", "Toll", "KILLED"]


def test_text_whose_lower_case_is_longer_keeps_offsets() -> None:
    scanner = KeywordScanner(["killed"])
    text = "\u0130stanbul: two killed."  # 'İ' lower-cases to two characters
    (span,) = scanner.find(text)
    assert text[span[0] : span[1]] == "killed"


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab KILLEDkilled.\u0130-")), max_size=60))
def test_scanner_agrees_with_a_plain_search(text: str) -> None:
    import regex

    scanner = KeywordScanner(["killed", "led"])
    expected = [
        (m.start(), m.end())
        for m in regex.finditer(r"(?i)(?<![\p{L}\p{N}])(?:killed|led)(?![\p{L}\p{N}])", text)
    ]
    assert scanner.find(text) == expected


# -- literal pre-filters (keywords.pattern_literals): what they promise holds for every match ------


def test_case_fold_extras_are_what_regex_folds_differently_from_lower() -> None:
    """CASE_FOLD_EXTRAS: the non-ASCII characters that a case-insensitive regex matches to an ASCII
    letter while str.lower() does not give that letter (derived from regex itself)."""
    import regex

    from quotetrack.rulebook.keywords import CASE_FOLD_EXTRAS

    everything = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    odd = {
        c
        for c in regex.findall(r"(?i)[a-z]", everything, flags=regex.VERSION0)
        if not ("a" <= c.lower() <= "z" and len(c.lower()) == 1)
    }
    assert odd == set(CASE_FOLD_EXTRAS)
    # every character regex's \s matches is one str.isspace (and the stdlib's \s) skips
    assert all(c.isspace() for c in regex.findall(r"\s", everything + "\t\n\x0b\x0c\r "))


_PIECES = [
    "ab",
    "of",
    "kill",
    "ed",
    "s",
    "\\s+",
    "\\s*",
    " ",
    "\\b",
    "[a-z]",
    "\\d+",
    ".",
    "\\.",
    "-",
    "x?",
    "(?:ab|kill)",
    "(?:of\\s+)?",
    "(?=b)",
    "(?<!a)",
    "(?:s|ed)+",
    "{L}",
    "(?:{L})?",
    "a{1,2}",
    "(?i:K)",
]
_TOKENS = [
    "ab",
    "of",
    "kill",
    "KILL",
    "killed",
    "ed",
    "s",
    "a",
    "b",
    " ",
    "  ",
    ".",
    "-",
    "1",
    "x",
    "\n",
    "Of",
    "shot dead",
    "no.",
    "\u212a",
    "year-old",
    "in custody",
]
_ENTRIES = ["kill", "killed", "shot dead", "in custody", "no.", "ab", "-year-old"]


@st.composite
def _patterns(draw) -> str:
    pieces = draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=5))
    pattern = "".join(pieces)
    if draw(st.booleans()):
        pattern = (
            pattern
            + "|"
            + "".join(draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=3)))
        )
    return pattern


def _check_literals(pattern: str, texts: list[str]) -> None:
    """inside: a literal occurs in the match; lead/trail: the match, blanks stripped, starts/ends
    with one (unless it is blank); blank false: never blank -- for every match at every start and
    end."""
    import regex

    from quotetrack.rulebook.keywords import (
        CASE_FOLD_EXTRAS,
        compile_with_lists,
        lexicon_literals,
        lexicon_pattern,
        pattern_literals,
    )

    expanded = pattern.replace("{L}", "(?:" + lexicon_pattern(_ENTRIES) + ")")
    compiled = compile_with_lists("(?:" + expanded + ")", regex.VERSION0)
    found = pattern_literals(
        pattern, resolve=lambda name: lexicon_literals(_ENTRIES) if name == "L" else None
    )
    assert found == pattern_literals("(?:" + expanded + ")")  # a reference reads as its expansion
    for text in texts:
        if any(c in text for c in CASE_FOLD_EXTRAS):
            continue
        for start in range(len(text) + 1):
            for end in range(start, len(text) + 1):
                m = compiled.match(text, start, end)
                if m is None:
                    continue
                matched = m.group().lower()
                if found.inside is not None:
                    assert any(w in matched for w in found.inside), (pattern, matched)
                if not found.blank:
                    assert matched.strip(), (pattern, matched)
                if matched.strip() and found.lead is not None:
                    assert matched.lstrip().startswith(tuple(found.lead)), (pattern, matched)
                if matched.strip() and found.trail is not None:
                    assert matched.rstrip().endswith(tuple(found.trail)), (pattern, matched)


_TEXTS = [
    "kill of ab",
    " Kill",
    "  killed  ",
    "ab-kill.s",
    "of  kill",
    "x shot dead 1",
    "in  custody no.",
    "abab eds",
    "KILLED of\nab",
    "\u212aill -year-old",
]


def test_pattern_literals_hold_for_pairs_of_pieces() -> None:
    """Every sequence of one or two pieces (and each as a branch of an alternation), on fixed
    texts."""
    for a in _PIECES:
        for b in _PIECES:
            for pattern in (a + b, a + "|" + b, "(?i)" + a + b, "(?r)" + a + b):
                _check_literals(pattern, _TEXTS)


@settings(max_examples=300, deadline=None)
@given(
    pattern=_patterns(),
    flags=st.sampled_from(["", "(?i)", "(?r)"]),
    texts=st.lists(
        st.lists(st.sampled_from(_TOKENS), max_size=8).map("".join), min_size=1, max_size=4
    ),
)
def test_pattern_literals_hold_for_every_match(pattern: str, flags: str, texts: list[str]) -> None:
    """Longer random patterns on random texts of the same words."""
    _check_literals(flags + pattern, texts)


def test_pattern_literals_give_up_on_what_they_do_not_read() -> None:
    from quotetrack.rulebook.keywords import UNKNOWN, pattern_literals

    for pattern in [
        "(?x)a b",
        "(?f)kill",
        "(a)\\1",
        "[[:alpha:]]kill",
        "kill{e<=1}",
        "(?V1)kill",
        "kill)",
    ]:
        assert pattern_literals(pattern) == UNKNOWN, pattern
    assert pattern_literals("death\\s+tolls?\\b").inside == frozenset({"death"})
    assert pattern_literals("death\\s+tolls?\\b").trail == frozenset({"toll", "s"})
    assert pattern_literals("\\s+of\\s+(?:the\\s+)?").lead == frozenset({"of"})


@settings(max_examples=200, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(list("ab kill of.\nK\u0130\u017f") + ["killed", "of the"]), max_size=20
    ).map("".join),
    lo=st.integers(0, 40),
    hi=st.integers(0, 40),
)
def test_literal_hits_answer_like_a_plain_search(text: str, lo: int, hi: int) -> None:
    """LiteralIndex.scan/holds/starts_with/ends_with on a part of a text: the same answers as
    searching the lower-cased slice."""
    from quotetrack.rulebook.keywords import LiteralIndex

    index = LiteralIndex([frozenset({"kill", "of"}), frozenset({"ab"})])
    start, end = min(lo, len(text)), min(max(lo, hi), len(text))
    hits = index.scan(text, start, end)
    if hits is None:
        assert "\u0130" in text[start:end] or "\u017f" in text[start:end]
        return
    for a in range(start, end + 1):
        for b in range(a, end + 1):
            window = text[a:b].lower()
            assert hits.holds(0, a, b) == ("kill" in window or "of" in window)
            assert hits.holds(1, a, b) == ("ab" in window)
            assert hits.starts_with(a, b, ("of", "kill")) == window.lstrip().startswith(
                ("of", "kill")
            )
            assert hits.ends_with(a, b, ("of", "kill")) == window.rstrip().endswith(("of", "kill"))
