"""The market story: the S&P 500 itself is the news, when it enters or leaves a correction or a bear market, or moves
more than `market_move_percent` in a week. It then leads, and the other stories run as shorter pieces."""

from __future__ import annotations

from typing import Literal

from ..config import MARKET_BENCHMARK, MARKET_INDEX, SECTORS, Settings
from ..facts import Figure, FundFacts
from .base import Story, StoryType, events_of, most_traded, triple_pair

BROAD_MARKET = ("DIA", "QQQ", "IWM")
"""The other gauges of the market beside the S&P 500 fund: the Dow, the Nasdaq-100 and the Russell 2000."""

MarketAngle = Literal["bear", "correction", "recovery", "record", "plunge", "surge", "shock", "spike"]


class MarketStory(Story):
    """The S&P 500 fund's week, the other broad gauges, breadth across the sector funds, the best and worst sector
    (the assets outside stocks follow in the article's wider view)."""

    name: Literal["market"] = "market"
    lead: str
    others: list[str]
    """The Dow, Nasdaq-100 and Russell 2000 funds with the week."""
    ranked: list[str]
    """Sector funds, best week first."""
    breadth: Figure
    """How many sector funds moved the market's way over the week (`breadth`; its `reference` is up or down)."""
    leveraged: list[str]
    """The 3x bull and bear funds on the S&P 500, for the trader's angle."""
    most_traded: str | None
    """The leveraged fund with the most dollars traded this week."""
    angle: MarketAngle
    line: Literal["bear", "correction"] | None = None
    """The line below the 52-week high the week crossed, for the bear, correction and recovery angles: the one entered,
    or the shallowest one left (out of a bear market and a correction at once, the correction)."""

    def chart_funds(self) -> tuple[list[str], str]:
        return [self.lead, *self.others, *self.ranked], self.lead


def market_angle(lead: FundFacts, index: FundFacts | None, settings: Settings) -> MarketAngle | None:
    """The most serious thing the S&P 500 fund's week was: a bear market or a correction entered, one left, a big
    week, or a big day inside a smaller week (a one-day shock or rally). A record close is news when it is the first
    since a fall of a correction's depth: the market has made good its losses."""
    thresholds = settings.thresholds
    if lead.drawdown is not None and lead.drawdown_start is not None:
        end, start = lead.drawdown.value, lead.drawdown_start.value
        for angle, line in (("bear", thresholds.bear_percent), ("correction", thresholds.correction_percent)):
            if end <= -line / 100 < start:
                return angle  # type: ignore[return-value]
        if any(start <= -line / 100 < end for line in (thresholds.bear_percent, thresholds.correction_percent)):
            return "recovery"
    record = index.record_close if index is not None else None
    if record is not None and record.depth.value <= -thresholds.correction_percent / 100:
        return "record"
    if abs(lead.week.value) * 100 >= thresholds.market_move_percent:
        return "surge" if lead.week.value > 0 else "plunge"
    if lead.largest_day is not None and abs(lead.largest_day.value) * 100 >= thresholds.market_day_move_percent:
        return "spike" if lead.largest_day.value > 0 else "shock"
    return None


def line_crossed(lead: FundFacts, angle: MarketAngle, settings: Settings) -> Literal["bear", "correction"] | None:
    """Which line below the high a bear, correction or recovery week crossed (see `MarketStory.line`)."""
    if angle in ("bear", "correction"):
        return angle
    if angle != "recovery" or lead.drawdown is None or lead.drawdown_start is None:
        return None
    thresholds, start, end = settings.thresholds, lead.drawdown_start.value, lead.drawdown.value
    lines = (("correction", thresholds.correction_percent), ("bear", thresholds.bear_percent))
    left = [name for name, line in lines if start <= -line / 100 < end]
    return left[0] if left else None  # type: ignore[return-value]


def market_story(funds: dict[str, FundFacts], settings: Settings) -> MarketStory | None:
    if MARKET_BENCHMARK not in funds:
        return None
    lead = funds[MARKET_BENCHMARK]
    angle = market_angle(lead, funds.get(MARKET_INDEX), settings)
    sectors = [s for s in SECTORS if s in funds]
    if angle is None or len(sectors) < 3:
        return None
    ranked = sorted(sectors, key=lambda s: -funds[s].week.value)
    flat = settings.thresholds.flat_percent / 100

    down = lead.week.value < 0
    moved = sum((funds[s].week.value <= -flat) if down else (funds[s].week.value >= flat) for s in ranked)
    events = events_of(lead)
    return MarketStory(
        lead=MARKET_BENCHMARK,
        others=[s for s in BROAD_MARKET if s in funds],
        ranked=ranked,
        breadth=Figure(value=moved, measure="breadth", subject=MARKET_BENCHMARK, reference="down" if down else "up", span="week"),
        leveraged=triple_pair(funds, MARKET_BENCHMARK),
        most_traded=most_traded(funds),
        angle=angle,
        line=line_crossed(lead, angle, settings),
        events=events,
        score=settings.thresholds.market_story_score + settings.thresholds.event_bonus * events,
    )


STORY = StoryType(
    name="market",
    category="The Market",
    model=MarketStory,
    build=market_story,
    scoring="scores `market_story_score` (enough to lead any week) when SPY enters or leaves a correction or a bear "
    "market (`correction_percent`, `bear_percent`), sets its first record close since a fall of `correction_percent` "
    "below the old record, moves `market_move_percent` or more in the week, or "
    "`market_day_move_percent` or more in one of its sessions; otherwise the data does not support it.",
)
