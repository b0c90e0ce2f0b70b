"""Cross-source comparison on small hand-built tables: each flag kind, and no flag."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quotetrack.compare import CompareOptions, compare
from quotetrack.compare.quote_matching import QuoteMatchOptions, word_diff
from quotetrack.models import Article, Claim, Quote
from quotetrack.tables.normalise import to_frame

STORY = (
    "The toll from the attack on the market in Rastan, reported by state media, climbed after "
    "Mayor Adnan Haddad spoke."
)
TEXT_001 = (
    "The activist group also said government shelling killed six people in what appeared to be "
    "a new offensive on the village of Treemseh, northwest of Hama."
)


def claim(n: int, doc: str = "d1", outlet: str | None = "Outlet A", **fields: Any) -> Claim:
    base: dict[str, Any] = dict(
        doc_id=doc,
        outlet=outlet,
        claim_id=f"{doc}:c{n}",
        start=n * 10,
        end=n * 10 + 5,
        sentence_start=n * 10,
        count_text="6",
        evidence="killed six",
        sentence="",
        category="killed",
        qualifier="exact",
        value=6,
        low=6,
        high=6,
        best=6,
        measure="incident",
        event_date="2012-07-12",
        published="2012-07-12",
        main_event=True,
    )
    value = fields.pop("value", None)
    if value is not None:
        base.update(value=value, low=value, high=value, best=value, count_text=str(value))
    base.update(fields)
    return Claim(**base)


def run(
    claims: list[Claim],
    texts: dict[str, str] | None = None,
    quotes: list[Quote] | None = None,
    ruleset=None,
):
    texts = texts or {}
    docs = sorted({c.doc_id for c in claims} | set(texts) | {q.doc_id for q in quotes or []})
    articles = [
        Article.build(doc_id=d, text=texts.get(d, f"Text of {d}."), outlet=f"Outlet {d}")
        for d in docs
    ]
    return compare(
        to_frame("articles", articles),
        to_frame("quotes", quotes or []),
        to_frame("claims", claims),
        ruleset,
    )


def kinds(result) -> list[str]:
    return [d.kind for d in result.disagreements]


def test_contradiction_same_village_same_day(ruleset) -> None:
    result = run(
        [
            claim(
                1,
                claimant="the Syrian Observatory for Human Rights",
                location="Treemseh",
                sentence="government shelling killed six people in the village of Treemseh",
            ),
            claim(
                2,
                claimant="the Local Coordination Committees",
                location="Treemseh",
                value=7,
                count_text="seven",
                sentence="seven died in Treemseh",
            ),
        ],
        ruleset=ruleset,
    )
    (d,) = result.disagreements
    assert (d.kind, d.severity, d.needs_review) == ("contradiction", "high", False)
    assert d.explanation == (
        "the Syrian Observatory for Human Rights says 6 killed in Treemseh; "
        "the Local Coordination Committees says seven killed in Treemseh, same day: "
        "the figures cannot both be right."
    )
    assert d.intervals == ["[6, 6]", "[7, 7]"]
    assert "place:equal:treemseh" in d.match_keys


def test_two_lower_bounds_are_compatible_and_not_flagged(ruleset) -> None:
    result = run(
        [
            claim(
                1,
                claimant="SOHR",
                qualifier="at_least",
                count_text="at least seven",
                value=None,
                low=7,
                high=None,
                best=7,
                sentence="at least seven people were killed when gunmen opened fire on their cars",
            ),
            claim(
                2,
                claimant="LCC",
                qualifier="at_least",
                count_text="at least 20",
                value=None,
                low=20,
                high=None,
                best=20,
                sentence="at least 20 people were killed in the highway attacks",
            ),
        ],
        ruleset=ruleset,
    )
    assert result.disagreements == []
    (incident,) = result.incidents  # one incident, both figures side by side
    assert incident.status == "agree" and incident.strongest_flag is None
    assert incident.claimants == ["SOHR", "LCC"]
    assert incident.intervals == ["[7, ∞)", "[20, ∞)"]


def test_overlapping_figures_far_apart_diverge(ruleset) -> None:
    result = run(
        [
            claim(1, claimant="police", qualifier="approx", value=None, low=8, high=12, best=10),
            claim(
                2, claimant="medics", qualifier="at_least", value=None, low=11, high=None, best=40
            ),
        ],
        ruleset=ruleset,
    )
    (d,) = result.disagreements
    assert d.kind == "divergence" and d.ratio == pytest.approx(4.0)
    assert "compatible only at the extremes (best estimates 4.0x apart)" in d.explanation
    assert d.incident_id == result.incidents[0].group_id


def test_close_figures_are_not_flagged(ruleset) -> None:
    result = run(
        [
            claim(
                1,
                claimant="police",
                qualifier="at_least",
                value=None,
                low=10,
                high=None,
                best=10,
                count_text="at least 10",
            ),
            claim(2, claimant="officials", value=12, count_text="12"),
        ],
        ruleset=ruleset,
    )
    assert result.disagreements == []
    (group,) = result.event_groups
    assert (group.low, group.best, group.high) == (10, 11, 12)
    assert (group.strongest_lower_bound, group.tightest_upper_bound, group.conservative) == (
        12,
        12,
        10,
    )


def test_a_narrower_victim_class_is_a_part_not_a_conflict(ruleset) -> None:
    if not ruleset.files.get("victims.toml"):
        pytest.skip("needs the victim taxonomy of the claims rules")
    result = run(
        [
            claim(
                1,
                claimant="activists",
                measure="cumulative",
                qualifier="more_than",
                value=None,
                low=17001,
                high=None,
                best=17001,
                count_text="more than 17,000",
                victims="people",
                victim_class="people",
            ),
            claim(
                2,
                claimant="the Syrian government",
                measure="cumulative",
                qualifier="more_than",
                value=None,
                low=4001,
                high=None,
                best=4001,
                count_text="more than 4,000",
                victims="members of the security forces",
                victim_class="security forces",
            ),
        ],
        ruleset=ruleset,
    )
    assert result.disagreements == []
    whole, part = result.incidents
    assert part.victims == "security forces" and part.part_of == whole.group_id
    assert whole.claim_ids == ["d1:c1"] and part.claim_ids == ["d1:c2"]


def test_update_by_same_claimant_on_a_later_day(ruleset) -> None:
    result = run(
        [
            claim(
                1,
                doc="morning",
                claimant="state media",
                value=10,
                event_date="2012-07-12",
                published="2012-07-12",
            ),
            claim(
                2,
                doc="evening",
                claimant="state media",
                value=35,
                event_date="2012-07-13",
                published="2012-07-13",
                update_cue="rose to",
            ),
        ],
        texts={"morning": STORY, "evening": STORY},
        ruleset=ruleset,
    )
    (d,) = result.disagreements
    assert d.kind == "update" and d.severity == "info"
    assert (
        d.explanation
        == "state media raised its figure from 10 killed to 35 killed (reported 2012-07-12 and "
        "2012-07-13): an update, not a conflict."
    )


def test_revision_down(ruleset) -> None:
    result = run(
        [
            claim(
                1,
                doc="a",
                claimant="the health ministry",
                value=40,
                published="2012-07-12",
                event_date="2012-07-12",
            ),
            claim(
                2,
                doc="b",
                claimant="the health ministry",
                value=31,
                published="2012-07-13",
                event_date="2012-07-13",
            ),
        ],
        texts={"a": STORY, "b": STORY},
        ruleset=ruleset,
    )
    assert kinds(result) == ["revision_down"]


def test_articles_without_shared_names_are_different_stories(ruleset) -> None:
    result = run(
        [
            claim(1, doc="a", claimant="police", value=3),
            claim(2, doc="b", claimant="officials", value=30),
        ],
        texts={
            "a": STORY,
            "b": "A fire at the depot near Leeds was put out by crews from Bradford on Monday.",
        },
        ruleset=ruleset,
    )
    assert result.disagreements == [] and len(result.event_groups) == 2


def test_same_claimant_inconsistent_in_one_article(ruleset) -> None:
    result = run(
        [claim(1, claimant="police", value=3), claim(2, claimant="Police", value=4)],
        ruleset=ruleset,
    )
    assert kinds(result) == ["same_claimant_inconsistent"]


def test_nested_place_needs_review(ruleset) -> None:
    result = run(
        [
            claim(
                1,
                doc="a",
                claimant="opposition groups",
                qualifier="range",
                value=100,
                value_high=200,
                low=100,
                high=200,
                best=150,
                count_text="anywhere from 100 to 200",
                location="the central province of Hama",
                sentence=(
                    "troops massacred anywhere from 100 to 200 people in the central province "
                    "of Hama"
                ),
            ),
            claim(
                2,
                doc="b",
                claimant="SOHR",
                location="the village of Treemseh",
                sentence="government shelling killed six people in the village of Treemseh",
            ),
        ],
        texts={"b": TEXT_001},
        ruleset=ruleset,
    )
    (d,) = result.disagreements
    assert d.kind == "divergence" and d.needs_review
    assert "the village of Treemseh lies inside the central province of Hama" in d.explanation
    assert any(k.startswith("place:nested:treemseh<hama") for k in d.match_keys)


def test_part_exceeds_whole_for_nested_places(ruleset) -> None:
    result = run(
        [
            claim(
                1,
                doc="a",
                claimant="officials",
                qualifier="at_most",
                value=None,
                low=0,
                high=5,
                best=5,
                count_text="up to 5",
                location="Hama",
            ),
            claim(2, doc="b", claimant="medics", value=9, count_text="nine", location="Treemseh"),
        ],
        texts={"b": TEXT_001},
        ruleset=ruleset,
    )
    assert kinds(result) == ["part_exceeds_whole"]
    assert "the part exceeds the whole" in result.disagreements[0].explanation


def test_different_places_and_days_are_not_grouped(ruleset) -> None:
    result = run(
        [
            claim(1, location="Aleppo", value=5),
            claim(2, location="Homs", value=50),
            claim(3, location="Aleppo", value=90, event_date="2012-07-20"),
        ],
        ruleset=ruleset,
    )
    assert result.disagreements == [] and len(result.event_groups) == 3


def test_different_event_types_are_not_grouped(ruleset) -> None:
    result = run(
        [
            claim(1, value=5, sentence="the earthquake killed 5 people"),
            claim(2, value=50, sentence="a car bomb killed 50 people"),
        ],
        ruleset=ruleset,
    )
    assert len(result.event_groups) == 2 and result.disagreements == []


def test_background_events_are_kept_apart(ruleset) -> None:
    result = run([claim(1, value=5), claim(2, value=26000, main_event=False)], ruleset=ruleset)
    assert len(result.event_groups) == 2 and result.disagreements == []


def test_daily_total_below_the_sum_of_its_parts(ruleset) -> None:
    result = run(
        [
            claim(
                1,
                claimant="activists",
                measure="daily aggregate",
                value=None,
                qualifier="at_least",
                low=13,
                high=None,
                best=13,
                count_text="at least 13",
                location="throughout Syria",
            ),
            claim(
                2,
                claimant="LCC",
                qualifier="at_least",
                value=None,
                low=20,
                high=None,
                best=20,
                count_text="at least 20",
            ),
            claim(3, claimant="LCC", value=7, count_text="seven", location="Treemseh"),
        ],
        texts={"d1": TEXT_001},
        ruleset=ruleset,
    )
    flags = [d for d in result.disagreements if "measure:daily_vs_incidents" in d.match_keys]
    (d,) = flags
    assert d.kind == "divergence"
    assert "the incidents reported that day add up to at least 27 (LCC: 20 + 7)" in d.explanation


def test_attribution_mismatch_for_the_same_sentence(ruleset) -> None:
    s = "at least seven people were killed in the north when gunmen opened fire on their cars"
    result = run(
        [
            claim(
                1,
                doc="a",
                claimant="the Syrian Observatory for Human Rights",
                value=7,
                sentence=f"The Observatory said {s}.",
            ),
            claim(
                2,
                doc="b",
                claimant="the Local Coordination Committees",
                value=7,
                sentence=f"The Committees said {s}.",
            ),
        ],
        ruleset=ruleset,
    )
    assert "attribution_mismatch" in kinds(result)


def test_flag_in_a_wire_copy_is_reported_once(ruleset) -> None:
    story = " ".join(
        f"Sentence number {i} of the wire story about the shelling of the town." for i in range(40)
    )
    claims = []
    for doc in ("wire1", "wire2"):
        claims += [
            claim(1, doc=doc, claimant="SOHR", value=6, location="Treemseh"),
            claim(2, doc=doc, claimant="LCC", value=7, location="Treemseh"),
        ]
    result = run(claims, texts={"wire1": story, "wire2": story}, ruleset=ruleset)
    (pair,) = result.article_pairs
    assert pair.syndicated and pair.containment == 1.0
    contradictions = [d for d in result.disagreements if d.kind == "contradiction"]
    assert len(contradictions) == 1


def quote(
    doc: str, n: int, text: str, speaker: str | None = "Nawaf Fares", utterance: int | None = None
) -> Quote:
    return Quote(
        doc_id=doc,
        outlet=f"Outlet {doc}",
        quote_id=f"{doc}:q{n}",
        utterance_id=f"{doc}:u{utterance or n}",
        start=n * 100,
        end=n * 100 + len(text),
        text=text,
        speaker=speaker,
    )


def test_quote_matching_statuses(ruleset) -> None:
    long = (
        "\u201cWhere is the honor in killing your countrymen? Where is the national allegiance? "
        "The nation is all the people, not one person in particular. The allegiance is to the "
        "people, not to a dictator who kills his people.\u201d"
    )
    quotes = [
        quote("a", 1, long),
        quote(
            "b",
            1,
            '"Where is the honor in killing your countrymen? Where is the national allegiance? '
            'The nation is all the people, not one person in particular,"',
            utterance=1,
        ),
        quote(
            "b",
            2,
            '"The allegiance is to the people, not to a dictator who kills his people."',
            utterance=1,
        ),
        quote(
            "a", 3, "\u201cThere is no way that he can be pushed from power without force.\u201d"
        ),
        quote("b", 3, '"There is no way that he can be pushed from power without force."'),
        quote("a", 4, "\u201crelieved of his duties\u201d", speaker="Syria's Foreign Ministry"),
        quote("b", 4, '"relieved of his duties"', speaker="Fares"),
        quote(
            "a",
            5,
            "\u201cWe will never negotiate with the regime under any conditions at all.\u201d",
        ),
        quote("b", 5, '"We will never negotiate with this regime under any conditions."'),
        quote("a", 6, "\u201cThe talks are over, and the people know it.\u201d"),
        quote("b", 6, '"The talks are over."'),
    ]
    result = run([], quotes=quotes, ruleset=ruleset)
    by_first = {m.quote_ids[0]: m for m in result.quote_matches}
    split = by_first["a:q1"]
    assert split.status == "split_differently" and split.quote_ids == ["a:q1", "b:q1", "b:q2"]
    assert split.speaker_agrees is True
    assert by_first["a:q3"].status == "identical"
    assert by_first["a:q4"].status == "identical" and by_first["a:q4"].speaker_agrees is False
    assert by_first["a:q5"].status == "altered" and "-'the' +'this'" in by_first["a:q5"].diff
    assert by_first["a:q6"].status == "truncated"
    assert len(result.quote_matches) == 5


def test_same_words_different_punctuation(ruleset) -> None:
    quotes = [
        quote("a", 1, '"Only force can remove Assad; nothing else."'),
        quote("b", 1, '"Only force can remove Assad, nothing else."', speaker="Fares"),
    ]
    (m,) = run([], quotes=quotes, ruleset=ruleset).quote_matches
    assert m.status == "same_words" and m.speaker_agrees is True


def test_quotes_sharing_only_a_common_phrase_are_not_compared(ruleset) -> None:
    """With no similarity asked for, every candidate pair would be an "altered" row: only the pair
    that shares a good part of its trigrams is one (one common phrase does not make a candidate)."""
    quotes = [
        quote("a", 1, '"We are going to rebuild every school the storm destroyed in the north."'),
        quote("b", 1, '"We are going to win this election by a wide margin, whatever they say."'),
        quote(
            "c", 1, '"We are going to rebuild every school that the storm destroyed in the north."'
        ),
    ]
    articles = to_frame(
        "articles",
        [Article.build(doc_id=d, text=f"Text of {d}.", outlet=f"Outlet {d}") for d in "abc"],
    )
    loose = CompareOptions(quotes=QuoteMatchOptions(min_similarity=0.0))
    result = compare(articles, to_frame("quotes", quotes), to_frame("claims", []), ruleset, loose)
    assert [(m.status, m.quote_ids) for m in result.quote_matches] == [
        ("altered", ["a:q1", "c:q1"])
    ]
    everything = CompareOptions(
        quotes=QuoteMatchOptions(min_similarity=0.0, min_shared_trigrams=0.0)
    )
    result = compare(
        articles, to_frame("quotes", quotes), to_frame("claims", []), ruleset, everything
    )
    assert len(result.quote_matches) == 3  # the filter, not the scores, kept the other pairs out


def test_word_diff() -> None:
    assert word_diff(["a", "b", "c"], ["a", "x", "c", "d"]) == "-'b' +'x'; +'d'"


def test_breakdown_parts_are_not_rival_figures(ruleset) -> None:
    s = "Police said two women and one man died at a branch of the bank."
    result = run(
        [
            claim(
                1,
                claimant="police",
                value=2,
                count_text="two",
                victims="women",
                victim_class="women",
                sentence=s,
                sentence_start=0,
            ),
            claim(
                2,
                claimant="police",
                value=1,
                count_text="one",
                victims="man",
                victim_class="men",
                sentence=s,
                sentence_start=0,
            ),
            claim(
                3,
                claimant="officials",
                value=3,
                count_text="three",
                victims="people",
                victim_class="people",
            ),
            claim(
                4,
                claimant="medics",
                value=9,
                count_text="nine",
                victims="people",
                victim_class="people",
            ),
        ],
        ruleset=ruleset,
    )
    flagged = {tuple(d.claim_ids) for d in result.disagreements}
    assert flagged == {("d1:c3", "d1:c4")}


def test_a_piece_repeated_by_many_copies_is_one_truncated_row(ruleset) -> None:
    """Ten copies quote a piece of a longer quote: one row lists them all (not ten rows that each
    repeat the longer quote), and the longer quote's copies are listed once."""
    long = '"The talks are over, and the people know it, and the regime knows it too."'
    quotes = [quote("full1", 1, long), quote("full2", 1, long)]
    quotes += [
        quote(f"copy{n:02d}", 1, '"The talks are over, and the people know it."') for n in range(10)
    ]
    result = run([], quotes=quotes, ruleset=ruleset)
    truncated = [m for m in result.quote_matches if m.status == "truncated"]
    assert len(truncated) == 1
    (row,) = truncated
    assert sorted(row.quote_ids) == sorted(q.quote_id for q in quotes)
    assert row.quote_ids == sorted(row.quote_ids)  # ordered by document, then offset
    identical = sorted(tuple(m.quote_ids) for m in result.quote_matches if m.status == "identical")
    assert identical == [
        (
            "copy00:q1",
            "copy01:q1",
            "copy02:q1",
            "copy03:q1",
            "copy04:q1",
            "copy05:q1",
            "copy06:q1",
            "copy07:q1",
            "copy08:q1",
            "copy09:q1",
        ),
        ("full1:q1", "full2:q1"),
    ]


