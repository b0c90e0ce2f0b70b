"""Data model at the pipeline's boundaries: frozen pydantic models, one per output table row.

Spans are ``start``/``end`` Python ``str`` offsets (end exclusive) into ``Article.text`` exactly as
quotetrack holds it, with ``text == article.text[start:end]`` as an invariant. The field order of
each model is the column order of its table (see ``quotetrack.tables.normalise``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DateOrder = Literal["MDY", "DMY", "YMD"]
#: dateparser settings: absolute dates only ("yesterday" needs a reference day the input does not
#: give) and a day, month and year all present (a missing day would be invented).
_DATEPARSER_SETTINGS = {
    "PARSERS": ["custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def parse_date(value: str, date_order: DateOrder | None = None) -> str | None:
    """An ISO ``YYYY-MM-DD`` date from a date as people write it, else None.

    ISO dates and date-times are read directly; any other form ("3/15/2013", "July 2, 2013",
    "Tue, 02 Jul 2013 10:00:00 GMT", "15.03.2013") by dateparser (English month names), with
    ``date_order`` deciding an ambiguous "3/4/2013" (default MDY). A date without a day, a relative
    date ("yesterday") or text that is no date gives None: a date is never guessed.
    """
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    if not value or value.isdigit():  # a bare number is no date (a timestamp is not read)
        return None
    import dateparser

    settings = dict(_DATEPARSER_SETTINGS, **({"DATE_ORDER": date_order} if date_order else {}))
    parsed = dateparser.parse(value, languages=["en"], settings=settings)
    return None if parsed is None else parsed.date().isoformat()


#: descriptions shared by several tables' columns (docs/columns.md shows them per table)
DOC_ID = (
    "The article's id: its sidecar or record doc_id, else the file stem (JSONL/CSV: STEM-LINE)."
)
OUTLET = (
    "The publication the article came from (from its metadata or --outlet), empty when unknown."
)
DOC_IDS = "The doc_id of each listed quote's or claim's article, in the same order."
#: the sentence a quotes or claims row carries as its evidence: whole up to EVIDENCE_MAX_CHARS
#: characters; a longer one (a list of quotations or figures with no full stop) is clipped to
#: EVIDENCE_CONTEXT_CHARS characters either side of the row's span (quotetrack.tables.evidence)
EVIDENCE_MAX_CHARS = 1_000
EVIDENCE_CONTEXT_CHARS = 200
EVIDENCE_CLIP = (
    f"a sentence longer than {EVIDENCE_MAX_CHARS:,} characters is clipped to "
    f"{EVIDENCE_CONTEXT_CHARS} characters either side of the {{what}} (at a blank), each cut "
    "marked with …; sentence_start and sentence_end still give the whole sentence (one over "
    "[sentences] max_chars of rules/abbreviations.toml is read in parts, each a sentence here)"
)
OUTLETS = "The outlet of each listed article, in the same order (empty when unknown)."
MATCH_KEYS = (
    "What joined the claims into one event, as kind:value: category:C, measure:M, date:same_day "
    "or date:within_Nd, place:equal:NAME or place:nested:INNER<OUTER, type:EVENT-TYPES (the "
    "event words of the sentences), anchor:W1,W2,W3 (three rare words the articles share)."
)


class Record(BaseModel):
    """Base of every row model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Article(Record):
    """One input document as quotetrack holds it (the text all offsets point into)."""

    doc_id: str = Field(description=DOC_ID)
    outlet: str | None = Field(default=None, description=OUTLET)
    url: str | None = Field(default=None, description="The article's URL when the input gave one.")
    published: str | None = Field(
        default=None,
        description=(
            "Publication date as an ISO date (YYYY-MM-DD); empty when unknown (see date_source)."
        ),
    )
    title: str | None = Field(
        default=None, description=("Headline, from the metadata or the HTML page.")
    )
    source: str = Field(
        default="",
        description=(
            "Where the article was read: the file path, the URL, - for stdin, <memory> for "
            "extract_texts."
        ),
    )
    line: int | None = Field(
        default=None,
        description=(
            "Line (JSONL), row (CSV/TSV) or record number (.json, in memory) in its source, "
            "1-based; empty for a whole file."
        ),
    )
    input_format: str = Field(
        default="txt", description="How the source was read: txt, html, jsonl, json, csv or memory."
    )
    encoding: str = Field(
        default="utf-8",
        description=(
            "Character encoding the text was decoded from (utf-8 unless guessed; see issues)."
        ),
    )
    n_chars: int = Field(default=0, description="Length of text in characters (code points).")
    sha1: str = Field(
        default="",
        description=(
            "SHA-1 of the text (UTF-8): the same text gives the same value, so copies and changes "
            "show."
        ),
    )
    text: str = Field(
        default="",
        description=(
            "The article text all offsets (start, end) point into, as read (line endings "
            "normalised to \\n)."
        ),
    )
    metadata: dict[str, Any] = Field(
        default_factory=dict, description="Every other field or column of the input, as JSON."
    )
    date_source: Literal["metadata", "page", "option", "none"] = Field(
        default="none",
        description="Where `published` came from: metadata (a field, column or sidecar given "
        "with the document), page (found in the HTML page by trafilatura), option (--published), "
        "none (no date known).",
    )

    @classmethod
    def build(cls, **fields: Any) -> Article:
        """Make an Article, filling ``n_chars`` and ``sha1`` from its text."""
        text = fields.get("text", "")
        fields.setdefault("n_chars", len(text))
        fields.setdefault("sha1", hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest())
        return cls(**fields)

    @model_validator(mode="before")
    @classmethod
    def _dated_by_metadata(cls, data: Any) -> Any:
        """An Article made with a ``published`` date and no ``date_source`` got it as metadata."""
        if isinstance(data, dict) and data.get("published") and "date_source" not in data:
            data = {**data, "date_source": "metadata"}
        return data

    @field_validator("published", mode="before")
    @classmethod
    def _iso_published(cls, value: Any) -> Any:
        """``published`` as an ISO date, read by the parser ingest uses; no date is an error."""
        if value is None or not isinstance(value, str | dt.date):
            return value
        if isinstance(value, dt.date):
            return (
                value.isoformat()
                if not isinstance(value, dt.datetime)
                else value.date().isoformat()
            )
        if not value.strip():
            return None
        iso = parse_date(value)
        if iso is None:
            raise ValueError(f"{value!r} is not a date (e.g. 2013-03-15, 3/15/2013, July 2, 2013)")
        return iso


