"""Copy-editing: the tells a desk editor sends back, one rule each, read off the printed article alone.

Each rule takes the article's prose (`prose`: sentences, without front matter, headings, tables,
charts or lists) and returns the sentences that break it, so the fact check
can name them and `benchmarks/copyedit_report.py` can count them over a whole archive. The rules
need no prices and no ledger: they hold for any article, an editor's words included.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from .claims import FRONT

COMMON_VERBS = frozenset(
    """
    rose fell gained slipped added lost jumped sank tumbled surged climbed dropped declined advanced
    plunged soared rallied leapt slumped skidded retreated eased dipped edged
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
"""Past-tense direction verbs a desk would not print four times in one piece (the phrasebook's verbs are added)."""
PRESENT_MOVE = re.compile(r"\b(?:is|are)(?: both)? (?:up|down|basically flat)\b|\b(?:ends|closes|finishes) the week\b", re.IGNORECASE)
"""A move or a standing in the present tense: true only of the year so far ("SPY is down 16.3 percent")."""
PAST_MOVE = re.compile(r"\b(?:was|were)(?: both)? (?:up|down|basically flat|little changed)\b|\bfinished\b", re.IGNORECASE)
"""A move in the past tense that is not one of the direction verbs."""
YEAR = re.compile(r"\byear\b", re.IGNORECASE)
FIGURE_WORDS = r"\d[\d,]*(?:\.\d+)?(?:%| percent| percentage points?)"
IDENTICAL = re.compile(rf"(?<![\d.])({FIGURE_WORDS}) and \1,? respectively", re.IGNORECASE)
POINTS = re.compile(r"(?<![\d.])(\d[\d,]*(?:\.\d+)?) percentage (points?)\b")
CROSSING = re.compile(
    r"^(?:On |Last )?(?:Monday|Tuesday|Wednesday|Thursday|Friday), (\^?[A-Z][A-Z0-9.]*) [^.]*\bits \d+-day moving average"
)
"""A crossing told on its own day: "On Tuesday, IWM clipped its 50-day moving average"."""
VERB_LIMIT = 3
CROSSING_LIMIT = 2


def prose(markdown: str) -> list[str]:
    """The article's sentences, in order: paragraphs of running text (not headings, tables, lists or charts)."""
    front = FRONT.match(markdown)
    body = markdown[front.end() if front else 0 :]
    body = re.sub(r"<!--.*?-->|<figure.*?</figure>", " ", body, flags=re.DOTALL)
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        lines = [line.strip() for line in paragraph.splitlines()]
        if not lines or lines[0].startswith(("#", "|", "- ", "* ", "<", "**Related")):
            continue
        text = re.sub(r"\]\([^)]*\)", "]", " ".join(line.lstrip("> ") for line in lines if line))
        sentences += [s for s in re.split(r"(?<=[.!?])[\"”]?\s+(?=[A-Z\[\"“])", text) if s.strip()]
    return sentences


def direction_verbs(phrasebook: dict[str, Any]) -> list[str]:
    """Every verb a move may be written with: the phrasebook's (`gave up` whole) and the common ones."""
    listed = {str(item) for key, items in phrasebook.items() if key.startswith("verbs_") for item in items}
    return sorted(listed | COMMON_VERBS, key=len, reverse=True)


def _verb_pattern(verbs: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(verb) for verb in verbs) + r")\b", re.IGNORECASE)


def mixed_tenses(sentences: Sequence[str], verbs: Sequence[str]) -> list[str]:
    """A present-tense move beside a past one ("IWM and SPY are down ... while DIA gained"), or a present-tense move
    in a sentence that is not about the year so far ("DIA and QQQ are down ..., respectively" of the week)."""
    past = _verb_pattern(verbs)
    return [s for s in sentences if PRESENT_MOVE.search(s) and (past.search(s) or PAST_MOVE.search(s) or not YEAR.search(s))]


def identical_figures(sentences: Sequence[str]) -> list[str]:
    """Two figures that print alike joined by "respectively" ("7.1 percent and 7.1 percent, respectively")."""
    return [s for s in sentences if IDENTICAL.search(s)]


def points_style(sentences: Sequence[str]) -> list[str]:
    """AP style for points: "1 percentage point", "0.3 percentage point", "2.4 percentage points", never "1.0"."""
    wrong = []
    for sentence in sentences:
        for number, noun in POINTS.findall(sentence):
            value = float(number.replace(",", ""))
            expected = ("1", "point") if value == 1 else (number, "point" if value < 1 else "points")
            if (number, noun) != expected:
                wrong.append(sentence)
                break
    return wrong


def repeated_verbs(sentences: Sequence[str], verbs: Sequence[str]) -> list[str]:
    """A direction verb used more than three times in one article: the sentences from its fourth use on."""
    pattern, seen, wrong = _verb_pattern(verbs), Counter[str](), []
    for sentence in sentences:
        found = [verb.lower() for verb in pattern.findall(sentence)]
        seen.update(found)
        if any(seen[verb] > VERB_LIMIT for verb in found):
            wrong.append(sentence)
    return wrong


def strung_crossings(sentences: Sequence[str]) -> list[str]:
    """Three or more crossings of one fund told day by day ("On Monday ... On Tuesday ... On Friday ..."), which the
    desk rolls up ("crossed its 50-day moving average three times this week")."""
    by_fund: dict[str, list[str]] = defaultdict(list)
    for sentence in sentences:
        found = CROSSING.match(sentence)
        if found:
            by_fund[found.group(1)].append(sentence)
    return [s for told in by_fund.values() if len(told) > CROSSING_LIMIT for s in told]


def rules(phrasebook: dict[str, Any]) -> dict[str, Callable[[Sequence[str]], list[str]]]:
    """Each copy-editing rule by name, ready to read an article's sentences."""
    verbs = direction_verbs(phrasebook)
    return {
        "tenses": lambda sentences: mixed_tenses(sentences, verbs),
        "identical figures": identical_figures,
        "percentage points": points_style,
        "repeated verb": lambda sentences: repeated_verbs(sentences, verbs),
        "strung crossings": strung_crossings,
    }


def copyedit(markdown: str, phrasebook: dict[str, Any], editors: Sequence[str] = ()) -> list[str]:
    """Every fault of an article, one line each with its rule and sentence.

    Sentences holding an editor's words (`editors`: a note's quotes and paragraphs) are the editor's
    to write: the rules do not read them.
    """
    quoted = [" ".join(text.split()) for text in editors if text.strip()]
    sentences = [s for s in prose(markdown) if not any(text in s or s in text for text in quoted)]
    return [f'copy-editing ({name}): "{sentence}"' for name, rule in rules(phrasebook).items() for sentence in rule(sentences)]
