"""Fact check: every number and claim in a rendered article, matched to its ledger entry and recomputed.

This is a second, deliberately plain implementation: closes come straight from the price
store as a dict, and each figure is recomputed with a few lines of arithmetic here, never by
calling the compute or facts stages. An article passes when
- every claim in the ledger stands in the text, in order, exactly as printed;
- no digit in the text is left without a claim (fund and index names and fixed phrases aside);
- each claim's figure is the correct rounding of the recomputed value, its direction and size
  words fit the thresholds, and each superlative holds ("since early February": no move as large
  in between, and one that large then).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from .calendar import day_phrase_parts
from .config import LARGE_CAP_BENCHMARKS, SECTORS, SMALL_CAPS, Definitions, Settings, Thresholds
from .universe import Universe

FIXED_PHRASES = ("50-day", "200-day", "52-week", "2016–2021", "S&P 500", "Russell 2000", "Nasdaq-100", "3X", "2X")
"""Digits that are part of names and fixed wording, not figures."""


class Closes:
    """Close prices by symbol and session, read plainly from the tidy store."""

    def __init__(self, tidy: pd.DataFrame) -> None:
        self.by_symbol: dict[str, dict[date, float]] = {}
        for symbol, session, close in zip(tidy["symbol"], tidy["session"], tidy["close"], strict=True):
            self.by_symbol.setdefault(str(symbol), {})[pd.Timestamp(session).date()] = float(close)
        self.sessions = sorted({day for closes in self.by_symbol.values() for day in closes})
        last_of_week: dict[tuple[int, int], date] = {}
        for day in self.sessions:
            last_of_week[day.isocalendar()[:2]] = day
        self.week_ends = sorted(last_of_week.values())
        """The last session of each calendar week."""

    def close(self, symbol: str, day: date) -> float:
        return self.by_symbol[symbol][day]

    def change(self, symbol: str, start: date, end: date) -> float:
        return self.close(symbol, end) / self.close(symbol, start) - 1

    def previous(self, day: date) -> date:
        return self.sessions[self.sessions.index(day) - 1]

    def day_moves(self, symbol: str) -> list[tuple[date, float]]:
        """(session, close over the previous session's close - 1), only across consecutive sessions with closes."""
        closes = self.by_symbol[symbol]
        moves = []
        for earlier, later in zip(self.sessions, self.sessions[1:], strict=False):
            if earlier in closes and later in closes:
                moves.append((later, closes[later] / closes[earlier] - 1))
        return moves

    def average(self, symbol: str, day: date, sessions: int) -> float | None:
        """Plain mean of the last `sessions` closes up to `day`; None without that many consecutive closes."""
        position = self.sessions.index(day)
        window = self.sessions[max(0, position - sessions + 1) : position + 1]
        closes = self.by_symbol[symbol]
        if len(window) < sessions or any(d not in closes for d in window):
            return None
        return sum(closes[d] for d in window) / sessions


@dataclass
class Context:
    closes: Closes
    facts: dict[str, Any]
    universe: Universe
    phrasebook: dict[str, Any]
    settings: Settings

    @property
    def definitions(self) -> Definitions:
        return self.settings.definitions

    @property
    def thresholds(self) -> Thresholds:
        return self.settings.thresholds

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.facts["as_of"])

    @property
    def window(self) -> tuple[date, date]:
        return date.fromisoformat(self.facts["window"]["start"]), date.fromisoformat(self.facts["window"]["end"])

    def at(self, path: str) -> Any:
        node: Any = self.facts
        for part in path.split("."):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node


def _pct(value: float) -> str:
    return f"{abs(value) * 100:.1f}"


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d,]*\.?\d*", text)


