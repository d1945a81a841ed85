"""Definitions and thresholds: the one place where the words of an article get their meaning.

Every number the writer compares against lives here, with the sentence that documents it.
The methodology page is rendered from these objects, so the site and the code cannot drift.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo

from .errors import GeneratorError

ROOT = Path(__file__).resolve().parent.parent
"""The package's own project: `data/`, `templates/`, `content/` and `mkdocs.yml` are found from here unless `--project` names another."""
CACHE_DIR = Path(".cache")
"""Inside the project: what a run keeps for the next (the site manifest; each week's facts unless --cache says otherwise)."""


class SettingsError(GeneratorError):
    """A setting under `extra: commentary:` in mkdocs.yml is unknown, of the wrong type or out of range."""


class Section(BaseModel):
    """A group of settings: frozen, no unknown keys, a bool is never a number, and each field documents itself."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, use_attribute_docstrings=True)


class Definitions(Section):
    """How the metrics are defined. Each field's docstring is shown on the methodology page."""

    week_lookback_days: int = Field(default=7, ge=1, le=31)
    """"The past week" for an as-of session D: close on D against the close of the last session
    on or before D minus this many calendar days."""

    sessions_per_year: int = Field(default=252, ge=240, le=260)
    """Sessions used to annualize volatility."""

    volatility_sessions: int = Field(default=21, ge=5, le=252)
    """Realized volatility: standard deviation of daily log returns over this many sessions, annualized."""

    short_average_sessions: int = Field(default=50, ge=5, le=150)
    """The short simple moving average, in sessions ("the 50-day moving average")."""

    long_average_sessions: int = Field(default=200, ge=20, le=400)
    """The long simple moving average, in sessions ("the 200-day moving average")."""

    high_window_days: int = Field(default=364, ge=350, le=371)
    """The 52-week high: the highest close in the sessions after D minus this many days, up to D.
    Absent when the data starts later than that."""

    volume_average_sessions: int = Field(default=50, ge=5, le=200)
    """Trading activity: the week's average daily volume against the average of this many sessions before the week."""


