"""Reading each claim's words against the recomputed value, the metadata, the phrasebook or the editor's note."""

from __future__ import annotations

import bisect
import itertools
import json
import re
import string
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..calendar import day_phrase_parts, on_day_phrase
from ..compute import printed_gap
from ..config import (
    BONDS,
    DRAWDOWN_WATCH,
    HAVENS,
    HEADLINE_MONTH_MIN_DAY,
    INTERNATIONAL,
    LARGE_CAP_BENCHMARKS,
    MARKET_BENCHMARK,
    MARKET_INDEX,
    SMALL_CAPS,
    UPCOMING_DAYS,
)
from ..errors import GeneratorError
from ..holdings import HOLDINGS_SOURCE
from ..notes import parse_note
from ..universe import UNKNOWN
from .prices import Context, Unverifiable, figure, fund_weeks, sector_weeks, trailing_base

FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
"""An article's front matter."""


def front_title(front: str) -> str:
    """The title in an article's front matter, or "" when it has none (the generator writes it JSON-quoted; an editor may not)."""
    return front_field(front, "title")


def front_field(front: str, name: str) -> str:
    """One free-text field of a front matter (JSON-quoted by the generator, plain YAML by an editor), or "" when absent."""
    line = re.search(rf"^{name}:(.*)$", front, re.MULTILINE)
    if line is None:
        return ""
    try:
        return str(json.loads(line.group(1)))
    except ValueError:
        try:
            return str(yaml.safe_load(line.group(1)) or "")
        except yaml.YAMLError:
            return ""


def _pct(value: float, ctx: Context) -> str:
    number = f"{abs(value) * 100:.1f}"
    return f"{number}%" if ctx.settings.style.percent_style == "ap" else f"{number} percent"


def _points(value: float) -> str:
    """A gap as AP writes it: one point and fractions of one are singular ("0.3 percentage point")."""
    number = f"{abs(value) * 100:.1f}"
    if number == "1.0":
        return "1 percentage point"
    return number + (" percentage point" if number.startswith("0.") else " percentage points")


def _direction(value: float, ctx: Context) -> str:
    return "flat" if abs(value) < ctx.flat else "up" if value > 0 else "down"


def _verbs(value: float, about: dict[str, Any], ctx: Context) -> list[str]:
    """The verbs a move may take: the strong ones only past the day's or the week's threshold."""
    thresholds = ctx.settings.thresholds
    day = about.get("span") == "day" or about.get("measure") == "day_move"
    big = abs(value) * 100 > (thresholds.big_day_percent if day else thresholds.big_week_percent)
    return [str(verb) for verb in ctx.phrasebook[("verbs_up" if value > 0 else "verbs_down") + ("_big" if big else "")]]


def _moves(value: float, about: dict[str, Any], ctx: Context) -> list[str]:
    """Every way the move may be written: "fell 2.4 percent", or under the flat line one of the flat phrases."""
    if abs(value) < ctx.flat:
        return [str(phrase) for phrase in ctx.phrasebook["flat"]]
    return [f"{verb} {_pct(value, ctx)}" for verb in _verbs(value, about, ctx)]


def _move_words(text: str, value: float, about: dict[str, Any], ctx: Context) -> list[str]:
    if abs(value) < ctx.flat:
        return [] if text in _moves(value, about, ctx) else [f'"{text}": the move is {value * 100:+.3f} percent, under the flat line']
    expected = _moves(value, about, ctx)
    return [] if text in expected else [f'"{text}": the recomputed move is {value * 100:+.3f} percent, so one of: {"; ".join(expected)}']


def _signed(value: float, ctx: Context) -> str:
    return "basically flat" if abs(value) < ctx.flat else f"{'up' if value > 0 else 'down'} {_pct(value, ctx)}"


def _date_words(kind: str, session: date, ctx: Context) -> str:
    if kind == "day":
        return day_phrase_parts(session, ctx.as_of, ctx.phrasebook.get("date_phrases"))[1]
    if kind == "on_day":
        return on_day_phrase(session, ctx.as_of, ctx.phrasebook.get("date_phrases"))
    if kind == "weekday":
        return f"{session:%A}"
    return f"{session:%B} {session.day}, {session.year}"


def _check_date(claim: dict[str, Any], ctx: Context) -> list[str]:
    about = claim["about"]
    session = date.fromisoformat(about["session"])
    problems = []
    measure, role = about["measure"], about.get("role")
    if measure == "crossing":
        problems += _crossing_truth(about, ctx)
    elif measure == "day_move":
        problems += _biggest_truth(about, ctx)
    elif measure == "trailing":
        base = trailing_base(about["subject"], about["span"], ctx)
        problems += [] if base == session else [f"{about['subject']}'s {about['span']} return starts on {base}, not {session}"]
    elif role == "inception":
        inceptions = {f.inception for f in ctx.universe.funds.values()}
        problems += [] if session in inceptions else [f"{session} is no fund's inception date"]
    elif role == "listed":
        problems += [] if str(about.get("file", "")).startswith(session.isoformat()) else [f"{session} is not the listed article's date"]
    elif role == "end" and session != ctx.as_of:
        problems.append(f"{session} is not the article's week end, {ctx.as_of}")
    elif role == "data_through" and session != ctx.as_of:
        problems.append(f"the article uses prices through {ctx.as_of}, not {session}")
    elif role in {"start", "month_start"} and session != ctx.span("week" if role == "start" else "month")[0]:
        problems.append(f"{session} is not where the {'week' if role == 'start' else 'month'} starts")
    elif role not in {"end", "data_through", "start", "month_start", "supplied", "base"} and measure == "date":
        problems.append(f"a date with no known role {role!r}")
    expected = _date_words(claim["kind"], session, ctx)
    if claim["text"] != expected:
        problems.append(f'"{claim["text"]}": {session} is written "{expected}"')
    return problems


def _crossing_truth(about: dict[str, Any], ctx: Context) -> list[str]:
    symbol, day, average = about["subject"], date.fromisoformat(about["session"]), int(about["average"])
    start, end = ctx.span("week")
    if not start < day <= end:
        return [f"{day} is outside the week"]
    sides = []
    for d in (ctx.closes.previous(day), day):
        mean = ctx.closes.average(symbol, d, average)
        sides.append(None if mean is None else ctx.closes.close(symbol, d) > mean)
    if sides[0] is not None and sides[1] is not None and sides[0] != sides[1] and sides[1] == (about["direction"] == "above"):
        return []
    return [f"{symbol} did not cross {about['direction']} its {average}-day average on {day}"]


def _biggest_truth(about: dict[str, Any], ctx: Context) -> list[str]:
    symbol, session = about["subject"], date.fromisoformat(about["session"])
    start, end = ctx.span("week")
    week = [(d, v) for d, v in ctx.closes.record_moves(symbol, ctx.settings.thresholds.distribution_points) if start < d <= end]
    if not week or max(week, key=lambda item: abs(item[1]))[0] != session:
        return [f"{session} is not {symbol}'s biggest one-day move of the week"]
    return []


