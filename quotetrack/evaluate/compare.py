"""Accuracy of the comparison against gold incidents (the metrics of score_flags.py).

``score(gold, tables, doc_ids)`` computes what ``../shared/eval/tools/score_flags.py`` computes
from a run's tables (its docstring defines every metric):

* claims are matched per document on the lenient key (category, value), in document order;
* a disagreement row states pairs of claims: the pairs of claims whose positions (claimant,
  interval) differ, the total against each part for a daily aggregate, all pairs when every claim
  takes one position; a flagged pair is right when both claims belong to one gold incident and
  category with different figures, or (``part_exceeds_whole``) when gold ``part_of`` links them;
* recall: the gold pairs of one incident and category (from different documents or claimants)
  whose intervals cannot both hold, found among the flagged pairs;
* B-cubed of the system's incidents (each incidents row's ``group_id``) against gold incidents.

``evaluate`` runs the pipeline on the input documents and scores every one of them.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from quotetrack.evaluate.claims import _int, _str, load_rows

INF = float("inf")
REASONS = (
    "unmatched claim",
    "different event",
    "different incident same event",
    "different category",
    "same incident but same figure",
)


def gold_interval(g: dict[str, Any]) -> tuple[float, float]:
    """The interval a gold claim states (score_flags.py definition 2)."""
    q, v = _str(g.get("qualifier")), _int(g.get("value"))
    if v is None:
        return (0.0, INF)
    bounds = {
        "exact": (v, v),
        "at_least": (v, INF),
        "more_than": (v + 1, INF),
        "at_most": (0, v),
        "less_than": (0, max(v - 1, 0)),
        "vague": (v, 5 * v - 1 if v > 0 else 0),
    }
    if q == "range":
        vh = _int(g.get("value_high"))
        return (float(v), float(vh if vh is not None else v))
    if q in bounds:
        lo, hi = bounds[q]
        return (float(lo), float(hi))
    return (0.8 * v, 1.2 * v)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def match_claims(
    gold: list[dict[str, Any]], claims: list[dict[str, Any]], doc_ids: Iterable[str]
) -> dict[str, int]:
    """System claim_id -> gold index: per document and lenient key, in document order."""
    by_gold: dict[Any, list[int]] = collections.defaultdict(list)
    by_sys: dict[Any, list[int]] = collections.defaultdict(list)
    for i, g in enumerate(gold):
        by_gold[g["doc_id"]].append(i)
    for n, c in enumerate(claims):
        by_sys[c["doc_id"]].append(n)

    def key(row: dict[str, Any]) -> tuple[str, int | None]:
        return (_str(row.get("category")), _int(row.get("value")))

    out: dict[str, int] = {}
    for doc in doc_ids:
        gold_keys: dict[Any, list[int]] = collections.defaultdict(list)
        for i in by_gold[doc]:
            gold_keys[key(gold[i])].append(i)
        sys_keys: dict[Any, list[int]] = collections.defaultdict(list)
        for n in sorted(by_sys[doc], key=lambda n: (_int(claims[n].get("start")) or 0, n)):
            sys_keys[key(claims[n])].append(n)
        for k, gl in gold_keys.items():
            for i, n in zip(gl, sys_keys.get(k, []), strict=False):
                out[claims[n]["claim_id"]] = i
    return out


def row_pairs(row: dict[str, Any]) -> list[tuple[str, str]]:
    """The claim pairs one disagreement row states (score_flags.py definition 3)."""
    ids = list(row.get("claim_ids") or [])
    claimants = list(row.get("claimants") or [])
    intervals = list(row.get("intervals") or [])
    claimants = claimants if len(claimants) == len(ids) else [""] * len(ids)
    intervals = intervals if len(intervals) == len(ids) else [""] * len(ids)
    pos = [
        (_str(c), str(iv or "").replace(" ", ""))
        for c, iv in zip(claimants, intervals, strict=True)
    ]
    every = [(ids[i], ids[j]) for i in range(len(ids)) for j in range(i + 1, len(ids))]
    if "measure:daily_vs_incidents" in (row.get("match_keys") or []) and ids:
        pairs = [(ids[0], b) for b in ids[1:] if b != ids[0]]
    elif len(set(pos)) <= 1:
        pairs = every
    else:
        pairs = [
            (ids[i], ids[j])
            for i in range(len(ids))
            for j in range(i + 1, len(ids))
            if pos[i] != pos[j]
        ]
    out, seen = [], set()
    for a, b in pairs:
        if a != b and frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            out.append((a, b))
    return out


def judge(kind: str, ga: dict[str, Any] | None, gb: dict[str, Any] | None) -> tuple[bool, str]:
    """Whether a flagged pair is right, and why (score_flags.py definition 3)."""
    if ga is None or gb is None:
        return False, "unmatched claim"
    if ga["event"] != gb["event"]:
        return False, "different event"
    same_cat = _str(ga.get("category")) == _str(gb.get("category"))
    linked = ga.get("part_of") == gb["incident"] or gb.get("part_of") == ga["incident"]
    if kind == "part_exceeds_whole" and same_cat and linked:
        return True, "part_of link"
    if ga["incident"] != gb["incident"]:
        return False, "different incident same event"
    if not same_cat:
        return False, "different category"
    if gold_interval(ga) == gold_interval(gb):
        return False, "same incident but same figure"
    return True, "same incident, figures differ"


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def bcubed(items: list[int], sys_of: dict[int, Any], gold_of: dict[int, Any]) -> dict[str, Any]:
    """B-cubed precision, recall and F1 of the system's clusters against the gold ones."""
    if not items:
        return dict(precision=None, recall=None, f1=None, n=0)
    sc: dict[Any, set[int]] = collections.defaultdict(set)
    gc: dict[Any, set[int]] = collections.defaultdict(set)
    for x in items:
        sc[sys_of[x]].add(x)
        gc[gold_of[x]].add(x)
    p = sum(len(sc[sys_of[x]] & gc[gold_of[x]]) / len(sc[sys_of[x]]) for x in items) / len(items)
    r = sum(len(sc[sys_of[x]] & gc[gold_of[x]]) / len(gc[gold_of[x]]) for x in items) / len(items)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return dict(precision=round(p, 4), recall=round(r, 4), f1=round(f, 4), n=len(items))


