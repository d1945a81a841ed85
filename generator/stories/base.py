"""What every story shares: the record a story type registers, the story model's common fields, and the
comparisons several stories make (a gap between two funds, an honest ratio, the week's events)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from ..compute import printed_gap
from ..config import MARKET_BENCHMARK, Settings, Thresholds
from ..facts import Fact, Figure, FundFacts, Span

YEAR_OF_SESSIONS = 252
"""A biggest-move-since reaching back this many sessions or more counts as an event."""


class Story(Fact):
    """The fields every story has: its type, what the week was for it (the angle), its events and score."""

    name: str
    angle: str
    """What the week was for the story; picks the headline and the opening sentence."""
    events: int
    score: float
    """Newsworthiness: the highest score leads the week (see the methodology page)."""

    def chart_funds(self) -> tuple[list[str], str]:
        """The funds of the weekly-change chart, and the fund of the price chart."""
        raise NotImplementedError


@dataclass(frozen=True)
class StoryType:
    """One story type, registered once: everything else (the command line, categories, `check`, the
    methodology page, the tests) is derived from these records."""

    name: str
    """As the command line, notes and file names write it: `small-caps`."""
    category: str
    """The blog category its articles file under."""
    model: type[Story]
    build: Callable[[dict[str, FundFacts], Settings], Story | None]
    """The week's story from its fund facts, or None when the data does not support it."""
    scoring: str
    """How it scores, in the methodology page's words (Markdown)."""

    @property
    def angles(self) -> tuple[str, ...]:
        """Every angle the story can take: each needs its headlines and openings in the phrasebook."""
        return get_args(self.model.model_fields["angle"].annotation)

    @property
    def key(self) -> str:
        """Its name in phrasebook keys: `small_caps` in `headlines_small_caps_outrun`."""
        return self.name.replace("-", "_")

    @property
    def template(self) -> str:
        return f"articles/{self.name}.md.j2"


def events_of(fund: FundFacts) -> int:
    """Moving averages crossed, and a biggest-move-since reaching back a year or more."""
    long_view = fund.biggest_day is not None and fund.biggest_day.sessions_since >= YEAR_OF_SESSIONS
    return len(fund.crossings) + int(long_view)


def gap(funds: dict[str, FundFacts], subject: str, reference: str, span: Span = "week") -> Figure | None:
    """`subject`'s change minus `reference`'s over the same window (a fraction), between the figures as printed."""
    a, b = getattr(funds[subject], span), getattr(funds[reference], span)
    if a is None or b is None or (a.start, a.end) != (b.start, b.end):
        return None
    return Figure(value=printed_gap(a.value, b.value), measure="gap", subject=subject, reference=reference, span=span)


def honest_ratio(subject: FundFacts, reference: FundFacts, thresholds: Thresholds) -> Figure | None:
    """Year-to-date ratio of two funds, only where a phrase like "more than double" would be fair."""
    if subject.ytd is None or reference.ytd is None:
        return None
    a, b = subject.ytd.value, reference.ytd.value
    if a * b <= 0 or min(abs(a), abs(b)) * 100 < thresholds.ratio_min_percent:
        return None
    ratio = a / b
    if ratio < thresholds.ratio_min and 1 / ratio < thresholds.ratio_min:
        return None
    return Figure(value=ratio, measure="ratio", subject=subject.symbol, reference=reference.symbol, span="ytd")


def flat(value: float, thresholds: Thresholds) -> bool:
    return abs(value) * 100 < thresholds.flat_percent


class VersusMarket(Story):
    """A group's lead fund against the S&P 500 fund: the shape shared by the bonds, havens and international stories."""

    lead: str
    peers: list[str]
    benchmark: str
    gap_week: Figure
    leveraged: list[str]
    """The 3x bull and bear funds on the S&P 500, the stock side of the comparison, for the trader's angle."""
    most_traded: str | None
    """The leveraged fund with the most dollars traded this week."""

    def chart_funds(self) -> tuple[list[str], str]:
        return [self.lead, *self.peers, self.benchmark], self.lead


def versus(funds: dict[str, FundFacts], group: tuple[str, ...]) -> tuple[str, list[str], Figure] | None:
    """The group's lead fund, its other funds with the week, and the lead's weekly gap to the S&P 500 fund."""
    present = [s for s in group if s in funds]
    if not present or present[0] != group[0] or MARKET_BENCHMARK not in funds:
        return None
    week = gap(funds, group[0], MARKET_BENCHMARK)
    return None if week is None else (group[0], present[1:], week)


def most_traded(funds: dict[str, FundFacts]) -> str | None:
    """The leveraged or inverse fund with the most dollars traded in the week (the desk's "most popular")."""
    traded = {s: f.dollar_volume.value for s, f in funds.items() if f.leverage is not None and f.dollar_volume is not None}
    return max(traded, key=lambda s: traded[s], default=None)


def market_trader(funds: dict[str, FundFacts]) -> dict[str, Any]:
    """The trader's angle on the S&P 500 side of a comparison: its 3x pair, and the most heavily traded leveraged fund."""
    return {"leveraged": triple_pair(funds, MARKET_BENCHMARK), "most_traded": most_traded(funds)}


def triple_pair(funds: dict[str, FundFacts], symbol: str) -> list[str]:
    """The 3x funds on the index `symbol` tracks, bull first (the S&P 500 funds multiply the index itself)."""
    index = "^GSPC" if symbol == MARKET_BENCHMARK else symbol
    on_index = {s: f.leverage.factor for s, f in sorted(funds.items()) if f.leverage is not None and f.leverage.underlying == index}
    return [next(s for s, factor in on_index.items() if factor == wanted) for wanted in (3, -3) if wanted in on_index.values()]