def _since_words(symbol: str, larger: list[date], ctx: Context) -> str:
    """The window of a record: since the last day (or week) as large, else since the fund's launch when its first close lies
    within `launch_days` of the inception in the metadata (where it gives one), else the month its data starts."""
    if larger:
        return "since " + day_phrase_parts(larger[-1], ctx.as_of, ctx.phrasebook.get("date_phrases"))[1]
    first, inception = ctx.closes.history(symbol)[0], ctx.universe[symbol].inception
    if inception is not None and abs((first - inception).days) <= ctx.settings.thresholds.launch_days:
        return f"since it began trading in {inception.year}"
    return f"in data going back to {first:%B %Y}"


def _check_superlative(claim: dict[str, Any], ctx: Context) -> list[str]:
    """ "its biggest one-day gain since early February": no move as large in between, and one that large then (distribution
    days, where the close and the total return part, left out)."""
    about = claim["about"]
    symbol, session = about["subject"], date.fromisoformat(about["session"])
    moves = ctx.closes.record_moves(symbol, ctx.settings.thresholds.distribution_points)
    value = dict(moves)[session]
    larger = [d for d, v in moves if d < session and (v <= value if value < 0 else v >= value)]
    expected = f"its biggest one-day {'gain' if value > 0 else 'drop'} {_since_words(symbol, larger, ctx)}"
    problems = _biggest_truth(about, ctx)
    back = ctx.closes.position[session] - ctx.closes.position[larger[-1] if larger else ctx.closes.history(symbol)[0]]
    if back < ctx.settings.thresholds.since_min_sessions:
        problems.append(f"{symbol}'s move on {session} is the biggest in fewer than {ctx.settings.thresholds.since_min_sessions} sessions")
    if about.get("since") and about["since"] != (larger[-1].isoformat() if larger else None):
        problems.append(f"{symbol}'s last move as large before {session} was on {larger[-1] if larger else 'no day'}, not {about['since']}")
    return problems + ([] if claim["text"] == expected else [f'"{claim["text"]}": recomputed from the closes it is "{expected}"'])


def _check_record_week(claim: dict[str, Any], ctx: Context) -> list[str]:
    """ "its worst week since October 2008": the article's calendar week against every earlier calendar week of the fund
    (week to week, from each week's last close; distribution weeks left out), and far enough back to be news."""
    about, text = claim["about"], claim["text"]
    symbol, thresholds = about["subject"], ctx.settings.thresholds
    start, end = ctx.span("week")
    ends = ctx.closes.week_ends(end)
    if ends[-1] != end or len(ends) < 2 or ends[-2] != start:
        return [f'"{text}": a record week is of a calendar week, and {start} to {end} is not one']
    if (about.get("start"), about.get("end"), about.get("span")) != (start.isoformat(), end.isoformat(), "week"):
        return [f'"{text}": the week runs from {start} to {end}, not {about.get("start")} to {about.get("end")} ({about.get("span")})']
    closes, points = ctx.closes.by_symbol[symbol], thresholds.distribution_points
    weeks = [
        (later, closes[later] / closes[earlier] - 1)
        for earlier, later in itertools.pairwise(ends)
        if earlier in closes and later in closes and not ctx.closes.distribution(symbol, earlier, later, points)
    ]
    if not weeks or weeks[-1][0] != end:
        return [f'"{text}": {symbol}\'s week to {end} is not one a record search reads (no closes, or a distribution)']
    value = weeks[-1][1]
    larger = [d for d, v in weeks[:-1] if (v <= value if value < 0 else v >= value)]
    back = len(ends) - bisect.bisect_right(ends, larger[-1] if larger else ctx.closes.history(symbol)[0])
    problems = [] if back >= thresholds.record_week_min_weeks else [f"{symbol}'s week is the best or worst in only {back} weeks"]
    expected = f"its {'best' if value > 0 else 'worst'} week {_since_words(symbol, larger, ctx)}"
    return problems + ([] if text == expected else [f'"{text}": recomputed from the closes it is "{expected}"'])


def _mentions(symbol: str, ctx: Context) -> list[str]:
    """Every way the text may name a fund: its ticker, its first mention or that linked to its page, its name (a table's
    column beside its ticker: "not known" for a fund whose name no source gives)."""
    if symbol not in ctx.universe.funds:
        return []
    fund = ctx.universe[symbol]
    full = fund.first_mention(ctx.settings.style)
    linked = f"[{full}](../funds/{symbol.lower().lstrip('^')}.md)"
    return [symbol, full, fund.name or UNKNOWN, fund.labelled] + ([] if fund.kind == "index" else [linked])


def _same(text: str, expected: str) -> bool:
    """Equal but for the case of the first letter (a phrase opening a sentence) and whitespace."""
    a, b = " ".join(text.split()), " ".join(expected.split())
    return a == b or (a[:2].lower() == b[:2].lower() and a[2:] == b[2:])


def _check_pair(claim: dict[str, Any], ctx: Context) -> list[str]:
    about, text = claim["about"], claim["text"]
    symbols: list[str] = about["subject"]
    values = [figure({**about, "subject": symbol}, ctx) for symbol in symbols]
    named_at = []
    for symbol in symbols:
        forms = sorted(_mentions(symbol, ctx), key=len, reverse=True)
        found = next((form for form in forms if form in text or form[:1].upper() + form[1:] in text), None)
        if found is None:
            return [f'"{text}": {symbol} is not named in it']
        named_at.append(min(at for at in (text.find(found), text.find(found[:1].upper() + found[1:])) if at >= 0))
        text = text.replace(found, "{}", 1).replace(found[:1].upper() + found[1:], "{}", 1)
    if named_at != sorted(named_at):  # every form gives the funds' figures in the ledger's order of its funds
        return [f'"{claim["text"]}": names {" and ".join(symbols)} in another order than its figures']
    directions = [_direction(v, ctx) for v in values]
    amounts = [_pct(v, ctx) for v in values]
    if about.get("span") in {"day", "week", "month"}:
        expected = _past_pairs(values, directions, amounts, about, ctx)
    elif len(set(directions)) == 1 and directions[0] != "flat":
        both = f"{{}} and {{}} are both {directions[0]} {amounts[0]}"
        respectively = f"{{}} and {{}} are {directions[0]} {amounts[0]} and {amounts[1]}, respectively"
        expected = [both] if amounts[0] == amounts[1] else [respectively, f"{{}} is {directions[0]} {amounts[0]} and {{}} {amounts[1]}"]
    elif set(directions) == {"flat"}:
        expected = ["{} and {} are both basically flat"]
    else:
        expected = [f"{{}} is {_signed(values[0], ctx)} and {{}} is {_signed(values[1], ctx)}"]
    return [] if text in expected else [f'"{claim["text"]}": recomputed, it reads "{expected[0].format(*symbols)}"']