def recompute(path: str, ctx: Context) -> float | None:
    """The value at `path` in the facts, computed again from closes; None where it is not a price figure."""
    c, (start, end) = ctx.closes, ctx.window
    parts = path.split(".")
    if parts[0] == "funds":
        symbol, field = parts[1], parts[2]
        if field in {"week", "day", "month", "ytd"}:
            window = ctx.at(".".join(parts[:3]))
            return c.change(symbol, date.fromisoformat(window["start"]), date.fromisoformat(window["end"]))
        if field == "close":
            return c.close(symbol, end)
        if field == "drawdown":
            highs = [v for d, v in c.by_symbol[symbol].items() if end - timedelta(days=ctx.definitions.high_window_days) < d <= end]
            return c.close(symbol, end) / max(highs) - 1
        if field == "biggest_day":
            session = date.fromisoformat(ctx.at(".".join(parts[:3]))["session"])
            return c.close(symbol, session) / c.close(symbol, c.previous(session)) - 1
        if field == "leverage":
            factor, underlying = ctx.universe[symbol].leverage, ctx.universe[symbol].underlying or ""
            if parts[3] in {"target", "gap"}:
                target = factor * c.change(underlying, start, end)
                return target if parts[3] == "target" else c.change(symbol, start, end) - target
            if parts[3] in {"day_target", "day_gap"}:
                before = c.previous(end)
                target = factor * c.change(underlying, before, end)
                return target if parts[3] == "day_target" else c.change(symbol, before, end) - target
            if parts[3] == "underlying_week":
                return c.change(underlying, start, end)
        if field == "drawdown_start":
            highs = [v for d, v in c.by_symbol[symbol].items() if start - timedelta(days=ctx.definitions.high_window_days) < d <= start]
            return c.close(symbol, start) / max(highs) - 1
    parent = ctx.at(path.rsplit(".", 1)[0]) if "." in path else None
    if isinstance(parent, dict) and {"subject", "reference", "start", "end"} <= set(parent):
        first, last = date.fromisoformat(parent["start"]), date.fromisoformat(parent["end"])
        return c.change(parent["subject"], first, last) - c.change(parent["reference"], first, last)
    if isinstance(parent, dict) and {"fund", "underlying", "factor", "start", "end"} <= set(parent):
        first, last = date.fromisoformat(parent["start"]), date.fromisoformat(parent["end"])
        target = parent["factor"] * c.change(parent["underlying"], first, last)
        return target if path.endswith(".target") else c.change(parent["fund"], first, last) - target
    if path == "small_caps.gap_week":
        return c.change(SMALL_CAPS[0], start, end) - c.change(LARGE_CAP_BENCHMARKS[0], start, end)
    if path == "small_caps.ytd_ratio.value":
        base = date.fromisoformat(ctx.at(f"funds.{SMALL_CAPS[0]}.ytd.start"))
        return c.change(SMALL_CAPS[0], base, end) / c.change(LARGE_CAP_BENCHMARKS[0], base, end)
    if path == "sectors.spread":
        moves = [c.change(s, start, end) for s in SECTORS if s in c.by_symbol and start in c.by_symbol[s] and end in c.by_symbol[s]]
        return max(moves) - min(moves)
    return None


def _check_percent_words(claim: dict[str, Any], value: float, span: str, ctx: Context) -> list[str]:
    """Direction and size words of a move or a signed figure against the recomputed value."""
    text, kind = claim["text"], claim["kind"]
    flat = abs(value) * 100 < ctx.thresholds.flat_percent
    book = ctx.phrasebook
    problems = []
    if kind == "move":
        if flat:
            return (
                []
                if text in book["flat"]
                else [f'"{text}": the move is under {ctx.thresholds.flat_percent} percent, so it is basically flat']
            )
        verb = text.rsplit(" ", 2)[0]
        big = abs(value) * 100 > (ctx.thresholds.big_day_percent if span == "day" else ctx.thresholds.big_week_percent)
        wanted = book[("verbs_up" if value > 0 else "verbs_down") + ("_big" if big else "")]
        if verb not in wanted:
            problems.append(f'"{text}": a {"big " if big else ""}move {"up" if value > 0 else "down"} is one of {", ".join(wanted)}')
    if kind == "signed":
        expected = "basically flat" if flat else ("up " if value > 0 else "down ") + _pct(value) + " percent"
        if text.replace("%", " percent") != expected and not text.startswith(expected.split(" ")[0]):
            problems.append(f'"{text}": the recomputed value is {value * 100:+.3f} percent')
    if kind == "table_percent" and text != f"{value * 100:+.1f}%":
        problems.append(f'"{text}": the recomputed value is {value * 100:+.3f} percent')
    if kind in {"percent", "points", "move", "signed"} and not flat and _numbers(text) and _numbers(text)[0] != _pct(value):
        problems.append(f'"{text}": the recomputed value {abs(value) * 100:.4f} rounds to {_pct(value)}')
    return problems


