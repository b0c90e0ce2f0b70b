"""The cues that tell incidents of one story apart (rules/compare.toml), on invented texts: a
background event recalled by its time, a sentence going on about another day's event, a partitive
under its own whole, a village named in a figure's words and a listed breakdown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_compare import claim, run

from quotetrack.pipeline.runner import run as run_pipeline

QUAKE = [
    (
        "q1",
        "Quake shakes Varnos island, six hurt\nA 5.2 magnitude earthquake struck Varnos island on "
        "Sunday, injuring six people and damaging homes in the port of Kell, the governor Anel "
        "Troska said. Two people from the village of Arvel were hurt, he added. A stronger quake "
        "in March near the mainland town of Osk killed at least 11 people and injured 40, 15 of "
        "them on Varnos.",
    ),
    (
        "q2",
        "Earthquake hits Varnos island\nAn earthquake struck Varnos island on Sunday, killing two "
        "people and injuring six in the port of Kell, governor Anel Troska said. On Saturday, a "
        "storm in Lusaria killed 40 people. It left 3,000 people homeless. About 200 people on "
        "Varnos were left homeless by the quake.",
    ),
]


@pytest.fixture(scope="module")
def quake(tmp_path_factory) -> dict:
    docs = tmp_path_factory.mktemp("quake") / "docs.jsonl"
    docs.write_text(
        "".join(
            json.dumps({"doc_id": d, "published": "2016-05-02", "outlet": d, "text": t}) + "\n"
            for d, t in QUAKE
        ),
        encoding="utf-8",
    )
    return run_pipeline([Path(docs)]).tables


def _claim(tables, evidence: str) -> str:
    rows = tables["claims"]
    (cid,) = rows[rows["evidence"].str.contains(evidence, regex=False)]["claim_id"]
    return cid


def _incident(tables, cid: str) -> dict:
    (row,) = [r for r in tables["incidents"].to_dict("records") if cid in r["claim_ids"]]
    return row


def test_background_parts_villages_and_another_days_event_are_not_rivals(quake) -> None:
    t = quake
    assert t["disagreements"].empty
    main = _incident(t, _claim(t, "injuring six people"))
    forty = _incident(t, _claim(t, "injured 40"))
    fifteen = _incident(t, _claim(t, "15 of them"))
    village = _incident(t, _claim(t, "village of Arvel"))
    assert forty["group_id"] != main["group_id"]
    assert fifteen["part_of"] == forty["group_id"]  # a part of its own whole, not of the quake
    assert village["part_of"] == main["group_id"]
    storm = _incident(t, _claim(t, "killed 40 people"))
    assert _claim(t, "left 3,000 people homeless") in storm["claim_ids"]
    assert _claim(t, "About 200 people") in main["claim_ids"]


def test_a_time_recalled_makes_a_background_event(ruleset) -> None:
    recalled = "That storm left forty people homeless in March, officials said."
    result = run(
        [
            claim(1, doc="a", value=200, category="displaced", location="Kell"),
            claim(2, doc="b", value=40, category="displaced", location="Kell", sentence=recalled),
        ],
        ruleset=ruleset,
    )
    assert result.disagreements == []
    incidents = {c: i.group_id for i in result.incidents for c in i.claim_ids}
    assert incidents["a:c1"] != incidents["b:c2"]


def test_without_the_cue_the_figures_are_rivals(ruleset) -> None:
    plain = "The storm left forty people homeless, officials said."
    result = run(
        [
            claim(1, doc="a", value=200, category="displaced", location="Kell"),
            claim(2, doc="b", value=40, category="displaced", location="Kell", sentence=plain),
        ],
        ruleset=ruleset,
    )
    assert [d.kind for d in result.disagreements] == ["contradiction"]


def _listed(sentence: str, total: int = 23):
    first = sentence.index("14")
    second = sentence.index("9 ")
    listed = dict(location="Halvik", category="arrested", sentence=sentence, sentence_start=0)
    return [
        claim(1, doc="a", value=14, count_start=first, count_end=first + 2, **listed),
        claim(2, doc="a", value=9, count_start=second, count_end=second + 1, **listed),
        claim(1, doc="b", value=total, location="Halvik", category="arrested"),
    ]


def test_a_listed_breakdown_is_made_of_parts(ruleset) -> None:
    result = run(
        _listed("Police arrested 14 Dutch and 9 Belgian fans after the match."), ruleset=ruleset
    )
    assert result.disagreements == []
    of = {c: i for i in result.incidents for c in i.claim_ids}
    assert of["a:c1"].part_of == of["b:c1"].group_id == of["a:c2"].part_of
    assert {of["a:c1"].victims, of["a:c2"].victims} == {"dutch", "belgian"}


def test_two_places_in_one_sentence_are_not_a_breakdown(ruleset) -> None:
    result = run(
        _listed("Police arrested 14 in Halvik and 9 in Orsk after the match."), ruleset=ruleset
    )
    assert result.disagreements  # 14 (or 9) against 23 at Halvik: rival figures


def test_the_cli_warns_about_undated_articles(tmp_path) -> None:
    from typer.testing import CliRunner

    from quotetrack.cli import app

    docs = tmp_path / "undated.jsonl"
    docs.write_text(
        "".join(json.dumps({"doc_id": d, "text": t}) + "\n" for d, t in QUAKE), encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["compare", str(docs)])
    assert result.exit_code == 0, result.output
    assert "warning: 2 of 2 articles with claims have no date" in result.output


@pytest.mark.parametrize(("nightly", "flagged"), [(True, False), (False, True)])
def test_riots_told_night_by_night_meet_only_on_a_dated_night(ruleset, nightly, flagged) -> None:
    told = "Youths clashed with police in Marrow for a third night." if nightly else "Calm."
    texts = {
        "a": f"Rioting in Marrow after the Kessel verdict. {told}",
        "b": "Rioting in Marrow after the Kessel verdict. Shops were looted.",
    }
    riot = dict(category="arrested", location="Marrow", event_date=None, sentence="rioting")
    result = run(
        [claim(1, doc="a", value=46, **riot), claim(1, doc="b", value=1, **riot)],
        texts,
        ruleset=ruleset,
    )
    assert bool(result.disagreements) is flagged


def test_needs_review_says_why(ruleset) -> None:
    hedged = run(
        [
            claim(1, doc="a", value=5, location="Kell"),
            claim(2, doc="b", value=9, location="Kell", hedge="believed to", claimant="medics"),
        ],
        ruleset=ruleset,
    )
    (d,) = hedged.disagreements
    assert (
        d.needs_review and "Needs review: medics hedges the figure (believed to)." in d.explanation
    )
    plain = run(
        [claim(1, doc="a", value=5, location="Kell"), claim(2, doc="b", value=9, location="Kell")],
        ruleset=ruleset,
    )
    (d,) = plain.disagreements
    assert not d.needs_review and "Needs review" not in d.explanation


def test_flags_grow_with_figures_not_with_pairs(ruleset) -> None:
    n = 120  # distinct figures for one place and day, one per article
    result = run(
        [claim(1, doc=f"d{k}", value=k + 1, location="Kell") for k in range(n)], ruleset=ruleset
    )
    assert n <= len(result.disagreements) <= 4 * n  # all pairs would be 7,140 rows
    (incident,) = result.incidents
    assert len(incident.claim_ids) == n


def test_seed_targets_of_the_incident_issue() -> None:
    from conftest import SEEDS

    t = run_pipeline([SEEDS]).tables
    claims = t["claims"]

    def cid(text: str) -> str:
        (found,) = claims[claims["count_text"] == text]["claim_id"]
        return found

    hama, six, seven = cid("anywhere from 100 to 200"), cid("six"), cid("seven")
    treemseh = _incident(t, six)
    assert seven in treemseh["claim_ids"] and treemseh["strongest_flag"] == "contradiction"
    assert treemseh["part_of"] == _incident(t, hama)["group_id"] != treemseh["group_id"]
    rows = t["disagreements"].to_dict("records")
    hama_flags = [d for d in rows if hama in d["claim_ids"] and six in d["claim_ids"]]
    assert [(d["kind"], d["needs_review"]) for d in hama_flags] == [("divergence", True)]
    total = [d for d in rows if d["claim_ids"][0] == cid("at least 13")]
    assert total and all(d["needs_review"] and "Needs review:" in d["explanation"] for d in total)
    reviewed = [d for d in rows if d["needs_review"]]
    assert all(
        "Needs review" in d["explanation"] or "check by hand" in d["explanation"] for d in reviewed
    )


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [("Three Killed In Varnos Bank Fire Amid Protests", True), ("Three were killed.", False)],
)
def test_a_headlines_capitals_do_not_name_a_place(ruleset, sentence, flagged) -> None:
    result = run(
        [
            claim(1, doc="a", value=3, location="Varnos Bank Fire Amid", sentence=sentence),
            claim(1, doc="b", value=5, location="Varnos"),
        ],
        {d: f"Bank fire in Varnos. Manager Oona Brask of Kestrel Savings spoke. {d}" for d in "ab"},
        ruleset=ruleset,
    )
    assert bool(result.disagreements) is flagged
