"""The one label list of the project. Everything else imports it from here."""

from __future__ import annotations

# Order matters: it is the id order of the model's output layer and of every ClassLabel.
LABELS: tuple[str, ...] = ("confirmed", "alleged", "denied", "unconfirmed")
LABEL2ID: dict[str, int] = {name: i for i, name in enumerate(LABELS)}
ID2LABEL: dict[int, str] = dict(enumerate(LABELS))

# Rule precedence of the label guide (shared/labels.md, "Deciding"): first rule that holds wins.
RULE_ORDER: tuple[str, ...] = (
    "denied",
    "unconfirmed_explicit",
    "alleged",
    "unconfirmed_hedged",
    "confirmed",
)


def check_label(value: str) -> str:
    """Return the canonical label name or raise ValueError naming the bad value."""
    name = str(value).strip().lower()
    if name not in LABEL2ID:
        raise ValueError(f"unknown label {value!r}; expected one of {', '.join(LABELS)}")
    return name
