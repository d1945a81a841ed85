"""Render stage: facts in, Markdown out, through Jinja templates that hold the wording.

Numbers reach the text only through the filters below: the environment's `finalize` refuses
to print a bare number, so a template cannot show a figure that skipped rounding and style.
Word choices rotate, seeded by the week, so a rebuild writes the same words.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel

from . import yamlfile
from .calendar import day_phrase_parts
from .config import Settings
from .errors import GeneratorError
from .facts import BigMove
from .universe import Universe

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
    """One figure, comparison or superlative as it reached the text, and where it came from."""

    text: str
    """The words as printed."""
    kind: str
    """The filter that wrote them (percent, move, since, ...)."""
    paths: tuple[str, ...]
    """Where the value lives in the week's facts (facts.json), e.g. `funds.IWM.week.value`; several for a shared small int."""
    value: Any
    """The unrounded value (dates as ISO strings, lists for a pair)."""
    args: tuple[Any, ...] = ()
    """Extra arguments of the filter (the span of a move: "day" or "week")."""


def provenance(facts: object) -> dict[int, tuple[str, ...]]:
    """Every value object in the facts, by identity, with the paths it sits at (shortest first)."""
    found: dict[int, list[str]] = {}

    def walk(value: object, path: str) -> None:
        if isinstance(value, BaseModel):
            for name, item in value.__dict__.items():
                walk(item, f"{path}.{name}" if path else name)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for item in dataclasses.fields(value):
                walk(getattr(value, item.name), f"{path}.{item.name}")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list | tuple):
            for position, item in enumerate(value):
                walk(item, f"{path}.{position}")
        if isinstance(value, float | int | date | BaseModel) and not isinstance(value, bool):
            found.setdefault(id(value), []).append(path)

    walk(facts, "")
    return {key: tuple(sorted(paths, key=len)) for key, paths in found.items()}


def _claim(method: Callable[..., str]) -> Callable[..., str]:
    """Record what a filter printed in the writer's ledger (the outermost call only: `move` uses `percent`)."""

    @functools.wraps(method)
    def record(self: Writer, value: Any, *args: Any) -> str:
        self.depth += 1
        try:
            text = method(self, value, *args)
        finally:
            self.depth -= 1
        if self.depth == 0 and self.index is not None:
            values = value if isinstance(value, list | tuple) else [value]
            paths = tuple(path for item in values for path in self.index.get(id(item), ("?",))[: 1 if len(values) > 1 else None])
            printable = [
                v.isoformat() if isinstance(v, date) else v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in values
            ]
            self.claims.append(Claim(text, method.__name__, paths, printable if len(values) > 1 else printable[0], args))
        return text

    return record


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


