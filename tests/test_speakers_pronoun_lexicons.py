"""Pronouns live in rules/names.toml (issue 16): their gender and number, the subject forms, and
the ones tracked as mentions everywhere are lexicons the code reads, and the pronoun scanner's
pattern is built from them (invented sentences)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quotetrack.errors import RulesError
from quotetrack.extract.attribution import Attributor, pronoun_pattern
from quotetrack.extract.mentions import NameLexicon
from quotetrack.models import Article
from quotetrack.pipeline.extractor import Extractor
from quotetrack.rulebook.ruleset import default_rules_dir, load_ruleset
from quotetrack.rulebook.scan import Scanner

LEXICONS = (
    "pronouns_masculine",
    "pronouns_feminine",
    "pronouns_plural",
    "pronouns_singular_neuter",
    "pronouns_first_person",
    "pronouns_subject",
    "pronouns_tracked",
)


def edited_rules(tmp_path: Path, lexicon: str, entries: list[str]) -> Path:
    """A copy of the packaged rules with ``lexicon`` of names.toml set to ``entries``."""
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    path = rules / "names.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith(f"{lexicon} = [")]
    assert lines[at].endswith("]")  # one line: replaced whole
    lines[at] = f"{lexicon} = {entries!r}".replace("'", '"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rules


def test_pronoun_readings_come_from_the_lexicons(ruleset) -> None:
    names = ruleset.get("names.toml")
    lexicon = NameLexicon(names)
    words = {w for name in LEXICONS for w in names.lexicon_set(name)}
    assert lexicon.pronoun_forms == words and "he" in words and "them" in words
    for word, (gender, plural) in lexicon.pronouns.items():
        assert (gender == "m") == (word in names.lexicon_set("pronouns_masculine"))
        assert (gender == "f") == (word in names.lexicon_set("pronouns_feminine"))
        assert plural == (word in names.lexicon_set("pronouns_plural"))
    assert lexicon.singular_subject_pronouns <= lexicon.subject_pronouns
    assert lexicon.singular_subject_pronouns.isdisjoint(names.lexicon_set("pronouns_plural"))


def test_the_pronoun_pattern_is_built_from_the_tracked_pronouns(ruleset) -> None:
    attributor = Attributor(ruleset)
    tracked = ruleset.get("names.toml").lexicon_set("pronouns_tracked")
    text = " ".join(sorted(tracked)) + " " + " ".join(w.capitalize() for w in sorted(tracked))
    found = [m.group() for m in attributor.pronoun_re.finditer(text)]
    assert sorted(found) == sorted(text.split())
    # the scanner searches it word by word: each form with a lower-case and a capital letter
    literals = Scanner(attributor.pronoun_re).literals
    assert literals is not None and len(literals) == 2 * len(tracked)
    assert [m.span() for m in pronoun_pattern([]).finditer("he said")] == []


def test_a_pronoun_added_to_the_lexicons_resolves_to_a_person(ruleset, tmp_path: Path) -> None:
    """A neopronoun added to the tracked and subject pronouns is read as a pronoun: the quote's
    speaker is the person named before it, not the capitalised word."""
    text = (
        'Budget\n\nAlex Kim, a teacher, spoke to parents on Monday. Ze said "the class is full".\n'
    )
    rules = edited_rules(tmp_path, "pronouns_tracked", ["he", "she", "they", "ze"])
    names = rules / "names.toml"
    content = names.read_text(encoding="utf-8")
    old = 'pronouns_subject = ["he", "she", "they", "it", "i", "we"]'
    assert old in content
    names.write_text(content.replace(old, old[:-1] + ', "ze"]'), encoding="utf-8")
    before = Extractor(ruleset, time_budget_s=None).process(Article(doc_id="t", text=text))
    after = Extractor(load_ruleset(rules), time_budget_s=None).process(
        Article(doc_id="t", text=text)
    )
    assert [q.speaker for q in before.quotes] == ["Ze"]
    (quote,) = after.quotes
    assert quote.speaker == "Alex Kim" and quote.resolution.startswith("pronoun<-Alex Kim")


def test_a_pronoun_of_both_genders_is_refused(tmp_path: Path) -> None:
    rules = edited_rules(tmp_path, "pronouns_feminine", ["she", "her", "him"])
    with pytest.raises(RulesError) as err:
        load_ruleset(rules)
    message = str(err.value)
    assert "names.toml" in message and "'him' is also in pronouns_masculine" in message


def test_a_pronoun_of_two_words_is_refused(tmp_path: Path) -> None:
    rules = edited_rules(tmp_path, "pronouns_tracked", ["he", "she", "they", "you all"])
    with pytest.raises(RulesError) as err:
        load_ruleset(rules)
    assert "pronouns_tracked: 'you all' is not one word" in str(err.value)