Severity = Literal["error", "warning", "info"]


class Issue(Record):
    """A problem with the input or its processing; ``fatal`` when the document was not processed."""

    doc_id: str | None = Field(
        default=None, description="The article concerned, when the problem belongs to one."
    )
    source: str = Field(default="", description="The file, URL or stream concerned.")
    line: int | None = Field(
        default=None, description="Line or row of the source, when the problem is in one record."
    )
    severity: Severity = Field(
        default="error",
        description=(
            "error (the document or record was lost), warning (read, but something was changed or "
            "may be wrong) or info."
        ),
    )
    code: str = Field(
        default="",
        description=(
            "Kind of problem, stable for filtering: not_found, unreadable, not_text, bad_csv, "
            "bad_json, bad_date, decoding, duplicate_doc_id, language_unsupported, too_large, "
            "too_long, long_sentence, fetch_failed, comparison_capped (an incident's figures "
            "compared with a few others each, not all), comparison_incomplete (an incident not "
            "compared within --compare-budget)..."
        ),
    )
    message: str = Field(default="", description="What happened, in a sentence.")
    fatal: bool = Field(
        default=False,
        description=("True when the document was not processed (it has no row in articles)."),
    )
    start: int | None = Field(
        default=None,
        description="Start offset in the article text of the passage concerned, when there is one.",
    )
    end: int | None = Field(default=None, description="End offset (exclusive) of that passage.")

    def one_line(self) -> str:
        """The issue as the single stderr line the CLI prints."""
        where = self.source or self.doc_id or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        return f"{self.severity}: {where}: {self.message}"


QuoteKind = Literal["direct", "partial", "scare"]


