"""Score sentences and articles with a trained model or the rule labeler.

Python:
    from claimlens import ClaimClassifier
    clf = ClaimClassifier.load("models:/claimlens@champion")   # or a run/model URI, a folder, "rules"
    clf.predict(["The ministry denied the report."])
    clf.predict_article(open("story.txt").read())

CLI:
    claimlens predict INPUT... [--model M] [--output FILE] [--format jsonl|csv|html] [--sentences]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from claimlens import config as cfg
from claimlens.labels import LABELS
from claimlens.language import non_english_warning
from claimlens.modeling.features import encode
from claimlens.rules import label_sentence
from claimlens.segment import Sentence, split_article

log = logging.getLogger("claimlens.predict")
PROB_FIELDS = tuple(f"p_{name}" for name in LABELS)
RECORD_FIELDS = (
    "article_id", "sentence_id", "start", "end", "text", "label", "confidence", *PROB_FIELDS,
    "source", "cue", "warning",
)
DEFAULT_MODEL = f"models:/{cfg.REGISTERED_MODEL}@{cfg.CHAMPION_ALIAS}"


class ModelNotFoundError(RuntimeError):
    pass


def _offline_env() -> None:
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(var, "1")


def default_tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{cfg.MLRUNS_DB}"


def find_hf_folder(root: Path) -> Path | None:
    """The model inside a downloaded MLflow model: a transformers folder or a scikit-learn .joblib file."""
    if root.is_file() and root.suffix == ".joblib":
        return root
    if (root / "config.json").is_file():
        return root
    for cand in sorted(root.rglob("config.json")):
        if (cand.parent / "tokenizer_config.json").exists() or any(cand.parent.glob("*.safetensors")):
            return cand.parent
    joblibs = sorted(root.rglob("*.joblib"))
    return joblibs[0] if joblibs else None


def resolve_model_folder(model: str) -> Path:
    """Local transformers folder for a registry URI, run URI, MLflow model folder or plain folder."""
    path = Path(model)
    if path.exists():
        folder = find_hf_folder(path)
        if folder is None:
            raise ModelNotFoundError(f"{model}: no transformers model (config.json) in this folder")
        return folder
    if ":/" in model:
        import mlflow

        mlflow.set_tracking_uri(default_tracking_uri())
        try:
            local = mlflow.artifacts.download_artifacts(artifact_uri=model)
        except Exception as exc:  # MlflowException, missing alias, missing store: all mean "not trained"
            hint = " Run `make train` first." if model.startswith("models:/") else ""
            raise ModelNotFoundError(
                f"model {model!r} not found in the tracking store {default_tracking_uri()}: "
                f"{str(exc).splitlines()[0]}.{hint}"
            ) from exc
        folder = find_hf_folder(Path(local))
        if folder is None:
            raise ModelNotFoundError(f"{model}: the MLflow model holds no transformers folder")
        return folder
    raise ModelNotFoundError(model)  # a hub name: handled by the caller


@dataclass
class _Encoded:
    probs: list[list[float]]
    truncated: list[bool]


class RulesBackend:
    name = "rules"
    max_length = 0

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str | None], rule_labels: Sequence[str]) -> _Encoded:
        probs = [[1.0 if name == label else 0.0 for name in LABELS] for label in rule_labels]
        return _Encoded(probs, [False] * len(texts))


class SklearnBackend:
    """The TF-IDF + logistic-regression baseline (a scikit-learn pipeline saved with joblib)."""

    max_length = 0

    def __init__(self, path: Path):
        import joblib

        self.pipeline = joblib.load(path)
        classes = list(self.pipeline.classes_)
        self.index = [classes.index(name) for name in LABELS]
        self.name = str(path)

    def predict_proba(self, texts, contexts, rule_labels=None) -> _Encoded:
        from claimlens.modeling.baseline import features

        proba = self.pipeline.predict_proba(features(texts, contexts))
        return _Encoded([[float(row[j]) for j in self.index] for row in proba], [False] * len(texts))


DTYPES = ("auto", "float32", "bfloat16")


def cpu_has_native_bf16() -> bool:
    """True where the CPU multiplies bfloat16 in hardware (AVX512-BF16 or AMX): there bf16 inference is
    about 2x faster than fp32 (`make bench`); elsewhere it is emulated and slower, so "auto" keeps fp32."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def resolve_dtype(dtype: str, quantize: str | None = None) -> str:
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; expected one of {DTYPES}")
    if quantize:  # dynamic int8 quantization works on fp32 weights
        return "float32"
    if dtype == "auto":
        return "bfloat16" if cpu_has_native_bf16() else "float32"
    return dtype


