"""The HTML report: self-contained, escaped, one mark per claim, evidence highlighted, links to
spans.

The report is built from the seeds' texts with a small hand-made claims table (figures the seeds
really contain, at their real offsets), so these tests check the report, not extraction accuracy.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import SEEDS

from quotetrack.compare import compare
from quotetrack.models import Article, Claim, Quote
from quotetrack.pipeline.ingest import read_inputs
from quotetrack.report.html import (
    anchor,
    highlight,
    nice_step,
    number_line,
    render_report,
    shape,
    word_diff_html,
)
from quotetrack.tables.normalise import TABLES, to_frame

#: (doc, sentence, figure as written, category, qualifier, low, high, claimant, location, measure)
SEED_CLAIMS = [
    (
        "001",
        "Activists say more than 17,000 people have been killed.",
        "more than 17,000",
        "killed",
        "more_than",
        17001,
        None,
        "Activists",
        "Syria",
        "cumulative",
    ),
    (
        "001",
        "Anti-regime activists reported government shelling of opposition areas and clashes that "
        "killed at least 13 people throughout Syria Thursday.",
        "at least 13",
        "killed",
        "at_least",
        13,
        None,
        "Anti-regime activists",
        "Syria",
        "daily",
    ),
    (
        "001",
        "The activist group also said government shelling killed six people in what appeared to be "
        "a new offensive on the village of Treemseh, northwest of Hama.",
        "six",
        "killed",
        "exact",
        6,
        6,
        "the Syrian Observatory for Human Rights",
        "Treemseh",
        "incident",
    ),
    (
        "001",
        "Another group, the Local Coordination Committees, said at least 20 people were killed in "
        "the highway attacks and seven died in Treemseh.",
        "seven",
        "killed",
        "exact",
        7,
        7,
        "the Local Coordination Committees",
        "Treemseh",
        "incident",
    ),
    (
        "000",
        "Meanwhile, opposition groups in Syria said that Assad’s troops massacred anywhere from "
        "100 to 200 people in the central province of Hama on Thursday.",
        "anywhere from 100 to 200",
        "killed",
        "range",
        100,
        200,
        "opposition groups in Syria",
        "Hama",
        "incident",
    ),
]
QUOTE = (
    "“There is no way that he can be pushed from power without force and the Syrian people "
    "realize this.”"
)


def seed_articles() -> dict[str, Article]:
    """The two seed articles as ingested (keyed by their 3-digit prefix)."""
    return {a.doc_id[:3]: a for a in read_inputs([SEEDS]) if isinstance(a, Article)}


def seed_claims(articles: dict[str, Article]) -> list[Claim]:
    """SEED_CLAIMS as Claim rows pointing at the real characters of the seeds."""
    rows = []
    for n, (
        doc,
        sentence,
        figure,
        category,
        qualifier,
        low,
        high,
        claimant,
        location,
        measure,
    ) in enumerate(SEED_CLAIMS):
        a = articles[doc]
        s0 = a.text.index(sentence)
        start = s0 + sentence.rindex(figure) if figure == "seven" else s0 + sentence.index(figure)
        best = low if high is None else (low + high) // 2
        rows.append(
            Claim(
                doc_id=a.doc_id,
                outlet=a.outlet,
                claim_id=f"{a.doc_id}:c{n + 1}",
                start=start,
                end=start + len(figure),
                count_text=figure,
                evidence=figure,
                sentence=sentence,
                category=category,
                qualifier=qualifier,
                value=low if low == high else None,
                value_high=high if low != high else None,
                low=low,
                high=high,
                best=best,
                claimant=claimant,
                location=location,
                measure=measure,
                event_date=a.published,
                published=a.published,
                sentence_start=s0,
                sentence_end=s0 + len(sentence),
                count_start=start,
                count_end=start + len(figure),
            )
        )
    return rows


def seed_quotes(articles: dict[str, Article]) -> list[Quote]:
    """The Fares quote in both seeds (curly marks in one, straight in the other)."""
    out = []
    for key, a in articles.items():
        text = QUOTE if key == "000" else QUOTE.replace("“", '"').replace("”", '"')
        start = a.text.index(text)
        out.append(
            Quote(
                doc_id=a.doc_id,
                outlet=a.outlet,
                quote_id=f"{a.doc_id}:q1",
                utterance_id=f"{a.doc_id}:u1",
                start=start,
                end=start + len(text),
                text=text,
                speaker="Nawaf Fares",
                speaker_type="person",
            )
        )
    return out


def seed_tables(ruleset) -> dict[str, pd.DataFrame]:
    """Every table for the seeds with the hand-made claims and quotes, compared as ``run`` would."""
    articles = seed_articles()
    rows = {
        "articles": list(articles.values()),
        "quotes": seed_quotes(articles),
        "claims": seed_claims(articles),
    }
    tables = {name: to_frame(name, rows.get(name, [])) for name in TABLES}
    comparison = compare(tables["articles"], tables["quotes"], tables["claims"], ruleset)
    for name in ("quote_matches", "event_groups", "disagreements", "article_pairs"):
        tables[name] = to_frame(name, getattr(comparison, name))
    return tables


def treemseh_group(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The event group holding both Treemseh claims."""
    claims = tables["claims"]
    ids = set(claims.loc[claims["location"] == "Treemseh", "claim_id"])
    (group,) = [g for g in tables["event_groups"].to_dict("records") if ids <= set(g["claim_ids"])]
    return group


