"""The keyword scanner finds whole words case-insensitively, with offsets into the original text."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from quotetrack.keywords import KeywordScanner


def test_whole_words_only_and_offsets() -> None:
    scanner = KeywordScanner(["killed", "toll", "death toll"])
    text = "The Death Toll rose; tolls and unkilled men; KILLED."
    spans = scanner.find(text)
    assert [text[s:e] for s, e in spans] == ["Death Toll", "Toll", "KILLED"]


def test_text_whose_lower_case_is_longer_keeps_offsets() -> None:
    scanner = KeywordScanner(["killed"])
    text = "\u0130stanbul: two killed."  # 'İ' lower-cases to two characters
    (span,) = scanner.find(text)
    assert text[span[0]:span[1]] == "killed"


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab KILLEDkilled.\u0130-")), max_size=60))
def test_scanner_agrees_with_a_plain_search(text: str) -> None:
    import regex

    scanner = KeywordScanner(["killed", "led"])
    expected = [(m.start(), m.end()) for m in regex.finditer(r"(?i)(?<![\p{L}\p{N}])(?:killed|led)(?![\p{L}\p{N}])", text)]
    assert scanner.find(text) == expected
