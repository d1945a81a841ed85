"""`python -m generator check`: every editor-owned input validated before anything is written.

Settings, fund metadata, the phrasebook, templates (syntax, and a trial render of every story
against real facts, which catches an undefined fact), notes, the flows file and the events
calendar. Each problem is one line, `file:line: what is wrong and what to do`; a note written
ahead of the data is only a warning.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import jinja2

from . import config, sanitize, stories, yamlfile
from .config import ROOT
from .errors import GeneratorError
from .events import EVENTS_FILE, event_problems
from .flows import EDITOR_FLOWS, Flow, read_editor_flows
from .notes import NOTES_DIR, Note, note_date, parse_note
from .render import HEADLINE_SLOTS, OCCASIONAL_SLOTS, PHRASEBOOK_FILE, TEMPLATES_DIR, environment, load_phrasebook, template_fields
from .universe import FUNDS_FILE, UNIVERSE_FILE, Universe, load_universe, load_whole_universe, not_a_ticker

if TYPE_CHECKING:
    from .pipeline import Dataset

REQUIRED_LISTS = (
    "verbs_up",
    "verbs_up_big",
    "verbs_down",
    "verbs_down_big",
    "flat",
    "flat_both",
    "subheads_happened",
    "subheads_happened_good",
    "subheads_trader",
    "subheads_ahead",
    "context_openers",
    "leveraged_caution",
    "leveraged_caution_short",
    "ordinals",
)
PICKED_PREFIXES = ("headlines_", "subheads_", "verbs_")
"""Phrasebook lists the writer picks one phrase from (`Writer.pick`): an empty one would leave it nothing to pick."""
OPENINGS_MIN = 9
"""Each list of openings needs this many sentences so that none repeats within eight consecutive weeks."""


def check_inputs(root: Path = ROOT, wide: bool = False) -> list[str]:
    """Every problem found, one line each; an empty list means the inputs are good to build from. With `wide`, the
    metadata is the whole universe's (data/funds.yaml with data/universe.yaml behind it)."""
    problems = config.read_settings(root / config.SETTINGS_FILE)[1]
    universe = _collect(problems, lambda: load_whole_universe(root) if wide else load_universe(root / FUNDS_FILE))
    if universe is not None:
        problems += check_universe(universe, root / (UNIVERSE_FILE if wide else FUNDS_FILE))
    book = _collect(problems, lambda: load_phrasebook(root / PHRASEBOOK_FILE))
    if book is not None:
        problems += check_phrasebook(book, root / PHRASEBOOK_FILE)
    problems += check_template_syntax(root / TEMPLATES_DIR)
    flows = _collect(problems, lambda: read_editor_flows(root / EDITOR_FLOWS))
    problems += check_editor_flows(flows or [], universe, root / EDITOR_FLOWS)
    problems += event_problems(root / EVENTS_FILE)
    problems += check_notes(root / NOTES_DIR, universe)
    return problems


T = TypeVar("T")


def _collect(problems: list[str], load: Callable[[], T]) -> T | None:
    """The loaded value, or None with the error added to `problems`."""
    try:
        return load()
    except GeneratorError as error:
        problems.append(str(error))
        return None


def check_universe(universe: Universe, path: Path) -> list[str]:
    return [
        f"{path}: fund {fund.symbol}: underlying {fund.underlying} is not a fund in this file"
        for fund in universe.funds.values()
        if fund.underlying is not None and fund.underlying not in universe
    ]


def check_editor_flows(flows: list[Flow], universe: Universe | None, path: Path) -> list[str]:
    """Each row (from line 2, under the header) must name a fund of the metadata and cite its source in plain words."""
    problems = []
    for line, flow in enumerate(flows, start=2):
        unknown = universe is not None and flow.symbol not in universe
        reason = not_a_ticker(flow.symbol) or (f"unknown ticker {flow.symbol}: add it to {FUNDS_FILE} or fix the row" if unknown else None)
        if reason is not None:
            problems.append(f"{path}:{line}: {reason}")
        if sanitize.inline_markdown(flow.source) != flow.source:
            problems.append(f"{path}:{line}: the source {flow.source!r} has markup (HTML, `<` or a link): write it in plain words")
    return problems


