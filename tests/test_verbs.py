"""Reporting verbs as entries: forms generated, consistency checked, half-done edits caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quotetrack.errors import RulesError
from quotetrack.extract.attribution import Attributor
from quotetrack.extract.quotes import QuoteExtractor
from quotetrack.extract.segment import segmenter_for
from quotetrack.extract.verbs import VerbEntry, ing_form, regular_past, regular_s
from quotetrack.models import Article
from quotetrack.rulebook.ruleset import default_rules_dir, load_rule_file, load_ruleset

VERBS = "reporting_verbs.toml"


@pytest.mark.parametrize(
    ("base", "s", "past", "ing"),
    [
        ("say", "says", "saded", None),
        ("note", "notes", "noted", "noting"),
        ("reply", "replies", "replied", "replying"),
        ("stress", "stresses", "stressed", "stressing"),
        ("point out", "points out", "pointed out", "pointing out"),
        ("echo", "echoes", "echoed", "echoing"),
    ],
)
def test_regular_forms(base: str, s: str, past: str, ing: str | None) -> None:
    assert regular_s(base) == s
    if base != "say":
        assert regular_past(base) == past
        assert ing_form(base, past) == ing


def test_doubling_follows_the_given_past() -> None:
    assert VerbEntry(base="admit", past=["admitted"]).participles() == ["admitting"]
    assert VerbEntry(base="answer", past=["answered"]).participles() == ["answering"]


def test_entry_properties_give_the_lexicons() -> None:
    rules = load_rule_file(default_rules_dir() / VERBS)
    for name in ("finite", "participles", "inverting", "ambiguous"):
        assert rules.lexicons[name], name
    inverting = set(rules.lexicons["inverting"])
    finite = set(rules.lexicons["finite"])
    assert {"said", "says", "added", "insists", "suggests"} <= inverting
    assert inverting <= finite
    assert set(rules.lexicons["ambiguous"]) <= finite
    assert "claims" in rules.lexicons["ambiguous"] and "said" not in rules.lexicons["ambiguous"]


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    path = rules / VERBS
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rules


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('{ base = "admit" }', "give past explicitly"),
        ('{ base = "mused" }', "looks like a past form"),
        ('{ bse = "muse" }', "verbs[0].base: Field required"),
        ('{ base = "say", past = ["said"] }', "also a form of verbs[0] ('say')"),
        ('{ base = "grumble", inverting = "maybe" }', "verbs[0].inverting"),
    ],
)
def test_half_done_edit_is_one_error_naming_the_entry(
    tmp_path: Path, entry: str, message: str
) -> None:
    rules = _edited(tmp_path, "verbs = [\n", "verbs = [\n  " + entry + ",\n")
    with pytest.raises(RulesError) as err:
        load_ruleset(rules)
    assert message in err.value.message
    for line in err.value.message.splitlines():  # each problem one line: the file, the entry
        assert line.startswith(str(rules / VERBS)) and "verbs[" in line, line


def test_hand_written_derived_lexicon_is_refused(tmp_path: Path) -> None:
    rules = _edited(tmp_path, "[lexicons]\n", '[lexicons]\nfinite = ["mused"]\n')
    with pytest.raises(RulesError, match="derived from the"):
        load_ruleset(rules)


def test_a_new_entry_gives_every_frame(tmp_path: Path) -> None:
    """One entry is enough: the inverted, finite and participle frames all see the new verb."""
    rules = _edited(
        tmp_path, "verbs = [\n", 'verbs = [\n  { base = "harrumph", inverting = true },\n'
    )
    text = (
        "Council meeting\n\n"
        '"The plan is late," harrumphed Jane Doe.\n\n'
        'Ann Lee harrumphs, "It will never pass."\n\n'
        'Tom Reyes left the room, harrumphing, "Not again."'
    )
    assert _speakers(text, rules) == ["Jane Doe", "Ann Lee", "Tom Reyes"]
    assert _speakers(text, default_rules_dir()) != ["Jane Doe", "Ann Lee", "Tom Reyes"]


def _speakers(text: str, rules: Path) -> list[str | None]:
    ruleset = load_ruleset(rules)
    article = Article.build(doc_id="d", text=text)
    seg = segmenter_for(ruleset).segment(text, "d")
    context = Attributor(ruleset).document(article, seg)
    return [q.speaker for q in QuoteExtractor(ruleset).extract(article, seg, context)]
