"""Gold annotations: loading, and matching them to the sentences the builder produces.

A gold record names its article and either the sentence text (an exact substring of the article)
or character offsets, plus the label:
    {"article_id": "b1-004-...", "text": "The ministry denied ...", "label": "denied"}
    {"article_id": "1234", "start": 10, "end": 95, "label": "alleged"}
Gold beats the rule labeler. A gold record whose sentence cannot be found in the article, or whose
article is missing, is reported (never ignored).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from claimlens.labels import check_label
from claimlens.readers import Problem
from claimlens.segment import Sentence

_WS = re.compile(r"\s+")


@dataclass
class Gold:
    article_id: str
    label: str
    text: str | None
    start: int | None
    end: int | None
    file: str
    line: int


def load_annotations(folder: str | Path, problems: list[Problem]) -> dict[str, list[Gold]]:
    """All `*.jsonl` files under `folder`, grouped by article id, in file order."""
    out: dict[str, list[Gold]] = defaultdict(list)
    folder = Path(folder)
    if not folder.exists():
        return {}
    for path in sorted(folder.rglob("*.jsonl")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                aid = str(rec["article_id"])
                label = check_label(rec["label"])
            except json.JSONDecodeError as exc:
                problems.append(Problem(str(path), lineno, f"malformed JSON: {exc.msg}"))
                continue
            except KeyError as exc:
                problems.append(Problem(str(path), lineno, f"annotation lacks field {exc}"))
                continue
            except ValueError as exc:
                problems.append(Problem(str(path), lineno, str(exc)))
                continue
            text, start, end = rec.get("text"), rec.get("start"), rec.get("end")
            if not text and (start is None or end is None):
                problems.append(Problem(str(path), lineno, "annotation needs `text` or `start` and `end`"))
                continue
            out[aid].append(Gold(aid, label, text, start, end, str(path), lineno))
    return dict(out)


class GoldMismatchError(ValueError):
    """An offset-only gold record does not match the text it points into."""


def text_hash(text: str) -> str:
    """The short hash that offset-only gold files keep instead of the text itself."""
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def join_offset_gold(gold_file: str | Path, bodies_csv: str | Path,
                     problems: list[Problem] | None = None) -> tuple[list[dict], dict[str, str]]:
    """Offset-only gold records (body_id, start, end, sha1, label) joined to their text.

    Returns the records (each with `text` and `line`) and the bodies they point into. A record whose
    body is missing or whose text does not match its hash raises GoldMismatchError, or, when a
    `problems` list is given, is reported there and skipped.
    """
    from claimlens.readers import read_articles

    recs = []
    for lineno, line in enumerate(Path(gold_file).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            recs.append({**json.loads(line), "line": lineno})
    wanted = {str(r["body_id"]) for r in recs}
    reader_problems: list[Problem] = []
    bodies = {a.id: a.text for a in read_articles([str(bodies_csv)], reader_problems) if a.id in wanted}
    out = []
    for r in recs:
        body = bodies.get(str(r["body_id"]))
        if body is None:
            msg = f"body {r['body_id']} not in {bodies_csv}"
        elif text_hash(body[r["start"] : r["end"]]) != r["sha1"]:
            msg = (f"text at {r['start']}-{r['end']} of body {r['body_id']} does not match its hash; "
                   f"is {bodies_csv} the FNC-1 file?")
        else:
            out.append({**r, "body_id": str(r["body_id"]), "text": body[r["start"] : r["end"]]})
            continue
        if problems is None:
            raise GoldMismatchError(f"{gold_file}:{r['line']}: {msg}")
        problems.append(Problem(str(gold_file), r["line"], msg))
    return out, bodies


def _locate(article: str, norm_article: str, norm_index: list[int], gold: Gold, after: int) -> tuple[int, int] | None:
    if gold.start is not None and gold.end is not None:
        if 0 <= gold.start < gold.end <= len(article):
            return gold.start, gold.end
        return None
    text = gold.text.strip()
    pos = article.find(text, after)
    if pos < 0:
        pos = article.find(text)
    if pos >= 0:
        return pos, pos + len(text)
    # Whitespace-insensitive fallback: line breaks inside a sentence differ between files.
    needle = _WS.sub(" ", text)
    npos = norm_article.find(needle)
    if npos < 0:
        return None
    return norm_index[npos], norm_index[npos + len(needle) - 1] + 1


def _normalize_with_index(text: str) -> tuple[str, list[int]]:
    chars, index = [], []
    prev_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if prev_space:
                continue
            chars.append(" ")
            prev_space = True
        else:
            chars.append(ch)
            prev_space = False
        index.append(i)
    return "".join(chars), index


def match_gold(
    article_text: str, sentences: list[Sentence], golds: list[Gold], problems: list[Problem]
) -> dict[int, Gold]:
    """Map sentence index -> the gold record covering most of it. Unplaced golds are reported."""
    norm, index = _normalize_with_index(article_text)
    assigned: dict[int, tuple[int, Gold]] = {}
    after = 0
    for g in golds:
        span = _locate(article_text, norm, index, g, after)
        if span is None:
            what = f"text {g.text[:60]!r}" if g.text else f"offsets {g.start}-{g.end}"
            problems.append(Problem(g.file, g.line, f"gold sentence not found in article {g.article_id}: {what}"))
            continue
        a, b = span
        after = b
        hit = False
        for s in sentences:
            overlap = min(b, s.end) - max(a, s.start)
            if overlap <= 0:
                continue
            # The sentence must be mostly this gold span (a splitter may cut differently at the edges).
            if overlap >= 0.5 * (s.end - s.start) or overlap >= 0.5 * (b - a):
                hit = True
                prev = assigned.get(s.index)
                if prev is None or overlap > prev[0]:
                    if prev is not None and prev[1].label != g.label:
                        problems.append(
                            Problem(g.file, g.line, f"sentence {s.index} of {g.article_id} covers two gold "
                                    f"sentences with labels {prev[1].label}/{g.label}; kept the larger overlap")
                        )
                    assigned[s.index] = (overlap, g)
        if not hit:
            problems.append(
                Problem(g.file, g.line, f"gold sentence of {g.article_id} was dropped as junk by the cleaner: "
                        f"{(g.text or article_text[a:b])[:60]!r}")
            )
    return {i: g for i, (_, g) in assigned.items()}