def _check_since(claim: dict[str, Any], ctx: Context) -> list[str]:
    """ "since early February": the last earlier move at least as large is then, and none as large since."""
    path = claim["paths"][0]
    symbol, move = path.split(".")[1], claim["value"]
    session = date.fromisoformat(move["session"])
    moves = ctx.closes.day_moves(symbol)
    value = dict(moves)[session]
    larger = [d for d, v in moves if d < session and (v <= value if value < 0 else v >= value)]
    if not larger:
        first = moves[0][0] if moves else session
        expected = f"since at least {first.strftime('%B %Y')}"
    else:
        expected = "since " + day_phrase_parts(larger[-1], ctx.as_of, ctx.phrasebook.get("date_phrases"))[1]
    return [] if claim["text"] == expected else [f'"{claim["text"]}": recomputed from the closes it is "{expected}"']


def _check_day(claim: dict[str, Any], ctx: Context) -> list[str]:
    day = date.fromisoformat(claim["value"])
    problems = []
    if day not in ctx.closes.sessions and claim["paths"][0] != "?":
        problems.append(f'"{claim["text"]}": {day} is not a session in the prices')
    kind, words = day_phrase_parts(day, ctx.as_of, ctx.phrasebook.get("date_phrases"))
    expected = {"day": words, "on_day": ({"weekday": "on ", "last_weekday": ""}.get(kind, "in ")) + words}.get(
        claim["kind"], f"{day:%B} {day.day}, {day.year}"
    )
    if claim["text"] != expected:
        problems.append(f'"{claim["text"]}": {day} is written "{expected}"')
    if ".crossings." in claim["paths"][0]:
        problems += _check_crossing(claim["paths"][0], ctx)
    return problems


def _check_crossing(path: str, ctx: Context) -> list[str]:
    crossing = ctx.at(path.rsplit(".", 1)[0])
    symbol, day = path.split(".")[1], date.fromisoformat(crossing["session"])
    before = ctx.closes.previous(day)
    sides = []
    for d in (before, day):
        average = ctx.closes.average(symbol, d, crossing["average"])
        sides.append(None if average is None else ctx.closes.close(symbol, d) > average)
    crossed = sides[0] is not None and sides[1] is not None and sides[0] != sides[1] and sides[1] == (crossing["direction"] == "above")
    if crossed:
        return []
    return [f"{symbol} did not cross {crossing['direction']} its {crossing['average']}-day average on {day}"]


def _check_count(claim: dict[str, Any], ctx: Context) -> list[str]:
    value = claim["value"]
    words = ctx.phrasebook["numbers"]
    expected = str(words[abs(value)]) if abs(value) < len(words) else str(abs(value))
    problems = [] if claim["text"].lower() == expected else [f'"{claim["text"]}": {value} is written "{expected}"']
    truths = [_count_truth(path, ctx) for path in claim["paths"]]
    if not any(truth is None or truth == value for truth in truths):
        problems.append(f'"{claim["text"]}": recomputed, the count is {truths[0]}')
    return problems


def _count_truth(path: str, ctx: Context) -> int | None:
    start, end = ctx.window
    if path == "sectors.beat_benchmark":
        market = ctx.closes.change(ctx.at("sectors.benchmark"), start, end)
        return sum(ctx.closes.change(s, start, end) > market for s in ctx.at("sectors.ranked"))
    if path == "sectors.funds_count":
        return len([s for s in SECTORS if start in ctx.closes.by_symbol.get(s, {}) and end in ctx.closes.by_symbol.get(s, {})])
    if path.endswith(".weekly_streak"):
        return _streak(path.split(".")[1], ctx)
    if path.endswith(".leverage.factor"):
        return ctx.universe[path.split(".")[1]].leverage
    return None


def _streak(symbol: str, ctx: Context) -> int:
    """Consecutive calendar weeks of gains (or losses) ending this week, from each week's last close."""
    closes = ctx.closes.by_symbol[symbol]
    ends = [day for day in ctx.closes.week_ends if day <= ctx.as_of]
    run, sign = 0, 0
    for later, earlier in zip(reversed(ends), list(reversed(ends))[1:], strict=False):
        if earlier not in closes or later not in closes:
            break
        step = (closes[later] > closes[earlier]) - (closes[later] < closes[earlier])
        if step == 0 or (sign and step != sign):
            break
        sign, run = step, run + 1
    return sign * run


