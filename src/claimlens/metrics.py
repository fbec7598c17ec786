"""All metrics in one function, computed by scikit-learn, so every run reports the same numbers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from claimlens.labels import LABELS


def compute_metrics(y_true: Sequence[str], y_pred: Sequence[str], prefix: str = "") -> dict[str, float]:
    """accuracy, macro_f1, and precision/recall/f1/support per label (label names, not ids)."""
    labels = list(LABELS)
    out = {
        f"{prefix}accuracy": float(accuracy_score(y_true, y_pred)) if len(y_true) else 0.0,
        f"{prefix}macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
    }
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    for i, name in enumerate(labels):
        out[f"{prefix}precision_{name}"] = float(p[i])
        out[f"{prefix}recall_{name}"] = float(r[i])
        out[f"{prefix}f1_{name}"] = float(f[i])
        out[f"{prefix}support_{name}"] = int(s[i])
    return out


def confusion(y_true: Sequence[str], y_pred: Sequence[str]) -> np.ndarray:
    return confusion_matrix(y_true, y_pred, labels=list(LABELS))


def classification_report_text(y_true: Sequence[str], y_pred: Sequence[str]) -> str:
    from sklearn.metrics import classification_report

    return classification_report(y_true, y_pred, labels=list(LABELS), digits=3, zero_division=0)


def confusion_figure(y_true: Sequence[str], y_pred: Sequence[str], title: str = "confusion matrix"):
    """A matplotlib figure of the confusion matrix (rows: gold, columns: predicted)."""
    import matplotlib

    matplotlib.use("Agg")
    from sklearn.metrics import ConfusionMatrixDisplay

    disp = ConfusionMatrixDisplay.from_predictions(
        list(y_true), list(y_pred), labels=list(LABELS), cmap="Blues", colorbar=False
    )
    disp.ax_.set_title(title)
    disp.ax_.set_xlabel("predicted")
    disp.ax_.set_ylabel("gold")
    disp.figure_.tight_layout()
    return disp.figure_
