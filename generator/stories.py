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
    BONDS,
    DRAWDOWN_WATCH,
    HAVENS,
    INTERNATIONAL,
    LARGE_CAP_BENCHMARKS,
    MARKET_BENCHMARK,
    SECTOR_LEVERAGED,
    SECTORS,
    SMALL_CAP_LEVERAGED,
    SMALL_CAPS,
    Settings,
    Thresholds,
)
from .facts import Fact, Figure, FundFacts, Span

StoryName = Literal["small-caps", "sectors", "drawdown", "leveraged", "bonds", "havens", "international"]
STORY_NAMES: tuple[StoryName, ...] = ("small-caps", "sectors", "drawdown", "leveraged", "bonds", "havens", "international")
"""Every story type, in tie-break order."""

YEAR_OF_SESSIONS = 252


SmallCapsAngle = Literal["outrun", "lag_rally", "hold_up", "slide", "in_step", "breakdown", "reclaim"]


class SmallCapsStory(Fact):
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

    def chart_funds(self) -> tuple[list[str], str]:
        """The funds of the weekly-change chart, and the fund of the price chart."""
        return [self.lead, *self.peers, *self.benchmarks], self.lead

    angle: SmallCapsAngle
    """What the week was for small caps; picks the headline and the opening (see `small_caps_angle`)."""
    events: int
    score: float


class SectorsStory(Fact):
    """Leadership among the Select Sector SPDRs."""

    name: Literal["sectors"] = "sectors"

    def chart_funds(self) -> tuple[list[str], str]:
        return [*self.ranked, self.benchmark], self.ranked[0]

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
    events: int
    score: float


def gap(funds: dict[str, FundFacts], subject: str, reference: str, span: Span = "week") -> Figure | None:
    """`subject`'s change minus `reference`'s over the same window (a fraction)."""
    a, b = getattr(funds[subject], span), getattr(funds[reference], span)
    if a is None or b is None or (a.start, a.end) != (b.start, b.end):
        return None
    return Figure(value=a.value - b.value, measure="gap", subject=subject, reference=reference, span=span)


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


class LeveragedStory(Fact):
    """The week's extremes among leveraged and inverse funds, and the decay of a 3x fund over the past month."""

    name: Literal["leveraged"] = "leveraged"

    def chart_funds(self) -> tuple[list[str], str]:
        return self.ranked, self.decay.fund if self.decay else self.ranked[0]

    ranked: list[str]
    """Leveraged and inverse funds, best week first."""
    decay: Decay | None
    angle: Literal["extremes", "decay"]
    events: int
    score: float


class VersusMarket(Fact):
    """A group's lead fund against the S&P 500 fund: the shape shared by the bonds, havens and international stories."""

    lead: str
    peers: list[str]
    benchmark: str
    gap_week: Figure
    events: int
    score: float

    def chart_funds(self) -> tuple[list[str], str]:
        return [self.lead, *self.peers, self.benchmark], self.lead


class BondsStory(VersusMarket):
    """Long Treasurys (TLT) and the other bond funds against the S&P 500."""

    name: Literal["bonds"] = "bonds"
    gap_ytd: Figure | None
    angle: Literal["bonds_win", "stocks_win", "in_step"]


class HavensStory(VersusMarket):
    """Gold and the defensive sectors against the S&P 500."""

    name: Literal["havens"] = "havens"
    angle: Literal["haven_bid", "gold_shines", "gold_fades", "in_step"]


class InternationalStory(VersusMarket):
    """Emerging and developed markets abroad against US stocks."""

    name: Literal["international"] = "international"
    gap_developed: Figure | None
    gap_ytd: Figure | None
    angle: Literal["abroad_leads", "home_leads", "in_step"]


class DrawdownStory(Fact):
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
    events: int
    score: float


AnyStory = SmallCapsStory | SectorsStory | DrawdownStory | LeveragedStory | BondsStory | HavensStory | InternationalStory


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
    drawdown: DrawdownStory | None = None
    leveraged: LeveragedStory | None = None
    bonds: BondsStory | None = None
    havens: HavensStory | None = None
    international: InternationalStory | None = None
    ranking: list[StoryScore] = Field(default_factory=list)
    """Every story with its score, the lead first."""
    published: list[StoryName] = Field(default_factory=list)
    """The lead, and up to two more stories whose score reaches `second_story_score`."""

    @property
    def lead(self) -> StoryName:
        return self.ranking[0].name

    def story(self, name: StoryName) -> AnyStory:
        story = getattr(self, name.replace("-", "_"))
        if story is None:
            raise KeyError(name)
        return story