def _check_value(claim: dict[str, Any], ctx: Context) -> list[str]:
    kind, paths = claim["kind"], claim["paths"]
    if kind in {"since"}:
        return _check_since(claim, ctx)
    if kind in {"day", "on_day", "longdate"}:
        return _check_day(claim, ctx)
    if kind == "count":
        return _check_count(claim, ctx)
    if kind == "leverage":
        expected = str(ctx.phrasebook["leverage_words"][claim["value"]])
        return [] if claim["text"] == expected else [f'"{claim["text"]}": a factor of {claim["value"]} is "{expected}"']
    if kind == "pair":
        maybe = [recompute(path, ctx) for path in paths]
        truths = [t for t in maybe if t is not None]
        if len(truths) != len(maybe):
            return [f'"{claim["text"]}": no way to recompute {", ".join(paths)} from the prices']
        words = [
            "basically flat" if abs(t) * 100 < ctx.thresholds.flat_percent else ("up " if t > 0 else "down ") + _pct(t) + " percent"
            for t in truths
        ]
        directions = {w.split(" ")[0] for w in words}
        if len(directions) == 1 and "basically" not in directions:
            amounts = list(dict.fromkeys(w.split(" ", 1)[1] for w in words))
            direction = directions.pop()
            expected = (
                f"are both {direction} {amounts[0]}" if len(amounts) == 1 else f"are {direction} {' and '.join(amounts)}, respectively"
            )
            printed = claim["text"].replace("%", " percent")
            return [] if expected in printed else [f'"{claim["text"]}": recomputed, it reads "{expected}"']
        if directions == {"basically"}:
            return [] if "are both basically flat" in claim["text"] else [f'"{claim["text"]}": recomputed, both are basically flat']
        printed = re.findall(r" is (basically flat|(?:up|down) [\d.]+ percent)", claim["text"].replace("%", " percent"))
        return [] if printed == words else [f'"{claim["text"]}": recomputed, the two read {" and ".join(words)}']
    if kind == "score":
        return [] if claim["text"] == f"{claim['value']:.1f}" else [f'"{claim["text"]}" is not the score {claim["value"]:.3f}']
    if kind in {"money"}:
        return []  # flows and assets are supplied (editors' figures, or shares outstanding), not computed from prices
    truth = recompute(paths[0], ctx)
    if truth is None:
        return [f'"{claim["text"]}": no way to recompute {paths[0]} from the prices']
    if kind == "ratio":
        bracket = next((b for b in ctx.phrasebook["ratios"] if b["min"] <= truth < b["max"]), None)
        return [] if bracket and bracket["words"] == claim["text"] else [f'"{claim["text"]}": the recomputed ratio is {truth:.3f}']
    span = claim["args"][0] if claim["args"] else "week"
    return _check_percent_words(claim, truth, span, ctx)


def _check_phrases(text: str, ctx: Context) -> list[str]:
    """Words the templates choose from comparisons: above or below an average, a 52-week high."""
    problems = []
    end = ctx.window[1]
    for symbol, side, _, short_side in re.findall(
        r"\b([A-Z^]{2,5}) ends the week (above|below) its 200-day moving average( and (above|below) its 50-day average)?", text
    ):
        for sessions, said in (
            (ctx.definitions.long_average_sessions, side),
            (ctx.definitions.short_average_sessions, short_side),
        ):
            average = ctx.closes.average(symbol, end, sessions) if said else None
            if said and (average is None or (ctx.closes.close(symbol, end) > average) != (said == "above")):
                problems.append(f"{symbol} does not end the week {said} its {sessions}-day average")
    for symbol in re.findall(r"\b([A-Z^]{2,5}) closed the week at a 52-week high", text):
        drawdown = recompute(f"funds.{symbol}.drawdown", ctx)
        if drawdown is None or abs(drawdown) > 1e-12:
            problems.append(f"{symbol} did not close the week at a 52-week high")
    return problems


