"""Story stage: from a week's fund facts, the stories the numbers support and which one leads.

Each story is a typed record of the figures its template needs (derived comparisons included,
so templates do no arithmetic), an `angle` that picks the headline and lede, and a
newsworthiness score. The rule for which story leads is documented on the methodology page:
the highest score leads; on a tie, the small-caps story.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from .calendar import Window
from .config import (
    DEFINITIONS,
    LARGE_CAP_BENCHMARKS,
    MARKET_BENCHMARK,
    SECTOR_LEVERAGED,
    SECTORS,
    SMALL_CAP_LEVERAGED,
    SMALL_CAPS,
    THRESHOLDS,
)
from .facts import Fact, FundFacts

StoryName = Literal["small-caps", "sectors"]
STORY_NAMES: tuple[StoryName, ...] = ("small-caps", "sectors")
"""Every story type, in tie-break order."""

YEAR_OF_SESSIONS = 252


SmallCapsAngle = Literal["outrun", "lag_rally", "hold_up", "slide", "in_step", "breakdown", "reclaim"]


class Ratio(Fact):
    """`subject` against `reference` where the comparison is honest (same sign, both large enough)."""

    subject: str
    reference: str
    value: float


class SmallCapsStory(Fact):
    """Small caps against the S&P 500 and the Dow."""

    name: Literal["small-caps"] = "small-caps"
    lead: str
    peers: list[str]
    """Other small-cap funds, strongest week first."""
    benchmarks: list[str]
    leveraged: list[str]
    gap_week: float
    """Lead fund's weekly return minus the S&P 500 fund's, as a fraction."""
    gap_ytd: float | None
    ytd_ratio: Ratio | None
    angle: SmallCapsAngle
    """What the week was for small caps; picks the headline and the opening (see `small_caps_angle`)."""
    events: int
    score: float


class SectorsStory(Fact):
    """Leadership among the Select Sector SPDRs."""

    name: Literal["sectors"] = "sectors"
    ranked: list[str]
    """Sector funds, best week first."""
    benchmark: str
    spread: float
    """Best sector's weekly return minus the worst's."""
    beat_benchmark: int
    """How many sectors beat the benchmark for the week."""
    funds_count: int
    """How many sector funds had the week (nine unless one lacks prices)."""
    ytd_leader: str | None
    leveraged: list[str]
    angle: Literal["broad_rally", "broad_selloff", "rotation"]
    events: int
    score: float


class StoryScore(Fact):
    name: StoryName
    score: float


class WeekFacts(Fact):
    """Everything one week's articles may say, and why the lead story leads."""

    as_of: date
    window: Window
    data_through: date
    """The newest session in the data the article was written from."""
    source: str
    funds: dict[str, FundFacts]
    small_caps: SmallCapsStory | None = None
    sectors: SectorsStory | None = None
    ranking: list[StoryScore] = Field(default_factory=list)
    """Every story with its score, the lead first."""

    @property
    def lead(self) -> StoryName:
        return self.ranking[0].name

    def story(self, name: StoryName) -> SmallCapsStory | SectorsStory:
        story = self.small_caps if name == "small-caps" else self.sectors
        if story is None:
            raise KeyError(name)
        return story


def _events(fund: FundFacts) -> int:
    """Moving averages crossed, and a biggest-move-since reaching back a year or more."""
    long_view = fund.biggest_day is not None and fund.biggest_day.sessions_since >= YEAR_OF_SESSIONS
    return len(fund.crossings) + int(long_view)


def honest_ratio(subject: FundFacts, reference: FundFacts) -> Ratio | None:
    """Year-to-date ratio of two funds, only where a phrase like "more than double" would be fair."""
    if subject.ytd is None or reference.ytd is None:
        return None
    a, b = subject.ytd.value, reference.ytd.value
    if a * b <= 0 or min(abs(a), abs(b)) * 100 < THRESHOLDS.ratio_min_percent:
        return None
    ratio = a / b
    if ratio < THRESHOLDS.ratio_min and 1 / ratio < THRESHOLDS.ratio_min:
        return None
    return Ratio(subject=subject.symbol, reference=reference.symbol, value=ratio)


