"""The seeds end to end: the disagreements and quote matches the compare issue asks for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SEEDS

from quotetrack.pipeline.runner import run


@pytest.fixture(scope="module")
def seeds():
    return run([SEEDS])


def claim_id(tables, count_text: str, doc_prefix: str = "001") -> str:
    rows = tables["claims"]
    (cid,) = rows[(rows["count_text"] == count_text) & rows["doc_id"].str.startswith(doc_prefix)][
        "claim_id"
    ]
    return cid


def flags_between(tables, a: str, b: str) -> list[dict]:
    return [d for d in tables["disagreements"].to_dict("records") if {a, b} <= set(d["claim_ids"])]


def test_treemseh_six_vs_seven_is_a_contradiction(seeds) -> None:
    t = seeds.tables
    (d,) = flags_between(t, claim_id(t, "six"), claim_id(t, "seven"))
    assert d["kind"] == "contradiction" and not d["needs_review"]
    assert (
        "six killed in Treemseh" in d["explanation"]
        and "seven killed in Treemseh" in d["explanation"]
    )


def incident_of(tables, cid: str) -> dict:
    (row,) = [r for r in tables["incidents"].to_dict("records") if cid in r["claim_ids"]]
    return row


def test_north_at_least_7_and_highway_at_least_20_are_one_incident_not_flagged(seeds) -> None:
    t = seeds.tables
    north, highway = claim_id(t, "at least seven"), claim_id(t, "at least 20")
    assert flags_between(t, north, highway) == []
    incident = incident_of(t, north)
    assert highway in incident["claim_ids"] and incident["status"] == "agree"
    assert "at least seven killed" in incident["figures"]
    assert "at least 20 killed" in incident["figures"]


def test_treemseh_six_is_not_flagged_against_the_highway_twenty(seeds) -> None:
    t = seeds.tables
    six, twenty = claim_id(t, "six"), claim_id(t, "at least 20")
    assert flags_between(t, six, twenty) == []
    assert incident_of(t, six)["group_id"] != incident_of(t, twenty)["group_id"]


def test_hama_province_vs_treemseh_needs_review(seeds) -> None:
    t = seeds.tables
    hama = claim_id(t, "anywhere from 100 to 200", "000")
    for village in ("six", "seven"):
        (d,) = flags_between(t, hama, claim_id(t, village))
        assert d["needs_review"] and "Treemseh lies inside" in d["explanation"]


def test_nationwide_total_is_checked_against_the_days_incidents(seeds) -> None:
    t = seeds.tables
    total = claim_id(t, "at least 13")
    flags = [d for d in t["disagreements"].to_dict("records") if d["claim_ids"][0] == total]
    assert flags and all(d["kind"] in ("divergence", "part_exceeds_whole") for d in flags)
    assert any("add up to at least 27" in d["explanation"] for d in flags)


def test_different_victims_are_not_a_conflict(seeds) -> None:
    t = seeds.tables
    people, forces = claim_id(t, "more than 17,000"), claim_id(t, "more than 4,000")
    assert flags_between(t, people, forces) == []
    assert incident_of(t, forces)["part_of"] == incident_of(t, people)["group_id"]


def test_fares_quotes_matched_across_outlets(seeds) -> None:
    t = seeds.tables
    matches = t["quote_matches"].to_dict("records")
    split = [m for m in matches if m["status"] == "split_differently"]
    assert len(split) == 1 and len(split[0]["quote_ids"]) == 3 and split[0]["speaker_agrees"]
    assert set(split[0]["speakers"]) == {"Nawaf Fares"}
    quotes = t["quotes"]
    fares = set(quotes[(quotes["speaker"] == "Nawaf Fares")]["quote_id"])
    matched = {q for m in matches for q in m["quote_ids"]}
    assert fares <= matched


def test_rewrite_is_not_syndicated_but_a_copy_is(seeds, tmp_path: Path) -> None:
    (pair,) = seeds.tables["article_pairs"].to_dict("records")
    assert not pair["syndicated"] and pair["containment"] < 0.8
    shutil.copy(SEEDS / "001_41ce0450144724b7.txt", tmp_path / "copy_a.txt")
    shutil.copy(SEEDS / "001_41ce0450144724b7.txt", tmp_path / "copy_b.txt")
    copies = run([tmp_path])
    (pair,) = copies.tables["article_pairs"].to_dict("records")
    assert pair["syndicated"] and pair["containment"] == 1.0
    kinds = copies.tables["disagreements"]["kind"].tolist()
    assert kinds.count("contradiction") == seeds.tables["disagreements"]["kind"].tolist().count(
        "contradiction"
    )
