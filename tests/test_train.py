"""End-to-end training into a temporary MLflow store (slow: loads and fine-tunes MiniLM for a few steps)."""

import json
from pathlib import Path

import pytest

from claimlens.config import ConfigError, load_config
from claimlens.dataset import DataConfig, build
from claimlens.labels import LABELS
from claimlens.modeling.train import TrainConfig, TrainingError, resolve_base_model, train

from .test_dataset import make_corpus


def test_config_validation_fails_before_any_work(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("epochs: 2\nlearning_rat: 0.1\n")
    with pytest.raises(ConfigError, match="learning_rat"):
        load_config(TrainConfig, bad)
    bad.write_text("epochs: lots\n")
    with pytest.raises(ConfigError, match="epochs: expected a number"):
        load_config(TrainConfig, bad)


def test_missing_base_model_names_what_to_install(tmp_path):
    with pytest.raises(TrainingError, match="does not exist"):
        resolve_base_model(str(tmp_path / "nowhere"))
    with pytest.raises(TrainingError, match="offline"):
        resolve_base_model("some-org/some-model")


def test_empty_or_single_label_training_split_fails_clearly(tmp_path):
    from claimlens.modeling.train import load_dataset_dict

    raw, ann = make_corpus(tmp_path, n=8, gold_for=range(8))
    for f in ann.iterdir():
        recs = [json.loads(x) for x in f.read_text().splitlines()]
        f.write_text("".join(json.dumps({**r, "label": "confirmed"}) + "\n" for r in recs))
    out = tmp_path / "d"
    build(DataConfig(inputs=[str(raw)], annotations=str(ann), metadata=None, workers=1), output=str(out))
    with pytest.raises(TrainingError, match="single label"):
        load_dataset_dict(TrainConfig(dataset=str(out)))
    with pytest.raises(TrainingError, match="no dataset"):
        load_dataset_dict(TrainConfig(dataset=str(tmp_path / "none")))


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    raw, ann = make_corpus(tmp_path, n=12, gold_for=range(12))
    data = tmp_path / "data"
    build(DataConfig(inputs=[str(raw)], annotations=str(ann), metadata=None, workers=1), output=str(data))
    return TrainConfig(dataset=str(data), max_steps=2, max_length=32, batch_size=8, eval_batch_size=16,
                       checkpoints_dir=str(tmp_path / "ckpt"), eval_fnc1=False, experiment_name="test", logging_steps=1)


@pytest.mark.slow
def test_tiny_run_is_tracked_registered_and_served_by_pyfunc(tiny):
    import mlflow
    import pandas as pd
    from mlflow import MlflowClient

    summary = train(tiny)
    client = MlflowClient()
    run = client.get_run(summary["run_id"])
    assert {"test_macro_f1", "test_accuracy", "test_f1_denied", "train_seconds"} <= set(run.data.metrics)
    assert run.data.params["max_steps"] == "2" and run.data.tags["eval_labels"] == "gold"
    assert [i.dataset.name for i in run.inputs.dataset_inputs]
    arts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"test_confusion_matrix.png", "test_classification_report.txt", "test_misclassified.json"} <= arts
    version = client.get_model_version_by_alias("claimlens", "champion")
    assert version.version == summary["version"] and "promoted" in summary["decision"]
    model = mlflow.pyfunc.load_model("models:/claimlens@champion")
    out = model.predict(pd.DataFrame({"text": ["The ministry denied it.", "Police said so."], "context": ["", ""]}))
    assert list(out["label"].isin(LABELS)) == [True, True]
    probs = out[[f"p_{x}" for x in LABELS]].sum(axis=1)
    assert ((probs - 1).abs() < 1e-5).all()
    # A second, no better run does not take the alias.
    again = train(tiny)
    assert client.get_model_version_by_alias("claimlens", "champion").version == (
        again["version"] if "promoted" in again["decision"] else version.version)


