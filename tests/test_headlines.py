"""Variety with memory: headlines built from the week's specifics that never repeat within the memory window,
Related Links that never name the article itself or one headline twice, and a leveraged caution given in full once
a week and in one clause after."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from generator.check import check_phrasebook
from generator.config import DEFAULTS, ROOT
from generator.events import EVENTS_FILE
from generator.load import SAMPLE_STORE, read_store, with_history
from generator.pipeline import Dataset, RelatedLink, generate_articles, related_links, render_article, week_facts, window_for
from generator.render import HEADLINE_SLOTS, PHRASEBOOK_FILE, Writer, load_phrasebook
from generator.universe import FUNDS_FILE, load_universe
from generator.verify import Closes, Context, verify
from generator.verify.prices import read_events_file

UNIVERSE = load_universe(ROOT / FUNDS_FILE)
PHRASEBOOK = load_phrasebook(ROOT / PHRASEBOOK_FILE)
FRIDAY = date(2019, 3, 22)
TINY = {
    **PHRASEBOOK,
    "headlines_bonds_stocks_win": ["Stocks Leave Long Bonds Behind", "Long Bonds Trail Stocks {event}"],
}
"""A phrasebook whose bonds headlines are one plain template and one with an event slot."""


def story(lead_streak: int = 0) -> Any:
    return SimpleNamespace(name="bonds", angle="stocks_win", lead="TLT")


def week(*kinds: str, streak: int = 0) -> Any:
    events = [SimpleNamespace(kind=kind) for kind in kinds]
    return SimpleNamespace(events=events, funds={"TLT": SimpleNamespace(weekly_streak=SimpleNamespace(value=streak))})


def writer(as_of: date = FRIDAY, phrasebook: dict[str, Any] = TINY) -> Writer:
    return Writer(as_of=as_of, universe=UNIVERSE, phrasebook=phrasebook, settings=DEFAULTS)


def test_the_most_specific_headline_the_week_fills_comes_first_and_its_slot_is_recorded() -> None:
    text, about = writer().headline(story(), week("fomc"), {})
    assert text == "Long Bonds Trail Stocks In A Fed Week"
    assert about == {"measure": "angle", "story": "bonds", "angle": "stocks_win", "slots": {"event": "In A Fed Week"}}
    assert writer().headline(story(), week(), {})[0] == "Stocks Leave Long Bonds Behind"


def test_a_headline_used_within_the_memory_window_gives_way_to_another() -> None:
    used = {"Long Bonds Trail Stocks In A Fed Week": FRIDAY - timedelta(weeks=26)}
    assert writer().headline(story(), week("fomc"), used)[0] == "Stocks Leave Long Bonds Behind"
    used = {"Long Bonds Trail Stocks In A Fed Week": FRIDAY - timedelta(weeks=27), "Stocks Leave Long Bonds Behind": FRIDAY}
    assert writer().headline(story(), week("fomc"), used)[0] == "Long Bonds Trail Stocks In A Fed Week"


def test_a_headline_never_used_is_preferred_to_one_used_long_ago() -> None:
    used = {"Long Bonds Trail Stocks In A Fed Week": date(2010, 1, 1)}
    assert writer().headline(story(), week("fomc"), used)[0] == "Stocks Leave Long Bonds Behind"


def test_a_slot_already_used_by_the_same_weeks_other_piece_is_avoided() -> None:
    used = {"Gold ETFs Trail Stocks In A Fed Week": FRIDAY}
    assert writer().headline(story(), week("fomc"), used)[0] == "Stocks Leave Long Bonds Behind"


def test_a_streak_and_an_event_tag_read_as_the_phrasebook_spells_them() -> None:
    book = {**PHRASEBOOK, "headlines_bonds_stocks_win": ["Long Treasury ETFs Post A {streak}", "Stocks Leave Long Bonds Behind"]}
    assert writer(phrasebook=book).headline(story(), week(streak=-4), {})[0] == "Long Treasury ETFs Post A Fourth Straight Weekly Loss"
    assert writer(phrasebook=book).headline(story(), week(streak=2), {})[0] == "Stocks Leave Long Bonds Behind"
    assert writer().headline_slots(story(), week("trade", "covid", "volatility"))["event"] == [
        "Amid Trade Headlines",
        "Amid Pandemic Headlines",
    ]


def test_with_every_headline_used_recently_the_one_used_longest_ago_returns() -> None:
    used: dict[str, date] = {}
    picks = []
    for number in range(4):
        day = FRIDAY + timedelta(weeks=number)
        picks.append(writer(day).headline(story(), week("fomc"), used)[0])
        used[picks[-1]] = day
    fed, plain = "Long Bonds Trail Stocks In A Fed Week", "Stocks Leave Long Bonds Behind"
    assert picks == [fed, plain, fed, plain]


def test_no_headline_repeats_over_weeks_the_list_can_fill() -> None:
    """Ten weeks of the real phrasebook's bonds list, with an event every other week: ten different headlines."""
    used: dict[str, date] = {}
    for number in range(10):
        day = FRIDAY + timedelta(weeks=number)
        text, _ = writer(day, PHRASEBOOK).headline(story(), week(*(["fomc"] if number % 2 else [])), used)
        assert text not in used, (day, text)
        used[text] = day


