"""Prediction throughput: `claimlens predict --sentences` against `transformers.pipeline` (batch 64) on the
same exported model and the same 3,000 real FNC-1 sentences, as whole processes, alternated.

Also: label agreement of the two (target >= 99%), the float32 and int8 paths (speed, and agreement with
the pipeline and with fp32), and the peak memory of `claimlens predict` on a 10,000-article input.

    .venv/bin/python benchmarks/bench_predict.py [--model URI] [--rounds 2] [--articles 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from claimlens.config import FNC1_BODIES

PIPELINE_SCRIPT = r"""
import json, sys
from transformers import AutoConfig, pipeline
from claimlens.modeling.features import rule_hints
from claimlens.quotes import fold_quotes
model_dir, src, out = sys.argv[1:4]
texts = [json.loads(l)["text"] for l in open(src, encoding="utf-8")]
conf = AutoConfig.from_pretrained(model_dir)
inputs = texts
if getattr(conf, "claimlens_rule_hint", False):
    # Same inputs as claimlens gives the model: the sentence, paired with the rule labeler's verdict
    # (no context here: every line is its own sentence).
    hints = rule_hints(texts, [""] * len(texts))
    inputs = [{"text": fold_quotes(t), "text_pair": h} for t, h in zip(texts, hints)]
clf = pipeline("text-classification", model=model_dir, batch_size=64, truncation=True, device=-1)
res = clf(inputs)
with open(out, "w") as fh:
    for r in res:
        r = r[0] if isinstance(r, list) else r
        fh.write(json.dumps({"label": r["label"]}) + "\n")
"""


def sample_sentences(n: int, seed: int = 7) -> list[str]:
    from claimlens.readers import read_articles
    from claimlens.segment import split_article

    arts = list(read_articles([FNC1_BODIES], []))
    random.Random(seed).shuffle(arts)
    out: list[str] = []
    for a in arts:
        sents, _ = split_article(a.text)
        out.extend(s.text for s in sents)
        if len(out) >= n:
            break
    return out[:n]


_MEASURE = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def timed(cmd: list[str], env: dict) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one whole command, measured by its own parent process."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], check=True, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    return seconds, int(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models:/claimlens@champion")
    ap.add_argument("--sentences", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--articles", type=int, default=10000, help="articles for the peak-memory run (0: skip)")
    ap.add_argument("--article-chars", type=int, default=600,
                    help="cut each article of the peak-memory run to about this many characters (0: whole "
                         "bodies; 10,000 whole FNC-1 bodies are ~170,000 sentences, about 30 minutes here)")
    args = ap.parse_args()
    if not FNC1_BODIES.is_file():
        print(f"skip: {FNC1_BODIES} not found")
        return 0
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    bin_dir = Path(sys.executable).parent
    tmp = Path(tempfile.mkdtemp(prefix="claimlens-bench-"))
    model_dir = tmp / "model"
    subprocess.run([str(bin_dir / "claimlens"), "export", str(model_dir), "--model", args.model], check=True, env=env)
    texts = sample_sentences(args.sentences)
    src = tmp / "sentences.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    script = tmp / "pipeline_run.py"
    script.write_text(PIPELINE_SCRIPT)

    def ours(out, extra=()):
        return [str(bin_dir / "claimlens"), "predict", str(src), "--sentences", "--model", str(model_dir),
                "-o", str(out), "-q", *extra]

    # "claimlens" is the default (--dtype auto: bfloat16 where the CPU has native bf16, else float32).
    variants = {"claimlens": (), "claimlens_fp32": ("--dtype", "float32"), "claimlens_int8": ("--quantize", "int8")}
    runs = {name: [] for name in ("claimlens", "pipeline", "claimlens_fp32", "claimlens_int8")}
    for _ in range(args.rounds):  # alternated, so drift in machine load hits every variant alike
        for name, extra in variants.items():
            runs[name].append(timed(ours(tmp / f"{name}.jsonl", extra), env)[0])
            if name == "claimlens":
                runs["pipeline"].append(timed([sys.executable, str(script), str(model_dir), str(src),
                                               str(tmp / "pipeline.jsonl")], env)[0])

    def labels(name):
        return [json.loads(x)["label"] for x in (tmp / f"{name}.jsonl").read_text().splitlines()]

    def agreement(a, b):
        la, lb = labels(a), labels(b)
        return round(sum(x == y for x, y in zip(la, lb)) / len(texts), 4)

    from claimlens.modeling.predict import resolve_dtype

    best = {k: min(v) for k, v in runs.items()}
    result = {
        "sentences": len(texts),
        "rounds": args.rounds,
        "default_dtype_here": resolve_dtype("auto"),
        "seconds_best": {k: round(v, 2) for k, v in best.items()},
        "sentences_per_s": {k: round(len(texts) / v, 1) for k, v in best.items()},
        "speedup_vs_pipeline": round(best["pipeline"] / best["claimlens"], 2),
        "label_agreement_vs_pipeline": agreement("claimlens", "pipeline"),
        "fp32_speedup_vs_pipeline": round(best["pipeline"] / best["claimlens_fp32"], 2),
        "fp32_label_agreement_vs_pipeline": agreement("claimlens_fp32", "pipeline"),
        "int8_speedup_vs_fp32": round(best["claimlens_fp32"] / best["claimlens_int8"], 2),
        "int8_label_agreement_vs_fp32": agreement("claimlens_int8", "claimlens_fp32"),
        "note": "whole processes (model load included); claimlens also fills source/cue with the rule labeler",
    }
    if args.articles:
        from claimlens.readers import read_articles

        bodies = [a.text for a in read_articles([FNC1_BODIES], [])]
        big = tmp / "articles.jsonl"
        with open(big, "w", encoding="utf-8") as fh:
            for i in range(args.articles):
                body = bodies[i % len(bodies)]
                if args.article_chars and len(body) > args.article_chars:
                    cut = body.rfind(". ", 0, args.article_chars)
                    body = body[: cut + 1] if cut > 0 else body[: args.article_chars]
                fh.write(json.dumps({"id": f"a{i}", "text": body}) + "\n")
        cmd = [str(bin_dir / "claimlens"), "predict", str(big), "--model", str(model_dir), "-o", str(tmp / "big.jsonl"), "-q"]
        seconds, peak = timed(cmd, env)
        with open(tmp / "big.jsonl", encoding="utf-8") as fh:
            n_sent = sum(1 for _ in fh)
        result["large_input"] = {"articles": args.articles, "article_chars": args.article_chars,
                                 "input_mib": round(big.stat().st_size / 2**20, 1), "sentences": n_sent,
                                 "seconds": round(seconds, 1), "peak_rss_mib": round(peak / 1024, 1)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
