"""Corpus statistics and the near-duplicate check of the shipped corpus: `make corpus-report`.

Near-duplicates are sentences that share their words once names and numbers are masked: every
capitalised word not at the start of the sentence becomes NAME and every number NUM, then two sentences
are near-duplicates when the Jaccard similarity of their masked word sets is at least 0.8 (computed for
all pairs with one sparse matrix product). The share of sentences having such a twin must stay under 2%.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from claimlens import config as cfg
from claimlens.labels import LABELS

_NUM = re.compile(r"\d[\d.,:%]*")
_WORD = re.compile(r"[A-Za-z][\w'’-]*|NUM")


def mask(sentence: str) -> str:
    s = _NUM.sub(" NUM ", sentence)
    words = _WORD.findall(s)
    out = []
    for i, w in enumerate(words):
        out.append("NAME" if i > 0 and w[0].isupper() and w != "NUM" else w.lower())
    return " ".join(out)


def near_duplicates(sentences: list[str], threshold: float = 0.8) -> list[tuple[int, int, float]]:
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    masked = [mask(s) for s in sentences]
    vec = CountVectorizer(binary=True, token_pattern=r"\S+", lowercase=False)
    x = vec.fit_transform(masked)
    sizes = np.asarray(x.sum(axis=1)).ravel()
    inter = (x @ x.T).tocoo()
    pairs = []
    for i, j, v in zip(inter.row, inter.col, inter.data):
        if i < j:
            union = sizes[i] + sizes[j] - v
            if union and v / union >= threshold and min(sizes[i], sizes[j]) >= 4:
                pairs.append((int(i), int(j), float(v / union)))
    return pairs


def report(annotations: Path = cfg.ANNOTATIONS_DIR, metadata: Path = cfg.METADATA_DIR) -> dict:
    rows = []
    for f in sorted(annotations.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    meta = {}
    for f in sorted(metadata.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                meta[rec["article_id"]] = rec
    texts = [r["text"] for r in rows]
    pairs = near_duplicates(texts)
    dup_sentences = {i for p in pairs for i in p[:2]}
    per_article = Counter(r["article_id"] for r in rows)
    words = [len(t.split()) for t in texts]
    return {
        "articles": len(per_article),
        "gold_sentences": len(rows),
        "labels": {x: sum(r["label"] == x for r in rows) for x in LABELS},
        "label_share": {x: round(sum(r["label"] == x for r in rows) / max(1, len(rows)), 4) for x in LABELS},
        "topics": dict(Counter(meta.get(a, {}).get("topic", "") for a in per_article).most_common()),
        "registers": dict(Counter(meta.get(a, {}).get("register", "") for a in per_article).most_common()),
        "sentences_per_article": {"min": min(per_article.values()), "max": max(per_article.values()),
                                  "mean": round(len(rows) / max(1, len(per_article)), 1)},
        "words_per_sentence": {"min": min(words), "max": max(words), "mean": round(sum(words) / len(words), 1)},
        "near_duplicate_pairs": len(pairs),
        "near_duplicate_sentence_share": round(len(dup_sentences) / max(1, len(rows)), 4),
        "near_duplicate_examples": [(texts[i], texts[j], round(s, 2)) for i, j, s in pairs[:10]],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m claimlens.corpus_report", description=__doc__)
    p.add_argument("--annotations", default=str(cfg.ANNOTATIONS_DIR))
    p.add_argument("--metadata", default=str(cfg.METADATA_DIR))
    args = p.parse_args(argv)
    res = report(Path(args.annotations), Path(args.metadata))
    json.dump(res, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0 if res["near_duplicate_sentence_share"] < 0.02 else 1


if __name__ == "__main__":
    sys.exit(main())
