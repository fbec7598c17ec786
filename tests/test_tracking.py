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


def test_champion_follows_real_news_test_score_when_both_runs_have_it(tmp_path, monkeypatch):
    import mlflow
    from mlflow import MlflowClient

    from claimlens.tracking import register_and_maybe_promote

    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/runs.db")
    monkeypatch.chdir(tmp_path)
    setup("champions")

    class Echo(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input):
            return model_input

    def run(**metrics):
        with mlflow.start_run() as r:
            mlflow.log_metrics(metrics)
            info = mlflow.pyfunc.log_model(name="model", python_model=Echo(), pip_requirements=[])
        return register_and_maybe_promote(info.model_uri, r.info.run_id)

    def champion():
        return MlflowClient().get_model_version_by_alias("claimlens", "champion").version

    first = run(test_macro_f1=0.90, fnc1_test_macro_f1=0.70)
    assert "first champion" in first["decision"] and champion() == first["version"]
    # Better on real news, worse on the synthetic corpus: real news decides.
    second = run(test_macro_f1=0.85, fnc1_test_macro_f1=0.80)
    assert champion() == second["version"] and "fnc1_test_macro_f1 0.8000 > 0.7000" in second["decision"]
    # Without real-news gold (no ../shared) the corpus test split is the only common yardstick.
    third = run(test_macro_f1=0.86)
    assert champion() == third["version"] and "test_macro_f1 0.8600 > 0.8500" in third["decision"]
    fourth = run(test_macro_f1=0.80)
    assert champion() == third["version"] and fourth["decision"].startswith("kept")
    fifth = run(accuracy=0.99)
    assert champion() == third["version"] and "no metric" in fifth["decision"]
