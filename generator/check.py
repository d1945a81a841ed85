"""`python -m generator check`: every editor-owned input validated before anything is written.

Settings, fund metadata, the phrasebook, templates (syntax, and a trial render of every story
against real facts, which catches an undefined fact), notes and the flows file. Each problem is
one line, `file:line: what is wrong and what to do`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import jinja2

from . import config, stories
from .config import ROOT
from .errors import GeneratorError
from .flows import EDITOR_FLOWS, read_editor_flows
from .notes import NOTES_DIR, Note, note_date, parse_note
from .render import PHRASEBOOK_FILE, TEMPLATES_DIR, WRITER_FILTERS, load_phrasebook
from .universe import FUNDS_FILE, Universe, load_universe

if TYPE_CHECKING:
    from .pipeline import Dataset

REQUIRED_LISTS = (
    "verbs_up",
    "verbs_up_big",
    "verbs_down",
    "verbs_down_big",
    "flat",
    "subheads_happened",
    "subheads_happened_good",
    "subheads_trader",
)
OPENINGS_MIN = 9
"""Each list of openings needs this many sentences so that none repeats within eight consecutive weeks."""


def check_inputs(root: Path = ROOT) -> list[str]:
    """Every problem found, one line each; an empty list means the inputs are good to build from."""
    problems = config.load_settings(root / "mkdocs.yml")[1]
    universe = _collect(problems, lambda: load_universe(root / FUNDS_FILE))
    if universe is not None:
        problems += check_universe(universe, root / FUNDS_FILE)
    book = _collect(problems, lambda: load_phrasebook(root / PHRASEBOOK_FILE))
    if book is not None:
        problems += check_phrasebook(book, root / PHRASEBOOK_FILE)
    problems += check_template_syntax(root / TEMPLATES_DIR)
    flows = _collect(problems, lambda: read_editor_flows(root / EDITOR_FLOWS))
    if flows and universe is not None:
        problems += [
            f"{root / EDITOR_FLOWS}: unknown ticker {f.symbol}: add it to {FUNDS_FILE} or fix the row"
            for f in flows
            if f.symbol not in universe
        ]
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


def check_phrasebook(book: dict[str, object], path: Path) -> list[str]:
    from . import yamlfile

    text = path.read_text(encoding="utf-8")
    problems = []
    for key in REQUIRED_LISTS:
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
            for headline in value:
                fields = {name for _, name, _, _ in string.Formatter().parse(str(headline)) if name}
                if fields - {"leader", "laggard"}:
                    problems.append(f"{path}:{line}: `{key}`: {headline!r} uses {sorted(fields)}; only {{leader}} and {{laggard}} exist")
    for name in stories.STORY_NAMES:
        angle_keys = [k for k in book if k.startswith(f"headlines_{name.replace('-', '_')}_")]
        if not angle_keys:
            problems.append(f"{path}: no `headlines_{name.replace('-', '_')}_<angle>` lists for the {name} story")
    return problems


def check_template_syntax(folder: Path) -> list[str]:
    """Compile every template; a syntax error or an unknown filter names the file and line."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder))
    env.filters.update(dict.fromkeys(WRITER_FILTERS, lambda value, *args: value))
    problems = []
    for path in sorted(folder.rglob("*.j2")):
        name = path.relative_to(folder).as_posix()
        try:
            env.parse(path.read_text(encoding="utf-8"), name, str(path))
            env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            problems.append(f"{path}:{error.lineno}: {error.message}")
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
            note = parse_note(path, path.read_text(encoding="utf-8"))
        except GeneratorError as error:
            problems.append(str(error))
            continue
        problems += _check_note_values(path, note, universe)
    return problems


def _check_note_values(path: Path, note: Note, universe: Universe | None) -> list[str]:
    from . import yamlfile

    text = path.read_text(encoding="utf-8")
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


def check_against_data(data: Dataset, root: Path = ROOT) -> list[str]:
    """Notes must name a week the data has and a story it supports; every story must render for real facts."""
    from .pipeline import render_article, week_facts, week_windows

    problems = []
    weeks = {w.date() for w in data.weeks}
    for day, note in data.notes.items():
        if day not in weeks:
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
    return sorted(set(problems), key=problems.index)