def _titles(articles: list[Any], day: date) -> list[tuple[str, str]]:
    return [(a.story, a.headline) for a in articles if a.as_of == day]


def test_a_weeks_headlines_are_the_same_whichever_range_writes_it(sample: Dataset) -> None:
    day = date(2016, 11, 11)
    alone = generate_articles(sample, first=day, last=day)
    with_before = generate_articles(sample, first=date(2016, 10, 28), last=day)
    assert _titles(alone, day) == _titles(with_before, day)
    headlines = [a.headline for a in with_before]
    assert len(headlines) == len(set(headlines))
    assert all("](posts/" not in a.markdown for a in with_before), "a related link names a file beside the post, not a folder"


def link(name: str, headline: str, day: date = FRIDAY) -> RelatedLink:
    return RelatedLink(headline, Path(f"{day.isoformat()}-{name}.md"), day)


def test_related_links_mix_the_weeks_other_pieces_with_earlier_ones_never_itself_or_a_duplicate() -> None:
    own = link("a", "Gold ETFs Shine")
    others = [link("b", "Tech ETFs Lead"), link("c", "Bonds Lag")]
    earlier = [
        link("x", "Old One", date(2019, 1, 4)),
        link("y", "Gold ETFs Shine", date(2019, 2, 1)),
        link("z", "Tech ETFs Lead", date(2019, 3, 1)),
    ]
    assert [item.headline for item in related_links(own, others, earlier)] == ["Tech ETFs Lead", "Bonds Lag", "Old One"]
    assert [item.headline for item in related_links(own, [], [*earlier, own])] == ["Tech ETFs Lead", "Old One"]


def test_the_caution_is_full_in_the_weeks_first_article_and_one_clause_after() -> None:
    said: set[str] = set()
    first, second = (
        Writer(FRIDAY, UNIVERSE, PHRASEBOOK, DEFAULTS, week_said=said),
        Writer(FRIDAY, UNIVERSE, PHRASEBOOK, DEFAULTS, week_said=said),
    )
    full, short = first.caution(), second.caution()
    assert full in [" ".join(str(t).split()) for t in PHRASEBOOK["leveraged_caution"]]
    assert short in PHRASEBOOK["leveraged_caution_short"]
    assert [c.about["key"] for c in first.claims + second.claims] == ["leveraged_caution", "leveraged_caution_short"]
    assert len(short.split()) < len(full.split()) / 2