class Quote(Record):
    """One contiguous quoted segment (marks included) and who said it."""

    doc_id: str = Field(description=DOC_ID)
    outlet: str | None = Field(default=None, description=OUTLET)
    quote_id: str = Field(description="Id of this quoted segment: DOC_ID:qN.")
    utterance_id: str = Field(
        description=(
            "Id of the utterance the segment belongs to: the pieces of one quotation split by an "
            'attribution ("...," she said, "...") share it.'
        )
    )
    start: int = Field(
        description=(
            "Start offset of the quoted segment (opening mark included) in the article text."
        )
    )
    end: int = Field(description="End offset (exclusive) of the segment, closing mark included.")
    text: str = Field(description="The quoted segment, marks included: article.text[start:end].")
    kind: QuoteKind = Field(
        default="direct",
        description=(
            "direct (a full quotation), partial (quoted words inside the writer's sentence) or "
            "scare (a term or title in quotation marks, not speech)."
        ),
    )
    reason: str | None = Field(
        default=None, description="Why the quote is partial or scare, or why it has no speaker."
    )
    speaker: str | None = Field(
        default=None,
        description=(
            "Who said it, resolved to a name (a pronoun or 'the minister' resolved to the person "
            "named earlier); empty when unattributed."
        ),
    )
    speaker_mention: str | None = Field(
        default=None,
        description=(
            "The words in the text that name the speaker at the attribution (a name, pronoun or "
            "description)."
        ),
    )
    speaker_start: int | None = Field(default=None, description="Start offset of speaker_mention.")
    speaker_end: int | None = Field(
        default=None, description=("End offset (exclusive) of speaker_mention.")
    )
    speaker_type: str | None = Field(
        default=None,
        description=(
            'person, organisation, anonymous ("a source said"), document (a report, a statement), '
            "outlet, or unattributed."
        ),
    )
    speaker_role: str | None = Field(
        default=None,
        description=('The speaker\'s role or title when the text gives one ("the mayor").'),
    )
    cue: str | None = Field(
        default=None,
        description=(
            "The reporting verb or phrase that attributes the quote (said, told, according to...)."
        ),
    )
    cue_start: int | None = Field(default=None, description="Start offset of cue.")
    cue_end: int | None = Field(default=None, description="End offset (exclusive) of cue.")
    reported_by: str | None = Field(
        default=None,
        description=(
            'Who relayed the quote when the speaker said it to someone else ("told the BBC").'
        ),
    )
    sentence: str = Field(
        default="",
        description=(
            "The sentence (or sentences) holding the quote, "
            "article.text[sentence_start:sentence_end]; " + EVIDENCE_CLIP.format(what="quote") + "."
        ),
    )
    sentence_start: int | None = Field(default=None, description="Start offset of sentence.")
    sentence_end: int | None = Field(
        default=None, description=("End offset (exclusive) of sentence.")
    )
    rule_id: str | None = Field(
        default=None,
        description=(
            "The attribution rule that found the speaker (rules/attribution.toml): subject-cue, "
            "cue-subject, according-to, colon-lead, participle..."
        ),
    )
    resolution: str | None = Field(
        default=None,
        description=(
            "How speaker was resolved from speaker_mention: named, nominal, pronoun, floating "
            "(taken from the previous quote of the paragraph)... A quote that inherits its "
            "speaker from another quote (continuation, floating) names how, then the other "
            "quote's resolution; from a chain of more than two quotes, how, the number of steps "
            "between, and the first step with the frame's resolution ('continuation; 3 more "
            "inherited steps back to: colon lead-in; named')."
        ),
    )