def _past_pairs(values: list[float], directions: list[str], amounts: list[str], about: dict[str, Any], ctx: Context) -> list[str]:
    """Two moves of a window that has ended, in the past tense: one verb for both ("both fell 7.1 percent" when the
    figures print alike; a strong verb only if the smaller move is strong), or each its own move."""
    if len(set(directions)) == 1 and directions[0] != "flat":
        verbs = _verbs(min(values, key=abs), about, ctx)
        if amounts[0] == amounts[1]:
            return [f"{{}} and {{}} both {verb} {amounts[0]}" for verb in verbs]
        respectively = [f"{{}} and {{}} {verb} {amounts[0]} and {amounts[1]}, respectively" for verb in verbs]
        return respectively + [f"{{}} {verb} {amounts[0]} and {{}} {amounts[1]}" for verb in verbs]  # the later pairs
    if set(directions) == {"flat"}:
        return [f"{{}} and {{}} {phrase}" for phrase in ctx.phrasebook["flat_both"]]
    return [f"{{}} {first} and {{}} {second}" for first in _moves(values[0], about, ctx) for second in _moves(values[1], about, ctx)]


def angle_problems(story: str, angle: str, about: dict[str, Any], ctx: Context) -> list[str]:
    """Whether the week is what the story's angle says (the definitions in the phrasebook's notes), recomputed."""
    flat = ctx.flat
    if story == "small-caps":
        lead, market = SMALL_CAPS[0], LARGE_CAP_BENCHMARKS[0]
        gap, week = printed_gap(ctx.change(lead, "week"), ctx.change(market, "week")), ctx.change(lead, "week")
        long = ctx.settings.definitions.long_average_sessions
        start, end = ctx.span("week")
        sides = []
        for d in ctx.closes.sessions:
            if start < d <= end:
                mean, before = ctx.closes.average(lead, d, long), ctx.closes.average(lead, ctx.closes.previous(d), long)
                if mean is not None and before is not None:
                    was = ctx.closes.close(lead, ctx.closes.previous(d)) > before
                    now = ctx.closes.close(lead, d) > mean
                    if was != now:
                        sides.append("above" if now else "below")
        mean = ctx.closes.average(lead, end, long)
        if sides and mean is not None and (sides[-1] == "below") == (ctx.closes.close(lead, end) < mean):
            truth = "breakdown" if sides[-1] == "below" else "reclaim"
        elif abs(gap) < flat:
            truth = "in_step"
        elif gap > 0:
            truth = "hold_up" if week <= -flat else "outrun"
        else:
            truth = "slide" if week <= -flat else "lag_rally"
    elif story == "sectors":
        weeks = list(sector_weeks(ctx).values())
        truth = "broad_rally" if all(v >= flat for v in weeks) else "broad_selloff" if all(v <= -flat for v in weeks) else "rotation"
    elif story in {"bonds", "havens", "international"}:
        lead = {"bonds": BONDS, "havens": HAVENS, "international": INTERNATIONAL}[story][0]
        gap = printed_gap(ctx.change(lead, "week"), ctx.change(MARKET_BENCHMARK, "week"))
        up, down = {
            "bonds": ("bonds_win", "stocks_win"),
            "havens": ("gold_shines", "gold_fades"),
            "international": ("abroad_leads", "home_leads"),
        }[story]
        truth = "in_step" if abs(gap) < flat else up if gap > 0 else down
        lead_week, market_week = ctx.change(lead, "week"), ctx.change(MARKET_BENCHMARK, "week")
        if story == "havens" and truth != "in_step" and lead_week >= flat and market_week <= -flat:
            truth = "haven_bid"
    elif story == "drawdown":
        return _drawdown_angle(angle, about.get("subject", ""), ctx)
    elif story == "market":
        truth = _market_angle(ctx)
    elif story == "leveraged":
        truth = _leveraged_angle(ctx)
    else:
        return [f"no story is called {story!r}"]
    return [] if truth == angle else [f"the week's {story} angle is {truth}, not {angle}"]


def _market_angle(ctx: Context) -> str:
    """What the S&P 500 fund's week was: a bear market or a correction entered, one left, a big week, or a big day."""
    thresholds, lead = ctx.settings.thresholds, MARKET_BENCHMARK
    end, start = ctx.drawdown(lead, ctx.as_of), ctx.drawdown(lead, ctx.span("week")[0])
    for angle, line in (("bear", thresholds.bear_percent), ("correction", thresholds.correction_percent)):
        if end <= -line / 100 < start:
            return angle
    if any(start <= -line / 100 < end for line in (thresholds.bear_percent, thresholds.correction_percent)):
        return "recovery"
    record = _record_close(MARKET_INDEX, ctx) if ctx.has_week(MARKET_INDEX) else None
    if record is not None and record[2] <= -thresholds.correction_percent / 100:
        return "record"
    week = ctx.change(lead, "week")
    if abs(week) * 100 >= thresholds.market_move_percent:
        return "surge" if week > 0 else "plunge"
    first, last = ctx.span("week")
    days = [move for day, move in ctx.closes.day_moves(lead) if first < day <= last]
    largest = max(days, key=abs, default=0.0)
    if abs(largest) * 100 >= thresholds.market_day_move_percent:
        return "spike" if largest > 0 else "shock"
    return "none (not a market week)"


def _record_close(symbol: str, ctx: Context) -> tuple[date, date, float] | None:
    """The week's first close above every earlier one, the old record's session, and the deepest fall below it between."""
    start, end = ctx.span("week")
    closes, history = ctx.closes.by_symbol[symbol], ctx.closes.history(symbol)
    first, last = bisect.bisect_right(history, start), bisect.bisect_right(history, end)
    if first == 0:
        return None
    old = 0
    for position in range(1, first):
        if closes[history[position]] > closes[history[old]]:
            old = position
    beaten = next((position for position in range(first, last) if closes[history[position]] > closes[history[old]]), None)
    if beaten is None:
        return None
    low = min(closes[history[position]] for position in range(old, beaten + 1))
    return history[beaten], history[old], low / closes[history[old]] - 1


def _check_record_close(claim: dict[str, Any], ctx: Context) -> list[str]:
    """A record close: the session's close above every earlier close, the record it beat, and the deepest fall between."""
    about, text = claim["about"], claim["text"]
    found = _record_close(about["subject"], ctx)
    if found is None:
        return [f'"{text}": {about["subject"]} set no record close in the week to {ctx.as_of}']
    session, previous, depth = found
    if (about.get("session"), about.get("previous")) != (session.isoformat(), previous.isoformat()):
        return [f'"{text}": the record was set on {session}, beating the one of {previous}']
    phrases = ctx.phrasebook.get("date_phrases")
    expected = str(ctx.phrasebook["record_close"]).format(
        day=on_day_phrase(session, ctx.as_of, phrases),
        previous=day_phrase_parts(previous, ctx.as_of, phrases)[1],
        percent=_pct(depth, ctx),
    )
    return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']