def test_repeated_figures_are_listed_from_the_scratch_store(ruleset, tmp_path) -> None:
    """Copies of one position go to the scratch file and come back in every row that lists them;
    the scratch file is gone when the comparison ends."""
    import tempfile

    claims = [
        claim(1, doc=f"w{n}", claimant="SOHR", value=6, location="Treemseh") for n in range(5)
    ]
    claims.append(claim(2, doc="other", claimant="LCC", value=7, location="Treemseh"))
    before = set(Path(tempfile.gettempdir()).glob("quotetrack-compare-*"))
    result = run(claims, ruleset=ruleset)
    (d,) = [d for d in result.disagreements if d.kind == "contradiction"]
    assert sorted(d.claim_ids) == sorted(c.claim_id for c in claims)
    assert d.intervals.count("[6, 6]") == 5 and d.intervals.count("[7, 7]") == 1
    (group,) = result.event_groups
    assert sorted(group.claim_ids) == sorted(c.claim_id for c in claims)
    assert set(Path(tempfile.gettempdir()).glob("quotetrack-compare-*")) == before


def test_quote_matching_reads_wordings_back_from_the_scratch_store(ruleset, monkeypatch) -> None:
    """With room for one wording at hand, every other wording is read back from the scratch
    file: the matches are the same as with every wording at hand."""
    import quotetrack.compare.quote_matching as quote_matching

    long = '"The talks are over, and the people know it, and the regime knows it too."'
    quotes = [
        quote("full1", 1, long),
        quote("full2", 1, long.replace(", and the people", "; and the people")),
        quote("a", 2, '"We will never negotiate with the regime under any conditions at all."'),
        quote("b", 2, '"We will never negotiate with this regime under any conditions."'),
        quote("c", 2, '"The talks are over, and the people know it."'),
        quote("c", 3, '"The regime knows it too, and it will fall."'),
    ]
    quotes += [
        quote(f"copy{n}", 1, '"The talks are over, and the people know it."') for n in range(3)
    ]
    everything_at_hand = [
        m.model_dump() for m in run([], quotes=quotes, ruleset=ruleset).quote_matches
    ]
    monkeypatch.setattr(quote_matching, "CLUSTER_CACHE", 1)
    one_at_hand = [m.model_dump() for m in run([], quotes=quotes, ruleset=ruleset).quote_matches]
    assert one_at_hand == everything_at_hand
    # a filter of the wordings seen of 8 bits: new wordings look like ones seen before and are
    # looked up in the scratch file (and not found), which changes no match
    monkeypatch.setattr(quote_matching, "SEEN_BITS", 8)
    one_bit = [m.model_dump() for m in run([], quotes=quotes, ruleset=ruleset).quote_matches]
    assert one_bit == everything_at_hand
    assert {m["status"] for m in one_at_hand} >= {"identical", "same_words", "altered", "truncated"}