def check_phrasebook(book: dict[str, object], path: Path) -> list[str]:
    text = yamlfile.read_text(path)
    problems = []
    picked = [key for key in book if key.startswith(PICKED_PREFIXES)]
    for key in dict.fromkeys([*REQUIRED_LISTS, *picked]):
        if not isinstance(book.get(key), list) or not book[key]:
            problems.append(f"{path}:{yamlfile.line_of(key, text)}: `{key}` must be a list with at least one phrase")
    openings: dict[str, str] = {}
    for key, value in book.items():
        line = yamlfile.line_of(key, text)
        if key.startswith("ledes_"):
            if not isinstance(value, list) or len(value) < OPENINGS_MIN:
                problems.append(f"{path}:{line}: `{key}` needs at least {OPENINGS_MIN} sentences, so none repeats within eight weeks")
                continue
            for sentence in value:
                if sentence in openings:
                    problems.append(f"{path}:{line}: `{key}` repeats an opening of `{openings[sentence]}`: {sentence!r}")
                openings[str(sentence)] = key
        if key.startswith("headlines_") and isinstance(value, list):
            problems += _check_headlines(key, [str(headline) for headline in value], book, f"{path}:{line}")
    problems += _check_directions(book, path, text)
    for story in stories.REGISTRY:
        for angle in story.angles:
            for prefix in ("headlines", "ledes"):
                if f"{prefix}_{story.key}_{angle}" not in book:
                    problems.append(f"{path}: no `{prefix}_{story.key}_{angle}` list for the {story.name} story's {angle} angle")
    return problems


HEADLINE_WORDS = (4, 9)
"""How long a headline may be, in words, with its slots filled (the style guide)."""
SECTOR_NAME_WORDS = (1, 2)
"""How many words a sector's name has in the metadata ("Energy", "Health Care")."""


def _slot_words(book: dict[str, object]) -> dict[str, tuple[int, int]]:
    """The fewest and most words each headline slot can fill, from the phrasebook entries that spell it."""
    spellings = {
        name: [str(words) for words in entry.values()] if isinstance(entry, dict) else []
        for name, entry in (("event", book.get("headline_events")), ("group", book.get("headline_groups")))
    }
    widths = {name: (min(len(w.split()) for w in words), max(len(w.split()) for w in words)) for name, words in spellings.items() if words}
    group = widths.get("group", (1, 1))
    return {
        **widths,
        "leader": SECTOR_NAME_WORDS,
        "laggard": SECTOR_NAME_WORDS,
        "streak": (4, 4),
        "month": (1, 1),
        "top": (group[0] + 1, group[1] + 1),
        "bottom": (group[0] + 1, group[1] + 1),
    }


def _check_headlines(key: str, headlines: list[str], book: dict[str, object], where: str) -> list[str]:
    """Only the known slots, 4 to 9 words whatever fills them, and one headline for a week without an event or a streak."""
    problems, widths = [], _slot_words(book)
    for headline in headlines:
        fields = template_fields(headline)
        if fields - HEADLINE_SLOTS or fields - set(widths):
            problems.append(f"{where}: `{key}`: {headline!r} uses {sorted(fields)}; the slots are {sorted(HEADLINE_SLOTS)}")
            continue
        if re.search(r"\bA \{(month|event|top|bottom|leader|laggard)\}", headline):
            problems.append(f'{where}: `{key}`: {headline!r} puts "A" before a slot that may start with a vowel')
        plain = len(headline.format(**dict.fromkeys(fields, "")).split())
        shortest, longest = (plain + sum(widths[f][end] for f in fields) for end in (0, 1))
        if shortest < HEADLINE_WORDS[0] or longest > HEADLINE_WORDS[1]:
            problems.append(f"{where}: `{key}`: {headline!r} runs {shortest} to {longest} words; a headline has 4 to 9")
    if headlines and all(template_fields(h) & OCCASIONAL_SLOTS for h in headlines):
        problems.append(f"{where}: `{key}` needs a headline with no {{event}} or {{streak}}, for a week with neither")
    return problems


DIRECTION_WORDS = frozenset({"up", "down", "flat", "reference", "span"})
"""What an entry of the phrasebook's `directions` may hold: words for a positive, negative and flat figure, the fund it
names and the window its sentence names."""


