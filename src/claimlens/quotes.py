"""Quotation marks, defined once for the segmenter, the rule labeler and the model inputs."""

from __future__ import annotations

# Curly, low and prime quotes mean the same as straight ones; folding them lets the rules match one
# style and a model trained on one style read the other.
FOLD = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'",
})


def fold_quotes(text: str) -> str:
    return text.translate(FOLD)


def quote_state_after(text: str, open_: bool = False) -> bool:
    """Whether a double-quoted passage is still open at the end of `text`, given the state before it
    (curly quotes say which way; a straight quote toggles)."""
    for ch in text:
        if ch in "“„":
            open_ = True
        elif ch in "”″":
            open_ = False
        elif ch == '"':
            open_ = not open_
    return open_