class Thresholds(Section):
    """When a move earns a word. Each field's docstring is shown on the methodology page."""

    flat_percent: float = Field(default=0.25, ge=0.0, le=2.0)
    """A move smaller than this, either way, in percent, is "basically flat"."""

    big_day_percent: float = Field(default=3.0, ge=0.5, le=25.0)
    """A one-day move past this, in percent, may be called "tumbled" or "surged"."""

    big_week_percent: float = Field(default=5.0, ge=1.0, le=50.0)
    """A one-week move past this, in percent, may be called "tumbled" or "surged"."""

    since_min_sessions: int = Field(default=20, ge=1, le=252)
    """A "biggest one-day move since ..." is only reported when the earlier, larger move lies at least this many sessions back."""

    crossing_since_min_sessions: int = Field(default=63, ge=1, le=2520)
    """A crossing of a moving average is told as "its first close above it since ..." only when the last close on that side
    lies at least this many sessions back (63 sessions: about three months)."""

    distribution_points: float = Field(default=2.0, ge=0.5, le=20.0)
    """A day or week whose close change and total-return (Adj Close) change part by more than this, in percentage points,
    is a distribution (a fund paying out), not a market move: a record search skips it, so it neither sets a
    "biggest drop since ..." nor stands in the way of one."""

    record_week_min_weeks: int = Field(default=52, ge=1, le=520)
    """A "worst week since ..." or "best week since ..." is only reported when the last week with a change as large in
    the same direction lies at least this many weeks back."""

    launch_days: int = Field(default=31, ge=0, le=366)
    """A record with nothing as large before it reads "since it began trading in" the fund's inception year when the
    fund's first close in the data lies within this many days of its inception (data/funds.yaml); otherwise it reads
    "in data going back to" the month of that first close."""

    headline_memory_weeks: int = Field(default=26, ge=1, le=260)
    """A generated headline is not used again within this many weeks of its last use (across every story)."""

    ratio_min: float = Field(default=1.5, ge=1.1, le=10.0)
    """Ratio phrases ("more than double") are used only when both returns share a sign and the
    larger is at least this multiple of the smaller."""

    ratio_min_percent: float = Field(default=1.0, ge=0.0, le=10.0)
    """...and only when the smaller of the two returns is at least this large, in percent: a ratio of two tiny numbers is noise."""

    sector_story_weight: float = Field(default=0.2, ge=0.0, le=10.0)
    """Newsworthiness of the sector story: this weight times the spread, in percentage points,
    between the best and worst sector for the week."""

    small_caps_story_weight: float = Field(default=1.0, ge=0.0, le=10.0)
    """Newsworthiness of the small-caps story: this weight times the gap, in percentage points,
    between the Russell 2000 (IWM) and the S&P 500 (SPY) for the week."""

    leveraged_story_weight: float = Field(default=0.5, ge=0.0, le=10.0)
    """Newsworthiness of the leveraged-funds story: this weight times the widest gap, in points, between a
    leveraged or inverse fund's week and its multiple of its index's week, plus `decay_story_weight` times
    the month's drift of a 3x fund, in points. A fund moving its multiple of its index is arithmetic, not
    news; its drift from the multiple is."""

    decay_story_weight: float = Field(default=0.25, ge=0.0, le=10.0)
    """See `leveraged_story_weight`."""

    bonds_story_weight: float = Field(default=0.4, ge=0.0, le=10.0)
    """Newsworthiness of the bonds story: this weight times the gap between TLT and SPY for the week, in percentage points."""

    havens_story_weight: float = Field(default=0.5, ge=0.0, le=10.0)
    """Newsworthiness of the gold and defensives story: this weight times GLD's weekly move, in
    percent; plus `event_bonus` when gold rose in a week the S&P 500 fell."""

    international_story_weight: float = Field(default=0.5, ge=0.0, le=10.0)
    """Newsworthiness of the international story: this weight times the gap between EEM and SPY for the week, in percentage points."""

    correction_percent: float = Field(default=10.0, ge=5.0, le=50.0)
    """A fund this far below its 52-week high is in a correction."""

    bear_percent: float = Field(default=20.0, ge=10.0, le=80.0)
    """A fund this far below its 52-week high is in a bear market."""

    breakout_from_percent: float = Field(default=2.0, ge=0.0, le=20.0)
    """A new 52-week high is news when the fund started the week at least this far below its high."""

    bear_score: float = Field(default=8.0, ge=0.0, le=100.0)
    """Newsworthiness of the drawdown story when a watched fund enters a bear market this week."""

    correction_score: float = Field(default=5.0, ge=0.0, le=100.0)
    """...when a watched fund enters a correction this week."""

    breakout_score: float = Field(default=2.5, ge=0.0, le=100.0)
    """...when a watched fund breaks out to a new 52-week high."""

    market_move_percent: float = Field(default=3.0, ge=1.0, le=20.0)
    """A week in which SPY moves this much, in percent, makes the market itself the story."""

    market_day_move_percent: float = Field(default=3.0, ge=1.0, le=20.0)
    """A session in which SPY moves this much, in percent, makes the market the story of its week too (a one-day shock or rally)."""

    market_story_score: float = Field(default=50.0, ge=0.0, le=100.0)
    """Newsworthiness of the market story when its week comes: above any other story's, so it leads."""

    second_story_score: float = Field(default=2.0, ge=0.0, le=100.0)
    """A story other than the lead is published as a shorter piece when its score reaches this (at most two a week)."""

    heavy_volume_ratio: float = Field(default=1.25, ge=1.0, le=5.0)
    """A week whose average daily volume is at least this many times its usual (`volume_average_sessions`) is "heavy" trading."""

    light_volume_ratio: float = Field(default=0.8, ge=0.1, le=1.0)
    """...and at most this many times its usual is "light" trading; in between it is about usual."""

    event_bonus: float = Field(default=1.0, ge=0.0, le=10.0)
    """Added to a story's score for each event in its lead fund: a moving average crossed, a biggest-move-since of a year or more."""


class Gates(Section):
    """When the weekly run refuses to publish. Each field's docstring is shown on the methodology page."""

    stale_share: float = Field(default=0.1, ge=0.0, le=0.5)
    """The run stops when more than this share of the universe has no close for the last completed NYSE session."""

    max_day_move_percent: float = Field(default=25.0, ge=5.0, le=50.0)
    """A one-day move past this, in percent, times the fund's leverage (1 for an ordinary fund), is implausible."""

    max_ratio_step_percent: float = Field(default=5.0, ge=0.5, le=20.0)
    """A day-to-day change of the Adj Close / Close ratio past this, in percent, is more than a dividend: implausible."""