class Claim(Record):
    """One casualty figure: what it counts, how sure, and who claims it."""

    doc_id: str = Field(description=DOC_ID)
    outlet: str | None = Field(default=None, description=OUTLET)
    claim_id: str = Field(description="Id of this figure: DOC_ID:cN.")
    start: int = Field(
        description=(
            "Start offset of the evidence (the figure with its casualty word) in the article text."
        )
    )
    end: int = Field(description="End offset (exclusive) of the evidence.")
    count_text: str = Field(
        description=(
            'The figure as written ("at least 12", "dozens"): article.text[count_start:count_end].'
        )
    )
    evidence: str = Field(
        description=(
            "The words that make the claim, figure and casualty word: article.text[start:end]."
        )
    )
    sentence: str = Field(
        default="",
        description=(
            "The sentence holding the claim, article.text[sentence_start:sentence_end]; "
            + EVIDENCE_CLIP.format(what="claim (start..end)")
            + "."
        ),
    )
    category: str = Field(
        description="What is counted: killed, injured, missing, arrested, kidnapped or displaced."
    )
    qualifier: str = Field(
        description=(
            "How the figure is qualified: exact, at_least, more_than, at_most, less_than, approx, "
            'range or vague ("dozens").'
        )
    )
    value: int | None = Field(
        default=None,
        description=(
            "The number written (the lower one of a range); empty for a vague figure without one."
        ),
    )
    value_high: int | None = Field(
        default=None, description='The upper number of a range ("10 to 15"); empty otherwise.'
    )
    low: int | None = Field(
        default=None,
        description=(
            'Lowest count the claim allows ("more than 10": 11; "dozens": the rule\'s lower bound).'
        ),
    )
    high: int | None = Field(
        default=None,
        description=(
            'Highest count the claim allows; empty when it has no upper bound ("at least 12").'
        ),
    )
    best: int | None = Field(
        default=None,
        description=(
            "The single figure to compare: the number itself, the middle of a range, the rule's "
            "typical value of a vague figure."
        ),
    )
    victims: str | None = Field(
        default=None, description='Who is counted, as written ("civilians", "police officers").'
    )
    victim_class: str | None = Field(
        default=None,
        description=(
            "victims mapped to the victim taxonomy of rules/victims.toml (people, civilians, "
            "police, children...)."
        ),
    )
    claimant: str | None = Field(
        default=None,
        description=(
            'Who gives the figure ("police said"), resolved like a quote\'s speaker; empty when it '
            "is the outlet's own voice."
        ),
    )
    claimant_type: str | None = Field(
        default=None,
        description=(
            "Kind of claimant: officials, military/police, medical, media, anonymous... "
            "(rules/claimants.toml)."
        ),
    )
    hedge: str | None = Field(
        default=None,
        description=(
            'The hedge weakening the figure ("reportedly", "feared", "estimated"); empty when '
            "stated plainly."
        ),
    )
    location: str | None = Field(
        default=None, description="The place the sentence ties the figure to, when it names one."
    )
    event_date: str | None = Field(
        default=None,
        description=(
            'The day of the event (ISO) when the text gives it ("on Tuesday" read against '
            "published)."
        ),
    )
    measure: str | None = Field(
        default=None,
        description=(
            "incident (one event), daily aggregate (a day's total) or cumulative (a running total "
            "since a start)."
        ),
    )
    main_event: bool = Field(
        default=True,
        description=(
            "False when the figure is about a background event (an earlier attack recalled), True "
            "otherwise."
        ),
    )
    update_cue: str | None = Field(
        default=None, description='Words saying the figure is an update ("rose to", "climbed to").'
    )
    in_quote: str | None = Field(
        default=None,
        description=(
            "The quote_id of the quotation the figure stands inside (a speaker's own figure); "
            "empty when outside quotes."
        ),
    )
    rule_id: str | None = Field(
        default=None, description="The claim rule that found the figure (rules/casualties.toml)."
    )
    count_start: int | None = Field(
        default=None,
        description=("Start offset of the figure alone (count_text), inside start..end."),
    )
    count_end: int | None = Field(default=None, description="End offset (exclusive) of count_text.")
    sentence_start: int | None = Field(default=None, description="Start offset of sentence.")
    sentence_end: int | None = Field(
        default=None, description=("End offset (exclusive) of sentence.")
    )
    published: str | None = Field(
        default=None,
        description=("The article's published date (ISO), copied for grouping claims by day."),
    )


class QuoteMatch(Record):
    """The same quoted words found in several documents."""

    match_id: str = Field(description="Id of this match: mN.")
    quote_ids: list[str] = Field(
        description="The quotes found to be one quotation, across documents."
    )
    doc_ids: list[str] = Field(description=DOC_IDS)
    outlets: list[str | None] = Field(description=OUTLETS)
    similarity: float = Field(
        description=(
            "How alike the wordings are, 0-1 (1: the same words; for truncated, the share of the "
            "longer quote kept)."
        )
    )
    status: str = Field(
        description=(
            "identical (same text), same_words (same words, other punctuation or case), truncated "
            "(one is part of the other), split_differently (the same words cut into other pieces),"
            " altered (wording changed: see diff)."
        )
    )
    diff: str | None = Field(
        default=None,
        description=(
            "For altered quotes, the words added (+) and dropped (-) between the first two "
            "wordings."
        ),
    )
    speakers: list[str | None] = Field(
        default_factory=list, description="The speaker credited by each quote, in the same order."
    )
    speaker_agrees: bool | None = Field(
        default=None,
        description=(
            "True when every named speaker is the same person; empty when fewer than two quotes "
            "name one."
        ),
    )
    reported_by: list[str | None] = Field(
        default_factory=list, description="The reported_by of each quote, in the same order."
    )
    syndicated: bool = Field(
        default=False,
        description="True when the documents are copies of one wire story (see article_pairs).",
    )
    texts: list[str] = Field(
        default_factory=list, description="The text of each quote, in the same order."
    )
    starts: list[int] = Field(
        default_factory=list,
        description="The start offset of each quote in its article, in the same order.",
    )
    ends: list[int] = Field(
        default_factory=list,
        description="The end offset of each quote in its article, in the same order.",
    )


class ArticlePair(Record):
    """Two articles that share long passages word for word."""

    doc_ids: list[str] = Field(description="The two articles.")
    outlets: list[str | None] = Field(description="Their outlets.")
    shared_sentences: int = Field(
        description=(
            "Sentences the two articles share word for word (estimated from 8-word shingles)."
        )
    )
    containment: float = Field(
        description="Share of the shorter article's sentences found in the other, 0-1."
    )
    syndicated: bool = Field(
        description="True when containment reaches --syndication-threshold: copies of one story."
    )


