from pathlib import Path

from claimlens import config as cfg
from claimlens.tracking import artifact_location, setup


def test_the_embedded_store_keeps_artifacts_in_experiments_mlartifacts():
    assert artifact_location(f"sqlite:///{cfg.MLRUNS_DB}") == cfg.MLARTIFACTS_DIR.resolve().as_uri()


def test_any_sqlite_store_keeps_artifacts_beside_it_and_a_server_decides_for_itself(tmp_path):
    assert artifact_location(f"sqlite:///{tmp_path}/runs.db") == (tmp_path / "mlartifacts").as_uri()
    assert artifact_location("http://127.0.0.1:5000") is None


def test_setup_creates_the_experiment_with_that_location(tmp_path, monkeypatch):
    import mlflow

    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/runs.db")
    monkeypatch.chdir(tmp_path)
    exp_id = setup("located")
    assert mlflow.get_experiment(exp_id).artifact_location == (tmp_path / "mlartifacts").as_uri()
    assert not Path(tmp_path, "mlruns").exists()