def _drawdown_angle(angle: str, symbol: str, ctx: Context) -> list[str]:
    if symbol not in DRAWDOWN_WATCH:
        return [f"{symbol!r} is not a watched fund"]
    thresholds = ctx.settings.thresholds
    end, start = ctx.drawdown(symbol, ctx.as_of), ctx.drawdown(symbol, ctx.span("week")[0])
    holds = {
        "bear": end <= -thresholds.bear_percent / 100 < start,
        "correction": end <= -thresholds.correction_percent / 100 < start,
        "breakout": end == 0 and start <= -thresholds.breakout_from_percent / 100,
    }.get(angle, False)
    return (
        []
        if holds
        else [f"{symbol} did not have a {angle} week (closed {end * 100:+.2f} percent from its high, started {start * 100:+.2f})"]
    )


def _leveraged(ctx: Context) -> list[str]:
    """Leveraged and inverse funds with the week, whose index has it too."""
    return [
        s
        for s, f in ctx.universe.funds.items()
        if f.leverage not in (None, 1) and f.underlying is not None and ctx.has_week(s) and ctx.has_week(f.underlying)
    ]


def _multiple(symbol: str, ctx: Context) -> int:
    """A fund's daily multiple as the metadata gives it (every fund a story compares has one)."""
    factor = ctx.universe[symbol].leverage
    if factor is None:
        raise Unverifiable(f"the metadata gives no daily multiple for {symbol}")
    return factor


def _leveraged_angle(ctx: Context) -> str:
    """The drift of the week (the widest weekly gap to a multiple) against the stray of the month (the widest monthly gap
    of a 3x fund), each left out where the fund or its index fund made a payout in the window."""
    thresholds = ctx.settings.thresholds

    def paid(symbol: str, span: str) -> bool:
        start, end = ctx.span(span)
        pair = (symbol, ctx.universe[symbol].underlying or "")
        return any(ctx.closes.distribution(s, start, end, thresholds.distribution_points) for s in pair)

    funds = _leveraged(ctx)
    drift = [
        ctx.change(s, "week") - _multiple(s, ctx) * ctx.change(ctx.universe[s].underlying or "", "week")
        for s in funds
        if not paid(s, "week")
    ]
    extreme = max((abs(gap) for gap in drift), default=0.0) * 100
    triple = [s for s in funds if abs(_multiple(s, ctx)) == 3]
    stray = 0.0
    for s in triple:
        meta = ctx.universe[s]
        try:
            if not paid(s, "month"):
                stray = max(stray, abs(ctx.change(s, "month") - _multiple(s, ctx) * ctx.change(meta.underlying or "", "month")) * 100)
        except (Unverifiable, KeyError):
            continue
    return "decay" if stray * thresholds.decay_story_weight > extreme * thresholds.leveraged_story_weight else "extremes"


def _check_rank(claim: dict[str, Any], ctx: Context) -> list[str]:
    about = claim["about"]
    key, subject = about["key"], about["subject"]
    if key in {"leveraged_top", "leveraged_bottom"}:
        ranked = sorted(_leveraged(ctx), key=lambda s: -ctx.change(s, "week"))
        truth = ranked[0] if key == "leveraged_top" else ranked[-1]
    elif key == "most_traded":
        traded = {s: figure({"measure": "dollar_volume", "subject": s}, ctx) for s in _leveraged(ctx)}
        truth = max(traded, key=lambda s: traded[s])
    elif key == "ytd_leader":
        with_ytd = {s: ctx.change(s, "ytd") for s in sector_weeks(ctx)}
        truth = max(with_ytd, key=lambda s: with_ytd[s])
    else:
        weeks = sector_weeks(ctx)
        truth = (max if key in {"leader", "best_sector"} else min)(weeks, key=lambda s: weeks[s])
    problems = [] if truth == subject else [f'"{claim["text"]}" is said of {subject}, but it is true of {truth}']
    words = ctx.phrasebook["ranks"][key]
    if isinstance(words, dict) and {"up", "down"} <= set(words):
        problems += angle_problems(about["story"], about["angle"], about, ctx) if "angle" in about else []
        week = ctx.change(subject, "week")
        direction = "flat" if abs(week) < ctx.flat else "up" if week > 0 else "down"
        words = words[direction] if direction in words else words["up" if week > 0 else "down"]
    elif isinstance(words, dict):
        angle = about["angle"]
        problems += angle_problems(about["story"], angle, about, ctx)
        words = words.get(angle, words["other"])
    return problems + ([] if claim["text"] == words else [f'"{claim["text"]}": the phrasebook says "{words}"'])


def _check_word(claim: dict[str, Any], value: float, ctx: Context) -> list[str]:
    about = claim["about"]
    entry = ctx.phrasebook["directions"][about["key"]]
    direction = _direction(value, ctx)
    if direction == "flat" and "flat" not in entry:
        direction = "up" if value > 0 else "down"
    expected = str(entry[direction]).format(points=_points(value), percent=_pct(value, ctx))
    problems = [] if _same(claim["text"], expected) else [f'"{claim["text"]}": recomputed ({value * 100:+.3f}), it reads "{expected}"']
    if "span" in entry and about.get("span") != entry["span"]:
        problems.append(f'"{claim["text"]}" is said of the {entry["span"]}, but the figure is of the {about.get("span")}')
    if "reference" in entry and about.get("reference") != entry["reference"]:
        problems.append(f'"{claim["text"]}" stands for {entry["reference"]}, but the figure is against {about.get("reference")}')
    if about["key"] == "spread":
        weeks = sector_weeks(ctx)
        best, worst = max(weeks, key=lambda s: weeks[s]), min(weeks, key=lambda s: weeks[s])
        if (about["subject"], about.get("reference")) != (best, worst):
            problems.append(f'"{claim["text"]}": the best and the worst are {best} and {worst}')
    return problems