class Style(Section):
    """Presentation switches for the text."""

    percent_style: Literal["desk", "ap"] = "desk"
    """`desk` writes "2.4 percent" and "(NYSE:IWM)"; `ap` writes "2.4%" and "(IWM)"."""


SETTINGS_FILE = Path("mkdocs.yml")
"""Editors override any setting above under `extra: commentary:` in the project's mkdocs.yml (see the editing guide)."""


class Settings(Section):
    """Every definition, threshold, gate and style switch of one run, validated once and passed down."""

    definitions: Definitions = Definitions()
    thresholds: Thresholds = Thresholds()
    gates: Gates = Gates()
    style: Style = Style()

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.definitions.short_average_sessions >= self.definitions.long_average_sessions:
            raise ValueError("definitions.short_average_sessions must be shorter than definitions.long_average_sessions")
        if self.thresholds.correction_percent >= self.thresholds.bear_percent:
            raise ValueError("thresholds.correction_percent must be smaller than thresholds.bear_percent")
        return self


SETTINGS_KEYS = ("extra", "commentary")
"""Where the settings sit in mkdocs.yml."""

DEFAULTS = Settings()
"""The settings of a project whose mkdocs.yml overrides nothing."""


def read_settings(path: Path) -> tuple[Settings, list[str]]:
    """The settings under `extra: commentary:` in the MkDocs config at `path`, and every problem found (`file:line: ...`).

    With any problem the defaults are returned whole, so a mistake never half-applies.
    """
    from . import yamlfile

    try:
        mkdocs, text = yamlfile.read(path)
    except yamlfile.YamlError as error:
        return DEFAULTS, [str(error)]
    extra = (mkdocs or {}).get("extra") if isinstance(mkdocs, dict) else None
    commentary = (extra or {}).get("commentary") if isinstance(extra, dict) else None
    if commentary is None:
        return DEFAULTS, []
    if not isinstance(commentary, dict):
        return DEFAULTS, [f"{path}:{yamlfile.line_at(text, SETTINGS_KEYS)}: `extra.commentary` must be a mapping of sections"]
    try:
        return Settings.model_validate(commentary), []
    except ValidationError as error:
        return DEFAULTS, [_problem(item, path, text) for item in error.errors()]


KINDS = {"int": "a whole number", "float": "a number"}


def _problem(item: Any, path: Path, text: str) -> str:
    """One validation error as `file:line: what is wrong (allowed range)`."""
    from . import yamlfile

    location = [str(part) for part in item["loc"]]
    where = f"{path}:{yamlfile.line_at(text, [*SETTINGS_KEYS, *location])}"
    name = ".".join(location)
    sections = Settings.model_fields
    if item["type"] == "extra_forbidden":
        if len(location) == 1:
            return f"{where}: unknown section `{name}`{yamlfile.suggest(location[0], list(sections))}"
        valid = list(sections[location[0]].annotation.model_fields)  # type: ignore[union-attr]
        return f"{where}: unknown setting `{name}`{yamlfile.suggest(location[-1], valid)}"
    if len(location) == 2 and location[0] in sections:
        field = sections[location[0]].annotation.model_fields[location[1]]  # type: ignore[union-attr]
        allowed = allowed_range(field)
        given = item.get("input")
        if allowed:
            return f"{where}: `{name}` is {given!r}; allowed: {allowed} (default {field.default!r})"
        return f"{where}: `{name}` is {given!r}: {item['msg']} (default {field.default!r})"
    if item["type"] == "model_type" or item["type"] == "dict_type":
        return f"{where}: `{name or 'extra.commentary'}` must be a mapping of settings, not {item.get('input')!r}"
    return f"{where}: {item['msg'].removeprefix('Value error, ')}"


def load_settings(root: Path) -> Settings:
    """The project's settings; the first problem stops the run (`check` lists them all)."""
    settings, problems = read_settings(root / SETTINGS_FILE)
    if problems:
        raise SettingsError(problems[0])
    return settings


LISTING_PREFIX = {"NYSE Arca": "NYSE", "Nasdaq": "NASDAQ", "Cboe BZX": "BATS"}
"""How a primary listing is written before the ticker on first mention ("NYSE:IWM")."""

SMALL_CAPS = ("IWM", "IJR", "VB", "SCHA", "VTWO")
"""The small-cap funds the small-caps story compares; IWM leads."""

