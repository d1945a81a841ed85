"""Editors' notes: one Markdown file per week, `content/notes/YYYY-MM-DD.md`, merged into that week's article.

The front matter can set the headline, force the story, add quotes, flows, related links and a
sentence for the lede, and hide sections; the body is a paragraph placed under a named section.
The generator only reads these files, and cleans every piece of text in them as it reads (see
`sanitize`): an editor's words reach the site as words, never as code. Every mistake is reported
as `file:line: what is wrong`, with the closest valid key when a key is misspelt.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from . import sanitize, yamlfile
from .errors import GeneratorError
from .universe import Ticker

NOTES_DIR = Path("content/notes")
"""Where editors keep notes, relative to the project root (MkDocs does not publish this folder)."""

Section = Literal["lede", "numbers", "evidence", "trader", "end"]
"""Places in an article where an editor's words can go."""
Hideable = Literal["evidence", "trader", "related", "charts"]
"""Parts of an article an editor can drop."""


Prose = Annotated[str, AfterValidator(sanitize.editor_markdown)]
"""Paragraphs of an editor's Markdown, cleaned as the note is read (see `sanitize`)."""
Phrase = Annotated[str, AfterValidator(sanitize.inline_markdown)]
"""Words that sit inside one of the article's sentences, cleaned and kept on one line."""
PlainText = Annotated[str, AfterValidator(sanitize.plain_text)]
"""A headline: no tags at all, since it is the page's title."""


def _link_url(url: str) -> str:
    """A related link's target, refused unless it is safe to follow (see `sanitize.link_url_problem`)."""
    problem = sanitize.link_url_problem(url)
    if problem is not None:
        raise PydanticCustomError("link_url", "{problem}", {"problem": problem})
    return url


class NoteError(GeneratorError):
    """A note that cannot be used; the message names the file and line."""


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Quote(Strict):
    text: Phrase
    name: Phrase
    title: Phrase
    firm: Phrase
    section: Section = "evidence"


class NoteFlow(Strict):
    symbol: Ticker
    amount: float
    start: date
    end: date
    source: Phrase


class Link(Strict):
    title: Phrase
    url: Annotated[str, AfterValidator(_link_url)]


class Note(Strict):
    """What an editor can set for one week; every field is optional."""

    headline: PlainText | None = None
    story: str | None = None
    theme_note: Phrase | None = None
    quotes: list[Quote] = Field(default_factory=list)
    flows: list[NoteFlow] = Field(default_factory=list)
    related: list[Link] = Field(default_factory=list)
    hide: list[Hideable] = Field(default_factory=list)
    section: Section = "evidence"
    """Where the body paragraph goes."""
    body: Prose = ""
    path: str = ""
    """The file the note came from (for messages)."""

    def placed(self, section: str) -> dict[str, Any]:
        """The quotes and body that go in `section`."""
        return {
            "quotes": [q for q in self.quotes if q.section == section],
            "body": self.body if self.section == section else "",
        }


EMPTY_NOTE = Note()
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.DOTALL)


def parse_note(path: Path, text: str) -> Note:
    """One note from its file text; raises NoteError naming the file and line."""
    match = FRONT_MATTER.match(text)
    if not match:
        if text.strip():
            return Note(body=text.strip(), path=str(path))
        return Note(path=str(path))
    front, body = match.group(1), match.group(2)
    raw = yamlfile.parse(front, path, first_line=2) or {}
    if not isinstance(raw, dict):
        raise NoteError(f"{path}:2: the front matter must be `key: value` lines")
    reserved = [str(key) for key in raw if not isinstance(key, str) or key in {"body", "path"}]
    if reserved:
        line = yamlfile.line_at(front, reserved[:1], first_line=2)
        raise NoteError(f"{path}:{line}: unknown key `{reserved[0]}`{yamlfile.suggest(reserved[0], _valid_keys(reserved[:1]))}")
    try:
        return Note(**raw, body=body.strip(), path=str(path))
    except ValidationError as error:
        first = error.errors()[0]
        location = [str(part) for part in first["loc"]]
        key = next((part for part in reversed(location) if not part.isdigit()), location[0])
        line = yamlfile.line_at(front, first["loc"], first_line=2)
        if first["type"] == "extra_forbidden":
            raise NoteError(f"{path}:{line}: unknown key `{key}`{yamlfile.suggest(key, _valid_keys(location))}") from None
        raise NoteError(f"{path}:{line}: `{'.'.join(location)}`: {first['msg']}") from None


def _valid_keys(location: list[str]) -> list[str]:
    models: dict[str, type[BaseModel]] = {"quotes": Quote, "flows": NoteFlow, "related": Link}
    model = models.get(location[0], Note) if len(location) > 1 else Note
    return [name for name in model.model_fields if name not in {"body", "path"}]


def note_date(path: Path) -> date:
    try:
        return date.fromisoformat(path.stem)
    except ValueError:
        raise NoteError(f"{path}:1: a note is named after its week's closing session, YYYY-MM-DD.md (e.g. 2018-10-26.md)") from None


def read_notes(folder: Path) -> dict[date, Note]:
    """Every note in `folder`, by week; the first error stops the read."""
    notes: dict[date, Note] = {}
    if not folder.is_dir():
        return notes
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        notes[note_date(path)] = parse_note(path, yamlfile.read_text(path))
    return notes
