"""The fact check catches every mutation of a rendered article: a digit, a direction, a date, a stray number,
a figure moved to another fund, a word no claim accounts for; whitespace alone changes nothing."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

import pytest

from generator.config import DEFAULTS, ROOT
from generator.events import EVENTS_FILE
from generator.load import SAMPLE_STORE, read_store, with_history
from generator.pipeline import Article, Dataset, render_article, week_facts, window_for
from generator.render import PHRASEBOOK_FILE, load_phrasebook
from generator.verify import FIGURE, Closes, Context, verify
from generator.verify.prices import read_events_file


@pytest.fixture(scope="module")
def closes() -> Closes:
    return Closes(with_history(read_store(ROOT / SAMPLE_STORE), ROOT, DEFAULTS.gates.max_day_move_percent), date(2016, 4, 28))


def _article(sample: Dataset, as_of: date, kind: str, story: str | None) -> Article:
    return render_article(sample, week_facts(sample, window_for(sample, as_of, kind)), story)


def _ledger(article: Article) -> dict[str, object]:
    return json.loads(json.dumps({"claims": [dataclasses.asdict(c) for c in article.claims]}, default=str))  # type: ignore[no-any-return]


def _check(article: Article, markdown: str, closes: Closes, sample: Dataset, ledger: dict[str, object] | None = None) -> list[str]:
    """The fact check of one article: its window from its own date and how the week was chosen, nothing from its facts."""
    window = "trailing" if article.as_of in TRAILING else "calendar"
    phrasebook = load_phrasebook(ROOT / PHRASEBOOK_FILE)
    context = Context(closes, sample.universe, phrasebook, sample.settings, article.as_of, window, events=EVENTS)
    return verify(markdown, ledger or _ledger(article), context)[1]


EVENTS = read_events_file(ROOT / EVENTS_FILE)
TRAILING = {date(2018, 10, 24)}
"""The weeks below written as "the past week" to a midweek session (`article --as-of`)."""
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
    inside_figure = any(m.start() <= position < m.end() for m in FIGURE.finditer(text))
    inside_comment = text.rfind("<!--", 0, position) > text.rfind("-->", 0, position)
    inside_target = re.search(r"\]\([^)]*$", text[line_start:position]) is not None
    return not (inside_figure or inside_comment or inside_target or line.startswith(("<", "| ---")))


MUTATIONS = {
    "direction word": ("sank 7.6 percent and 5.4 percent", "jumped 7.6 percent and 5.4 percent"),
    "tense": ("sank 7.6 percent and 5.4 percent", "are down 7.6 percent and 5.4 percent"),
    "strong verb for a pair": ("both slumped 7.1 percent", "both slipped 7.1 percent"),
    "size verb": ("plunged 7.6 percent", "slipped 7.6 percent"),
    "since date": ("since early February", "since mid-February"),
    "stray number": ("\n\n## Data Behind This Article", " IWM holds about 2,000 stocks.\n\n## Data Behind This Article"),
    "stray sentence": ("\n\n## Data Behind This Article", " IWM hit a record high.\n\n## Data Behind This Article"),
    "subject swapped": ("IWM ended the week", "IJR ended the week"),
    "average swapped": ("below its 200-day moving average", "below its 50-day moving average"),
    "copy-editing: the week in the present": ("IWM ended the week below", "IWM ends the week below"),
    "above or below": ("ended the week below its 200-day", "ended the week above its 200-day"),
    "weekday": ("On Wednesday, IWM", "On Tuesday, IWM"),
    "flat": ("down 3.4 percent", "basically flat"),
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
    assert any("7.6" in p for p in _check(bad, bad.markdown, closes, sample))


def test_whitespace_alone_changes_nothing(sample: Dataset, closes: Closes) -> None:
    article = _article(sample, date(2020, 3, 20), "calendar", "small-caps")
    respaced = article.markdown.replace(" percent", "\n percent").replace(". ", ".  ")
    assert _check(article, respaced, closes, sample) == []


def test_a_figure_given_to_another_fund_in_the_ledger_is_caught(sample: Dataset, closes: Closes) -> None:
    """The ledger says which fund each figure is about; pointing one at another fund fails the recomputation or the binding."""
    article = _article(sample, date(2020, 3, 20), "calendar", "small-caps")
    ledger = _ledger(article)
    claims = ledger["claims"]
    assert isinstance(claims, list)
    moved = next(c for c in claims if c["kind"] == "move" and c["about"]["subject"] == "IWM")
    moved["about"]["subject"] = "IJR"
    assert any("IJR" in p for p in _check(article, article.markdown, closes, sample, ledger))


def test_two_funds_swapped_in_a_pair_are_caught(sample: Dataset, closes: Closes) -> None:
    """A pair gives its figures in the order of its funds ("DIA gave up 1.6 percent and QQQ 2.1 percent"): naming the
    funds the other way round, in the article and its ledger alike, fails the check."""
    article = _article(sample, date(2020, 3, 20), "calendar", "small-caps")
    ledger = _ledger(article)
    claims = ledger["claims"]
    assert isinstance(claims, list)
    pair = next(c for c in claims if c["kind"] == "pair" and all(re.search(rf"\b{s}\b", c["text"]) for s in c["about"]["subject"]))
    first, second = pair["about"]["subject"]
    swapped = re.sub(rf"\b({first}|{second})\b", lambda m: second if m.group() == first else first, pair["text"])
    markdown = article.markdown.replace(pair["text"], swapped)
    assert markdown != article.markdown
    pair["text"] = swapped
    assert any("another order" in p for p in _check(article, markdown, closes, sample, ledger))


def test_a_window_changed_in_the_ledger_is_caught(sample: Dataset, closes: Closes) -> None:
    article = _article(sample, date(2020, 3, 20), "calendar", "small-caps")
    ledger = _ledger(article)
    claims = ledger["claims"]
    assert isinstance(claims, list)
    changed = next(c for c in claims if c["kind"] == "move" and c["about"].get("span") == "week")
    changed["about"]["start"] = "2020-03-06"
    assert _check(article, article.markdown, closes, sample, ledger)


def test_the_fact_check_reads_the_angle_of_every_registered_story(sample: Dataset, closes: Closes) -> None:
    """Each week, for every story the data supports, the check's own reading of the angle is the one the story took."""
    from generator.stories import REGISTRY
    from generator.verify.claims import angle_problems

    seen: dict[str, set[str]] = {story.name: set() for story in REGISTRY}
    phrasebook = load_phrasebook(ROOT / PHRASEBOOK_FILE)
    for week_end in sample.weeks[::5]:
        week = week_facts(sample, window_for(sample, week_end.date(), "calendar"))
        context = Context(closes, sample.universe, phrasebook, sample.settings, week.as_of, "calendar")
        for name, story in week.stories.items():
            about = {"subject": getattr(story, "lead", "")}
            assert angle_problems(name, story.angle, about, context) == [], (week.as_of, name)
            seen[name].add(story.angle)
    assert all(seen.values()), seen


