import json

import datasets
import pytest

from claimlens.dataset import DataConfig, assign_splits, build
from claimlens.labels import LABELS
from claimlens.readers import InputError

ARTICLE = """VELMORE, May 2 (Coastwire) - The harbour authority closed two piers on Friday.
Share this article
Officials said the closure could last a week.
The authority denied that the piers were unsafe.
Photo: Ines Cato/Harbour Press
The cause of the damage could not be verified.
"""


def make_corpus(tmp_path, n=12, gold_for=None):
    raw = tmp_path / "raw"
    ann = tmp_path / "ann"
    raw.mkdir()
    ann.mkdir()
    for i in range(n):
        (raw / f"art{i:02d}.txt").write_text(ARTICLE.replace("two piers", f"{i + 2} piers"), encoding="utf-8")
    for i in gold_for or []:
        recs = [
            {"article_id": f"art{i:02d}", "text": f"The harbour authority closed {i + 2} piers on Friday.", "label": "confirmed"},
            {"article_id": f"art{i:02d}", "text": "Officials said the closure could last a week.", "label": "alleged"},
            {"article_id": f"art{i:02d}", "text": "The authority denied that the piers were unsafe.", "label": "denied"},
            {"article_id": f"art{i:02d}", "text": "The cause of the damage could not be verified.", "label": "unconfirmed"},
        ]
        (ann / f"art{i:02d}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    return raw, ann


def conf(raw, ann, **kw):
    return DataConfig(inputs=[str(raw)], annotations=str(ann), metadata=None, workers=1, **kw)


def test_build_with_gold_override_and_grouped_splits(tmp_path):
    raw, ann = make_corpus(tmp_path, n=12, gold_for=range(12))
    # One gold label disagrees with the rules, so we can see that gold wins.
    p = ann / "art03.jsonl"
    recs = [json.loads(x) for x in p.read_text().splitlines()]
    recs[1]["label"] = "unconfirmed"
    p.write_text("".join(json.dumps(r) + "\n" for r in recs))
    out = tmp_path / "out"
    summary = build(conf(raw, ann), output=str(out))
    dd = datasets.load_from_disk(str(out))
    assert set(dd) == {"train", "validation", "test"}
    ids = {s: set(dd[s]["article_id"]) for s in dd}
    assert not ids["train"] & ids["validation"] and not ids["train"] & ids["test"] and not ids["validation"] & ids["test"]
    assert dd["train"].features["label"].names == list(LABELS)
    for s in dd:
        assert set(dd[s]["label_source"]) == {"gold"}
    row = next(r for s in dd for r in dd[s] if r["article_id"] == "art03" and r["text"].startswith("Officials"))
    assert LABELS[row["label"]] == "unconfirmed" and row["rule_label"] == "alleged"
    first = next(r for r in dd["train"] if r["sentence_id"].endswith(":0"))
    assert first["context"] == "" and not first["text"].startswith("VELMORE")
    assert summary["dropped_by_reason"] == {"ui_chrome": 12, "credit": 12}
    assert (out / "README.md").read_text().count("Dataset card") == 1


def test_splits_are_deterministic_for_a_seed():
    ids = [f"a{i}" for i in range(40)]
    one = assign_splits(ids, set(ids), seed=5, val=0.2, test=0.2)
    assert one == assign_splits(ids, set(ids), seed=5, val=0.2, test=0.2)
    assert one != assign_splits(ids, set(ids), seed=6, val=0.2, test=0.2)
    assert sum(v == "test" for v in one.values()) == 8


def test_without_gold_the_dataset_is_silver_and_says_so(tmp_path):
    raw, ann = make_corpus(tmp_path, n=10)
    out = tmp_path / "out"
    summary = build(conf(raw, ann), output=str(out))
    assert summary["silver"]
    card = (out / "README.md").read_text()
    assert "SILVER" in card and "not accuracy" in card
    dd = datasets.load_from_disk(str(out))
    assert len(dd["test"]) > 0 and set(dd["test"]["label_source"]) == {"rules"}


def test_unmatched_gold_is_reported_and_strict_fails(tmp_path):
    raw, ann = make_corpus(tmp_path, n=6, gold_for=range(6))
    with open(ann / "art00.jsonl", "a") as fh:
        fh.write(json.dumps({"article_id": "art00", "text": "A sentence that is not there.", "label": "denied"}) + "\n")
        fh.write(json.dumps({"article_id": "nosuch", "text": "x", "label": "denied"}) + "\n")
        fh.write('{"article_id": "art00", "text": "x", "label": "maybe"}\n')
    summary = build(conf(raw, ann), output=str(tmp_path / "out"))
    probs = "\n".join(summary["problems"])
    assert "art00.jsonl:5: gold sentence not found" in probs
    assert "'nosuch', which is not among the inputs" in probs
    assert "art00.jsonl:7: unknown label 'maybe'" in probs
    with pytest.raises(InputError):
        build(conf(raw, ann), output=str(tmp_path / "out2"), strict=True)
    assert not (tmp_path / "out2").exists()


def test_bad_files_are_skipped_and_listed(tmp_path):
    raw, ann = make_corpus(tmp_path, n=4)
    (raw / "empty.txt").write_text("")
    (raw / "bad.jsonl").write_text("{oops\n")
    summary = build(conf(raw, ann), output=str(tmp_path / "out"))
    assert summary["articles_read"] == 4
    assert any("empty.txt" in p for p in summary["problems"]) and any("bad.jsonl:1" in p for p in summary["problems"])


def test_output_is_replaced_atomically(tmp_path):
    raw, ann = make_corpus(tmp_path, n=4)
    out = tmp_path / "out"
    build(conf(raw, ann), output=str(out))
    build(conf(raw, ann), output=str(out))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")]
    assert leftovers == [] and (out / "dataset_dict.json").exists()


def test_shipped_corpus_meets_the_corpus_targets():
    from claimlens.config import ANNOTATIONS_DIR, RAW_DIR

    build_conf = DataConfig(inputs=[str(RAW_DIR)], annotations=str(ANNOTATIONS_DIR), metadata=None, workers=1)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        summary = build(build_conf, output=tmp + "/d")
    gold = sum(s["label_sources"].get("gold", 0) for s in summary["splits"].values())
    assert summary["articles_read"] >= 200 and gold >= 3000
    for label in LABELS:
        share = sum(s["labels"][label] for s in summary["splits"].values()) / gold
        assert share >= 0.10, (label, share)
    assert not [p for p in summary["problems"] if "not found" in p]


def test_offset_gold_joins_train_only_and_is_skipped_without_text(tmp_path):
    import hashlib

    raw, ann = make_corpus(tmp_path, n=10, gold_for=range(10))
    body = "The mill closed in May. Workers said the owners had lied. Photo: A. Brun/Post"
    bodies = tmp_path / "bodies.csv"
    bodies.write_text(f'Body ID,articleBody\n77,"{body}"\n')
    recs = []
    for text, label in (("The mill closed in May.", "confirmed"), ("Workers said the owners had lied.", "alleged")):
        start = body.index(text)
        recs.append({"body_id": "77", "start": start, "end": start + len(text), "label": label,
                     "sha1": hashlib.sha1(text.encode()).hexdigest()[:12]})
    gold = tmp_path / "offset.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in recs))
    c = conf(raw, ann, offset_gold=str(gold), offset_gold_bodies=str(bodies))
    summary = build(c, output=str(tmp_path / "out"))
    dd = datasets.load_from_disk(str(tmp_path / "out"))
    rows = [r for r in dd["train"] if r["article_id"] == "fnc1-77"]
    assert [(r["text"], LABELS[r["label"]]) for r in rows] == [
        ("The mill closed in May.", "confirmed"), ("Workers said the owners had lied.", "alleged")]
    assert all("fnc1-77" not in dd[s]["article_id"] for s in ("validation", "test"))
    assert summary["offset_gold"].startswith("used: 1 articles")
    c.offset_gold_bodies = str(tmp_path / "absent.csv")
    summary = build(c, output=str(tmp_path / "out2"))
    assert summary["offset_gold"].startswith("skipped") and summary["offset_gold_sentences"] == 0