def _events(fund: FundFacts) -> int:
    """Moving averages crossed, and a biggest-move-since reaching back a year or more."""
    long_view = fund.biggest_day is not None and fund.biggest_day.sessions_since >= YEAR_OF_SESSIONS
    return len(fund.crossings) + int(long_view)


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
    angle = small_caps_angle(lead, week_gap.value, settings)
    events = _events(lead)
    return SmallCapsStory(
        lead=lead_symbol,
        peers=sorted((s for s in peer_symbols if s in funds), key=lambda s: -funds[s].week.value),
        benchmarks=list(LARGE_CAP_BENCHMARKS),
        leveraged=[s for s in SMALL_CAP_LEVERAGED if s in funds and funds[s].leverage is not None],
        gap_week=week_gap,
        gap_ytd=gap(funds, lead_symbol, market.symbol, "ytd"),
        ytd_ratio=honest_ratio(lead, market, settings.thresholds),
        angle=angle,
        events=events,
        score=settings.thresholds.small_caps_story_weight * abs(week_gap.value) * 100 + settings.thresholds.event_bonus * events,
    )


def sectors_story(funds: dict[str, FundFacts], settings: Settings) -> SectorsStory | None:
    present = [s for s in SECTORS if s in funds]
    if len(present) < 3 or MARKET_BENCHMARK not in funds:
        return None
    ranked = sorted(present, key=lambda s: -funds[s].week.value)
    best, worst = funds[ranked[0]], funds[ranked[-1]]
    spread = Figure(value=best.week.value - worst.week.value, measure="gap", subject=best.symbol, reference=worst.symbol, span="week")
    flat = settings.thresholds.flat_percent / 100
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


def leveraged_story(funds: dict[str, FundFacts], settings: Settings) -> LeveragedStory | None:
    levered = [s for s, f in funds.items() if f.leverage is not None]
    if len(levered) < 2:
        return None
    ranked = sorted(levered, key=lambda s: -funds[s].week.value)
    decay = _decay(funds, [s for s in ranked if abs(funds[s].leverage.factor) == 3])  # type: ignore[union-attr]
    extreme = max(abs(funds[s].week.value) for s in ranked) * 100
    decay_points = abs(decay.value.value) * 100 if decay else 0.0
    angle: Literal["extremes", "decay"] = (
        "decay"
        if decay_points * settings.thresholds.decay_story_weight > extreme * settings.thresholds.leveraged_story_weight
        else "extremes"
    )
    return LeveragedStory(
        ranked=ranked,
        decay=decay,
        angle=angle,
        events=0,
        score=settings.thresholds.leveraged_story_weight * extreme + settings.thresholds.decay_story_weight * decay_points,
    )


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


def _versus(funds: dict[str, FundFacts], group: tuple[str, ...]) -> tuple[str, list[str], Figure] | None:
    present = [s for s in group if s in funds]
    if not present or present[0] != group[0] or MARKET_BENCHMARK not in funds:
        return None
    week = gap(funds, group[0], MARKET_BENCHMARK)
    return None if week is None else (group[0], present[1:], week)


def _flat(value: float, thresholds: Thresholds) -> bool:
    return abs(value) * 100 < thresholds.flat_percent


def bonds_story(funds: dict[str, FundFacts], settings: Settings) -> BondsStory | None:
    found = _versus(funds, BONDS)
    if found is None:
        return None
    lead, peers, week = found
    angle: Literal["bonds_win", "stocks_win", "in_step"] = (
        "in_step" if _flat(week.value, settings.thresholds) else ("bonds_win" if week.value > 0 else "stocks_win")
    )
    events = _events(funds[lead])
    return BondsStory(
        lead=lead,
        peers=peers,
        benchmark=MARKET_BENCHMARK,
        gap_week=week,
        gap_ytd=gap(funds, lead, MARKET_BENCHMARK, "ytd"),
        angle=angle,
        events=events,
        score=settings.thresholds.bonds_story_weight * abs(week.value) * 100 + settings.thresholds.event_bonus * events,
    )


def havens_story(funds: dict[str, FundFacts], settings: Settings) -> HavensStory | None:
    found = _versus(funds, HAVENS)
    if found is None:
        return None
    lead, peers, week = found
    gold, market = funds[lead].week.value, funds[MARKET_BENCHMARK].week.value
    angle: Literal["haven_bid", "gold_shines", "gold_fades", "in_step"]
    if _flat(week.value, settings.thresholds):
        angle = "in_step"
    elif gold > 0 and market < 0 and not _flat(gold, settings.thresholds) and not _flat(market, settings.thresholds):
        angle = "haven_bid"
    else:
        angle = "gold_shines" if week.value > 0 else "gold_fades"
    events = _events(funds[lead]) + int(angle == "haven_bid")
    return HavensStory(
        lead=lead,
        peers=peers,
        benchmark=MARKET_BENCHMARK,
        gap_week=week,
        angle=angle,
        events=events,
        score=settings.thresholds.havens_story_weight * abs(gold) * 100 + settings.thresholds.event_bonus * events,
    )


