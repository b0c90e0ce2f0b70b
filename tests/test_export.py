"""Writers: formats round-trip, nullable dtypes survive, and a failed write leaves the old
tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from quotetrack.models import Issue, QuoteMatch
from quotetrack.tables import export
from quotetrack.tables.normalise import columns, to_frame


def test_nullable_dtypes_keep_counts_integers() -> None:
    frame = to_frame("issues", [Issue(source="a", line=3), Issue(source="b")])
    assert str(frame["line"].dtype) == "Int64" and frame["line"].isna().tolist() == [False, True]
    assert str(frame["fatal"].dtype) == "boolean"
    assert list(frame.columns) == list(columns("issues"))


def test_csv_joins_lists_and_json_keeps_them(tmp_path: Path) -> None:
    m = QuoteMatch(
        match_id="m1",
        quote_ids=["a:q1", "b:q1"],
        doc_ids=["a", "b"],
        outlets=["AP", None],
        similarity=1.0,
        status="identical",
    )
    frame = to_frame("quote_matches", [m])
    export.write_table(frame, tmp_path / "m.csv")
    row = pd.read_csv(tmp_path / "m.csv").iloc[0]
    assert row["quote_ids"] == "a:q1 | b:q1" and row["outlets"] == "AP | "
    export.write_table(frame, tmp_path / "m.json")
    (data,) = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert data["quote_ids"] == ["a:q1", "b:q1"] and data["speaker_agrees"] is None


def test_parquet_round_trip(tmp_path: Path) -> None:
    frame = to_frame("issues", [Issue(source="a", line=3, message="x")])
    export.write_table(frame, tmp_path / "i.parquet")
    back = pd.read_parquet(tmp_path / "i.parquet")
    assert back["line"].tolist() == [3] and back["message"].tolist() == ["x"]


def test_unknown_extension_is_a_handled_error(tmp_path: Path) -> None:
    with pytest.raises(export.QuotetrackError, match="cannot tell the output format"):
        export.write_table(to_frame("issues", []), tmp_path / "x.xlsx")


def test_failed_batch_write_leaves_old_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = {
        "a": to_frame("issues", [Issue(source="old")]),
        "b": to_frame("issues", [Issue(source="old")]),
    }
    export.write_tables(old, tmp_path)
    calls = {"n": 0}
    real = export.write_frame

    def flaky(frame, stream, fmt):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        real(frame, stream, fmt)

    monkeypatch.setattr(export, "write_frame", flaky)
    new = {
        "a": to_frame("issues", [Issue(source="new")]),
        "b": to_frame("issues", [Issue(source="new")]),
    }
    with pytest.raises(OSError):
        export.write_tables(new, tmp_path)
    assert pd.read_csv(tmp_path / "a.csv")["source"].tolist() == ["old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_rows_written_without_a_frame_equal_the_frame_written(tmp_path: Path, fmt: str) -> None:
    """``append_rows`` (the streaming run's fast path) writes the same text as ``append`` of the
    rows' frame: missing values, lists with None, integers in float columns, quotes, newlines."""
    rows = [
        QuoteMatch(
            match_id="m1",
            quote_ids=["a:q1", "b:q1"],
            doc_ids=["a", "b"],
            outlets=["AP", None],
            similarity=1,
            status="identical",
            texts=['"Say, \u201cno\u201d"', "two\nlines, and \r"],
            speakers=[None, "Fares"],
            speaker_agrees=None,
            starts=[0, 10],
            ends=[5, 20],
        ),
        QuoteMatch(
            match_id="m2",
            quote_ids=[],
            doc_ids=[],
            outlets=[],
            similarity=0.031,
            status="truncated",
            diff="-'a' +'b'",
            syndicated=True,
        ),
        Issue(source="a.jsonl", line=3, code="bad", message='a, b "c"', fatal=True),
    ]
    for table, batch in (("quote_matches", rows[:2]), ("issues", rows[2:])):
        framed = export.TableWriter(tmp_path / f"framed.{fmt}", fmt, table)
        framed.append(to_frame(table, batch))
        direct = export.TableWriter(tmp_path / f"direct.{fmt}", fmt, table)
        direct.append_rows(batch)
        assert direct.rows == framed.rows == len(batch)
        framed.commit(), direct.commit()
        assert (tmp_path / f"direct.{fmt}").read_text(encoding="utf-8") == (
            tmp_path / f"framed.{fmt}"
        ).read_text(encoding="utf-8")
