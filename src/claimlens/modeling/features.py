"""The one place where sentences become model inputs, shared by training and prediction."""

from __future__ import annotations

from collections.abc import Sequence

from claimlens.quotes import fold_quotes
from claimlens.rules import continues_quote, label_sentence

CONTEXT_MODES = ("sentence", "quote_state", "quote_state_prev_rule")
# What the model sees for context_mode=quote_state: the part of the previous sentence that matters for
# the label guide (note 7: a quotation or block quote left open continues into this sentence).
OPEN_QUOTE_MARK = "continues an open quotation"


def hint_text(label: str) -> str:
    """The rule labeler's verdict as the short hint rule_hint=true models read ("rules say alleged")."""
    return f"rules say {label}"


def rule_hints(texts: Sequence[str], contexts: Sequence[str | None]) -> list[str]:
    return [hint_text(label_sentence(t, c).label) for t, c in zip(texts, contexts)]


def previous_text(label: str) -> str:
    """The rule labeler's verdict on the previous sentence, as quote_state_prev_rule models read it."""
    return f"previous {label}"


def context_strings(contexts: Sequence[str | None], mode: str) -> list[str]:
    if mode == "sentence":
        return [c or "" for c in contexts]
    if mode == "quote_state":
        return [OPEN_QUOTE_MARK if continues_quote(c) else "" for c in contexts]
    if mode == "quote_state_prev_rule":
        # Plus the previous sentence's rule verdict, a few tokens: a source's account carries over
        # into the plain sentences after it (guide 4.17 and 4.22), which the marker alone cannot show.
        out = []
        for c in contexts:
            parts = [OPEN_QUOTE_MARK] if continues_quote(c) else []
            if c:
                parts.append(previous_text(label_sentence(c).label))
            out.append(", ".join(parts))
        return out
    raise ValueError(f"unknown context_mode {mode!r}; expected one of {CONTEXT_MODES}")


def encode(tokenizer, texts: Sequence[str], contexts: Sequence[str | None] | None, use_context: bool,
           max_length: int, context_mode: str = "sentence", rule_hint: bool = False,
           rule_labels: Sequence[str] | None = None, **kwargs):
    """Tokenize sentences, as the pair (sentence, context) when `use_context`.

    The sentence comes first so that it is never the part cut away first: with "longest_first"
    truncation a long context is shortened before the sentence is. `context_mode` "sentence" pairs the
    whole previous sentence; "quote_state" pairs only a short marker when the previous sentence leaves a
    quotation open (about 4 tokens instead of 30: training and prediction run about twice as fast);
    "quote_state_prev_rule" adds the rule labeler's verdict on the previous sentence (2 more tokens).
    `rule_hint` adds the rule labeler's verdict to the second segment, so the model can learn when to
    trust the transparent rules and when to overrule them (`rule_labels`: already computed verdicts).
    """
    contexts = list(contexts) if contexts is not None else [""] * len(texts)
    sentences = [fold_quotes(t) for t in texts]
    if not (use_context or rule_hint):
        return tokenizer(sentences, truncation=True, max_length=max_length, **kwargs)
    parts = [[] for _ in sentences]
    if use_context:
        for p, c in zip(parts, context_strings(contexts, context_mode)):
            if c:
                p.append(fold_quotes(c))
    if rule_hint:
        hints = [hint_text(x) for x in rule_labels] if rule_labels is not None else rule_hints(texts, contexts)
        for p, h in zip(parts, hints):
            p.append(h)
    second = ["; ".join(p) for p in parts]
    return tokenizer(sentences, second, truncation="longest_first", max_length=max_length, **kwargs)
