"""A chart's data file, spec, description and table against the prices."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

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
        rows = _read_csv(csv_path.read_text(encoding="utf-8"))
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        if spec.get("data") != {"url": csv_path.name, "format": {"type": "csv"}} or "datasets" in spec:
            problems.append(f"{name}: the spec draws other data than {csv_path.name}")
        columns = set(rows[0]) if rows else set()
        check = _check_bars if "change" in columns else _check_drawdowns if "drawdown" in columns else _check_trend
        problems += [f"{name}: {problem}" for problem in check(rows, description, ctx)]
        if spec.get("description") != description:
            problems.append(f"{name}: the spec's description differs from the page's")
        problems += [f"{name}: {problem}" for problem in _check_table(figure_html, rows)]
        title = spec.get("title")
        if "change" in columns and title != ctx.phrasebook["chart_titles"].get(story):
            problems.append(f'{name}: the chart title "{title}" is not the phrasebook\'s for {story}')
    return problems


def _check_table(figure_html: str, rows: list[dict[str, str]]) -> list[str]:
    """Every cell of the chart's table is the data file's figure for its row and column (the data file is checked against
    the prices): a weekly-change table lists every fund; a table over time ends at the data's newest session."""
    table = [[html.unescape(cell) for cell in TABLE_CELL.findall(row)] for row in TABLE_ROW.findall(figure_html)]
    if len(table) < 2 or not rows:
        return ["the chart has no table of its data"]
    head, body = table[0], table[1:]
    if "change" in rows[0]:
        expected = {r["symbol"]: [r["symbol"], r["fund"], f"{float(r['change']):+.2f}"] for r in rows}
        shown = {line[0]: line for line in body}
        return [] if shown == expected and len(body) == len(rows) else ["the table's funds or changes differ from the data"]
    if "drawdown" in rows[0]:
        values = {(r["date"], head[1]): r["drawdown"] for r in rows}
    else:
        values = {(r["date"], r["series"]): r["price"] for r in rows}
    problems = []
    for line in body:
        if len(line) != len(head):
            return [f"the table's row for {line[0]} has {len(line)} cells, not {len(head)}"]
        for column, cell in zip(head[1:], line[1:], strict=True):
            value = values.get((line[0], column))
            if (value is None) != (cell == "") or (value is not None and abs(float(cell) - float(value)) > 1e-9):
                problems.append(f"the table's {column} on {line[0]} is {cell or 'empty'}, not {value}")
    if body[-1][0] != max(r["date"] for r in rows):
        problems.append("the table does not end at the newest session")
    return problems


def _read_csv(text: str) -> list[dict[str, str]]:
    """A chart's data file, each row by column (as csv.DictReader reads it, at half the cost: a fund page's charts hold
    thousands of rows)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    return [dict(zip(header, row, strict=False)) for row in reader]


def _check_bars(rows: list[dict[str, str]], description: str, ctx: Context) -> list[str]:
    problems = []
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


def _check_trend(rows: list[dict[str, str]], description: str, ctx: Context) -> list[str]:
    match = re.search(r"(?:\(|chart of )([\^A-Z.]+)\)? from", description)
    if match is None:
        return ["the description names no fund"]
    symbol = match.group(1)
    problems = []
    long, short = ctx.settings.definitions.long_average_sessions, ctx.settings.definitions.short_average_sessions
    windows = {"Close": 1, f"{short}-day average": short, f"{long}-day average": long}
    days: dict[str, date] = {}  # each date has a row per series
    for row in rows:
        day = days.get(row["date"]) or days.setdefault(row["date"], date.fromisoformat(row["date"]))
        sessions = windows.get(row["series"])
        truth = ctx.closes.close(symbol, day) if sessions == 1 else ctx.closes.average(symbol, day, sessions or 0) if sessions else None
        if truth is None or abs(float(row["price"]) - truth) > 0.005 + 1e-6:
            problems.append(f"{symbol}'s {row['series']} on {day} is {truth}, not {row['price']}")
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


def _check_drawdowns(rows: list[dict[str, str]], description: str, ctx: Context) -> list[str]:
    """A fund page's drawdown chart: each session's close against its 52-week high, and the deepest named."""
    match = re.search(r"(?:\(|far )([\^A-Z.]+)\)? closed below", description)
    if match is None or not rows:
        return ["the description names no fund"]
    symbol, days = match.group(1), ctx.settings.definitions.high_window_days
    closes = ctx.closes.by_symbol[symbol]
    first = min(closes)
    values = {}
    for row in rows:
        day = date.fromisoformat(row["date"])
        if day - timedelta(days=days) < first:
            return [f"{day} has less than {days} days of history behind it"]
        values[day] = ctx.drawdown(symbol, day)
        if abs(float(row["drawdown"]) - values[day] * 100) > 0.005 + 1e-6:
            return [f"{symbol} closed {values[day] * 100:.2f} percent below its high on {day}, not {row['drawdown']}"]
    worst = min(values, key=lambda d: values[d])
    expected = f"the deepest was {values[worst] * 100:.1f}% on {worst:%B %-d, %Y}."
    return [] if description.endswith(expected) else [f'the description should end "{expected}"']
