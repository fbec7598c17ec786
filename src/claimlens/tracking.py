"""MLflow plumbing shared by every run: the store, the experiment, the registry and its champion alias.

Default store: SQLite at experiments/mlflow.db with artifacts under experiments/mlartifacts (an
explicit artifact location, which a SQLite store needs; any other SQLite store keeps its artifacts in
an mlartifacts folder beside it). MLFLOW_TRACKING_URI points everything at a real tracking server
instead.
"""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

from claimlens import config as cfg


def setup(experiment_name: str = "claimlens") -> str:
    """Point MLflow at the store and make sure the experiment exists; returns the experiment id."""
    import mlflow

    uri = os.environ.get("MLFLOW_TRACKING_URI")  # read before set_tracking_uri, which exports it
    if not uri:
        cfg.EXPERIMENTS_DIR.mkdir(parents=True, exist_ok=True)
        uri = f"sqlite:///{cfg.MLRUNS_DB}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    exp = mlflow.get_experiment_by_name(experiment_name)
    if exp is None:
        exp_id = mlflow.create_experiment(experiment_name, artifact_location=artifact_location(uri))
    else:
        exp_id = exp.experiment_id
    mlflow.set_experiment(experiment_id=exp_id)
    return exp_id


def artifact_location(uri: str) -> str | None:
    """Where a new experiment keeps its artifacts: beside a SQLite store (the embedded default gives
    experiments/mlartifacts), because MLflow would otherwise use ./mlruns of whatever folder the command
    runs in; a tracking server decides for itself (None)."""
    if uri.startswith("sqlite:///"):
        return (Path(uri[len("sqlite:///") :]).parent / cfg.MLARTIFACTS_DIR.name).resolve().as_uri()
    return None


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cfg.PROJECT_ROOT, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=cfg.PROJECT_ROOT,
                               capture_output=True, text=True, timeout=5)
        sha = out.stdout.strip()
        return (sha + ("-dirty" if dirty.stdout.strip() else "")) if sha else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def log_dataset(dd, data_path: Path, silver: bool, model_kind: str) -> None:
    """On the active run: the tags every run carries (model kind, git commit, data version, gold or
    silver evaluation labels, optional offset gold), the dataset card, and the three splits as inputs."""
    import json

    import mlflow

    mlflow.set_tags({
        "model_kind": model_kind,
        "git_commit": git_commit(),
        "data_version": "-".join(dd[s]._fingerprint for s in ("train", "validation", "test")),
        "eval_labels": "SILVER (rule labels: imitation, not accuracy)" if silver else "gold",
    })
    card = data_path / "summary.json"
    if card.is_file():
        built = json.loads(card.read_text(encoding="utf-8"))
        mlflow.set_tag("offset_gold", str(built.get("offset_gold", "not configured")))
        mlflow.log_artifact(str(data_path / "README.md"), "dataset")
    for split in ("train", "validation", "test"):
        mlflow.log_input(mlflow.data.from_huggingface(
            dd[split], path=str(data_path), name=f"{data_path.name}-{split}", digest=dd[split]._fingerprint[:16]),
            context=split)


def log_fnc1_eval(clf, enabled: bool = True) -> float | None:
    """Score `clf` on the held-out FNC-1 gold splits (when the corpus is beside the checkout) into the
    active run; returns the `test` split's macro-F1, or None when skipped."""
    import mlflow

    if not (enabled and cfg.FNC1_BODIES.is_file()):
        return None
    from claimlens.evaluate import EVAL_SPLITS, evaluate

    scores = {}
    for split in EVAL_SPLITS:  # "test", then the larger "heldout" set where the gold file has one
        res = evaluate("", split=split, clf=clf)
        if res["sentences"]:
            mlflow.log_metrics({f"fnc1_{split}_{k}": v for k, v in res["metrics"].items()})
            mlflow.log_text(res["report"], f"fnc1_{split}_classification_report.txt")
            scores[split] = res["metrics"]["macro_f1"]
    return scores.get("test")


# The champion yardstick, best first: macro-F1 on the real-news (FNC-1) test gold, which both runs have
# where ../shared was there when they trained, else on the dataset's own (synthetic corpus) test split.
# Real news is what users score, so a model that is better only on the corpus must not take the alias.
CHAMPION_METRICS = ("fnc1_test_macro_f1", "test_macro_f1")


def register_and_maybe_promote(model_uri: str, run_id: str, metrics: tuple[str, ...] = CHAMPION_METRICS,
                               name: str = cfg.REGISTERED_MODEL, alias: str = cfg.CHAMPION_ALIAS) -> dict:
    """Register the logged model; move the champion alias to it only when it beats the champion.

    The two runs are compared on the first of `metrics` that both logged. Called last in a run, so a
    crash or kill before this point leaves registry and alias untouched.
    """
    import mlflow
    from mlflow import MlflowClient

    client = MlflowClient()
    version = mlflow.register_model(model_uri, name)
    new = client.get_run(run_id).data.metrics
    try:
        champ = client.get_model_version_by_alias(name, alias)
    except mlflow.exceptions.MlflowException:
        champ = None
    if champ is None:
        client.set_registered_model_alias(name, alias, version.version)
        decision = f"promoted: version {version.version} is the first {alias}"
    else:
        old = client.get_run(champ.run_id).data.metrics if champ.run_id else {}
        metric = next((m for m in metrics if m in new and m in old), None)
        if metric is None:
            decision = (f"kept: version {champ.version} stays {alias} (no metric of {', '.join(metrics)} "
                        f"logged by both it and new version {version.version})")
        elif new[metric] > old[metric]:
            client.set_registered_model_alias(name, alias, version.version)
            decision = (f"promoted: version {version.version} is the new {alias} ({metric} {new[metric]:.4f} "
                        f"> {old[metric]:.4f} of version {champ.version})")
        else:
            decision = (f"kept: version {champ.version} stays {alias} ({metric} {old[metric]:.4f} "
                        f">= {new[metric]:.4f} of new version {version.version})")
    client.set_model_version_tag(name, version.version, "champion_decision", decision)
    return {"version": version.version, "decision": decision}


def runs_table(experiment_name: str = "claimlens"):
    import mlflow

    setup(experiment_name)
    df = mlflow.search_runs(experiment_names=[experiment_name], order_by=["attributes.start_time DESC"])
    if df.empty:
        return df
    cols = ["run_id", "tags.mlflow.runName", "tags.model_kind", "status", "metrics.test_macro_f1",
            "metrics.test_accuracy", "metrics.fnc1_test_macro_f1", "metrics.fnc1_heldout_macro_f1",
            "metrics.train_seconds", "tags.eval_labels"]
    cols = [c for c in cols if c in df.columns]
    out = df[cols].copy()
    out.columns = [c.split(".")[-1] for c in cols]
    out["run_id"] = out["run_id"].str[:8]
    return out


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--experiment", default="claimlens")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    df = runs_table(args.experiment)
    import sys

    console = Console(width=None if sys.stdout.isatty() else 160)
    if df.empty:
        console.print("no runs yet: run `make train`")
        return 1
    table = Table(title=f"MLflow runs of experiment {args.experiment!r} ({os.environ.get('MLFLOW_TRACKING_URI') or Path(cfg.MLRUNS_DB)})")
    for c in df.columns:
        table.add_column(c)
    for _, row in df.iterrows():
        table.add_row(*[f"{v:.4f}" if isinstance(v, float) else str(v) for v in row.tolist()])
    console.print(table)
    return 0
