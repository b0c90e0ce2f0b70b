"""Attribution and speaker resolution shared by quotes and claims (who says what).

The contract other stages rely on:

* ``Attributor(ruleset)`` compiles the rules once;
* ``Attributor.document(article, seg)`` returns a ``DocumentContext`` for one article;
* ``DocumentContext.source_of(start, end)`` returns the ``Source`` that the article says a span
  of text comes from (resolved to a name, e.g. "he" -> "Nawaf Fares"), or None for the outlet's
  own voice; ``DocumentContext.quote_sources[i]`` is the source of ``seg.quotes[i]``.

Method (frames from ``rules/attribution.toml``): one pass finds every reporting cue outside
quotation marks; for each cue the subject is looked for right before it ("S said", "S, an aide,
said"), right after it when it follows a quote ('"Q," said S'), after "according to", at the
start of the main clause for a participle (", saying"); reported chains ("R quoted S as saying")
give the speaker and ``reported_by``; transcript labels ("SMITH:") and dash attributions
('"Q" ― S') are matched where they occur. Subjects and other mentions are then resolved in
document order by ``quotetrack.extract.mentions.Resolver``. A quote takes the nearest frame in its
own sentences; else the speaker of the quote it continues, of the previous quote in its
paragraph, of a colon lead-in ("S said:") or of the quote that ends the previous paragraph.

Speed: one pass over the text per kind of thing looked for (cues, names, pronouns), each
candidate then checked at its own offset; cue and pronoun candidates come from a stdlib ``re``
pre-filter (``quotetrack.rulebook.scan``); the typing of a mention's text is cached per string; a
frame subject whose resolution reads no earlier mention (a full name, a group noun, an indefinite
nominal) is resolved on its own, and the other mentions are collected only up to the last frame
subject or reporter that needs them (resolution looks back, never forward). Rules
are tried only where they can match: the subject before a cue is matched backwards at the cue
alone, and without NOMINAL's of-phrase when the window holds no " of "/" for "/...; a subject
nominal only where a test on the first words allows one; a transcript label only on a line that
holds ": ". Each shortcut gives the rule's own matches (tests check it on generated texts); see
``rules/README.md`` for what they assume of the rules.
"""

from __future__ import annotations

import bisect
import dataclasses
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import repeat
from pathlib import Path
from typing import NamedTuple, TypeVar

import regex
from pydantic import Field, PrivateAttr, model_validator

from quotetrack.extract.mentions import (
    CACHE_SIZE,
    Mention,
    NameLexicon,
    NeedsContext,
    Resolver,
    resolve_alone,
)
from quotetrack.extract.segment import QuoteSpan, Segmentation, Span
from quotetrack.extract.verbs import ReportingVerbRules
from quotetrack.models import Article
from quotetrack.rulebook.nominal_shape import (
    ShapeOff,
    Tail,
    WordShape,
    read_tail,
    read_word_shape,
)
from quotetrack.rulebook.ruleset import RuleFile, RuleSet, load_rule_file
from quotetrack.rulebook.scan import Scanner, trie_regex

PARTICIPLE_WORD_RE = regex.compile(r"\p{Lu}\p{Ll}+(?:ed|ing|en)")
ATTACHED_AFTER_RE = regex.compile(r"[\s,;:\-\u2013\u2014\u2015]*")
LOWER_WORD_RE = regex.compile(r"(?<![\p{L}])\p{Ll}+(?![\p{L}])")
FINAL_PERIOD_RE = regex.compile(r"(?<![.\s]\p{L}{0,1})(?<=[\p{L}]{3})\.$")
BY_RE = regex.compile(r"\s+by\b")
LETTER_RE = regex.compile(r"\p{L}")
AND_BEFORE_RE = regex.compile(r"(?<![\p{L}])and(?:[ \t]+then)?[ \t]+$")
LOWER_NEXT_RE = regex.compile(r"[ \t]\p{Ll}")
INTRO_RE = regex.compile(r"[^,\n]{0,120},\s*")
OPENING_CHARS = (
    " \"'“‘\u00a0"  # what may stand before a mention at a sentence start (quote marks, spaces)
)
#: where a nickname in quotation marks stands inside a name ('Marcia "Cia" Price'): a blank and
#: a capital after it, a capitalised word and a blank before it (the nickname is part NICK)
NICKNAME_AROUND_RE = regex.compile(r"[ \u00a0]\p{Lu}")
NICKNAME_BEFORE_RE = regex.compile(r"\p{Lu}[\p{L}.'’\-]*[ \u00a0]$")
#: how far before its cue a subject (with its appositive) may start, in characters
SUBJECT_REACH = 250
#: what may stand between a sentence's start and a quote that opens it (blanks, marks, dashes)
SENTENCE_LEAD = " \t\n\u00a0\"'“‘([-\u2013\u2014"
PREV_WORD_RE = regex.compile(r"(?r)(\p{L}+)\W*$")  # searched backwards from the end of the window
ASCII_LETTERS = string.ascii_letters
ASCII_NON_WORD = "".join(
    c for c in map(chr, range(128)) if not (c.isalnum() or c == "_")
)  # [^A-Za-z0-9_] in ASCII
NOT_SUBJECT_NEXT_RE = regex.compile(r"\s*(?:[?!,:;]|of\b)")
THE_RE = regex.compile(r"^[Tt]he\s+")
_T = TypeVar("_T")
PART_LEXICONS_RE = regex.compile(r"\(\?:\{\w+\}(?:\|\{\w+\})*\)")
HEAD_WORD_PUNCTUATION = (
    ",.;:!?\"'“”‘’()"  # stripped off the first words before looking for a head noun
)
SENTENCE_CLOSERS = " \t\n.!?;)\"'”’"  # what may follow the last word of a sentence
# spaces that do not break a line (no-break, narrow no-break, figure, thin, hair, en and em
# spaces): to the attribution rules a space like any other ("Ann Lee\u00a0said"); one character
# each, so offsets do not move
BLANKS = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006"


class NameRules(RuleFile):
    """Schema of ``rules/names.toml`` (lexicons only; the ones the resolver reads are declared in
    ``rulebook/contract.py`` and checked when the rules load)."""

    @model_validator(mode="after")
    def _check_pronouns(self) -> NameRules:
        """Pronouns are single words, and none is both masculine and feminine."""
        for name, entries in self.lexicons.items():
            if name.startswith("pronouns_"):
                for entry in entries:
                    if len(entry.split()) != 1:
                        raise ValueError(f"lexicons.{name}: {entry!r} is not one word")
        masculine = {e.lower() for e in self.lexicons.get("pronouns_masculine", [])}
        both = masculine & {e.lower() for e in self.lexicons.get("pronouns_feminine", [])}
        if both:
            raise ValueError(
                f"lexicons.pronouns_feminine: {sorted(both)[0]!r} is also in pronouns_masculine"
            )
        return self


class AttributionRules(RuleFile):
    """Schema of ``rules/attribution.toml``: frames and mention patterns; may use other files'
    lexicons."""

    imports: list[str] = Field(default_factory=list)
    _merged: RuleFile | None = PrivateAttr(default=None)
    _merged_reverse: dict[tuple[tuple[str, str], ...], RuleFile] = PrivateAttr(default_factory=dict)

    def expand(self, template: str, _stack: tuple[str, ...] = ()) -> str:
        """``RuleFile.expand`` over this file's parts and lexicons plus those of ``imports``."""
        if not self.imports:
            return super().expand(template, _stack)
        if self._merged is None:
            # lexicons become trie-shaped parts: the same language, matched much faster
            self._merged = self._merged_file(trie_alternation)
        return self._merged.expand(template, _stack)

    def reverse_pattern(
        self, rule_id: str, parts: dict[str, str] | None = None
    ) -> regex.Pattern[str]:
        """Rule ``rule_id`` compiled for a reverse search (from the end of the window backwards),
        with ``parts`` in place of this file's parts of the same names.

        A prefix trie is slow to match backwards, so each lexicon is followed by a look-behind on
        the same entries as a suffix trie: the reverse engine tries a lexicon only where one of
        its entries ends. The look-behind is a test, not a choice: the matches are the same."""
        key = tuple(sorted((parts or {}).items()))
        merged = self._merged_reverse.get(key)
        if merged is None:
            merged = self._merged_reverse[key] = self._merged_file(
                lambda entries: (
                    f"(?:{trie_alternation(entries)})(?<={suffix_trie_alternation(entries)})"
                ),
                parts,
            )
        rule = next(r for r in self.patterns if r.id == rule_id)
        return merged.compile("(?r)" + rule.pattern, rule.ignore_case, key="reverse:" + rule_id)

    def part_words(self, part: str, first: bool = False) -> frozenset[str] | None:
        """Lower-cased last (or ``first``) words of the entries of a part that is a union of
        lexicons (``(?:{a}|{b})``), or None when the part is anything else."""
        names = PART_LEXICONS_RE.fullmatch(self.parts.get(part, ""))
        if names is None:
            return None
        lexicons = self.merged_lexicons()
        refs = regex.findall(r"\{(\w+)\}", names.group())
        if any(ref not in lexicons or ref in self.parts for ref in refs):
            return None
        return frozenset(
            entry.split()[0 if first else -1].lower()
            for ref in refs
            for entry in lexicons[ref]
            if entry.strip()
        )

    def word_shape(self) -> WordShape:
        """The shape of the words before ``{HEAD}`` in ``NOMINAL`` and of pattern
        ``subject-nominal`` that the nominal word test relies on (``rulebook.nominal_shape``);
        raises ``ShapeOff`` when they lack it."""
        rule = next((r.pattern for r in self.patterns if r.id == "subject-nominal"), None)
        if rule is None:
            raise ShapeOff("there is no pattern subject-nominal")
        return read_word_shape(self, rule)

    def tail(self) -> Tail:
        """``NOMINAL``'s optional trailing phrase (``rulebook.nominal_shape``); raises
        ``ShapeOff`` when it has none of that shape."""
        return read_tail(self)

    def merged_lexicons(self) -> dict[str, list[str]]:
        """Every lexicon this file can use: those of ``imports``, then its own."""
        lexicons: dict[str, list[str]] = {}
        for name in self.imports:
            lexicons.update(load_rule_file(Path(self._origin).parent / name).lexicons)
        lexicons.update(self.lexicons)
        return lexicons

    def _merged_file(
        self, alternation: Callable[[list[str]], str], override: dict[str, str] | None = None
    ) -> RuleFile:
        """A rules file whose parts are this file's parts (or ``override``'s) plus every lexicon
        (own and imported) as ``alternation``."""
        lexicons = self.merged_lexicons()
        parts = (
            {name: alternation(entries) for name, entries in lexicons.items()}
            | dict(self.parts)
            | (override or {})
        )
        merged = RuleFile(meta=self.meta, parts=parts)
        merged._origin = self._origin
        return merged


