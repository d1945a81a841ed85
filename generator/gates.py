"""Publication gates: the weekly run refuses stale, broken or implausible data, and says why.

The checks cover every session in the store, since articles, charts and fund pages show the
whole history, not only the newest week. A failure stops publication (one line each). A problem
with a fund that is not core leaves that fund out of the site (articles, charts and its fund
page), with the reason in the build log, on its fund page and on the methodology page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .calendar import last_completed_session
from .config import CORE_SYMBOLS, Gates
from .universe import Universe


@dataclass
class GateReport:
    expected_session: pd.Timestamp
    failures: list[str] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.failures

    def problem(self, symbol: str, reason: str, core: tuple[str, ...]) -> None:
        if symbol in core:
            self.failures.append(f"core symbol {symbol}: {reason}")
        else:
            self.excluded.setdefault(symbol, reason)

    def markdown(self) -> str:
        """The report as a GitHub job summary."""
        lines = [f"## Publication gates for {self.expected_session:%Y-%m-%d}", ""]
        lines += [f"- :x: {line}" for line in self.failures] or ["- :white_check_mark: every gate passed"]
        lines += [f"- left out: {symbol}: {reason}" for symbol, reason in sorted(self.excluded.items())]
        return "\n".join(lines) + "\n"


def check(
    tidy: pd.DataFrame,
    universe: Universe,
    now: pd.Timestamp | None,
    settings: Gates,
    core: tuple[str, ...] = CORE_SYMBOLS,
) -> GateReport:
    """Run every gate over the price table as of `now` (a tz-aware time).

    With no `now`, the table is a bundled history (data/universe/), cut at a fixed date: a fund whose prices end early
    there closed or changed ticker, which the stale gate cannot tell from a failed download, so only the broken and
    implausible gates apply.
    """
    newest = tidy.groupby("symbol")["session"].max()
    expected = pd.Timestamp(newest.max()) if now is None else last_completed_session(now)
    report = GateReport(expected_session=expected)
    symbols = universe.symbols()
    for symbol in core:
        if symbol not in newest.index:
            report.failures.append(f"core symbol {symbol}: not in the price store")
    stale = [] if now is None else [s for s in symbols if s not in newest.index or newest[s] < expected]
    store_is_stale = len(stale) > settings.stale_share * len(symbols)
    if store_is_stale:
        absent = [s for s in stale if s not in newest.index]
        present = newest.reindex([s for s in stale if s in newest.index])
        detail = [f"the stalest fund's newest close is {present.min():%Y-%m-%d}"] if len(present) else []
        detail += [f"{len(absent)} not in the store at all"] if absent else []
        report.failures.insert(
            0,
            f"stale data: {len(stale)} of {len(symbols)} symbols have no close for {expected:%Y-%m-%d}, "
            f"the last completed NYSE session ({'; '.join(detail)})",
        )
    for symbol in () if store_is_stale else stale:  # a stale store is one line, not one per fund
        if symbol in newest.index:
            report.problem(symbol, f"no close for {expected:%Y-%m-%d} (newest {newest[symbol]:%Y-%m-%d})", core)
    for name, rows in tidy.groupby("symbol", sort=True):
        _check_rows(str(name), rows.sort_values("session"), universe, settings, report, core)
    return report


def _check_rows(symbol: str, rows: pd.DataFrame, universe: Universe, settings: Gates, report: GateReport, core: tuple[str, ...]) -> None:
    non_positive = rows.loc[rows["close"] <= 0, "session"]
    if len(non_positive):
        report.problem(symbol, f"close is zero or negative on {non_positive.iloc[0]:%Y-%m-%d}", core)
        return
    leverage = abs(universe[symbol].leverage or 1) if symbol in universe else 1  # a multiple no source gives: an ordinary fund's limit
    moves = (rows["close"] / rows["close"].shift(1) - 1).iloc[1:]
    too_big = moves[moves.abs() * 100 > settings.max_day_move_percent * leverage]
    if len(too_big):
        where = rows.loc[too_big.index[0], "session"]
        report.problem(symbol, f"one-day move of {too_big.iloc[0] * 100:+.1f}% on {where:%Y-%m-%d} is implausible", core)
        return
    ratio = rows["adj_close"] / rows["close"]
    steps = (ratio / ratio.shift(1) - 1).iloc[1:]
    jumps = steps[steps.abs() * 100 > settings.max_ratio_step_percent]
    if len(jumps):
        where = rows.loc[jumps.index[0], "session"]
        report.problem(
            symbol, f"Adj Close / Close ratio jumped {jumps.iloc[0] * 100:+.1f}% on {where:%Y-%m-%d}, more than a dividend", core
        )
