"""The small-caps story: the Russell 2000 (IWM) against the S&P 500 and the Dow."""

from __future__ import annotations

from typing import Literal

from ..config import LARGE_CAP_BENCHMARKS, SMALL_CAP_LEVERAGED, SMALL_CAPS, Settings
from ..facts import Figure, FundFacts
from .base import Story, StoryType, events_of, gap, honest_ratio

SmallCapsAngle = Literal["outrun", "lag_rally", "hold_up", "slide", "in_step", "breakdown", "reclaim"]


class SmallCapsStory(Story):
    """Small caps against the S&P 500 and the Dow."""

    name: Literal["small-caps"] = "small-caps"
    lead: str
    peers: list[str]
    """Other small-cap funds, strongest week first."""
    benchmarks: list[str]
    leveraged: list[str]
    gap_week: Figure
    """Lead fund's weekly return minus the S&P 500 fund's, as a fraction."""
    gap_ytd: Figure | None
    ytd_ratio: Figure | None
    """The lead fund's year-to-date return over the S&P 500 fund's, where the comparison is honest (`honest_ratio`)."""
    angle: SmallCapsAngle

    def chart_funds(self) -> tuple[list[str], str]:
        return [self.lead, *self.peers, *self.benchmarks], self.lead


def small_caps_angle(lead: FundFacts, gap: float, settings: Settings) -> SmallCapsAngle:
    """The week in one word, flat meaning under `flat_percent` (an angle's words must be true of every such week).

    breakdown/reclaim: the lead fund crossed its long average this week and ended on the new side;
    in_step: within the flat threshold of the S&P 500; otherwise by direction and gap.
    """
    long_crossings = [c for c in lead.crossings if c.average == settings.definitions.long_average_sessions]
    if long_crossings and lead.sma_long is not None:
        last = long_crossings[-1].direction
        if (last == "below") == (lead.close < lead.sma_long):
            return "breakdown" if last == "below" else "reclaim"
    flat = settings.thresholds.flat_percent / 100
    if abs(gap) < flat:
        return "in_step"
    down = lead.week.value <= -flat
    if gap > 0:
        return "hold_up" if down else "outrun"
    return "slide" if down else "lag_rally"


def small_caps_story(funds: dict[str, FundFacts], settings: Settings) -> SmallCapsStory | None:
    lead_symbol, *peer_symbols = SMALL_CAPS
    needed = [lead_symbol, *LARGE_CAP_BENCHMARKS]
    if any(symbol not in funds for symbol in needed):
        return None
    lead, market = funds[lead_symbol], funds[LARGE_CAP_BENCHMARKS[0]]
    week_gap = gap(funds, lead_symbol, market.symbol)
    if week_gap is None:
        return None
    events = events_of(lead)
    return SmallCapsStory(
        lead=lead_symbol,
        peers=sorted((s for s in peer_symbols if s in funds), key=lambda s: -funds[s].week.value),
        benchmarks=list(LARGE_CAP_BENCHMARKS),
        leveraged=[s for s in SMALL_CAP_LEVERAGED if s in funds and funds[s].leverage is not None],
        gap_week=week_gap,
        gap_ytd=gap(funds, lead_symbol, market.symbol, "ytd"),
        ytd_ratio=honest_ratio(lead, market, settings.thresholds),
        angle=small_caps_angle(lead, week_gap.value, settings),
        events=events,
        score=settings.thresholds.small_caps_story_weight * abs(week_gap.value) * 100 + settings.thresholds.event_bonus * events,
    )


STORY = StoryType(
    name="small-caps",
    category="Small Caps",
    model=SmallCapsStory,
    build=small_caps_story,
    scoring="scores `small_caps_story_weight` times the gap, in percentage points, between IWM and SPY over the week, "
    "plus `event_bonus` for each event in IWM's week.",
)
