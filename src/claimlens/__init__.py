"""claimlens: how does a news article present each claim? confirmed, alleged, denied or unconfirmed."""

from __future__ import annotations

from claimlens.labels import LABELS

__all__ = ["LABELS", "ClaimClassifier"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported lazily: the classifier pulls in torch/transformers, which the dataset builder never needs.
    if name == "ClaimClassifier":
        from claimlens.modeling.predict import ClaimClassifier

        return ClaimClassifier
    raise AttributeError(name)
