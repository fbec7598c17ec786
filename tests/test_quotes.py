from claimlens.quotes import fold_quotes, quote_state_after


def test_fold_quotes_maps_curly_low_and_prime_quotes_to_straight():
    assert fold_quotes("“a” „b‟ ″c″ ‘d’ ‚e‛ `f") == "\"a\" \"b\" \"c\" 'd' 'e' 'f"


def test_curly_quotes_say_which_way_and_straight_quotes_toggle():
    assert quote_state_after("He said: “We will not go.") is True
    assert quote_state_after("“We will not go,” he said.") is False
    assert quote_state_after('He said: "We will') is True
    assert quote_state_after('"We will," he said.') is False


def test_state_carries_over_from_the_previous_sentence():
    assert quote_state_after("We will not go.", open_=True) is True
    assert quote_state_after("We will not go,” he said.", open_=True) is False
    assert quote_state_after('and then," he said.', open_=True) is False
