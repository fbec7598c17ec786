"""Prediction output writers: JSONL, CSV and a self-contained HTML report.

Files are written to a temporary sibling and renamed into place on success, so an interrupted run
never leaves a half-written output behind. Writers stream: memory does not grow with the input.
"""

from __future__ import annotations

import csv
import html
import json
import os
import sys
import tempfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from claimlens.labels import LABELS

FIELDS = (
    "article_id", "sentence_id", "start", "end", "text", "label", "confidence",
    *(f"p_{x}" for x in LABELS), "source", "cue", "rule", "warning",
)
COLORS = {"confirmed": "#c8ecd0", "alleged": "#fde8b0", "denied": "#f7c6c7", "unconfirmed": "#d9e2f7"}
BORDERS = {"confirmed": "#2e8b57", "alleged": "#b8860b", "denied": "#c0392b", "unconfirmed": "#3f5fa8"}


class _Writer:
    def __init__(self, path: str | None):
        self.path = Path(path) if path else None
        if self.path is None:
            self.fh = sys.stdout
            self.tmp = None
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            self.tmp = Path(tmp)
            self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def write_article(self, article_id: str, records: list[dict], text: str) -> None:
        raise NotImplementedError

    def _finish(self, summary: dict) -> None:
        pass

    def close(self, summary: dict) -> None:
        self._finish(summary)
        if self.tmp is not None:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            os.replace(self.tmp, self.path)
            self.tmp = None
        else:
            self.fh.flush()

    def abort(self) -> None:
        if self.tmp is not None:
            self.fh.close()
            self.tmp.unlink(missing_ok=True)
            self.tmp = None


class JsonlWriter(_Writer):
    def write_article(self, article_id, records, text):
        for r in records:
            self.fh.write(json.dumps({k: r.get(k, "") for k in FIELDS}, ensure_ascii=False) + "\n")


class CsvWriter(_Writer):
    def __init__(self, path):
        super().__init__(path)
        self.csv = csv.DictWriter(self.fh, fieldnames=FIELDS, extrasaction="ignore")
        self.csv.writeheader()

    def write_article(self, article_id, records, text):
        self.csv.writerows(records)


_CSS = """
body{font:15px/1.6 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#fafafa;color:#222}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:10px 24px;z-index:2}
h1{font-size:20px;margin:0 0 6px}
.meta{color:#666;font-size:13px}
.legend{display:flex;gap:10px;flex-wrap:wrap;margin-top:6px}
.chip{padding:2px 10px;border-radius:12px;border:2px solid;font-size:13px}
main{max-width:920px;margin:0 auto;padding:12px 24px 60px}
article{background:#fff;border:1px solid #e2e2e2;border-radius:8px;margin:18px 0;padding:14px 20px}
article h2{font-size:16px;margin:0 0 6px;word-break:break-all}
table.counts{border-collapse:collapse;font-size:13px;margin:4px 0 10px}
table.counts td,table.counts th{border:1px solid #ddd;padding:2px 8px;text-align:center}
.text{white-space:pre-wrap}
.gap{color:#999}
.s{border-bottom:2px solid;border-radius:3px;padding:1px 0;position:relative;cursor:help}
.s .tip{display:none;position:absolute;left:0;top:1.6em;z-index:5;background:#222;color:#fff;font-size:12px;
 line-height:1.4;padding:6px 8px;border-radius:4px;min-width:220px;max-width:360px;white-space:normal}
.s:hover .tip,.s:focus .tip{display:block}
footer{color:#666;font-size:13px;max-width:920px;margin:0 auto;padding:0 24px 40px}
"""


class HtmlWriter(_Writer):
    """One page: a legend, then each article with its sentences highlighted by label."""

    def __init__(self, path, model_name: str = ""):
        super().__init__(path)
        legend = "".join(
            f'<span class="chip label-{x}" style="background:{COLORS[x]};border-color:{BORDERS[x]}">{x}</span>'
            for x in LABELS
        )
        styles = "".join(
            f".s.label-{x}{{background:{COLORS[x]};border-color:{BORDERS[x]}}}" for x in LABELS
        )
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        self.fh.write(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            "<title>claimlens report</title>"
            f"<style>{_CSS}{styles}</style></head><body>\n"
            f"<header><h1>claimlens report</h1><div class=\"meta\">model: {html.escape(model_name)} · "
            f"generated {stamp} · hover a sentence for its source and probabilities</div>"
            f"<div class=\"legend\" id=\"legend\">{legend}</div></header>\n<main>\n"
        )
        self.total: Counter = Counter()

    def write_article(self, article_id, records, text):
        counts = Counter(r["label"] for r in records)
        self.total.update(counts)
        head = "".join(f"<th>{x}</th>" for x in LABELS)
        row = "".join(f"<td class=\"count-{x}\">{counts.get(x, 0)}</td>" for x in LABELS)
        parts = []
        pos = 0
        for r in records:
            start, end = int(r["start"]), int(r["end"])
            same_text = text[start:end] == r["text"]
            if same_text and start >= pos:
                if start > pos:
                    parts.append(f'<span class="gap">{html.escape(text[pos:start])}</span>')
                pos = end
            elif parts:
                parts.append(" ")
            probs = " · ".join(f"{x} {float(r[f'p_{x}']):.2f}" for x in LABELS)
            tip = [f"<b>{r['label']}</b> ({float(r['confidence']):.2f})", probs]
            if r.get("source"):
                tip.append("source: " + html.escape(r["source"]))
            if r.get("cue"):
                tip.append("cue: " + html.escape(r["cue"]))
            if r.get("warning"):
                tip.append("warning: " + html.escape(r["warning"]))
            title = f"{r['label']} {float(r['confidence']):.2f}" + (f" — source: {r['source']}" if r.get("source") else "")
            parts.append(
                f'<span class="s label-{r["label"]}" tabindex="0" title="{html.escape(title, quote=True)}">'
                f'{html.escape(r["text"])}<span class="tip">{"<br>".join(tip)}</span></span>'
            )
        if records and pos and pos < len(text):
            parts.append(f'<span class="gap">{html.escape(text[pos:])}</span>')
        self.fh.write(
            f"<article data-id=\"{html.escape(article_id, quote=True)}\"><h2>{html.escape(article_id)}</h2>"
            f"<table class=\"counts\"><tr>{head}</tr><tr>{row}</tr></table>"
            f"<div class=\"text\">{''.join(parts)}</div></article>\n"
        )

    def _finish(self, summary):
        skipped = summary.get("skipped", [])
        totals = ", ".join(f"{x} {self.total.get(x, 0)}" for x in LABELS)
        items = "".join(f"<li>{html.escape(s)}</li>" for s in skipped[:500])
        self.fh.write(
            f"</main><footer><p>{summary.get('articles', 0)} articles, {summary.get('sentences', 0)} sentences: "
            f"{totals}.</p>"
            + (f"<p>Skipped {len(skipped)} input item(s):</p><ul>{items}</ul>" if skipped else "")
            + "</footer></body></html>\n"
        )


def open_writer(fmt: str, path: str | None, model_name: str = "") -> _Writer:
    if fmt == "jsonl":
        return JsonlWriter(path)
    if fmt == "csv":
        return CsvWriter(path)
    if fmt == "html":
        return HtmlWriter(path, model_name)
    raise ValueError(f"unknown format {fmt!r}")
