"""Data model at the pipeline's boundaries: frozen pydantic models, one per output table row.

Spans are ``start``/``end`` Python ``str`` offsets (end exclusive) into ``Article.text`` exactly as
quotetrack holds it, with ``text == article.text[start:end]`` as an invariant. The field order of
each model is the column order of its table (see ``quotetrack.tables.normalise``).
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    """Base of every row model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Article(Record):
    """One input document as quotetrack holds it (the text all offsets point into)."""

    doc_id: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    title: str | None = None
    source: str = ""  # file path, or "-" for stdin
    line: int | None = None  # line (JSONL) or row (CSV) of the source, 1-based
    input_format: str = "txt"
    encoding: str = "utf-8"
    n_chars: int = 0
    sha1: str = ""
    text: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def build(cls, **fields: Any) -> Article:
        """Make an Article, filling ``n_chars`` and ``sha1`` from its text."""
        text = fields.get("text", "")
        fields.setdefault("n_chars", len(text))
        fields.setdefault("sha1", hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest())
        return cls(**fields)


Severity = Literal["error", "warning", "info"]


class Issue(Record):
    """A problem with the input or its processing; ``fatal`` when the document was not processed."""

    doc_id: str | None = None
    source: str = ""
    line: int | None = None
    severity: Severity = "error"
    code: str = ""
    message: str = ""
    fatal: bool = False
    start: int | None = None
    end: int | None = None

    def one_line(self) -> str:
        """The issue as the single stderr line the CLI prints."""
        where = self.source or self.doc_id or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        return f"{self.severity}: {where}: {self.message}"


QuoteKind = Literal["direct", "partial", "scare"]


class Quote(Record):
    """One contiguous quoted segment (marks included) and who said it."""

    doc_id: str
    outlet: str | None = None
    quote_id: str
    utterance_id: str
    start: int
    end: int
    text: str
    kind: QuoteKind = "direct"
    reason: str | None = None  # why a quote is scare/partial, or why it has no speaker
    speaker: str | None = None  # resolved name
    speaker_mention: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_type: str | None = (
        None  # person / organisation / anonymous / document / outlet / unattributed
    )
    speaker_role: str | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    reported_by: str | None = None
    sentence: str = ""
    sentence_start: int | None = None
    sentence_end: int | None = None
    rule_id: str | None = None
    resolution: str | None = None


class Claim(Record):
    """One casualty figure: what it counts, how sure, and who claims it."""

    doc_id: str
    outlet: str | None = None
    claim_id: str
    start: int
    end: int
    count_text: str
    evidence: str
    sentence: str = ""
    category: str
    qualifier: str
    value: int | None = None
    value_high: int | None = None
    low: int | None = None
    high: int | None = None  # None = open upper bound
    best: int | None = None
    victims: str | None = None
    victim_class: str | None = None
    claimant: str | None = None
    claimant_type: str | None = None
    hedge: str | None = None
    location: str | None = None
    event_date: str | None = None
    measure: str | None = None
    main_event: bool = True
    update_cue: str | None = None
    in_quote: str | None = None
    rule_id: str | None = None
    count_start: int | None = None
    count_end: int | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None
    published: str | None = None


class QuoteMatch(Record):
    """The same quoted words found in several documents."""

    match_id: str
    quote_ids: list[str]
    doc_ids: list[str]
    outlets: list[str | None]
    similarity: float
    status: str
    diff: str | None = None
    speakers: list[str | None] = Field(default_factory=list)
    speaker_agrees: bool | None = None  # None when fewer than two quotes have a named speaker
    reported_by: list[str | None] = Field(default_factory=list)
    syndicated: bool = False  # the documents are copies of one wire story
    texts: list[str] = Field(default_factory=list)
    starts: list[int] = Field(default_factory=list)
    ends: list[int] = Field(default_factory=list)


class ArticlePair(Record):
    """Two articles that share long passages word for word."""

    doc_ids: list[str]
    outlets: list[str | None]
    shared_sentences: int
    containment: float  # share of the shorter article's sentences found in the other
    syndicated: bool


class EventGroup(Record):
    """Claims judged to be about the same event, and what joined them."""

    group_id: str
    category: str
    measure: str | None = None
    claim_ids: list[str]
    doc_ids: list[str]
    outlets: list[str | None]
    location: str | None = None
    event_date: str | None = None
    match_keys: list[str] = Field(default_factory=list)
    low: int | None = None
    best: int | None = None
    high: int | None = None
    strongest_lower_bound: int | None = None
    strongest_lower_claim: str | None = None
    tightest_upper_bound: int | None = None
    tightest_upper_claim: str | None = None
    conservative: int | None = None


class Disagreement(Record):
    """A flagged pair (or set) of claims whose figures disagree, with a pasteable explanation."""

    disagreement_id: str
    kind: str
    severity: str
    needs_review: bool = False
    group_id: str | None = None
    claim_ids: list[str]
    doc_ids: list[str]
    outlets: list[str | None]
    claimants: list[str | None]
    intervals: list[str]
    ratio: float | None = None
    same_outlet: bool = False
    syndicated: bool = False
    match_keys: list[str] = Field(default_factory=list)
    explanation: str = ""
    evidence: list[str] = Field(default_factory=list)
    incident_id: str | None = Field(
        default=None, description="The incident whose figures disagree (incidents.group_id)."
    )


IncidentStatus = Literal["agree", "disagree", "updated", "single_source"]


class Incident(Record):
    """One incident: the real-world set of people that its claims count (one event, place scope,
    victim scope and period), with what every claimant says about it."""

    group_id: str = Field(
        description="The incident's id: the group of claims that are compared with each other "
        "(disagreements.incident_id refers to it)."
    )
    story_id: str | None = Field(
        default=None, description="The event group (story) the incident was found in."
    )
    label: str = Field(description="What the incident is, for a person: what, where, when.")
    categories: list[str] = Field(description="The categories its claims count (killed, ...).")
    place: str | None = Field(default=None, description="Where, as the claims write it.")
    victims: str | None = Field(default=None, description="Who is counted, when narrower.")
    period: str | None = Field(default=None, description="The event's date(s), ISO.")
    part_of: str | None = Field(
        default=None, description="The group_id of the larger incident this one lies inside."
    )
    claim_ids: list[str] = Field(description="Every claim of the incident (copies included).")
    doc_ids: list[str] = Field(description="The document of each claim in claim_ids.")
    claimants: list[str] = Field(
        description="Each claimant (or outlet's own voice) with a figure, one per category."
    )
    figures: list[str] = Field(
        description="Each claimant's latest figure as written, parallel to claimants."
    )
    intervals: list[str] = Field(description="The interval of each figure, parallel to figures.")
    low: int | None = Field(default=None, description="The lowest best figure stated.")
    high: int | None = Field(default=None, description="The highest best figure stated.")
    status: IncidentStatus = Field(
        description="agree, disagree (a conflict flag), updated (only changes over time) or "
        "single_source (one claimant)."
    )
    strongest_flag: str | None = Field(
        default=None, description="The most severe flag kind among the incident's claims."
    )
    severity: str | None = Field(default=None, description="The severity of strongest_flag.")
    n_flags: int = Field(default=0, description="Disagreement rows within the incident.")
