"""Accuracy of the quotes stage against annotated gold data (the metrics of ../shared/eval/tools).

``evaluate`` runs segmentation, attribution and quote extraction on the input articles (by
default the gold file's own texts), turns the quotes into the shared scorer's prediction format
(``predictions``; ``scare`` quotes are left out: they have no speaker) and scores them with
``score``, which follows ``score_quotes.py`` exactly: spans trimmed of whitespace and quotation
marks, candidate pairs overlapping by at least half of the longer span, greedy one-to-one
matching, the 'direct' and 'direct+mixed' settings, unmatched predictions in discarded text or in
the headline ignored, and the speaker checks 'mention' (span overlap) and 'name' (a capitalised
gold name token among the predicted speaker's tokens). The name-token stop lists are in
``rules/quote_eval.toml``.
"""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from quotetrack.evaluate.gold import read_jsonl_rows
from quotetrack.extract.attribution import Attributor
from quotetrack.extract.quotes import QuoteExtractor
from quotetrack.extract.segment import segmenter_for
from quotetrack.models import Article, Quote
from quotetrack.pipeline.ingest import read_inputs
from quotetrack.rulebook.ruleset import RuleFile, RuleSet, load_ruleset

QUOTE_CHARS = frozenset("\"'`\u201c\u201d\u2018\u2019\u201e\u201f\u00ab\u00bb\u2039\u203a")
TOKEN_RE = re.compile(r"[A-Za-z][\w'\u2019.\-]*")
POSSESSIVE_RE = re.compile(r"['\u2019]s$")


class QuoteEvalRules(RuleFile):
    """Schema of ``rules/quote_eval.toml`` (the scorer's stop lists)."""