def international_story(funds: dict[str, FundFacts], settings: Settings) -> InternationalStory | None:
    found = _versus(funds, INTERNATIONAL)
    if found is None:
        return None
    lead, peers, week = found
    angle: Literal["abroad_leads", "home_leads", "in_step"] = (
        "in_step" if _flat(week.value, settings.thresholds) else ("abroad_leads" if week.value > 0 else "home_leads")
    )
    developed = gap(funds, "EFA", MARKET_BENCHMARK) if "EFA" in funds else None
    events = _events(funds[lead])
    return InternationalStory(
        lead=lead,
        peers=peers,
        benchmark=MARKET_BENCHMARK,
        gap_week=week,
        gap_developed=developed,
        gap_ytd=gap(funds, lead, MARKET_BENCHMARK, "ytd"),
        angle=angle,
        events=events,
        score=settings.thresholds.international_story_weight * abs(week.value) * 100 + settings.thresholds.event_bonus * events,
    )


def _triple_pair(funds: dict[str, FundFacts], symbol: str) -> list[str]:
    """The 3x funds on the index `symbol` tracks, bull first (the S&P 500 funds multiply the index itself)."""
    index = "^GSPC" if symbol == MARKET_BENCHMARK else symbol
    on_index = {s: f.leverage.factor for s, f in sorted(funds.items()) if f.leverage is not None and f.leverage.underlying == index}
    return [next(s for s, factor in on_index.items() if factor == wanted) for wanted in (3, -3) if wanted in on_index.values()]


def drawdown_story(funds: dict[str, FundFacts], settings: Settings) -> DrawdownStory | None:
    """The most serious threshold a watched fund crossed this week: bear market, then correction, then a breakout."""
    watched = [s for s in DRAWDOWN_WATCH if s in funds and funds[s].drawdown is not None and funds[s].drawdown_start is not None]
    rules: list[tuple[Literal["bear", "correction", "breakout"], float, float]] = [
        ("bear", -settings.thresholds.bear_percent / 100, settings.thresholds.bear_score),
        ("correction", -settings.thresholds.correction_percent / 100, settings.thresholds.correction_score),
    ]
    for angle, line, score in rules:
        for symbol in watched:
            fund = funds[symbol]
            if fund.drawdown.value <= line < fund.drawdown_start.value:  # type: ignore[union-attr]
                others = [s for s in watched if s != symbol]
                return DrawdownStory(lead=symbol, others=others, leveraged=_triple_pair(funds, symbol), angle=angle, events=1, score=score)
    for symbol in watched:
        fund = funds[symbol]
        if fund.drawdown.value == 0 and fund.drawdown_start.value <= -settings.thresholds.breakout_from_percent / 100:  # type: ignore[union-attr]
            others = [s for s in watched if s != symbol]
            return DrawdownStory(
                lead=symbol,
                others=others,
                leveraged=_triple_pair(funds, symbol),
                angle="breakout",
                events=1,
                score=settings.thresholds.breakout_score,
            )
    return None


def rank(found: list[AnyStory]) -> list[StoryScore]:
    """Stories by score, highest first; ties keep the order of STORY_NAMES."""
    order = {name: position for position, name in enumerate(STORY_NAMES)}
    ordered = sorted(found, key=lambda story: (-round(story.score, 9), order[story.name]))
    return [StoryScore(name=story.name, score=story.score) for story in ordered]


BUILDERS = {
    "small_caps": small_caps_story,
    "sectors": sectors_story,
    "drawdown": drawdown_story,
    "leveraged": leveraged_story,
    "bonds": bonds_story,
    "havens": havens_story,
    "international": international_story,
}


def week_facts(funds: dict[str, FundFacts], window: Window, data_through: date, source: str, settings: Settings) -> WeekFacts:
    found = {field: build(funds, settings) for field, build in BUILDERS.items()}
    ranking = rank([story for story in found.values() if story is not None])
    others = [score.name for score in ranking[1:] if score.score >= settings.thresholds.second_story_score][:2]
    return WeekFacts(
        as_of=window.end,
        window=window,
        data_through=data_through,
        source=source,
        funds=funds,
        ranking=ranking,
        published=[ranking[0].name, *others] if ranking else [],
        **found,  # type: ignore[arg-type]
    )
