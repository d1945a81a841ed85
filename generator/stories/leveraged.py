"""The leveraged story: the week's extremes among leveraged and inverse funds, and how far a 3x fund strayed over
the past month from three times its index fund's move."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ..config import Settings
from ..facts import Fact, Figure, FundFacts, Span
from .base import Story, StoryType, most_traded


class Decay(Fact):
    """A leveraged fund over a stretch against `factor` times its index: what daily resets cost (or paid)."""

    value: Figure
    """The fund's change minus `factor` times the index fund's change."""
    fund: str
    underlying: str
    factor: int
    target: Figure
    """`factor` times the index fund's change."""
    start: date
    end: date


class LeveragedStory(Story):
    """The week's extremes among leveraged and inverse funds, and the decay of a 3x fund over the past month."""

    name: Literal["leveraged"] = "leveraged"
    ranked: list[str]
    """Leveraged and inverse funds, best week first."""
    decay: Decay | None
    most_traded: str | None
    """The leveraged fund with the most dollars traded this week."""
    angle: Literal["extremes", "decay"]

    def chart_funds(self) -> tuple[list[str], str]:
        return self.ranked, self.decay.fund if self.decay else self.ranked[0]


def leveraged_story(funds: dict[str, FundFacts], settings: Settings) -> LeveragedStory | None:
    levered = [s for s, f in funds.items() if f.leverage is not None]
    if len(levered) < 2:
        return None
    ranked = sorted(levered, key=lambda s: -funds[s].week.value)
    decay = _decay(funds, [s for s in ranked if abs(funds[s].leverage.factor) == 3 and not _paid(funds, s, "month")])  # type: ignore[union-attr]
    extreme = max((abs(funds[s].leverage.gap.value) for s in ranked if not _paid(funds, s, "week")), default=0.0) * 100  # type: ignore[union-attr]
    decay_points = abs(decay.value.value) * 100 if decay else 0.0
    angle: Literal["extremes", "decay"] = (
        "decay"
        if decay_points * settings.thresholds.decay_story_weight > extreme * settings.thresholds.leveraged_story_weight
        else "extremes"
    )
    return LeveragedStory(
        ranked=ranked,
        decay=decay,
        most_traded=most_traded(funds),
        angle=angle,
        events=0,
        score=settings.thresholds.leveraged_story_weight * extreme + settings.thresholds.decay_story_weight * decay_points,
    )


def _paid(funds: dict[str, FundFacts], symbol: str, span: Span) -> bool:
    """Whether the fund or its index fund made a payout in the window (`Leverage.paid`)."""
    leverage = funds[symbol].leverage
    return leverage is not None and span in leverage.paid


def _decay(funds: dict[str, FundFacts], triple: list[str]) -> Decay | None:
    """The 3x fund whose past month strayed furthest from three times its index fund's."""
    found = []
    for symbol in triple:
        fund, leverage = funds[symbol], funds[symbol].leverage
        if leverage is None or fund.month is None or leverage.underlying not in funds:
            continue
        base = funds[leverage.underlying].month
        if base is None or (base.start, base.end) != (fund.month.start, fund.month.end):
            continue
        factor, underlying = leverage.factor, leverage.underlying
        target = factor * base.value
        found.append(
            Decay(
                value=Figure(
                    value=fund.month.value - target, measure="tracking", subject=symbol, reference=underlying, span="month", factor=factor
                ),
                fund=symbol,
                underlying=underlying,
                factor=factor,
                target=Figure(value=target, measure="multiple", subject=underlying, span="month", factor=factor),
                start=base.start,
                end=base.end,
            )
        )
    return max(found, key=lambda d: abs(d.value.value), default=None)


STORY = StoryType(
    name="leveraged",
    category="Leveraged And Inverse",
    model=LeveragedStory,
    build=leveraged_story,
    scoring="scores `leveraged_story_weight` times the widest weekly gap, in points, between a leveraged or inverse fund "
    "and its multiple of its index fund's week (the move itself is arithmetic, not news), plus `decay_story_weight` "
    "times the past month's gap, in points, between a 3x fund and three times its index fund.",
)
