"""The bonds story: long Treasurys (TLT) and the other bond funds against the S&P 500."""

from __future__ import annotations

from typing import Literal

from ..config import BONDS, MARKET_BENCHMARK, Settings
from ..facts import Figure, FundFacts
from .base import StoryType, VersusMarket, events_of, flat, gap, market_trader, versus


class BondsStory(VersusMarket):
    """Long Treasurys (TLT) and the other bond funds against the S&P 500."""

    name: Literal["bonds"] = "bonds"
    gap_ytd: Figure | None
    angle: Literal["bonds_win", "stocks_win", "in_step"]


def bonds_story(funds: dict[str, FundFacts], settings: Settings) -> BondsStory | None:
    found = versus(funds, BONDS)
    if found is None:
        return None
    lead, peers, week = found
    angle: Literal["bonds_win", "stocks_win", "in_step"] = (
        "in_step" if flat(week.value, settings.thresholds) else ("bonds_win" if week.value > 0 else "stocks_win")
    )
    events = events_of(funds[lead])
    return BondsStory(
        lead=lead,
        peers=peers,
        benchmark=MARKET_BENCHMARK,
        **market_trader(funds),
        gap_week=week,
        gap_ytd=gap(funds, lead, MARKET_BENCHMARK, "ytd"),
        angle=angle,
        events=events,
        score=settings.thresholds.bonds_story_weight * abs(week.value) * 100 + settings.thresholds.event_bonus * events,
    )


STORY = StoryType(
    name="bonds",
    category="Bonds",
    model=BondsStory,
    build=bonds_story,
    scoring="scores `bonds_story_weight` times TLT's gap to SPY over the week, in points, plus `event_bonus` for each event in TLT's week.",
)
