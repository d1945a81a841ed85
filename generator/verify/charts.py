"""A chart's data file, spec, description and table against the prices."""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from ..universe import UNKNOWN
from .prices import Context
from .text import FIGURE

TABLE_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
TABLE_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.DOTALL)


def verify_charts(folder: Path, story: str, markdown: str, ctx: Context) -> list[str]:
    """Each chart of the article: its data file holds the recomputed values and its spec draws that file, its description
    says what they show, and its table shows the data file's figures."""
    problems = []
    for figure_html in FIGURE.findall(markdown):
        spec_name = re.search(r'data-spec="(?:[^"]*/)?([^"/]+)\.vl\.json"', figure_html)
        label = re.search(r'aria-label="([^"]*)"', figure_html)
        if spec_name is None or label is None:
            problems.append(f"{story}: a chart has no description")
            continue
        name, description = spec_name.group(1), html.unescape(label.group(1))
        csv_path, spec_path = folder / f"{name}.csv", folder / f"{name}.vl.json"
        if not csv_path.exists() or not spec_path.exists():
            problems.append(f"{name}: the chart's data or spec is missing")
            continue
        try:
            columns = _read_csv(csv_path.read_text(encoding="utf-8"))
        except ValueError as error:
            problems.append(f"{name}: {error}")
            continue
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        lines = "change" not in columns and "drawdown" not in columns
        series = [column for column in columns if column != "date"] if lines else []
        parse = {"parse": {column: "number" for column in series}} if lines else {}
        if spec.get("data") != {"url": csv_path.name, "format": {"type": "csv", **parse}} or "datasets" in spec:
            problems.append(f"{name}: the spec draws other data than {csv_path.name}")
        elif lines and (spec.get("transform") or [{}])[0] != {"fold": series, "as": ["series", "price"]}:
            problems.append(f"{name}: the spec does not draw a line for each series of {csv_path.name}")
        check = _check_trend if lines else _check_bars if "change" in columns else _check_drawdowns
        problems += [f"{name}: {problem}" for problem in check(columns, description, ctx)]
        if spec.get("description") != description:
            problems.append(f"{name}: the spec's description differs from the page's")
        problems += [f"{name}: {problem}" for problem in _check_table(figure_html, columns)]
        title = spec.get("title")
        if "change" in columns and title != ctx.phrasebook["chart_titles"].get(story):
            problems.append(f'{name}: the chart title "{title}" is not the phrasebook\'s for {story}')
    return problems


def _check_table(figure_html: str, columns: dict[str, list[str]]) -> list[str]:
    """Every cell of the chart's table is the data file's figure for its row and column (the data file is checked against
    the prices): a weekly-change table lists every fund; a table over time ends at the data's newest session."""
    table = [[html.unescape(cell) for cell in TABLE_CELL.findall(row)] for row in TABLE_ROW.findall(figure_html)]
    dates = columns.get("date") or columns.get("symbol") or []
    if len(table) < 2 or not dates:
        return ["the chart has no table of its data"]
    head, body = table[0], table[1:]
    if "change" in columns:
        rows = _records(columns)
        expected = {r["symbol"]: [r["symbol"], r["fund"], f"{float(r['change']):+.2f}"] for r in rows}
        shown = {line[0]: line for line in body}
        return [] if shown == expected and len(body) == len(rows) else ["the table's funds or changes differ from the data"]
    shown_dates = {line[0] for line in body}  # a month's last session: a small part of a long history
    row_of = {day: index for index, day in enumerate(dates) if day in shown_dates}
    problems = []
    data_column = {column: columns.get("drawdown" if "drawdown" in columns else column) for column in head[1:]}
    for line in body:
        if len(line) != len(head):
            return [f"the table's row for {line[0]} has {len(line)} cells, not {len(head)}"]
        index = row_of.get(line[0])
        for column, cell in zip(head[1:], line[1:], strict=True):
            cells = data_column[column]
            value = None if cells is None or index is None or cells[index] == "" else cells[index]
            if (value is None) != (cell == "") or (value is not None and not abs(_number(cell) - _number(value)) <= 1e-9):
                problems.append(f"the table's {column} on {line[0]} is {cell or 'empty'}, not {value}")
    if body[-1][0] != max(dates):
        problems.append("the table does not end at the newest session")
    return problems


def _read_csv(text: str) -> dict[str, list[str]]:
    """A chart's data file, column by column (a fund page's charts hold thousands of rows); a ValueError when a row's
    cells do not match the header."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    body = list(reader)
    if any(len(row) != len(header) for row in body):
        raise ValueError(f"a row of the data file does not have its {len(header)} columns")
    if not body:
        return {name: [] for name in header}
    return {name: list(cells) for name, cells in zip(header, zip(*body, strict=True), strict=True)}


def _number(text: str) -> float:
    """A data file's cell as a number; NaN, which no check accepts, where it is none."""
    try:
        return float(text)
    except ValueError:
        return math.nan


