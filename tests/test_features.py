import pytest

from claimlens.modeling.features import OPEN_QUOTE_MARK, context_strings, encode

CONTEXTS = ["The minister said the bridge would close.", 'He said: "We will', None, "It rained on Monday."]


def test_sentence_mode_pairs_the_whole_previous_sentence():
    assert context_strings(CONTEXTS, "sentence") == [CONTEXTS[0], CONTEXTS[1], "", CONTEXTS[3]]


def test_quote_state_mode_marks_only_an_open_quotation():
    assert context_strings(CONTEXTS, "quote_state") == ["", OPEN_QUOTE_MARK, "", ""]


def test_prev_rule_mode_adds_the_rule_verdict_on_the_previous_sentence():
    got = context_strings(CONTEXTS, "quote_state_prev_rule")
    assert got == ["previous alleged", f"{OPEN_QUOTE_MARK}, previous alleged", "", "previous confirmed"]


def test_unknown_mode_is_an_error():
    with pytest.raises(ValueError, match="unknown context_mode"):
        context_strings(CONTEXTS, "paragraph")


class _RecordingTokenizer:
    def __call__(self, first, second=None, **kwargs):
        self.first, self.second, self.kwargs = first, second, kwargs
        return {}


def test_encode_puts_the_sentence_first_and_folds_quotes():
    tok = _RecordingTokenizer()
    encode(tok, ["“Yes,” she said."], ['He asked: "Will it'], use_context=True, max_length=64,
           context_mode="quote_state", rule_hint=True, rule_labels=["alleged"])
    assert tok.first == ['"Yes," she said.']
    assert tok.second == [f"{OPEN_QUOTE_MARK}; rules say alleged"]
    assert tok.kwargs["truncation"] == "longest_first"


def test_encode_without_context_or_hint_is_a_single_segment():
    tok = _RecordingTokenizer()
    encode(tok, ["It rained."], None, use_context=False, max_length=64)
    assert tok.first == ["It rained."] and tok.second is None