def _check_figure(claim: dict[str, Any], ctx: Context) -> list[str]:
    """A claim whose words follow from one recomputed number."""
    kind, about, text = claim["kind"], claim["about"], claim["text"]
    value = figure(about, ctx)
    if kind == "move":
        return _move_words(text, value, about, ctx)
    if kind == "signed":
        return [] if text == _signed(value, ctx) else [f'"{text}": the recomputed value is {value * 100:+.3f} percent']
    if kind == "percent":
        return [] if text == _pct(value, ctx) else [f'"{text}": the recomputed value is {value * 100:+.3f} percent']
    if kind == "points":
        expected = _points(value)
        return [] if text == expected else [f'"{text}": the recomputed value is {value * 100:+.3f} points']
    if kind == "table_percent":
        return [] if text == f"{value * 100:+.1f}%" else [f'"{text}": the recomputed value is {value * 100:+.3f} percent']
    if kind == "word":
        return _check_word(claim, value, ctx)
    if kind == "subhead":
        key = "subheads_happened_good" if value > 0 else "subheads_happened"
        if text in ctx.phrasebook[key] and about.get("key") == key:
            return []
        return [f'"{text}" is not one of `{key}`, the subheads for a {"gain" if value > 0 else "loss"}']
    if kind == "off_high":
        expected = "at a 52-week high" if value == 0 else f"{_pct(value, ctx)} below its 52-week high"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind == "side":
        long = int(about["average"]) == ctx.settings.definitions.long_average_sessions
        expected = f"{'above' if value > 0 else 'below'} its {about['average']}-day {'moving ' if long else ''}average"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind == "streak":
        words = ctx.phrasebook["numbers"]
        count = str(words[abs(int(value))]) if abs(value) < len(words) else str(abs(int(value)))
        expected = f"{count} straight weekly {'gains' if value > 0 else 'losses'}"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind == "ratio":
        return _check_ratio(text, value, about, ctx)
    if kind == "volatility":
        expected = f"Realized volatility over the past {about['average']} sessions, annualized: {_pct(value, ctx)}"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind in {"traded", "volume", "level"}:
        expected = _trading_words(kind, value, about, ctx)
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind in {"shares", "price", "range_position"}:
        expected = _quote_words(kind, value, about, ctx)
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind == "breadth":
        words = ctx.phrasebook["numbers"]
        members = int(figure({**about, "measure": "members"}, ctx))
        count = str(words[int(value)]) if value < len(words) else str(int(value))
        total = str(words[members]) if members < len(words) else str(members)
        share = f"all {total}" if int(value) == members else f"{count} of the {total}"
        expected = f"{share} sector funds {'fell' if about.get('reference') == 'down' else 'rose'}"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind == "members":
        words = ctx.phrasebook["numbers"]

        def spelled(n: int) -> str:
            return str(words[n]) if n < len(words) else str(n)

        members = int(figure({**about, "measure": "members"}, ctx))
        expected = f"{spelled(int(value))} of the {spelled(members)} sector funds did better"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    return [f'"{text}": no check reads a {kind!r}']


def _quote_words(kind: str, value: float, about: dict[str, Any], ctx: Context) -> str:
    """What a fund page's close, 52-week extreme, place in its range or shares a day should read."""
    if kind == "shares":
        return _dollars(value).removeprefix("$")
    if kind == "range_position":
        return f"{value * 100:.1f}%"
    label = {"range_low": "52-week low ", "range_high": "52-week high "}.get(about["measure"], "")
    return label + ("" if ctx.universe[about["subject"]].kind == "index" else "$") + f"{value:,.2f}"


def _trading_words(kind: str, value: float, about: dict[str, Any], ctx: Context) -> str:
    """What the dollars traded, the pace of volume, or the next level should read, from the recomputed value."""
    thresholds = ctx.settings.thresholds
    usual = about.get("measure") == "daily_dollars" and about.get("average") is not None
    if kind in {"traded", "volume"} and about.get("span") != "week" and not usual:
        raise Unverifiable(f"trading is counted over the article's week, not the {about.get('span')}")
    if kind == "traded":
        return _dollars(value)
    if kind == "volume":
        pace = "heavy" if value >= thresholds.heavy_volume_ratio else "light" if value <= thresholds.light_volume_ratio else "usual"
        if about.get("key") != pace:
            raise Unverifiable(f"the week's trading was {pace}, not {about.get('key')}")
        return str(ctx.phrasebook["volume"][pace]).format(ratio=f"{value:.1f}", average=about["average"])
    if about["reference"] == "average":
        symbol, definitions = about["subject"], ctx.settings.definitions
        overhead = {
            sessions: level
            for sessions in (definitions.short_average_sessions, definitions.long_average_sessions)
            if (level := ctx.closes.average(symbol, ctx.as_of, sessions)) is not None and level > ctx.closes.close(symbol, ctx.as_of)
        }
        nearest = min(overhead, key=overhead.__getitem__) if overhead else None
        if nearest is not None and int(about["average"]) != nearest:
            raise Unverifiable(f"the next average above {symbol}'s close is its {nearest}-day, not its {about['average']}-day")
    line = {"correction": thresholds.correction_percent, "bear": thresholds.bear_percent}.get(about["reference"], 0.0)
    return str(ctx.phrasebook["levels"][about["reference"]]).format(
        average=about.get("average"), percent=_pct(value, ctx), side="above" if value > 0 else "below", line=f"{line:g}"
    )


def _dollars(amount: float) -> str:
    """The desk's way with dollars, written out again: "$310 million", "$2.7 billion"."""
    if amount >= 1e9:
        return f"${amount / 1e9:,.1f} billion"
    if amount >= 1e8:
        return f"${amount / 1e6:,.0f} million"
    return f"${amount / 1e6:,.1f} million" if amount >= 1e6 else f"${round(amount, -3):,.0f}"


def _check_ratio(text: str, value: float, about: dict[str, Any], ctx: Context) -> list[str]:
    """A ratio phrase compares the two funds' years to date (its sentence says "for the year")."""
    if about.get("span") != "ytd":
        return [f'"{text}": a ratio phrase is about the year to date, not the {about.get("span")}']
    subject, reference = ctx.change(about["subject"], "ytd"), ctx.change(about["reference"], "ytd")
    thresholds = ctx.settings.thresholds
    if subject * reference <= 0 or min(abs(subject), abs(reference)) * 100 < thresholds.ratio_min_percent:
        return [f'"{text}": a ratio of {subject * 100:+.2f} and {reference * 100:+.2f} percent is not an honest comparison']
    bracket = next((b for b in ctx.phrasebook["ratios"] if b["min"] <= value < b["max"]), None)
    return [] if bracket and bracket["words"] == text else [f'"{text}": the recomputed ratio is {value:.3f}']


def _check_fund_words(claim: dict[str, Any], ctx: Context) -> list[str]:
    """What the metadata says of a fund: its name and listing, index, sector, multiple ("not known" where it gives none)."""
    kind, subject, text = claim["kind"], claim["about"].get("subject", ""), claim["text"]
    if subject not in ctx.universe.funds:
        return [f'"{text}": {subject!r} is not a fund of the site']
    fund = ctx.universe[subject]
    expected: list[str]
    if kind == "name":
        expected = _mentions(subject, ctx)
    elif kind == "index":
        expected = [fund.index or UNKNOWN]
    elif kind == "sector":
        expected = [str(fund.sector)]
    elif kind == "leverage_label":
        expected = [str(ctx.phrasebook["leverage_labels"].get("unknown" if fund.leverage is None else fund.leverage, "?"))]
    elif fund.leverage is None:
        expected = []
    elif kind == "leverage":
        expected = [str(ctx.phrasebook["leverage_words"].get(fund.leverage, "?"))]
    elif kind == "multiple":
        expected = [str(abs(fund.leverage))]
    else:
        expected = ["Bull" if fund.leverage > 0 else "Bear"]
    return [] if any(_same(text, option) for option in expected) else [f'"{text}" is not how the metadata names {subject}\'s {kind}']


