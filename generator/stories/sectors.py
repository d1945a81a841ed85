"""The sectors story: leadership among the Select Sector SPDRs."""

from __future__ import annotations

from typing import Literal

from ..compute import printed_gap
from ..config import MARKET_BENCHMARK, SECTOR_LEVERAGED, SECTORS, Settings
from ..facts import Figure, FundFacts
from .base import Story, StoryType, events_of


class SectorsStory(Story):
    """Leadership among the Select Sector SPDRs."""

    name: Literal["sectors"] = "sectors"
    ranked: list[str]
    """Sector funds, best week first."""
    benchmark: str
    spread: Figure
    """Best sector's weekly return minus the worst's."""
    beat_benchmark: Figure
    """How many sectors beat the benchmark for the week."""
    funds_count: Figure
    """How many sector funds had the week (nine unless one lacks prices)."""
    ytd_leader: str | None
    leveraged: list[str]
    angle: Literal["broad_rally", "broad_selloff", "rotation"]

    def chart_funds(self) -> tuple[list[str], str]:
        return [*self.ranked, self.benchmark], self.ranked[0]


def sectors_story(funds: dict[str, FundFacts], settings: Settings) -> SectorsStory | None:
    present = [s for s in SECTORS if s in funds]
    if len(present) < 3 or MARKET_BENCHMARK not in funds:
        return None
    ranked = sorted(present, key=lambda s: -funds[s].week.value)
    best, worst = funds[ranked[0]], funds[ranked[-1]]
    spread = Figure(
        value=printed_gap(best.week.value, worst.week.value), measure="gap", subject=best.symbol, reference=worst.symbol, span="week"
    )
    flat = settings.thresholds.flat_percent / 100
    rising = sum(funds[s].week.value >= flat for s in ranked)
    falling = sum(funds[s].week.value <= -flat for s in ranked)
    angle: Literal["broad_rally", "broad_selloff", "rotation"]
    angle = "broad_rally" if rising == len(ranked) else "broad_selloff" if falling == len(ranked) else "rotation"
    with_ytd = [s for s in ranked if funds[s].ytd is not None]
    events = events_of(best) + events_of(worst)
    return SectorsStory(
        ranked=ranked,
        benchmark=MARKET_BENCHMARK,
        spread=spread,
        beat_benchmark=Figure(
            value=sum(funds[s].week.value > funds[MARKET_BENCHMARK].week.value for s in ranked),
            measure="beat",
            subject=MARKET_BENCHMARK,
            span="week",
        ),
        funds_count=Figure(value=len(ranked), measure="members", subject=MARKET_BENCHMARK, span="week"),
        ytd_leader=max(with_ytd, key=lambda s: funds[s].ytd.value) if with_ytd else None,  # type: ignore[union-attr]
        leveraged=[s for s in SECTOR_LEVERAGED if s in funds and funds[s].leverage is not None],
        angle=angle,
        events=events,
        score=settings.thresholds.sector_story_weight * spread.value * 100 + settings.thresholds.event_bonus * events,
    )


STORY = StoryType(
    name="sectors",
    category="Sectors",
    model=SectorsStory,
    build=sectors_story,
    scoring="scores `sector_story_weight` times the spread, in percentage points, between the best and the worst "
    "Select Sector SPDR over the week, plus `event_bonus` for each event in the best or worst sector fund's week.",
)
