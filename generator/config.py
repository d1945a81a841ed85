"""Definitions and thresholds: the one place where the words of an article get their meaning.

Every number the writer compares against lives here, with the sentence that documents it.
The methodology page is rendered from these objects, so the site and the code cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
"""The project root: `data/`, `templates/`, `content/` and `mkdocs.yml` are found from here."""


@dataclass(frozen=True)
class Definitions:
    """How the metrics are defined. Each field's docstring is shown on the methodology page."""

    week_lookback_days: int = 7
    """"The past week" for an as-of session D: close on D against the close of the last session
    on or before D minus this many calendar days."""

    sessions_per_year: int = 252
    """Sessions used to annualise volatility."""

    volatility_sessions: int = 21
    """Realised volatility: standard deviation of daily log returns over this many sessions, annualised."""

    short_average_sessions: int = 50
    """The short simple moving average, in sessions ("the 50-day moving average")."""

    long_average_sessions: int = 200
    """The long simple moving average, in sessions ("the 200-day moving average")."""

    high_window_days: int = 364
    """The 52-week high: the highest close in the sessions after D minus this many days, up to D.
    Absent when the data starts later than that."""


@dataclass(frozen=True)
class Thresholds:
    """When a move earns a word. Each field's docstring is shown on the methodology page."""

    flat_percent: float = 0.25
    """A move smaller than this, either way, in percent, is "basically flat"."""

    big_day_percent: float = 3.0
    """A one-day move past this, in percent, may be called "tumbled" or "surged"."""

    big_week_percent: float = 5.0
    """A one-week move past this, in percent, may be called "tumbled" or "surged"."""

    since_min_sessions: int = 20
    """A "biggest one-day move since ..." is only reported when the earlier, larger move lies at least this many sessions back."""

    ratio_min: float = 1.5
    """Ratio phrases ("more than double") are used only when both returns share a sign and the
    larger is at least this multiple of the smaller."""

    ratio_min_percent: float = 1.0
    """...and only when the smaller of the two returns is at least this large, in percent: a ratio of two tiny numbers is noise."""

    sector_story_weight: float = 0.2
    """Newsworthiness of the sector story: this weight times the spread, in percentage points,
    between the best and worst sector for the week."""

    small_caps_story_weight: float = 1.0
    """Newsworthiness of the small-caps story: this weight times the gap, in percentage points,
    between the Russell 2000 (IWM) and the S&P 500 (SPY) for the week."""

    leveraged_story_weight: float = 0.15
    """Newsworthiness of the leveraged-funds story: this weight times the largest weekly move of a
    leveraged or inverse fund, in percent, plus `decay_story_weight` times the month's decay of a
    3x fund, in points."""

    decay_story_weight: float = 0.25
    """See `leveraged_story_weight`."""

    bonds_story_weight: float = 0.4
    """Newsworthiness of the bonds story: this weight times the gap between TLT and SPY for the week, in percentage points."""

    havens_story_weight: float = 0.5
    """Newsworthiness of the gold and defensives story: this weight times GLD's weekly move, in
    percent; plus `event_bonus` when gold rose in a week the S&P 500 fell."""

    international_story_weight: float = 0.5
    """Newsworthiness of the international story: this weight times the gap between EEM and SPY for the week, in percentage points."""

    correction_percent: float = 10.0
    """A fund this far below its 52-week high is in a correction."""

    bear_percent: float = 20.0
    """A fund this far below its 52-week high is in a bear market."""

    breakout_from_percent: float = 2.0
    """A new 52-week high is news when the fund started the week at least this far below its high."""

    bear_score: float = 8.0
    """Newsworthiness of the drawdown story when a watched fund enters a bear market this week."""

    correction_score: float = 5.0
    """...when a watched fund enters a correction this week."""

    breakout_score: float = 2.5
    """...when a watched fund breaks out to a new 52-week high."""

    second_story_score: float = 2.0
    """A story other than the lead is published as a shorter piece when its score reaches this (at most two a week)."""

    event_bonus: float = 1.0
    """Added to a story's score for each event in its lead fund: a moving average crossed, a biggest-move-since of a year or more."""


@dataclass(frozen=True)
class Gates:
    """When the weekly run refuses to publish. Each field's docstring is shown on the methodology page."""

    stale_share: float = 0.1
    """The run stops when more than this share of the universe has no close for the last completed NYSE session."""

    max_day_move_percent: float = 25.0
    """A one-day move past this, in percent, times the fund's leverage (1 for an ordinary fund), is implausible."""

    max_ratio_step_percent: float = 5.0
    """A day-to-day change of the Adj Close / Close ratio past this, in percent, is more than a dividend: implausible."""

    check_sessions: int = 5
    """How many of the newest sessions the implausibility checks look at."""


@dataclass(frozen=True)
class Style:
    """Presentation switches for the text."""

    percent_style: str = "desk"
    """`desk` writes "2.4 percent" and "(NYSE:IWM)"; `ap` writes "2.4%" and "(IWM)"."""