def test_comparing_twice_gives_the_same_rows(ruleset) -> None:
    """The comparison's scratch tables are emptied before quotes are matched again."""
    from quotetrack.compare import Comparer

    texts = [
        '"We will never negotiate with the regime under any conditions at all."',
        '"We will never negotiate with this regime under any conditions."',
    ]
    comparer = Comparer(ruleset)
    for n, text in enumerate(texts):
        comparer.add(f"d{n}", f"Outlet {n}", "", [quote(f"d{n}", 1, text).model_dump()], [])
    first = [m.model_dump() for m in comparer.streams().quote_matches]
    second = [m.model_dump() for m in comparer.streams().quote_matches]
    comparer.close()
    assert len(first) == 1 and first == second


def test_daily_reports_of_one_place_do_not_chain_into_one_event(ruleset) -> None:
    """Each report is within a day of the next, but an event's claims stay within the window of
    each other: five consecutive days make three groups, not one, and figures are compared only
    inside a group."""
    days = ["2012-07-10", "2012-07-11", "2012-07-12", "2012-07-13", "2012-07-14"]
    claims = [
        claim(
            n,
            doc=f"day{n}",
            claimant="SOHR",
            location="Treemseh",
            value=5 + n,
            event_date=day,
            published=day,
        )
        for n, day in enumerate(days, start=1)
    ]
    result = run(claims, ruleset=ruleset)
    groups = sorted(sorted(g.claim_ids) for g in result.event_groups)
    assert groups == [["day1:c1", "day2:c2"], ["day3:c3", "day4:c4"], ["day5:c5"]]
    group_of = {c: g.group_id for g in result.event_groups for c in g.claim_ids}
    assert result.disagreements
    assert all(len({group_of[c] for c in d.claim_ids}) == 1 for d in result.disagreements)


