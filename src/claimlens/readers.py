"""Read articles (or single sentences) from txt, md, html, jsonl and csv files, folders, or stdin.

Nothing is dropped silently: every file or record that cannot be read becomes a `Problem` naming the
file and line, the caller reports it and goes on (or stops, with --strict).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".csv"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES

# Auto-detection of record fields, first match wins (case-insensitive). The FNC-1 layout
# ("Body ID", "articleBody") reads without options.
ID_FIELDS = ("id", "article_id", "body id", "body_id", "doc_id", "docid", "uuid", "guid", "url")
TEXT_FIELDS = ("text", "articlebody", "article_body", "body", "content", "article", "article_text", "sentence")
CONTEXT_FIELDS = ("context", "previous", "prev", "previous_sentence")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Article:
    id: str
    text: str
    path: str
    line: int | None = None  # record line for jsonl/csv inputs
    context: str | None = None  # only for sentence records (--sentences)
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class InputError(Exception):
    """Raised in strict mode for the first problem."""


def _pick(fields: list[str], wanted: str | None, candidates: tuple[str, ...]) -> str | None:
    if wanted:
        return wanted if wanted in fields else None
    lower = {f.lower().strip(): f for f in fields}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    return None


def _decode(data: bytes, path: str, problems: list[Problem]) -> str | None:
    if not data.strip():
        problems.append(Problem(path, None, "empty file"))
        return None
    if b"\x00" in data[:8192]:
        problems.append(Problem(path, None, "binary file (contains NUL bytes), not text"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(path, line, f"not valid UTF-8 ({exc.reason} at byte {exc.start})"))
        return None


def html_to_text(html: str) -> str | None:
    """The article's main text, extracted by trafilatura (boilerplate, menus and scripts removed)."""
    import trafilatura

    return trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=False, deduplicate=False
    )


def expand_paths(inputs: list[str | Path], problems: list[Problem]) -> list[Path | str]:
    out: list[Path | str] = []
    for item in inputs:
        if str(item) == "-":
            out.append("-")
            continue
        p = Path(item)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED)
            if not files:
                problems.append(Problem(str(p), None, f"folder holds no {', '.join(sorted(SUPPORTED))} files"))
            out.extend(files)
        elif p.is_file():
            out.append(p)
        else:
            problems.append(Problem(str(p), None, "no such file or folder"))
    return out


def _records(path: Path, text: str, problems: list[Problem]) -> Iterator[tuple[int, dict]]:
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames:
            problems.append(Problem(str(path), 1, "CSV has no header row"))
            return
        try:
            for row in reader:
                if None in row:  # more cells than header columns
                    problems.append(Problem(str(path), reader.line_num, "row has more cells than the header"))
                    continue
                yield reader.line_num, row
        except csv.Error as exc:
            problems.append(Problem(str(path), reader.line_num, f"malformed CSV: {exc}"))
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(str(path), lineno, f"malformed JSON: {exc.msg}"))
            continue
        if not isinstance(rec, dict):
            problems.append(Problem(str(path), lineno, "JSON line is not an object"))
            continue
        yield lineno, rec


def read_articles(
    inputs: list[str | Path],
    problems: list[Problem],
    id_field: str | None = None,
    text_field: str | None = None,
    context_field: str | None = None,
    sentences: bool = False,
    stdin=None,
) -> Iterator[Article]:
    """Yield one Article per file (txt/md/html) or record (jsonl/csv).

    With `sentences=True`, every line of a text file is one item and records may carry a context
    field: used by `claimlens predict --sentences`.
    """
    seen: dict[str, int] = {}

    def unique(aid: str) -> str:
        n = seen.get(aid, 0)
        seen[aid] = n + 1
        return aid if n == 0 else f"{aid}#{n + 1}"

    for path in expand_paths(inputs, problems):
        if path == "-":
            data = (stdin or sys.stdin.buffer).read()
            name, suffix = "<stdin>", ".txt"
        else:
            name, suffix = str(path), path.suffix.lower()
            if suffix not in SUPPORTED:
                problems.append(Problem(name, None, f"unsupported file type {suffix or '(none)'}"))
                continue
            try:
                data = path.read_bytes()
            except OSError as exc:
                problems.append(Problem(name, None, f"cannot read: {exc.strerror or exc}"))
                continue
        text = _decode(data, name, problems)
        if text is None:
            continue
        stem = "stdin" if path == "-" else path.stem
        if suffix in RECORD_SUFFIXES:
            fields_checked = False
            tf = idf = cf = None
            for lineno, rec in _records(Path(name), text, problems):
                if not fields_checked:
                    keys = list(rec.keys())
                    tf = _pick(keys, text_field, TEXT_FIELDS)
                    idf = _pick(keys, id_field, ID_FIELDS)
                    cf = _pick(keys, context_field, CONTEXT_FIELDS) if sentences else None
                    if tf is None:
                        want = text_field or "/".join(TEXT_FIELDS)
                        problems.append(Problem(name, lineno, f"no text field ({want}) in record keys {keys}"))
                        break
                    fields_checked = True
                value = rec.get(tf)
                if value is None or (isinstance(value, str) and not value.strip()):
                    problems.append(Problem(name, lineno, f"record has no text in field {tf!r}"))
                    continue
                if not isinstance(value, str):
                    value = str(value)
                rid = rec.get(idf) if idf else None
                aid = str(rid) if rid not in (None, "") else f"{stem}:{lineno}"
                ctx = rec.get(cf) if cf else None
                meta = {k: v for k, v in rec.items() if k not in {tf, idf, cf}}
                yield Article(unique(aid), value, name, lineno, str(ctx) if ctx else None, meta)
            continue
        if suffix in HTML_SUFFIXES:
            extracted = html_to_text(text)
            if not extracted or not extracted.strip():
                problems.append(Problem(name, None, "no article text found in the HTML"))
                continue
            text = extracted
        if sentences:
            for lineno, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    problems.append(Problem(name, lineno, "empty line skipped"))
                    continue
                yield Article(unique(f"{stem}:{lineno}"), line, name, lineno)
        else:
            yield Article(unique(stem), text, name)