MKDOCS_FILE = ROOT / "mkdocs.yml"
"""Editors override any setting above under `extra: commentary:` in mkdocs.yml (see the editing guide)."""

SECTIONS: dict[str, type] = {"definitions": Definitions, "thresholds": Thresholds, "gates": Gates, "style": Style}


def load_settings(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Each section's settings from `extra: commentary:` in the MkDocs config at `path`, and the problems found.

    A bad value is reported and its default stands, so a mistake never half-applies.
    """
    from . import yamlfile

    errors: list[str] = []
    try:
        mkdocs, text = yamlfile.read(path)
    except yamlfile.YamlError as error:
        return {name: cls() for name, cls in SECTIONS.items()}, [str(error)]
    commentary = ((mkdocs or {}).get("extra") or {}).get("commentary") or {}
    if not isinstance(commentary, dict):
        errors.append(f"{path}:{yamlfile.line_of('commentary', text)}: `extra.commentary` must be a mapping of sections")
        commentary = {}
    for section in commentary:
        if section not in SECTIONS:
            hint = yamlfile.suggest(str(section), list(SECTIONS))
            errors.append(f"{path}:{yamlfile.line_of(str(section), text)}: unknown section `{section}`{hint}")
    settings = {name: _section(cls, commentary.get(name) or {}, path, text, errors) for name, cls in SECTIONS.items()}
    return settings, errors


def _section(cls: type, values: dict[str, object], path: Path, text: str, errors: list[str]) -> Any:
    """`cls` with the editor's values where they are known fields of the right type."""
    from . import yamlfile

    defaults = cls()
    valid = [f.name for f in fields(cls)]
    accepted = {}
    for key, value in values.items():
        line = yamlfile.line_of(str(key), text)
        if key not in valid:
            errors.append(f"{path}:{line}: unknown setting `{key}`{yamlfile.suggest(str(key), valid)}")
            continue
        wanted = type(getattr(defaults, key))
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, wanted) or isinstance(value, bool):
            errors.append(f"{path}:{line}: `{key}` must be a {wanted.__name__}, like its default {getattr(defaults, key)!r}")
            continue
        accepted[key] = value
    if cls is Style and accepted.get("percent_style", "desk") not in {"desk", "ap"}:
        errors.append(f"{path}:{yamlfile.line_of('percent_style', text)}: `percent_style` is `desk` or `ap`")
        accepted.pop("percent_style")
    return cls(**accepted)


_SETTINGS, CONFIG_ERRORS = load_settings(MKDOCS_FILE)
"""CONFIG_ERRORS: problems in the project's own overrides; `python -m generator check` reports them."""
DEFINITIONS: Definitions = _SETTINGS["definitions"]
GATES: Gates = _SETTINGS["gates"]
THRESHOLDS: Thresholds = _SETTINGS["thresholds"]
STYLE: Style = _SETTINGS["style"]

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

MARKET_BENCHMARK = "SPY"
"""The fund a group is measured against when no other benchmark is named."""

BONDS = ("TLT", "IEF", "SHY", "AGG", "LQD", "HYG")
"""The bond funds of the bonds story; TLT (long Treasurys) leads."""

HAVENS = ("GLD", "SLV", "XLU", "XLP")
"""Gold and the defensives; GLD leads."""

INTERNATIONAL = ("EEM", "EFA", "VWO", "VEA")
"""Emerging and developed markets abroad; EEM leads."""

DRAWDOWN_WATCH = ("SPY", "QQQ", "IWM")
"""The funds whose corrections, bear markets and breakouts make the drawdown story."""

SECTOR_LEVERAGED = ("SPXL", "SPXU")
"""The 3x bull and bear pair on the S&P 500 for the sector story's trader's angle."""

CORE_SYMBOLS = (*SMALL_CAPS[:1], *LARGE_CAP_BENCHMARKS, *SECTORS)
"""Funds every story needs: when one of them fails a check, the week is not published."""


def documented_fields(obj: object) -> list[tuple[str, object, str]]:
    """(name, value, docstring) for each field of a config dataclass, read from this source file."""
    docs = _field_docstrings()
    return [(f.name, getattr(obj, f.name), docs.get(f.name, "")) for f in fields(obj)]  # type: ignore[arg-type]


def _field_docstrings() -> dict[str, str]:
    """Attribute docstrings, the string literal right after each annotated field."""
    import ast
    import itertools

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    docs: dict[str, str] = {}
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        body = cls.body
        for field_node, doc_node in itertools.pairwise(body):
            if (
                isinstance(field_node, ast.AnnAssign)
                and isinstance(field_node.target, ast.Name)
                and isinstance(doc_node, ast.Expr)
                and isinstance(doc_node.value, ast.Constant)
                and isinstance(doc_node.value.value, str)
            ):
                docs[field_node.target.id] = " ".join(doc_node.value.value.split())
    return docs