def test_the_archive_varies_the_caution_by_week(sample: Dataset) -> None:
    articles = generate_articles(sample, first=date(2018, 10, 5), last=date(2018, 12, 28))
    cautions = [c for a in articles for c in a.claims if c.about.get("key", "").startswith("leveraged_caution")]
    by_week: dict[date, list[str]] = {}
    for article in articles:
        by_week.setdefault(article.as_of, []).extend(
            c.about["key"] for c in article.claims if c.about.get("key", "").startswith("leveraged_caution")
        )
    assert all(keys[:1] == ["leveraged_caution"] and set(keys[1:]) <= {"leveraged_caution_short"} for keys in by_week.values() if keys)
    assert len({c.text for c in cautions}) > 2


# --- the fact check reads every slot ----------------------------------------------------------------

CLOSES = Closes(with_history(read_store(ROOT / SAMPLE_STORE), ROOT, DEFAULTS.gates.max_day_move_percent), date(2016, 4, 28))
EVENTS = read_events_file(ROOT / EVENTS_FILE)
WRONG = {
    "event": "In A Referendum Week",
    "streak": "Ninth Straight Weekly Gain",
    "leader": "Utilities",
    "laggard": "Utilities",
    "group": "Nasdaq-100",
    "top": "Bear Nasdaq-100",
    "bottom": "Bull Nasdaq-100",
    "month": "February",
}
"""A false value for each slot (where the week says otherwise)."""
SLOTTED = [
    (date(2016, 11, 11), "small-caps"),
    (date(2016, 11, 11), "leveraged"),
    (date(2018, 10, 26), "sectors"),
    (date(2016, 12, 16), "sectors"),
    (date(2018, 10, 12), "drawdown"),
    (date(2016, 10, 14), "small-caps"),
    (date(2016, 5, 13), "bonds"),
    (date(2016, 5, 20), "bonds"),
]


def _ledger(article: Any) -> dict[str, Any]:
    return json.loads(json.dumps({"claims": [dataclasses.asdict(c) for c in article.claims]}, default=str))  # type: ignore[no-any-return]


def test_every_headline_slot_given_a_false_value_is_caught(sample: Dataset) -> None:
    """One test over all the cases (so that it can also tell that they reach every slot, whichever worker runs it)."""
    tested: set[str] = set()
    for as_of, name in SLOTTED:
        article = render_article(sample, week_facts(sample, window_for(sample, as_of, "calendar")), name)
        ctx = Context(CLOSES, sample.universe, PHRASEBOOK, sample.settings, as_of, "calendar", events=EVENTS)
        assert verify(article.markdown, _ledger(article), ctx)[1] == [], (as_of, name)
        slots = article.claims[0].about.get("slots", {})
        assert slots, article.headline
        for slot, words in slots.items():
            wrong = WRONG[slot] if WRONG[slot] != words else "Energy"
            title = article.headline.replace(words, wrong, 1)
            ledger = _ledger(article)
            ledger["claims"][0]["text"], ledger["claims"][0]["about"]["slots"][slot] = title, wrong
            markdown = article.markdown.replace(json.dumps(article.headline), json.dumps(title), 1)
            problems = verify(markdown, ledger, ctx)[1]
            assert any(f"{{{slot}}}" in problem for problem in problems), (as_of, slot, problems)
            tested.add(slot)
    assert tested == HEADLINE_SLOTS


def test_the_phrasebook_check_knows_the_slots_and_the_length_of_a_headline(tmp_path: Path) -> None:
    book = {
        **PHRASEBOOK,
        "headlines_bonds_stocks_win": ["Bonds {mood}", "Long Treasury ETFs Trail Stocks Yet Again {event}", "Bonds Lag {event}"],
        "headlines_bonds_in_step": ["Bonds {event}"],
    }
    path = tmp_path / "phrasebook.yaml"
    path.write_text("headlines_bonds_stocks_win: []\nheadlines_bonds_in_step: []\n", encoding="utf-8")
    problems = " ".join(check_phrasebook(book, path))
    assert "'Bonds {mood}' uses ['mood']" in problems
    assert "'Long Treasury ETFs Trail Stocks Yet Again {event}' runs 10 to 11 words" in problems
    assert "`headlines_bonds_in_step` needs a headline with no {event} or {streak}" in problems
    assert "'Bonds Lag {event}'" not in problems