class TransformerBackend:
    """A sequence-classification model from a local folder (or a hub name where a hub is reachable)."""

    def __init__(self, folder_or_name: str, batch_size: int = 64, max_length: int | None = None,
                 quantize: str | None = None, threads: int | None = None, dtype: str = "auto"):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.torch = torch
        if threads:
            torch.set_num_threads(threads)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(folder_or_name)
            self.model = AutoModelForSequenceClassification.from_pretrained(folder_or_name)
        except OSError as exc:
            raise ModelNotFoundError(
                f"cannot load model {folder_or_name!r}: not a local folder, and no model hub is reachable "
                f"offline (HF_HUB_OFFLINE=1). Give a local folder, an MLflow URI, or `rules`."
            ) from exc
        self.model.eval()
        conf = self.model.config
        order = [conf.id2label[i] for i in range(conf.num_labels)]
        if sorted(order) != sorted(LABELS):
            raise ModelNotFoundError(f"{folder_or_name}: model labels {order} are not {list(LABELS)}")
        self.index = [order.index(name) for name in LABELS]  # our label order -> model output column
        self.use_context = bool(getattr(conf, "claimlens_use_context", False))
        self.max_length = max_length or int(getattr(conf, "claimlens_max_length", 128))
        self.context_mode = str(getattr(conf, "claimlens_context_mode", "sentence"))
        self.rule_hint = bool(getattr(conf, "claimlens_rule_hint", False))
        self.batch_size = batch_size
        if quantize == "int8":
            self.model = torch.ao.quantization.quantize_dynamic(self.model, {torch.nn.Linear}, dtype=torch.qint8)
        elif quantize:
            raise ValueError(f"unknown --quantize {quantize!r}; supported: int8")
        # bf16 weights on a CPU with native bf16: 277 against 136 sentences/s in fp32, with 99.97% of
        # labels unchanged (`make bench`); probabilities are still computed in fp32 from the logits.
        self.dtype = resolve_dtype(dtype, quantize)
        if self.dtype == "bfloat16":
            self.model = self.model.to(torch.bfloat16)
        log.info("model %s runs in %s", folder_or_name, self.dtype)
        self.name = str(folder_or_name)

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str | None], rule_labels=None) -> _Encoded:
        torch = self.torch
        n = len(texts)
        ctx = [c or "" for c in contexts]
        # Sort by length so each batch pads to similar lengths (dynamic padding wastes little).
        with_ctx = self.use_context and self.context_mode == "sentence"
        order = sorted(range(n), key=lambda i: len(texts[i]) + (len(ctx[i]) if with_ctx else 0))
        probs: list[list[float]] = [None] * n  # type: ignore[list-item]
        truncated = [False] * n
        with torch.inference_mode():
            for b in range(0, n, self.batch_size):
                idx = order[b : b + self.batch_size]
                batch_t = [texts[i] for i in idx]
                hints = [rule_labels[i] for i in idx] if rule_labels is not None else None
                enc = encode(self.tokenizer, batch_t, [ctx[i] for i in idx], self.use_context, self.max_length,
                             self.context_mode, self.rule_hint, hints, padding=True, return_tensors="pt")
                lengths = enc["attention_mask"].sum(dim=1)
                out = self.model(**enc).logits.float().softmax(dim=-1)[:, self.index].tolist()
                for row, i in enumerate(idx):
                    probs[i] = out[row]
                    truncated[i] = bool(lengths[row] >= self.max_length)
        return _Encoded(probs, truncated)


