"""The drawdown story: a watched fund (S&P 500, Nasdaq-100 or Russell 2000) crossing into a correction or a bear
market this week, or breaking out to a new 52-week high."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..config import DRAWDOWN_WATCH, Settings
from ..facts import FundFacts
from .base import Story, StoryType, triple_pair


class DrawdownStory(Story):
    """A watched fund entering a correction or a bear market, or breaking out to a new 52-week high."""

    name: Literal["drawdown"] = "drawdown"

    def chart_funds(self) -> tuple[list[str], str]:
        return [self.lead, *self.others], self.lead

    lead: str
    others: list[str]
    """Other watched funds, for the comparison."""
    leveraged: list[str] = Field(default_factory=list)
    """The 3x bull and bear funds on the lead fund's index (TNA and TZA for IWM), for the trader's angle."""
    angle: Literal["bear", "correction", "breakout"]
    line: Literal["bear", "correction"] | None = None
    """The line below the 52-week high the week crossed into (the angle, for a bear market or a correction)."""


def drawdown_story(funds: dict[str, FundFacts], settings: Settings) -> DrawdownStory | None:
    """The most serious threshold a watched fund crossed this week: bear market, then correction, then a breakout."""
    watched = [s for s in DRAWDOWN_WATCH if s in funds and funds[s].drawdown is not None and funds[s].drawdown_start is not None]
    rules: list[tuple[Literal["bear", "correction"], float, float]] = [
        ("bear", -settings.thresholds.bear_percent / 100, settings.thresholds.bear_score),
        ("correction", -settings.thresholds.correction_percent / 100, settings.thresholds.correction_score),
    ]
    for angle, line, score in rules:
        for symbol in watched:
            fund = funds[symbol]
            if fund.drawdown.value <= line < fund.drawdown_start.value:  # type: ignore[union-attr]
                others = [s for s in watched if s != symbol]
                leveraged = triple_pair(funds, symbol)
                return DrawdownStory(lead=symbol, others=others, leveraged=leveraged, angle=angle, line=angle, events=1, score=score)
    for symbol in watched:
        fund = funds[symbol]
        if fund.drawdown.value == 0 and fund.drawdown_start.value <= -settings.thresholds.breakout_from_percent / 100:  # type: ignore[union-attr]
            others = [s for s in watched if s != symbol]
            return DrawdownStory(
                lead=symbol,
                others=others,
                leveraged=triple_pair(funds, symbol),
                angle="breakout",
                events=1,
                score=settings.thresholds.breakout_score,
            )
    return None


STORY = StoryType(
    name="drawdown",
    category="Corrections And Breakouts",
    model=DrawdownStory,
    build=drawdown_story,
    scoring="scores `bear_score` when SPY, QQQ or IWM closes the week more than `bear_percent` below its 52-week high "
    "having started it above that line, `correction_score` for `correction_percent`, and `breakout_score` for a new "
    "52-week high reached from at least `breakout_from_percent` below.",
)