@pytest.fixture(scope="module")
def tables(ruleset) -> dict[str, pd.DataFrame]:
    return seed_tables(ruleset)


@pytest.fixture(scope="module")
def page(tables) -> str:
    return render_report(tables, title="Syria, 12 July 2012", generated="2026-01-01 00:00")


def test_hand_made_claims_point_at_their_text() -> None:
    articles = seed_articles()
    for c in seed_claims(articles):
        text = next(a.text for a in articles.values() if a.doc_id == c.doc_id)
        assert text[c.start : c.end] == c.count_text
        assert text[c.sentence_start : c.sentence_end] == c.sentence
    for q in seed_quotes(articles):
        assert (
            next(a.text for a in articles.values() if a.doc_id == q.doc_id)[q.start : q.end]
            == q.text
        )


def test_report_is_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert "<style>" in page and "mark:target" in page


def test_one_mark_per_claim_of_the_treemseh_group(tables, page: str) -> None:
    group = treemseh_group(tables)
    svg = re.search(
        rf'<svg class="numberline"[^>]*data-group="{group["group_id"]}".*?</svg>', page, re.S
    ).group(0)
    marked = re.findall(
        r'<g class="mark mark-([a-z-]+)" data-claim-id="([^"]+)" data-flag="([^"]+)"', svg
    )
    assert sorted(cid for _, cid, _ in marked) == sorted(group["claim_ids"])
    flags = {html.unescape(cid): flag for _, cid, flag in marked}
    treemseh = tables["claims"].query("location == 'Treemseh'")["claim_id"]
    assert {flags[c] for c in treemseh} == {"contradiction"}
    for shape_name, cid, _ in marked:
        claim = tables["claims"].set_index("claim_id").loc[html.unescape(cid)]
        assert shape_name == (
            "point"
            if pd.notna(claim["high"]) and claim["low"] == claim["high"]
            else "range"
            if pd.notna(claim["high"])
            else "open-up"
        )


def test_every_claim_and_quote_is_an_anchor_in_its_article(tables, page: str) -> None:
    for cid in tables["claims"]["claim_id"]:
        assert page.count(f'id="{anchor("c", cid)}"') == 1
        assert f'href="#{anchor("c", cid)}"' in page
    for qid in tables["quotes"]["quote_id"]:
        assert page.count(f'id="{anchor("q", qid)}"') == 1


def test_contradiction_listed_with_explanation_and_highlighted_evidence(tables, page: str) -> None:
    (d,) = [d for d in tables["disagreements"].to_dict("records") if d["kind"] == "contradiction"]
    item = re.search(
        rf'<li class="disagreement kind-contradiction" id="{anchor("d", d["disagreement_id"])}">'
        r".*?</ul></li>",
        page,
        re.S,
    ).group(0)
    assert html.escape(d["explanation"]) in item
    assert '<mark class="fig">six</mark> people in what appeared' in item
    assert 'and <mark class="fig">seven</mark> died in Treemseh' in item