class EventGroup(Record):
    """Claims judged to be about the same event, and what joined them."""

    group_id: str = Field(description="Id of this event group: gN.")
    category: str = Field(description="What the claims count (killed, injured...).")
    measure: str | None = Field(
        default=None,
        description=(
            "incident, daily aggregate or cumulative: claims of different measures are never "
            "grouped."
        ),
    )
    claim_ids: list[str] = Field(
        description=(
            "The claims judged to be about this event, copies of syndicated stories included."
        )
    )
    doc_ids: list[str] = Field(description=DOC_IDS)
    outlets: list[str | None] = Field(description=OUTLETS)
    location: str | None = Field(default=None, description="The first place the claims name.")
    event_date: str | None = Field(
        default=None, description="The earliest event date (or published date) of the claims, ISO."
    )
    match_keys: list[str] = Field(default_factory=list, description=MATCH_KEYS)
    low: int | None = Field(default=None, description="The lowest best figure among the claims.")
    best: int | None = Field(default=None, description="The median of the claims' best figures.")
    high: int | None = Field(default=None, description="The highest best figure among the claims.")
    strongest_lower_bound: int | None = Field(
        default=None,
        description="The highest low among the claims: the count at least one source vouches for.",
    )
    strongest_lower_claim: str | None = Field(
        default=None, description="The claim giving strongest_lower_bound."
    )
    tightest_upper_bound: int | None = Field(
        default=None, description="The lowest high among the claims that have one."
    )
    tightest_upper_claim: str | None = Field(
        default=None, description="The claim giving tightest_upper_bound."
    )
    conservative: int | None = Field(
        default=None, description="The lowest low among the claims: the figure no source disputes."
    )


class Disagreement(Record):
    """A flagged pair (or set) of claims whose figures disagree, with a pasteable explanation."""

    disagreement_id: str = Field(description="Id of this disagreement: dN.")
    kind: str = Field(
        description=(
            "contradiction (intervals disjoint), divergence (overlapping, best figures further "
            "apart than --tolerance), part_exceeds_whole (a part, e.g. children or a district, "
            "above the whole), same_claimant_inconsistent, attribution_mismatch (one sentence "
            "credited to different claimants), update / revision_down (a later report higher / "
            "lower)."
        )
    )
    severity: str = Field(
        description=(
            "high (contradiction, part_exceeds_whole), medium (divergence, "
            "same_claimant_inconsistent, attribution_mismatch), low (revision_down) or info "
            "(update)."
        )
    )
    needs_review: bool = Field(
        default=False,
        description=(
            "True when the flag rests on something uncertain (a hedged figure, an unplaced claim, "
            "nested places): check before publishing."
        ),
    )
    group_id: str | None = Field(
        default=None,
        description=("The event group the claims belong to (empty for a check across groups)."),
    )
    claim_ids: list[str] = Field(description="The claims that disagree.")
    doc_ids: list[str] = Field(description=DOC_IDS)
    outlets: list[str | None] = Field(description=OUTLETS)
    claimants: list[str | None] = Field(
        description="The claimant of each claim, in the same order."
    )
    intervals: list[str] = Field(
        description=(
            "The interval [low, high] each claim allows, in the same order (∞: no upper bound)."
        )
    )
    ratio: float | None = Field(
        default=None, description=("Ratio of the larger best figure to the smaller.")
    )
    same_outlet: bool = Field(
        default=False, description=("True when every claim comes from one outlet.")
    )
    syndicated: bool = Field(
        default=False, description="True when the articles are copies of one wire story."
    )
    match_keys: list[str] = Field(default_factory=list, description=MATCH_KEYS)
    explanation: str = Field(
        default="",
        description=("A sentence a person can paste, naming the figures, claimants and outlets."),
    )
    evidence: list[str] = Field(
        default_factory=list, description="The evidence text of each claim, in the same order."
    )
    incident_id: str | None = Field(
        default=None, description="The incident whose figures disagree (incidents.group_id)."
    )


IncidentStatus = Literal["agree", "disagree", "updated", "single_source", "not_compared"]


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
        description="agree, disagree (a conflict flag), updated (only changes over time), "
        "single_source (one claimant) or not_compared (the comparison budget ran out before "
        "it; see the comparison_incomplete issue)."
    )
    strongest_flag: str | None = Field(
        default=None, description="The most severe flag kind among the incident's claims."
    )
    severity: str | None = Field(default=None, description="The severity of strongest_flag.")
    n_flags: int = Field(default=0, description="Disagreement rows within the incident.")