def _or_none(read: Callable[[], _T]) -> _T | None:
    """``read()``, or None when the rules lack the shape it reads (``ShapeOff``)."""
    try:
        return read()
    except ShapeOff:
        return None


def trie_alternation(entries: list[str]) -> str:
    """A regex matching exactly the ``entries`` (longest first), factored into a prefix trie.

    Spaces in an entry match any run of whitespace, as in ``rules.lexicon_alternation``; the
    regex engine then checks one branch per character instead of every entry in turn.
    """
    return trie_regex(_normalised(entries), " ") or "(?!)"


def suffix_trie_alternation(entries: list[str]) -> str:
    """A regex matching exactly the ``entries``, factored into a suffix trie (fast to match
    backwards)."""
    return trie_regex(_normalised(entries), " ", reverse=True) or "(?!)"


def _normalised(entries: list[str]) -> set[str]:
    """The non-blank entries with their whitespace runs as one space."""
    return {" ".join(e.split()) for e in entries if e.strip()}


@dataclass(frozen=True, slots=True)
class Source:
    """Who a span of text is attributed to."""

    name: str  # resolved name ("Nawaf Fares", "Syria's Foreign Ministry", "activists")
    mention: str  # the mention the frame used ("he", "the ministry")
    start: int
    end: int
    source_type: str  # person / organisation / anonymous / document / outlet
    role: str | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    reported_by: str | None = None
    rule_id: str | None = None
    resolution: str | None = None
    # a source a quote inherited from another quote ("continuation", "floating: ..."): how many
    # inherited steps lead back to the frame, and the resolution of the first one
    steps: int = 0
    first_step: str | None = None


class Frame(NamedTuple):
    """One attribution frame found in the text: a cue and the span of its subject (immutable; a
    tuple because a frozen dataclass takes three times as long to make, once per cue)."""

    cue_start: int
    cue_end: int
    subj_start: int
    subj_end: int
    rule_id: str
    sentence: int
    paragraph: int
    appos: str | None = None
    reporter: tuple[int, int] | None = None
    colon: bool = False


class DocumentContext:
    """Mentions, frames and quote sources of one article."""

    def __init__(
        self,
        article: Article,
        seg: Segmentation,
        frames: list[Frame],
        sources: list[Source | None],
        quote_sources: list[Source | None],
        quote_frames: list[int | None],
        quote_links: list[int | None],
    ) -> None:
        self.article = article
        self.seg = seg
        self.frames = frames
        self.sources = sources  # one per frame
        self.quote_sources = quote_sources  # one per seg.quotes entry
        self.quote_frames = quote_frames  # index into frames, or None (inherited / none)
        self.quote_links = (
            quote_links  # earlier quote of the same utterance (continued or floating), or None
        )
        self._cue_starts = [f.cue_start for f in frames]

    def source_of(self, start: int, end: int) -> Source | None:
        """The source the article gives for the text in ``[start, end)``, or None."""
        quote = _quote_holding(self.seg.quotes, start, end)
        if quote is not None and self.quote_sources[quote] is not None:
            return self.quote_sources[quote]
        i = self.seg.sentence_index_at(start)
        if i is None:
            return None
        sent = self.seg.sentences[i]
        best: tuple[int, int] | None = None
        lo = bisect.bisect_left(self._cue_starts, sent.start)
        hi = bisect.bisect_left(self._cue_starts, sent.end)
        for k in range(lo, hi):
            f = self.frames[k]
            if self.sources[k] is None or self._in_other_parenthesis(
                sent.start, f.cue_start, start
            ):
                continue
            dist = (
                start - f.cue_end
                if f.cue_end <= start
                else (f.cue_start - end if f.cue_start >= end else 0)
            )
            if best is None or dist < best[0]:
                best = (max(dist, 0), k)
        return self.sources[best[1]] if best is not None else None

    def _in_other_parenthesis(self, floor: int, cue: int, start: int) -> bool:
        """True when the cue at ``cue`` is inside a parenthesis that does not hold ``start``
        ("... no injuries (the Post says three were hurt)": the aside's frame governs only the
        aside)."""
        text = self.article.text
        opened = text.rfind("(", floor, cue)
        if opened < 0 or text.rfind(")", opened, cue) >= 0:
            return False
        closed = text.find(")", cue)
        return not opened < start < (closed if closed >= 0 else len(text))


def _quote_holding(quotes: list[QuoteSpan], start: int, end: int) -> int | None:
    for q in quotes:
        if q.start <= start and end <= q.end:
            return q.index
        if q.start > start:
            break
    return None