def _check_phrasebook(claim: dict[str, Any], ctx: Context) -> list[str]:
    """Openings, headlines and standing passages: words from the phrasebook whose condition (the angle) holds."""
    about, text = claim["about"], claim["text"]
    if about["measure"] == "standing":
        entry = ctx.phrasebook.get(about["key"])
        options = [" ".join(str(item).split()) for item in (entry if isinstance(entry, list) else [entry])]
        neutral = about["key"] in {
            "subheads_trader",
            "subheads_ahead",
            "context_openers",
            "leveraged_caution",
            "leveraged_caution_short",
            "disclaimer",
            "data_heading",
            "sample_source",
            "universe_source",
        }
        return [] if neutral and " ".join(text.split()) in options else [f'"{text}" is not the phrasebook\'s {about["key"]}']
    story, angle = about["story"], about["angle"]
    prefix = "ledes" if claim["kind"] == "opening" else "headlines"
    options = [str(o) for o in ctx.phrasebook.get(f"{prefix}_{story.replace('-', '_')}_{angle}", [])]
    problems = []
    if prefix == "headlines":
        filled: dict[str, str] = about.get("slots", {})
        allowed = headline_slots(story, about, ctx)
        for slot, words in filled.items():
            if words not in allowed.get(slot, set()):
                problems.append(
                    f'"{text}": its {{{slot}}} "{words}" is not what the week says: {sorted(allowed.get(slot, set())) or "nothing"}'
                )
        options = [o.format(**filled) for o in options if {f for _, f, _, _ in string.Formatter().parse(o) if f} == set(filled)]
    problems += [] if text in options else [f'"{text}" is not one of the phrasebook\'s {prefix} for {story} {angle}']
    return problems + angle_problems(story, angle, about, ctx)


STORY_LEADS = {
    "small-caps": SMALL_CAPS[0],
    "market": MARKET_BENCHMARK,
    "bonds": BONDS[0],
    "havens": HAVENS[0],
    "international": INTERNATIONAL[0],
}
"""The fund each story is led by (the drawdown story's is the claim's subject), whose weekly run a headline may name."""


def headline_slots(story: str, about: dict[str, Any], ctx: Context) -> dict[str, set[str]]:
    """What each headline slot may say of the week, recomputed: the best and worst sector's name, the tag of an event
    of the week, the lead fund's run of weekly gains or losses, the drawdown fund's index, the best and worst
    leveraged fund's side and index, the month of the week's end (the phrasebook's note on headlines defines each)."""
    book, slots = ctx.phrasebook, {}
    if story in {"sectors", "market"}:
        weeks = sector_weeks(ctx)
        slots["leader"], slots["laggard"] = ({str(ctx.universe[pick(weeks, key=weeks.__getitem__)].sector)} for pick in (max, min))
    start, end = ctx.span("week")
    tags = book.get("headline_events", {})
    slots["event"] = {str(tags[e.kind]) for e in ctx.events.values() if start < e.date <= end and e.kind in tags}
    lead = about.get("subject", "") if story == "drawdown" else STORY_LEADS.get(story, "")
    if lead in ctx.universe.funds:
        run, ordinals = int(figure({"measure": "streak", "subject": lead}, ctx)), book["ordinals"]
        if 0 < abs(run) < len(ordinals):
            slots["streak"] = {f"{ordinals[abs(run)]} Straight Weekly {'Gain' if run > 0 else 'Loss'}"}
        if story == "drawdown":
            slots["group"] = {str(book["headline_groups"][ctx.universe[lead].index])}
    if ctx.as_of.day >= HEADLINE_MONTH_MIN_DAY:
        slots["month"] = {f"{ctx.as_of:%B}"}
    if story == "leveraged":
        ranked = sorted(_leveraged(ctx), key=lambda s: -ctx.change(s, "week"))
        side = {s: f"{'Bull' if _multiple(s, ctx) > 0 else 'Bear'} {book['headline_groups'][ctx.universe[s].index]}" for s in ranked}
        slots["top"], slots["bottom"] = {side[ranked[0]]}, {side[ranked[-1]]}
    return slots


def _check_editor(claim: dict[str, Any], ctx: Context) -> list[str]:
    """An editor's words: found, word for word, in the editor's note as it is read and cleaned (not recomputed)."""
    path = Path(claim["about"].get("file", ""))
    if not path.is_file():
        return [f'"{claim["text"][:40]}…": the editor\'s file {path} is missing']
    try:
        note = parse_note(path, path.read_text(encoding="utf-8"))
    except GeneratorError as error:
        return [f'"{claim["text"][:40]}…": {error}']
    wanted = re.findall(r"\w+", claim["text"].lower())
    for field_text in _strings(note.model_dump()):
        words, position = re.findall(r"\w+", field_text.lower()), 0
        for word in wanted:
            position = words.index(word, position) + 1 if word in words[position:] else -1
            if position < 0:
                break
        if position >= 0:
            return []
    return [f'"{claim["text"][:40]}…" is not, word for word, in the editor\'s note {path}']


def _strings(value: object) -> list[str]:
    """Every string in a nested structure (a note's fields, quotes and links)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _check_event(claim: dict[str, Any], ctx: Context) -> list[str]:
    """An event named as context or ahead: a row of the events file, in the week (or, ahead, scheduled in the next days),
    in that row's own words."""
    about, text = claim["about"], claim["text"]
    event = ctx.events.get((about.get("session", ""), about.get("title", "")))
    if event is None:
        return [f'"{text}": no event of the events file is dated {about.get("session")} and titled {about.get("title")!r}']
    day = event.date
    if about.get("role") not in {"week", "ahead"}:
        return [f'"{text}": an event is named as the week\'s context or as ahead, not as {about.get("role")!r}']
    if about.get("role") == "ahead":
        if not (event.scheduled and ctx.as_of < day <= ctx.as_of + timedelta(days=UPCOMING_DAYS)):
            return [f'"{text}": {event.title} on {day} is not a scheduled event of the {UPCOMING_DAYS} days after {ctx.as_of}']
        when = f"{day:%A}, {day:%B} {day.day}"
        expected = str(ctx.phrasebook["upcoming"][event.kind]).format(day=when)
        return [] if text == expected else [f'"{text}": the forward look for {event.title} on {day} reads "{expected}"']
    start, end = ctx.span("week")
    if not start < day <= end:
        return [f'"{text}": {event.title} on {day} is not in the week from the close of {start} to the close of {end}']
    return [] if _same(text, event.phrase) else [f'"{text}" is not the events file\'s phrase for {event.title} on {day}']


def _check_related(claim: dict[str, Any], ctx: Context) -> list[str]:
    """A linked article: no later than this one (a related link: the same week's other pieces, or earlier ones) or the
    page's date (a fund page's list); its headline as that article prints it, where the docs dir holds it."""
    name = Path(claim["about"]["file"]).name
    day = date.fromisoformat(name[:10]) if re.match(r"\d{4}-\d{2}-\d{2}-", name) else None
    if day is None or day > ctx.as_of:
        return [f'"{claim["text"]}": a linked article must be no later than {ctx.as_of}, not {name}']
    post = ctx.docs / "posts" / name if ctx.docs is not None else None
    if post is not None and post.exists():
        front = FRONT.match(post.read_text(encoding="utf-8"))
        if front is None or front_title(front.group(1)) != claim["text"]:
            return [f'"{claim["text"]}" is not the headline of {name}']
    return []


