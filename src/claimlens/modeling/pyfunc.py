"""The MLflow pyfunc flavour of a claimlens model: a table of sentences in, labels and probabilities out.

Input: a DataFrame with a `text` column and an optional `context` column (the previous sentence).
Output: a DataFrame with `label`, `confidence`, `p_confirmed`, `p_alleged`, `p_denied`,
`p_unconfirmed`, `source` and `cue`, one row per input row, in order. `mlflow models serve` serves it.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import mlflow.pyfunc
import pandas as pd

OUTPUT_COLUMNS = ["label", "confidence", "p_confirmed", "p_alleged", "p_denied", "p_unconfirmed", "source", "cue"]


class ClaimlensPyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from claimlens.modeling.predict import ClaimClassifier

        self.clf = ClaimClassifier.load(context.artifacts["model"])

    def predict(self, context, model_input, params=None):
        df = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        if "text" not in df.columns:
            raise ValueError(f"input needs a 'text' column; got {list(df.columns)}")
        texts = df["text"].fillna("").astype(str).tolist()
        contexts = df["context"].fillna("").astype(str).tolist() if "context" in df.columns else None
        preds = self.clf.predict(texts, contexts)
        return pd.DataFrame([{k: p[k] for k in OUTPUT_COLUMNS} for p in preds], columns=OUTPUT_COLUMNS)


def pip_requirements(extra: list[str] | None = None) -> list[str]:
    """Pinned requirements of the serving environment (explicit, so MLflow never guesses torchvision)."""
    names = ["torch", "transformers", "pandas", "pysbd", "pyyaml", "trafilatura", "rich", "tqdm", "mlflow"]
    reqs = []
    for name in names + (extra or []):
        try:
            reqs.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            reqs.append(name)
    return reqs


def log_pyfunc(model_path: str | Path, input_example: pd.DataFrame, extra_requirements: list[str] | None = None):
    """Log the model at `model_path` (transformers folder or sklearn .joblib) as this run's pyfunc model."""
    from mlflow.models import infer_signature

    import claimlens

    wrapper = ClaimlensPyfunc()
    # The signature is inferred from a real prediction, so it matches what the model returns.
    from claimlens.modeling.predict import ClaimClassifier

    wrapper.clf = ClaimClassifier.load(str(model_path))
    output_example = wrapper.predict(None, input_example)
    signature = infer_signature(input_example, output_example)
    return mlflow.pyfunc.log_model(
        name="model",
        python_model=ClaimlensPyfunc(),
        artifacts={"model": str(model_path)},
        code_paths=[str(Path(claimlens.__file__).parent)],
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements(extra_requirements),
    )