def _records(columns: dict[str, list[str]]) -> list[dict[str, str]]:
    """The rows of a small data file (a weekly-change chart's), each by column."""
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _check_bars(columns: dict[str, list[str]], description: str, ctx: Context) -> list[str]:
    rows, problems = _records(columns), []
    start, end = ctx.span("week")
    for row in rows:
        truth = round(ctx.change(row["symbol"], "week") * 100, 2)  # for the message
        if abs(float(row["change"]) - ctx.change(row["symbol"], "week") * 100) > 0.005 + 1e-6:
            problems.append(f"{row['symbol']}'s weekly change is {truth}, not {row['change']}")
        if row["fund"] != (ctx.universe[row["symbol"]].name or UNKNOWN):
            problems.append(f'{row["symbol"]} is not "{row["fund"]}"')
    ranked = sorted(rows, key=lambda r: -ctx.change(r["symbol"], "week"))
    if ranked:
        best, worst = ranked[0]["symbol"], ranked[-1]["symbol"]
        expected = (
            f"Bar chart of the change in closing price from {start:%B %-d} to {end:%B %-d, %Y}: "
            f"{best} did best at {ctx.change(best, 'week') * 100:+.1f}%, {worst} worst at {ctx.change(worst, 'week') * 100:+.1f}%."
        )
        if description != expected:
            problems.append(f'the description should read "{expected}"')
    return problems


def _check_trend(columns: dict[str, list[str]], description: str, ctx: Context) -> list[str]:
    """A price chart: each close and average in the data file against the prices, a series at a time (a fund page's
    chart holds five years of sessions), an empty cell only where the figure does not exist yet, and the close and
    averages its description names."""
    match = re.search(r"(?:\(|chart of )([\^A-Z.]+)\)? from", description)
    if match is None:
        return ["the description names no fund"]
    symbol = match.group(1)
    long, short = ctx.settings.definitions.long_average_sessions, ctx.settings.definitions.short_average_sessions
    windows = {"Close": 1, f"{short}-day average": short, f"{long}-day average": long}
    series = [name for name in columns if name != "date"]
    if "date" not in columns or not series:
        return ["the data file has no date and price columns"]
    if unknown := [name for name in series if name not in windows]:
        return [f"the data file's column {unknown[0]!r} is no price series"]
    problems = []
    dates = columns["date"]
    positions = ctx.closes.positions(dates)
    for name in series:
        cells, sessions = columns[name], windows[name]
        present = np.array([cell != "" for cell in cells], dtype=bool)
        figures = np.array([_number(cell) if cell else math.nan for cell in cells])
        truth = ctx.closes.closes_at(symbol, positions) if sessions == 1 else ctx.closes.averages_at(symbol, positions, sessions)
        wrong = np.where(present, ~(np.abs(figures - truth) <= 0.005 + 1e-6), ~np.isnan(truth))  # NaN on either side is wrong
        if wrong.any():
            row = int(wrong.argmax())
            shown = None if np.isnan(truth[row]) else float(truth[row])
            problems.append(f"{symbol}'s {name} on {dates[row]} is {shown}, not {cells[row] or 'empty'}")
            break
    close = ctx.closes.close(symbol, ctx.as_of)
    if f"closing at ${close:,.2f}" not in description or f"to {ctx.as_of:%B %-d, %Y}" not in description:
        problems.append(f"the description should say it closed at ${close:,.2f} on {ctx.as_of:%B %-d, %Y}")
    for sessions in (short, long):
        average = ctx.closes.average(symbol, ctx.as_of, sessions)
        said = re.search(rf"the {sessions}-day average at \$([\d,]+\.\d\d)", description)
        if (average is None) != (said is None) or (said and average is not None and said.group(1) != f"{average:,.2f}"):
            problems.append(f"the {sessions}-day average on {ctx.as_of} is {average}")
    return problems


def _check_drawdowns(columns: dict[str, list[str]], description: str, ctx: Context) -> list[str]:
    """A fund page's drawdown chart: each session's close against its 52-week high, and the deepest named."""
    match = re.search(r"(?:\(|far )([\^A-Z.]+)\)? closed below", description)
    if match is None or not columns["drawdown"]:
        return ["the description names no fund"]
    if len(columns.get("date", [])) != len(columns["drawdown"]):
        return ["the data file has no date column"]
    symbol, days = match.group(1), ctx.settings.definitions.high_window_days
    closes = ctx.closes.by_symbol[symbol]
    first = min(closes)
    values = {}
    for text, figure in zip(columns["date"], columns["drawdown"], strict=True):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return [f"{text!r} in the data file is not a date"]
        if day - timedelta(days=days) < first:
            return [f"{day} has less than {days} days of history behind it"]
        values[day] = ctx.drawdown(symbol, day)
        if not abs(_number(figure) - values[day] * 100) <= 0.005 + 1e-6:  # NaN is wrong
            return [f"{symbol} closed {values[day] * 100:.2f} percent below its high on {day}, not {figure}"]
    worst = min(values, key=lambda d: values[d])
    expected = f"the deepest was {values[worst] * 100:.1f}% on {worst:%B %-d, %Y}."
    return [] if description.endswith(expected) else [f'the description should end "{expected}"']
