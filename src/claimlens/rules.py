"""The rule labeler: the label guide's ordered decision procedure, made executable and transparent.

For each sentence it applies, in the guide's order, the first rule that holds:

1. denied                -- a denial, rejection or refutation, or the claim asserted false (quoted or not);
2. unconfirmed_explicit  -- the claim is said to be unverified or unknown, or someone did not confirm;
3. confirmed (verb)      -- a confirmation verb in the article's voice beats attribution (guide note 3);
4. alleged               -- attribution: reporting verb, "according to", a direct quote, a sentence
                            continuing a quotation opened earlier, passive reporting, a named believer;
5. unconfirmed_hedged    -- a hedge in the article's own voice (reportedly, may, is expected to, if ...);
6. confirmed             -- otherwise.

Cue lexicons live in resources/rules.yaml; this module adds the scope checks a lexicon cannot say:
negation in front of a cue, cues inside quotation marks (which count for denials but not for
attribution or hedges), adjective/noun uses ("the alleged attacker", "the report"), passive voice.
Every result carries the rule that decided, the cue span and, where there is one, the source span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache

import yaml

from claimlens.config import RESOURCES_DIR
from claimlens.quotes import fold_quotes, quote_state_after

_NEGATION = re.compile(
    r"\b(not|never|no|neither|nor|without|refused to|declined to|failed to|unable to|yet to|n't)\W+(\w+\W+){0,2}$"
    r"|n't\W+(\w+\W+){0,2}$",
    re.IGNORECASE,
)
# A reporting word after these is a noun or adjective ("the report", "amid claims", "two states").
_DETERMINER = re.compile(
    r"\b(the|a|an|his|her|their|its|our|my|your|these|those|this|that|such|of|new|earlier|"
    r"latest|initial|first|unconfirmed|conflicting|local|several|many|some|any|other|united|insurance|"
    r"annual|quarterly|weekly|monthly|own|official|short|final|greater|no|two|three|four|five|\d+|"
    r"following|amid|despite|after|about|over|with|without|for|by|from|into|on|in|under|against)\s+$",
    re.IGNORECASE,
)
_BE_BEFORE = re.compile(
    r"\b(is|are|was|were|be|been|being|am|get|got|gets|'s|'re)\s+(not\s+|n't\s+|\w+ly\s+){0,2}$", re.IGNORECASE
)
_RELATIVE_BEFORE = re.compile(r"\b(who|which|whom)\s+(\w+\s+)?$", re.IGNORECASE)
_NON_CLAIM_OBJECT = re.compile(
    r"^\W*(\w+\s+){0,2}?(bail|entry|access|permission|visas?|parole|admission|service|treatment|"
    r"requests?|applications?|appeals?|petitions?|licen[cs]es?|the right|a chance|a place|a spot|"
    r"funding|asylum|a hearing|a seat|boarding)\b",
    re.IGNORECASE,
)
_SOURCE_STOP = re.compile(
    r"^(has|have|had|was|were|is|are|also|later|previously|earlier|then|further|had|has|publicly|"
    r"repeatedly|reportedly|allegedly|first|again|but|and|while|who|which|as|it|now|once)$",
    re.IGNORECASE,
)
_SUBORDINATE_BEFORE = re.compile(
    r"\b(what|which|who|whom|that|if|whether|as|than|how|when|where|though|although|while|because|since|so|"
    r"unless|until|meaning)\W+(\w+\W+){0,2}$",
    re.IGNORECASE,
)
# A leading adverbial clause ("While the reports remain unconfirmed, X said ...") is not the main claim.
_LEADING_CLAUSE = re.compile(
    r"^\W*(while|although|though|even though|whereas|despite|after|before|when|since|because|as)\b[^,;]{3,160},",
    re.IGNORECASE,
)
_MONTH_MAY = re.compile(r"May\b(?=\s+\d|\s+(19|20)\d\d|,)")


@dataclass(frozen=True)
class RuleResult:
    label: str
    rule: str  # "<guide step>:<cue name>", e.g. "alleged:according_to"
    cue: str = ""
    cue_start: int = -1
    cue_end: int = -1
    source: str = ""
    source_start: int = -1
    source_end: int = -1

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, re.Pattern]]:
    data = yaml.safe_load((RESOURCES_DIR / "rules.yaml").read_text(encoding="utf-8"))
    return {
        group: {name: re.compile(rx, re.IGNORECASE) for name, rx in pats.items()}
        for group, pats in data.items()
    }


def continues_quote(context: str | None) -> bool:
    """Whether a sentence after `context` continues a quotation (guide note 7): the previous sentence
    leaves a quotation open, or introduces a block quote with a colon."""
    return bool(context) and (quote_state_after(context) or context.rstrip().endswith(":"))


def _quoted_mask(s: str, in_quote: bool) -> list[bool]:
    """True for characters inside quotation marks (double quotes, and single quotes used as quotes)."""
    mask = [False] * len(s)
    dq = in_quote
    sq = False
    n = len(s)
    for i, ch in enumerate(s):
        if ch == '"':
            dq = not dq
            continue
        if ch == "'":
            before = s[i - 1] if i else " "
            after = s[i + 1] if i + 1 < n else " "
            if not sq and not dq and (before.isspace() or before in "([-") and after.isalnum():
                sq = True
                continue
            if sq and (before in ",.!?" or before.isalnum()) and (after.isspace() or after in ",.;:!?)-"):
                sq = False
                continue
        mask[i] = dq or sq
    return mask


def _negated(s: str, start: int) -> bool:
    return bool(_NEGATION.search(s[max(0, start - 40) : start]))


def _find_source(s: str, outside: str, cue_start: int, cue_end: int, cue_name: str) -> tuple[int, int]:
    """The attributed source next to a cue: "according to X", "X said", "..., said X"."""

    def trim(a: int, b: int) -> tuple[int, int]:
        while a < b and not s[a].isalnum():
            a += 1
        while b > a and not (s[b - 1].isalnum() or s[b - 1] in ").'"):
            b -= 1
        return (a, b) if b > a else (-1, -1)

    if cue_name == "sources":
        m = re.compile(r"(.{3,80}?)\s+(says|said|say|told|tells|claims?|claimed|reports?|reported|insists?|insisted|added|alleged?)\b").match(s, cue_start)
        return trim(cue_start, m.end(1)) if m else trim(cue_start, cue_end)
    if s[cue_start:cue_end].lower().startswith(("according", "citing", "quoting", "as ", "per ", "cited", "quoted by")):
        m = re.compile(r"[^,;:.\"]+").match(outside, cue_end)
        if m:
            # Stop before a verb-led continuation: "according to police the man ..." keeps "police".
            words = list(re.finditer(r"\S+", m.group(0)))[:8]
            if words:
                return trim(m.start(), m.start() + words[-1].end())
        return (-1, -1)
    left = outside[:cue_start]
    cut = max(left.rfind(c) for c in ',;:"()') + 1
    segment = left[cut:]
    seg_start = cut
    m_that = list(re.finditer(r"\b(that|who|which|after|when|because|while|as)\b", segment, re.I))
    if m_that:
        seg_start += m_that[-1].end()
        segment = left[seg_start:]
    words = [w for w in re.finditer(r"[\w.'&-]+", segment)]
    while words and _SOURCE_STOP.match(words[-1].group(0)):
        words.pop()
    words = words[-8:]
    if words:
        return trim(seg_start + words[0].start(), seg_start + words[-1].end())
    # Inverted order: '"...," said the minister.'
    m = re.compile(r"\s*([^,;:.\"]+)").match(outside, cue_end)
    if m and m.group(1).strip():
        words = list(re.finditer(r"\S+", m.group(1)))[:8]
        return trim(m.start(1), m.start(1) + words[-1].end())
    return (-1, -1)


def _result(label: str, rule: str, s: str, m: re.Match | None, source: tuple[int, int] = (-1, -1)) -> RuleResult:
    if m is None:
        return RuleResult(label, rule)
    a, b = source
    return RuleResult(
        label,
        rule,
        cue=s[m.start() : m.end()].strip(),
        cue_start=m.start(),
        cue_end=m.end(),
        source=s[a:b] if a >= 0 else "",
        source_start=a,
        source_end=b,
    )


def _denial(s: str, outside: str) -> tuple[str, re.Match] | None:
    for name, rx in _lexicon()["denied"].items():
        for m in rx.finditer(s):
            before = s[max(0, m.start() - 40) : m.start()]
            if _negated(s, m.start()):
                continue
            if name == "denial_verb":
                word = m.group(0).lower()
                if _BE_BEFORE.search(before) and not re.match(r"\s+by\b", s[m.end() :]):
                    continue  # "was denied bail": a refusal, not a denial of a claim
                if word.startswith("den") and _NON_CLAIM_OBJECT.match(s[m.end() :]):
                    continue  # "denied him entry"
                if re.match(r"[- ]of[- ]service", s[m.end() :], re.I):
                    continue
            return name, m
    return None


def _explicit_unconfirmed(s: str, outside: str, lead_end: int, attribution_at: int) -> tuple[str, re.Match] | None:
    for name, rx in _lexicon()["unconfirmed_explicit"].items():
        for m in rx.finditer(s):
            if name in {"rumour", "unknown"}:
                if m.start() < lead_end:
                    continue  # inside a leading "While the reports remain unconfirmed," clause
                if 0 <= attribution_at < m.start():
                    continue  # inside what a named source says: attribution decides (rule 2.3)
            return name, m
    return None


def _confirmation(s: str, outside: str, lead_end: int, attribution_at: int) -> tuple[str, re.Match] | None:
    for name, rx in _lexicon()["confirmation"].items():
        for m in rx.finditer(outside):
            if _negated(s, m.start()) or m.start() < lead_end:
                continue
            if name == "evidence_shows" and 0 <= attribution_at < m.start():
                continue  # "runners claimed the data showed ...": the evidence is part of the claim
            if re.search(r"\bto\s+$", s[: m.start()]) or re.search(r"\b(if|unless|whether)\b[^,;]{0,40}$", s[: m.start()], re.I):
                continue  # "working to verify", "if the report is confirmed": no act of confirming
            if m.group(0).lower().startswith("admit") and (
                re.match(r"\s+(to|into|with|in|at)\b", s[m.end() :]) or _BE_BEFORE.search(s[: m.start()])
            ):
                continue  # "was admitted to hospital": an admission to a ward, not of a fact
            if name == "confirm_verb" and _DETERMINER.search(s[: m.start()]) and m.group(0).lower().endswith("ed"):
                continue  # "the confirmed cases": an adjective, not an act of confirming
            return name, m
    return None


def _not_a_reporting_verb(s: str, m: re.Match) -> bool:
    """Scope checks for a reporting-verb match: nouns, passives, participles, relative clauses, infinitives."""
    before = s[: m.start()]
    word = m.group(0).lower()
    if before.endswith("-"):
        return True  # "life-threatening"
    if _DETERMINER.search(before) and not (word.endswith("ing") and re.search(r"(\d|\b[a-z]+)\s+$", before)):
        return True  # "the report", "amid claims", "the United States" (but "in 2012 alleging that ...")
    if _BE_BEFORE.search(before) and not word.endswith("ing"):
        return True  # "was told to leave", "was declared dead": passive narration, not a source speaking
    if _RELATIVE_BEFORE.search(before) and before.strip():
        return True  # "prisoners who say ...": the main clause is elsewhere
    if (re.search(r"\bto\s+$", before, re.I) and not word.endswith(("ed", "id", "ld", "ote"))
            and not re.match(r"\s+that\b", s[m.end() :])):
        return True  # "required to report" (but "we spoke to said", "took to Twitter to claim that")
    if re.search(r"\b(correctly|accurately|rightly|wrongly)\s+$", before, re.I):
        return True  # "correctly predicted": the article vouches for the outcome
    if re.search(r"\b(nobody|no one|none of [\w' ]+|never|if|unless|whether)\s+(\w+\s+){0,3}$", before, re.I):
        return True  # "nobody told me", "if the company says anything": no source makes a claim
    # "has reported 312 cases": an official count, not a source's say-so
    return word.startswith("report") and bool(re.match(r"\s+\d", s[m.end() :]))


def _attribution(s: str, outside: str, has_quote: bool) -> tuple[str, re.Match] | None:
    lex = _lexicon()["attribution"]
    for name in ("according_to", "sources", "passive_report"):
        for m in lex[name].finditer(outside):
            if name == "according_to" and m.group(0).lower().startswith(("told", "tell")) and _not_a_reporting_verb(s, m):
                continue  # "nobody told the drivers", "were told to leave"
            return name, m
    for m in lex["reporting_verb"].finditer(outside):
        if _not_a_reporting_verb(s, m):
            continue
        return "reporting_verb", m
    for m in lex["weak_reporting_verb"].finditer(outside):
        if _not_a_reporting_verb(s, m):
            continue
        # Weak verbs report speech only with a complement (a quote, "that", a colon or comma), or
        # closing the sentence ("..., Lee asked.").
        if has_quote or re.match(r"\s*(that\b|:|,|\"|[.!?]?\W*$)", s[m.end() :]):
            return "reporting_verb", m
    question = s.rstrip().rstrip("\"')").endswith("?")
    for m in lex["belief"].finditer(outside):
        before = s[: m.start()]
        if question or not before.strip() or _BE_BEFORE.search(before) or _DETERMINER.search(before):
            continue  # no holder ("is expected to") is a hedge, not an attribution
        if re.search(r"\w+ing\s+$", before) or _RELATIVE_BEFORE.search(before) or re.search(r"\w+\s+$", before) and re.match(r"\s+(for|of)\b", s[m.end():]):
            continue  # "sparking fears ...", "residents who believe ...", "winds forecast for ..."
        if re.search(r"\b(it|there)('s|\s+is|\s+was)?\s+$", before, re.I):
            continue
        if re.search(r"\b(correctly|accurately|rightly|wrongly)\s+$", before, re.I):
            continue  # "correctly predicted": the article vouches for the outcome
        return "belief", m
    return None


def _hedge(s: str, outside: str, lead_end: int) -> tuple[str, re.Match] | None:
    for name, rx in _lexicon()["hedged"].items():
        for m in rx.finditer(outside):
            if m.start() < lead_end and name != "conditional":
                continue
            if name == "modal" and _SUBORDINATE_BEFORE.search(s[max(0, m.start() - 40) : m.start()]):
                continue  # "what he would do", "as they would have liked": not the main clause
            if name == "modal" and m.group(0) == "May" and (m.start() > 0 or _MONTH_MAY.match(s, m.start())):
                continue  # the month: capitalised mid-sentence, or followed by a day or year
            return name, m
    return None


def label_sentence(text: str, context: str | None = None, in_quote: bool | None = None) -> RuleResult:
    """Label one sentence. `context` is the previous sentence; `in_quote` overrides the quote state
    inferred from it (True when the sentence continues a quotation or block quote opened earlier)."""
    s = fold_quotes(text)
    if in_quote is None:
        in_quote = continues_quote(context)
    if in_quote and s.lstrip().startswith('"'):
        in_quote = False  # a new quotation opens here; the old one was closed by a paragraph break
    mask = _quoted_mask(s, in_quote)
    outside = "".join(" " if q else ch for ch, q in zip(s, mask))
    quoted_words = len(re.findall(r"\w+", "".join(ch if q else " " for ch, q in zip(s, mask))))

    lead = _LEADING_CLAUSE.match(s)
    lead_end = lead.end() if lead else 0
    quoted_share = quoted_words / max(1, len(re.findall(r"\w+", s)))
    attribution = _attribution(s, outside, quoted_words >= 3)
    hit = _denial(s, outside)
    if hit:
        name, m = hit
        agentive = name in {"denial_verb", "rejection", "dismissed_as"} and not mask[m.start()]
        src = _find_source(s, outside, m.start(), m.end(), name) if agentive else (-1, -1)
        return _result("denied", f"denied:{name}", text, m, src)
    hit = _explicit_unconfirmed(s, outside, lead_end, attribution[1].start() if attribution else -1)
    if hit:
        name, m = hit
        agentive = name in {"did_not_confirm", "declined"} and not mask[m.start()]
        src = _find_source(s, outside, m.start(), m.end(), name) if agentive else (-1, -1)
        return _result("unconfirmed", f"unconfirmed_explicit:{name}", text, m, src)
    hit = _confirmation(s, outside, lead_end, attribution[1].start() if attribution else -1)
    if hit:
        name, m = hit
        src = _find_source(s, outside, m.start(), m.end(), name) if name == "confirm_verb" else (-1, -1)
        return _result("confirmed", f"confirmed:{name}", text, m, src)
    hit = attribution
    if hit:
        name, m = hit
        src = (-1, -1) if name == "passive_report" else _find_source(s, outside, m.start(), m.end(), name)
        return _result("alleged", f"alleged:{name}", text, m, src)
    if in_quote:
        return RuleResult("alleged", "alleged:quote_continuation")
    if quoted_words >= 4 and quoted_share >= 0.35:
        first = next(i for i, q in enumerate(mask) if q)
        last = max(i for i, q in enumerate(mask) if q)
        m = re.compile(r".+", re.S).match(s[: last + 1], first)
        return _result("alleged", "alleged:direct_quote", text, m)
    hit = _hedge(s, outside, lead_end)
    if hit:
        name, m = hit
        return _result("unconfirmed", f"unconfirmed_hedged:{name}", text, m)
    if s.rstrip().rstrip("\"')").endswith("?"):
        return RuleResult("unconfirmed", "unconfirmed_hedged:question")
    return RuleResult("confirmed", "confirmed:default")


def label_sentences(texts: Iterable[str], contexts: Iterable[str | None] | None = None,
                    in_quotes: Iterable[bool | None] | None = None) -> list[RuleResult]:
    texts = list(texts)
    contexts = list(contexts) if contexts is not None else [None] * len(texts)
    in_quotes = list(in_quotes) if in_quotes is not None else [None] * len(texts)
    return [label_sentence(t, c, q) for t, c, q in zip(texts, contexts, in_quotes)]
