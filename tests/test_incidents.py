"""Incidents: which claims count the same people, on small hand-built tables and invented texts."""

from __future__ import annotations

import datetime as dt

import pytest
from test_compare import claim, run

from quotetrack.compare.dates import article_date, text_date

# two articles of one story: they share distinctive names
STORY = {
    doc: f"Gunfire at the Kestrel Mills depot in Dunmore. {extra} Sheriff Oona Brask spoke."
    for doc, extra in (("a", "Workers fled."), ("b", "Roads closed."))
}


def incident_of(result, claim_id: str):
    (found,) = [inc for inc in result.incidents if claim_id in inc.claim_ids]
    return found


@pytest.mark.parametrize(
    ("head", "day"),
    [
        ("ORLAND, March 4 2011 (Wire) - A fire", dt.date(2011, 3, 4)),
        ("Posted 11 / 28 / 05 7:21 AM Updated", dt.date(2005, 11, 28)),
        ("Tuesday, 2 July 2013 | A storm", dt.date(2013, 7, 2)),
        ("Published: Jul. 2nd, 2013 A storm", dt.date(2013, 7, 2)),
        ("Last updated 2013-07-02 10:00", dt.date(2013, 7, 2)),
    ],
)
def test_a_dateline_gives_the_article_a_date(ruleset, head: str, day: dt.date) -> None:
    pattern = ruleset.get("compare.toml").pattern("date.dateline")
    assert text_date(head + " killed two people.", pattern) == day
    assert article_date(None, head, pattern) == (day.isoformat(), "text")
    assert article_date("2001-01-01", head, pattern) == ("2001-01-01", "metadata")


def test_no_date_near_the_top_is_none(ruleset) -> None:
    pattern = ruleset.get("compare.toml").pattern("date.dateline")
    late = "A storm hit the coast. " * 30 + "It was March 4, 2011."
    assert text_date(late, pattern) is None
    assert article_date(None, "A 5.6 magnitude quake hit.", pattern) == (None, "none")


def test_undated_articles_are_not_joined_by_shared_names(ruleset) -> None:
    # the same island, two different years' quakes: no date anywhere, so only copies would join
    texts = {
        "a": "A quake hit the island of Varnos, killing 3. Rescuers from Tellamy searched Varnos.",
        "b": "A quake hit the island of Varnos, killing 9. Rescuers from Tellamy searched Varnos.",
    }
    undated = dict(event_date=None, published=None, location="Varnos")
    result = run(
        [claim(1, doc="a", value=3, **undated), claim(1, doc="b", value=9, **undated)],
        texts,
        ruleset=ruleset,
    )
    assert result.disagreements == []
    assert len(result.incidents) == 2


def test_identical_figures_of_two_stories_are_not_one_position(ruleset) -> None:
    # "two killed", no place, no date, in two unrelated articles: two positions, two incidents
    bare = dict(event_date=None, published=None, value=2, count_text="two")
    result = run(
        [
            claim(1, doc="a", sentence="A stabbing killed two in a flat.", **bare),
            claim(1, doc="b", sentence="A crash killed two on a bridge.", **bare),
        ],
        ruleset=ruleset,
    )
    assert sorted(len(inc.claim_ids) for inc in result.incidents) == [1, 1]


def test_a_separate_attack_is_another_incident(ruleset) -> None:
    result = run(
        [
            claim(1, doc="a", claimant="police", value=4, sentence="The blast killed four."),
            claim(
                2,
                doc="a",
                claimant="police",
                value=9,
                sentence="Nine soldiers died in a separate attack on a convoy.",
            ),
            claim(1, doc="b", claimant="medics", value=4, sentence="Four died in the blast."),
        ],
        STORY,
        ruleset=ruleset,
    )
    assert result.disagreements == []
    other = incident_of(result, "a:c2")
    assert other.claim_ids == ["a:c2"] and "another incident" in other.label
    assert incident_of(result, "a:c1").claim_ids == ["a:c1", "b:c1"]


