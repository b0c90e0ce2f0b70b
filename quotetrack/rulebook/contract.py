"""The contract between the rules files and the code: what the code looks up by name.

The stages look patterns up by id (``rules.pattern("dateline")``), lexicons by name
(``names.lexicon_set("titles")``) and compile templates of their own that name parts or
lexicons (``rules.compile("{COUNT}")``). A rules file that lacks one of them would pass its own
checks and then fail in the middle of a run, so each file's needs are declared here, next to the
file-to-schema map ``ruleset.SCHEMAS``, and ``load_ruleset`` (hence every run and
``quotetrack rules check``) verifies them before anything is compiled: a missing one is one line,
``rules/attribution.toml has no pattern 'dateline'``.

A test reads every lookup by name in the code (``tests/test_contract.py``) and fails when one is
not declared here, or when a declaration is no longer used, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


class RulesLike(Protocol):
    """What the contract check reads of a loaded rules file (a ``RuleFile``)."""

    @property
    def patterns(self) -> Sequence[_Identified]: ...

    @property
    def lexicons(self) -> Mapping[str, Sequence[str]]: ...

    @property
    def parts(self) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class Needs:
    """What the code looks up in one rules file by name."""

    patterns: tuple[str, ...] = ()  # pattern ids (``RuleFile.pattern``)
    lexicons: tuple[str, ...] = ()  # lexicon names (``lexicon_set``, ``lexicons.get``)
    references: tuple[str, ...] = ()  # parts or lexicons that templates in code name as {NAME}


#: Rules file -> what the code needs from it (the files themselves are listed in ``SCHEMAS``).
CONTRACT: dict[str, Needs] = {
    "attribution.toml": Needs(
        patterns=(
            "cue",
            "subject-cue",
            "cue-subject",
            "according-to",
            "quoted-as",
            "quoted-by",
            "participle-subject",
            "participle",
            "transcript-label",
            "dash-trailing",
            "colon-lead",
            "name-mention",
            "nominal-mention",
            "subject-nominal",
            "appositive-name",
            "appositive-role",
            "quoted-appositive-subject",
            "role-before-name",
            "dateline",
            "name-participle",
            "passive-before-cue",
            "legal-sense-after",
            "by-medium",
            "colon-name",
            "coordinated-subject",
            "participle-link",
            "reported-content",
            "signature-line",
            "document-issuer",
        ),
    ),
    "reporting_verbs.toml": Needs(
        lexicons=(
            "finite",
            "inverting",
            "participles",
            "ambiguous",
            "quoted_as",
            "intransitive",
            "complementizers",
            "legal_senses",
        ),
    ),
    "names.toml": Needs(
        lexicons=(
            "titles",
            "male_titles",
            "female_titles",
            "male_names",
            "female_names",
            "organisation_words",
            "organisation_heads",
            "person_heads",
            "anonymous_heads",
            "document_heads",
            "not_names",
            "places",
            "place_first_words",
            "vessel_prefixes",
            "event_words",
            "has_participles",
            "locative_prepositions",
            "determiners",
            "prepositions",
            "pronouns_masculine",
            "pronouns_feminine",
            "pronouns_plural",
            "pronouns_singular_neuter",
            "pronouns_first_person",
            "pronouns_subject",
            "pronouns_tracked",
            "definite_determiners",
            "articles",
            "of_phrase_prepositions",
            "possessives_masculine",
            "possessives_feminine",
            "possessives_neuter",
            "possessives_plural",
        ),
    ),
    "scare_quotes.toml": Needs(
        patterns=(
            "term-cue",
            "work-context",
            "work-after",
            "title-case",
            "nickname",
            "partial-context",
            "name-head",
            "name-first-word",
            "markup-attribute",
            "modifier-before",
            "running-text",
            "list-link",
        ),
    ),
    "quote_eval.toml": Needs(lexicons=("pronouns", "name_stop")),
    "quote_marks.toml": Needs(lexicons=("elisions",)),
    "compare.toml": Needs(
        patterns=(
            "subset.after_count",
            "date.dateline",
            "incident.all_hit",
            "incident.another_count",
            "incident.separate",
            "incident.background",
            "incident.continues",
            "incident.sub_place",
            "breakdown.between_counts",
            "subset.shown",
            "date.weekday",
            "incident.night_by_night",
        ),
        lexicons=("countries",),
    ),
    "numbers.toml": Needs(
        lexicons=(
            "units",
            "tens",
            "scales",
            "multipliers",
            "counting_words",
            "multiplicative",
            "zero",
            "vague",
        ),
        references=(
            "COUNT",
            "QUALIFIER",
            "ZERO",
            "counting_words",
            "multiplicative",
            "VAGUE",
            "SINGLE",
        ),
    ),
    "casualties.toml": Needs(
        references=(
            "COUNT",
            "veto_before",
            "veto_after",
            "veto_before_digits",
            "YEAR",
            "ELLIPSIS_TAIL",
            "ZERO_ALSO",
            "captors_criminal",
            "captors_security",
            "family_heads",
            "generic_one_before",
            "question_words",
        )
    ),
    "claimants.toml": Needs(
        patterns=(
            "claimant.comma_source_verb",
            "claimant.comma_verb_source",
            "claimant.according_to",
            "claimant.subject_verb",
            "claimant.label_before",
            "claimant.label_after",
            "claimant.passive_by",
        ),
        lexicons=("anaphors",),
        references=("speech", "other_cues", "relative_pronouns", "place_prepositions"),
    ),
    "claim_context.toml": Needs(
        patterns=(
            "context.location",
            "context.location_attributive",
            "context.since",
            "context.weekday",
            "context.year",
            "context.past_month",
        ),
        lexicons=(
            "hedges",
            "update_cues",
            "cumulative",
            "daily",
            "background",
            "background_after",
            "continuation_subjects",
            "weekdays",
            "months",
        ),
    ),
}


def missing(
    file_name: str,
    origin: str,
    rules: RulesLike,
    linked: Sequence[RulesLike] = (),
    needs: Mapping[str, Needs] = CONTRACT,
) -> list[str]:
    """One line per name the code needs that the rules file ``file_name`` (read from
    ``origin``) lacks; a reference may also be a part or lexicon of a ``linked`` file (``uses``,
    ``imports``)."""
    need = needs.get(file_name)
    if need is None:
        return []
    ids = {rule.id for rule in rules.patterns}
    problems = [f"{origin} has no pattern {i!r}" for i in need.patterns if i not in ids]
    problems += [f"{origin} has no lexicon {n!r}" for n in need.lexicons if n not in rules.lexicons]
    problems += [
        f"{origin} has no part or lexicon {n!r}"
        for n in need.references
        if not any(n in f.parts or n in f.lexicons for f in (rules, *linked))
    ]
    return problems
