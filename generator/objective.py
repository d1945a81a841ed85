"""The index a fund tracks and its daily multiple, read from its objective as the issuer states it ("The investment seeks
daily investment results ... of 300% of the daily performance of the S&P 500 Index"), and only where the words say so.

A sentence that names no index, or one whose multiple is not stated (or is stated two ways that disagree), gives None:
the metadata then says "not known", never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKS = re.compile(r"[®™℠]|\((?:SM|TM)\)|(?<=[a-z])(?:SM|TM)\b|(?<=\bIndex)sm\b|(?<= )(?:SM|TM) (?=Index\b)")
"""Trademark signs, which the database writes glued to words ("Dow Jones U.S. FinancialsSM Index", "IndexTM") or apart
("Consumer Titans TM Index")."""
SENTENCE_END = re.compile(r"(?<=[a-z0-9)\"”])\.\s+(?=[A-Z])")
"""Where a sentence ends: a period after a word, not inside "U.S." (a capital before the period)."""
NAME_WORD = r"(?:[A-Z0-9$&][\w&$+'/.\-]*|[a-z]+[A-Z][\w\-]*|ex|of|and|&|-)"
"""A word of an index's name: capitalised ("MSCI", "500", "S&P/LSTA", "ex-US"), a brand with a capital inside ("iBoxx"),
or a joining word ("ex", "of", "and")."""
INDEX = re.compile(
    rf"\bthe\s+((?:{NAME_WORD}\s+)*?Index(?:\s+(?:Total|Excess)\s+Return)?)(?=\s*(?:[.,;:(]|$)|\s+[a-z])",
)
"""An index named in full: "the" and capitalised words up to "Index" (a "Total Return" or "Excess Return" after it belongs
to the name), followed by punctuation or a lower-case word, so that "Index – Agriculture ..." is not cut short."""
TRACKING = re.compile(r"\b(?:track|tracking|correspond|replicate|reflect)\w*\b|\blinked to\b|\bresults\b|\bperformance of\b")
"""Words that make the index the one the fund follows."""
BEATING = re.compile(r"\b(?:exceed|outperform)\w*\b")
"""Words that make the index a benchmark to beat, which the fund does not track."""
TIMES = {"two": 2, "three": 3, "four": 4}
PERCENT_MULTIPLE = re.compile(r"(?P<sign>-)?(?P<percent>\d{3})%\s+of\s+(?:the\s+)?(?P<inverse>inverse|opposite)?")
WORD_MULTIPLE = re.compile(r"\b(?P<times>two|three|four)\s+times\b(?:\s+the\s+(?P<inverse>inverse|opposite))?")
FACTOR_MULTIPLE = re.compile(r"\((?P<factor>-?\d)x\)", re.IGNORECASE)
INVERSE_ALONE = re.compile(r"\bthe\s+(?:inverse|opposite)\s+of\s+the\s+daily\b")
"""A multiple stated as a percentage ("300% of the inverse of"), in words ("two times the inverse") or as a factor
("(-2x)"), or an inverse with no number ("the inverse of the daily performance": minus one)."""
LEVERAGE_WORDS = re.compile(
    r"\bdaily\b|leverag(?!ed loan)|\binverse\b|\bopposite\b|\b(?:two|three|four)\s+times\b|\bshort\b(?![- ]term)|\bbull\b|\bbear\b"
    r"|\bultra|\benhanced\b|\d+x\b",
    re.IGNORECASE,
)
"""Words that leave a plain tracker's multiple in doubt, in the summary (the index's own name aside) or the fund's name
("Short-Term", a maturity, and "leveraged loans", an asset, do not)."""


@dataclass(frozen=True)
class Objective:
    """What a fund's stated objective says: the index it tracks and its daily multiple (1 for a plain tracker), each None
    where the words do not say it."""

    index: str | None
    leverage: int | None


def objective_sentence(summary: str) -> str | None:
    """The sentence of a summary that states the objective: the first that says what the fund seeks."""
    text = " ".join(MARKS.sub("", summary).replace("‘", "'").replace("’", "'").split())
    return next((sentence for sentence in SENTENCE_END.split(text) if re.search(r"\bseek", sentence)), None)


def read_objective(summary: str, name: str = "") -> Objective:
    """The index and the daily multiple a fund's summary states (`name`, the fund's, only keeps a leveraged-sounding fund
    from being read as a plain tracker)."""
    sentence = objective_sentence(summary)
    if sentence is None:
        return Objective(None, None)
    found = INDEX.search(sentence)
    index = found.group(1) if found and TRACKING.search(sentence) and not BEATING.search(sentence) else None
    factors = _stated_multiples(sentence)
    if len(factors) > 1:
        return Objective(index, None)
    if factors:
        return Objective(index, factors.pop())
    rest = " ".join(MARKS.sub("", summary).split()).replace(index or "\0", " ")
    plain = index is not None and not LEVERAGE_WORDS.search(rest) and not LEVERAGE_WORDS.search(name)
    return Objective(index, 1 if plain else None)


def _stated_multiples(sentence: str) -> set[int]:
    """Every daily multiple the sentence states, each way it states one (none unless it speaks of daily results)."""
    if not re.search(r"\bdaily\b", sentence):
        return set()
    factors = set()
    for match in PERCENT_MULTIPLE.finditer(sentence):
        percent = int(match.group("percent"))
        if percent % 100 == 0:
            factors.add(percent // 100 * (-1 if match.group("sign") or match.group("inverse") else 1))
    for match in WORD_MULTIPLE.finditer(sentence):
        factors.add(TIMES[match.group("times")] * (-1 if match.group("inverse") else 1))
    factors.update(int(match.group("factor")) for match in FACTOR_MULTIPLE.finditer(sentence))
    if not factors and INVERSE_ALONE.search(sentence):
        factors.add(-1)
    return factors
