"""Rule hygiene: the examples and counter-examples in rules/ are invented, never copied from the
evaluation data in ../shared/eval/ (not a whole sentence of it, not a run of 12 words of it, and,
as the shared hook checks, no example of 8 words or more found verbatim in it).

An example copied from the data the rules are measured on hides how well they generalise. The
test is skipped when ../shared/eval is absent (a fresh clone without the shared data)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import regex

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "rules"
EVAL = REPO.parent / "shared" / "eval"
RUN = 12  # words: a run this long shared with the eval data is a copy
VERBATIM = 8  # words: an example this long found verbatim in the eval data is a copy
SENTENCE_END = regex.compile(r"(?<=[.!?][\"”’]?)\s+")
EDGE_PUNCT = "\"'“”‘’ "


def _normal(text: str) -> str:
    return " ".join(text.split())


@cache
def _corpus() -> tuple[str, frozenset[str]]:
    """The eval texts (whitespace normalised, one per line) and their sentences."""
    texts: list[str] = []
    for path in sorted(EVAL.glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            try:
                text = json.loads(line).get("text")
            except ValueError:
                continue
            if isinstance(text, str):
                texts.append(_normal(text))
    sentences = frozenset(
        s.strip(EDGE_PUNCT) for t in texts for s in SENTENCE_END.split(t) if s.strip(EDGE_PUNCT)
    )
    return "\n".join(texts), sentences


def _examples(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """(file:rule id, example) for every example and counter-example under ``node``."""
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            where = f"{where}:{node['id']}"
        for key, value in node.items():
            if key in ("examples", "counter_examples") and isinstance(value, list):
                yield from ((where, e) for e in value if isinstance(e, str))
            else:
                yield from _examples(value, where)
    elif isinstance(node, list):
        for item in node:
            yield from _examples(item, where)


def copied(example: str, corpus: str, sentences: frozenset[str]) -> str | None:
    """Why ``example`` counts as copied from ``corpus`` (None when it does not)."""
    text = _normal(example)
    words = text.split()
    if text.strip(EDGE_PUNCT) in sentences:
        return "a whole sentence of the eval data"
    if len(words) >= VERBATIM and text in corpus:
        return f"{len(words)} words verbatim in the eval data"
    for i in range(len(words) - RUN + 1):
        if " ".join(words[i : i + RUN]) in corpus:
            return f"a run of {RUN} words of the eval data"
    return None


def test_copy_check_flags_sentences_and_runs() -> None:
    corpus = (
        "Rain fell. The river rose over the old stone bridge near the mill and the town square."
    )
    sentences = frozenset({"Rain fell", "Rain fell.", "The river rose over the old stone bridge"})
    assert copied("Rain fell.", corpus, sentences) is not None
    run = "The river rose over the old stone bridge near the mill and the"
    assert copied("Yesterday " + run + " end", corpus, sentences) is not None
    assert copied("The river rose over the old wooden bridge", corpus, sentences) is None
    assert copied("fell", corpus, sentences) is None


@pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval not present")
def test_rule_examples_are_not_copied_from_the_eval_data() -> None:
    corpus, sentences = _corpus()
    found = []
    for path in sorted(RULES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for where, example in _examples(data, path.name):
            why = copied(example, corpus, sentences)
            if why:
                found.append(f"{where}: {example!r} ({why})")
    assert not found, "examples copied from ../shared/eval (invent them):\n" + "\n".join(found)
