"""Score a model on gold annotations of real news: `claimlens evaluate`.

The gold file keeps only ids, offsets, a short hash of the sentence and the labels (never the text,
which belongs to the corpus): the sentences are cut from the corpus CSV given as an argument, and a
hash mismatch stops the run, so a different copy of the corpus cannot silently shift the offsets.

    claimlens evaluate --model rules --split dev
    claimlens evaluate --model models:/claimlens@champion --bodies ../shared/corpora/fnc1/train_bodies.csv
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from claimlens import config as cfg
from claimlens.annotations import GoldMismatchError, join_offset_gold
from claimlens.labels import LABELS
from claimlens.metrics import classification_report_text, compute_metrics

GOLD_FILE = cfg.FNC1_EVAL_DIR / "gold.jsonl"
# dev: used to tune the rules and choose configurations; test and heldout: only for reporting.
SPLITS = ("dev", "test", "heldout")
EVAL_SPLITS = ("test", "heldout")


def load_gold_sentences(gold_file: str | Path = GOLD_FILE, bodies_csv: str | Path = cfg.FNC1_BODIES,
                        split: str = "test") -> list[dict]:
    """Gold records joined to their text; `context` is the previous annotated sentence of the article."""
    records, _bodies = join_offset_gold(gold_file, bodies_csv)
    records.sort(key=lambda r: (int(r["body_id"]), r["start"]))
    prev: dict[str, str] = {}
    for r in records:
        r["context"] = prev.get(r["body_id"], "")
        prev[r["body_id"]] = r["text"]
    keep = [r for r in records if (split == "all" or r["split"] == split)]
    return keep


def evaluate(model: str, gold_file=GOLD_FILE, bodies_csv=cfg.FNC1_BODIES, split: str = "test", clf=None) -> dict:
    from claimlens.modeling.predict import ClaimClassifier

    recs = load_gold_sentences(gold_file, bodies_csv, split)
    junk = [r for r in recs if r["label"] not in LABELS]
    recs = [r for r in recs if r["label"] in LABELS]
    if not recs:
        return {"model": model, "split": split, "sentences": 0, "metrics": {}, "report": "", "errors": []}
    # float32 whatever the CPU: reported figures must not depend on the machine (predict's dtype=auto).
    clf = clf or ClaimClassifier.load(model, dtype="float32")
    preds = clf.predict([r["text"] for r in recs], [r["context"] for r in recs])
    y_true = [r["label"] for r in recs]
    y_pred = [p["label"] for p in preds]
    metrics = compute_metrics(y_true, y_pred)
    agreement = None
    if recs and "label_a" in recs[0]:
        from sklearn.metrics import cohen_kappa_score

        both = [(r["label_a"], r["label_b"]) for r in recs if r["label_a"] in LABELS and r["label_b"] in LABELS]
        agreement = cohen_kappa_score([a for a, _ in both], [b for _, b in both])
    return {
        "model": clf.name,
        "split": split,
        "sentences": len(recs),
        "not_a_sentence_in_gold": len(junk),
        "metrics": metrics,
        "report": classification_report_text(y_true, y_pred),
        "annotator_kappa": agreement,
        "errors": [
            {"body_id": r["body_id"], "start": r["start"], "end": r["end"], "gold": t, "pred": p["label"],
             "rule": p.get("rule", "")}
            for r, t, p in zip(recs, y_true, preds) if t != p["label"]
        ],
    }


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="rules", help="'rules', a registry/run URI, or a model folder")
    p.add_argument("--gold", default=str(GOLD_FILE), help="gold annotations (ids, offsets, labels)")
    p.add_argument("--bodies", default=str(cfg.FNC1_BODIES), help="FNC-1 train_bodies.csv holding the text")
    p.add_argument("--split", default="test", choices=(*SPLITS, "all"),
                   help="dev was used to tune the rules and choose configurations; test and heldout are held out")
    p.add_argument("--output", help="write the full result (metrics, report, errors) as JSON")
    p.add_argument("--show-errors", action="store_true", help="print misclassified sentences")


def run(args: argparse.Namespace) -> int:
    if not Path(args.bodies).is_file():
        print(f"error: {args.bodies} not found; pass --bodies PATH/train_bodies.csv (FNC-1 bodies)", file=sys.stderr)
        return 2
    from claimlens.modeling.predict import ModelNotFoundError

    try:
        res = evaluate(args.model, args.gold, args.bodies, args.split)
    except (GoldMismatchError, ModelNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not res["sentences"]:
        print(f"error: no gold sentence of split {args.split!r} in {args.gold}", file=sys.stderr)
        return 2
    m = res["metrics"]
    print(f"model {res['model']} on FNC-1 gold ({res['split']}, {res['sentences']} sentences): "
          f"macro-F1 {m['macro_f1']:.3f}, accuracy {m['accuracy']:.3f}")
    print(res["report"])
    if args.show_errors:
        recs = {(r["body_id"], r["start"]): r for r in load_gold_sentences(args.gold, args.bodies, args.split)}
        for e in res["errors"]:
            print(f"gold={e['gold']:<11} pred={e['pred']:<11} {e['rule']:<38} {recs[(e['body_id'], e['start'])]['text']}")
    if args.output:
        Path(args.output).write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0
