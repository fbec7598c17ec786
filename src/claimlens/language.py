"""A cheap English check, so predictions on other languages carry a warning instead of passing silently."""

from __future__ import annotations

import re

# Frequent English function words: real English prose is ~40% of these; other languages rarely >5%.
_ENGLISH = frozenset(
    ["the", "of", "and", "to", "a", "in", "is", "was", "that", "for", "on", "it", "with", "as", "by", "he", "she", "they", "his", "her", "at", "from", "be", "have", "has", "had", "are", "were", "not", "this", "but", "or", "an", "which", "said", "will", "would", "its", "their", "who", "been", "after", "also", "more", "than"]
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def non_english_warning(text: str, min_words: int = 6) -> str:
    """'' for text that looks English (or is too short to tell), else a warning string."""
    words = _WORD.findall(text.lower())
    if len(words) < min_words:
        return ""
    share = sum(w in _ENGLISH for w in words) / len(words)
    latin = sum(ch.isascii() for ch in text if ch.isalpha()) / max(1, sum(ch.isalpha() for ch in text))
    if share < 0.08 or latin < 0.6:
        return "non-English text? the model was trained on English news; treat this label with caution"
    return ""
