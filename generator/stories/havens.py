"""The havens story: gold and the defensive sectors against the S&P 500."""

from __future__ import annotations

from typing import Literal

from ..config import HAVENS, MARKET_BENCHMARK, Settings
from ..facts import FundFacts
from .base import StoryType, VersusMarket, events_of, flat, market_trader, versus


class HavensStory(VersusMarket):
    """Gold and the defensive sectors against the S&P 500."""

    name: Literal["havens"] = "havens"
    angle: Literal["haven_bid", "gold_shines", "gold_fades", "in_step"]


def havens_story(funds: dict[str, FundFacts], settings: Settings) -> HavensStory | None:
    found = versus(funds, HAVENS)
    if found is None:
        return None
    lead, peers, week = found
    gold, market = funds[lead].week.value, funds[MARKET_BENCHMARK].week.value
    angle: Literal["haven_bid", "gold_shines", "gold_fades", "in_step"]
    if flat(week.value, settings.thresholds):
        angle = "in_step"
    elif gold > 0 and market < 0 and not flat(gold, settings.thresholds) and not flat(market, settings.thresholds):
        angle = "haven_bid"
    else:
        angle = "gold_shines" if week.value > 0 else "gold_fades"
    events = events_of(funds[lead]) + int(angle == "haven_bid")
    return HavensStory(
        lead=lead,
        peers=peers,
        benchmark=MARKET_BENCHMARK,
        **market_trader(funds),
        gap_week=week,
        angle=angle,
        events=events,
        score=settings.thresholds.havens_story_weight * abs(gold) * 100 + settings.thresholds.event_bonus * events,
    )


STORY = StoryType(
    name="havens",
    category="Gold And Defensives",
    model=HavensStory,
    build=havens_story,
    scoring="scores `havens_story_weight` times GLD's weekly move, in percent, plus `event_bonus` for each event in "
    "GLD's week, and one more when gold rose in a week the S&P 500 fell.",
)