class ClaimClassifier:
    """Sentence-level claim status with per-label probabilities, from any supported model."""

    def __init__(self, backend):
        self.backend = backend
        self._warned_truncation = False

    @classmethod
    def load(cls, model: str | None = None, batch_size: int = 64, max_length: int | None = None,
             quantize: str | None = None, threads: int | None = None, dtype: str = "auto") -> ClaimClassifier:
        """`dtype`: "auto" runs a transformer in bfloat16 where the CPU has native bf16, else float32;
        reported metrics use "float32" so they do not depend on the machine."""
        _offline_env()
        model = model or DEFAULT_MODEL
        if model == "rules":
            return cls(RulesBackend())
        try:
            target = str(resolve_model_folder(model))
        except ModelNotFoundError:
            if Path(model).exists() or ":/" in model:
                raise
            target = model  # a hub name
        if target.endswith(".joblib"):
            return cls(SklearnBackend(Path(target)))
        return cls(TransformerBackend(target, batch_size, max_length, quantize, threads, dtype))

    @property
    def name(self) -> str:
        return self.backend.name

    def predict(self, texts: Sequence[str], contexts: Sequence[str | None] | None = None,
                in_quotes: Sequence[bool | None] | None = None) -> list[dict]:
        """One dict per sentence: label, confidence, p_<label> for the four labels, source, cue, rule, warning."""
        texts = list(texts)
        if not texts:
            return []
        contexts = list(contexts) if contexts is not None else [None] * len(texts)
        if len(contexts) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(contexts)} contexts")
        quotes = list(in_quotes) if in_quotes is not None else [None] * len(texts)
        # The rule labeler runs once per sentence: its verdict feeds rule-hint models and the
        # source/cue fields of every record.
        rules = [label_sentence(t, c, q) for t, c, q in zip(texts, contexts, quotes)]
        enc = self.backend.predict_proba(texts, contexts, [r.label for r in rules])
        out = []
        for i, text in enumerate(texts):
            p = enc.probs[i]
            best = max(range(len(LABELS)), key=p.__getitem__)
            label = LABELS[best]
            rule = rules[i]
            warnings = []
            if enc.truncated[i]:
                warnings.append(f"truncated to {self.backend.max_length} tokens")
                if not self._warned_truncation:
                    log.warning("some sentences exceed the model's max length and were truncated")
                    self._warned_truncation = True
            lang = non_english_warning(text)
            if lang:
                warnings.append(lang)
            rec = {
                "label": label,
                "confidence": round(p[best], 6),
                **{f: round(v, 6) for f, v in zip(PROB_FIELDS, p)},
                "source": rule.source,
                # The rule's cue explains the label only when the rule reached the same label.
                "cue": rule.cue if rule.label == label else "",
                "rule": rule.rule,
                "warning": "; ".join(warnings),
            }
            out.append(rec)
        return out

    def predict_article(self, text: str, article_id: str = "article") -> list[dict]:
        """Clean and split like the dataset builder, then predict; records carry offsets into `text`."""
        sentences, _dropped = split_article(text)
        return _article_records(article_id, sentences, self.predict(*_article_inputs(sentences)))


def _article_inputs(sentences: Sequence[Sentence]) -> tuple[list[str], list[str], list[bool]]:
    """Texts, contexts (the previous kept sentence, as in the dataset) and quote flags of one article."""
    texts = [s.text for s in sentences]
    return texts, ([""] + texts[:-1]) if texts else [], [s.in_quote for s in sentences]


def _article_records(article_id: str, sentences: Sequence[Sentence], preds: Sequence[dict]) -> list[dict]:
    return [
        {"article_id": article_id, "sentence_id": f"{article_id}:{s.index}", "start": s.start, "end": s.end,
         "text": s.text, **p}
        for s, p in zip(sentences, preds)
    ]


