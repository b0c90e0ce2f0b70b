"""`quotetrack eval quotes`: same numbers as the shared reference scorer, and accuracy
ratchets."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from quotetrack.evaluate import quotes as ev
from quotetrack.models import Quote

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
GOLD = EVAL / "polnear-dev.jsonl"
TRAIN = EVAL / "polnear-train.jsonl"  # all 840 articles: about 10 s of one core
SCORER = EVAL / "tools" / "score_quotes.py"
BASELINES = REPO / "tests" / "baselines.json"

needs_gold = pytest.mark.skipif(not GOLD.is_file(), reason="shared eval data not present")


@pytest.fixture(scope="module")
def result(ruleset) -> dict:
    return ev.evaluate(GOLD, [str(GOLD)])


def _reference():
    spec = importlib.util.spec_from_file_location("score_quotes_reference", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_gold
def test_same_numbers_as_the_shared_scorer(ruleset, result):
    gold = ev.load_gold(GOLD)
    from quotetrack.models import Article
    from quotetrack.pipeline.ingest import read_inputs

    articles = [a for a in read_inputs([str(GOLD)]) if isinstance(a, Article)]
    preds = ev.predictions(ev.extract_quotes(articles, ruleset))
    pred_docs = [{"doc_id": a.doc_id, "quotes": preds.get(a.doc_id, [])} for a in articles]
    ref = _reference().score(gold, pred_docs)
    for section in ("quotes", "speaker", "end_to_end"):
        for setting, values in ref[section].items():
            for key, value in values.items():
                assert result[section][setting][key] == pytest.approx(value), (
                    section,
                    setting,
                    key,
                )
    assert result["counts"] == ref["counts"]


@needs_gold
def test_accuracy_does_not_drop_below_the_baseline(result):
    baselines = json.loads(BASELINES.read_text(encoding="utf-8"))
    assert result["quotes"]["direct"]["f1"] >= baselines["quotes_direct_f1"] - 1e-9
    assert (
        result["end_to_end"]["direct (name)"]["f1"] >= baselines["quotes_e2e_direct_name_f1"] - 1e-9
    )
    assert (
        result["end_to_end"]["direct+mixed (name)"]["f1"]
        >= baselines["quotes_e2e_all_name_f1"] - 1e-9
    )


@pytest.mark.skipif(not TRAIN.is_file(), reason="shared eval data not present")
def test_train_accuracy_does_not_drop_below_the_baseline(ruleset):
    """The training split (the errors the rules are written from) has its own ratchet."""
    baselines = json.loads(BASELINES.read_text(encoding="utf-8"))
    train = ev.evaluate(TRAIN, [str(TRAIN)])
    assert train["quotes"]["direct"]["f1"] >= baselines["quotes_train_direct_f1"] - 1e-9
    assert (
        train["end_to_end"]["direct (name)"]["f1"]
        >= baselines["quotes_train_e2e_direct_name_f1"] - 1e-9
    )


@needs_gold
def test_headline_and_report(result):
    assert ev.headline_f1(result) == result["quotes"]["direct"]["f1"]
    text = ev.report(result)
    assert "QUOTES" in text and "END-TO-END" in text and "direct (name)" in text


def _quote(
    doc: str, start: int, end: int, text: str, kind: str = "direct", speaker: str | None = None
) -> Quote:
    return Quote(
        doc_id=doc,
        quote_id=f"{doc}:q1",
        utterance_id=f"{doc}:u1",
        start=start,
        end=end,
        text=text,
        kind=kind,
        speaker=speaker,
    )


def test_predictions_leave_out_scare_quotes():
    quotes = [
        _quote("d", 0, 5, '"abc"', speaker="Jane Doe"),
        _quote("d", 10, 20, '"bomblets"', kind="scare"),
    ]
    preds = ev.predictions(quotes)
    assert [p["text"] for p in preds["d"]] == ['"abc"']


def test_score_on_a_made_up_document(ruleset):
    text = 'Headline\n\n"We will win," said Jane Doe. The "so-called" plan.'
    q_start = text.index('"We')
    q_end = text.index('," said') + 2
    sp = text.index("Jane Doe")
    gold = [
        {
            "doc_id": "d",
            "text": text,
            "title_end": 8,
            "discard_spans": [],
            "unattributed_quotes": [{"start": text.index('"so'), "end": text.index('" plan') + 1}],
            "quotes": [
                {
                    "start": q_start,
                    "end": q_end,
                    "kind": "direct",
                    "speaker": "Jane Doe",
                    "speaker_start": sp,
                    "speaker_end": sp + 8,
                    "speaker_type": "named",
                }
            ],
        }
    ]
    names = ev.NameTokens(ruleset.get("quote_eval.toml"))
    good = {
        "d": [
            {
                "start": q_start,
                "end": q_end,
                "speaker": "Jane Doe",
                "speaker_start": sp,
                "speaker_end": sp + 8,
            }
        ]
    }
    res = ev.score(gold, good, names)
    assert res["quotes"]["direct"]["f1"] == 1.0
    assert res["end_to_end"]["direct (name)"]["f1"] == 1.0
    wrong = {
        "d": [
            {
                "start": q_start,
                "end": q_end,
                "speaker": "he",
                "speaker_start": None,
                "speaker_end": None,
            },
            {
                "start": text.index('"so'),
                "end": text.index('" plan') + 1,
                "speaker": None,
                "speaker_start": None,
                "speaker_end": None,
            },
        ]
    }
    res = ev.score(gold, wrong, names)
    assert res["quotes"]["direct"]["precision"] == 0.5
    assert res["end_to_end"]["direct (name)"]["f1"] == 0.0
    assert res["counts"]["fp_on_unattributed_quoted_segments"] == 1


@needs_gold
def test_written_predictions_score_the_same_with_the_reference_scorer(tmp_path, result):
    pred = tmp_path / "pred.jsonl"
    assert ev.write_predictions(GOLD, pred) == result["counts"]["gold_docs"]
    ref = _reference().score(
        ev.load_gold(GOLD), [json.loads(line) for line in pred.read_text().splitlines()]
    )
    assert ref["end_to_end"]["direct (name)"]["f1"] == pytest.approx(
        result["end_to_end"]["direct (name)"]["f1"]
    )
