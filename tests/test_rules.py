import re

import pytest

from claimlens.config import SHARED_DIR
from claimlens.labels import LABELS
from claimlens.rules import label_sentence

LABEL_GUIDE = SHARED_DIR / "labels.md"


def guide_examples():
    """The example table of the label guide (../shared/labels.md), read at test time, not copied."""
    if not LABEL_GUIDE.is_file():
        return []
    rows = []
    in_examples = False
    for line in LABEL_GUIDE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_examples = line.strip().lower() == "## examples"
            continue
        m = re.match(r"^\|\s*(.+?)\s*\|\s*(\w+)\s*\|\s*$", line)
        if in_examples and m and m.group(2) in LABELS:
            rows.append((m.group(1), m.group(2)))
    return rows


@pytest.mark.skipif(not LABEL_GUIDE.is_file(), reason="../shared/labels.md not present")
def test_every_example_of_the_label_guide():
    examples = guide_examples()
    assert len(examples) >= 10
    wrong = [(t, g, label_sentence(t).label) for t, g in examples if label_sentence(t).label != g]
    assert not wrong


# Our own hard cases, one per rule of the guide's decision procedure and notes.
HARD_CASES = [
    # denied
    ("The harbour authority flatly denied that any fuel had leaked.", "denied"),
    ('"There was never any leak," a port spokeswoman said.', "denied"),
    ("The union dismissed the leaked memo as a crude fabrication.", "denied"),
    ("Officials rejected claims that the dam was unsafe.", "denied"),
    ("There is no evidence that the cameras recorded audio.", "denied"),
    ("The viral image turned out to be a composite of two older photos.", "denied"),
    ("Despite the rumours on social media, the singer is very much alive.", "denied"),
    ("The suspect was denied bail on Thursday.", "confirmed"),  # a refusal, not a denial of a claim
    # explicit unconfirmed
    ("The video could not be independently verified.", "unconfirmed"),
    ("The ministry did not respond to a request for comment.", "unconfirmed"),
    ("A club spokesman declined to comment on the transfer.", "unconfirmed"),
    ("It is unclear whether the talks will resume.", "unconfirmed"),
    ("Police would neither confirm nor deny the arrest.", "unconfirmed"),
    ("Whether the bridge can reopen before winter is far from certain.", "unconfirmed"),
    # confirmation beats attribution; quoted confirmation stays alleged
    ("The club confirmed that its captain had signed a new contract.", "confirmed"),
    ("The bank acknowledged that the outage affected 40,000 customers.", "confirmed"),
    ('"We can confirm the deal is done," the agent told reporters.', "alleged"),
    # alleged
    ("According to the tenants' association, rents rose by a third.", "alleged"),
    ("The rent rises, the tenants' association said, were unlawful.", "alleged"),
    ("Rents rose by a third, the tenants' association said.", "alleged"),
    ("The mayor is said to have approved the contract personally.", "alleged"),
    ("Prosecutors accused the former director of moving funds abroad.", "alleged"),
    ("Police said the driver had allegedly ignored a red light.", "alleged"),
    ("Economists expect the central bank to hold rates.", "alleged"),
    # hedged unconfirmed
    ("The driver allegedly ignored a red light.", "unconfirmed"),
    ("The central bank is expected to hold rates on Thursday.", "unconfirmed"),
    ("The merger could cost up to 900 jobs.", "unconfirmed"),
    ("If the levee fails, the old town would flood within hours.", "unconfirmed"),
    ("Will the ceasefire hold through the weekend?", "unconfirmed"),
    # confirmed
    ("The ferry did not stop at Orlen on Sunday.", "confirmed"),  # negated plain fact
    ("The bridge was built in 1911 and carries 30,000 cars a day.", "confirmed"),
    ("The talks will resume in May 2027.", "confirmed"),
    ("The United States imposed new tariffs on Tuesday.", "confirmed"),
    # scope checks learned from adjudication
    ("The newsletter correctly predicted the phone's launch date last spring.", "confirmed"),
    ("Nobody at the depot told the drivers why.", "confirmed"),
    ("The theory holds that the lights over the lake are military drones.", "alleged"),
    ("The retailers we spoke to said they had not received new price lists.", "alleged"),
    ("A source close to the striker says he was admitted to hospital on Sunday.", "alleged"),
    ("Several runners claimed her tracking data showed an impossible pace.", "alleged"),
    ("The council's own spending report shows 40 consulting contracts.", "confirmed"),
    ("While the figures remain unconfirmed, the union said 900 members had joined.", "alleged"),
]


@pytest.mark.parametrize("text,label", HARD_CASES)
def test_hard_cases(text, label):
    assert label_sentence(text).label == label


def test_quote_continuation_uses_the_context():
    prev = '"We acted within the law.'
    assert label_sentence("Every contract was reviewed.", context=prev).label == "alleged"
    assert label_sentence("Every contract was reviewed.", context="The firm met on Monday.").label == "confirmed"
    assert label_sentence("The company never paid a bribe.", context="The statement read:").label == "alleged"


def test_result_carries_rule_cue_and_source():
    r = label_sentence("The ministry denied that two soldiers were wounded.")
    assert r.rule.startswith("denied:")
    assert r.cue == "denied" and "The ministry denied"[r.cue_start : r.cue_end] == "denied"
    assert r.source == "The ministry"
    r = label_sentence("According to the Harbour Gazette, the pier will close.")
    assert (r.label, r.source) == ("alleged", "the Harbour Gazette")
    r = label_sentence('"The pier will close," a council spokeswoman said.')
    assert r.source == "a council spokeswoman"
    r = label_sentence("The pier closed on Monday.")
    assert (r.rule, r.cue, r.source) == ("confirmed:default", "", "")