def test_sentence_words_at_once_equal_sentence_by_sentence() -> None:
    """The one-pass normalisation of the syndication digest gives each sentence the words that
    splitting the text into sentences first gives (breaks after closing marks, Greek final
    sigma, blank lines, non-breaking spaces, a text that holds the sentence mark)."""
    from quotetrack.compare.syndication import (
        NON_WORD,
        SENTENCE_MARK,
        SENTENCE_SPLIT,
        sentence_words,
    )

    texts = [
        (
            "He said: “It is over.” Then he left!\n\nΟΔΟΣ ΣΕΦΕΡΗΣ. "
            "U.S. troops\u00a0fired (twice).) Next…  end"
        ),
        f"Odd {SENTENCE_MARK} mark. Here, too.",
    ]
    for text in texts:
        one_by_one = [NON_WORD.sub(" ", s.lower()).split() for s in SENTENCE_SPLIT.split(text)]
        assert list(sentence_words(text)) == one_by_one


def test_place_relations_read_at_literal_openings_are_those_of_finditer() -> None:
    """A place pattern that opens with literal words is tried only where one opens (found in the
    lower-cased text, blanks before it included): the same relations as running it everywhere."""
    from quotetrack.compare import Comparer

    places = Comparer().places
    text = (
        "Shelling hit the village of Treemseh, northwest of Hama. Troops left the town of Rastan, "
        "north of Homs, and the  Village of Kafr Nabl, near Idlib."
    )
    everywhere = [
        (m.group("child"), m.groupdict().get("parent") or m.groupdict().get("parent2"))
        for pattern, _ in places.patterns
        for m in pattern.finditer(text)
        if m.groupdict().get("child")
        and (m.groupdict().get("parent") or m.groupdict().get("parent2"))
    ]
    assert any(
        words for _, words in places.patterns
    )  # at least one pattern is read at its openings
    assert places.relations_in(text) == everywhere and ("Treemseh", "Hama") in everywhere