@dataclass
class Writer:
    """Per-article state behind the filters: first mentions, and words already used."""

    as_of: date
    universe: Universe
    phrasebook: dict[str, Any]
    settings: Settings
    mentioned: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)
    index: dict[int, tuple[str, ...]] | None = None
    """Provenance of the facts' values (see `provenance`); with it, every filter's output is recorded in `claims`."""
    claims: list[Claim] = field(default_factory=list)
    depth: int = 0
    fund_link: str | None = None
    """With it, a fund's first mention links to its page: the pattern takes the page's slug."""

    def pick(self, key: str) -> str:
        """A phrase from the phrasebook list `key`, seeded by the week, not repeating within the article."""
        options = self.phrasebook[key]
        start = _seed(self.as_of, key) % len(options)
        for offset in range(len(options)):
            choice = options[(start + offset) % len(options)]
            if choice not in self.used:
                self.used.add(choice)
                return str(choice)
        return str(options[start])

    def opening(self, key: str) -> str:
        """The week's opening sentence from the phrasebook list `key`, taken in turn by week number.

        With at least nine sentences in every list (`check` insists), no opening repeats within
        eight consecutive weeks, whatever the story.
        """
        options = self.phrasebook[key]
        return str(options[(self.as_of.toordinal() // 7) % len(options)])

    def said(self, text: str) -> str:
        """A quote as it stands before "said": its closing period becomes a comma."""
        text = text.strip()
        return text[:-1] + "," if text.endswith(".") else text if text[-1:] in "?!," else text + ","

    def fund(self, symbol: str) -> str:
        """Full name and listing on first mention, the ticker after."""
        if symbol in self.mentioned:
            return symbol
        self.mentioned.add(symbol)
        mention = self.universe[symbol].first_mention(self.settings.style)
        if self.fund_link is None:
            return mention
        return f"[{mention}]({self.fund_link.format(symbol.lower().lstrip('^'))})"

    @_claim
    def percent(self, value: float) -> str:
        """A fraction as an unsigned percentage with one decimal: 0.0243 -> "2.4 percent"."""
        number = f"{abs(value) * 100:.1f}"
        return f"{number}%" if self.settings.style.percent_style == "ap" else f"{number} percent"

    @_claim
    def points(self, value: float) -> str:
        return f"{abs(value) * 100:.1f} percentage points"

    def is_flat(self, value: float) -> bool:
        return abs(value) * 100 < self.settings.thresholds.flat_percent

    @_claim
    def move(self, value: float, span: str = "week") -> str:
        """A verb phrase sized to the move: "gained 2.4 percent", "tumbled 6.1 percent", "was basically flat"."""
        if self.is_flat(value):
            return self.pick("flat")
        big = self.settings.thresholds.big_day_percent if span == "day" else self.settings.thresholds.big_week_percent
        key = ("up" if value > 0 else "down") + ("_big" if abs(value) * 100 > big else "")
        return f"{self.pick('verbs_' + key)} {self.percent(value)}"

    @_claim
    def signed(self, value: float) -> str:
        """ "up 2.4 percent", "down 0.8 percent" or "basically flat"."""
        if self.is_flat(value):
            return "basically flat"
        return f"{'up' if value > 0 else 'down'} {self.percent(value)}"

    def respectively(self, symbols: Sequence[str], values: Sequence[float]) -> str:
        """Two funds' moves in one sentence, recorded as one claim."""
        return self.pair(values, symbols)

    @_claim
    def pair(self, values: Sequence[float], symbols: Sequence[str]) -> str:
        """Two funds' moves in one phrase.

        "VB and SCHA are up 2.4 percent and 2.1 percent, respectively" when they share a direction
        ("are both up 2.4 percent" when the figures print alike), "are both basically flat", else each
        on its own: "IWM is up 1.2 percent and SPY is basically flat".
        """
        directions = ["flat" if self.is_flat(v) else ("up" if v > 0 else "down") for v in values]
        names = [self.fund(s) for s in symbols]
        if len(set(directions)) == 1 and directions[0] != "flat":
            amounts = [self.percent(v) for v in values]
            if len(set(amounts)) == 1:
                return f"{self.series(names)} are both {directions[0]} {amounts[0]}"
            return f"{self.series(names)} are {directions[0]} {self.series(amounts)}, respectively"
        if set(directions) == {"flat"}:
            return f"{self.series(names)} are both basically flat"
        first, second = (f"{n} is {self.signed(v)}" for n, v in zip(names, values, strict=True))
        return f"{first} and {second}"

    @staticmethod
    def series(items: Sequence[str]) -> str:
        if len(items) <= 2:
            return " and ".join(items)
        return ", ".join(items[:-1]) + " and " + items[-1]

    @_claim
    def day(self, day: date) -> str:
        """ "Wednesday", "mid-May" or "March 2017", relative to the article's date."""
        return day_phrase_parts(day, self.as_of, self.phrasebook.get("date_phrases"))[1]

    @_claim
    def on_day(self, day: date) -> str:
        """ "on Wednesday", "last Thursday", "in mid-May", "in March 2017"."""
        kind, words = day_phrase_parts(day, self.as_of, self.phrasebook.get("date_phrases"))
        return {"weekday": "on ", "last_weekday": ""}.get(kind, "in ") + words

    @_claim
    def since(self, move: BigMove) -> str:
        """The window of a superlative: "since mid-May", or "since at least April 2016" when the data starts there."""
        if move.since is None:
            return f"since at least {move.data_start.strftime('%B %Y')}"
        return f"since {day_phrase_parts(move.since, self.as_of, self.phrasebook.get('date_phrases'))[1]}"

    @staticmethod
    def capfirst(text: str) -> str:
        """Upper-case the first letter only, for a phrase that opens a sentence (inside a leading link's brackets too)."""
        lead = 1 if text.startswith("[") else 0
        return text[:lead] + text[lead : lead + 1].upper() + text[lead + 1 :]

    @_claim
    def ratio(self, value: float) -> str:
        """Words for a ratio of returns, from the phrasebook's brackets."""
        for bracket in self.phrasebook["ratios"]:
            if bracket["min"] <= value < bracket["max"]:
                return str(bracket["words"])
        raise TemplateError(f"{PHRASEBOOK_FILE}: no ratio phrase covers {value:.2f}")

    @_claim
    def money(self, value: float) -> str:
        """Dollars as the desk writes them: "$310 million", "$2.7 billion", "$12.5 million", "$850,000" (unsigned)."""
        amount = abs(value)
        if amount >= 1e9:
            return f"${amount / 1e9:,.1f} billion"
        if amount >= 1e8:
            return f"${amount / 1e6:,.0f} million"
        if amount >= 1e6:
            return f"${amount / 1e6:,.1f} million"
        return f"${round(amount, -3):,.0f}"

    @_claim
    def count(self, value: int) -> str:
        """Whole numbers as AP writes them: "three", "12"."""
        words = self.phrasebook["numbers"]
        return str(words[abs(value)]) if abs(value) < len(words) else str(abs(value))

    @_claim
    def leverage(self, factor: int) -> str:
        """What a leveraged fund aims to deliver: "three times the inverse of"."""
        return str(self.phrasebook["leverage_words"][factor])

    @_claim
    def longdate(self, day: date) -> str:
        return f"{day:%B} {day.day}, {day.year}"

    @_claim
    def score(self, value: float) -> str:
        """A story's newsworthiness score, to one decimal."""
        return f"{value:.1f}"

    @_claim
    def table_percent(self, value: float) -> str:
        """A signed percentage for tables: "+2.4%", "-0.8%"."""
        return f"{value * 100:+.1f}%"


def _refuse_bare_numbers(value: object) -> object:
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise TemplateError(f"a template printed the bare number {value!r}: pass it through a filter (percent, move, ...)")
    return value


def _writer_filter(method: str) -> Any:
    @jinja2.pass_context
    def apply(context: jinja2.runtime.Context, value: Any, *args: Any) -> Any:
        return getattr(context["w"], method)(value, *args)

    apply.__name__ = method
    return apply


WRITER_FILTERS = (
    "fund",
    "on_day",
    "capfirst",
    "percent",
    "points",
    "move",
    "signed",
    "day",
    "since",
    "ratio",
    "count",
    "leverage",
    "longdate",
    "table_percent",
    "score",
    "money",
    "said",
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
        finalize=_refuse_bare_numbers,
        autoescape=False,
    )
    for name in WRITER_FILTERS:
        env.filters[name] = _writer_filter(name)
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
