"""The international story: emerging and developed markets abroad against US stocks."""

from __future__ import annotations

from typing import Literal

from ..config import INTERNATIONAL, MARKET_BENCHMARK, Settings
from ..facts import Figure, FundFacts
from .base import StoryType, VersusMarket, events_of, flat, gap, market_trader, versus


class InternationalStory(VersusMarket):
    """Emerging and developed markets abroad against US stocks."""

    name: Literal["international"] = "international"
    gap_developed: Figure | None
    gap_ytd: Figure | None
    angle: Literal["abroad_leads", "home_leads", "in_step"]


def international_story(funds: dict[str, FundFacts], settings: Settings) -> InternationalStory | None:
    found = versus(funds, INTERNATIONAL)
    if found is None:
        return None
    lead, peers, week = found
    angle: Literal["abroad_leads", "home_leads", "in_step"] = (
        "in_step" if flat(week.value, settings.thresholds) else ("abroad_leads" if week.value > 0 else "home_leads")
    )
    developed = gap(funds, "EFA", MARKET_BENCHMARK) if "EFA" in funds else None
    events = events_of(funds[lead])
    return InternationalStory(
        lead=lead,
        peers=peers,
        benchmark=MARKET_BENCHMARK,
        **market_trader(funds),
        gap_week=week,
        gap_developed=developed,
        gap_ytd=gap(funds, lead, MARKET_BENCHMARK, "ytd"),
        angle=angle,
        events=events,
        score=settings.thresholds.international_story_weight * abs(week.value) * 100 + settings.thresholds.event_bonus * events,
    )


STORY = StoryType(
    name="international",
    category="International",
    model=InternationalStory,
    build=international_story,
    scoring="scores `international_story_weight` times EEM's gap to SPY over the week, in points, plus `event_bonus` "
    "for each event in EEM's week.",
)