def test_the_wounded_inside_everyone_shot(ruleset) -> None:
    # "shot three people, killing one": the three include the dead; "two wounded" are survivors
    result = run(
        [
            claim(1, doc="a", value=1, sentence="The gunman shot three people, killing one."),
            claim(
                2,
                doc="a",
                category="injured",
                value=3,
                evidence="shot three people",
                sentence="The gunman shot three people, killing one.",
            ),
            claim(1, doc="b", category="injured", value=2, evidence="two wounded"),
            claim(2, doc="b", category="injured", value=5, evidence="five injured"),
        ],
        STORY,
        ruleset=ruleset,
    )
    wounded = incident_of(result, "b:c1")
    assert wounded.part_of == incident_of(result, "a:c2").group_id
    assert "wounded" not in {d.kind for d in result.disagreements}
    (d,) = result.disagreements  # five injured is more than everyone shot: a real conflict
    assert set(d.claim_ids) == {"a:c2", "b:c2"} and d.kind == "contradiction"


def test_a_partitive_with_its_whole_beside_it_is_a_part(ruleset) -> None:
    sentence = "Doctors said 30 of the 80 wounded remained in hospital."
    result = run(
        [
            claim(1, category="injured", value=30, count_end=25, sentence=sentence),
            claim(2, category="injured", value=80, sentence=sentence, sentence_start=10),
            claim(3, doc="b", category="injured", value=80),
        ],
        {"d1": STORY["a"], "b": STORY["b"]},
        ruleset=ruleset,
    )
    assert result.disagreements == []
    part = incident_of(result, "d1:c1")
    assert part.part_of == incident_of(result, "b:c3").group_id


def test_two_of_three_victims_died_counts_the_dead(ruleset) -> None:
    sentence = "Police said two of the three victims died."
    result = run(
        [
            claim(1, doc="a", value=2, count_end=25, sentence=sentence),
            claim(1, doc="b", value=1, claimant="sheriff"),
        ],
        STORY,
        ruleset=ruleset,
    )
    (d,) = result.disagreements
    assert d.kind == "contradiction"


def test_a_figure_dated_to_another_day_by_its_own_article_is_another_incident(ruleset) -> None:
    result = run(
        [
            claim(1, doc="a", value=10, event_date="2012-07-12"),
            claim(2, doc="a", value=13, event_date="2012-07-11", location="Ostrava"),
            claim(1, doc="b", value=10, event_date="2012-07-12"),
        ],
        ruleset=ruleset,
    )
    assert result.disagreements == []
    assert incident_of(result, "a:c2").claim_ids == ["a:c2"]


def test_names_every_article_of_a_folder_shares_join_them(ruleset) -> None:
    # a folder of one story: the names every article mentions still count (fixed background)
    texts = {
        d: f"Fire at the Halvard Tannery in Quimsby. {extra} Chief Petra Lund spoke."
        for d, extra in (("a", "Smoke rose."), ("b", "Roads shut."), ("c", "Crews left."))
    }
    result = run(
        [
            claim(1, doc="a", claimant="police", value=3, location=None),
            claim(1, doc="b", claimant="medics", value=5, location=None),
            claim(1, doc="c", claimant="police", value=3, location=None),
        ],
        texts,
        ruleset=ruleset,
    )
    (incident,) = result.incidents
    assert incident.status == "disagree"


def test_country_and_agency_names_alone_do_not_join_stories(ruleset) -> None:
    texts = {
        "a": "A bus crash in Greece, said the Red Cross and the Geological Survey of Europe.",
        "b": "A mine blast in Greece, said the Red Cross and the Geological Survey of Europe.",
    }
    result = run(
        [
            claim(1, doc="a", claimant="police", value=3, location=None),
            claim(1, doc="b", claimant="medics", value=9, location=None),
        ],
        texts,
        ruleset=ruleset,
    )
    assert result.disagreements == [] and len(result.incidents) == 2