def test_every_claim_is_in_exactly_one_incident(ruleset) -> None:
    claims = [
        claim(1, claimant="police", value=6, location="Treemseh"),
        claim(2, doc="d2", claimant="medics", value=7, location="Treemseh"),
        claim(3, category="injured", claimant="police", value=12, location="Treemseh"),
        claim(4, doc="d3", claimant="army", value=2, location="Qalaat", event_date="2012-09-01"),
    ]
    result = run(claims, ruleset=ruleset)
    listed = [c for inc in result.incidents for c in inc.claim_ids]
    assert sorted(listed) == sorted(c.claim_id for c in claims)
    first = next(inc for inc in result.incidents if "d1:c1" in inc.claim_ids)
    # the killed and the injured of one event are one incident; its flag is its strongest
    assert {"d1:c1", "d2:c2", "d1:c3"} <= set(first.claim_ids)
    assert first.categories == ["killed", "injured"]
    assert first.status == "disagree" and first.strongest_flag == "contradiction"
    assert first.severity == "high" and first.n_flags == 1
    (d,) = result.disagreements
    assert d.incident_id == first.group_id
    other = next(inc for inc in result.incidents if "d3:c4" in inc.claim_ids)
    assert other.status == "single_source" and other.claim_ids == ["d3:c4"]