LARGE_CAP_BENCHMARKS = ("SPY", "DIA")
"""The benchmarks small caps are measured against: the S&P 500 and the Dow."""

SMALL_CAP_LEVERAGED = ("TNA", "TZA")
"""The 3x bull and bear pair on the Russell 2000 for the trader's angle."""

SECTORS = ("XLB", "XLE", "XLF", "XLI", "XLK", "XLP", "XLU", "XLV", "XLY")
"""The Select Sector SPDRs."""

EDITION_FUNDS = ("SPY", "QQQ", "DIA", "IWM", "EFA", "EEM", "AGG", "TLT", "GLD")
"""The home page's scoreboard: the market, tech, the Dow, small caps, abroad, bonds and gold."""

MOVERS_LISTED = 5
"""The whole universe's edition lists this many of the week's best funds and as many of its worst, among all its funds."""

HEADLINE_MONTH_MIN_DAY = 3
"""A headline names the month ("In September Trading") only when the week ends on this day of it or later: at least three
of the week's five weekdays then fall in it (a week that ends on Friday, September 2, is mostly August)."""
HEATMAP_STEPS_PERCENT = (1.0, 2.5)
"""Where the sector heatmap's shades deepen: beyond "basically flat", a week's move under 1 percent, under 2.5, or more."""

MARKET_BENCHMARK = "SPY"
"""The fund a group is measured against when no other benchmark is named."""
MARKET_INDEX = "^GSPC"
"""The S&P 500 index itself: its record closes are the market's (the fund's price lags it by the dividends it pays out)."""
TOTAL_RETURN_SPANS = frozenset({"ytd", "year", "start"})
"""Returns measured on the adjusted close (total return, payouts reinvested) and labelled so: the year to date, and on a
fund page one year and the whole history. A week, a day or a month is the price change a desk quotes; two returns
compared are always of the same span, so never mixed."""

BONDS = ("TLT", "IEF", "SHY", "AGG", "LQD", "HYG")
"""The bond funds of the bonds story; TLT (long Treasurys) leads."""

HAVENS = ("GLD", "SLV", "XLU", "XLP")
"""Gold and the defensives; GLD leads."""

INTERNATIONAL = ("EEM", "EFA", "VWO", "VEA")
"""Emerging and developed markets abroad; EEM leads."""

EVENT_PRIORITY = (
    "fomc",
    "covid",
    "election",
    "referendum",
    "fed-facility",
    "fed-policy",
    "fiscal",
    "trade",
    "volatility",
    "market",
    "commodity",
    "fed-balance-sheet",
    "rates",
    "political",
    "jobs",
    "fomc-hold",
)
"""Which of a week's events an article names first: a Fed move before a pandemic milestone before a vote, and so on;
an FOMC decision to hold ranks last (`fomc-hold`)."""
EVENTS_NAMED = 2
"""At most this many of the week's events are named, in the priority above."""
UPCOMING_DAYS = 7
"""A forward look names the scheduled events of this many days after the article's date."""
DRAWDOWN_WATCH = ("SPY", "QQQ", "IWM")
"""The funds whose corrections, bear markets and breakouts make the drawdown story."""

SECTOR_LEVERAGED = ("SPXL", "SPXU")
"""The 3x bull and bear pair on the S&P 500 for the sector story's trader's angle."""

CORE_SYMBOLS = (*SMALL_CAPS[:1], *LARGE_CAP_BENCHMARKS, *SECTORS)
"""Funds every story needs: when one of them fails a check, the week is not published."""


def allowed_range(field: FieldInfo) -> str | None:
    """ "a number from 0.0 to 2.0" for a setting with bounds, "desk or ap" for a choice; None for one without."""
    if get_origin(field.annotation) is Literal:
        return " or ".join(map(str, get_args(field.annotation)))
    low = next((rule.ge for rule in field.metadata if hasattr(rule, "ge")), None)
    high = next((rule.le for rule in field.metadata if hasattr(rule, "le")), None)
    if low is None or high is None:
        return None
    kind = getattr(field.annotation, "__name__", str(field.annotation))
    return f"{KINDS.get(kind, kind)} from {low} to {high}"


def documented_fields(section: Section) -> list[tuple[str, object, str, str]]:
    """(name, value, docstring, allowed values) for each setting of a section, for the methodology page."""
    return [
        (name, getattr(section, name), " ".join((info.description or "").split()), allowed_range(info) or "")
        for name, info in type(section).model_fields.items()
    ]