def test_villagers_count_everyone_hurt_in_the_village(ruleset) -> None:
    result = run(
        [
            claim(1, doc="a", value=2, victim_class="civilians", victims="villagers"),
            claim(2, doc="a", value=6, claimant="army"),
            claim(3, doc="a", value=1, victim_class="children", victims="children"),
        ],
        STORY,
        ruleset=ruleset,
    )
    whole = incident_of(result, "a:c2")
    assert "a:c1" in whole.claim_ids and whole.victims is None
    children = incident_of(result, "a:c3")  # children are a narrower set: a part
    assert children.victims == "children" and children.part_of == whole.group_id


QUAKE_DAYS = [
    (
        "day1",
        "2014-03-03",
        "Quake kills five in hill town of Brelsk\n\nA strong earthquake struck the hill town of "
        "Brelsk in northern Morvania on Monday, killing five people, the national disaster agency "
        "said.\n\nRescue teams from Kadrov were searching collapsed houses in the old quarter of "
        "Brelsk, agency spokesman Ilan Verko said.",
    ),
    (
        "day2",
        "2014-03-04",
        "Brelsk quake toll climbs as rescuers dig\n\nThe death toll from Monday's earthquake in "
        "Brelsk rose to 22, the national disaster agency said on Tuesday, raising its earlier "
        "figure as more bodies were pulled from the rubble.\n\nTeams from Kadrov worked through "
        "the night in the old quarter of Brelsk, spokesman Ilan Verko said.",
    ),
    (
        "day3",
        "2014-03-05",
        "Red Crescent counts the dead of the Brelsk earthquake\n\nThe Morvanian Red Crescent said "
        "at least 20 people were killed in Monday's earthquake in Brelsk, as rescue teams from "
        "Kadrov ended their search of the old quarter with spokesman Ilan Verko.",
    ),
]


def test_a_toll_that_rises_over_three_days_is_an_update_not_a_contradiction(tmp_path) -> None:
    """From text: "kills five" (day 1), "rose to 22 ... raising its earlier figure" (day 2) and a
    second claimant's "at least 20" (day 3) are one incident whose toll was updated."""
    import json

    from quotetrack.pipeline.runner import run as run_pipeline

    docs = tmp_path / "quake.jsonl"
    docs.write_text(
        "".join(
            json.dumps({"doc_id": d, "published": day, "outlet": f"Wire {d}", "text": text}) + "\n"
            for d, day, text in QUAKE_DAYS
        ),
        encoding="utf-8",
    )
    tables = run_pipeline([docs]).tables
    kinds = tables["disagreements"]["kind"].tolist()
    assert kinds and set(kinds) == {"update"}
    agency = [
        d
        for d in tables["disagreements"].to_dict("records")
        if "raised its figure from five killed to 22 killed" in d["explanation"]
    ]
    assert len(agency) == 1 and "reported 2014-03-03 and 2014-03-04" in agency[0]["explanation"]
    killed = [r for r in tables["incidents"].to_dict("records") if "killed" in r["categories"]]
    (incident,) = killed
    assert incident["status"] == "updated" and incident["strongest_flag"] == "update"
    assert "22 killed" in incident["figures"] and "at least 20 killed" in incident["figures"]


def test_undated_articles_are_counted_in_a_run_level_warning(ruleset) -> None:
    from quotetrack.compare import compare
    from quotetrack.models import Article
    from quotetrack.tables.normalise import to_frame

    texts = {
        "a": "A blast in Varnos killed three people, police said.",
        "b": "Posted March 4, 2011. A crash in Orlo killed two people.",
    }
    articles = [Article.build(doc_id=d, text=t) for d, t in texts.items()]
    claims = [claim(1, doc=d, published=None, event_date=None) for d in texts]
    result = compare(
        to_frame("articles", articles), to_frame("quotes", []), to_frame("claims", claims), ruleset
    )
    (warning,) = result.warnings
    assert warning.code == "undated_articles" and warning.severity == "warning"
    assert warning.message.startswith("1 of 2 articles with claims have no date")
