import io
import json

from claimlens.readers import read_articles


def read(paths, **kw):
    problems = []
    items = list(read_articles([str(p) for p in paths], problems, **kw))
    return items, problems


def test_text_markdown_and_folder(write, tmp_path):
    write("a/one.txt", "The council met.")
    write("a/sub/two.md", "# Title\n\nThe mayor spoke.")
    write("a/skip.bin", b"\x00\x01")
    items, problems = read([tmp_path / "a"])
    assert [a.id for a in items] == ["one", "two"]
    assert not problems


def test_html_main_text_is_extracted(write):
    html = ("<html><head><style>.x{color:red}</style><script>var a=1;</script></head><body>"
            "<nav>Home | World | Sport</nav><article><h1>Flood defences hold</h1>"
            "<p>The river peaked at 4.2 metres on Sunday night, officials said.</p>"
            "<p>No homes were flooded in the lower town, according to the fire service.</p></article>"
            "<footer>Copyright 2026</footer></body></html>")
    items, problems = read([write("page.html", html)])
    assert not problems
    assert "4.2 metres" in items[0].text and "var a" not in items[0].text


def test_jsonl_and_csv_records_with_autodetected_fields(write):
    j = write("x.jsonl", json.dumps({"id": "r1", "text": "One."}) + "\n" + json.dumps({"id": "r2", "text": "Two."}) + "\n")
    c = write("bodies.csv", 'Body ID,articleBody\n7,"First body."\n8,"Second\nbody, with a newline."\n')
    items, problems = read([j, c])
    assert [a.id for a in items] == ["r1", "r2", "7", "8"]
    assert items[3].text == "Second\nbody, with a newline."
    assert not problems


def test_explicit_fields(write):
    j = write("x.jsonl", json.dumps({"key": "k1", "story": "Body."}) + "\n")
    items, problems = read([j], id_field="key", text_field="story")
    assert (items[0].id, items[0].text) == ("k1", "Body.")


def test_bad_inputs_are_reported_with_file_and_line(write):
    empty = write("empty.txt", "")
    binary = write("bin.txt", b"PK\x03\x04\x00\x00binary")
    latin = write("latin.txt", "Caf\xe9 au lait.".encode("latin-1"))
    bad_jsonl = write("bad.jsonl", '{"text": "fine"}\n{not json}\n{"other": 1}\n["list"]\n')
    no_text = write("notext.csv", "id,title\n1,Hello\n")
    items, problems = read([empty, binary, latin, bad_jsonl, no_text, "missing.txt"])
    msgs = [str(p) for p in problems]
    assert [a.text for a in items] == ["fine"]
    assert any("empty.txt" in m and "empty file" in m for m in msgs)
    assert any("bin.txt" in m and "binary" in m for m in msgs)
    assert any("latin.txt:1" in m and "UTF-8" in m for m in msgs)
    assert any("bad.jsonl:2" in m and "malformed JSON" in m for m in msgs)
    assert any("bad.jsonl:3" in m and "no text" in m for m in msgs)
    assert any("bad.jsonl:4" in m and "not an object" in m for m in msgs)
    assert any("notext.csv:2" in m and "no text field" in m for m in msgs)
    assert any("missing.txt" in m and "no such file" in m for m in msgs)


def test_sentences_mode_lines_and_context(write):
    t = write("s.txt", "One sentence.\n\nAnother one.\n")
    j = write("s.jsonl", json.dumps({"text": "Third.", "context": "Before."}) + "\n")
    items, problems = read([t, j], sentences=True)
    assert [(a.id, a.text, a.context) for a in items] == [
        ("s:1", "One sentence.", None), ("s:3", "Another one.", None), ("s:1#2", "Third.", "Before.")]
    assert [str(p) for p in problems] == [f"{t}:2: empty line skipped"]


def test_stdin():
    problems = []
    items = list(read_articles(["-"], problems, stdin=io.BytesIO(b"From standard input.")))
    assert items[0].id == "stdin" and items[0].text == "From standard input."


def test_fnc1_layout_reads_without_options(needs_fnc1):
    items, problems = read([needs_fnc1])
    assert len(items) == 1683 and not problems
    assert items[0].id.isdigit()