class Attributor:
    """Compiled attribution rules (build once per rule set)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        rules: AttributionRules = ruleset.get("attribution.toml")
        verbs: ReportingVerbRules = ruleset.get("reporting_verbs.toml")
        self.lexicon = NameLexicon(ruleset.get("names.toml"))
        # words after which a capitalised word is a place or a modifier more often than a name
        self.name_context_words = self.lexicon.prepositions | self.lexicon.determiners
        self.cue_re = rules.pattern("cue")
        self.cue_scanner = Scanner(self.cue_re)
        # searched backwards from the cue: the same matches, found without trying every start
        self.left_re = rules.reverse_pattern("subject-cue")
        # the same without NOMINAL's of-phrase, for windows where no of-phrase can start (see
        # _left_subject)
        # the nominal shortcuts, each off (None) when the rules lack its shape (rules check says)
        tail = _or_none(rules.tail)
        self.tail_start_re = None if tail is None else tail.start
        self.left_untailed_re = (
            None
            if tail is None
            else rules.reverse_pattern("subject-cue", {"NOMINAL": tail.untailed})
        )
        shape = self.word_shape = _or_none(rules.word_shape)
        self.right_re = rules.pattern("cue-subject")
        self.according_re = rules.pattern("according-to")
        self.quoted_as_re = rules.pattern("quoted-as")
        self.quoted_by_re = rules.pattern("quoted-by")
        self.participle_subject_re = rules.pattern("participle-subject")
        self.participle_re = rules.pattern("participle")
        self.label_re = rules.pattern("transcript-label")
        label = (
            self.label_re.pattern.rstrip()
        )  # the shape _labels relies on: one line, ending in ": " or ":\t"
        self.label_at_line_start = (
            bool(self.label_re.flags & regex.MULTILINE)
            and label.startswith("(?m)^")
            and label.endswith(":[ \\t]")
            and "\\n" not in label
            and "\\s" not in label
        )
        self.dash_re = rules.pattern("dash-trailing")
        self.colon_re = rules.pattern("colon-lead")
        self.name_re = rules.pattern("name-mention")
        self.nominal_re = rules.pattern("nominal-mention")
        self.subject_nominal_re = rules.pattern("subject-nominal")
        self._surface = lru_cache(maxsize=CACHE_SIZE)(
            self._surface_uncached
        )  # a pure function of the text
        lex = self.lexicon
        self.head_words = frozenset(
            h.split()[-1] for h in lex.org_heads | lex.person_heads | lex.anon_heads | lex.doc_heads
        )
        self.person_head_words = frozenset(h.split()[-1] for h in lex.person_heads)
        self.head_ends = rules.part_words("HEAD")  # None: no shortcut for nominal look-ups
        head_firsts = rules.part_words("HEAD", first=True)
        # None: no shape pre-check before subject-nominal (see _nominal_can_start)
        self.head_firsts = (
            head_firsts
            if shape is not None
            and head_firsts is not None
            and not any("," in w for w in head_firsts)
            else None
        )
        self.appos_name_re = rules.pattern("appositive-name")
        self.appos_role_re = rules.pattern("appositive-role")
        # the nickname NAME may hold; without one, no subject window reaches back over a quote
        self.nickname_re = regex.compile(rules.expand("{NICK}")) if "NICK" in rules.parts else None
        self.role_name_re = rules.pattern("role-before-name")
        self.dateline_re = rules.pattern("dateline")
        self.name_participle_re = rules.pattern("name-participle")
        self.passive_re = rules.pattern("passive-before-cue")
        self.legal_re = rules.pattern("legal-sense-after")
        self.by_medium_re = rules.pattern("by-medium")
        self.colon_name_re = rules.pattern("colon-name")
        self.issuer_re = rules.pattern("document-issuer")
        self.signature_re = rules.pattern("signature-line")
        self.participle_link_re = rules.pattern("participle-link")
        self.coordinated_re = rules.pattern("coordinated-subject")
        self.quoted_appos_re = rules.reverse_pattern("quoted-appositive-subject")
        self.own_content_re = rules.pattern("reported-content")
        self.pronoun_re = pronoun_pattern(self.lexicon.tracked_pronouns)
        self.pronoun_scanner = Scanner(self.pronoun_re)
        self.inverting = verbs.lexicon_set("inverting")
        self.participles = verbs.lexicon_set("participles")
        self.ambiguous = verbs.lexicon_set("ambiguous")
        self.quoted_as = verbs.lexicon_set("quoted_as")
        self.intransitive = verbs.lexicon_set("intransitive")
        self.complementizers = verbs.lexicon_set("complementizers")
        self.legal_senses = verbs.lexicon_set("legal_senses")
        self.determiners = self.lexicon.determiners

    # -- frames --------------------------------------------------------------------------------
    def frames(self, text: str, seg: Segmentation, inside: QuoteIndex) -> list[Frame]:
        """Every attribution frame of the text (cues inside quotation marks are skipped)."""
        frames: list[Frame] = []
        for m in self.cue_scanner.finditer(text):
            cs, ce = m.span()
            if inside.holds(cs):
                continue
            frame = self._frame_at(text, seg, inside, cs, ce, m.group().lower())
            if frame is not None:
                frames.append(frame)
        for m, rule_id in self._quoted_as(text, seg):
            if inside.holds(m.start()):
                continue
            si = seg.sentence_index_at(m.start()) or 0
            cue_s = m.end("reporter") if rule_id == "quoted-as" else m.end("subject")
            cue_s += len(text[cue_s : m.end()]) - len(
                text[cue_s : m.end()].lstrip()
            )  # the cue starts at its first word
            frames.append(
                Frame(
                    cue_s,
                    m.end(),
                    m.start("subject"),
                    m.end("subject"),
                    rule_id,
                    si,
                    seg.sentences[si].paragraph if seg.sentences else 0,
                    m.groupdict().get("appos"),
                    (m.start("reporter"), m.end("reporter")),
                )
            )
        for m in self._labels(text):
            si = seg.sentence_index_at(m.start()) or 0
            frames.append(
                Frame(
                    m.end("subject"),
                    m.end("subject") + 1,
                    m.start("subject"),
                    m.end("subject"),
                    "transcript-label",
                    si,
                    seg.sentences[si].paragraph if seg.sentences else 0,
                )
            )
        frames.extend(self._signatures(text, seg))
        framed = {f.sentence for f in frames}
        for q in seg.quotes:
            frame = self._colon_frame(text, seg, q, framed)
            if frame is not None:
                frames.append(frame)
                framed.add(frame.sentence)
            d = self.dash_re.match(text, q.end, min(len(text), q.end + 80))
            if d is not None and q.closed:
                si = seg.sentence_index_at(q.start) or 0
                frames.append(
                    Frame(
                        q.end,
                        d.start("subject"),
                        d.start("subject"),
                        d.end("subject"),
                        "dash-trailing",
                        si,
                        q.paragraph,
                    )
                )
        frames = [self._name_after_role(text, f) for f in frames]
        frames.sort(key=lambda f: f.cue_start)
        return frames

    def _name_after_role(self, text: str, f: Frame) -> Frame:
        """The frame with the name as its subject when the subject is only a title word before a
        role and a name ("Republican presidential candidate Jane Doe": "Republican" alone names
        no one); the words before the name become its role."""
        words = text[f.subj_start : f.subj_end].split()
        if len(words) != 1 or words[0] not in self.lexicon.titles:
            return f
        limit = f.cue_start if f.cue_start > f.subj_end else len(text)
        m = self.role_name_re.match(text, f.subj_end, min(limit, f.subj_end + 120))
        if m is None:
            return f
        s, e = m.span("name")
        return f._replace(subj_start=s, subj_end=e, appos=f.appos or text[f.subj_start : s].strip())

    def _signatures(self, text: str, seg: Segmentation) -> list[Frame]:
        """'"Q" / Jane Doe, a nurse.': a paragraph that only names the speaker of the quote
        paragraph before it (a pull quote's signature line)."""
        out: list[Frame] = []
        for q in seg.quotes:
            para = seg.paragraphs[q.paragraph]
            if q.start != para.start or q.end < para.end - 1:
                continue
            if q.paragraph + 1 >= len(seg.paragraphs):
                continue
            nxt = seg.paragraphs[q.paragraph + 1]
            m = self.signature_re.fullmatch(text, nxt.start, nxt.end)
            if m is None or self._not_a_source(m.group("subject")):
                continue
            si = seg.sentence_index_at(nxt.start) or 0
            s, e = m.span("subject")
            out.append(Frame(e, e, s, e, "signature-line", si, nxt.index, m.group("appos")))
        return out

    def _labels(self, text: str) -> list[regex.Match[str]]:
        """``label_re.finditer(text)``, tried only at the start of lines that hold ": " or ":\\t".

        A label is matched at a line start and ends in a colon and a blank within its line (a
        rule of another shape is scanned as it is)."""
        if not self.label_at_line_start:
            return list(self.label_re.finditer(text))
        out: list[regex.Match[str]] = []
        last_line = -1
        colon = text.find(":")
        while colon >= 0:
            if text[colon + 1 : colon + 2] in (" ", "\t"):
                line = text.rfind("\n", 0, colon) + 1
                if line != last_line:
                    last_line = line
                    m = self.label_re.match(text, line)
                    if m is not None:
                        out.append(m)
            colon = text.find(":", colon + 1)
        return out

    def _quoted_as(self, text: str, seg: Segmentation) -> list[tuple[regex.Match[str], str]]:
        """(match, rule id) of the reported-chain frames ("R quoted S as saying", "S was quoted by R
        as saying"), looked for only in sentences that say "quoted"."""
        out: list[tuple[regex.Match[str], str]] = []
        pos = text.find("quoted")
        last_sentence = -1
        while pos >= 0:
            si = seg.sentence_index_at(pos)
            if si is not None and si != last_sentence:
                last_sentence = si
                sent = seg.sentences[si]
                out.extend(
                    (m, "quoted-as") for m in self.quoted_as_re.finditer(text, sent.start, sent.end)
                )
                out.extend(
                    (m, "quoted-by") for m in self.quoted_by_re.finditer(text, sent.start, sent.end)
                )
            pos = text.find("quoted", pos + 6)
        return out

    def _colon_frame(
        self, text: str, seg: Segmentation, q: QuoteSpan, framed: set[int]
    ) -> Frame | None:
        """'S scolded him: "Q"': the subject of a clause that ends in a colon before the quote."""
        para = seg.paragraphs[q.paragraph]
        lead = text[para.start : q.start].rstrip(" \t\u00a0")
        if lead.endswith(":"):
            colon_at = para.start + len(lead) - 1
        elif not lead and q.paragraph > 0:
            prev = seg.paragraphs[q.paragraph - 1]
            if not text[prev.start : prev.end].endswith(":"):
                return None
            colon_at = prev.end - 1
        else:
            return None
        si = seg.sentence_index_at(colon_at)
        if si is None or si in framed:
            return None
        sent = seg.sentences[si]
        if self.label_re.match(text, sent.start) is not None:
            return None
        # a verbless line: 'Jane Doe, City Herald: "Q"'; after a dash or "from" it names the
        # speaker even when a clause comes before ('Pollsters agree - Ann Lee: "Q"')
        named_base = max(sent.start, colon_at - 200)
        named = self.colon_name_re.search(text[named_base : colon_at + 1])
        if named is not None and named.start() > 0:
            m: regex.Match[str] | None = named
            rule_id, base = "colon-name", named_base
        else:
            m = self.participle_subject_re.match(text, sent.start, colon_at)
            rule_id, base = "colon-lead", 0
            if m is None:
                rule_id, base, m = "colon-name", named_base, named
        if m is None or self._not_a_source(m.group("subject")):
            return None
        return Frame(
            colon_at,
            colon_at + 1,
            base + m.start("subject"),
            base + m.end("subject"),
            rule_id,
            si,
            sent.paragraph,
            m.group("appos"),
            colon=True,
        )

    def _frame_at(
        self, text: str, seg: Segmentation, inside: QuoteIndex, cs: int, ce: int, cue: str
    ) -> Frame | None:
        si = seg.sentence_index_at(cs)
        if si is None:
            return None
        sent = seg.sentences[si]
        para = seg.paragraphs[sent.paragraph] if seg.paragraphs else sent
        ws = max(sent.start, inside.last_end_before(cs, sent.start))
        if ws > sent.start and NICKNAME_AROUND_RE.match(text, ws, ws + 2):
            ws = self._before_nickname(text, inside, ws, sent.start)

        def colon() -> bool:  # 'S said:' (asked only of the frames kept)
            return self.colon_re.match(text, ce, para.end) is not None

        if cue.startswith("according"):
            m = self.according_re.match(text, ce, min(sent.end, ce + 200))
            if m is None or self._not_a_source(m.group("subject")):
                return None
            return _subject_frame(m, cs, ce, "according-to", si, sent.paragraph, colon)
        left = text[ws:cs]
        if cue in self.participles:
            if not left.rstrip().endswith((",", ";")):
                m = self.name_participle_re.search(text, max(ws, cs - 120), ce + 3)
                if m is None or m.end("cue") != ce:
                    m = None
                if m is None and self.participle_link_re.search(text, max(ws, cs - 40), cs):
                    return self._participle_frame(text, seg, inside, ws, si, cs, ce, colon)
                if m is None:
                    # 'footage of Jane Doe saying, "Q"': the name right before the participle
                    return None
                return Frame(
                    cs,
                    ce,
                    m.start("subject"),
                    m.end("subject"),
                    "name-participle",
                    si,
                    sent.paragraph,
                )
            return self._participle_frame(text, seg, inside, ws, si, cs, ce, colon)
        after_quote = ws > sent.start and left.strip(" \t,\u00a0") == ""
        if cue in self.inverting and (after_quote or (left.strip() == "" and ws == sent.start)):
            frame = self._inverted(text, sent, si, cs, ce, colon, closing=False)
            if frame is not None:
                return frame
        if (
            BY_RE.match(text, ce, ce + 5)
            and cue not in self.intransitive
            and not self.by_medium_re.match(text, ce, min(len(text), ce + 40))
        ):
            return None  # passive: "a statement reported by the agency" ("said by phone" is not)
        if (
            cue not in self.quoted_as
            and _search_back(self.passive_re, text, max(ws, cs - 40), cs) is not None
        ):
            return None  # passive: "three deaths were reported", "he was told"
        if (
            cue in self.legal_senses
            and self.legal_re.match(text, ce, min(sent.end, ce + 80)) is not None
        ):
            return None  # "police charged the man with murder", "the man accused of arson"
        m = self._left_subject(text, max(ws, cs - SUBJECT_REACH), cs)
        rule_id = "subject-cue"
        if m is None and AND_BEFORE_RE.search(text, max(ws, cs - 12), cs):
            m, rule_id = self.coordinated_re.match(text, ws, cs), "coordinated-subject"
        if m is None and ws > sent.start:
            # 'Ann Lee, who wore a shirt reading "Rebuild," told ...': an appositive holding its
            # own quote between the subject and the cue
            m = _search_back(self.quoted_appos_re, text, max(sent.start, cs - SUBJECT_REACH), cs)
        if m is None or self._not_a_source(m.group("subject")):
            if cue in self.inverting and not after_quote and left.rstrip().endswith(","):
                # 'He will win, said Ann Lee, an aide.': inverted after a clause and its comma
                # (no subject before the cue), when the subject then closes the sentence
                return self._inverted(text, sent, si, cs, ce, colon, closing=True)
            return None
        s, e = m.span("subject")
        if cue in self.ambiguous and not self._verb_reading(m.group("subject"), text[e:cs]):
            return None
        return Frame(cs, ce, s, e, rule_id, si, sent.paragraph, m.group("appos"), colon=colon())

    def _inverted(
        self,
        text: str,
        sent: Span,
        si: int,
        cs: int,
        ce: int,
        colon: Callable[[], bool],
        closing: bool,
    ) -> Frame | None:
        """'"Q," said S': the subject right after an inverting cue (with ``closing``, only a
        subject that ends its sentence)."""
        m = self.right_re.match(text, ce, min(sent.end, ce + 200))
        if (
            m is None
            or self._not_a_source(m.group("subject"))
            or (closing and not _closes_sentence(text, m.end(), sent.end))
        ):
            return None
        return _subject_frame(m, cs, ce, "cue-subject", si, sent.paragraph, colon, "role")

    def _before_nickname(self, text: str, inside: QuoteIndex, ws: int, floor: int) -> int:
        """Where the subject window starts when the quote ending at ``ws`` is a nickname inside
        a name ('Marcia "Cia" Price said'): before that quote, so that the name holds it."""
        start = inside.start_of_quote_ending_at(ws)
        if (
            self.nickname_re is None
            or start is None
            or start <= floor
            or not NICKNAME_BEFORE_RE.search(text, max(floor, start - 40), start)
            or not self.nickname_re.fullmatch(text, start, ws)
        ):
            return ws
        return max(floor, inside.last_end_before(start, floor))

    def _participle_frame(
        self,
        text: str,
        seg: Segmentation,
        inside: QuoteIndex,
        ws: int,
        si: int,
        cs: int,
        ce: int,
        colon: Callable[[], bool],
    ) -> Frame | None:
        """', saying "Q"': the participle's quote goes to the subject of the main clause."""
        sent = seg.sentences[si]
        start = ws + len(text[ws:cs]) - len(text[ws:cs].lstrip(" \t\u00a0,"))
        m = self.participle_subject_re.match(text, start, cs)
        if m is None and ws > sent.start:  # 'S did X -- "Q" -- and, asked later, asserting, "Q2"'
            m = self.participle_subject_re.match(text, sent.start, cs)
            if m is not None and inside.holds(m.start("subject")):
                m = None  # '"Q, I said," said S, asking ...': not a subject inside the quote
        if (
            m is None
            or self._not_a_source(m.group("subject"))
            or self._opening_participle(text, m.group("subject"))
        ):
            return None  # "Chastened by the analyses, ...": an opening participle is not a subject
        inner = self._complement_speaker(text, m.end("subject"), cs)
        if inner is not None:
            return Frame(cs, ce, *inner, "participle", si, sent.paragraph, colon=colon())
        named = self._named_before_appositive(text, start, m)
        if named is not None:
            appos = m.group("subject")
            return Frame(cs, ce, *named, "participle", si, sent.paragraph, appos, colon=colon())
        return _subject_frame(m, cs, ce, "participle", si, sent.paragraph, colon)

    def _complement_speaker(self, text: str, start: int, cs: int) -> tuple[int, int] | None:
        """The subject of a reported clause that has its own reporting verb right before the
        participle ("X told police that Ann Lee called 911, saying ..."): the participle is that
        clause's; None when the last cue before ``cs`` opens no such clause."""
        last = None
        for c in self.cue_re.finditer(text, start, cs):
            last = c
        if last is None:
            return None
        sub = self._left_subject(text, start, last.start())
        if sub is None or self._not_a_source(sub.group("subject")):
            return None
        words = text[max(start, sub.start("subject") - 16) : sub.start("subject")].split()
        if not words or words[-1].lower() not in self.complementizers:
            return None
        return sub.span("subject")

    def _named_before_appositive(
        self, text: str, start: int, m: regex.Match[str]
    ) -> tuple[int, int] | None:
        """The span of the name that opens the clause when the nominal subject found after it
        stands in apposition to it or follows its appositive ("Ann Lee, a former party chairman,
        walked out, saying"; "Ann Lee, an aide to the mayor, emailed staff, telling"): the
        clause's first comma-separated part is only that name (its first word no sentence
        opener: "On Thursday, the ministry ..." keeps the ministry), and every part after it
        opens in lower case."""
        ss = m.start("subject")
        if text[ss : ss + 1].isupper() or not text.endswith(", ", start, ss):
            return None
        first = text.find(",", start, ss)
        name = self.name_re.fullmatch(text, start, first)
        if name is None or text[start:first].split(" ", 1)[0] in self.lexicon.not_names:
            return None
        parts = text[first + 1 : ss].split(",")
        if not all(p.strip()[:1].islower() for p in parts if p.strip()):
            return None
        return start, first

    def _opening_participle(self, text: str, word: str) -> bool:
        """True when ``word`` looks like a participle ("Chastened", "Speaking") and is no name:
        not a given name ("Warren", "Karen") nor a surname the text gives with a first name
        ("Ann Golden ... Golden told")."""
        if not PARTICIPLE_WORD_RE.fullmatch(word) or self.lexicon.given_name(word):
            return False
        return not _ends_a_name(text, word, self.lexicon.not_names)

    def _left_subject(self, text: str, start: int, cue: int) -> regex.Match[str] | None:
        """``left_re`` matched backwards from the cue. A nominal's of-phrase needs a blank, one of
        its prepositions and a blank in the window: without them the rule is matched without the
        of-phrase (the same matches; the reverse engine spends most of its time trying it)."""
        if (
            self.left_untailed_re is not None
            and self.tail_start_re is not None
            and self.tail_start_re.search(text, start, cue) is None
        ):
            return _search_back(self.left_untailed_re, text, start, cue)
        return _search_back(self.left_re, text, start, cue)

    def _verb_reading(self, subject: str, between: str) -> bool:
        """Whether a noun-or-verb form ("claims", "state") after ``subject`` is a reporting verb."""
        lowered = subject.lower()
        if (
            between.lstrip().startswith(("'s", "’s"))
            and lowered not in self.lexicon.singular_subject_pronouns
        ):
            return (
                False  # "Trump's tweet", "Syria's state news agency": a possessive, not "Trump has"
            )
        if LETTER_RE.search(between.replace(",", "")) and not between.strip().startswith(","):
            return True  # an auxiliary or adverb in between: "has claimed", "also claims"
        words = subject.split()
        if lowered in self.lexicon.subject_pronouns:
            return True
        if words[-1].endswith(("'s", "’s", "'", "’")):
            return False  # "Syria's state news agency"
        low = subject[0].lower() + subject[1:]
        if self.nominal_fullmatch(low):
            return (
                words[0].lower() in self.determiners
                or words[-1].lower().endswith("s")
                or len(words) > 1
            )
        return True

    def nominal_fullmatch(self, text: str) -> bool:
        """True when ``text`` is a nominal mention as a whole."""
        return self.nominal_re.fullmatch(text) is not None

    def _not_a_source(self, subject: str) -> bool:
        words = subject.split()
        return not words or all(
            w in self.lexicon.not_names and w not in ("He", "She", "They", "It", "I", "We")
            for w in words
        )

    # -- mentions ------------------------------------------------------------------------------
    def mentions(
        self,
        text: str,
        seg: Segmentation,
        inside: QuoteIndex,
        frames: list[Frame],
        upto: int | None = None,
        built: dict[tuple[int, int], Mention | None] | None = None,
        lower_words: _LowerWords | None = None,
        alone: dict[tuple[int, int], Mention] | None = None,
    ) -> list[Mention]:
        """Resolved mentions of the document (frame subjects included), in document order, up to
        the last frame subject or reporter (or to ``upto``); ``built``: subject mentions made
        already, ``alone``: those of them resolved already (``resolve_alone``: they read no
        earlier mention).

        Resolution only looks back, so mentions that start after the last frame subject (or
        reporter) cannot change a source: they are not collected."""
        subjects = {(f.subj_start, f.subj_end) for f in frames}
        # (start, end, kind, sentence index or -1 when not known yet)
        spans: list[tuple[int, int, str, int]] = [
            (s, e, "subject", -1) for s, e in subjects if upto is None or s <= upto
        ]
        for f in frames:
            if f.reporter:
                spans.append((f.reporter[0], f.reporter[1], "mention", -1))
        if not spans:
            return []
        limit = max(x[0] for x in spans) if upto is None else upto
        body = (
            seg.paragraphs[1].start
            if len(seg.paragraphs) > 1 and _is_headline(text, seg.paragraphs[0])
            else 0
        )
        spans.extend(
            self._mention_spans(
                text, seg, inside, self.name_re.finditer(text, body), "name", limit, self.name_re
            )
        )
        spans.extend(
            self._mention_spans(
                text, seg, inside, self.pronoun_scanner.finditer(text, body), "pronoun", limit
            )
        )
        spans.extend(self._subject_nominals(text, seg, inside, body, limit))
        size = (
            len(text) + 1
        )  # by start, the longer first: one integer per span sorts faster than a tuple
        spans.sort(key=lambda x: x[0] * size + size - (x[1] - x[0]))
        resolver = Resolver(self.lexicon)
        lower_words = lower_words or _LowerWords(text)  # words the text also uses in lower case
        taken_end = -1  # end of the last span taken
        out: list[Mention] = []
        subject_spans = sorted(subjects)
        subject_starts = [a for a, _ in subject_spans]
        make, add = self._mention, resolver.add
        for s, e, kind, si in spans:
            # a frame subject is always tried; another span not when it overlaps a longer mention
            # already taken or a frame subject
            if kind != "subject":
                if s < taken_end or _overlaps(subject_spans, subject_starts, s, e):
                    continue
                mention = make(text, seg, s, e, (s, e) in subjects, lower_words, si)
            else:
                done = alone.get((s, e)) if alone is not None else None
                if done is not None:
                    taken_end = e
                    out.append(resolver.remember(done))
                    continue
                if built is not None and (s, e) in built:
                    mention = built[(s, e)]
                else:
                    mention = make(text, seg, s, e, True, lower_words, si)
            if mention is None:
                continue
            taken_end = e
            out.append(add(mention))
        return out

    def _frame_mentions(
        self, text: str, seg: Segmentation, inside: QuoteIndex, frames: list[Frame]
    ) -> tuple[list[Mention | None], list[Mention | None]]:
        """(resolved subject mention, resolved reporter mention) of every frame: what
        ``by_span.get((subj_start, subj_end)) or by_span.get((subj_start, subj_end - 1))`` and
        ``by_span.get(reporter)`` give over ``mentions`` (the reference, ``upto=None``).

        A subject whose resolution reads no earlier mention (a full name, a group noun, an
        indefinite nominal: ``resolve_alone``) is resolved on its own; the other mentions are
        made only up to the last subject or reporter that needs them, since resolution looks back.
        (The subject mention the full pass has at a subject's span, or one character shorter, is
        this mention or its equal: a subject span is always tried, and a span taken before it
        at its start ends elsewhere.)"""
        lower_words = _LowerWords(text)
        built: dict[tuple[int, int], Mention | None] = {}
        alone: dict[tuple[int, int], Mention] = {}
        upto = max((f.reporter[0] for f in frames if f.reporter), default=-1)
        for f in frames:
            span = (f.subj_start, f.subj_end)
            if span in built:
                continue
            m = built[span] = self._mention(text, seg, span[0], span[1], True, lower_words)
            try:
                if m is not None:
                    alone[span] = resolve_alone(self.lexicon, m)
                    continue
            except NeedsContext:
                pass
            upto = max(upto, span[0])
        by_span: dict[tuple[int, int], Mention] = {}
        if upto >= 0:
            by_span = {
                (m.start, m.end): m
                for m in self.mentions(text, seg, inside, frames, upto, built, lower_words, alone)
            }
        subjects = [
            alone.get((f.subj_start, f.subj_end))
            or by_span.get((f.subj_start, f.subj_end))
            or by_span.get((f.subj_start, f.subj_end - 1))
            for f in frames
        ]
        reporters = [by_span.get(f.reporter) if f.reporter is not None else None for f in frames]
        return subjects, reporters

    def _mention_spans(
        self,
        text: str,
        seg: Segmentation,
        inside: QuoteIndex,
        matches: Iterator[regex.Match[str]],
        kind: str,
        limit: int,
        rest: regex.Pattern[str] | None = None,
    ) -> list[tuple[int, int, str, int]]:
        """(start, end, kind, sentence index) of the name or pronoun ``matches`` outside quotes, cut
        at the sentence end, up to ``limit``; ``rest``: the pattern that finds the names in the
        part of a match cut off (a name that runs on past a sentence's final period)."""
        out: list[tuple[int, int, str, int]] = []
        starts = seg._sentence_starts
        sentence_ends = [sent.end for sent in seg.sentences]
        quote_starts, quote_ends = inside.starts, inside.ends
        bisect_right = bisect.bisect_right
        dateline = self.dateline_re.match
        append = out.append
        cut: list[tuple[int, int]] = []  # names in the rest of a match cut at its sentence end
        while True:
            if cut:
                s, e = cut.pop()
            else:
                m = next(matches, None)
                if m is None:
                    break
                s, e = m.span()
            if s > limit:
                break
            q = bisect_right(quote_starts, s) - 1
            if q >= 0 and s < quote_ends[q]:
                continue  # inside quotation marks (QuoteIndex.holds)
            si = bisect_right(starts, s) - 1
            if si < 0:
                si = 0  # the sentence index _mention takes (the first sentence for text before it)
            if sentence_ends:
                sent_end = sentence_ends[si]
                if e > sent_end:
                    if rest is not None and si + 1 < len(starts) and starts[si + 1] < e:
                        # "... met Dan Pike. Reyes said": the name after the period is one too
                        found = [r.span() for r in rest.finditer(text, starts[si + 1], e)]
                        cut.extend(reversed(found))  # popped next, in text order
                    e = sent_end
                    while e > s and text[e - 1] in ". ":
                        e -= 1
            # a dateline ("WASHINGTON --") starts with two capitals or a capital and a period
            if e > s and ("a" <= text[s + 1 : s + 2] <= "z" or not dateline(text, s)):
                append((s, e, kind, si))
        return out

    def _subject_nominals(
        self, text: str, seg: Segmentation, inside: QuoteIndex, body: int, limit: int
    ) -> list[tuple[int, int, str, int]]:
        """Nominal mentions in subject position (at a sentence start or after an opening phrase) up
        to ``limit``.

        (Nominals elsewhere are rarely antecedents of a source; matching only here keeps the
        pass cheap.)"""
        out: list[tuple[int, int, str, int]] = []
        head_words = self.head_words
        for sent in seg.sentences:
            if sent.start < body:
                continue
            if sent.start > limit:
                break
            comma = text.find(",", sent.start, min(sent.end, sent.start + 80))
            for pos in (sent.start, comma + 1) if comma > 0 else (sent.start,):
                words = text[pos : pos + 90].lower().split(None, 7)[:7]
                if head_words.isdisjoint(map(str.strip, words, repeat(HEAD_WORD_PUNCTUATION, 7))):
                    continue  # no head noun near the start: no nominal subject (cheap pre-check)
                if not self._nominal_can_start(text, pos, sent.end):
                    continue
                if pos > sent.start and self.name_re.fullmatch(text, sent.start, comma):
                    continue  # "Ann Lee, the party chairwoman, ...": the name's appositive
                m = self.subject_nominal_re.match(text, pos, sent.end)
                if (
                    m is not None
                    and not inside.holds(m.start("nominal"))
                    and m.start("nominal") <= limit
                    # "Outside the plant, ...": a phrase that opens with a preposition is no subject
                    and m.group("nominal").split(" ", 1)[0].lower() not in self.lexicon.prepositions
                ):
                    out.append((m.start("nominal"), m.end("nominal"), "nominal", -1))
        return out

    def _nominal_can_start(self, text: str, pos: int, end: int) -> bool:
        """False only when ``subject-nominal`` cannot match at ``pos`` (a test on words, no regex
        engine).

        A nominal's head starts at one of its first ``max_words`` words; no word before it holds
        a break character, and no such word but the first is a stop word (``NominalShape``, read
        from the rules)."""
        shape = self.word_shape
        if self.head_firsts is None or shape is None:
            return True
        n = shape.max_words
        cut = min(end, pos + 160)
        words = text[pos:cut].lstrip(shape.lead).split(None, n)
        if cut < end and len(words) <= n:  # the last word may run past the cut
            words = text[pos:end].lstrip(shape.lead).split(None, n)
        breaks, stops = shape.breaks, shape.stops
        for i, word in enumerate(words[:n]):
            if word.lower().split(",", 1)[0] in self.head_firsts:
                return True
            if not breaks.isdisjoint(word) or (i > 0 and word in stops):
                return False
        return False

    def _mention(
        self,
        text: str,
        seg: Segmentation,
        s: int,
        e: int,
        speaker: bool,
        lower_words: _LowerWords,
        si: int = -1,
    ) -> Mention | None:
        # (Mentions are made positionally, as mentions._resolved makes them: the hot path;
        # ``si``: the sentence index of ``s`` when the caller knows it)
        if (
            text[e - 1] == "."
            and e - s > 3
            and FINAL_PERIOD_RE.match(text, e - 1, e)
            and text[s:e].split()[-1] not in self.lexicon.titles
        ):
            e -= 1  # "said Jane Doe." : the sentence's period is not part of the name
        if text.endswith(("'s", "’s"), s, e) and self._has_after(text, e):
            e -= 2  # "Lee's been saying": "'s" is "has", not a possessive
        surface = text[s:e]
        shape, etype, name, role, gender = self._surface(surface)
        if shape == "name" and not name:
            return None
        if si < 0:
            si = max(bisect.bisect_right(seg._sentence_starts, s) - 1, 0)
        lead_start = seg.sentences[si].start if seg.sentences else s
        # only quote marks before it (as the stdlib's fullmatch of [OPENING_CHARS]* would say)
        bare_lead = s >= lead_start and (
            s == lead_start
            or (text[lead_start] in OPENING_CHARS and not text[lead_start:s].strip(OPENING_CHARS))
        )
        subject = (
            speaker
            or bare_lead
            or (
                text.find(",", lead_start, s) >= 0
                and INTRO_RE.fullmatch(text, lead_start, s) is not None
            )
        )
        # read only where it changes something: it drops an untyped name and a name's subject flag
        after_prep = (
            shape == "name"
            and not speaker
            and (subject or etype == "unknown")
            and _after_preposition(text, s, self.lexicon.prepositions)
        )
        if after_prep and etype == "unknown":
            return None  # "in Paris": a place more often than a person
        if (
            shape == "name"
            and etype == "person"
            and not speaker
            and not role
            and not gender
            and " " in name
            and _after_preposition(
                text, s - 4 if text.endswith("the ", 0, s) else s, self.lexicon.locative
            )
        ):
            etype = "place"  # "in Santa Rosa", "at Grand Central": a place or building
        if shape == "pronoun":
            return Mention(
                s,
                e,
                surface,
                "pronoun",
                "unknown",
                surface,
                None,
                None,
                False,
                si,
                subject,
                speaker,
            )
        if shape == "nominal" and surface[:1].isupper():
            words = surface.split(None, 2)
            if (
                len(words) > 2
                and words[1].endswith("ed")
                and words[1].islower()
                and words[0].lower() not in self.lexicon.common_starts
                and words[0].lower() not in self.lexicon.determiners
            ):
                # "Trump blamed local officials": a name and a verb in the past, no nominal
                return self._mention(text, seg, s, s + len(words[0]), speaker, lower_words, si)
        if shape == "nominal":
            named = self.appos_name_re.match(text, e, min(len(text), e + 80))
            given = named.group("name") if named is not None else None
            if named is None and text[e : e + 1] == " " and text[e + 1 : e + 2].isupper():
                # "campaign spokesman Don Stewart": a role written before the name
                named = self.name_re.match(text, e + 1, min(len(text), e + 80))
                given = named.group(0) if named is not None else None
            if given is not None and given.endswith(".") and FINAL_PERIOD_RE.search(given):
                given = given[:-1]  # "a man calling himself Tom Reyes.": not the name's period
            if (
                given is not None
            ):  # "the minister of the economy, Ildefonso Guajardo,": the name is given
                ntype, name, role, gender = self.lexicon.type_name(given)
                if name and ntype in ("person", "organisation", "unknown"):
                    return Mention(
                        s,
                        e,
                        surface,
                        "name",
                        "person" if ntype == "unknown" else ntype,
                        name,
                        surface,
                        gender,
                        False,
                        si,
                        subject,
                        speaker,
                        "apposition",
                    )
            return Mention(
                s, e, surface, "nominal", etype, surface, None, None, False, si, subject, speaker
            )
        if (
            not speaker
            and etype == "unknown"
            and " " not in name
            and bare_lead
            and (
                PARTICIPLE_WORD_RE.fullmatch(name)
                or (
                    NOT_SUBJECT_NEXT_RE.match(text, e, e + 4)
                    and not (
                        text.startswith(",", e)
                        and (
                            text.startswith((", who ", ", whose "), e)
                            or lower_words.named_mid_sentence(name)
                        )
                    )
                )
                or lower_words.has(name.lower())
            )
            and not lower_words.ends_a_name(name, self.lexicon.not_names)
        ):
            # a capitalised first word ("Harsh?", "Economic ...") that is a common word elsewhere,
            # unless the text names someone with it ("Tom West ... West said")
            return None
        if (
            not speaker
            and etype == "unknown"
            and " " not in surface
            and self._modifies_noun(text, s, e)
        ):
            return None  # "the Mexican president": a modifier in a noun phrase, not a name
        if (
            etype == "unknown"
            and subject
            and not speaker
            and " " not in name
            and (
                text.startswith((", who ", ", whose "), e)
                or lower_words.named_mid_sentence(name, self.name_context_words)
            )
        ):
            # "Okafor drove home.": a one-word subject the text also names mid-sentence ("told
            # Okafor") is a person, as much as a full name is
            etype = "person"
        if (
            role is None
            and etype in ("person", "unknown")
            and text.startswith(", ", e)
            and self._person_head_near(text, e + 2, 7)
        ):
            appos = self.appos_role_re.match(text, e, min(len(text), e + 90))
            if appos is not None and self.lexicon.type_nominal(appos.group("role"))[0] == "person":
                role, etype = appos.group("role"), "person"  # "Karl Stein, the bishop, ..."
        return Mention(
            s,
            e,
            surface,
            "name",
            etype,
            name,
            role,
            gender,
            False,
            si,
            subject
            and not after_prep
            and (speaker or surface.split(" ", 1)[0].lower() not in self.lexicon.prepositions),
            speaker,
        )

    def _has_after(self, text: str, e: int) -> bool:
        """True when the word right after ``e`` makes the "'s" before it "has" ("Lee's been")."""
        words = text[e : e + 12].split(None, 1)
        return text.startswith(" ", e) and bool(words) and words[0] in self.lexicon.has_participles

    def _modifies_noun(self, text: str, s: int, e: int) -> bool:
        """True when the word at ``[s, e)`` stands between a determiner and a lower-case word
        ("the Mexican president", "a Democratic senator") or before a lower-case role and a
        name ("Democratic front-runner Ann Pike": the name is the mention)."""
        if not LOWER_NEXT_RE.match(text, e, e + 3):
            return False
        before = text[max(0, s - 12) : s]
        word = before.rstrip().rsplit(None, 1)[-1:] if before.strip() else []
        if before.endswith(" ") and word and word[0].lower() in self.determiners:
            return True
        return (
            self._person_head_near(text, e, 5)
            and self.role_name_re.match(text, e, min(len(text), e + 120)) is not None
        )

    def _person_head_near(self, text: str, start: int, n: int) -> bool:
        """Whether one of the ``n`` words after ``start`` is the last word of a person head (a
        test on words before a pattern that needs one)."""
        words = text[start : start + 16 * n].lower().split(None, n)[:n]
        return not self.person_head_words.isdisjoint(
            map(str.strip, words, repeat(HEAD_WORD_PUNCTUATION, n))
        )

    def _surface_uncached(self, surface: str) -> tuple[str, str, str, str | None, str | None]:
        """(shape, entity type, name, role, gender) of a mention's text: a pronoun, a nominal or a
        name."""
        if surface.lower() in self.lexicon.pronoun_forms:
            return "pronoun", "unknown", surface, None, None
        lowered = surface[0].lower() + surface[1:]
        # a nominal ends in a head noun (or an of-phrase after it): a word of the text is a head's
        # last word
        may_be_nominal = self.head_ends is None or not self.head_ends.isdisjoint(
            lowered.lower().split()
        )
        if (
            may_be_nominal
            and self.nominal_fullmatch(lowered)
            and not (
                " " not in surface
                and surface[:1].isupper()
                and self.lexicon.type_nominal(lowered)[0] == "person"
            )
        ):  # a capitalised word alone is a name ("Baker said"), a singular role needs a word before
            typed = self.lexicon.type_name(surface) if surface[:1].isupper() else None
            if (
                typed is not None
                and typed[0] == "person"
                and typed[2]
                and self.lexicon.given_name(typed[1])
            ):
                return (
                    "name",
                ) + typed  # "Secretary of State John Kerry": a titled name, not "the secretary"
            return "nominal", self.lexicon.type_nominal(surface)[0], surface, None, None
        return ("name",) + self.lexicon.type_name(surface)

    # -- sources -------------------------------------------------------------------------------
    def document(self, article: Article, seg: Segmentation) -> DocumentContext:
        """Analyse one article's mentions and attribution frames."""
        text = blank_spaces(article.text)
        inside = QuoteIndex(seg.quotes)
        frames = self.frames(text, seg, inside)
        subjects, reporters = self._frame_mentions(text, seg, inside, frames)
        for k, m in enumerate(subjects):
            if m is not None and m.kind == "nominal" and m.entity_type == "document":
                subjects[k] = self._issued(text, seg, m) or m
        sources: list[Source | None] = []
        reporters_of: dict[
            str, str
        ] = {}  # speaker -> who last reported them ("R quoted S as saying")
        for f, m, r in zip(frames, subjects, reporters, strict=True):
            src = self._source(text, f, m, r)
            if src is not None and src.reported_by:
                reporters_of[src.name] = src.reported_by
            elif (
                src is not None
                and src.cue
                and src.cue.lower() in self.quoted_as
                and src.name in reporters_of
            ):
                # "Fares was quoted as having said": quoted by whoever the article said quoted him
                src = dataclasses.replace(
                    src,
                    reported_by=reporters_of[src.name],
                    resolution=f"{src.resolution}; reported_by from the earlier chain",
                )
            sources.append(src)
        quote_sources, quote_frames, links = self._quote_sources(text, seg, frames, sources)
        return DocumentContext(article, seg, frames, sources, quote_sources, quote_frames, links)

    def _issued(self, text: str, seg: Segmentation, m: Mention) -> Mention | None:
        """A definite document as speaker ("the statement said") speaks for whoever the two
        sentences before it say issued it ("The county issued a statement", "a note from Ann
        Lee"); None when they name no issuer of a document with the same head noun."""
        words = m.text.split()
        if words[0].lower() not in self.lexicon.definite:
            return None
        head = self.lexicon.type_nominal(m.text)[1]
        floor = seg.sentences[max(0, m.sentence - 2)].start if seg.sentences else 0
        at = text.rfind(head, floor, m.start)  # the rule names the same head noun
        if at < 0:
            return None
        sentence = seg.sentence_index_at(at)
        if sentence is not None:
            floor = max(floor, seg.sentences[sentence].start)
        found = None
        for match in self.issuer_re.finditer(text, floor, min(m.start, at + len(head) + 120)):
            group = "issuer" if match.group("issuer") is not None else "sender"
            document = match.group("document") or match.group("sent") or ""
            if document.lower() == head:
                found = match.span(group)
        if found is None:
            return None
        issuer = self._mention(text, seg, found[0], found[1], True, _LowerWords(text))
        if issuer is None or issuer.kind == "pronoun":
            return None
        try:
            issuer = resolve_alone(self.lexicon, issuer)
        except NeedsContext:
            if issuer.kind != "name":
                issuer = issuer._replace(name=THE_RE.sub("the ", issuer.text))
        return m._replace(
            entity_type=issuer.entity_type if issuer.entity_type != "unknown" else "person",
            name=issuer.name,
            role=m.text,
            resolution=f"document<-{issuer.text}@{issuer.start}",
            antecedent=issuer.start,
        )

    def _source(self, text: str, f: Frame, m: Mention | None, r: Mention | None) -> Source | None:
        if m is None:
            return None
        reported_by = None
        if f.reporter is not None:
            reported_by = r.name if r is not None else text[f.reporter[0] : f.reporter[1]]
        role = m.role
        name = m.name
        appos = (f.appos or "").strip()
        if m.kind == "nominal" and appos and self.name_re.fullmatch(THE_RE.sub("", appos)):
            name, role = THE_RE.sub("", appos), m.text  # "Another group, the X Committees, said"
        elif appos and not role:
            role = appos
        etype = {
            "unknown": "person" if m.kind == "name" else "unattributed",
            "place": "organisation",
        }.get(m.entity_type, m.entity_type)  # a country as a speaker stands for its government
        return Source(
            name=name,
            mention=m.text,
            start=m.start,
            end=m.end,
            source_type=etype,
            role=role,
            cue=text[f.cue_start : f.cue_end],
            cue_start=f.cue_start,
            cue_end=f.cue_end,
            reported_by=reported_by,
            rule_id=f.rule_id,
            resolution=m.resolution,
        )

    def _quote_sources(
        self, text: str, seg: Segmentation, frames: list[Frame], sources: list[Source | None]
    ) -> tuple[list[Source | None], list[int | None], list[int | None]]:
        """The source of every quote (see the module docstring for the order of the rules)."""
        out: list[Source | None] = []
        chosen: list[int | None] = []
        links: list[int | None] = []
        last_in_para: dict[int, int] = {}
        colon_frames = {
            f.paragraph: k for k, f in enumerate(frames) if f.colon and sources[k] is not None
        }
        starts = [f.cue_start for f in frames]
        for q in seg.quotes:
            k = self._frame_for(text, seg, q, frames, starts, sources)
            src: Source | None = sources[k] if k is not None else None
            link: int | None = None
            if src is None and not self._inside_a_subject(text, q, frames, starts):
                src, link = self._inherited(
                    seg, q, out, last_in_para, colon_frames, frames, starts, sources
                )
            out.append(src)
            chosen.append(k)
            links.append(link)
            last_in_para[q.paragraph] = q.index
        # a quote that runs on over paragraphs and is attributed only at its end: every earlier
        # paragraph of it has that speaker (the latest first, so that a chain passes it back)
        for q in reversed(seg.quotes):
            before = q.continued_from
            if before is not None and out[before] is None and out[q.index] is not None:
                out[before] = _with(out[q.index], "continued in the next paragraph")
                if links[q.index] is None:
                    links[q.index] = before
        return out, chosen, links

    def _frame_for(
        self,
        text: str,
        seg: Segmentation,
        q: QuoteSpan,
        frames: list[Frame],
        starts: list[int],
        sources: list[Source | None],
    ) -> int | None:
        first = seg.sentence_index_at(q.start)
        last = seg.sentence_index_at(max(q.start, q.end - 1))
        if first is None or last is None:
            return None
        signed = self._signed(seg, q, frames, starts, sources)
        if signed is not None:
            return signed
        lo_off = seg.sentences[first].start
        hi_off = seg.sentences[last].end
        if hi_off - q.end <= 1 and last + 1 < len(seg.sentences):
            nxt = seg.sentences[last + 1]
            if nxt.paragraph == q.paragraph:
                for k in range(
                    bisect.bisect_left(starts, nxt.start), bisect.bisect_left(starts, nxt.end)
                ):
                    f = frames[k]  # '"Q?" Smith asked.': the frame opens the next sentence
                    if (
                        sources[k] is not None
                        and f.subj_start == nxt.start
                        and f.rule_id == "subject-cue"
                        and f.cue_start - f.subj_end <= 60
                        and not self.own_content_re.match(text, f.cue_end, nxt.end)
                    ):
                        return k
        best: tuple[int, int] | None = None
        for k in range(bisect.bisect_left(starts, lo_off), bisect.bisect_left(starts, hi_off + 1)):
            f = frames[k]
            if sources[k] is None:
                continue
            if f.rule_id == "transcript-label":
                if q.start <= f.subj_start <= q.start + 2:
                    return k
                continue
            if q.start <= f.cue_start < q.end or self._in_subject(text, q, f):
                continue  # a quote inside the frame's cue, or inside its subject or appositive
            if (
                f.cue_start >= q.end
            ):  # after the quote: attached only right after it ('"Q," she said')
                if f.rule_id == "colon-name":
                    continue  # a verbless 'Name:' line introduces the quote after it only
                dist = f.cue_start - q.end
                gap = text[q.end : min(f.subj_start, f.cue_start)]
                if not ATTACHED_AFTER_RE.fullmatch(gap):
                    dist += 200  # '"Q" when Clinton blasted him': a frame of another clause
            else:
                dist = q.start - f.cue_end
            if best is None or dist < best[0]:
                best = (dist, k)
        return best[1] if best is not None else None

    def _inside_a_subject(
        self, text: str, q: QuoteSpan, frames: list[Frame], starts: list[int]
    ) -> bool:
        """Whether ``q`` stands inside the subject or appositive of a frame whose cue follows it
        (within a sentence's reach): a slogan on the speaker's badge speaks for no one."""
        lo = bisect.bisect_left(starts, q.end)
        hi = bisect.bisect_left(starts, q.end + SUBJECT_REACH)
        return any(self._in_subject(text, q, frames[k]) for k in range(lo, hi))

    def _in_subject(self, text: str, q: QuoteSpan, f: Frame) -> bool:
        """Whether ``q`` stands inside the subject of ``f`` ('Ann "Tiny" Ruiz') or inside its
        appositive ('Ann Lee, wearing "Vote Lee" pins, said'): words of the subject, not its
        speech."""
        if f.subj_start <= q.start < f.subj_end:
            return True
        return (
            f.appos is not None
            and f.subj_end <= q.start < f.cue_start
            and text[q.start : q.end] in f.appos
        )

    def _signed(
        self,
        seg: Segmentation,
        q: QuoteSpan,
        frames: list[Frame],
        starts: list[int],
        sources: list[Source | None],
    ) -> int | None:
        """The signature-line frame that opens the paragraph after ``q``'s, if any."""
        if q.paragraph + 1 >= len(seg.paragraphs):
            return None
        nxt = seg.paragraphs[q.paragraph + 1]
        k = bisect.bisect_left(starts, nxt.start)
        while k < len(frames) and frames[k].cue_start <= nxt.end:
            if frames[k].rule_id == "signature-line" and sources[k] is not None:
                return k
            k += 1
        return None

    def _inherited(
        self,
        seg: Segmentation,
        q: QuoteSpan,
        out: list[Source | None],
        last_in_para: dict[int, int],
        colon_frames: dict[int, int],
        frames: list[Frame],
        starts: list[int],
        sources: list[Source | None],
    ) -> tuple[Source | None, int | None]:
        """(source, quote of the same utterance) for a quote without a frame of its own
        (``starts``: the frames' cue starts, in order; frames are looked up by bisection, so a
        quote reads only the frames of its own paragraphs)."""
        if q.continued_from is not None and q.continued_from < len(out):
            return _with(out[q.continued_from], "continuation"), q.continued_from
        prev = last_in_para.get(q.paragraph)
        if prev is not None and out[prev] is None and _opens_sentence(seg, q):
            # past quoted terms no one speaks ('... the "mother ship". "Q"'): the last speaker
            for j in range(prev - 1, -1, -1):
                if seg.quotes[j].paragraph != q.paragraph:
                    break
                if out[j] is not None:
                    prev = j
                    break
        if prev is not None and out[prev] is not None and _may_float(seg, q, seg.quotes[prev]):
            return _with(out[prev], "floating: previous quote in the paragraph"), prev
        para = seg.paragraphs[q.paragraph]
        si = seg.sentence_index_at(q.start) or 0
        earlier = [
            k
            for k in _frames_in(starts, para.start, q.start)
            if sources[k] is not None and si - frames[k].sentence <= 1
        ]
        if earlier and (prev is None or out[prev] is None):
            return _with(sources[earlier[-1]], "floating: frame in the sentence before"), None
        if q.start - para.start > 2:
            return None, None
        for back in (1, 2):
            pi = q.paragraph - back
            if pi < 0:
                break
            if pi in colon_frames:
                return _with(sources[colon_frames[pi]], "colon lead-in"), None
            prev = last_in_para.get(pi)
            ppara = seg.paragraphs[pi]
            last_sentence = seg.sentence_index_at(max(ppara.start, ppara.end - 1))
            if prev is not None:
                pq, before = seg.quotes[prev], out[prev]
                after = _frames_in(starts, pq.end, ppara.end)
                if before is not None and not _other_speaker_after(sources, before, after):
                    return _with(before, "floating: quote ending the previous paragraph"), None
                # '..., calling him "a bully," Ann Lee said as she left.' / '"Q"': the speaker
                # of the frame that ends the paragraph after its last quote
                here = [
                    k
                    for k in after
                    if sources[k] is not None and frames[k].sentence == last_sentence
                ]
                if here and before is not None and seg.sentence_index_at(pq.start) == last_sentence:
                    return _with(
                        sources[here[-1]], "floating: frame ending the previous paragraph"
                    ), None
                return None, None
            here = [
                k
                for k in _frames_in(starts, ppara.start, ppara.end)
                if frames[k].paragraph == pi
                and sources[k] is not None
                and frames[k].sentence == last_sentence
            ]
            if here:
                return _with(
                    sources[here[-1]], "floating: frame ending the previous paragraph"
                ), None
            if back == 1:
                break
        return None, None


def _may_float(seg: Segmentation, q: QuoteSpan, previous: QuoteSpan) -> bool:
    """Whether ``q`` may take the speaker of the paragraph's ``previous`` quote: it opens its
    sentence, or it stands in the sentence of that quote or the next. Quoted words inside a
    sentence of the writer's own further on ('the ship was "launched" at noon') are not the
    last speaker's."""
    si = seg.sentence_index_at(q.start)
    sp = seg.sentence_index_at(max(previous.start, previous.end - 1))
    return si is None or sp is None or si - sp <= 1 or _opens_sentence(seg, q)


def _opens_sentence(seg: Segmentation, q: QuoteSpan) -> bool:
    """Whether only blanks, marks and dashes stand between ``q``'s sentence start and ``q``."""
    si = seg.sentence_index_at(q.start)
    if si is None:
        return False
    return seg.text[seg.sentences[si].start : q.start].strip(SENTENCE_LEAD) == ""


def _subject_frame(
    m: regex.Match[str],
    cs: int,
    ce: int,
    rule_id: str,
    sentence: int,
    paragraph: int,
    colon: Callable[[], bool],
    role: str | None = None,
) -> Frame:
    """The frame of the cue at ``[cs, ce)`` whose subject (and appositive, else ``role``) are
    groups of ``m``."""
    appos = m.group("appos") or (m.group(role) if role else None)
    return Frame(
        cs,
        ce,
        m.start("subject"),
        m.end("subject"),
        rule_id,
        sentence,
        paragraph,
        appos,
        colon=colon(),
    )


def _closes_sentence(text: str, end: int, sentence_end: int) -> bool:
    """True when only closing punctuation (and quote marks or spaces) stands between ``end`` and
    the end of its sentence."""
    return not text[end:sentence_end].strip(SENTENCE_CLOSERS)


def blank_spaces(text: str) -> str:
    """``text`` with its non-breaking and typographic spaces as plain spaces (``BLANKS``; the
    same length, so every offset stays valid)."""
    if text.isascii():
        return text
    for blank in BLANKS:
        if blank in text:  # a search in C; most texts hold none or one kind
            text = text.replace(blank, " ")
    return text


def pronoun_pattern(words: Iterable[str]) -> regex.Pattern[str]:
    """The pattern of the pronouns ``words`` (lower case) as whole words, each with a lower-case
    or capital first letter: ``(?<![\\p{L}'’])(?:[Ss]he|[Hh]e)(?![\\p{L}'’])``, the shape the
    scanner pre-filters word by word."""
    forms = sorted(set(words), key=lambda w: (-len(w), w))
    body = "|".join(f"[{w[0].upper()}{w[0]}]{regex.escape(w[1:])}" for w in forms if w)
    if not body:
        body = "(?!)"  # no pronoun is tracked: a pattern that never matches
    return regex.compile(r"(?<![\p{L}'’])(?:" + body + r")(?![\p{L}'’])")


def _after_preposition(text: str, start: int, prepositions: frozenset[str]) -> bool:
    """True when the word before ``start`` (within 20 characters, only non-word characters after it)
    is a preposition: what ``PREV_WORD_RE`` reads on the window (read with two rstrips when the
    window is ASCII)."""
    window = text[max(0, start - 20) : start]
    if window.isascii():
        # the run of letters before the final run of non-word characters, found without the engine
        before = window.rstrip(ASCII_NON_WORD)
        word = before[len(before.rstrip(ASCII_LETTERS)) :]
        return word.lower() in prepositions if word else False
    m = PREV_WORD_RE.search(text, max(0, start - 20), start)
    return m is not None and m.group(1).lower() in prepositions


@cache
def _ends_at_window_end(pattern: regex.Pattern[str]) -> bool:
    """Whether ``pattern`` is a reverse pattern whose last item is an unescaped ``$``."""
    source = pattern.pattern.rstrip()
    return (
        bool(pattern.flags & regex.REVERSE) and source.endswith("$") and not source.endswith("\\$")
    )


def _search_back(
    pattern: regex.Pattern[str], text: str, start: int, end: int
) -> regex.Match[str] | None:
    """``pattern.search(text, start, end)``; for a reverse pattern that ends in ``$``, faster.

    Such a match can only end at ``end`` (or before a newline right before it), so it is tried
    there alone: a failing search would otherwise try every position of the window. A pattern of
    another shape is searched as it is."""
    if not _ends_at_window_end(pattern):
        return pattern.search(text, start, end)
    m = pattern.match(text, start, end)
    if m is None and end > start and text[end - 1] == "\n":
        return pattern.search(text, start, end)
    return m


def _overlaps(spans: list[tuple[int, int]], starts: list[int], s: int, e: int) -> bool:
    """True when ``[s, e)`` overlaps one of the sorted ``spans`` without being equal to it."""
    i = bisect.bisect_left(starts, e)
    for a, b in spans[i - 3 if i > 3 else 0 : i]:
        if s < b and (a != s or b != e):  # (a < e: a span before e)
            return True
    return False


def _is_headline(text: str, para: Span) -> bool:
    """A first paragraph in title case or without final punctuation (its names are not mentions)."""
    first = text[para.start : para.end]
    words = [w for w in first.split() if w[:1].isalpha()]
    capitalised = sum(1 for w in words if w[:1].isupper())
    return not first.rstrip("\"'”’").endswith((".", "!", "?")) or (
        bool(words) and capitalised >= 0.75 * len(words)
    )


def _frames_in(starts: list[int], start: int, end: int) -> range:
    """The indexes of the frames whose cue starts in ``[start, end)`` (``starts`` in order)."""
    return range(bisect.bisect_left(starts, start), bisect.bisect_left(starts, end))


def _other_speaker_after(sources: list[Source | None], src: Source, frames: range) -> bool:
    """True when one of ``frames`` (indexes) names a source other than ``src``."""
    return any((s := sources[k]) is not None and s.name != src.name for k in frames)


def _with(src: Source | None, how: str) -> Source | None:
    """``src`` inherited by another quote, with ``how`` in front of its resolution.

    The resolution stays bounded however long the chain of inheriting quotes is: the first step
    reads ``how; <frame's resolution>``, the second ``how; <first step>``, a later one ``how; N
    more inherited steps back to: <first step>`` (never every step, which grew with the square
    of the quotes)."""
    if src is None:
        return None
    if src.steps:
        first = src.first_step
        more = src.steps - 1
        if more:
            s = "s" if more > 1 else ""
            resolution = f"{how}; {more} more inherited step{s} back to: {first}"
        else:
            resolution = f"{how}; {first}"
    else:
        resolution = first = f"{how}; {src.resolution}" if src.resolution else how
    return Source(
        src.name,
        src.mention,
        src.start,
        src.end,
        src.source_type,
        src.role,
        src.cue,
        src.cue_start,
        src.cue_end,
        src.reported_by,
        src.rule_id,
        resolution,
        src.steps + 1,
        first,
    )


def _ends_a_name(text: str, word: str, not_names: frozenset[str]) -> bool:
    """True when ``word`` stands in ``text`` as the last word of a name, right after a blank and a
    capitalised word that is not in ``not_names`` ("Tom West", not "The West")."""
    n = len(word)
    i = text.find(word, 1)
    while i >= 0:
        after = text[i + n : i + n + 1]
        if text[i - 1] in " \t" and not after.isalpha():
            k = i - 1
            while k > 0 and text[k - 1] in " \t":
                k -= 1
            j = k
            while j > 0 and not text[j - 1].isspace():
                j -= 1
            before = text[j:k]
            if before[:1].isupper() and before not in not_names:
                return True
        i = text.find(word, i + 1)
    return False


def _named_mid_sentence(text: str, name: str, skip: frozenset[str] = frozenset()) -> bool:
    """True when ``name`` also stands capitalised in the middle of a sentence of ``text`` (right
    after a space and a lower-case word not in ``skip``), as a name does and a sentence adverb
    ("Meanwhile,", "Harsh?") does not: "Okafor, who chairs the board, said ..." keeps its
    subject."""
    i = text.find(name)
    while i >= 0:
        after = text[i + len(name) : i + len(name) + 1]
        j = i - 1  # the space before the name
        if not after.isalpha() and j > 0 and text[j] == " " and text[j - 1].islower():
            k = j - 1
            while k > 0 and text[k - 1].isalpha():
                k -= 1
            word = text[k:j]
            if word[:1].islower() and word not in skip:
                return True
        i = text.find(name, i + 1)
    return False


class _LowerWords:
    """The words a text uses in lower case (whole runs of lower-case letters), looked up on demand.

    Most documents ask about a handful of words: each is found with ``str.find`` and checked with
    the word pattern. A document that asks about many gets the full word list (one pass), so the
    work stays linear in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: frozenset[str] | None = None
        self.known: dict[str, bool] = {}
        self.mid_sentence: dict[tuple[str, int], bool] = {}
        self.name_ends: dict[str, bool] = {}
        self.budget = max(
            64, len(text) // 64
        )  # occurrences checked one by one before listing every word

    def named_mid_sentence(self, name: str, skip: frozenset[str] = frozenset()) -> bool:
        """``_named_mid_sentence`` on the text, remembered per name and ``skip`` set."""
        key = (name, len(skip))
        found = self.mid_sentence.get(key)
        if found is None:
            found = self.mid_sentence[key] = _named_mid_sentence(self.text, name, skip)
        return found

    def ends_a_name(self, word: str, not_names: frozenset[str]) -> bool:
        """``_ends_a_name`` on the text, remembered per word."""
        found = self.name_ends.get(word)
        if found is None:
            found = self.name_ends[word] = _ends_a_name(self.text, word, not_names)
        return found

    def has(self, word: str) -> bool:
        """True when ``word`` occurs in the text as a lower-case word."""
        if self.words is not None:
            return word in self.words
        if word not in self.known:
            self.known[word] = self._find(word)
        return self.known[word]

    def _find(self, word: str) -> bool:
        if not word:
            return False
        text = self.text
        i = text.find(word)
        while i >= 0:
            self.budget -= 1
            if self.budget < 0:
                self.words = frozenset(LOWER_WORD_RE.findall(text))
                return word in self.words
            m = LOWER_WORD_RE.match(text, i)
            if m is not None and m.end() == i + len(word):
                return True
            i = text.find(word, i + 1)
        return False


class QuoteIndex:
    """Fast 'is this offset inside quotation marks' look-ups for one document."""

    def __init__(self, quotes: list[QuoteSpan]) -> None:
        spans = sorted((q.start, q.end) for q in quotes)
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def holds(self, offset: int) -> bool:
        """True when ``offset`` lies inside a quoted segment (marks included)."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]

    def start_of_quote_ending_at(self, end: int) -> int | None:
        """The start of the quote that ends at ``end``, or None."""
        i = bisect.bisect_right(self.starts, end) - 1
        while i >= 0 and self.ends[i] != end:
            if self.ends[i] < end:
                return None
            i -= 1
        return self.starts[i] if i >= 0 else None

    def last_end_before(self, offset: int, floor: int) -> int:
        """End of the last quote that ends at or before ``offset`` (``floor`` if none after it)."""
        i = bisect.bisect_right(self.starts, offset) - 1
        while i >= 0 and self.ends[i] > offset:
            i -= 1
        return max(floor, self.ends[i]) if i >= 0 else floor