def verify(markdown: str, ledger: dict[str, Any], ctx: Context) -> tuple[int, list[str]]:
    """(claims verified, problems) for one article and its ledger."""
    body = _prose(markdown)
    lowered = body.lower()
    claimed = bytearray(len(body))
    cursor, problems = 0, []
    for number, claim in enumerate(ledger["claims"], start=1):
        printed = _unlinked(claim["text"])
        found = lowered.find(printed.lower(), cursor)
        if found < 0:
            problems.append(f'claim {number} ({claim["kind"]}) "{printed}" is not in the text as printed, in order')
            continue
        claimed[found : found + len(printed)] = b"\x01" * len(printed)
        cursor = found + len(printed)
        if "?" in claim["paths"]:
            problems.append(f'claim {number} "{claim["text"]}" comes from no fact of the week')
            continue
        problems += [f"claim {number}: {problem}" for problem in _check_value(claim, ctx)]
    problems += _unclaimed_numbers(body, claimed, _names(ctx.universe))
    problems += _check_phrases(body, ctx)
    return len(ledger["claims"]), problems


def _prose(markdown: str) -> str:
    """The article's text: no front matter, no chart figures, no comments, no link targets."""
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.DOTALL)
    text = re.sub(r"<figure.*?</figure>", "", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    return _unlinked(text)


def _unlinked(text: str) -> str:
    """Markdown links as their words: `[IWM](../funds/iwm.md)` reads `[IWM]`."""
    return re.sub(r"\]\([^)]*\)", "]", text)


def _names(universe: Universe) -> list[str]:
    names = {fund.name for fund in universe.funds.values()} | {fund.index for fund in universe.funds.values()}
    return sorted(names | set(FIXED_PHRASES), key=len, reverse=True)


def _unclaimed_numbers(body: str, claimed: bytearray, names: Iterable[str]) -> list[str]:
    masked = "".join(" " if claimed[i] else ch for i, ch in enumerate(body))
    for name in names:
        masked = re.sub(re.escape(name), lambda match: " " * len(match.group()), masked, flags=re.IGNORECASE)
    return [
        f'"{match.group()}" in "…{masked[max(0, match.start() - 30) : match.end() + 30].strip()}…" has no ledger entry'
        for match in re.finditer(r"\d[\d.,]*", masked)
    ]


def verify_article(
    markdown: str,
    ledger: dict[str, Any],
    closes: Closes,
    universe: Universe,
    phrasebook: dict[str, Any],
    settings: Settings,
    window: str = "calendar",
    facts: dict[str, Any] | None = None,
) -> tuple[int, list[str]]:
    """(claims verified, problems) for one article held in memory; `window` is how its week was chosen (calendar or trailing)."""
    return verify(markdown, ledger, Context(closes, facts or {}, universe, phrasebook, settings))


@dataclass
class Report:
    articles: int
    claims: int
    problems: list[str]


def verify_folder(
    docs: Path, tidy: pd.DataFrame, universe: Universe, phrasebook: dict[str, Any], settings: Settings, weeks: set[date] | None = None
) -> Report:
    """Every article in the docs dir whose ledger is in `weeks/` (or only those of `weeks`, each of which must have one)."""
    closes = Closes(tidy)
    articles = claims = 0
    problems: list[str] = []
    checked: set[date] = set()
    for ledger_path in sorted((docs / "weeks").glob("*/*.claims.json")):
        ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
        if weeks is not None and date.fromisoformat(ledger["as_of"]) not in weeks:
            continue
        article = docs / ledger["article"]
        if not article.exists():
            problems.append(f"{ledger_path}: its article {article} is missing")
            continue
        facts = json.loads((ledger_path.parent / "facts.json").read_text(encoding="utf-8"))
        count, found = verify(article.read_text(encoding="utf-8"), ledger, Context(closes, facts, universe, phrasebook, settings))
        articles, claims = articles + 1, claims + count
        problems += [f"{article}: {problem}" for problem in found]
        checked.add(date.fromisoformat(ledger["as_of"]))
    problems += [
        f"{docs / 'weeks'}: no article for the week ending {day} (generate it first)" for day in sorted((weeks or set()) - checked)
    ]
    return Report(articles=articles, claims=claims, problems=problems)
