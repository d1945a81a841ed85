"""Publication gates: the weekly run refuses stale, broken or implausible data, and says why.

A failure stops publication (one line each). A problem with a fund that is not core only
leaves that fund out of the week, with the reason in the build log and on the methodology page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .calendar import last_completed_session
from .config import CORE_SYMBOLS, GATES, Gates
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
    now: pd.Timestamp,
    settings: Gates = GATES,
    core: tuple[str, ...] = CORE_SYMBOLS,
) -> GateReport:
    """Run every gate over the price table as of `now` (a tz-aware time)."""
    expected = last_completed_session(now)
    report = GateReport(expected_session=expected)
    symbols = universe.symbols()
    newest = tidy.groupby("symbol")["session"].max()
    for symbol in core:
        if symbol not in newest.index:
            report.failures.append(f"core symbol {symbol}: not in the price store")
    stale = [s for s in symbols if s not in newest.index or newest[s] < expected]
    if len(stale) > settings.stale_share * len(symbols):
        oldest = newest.reindex(stale).min()
        report.failures.insert(
            0,
            f"stale data: {len(stale)} of {len(symbols)} symbols have no close for {expected:%Y-%m-%d}, "
            f"the last completed NYSE session (oldest newest close: {oldest:%Y-%m-%d})",
        )
    for symbol in stale:
        if symbol in newest.index:
            report.problem(symbol, f"no close for {expected:%Y-%m-%d} (newest {newest[symbol]:%Y-%m-%d})", core)
    for name, rows in tidy.groupby("symbol", sort=True):
        _check_rows(str(name), rows.sort_values("session"), universe, settings, report, core)
    return report


def _check_rows(symbol: str, rows: pd.DataFrame, universe: Universe, settings: Gates, report: GateReport, core: tuple[str, ...]) -> None:
    recent = rows.tail(settings.check_sessions + 1)
    non_positive = recent.loc[recent["close"] <= 0, "session"]
    if len(non_positive):
        report.problem(symbol, f"close is zero or negative on {non_positive.iloc[0]:%Y-%m-%d}", core)
        return
    leverage = abs(universe[symbol].leverage) if symbol in universe else 1
    moves = (recent["close"] / recent["close"].shift(1) - 1).iloc[1:]
    too_big = moves[moves.abs() * 100 > settings.max_day_move_percent * leverage]
    if len(too_big):
        where = recent.loc[too_big.index[0], "session"]
        report.problem(symbol, f"one-day move of {too_big.iloc[0] * 100:+.1f}% on {where:%Y-%m-%d} is implausible", core)
        return
    ratio = recent["adj_close"] / recent["close"]
    steps = (ratio / ratio.shift(1) - 1).iloc[1:]
    jumps = steps[steps.abs() * 100 > settings.max_ratio_step_percent]
    if len(jumps):
        where = recent.loc[jumps.index[0], "session"]
        report.problem(
            symbol, f"Adj Close / Close ratio jumped {jumps.iloc[0] * 100:+.1f}% on {where:%Y-%m-%d}, more than a dividend", core
        )
