"""Rules as data: validation errors name the file and key; examples are checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import regex

from quotetrack.errors import RulesError
from quotetrack.extract.segment import QuoteMarkRules
from quotetrack.rulebook.ruleset import (
    default_rules_dir,
    lexicon_alternation,
    load_rule_file,
    load_ruleset,
)


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), target)
    return target


def test_packaged_rules_pass_their_own_checks(ruleset) -> None:
    assert ruleset.check() == []
    assert "abbreviations.toml" in ruleset.files


def test_unknown_key_is_rejected_with_file_and_key(rules_copy: Path) -> None:
    path = rules_copy / "quote_marks.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[extra_table]\nx = 1\n", encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_ruleset(rules_copy)
    assert err.value.message == f"{path.resolve()}: extra_table: Extra inputs are not permitted"


def test_nested_key_error_names_the_path(rules_copy: Path) -> None:
    path = rules_copy / "quote_marks.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('family = "double"', 'family = "triple"', 1),
        encoding="utf-8",
    )
    with pytest.raises(RulesError) as err:
        load_rule_file(path, QuoteMarkRules)
    assert err.value.message.startswith(
        f"{path}: pairs[0].family: Input should be 'double' or 'single'"
    )


def test_invalid_toml_names_the_file(rules_copy: Path) -> None:
    path = rules_copy / "abbreviations.toml"
    path.write_text("[meta\ndescription = 1", encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_ruleset(rules_copy)
    assert err.value.message.startswith(f"{path.resolve()}: invalid TOML:")


def test_unknown_rules_file_is_an_error(rules_copy: Path) -> None:
    (rules_copy / "mystery.toml").write_text('[meta]\ndescription = "x"\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"^mystery\.toml: unknown rules file$"):
        load_ruleset(rules_copy)


def test_missing_rules_file_is_an_error(rules_copy: Path) -> None:
    (rules_copy / "quote_marks.toml").unlink()
    with pytest.raises(RulesError, match=r"missing rules file\(s\): quote_marks\.toml"):
        load_ruleset(rules_copy)


def _with_patterns(rules_copy: Path, body: str) -> Path:
    path = rules_copy / "quote_marks.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + body, encoding="utf-8")
    return path


def test_examples_and_counter_examples_are_checked(rules_copy: Path) -> None:
    path = _with_patterns(
        rules_copy,
        """
[parts]
NUM = '\\d+'
[[patterns]]
id = "demo.count"
pattern = '{NUM} (?:people|persons)'
examples = ["17 people", "3 persons", "no match here"]
counter_examples = ["17 houses", "4 people"]
""",
    )
    problems = load_ruleset(rules_copy).check()
    where = f"{path.resolve()}: patterns[0] (id=demo.count)"
    assert problems == [
        f"{where}: example does not match: 'no match here'",
        f"{where}: counter-example matches: '4 people'",
    ]


def test_bad_regex_and_unknown_part_are_reported(rules_copy: Path) -> None:
    _with_patterns(
        rules_copy,
        """
[[patterns]]
id = "demo.bad"
pattern = '(unclosed'
[[patterns]]
id = "demo.ref"
pattern = '{NOPE} killed'
""",
    )
    problems = load_ruleset(rules_copy).check()
    assert len(problems) == 2
    assert "pattern:demo.bad: bad regex" in problems[0]
    assert "{NOPE}: no part or lexicon of that name" in problems[1]


def test_catastrophic_pattern_is_caught_by_the_check(rules_copy: Path) -> None:
    _with_patterns(
        rules_copy,
        """
[[patterns]]
id = "demo.slow"
pattern = '(a|aa)+$'
counter_examples = ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"]
""",
    )
    problems = load_ruleset(rules_copy).check()
    assert len(problems) == 1 and "catastrophic backtracking" in problems[0]


def test_bad_id_is_rejected(rules_copy: Path) -> None:
    path = _with_patterns(
        rules_copy,
        """
[[patterns]]
id = "Has Spaces"
pattern = 'x'
""",
    )
    with pytest.raises(RulesError) as err:
        load_ruleset(rules_copy)
    assert err.value.message.startswith(
        f"{path.resolve()}: patterns[0].id: String should match pattern"
    )


def test_lexicon_alternation_is_literal_and_longest_first() -> None:
    alt = lexicon_alternation(["said", "said on", "a.m.", "U.S."])
    assert alt.split("|")[0] == r"said\s+on"
    assert regex.fullmatch(alt, "U.S.") and not regex.fullmatch(alt, "UxSx")
    assert regex.fullmatch(alt, "said \n on")