def test_an_event_moved_to_another_week_or_reworded_is_caught(sample: Dataset, closes: Closes) -> None:
    """The week's events are the editors' rows, in their words, dated inside the article's week."""
    article = _article(sample, date(2020, 3, 20), "calendar", None)
    ledger = _ledger(article)
    claims = ledger["claims"]
    assert isinstance(claims, list)
    event = next(c for c in claims if c["kind"] == "event")
    assert _check(article, article.markdown.replace(event["text"], event["text"].replace("Sunday", "Monday")), closes, sample)
    event["about"]["session"] = "2020-03-03"
    assert any("is not in the week from the close of 2020-03-13" in p for p in _check(article, article.markdown, closes, sample, ledger))


def test_a_first_close_past_the_line_since_is_dated_from_the_closes(sample: Dataset, closes: Closes) -> None:
    """The week of April 13, 2018: XLI below its 200-day average for the first time since June 2016. Any other date, or
    the claim moved to a session with no crossing, is refused."""
    article = _article(sample, date(2018, 4, 13), "calendar", "sectors")
    said = "its first close below the line since June 2016"
    assert said in article.markdown and _check(article, article.markdown, closes, sample) == []
    for wrong in ("its first close below the line since July 2016", "its first close above the line since June 2016"):
        assert _check(article, article.markdown.replace(said, wrong), closes, sample) != []
    ledger = _ledger(article)
    claim = next(c for c in ledger["claims"] if c["kind"] == "crossed_since")  # type: ignore[attr-defined,index]
    claim["about"]["session"] = "2018-04-10"
    assert any("first close" in p or "cross" in p for p in _check(article, article.markdown, closes, sample, ledger))


def test_the_line_a_market_week_crossed_is_the_one_the_closes_crossed(sample: Dataset, closes: Closes) -> None:
    """March 13, 2020: SPY closed 20.4 percent below its high, into a bear market; calling it a correction, or the line
    15 percent, is refused."""
    article = _article(sample, date(2020, 3, 13), "calendar", "market")
    said = "That put it in a bear market by the usual definition, a close at least 20 percent below its 52-week high"
    assert said in article.markdown and _check(article, article.markdown, closes, sample) == []
    for wrong in (said.replace("a bear market", "a correction"), said.replace("20 percent", "15 percent")):
        assert _check(article, article.markdown.replace(said, wrong), closes, sample) != []
