"""Build the sentence dataset: raw articles -> clean sentences -> gold or rule labels -> DatasetDict.

    claimlens build-dataset                      # the default dataset of configs/data.yaml
    claimlens build-dataset ../shared/corpora/fnc1/train_bodies.csv --output /tmp/fnc1

Splits are grouped by article and deterministic for a seed. Validation and test hold gold-labeled
articles only; a corpus without any gold falls back to rule labels everywhere and says `silver` in
the card, because metrics on such splits measure imitation of the rules, not accuracy.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from claimlens import config as cfg
from claimlens.annotations import load_annotations, match_gold
from claimlens.labels import LABELS
from claimlens.readers import Article, InputError, Problem, read_articles
from claimlens.rules import label_sentence
from claimlens.segment import Sentence, split_article

SPLITS = ("train", "validation", "test")


# Article ids of the offset gold (real news) start with this; training can oversample them.
REAL_NEWS_PREFIX = "fnc1-"


@dataclass
class DataConfig:
    name: str = "claimlens"
    inputs: list[str] = field(default_factory=lambda: ["data/raw"])
    annotations: str | None = "data/annotations"
    metadata: str | None = "data/metadata"
    output_dir: str = "data/processed"
    seed: int = 13
    validation_fraction: float = 0.15
    test_fraction: float = 0.15
    # In an article with gold labels every claim sentence is annotated, so a sentence without a gold
    # label there is a non-claim line the cleaner missed: it is dropped and counted, not rule-labeled.
    gold_articles_complete: bool = True
    id_field: str | None = None
    text_field: str | None = None
    workers: int = 2
    # Optional training-only gold for articles the project may not ship (ids, offsets, hashes, labels):
    # joined to their text when `offset_gold_bodies` exists (FNC-1 beside a developer checkout), and
    # skipped with a note otherwise. Never used for validation or test.
    offset_gold: str | None = None
    offset_gold_bodies: str | None = None


def process_article(article: Article) -> tuple[list[dict], list[dict]]:
    """Split, clean and rule-label one article (runs in worker processes)."""
    sentences, dropped = split_article(article.text)
    rows = []
    prev = ""
    for s in sentences:
        r = label_sentence(s.text, prev, s.in_quote)
        rows.append(
            {
                "article_id": article.id,
                "sentence_index": s.index,
                "text": s.text,
                "context": prev,
                "start": s.start,
                "end": s.end,
                "in_quote": s.in_quote,
                "rule_label": r.label,
                "rule": r.rule,
                "cue": r.cue,
                "source": r.source,
            }
        )
        prev = s.text
    drops = [{"article_id": article.id, "line": d.line, "text": d.text, "reason": d.reason} for d in dropped]
    return rows, drops


def _process_all(articles: list[Article], workers: int) -> list[tuple[list[dict], list[dict]]]:
    if workers <= 1 or len(articles) < 50:
        return [process_article(a) for a in articles]
    from tqdm import tqdm

    with get_context("fork").Pool(workers) as pool:
        return list(
            tqdm(pool.imap(process_article, articles, chunksize=16), total=len(articles),
                 desc="articles", unit="art", disable=None)
        )


def _load_metadata(folder: Path | None) -> dict[str, dict]:
    meta: dict[str, dict] = {}
    if folder is None or not folder.exists():
        return meta
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                meta[str(rec["article_id"])] = rec
    return meta


def assign_splits(article_ids: list[str], gold_ids: set[str], seed: int, val: float, test: float) -> dict[str, str]:
    """Grouped, seeded split. Validation/test are drawn from gold articles only (all articles when there
    is no gold at all); every other article trains."""
    pool = sorted(gold_ids) if gold_ids else sorted(article_ids)
    rng = random.Random(seed)
    rng.shuffle(pool)
    n_test = round(len(pool) * test) if len(pool) > 2 else 0
    n_val = round(len(pool) * val) if len(pool) > 2 else 0
    if len(pool) >= 3:
        n_test, n_val = max(n_test, 1), max(n_val, 1)
    split = {aid: "train" for aid in article_ids}
    for aid in pool[:n_test]:
        split[aid] = "test"
    for aid in pool[n_test : n_test + n_val]:
        split[aid] = "validation"
    return split


def build(conf: DataConfig, inputs: list[str] | None = None, output: str | None = None, strict: bool = False,
          console=None) -> dict:
    """Build and save the dataset; return the summary (also written into the dataset card)."""
    import datasets

    t0 = time.perf_counter()
    problems: list[Problem] = []
    in_paths = [str(cfg.project_path(p)) if p != "-" else p for p in (inputs or conf.inputs)]
    articles = list(read_articles(in_paths, problems, id_field=conf.id_field, text_field=conf.text_field))
    if strict and problems:
        raise InputError(f"{len(problems)} input problem(s), first: {problems[0]}")
    gold = load_annotations(cfg.project_path(conf.annotations), problems) if conf.annotations else {}
    known = {a.id for a in articles}
    for aid, golds in gold.items():
        if aid not in known:
            problems.append(Problem(golds[0].file, golds[0].line, f"annotations name article {aid!r}, which is not among the inputs"))
    meta = _load_metadata(cfg.project_path(conf.metadata))
    partial_ids, offset_note = _add_offset_gold(conf, articles, gold, problems)
    results = _process_all(articles, conf.workers)

    rows: list[dict] = []
    dropped: list[dict] = []
    unlabeled_in_gold: list[dict] = []
    for article, (arows, drops) in zip(articles, results):
        dropped.extend(drops)
        golds = gold.get(article.id)
        if golds:
            sents = [Sentence(r["sentence_index"], r["start"], r["end"], r["text"], r["in_quote"]) for r in arows]
            matched = match_gold(article.text, sents, golds, problems)
        else:
            matched = {}
        kept = []
        for r in arows:
            g = matched.get(r["sentence_index"])
            if g is not None and g.label == "junk":
                continue  # annotated as not a sentence (caption, credit...) in an offset-gold article
            if g is not None:
                r["label"], r["label_source"] = g.label, "gold"
            elif article.id in partial_ids:
                continue  # beyond the annotated part of a partially annotated article
            elif golds and conf.gold_articles_complete:
                unlabeled_in_gold.append({"article_id": article.id, "text": r["text"]})
                continue
            else:
                r["label"], r["label_source"] = r["rule_label"], "rules"
            kept.append(r)
        # Context is the previous *kept* sentence, as the model will see it at prediction time.
        prev = ""
        for r in kept:
            r["context"] = prev
            prev = r["text"]
            m = meta.get(article.id, {})
            r["topic"] = str(m.get("topic", ""))
            r["register"] = str(m.get("register", ""))
            r["sentence_id"] = f"{article.id}:{r['sentence_index']}"
        rows.extend(kept)

    if strict and problems:
        raise InputError(f"{len(problems)} problem(s), first: {problems[0]}")
    gold_articles = {r["article_id"] for r in rows if r["label_source"] == "gold"} - partial_ids
    silver = not gold_articles
    split_of = assign_splits([a.id for a in articles], gold_articles, conf.seed, conf.validation_fraction, conf.test_fraction)
    for aid in partial_ids:
        split_of[aid] = "train"
    features = datasets.Features(
        {
            "article_id": datasets.Value("string"),
            "sentence_id": datasets.Value("string"),
            "text": datasets.Value("string"),
            "context": datasets.Value("string"),
            "label": datasets.ClassLabel(names=list(LABELS)),
            "label_source": datasets.Value("string"),
            "rule": datasets.Value("string"),
            "rule_label": datasets.Value("string"),
            "cue": datasets.Value("string"),
            "source": datasets.Value("string"),
            "start": datasets.Value("int64"),
            "end": datasets.Value("int64"),
            "in_quote": datasets.Value("bool"),
            "topic": datasets.Value("string"),
            "register": datasets.Value("string"),
        }
    )
    by_split: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        split = split_of[r["article_id"]]
        if split != "train" and r["label_source"] != "gold" and not silver:
            continue  # evaluation splits are gold only
        by_split[split].append({k: r[k] for k in features})
    dd = datasets.DatasetDict(
        {s: datasets.Dataset.from_list(by_split.get(s, []), features=features) for s in SPLITS}
    )
    summary = _summary(dd, articles, dropped, unlabeled_in_gold, problems, silver, meta, time.perf_counter() - t0)
    summary["offset_gold"] = offset_note
    summary["offset_gold_sentences"] = sum(1 for r in rows if r["article_id"] in partial_ids)
    out_dir = Path(output) if output else cfg.project_path(conf.output_dir) / conf.name
    _save_atomically(dd, out_dir, summary, conf)
    summary["output"] = str(out_dir)
    if console is not None:
        print_summary(summary, console)
    return summary


def _add_offset_gold(conf: DataConfig, articles: list[Article], gold: dict, problems: list[Problem]) -> tuple[set[str], str]:
    """Append the articles of the optional offset gold (train only); return their ids and a note."""
    from claimlens.annotations import Gold, join_offset_gold
    from claimlens.labels import check_label

    if not conf.offset_gold:
        return set(), "not configured"
    gold_path, bodies_path = cfg.project_path(conf.offset_gold), cfg.project_path(conf.offset_gold_bodies)
    if gold_path is None or not gold_path.is_file():
        return set(), f"skipped: {conf.offset_gold} not found"
    if bodies_path is None or not bodies_path.is_file():
        return set(), f"skipped: the article text ({conf.offset_gold_bodies}) is not present on this machine"
    records, bodies = join_offset_gold(gold_path, bodies_path, problems)
    added: set[str] = set()
    for rec in records:
        aid = f"{REAL_NEWS_PREFIX}{rec['body_id']}"
        label = rec["label"] if rec["label"] == "junk" else check_label(rec["label"])
        gold.setdefault(aid, []).append(Gold(aid, label, None, rec["start"], rec["end"], str(gold_path), rec["line"]))
        if aid not in added:
            articles.append(Article(aid, bodies[rec["body_id"]], str(bodies_path)))
            added.add(aid)
    return added, f"used: {len(added)} articles from {bodies_path.name} (training split only)"


def _summary(dd, articles, dropped, unlabeled_in_gold, problems, silver, meta, seconds) -> dict:
    s: dict = {"silver": silver, "seconds": round(seconds, 2), "articles_read": len(articles), "splits": {}}
    for split, ds in dd.items():
        labels = Counter(LABELS[i] for i in ds["label"])
        sources = Counter(ds["label_source"])
        s["splits"][split] = {
            "articles": len(set(ds["article_id"])),
            "sentences": len(ds),
            "labels": {lab: labels.get(lab, 0) for lab in LABELS},
            "label_sources": dict(sources),
        }
    s["dropped_lines"] = len(dropped)
    s["dropped_by_reason"] = dict(Counter(d["reason"] for d in dropped).most_common())
    s["dropped_examples"] = [d for d in dropped[:25]]
    s["unannotated_in_gold_articles"] = len(unlabeled_in_gold)
    s["unannotated_examples"] = unlabeled_in_gold[:25]
    s["problems"] = [str(p) for p in problems]
    if meta:
        all_rows = [r for ds in dd.values() for r in ds.select_columns(["topic", "register", "label_source"])]
        s["gold_by_topic"] = dict(Counter(r["topic"] for r in all_rows if r["label_source"] == "gold").most_common())
        s["gold_by_register"] = dict(Counter(r["register"] for r in all_rows if r["label_source"] == "gold").most_common())
    return s


def _card(summary: dict, conf: DataConfig) -> str:
    lines = [f"# Dataset card: {conf.name}", ""]
    if summary["silver"]:
        lines += [
            "> **SILVER DATASET.** No gold annotation matched any article, so validation and test carry",
            "> *rule* labels. Metrics on them measure imitation of the rule labeler, **not accuracy**.",
            "",
        ]
    lines += [
        "Sentences of news articles labeled by how the article presents each claim: "
        + ", ".join(f"`{x}`" for x in LABELS) + " (definitions: `docs/annotation-guide.md`).",
        "Built by `claimlens build-dataset`; splits are grouped by article (no article in two splits) and",
        f"seeded (seed {conf.seed}). Validation and test hold gold labels only.",
        "",
        "| split | articles | sentences | " + " | ".join(LABELS) + " | gold | rules |",
        "|---|---|---|" + "---|" * len(LABELS) + "---|---|",
    ]
    for split, d in summary["splits"].items():
        labs = " | ".join(str(d["labels"][x]) for x in LABELS)
        src = d["label_sources"]
        lines.append(f"| {split} | {d['articles']} | {d['sentences']} | {labs} | {src.get('gold', 0)} | {src.get('rules', 0)} |")
    total = sum(d["sentences"] for d in summary["splits"].values())
    if total:
        lines += ["", "Label shares over all splits: " + ", ".join(
            f"{x} {sum(d['labels'][x] for d in summary['splits'].values()) / total:.1%}" for x in LABELS)]
    for key, title in (("gold_by_topic", "Gold sentences by topic"), ("gold_by_register", "Gold sentences by register")):
        if summary.get(key):
            lines += ["", f"## {title}", "", "| value | sentences |", "|---|---|"]
            lines += [f"| {k or '(none)'} | {v} |" for k, v in summary[key].items()]
    lines += ["", "## Cleaning", "", f"Lines and sentences dropped as non-claims: {summary['dropped_lines']}.", "",
              "| reason | count |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in summary["dropped_by_reason"].items()]
    lines += ["", f"Sentences in gold-annotated articles that carry no gold label (non-claim lines the cleaner "
              f"kept; dropped, not labeled): {summary['unannotated_in_gold_articles']}."]
    lines += ["", f"Optional offset gold (training only): {summary.get('offset_gold', 'not configured')}; "
              f"{summary.get('offset_gold_sentences', 0)} sentences."]
    lines += ["", f"## Problems ({len(summary['problems'])})", ""]
    lines += [f"- {p}" for p in summary["problems"][:200]] or ["None."]
    extra = cfg.DATA_DIR / "CORPUS.md"
    if extra.exists():
        lines += ["", extra.read_text(encoding="utf-8")]
    return "\n".join(lines) + "\n"


def _save_atomically(dd, out_dir: Path, summary: dict, conf: DataConfig) -> None:
    """Write into a temporary sibling folder, then swap it into place: no half-written dataset."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        dd.save_to_disk(str(tmp / "data"))
        # save_to_disk wants its own folder; lift its contents up so the card sits beside them.
        for item in (tmp / "data").iterdir():
            item.rename(tmp / item.name)
        (tmp / "data").rmdir()
        (tmp / "README.md").write_text(_card(summary, conf), encoding="utf-8")
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
        (tmp / "build_config.json").write_text(json.dumps(asdict(conf), indent=2), encoding="utf-8")
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
            out_dir.rename(old)
        tmp.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def print_summary(summary: dict, console) -> None:
    from rich.table import Table

    title = "claimlens dataset" + (" [bold red](SILVER: rule labels in validation/test)[/]" if summary["silver"] else "")
    table = Table(title=title)
    for col in ("split", "articles", "sentences", *LABELS, "gold", "rules"):
        table.add_column(col, justify="right" if col != "split" else "left")
    for split, d in summary["splits"].items():
        src = d["label_sources"]
        table.add_row(split, str(d["articles"]), str(d["sentences"]), *(str(d["labels"][x]) for x in LABELS),
                      str(src.get("gold", 0)), str(src.get("rules", 0)))
    console.print(table)
    console.print(f"articles read: {summary['articles_read']}; dropped non-claim lines: {summary['dropped_lines']} "
                  f"{summary['dropped_by_reason']}; unannotated sentences in gold articles: "
                  f"{summary['unannotated_in_gold_articles']}; {summary['seconds']} s")
    console.print(f"optional offset gold: {summary.get('offset_gold', 'not configured')}", highlight=False)
    if summary["problems"]:
        console.print(f"[yellow]{len(summary['problems'])} problem(s) (skipped, listed in the card):[/]")
        for p in summary["problems"][:50]:
            console.print(f"  [yellow]- {p}[/]", highlight=False)
        if len(summary["problems"]) > 50:
            console.print(f"  ... and {len(summary['problems']) - 50} more")
    console.print(f"saved to {summary.get('output', '')}")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="*", help="files or folders (txt, md, html, jsonl, csv); default: config inputs")
    p.add_argument("--config", default=str(cfg.CONFIGS_DIR / "data.yaml"), help="data config YAML")
    p.add_argument("--annotations", help="folder of gold *.jsonl (default from config; 'none' to ignore)")
    p.add_argument("--output", help="output folder (default: <output_dir>/<name> from the config)")
    p.add_argument("--name", help="dataset name (folder under data/processed)")
    p.add_argument("--id-field", help="record field holding the article id (jsonl/csv)")
    p.add_argument("--text-field", help="record field holding the article text (jsonl/csv)")
    p.add_argument("--seed", type=int, help="split seed")
    p.add_argument("--workers", type=int, help="processes for splitting and labeling")
    p.add_argument("--strict", action="store_true", help="fail on the first skipped file, record or annotation")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    console = Console(stderr=True)
    data = cfg.read_yaml(args.config) if Path(args.config).exists() else {}
    for key in ("name", "id_field", "text_field", "seed", "workers"):
        if getattr(args, key, None) is not None:
            data[key] = getattr(args, key)
    if args.annotations is not None:
        data["annotations"] = None if args.annotations.lower() == "none" else args.annotations
    elif args.inputs:
        data["annotations"] = None  # explicit inputs: gold of the default corpus does not apply
        data["metadata"] = None
    conf = cfg.from_dict(DataConfig, data, args.config)
    try:
        summary = build(conf, inputs=args.inputs or None, output=args.output, strict=args.strict, console=console)
    except InputError as exc:
        console.print(f"[red]error:[/] {exc}")
        return 2
    return 0 if summary["splits"]["train"]["sentences"] or summary["articles_read"] else 1
