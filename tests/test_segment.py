import pytest

from claimlens.segment import junk_reason, split_article


def texts(article):
    sents, _ = split_article(article)
    return [s.text for s in sents]


def test_offsets_point_at_the_sentence():
    article = "First line here.  Second one follows!\n\n  Third, after a blank line?\n"
    sents, _ = split_article(article)
    assert [s.text for s in sents] == ["First line here.", "Second one follows!", "Third, after a blank line?"]
    for s in sents:
        assert article[s.start : s.end] == s.text


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Gov. Harland Pike met Sen. Ada Voss on Jan. 12 in Washington.",
        "Output rose 3.7 percent, J. K. Orrin told the board.",
        "Dr. Mele Tau of St. Brigid's Hospital arrived at 9 a.m. sharp.",
    ],
)
def test_abbreviations_initials_and_decimals_do_not_split(text):
    assert texts(text) == [text]


def test_quote_spanning_sentences_is_split_with_its_marks():
    article = '"We followed the law. Every invoice was checked. We will appeal," the director said. He left.'
    out = texts(article)
    assert out == ['"We followed the law.', "Every invoice was checked.",
                   'We will appeal," the director said.', "He left."]
    sents, _ = split_article(article)
    assert [s.in_quote for s in sents] == [False, True, True, False]


def test_block_quote_after_colon_is_flagged():
    article = "The statement read:\nThe factory never dumped waste. It meets every standard.\nNext paragraph."
    sents, _ = split_article(article)
    assert [s.in_quote for s in sents] == [False, True, True, False]


def test_inline_dateline_is_stripped_from_the_sentence():
    article = "VELMORE, May 2 (Coastwire) - The harbour authority closed two piers on Friday."
    (s,), _ = split_article(article)
    assert s.text == "The harbour authority closed two piers on Friday."
    assert article[s.start : s.end] == s.text


@pytest.mark.parametrize(
    "line,reason",
    [
        ("By Tomas Reyl, Science Correspondent", "byline"),
        ("Read more: Council votes on tram plan", "ui_chrome"),
        ("Share this article", "ui_chrome"),
        ("Advertisement", "ui_chrome"),
        ("Scroll down for video", "ui_chrome"),
        ("Photo: Ines Cato/Harbour Press", "credit"),
        ("[Image via screengrab]", "credit"),
        (".promo-box{margin:0;display:none}", "code"),
        ("googletag.cmd.push(function() { googletag.display('ad-1'); });", "code"),
        ("Updated 14:02 GMT", "dateline"),
        ("NORTH VELMORE (Coastwire) -", "dateline"),
        ("Mayor Quints Tours Flooded District", "fragment"),
        ("WHERE IS THE MONEY?", "headline"),
        ("Stormy: Waves crash over the sea wall at Velmore on Tuesday", "caption"),
        ("That's all from our live coverage today.", "ui_chrome"),
        ("+12", "no_words"),
    ],
)
def test_junk_lines_are_dropped_with_a_reason(line, reason):
    assert junk_reason(line) == reason
    sents, dropped = split_article(f"The council met on Monday.\n{line}\nIt approved the budget.")
    assert [s.text for s in sents] == ["The council met on Monday.", "It approved the budget."]
    assert dropped[0].reason == reason and dropped[0].line == 2


@pytest.mark.parametrize(
    "line",
    [
        "By then, the polls may look very different again.",
        "Photos obtained by the paper show the minister at the dock.",
        "Is the deal off?",
        "He said: the deal is off.",
        "The plane did not land.",
    ],
)
def test_real_sentences_are_kept(line):
    assert junk_reason(line) is None
    assert texts(line) == [line]


def test_huge_single_line_is_split_without_hanging():
    line = "The committee reviewed the figures again. " * 25000  # ~1 MB, one line
    sents, _ = split_article(line)
    assert len(sents) == 25000


def test_fnc1_corpus_splits_and_drops_junk(needs_fnc1):
    from claimlens.readers import read_articles

    problems = []
    articles = list(read_articles([needs_fnc1], problems))
    assert len(articles) == 1683 and not problems
    dropped_total = 0
    for a in articles[:300]:
        sents, dropped = split_article(a.text)
        dropped_total += len(dropped)
        for s in sents:
            assert a.text[s.start : s.end] == s.text
    assert dropped_total > 100  # the scraped bodies carry captions, share lines, video prompts