def test_quotes_by_speaker_with_cross_outlet_match(tables, page: str) -> None:
    assert len(tables["quote_matches"]) == 1
    section = page[page.index('<section id="quotes">') : page.index('<section id="articles">')]
    assert "<h3>Nawaf Fares" in section
    assert (
        section.count('class="match"') == 2
    )  # each of the two quotes shows the other outlet's copy
    assert "CBS News" in section


def test_article_text_is_escaped_and_complete(tables) -> None:
    nasty = Article.build(
        doc_id="x<1>", text='He said "<script>alert(1)</script> & more" today.', outlet="A&B"
    )
    q_start = nasty.text.index('"')
    quote = Quote(
        doc_id=nasty.doc_id,
        quote_id="x<1>:q1",
        utterance_id="u",
        start=q_start,
        end=nasty.text.index(" today"),
        text=nasty.text[q_start : nasty.text.index(" today")],
        speaker="He",
    )
    page = render_report(
        {"articles": to_frame("articles", [nasty]), "quotes": to_frame("quotes", [quote])}
    )
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    text_html = re.search(r'<div class="text">(.*?)</div>', page, re.S).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", text_html)) == nasty.text


@pytest.mark.parametrize(
    "spans,expected",
    [
        ([(0, 5, "<mark>")], "<mark>Seven</mark> killed &lt;here&gt;"),
        (
            [(0, 12, "<mark a>"), (6, 12, "<mark b>")],
            "<mark a>Seven <mark b>killed</mark></mark> &lt;here&gt;",
        ),
        (
            [(0, 8, "<mark a>"), (6, 12, "<mark b>")],
            "<mark a>Seven <mark b>ki</mark></mark>lled &lt;here&gt;",
        ),
        ([(3, 2, "<mark>"), (0, 99, "<mark>")], "Seven killed &lt;here&gt;"),
    ],
)
def test_highlight_nests_and_clips(spans, expected) -> None:
    assert highlight("Seven killed <here>", spans) == expected


@pytest.mark.parametrize(
    "claim,expected",
    [
        ({"low": 6, "high": 6}, "point"),
        ({"low": 100, "high": 200}, "range"),
        ({"low": 7, "high": None}, "open-up"),
        ({"low": None, "high": 50}, "open-down"),
        ({"low": None, "high": None}, "unknown"),
    ],
)
def test_mark_shapes(claim, expected) -> None:
    assert shape(claim) == expected


def test_number_line_draws_arrows_for_open_bounds() -> None:
    claims = [
        {
            "claim_id": "a",
            "low": 7,
            "high": None,
            "count_text": "at least seven",
            "category": "killed",
        },
        {"claim_id": "b", "low": None, "high": 30, "count_text": "up to 30", "category": "killed"},
    ]
    svg = number_line("g1", claims, {"a": "divergence"})
    assert svg.count("<polygon") == 2
    assert 'data-flag="divergence" fill="#e65100"' in svg and 'data-flag="none"' in svg
    assert "≥ 7" in svg and "≤ 30" in svg


def test_nice_steps() -> None:
    assert [nice_step(s) for s in (6.6, 220, 18700)] == [2, 50, 5000]


def test_word_diff_marks_changed_words_only() -> None:
    out = word_diff_html(
        "“Where is the honor in killing your countrymen?”",
        '"Where is the honour in killing countrymen?"',
    )
    assert "<del>honor</del> <ins>honour</ins>" in out and "<del>your</del>" in out
    assert "<del>“Where</del>" not in out  # marks and case are not differences


def test_report_of_an_empty_run_still_renders() -> None:
    page = render_report({name: to_frame(name, []) for name in TABLES})
    assert "No casualty claims were grouped." in page and "No figures disagree." in page


def test_css_is_shipped_inside_the_package() -> None:
    import quotetrack

    assert (Path(quotetrack.__file__).parent / "report" / "report.css").is_file()
