import hashlib
import json

import pytest

from claimlens.evaluate import GoldMismatchError, evaluate, load_gold_sentences

BODIES = 'Body ID,articleBody\n1,"The port denied the leak. Police said oil was found."\n2,"The cause could not be verified."\n'


def gold_file(tmp_path, body_text, rows):
    recs = []
    for bid, s, e, label, split in rows:
        text = body_text[bid][s:e]
        recs.append({"body_id": bid, "start": s, "end": e, "sha1": hashlib.sha1(text.encode()).hexdigest()[:12],
                     "label": label, "label_a": label, "label_b": label, "split": split})
    p = tmp_path / "gold.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return p


def test_evaluate_joins_offsets_to_the_corpus_and_scores(tmp_path):
    csv_path = tmp_path / "bodies.csv"
    csv_path.write_text(BODIES)
    body = {"1": "The port denied the leak. Police said oil was found.", "2": "The cause could not be verified."}
    g = gold_file(tmp_path, body, [("1", 0, 25, "denied", "test"), ("1", 26, 52, "alleged", "test"),
                                   ("2", 0, 32, "confirmed", "test")])
    recs = load_gold_sentences(g, csv_path, "test")
    assert [r["text"] for r in recs][:2] == ["The port denied the leak.", "Police said oil was found."]
    assert recs[1]["context"] == "The port denied the leak."
    res = evaluate("rules", g, csv_path, "test")
    assert res["sentences"] == 3 and res["metrics"]["accuracy"] == pytest.approx(2 / 3)
    assert len(res["errors"]) == 1 and res["errors"][0]["pred"] == "unconfirmed"


def test_hash_mismatch_stops(tmp_path):
    csv_path = tmp_path / "bodies.csv"
    csv_path.write_text(BODIES.replace("port", "dock"))
    body = {"1": "The port denied the leak. Police said oil was found.", "2": "x"}
    g = gold_file(tmp_path, body, [("1", 0, 25, "denied", "test")])
    with pytest.raises(GoldMismatchError, match="does not match its hash"):
        load_gold_sentences(g, csv_path, "test")


def test_shipped_gold_joins_the_real_corpus(needs_fnc1):
    from claimlens.evaluate import GOLD_FILE

    recs = load_gold_sentences(GOLD_FILE, needs_fnc1, "all")
    assert len(recs) >= 800 and {r["split"] for r in recs} == {"dev", "test", "heldout"}


def test_a_split_absent_from_the_gold_scores_nothing_and_the_cli_says_so(tmp_path, capsys):
    from claimlens.cli import main

    csv_path = tmp_path / "bodies.csv"
    csv_path.write_text(BODIES)
    body = {"1": "The port denied the leak. Police said oil was found.", "2": "x"}
    g = gold_file(tmp_path, body, [("1", 0, 25, "denied", "test")])
    assert evaluate("rules", g, csv_path, "heldout")["sentences"] == 0
    assert main(["evaluate", "--model", "rules", "--gold", str(g), "--bodies", str(csv_path), "--split", "heldout"]) == 2
    assert "no gold sentence of split 'heldout'" in capsys.readouterr().err


def test_training_and_evaluation_gold_share_no_article():
    from claimlens import config as cfg
    from claimlens.evaluate import GOLD_FILE

    def bodies(path):
        return {json.loads(line)["body_id"] for line in path.read_text().splitlines() if line.strip()}

    train = cfg.DATA_DIR / "fnc1_train" / "gold.jsonl"
    assert bodies(train) and bodies(GOLD_FILE)
    assert not bodies(train) & bodies(GOLD_FILE)
