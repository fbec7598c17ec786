"""Clean an article and split it into claim sentences with character offsets.

Lines that carry no claim (datelines, bylines, captions, share buttons, ads, CSS/JS, bare headlines:
"Not a sentence" in the label guide) are dropped with a named reason; the rest are split by pysbd,
a maintained rule-based splitter that handles abbreviations (U.S., Gov., Jan.), initials, decimals and
quotations. Every sentence keeps (start, end) offsets into the original text, and a flag telling
whether it starts inside a quotation opened by an earlier sentence (needed by rule 7 of the guide).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd
import yaml

from claimlens.config import RESOURCES_DIR
from claimlens.quotes import quote_state_after

# A dateline glued to the first sentence: "LONDON, March 3 (Reuters) - ", "KESTRAVA (Norwire) — ".
_INLINE_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’ -]{2,40}|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})"
    r"(?:,\s*[A-Z][\w.]*(?:\s+[\w.]+){0,3})?"
    r"\s*(?:\([^()\n]{1,40}\))?\s*(?:[-–—]{1,2}|:)\s+(?=[\"“‘'A-Z0-9])"
)
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$|[\"”’]\s*$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_QUOTE_CHARS = "\"“”"
_QUOTES = re.compile(r"[\"“”]")
_BOUNDARY = re.compile(r"[.!?…;:][\s\"'”’)\]]*\s\S|\n")
_MAX_LINE = 5000  # pysbd is quadratic-ish on huge lines: cut them at sentence-looking boundaries first


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    in_quote: bool  # starts inside a quotation (or block quote) opened before this sentence


@dataclass(frozen=True)
class DroppedLine:
    line: int  # 1-based line number in the article text
    text: str
    reason: str


@lru_cache(maxsize=1)
def _junk_rules() -> tuple[list[tuple[str, re.Pattern]], list[tuple[str, re.Pattern]], int]:
    data = yaml.safe_load((RESOURCES_DIR / "junk.yaml").read_text(encoding="utf-8"))
    rules = [(name, re.compile(rx, re.IGNORECASE)) for name, rx in data["patterns"].items()]
    line_rules = [
        (name, re.compile(rx, re.IGNORECASE)) for name, rx in data["line_only"].items() if isinstance(rx, str)
    ]
    return rules, line_rules, int(data["line_only"]["fragment_max_words"])


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    # pysbd builds thousands of regular expressions from strings at run time; with the stdlib's
    # default 512-entry pattern cache it spends most of its time recompiling them (measured: 2/3
    # of split time on FNC-1). A larger cache keeps them compiled.
    if getattr(re, "_MAXCACHE", 0) < 8192:
        re._MAXCACHE = 8192
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


class _Span:
    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int):
        self.start, self.end = start, end


def _segment(seg: pysbd.Segmenter, text: str) -> list:
    """pysbd spans, skipping pysbd for a piece with no inner sentence boundary candidate (most lines)."""
    if not _BOUNDARY.search(text.rstrip()):
        return [_Span(0, len(text))]
    return seg.segment(text)


def junk_reason(text: str, whole_line: bool = True) -> str | None:
    """Why `text` is not a claim sentence, or None when it is one."""
    s = text.strip()
    if not s:
        return "empty"
    if not _HAS_LETTER.search(s):
        return "no_words"
    rules, line_rules, max_words = _junk_rules()
    for name, rx in rules:
        if name == "dateline" and not whole_line:
            continue
        if rx.search(s):
            return name
    if whole_line:
        for name, rx in line_rules:
            if rx.search(s):
                return name
    if re.fullmatch(r"\S*(https?://|www\.)\S*|[\w.-]+\.(com|org|net|co\.uk)(/\S*)?", s):
        return "url"
    if whole_line and not _TERMINAL.search(s):
        words = s.split()
        if len(words) <= max_words:
            return "fragment"
    return None


def _split_long(line: str) -> list[tuple[int, str]]:
    """Pre-cut a very long line into pieces of about _MAX_LINE chars at '. ' boundaries."""
    if len(line) <= _MAX_LINE:
        return [(0, line)]
    pieces, pos = [], 0
    while pos < len(line):
        cut = min(len(line), pos + _MAX_LINE)
        if cut < len(line):
            m = line.rfind(". ", pos, cut)
            if m > pos:
                cut = m + 2
        pieces.append((pos, line[pos:cut]))
        pos = cut
    return pieces


def split_article(text: str) -> tuple[list[Sentence], list[DroppedLine]]:
    """Clean `text` and split it into sentences; return them with the lines dropped as junk."""
    sentences: list[Sentence] = []
    dropped: list[DroppedLine] = []
    seg = _segmenter()
    pos = 0
    prev_para_ends_colon = False
    for lineno, raw_line in enumerate(text.splitlines(keepends=True), 1):
        line_start = pos
        pos += len(raw_line)
        line = raw_line.rstrip("\r\n")
        if not line.strip():
            continue
        reason = junk_reason(line, whole_line=True)
        if reason:
            if reason != "empty":
                dropped.append(DroppedLine(lineno, line.strip(), reason))
            continue
        block_quote = prev_para_ends_colon and not line.lstrip().startswith(('"', "“"))
        quote_open = False
        first = True
        last_text = ""
        for offset, piece in _split_long(line):
            base = line_start + offset
            # pysbd keeps a quotation of several sentences as one sentence; masking the double quotes
            # (same length, so offsets hold) lets it split inside quotes, and the quote marks are then
            # re-attached to the sentence they open or close.
            masked = _QUOTES.sub(" ", piece)
            for span in _segment(seg, masked):
                a, b = span.start, span.end
                while a < b and masked[a].isspace():
                    a += 1
                while b > a and masked[b - 1].isspace():
                    b -= 1
                if a == b:
                    continue
                while a > 0 and piece[a - 1] in _QUOTE_CHARS:
                    a -= 1
                while b < len(piece) and piece[b] in _QUOTE_CHARS:
                    b += 1
                s_start, s_text = base + a, piece[a:b]
                if first:
                    m = _INLINE_DATELINE.match(s_text)
                    if m and len(s_text) - m.end() > 20:
                        s_start += m.end()
                        s_text = s_text[m.end() :]
                    first = False
                reason = junk_reason(s_text, whole_line=False)
                if reason:
                    dropped.append(DroppedLine(lineno, s_text, reason))
                    continue
                in_quote = quote_open or block_quote
                quote_open = quote_state_after(s_text, quote_open)
                sentences.append(
                    Sentence(len(sentences), s_start, s_start + len(s_text), s_text, in_quote)
                )
                last_text = s_text
        prev_para_ends_colon = last_text.endswith(":")
    return sentences, dropped