def _check_mover(claim: dict[str, Any], ctx: Context) -> list[str]:
    """A fund's week in a table of the week's best (or worst) funds: its change, and its place among every fund's week
    (a tie may take either place)."""
    about, text = claim["about"], claim["text"]
    value = figure(about, ctx)
    problems = [] if text == f"{value * 100:+.1f}%" else [f'"{text}": the recomputed value is {value * 100:+.3f} percent']
    place, side, weeks = int(about.get("place", 0)), about.get("side"), fund_weeks(ctx).values()
    if side not in {"best", "worst"}:
        return [*problems, f'"{text}": a fund\'s place is among the best or the worst, not {side!r}']
    ahead = sum(week > value if side == "best" else week < value for week in weeks)
    level = sum(week >= value if side == "best" else week <= value for week in weeks)
    if not ahead < place <= level:
        problems.append(f"{about['subject']}'s week ({value * 100:+.3f} percent) is not the {side} number {place} of {len(weeks)}")
    return problems


def _check_movers_intro(claim: dict[str, Any], ctx: Context) -> list[str]:
    """What a table of the week's best and worst funds is of: how many funds had the week."""
    count, words = int(figure(claim["about"], ctx)), ctx.phrasebook["numbers"]
    expected = str(ctx.phrasebook["movers_intro"]).format(count=words[count] if count < len(words) else count)
    return [] if claim["text"] == expected else [f'"{claim["text"]}": recomputed, it reads "{expected}"']


CHECKS: dict[str, Callable[[dict[str, Any], Context], list[str]]] = {
    **dict.fromkeys(("move", "signed", "percent", "points", "table_percent", "word", "subhead", "off_high", "side"), _check_figure),
    "average_name": lambda claim, ctx: _check_average_name(claim, ctx),
    **dict.fromkeys(("streak", "ratio", "members", "volatility", "traded", "volume", "level", "shares", "price"), _check_figure),
    "range_position": _check_figure,
    "mover": _check_mover,
    "movers_intro": _check_movers_intro,
    **dict.fromkeys(("day", "on_day", "longdate", "weekday"), _check_date),
    "breadth": _check_figure,
    **dict.fromkeys(("name", "index", "sector", "leverage", "multiple", "bull_bear", "leverage_label"), _check_fund_words),
    **dict.fromkeys(("opening", "headline", "standing"), _check_phrasebook),
    "superlative": _check_superlative,
    "record_close": _check_record_close,
    "record_week": _check_record_week,
    "crossed": lambda claim, ctx: _check_crossed(claim, ctx),
    "crossed_times": lambda claim, ctx: _check_crossings(claim, ctx),
    "crossed_since": lambda claim, ctx: _check_crossed_since(claim, ctx),
    "line_crossed": lambda claim, ctx: _check_line_crossed(claim, ctx),
    "allocation": lambda claim, ctx: _check_allocation(claim, ctx),
    "pair": _check_pair,
    "rank": _check_rank,
    **dict.fromkeys(("event", "upcoming"), _check_event),
    "editor": _check_editor,
    "related": _check_related,
    "flow": lambda claim, ctx: [] if claim["about"].get("source") else [f'"{claim["text"]}" names no source'],
    "money": lambda claim, ctx: [] if claim["about"].get("source") else [f'"{claim["text"]}" names no source'],
    "gate_reason": lambda claim, ctx: [],
}
"""How each kind of claim is read against the prices (or, for an editor's words, against the editor's file)."""


def _check_average_name(claim: dict[str, Any], ctx: Context) -> list[str]:
    """ "200-day moving average": one of the site's two averages, named as the articles name it."""
    definitions = ctx.settings.definitions
    names = {definitions.short_average_sessions: "average", definitions.long_average_sessions: "moving average"}
    average = int(claim["about"].get("average", 0))
    if average not in names:
        return [f'"{claim["text"]}": the site has no {average}-session average']
    expected = f"{average}-day {names[average]}"
    return [] if claim["text"] == expected else [f'"{claim["text"]}": it is written "{expected}"']


def _check_crossings(claim: dict[str, Any], ctx: Context) -> list[str]:
    """A roll-up of a week's crossings of one average: how many, counted again, and the side the week ended on."""
    about = claim["about"]
    symbol, average = about["subject"], int(about["average"])
    start, end = ctx.span("week")
    count = 0
    for day in ctx.closes.sessions[ctx.closes.position[start] + 1 : ctx.closes.position[end] + 1]:
        sides = []
        for d in (ctx.closes.previous(day), day):
            mean = ctx.closes.average(symbol, d, average)
            sides.append(None if mean is None else ctx.closes.close(symbol, d) > mean)
        count += sides[0] is not None and sides[1] is not None and sides[0] != sides[1]
    mean = ctx.closes.average(symbol, end, average)
    if mean is None:
        return [f"{symbol} has no {average}-session average on {end}"]
    words = ctx.phrasebook["numbers"]
    spelled = "twice" if count == 2 else f"{words[count] if count < len(words) else count} times"
    side = "above" if ctx.closes.close(symbol, end) > mean else "below"
    expected = f"crossed its {average}-day moving average {spelled} this week, ending {side} it"
    return [] if claim["text"] == expected and count == about.get("count") else [f'"{claim["text"]}": recounted, it is "{expected}"']


def _check_crossed(claim: dict[str, Any], ctx: Context) -> list[str]:
    about = claim["about"]
    words = ctx.phrasebook["directions"][about["key"]]["down" if about["direction"] == "below" else "up"]
    expected = [f"{verb} its {about['average']}-day moving average" for verb in (words if isinstance(words, list) else [words])]
    problems = [] if claim["text"] in expected else [f'"{claim["text"]}": a crossing {about["direction"]} reads "{expected[0]}"']
    return problems + _crossing_truth(about, ctx)


def _check_allocation(claim: dict[str, Any], ctx: Context) -> list[str]:
    """ "puts 28.1 percent of its stock holdings in technology, and its largest holding ...": read back from the newest
    holdings snapshot on or before the article's date; the sector and the holding must be that snapshot's largest."""
    about, holdings = claim["about"], ctx.holdings
    own = holdings.loc[(holdings["symbol"] == about["subject"]) & (holdings["date"] <= pd.Timestamp(ctx.as_of))]
    if own.empty:
        return [f'"{claim["text"]}": no holdings snapshot of {about["subject"]} up to {ctx.as_of}']
    day = pd.Timestamp(own["date"].max())
    newest = own.loc[own["date"] == day]
    if about.get("session") != day.date().isoformat():
        return [f'"{claim["text"]}": the newest snapshot of {about["subject"]} up to {ctx.as_of} is of {day.date()}']
    sectors, top = (newest.loc[newest["kind"] == kind].sort_values("weight", ascending=False) for kind in ("sector", "holding"))
    if sectors.empty:
        return [f'"{claim["text"]}": the snapshot of {day.date()} has no sector weights']
    sector = sectors.iloc[0]
    expected = f"puts {_pct(float(sector['weight']), ctx)} of its stock holdings in {sector['name']}"
    if not top.empty:
        holding = top.iloc[0]
        expected += f", and its largest holding, {holding['name']}, makes up {_pct(float(holding['weight']), ctx)} of the fund"
    expected += f", according to {HOLDINGS_SOURCE}'s snapshot of {day:%B} {day.day}, {day.year}"
    return [] if claim["text"] == expected else [f'"{claim["text"]}": the snapshot of {day.date()} reads "{expected}"']


