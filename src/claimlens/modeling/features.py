"""The one place where sentences become model inputs, shared by training and prediction."""

from __future__ import annotations

from collections.abc import Sequence


def encode(tokenizer, texts: Sequence[str], contexts: Sequence[str | None] | None, use_context: bool,
           max_length: int, **kwargs):
    """Tokenize sentences, as the pair (sentence, previous sentence) when `use_context`.

    The sentence comes first so that it is never the part cut away first: with "longest_first"
    truncation a long context is shortened before the sentence is.
    """
    if use_context:
        ctx = [c or "" for c in (contexts if contexts is not None else [""] * len(texts))]
        return tokenizer(list(texts), ctx, truncation="longest_first", max_length=max_length, **kwargs)
    return tokenizer(list(texts), truncation=True, max_length=max_length, **kwargs)
