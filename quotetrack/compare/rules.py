"""Schema of ``rules/compare.toml`` and the compiled lookups built from it."""

from __future__ import annotations

from pydantic import Field

from quotetrack.rulebook.ruleset import RuleFile, StrictModel


class PlaceWords(StrictModel):
    """Words of a location phrase that are not part of the place's name."""

    generic: list[str]
    directions: list[str] = Field(default_factory=list)


class Explanations(StrictModel):
    """One template per disagreement kind (placeholders documented in the rules file)."""

    contradiction: str
    divergence: str
    divergence_nested: str
    scope_mismatch: str
    part_exceeds_whole: str
    aggregate_exceeded: str
    aggregate_divergence: str
    update: str
    update_by_other: str
    revision_down: str
    same_claimant_inconsistent: str
    attribution_mismatch: str
    review_hedged: str = "Needs review: {a} hedges the figure ({hedge})."
    review_other_articles: str = (
        "Needs review: the incidents come from other articles than the total's."
    )
    review_other_sources: str = (
        "Needs review: the total and the incidents come from different sources, which may not "
        "count the same events."
    )


class AllHit(StrictModel):
    """Which category counts everyone hit and which category of the dead that count includes."""

    category: str
    includes: str


class CompareRules(RuleFile):
    """Schema of ``rules/compare.toml``."""

    def background(self) -> frozenset[str]:
        """The lower-cased words that are never distinctive names of a story: the anchor stopwords,
        the background names and the words of the countries lexicon."""
        entries = [
            *self.anchor_stopwords,
            *self.background_names,
            *self.lexicons.get("countries", []),
        ]
        return frozenset(w for entry in entries for w in entry.lower().split())

    event_types: dict[str, list[str]] = Field(min_length=1)
    event_families: dict[str, list[str]] = Field(default_factory=dict)
    generic_event_types: list[str] = Field(default_factory=list)
    recurring_event_families: list[str] = Field(default_factory=list)
    anchor_stopwords: list[str] = Field(default_factory=list)
    background_names: list[str] = Field(default_factory=list)
    places: PlaceWords
    gazetteer: dict[str, list[str]] = Field(default_factory=dict)
    gazetteer_file: str = "gazetteer.tsv"
    all_hit: AllHit | None = None
    victims_as_everyone: list[str] = Field(default_factory=list)
    explanations: Explanations

    def extra_checks(self) -> list[str]:
        """Every family member must be a declared event type."""
        problems = [
            f"{self._origin}: generic_event_types: {t!r} is not an event type"
            for t in self.generic_event_types
            if t not in self.event_types
        ]
        for family, members in self.event_families.items():
            for member in members:
                if member not in self.event_types:
                    problems.append(
                        f"{self._origin}: event_families.{family}: {member!r} is not an event type"
                    )
        return problems
