"""Casualty claims: figures, qualifiers, what they count and who claims them.

Method (one pass over the text per stage):

1. ``NumberParser`` finds every number phrase of a sentence (qualifier included).
2. For each count, the rules of ``rules/casualties.toml`` are tried in order. Each rule is a
   pattern around ``{COUNT}``: the part before the count is matched backwards from the count, the
   part after it forwards (both compiled once), so a rule costs at most two anchored matches per
   count (none where its pre-filter rules it out, see Speed).
   The first rule that matches makes the claim; its named group gives the category.
   A rule group ``captured`` (captured, seized, held) is resolved to arrested or kidnapped by the
   captives and the captor the sentence names (``_captured``); a ``borrows`` rule takes the
   category of the claim just before its count ("wounded 40, 9 critically"); a zero claim also
   denies the category coordinated with it ("nobody was killed or hurt": two claims).
3. Counts inside an apposition or partitive of an earlier claim ("three workers - two women and a
   man - died") are breakdowns, not claims of their own (CLAIMS-GUIDE.md, settled decisions);
   years, family sizes, questions and the generic "one" are no counts (``_not_a_count``).
4. Descriptive fields come from the sentence: victims and their class (victims.toml), claimant
   (the quote's speaker inside a quote, else ``ctx.source_of``, else a minimal sentence frame from
   claimants.toml; never a relative clause, headline phrase or place: ``plausible``), hedge,
   location, date, measure, background event, update cue (claim_context.toml).

Speed: a sentence is searched for counts only when the document's one Aho-Corasick pass
(``KeywordScanner``) found a trigger word in it and its number anchors (``NumberParser.anchors``)
are not empty; the part of a rule before the count is a reverse pattern anchored at the count
(``match``, not a search). Pre-filters read from each rule's two parts when loading
(``keywords.pattern_literals``): what the part before the count must end with, what the part
after it must start with, and a word each window must hold (one Aho-Corasick pass over a sentence
at its first count); a rule is tried only where they are there (necessary conditions: the same
first rule matches; 7,120 regex calls -> about 650 on the eval texts). A count's window edges are
read once for all rules, the rules are listed once per count kind, and the veto regexes run only
where their literals are. The context and claimant patterns of a claim's sentence are searched
only where their literal sets are (``PatternFilter``, one scan per sentence; ``SentenceScans``
keep a document's scans, read on the document lower-cased once). The quote holding a figure
is found by bisection. The rules compile through the compiled-pattern cache of
``quotetrack.rulebook.regex_cache`` (same matches, a fraction of the compile time).

It does not read tables, infer unstated counts, or add up figures.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from quotetrack.extract.attribution import DocumentContext, Source
from quotetrack.extract.numbers import SPACES, Count, number_parser_for
from quotetrack.extract.segment import Segmentation, Span
from quotetrack.models import Article, Claim, Issue, Quote
from quotetrack.rulebook.claim_rules import (
    CAPTURE,
    CATEGORIES,
    CasualtyRules,
    ClaimantRules,
    ClaimContextRules,
    ClaimRule,
    VictimRules,
)
from quotetrack.rulebook.keywords import (
    KeywordScanner,
    LiteralHits,
    LiteralIndex,
    Literals,
    compile_with_lists,
    pattern_literals,
    prefilterable,
)
from quotetrack.rulebook.ruleset import RuleSet, lexicon_alternation

ONLY_WHEN_ASKED = frozenset({"multiplicative"})  # count kinds a rule must name in count_kinds
TRIGGER_LEXICONS = (
    "_after",
    "_before",
    "_noun",
    "_of",
)  # category lexicons whose words trigger the search
WINDOW_BEFORE = 160  # characters searched backwards from a count for the part of a rule before it
MAX_PREFILTER_LITERALS = (
    100  # a rule part needing one of more literals than this is not pre-filtered
)
SINCE_LOOKBACK = 3  # sentences searched back for the start of a period ("began in March 2011")
MAX_KEPT = (
    20_000  # victims phrases and claimant names whose class / type is kept (emptied when full)
)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A claim rule split at its count: ``before`` matches backwards from it, ``after`` forwards."""

    rule: ClaimRule
    before: regex.Pattern[str] | None
    after: regex.Pattern[str] | None
    # pre-filters (what every match holds): index of a literal set the part needs in its window
    # (-1: none), what the before part must end with / the after part start with (None: unknown)
    before_inside: int = -1
    after_inside: int = -1
    before_trail: tuple[str, ...] | None = None
    after_lead: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """A count that a rule ties to a casualty predicate."""

    count: Count
    rule: CompiledRule
    category: str
    start: int
    end: int
    victims: str | None
    inner: tuple[tuple[int, int], ...]


ADVERB_LEAD = regex.compile(
    r"\b(?:also|further|later|earlier)\b\s*"
)  # dropped from a claimant before the anaphor test
VICTIM_LEAD = regex.compile(
    r"(?i)^(?:of\s+(?:the\s+)?)?(?:(?:other|more|another|further|additional|new)\s+)?"
)


def _victims_head(phrase: str) -> str | None:
    """The victims phrase without a partitive 'of' or 'other/more' ("of people" -> "people")."""
    return VICTIM_LEAD.sub("", phrase) or None


def _share_victims(hits: list[Hit]) -> list[Hit]:
    """A bare count coordinated with a named one takes its noun ("killing 612 people and
    wounding 1,400")."""
    out: list[Hit] = []
    named: str | None = None
    for hit in hits:
        if hit.victims is None and named is not None and hit.count.kind not in ("zero", "counting"):
            hit = Hit(hit.count, hit.rule, hit.category, hit.start, hit.end, named, hit.inner)
        named = hit.victims or named
        out.append(hit)
    return out