def small_caps_angle(lead: FundFacts, gap: float) -> SmallCapsAngle:
    """The week in one word, flat meaning under `flat_percent` (an angle's words must be true of every such week).

    breakdown/reclaim: the lead fund crossed its long average this week and ended on the new side;
    in_step: within the flat threshold of the S&P 500; otherwise by direction and gap.
    """
    long_crossings = [c for c in lead.crossings if c.average == DEFINITIONS.long_average_sessions]
    if long_crossings and lead.sma_long is not None:
        last = long_crossings[-1].direction
        if (last == "below") == (lead.close < lead.sma_long):
            return "breakdown" if last == "below" else "reclaim"
    flat = THRESHOLDS.flat_percent / 100
    if abs(gap) < flat:
        return "in_step"
    down = lead.week.value <= -flat
    if gap > 0:
        return "hold_up" if down else "outrun"
    return "slide" if down else "lag_rally"


def small_caps_story(funds: dict[str, FundFacts]) -> SmallCapsStory | None:
    lead_symbol, *peer_symbols = SMALL_CAPS
    needed = [lead_symbol, *LARGE_CAP_BENCHMARKS]
    if any(symbol not in funds for symbol in needed):
        return None
    lead, market = funds[lead_symbol], funds[LARGE_CAP_BENCHMARKS[0]]
    gap = lead.week.value - market.week.value
    angle = small_caps_angle(lead, gap)
    events = _events(lead)
    return SmallCapsStory(
        lead=lead_symbol,
        peers=sorted((s for s in peer_symbols if s in funds), key=lambda s: -funds[s].week.value),
        benchmarks=list(LARGE_CAP_BENCHMARKS),
        leveraged=[s for s in SMALL_CAP_LEVERAGED if s in funds and funds[s].leverage is not None],
        gap_week=gap,
        gap_ytd=None if lead.ytd is None or market.ytd is None else lead.ytd.value - market.ytd.value,
        ytd_ratio=honest_ratio(lead, market),
        angle=angle,
        events=events,
        score=THRESHOLDS.small_caps_story_weight * abs(gap) * 100 + THRESHOLDS.event_bonus * events,
    )


def sectors_story(funds: dict[str, FundFacts]) -> SectorsStory | None:
    present = [s for s in SECTORS if s in funds]
    if len(present) < 3 or MARKET_BENCHMARK not in funds:
        return None
    ranked = sorted(present, key=lambda s: -funds[s].week.value)
    best, worst = funds[ranked[0]], funds[ranked[-1]]
    spread = best.week.value - worst.week.value
    flat = THRESHOLDS.flat_percent / 100
    rising = sum(funds[s].week.value >= flat for s in ranked)
    falling = sum(funds[s].week.value <= -flat for s in ranked)
    angle: Literal["broad_rally", "broad_selloff", "rotation"]
    angle = "broad_rally" if rising == len(ranked) else "broad_selloff" if falling == len(ranked) else "rotation"
    with_ytd = [s for s in ranked if funds[s].ytd is not None]
    events = _events(best) + _events(worst)
    return SectorsStory(
        ranked=ranked,
        benchmark=MARKET_BENCHMARK,
        spread=spread,
        beat_benchmark=sum(funds[s].week.value > funds[MARKET_BENCHMARK].week.value for s in ranked),
        funds_count=len(ranked),
        ytd_leader=max(with_ytd, key=lambda s: funds[s].ytd.value) if with_ytd else None,  # type: ignore[union-attr]
        leveraged=[s for s in SECTOR_LEVERAGED if s in funds and funds[s].leverage is not None],
        angle=angle,
        events=events,
        score=THRESHOLDS.sector_story_weight * spread * 100 + THRESHOLDS.event_bonus * events,
    )


def rank(small_caps: SmallCapsStory | None, sectors: SectorsStory | None) -> list[StoryScore]:
    """Stories by score, highest first; ties keep the order of STORY_NAMES."""
    stories = [story for story in (small_caps, sectors) if story is not None]
    order = {name: position for position, name in enumerate(STORY_NAMES)}
    stories.sort(key=lambda story: (-round(story.score, 9), order[story.name]))
    return [StoryScore(name=story.name, score=story.score) for story in stories]


def week_facts(funds: dict[str, FundFacts], window: Window, data_through: date, source: str) -> WeekFacts:
    small_caps, sectors = small_caps_story(funds), sectors_story(funds)
    return WeekFacts(
        as_of=window.end,
        window=window,
        data_through=data_through,
        source=source,
        funds=funds,
        small_caps=small_caps,
        sectors=sectors,
        ranking=rank(small_caps, sectors),
    )
