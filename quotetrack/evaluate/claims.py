"""Accuracy of the claims stage against annotated gold data (the metrics of ../shared/eval/tools).

``score(gold, pred, doc_ids)`` computes exactly what ``score_claims.py`` computes: per document,
multiset matching of claims by key, pairs formed in document order within each key.

* lenient: key (category, value) -- the figure and what it counts;
* strict: key (category, value, qualifier, value_high);
* claimant accuracy on matched pairs: both empty, or both share a content word.

``evaluate`` runs the extraction on the input documents (every input document is scored, also
those without gold claims, like ``score_claims.py --docs``) and adds per-rule counts.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import regex

from quotetrack.evaluate.gold import read_jsonl_rows

STOP = frozenset(
    {"the", "a", "an", "of", "and", "in", "for", "to", "said", "says", "'s", "according"}
)
WORD = regex.compile(r"[a-z0-9]+")
MODES = ("lenient", "strict")


def _int(value: Any) -> int | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip().lower()


def _words(value: Any) -> set[str]:
    return {w for w in WORD.findall(_str(value)) if w not in STOP}


def claimant_ok(gold: Any, pred: Any) -> bool:
    """Both claimants empty, or sharing a content word."""
    g, p = _words(gold), _words(pred)
    return (not g and not p) or bool(g & p)


def _key(row: dict[str, Any], mode: str) -> tuple[Any, ...]:
    key: tuple[Any, ...] = (_str(row.get("category")), _int(row.get("value")))
    if mode == "strict":
        key += (_str(row.get("qualifier")), _int(row.get("value_high")))
    return key


def score(
    gold: list[dict[str, Any]], pred: list[dict[str, Any]], doc_ids: Iterable[str]
) -> dict[str, Any]:
    """Lenient and strict precision/recall/F1, claimant accuracy and per-category counts."""
    docs = set(doc_ids)
    by_doc_gold: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    by_doc_pred: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for row in gold:
        by_doc_gold[row["doc_id"]].append(row)
    for row in pred:
        if row.get("doc_id") in docs:
            by_doc_pred[row["doc_id"]].append(row)
    result: dict[str, Any] = {}
    for mode in MODES:
        tp = n_gold = n_pred = ok = n_pairs = 0
        per_cat: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
        for doc in docs:
            g_rows, p_rows = by_doc_gold[doc], by_doc_pred[doc]
            n_gold += len(g_rows)
            n_pred += len(p_rows)
            g_keys: dict[tuple[Any, ...], list[dict[str, Any]]] = collections.defaultdict(list)
            p_keys: dict[tuple[Any, ...], list[dict[str, Any]]] = collections.defaultdict(list)
            for r in g_rows:
                g_keys[_key(r, mode)].append(r)
                per_cat[_str(r.get("category"))][1] += 1
            for r in p_rows:
                p_keys[_key(r, mode)].append(r)
                per_cat[_str(r.get("category"))][2] += 1
            for key, g_list in g_keys.items():
                p_list = p_keys.get(key, [])
                m = min(len(g_list), len(p_list))
                tp += m
                per_cat[key[0]][0] += m
                for g, p in zip(g_list[:m], p_list[:m], strict=False):
                    n_pairs += 1
                    ok += claimant_ok(g.get("claimant"), p.get("claimant"))
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[mode] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "tp": tp,
            "n_gold": n_gold,
            "n_pred": n_pred,
            "claimant_accuracy": round(ok / n_pairs, 4) if n_pairs else None,
            "per_category": {
                c: {"tp": v[0], "gold": v[1], "pred": v[2]} for c, v in sorted(per_cat.items())
            },
        }
    return result


def load_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSONL gold (or prediction) file."""
    return read_jsonl_rows(path, ("doc_id",))


def predict(
    inputs: list[str], rules_dir: Path | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Claims (as row dicts) and the ids of every processed document of ``inputs``."""
    from quotetrack.pipeline.extractor import Extractor
    from quotetrack.pipeline.ingest import read_inputs
    from quotetrack.pipeline.runner import extract
    from quotetrack.rulebook.ruleset import load_ruleset

    results, _ = extract(read_inputs(inputs), Extractor(load_ruleset(rules_dir)))
    rows = [c.model_dump() for r in results for c in r.claims]
    return rows, [r.article.doc_id for r in results]


def evaluate(gold_path: Path, inputs: list[str], rules_dir: Path | None = None) -> dict[str, Any]:
    """Run the pipeline on ``inputs`` and score its claims against ``gold_path``."""
    gold = load_rows(Path(gold_path))
    pred, doc_ids = predict(inputs, rules_dir)
    result = score(gold, pred, doc_ids)
    result["per_rule"] = dict(
        sorted(collections.Counter(str(r.get("rule_id")) for r in pred).items())
    )
    result["n_docs"] = len(doc_ids)
    return result


def headline_f1(result: dict[str, Any]) -> float:
    """The F1 that --min-f1 is compared with (strict)."""
    return float(result["strict"]["f1"])


def report(result: dict[str, Any]) -> str:
    """The printed table of metrics."""
    lines = [f"{result.get('n_docs', '?')} documents"]
    for mode in MODES:
        v = result[mode]
        lines.append(
            f"{mode:8s} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} "
            f"(tp {v['tp']}, gold {v['n_gold']}, pred {v['n_pred']}) claimant acc "
            f"{v['claimant_accuracy']}"
        )
    lines.append("per category (strict): tp / gold / pred")
    for cat, c in result["strict"]["per_category"].items():
        lines.append(f"  {cat:12s} {c['tp']:4d} {c['gold']:4d} {c['pred']:4d}")
    if result.get("per_rule"):
        lines.append(
            "claims per rule: " + ", ".join(f"{k} {v}" for k, v in result["per_rule"].items())
        )
    return "\n".join(lines)