@functools.cache
def _group_names(pattern: regex.Pattern[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """A compiled pattern's group names, and its category groups in ``CATEGORIES`` order (read once:
    ``groupindex`` builds a new dict at every access)."""
    names = frozenset(pattern.groupindex)
    return names, tuple(cat for cat in (*CATEGORIES, CAPTURE) if cat in names)


def _group_category(*matches: regex.Match[str] | None) -> str | None:
    for m in matches:
        if m is None:
            continue
        for cat in _group_names(m.re)[1]:
            if m.group(cat) is not None:
                return cat
    return None


def _group_spans(name: str, *matches: regex.Match[str] | None) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in matches:
        if m is not None and name in _group_names(m.re)[0]:
            out.extend(s for s in m.spans(name) if s[1] > s[0])
    return out


class ClaimExtractor:
    """Compiled claim rules (build once per rule set)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.numbers = number_parser_for(ruleset)
        self.casualties: CasualtyRules = ruleset.get("casualties.toml")
        self.casualties.link([ruleset.get(name) for name in self.casualties.uses])
        self.literal_sets: list[frozenset[str]] = []
        self.rules = [self._split(rule) for rule in self.casualties.patterns]
        self.literal_index = LiteralIndex(self.literal_sets)
        c = self.casualties
        self.by_kind: dict[
            str, list[CompiledRule]
        ] = {}  # the rules tried for a count kind, in order
        veto_before = r"(?r)\b(?:{veto_before})\s*\Z"
        veto_digits = r"(?r)\b(?:{veto_before_digits})\s*\Z"
        veto_after = r"(?:\s*(?:{veto_after})(?!\p{L})|-\p{L})"
        self.veto_before = c.compile(veto_before, ignore_case=True, key="runtime:veto_before")
        self.veto_digits = c.compile(veto_digits, ignore_case=True, key="runtime:veto_digits")
        self.veto_after = c.compile(veto_after, ignore_case=True, key="runtime:veto_after")
        # what a veto match must end (before the count) / start (after it) with: most counts
        # skip both regexes
        self.veto_trail = _edge(c.literals(veto_before), "trail")
        self.veto_digits_trail = _edge(c.literals(veto_digits), "trail")
        self.veto_lead = _edge(c.literals(veto_after), "lead")
        # A sentence can hold a claim only if it holds every word of some trigger entry, so one
        # word per entry is a sound prefilter: the longest (the rarest, in practice: "custody",
        # not "in", for "in custody").
        self.triggers = frozenset(
            max(entry.lower().split(), key=len)
            for name, entries in c.lexicons.items()
            if (name.endswith(TRIGGER_LEXICONS) and not name.startswith("veto"))
            or name == "triggers"
            for entry in entries
            if entry.split()
        )
        # a bare year is no toll, a bare "one" after "when"/"if" is the generic pronoun, and a
        # zero claim denies the categories coordinated with its own ("nobody was killed or hurt")
        self.year_re = c.compile(r"{YEAR}", key="runtime:year")
        self.generic_one = c.compile(
            r"(?r)\b(?:{generic_one_before})\s+\Z", ignore_case=True, key="runtime:generic_one"
        )
        self.family_before = c.compile(
            r"(?r)\b(?:{family_heads})\s*\Z", ignore_case=True, key="runtime:family"
        )
        self.question_before = c.compile(
            r"(?r)\b(?:{question_words})\s+\Z", ignore_case=True, key="runtime:question"
        )
        self.ellipsis_tail = c.compile(r"{ELLIPSIS_TAIL}\s*", key="runtime:ellipsis_tail")
        self.zero_also = c.compile(r"{ZERO_ALSO}", ignore_case=True, key="runtime:zero_also")
        self.captors = c.compile(
            r"\b(?:(?P<kidnapped>{captors_criminal})|(?P<arrested>{captors_security}))\b",
            ignore_case=True,
            key="runtime:captors",
        )
        self.word_re = regex.compile(r"\p{L}+")
        self.trigger_scanner = KeywordScanner(
            t for t in self.triggers if regex.fullmatch(r"\p{L}+", t)
        )
        self.victims = VictimClassifier(ruleset.get("victims.toml"))
        self.claimants = ClaimantFinder(ruleset.get("claimants.toml"), self.triggers)
        self.context = ContextReader(ruleset.get("claim_context.toml"))
        # the sentences of claims are searched by many patterns: each only where its literal set is
        self.claim_filter = PatternFilter(self.context.patterns() + self.claimants.patterns())

    def _split(self, rule: ClaimRule) -> CompiledRule:
        before, _, after = rule.pattern.partition("{COUNT}")
        c = self.casualties
        before_re = (
            c.compile("(?r)(?:" + before + r")\Z", rule.ignore_case, key="before:" + rule.id)
            if before
            else None
        )
        after_re = c.compile(after, rule.ignore_case, key="after:" + rule.id) if after else None
        ahead = c.literals(before) if before else None
        behind = c.literals(after) if after else None
        return CompiledRule(
            rule,
            before_re,
            after_re,
            _literal_set(self.literal_sets, ahead),
            _literal_set(self.literal_sets, behind),
            _edge(ahead, "trail"),
            _edge(behind, "lead"),
        )

    # -- finding -----------------------------------------------------------------------------
    def may_hold_claim(self, text: str, sentence: Span) -> bool:
        """Whether the sentence has a casualty word at all (a prefilter: word set test, C speed)."""
        words = " ".join(self.word_re.findall(text, sentence.start, sentence.end)).lower().split()
        return not self.triggers.isdisjoint(words)

    def hits(
        self,
        text: str,
        sentence: Span,
        prefiltered: bool = False,
        anchors: list[int] | None = None,
        scans: SentenceScans | None = None,
    ) -> list[Hit]:
        """The casualty counts of one sentence, in text order (``prefiltered``: the caller already
        knows the sentence has a casualty word; ``anchors``: ``numbers.anchors`` of the sentence;
        ``scans``: the document's literal scans, to keep this sentence's)."""
        out: list[Hit] = []
        if not prefiltered and not self.may_hold_claim(text, sentence):
            return out
        inner: list[tuple[int, int]] = []
        literals: LiteralHits | None = None
        scanned = False  # the sentence is scanned for the rules' literals at its first count
        for count in self.numbers.finditer(text, sentence.start, sentence.end, anchors):
            if inner and any(a <= count.start < b for a, b in inner):
                continue
            if not scanned:
                literals = (
                    scans.of(sentence)
                    if scans is not None
                    else self.literal_index.scan(text, sentence.start, sentence.end)
                )
                scanned = True
            lo = max(sentence.start, count.start - WINDOW_BEFORE)
            edges = (
                literals.edges(lo, count.start, count.end, sentence.end)
                if literals is not None
                else None
            )
            if count.kind != "multiplicative" and self._vetoed(
                text, sentence, count, literals, edges
            ):
                continue  # "double-murder" is a count; "8-month-old" is not
            hit = self._match(text, sentence, count, literals, edges, out[-1] if out else None)
            if hit is None or self._not_a_count(text, sentence, hit):
                continue
            out.append(hit)
            inner.extend(hit.inner)
            if count.kind == "zero":
                also = self._zero_also(text, sentence, hit)
                if also is not None:
                    out.append(also)
        return out

    def _not_a_count(self, text: str, sentence: Span, hit: Hit) -> bool:
        """A family size ("the mother of two died", "father to three boys"), a question ("how
        many were hurt"), a year with no people noun ("the 1967 murders"), or the generic pronoun
        "one" ("when one is killed, all of us lose")."""
        count = hit.count
        lo = max(sentence.start, count.start - 24)
        if self.family_before.search(text, lo, count.start) is not None and (
            hit.victims is None or self.victims.classify(hit.victims) == "children"
        ):
            return True
        if count.kind == "vague" and self.question_before.search(text, lo, count.start):
            return True
        if hit.victims is not None:
            return False
        if self.year_re.fullmatch(count.text):
            return True
        return (
            count.text.lower() == "one"
            and self.generic_one.search(text, lo, count.start) is not None
        )

    def _zero_also(self, text: str, sentence: Span, hit: Hit) -> Hit | None:
        """The second category a zero claim denies ("nobody was killed or hurt"), if any."""
        m = self.zero_also.match(text, hit.end, sentence.end)
        category = _group_category(m)
        if m is None or category is None or category in (hit.category, CAPTURE):
            return None
        return Hit(hit.count, hit.rule, category, hit.start, m.end(), hit.victims, ())

    def _borrowed(self, text: str, previous: Hit | None, start: int) -> str | None:
        """The category of the claim that ends just before ``start`` (blanks, an adverb or a
        place between: "displaced 3,000 people on the coast and hundreds more inland"), unless
        it is a zero claim (its negation does not carry over: "no one was hurt, 3 in hospital")."""
        if previous is None or previous.count.kind == "zero" or start < previous.end:
            return None
        if self.ellipsis_tail.fullmatch(text, previous.end, start) is None:
            return None
        return previous.category

    def _captured(
        self, text: str, sentence: Span, start: int, end: int, victims: str | None
    ) -> str:
        """The category of a capture: arrested when the captives are offenders ("captured 23
        pirates"), else by the first captor the sentence names outside the claim (a security force:
        arrested; a criminal or armed group: kidnapped), else kidnapped for civilians, else
        arrested."""
        if victims and self.victims.classify(victims) == "offenders":
            return "arrested"
        for lo, hi in ((sentence.start, start), (end, sentence.end)):
            m = self.captors.search(text, lo, hi)
            if m is not None:
                return "kidnapped" if m.group("kidnapped") else "arrested"
        kind = self.victims.classify(victims)
        return "kidnapped" if kind in ("civilians", "children", "women") else "arrested"

    def _vetoed(
        self,
        text: str,
        sentence: Span,
        count: Count,
        literals: LiteralHits | None,
        edges: tuple[int, int] | None,
    ) -> bool:
        """Whether a veto word follows the count ("26 years") or precedes it ("aged 26", not
        before a zero; a date word only before digits: "in 1998"); each regex is run only where
        the literals a match needs are there (same answers)."""
        if (
            edges is None
            or literals is None
            or self.veto_lead is None
            or literals.starts_at(edges[1], sentence.end, self.veto_lead)
        ):
            if self.veto_after.match(text, count.end, sentence.end):
                return True
        if count.kind == "zero":
            return False  # "since no one was hurt": the date words before a number do not apply
        lo = max(sentence.start, count.start - 30)
        checks = [(self.veto_before, self.veto_trail)]
        if count.text[:1].isdigit():
            checks.append((self.veto_digits, self.veto_digits_trail))
        for veto, trail in checks:
            if (
                edges is None
                or literals is None
                or trail is None
                or literals.ends_with(lo, count.start, trail)
            ) and veto.search(text, lo, count.start) is not None:
                return True
        return False

    def _rules_for(self, kind: str) -> list[CompiledRule]:
        """The rules that may read a count of this kind, in order (``count_kinds``,
        ``ONLY_WHEN_ASKED``)."""
        rules = self.by_kind.get(kind)
        if rules is None:
            rules = self.by_kind[kind] = [
                r
                for r in self.rules
                if (
                    kind in r.rule.count_kinds
                    if r.rule.count_kinds
                    else kind not in ONLY_WHEN_ASKED
                )
            ]
        return rules

    def _match(
        self,
        text: str,
        sentence: Span,
        count: Count,
        literals: LiteralHits | None = None,
        edges: tuple[int, int] | None = None,
        previous: Hit | None = None,
    ) -> Hit | None:
        """The first rule that ties ``count`` to a casualty predicate (``previous``: the claim
        before it in the sentence, whose category a ``borrows`` rule takes)."""
        lo = max(sentence.start, count.start - WINDOW_BEFORE)
        if literals is not None and edges is None:
            edges = literals.edges(lo, count.start, count.end, sentence.end)
        can_borrow = previous is not None and previous.count.kind != "zero"
        for compiled in self._rules_for(count.kind):
            if compiled.rule.borrows and not can_borrow:
                continue  # it takes the category of a claim before it: none to take (_borrowed)
            if (
                edges is not None
                and literals is not None
                and not self._may_match(compiled, literals, edges, lo, count, sentence.end)
            ):
                continue
            # a reverse pattern ending in \Z: match() anchors it at the count, as search() would
            # find it
            b = compiled.before.match(text, lo, count.start) if compiled.before else None
            if compiled.before and b is None:
                continue
            a = compiled.after.match(text, count.end, sentence.end) if compiled.after else None
            if compiled.after and a is None:
                continue
            start = b.start() if b else count.start
            if compiled.rule.borrows:
                category = self._borrowed(text, previous, start)
            else:
                category = _group_category(a, b)
            if category is None:
                continue
            victims = next(
                (_victims_head(text[s:e]) for s, e in _group_spans("victims", a, b)), None
            )
            end = a.end() if a else count.end
            while end > start and text[end - 1].isspace():
                end -= 1
            if category == CAPTURE:
                if victims is None and count.kind != "counting" and _group_category(a) == CAPTURE:
                    continue  # "one captured by a camera": things are captured and seized too
                category = self._captured(text, sentence, start, end, victims)
            return Hit(
                count, compiled, category, start, end, victims, tuple(_group_spans("inner", a))
            )
        return None

    @staticmethod
    def _may_match(
        compiled: CompiledRule,
        literals: LiteralHits,
        edges: tuple[int, int],
        lo: int,
        count: Count,
        end: int,
    ) -> bool:
        """False when a literal the rule needs is missing: its before part must end (at the count)
        with one of ``before_trail``, its after part start with one of ``after_lead``, and each
        part's window must hold a literal of its set (each a necessary condition: same matches).
        ``edges``: ``literals.edges`` of the count's windows."""
        if compiled.before_trail is not None and not literals.ends_at(
            lo, edges[0], compiled.before_trail
        ):
            return False
        if compiled.after_lead is not None and not literals.starts_at(
            edges[1], end, compiled.after_lead
        ):
            return False
        if compiled.before_inside >= 0 and not literals.holds(
            compiled.before_inside, lo, count.start
        ):
            return False
        return compiled.after_inside < 0 or literals.holds(compiled.after_inside, count.end, end)

    # -- rows --------------------------------------------------------------------------------
    def extract(
        self, article: Article, seg: Segmentation, ctx: DocumentContext, quotes: list[Quote]
    ) -> list[Claim]:
        """Every casualty claim of ``article``."""
        text = article.text
        claims: list[Claim] = []
        published = _date(article.published)
        low = text.lower()
        triggers = [
            start for start, _ in self.trigger_scanner.find(text, low)
        ]  # one pass over the document
        quote_finder = QuoteFinder(quotes)
        scans = SentenceScans(self.literal_index, text, low)
        find = self.claim_filter.finder(text, low)
        for index, sentence in enumerate(seg.sentences):
            first = bisect.bisect_left(triggers, sentence.start)
            if first == len(triggers) or triggers[first] >= sentence.end:
                continue  # no casualty word in this sentence
            anchors = self.numbers.anchors(text, low, sentence.start, sentence.end, scans.whole)
            if not anchors:
                continue  # no number in this sentence
            hits = self.hits(text, sentence, prefiltered=True, anchors=anchors, scans=scans)
            if hits:
                hits = self._countable(hits, article, seg)
            if not hits:
                continue
            sent_text = text[sentence.start : sentence.end]
            hits = _share_victims(hits)
            taken = [(h.start, h.end) for h in hits]
            for k, hit in enumerate(hits):
                # a claim's clause: from the end of the claim before it to the start of the next one
                clause = (
                    taken[k - 1][1] if k else sentence.start,
                    taken[k + 1][0] if k + 1 < len(hits) else sentence.end,
                )
                claims.append(
                    self._claim(
                        article,
                        seg,
                        ctx,
                        quote_finder,
                        index,
                        sentence,
                        sent_text,
                        hit,
                        published,
                        len(claims) + 1,
                        taken,
                        clause,
                        find,
                    )
                )
        return claims

    def _countable(self, hits: list[Hit], article: Article, seg: Segmentation) -> list[Hit]:
        """The hits whose figure can count people; one above ``max_figure`` (numbers.toml) is no
        claim but a ``bad_figure`` warning among the document's issues (never a value that no
        table column can hold)."""
        limit = self.numbers.rules.max_figure
        kept = []
        for hit in hits:
            count = hit.count
            if max(count.value or 0, count.value_high or 0) <= limit:
                kept.append(hit)
                continue
            seg.issues.append(
                Issue(
                    doc_id=article.doc_id,
                    source=article.source,
                    line=article.line,
                    severity="warning",
                    code="bad_figure",
                    message=f"{count.text!r} at character {count.start} is over {limit:,}, more "
                    "than can count people: not taken as a claim",
                    start=count.start,
                    end=count.end,
                )
            )
        return kept

    def _claim(
        self,
        article: Article,
        seg: Segmentation,
        ctx: DocumentContext,
        quotes: QuoteFinder,
        index: int,
        sentence: Span,
        sent_text: str,
        hit: Hit,
        published: dt.date | None,
        n: int,
        taken: list[tuple[int, int]],
        clause: tuple[int, int],
        find: Finder,
    ) -> Claim:
        text = article.text
        c = hit.count
        quote = quotes.at(c.start)
        claimant: str | None = None
        source_type: str | None = None
        if quote is not None and quote.speaker:
            claimant, source_type = quote.speaker, quote.speaker_type
        else:
            source = ctx.source_of(hit.start, hit.end)
            if (
                source is not None
                and self.claimants.accepts(source, taken)
                and self.claimants.plausible(source.name, text)
            ):
                claimant, source_type = source.name, source.source_type
            else:
                claimant = self.claimants.claimant(text, seg, index, c.start, c.end, taken, find)
                claimant = claimant if self.claimants.plausible(claimant, text) else None
        fields = self.context.read(text, seg, index, hit.start, hit.end, published, clause, find)
        return Claim(
            doc_id=article.doc_id,
            outlet=article.outlet,
            claim_id=f"{article.doc_id}:c{n}",
            start=hit.start,
            end=hit.end,
            count_text=c.text,
            evidence=text[hit.start : hit.end],
            sentence=sent_text,
            category=hit.category,
            qualifier=c.qualifier,
            value=c.value,
            value_high=c.value_high,
            low=c.low,
            high=c.high,
            best=c.best,
            victims=hit.victims,
            victim_class=self.victims.classify(hit.victims),
            claimant=claimant,
            claimant_type=self.claimants.claimant_type(claimant, source_type),
            hedge=fields.hedge,
            location=fields.location,
            event_date=fields.event_date,
            measure=fields.measure,
            main_event=fields.main_event,
            update_cue=fields.update_cue,
            in_quote=quote.quote_id if quote is not None else None,
            rule_id=hit.rule.rule.id,
            count_start=c.start,
            count_end=c.end,
            sentence_start=sentence.start,
            sentence_end=sentence.end,
            published=article.published,
        )


class VictimClassifier:
    """The victim_class of a victims phrase: the most specific class whose noun it ends with."""

    def __init__(self, rules: VictimRules) -> None:
        depth: dict[str, int] = {}
        parents = {name: c.parent for name, c in rules.classes.items()}
        for name in parents:
            d, p = 0, parents[name]
            while p and d < 10:
                d, p = d + 1, parents.get(p)
            depth[name] = d
        self.noun_class: dict[str, str] = {}
        for name in sorted(rules.classes, key=lambda n: depth[n]):
            for noun in rules.classes[name].nouns:
                self.noun_class[noun.lower()] = name  # deeper classes win
        self.noun_re = compile_with_lists(
            r"(?i)\b(?:" + lexicon_alternation(self.noun_class) + r")\b", 0
        )
        self.classes: dict[
            str, str | None
        ] = {}  # victims phrase -> its class (phrases repeat: "people")

    def classify(self, victims: str | None) -> str | None:
        """The class of the last class noun in ``victims`` (None when there is none)."""
        if not victims:
            return None
        if victims not in self.classes:
            if len(self.classes) >= MAX_KEPT:
                self.classes.clear()
            self.classes[victims] = self._classify(victims)
        return self.classes[victims]

    def _classify(self, victims: str) -> str | None:
        found = [m.group().lower() for m in self.noun_re.finditer(victims)]
        head = next((f for f in found if " " in f), None) or (found[-1] if found else None)
        return self.noun_class.get(SPACES.sub(" ", head)) if head else None


class ClaimantFinder:
    """Claimant name type, and the minimal claim-specific fallback for who gives a figure."""

    def __init__(self, rules: ClaimantRules, common_words: Iterable[str] = ()) -> None:
        self.types = [(t.name, _word_regex(t.words)) for t in rules.types]
        self.named: dict[str, str | None] = {}  # name -> the type its words give (speakers recur)
        self.anaphors = rules.lexicon_set("anaphors")
        self.relative_lead = rules.compile(
            r"(?i)^\s*(?:{relative_pronouns})\b", key="runtime:relative_lead"
        )
        self.common = frozenset(w.lower() for w in common_words)
        self.place_before = rules.compile(
            r"(?r)(?i)\b(?:{place_prepositions})\s+(?:the\s+)?\Z", key="runtime:place_before"
        )
        self.after = [
            rules.pattern("claimant.comma_source_verb"),
            rules.pattern("claimant.comma_verb_source"),
            rules.pattern("claimant.passive_by"),
        ]
        self.anywhere = rules.pattern("claimant.according_to")
        self.before = rules.pattern("claimant.subject_verb")
        self.labels = [
            rules.pattern("claimant.label_before"),
            rules.pattern("claimant.label_after"),
        ]
        self.cue_re = rules.compile(r"(?i)\b(?:{speech}|{other_cues})\b", key="runtime:cue")
        self.trailing_aux = regex.compile(
            r"(?i)\s+(?:were|was|are|is|has|have|had|also|further|later|had\s+been|have\s+been)$"
        )
        self.lead_in = rules.compile(
            r"(?i)^(?:according\s+to|and|but|though|although|as)\s+", key="runtime:lead_in"
        )
        self.lead_np = regex.compile(
            r"\G(?:(?:The|A|An)\s+)?(?:[\p{Lu}][\p{L}'’.-]*\s+)+[\p{Ll}]+(?=\s)|\G(?:The|the)\s+[\p{Ll}]+\s+[\p{Ll}]+(?=\s)"
        )

    def claimant_type(self, name: str | None, source_type: str | None = None) -> str | None:
        """The claimant_type of a claimant name (its words), or 'anonymous' for anonymous
        sources."""
        if not name:
            return None
        if name not in self.named:
            if len(self.named) >= MAX_KEPT:
                self.named.clear()
            self.named[name] = next(
                (type_name for type_name, pattern in self.types if pattern.search(name)), None
            )
        found = self.named[name]
        return found if found is not None else "anonymous" if source_type == "anonymous" else None

    def accepts(self, source: Source, taken: list[tuple[int, int]]) -> bool:
        """Whether an attribution source can be a figure's claimant: a reporting cue, not a
        casualty phrase."""
        if any(source.start < e and s < source.end for s, e in taken):
            return False  # "and no injuries were [reported]": the 'source' is itself a figure
        if source.cue and not self.cue_re.search(source.cue):
            return False  # "a man accused of murdering two women": an accusation, not a report
        return bool(source.name and source.name.strip())

    def plausible(self, name: str | None, text: str) -> bool:
        """Whether ``name`` can be who gives a figure: not a relative clause ("which the navy
        had"), not an all-capital headline phrase ("CHARGED WITH MURDER"), not a capitalised
        common word of the claim vocabulary ("Injured"), not a place the text names as one
        ("in Takengon"), unless its words give a claimant type ("Takengon police")."""
        if not name or not name.strip():
            return False
        if self.relative_lead.match(name):
            return False
        if self.claimant_type(name) is not None:
            return True
        words = name.split()
        if len(words) > 1 and name.isupper():
            return False
        if len(words) == 1 and (name.isupper() and len(name) > 5 or name.lower() in self.common):
            return False
        at = text.find(name) if name[0].isupper() else -1
        while at >= 0:
            if self.place_before.search(text, max(0, at - 16), at) is not None:
                return False
            at = text.find(name, at + 1)
        return True

    def patterns(self) -> list[regex.Pattern[str]]:
        """The patterns ``frame_source`` searches a sentence with (for a ``PatternFilter``)."""
        return [*self.after, self.anywhere, self.before, *self.labels]

    def frame_source(
        self,
        text: str,
        sentence: Span,
        count_start: int,
        count_end: int,
        taken: Sequence[tuple[int, int]] = (),
        find: Finder | None = None,
    ) -> str | None:
        """The source a sentence names for a figure at ``[count_start, count_end)``, as written
        (``find``: searches of ``text`` pre-filtered by the extractor's ``PatternFilter``)."""
        find = find or Finder(text)
        found: regex.Match[str] | None = None
        for pattern in self.after:
            found = found or next(
                iter(find.finditer(pattern, sentence, count_end, sentence.end)), None
            )
        found = (
            found
            or find.search(self.anywhere, sentence)
            or find.match(self.before, sentence, count_start)
        )
        for label in self.labels:  # a headline label counts only when it names a kind of source
            m = None if found else find.search(label, sentence)
            found = m if m and self.claimant_type(m.group("source")) else found
        if found is None or any(
            found.start("source") < e and s < found.end("source") for s, e in taken
        ):
            return None
        source = self.lead_in.sub("", _source_head(found.group("source")))
        source = self.trailing_aux.sub("", source)
        return source or None

    def claimant(
        self,
        text: str,
        seg: Segmentation,
        index: int,
        count_start: int,
        count_end: int,
        taken: Sequence[tuple[int, int]] = (),
        find: Finder | None = None,
    ) -> str | None:
        """The claimant of a figure by the sentence frame, anaphors resolved to a named source
        before."""
        sentence = seg.sentences[index]
        source = self.frame_source(text, sentence, count_start, count_end, taken, find)
        if source is None or not self._is_anaphor(source):
            return source
        for back in range(index - 1, max(-1, index - 4), -1):
            prev = seg.sentences[back]
            named = self.frame_source(
                text, prev, prev.end, prev.end, (), find
            ) or self.frame_source(text, prev, prev.start, prev.start, (), find)
            if named is None:
                m = self.lead_np.search(text, prev.start, prev.end)
                named = m.group() if m else None
            if named and not self._is_anaphor(named):
                return self._strip_apposition(named)
        return source

    def _is_anaphor(self, source: str) -> bool:
        key = SPACES.sub(" ", source.lower())
        key = ADVERB_LEAD.sub("", key).strip()
        return key in self.anaphors

    @staticmethod
    def _strip_apposition(name: str) -> str:
        return name.split(",")[-1].strip() if "," in name else name


@dataclass(frozen=True, slots=True)
class ContextFields:
    """The descriptive fields of a claim read from its sentence."""

    hedge: str | None
    location: str | None
    event_date: str | None
    measure: str | None
    main_event: bool
    update_cue: str | None


class ContextReader:
    """Hedges, update cues, location, date, measure and background events of a claim's sentence."""

    def __init__(self, rules: ClaimContextRules) -> None:
        def words(name: str) -> regex.Pattern[str]:
            return compile_with_lists(
                r"(?i)\b(?:" + lexicon_alternation(rules.lexicons.get(name, [])) + r")\b", 0
            )

        self.hedge_re = words("hedges")
        self.update_re = words("update_cues")
        self.cumulative_re = words("cumulative")
        self.daily_re = words("daily")
        self.background_re = words("background")
        self.background_after_re = words("background_after")
        continuation = rules.lexicons.get("continuation_subjects", [])
        self.continuation_re = (
            compile_with_lists(r"(?:" + lexicon_alternation(continuation) + r")\b", 0)
            if continuation
            else None
        )
        self.location_res = [
            rules.pattern("context.location"),
            rules.pattern("context.location_attributive"),
        ]
        self.since_re = rules.pattern("context.since")
        self.weekday_re = rules.pattern("context.weekday")
        self.year_re = rules.pattern("context.year")
        self.past_month_re = rules.pattern("context.past_month")
        self.weekdays = [w.lower() for w in rules.lexicons.get("weekdays", [])]
        self.months = [m.lower() for m in rules.lexicons.get("months", [])]
        self.perfect_re = regex.compile(r"(?i)\b(?:have|has)\s+been\b")

    def patterns(self) -> list[regex.Pattern[str]]:
        """The patterns ``read`` searches sentences with (for a ``PatternFilter``)."""
        return [v for v in vars(self).values() if isinstance(v, regex.Pattern)] + self.location_res

    def read(
        self,
        text: str,
        seg: Segmentation,
        index: int,
        start: int,
        end: int,
        published: dt.date | None,
        clause: tuple[int, int] | None = None,
        find: Finder | None = None,
    ) -> ContextFields:
        """The fields for a claim at ``[start, end)`` in sentence ``index`` (its place within
        ``clause``;
        ``find``: searches of ``text`` pre-filtered by the extractor's ``PatternFilter``)."""
        s = seg.sentences[index]
        find = find or Finder(text)
        hedge = find.search(self.hedge_re, s)
        update = find.search(self.update_re, s)
        lo, hi = clause or (s.start, s.end)
        location = self._location(find, s, lo, hi, start, end)
        day = find.search(self.weekday_re, s)
        event_date = _weekday_date(day.group("day"), published, self.weekdays) if day else None
        since = find.search(self.since_re, s)
        cumulative = bool(find.search(self.cumulative_re, s))
        if not cumulative and not day and find.search(self.perfect_re, s):
            for back in range(index - 1, max(-1, index - 1 - SINCE_LOOKBACK), -1):
                since = find.search(self.since_re, seg.sentences[back])
                if since:
                    cumulative = True
                    break
        if cumulative and since and event_date is None:
            event_date = self._period_start(since)
        daily = not cumulative and day is not None and bool(find.search(self.daily_re, s))
        measure = "cumulative" if cumulative else "daily aggregate" if daily else "incident"
        background = self._background(find, seg, index, start, published, day is not None)
        return ContextFields(
            hedge.group() if hedge else None,
            location,
            event_date,
            measure,
            not background,
            update.group() if update else None,
        )

    def _background(
        self,
        find: Finder,
        seg: Segmentation,
        index: int,
        start: int,
        published: dt.date | None,
        has_weekday: bool,
        depth: int = 0,
    ) -> bool:
        """Whether the figure at ``start`` in sentence ``index`` is about an earlier, background
        event."""
        s = seg.sentences[index]
        after = find.search(self.background_after_re, s)
        if after and after.end() <= start:
            return True
        text = find.text
        years = [int(m.group("year")) for m in self.year_re.finditer(text, s.start, s.end)]
        dated_by_month = self._before_published_month(find.search(self.past_month_re, s), published)
        if find.search(self.background_re, s) or (
            (any(y < (published.year if published else 10_000) for y in years) or dated_by_month)
            and not has_weekday
        ):
            return True
        if (
            depth == 0
            and index > 0
            and self.continuation_re is not None
            and self.continuation_re.match(text, s.start)
        ):
            prev = seg.sentences[index - 1]
            prev_day = find.search(self.weekday_re, prev) is not None
            return self._background(find, seg, index - 1, prev.end, published, prev_day, depth + 1)
        return False

    def _before_published_month(
        self, m: regex.Match[str] | None, published: dt.date | None
    ) -> bool:
        """A month (``m``, the sentence's ``context.past_month`` match) names the time of the
        sentence's
        event, and (when the published date is known) it is not the published month: the event is
        older than a week, so background."""
        if not m:
            return False
        if published is None:
            return True
        word = regex.search(
            r"\p{L}+$",
            m.group().split()[-1] if not m.group()[-1].isdigit() else m.group().split()[0],
        )
        month = word.group().lower() if word else ""
        return month not in self.months or self.months.index(month) + 1 != published.month

    def _location(
        self, find: Finder, sentence: Span, lo: int, hi: int, start: int, end: int
    ) -> str | None:
        best: tuple[int, str] | None = None
        for m in (
            m for pattern in self.location_res for m in find.finditer(pattern, sentence, lo, hi)
        ):
            distance = m.start() - end if m.start() >= end else (start - m.end()) * 2 + 1
            if distance < 0:
                continue
            place = m.group("place")
            if "poss" in _group_names(m.re)[0] and m.group("poss"):
                place = m.group("poss") + place
            if best is None or distance < best[0]:
                best = (distance, place)
        return best[1] if best else None

    def _period_start(self, m: regex.Match[str]) -> str:
        month = m.group("month")
        number = (
            self.months.index(month.lower()) + 1 if month and month.lower() in self.months else 1
        )
        return f"{int(m.group('year')):04d}-{number:02d}-01"


class SentenceScans:
    """The literal pre-filter hits (``LiteralIndex.scan``) of one document's sentences, each
    sentence scanned once, when first asked for (on the document lower-cased once, where
    ``prefilterable``; else sentence by sentence)."""

    def __init__(self, index: LiteralIndex, text: str, low: str | None = None) -> None:
        self.index = index
        self.text = text
        self.low = text.lower() if low is None else low
        self.whole = prefilterable(text, self.low)
        self.done: dict[tuple[int, int], LiteralHits | None] = {}

    def of(self, sentence: Span) -> LiteralHits | None:
        """The hits of ``sentence`` (None where it cannot be pre-filtered)."""
        key = (sentence.start, sentence.end)
        if key not in self.done:
            self.done[key] = (
                self.index.scan_lowered(self.low, sentence.start, sentence.end)
                if self.whole
                else self.index.scan(self.text, sentence.start, sentence.end)
            )
        return self.done[key]


class PatternFilter:
    """The literal set every match of each of some patterns holds (``keywords.pattern_literals``;
    one ``LiteralIndex`` for them all), for ``Finder``."""

    def __init__(self, patterns: Iterable[regex.Pattern[str]]) -> None:
        self.literal_sets: list[frozenset[str]] = []
        self.needs: dict[
            regex.Pattern[str], int
        ] = {}  # pattern -> index of its set in literal_sets
        for pattern in patterns:
            found = _literal_set(
                self.literal_sets, pattern_literals(pattern.pattern, pattern.flags)
            )
            if found >= 0:
                self.needs[pattern] = found
        self.literal_index = LiteralIndex(self.literal_sets)

    def finder(self, text: str, low: str | None = None) -> Finder:
        """Pre-filtered searches of one document (``low``: ``text.lower()``, when the caller has
        it)."""
        return Finder(text, SentenceScans(self.literal_index, text, low), self.needs)


class Finder:
    """Searches within one sentence of a text that skip a pattern whose literal set (``needs``)
    is missing from the window: a necessary condition, so the same matches. Without ``scans``
    nothing is skipped."""

    __slots__ = ("text", "scans", "needs")

    def __init__(
        self,
        text: str,
        scans: SentenceScans | None = None,
        needs: dict[regex.Pattern[str], int] | None = None,
    ) -> None:
        self.text = text
        self.scans = scans
        self.needs = needs or {}

    def _absent(self, pattern: regex.Pattern[str], sentence: Span, lo: int, hi: int) -> bool:
        k = self.needs.get(pattern, -1)
        if k < 0 or self.scans is None or lo < sentence.start or hi > sentence.end:
            return False
        literals = self.scans.of(sentence)
        return literals is not None and not literals.holds(k, lo, hi)

    def search(self, pattern: regex.Pattern[str], sentence: Span) -> regex.Match[str] | None:
        """``pattern.search`` over the sentence."""
        if self._absent(pattern, sentence, sentence.start, sentence.end):
            return None
        return pattern.search(self.text, sentence.start, sentence.end)

    def match(
        self, pattern: regex.Pattern[str], sentence: Span, hi: int
    ) -> regex.Match[str] | None:
        """``pattern.match`` at the start of the sentence, within ``[sentence.start, hi)``."""
        if self._absent(pattern, sentence, sentence.start, hi):
            return None
        return pattern.match(self.text, sentence.start, hi)

    def finditer(
        self, pattern: regex.Pattern[str], sentence: Span, lo: int, hi: int
    ) -> Iterable[regex.Match[str]]:
        """``pattern.finditer`` over ``[lo, hi)``, a part of the sentence."""
        return (
            () if self._absent(pattern, sentence, lo, hi) else pattern.finditer(self.text, lo, hi)
        )


class QuoteFinder:
    """The first quote (in list order) that holds an offset: by bisection when the quotes are in
    text order without overlaps (the segmenter's output), else by a scan."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
        self.starts = [q.start for q in quotes]
        self.ordered = all(quotes[i].end <= quotes[i + 1].start for i in range(len(quotes) - 1))

    def at(self, offset: int) -> Quote | None:
        """The quote holding ``offset``, or None."""
        if not self.ordered:
            return next((q for q in self.quotes if q.start <= offset < q.end), None)
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.quotes[i] if i >= 0 and offset < self.quotes[i].end else None


def _word_regex(words: list[str]) -> regex.Pattern[str]:
    """Whole-word alternation, case-insensitive except for short all-capital acronyms ("UN",
    "AP")."""
    acronyms = [w for w in words if w.isupper() and len(w) <= 4]
    others = [w for w in words if w not in acronyms]
    alternatives = [lexicon_alternation(others)] if others else []
    if acronyms:
        alternatives.append("(?-i:" + lexicon_alternation(acronyms) + ")")
    return compile_with_lists(r"(?i)(?<![\w.])(?:" + "|".join(alternatives) + r")(?![\w])", 0)


def _is_name(part: str) -> bool:
    words = part.split()
    return bool(words) and all(w[0].isupper() for w in words)


def _source_head(source: str) -> str:
    """The head of a source phrase cut at its commas: the name of an apposition ("the fire
    chief, Ann Lee" -> "Ann Lee"; "Ann Lee, the fire chief" -> "Ann Lee"), else the last part,
    the subject nearest the speech verb ("the crew boarded the boat, the navy" -> "the navy")."""
    source = source.strip()
    if source.endswith(".") and len(source.split()[-1]) > 3:
        source = source[:-1]  # the sentence's full stop, not an abbreviation's ("Lt.", "Jr.")
    parts = [p.strip() for p in source.split(",") if p.strip()]
    if len(parts) < 2:
        return source
    if _is_name(parts[-1]):
        return parts[-1]
    return parts[0] if _is_name(parts[0]) else parts[-1]


def _literal_set(sets: list[frozenset[str]], literals: Literals | None) -> int:
    """Index (in ``sets``, added when new) of the literals every match holds somewhere, or -1 (none
    known, or too weak to be worth testing: a literal of two letters, or many literals)."""
    inside = literals.inside if literals is not None else None
    if not inside or len(inside) > MAX_PREFILTER_LITERALS or min(map(len, inside)) < 3:
        return -1
    if inside not in sets:
        sets.append(inside)
    return sets.index(inside)


def _edge(literals: Literals | None, side: str) -> tuple[str, ...] | None:
    """The strings a rule part must start (``lead``) or end (``trail``) with, as a tuple for
    ``str.startswith``; None when unknown or when the part may match blanks only."""
    edge = getattr(literals, side) if literals is not None else None
    return tuple(sorted(edge)) if edge and not literals.blank else None  # type: ignore[union-attr]


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _weekday_date(day: str, published: dt.date | None, weekdays: list[str]) -> str | None:
    """The latest ``day`` (a weekday name) on or before ``published``."""
    if published is None or day.lower() not in weekdays:
        return None
    target = weekdays.index(day.lower())  # weekdays are listed Monday first
    back = (published.weekday() - target) % 7
    return (published - dt.timedelta(days=back)).isoformat()
