"""Mutation operators that measure the fact check: each turns a built article into false ones, by rule.

An operator takes a built article (its Markdown, its claims ledger as opaque JSON, the chart files
it embeds, and what the prices say about its week) and yields every mutant of its class, or a
bounded, deterministic sample. `measure` runs them through the fact check and counts, per class,
how many it caught. Every class but `whitespace` must be caught; `whitespace` is the negative
control, a change no reader sees, and must pass.

Mutants that leave the text unchanged are dropped, and so are mutants that may be true by
accident; each operator's docstring says what it skips and why. The checks are deliberately
coarse (they skip a mutant whenever it might be true), so that a mutant the fact check lets
through is a gap in the fact check, not a true sentence.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from generator.config import LISTING_PREFIX, ROOT, Settings
from generator.events import EVENTS_FILE
from generator.universe import Universe
from generator.verify import Closes, verify_article, verify_folder
from generator.verify.prices import read_events_file

# --- the article and its mutants -------------------------------------------------------------------


@dataclass(frozen=True)
class WeekTruth:
    """What the prices say about one calendar week: enough to tell a mutant that might be true."""

    sessions: list[date]
    """Every session of the prices, for "the previous session"."""
    changes: dict[str, float]
    """Each fund's change from the last close of the previous week to the last close of this one."""
    record_highs: set[str]
    """Funds with a close this week at least as high as every earlier close."""
    below_long_average: set[str]
    """Funds that closed below their 200-session average on some session of this week."""
    in_bear_market: set[str]
    """Funds with a close this week 20 percent or more below their highest close of the year before."""
    sides: dict[str, dict[int, str]]
    """Fund -> average (50, 200 sessions) -> "above" or "below": where the week's last close stands."""
    crossings: dict[str, set[int]]
    """Fund -> the averages its close crossed during the week."""


AVERAGES = (50, 200)
"""The moving averages the articles name, in sessions."""


class PriceTruth:
    """The weeks' truths from a tidy price table, computed once for every week."""

    def __init__(self, tidy: pd.DataFrame) -> None:
        close = tidy.pivot(index="session", columns="symbol", values="close").sort_index()
        self.close = close
        self.sessions = [day.date() for day in close.index]
        self.averages = {sessions: close.rolling(sessions, min_periods=sessions).mean() for sessions in AVERAGES}
        self.year_high = close.rolling("365D").max()
        self.earlier_high = close.cummax().shift(1)

    def week(self, end: date) -> WeekTruth:
        monday = end - timedelta(days=end.weekday())
        index = self.close.index
        before = index[index < pd.Timestamp(monday)]
        start = before[-1] if len(before) else index[0]
        days = index[(index > start) & (index <= pd.Timestamp(end))]
        closes = self.close.loc[days]
        change = self.close.loc[pd.Timestamp(end)] / self.close.loc[start] - 1
        return WeekTruth(
            sessions=self.sessions,
            changes={str(symbol): float(value) for symbol, value in change.dropna().items()},
            record_highs=_columns_where(closes >= self.earlier_high.loc[days]),
            below_long_average=_columns_where(closes < self.averages[200].loc[days]),
            in_bear_market=_columns_where(closes <= 0.8 * self.year_high.loc[days]),
            sides=self._sides(pd.Timestamp(end)),
            crossings=self._crossings(days.insert(0, start)),
        )

    def _sides(self, end: pd.Timestamp) -> dict[str, dict[int, str]]:
        sides: dict[str, dict[int, str]] = {}
        for sessions, average in self.averages.items():
            for symbol, above in (self.close.loc[end] - average.loc[end]).astype(float).dropna().gt(0).items():
                sides.setdefault(str(symbol), {})[sessions] = "above" if above else "below"
        return sides

    def _crossings(self, days: pd.DatetimeIndex) -> dict[str, set[int]]:
        crossings: dict[str, set[int]] = {}
        for sessions, average in self.averages.items():
            gaps = self.close.loc[days] - average.loc[days]
            above, known = gaps > 0, gaps.notna()
            flipped = (above != above.shift()) & known & known.shift(fill_value=False)
            for symbol in flipped.columns[flipped.any()]:
                crossings.setdefault(str(symbol), set()).add(sessions)
        return crossings


def _columns_where(frame: pd.DataFrame) -> set[str]:
    return {str(symbol) for symbol, hit in frame.any().items() if hit}


@dataclass(frozen=True)
class BuiltArticle:
    post: str
    """Its file name in posts/."""
    week: date
    story: str
    """From its ledger's file name (`<story>.claims.json`), so nothing depends on the ledger's fields."""
    markdown: str
    ledger: dict[str, Any]
    ledger_file: str
    charts: dict[str, str]
    """The chart data and specs the article embeds: file name in its week folder -> text."""
    truth: WeekTruth
    docs: Path | None = None
    """The docs dir it was read from; None for an article held only in memory (no chart mutants then)."""


@dataclass(frozen=True)
class Mutant:
    kind: str
    description: str
    markdown: str
    ledger: dict[str, Any]
    charts: dict[str, str]


@dataclass(frozen=True)
class Archive:
    """What the operators read besides the article: fund facts, wording, thresholds and each week's stories."""

    universe: Universe
    phrasebook: dict[str, Any]
    settings: Settings
    angles: dict[date, dict[str, str]]
    """Week -> story -> angle (`small_caps_outrun`), read from each article's opening or headline."""
    shared_wording: frozenset[str]
    """Phrasebook wording listed under more than one key ("Under The Hood" heads a good week and a bad one): it holds
    whichever the data picks."""

    @classmethod
    def of(cls, articles: Iterable[BuiltArticle], universe: Universe, phrasebook: dict[str, Any], settings: Settings) -> Archive:
        angles: dict[date, dict[str, str]] = {}
        for article in articles:
            angle = angle_of(article.markdown, article.story, phrasebook)
            if angle is not None:
                angles.setdefault(article.week, {})[article.story] = angle
        keys: dict[str, set[str]] = {}
        for key, words in phrasebook.items():
            for word in words if isinstance(words, list) else ():
                keys.setdefault(str(word), set()).add(key)
        return cls(universe, phrasebook, settings, angles, frozenset(word for word, where in keys.items() if len(where) > 1))

    def can_print(self, entry: str, words: str) -> bool:
        """Whether the phrasebook entry named `entry` (at the top or one level down, `directions: versus_fund:`) can print
        `words`, its placeholders ("{points}") standing for anything."""
        found = [self.phrasebook.get(entry), *(v.get(entry) for v in self.phrasebook.values() if isinstance(v, dict))]
        options = [o for e in found for o in (e.values() if isinstance(e, dict) else e if isinstance(e, list) else [e]) if o]
        return any(re.fullmatch(re.sub(r"\\\{\w+\\\}", ".+", re.escape(str(option))), words) for option in options)

    def printed_alike(self, truth: WeekTruth, first: str, second: str) -> bool:
        """Whether two funds' weekly changes print the same (one decimal, or both basically flat)."""
        if first not in truth.changes or second not in truth.changes:
            return False
        return self.printed(truth.changes[first]) == self.printed(truth.changes[second])

    def printed(self, change: float) -> str:
        return "flat" if abs(change) * 100 < self.settings.thresholds.flat_percent else f"{change * 100:+.1f}"