class NameTokens:
    """The scorer's name-token functions over the stop lists of ``rules/quote_eval.toml``."""

    def __init__(self, rules: RuleFile) -> None:
        self.stop = rules.lexicon_set("pronouns") | rules.lexicon_set("name_stop")

    @staticmethod
    def norm(tok: str) -> str:
        """A token with a trailing possessive and dots dropped, lower-cased."""
        return POSSESSIVE_RE.sub("", tok).rstrip(".").lower()

    def names(self, s: str | None) -> set[str]:
        """Capitalised, non-stop tokens of ``s``."""
        out = set()
        for tok in TOKEN_RE.findall(s or ""):
            if not tok[0].isupper():
                continue
            t = self.norm(tok)
            if t and t not in self.stop and tok.lower() not in self.stop:
                out.add(t)
        return out

    def all(self, s: str | None) -> set[str]:
        """Every normalised token of ``s``."""
        return {self.norm(t) for t in TOKEN_RE.findall(s or "")} - {""}


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """The span without surrounding whitespace and quotation marks."""
    while s < e and (text[s].isspace() or text[s] in QUOTE_CHARS):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in QUOTE_CHARS):
        e -= 1
    return s, e


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def match(text: str, gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> dict[int, int]:
    """Greedy one-to-one matching, best overlap ratio first: {gold index: prediction index}."""
    gt = [trim(text, q["start"], q["end"]) for q in gold]
    pt = [trim(text, q["start"], q["end"]) for q in pred]
    cands = []
    for gi, (gs, ge) in enumerate(gt):
        for pi, (ps, pe) in enumerate(pt):
            inter = min(ge, pe) - max(gs, ps)
            longer = max(ge - gs, pe - ps)
            if inter > 0 and longer > 0 and inter >= 0.5 * longer:
                cands.append((-inter / longer, -inter, gs, ps, gi, pi))
    cands.sort()
    gm: dict[int, int] = {}
    used: set[int] = set()
    for *_, gi, pi in cands:
        if gi in gm or pi in used:
            continue
        gm[gi] = pi
        used.add(pi)
    return gm


def _inside(spans: Iterable[tuple[int, int]], s: int, e: int) -> bool:
    if e <= s:
        return False
    return sum(max(0, min(b, e) - max(a, s)) for a, b in spans) >= 0.5 * (e - s)


def predictions(quotes: Iterable[Quote]) -> dict[str, list[dict[str, Any]]]:
    """The scorer's prediction records per document (scare quotes left out)."""
    out: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for q in quotes:
        if q.kind == "scare":
            continue
        out[q.doc_id].append(
            {
                "start": q.start,
                "end": q.end,
                "text": q.text,
                "speaker": q.speaker,
                "speaker_start": q.speaker_start,
                "speaker_end": q.speaker_end,
            }
        )
    return dict(out)


def score(
    gold_docs: list[dict[str, Any]], preds: dict[str, list[dict[str, Any]]], names: NameTokens
) -> dict[str, Any]:
    """The shared scorer's metrics for ``preds`` (offsets into the gold texts)."""
    c: collections.Counter[str] = collections.Counter()
    by_type: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    per_doc: dict[str, dict[str, int]] = {}
    for d in gold_docs:
        text, gold = d["text"], d["quotes"]
        pred = [
            dict(
                p,
                speaker=p.get("speaker")
                or (
                    text[p["speaker_start"] : p["speaker_end"]]
                    if p.get("speaker_start") is not None
                    else None
                ),
            )
            for p in preds.get(d["doc_id"], [])
            if 0 <= p["start"] < p["end"] <= len(text)
        ]
        gm = match(text, gold, pred)
        matched = set(gm.values())
        unattr = [trim(text, u["start"], u["end"]) for u in d.get("unattributed_quotes", [])]
        title_end = d.get("title_end")
        if title_end is None:
            title_end = max(text.find("\n"), 0)
        ignored = 0
        fp = 0
        for pi, p in enumerate(pred):
            if pi in matched:
                continue
            s, e = trim(text, p["start"], p["end"])
            if _inside(d.get("discard_spans", []), s, e):
                ignored += 1
                c["pred ignored (discard)"] += 1
            elif _inside([(0, title_end)], s, e):
                ignored += 1
                c["pred ignored (title)"] += 1
            else:
                fp += 1
                if any(min(e, ue) - max(s, us) >= 0.5 * max(e - s, ue - us) for us, ue in unattr):
                    c["fp on unattributed quoted segments"] += 1
        c["fp"] += fp
        c["pred"] += len(pred) - ignored
        doc = per_doc.setdefault(d["doc_id"], {"tp": 0, "fp": fp, "fn": 0, "e2e_name": 0})
        for gi, g in enumerate(gold):
            k = g["kind"]
            c["gold all"] += 1
            c["gold " + k] += 1
            if gi not in gm:
                doc["fn"] += 1
                continue
            doc["tp"] += 1
            c["tp all"] += 1
            c["tp " + k] += 1
            ev, mention, name = speaker_checks(g, pred[gm[gi]], names)
            doc["e2e_name"] += int(name or not ev)
            for setting in ("all", k):
                if not ev:
                    for key in ("not evaluable ", "e2e ", "e2e-name "):
                        c[key + setting] += 1
                    continue
                c["evaluable " + setting] += 1
                c["mention " + setting] += mention
                c["name " + setting] += name
                c["either " + setting] += mention or name
                c["e2e " + setting] += mention or name
                c["e2e-name " + setting] += name
            if ev:
                t = by_type[str(g.get("speaker_type"))]
                t["n"] += 1
                t["mention"] += mention
                t["name"] += name
                t["either"] += mention or name
    return _results(c, by_type, len(gold_docs), per_doc)


def speaker_checks(
    g: dict[str, Any], p: dict[str, Any], names: NameTokens
) -> tuple[bool, bool, bool]:
    """(evaluable, mention_ok, name_ok) for a matched pair."""
    if g.get("speaker") is None:
        return False, False, False
    ps, pe = p.get("speaker_start"), p.get("speaker_end")
    mention = (
        ps is not None and pe is not None and ps < g["speaker_end"] and g["speaker_start"] < pe
    )
    gold_names = names.names(g["speaker"])
    if g.get("speaker_type") != "named":
        gold_names |= names.names(g.get("speaker_resolved"))
    return True, mention, bool(gold_names & names.all(p.get("speaker")))


def _results(
    c: collections.Counter[str],
    by_type: dict[str, collections.Counter[str]],
    n_docs: int,
    per_doc: dict[str, dict[str, int]],
) -> dict[str, Any]:
    res: dict[str, Any] = {
        "counts": {},
        "quotes": {},
        "speaker": {},
        "end_to_end": {},
        "speaker_by_gold_type": {},
    }
    for setting, n_pred, n_gold, tp in (
        ("direct", c["pred"] - c["tp mixed"], c["gold direct"], c["tp direct"]),
        ("direct+mixed", c["pred"], c["gold all"], c["tp all"]),
    ):
        key = "direct" if setting == "direct" else "all"
        p, r, f = prf(tp, n_pred, n_gold)
        res["quotes"][setting] = dict(
            precision=p,
            recall=r,
            f1=f,
            tp=tp,
            fp=n_pred - tp,
            fn=n_gold - tp,
            n_pred=n_pred,
            n_gold=n_gold,
        )
        ev = c["evaluable " + key]
        res["speaker"][setting] = dict(
            n_matched=tp,
            n_evaluable=ev,
            n_not_evaluable=c["not evaluable " + key],
            **{m: (c[f"{m} {key}"] / ev if ev else 0.0) for m in ("mention", "name", "either")},
        )
        p, r, f = prf(c["e2e " + key], n_pred, n_gold)
        res["end_to_end"][setting] = dict(precision=p, recall=r, f1=f, tp=c["e2e " + key])
        p, r, f = prf(c["e2e-name " + key], n_pred, n_gold)
        res["end_to_end"][setting + " (name)"] = dict(
            precision=p, recall=r, f1=f, tp=c["e2e-name " + key]
        )
    for t, tc in sorted(by_type.items(), key=lambda x: -x[1]["n"]):
        res["speaker_by_gold_type"][t] = {
            m: tc[m] / tc["n"] for m in ("mention", "name", "either")
        } | {"n": tc["n"]}
    res["counts"] = dict(
        gold_docs=n_docs,
        gold_quotes=c["gold all"],
        gold_direct=c["gold direct"],
        gold_mixed=c["gold mixed"],
        pred_quotes_scored=c["pred"],
        pred_ignored_in_discarded_text=c["pred ignored (discard)"],
        pred_ignored_in_headline=c["pred ignored (title)"],
        pred_matched_to_mixed_gold=c["tp mixed"],
        fp_on_unattributed_quoted_segments=c["fp on unattributed quoted segments"],
    )
    res["per_document"] = per_doc
    return res


def extract_quotes(articles: Iterable[Article], ruleset: RuleSet) -> list[Quote]:
    """Segment, attribute and extract the quotes of every article (the quote half of the
    pipeline)."""
    segmenter = segmenter_for(ruleset)
    attributor = Attributor(ruleset)
    extractor = QuoteExtractor(ruleset)
    out: list[Quote] = []
    for article in articles:
        seg = segmenter.segment(article.text, article.doc_id, article.source)
        out.extend(extractor.extract(article, seg, attributor.document(article, seg)))
    return out


def load_gold(path: Path) -> list[dict[str, Any]]:
    """The gold documents of a PolNeAR-style JSONL file."""
    return read_jsonl_rows(path, ("doc_id", "text", "quotes"))


def evaluate(gold_path: Path, inputs: list[str], rules_dir: Path | None = None) -> dict[str, Any]:
    """Run the pipeline on ``inputs`` and score its quotes against ``gold_path``."""
    ruleset = load_ruleset(rules_dir)
    gold = load_gold(Path(gold_path))
    gold_text = {d["doc_id"]: d["text"] for d in gold}
    articles = [a for a in read_inputs(inputs) if isinstance(a, Article)]
    mismatched = sorted(
        a.doc_id for a in articles if a.doc_id in gold_text and a.text != gold_text[a.doc_id]
    )
    result = score(
        gold,
        predictions(extract_quotes(articles, ruleset)),
        NameTokens(ruleset.get("quote_eval.toml")),
    )
    seen = {a.doc_id for a in articles}
    result["warnings"] = {
        k: v
        for k, v in {
            "gold documents without input": len(set(gold_text) - seen),
            "input documents not in gold (ignored)": len(seen - set(gold_text)),
            "input texts that differ from the gold text (offsets may not match)": len(mismatched),
        }.items()
        if v
    }
    return result


def headline_f1(result: dict[str, Any]) -> float:
    """The F1 that --min-f1 is compared with: direct quote F1."""
    return float(result["quotes"]["direct"]["f1"])


def report(result: dict[str, Any]) -> str:
    """The printed table of metrics (the shared scorer's layout)."""
    cnt = result["counts"]
    lines = [
        f"gold: {cnt['gold_docs']} docs, {cnt['gold_quotes']} quotes ({cnt['gold_direct']} direct, "
        f"{cnt['gold_mixed']} mixed); predictions scored: {cnt['pred_quotes_scored']} "
        f"(+{cnt['pred_ignored_in_discarded_text']} ignored in discarded text, "
        f"+{cnt['pred_ignored_in_headline']} in headlines)",
        "",
        f"{'QUOTES':<22} {'P':>6} {'R':>6} {'F1':>6} {'TP':>6} {'FP':>6} {'FN':>6}",
    ]
    for k, v in result["quotes"].items():
        lines.append(
            f"{k:<22} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} "
            f"{v['tp']:6d} {v['fp']:6d} {v['fn']:6d}"
        )
    lines += [
        f"  (direct: {cnt['pred_matched_to_mixed_gold']} predictions matched to mixed gold quotes "
        f"not counted; {cnt['fp_on_unattributed_quoted_segments']} false positives are "
        "unattributed quoted segments)",
        "",
        f"{'SPEAKER (matched)':<22} {'mention':>8} {'name':>8} {'either':>8} {'n_eval':>8} "
        f"{'n_noeval':>8}",
    ]
    for k, v in result["speaker"].items():
        lines.append(
            f"{k:<22} {v['mention']:8.3f} {v['name']:8.3f} {v['either']:8.3f} "
            f"{v['n_evaluable']:8d} {v['n_not_evaluable']:8d}"
        )
    for t, v in result["speaker_by_gold_type"].items():
        lines.append(
            f"  {'gold ' + t:<20} {v['mention']:8.3f} {v['name']:8.3f} {v['either']:8.3f} "
            f"{v['n']:8d}"
        )
    lines += ["", f"{'END-TO-END':<22} {'P':>6} {'R':>6} {'F1':>6} {'TP':>6}"]
    for k, v in result["end_to_end"].items():
        lines.append(
            f"{k:<22} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['tp']:6d}"
        )
    for k, v in result.get("warnings", {}).items():
        lines.append(f"warning: {k}: {v}")
    return "\n".join(lines)


def write_predictions(
    gold_path: Path, out_path: Path, inputs: list[str] | None = None, rules_dir: Path | None = None
) -> int:
    """Write the shared scorer's PRED.jsonl (one line per article); returns the number of lines."""
    articles = [a for a in read_inputs(inputs or [str(gold_path)]) if isinstance(a, Article)]
    preds = predictions(extract_quotes(articles, load_ruleset(rules_dir)))
    with Path(out_path).open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(
                json.dumps(
                    {"doc_id": a.doc_id, "quotes": preds.get(a.doc_id, [])}, ensure_ascii=False
                )
                + "\n"
            )
    return len(articles)


if __name__ == "__main__":  # python -m quotetrack.evaluate.quotes GOLD.jsonl PRED.jsonl [INPUT...]
    import sys

    if len(sys.argv) < 3:
        sys.exit("usage: python -m quotetrack.evaluate.quotes GOLD.jsonl PRED.jsonl [INPUT...]")
    n = write_predictions(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or None)
    print(f"wrote predictions for {n} articles to {sys.argv[2]}", file=sys.stderr)
