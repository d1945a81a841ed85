"""Render stage: facts in, Markdown out, through Jinja templates that hold the wording.

Numbers reach the text only through the filters below: the environment's `finalize` refuses
to print a bare number, so a template cannot show a figure that skipped rounding and style.
Word choices rotate, seeded by the week, so a rebuild writes the same words.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from . import yamlfile
from .calendar import day_phrase_parts, on_day_phrase
from .config import HEADLINE_MONTH_MIN_DAY, Settings
from .errors import GeneratorError
from .facts import BigMove, Change, Crossing, EventFact, Figure, RecordClose, RecordWeek
from .holdings import HOLDINGS_SOURCE, Allocation
from .universe import UNKNOWN, Universe

TEMPLATES_DIR = Path("templates")
PHRASEBOOK_FILE = TEMPLATES_DIR / "phrasebook.yaml"


class TemplateError(GeneratorError):
    """A template or the phrasebook cannot be read or used; the message names the file and line."""


@lru_cache(maxsize=4)
def load_phrasebook(path: Path) -> dict[str, Any]:
    try:
        book, _ = yamlfile.read(path)
    except yamlfile.YamlError as error:
        raise TemplateError(str(error)) from None
    if not isinstance(book, dict):
        raise TemplateError(f"{path}: expected a mapping of phrase lists")
    return book


@dataclass(frozen=True)
class Claim:
    """One meaning-bearing phrase as it reached the text, and exactly what it says about the data."""

    text: str
    """The words as printed."""
    kind: str
    """The filter that wrote them (move, side, crossed, name, opening, ...): how the fact check reads the words."""
    about: dict[str, Any]
    """What the words are about, from the fact itself: `measure`, `subject` (a ticker), and as the measure needs
    `reference`, `span` (day, week, month, ytd), `session`, `factor`, `average`, `direction`, `story`, `angle`,
    `key` (a phrasebook entry) or `file` (an editor's)."""
    value: Any = None
    """The unrounded value the generator printed, for a reader of the ledger; the fact check recomputes its own."""


class Said(str):
    """Text a recording filter wrote (the environment refuses a bare ticker that is not)."""


def about(fact: object) -> dict[str, Any]:
    """The reference of a fact: what it measures, of which fund, over which window."""
    if isinstance(fact, Change):
        return {
            "measure": "change",
            "subject": fact.subject,
            "span": fact.span,
            "start": fact.start.isoformat(),
            "end": fact.end.isoformat(),
        }
    if isinstance(fact, Figure):
        return {name: value for name, value in fact.model_dump(mode="json").items() if value is not None and name != "value"}
    if isinstance(fact, Crossing):
        return {"measure": "crossing", **fact.model_dump(mode="json", exclude={"since"})}
    if isinstance(fact, BigMove):
        return {"measure": "day_move", "subject": fact.subject, "session": fact.session.isoformat()}
    if isinstance(fact, RecordClose):
        return {
            "measure": "record_close",
            "subject": fact.subject,
            "session": fact.session.isoformat(),
            "previous": fact.previous.isoformat(),
        }
    if isinstance(fact, RecordWeek):
        return {**about(fact.week), "measure": "record_week"}
    raise TemplateError(f"a template passed {type(fact).__name__} {fact!r} to a filter that needs a fact (a Change or a Figure)")


Printed = tuple[str, dict[str, Any]]
"""What a recording filter returns: the words, and what they are about."""


def _claim(kind: str | None = None) -> Callable[[Callable[..., Printed]], Callable[..., Said]]:
    """Record what a filter printed in the writer's ledger (the outermost call only: `pair` names funds with `fund`)."""

    def decorate(method: Callable[..., Printed]) -> Callable[..., Said]:
        @functools.wraps(method)
        def record(self: Writer, fact: Any, *args: Any) -> Said:
            self.depth += 1
            try:
                text, reference = method(self, fact, *args)
            finally:
                self.depth -= 1
            if self.depth == 0:
                value = getattr(fact, "value", None)
                self.claims.append(Claim(text, kind or method.__name__, reference, value))
            return Said(text)

        return record

    return decorate


@lru_cache(maxsize=256)
def _words(phrase: str) -> re.Pattern[str]:
    """A phrase as whole words, in any case."""
    return re.compile(rf"\b{re.escape(phrase)}\b", re.IGNORECASE)


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


@dataclass
class Writer:
    """Per-article state behind the filters: first mentions and the claims ledger (which also says what words are used).

    Every filter that prints a figure, a fund, a date or a word whose truth depends on the data
    records a `Claim` with the fact's own reference, so the fact check can recompute it.
    """

    as_of: date
    universe: Universe
    phrasebook: dict[str, Any]
    settings: Settings
    mentioned: set[str] = field(default_factory=set)
    claims: list[Claim] = field(default_factory=list)
    depth: int = 0
    fund_link: str | None = None
    """With it, a fund's first mention links to its page: the pattern takes the page's slug."""
    week_said: set[str] = field(default_factory=set)
    """Standing passages already given in full in an earlier article of the same week (the week's writers share it)."""

    def _pick(self, key: str, options: Sequence[str]) -> str:
        """The phrase of the list the article has printed least so far (in any claim: "fell" in an opening counts), the
        week's seed breaking ties: synonyms rotate, no verb comes back before the others, and a rebuild picks the same."""
        start = _seed(self.as_of, key) % len(options)
        order = [str(options[(start + offset) % len(options)]) for offset in range(len(options))]
        return min(order, key=lambda phrase: sum(len(_words(phrase).findall(claim.text)) for claim in self.claims))

    def record(self, text: str, kind: str, reference: dict[str, Any]) -> Said:
        """Add a claim the writer composed outside a filter (the headline)."""
        self.claims.append(Claim(text, kind, reference))
        return Said(text)

    def told(self, kind: str, subject: str) -> bool:
        """Whether the article has already said this kind of thing of `subject` (a section need not say it twice)."""
        return any(claim.kind == kind and claim.about.get("subject") == subject for claim in self.claims)

    def pick(self, key: str) -> Said:
        """A phrase from the phrasebook list `key` that says nothing about the data (a neutral subhead), seeded by the week."""
        return self.record(self._pick(key, self.phrasebook[key]), "standing", {"measure": "standing", "key": key})

    def standing(self, key: str) -> Said:
        """A fixed phrasebook passage that says nothing about the week (the leveraged caution, the disclaimer)."""
        return self.record(" ".join(str(self.phrasebook[key]).split()), "standing", {"measure": "standing", "key": key})

    def caution(self) -> Said:
        """The leveraged caution, in full in the week's first article that carries it, one clause after; the wordings are
        taken in turn by week number, so each is used about as often as the others."""
        key = "leveraged_caution_short" if "leveraged_caution" in self.week_said else "leveraged_caution"
        self.week_said.add("leveraged_caution")
        options = self.phrasebook[key]
        text = " ".join(str(options[(self.as_of.toordinal() // 7) % len(options)]).split())
        return self.record(text, "standing", {"measure": "standing", "key": key})

    def opening(self, story: Any) -> Said:
        """The week's opening sentence for the story's angle, taken in turn by week number.

        With at least nine sentences in every list (`check` insists), no opening repeats within
        eight consecutive weeks, whatever the story.
        """
        key = _story_key("ledes", story)
        options = self.phrasebook[key]
        text = str(options[(self.as_of.toordinal() // 7) % len(options)])
        return self.record(text, "opening", angle_of(story))

    def headline_slots(self, story: Any, week: Any) -> dict[str, list[str]]:
        """What each headline slot can say of this week (`headline_slots` in the phrasebook); a slot the week lacks is absent.

        leader/laggard: the best and worst sector fund's sector; event: the tag of the kind of one of the week's events;
        streak: the story's lead fund's run of weekly gains or losses, three or more; group: the index of the drawdown
        story's fund; top/bottom: the side and index of the best and worst leveraged fund; month: the week's month.
        """
        book, slots = self.phrasebook, {}
        if story.name in SECTOR_RANKED:
            slots["leader"], slots["laggard"] = [str(self.universe[story.ranked[0]].sector)], [str(self.universe[story.ranked[-1]].sector)]
        tags = [str(book["headline_events"][e.kind]) for e in week.events if e.kind in book["headline_events"]]
        if tags:
            slots["event"] = list(dict.fromkeys(tags))
        lead = getattr(story, "lead", None)
        if lead is not None and lead in week.funds:
            run = int(week.funds[lead].weekly_streak.value)
            if STREAK_MIN <= abs(run) < len(book["ordinals"]):
                slots["streak"] = [f"{book['ordinals'][abs(run)]} Straight Weekly {'Gain' if run > 0 else 'Loss'}"]
            if story.name == "drawdown":
                slots["group"] = [str(book["headline_groups"][self.universe[lead].index])]
        if self.as_of.day >= HEADLINE_MONTH_MIN_DAY:
            slots["month"] = [f"{self.as_of:%B}"]
        if story.name == "leveraged":
            slots["top"], slots["bottom"] = ([self.leveraged_side(symbol)] for symbol in (story.ranked[0], story.ranked[-1]))
        return slots

    def leveraged_side(self, symbol: str) -> str:
        """ "Bear Nasdaq-100": a leveraged fund's side and its index, as a headline names them."""
        return f"{'Bull' if self._multiple(symbol) > 0 else 'Bear'} {self.phrasebook['headline_groups'][self.universe[symbol].index]}"

    def _multiple(self, symbol: str) -> int:
        """A fund's daily multiple as the metadata gives it (every fund a story compares has one)."""
        factor = self.universe[symbol].leverage
        if factor is None:
            raise TemplateError(f"the metadata gives no daily multiple for {symbol}: a story compares only funds whose multiple it knows")
        return factor

    def headline(self, story: Any, week: Any, used: Mapping[str, date]) -> tuple[str, dict[str, Any]]:
        """The generated headline for the story's angle and what it claims (the angle, and each slot's words).

        Every template whose slots the week fills is a candidate. The pick, in order of preference: not used in the
        last `headline_memory_weeks` weeks (`used`: every headline already written, with its latest date), or else the
        one used longest ago; never used; sharing no slot's words with another headline of the same week; the most
        slots other than the month (the most specific); then the week's rotation of the list (seeded, as every phrase list is).
        """
        key = _story_key("headlines", story)
        templates = [str(t) for t in self.phrasebook[key]]
        slots = self.headline_slots(story, week)
        start = _seed(self.as_of, key) % len(templates)
        recent = self.as_of - timedelta(weeks=self.settings.thresholds.headline_memory_weeks)
        this_week = [text for text, day in used.items() if day == self.as_of]
        ranked: list[tuple[tuple[bool, int, bool, bool, int, int, int], str, dict[str, str]]] = []
        for position, template in enumerate(templates):
            fields = template_fields(template)
            if not fields <= set(slots):
                continue
            names = sorted(fields)
            for values in itertools.product(*(slots[name] for name in names)):
                filled = dict(zip(names, values, strict=True))
                text = template.format(**filled)
                clash = any(value in other for value in values for other in this_week)
                order = ((position - start) % len(templates), len(ranked))
                last = used.get(text, date.min)
                fresh = last < recent
                ranked.append(
                    ((not fresh, 0 if fresh else last.toordinal(), text in used, clash, -len(fields - PLAIN_SLOTS), *order), text, filled)
                )
        if not ranked:
            raise TemplateError(f"{PHRASEBOOK_FILE}: `{key}` has no headline without a slot this week lacks")
        _, text, filled = min(ranked)
        return text, {**angle_of(story), "slots": filled}

    @staticmethod
    def said(text: str) -> str:
        """A quote as it stands before "said": its closing period becomes a comma."""
        text = text.strip()
        return text[:-1] + "," if text.endswith(".") else text if text[-1:] in "?!," else text + ","

    def quote(self, quote: Any, note: Any) -> Said:
        """An editor's quote: "...," said Name, Title at Firm (the quote, name, title and firm each the editor's claim)."""
        text, name, title, firm = (self.editor(part, note) for part in (self.said(quote.text), quote.name, quote.title, quote.firm))
        return Said(f'"{text}" said {name}, {title} at {firm}.')

    @_claim("editor")
    def editor(self, text: str, note: Any) -> Printed:
        """An editor's words (a note's theme, quote, body or headline): the editor's claims, attributed to the note's file."""
        return str(text), {"measure": "editor", "file": note.path}

    @_claim("name")
    def fund(self, symbol: str) -> Printed:
        """Full name and listing on first mention, the ticker after; an index always by its name."""
        if self.universe[symbol].kind == "index":
            return self.universe[symbol].first_mention(self.settings.style), {"measure": "name", "subject": symbol}
        if symbol in self.mentioned:
            return symbol, {"measure": "name", "subject": symbol}
        self.mentioned.add(symbol)
        mention = self.universe[symbol].first_mention(self.settings.style)
        if self.fund_link is not None:
            mention = f"[{mention}]({self.fund_link.format(symbol.lower().lstrip('^'))})"
        return mention, {"measure": "name", "subject": symbol}

    @_claim("name")
    def fund_name(self, symbol: str) -> Printed:
        """The fund's name alone (a table's column beside its ticker): "not known" where no source gives it."""
        return self.universe[symbol].name or UNKNOWN, {"measure": "name", "subject": symbol}

    @_claim("name")
    def name_and_ticker(self, symbol: str) -> Printed:
        """A fund page's heading: "iShares Russell 2000 ETF (IWM)", or the ticker alone for a fund without a known name."""
        return self.universe[symbol].labelled, {"measure": "name", "subject": symbol}

    @_claim()
    def gate_reason(self, reason: str, symbol: str) -> Printed:
        """Why the publication gates left a fund out, in the gates' own words (they ran on this very data)."""
        return reason, {"measure": "gate", "subject": symbol}

    @_claim()
    def volatility(self, fact: Figure) -> Printed:
        """ "Realized volatility over the past 21 sessions, annualized: 18.2 percent"."""
        return f"Realized volatility over the past {fact.average} sessions, annualized: {self._percent(fact.value)}", about(fact)

    @_claim("name")
    def ticker(self, symbol: str) -> Printed:
        """The ticker alone (a table cell, a later mention)."""
        return symbol, {"measure": "name", "subject": symbol}

    @_claim()
    def index(self, symbol: str) -> Printed:
        """The index a fund tracks, as its metadata names it ("not known" where no source names one)."""
        return self.universe[symbol].index or UNKNOWN, {"measure": "index", "subject": symbol}

    @_claim()
    def sector(self, symbol: str) -> Printed:
        return str(self.universe[symbol].sector), {"measure": "sector", "subject": symbol}

    @_claim()
    def leverage(self, symbol: str) -> Printed:
        """What a leveraged fund aims to deliver: "three times the inverse of"."""
        return str(self.phrasebook["leverage_words"][self._multiple(symbol)]), {"measure": "factor", "subject": symbol}

    @_claim()
    def multiple(self, symbol: str) -> Printed:
        """A leveraged fund's daily multiple as a table writes it: "3"."""
        return str(abs(self._multiple(symbol))), {"measure": "factor", "subject": symbol}

    @_claim()
    def bull_bear(self, symbol: str) -> Printed:
        return ("Bull" if self._multiple(symbol) > 0 else "Bear"), {"measure": "factor", "subject": symbol}

    @_claim()
    def leverage_label(self, symbol: str) -> Printed:
        """A fund's daily multiple as a table labels it (`leverage_labels` in the phrasebook): "3x", "2x inverse", "none",
        or "not known" where no source gives it."""
        factor = self.universe[symbol].leverage
        labels = self.phrasebook["leverage_labels"]
        key = "unknown" if factor is None else factor
        if key not in labels:
            raise TemplateError(f"{PHRASEBOOK_FILE}: `leverage_labels` has no label for a daily multiple of {factor}")
        return str(labels[key]), {"measure": "factor", "subject": symbol}

    def _percent(self, value: float) -> str:
        number = f"{abs(value) * 100:.1f}"
        return f"{number}%" if self.settings.style.percent_style == "ap" else f"{number} percent"

    def is_flat(self, fact: Any) -> bool:
        return abs(fact.value) * 100 < self.settings.thresholds.flat_percent

    def _direction(self, fact: Any) -> str:
        return "flat" if self.is_flat(fact) else "up" if fact.value > 0 else "down"

    @_claim()
    def percent(self, fact: Any) -> Printed:
        """A fraction as an unsigned percentage with one decimal: 0.0243 -> "2.4 percent"."""
        return self._percent(fact.value), about(fact)

    @staticmethod
    def _points(value: float) -> str:
        """AP style: "1 percentage point", "0.3 percentage point", "2.4 percentage points"."""
        number = f"{abs(value) * 100:.1f}"
        if number == "1.0":
            return "1 percentage point"
        return f"{number} percentage point{'' if float(number) < 1 else 's'}"

    @_claim()
    def points(self, fact: Any) -> Printed:
        return self._points(fact.value), about(fact)

    def _verbs(self, fact: Any) -> str:
        """The phrasebook list of verbs sized to a move: `verbs_down_big` past the day's or the week's threshold."""
        reference = about(fact)
        day = reference.get("span") == "day" or reference["measure"] == "day_move"
        big = self.settings.thresholds.big_day_percent if day else self.settings.thresholds.big_week_percent
        return "verbs_" + ("up" if fact.value > 0 else "down") + ("_big" if abs(fact.value) * 100 > big else "")

    def _move(self, fact: Any) -> str:
        if self.is_flat(fact):
            return self._pick("flat", self.phrasebook["flat"])
        key = self._verbs(fact)
        return f"{self._pick(key, self.phrasebook[key])} {self._percent(fact.value)}"

    @_claim()
    def move(self, fact: Any) -> Printed:
        """A verb phrase sized to the move: "gained 2.4 percent", "tumbled 6.1 percent", "was basically flat"."""
        return self._move(fact), about(fact)

    def _signed(self, fact: Any) -> str:
        if self.is_flat(fact):
            return "basically flat"
        return f"{'up' if fact.value > 0 else 'down'} {self._percent(fact.value)}"

    @_claim()
    def signed(self, fact: Any) -> Printed:
        """ "up 2.4 percent", "down 0.8 percent" or "basically flat"."""
        return self._signed(fact), about(fact)

    @_claim()
    def word(self, fact: Any, key: str) -> Printed:
        """The phrasebook's words for the fact's direction: `directions.<key>` has `up`, `down` and (optionally) `flat`."""
        words = self.phrasebook["directions"][key]
        direction = self._direction(fact)
        if direction == "flat" and "flat" not in words:
            direction = "up" if fact.value > 0 else "down"
        text = str(words[direction]).format(points=self._points(fact.value), percent=self._percent(fact.value))
        return text, {**about(fact), "key": key}

    @_claim()
    def subhead(self, fact: Any) -> Printed:
        """A section's subhead, from the list for the fact's direction (`subheads_happened_good` for a gain)."""
        key = "subheads_happened_good" if fact.value > 0 else "subheads_happened"
        return self._pick(key, self.phrasebook[key]), {**about(fact), "key": key}

    @_claim()
    def off_high(self, fact: Any) -> Printed:
        """ "3.7 percent below its 52-week high", or "at a 52-week high"."""
        if fact.value == 0:
            return "at a 52-week high", about(fact)
        return f"{self._percent(fact.value)} below its 52-week high", about(fact)

    @_claim()
    def side(self, fact: Any) -> Printed:
        """ "above its 200-day moving average" (the long average) or "below its 50-day average"."""
        long = fact.average == self.settings.definitions.long_average_sessions
        return f"{'above' if fact.value > 0 else 'below'} its {fact.average}-day {'moving ' if long else ''}average", about(fact)

    @_claim()
    def average_name(self, fact: Any) -> Printed:
        """ "200-day moving average": the average a figure is measured against, named (a table's column)."""
        long = fact.average == self.settings.definitions.long_average_sessions
        return f"{fact.average}-day {'moving ' if long else ''}average", {"measure": "average", "average": fact.average}

    @_claim()
    def crossed(self, crossing: Crossing, key: str = "crossed") -> Printed:
        """ "clipped its 50-day moving average", "climbed back above its 200-day moving average" (`directions.<key>`; a list
        of verbs rotates like the move verbs)."""
        words = self.phrasebook["directions"][key]["down" if crossing.direction == "below" else "up"]
        verb = self._pick(f"{key}_{crossing.direction}", words) if isinstance(words, list) else words
        return f"{verb} its {crossing.average}-day moving average", {**about(crossing), "key": key}

    @_claim()
    def crossed_since(self, crossing: Crossing) -> Printed:
        """ "its first close above the line since March 2020": how long the fund had been on the other side of the average."""
        if crossing.since is None:
            raise TemplateError(f"{crossing.subject}'s crossing on {crossing.session} is too recent a change of side to date")
        phrase = day_phrase_parts(crossing.since, self.as_of, self.phrasebook.get("date_phrases"))[1]
        return f"its first close {crossing.direction} the line since {phrase}", {**about(crossing), "since": crossing.since.isoformat()}

    @_claim()
    def line_crossed(self, story: Any) -> Printed:
        """ "That put it in a correction by the usual definition, a close at least 10 percent below its 52-week high"
        (`line_crossed.<angle>_<line>` in the phrasebook): the line a market week crossed, named with its depth."""
        thresholds = self.settings.thresholds
        depth = {"bear": thresholds.bear_percent, "correction": thresholds.correction_percent}[story.line]
        direction = "out" if story.angle == "recovery" else "in"
        text = str(self.phrasebook["line_crossed"][f"{direction}_{story.line}"]).format(line=f"{depth:g}")
        return text, {**angle_of(story), "line": story.line}

    @_claim()
    def allocation(self, fact: Allocation) -> Printed:
        """ "puts 28.1 percent of its stock holdings in technology, and its largest holding, Apple Inc., makes up 6.9 percent of
        the fund, according to Yahoo Finance's snapshot of April 23, 2021": from the newest holdings snapshot (holdings.py)."""
        text = f"puts {self._percent(fact.sector_weight)} of its stock holdings in {fact.sector}"
        if fact.holding is not None and fact.holding_weight is not None:
            text += f", and its largest holding, {fact.holding}, makes up {self._percent(fact.holding_weight)} of the fund"
        text += f", according to {HOLDINGS_SOURCE}'s snapshot of {fact.as_of:%B} {fact.as_of.day}, {fact.as_of.year}"
        about = {"measure": "allocation", "subject": fact.symbol, "session": fact.as_of.isoformat(), "key": fact.sector_key}
        return text, {**about, "holding": fact.holding_key}

    @_claim()
    def crossed_times(self, crossings: Sequence[Crossing]) -> Printed:
        """A fund's crossings of one average in a week, rolled up: "crossed its 200-day moving average four times this
        week, ending below it" ("twice" for two)."""
        last = crossings[-1]
        times = "twice" if len(crossings) == 2 else f"{self._count(len(crossings))} times"
        text = f"crossed its {last.average}-day moving average {times} this week, ending {last.direction} it"
        return text, {"measure": "crossings", "subject": last.subject, "average": last.average, "count": len(crossings)}

    def _record_window(self, since: date | None, data_start: date, subject: str) -> str:
        """How far back a record reaches: "since October 2008"; with nothing as large before it, "since it began trading in
        2008" when the data starts within `launch_days` of the fund's inception (where the metadata gives one), else "in
        data going back to April 2016"."""
        if since is not None:
            return f"since {day_phrase_parts(since, self.as_of, self.phrasebook.get('date_phrases'))[1]}"
        inception = self.universe[subject].inception
        if inception is not None and abs((data_start - inception).days) <= self.settings.thresholds.launch_days:
            return f"since it began trading in {inception.year}"
        return f"in data going back to {data_start:%B %Y}"

    @_claim()
    def superlative(self, move: BigMove) -> Printed:
        """ "its biggest one-day gain since mid-May", "its biggest one-day drop since it began trading in 2008"."""
        noun = "gain" if move.value > 0 else "drop"
        return f"its biggest one-day {noun} {self._record_window(move.since, move.data_start, move.subject)}", about(move)

    @_claim()
    def record_week(self, record: RecordWeek) -> Printed:
        """ "its worst week since October 2008", "its best week in data going back to April 2016"."""
        noun = "best" if record.week.value > 0 else "worst"
        return f"its {noun} week {self._record_window(record.since, record.data_start, record.subject)}", about(record)

    @_claim()
    def record_close(self, record: RecordClose) -> Printed:
        """ "closed at a record on Thursday, its first since February 2020, after falling as much as 33.7 percent below the
        old one" (`record_close` in the phrasebook)."""
        phrases = self.phrasebook.get("date_phrases")
        text = str(self.phrasebook["record_close"]).format(
            day=on_day_phrase(record.session, self.as_of, phrases),
            previous=day_phrase_parts(record.previous, self.as_of, phrases)[1],
            percent=self._percent(record.depth.value),
        )
        return text, about(record)

    @_claim()
    def streak(self, fact: Figure) -> Printed:
        """ "five straight weekly losses"."""
        count = self._count(int(fact.value))
        return f"{count} straight weekly {'gains' if fact.value > 0 else 'losses'}", about(fact)

    @_claim()
    def pair(self, facts: Sequence[Change]) -> Printed:
        """Two funds' moves over the same window in one phrase, in the tense of the window.

        A week (a day, a month) is told in the past: "VB and SCHA gained 2.4 percent and 2.1 percent,
        respectively", "both fell 7.1 percent" when the figures print alike, "were both little changed",
        else each on its own: "IWM rose 1.2 percent and SPY was basically flat". The year so far is a
        standing, told in the present: "are up 2.4 percent and 2.1 percent, respectively", "are both up
        7.1 percent", "are both basically flat", "IWM is up 1.2 percent and SPY is basically flat".
        "Respectively" is said once an article (the numbers paragraph); a later pair gives the second fund
        its figure without the verb again: "VB gained 2.4 percent and SCHA 2.1 percent", "TLT is up 18.7
        percent and SPY 21.0 percent".
        """
        directions = [self._direction(f) for f in facts]
        named = [self.fund(f.subject) for f in facts]
        names = self.series(named)
        reference = {**about(facts[0]), "subject": [f.subject for f in facts]}
        past = facts[0].span in PAST_SPANS
        if len(set(directions)) == 1 and directions[0] != "flat":
            amounts = [self._percent(f.value) for f in facts]
            key = self._verbs(min(facts, key=lambda f: abs(f.value)))
            verb = self._pick(key, self.phrasebook[key]) if past else f"are {directions[0]}"
            if len(set(amounts)) == 1:
                return f"{names} {'both ' + verb if past else f'are both {directions[0]}'} {amounts[0]}", reference
            if any("respectively" in claim.text for claim in self.claims):
                single = verb if past else f"is {directions[0]}"
                return f"{named[0]} {single} {amounts[0]} and {named[1]} {amounts[1]}", reference
            return f"{names} {verb} {self.series(amounts)}, respectively", reference
        if set(directions) == {"flat"}:
            return f"{names} {self._pick('flat_both', self.phrasebook['flat_both']) if past else 'are both basically flat'}", reference
        first, second = (f"{n} {self._move(f) if past else 'is ' + self._signed(f)}" for n, f in zip(named, facts, strict=True))
        return f"{first} and {second}", reference

    @staticmethod
    def series(items: Sequence[str]) -> str:
        if len(items) <= 2:
            return " and ".join(items)
        return ", ".join(items[:-1]) + " and " + items[-1]

    @staticmethod
    def _dated(day: Any, role: str) -> tuple[date, dict[str, Any]]:
        """A date and what it is: the week's end or start, a month's start, the session of a crossing or a big move,
        the base of a fund page's return, a listed article's date."""
        if isinstance(day, Crossing | BigMove):
            return day.session, about(day)
        if isinstance(day, Figure) and day.start is not None:
            return day.start, {**about(day), "role": role, "session": day.start.isoformat()}
        if hasattr(day, "path") and hasattr(day, "as_of"):
            return day.as_of, {"measure": "date", "role": role, "session": day.as_of.isoformat(), "file": day.path.name}
        return day, {"measure": "date", "role": role, "session": day.isoformat()}

    @_claim()
    def day(self, day: Any, role: str = "end") -> Printed:
        """ "Wednesday", "mid-May" or "March 2017", relative to the article's date."""
        session, reference = self._dated(day, role)
        return day_phrase_parts(session, self.as_of, self.phrasebook.get("date_phrases"))[1], reference

    @_claim()
    def on_day(self, day: Any, role: str = "end") -> Printed:
        """ "on Wednesday", "last Thursday", "in mid-May", "in March 2017"."""
        session, reference = self._dated(day, role)
        return on_day_phrase(session, self.as_of, self.phrasebook.get("date_phrases")), reference

    @_claim()
    def longdate(self, day: Any, role: str = "end") -> Printed:
        session, reference = self._dated(day, role)
        return f"{session:%B} {session.day}, {session.year}", reference

    @_claim()
    def weekday(self, day: Any, role: str = "end") -> Printed:
        """ "Friday": the day of the week of a date (an edition's week may end on a Thursday before a holiday)."""
        session, reference = self._dated(day, role)
        return f"{session:%A}", reference

    @staticmethod
    def capfirst(text: str) -> str:
        """Upper-case the first letter only, for a phrase that opens a sentence (inside a leading link's brackets too)."""
        lead = 1 if text.startswith("[") else 0
        out = text[:lead] + text[lead : lead + 1].upper() + text[lead + 1 :]
        return Said(out) if isinstance(text, Said) else out

    @_claim()
    def ratio(self, fact: Figure) -> Printed:
        """Words for a ratio of returns, from the phrasebook's brackets."""
        for bracket in self.phrasebook["ratios"]:
            if bracket["min"] <= fact.value < bracket["max"]:
                return str(bracket["words"]), about(fact)
        raise TemplateError(f"{PHRASEBOOK_FILE}: no ratio phrase covers {fact.value:.2f}")

    @_claim()
    def rank(self, story: Any, key: str, week: Change | None = None) -> Printed:
        """Words for a fund's place in its group (`ranks.<key>`): by angle where the entry is a mapping, or by the
        direction of the fund's `week` where it has `up` and `down` ("held up best, though it still" fell)."""
        words = self.phrasebook["ranks"][key]
        if isinstance(words, dict) and {"up", "down"} <= set(words):
            if week is None:
                raise TemplateError(f'{PHRASEBOOK_FILE}: `ranks.{key}` words go by the fund\'s week: pass it, rank("{key}", fund.week)')
            direction = self._direction(week)
            text = str(words[direction] if direction in words else words["up" if week.value > 0 else "down"])
        else:
            text = str(words.get(story.angle, words["other"]) if isinstance(words, dict) else words)
        subject = getattr(story, key) if key in NAMED_RANKS else story.ranked[-1 if key in LAST_PLACE else 0]
        return text, {"measure": "rank", "key": key, "subject": subject, "story": story.name, "angle": story.angle}

    @_claim()
    def breadth(self, story: Any) -> Printed:
        """ "eight of the nine sector funds fell": the falling ones in a week the market fell, else the rising ones."""
        fact, total = story.breadth, len(story.ranked)
        verb = "fell" if fact.reference == "down" else "rose"
        share = f"all {self._count(total)}" if fact.value == total else f"{self._count(int(fact.value))} of the {self._count(total)}"
        return f"{share} sector funds {verb}", about(fact)

    @_claim()
    def members(self, story: Any) -> Printed:
        """ "five of the nine sector funds did better"."""
        beat, count = int(story.beat_benchmark.value), int(story.funds_count.value)
        return f"{self._count(beat)} of the {self._count(count)} sector funds did better", about(story.beat_benchmark)

    @_claim()
    def event(self, event: EventFact) -> Printed:
        """One of the week's events, in the editors' words for articles (data/events.csv's `phrase`)."""
        return event.phrase, {"measure": "event", "session": event.date.isoformat(), "title": event.title, "role": "week"}

    @_claim()
    def upcoming(self, event: EventFact) -> Printed:
        """A scheduled event of the days ahead: "the Federal Reserve's next policy decision is due Wednesday, April 28"."""
        when = f"{event.date:%A}, {event.date:%B} {event.date.day}"
        text = str(self.phrasebook["upcoming"][event.kind]).format(day=when)
        return text, {"measure": "event", "session": event.date.isoformat(), "title": event.title, "role": "ahead"}

    @_claim()
    def related(self, link: Any, listing: str = "related") -> Printed:
        """An article's headline, linked: another of the week's or an earlier one (related links), or any up to the page's
        date (a fund page's list)."""
        return link.headline, {"measure": "post", "file": Path(str(link.path)).name, "listing": listing}

    @staticmethod
    def magnitude(amount: float) -> str:
        """A large amount as the desk writes it: "310 million", "2.7 billion", "12.5 million", "850,000" (unsigned)."""
        amount = abs(amount)
        if amount >= 1e9:
            return f"{amount / 1e9:,.1f} billion"
        if amount >= 1e8:
            return f"{amount / 1e6:,.0f} million"
        if amount >= 1e6:
            return f"{amount / 1e6:,.1f} million"
        return f"{round(amount, -3):,.0f}"

    @classmethod
    def dollars(cls, amount: float) -> str:
        """Dollars as the desk writes them: "$310 million", "$2.7 billion", "$12.5 million", "$850,000" (unsigned)."""
        return f"${cls.magnitude(amount)}"

    @_claim()
    def shares(self, fact: Figure) -> Printed:
        """Shares traded a day (`daily_volume`): "31.2 million"."""
        return self.magnitude(fact.value), about(fact)

    @_claim()
    def price(self, fact: Figure) -> Printed:
        """A close, "$225.76", or a 52-week extreme, "52-week low $180.12"; an index's level has no dollar sign: "4,180.17"."""
        number = f"{fact.value:,.2f}"
        label = {"range_low": "52-week low ", "range_high": "52-week high "}.get(fact.measure, "")
        return label + (number if self.universe[fact.subject].kind == "index" else f"${number}"), about(fact)

    @_claim()
    def range_position(self, fact: Figure) -> Printed:
        """Where the close stands in its 52-week range, from its low: "80.4%" (the range bar's marker is placed by it)."""
        return f"{fact.value * 100:.1f}%", about(fact)

    @_claim()
    def traded(self, fact: Figure) -> Printed:
        """Dollars that changed hands in the week (close times volume, session by session): "$182.4 billion"."""
        return self.dollars(fact.value), about(fact)

    @_claim()
    def volume(self, fact: Figure) -> Printed:
        """How heavy the week's trading was against its usual (`volume.<heavy|light|usual>` in the phrasebook)."""
        thresholds = self.settings.thresholds
        heavy, light = fact.value >= thresholds.heavy_volume_ratio, fact.value <= thresholds.light_volume_ratio
        pace = "heavy" if heavy else "light" if light else "usual"
        text = str(self.phrasebook["volume"][pace]).format(ratio=f"{fact.value:.1f}", average=fact.average)
        return text, {**about(fact), "key": pace}

    @_claim()
    def level(self, fact: Figure) -> Printed:
        """The next level on the chart and how far it is from the close (`levels.<reference>` in the phrasebook)."""
        thresholds = self.settings.thresholds
        line = {"correction": thresholds.correction_percent, "bear": thresholds.bear_percent}.get(str(fact.reference), 0.0)
        text = str(self.phrasebook["levels"][fact.reference]).format(
            average=fact.average,
            percent=self._percent(fact.value),
            side="above" if fact.value > 0 else "below",
            line=f"{line:g}",
        )
        return text, about(fact)

    @_claim()
    def money(self, fact: Any) -> Printed:
        """A fund's assets, as a snapshot supplied them (not computed from prices)."""
        return self.dollars(fact.amount), {"measure": "supplied", "source": "snapshots"}

    @_claim()
    def flow(self, fact: Any) -> Printed:
        """ "Investors added $310 million to", "Investors pulled $2.7 billion from": money a snapshot or an editor supplied."""
        verb, preposition = ("added", "to") if fact.amount > 0 else ("pulled", "from")
        return f"Investors {verb} {self.dollars(fact.amount)} {preposition}", {"measure": "supplied", "source": fact.source}

    def _count(self, value: int) -> str:
        """Whole numbers as AP writes them: "three", "12"."""
        words = self.phrasebook["numbers"]
        return str(words[abs(value)]) if abs(value) < len(words) else str(abs(value))

    @_claim()
    def table_percent(self, fact: Any) -> Printed:
        """A signed percentage for tables: "+2.4%", "-0.8%"."""
        return f"{fact.value * 100:+.1f}%", about(fact)

    @_claim()
    def mover(self, fact: Change, place: int, side: str) -> Printed:
        """A week's change as a table of the week's best (or worst) funds gives it, "+45.3%", claiming its `place` among
        every fund's week (1: the best, or the worst)."""
        return f"{fact.value * 100:+.1f}%", {**about(fact), "place": place, "side": side}

    @_claim()
    def movers_intro(self, fact: Figure) -> Printed:
        """What a table of the week's best and worst funds is of (`movers_intro` in the phrasebook, with how many funds had the week)."""
        return str(self.phrasebook["movers_intro"]).format(count=self._count(int(fact.value))), about(fact)


PAST_SPANS = frozenset({"day", "week", "month"})
"""Windows that have ended: their moves are told in the past tense; the year so far, a standing, in the present."""
SECTOR_RANKED = frozenset({"sectors", "market"})
"""Stories whose `ranked` funds are the sector funds, so a headline may name the leading and lagging sector."""
HEADLINE_SLOTS = frozenset({"leader", "laggard", "event", "streak", "group", "top", "bottom", "month"})
"""The slots a headline template may use (`Writer.headline_slots` says what fills each)."""
OCCASIONAL_SLOTS = frozenset({"event", "streak"})
"""Slots only some weeks fill: every headline list needs a template without them."""
PLAIN_SLOTS = frozenset({"month"})
"""Slots every week fills, which make a headline different but not more specific."""
STREAK_MIN = 3
"""A headline names a run of weekly gains or losses this long or longer."""


def template_fields(template: str) -> set[str]:
    """The slots a headline template uses: {"leader", "event"} for "{leader} ETFs Lead {event}"."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


LAST_PLACE = frozenset({"laggard", "leveraged_bottom", "worst_sector"})
"""Rank words about the last of a story's ranked funds (the others are about the first)."""
NAMED_RANKS = frozenset({"ytd_leader", "most_traded"})
"""Rank words about the fund a story field of the same name holds."""


def angle_of(story: Any) -> dict[str, Any]:
    """What an opening or a headline claims: the story's angle (of its lead fund, where the angle is about one)."""
    lead = {"subject": story.lead} if story.name == "drawdown" else {}
    return {"measure": "angle", "story": story.name, "angle": story.angle, **lead}


def _story_key(prefix: str, story: Any) -> str:
    return f"{prefix}_{story.name.replace('-', '_')}_{story.angle}"


@jinja2.pass_context
def _refuse_unrecorded(context: jinja2.runtime.Context, value: object) -> object:
    """A number or a ticker reaches the text only through a recording filter, so the ledger holds it."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise TemplateError(f"a template printed the bare number {value!r}: pass it through a filter (percent, move, ...)")
    if isinstance(value, Change | Figure | Crossing | BigMove | RecordWeek):
        raise TemplateError(f"a template printed the bare fact {type(value).__name__}: pass it through a filter (percent, move, ...)")
    writer = context.get("w")
    if isinstance(value, str) and not isinstance(value, Said) and isinstance(writer, Writer) and value in writer.universe.funds:
        raise TemplateError(f"a template printed the bare ticker {value!r}: pass it through `fund` or `ticker`")
    return value


def _writer_filter(method: str) -> Any:
    @jinja2.pass_context
    def apply(context: jinja2.runtime.Context, value: Any, *args: Any) -> Any:
        return getattr(context["w"], method)(value, *args)

    apply.__name__ = method
    return apply


WRITER_FILTERS = (
    "fund",
    "ticker",
    "name_and_ticker",
    "gate_reason",
    "volatility",
    "index",
    "sector",
    "leverage",
    "multiple",
    "bull_bear",
    "leverage_label",
    "on_day",
    "day",
    "longdate",
    "weekday",
    "capfirst",
    "percent",
    "points",
    "move",
    "signed",
    "word",
    "subhead",
    "off_high",
    "side",
    "average_name",
    "crossed",
    "crossed_times",
    "crossed_since",
    "line_crossed",
    "allocation",
    "superlative",
    "record_close",
    "record_week",
    "streak",
    "ratio",
    "rank",
    "members",
    "breadth",
    "table_percent",
    "mover",
    "movers_intro",
    "price",
    "range_position",
    "fund_name",
    "shares",
    "money",
    "traded",
    "volume",
    "level",
    "flow",
    "related",
    "event",
    "upcoming",
    "editor",
)
"""Writer methods a template uses as filters: `{{ fund.week.value | move }}`."""


@lru_cache(maxsize=4)
def environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_refuse_unrecorded,
        autoescape=False,
    )
    for name in WRITER_FILTERS:
        env.filters[name] = _writer_filter(name)
    env.globals["unknown"] = UNKNOWN
    return env


def render_template(templates_dir: Path, name: str, context: dict[str, Any]) -> str:
    """Render one template; Jinja's errors come back as one line with the template file and line."""
    try:
        return environment(templates_dir).get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"{error.filename or name}:{error.lineno}: {error.message}") from None
    except jinja2.UndefinedError as error:
        raise TemplateError(f"{_template_location(error, templates_dir / name)}: {error.message}") from None
    except TemplateError as error:
        raise TemplateError(f"{_template_location(error, templates_dir / name)}: {error}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(f"{_template_location(error, templates_dir / name)}: {error.message}") from None
    except (KeyError, AttributeError, TypeError, ValueError, IndexError) as error:
        raise TemplateError(f"{_template_location(error, templates_dir / name)}: {type(error).__name__}: {error}") from None


def _template_location(error: BaseException, fallback: Path) -> str:
    """`file:line` of the template frame where a render-time error arose, read off the traceback Jinja rewrites."""
    traceback = error.__traceback__
    location = f"{fallback}:?"
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            location = f"{filename}:{traceback.tb_lineno}"
        traceback = traceback.tb_next
    return location


_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def lede_text(body: str) -> str:
    """The article's first paragraph as plain text: the page's meta description and its feed summary, free of relative links."""
    first = body.strip().split("\n\n", 1)[0]
    text = _MARKDOWN_LINK.sub(r"\1", first)
    return " ".join(re.sub(r"[*_`]", "", text).split())