def load_articles(docs: Path, truth: PriceTruth, weeks: set[date] | None = None) -> list[BuiltArticle]:
    """The built articles of a docs dir (only those of `weeks`), each with the ledger and chart files it links to."""
    articles = []
    for post in sorted((docs / "posts").glob("*.md")):
        markdown = post.read_text(encoding="utf-8")
        found = LEDGER_LINK.search(markdown)
        if found is None:
            continue
        week = date.fromisoformat(found["week"])
        if weeks is not None and week not in weeks:
            continue
        folder = docs / "weeks" / found["week"]
        charts = sorted(set(re.findall(rf"weeks/{found['week']}/([\w.-]+\.(?:csv|vl\.json))", markdown)))
        articles.append(
            BuiltArticle(
                post=post.name,
                week=week,
                story=found["file"].removesuffix(".claims.json"),
                markdown=markdown,
                ledger=json.loads((folder / found["file"]).read_text(encoding="utf-8")),
                ledger_file=found["file"],
                charts={name: (folder / name).read_text(encoding="utf-8") for name in charts},
                truth=truth.week(week),
                docs=docs,
            )
        )
    return articles


LEDGER_LINK = re.compile(r"weeks/(?P<week>\d{4}-\d{2}-\d{2})/(?P<file>[\w.-]+\.claims\.json)")
"""An article links to its claims ledger ("Data Behind This Article")."""


def _mutant(
    article: BuiltArticle, kind: str, description: str, markdown: str | None = None, charts: dict[str, str] | None = None
) -> Mutant | None:
    """A mutant of the text or the charts, or None when it leaves the article byte-identical."""
    mutant = Mutant(kind, description, article.markdown if markdown is None else markdown, article.ledger, charts or article.charts)
    if (mutant.markdown, mutant.ledger, mutant.charts) == (article.markdown, article.ledger, article.charts):
        return None
    return mutant


def _splice(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _cased(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 30) : end + 30].split())


def _evenly(items: list[Any], count: int) -> list[Any]:
    """At most `count` items spread evenly over the list, first and last included."""
    if len(items) <= count:
        return items
    step = (len(items) - 1) / (count - 1) if count > 1 else 0
    return [items[round(i * step)] for i in range(count)]


# --- where the article reports ---------------------------------------------------------------------

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
DATA_SECTION = re.compile(r"^## Data Behind This Article", re.MULTILINE)
LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
MENTION = re.compile(
    r"\[(?P<text>(?P<the>[Tt]he )?(?P<name>[^\]]*?) \((?:(?P<prefix>[A-Z]+):)?(?P<symbol>[A-Z0-9.^-]+)\))\]\((?P<target>[^)]*)\)"
)
"""A fund's first mention: `[the iShares Russell 2000 ETF (NYSE:IWM)](../funds/iwm.md)`."""
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


class Prose:
    """The characters of the article's report a mutation may touch.

    Left out: the front matter, the data section and what follows it, chart figures, comments,
    links (a first mention's text is the fund's name, a related link's text another article's
    headline), blockquotes (an editor's quotes), table header rows, and, with `names`, every fund
    and index name.
    """

    def __init__(self, markdown: str, names: Iterable[str] = ()) -> None:
        self.text = markdown
        self.allowed = bytearray(b"\x01" * len(markdown))
        start, end = _report(markdown)
        self._block(0, start)
        self._block(end, len(markdown))
        blocked = [r"<figure.*?</figure>", r"<!--.*?-->", LINK.pattern, r"^>.*$", r"^\|.*\n\|[ :|-]+\|$"]
        blocked += [re.escape(name) for name in sorted(names, key=len, reverse=True)]
        for pattern in blocked:
            for match in re.finditer(pattern, markdown, flags=re.DOTALL | re.MULTILINE):
                self._block(match.start(), match.end())

    def _block(self, start: int, end: int) -> None:
        self.allowed[start:end] = b"\x00" * (end - start)

    def matches(self, pattern: str, flags: int = 0) -> Iterator[re.Match[str]]:
        for match in re.finditer(pattern, self.text, flags):
            if all(self.allowed[match.start() : match.end()]):
                yield match

    def sentence(self, position: int) -> tuple[int, int]:
        """The bounds of the sentence (or table row) around a position."""
        start = max(self.text.rfind("\n", 0, position), *(m.end() - 1 for m in re.finditer(r"[.!?]\s", self.text[:position])), -1) + 1
        ending = re.compile(r"[.!?](?=\s|$)|\n").search(self.text, position)
        return start, ending.end() if ending else len(self.text)

    def paragraphs(self) -> list[tuple[int, int]]:
        """Prose paragraphs (not tables, lists, headings or HTML) that end with a full stop."""
        found = []
        for match in re.finditer(r"(?:^[^\n]+\n)+", self.text, re.MULTILINE):
            start, end = match.start(), match.end() - 1
            if self.text[start] not in "<|#->*!" and self.allowed[start] and self.allowed[end - 1] and self.text[end - 1] == ".":
                found.append((start, end))
        return found


def _names(universe: Universe) -> list[str]:
    return sorted({fund.name for fund in universe.funds.values()} | {fund.index for fund in universe.funds.values()})


def _report(text: str) -> tuple[int, int]:
    """Where the report runs: from the end of the front matter to the data section."""
    front, data = FRONT_MATTER.match(text), DATA_SECTION.search(text)
    return front.end() if front else 0, data.start() if data else len(text)


