"""Speed shortcuts derived from the rules: the one reader of regex source (``rulebook.source``),
and the warning ``rules check`` prints when an edit turns a shortcut off."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import regex
from conftest import REPO

from quotetrack.rulebook.ruleset import default_rules_dir, load_ruleset
from quotetrack.rulebook.source import BLANK, finite_strings


def test_shipped_rules_keep_every_shortcut(ruleset) -> None:
    assert ruleset.warnings() == []


def test_an_edit_that_turns_a_shortcut_off_is_named_with_its_cost(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    attribution = rules / "attribution.toml"
    text = attribution.read_text(encoding="utf-8")
    assert text.count("|{inverting_capitalised})") == 1
    attribution.write_text(
        text.replace("|{inverting_capitalised})", "|{inverting_capitalised}|Tweet\\\\w*)"),
        encoding="utf-8",
    )
    with (rules / "casualties.toml").open("a", encoding="utf-8") as out:
        out.write("\n[[patterns]]\nid = \"claim.demo\"\npattern = '{COUNT}\\s+\\p{L}+'\n")
    loaded = load_ruleset(rules)
    assert loaded.check() == []  # slower, not wrong: no problem, only warnings
    warnings = loaded.warnings()
    assert len(warnings) == 2
    assert warnings[0].startswith(f"warning: {attribution.resolve()}: pattern 'cue' ")
    assert "reporting-cue pre-filter is off" in warnings[0] and "slower" in warnings[0]
    assert "pattern 'claim.demo' holds no literal" in warnings[1] and "slower" in warnings[1]


def test_finite_strings_reads_literals_groups_options_and_blank_runs() -> None:
    assert finite_strings(r"(?:said|told)\s+us\.?") == {
        tuple("said") + (BLANK,) + tuple("us"),
        tuple("said") + (BLANK,) + tuple("us."),
        tuple("told") + (BLANK,) + tuple("us"),
        tuple("told") + (BLANK,) + tuple("us."),
    }
    assert finite_strings("[Hh]e") == {("H", "e"), ("h", "e")}
    assert finite_strings("(?:\\s)+x") == {(BLANK, "x")}
    for infinite_or_unknown in ("a*", r"\s", "[a-c]", "a??", "a?+", r"\w", "(?i:a)", "a{2}", "."):
        assert finite_strings(infinite_or_unknown) is None, infinite_or_unknown


def test_finite_strings_match_what_the_engine_matches() -> None:
    body = r"(?:was|were)\s+(?:told|asked)(?:\s+again)?|re-?stated"
    strings = finite_strings(body)
    assert strings is not None and len(strings) == 10
    for string in strings:
        text = "".join(" " if c == BLANK else c for c in string)
        assert regex.fullmatch(body, text), text
    assert not regex.fullmatch(body, "was  asked  ag")


def test_no_private_stdlib_module_is_used() -> None:
    for path in (REPO / "quotetrack").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\bre\._|from re import _|\bsre_", source), path


def _edited_attribution(tmp_path: Path, old: str, new: str):
    """The shipped rules with one edit to attribution.toml, loaded."""
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    path = rules / "attribution.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_ruleset(rules)


def test_every_rule_pattern_reads_back_to_its_own_source(ruleset) -> None:
    from quotetrack.rulebook.source import parse, to_source

    for rules in ruleset.files.values():
        for source in [rule.pattern for rule in rules.patterns] + list(rules.parts.values()):
            assert to_source(parse(source)) == source


def test_nominal_shortcuts_are_read_from_the_rules_not_copied(tmp_path: Path) -> None:
    from quotetrack.extract.attribution import Attributor

    # a new determiner (the edit issue 16 names) keeps both shortcuts on
    loaded = _edited_attribution(tmp_path / "a", "[Ff]ormer)", "[Ff]ormer|[Ee]ach)")
    assert loaded.warnings() == []
    attributor = Attributor(loaded)
    assert attributor.word_shape is not None and attributor.left_untailed_re is not None
    text = "Each senior aide said"
    assert attributor.subject_nominal_re.match(text) is not None
    assert attributor._nominal_can_start(text, 0, len(text))
    # one more capitalised modifier: the head may start one word later
    loaded = _edited_attribution(
        tmp_path / "b", "(?:{CAPMOD}[ \\\\t]+){0,3}", "(?:{CAPMOD}[ \\\\t]+){0,4}"
    )
    shape = loaded.get("attribution.toml").word_shape()
    assert shape.max_words == 10 and loaded.warnings() == []
    # a modifier that may hold a comma: the comma is no longer a break
    loaded = _edited_attribution(
        tmp_path / "c", "[\\\\p{L}\\\\d'’./\\\\-]*)", "[\\\\p{L}\\\\d'’./,\\\\-]*)"
    )
    assert "," not in loaded.get("attribution.toml").word_shape().breaks


def test_an_edit_that_breaks_the_nominal_shape_turns_off_only_that_shortcut(tmp_path: Path) -> None:
    from quotetrack.extract.attribution import Attributor

    loaded = _edited_attribution(
        tmp_path / "a", "(?:{MOD}[ \\\\t]+){0,3}{HEAD}", "(?:{MOD}[ \\\\t]+)*{HEAD}"
    )
    (warning,) = loaded.warnings()
    assert "(?:{MOD}[ \\t]+)*" in warning and "not an optional, bounded repeat" in warning
    assert "the word test before subject-nominal is off" in warning and "slower" in warning
    attributor = Attributor(loaded)
    assert attributor.word_shape is None and attributor.left_untailed_re is not None
    assert attributor._nominal_can_start("nothing, here", 0, 13)  # off: never refuses
    # a trailing phrase that opens with a class of letters: the subject-cue shortcut is off
    loaded = _edited_attribution(
        tmp_path / "b", "(?:[ \\\\t]+{of_phrase_prepositions}", "(?:[ \\\\t]+(?:\\\\p{Ll}+)"
    )
    (warning,) = loaded.warnings()
    assert "subject-cue without NOMINAL's trailing phrase is off" in warning
    assert Attributor(loaded).left_untailed_re is None


def test_a_new_of_phrase_preposition_keeps_the_subject_cue_shortcut_on(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    names = rules / "names.toml"
    text = names.read_text(encoding="utf-8")
    old = 'of_phrase_prepositions = ["for", '
    assert text.count(old) == 1
    names.write_text(text.replace(old, 'of_phrase_prepositions = ["on", "for", '), encoding="utf-8")
    loaded = load_ruleset(rules)
    assert loaded.warnings() == []
    tail = loaded.get("attribution.toml").tail()
    assert tail.start.search("the minister on education") is not None
    assert tail.start.search("the minister of health") is not None
    assert tail.start.search("the minister said") is None