def _flags(
    rows: list[dict[str, Any]], sys2gold: dict[str, int], gold: list[dict[str, Any]]
) -> tuple[dict[str, Any], set[frozenset[str]]]:
    per_kind: dict[str, dict[str, Any]] = {}
    flagged: set[frozenset[str]] = set()
    for row in rows:
        kind = row.get("kind") or "?"
        k = per_kind.setdefault(kind, dict(rows=0, n=0, right=0, fa=collections.Counter()))
        k["rows"] += 1
        for a, b in row_pairs(row):
            flagged.add(frozenset((a, b)))
            ia, ib = sys2gold.get(a), sys2gold.get(b)
            ok, reason = judge(
                kind,
                gold[ia] if ia is not None else None,
                gold[ib] if ib is not None else None,
            )
            k["n"] += 1
            k["right"] += ok
            if not ok:
                k["fa"][reason] += 1
    n = sum(k["n"] for k in per_kind.values())
    right = sum(k["right"] for k in per_kind.values())
    false_alarms: collections.Counter[str] = collections.Counter()
    for k in per_kind.values():
        false_alarms.update(k["fa"])
    flags = dict(
        rows=len(rows),
        pairs=n,
        right=right,
        precision=_ratio(right, n),
        false_alarms={r: false_alarms[r] for r in REASONS if false_alarms[r]},
        per_kind={
            kind: dict(
                rows=k["rows"], n=k["n"], right=k["right"], precision=_ratio(k["right"], k["n"])
            )
            for kind, k in per_kind.items()
        },
    )
    return flags, flagged


def _recall(
    gold: list[dict[str, Any]], gold2sys: dict[int, str], flagged: set[frozenset[str]]
) -> dict[str, Any]:
    n_gd = n_ex = n_found = 0
    for i in range(len(gold)):
        for j in range(i + 1, len(gold)):
            a, b = gold[i], gold[j]
            if a["incident"] != b["incident"] or _str(a.get("category")) != _str(b.get("category")):
                continue
            if a["doc_id"] == b["doc_id"] and _str(a.get("claimant")) == _str(b.get("claimant")):
                continue
            if _overlap(gold_interval(a), gold_interval(b)):
                continue
            n_gd += 1
            sa, sb = gold2sys.get(i), gold2sys.get(j)
            if sa is not None and sb is not None:
                n_ex += 1
                n_found += frozenset((sa, sb)) in flagged
    return dict(
        gold_disagreements=n_gd,
        both_extracted=n_ex,
        found=n_found,
        recall=_ratio(n_found, n_gd),
        recall_on_extracted=_ratio(n_found, n_ex),
    )


