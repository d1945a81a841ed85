"""The fact check catches every mutation of a rendered article: a digit, a direction, a date, a stray number."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

import pytest

from generator.config import ROOT
from generator.load import SAMPLE_STORE, read_store
from generator.pipeline import Article, Dataset, render_article, week_facts, window_for
from generator.render import PHRASEBOOK_FILE, load_phrasebook
from generator.verify import Closes, Context, _prose, verify


@pytest.fixture(scope="module")
def closes() -> Closes:
    return Closes(read_store(ROOT / SAMPLE_STORE))


def _article(sample: Dataset, as_of: date, kind: str, story: str) -> Article:
    return render_article(sample, week_facts(sample, window_for(sample, as_of, kind)), story)


def _check(article: Article, markdown: str, closes: Closes, sample: Dataset) -> list[str]:
    ledger = json.loads(json.dumps({"claims": [dataclasses.asdict(c) for c in article.claims]}, default=str))
    context = Context(
        closes, json.loads(article.facts.model_dump_json()), sample.universe, load_phrasebook(ROOT / PHRASEBOOK_FILE), sample.settings
    )
    return verify(markdown, ledger, context)[1]


CASES = [
    (date(2018, 10, 24), "trailing", "small-caps"),
    (date(2018, 10, 26), "calendar", "sectors"),
    (date(2020, 3, 20), "calendar", "small-caps"),
]


@pytest.mark.parametrize(("as_of", "kind", "story"), CASES)
def test_a_generated_article_verifies(sample: Dataset, closes: Closes, as_of: date, kind: str, story: str) -> None:
    article = _article(sample, as_of, kind, story)
    assert len(article.claims) > 15
    assert _check(article, article.markdown, closes, sample) == []


@pytest.mark.parametrize(("as_of", "kind", "story"), CASES)
def test_changing_any_digit_is_caught(sample: Dataset, closes: Closes, as_of: date, kind: str, story: str) -> None:
    article = _article(sample, as_of, kind, story)
    text = article.markdown
    prose_start = text.index("\n---\n", 4) + 5
    positions = [m.start() for m in re.finditer(r"\d", text) if m.start() > prose_start and _is_prose(text, m.start())]
    assert len(positions) > 20
    missed = []
    for position in positions:
        mutated = text[:position] + str((int(text[position]) + 1) % 10) + text[position + 1 :]
        if not _check(article, mutated, closes, sample):
            missed.append(text[max(0, position - 40) : position + 20])
    assert missed == []


def _is_prose(text: str, position: int) -> bool:
    """Digits the reader sees as figures: not inside a chart figure, a comment or a link target."""
    line_start = text.rfind("\n", 0, position) + 1
    line = text[line_start : text.find("\n", position)]
    marker = "\0"
    mutated = text[:position] + marker + text[position + 1 :]
    return marker in _prose(mutated) and not line.startswith(("<", "- [", "| ---"))


MUTATIONS = {
    "direction word": ("are down 7.6 percent and 5.4 percent", "are up 7.6 percent and 5.4 percent"),
    "size verb": ("tumbled 7.6 percent", "slipped 7.6 percent"),
    "since date": ("since early February", "since mid-February"),
    "stray number": ("\n\n## Data Behind This Article", " IWM holds about 2,000 stocks.\n\n## Data Behind This Article"),
    "above or below": ("ends the week below its 200-day", "ends the week above its 200-day"),
    "weekday": ("On Wednesday, IWM plunged", "On Tuesday, IWM plunged"),
    "flat": ("down 0.6 percent", "basically flat"),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_each_kind_of_mutation_is_caught(sample: Dataset, closes: Closes, name: str) -> None:
    article = _article(sample, date(2018, 10, 24), "trailing", "small-caps")
    before, after = MUTATIONS[name]
    assert before in article.markdown
    problems = _check(article, article.markdown.replace(before, after, 1), closes, sample)
    assert problems, name


def test_a_wrong_fact_in_the_ledger_is_caught_by_the_recomputation(sample: Dataset, closes: Closes) -> None:
    """If the generator itself got a figure wrong, text and ledger agree but the prices do not."""
    week = week_facts(sample, window_for(sample, date(2018, 10, 24), "trailing"))
    iwm = week.funds["IWM"]
    wrong = iwm.model_copy(update={"week": iwm.week.model_copy(update={"value": iwm.week.value + 0.01})})
    bad = render_article(sample, week.model_copy(update={"funds": {**week.funds, "IWM": wrong}}), "small-caps")
    assert any("rounds to 7.6" in p or "7.6" in p for p in _check(bad, bad.markdown, closes, sample))