@pytest.mark.slow
def test_crash_leaves_registry_and_alias_untouched(tiny, monkeypatch):
    from mlflow import MlflowClient

    first = train(tiny)

    def boom(*a, **k):
        raise RuntimeError("killed while logging the model")

    monkeypatch.setattr("claimlens.modeling.pyfunc.log_pyfunc", boom)
    with pytest.raises(RuntimeError):
        train(tiny)
    client = MlflowClient()
    assert client.get_model_version_by_alias("claimlens", "champion").version == first["version"]
    assert len(client.search_model_versions("name='claimlens'")) == 1


@pytest.mark.slow
def test_resume_continues_from_the_last_checkpoint(tiny, monkeypatch):
    import transformers

    conf = tiny
    conf.max_steps = 4
    real_step = transformers.Trainer.training_step
    calls = {"n": 0}

    def dying_step(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("simulated kill")
        return real_step(self, *a, **k)

    monkeypatch.setattr(transformers.Trainer, "training_step", dying_step)
    with pytest.raises(KeyboardInterrupt):
        train(conf)
    conf_dir = Path(conf.checkpoints_dir) / conf.run_name
    ckpt = sorted(p.name for p in conf_dir.glob("checkpoint-*"))
    assert ckpt == ["checkpoint-2"]
    run_id = (conf_dir / "mlflow_run_id").read_text()
    monkeypatch.setattr(transformers.Trainer, "training_step", real_step)
    calls["n"] = 0
    counted = {"n": 0}

    def counting_step(self, *a, **k):
        counted["n"] += 1
        return real_step(self, *a, **k)

    monkeypatch.setattr(transformers.Trainer, "training_step", counting_step)
    summary = train(conf, resume=True)
    assert counted["n"] == 2  # steps 3 and 4 only, not a restart
    assert summary["run_id"] == run_id


@pytest.mark.slow
def test_export_loads_in_a_plain_transformers_pipeline_and_serves_over_rest(tiny, tmp_path):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from transformers import pipeline

    from claimlens.modeling.export import export

    summary = train(tiny)
    out = export("models:/claimlens@champion", tmp_path / "exported")
    clf = pipeline("text-classification", model=str(out))
    assert clf("The ministry denied the report.")[0]["label"] in LABELS

    # `mlflow models serve` on loopback: the same pyfunc over REST.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    bin_dir = os.path.dirname(sys.executable)
    mlflow_bin = os.path.join(bin_dir, "mlflow")
    proc = subprocess.Popen([mlflow_bin, "models", "serve", "-m", f"runs:/{summary['run_id']}/model", "--env-manager",
                             "local", "-h", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            # the server execs `uvicorn`, which lives beside the interpreter
                            env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")})
    try:
        body = json.dumps({"dataframe_records": [{"text": "Police said the man fled.", "context": ""}]}).encode()
        deadline = time.time() + 90
        while True:
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/invocations", data=body,
                                             headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(req, timeout=5) as resp:
                    preds = json.loads(resp.read())["predictions"]
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(1)
        assert preds[0]["label"] in LABELS
        assert abs(sum(preds[0][f"p_{x}"] for x in LABELS) - 1) < 1e-5
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_mixed_precision_choice(monkeypatch):
    import torch

    from claimlens.modeling import predict
    from claimlens.modeling.train import _use_bf16

    assert _use_bf16("fp32", torch) is False and _use_bf16("bf16", torch) is True
    if not torch.cuda.is_available():
        monkeypatch.setattr(predict, "cpu_has_native_bf16", lambda: False)
        assert _use_bf16("auto", torch) is False
        monkeypatch.setattr(predict, "cpu_has_native_bf16", lambda: True)
        assert _use_bf16("auto", torch) is True
    with pytest.raises(TrainingError, match="mixed_precision"):
        train(TrainConfig(dataset="none", mixed_precision="fp8"))  # before any work: no dataset needed


def test_real_news_repeat_oversamples_only_the_real_news_rows(tmp_path):
    import datasets

    from claimlens.modeling.train import load_dataset_dict

    def split(ids):
        return datasets.Dataset.from_dict({"article_id": ids, "label": [i % 2 for i in range(len(ids))],
                                           "label_source": ["gold"] * len(ids)})

    datasets.DatasetDict({"train": split(["a1", "a1", "fnc1-7", "fnc1-8"]), "validation": split(["v"]),
                          "test": split(["t"])}).save_to_disk(str(tmp_path / "d"))
    dd, _, _ = load_dataset_dict(TrainConfig(dataset=str(tmp_path / "d"), real_news_repeat=3))
    ids = dd["train"]["article_id"]
    assert ids.count("a1") == 2 and ids.count("fnc1-7") == 3 and ids.count("fnc1-8") == 3
    with pytest.raises(TrainingError, match="real_news_repeat"):
        load_dataset_dict(TrainConfig(dataset=str(tmp_path / "d"), real_news_repeat=0))
    dd, _, _ = load_dataset_dict(TrainConfig(dataset=str(tmp_path / "d"), corpus_fraction=0.5))
    assert sorted(dd["train"]["article_id"]) == ["a1", "fnc1-7", "fnc1-8"]
    dd, _, _ = load_dataset_dict(TrainConfig(dataset=str(tmp_path / "d"), corpus_fraction=0))
    assert sorted(dd["train"]["article_id"]) == ["fnc1-7", "fnc1-8"]


def test_unknown_optimizer_fails_before_any_work():
    with pytest.raises(TrainingError, match="optim 'adam_typo'"):
        train(TrainConfig(dataset="none", optim="adam_typo"))


@pytest.mark.slow
def test_frozen_embeddings_stay_as_loaded_under_the_fused_optimizer(tiny):
    from pathlib import Path

    from safetensors.torch import load_file

    from claimlens.modeling.train import resolve_base_model

    conf = tiny
    conf.freeze_embeddings, conf.optim, conf.register = True, "adamw_torch_fused", False
    train(conf)
    ckpt = sorted(Path(conf.checkpoints_dir, conf.run_name).glob("checkpoint-*"))[-1]
    tuned = load_file(str(ckpt / "model.safetensors"))
    base = load_file(str(Path(resolve_base_model(conf.base_model)) / "model.safetensors"))
    key = next(k for k in tuned if k.endswith("word_embeddings.weight"))
    base_key = next(k for k in base if k.endswith("word_embeddings.weight"))
    assert (tuned[key] == base[base_key]).all()
    layer = next(k for k in tuned if k.endswith("attention.self.query.weight"))
    assert not (tuned[layer] == base[next(k for k in base if k.endswith(layer.split("bert.")[-1]))]).all()


def test_freeze_layers_fixes_embeddings_and_lower_layers_only():
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from claimlens.modeling.train import freeze_lower_layers

    torch.manual_seed(0)
    model = BertForSequenceClassification(BertConfig(vocab_size=64, hidden_size=16, num_hidden_layers=3,
                                                     num_attention_heads=2, intermediate_size=32, num_labels=4))
    freeze_lower_layers(model, 2)
    ids = torch.randint(5, 64, (2, 6))
    model(input_ids=ids, labels=torch.tensor([0, 3])).loss.backward()
    layers = model.bert.encoder.layer
    for frozen in (model.bert.embeddings, layers[0], layers[1]):
        assert all(not p.requires_grad and p.grad is None for p in frozen.parameters())
    for trained in (layers[2], model.classifier):
        assert all(p.requires_grad and p.grad is not None for p in trained.parameters())
    with pytest.raises(TrainingError, match="between 1 and 2"):
        freeze_lower_layers(model, 3)


def test_negative_freeze_layers_fails_before_any_work():
    with pytest.raises(TrainingError, match="freeze_layers"):
        train(TrainConfig(dataset="none", freeze_layers=-1))


def test_label_smoothing_out_of_range_fails_before_any_work():
    with pytest.raises(TrainingError, match="label_smoothing"):
        train(TrainConfig(dataset="none", label_smoothing=1.0))
