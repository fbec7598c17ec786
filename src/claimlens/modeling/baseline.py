"""Reference runs beside the transformer, in the same MLflow experiment: `claimlens baseline` / `make baseline`.

1. TF-IDF (word 1-2 grams + character 2-5 grams) + logistic regression, registered like the transformer
   (the champion alias moves to it only if it beats the champion's test macro-F1, on real news where
   both runs were scored on it).
2. The rule labeler scored on the same test split (nothing to register: it is code, not weights).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from claimlens import config as cfg
from claimlens.labels import LABELS
from claimlens.rules import continues_quote


@dataclass
class BaselineConfig:
    dataset: str = "data/processed/claimlens"
    experiment_name: str = "claimlens"
    C: float = 4.0
    max_word_ngram: int = 2
    seed: int = 13
    register: bool = True
    eval_fnc1: bool = True
    rules_run: bool = True


def features(texts: Sequence[str], contexts: Sequence[str | None] | None = None) -> list[str]:
    """The sentence, plus one token telling that it continues a quotation opened before (guide note 7)."""
    contexts = contexts if contexts is not None else [None] * len(texts)
    out = []
    for t, c in zip(texts, contexts):
        out.append(f"{t} __continues_quote__" if continues_quote(c) else t)
    return out


def build_pipeline(conf: BaselineConfig):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    return Pipeline([
        ("features", FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, conf.max_word_ngram), sublinear_tf=True, min_df=1, lowercase=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        ])),
        ("clf", LogisticRegression(C=conf.C, max_iter=2000, class_weight="balanced", random_state=conf.seed)),
    ])


def run_baselines(conf: BaselineConfig) -> dict:
    import joblib
    import mlflow
    import pandas as pd

    from claimlens import tracking
    from claimlens.modeling.predict import ClaimClassifier
    from claimlens.modeling.pyfunc import log_pyfunc
    from claimlens.modeling.train import TrainConfig, evaluate_and_log, load_dataset_dict

    dd, data_path, silver = load_dataset_dict(TrainConfig(dataset=conf.dataset))
    tracking.setup(conf.experiment_name)
    results: dict = {}

    with mlflow.start_run(run_name="tfidf-logreg") as run:
        tracking.log_dataset(dd, data_path, silver, "tfidf-logreg")
        mlflow.log_params(asdict(conf))
        t0 = time.perf_counter()
        pipe = build_pipeline(conf)
        train = dd["train"]
        pipe.fit(features(train["text"], train["context"]), [LABELS[i] for i in train["label"]])
        mlflow.log_metric("train_seconds", time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "tfidf_logreg.joblib"
            joblib.dump(pipe, path)
            clf = ClaimClassifier.load(str(path))
            val = evaluate_and_log(clf, dd["validation"], prefix="val_", silver=silver)
            summary = evaluate_and_log(clf, dd["test"], prefix="test_", silver=silver)
            summary["val_macro_f1"] = val["test_macro_f1"]
            summary["fnc1_test_macro_f1"] = tracking.log_fnc1_eval(clf, conf.eval_fnc1)
            example = pd.DataFrame({"text": ["The ministry denied the report."], "context": [""]})
            info = log_pyfunc(path, example, extra_requirements=["scikit-learn", "joblib"])
        if conf.register:
            reg = tracking.register_and_maybe_promote(info.model_uri, run.info.run_id)
            mlflow.set_tag("champion_decision", reg["decision"])
            summary.update(reg)
        results["tfidf-logreg"] = {"run_id": run.info.run_id, **summary}

    if conf.rules_run:
        with mlflow.start_run(run_name="rules") as run:
            tracking.log_dataset(dd, data_path, silver, "rules")
            mlflow.log_param("lexicon", "src/claimlens/resources/rules.yaml")
            clf = ClaimClassifier.load("rules")
            summary = evaluate_and_log(clf, dd["test"], prefix="test_", silver=silver)
            summary["fnc1_test_macro_f1"] = tracking.log_fnc1_eval(clf, conf.eval_fnc1)
            mlflow.log_artifact(str(cfg.RESOURCES_DIR / "rules.yaml"))
            results["rules"] = {"run_id": run.info.run_id, **summary}
    return results


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("overrides", nargs="*", help="key=value overrides of BaselineConfig")
    p.add_argument("--config", default=str(cfg.CONFIGS_DIR / "baseline.yaml"))


def run(args: argparse.Namespace) -> int:
    from claimlens.modeling.train import TrainingError

    try:
        conf = cfg.load_config(BaselineConfig, args.config, None, args.overrides)
        results = run_baselines(conf)
    except (cfg.ConfigError, TrainingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(results, indent=2, default=str))
    return 0