def _check_line_crossed(claim: dict[str, Any], ctx: Context) -> list[str]:
    """ "That put it in a correction ...": the story's angle recomputed (the market's, or the drawdown fund's), the line it
    crossed (the shallowest one a recovery left), and the phrasebook's words for it with the line's depth."""
    about, thresholds = claim["about"], ctx.settings.thresholds
    lines = {"correction": thresholds.correction_percent, "bear": thresholds.bear_percent}
    if about.get("story") == "drawdown":
        symbol, angle = str(about.get("subject", "")), str(about.get("angle"))
        wrong = _drawdown_angle(angle, symbol, ctx)
        if wrong:
            return wrong
    else:
        symbol, angle = MARKET_BENCHMARK, _market_angle(ctx)
    end, start = ctx.drawdown(symbol, ctx.as_of), ctx.drawdown(symbol, ctx.span("week")[0])
    if angle in lines:
        line = angle
    elif angle == "recovery":
        line = next(name for name, depth in lines.items() if start <= -depth / 100 < end)
    else:
        return [f'"{claim["text"]}": the week crossed no line below the high ({angle})']
    direction = "out" if angle == "recovery" else "in"
    expected = str(ctx.phrasebook["line_crossed"][f"{direction}_{line}"]).format(line=f"{lines[line]:g}")
    agrees = (about.get("angle"), about.get("line")) == (angle, line)
    problems = [] if agrees else [f"the week's {about.get('story')} angle is {angle} across the {line} line"]
    return problems + ([] if claim["text"] == expected else [f'"{claim["text"]}": recomputed, it reads "{expected}"'])


def _last_on_side(about: dict[str, Any], ctx: Context) -> date | None:
    """The last session before a crossing whose close was already on the side it crossed to (None: never)."""
    symbol, session, average = about["subject"], date.fromisoformat(about["session"]), int(about["average"])
    above, c = about["direction"] == "above", ctx.closes
    for day in reversed(c.sessions[: c.position[session]]):
        mean = c.average(symbol, day, average) if c.has(symbol, day) else None
        if mean is not None and (c.close(symbol, day) > mean if above else c.close(symbol, day) < mean):
            return day
    return None


def _check_crossed_since(claim: dict[str, Any], ctx: Context) -> list[str]:
    """ "its first close above the line since March 2020": the crossing happened, no close since then was on that side, that
    one was, and it lies at least `crossing_since_min_sessions` sessions back."""
    about = claim["about"]
    symbol, session, average = about["subject"], date.fromisoformat(about["session"]), int(about["average"])
    c = ctx.closes
    since = _last_on_side(about, ctx)
    problems = _crossing_truth(about, ctx)
    if since is None:
        return [*problems, f"{symbol} never closed {about['direction']} its {average}-day average before {session}"]
    if about.get("since") != since.isoformat():
        problems.append(f"{symbol}'s last close {about['direction']} its {average}-day average was on {since}, not {about.get('since')}")
    if c.position[session] - c.position[since] < ctx.settings.thresholds.crossing_since_min_sessions:
        problems.append(f"{symbol}'s last close {about['direction']} its {average}-day average, on {since}, is too recent to be news")
    phrase = day_phrase_parts(since, ctx.as_of, ctx.phrasebook.get("date_phrases"))[1]
    expected = f"its first close {about['direction']} the line since {phrase}"
    return problems + ([] if claim["text"] == expected else [f'"{claim["text"]}": recomputed from the closes it is "{expected}"'])


MEASURES: dict[str, frozenset[str]] = {
    kind: frozenset(measures.split())
    for kind, measures in {
        "move": "change day_move",
        "signed": "change multiple",
        "percent": "change drawdown drawdown_start gap",
        "points": "gap tracking",
        "table_percent": "change trailing versus_average",
        "mover": "change",
        "movers_intro": "funds_with_week",
        "word": "change gap tracking",
        "subhead": "change",
        "off_high": "drawdown drawdown_start",
        "side": "versus_average",
        "streak": "streak",
        "ratio": "ratio",
        "members": "beat",
        "breadth": "breadth",
        "volatility": "volatility",
        "traded": "dollar_volume daily_dollars",
        "shares": "daily_volume",
        "price": "close range_low range_high",
        "range_position": "range_position",
        "volume": "volume_ratio",
        "level": "distance",
        "pair": "change",
        "day": "date crossing day_move",
        "on_day": "date crossing day_move",
        "longdate": "date trailing",
        "weekday": "date",
        "average_name": "average",
        "name": "name",
        "index": "index",
        "sector": "sector",
        "leverage": "factor",
        "multiple": "factor",
        "bull_bear": "factor",
        "leverage_label": "factor",
        "opening": "angle",
        "rank": "rank",
        "headline": "angle editor",
        "standing": "standing",
        "superlative": "day_move",
        "record_close": "record_close",
        "record_week": "record_week",
        "crossed": "crossing",
        "crossed_times": "crossings",
        "crossed_since": "crossing",
        "line_crossed": "angle",
        "allocation": "allocation",
        "editor": "editor",
        "related": "post",
        "flow": "supplied",
        "money": "supplied",
        "gate_reason": "gate",
        "event": "event",
        "upcoming": "event",
    }.items()
}
"""What each kind of claim can be about: a ledger that pairs words with a measure they cannot express is refused."""


def check_claim(claim: dict[str, Any], ctx: Context) -> list[str]:
    kind, about = claim.get("kind", ""), claim.get("about")
    check = CHECKS.get(kind)
    if check is None or not isinstance(about, dict):
        return [f'"{claim.get("text")}": no check reads a claim of kind {kind!r}']
    measure = about.get("measure")
    if measure not in MEASURES.get(kind, frozenset()):
        return [f'"{claim.get("text")}": words of kind {kind!r} cannot say anything of a {measure!r}']
    if measure == "editor":
        return _check_editor(claim, ctx)
    try:
        return check(claim, ctx)
    except Unverifiable as error:
        return [f'"{claim["text"]}": {error}']
    except (KeyError, ValueError, TypeError, ZeroDivisionError, IndexError) as error:
        return [f'"{claim["text"]}": the claim\'s reference cannot be read ({type(error).__name__}: {error})']