def score(
    gold: list[dict[str, Any]], tables: dict[str, Any], doc_ids: Iterable[str]
) -> dict[str, Any]:
    """Flag precision, recall of gold disagreements and B-cubed of incidents (see the module)."""
    docs = set(doc_ids)
    claims = [c for c in _records(tables["claims"]) if c.get("doc_id") in docs]
    gold = [g for g in gold if g["doc_id"] in docs]
    sys2gold = match_claims(gold, claims, sorted(docs))
    gold2sys = {i: c for c, i in sys2gold.items()}
    flags, flagged = _flags(_records(tables["disagreements"]), sys2gold, gold)
    group_of: dict[str, Any] = {}
    for name in ("incidents", "event_groups"):
        rows = [r for r in _records(tables.get(name)) if r.get("claim_ids")]
        if rows:
            for r in rows:
                for c in r["claim_ids"]:
                    group_of.setdefault(c, r.get("group_id"))
            break
    matched = sorted(gold2sys)
    sys_of = {i: group_of.get(gold2sys[i], "single:" + gold2sys[i]) for i in matched}
    grouping = dict(
        incident=bcubed(matched, sys_of, {i: gold[i]["incident"] for i in matched}),
        incident_category=bcubed(
            matched,
            sys_of,
            {i: (gold[i]["incident"], _str(gold[i].get("category"))) for i in matched},
        ),
    )
    extraction = dict(
        gold_claims=len(gold),
        system_claims=len(claims),
        matched=len(sys2gold),
        precision=_ratio(len(sys2gold), len(claims)),
        recall=_ratio(len(sys2gold), len(gold)),
    )
    return dict(
        extraction=extraction,
        flags=flags,
        recall=_recall(gold, gold2sys, flagged),
        grouping=grouping,
    )


def _records(frame: Any) -> list[dict[str, Any]]:
    if frame is None:
        return []
    from quotetrack.tables.normalise import records

    return records(frame)


def evaluate(gold_path: Path, inputs: list[str], rules_dir: Path | None = None) -> dict[str, Any]:
    """Run the pipeline on ``inputs`` and score its comparison against the gold incidents."""
    from quotetrack.pipeline.runner import run

    gold = load_rows(Path(gold_path))
    result = run(inputs, rules_dir=rules_dir)
    docs = [str(d) for d in result.tables["articles"]["doc_id"]]
    return score(gold, result.tables, docs)


def headline_f1(result: dict[str, Any]) -> float:
    """The F1 of flag pair precision and gold disagreement recall (0 when either is missing)."""
    p, r = result["flags"]["precision"], result["recall"]["recall"]
    return 2 * p * r / (p + r) if p and r else 0.0


def report(result: dict[str, Any]) -> str:
    """The metrics as the lines ``quotetrack eval compare`` prints."""
    e, f, r, g = result["extraction"], result["flags"], result["recall"], result["grouping"]
    lines = [
        f"claims     gold {e['gold_claims']}, system {e['system_claims']}, matched {e['matched']} "
        f"(P {e['precision']}, R {e['recall']})",
        f"flags      {f['rows']} rows, {f['pairs']} pairs, right {f['right']}, "
        f"precision {f['precision']}",
    ]
    lines += [f"             false alarm: {k}: {n}" for k, n in f["false_alarms"].items()]
    lines += [
        f"  {kind:26s} rows {k['rows']:3d} pairs {k['n']:3d} right {k['right']:3d} "
        f"P {k['precision']}"
        for kind, k in f["per_kind"].items()
    ]
    lines.append(
        f"recall     gold disagreements {r['gold_disagreements']}, both extracted "
        f"{r['both_extracted']}, found {r['found']}: recall {r['recall']}"
    )
    lines += [
        f"grouping   B-cubed vs {name:17s} P {b['precision']} R {b['recall']} F1 {b['f1']}"
        for name, b in g.items()
    ]
    lines.append(f"headline   flags F1 {headline_f1(result):.4f}")
    return "\n".join(lines)