# ----------------------------------------------------------------------------------------- CLI


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def iter_predictions(clf: ClaimClassifier, articles: Iterable, sentences_mode: bool, chunk_sentences: int = 2048,
                     progress=None) -> Iterator[tuple[str, list[dict], str]]:
    """Yield (article_id, records, article_text) in input order, predicting in bounded chunks."""
    if sentences_mode:
        for chunk in _chunks(iter(articles), chunk_sentences):
            preds = clf.predict([a.text for a in chunk], [a.context for a in chunk])
            for a, p in zip(chunk, preds):
                rec = {"article_id": a.id, "sentence_id": a.id, "start": 0, "end": len(a.text), "text": a.text, **p}
                if progress is not None:
                    progress.update(1)
                yield a.id, [rec], a.text
        return
    pending: list[tuple] = []  # (article, sentences)
    n_pending = 0

    def flush():
        texts, ctxs, quotes = [], [], []
        for _a, sents in pending:
            t, c, q = _article_inputs(sents)
            texts += t
            ctxs += c
            quotes += q
        preds = clf.predict(texts, ctxs, quotes)
        k = 0
        for a, sents in pending:
            recs = _article_records(a.id, sents, preds[k : k + len(sents)])
            k += len(sents)
            if progress is not None:
                progress.update(len(sents))
            yield a.id, recs, a.text

    for a in articles:
        sents, _ = split_article(a.text)
        pending.append((a, sents))
        n_pending += len(sents)
        if n_pending >= chunk_sentences:
            yield from flush()
            pending, n_pending = [], 0
    if pending:
        yield from flush()


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", help="files or folders (txt, md, html, jsonl, csv), or - for stdin")
    p.add_argument("--model", default=None, help=f"registry/run URI, folder, or 'rules' (default {DEFAULT_MODEL})")
    p.add_argument("--output", "-o", help="output file (default: standard output)")
    p.add_argument("--format", choices=("jsonl", "csv", "html"), help="default: from --output suffix, else jsonl")
    p.add_argument("--sentences", action="store_true",
                   help="every input line or record is one sentence: no splitting, no junk dropping")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--max-length", type=int, help="token limit (default: the model's training max length)")
    p.add_argument("--quantize", choices=("int8",), help="dynamic int8 quantization of the linear layers (CPU)")
    p.add_argument("--dtype", choices=DTYPES, default="auto",
                   help="auto: bfloat16 where the CPU has native bf16 (about 2x faster), else float32")
    p.add_argument("--id-field", help="record field holding the id (jsonl/csv)")
    p.add_argument("--text-field", help="record field holding the text (jsonl/csv)")
    p.add_argument("--context-field", help="record field holding the previous sentence (--sentences)")
    p.add_argument("--strict", action="store_true", help="fail on any skipped input")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from tqdm import tqdm

    from claimlens.readers import Problem, read_articles
    from claimlens.writers import open_writer

    console = Console(stderr=True)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    fmt = args.format or (Path(args.output).suffix.lstrip(".").lower() if args.output else "jsonl")
    if fmt not in ("jsonl", "csv", "html"):
        fmt = "jsonl"
    try:
        clf = ClaimClassifier.load(args.model, batch_size=args.batch_size, max_length=args.max_length,
                                   quantize=args.quantize, dtype=args.dtype)
    except ModelNotFoundError as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False)
        return 2
    problems: list[Problem] = []
    articles = read_articles(args.inputs, problems, id_field=args.id_field, text_field=args.text_field,
                             context_field=args.context_field, sentences=args.sentences)
    progress = tqdm(unit="sent", desc="predict", file=sys.stderr, disable=args.quiet or None)
    labels: Counter = Counter()
    n_articles = n_sent = n_warn = 0
    writer = open_writer(fmt, args.output, model_name=clf.name)
    try:
        for _aid, recs, text in iter_predictions(clf, articles, args.sentences, progress=progress):
            writer.write_article(_aid, recs, text)
            n_articles += 1
            n_sent += len(recs)
            n_warn += sum(1 for r in recs if r["warning"])
            labels.update(r["label"] for r in recs)
            if args.strict and problems:
                break
        if args.strict and problems:
            writer.abort()
            console.print(f"[red]error (--strict):[/] {problems[0]}", highlight=False)
            return 2
        writer.close({"articles": n_articles, "sentences": n_sent, "labels": dict(labels),
                      "skipped": [str(p) for p in problems]})
    except BaseException:
        writer.abort()
        raise
    finally:
        progress.close()
    if not args.quiet:
        console.print(f"{n_articles} {'records' if args.sentences else 'articles'}, {n_sent} sentences: "
                      + ", ".join(f"{k} {labels.get(k, 0)}" for k in LABELS)
                      + (f"; {n_warn} with warnings" if n_warn else ""), highlight=False)
        if problems:
            console.print(f"[yellow]skipped {len(problems)} item(s):[/]", highlight=False)
            for prob in problems[:100]:
                console.print(f"  [yellow]- {prob}[/]", highlight=False)
    if n_sent == 0:
        console.print("[red]error:[/] no sentence to predict in the input", highlight=False)
        return 1
    return 0