def _check_directions(book: dict[str, object], path: Path, text: str) -> list[str]:
    """Each `directions` entry has words for up and down (flat optional), using only {points} and {percent}."""
    entries = book.get("directions")
    line = yamlfile.line_of("directions", text)
    if not isinstance(entries, dict):
        return [f"{path}:{line}: `directions` must map each key to its up, down (and flat) words"]
    problems = []
    for key, words in entries.items():
        where = f"{path}:{yamlfile.line_at(text, ['directions', key])}: `directions.{key}"
        if not isinstance(words, dict) or not {"up", "down"} <= set(words) or set(words) - DIRECTION_WORDS:
            problems.append(f"{where}` needs `up` and `down` words (and may have `flat`, `reference` and `span`)")
            continue
        for direction in ("up", "down", "flat"):
            fields = {name for _, name, _, _ in string.Formatter().parse(str(words.get(direction, ""))) if name}
            if fields - {"points", "percent"}:
                problems.append(f"{where}.{direction}` uses {sorted(fields)}; only {{points}} and {{percent}} exist")
    return problems


def check_template_syntax(folder: Path) -> list[str]:
    """Compile every template in the environment that renders them; a syntax error or an unknown filter names the file
    and line. The compiled templates stay in that environment, for this run's rendering (and the processes it forks)."""
    env = environment(folder)
    problems = []
    for path in sorted(folder.rglob("*.j2")):
        name = path.relative_to(folder).as_posix()
        try:
            yamlfile.read_text(path)  # an encoding error named as the editors' files name one
            env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            problems.append(f"{path}:{error.lineno}: {error.message}")
        except yamlfile.YamlError as error:
            problems.append(str(error))
    return problems


def check_notes(folder: Path, universe: Universe | None) -> list[str]:
    if not folder.is_dir():
        return []
    problems = []
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        try:
            note_date(path)
            text = yamlfile.read_text(path)
            note = parse_note(path, text)
        except GeneratorError as error:
            problems.append(str(error))
            continue
        problems += _check_note_values(path, text, note, universe)
    return problems


def _check_note_values(path: Path, text: str, note: Note, universe: Universe | None) -> list[str]:
    problems = []
    if note.story is not None and note.story not in stories.STORY_NAMES:
        hint = yamlfile.suggest(note.story, list(stories.STORY_NAMES))
        problems.append(f"{path}:{yamlfile.line_of('story', text)}: unknown story `{note.story}`{hint}")
    if universe is not None:
        for flow in note.flows:
            if flow.symbol not in universe:
                problems.append(f"{path}:{_line_with(flow.symbol, text)}: unknown ticker {flow.symbol}: use a fund from {FUNDS_FILE}")
    return problems


def _line_with(word: str, text: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.search(rf"\b{re.escape(word)}\b", line):
            return number
    return 1


class DataCheck(NamedTuple):
    """What checking the inputs against the data found: problems stop the run, warnings are only printed."""

    problems: list[str]
    warnings: list[str]


def check_against_data(data: Dataset, root: Path = ROOT) -> DataCheck:
    """Notes must name a week the data has and a story it supports; every story must render for real facts.

    A note dated after the newest week is one written ahead: it waits, with a warning, until its week is in the data.
    """
    from .pipeline import render_article, week_facts, week_windows

    problems, warnings = [], []
    weeks = {w.date() for w in data.weeks}
    for day, note in data.notes.items():
        if day in weeks:
            continue
        if weeks and day > max(weeks):
            warnings.append(f"{note.path}: its week is not in the data yet (newest week ends {max(weeks)}): skipped until then")
            continue
        nearest = min(weeks, key=lambda w: abs((w - day).days)) if weeks else None
        hint = f"; the nearest week ends on {nearest}" if nearest else ""
        problems.append(f"{note.path}:1: no week of the data ends on {day}: name the note after a week's closing session{hint}")
    trial = {max(weeks)} | (set(data.notes) & weeks) if weeks else set()
    windows = [w for w in week_windows(data) if w.end in trial]
    for window in windows:
        facts = week_facts(data, window)
        forced = data.notes[window.end].story if window.end in data.notes else None
        supported = {score.name for score in facts.ranking}
        if forced is not None and forced in stories.STORY_NAMES and forced not in supported:
            problems.append(
                f"{data.notes[window.end].path}:1: the data does not support the {forced} story in the week ending {window.end}"
            )
            continue
        for name in sorted(supported if forced is None else {forced}):
            try:
                render_article(data, facts, name, root=root)
            except GeneratorError as error:
                problems.append(str(error))
    return DataCheck(sorted(set(problems), key=problems.index), warnings)