def test_story_names_are_read_from_articles_with_claims_only(ruleset) -> None:
    """Only articles with claims are asked whether they tell one story: the names of the others
    are neither read nor counted towards a name's document frequency."""
    from quotetrack.compare import Comparer

    comparer = Comparer(ruleset)
    with_claim = comparer.compact("d1", "A", STORY, [], [claim(1).model_dump()])
    without = comparer.compact("d2", "B", STORY, [], [])
    assert "haddad" in with_claim.anchors
    assert without.anchors == ()
    comparer.add_compact(with_claim)
    comparer.add_compact(without)
    assert comparer.n_documents == 2 and comparer.n_claim_documents == 1
    comparer.close()


def test_one_articles_own_figures_with_no_place_are_not_rivals(ruleset) -> None:
    """An article that recalls several events in its own voice ("three killed" in one paragraph,
    "14" in another) is not contradicting itself."""
    result = run(
        [
            claim(1, claimant=None, location=None, value=3, sentence="Three people were killed."),
            claim(2, claimant=None, location=None, value=14, sentence="It left 14 people dead."),
        ],
        ruleset=ruleset,
    )
    assert result.disagreements == []


def test_one_articles_figures_for_two_countries_are_not_rivals(ruleset) -> None:
    """Figures one article gives for places in two countries count two sets of people, even when
    its figures with no place join them in one story."""
    result = run(
        [
            claim(
                1,
                location="Olympia",
                count_text="at least nine",
                qualifier="at_least",
                value=9,
                high=None,
                sentence="At least nine were killed at Olympia.",
            ),
            claim(2, location="Nice", value=84, sentence="In Nice, 84 were killed."),
            # the injured with no place join both in the article's story
            claim(3, category="injured", value=200, qualifier="approx", sentence="200 were hurt."),
        ],
        ruleset=ruleset,
    )
    both = {"d1:c1", "d1:c2"}
    assert not [d for d in result.disagreements if both <= set(d.claim_ids)]