TICKER_WORD = r"(?<![\w^])[A-Z][A-Z0-9]{1,4}(?![\w])"
"""A word that may be a ticker: IWM, IWM's, (NYSE:IWM); the universe decides."""


def _tickers(article: BuiltArticle, universe: Universe) -> list[str]:
    """The funds the article names, in order of first mention."""
    start, end = _report(article.markdown)
    found = re.findall(TICKER_WORD, article.markdown[start:end])
    return list(dict.fromkeys(symbol for symbol in found if symbol in universe and universe[symbol].kind == "etf"))


def _alternatives(symbol: str, article: BuiltArticle, archive: Archive) -> list[str]:
    """Other funds to name instead: those the article names, then those of the same category, none printing the same week."""
    universe = archive.universe
    same_category = [s for s, fund in universe.funds.items() if fund.category == universe[symbol].category and fund.kind == "etf"]
    return [
        other
        for other in dict.fromkeys([*_tickers(article, universe), *same_category])
        if other != symbol and not archive.printed_alike(article.truth, symbol, other)
    ]


# --- subject ---------------------------------------------------------------------------------------

SUBJECT_CHOICES = 2
"""Funds tried in place of each ticker."""


def subject(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """Another fund named: a ticker in the prose or a table (a comparison's reference included), a whole first mention,
    or two table rows exchanged.

    Skipped: a fund whose weekly change prints the same as the one it replaces, and two rows whose
    figures are the same (the swap would still be true).
    """
    universe, text = archive.universe, article.markdown
    prose = Prose(text, _names(universe))
    for match in prose.matches(TICKER_WORD):
        if match.group() not in universe or universe[match.group()].kind != "etf":
            continue
        for other in _alternatives(match.group(), article, archive)[:SUBJECT_CHOICES]:
            yield from _some(
                _mutant(
                    article,
                    "subject",
                    f"{match.group()} -> {other} in '{_context(text, match.start(), match.end())}'",
                    _splice(text, match.start(), match.end(), other),
                )
            )
    for mention in MENTION.finditer(text, *_report(text)):
        symbol = mention["symbol"]
        if symbol not in universe:
            continue
        for other in _alternatives(symbol, article, archive)[:SUBJECT_CHOICES]:
            words = universe[other].first_mention(archive.settings.style)
            link = f"[{_cased(words, mention['text'])}]({mention['target'].replace(symbol.lower().lstrip('^'), other.lower())})"
            yield from _some(
                _mutant(article, "subject", f"first mention of {symbol} -> {other}", _splice(text, mention.start(), mention.end(), link))
            )
    for first, second in _adjacent_rows(text):
        rows = [text[first[0] : first[1]], text[second[0] : second[1]]]
        if re.findall(r"[+-]?\d+\.\d%", rows[0]) == re.findall(r"[+-]?\d+\.\d%", rows[1]):
            continue
        swapped = text[: first[0]] + rows[1] + text[first[1] : second[0]] + rows[0] + text[second[1] :]
        yield from _some(
            _mutant(
                article, "subject", f"table rows exchanged: {rows[0].split('|')[1].strip()} and {rows[1].split('|')[1].strip()}", swapped
            )
        )


def _some(mutant: Mutant | None) -> Iterator[Mutant]:
    if mutant is not None:
        yield mutant


def _adjacent_rows(text: str) -> Iterator[tuple[tuple[int, int], tuple[int, int]]]:
    """Each pair of neighbouring body rows of every Markdown table above the data section."""
    prose = Prose(text)
    for table in re.finditer(r"^\|.*\n\|[ :|-]+\|\n((?:\|.*\n)+)", text, re.MULTILINE):
        if not prose.allowed[table.start(1)]:
            continue
        rows = [(m.start(), m.end()) for m in re.finditer(r"^\|.*$", table.group(1), re.MULTILINE)]
        offset = table.start(1)
        for (a, b), (c, d) in itertools.pairwise(rows):
            yield (offset + a, offset + b), (offset + c, offset + d)


# --- direction -------------------------------------------------------------------------------------

DIRECTION_FLIPS = (
    ("gained", "lost"),
    ("rose", "fell"),
    ("added", "shed"),
    ("climbed", "slipped"),
    ("is up", "is down"),
    ("are up", "are down"),
    ("was up", "was down"),
    ("be up", "be down"),
    ("been up", "been down"),
    ("both up", "both down"),
    ("above", "below"),
    ("clipped", "reclaimed"),
    ("better", "worse"),
    ("ahead of", "short of"),
    ("ahead of", "behind"),
    ("gain", "drop"),
    ("gain", "loss"),
    ("gains", "losses"),
    ("led", "lagged"),
    ("leading", "trailing"),
    ("best", "worst"),
    ("bull", "bear"),
    ("outpaced", "trailed"),
    ("higher", "lower"),
)
"""Words and their opposites; the phrasebook's verbs (`verbs_up[i]` against `verbs_down[i]`, and the big ones) are added."""


def direction_flips(phrasebook: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = list(DIRECTION_FLIPS)
    for size in ("", "_big"):
        pairs += list(zip(phrasebook[f"verbs_up{size}"], phrasebook[f"verbs_down{size}"], strict=False))
    return [(a, b) for pair in pairs for a, b in (pair, pair[::-1])]


def direction(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """A direction or comparison word flipped, outside fund names, quotes and headers.

    Skipped: a word joined to its own opposite by "and" or "or" ("between the best and the worst"):
    flipping one side leaves a sentence that says nothing false.
    """
    text = article.markdown
    prose = Prose(text, _names(archive.universe))
    for word, opposite in direction_flips(archive.phrasebook):
        pattern = r"\b" + re.escape(word).replace(r"\ ", r"\s+") + r"\b"
        for match in prose.matches(pattern, re.IGNORECASE):
            if match.group() not in {word, _cased(word, "A")}:
                continue
            start, end = prose.sentence(match.start())
            sentence = text[start:end]
            joined = rf"\b{word}\W+(?:and|or)\W+(?:the\s+)?{opposite}\b|\b{opposite}\W+(?:and|or)\W+(?:the\s+)?{word}\b"
            if re.search(joined, sentence, re.IGNORECASE):
                continue
            yield from _some(
                _mutant(
                    article,
                    "direction",
                    f"{match.group()} -> {opposite} in '{_context(text, match.start(), match.end())}'",
                    _splice(text, match.start(), match.end(), _cased(opposite, match.group())),
                )
            )


# --- average ---------------------------------------------------------------------------------------


def average(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """The 50-day average named for the 200-day one, or the reverse; in a sentence naming both, the two exchanged.

    Skipped when the swapped sentence may still be true of its fund (named in it, else the last one
    named before it): a sentence on where the fund "ends the week" when it ends on the same side of
    both averages; any other sentence (a crossing) when the fund crossed the other average that week too.
    """
    text = article.markdown
    prose = Prose(text, _names(archive.universe))
    for match in prose.matches(r"\b(50|200)-day\b"):
        this = int(match.group(1))
        other = 200 if this == 50 else 50
        start, end = prose.sentence(match.start())
        sentence = text[start:end]
        both = f"{other}-day" in sentence
        if both and match.group(1) == "200":
            continue
        standing = re.search(r"\bends the week\b", sentence) is not None
        if any(_may_hold(article.truth, symbol, standing, this, other) for symbol in _subjects(article, archive, start, end)):
            continue
        if both:
            exchanged = re.sub(r"\b(50|200)-day\b", lambda m: f"{250 - int(m.group(1))}-day", sentence)
            mutated, change = _splice(text, start, end, exchanged), "50-day and 200-day exchanged"
        else:
            mutated, change = _splice(text, match.start(1), match.end(1), str(other)), f"{match.group()} -> {other}-day"
        yield from _some(_mutant(article, "average", f"{change} in '{_context(text, match.start(), match.end())}'", mutated))


def _may_hold(truth: WeekTruth, symbol: str, standing: bool, this: int, other: int) -> bool:
    """Whether a sentence about one average may be true of the other: the same side at the week's end, or a crossing of both."""
    if standing:
        sides = truth.sides.get(symbol, {})
        return sides.get(this) is None or sides.get(other) in {None, sides[this]}
    return other in truth.crossings.get(symbol, set())


def _subjects(article: BuiltArticle, archive: Archive, start: int, end: int) -> list[str]:
    """The funds a sentence is about: those it names, else the last one named before it."""
    named = [s for s in re.findall(TICKER_WORD, article.markdown[start:end]) if s in archive.universe]
    before = [s for s in re.findall(TICKER_WORD, article.markdown[:start]) if s in archive.universe]
    return named or before[-1:]


# --- count -----------------------------------------------------------------------------------------

COUNT_OFFSETS = (1, -1, 3)


def count(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """A spelled number or a small whole number off by one or three: "five straight weekly losses" -> six, four, eight.

    Left alone: numbers in fund names, dates, decimals, percentages, the fixed "50-day" or "52-week", and the
    opening sentence, whose wording holds no figure ("one of the market's major stock ETFs", "Gold went
    one way"): the `lede` class replaces it whole.
    """
    text = article.markdown
    words = [str(word) for word in archive.phrasebook["numbers"]]
    prose = Prose(text, _names(archive.universe))
    spelled = rf"\b(?:{'|'.join(words)})\b"
    digits = r"(?<![\w.,$+/:-])\d{1,2}(?![\w.,%+]|-(?:day|week|month|year)| percent)"
    opening = _first_sentence(text)[1]
    for match in [*prose.matches(spelled, re.IGNORECASE), *prose.matches(digits)]:
        printed = match.group()
        if match.start() < opening:
            continue
        if printed.isdigit() and re.search(rf"(?:{MONTHS}) $", text[: match.start()]):
            continue
        if not printed.isdigit() and printed not in {printed.lower(), printed.capitalize()}:
            continue
        value = int(printed) if printed.isdigit() else words.index(printed.lower())
        for offset in COUNT_OFFSETS:
            new = value + offset
            if new < 0:
                continue
            written = _cased(words[new], printed) if not printed.isdigit() and new < len(words) else str(new)
            yield from _some(
                _mutant(
                    article,
                    "count",
                    f"{printed} -> {written} in '{_context(text, match.start(), match.end())}'",
                    _splice(text, match.start(), match.end(), written),
                )
            )


# --- figure ----------------------------------------------------------------------------------------

FIGURE_STEPS = (Decimal("0.1"), Decimal("-0.1"), Decimal("1.0"), Decimal("-1.0"))


def figure(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """A printed percentage (or percentage points) moved by 0.1 or 1.0 either way, its sign kept: the control.

    Skipped: a step that would take it below zero.
    """
    text = article.markdown
    prose = Prose(text, _names(archive.universe))
    for match in prose.matches(r"(?<![\d.])\d+\.\d+(?=%| percent)"):
        for step in FIGURE_STEPS:
            new = Decimal(match.group()) + step
            if new < 0:
                continue
            written = f"{new:.{len(match.group().split('.')[1])}f}"
            yield from _some(
                _mutant(
                    article,
                    "figure",
                    f"{match.group()} -> {written} in '{_context(text, match.start(), match.end())}'",
                    _splice(text, match.start(), match.end(), written),
                )
            )


# --- headline and lede -----------------------------------------------------------------------------

CONTRADICTED = {
    "small_caps_outrun": ("small_caps_lag_rally", "small_caps_slide"),
    "small_caps_hold_up": ("small_caps_lag_rally", "small_caps_slide"),
    "small_caps_lag_rally": ("small_caps_outrun", "small_caps_hold_up"),
    "small_caps_slide": ("small_caps_outrun", "small_caps_hold_up"),
    "small_caps_breakdown": ("small_caps_reclaim",),
    "small_caps_reclaim": ("small_caps_breakdown",),
    "sectors_broad_rally": ("sectors_broad_selloff",),
    "sectors_broad_selloff": ("sectors_broad_rally",),
    "drawdown_bear": ("drawdown_breakout",),
    "drawdown_correction": ("drawdown_breakout",),
    "drawdown_breakout": ("drawdown_bear", "drawdown_correction"),
    "bonds_bonds_win": ("bonds_stocks_win",),
    "bonds_stocks_win": ("bonds_bonds_win",),
    "havens_haven_bid": ("havens_gold_fades",),
    "havens_gold_shines": ("havens_gold_fades",),
    "havens_gold_fades": ("havens_haven_bid", "havens_gold_shines"),
    "international_abroad_leads": ("international_home_leads",),
    "international_home_leads": ("international_abroad_leads",),
}
"""A week's angle -> the angles whose headlines and openings say the opposite of it (phrasebook.yaml defines each angle).

Only clear opposites are listed: an angle that sits on a threshold ("in step" within 0.25 points,
"breakdown" whatever the gap, "extremes" or "decay" for leveraged funds) contradicts nothing, since
the words of another angle may still be literally true that week.
"""
WORDING_CHOICES = 3
"""Headlines or openings tried per article."""


def angle_of(markdown: str, story: str, phrasebook: dict[str, Any]) -> str | None:
    """The article's angle (`small_caps_outrun`): whose openings hold its first sentence, or whose headlines its title."""
    key = story.replace("-", "_")
    lede, title = _first_sentence(markdown)[2], _title(markdown)
    for angle in (name.removeprefix("ledes_") for name in phrasebook if name.startswith(f"ledes_{key}_")):
        if lede in phrasebook[f"ledes_{angle}"] or any(_headline_matches(h, title) for h in phrasebook.get(f"headlines_{angle}", [])):
            return angle
    return None


def _headline_matches(template: str, title: str) -> bool:
    pattern = re.sub(r"\\\{\w+\\\}", ".+", re.escape(template))
    return re.fullmatch(pattern, title) is not None


def _title(markdown: str) -> str:
    found = re.search(r'^title: (".*")$', markdown, re.MULTILINE)
    return str(json.loads(found.group(1))) if found else ""


def _first_sentence(markdown: str) -> tuple[int, int, str]:
    front = FRONT_MATTER.match(markdown)
    start = front.end() if front else 0
    start += len(markdown[start:]) - len(markdown[start:].lstrip())
    end = re.compile(r"[.!?](?=\s)").search(markdown, start)
    stop = end.end() if end else start
    return start, stop, markdown[start:stop]


def _swapped_rotation(article: BuiltArticle, archive: Archive) -> list[str]:
    """Sector-rotation headlines with the week's leading and lagging sectors exchanged: always false."""
    sectors = {s: c for s, c in article.truth.changes.items() if s in archive.universe and archive.universe[s].category == "sector"}
    if len(sectors) < 2:
        return []
    leader = archive.universe[max(sectors, key=sectors.__getitem__)].sector
    laggard = archive.universe[min(sectors, key=sectors.__getitem__)].sector
    templates = [str(t) for t in archive.phrasebook["headlines_sectors_rotation"]]
    return [
        t.format(leader=laggard, laggard=leader)
        for t in templates
        if re.findall(r"\{(\w+)\}", t) in (["leader", "laggard"], ["laggard", "leader"])
    ]


def headline(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """The title replaced by one that contradicts a story that ran this week: another angle of this article's story or of
    another story published the same week, or the sector-rotation headline with leader and laggard exchanged."""
    week = archive.angles.get(article.week, {})
    title = _title(article.markdown)
    candidates: list[str] = []
    for story in sorted(week, key=lambda s: s != article.story):
        for angle in CONTRADICTED.get(week[story], ()):
            candidates += [str(h) for h in archive.phrasebook[f"headlines_{angle}"] if "{" not in str(h)]
        if story == "sectors":
            candidates += _swapped_rotation(article, archive)
    old = f"title: {json.dumps(title)}"
    for new in _evenly([c for c in dict.fromkeys(candidates) if c != title], WORDING_CHOICES):
        yield from _some(_mutant(article, "headline", f"title -> {new!r}", article.markdown.replace(old, f"title: {json.dumps(new)}", 1)))


def lede(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """The first sentence replaced by the opening of an angle of the same story that contradicts this week's."""
    angle = archive.angles.get(article.week, {}).get(article.story)
    start, end, _ = _first_sentence(article.markdown)
    candidates = [str(s) for other in CONTRADICTED.get(angle or "", ()) for s in archive.phrasebook[f"ledes_{other}"]]
    for new in _evenly(candidates, WORDING_CHOICES):
        yield from _some(_mutant(article, "lede", f"opening -> {new!r}", _splice(article.markdown, start, end, new)))


# --- chart -----------------------------------------------------------------------------------------


def _bumped(number: str) -> str:
    """One unit more in the last printed place, away from zero: "-0.3" -> "-0.4", "1,097.95" -> "1,097.96", "7" -> "8"."""
    value = Decimal(number.replace(",", ""))
    places = -int(value.as_tuple().exponent)
    bumped = value - Decimal(1).scaleb(-places) if value < 0 else value + Decimal(1).scaleb(-places)
    return f"{bumped:{',' if ',' in number else ''}.{places}f}"


def chart(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """A number in a chart's description (its accessible name, `aria-label`) or its table (first and last cell), a value of its CSV
    (first and last row of each numeric column), or a Vega-Lite spec that draws other data than its CSV."""
    text = article.markdown
    for block in re.finditer(r"<figure.*?</figure>", text, re.DOTALL):
        label = re.search(r'aria-label="([^"]*)"', block.group())
        if label is None:
            continue

        def figure_mutant(description: str, figure_text: str, block: re.Match[str] = block) -> Iterator[Mutant]:
            yield from _some(_mutant(article, "chart", description, _splice(text, block.start(), block.end(), figure_text)))

        description = label.group(1)
        for number in re.finditer(r"\d[\d,]*\.\d+", description):
            new = _splice(description, number.start(), number.end(), _bumped(number.group()))
            figure_text = block.group().replace(f'aria-label="{description}"', f'aria-label="{new}"')
            yield from figure_mutant(f"alt text {number.group()} -> {_bumped(number.group())}", figure_text)
        cells = list(re.finditer(r"(?<=<td>)[+-]?\d[\d,]*\.\d+(?=</td>)", block.group()))
        for index in dict.fromkeys((0, len(cells) - 1)) if cells else ():
            cell, bumped = cells[index], _bumped(cells[index].group().lstrip("+"))
            yield from figure_mutant(f"table cell {cell.group()} -> {bumped}", _splice(block.group(), cell.start(), cell.end(), bumped))
    for name, content in article.charts.items():
        mutated = _csv_mutants(content) if name.endswith(".csv") else _spec_mutants(content, article.charts)
        for description, new in mutated:
            yield from _some(_mutant(article, "chart", f"{name}: {description}", charts={**article.charts, name: new}))


def _is_number(value: str) -> bool:
    return re.fullmatch(r"-?\d+(?:\.\d+)?", value) is not None


def _csv_mutants(content: str) -> Iterator[tuple[str, str]]:
    """The first and last figure of each numeric column (an empty cell is no figure: an average not yet defined)."""
    rows = list(csv.reader(io.StringIO(content)))
    header, body = rows[0], rows[1:]
    for column, name in enumerate(header):
        filled = [index for index, row in enumerate(body) if row[column] != ""]
        if not filled or not all(_is_number(body[index][column]) for index in filled):
            continue
        for index in dict.fromkeys((filled[0], filled[-1])):
            changed = copy.deepcopy(body)
            changed[index][column] = _bumped(body[index][column])
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows([header, *changed])
            yield f"{name} of row {index + 1} {body[index][column]} -> {changed[index][column]}", out.getvalue()


def _spec_mutants(content: str, files: Iterable[str]) -> Iterator[tuple[str, str]]:
    """A spec that draws another chart's data file, or figures of its own inline, instead of its CSV, or leaves a series
    of its CSV undrawn."""
    spec = json.loads(content)
    own = spec["data"].get("url")
    for other in [name for name in files if name.endswith(".csv") and name != own][:1]:
        yield f"data from {other}, not {own}", json.dumps({**spec, "data": {**spec["data"], "url": other}})
    yield "inline data, not its CSV", json.dumps({**spec, "data": {"values": [{"date": "2020-01-02", "price": 1.0}]}})
    folded = (spec.get("transform") or [{}])[0].get("fold")
    if folded and len(folded) > 1:
        fewer = [{**spec["transform"][0], "fold": folded[:-1]}, *spec["transform"][1:]]
        yield f"no line for the {folded[-1]}", json.dumps({**spec, "transform": fewer})


# --- name ------------------------------------------------------------------------------------------


def _digit_changed(name: str) -> Iterator[str]:
    """Each number in a name with its leading digit one lower (one higher from 1): Russell 2000 -> Russell 1000, 3X -> 2X."""
    for number in re.finditer(r"\d+", name):
        lead = int(number.group()[0])
        yield _splice(name, number.start(), number.start() + 1, str(lead - 1 if lead > 1 else lead + 1))


def name(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """A fund's first mention with another listing, another fund's name, or a number in its name changed; an index
    name in the prose or a table with a number changed ("Russell 2000 Index" -> "Russell 1000 Index")."""
    universe, text = archive.universe, article.markdown
    for mention in MENTION.finditer(text, *_report(text)):
        symbol, words = mention["symbol"], mention["name"]
        if symbol not in universe:
            continue
        listed = [p for p in dict.fromkeys(LISTING_PREFIX.values()) if mention["prefix"] and p != mention["prefix"]]
        changes = [(f"({mention['prefix']}:{symbol})", f"({p}:{symbol})") for p in listed]
        peers = [f for f in universe.funds.values() if f.category == universe[symbol].category and f.name != universe[symbol].name]
        changes += [(words, peers[0].name.removeprefix("The "))] if peers else []
        changes += [(words, changed) for changed in _digit_changed(words)]
        for old, new in changes:
            replaced = mention.group().replace(old, new, 1)
            yield from _some(
                _mutant(
                    article,
                    "name",
                    f"{old} -> {new} in the first mention of {symbol}",
                    _splice(text, mention.start(), mention.end(), replaced),
                )
            )
    prose = Prose(text)
    indexes = {fund.index for fund in universe.funds.values()} | {f.name for f in universe.funds.values() if f.kind == "index"}
    pattern = "|".join(re.escape(n) for n in sorted((n for n in indexes if re.search(r"\d", n)), key=len, reverse=True))
    for match in prose.matches(rf"\b(?:{pattern})(?![\w-])"):
        for changed in _digit_changed(match.group()):
            yield from _some(
                _mutant(
                    article,
                    "name",
                    f"{match.group()} -> {changed} in '{_context(text, match.start(), match.end())}'",
                    _splice(text, match.start(), match.end(), changed),
                )
            )


# --- inserted --------------------------------------------------------------------------------------

INSERTED: tuple[tuple[str, Callable[[WeekTruth, str, list[str], list[str]], bool]], ...] = (
    ("{T} hit a record high.", lambda week, t, named, sectors: t in week.record_highs),
    ("{T} fell below its 200-day moving average.", lambda week, t, named, sectors: t in week.below_long_average),
    ("{T} led the market.", lambda week, t, named, sectors: week.changes.get(t, 0) >= max(week.changes.get(n, 0) for n in named)),
    ("{T} entered a bear market.", lambda week, t, named, sectors: t in week.in_bear_market),
    ("Every sector gained this week.", lambda week, t, named, sectors: all(week.changes.get(s, 0) > 0 for s in sectors)),
)
"""Sentences with no figure, each beside a test of whether it might be true that week (then it is not inserted).

"{T}" is each fund the article names; a test reads the week, the fund, the funds named and the
sector funds. The tests are generous: "led the market" is skipped for the fund that did best
among those named, "a record high" for any close this week at the high of the whole price history.
"""


def inserted(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """A false sentence added at the end of a paragraph, the paragraphs taken in turn."""
    text = article.markdown
    paragraphs = Prose(text, _names(archive.universe)).paragraphs()
    named = _tickers(article, archive.universe)
    if not paragraphs or not named:
        return
    sectors = [s for s, fund in archive.universe.funds.items() if fund.category == "sector"]
    turn = 0
    for template, maybe_true in INSERTED:
        for symbol in named if "{T}" in template else named[:1]:
            if maybe_true(article.truth, symbol, named, sectors):
                continue
            sentence = template.format(T=symbol)
            end = paragraphs[turn % len(paragraphs)][1]
            turn += 1
            yield from _some(_mutant(article, "inserted", f"inserted {sentence!r}", _splice(text, end, end, " " + sentence)))


# --- ledger ----------------------------------------------------------------------------------------

LEDGER_SAMPLE = 40
"""Ledger mutants kept per article, spread evenly over the ledger."""


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    else:
        yield path, node


def _key(path: tuple[Any, ...]) -> Any:
    """The name of the field a leaf sits under (the nearest dict key)."""
    return next((part for part in reversed(path) if isinstance(part, str)), None)


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def ledger(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """The claims ledger edited by a walk of its JSON, the article untouched: a ticker (a whole string, or a part of a
    dotted one) to another fund, an ISO date to the previous session, a whole number up by one, an identifier to another
    value the same field takes elsewhere in the ledger.

    Left alone: fields that hold the printed text (a field with a value of several words found in the
    article), floats (the ledger's own unrounded values; the check recomputes them). Skipped, as the
    edited ledger may still describe the article truly: a fund whose week prints the same, one put
    in a claim whose words hold for any fund (`Archive.shared_wording`), or one that went the same
    way in a claim that prints no figure ("Discouraging Signs" heads any fund's down week); a change that only
    repeats a sibling ("funds.VB.as_of" -> "funds.AGG.as_of" beside an existing "funds.AGG.as_of");
    an identifier changed so that its reference equals another one of the ledger, two names for one
    thing (the session that ends the week is also the one the data runs through), or to a phrasebook
    entry that prints the claim's words too ("1.9 percentage points behind" is `versus_fund` and
    `ahead_behind` alike); and a whole number in a claim that prints no figure ("on Friday" for a
    crossing of the 200-day average may hold of the 201-day one too).
    """
    leaves = list(_leaves(article.ledger))
    printed = {_key(p) for p, v in leaves if isinstance(v, str) and " " in v and v in article.markdown}
    identifiers: dict[Any, list[str]] = {}
    for path, value in leaves:
        if _is_identifier(value):
            identifiers.setdefault(_key(path), []).append(value)
    references = list(_dicts(article.ledger))
    edits = []
    for path, value in leaves:
        if _key(path) in printed:
            continue
        new = _ledger_value(value, path, article, archive, identifiers)
        parent = _at(article.ledger, path[:-1])
        if new is None or new == value or (isinstance(parent, list) and new in parent):
            continue
        if _may_still_hold(value, new, _claim_text(article.ledger, path, printed), article, archive):
            continue
        if isinstance(parent, dict) and _is_identifier(value) and {**parent, path[-1]: new} in references:
            continue
        edits.append((path, value, new))
    for path, value, new in _evenly(edits, LEDGER_SAMPLE):
        changed = copy.deepcopy(article.ledger)
        _at(changed, path[:-1])[path[-1]] = new
        yield Mutant("ledger", f"{'.'.join(map(str, path))}: {value!r} -> {new!r}", article.markdown, changed, article.charts)


def _claim_text(ledger: dict[str, Any], path: tuple[Any, ...], printed: set[Any]) -> str | None:
    """The printed words of the claim a leaf belongs to: a printed field of the nearest enclosing dict that has one."""
    for depth in range(len(path) - 1, -1, -1):
        node = _at(ledger, path[:depth])
        if isinstance(node, dict):
            words = next((v for k, v in node.items() if k in printed and isinstance(v, str)), None)
            if words is not None:
                return words
    return None


def _may_still_hold(value: Any, new: Any, words: str | None, article: BuiltArticle, archive: Archive) -> bool:
    """Whether changing `value` to `new` may leave its claim's words true: a fund changed in wording that holds for any
    fund, or in words with no figure (they can only say which way it went) for a fund that went the same way; a
    number in words without one; a phrasebook entry for another that prints the same words."""
    if words is None:
        return False
    figureless = re.search(r"\d", words) is None
    fund, other = _fund_in(value, archive), _fund_in(new, archive)
    if fund is not None:
        old_move, new_move = article.truth.changes.get(fund), article.truth.changes.get(other or "")
        same_way = old_move is None or new_move is None or (old_move > 0) == (new_move > 0)
        return words in archive.shared_wording or (figureless and same_way)
    return (_whole(value) and figureless) or (_is_identifier(new) and archive.can_print(new, words))


def _fund_in(value: Any, archive: Archive) -> str | None:
    """The fund a ledger value names, whole or as part of a dotted string."""
    tokens = re.split(r"[.:/]", value) if isinstance(value, str) else []
    return next((token for token in tokens if token in archive.universe), None)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_identifier(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_-]*", value) is not None


def _dicts(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
    for child in node.values() if isinstance(node, dict) else node if isinstance(node, list) else ():
        yield from _dicts(child)


def _ledger_value(value: Any, path: tuple[Any, ...], article: BuiltArticle, archive: Archive, identifiers: dict[Any, list[str]]) -> Any:
    universe = archive.universe
    if _whole(value):
        return value + 1
    if isinstance(value, bool):
        return None
    if not isinstance(value, str):
        return None
    if value in universe:
        return next(iter(_alternatives(value, article, archive)), None)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        earlier = [day for day in article.truth.sessions if day < date.fromisoformat(value)]
        return earlier[-1].isoformat() if earlier else None
    tokens = re.split(r"([.:/])", value)
    for index, token in enumerate(tokens):
        if token in universe and universe[token].kind == "etf":
            other = next(iter(_alternatives(token, article, archive)), None)
            return None if other is None else "".join([*tokens[:index], other, *tokens[index + 1 :]])
    seen = sorted(set(identifiers.get(_key(path), [])))
    if value in seen and len(seen) > 1:
        return seen[(seen.index(value) + 1) % len(seen)]
    return None


# --- whitespace (the negative control) -------------------------------------------------------------


def whitespace(article: BuiltArticle, archive: Archive) -> Iterator[Mutant]:
    """Spaces and line breaks that Markdown reads the same: in each prose paragraph, a space doubled, a space made a line
    break (before a letter, so no list or heading starts), and each line break inside the paragraph made a space."""
    text = article.markdown
    prose = Prose(text)
    for start, end in prose.paragraphs():
        spaces = [m.start() for m in re.finditer(r" (?=[A-Za-z])", text[start:end]) if prose.allowed[start + m.start()]]
        if spaces:
            middle = start + spaces[len(spaces) // 2]
            yield from _some(
                _mutant(
                    article, "whitespace", f"space doubled in '{_context(text, middle, middle)}'", _splice(text, middle, middle + 1, "  ")
                )
            )
            yield from _some(
                _mutant(article, "whitespace", f"line break in '{_context(text, middle, middle)}'", _splice(text, middle, middle + 1, "\n"))
            )
        for match in re.finditer(r"\n", text[start:end]):
            at = start + match.start()
            yield from _some(
                _mutant(article, "whitespace", f"line break joined in '{_context(text, at, at)}'", _splice(text, at, at + 1, " "))
            )


OPERATORS: dict[str, Callable[[BuiltArticle, Archive], Iterator[Mutant]]] = {
    "subject": subject,
    "direction": direction,
    "average": average,
    "count": count,
    "figure": figure,
    "headline": headline,
    "lede": lede,
    "chart": chart,
    "name": name,
    "inserted": inserted,
    "ledger": ledger,
    "whitespace": whitespace,
}
NEGATIVE_CONTROLS = {"whitespace"}
"""Classes whose mutants must pass the fact check; every other class must be caught."""


# --- running them through the fact check -----------------------------------------------------------


@dataclass
class Tally:
    caught: int = 0
    total: int = 0
    raised: int = 0
    """Of those caught, how many only because the check raised an error."""
    missed: list[str] = field(default_factory=list)
    """Descriptions of the mutants the check got wrong: let through (or, for a negative control, failed)."""


@dataclass
class Measured:
    tallies: dict[str, Tally]
    baseline: list[str]
    """What the fact check says of the article as built: when not empty, no mutant was run."""


class FactCheck:
    """The project's fact check, called the way `python -m generator verify` calls it, on the prices through the
    article's week: what the weekly run that wrote it had. Later prices say nothing about the week, and leaving
    them out makes each check from files (which reads the prices again) faster."""

    def __init__(self, tidy: pd.DataFrame, universe: Universe, phrasebook: dict[str, Any], settings: Settings) -> None:
        self.tidy, self.universe, self.phrasebook, self.settings = tidy, universe, phrasebook, settings
        self.events = read_events_file(ROOT / EVENTS_FILE)
        self._week: tuple[date, Closes] | None = None

    def prices(self, week: date) -> Closes:
        if self._week is None or self._week[0] != week:
            self._week = (week, Closes(self.tidy.loc[self.tidy["session"] <= pd.Timestamp(week)]))
        return self._week[1]

    def in_memory(self, article: BuiltArticle, markdown: str, ledger: dict[str, Any]) -> list[str]:
        closes = self.prices(article.week)
        return _stopping(
            lambda: verify_article(markdown, ledger, closes, self.universe, self.phrasebook, self.settings, events=self.events)[1]
        )

    def in_folder(self, docs: Path, week: date) -> list[str]:
        closes = self.prices(week)
        return _stopping(lambda: verify_folder(docs, closes, self.universe, self.phrasebook, self.settings, {week}).problems)


RAISED = "the fact check raised "


def _stopping(check: Callable[[], list[str]]) -> list[str]:
    """The check's problems; an error it raises (a malformed ledger, say) stops the run too, so it counts as one."""
    try:
        return check()
    except Exception as error:
        return [f"{RAISED}{type(error).__name__}: {error}"]


class WeekCopy:
    """A docs dir holding one built week (its posts and its folder), to check a mutant's files the way `verify` reads them."""

    def __init__(self, article: BuiltArticle, docs: Path, root: Path) -> None:
        self.docs, self.article = root, article
        (root / "posts").mkdir()
        for post in (docs / "posts").glob(f"{article.week.isoformat()}-*.md"):
            shutil.copy(post, root / "posts" / post.name)
        self.folder = root / "weeks" / article.week.isoformat()
        shutil.copytree(docs / "weeks" / article.week.isoformat(), self.folder)

    def check(self, mutant: Mutant, fact_check: FactCheck) -> list[str]:
        files = {
            self.docs / "posts" / self.article.post: mutant.markdown,
            self.folder / self.article.ledger_file: json.dumps(mutant.ledger),
        }
        files |= {self.folder / name: text for name, text in mutant.charts.items()}
        originals = {path: path.read_bytes() for path in files}
        try:
            for path, text in files.items():
                path.write_text(text, encoding="utf-8")
            return fact_check.in_folder(self.docs, self.article.week)
        finally:
            for path, content in originals.items():
                path.write_bytes(content)


FROM_FILES = {"chart"}
"""Classes checked from files, the way `verify` reads a week: a chart's data sits beside the article, not in it."""


def measure(
    article: BuiltArticle, archive: Archive, fact_check: FactCheck, classes: Iterable[str] = OPERATORS, per_class: int | None = None
) -> Measured:
    """Every mutant of the article (or `per_class` of each class, spread evenly), through the fact check: caught / total per class.

    An article held only in memory has no files to check from: its `FROM_FILES` mutants are not run.
    """
    classes = list(classes)
    mutants: list[Mutant] = []
    for kind in classes:
        found = list(OPERATORS[kind](article, archive))
        mutants += found if per_class is None else _evenly(found, per_class)
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        week_copy = WeekCopy(article, article.docs, Path(tmp)) if article.docs is not None else None
        original = Mutant("original", "as built", article.markdown, article.ledger, article.charts)
        baseline = fact_check.in_memory(article, article.markdown, article.ledger)
        if week_copy is not None and not baseline:
            baseline = week_copy.check(original, fact_check)
        tallies = {kind: Tally() for kind in classes}
        if baseline:
            return Measured(tallies, baseline)
        for mutant in mutants:
            if mutant.kind in FROM_FILES:
                if week_copy is None:
                    continue
                problems = week_copy.check(mutant, fact_check)
            else:
                problems = fact_check.in_memory(article, mutant.markdown, mutant.ledger)
            tally = tallies[mutant.kind]
            tally.total += 1
            right = not problems if mutant.kind in NEGATIVE_CONTROLS else bool(problems)
            tally.caught += bool(problems)
            tally.raised += any(problem.startswith(RAISED) for problem in problems)
            if not right:
                tally.missed.append(f"{article.post}: {mutant.description}")
    return Measured(tallies, baseline)


def combined(results: Iterable[Measured]) -> dict[str, Tally]:
    """Tallies summed over articles."""
    total: dict[str, Tally] = {}
    for result in results:
        for kind, tally in result.tallies.items():
            into = total.setdefault(kind, Tally())
            into.caught, into.total, into.raised = into.caught + tally.caught, into.total + tally.total, into.raised + tally.raised
            into.missed += tally.missed
    return total
