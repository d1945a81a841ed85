"""The market-events calendar, `data/events.csv`: what happened in a week, and what is scheduled after it.

One row per event (FOMC decisions, elections, tariffs, sell-offs, oil deals, jobs reports), each
with its sources and how well they confirm it. An article names it as context in the row's own
clause, its `phrase` ("in a week when the Federal Reserve cut its target range by a quarter
point, to 1.75-2.00 percent"), never as a cause: the calendar records what happened and when,
not what moved a price. Editors add rows as weeks go by, including scheduled events still to
come. The file is read like every other editor file: each problem is one line, `file:line: what is wrong`.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from . import sanitize, yamlfile
from .errors import GeneratorError

EVENTS_FILE = Path("data/events.csv")
"""The calendar, relative to the project root."""
COLUMNS = ("date", "kind", "title", "detail", "phrase", "source", "confidence")
SOURCE_SEPARATOR = " | "
"""Between two sources in the `source` column."""
CAUSE_WORDS = (
    "because",
    "as a result",
    "due to",
    "caused",
    "sent",
    "sending",
    "drove",
    "driving",
    "pushed",
    "pushing",
    "triggered",
    "triggering",
    "sparked",
    "sparking",
    "fueled",
    "fueling",
    "on fears",
    "amid",
)
"""Words that make a phrase say why markets moved, which the calendar cannot show: a phrase gives context, never a cause."""

Kind = Literal[
    "fomc",
    "fed-balance-sheet",
    "fed-facility",
    "fed-policy",
    "election",
    "referendum",
    "political",
    "fiscal",
    "trade",
    "covid",
    "volatility",
    "market",
    "rates",
    "commodity",
    "jobs",
]
Confidence = Literal["confirmed-by-two-sources", "confirmed"]
"""`confirmed-by-two-sources`: two or more sources agree; `confirmed`: one source."""

SCHEDULED_KINDS: frozenset[Kind] = frozenset({"fomc", "jobs"})
"""Kinds whose date is set in advance, so a forward look may name them without knowing the future.
Elections and referendums are not among them: their results are filed under the same kind."""

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
COMMIT_SOURCE = re.compile(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}:[^\s|]+")
"""A file of a repository at one commit, `owner/name@<40-hex commit>:path`: a citation that cannot change under it."""
CAUSE = re.compile(r"\b(?:" + "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in CAUSE_WORDS) + r")\b", re.IGNORECASE)


class EventsError(GeneratorError):
    """The events calendar cannot be used; the message names the file and line."""


def _refusal(problem: str) -> PydanticCustomError:
    """A validation error whose message is `problem` as written (the reader prints it after `file:line:`)."""
    return PydanticCustomError("event", "{problem}", {"problem": problem})


def _iso_date(value: object) -> object:
    """YYYY-MM-DD and nothing else (pydantic would also take a timestamp or `2016-06-24T00:00`)."""
    if not isinstance(value, str):
        return value
    try:
        if ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise _refusal(f"`{value}` is not a date: write YYYY-MM-DD")


def _words(text: str, info: ValidationInfo) -> str:
    """A title, detail or phrase sits inside an article's sentence: plain words on one line, no tag (see `sanitize.plain_text`)."""
    words = " ".join(text.split())
    if info.field_name in {"title", "phrase"} and not words:
        raise _refusal(f"the {info.field_name} is empty: every event needs one")
    if sanitize.plain_text(words) != words:
        raise _refusal(f"the {info.field_name} {words!r} has markup (HTML, `<` or a link): write it in plain words")
    return words


def _source(source: str) -> str:
    """A source is an http(s) URL the site may link to, or `repo@commit:path`."""
    if not source:
        raise _refusal(f"empty source: every row needs at least one, an http(s) URL or repo@commit:path, separated by `{SOURCE_SEPARATOR}`")
    parts = urlsplit(source)
    web = parts.scheme in {"http", "https"} and bool(parts.netloc) and "|" not in source and sanitize.link_url_problem(source) is None
    if not (web or COMMIT_SOURCE.fullmatch(source)):
        raise _refusal(
            f"`{source}` is neither an http(s) URL nor repo@commit:path (owner/name@<40-hex commit>:path);"
            f" separate sources with `{SOURCE_SEPARATOR}`"
        )
    return source


def _context(phrase: str) -> str:
    """A phrase names what happened, never why a market moved."""
    cause = CAUSE.search(phrase)
    if cause:
        raise _refusal(f"a phrase gives context, not a cause: `{cause.group()}` says why something moved; write what happened")
    return phrase


Words = Annotated[str, AfterValidator(_words)]


class Event(BaseModel):
    """One row of the calendar: what became public on `date` (U.S. Eastern), in the calendar's own words, with its sources.

    `phrase` is the clause an article names the event with: it completes "It was a week when ___."
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: Annotated[date, BeforeValidator(_iso_date)]
    kind: Kind
    title: Words
    detail: Words
    phrase: Annotated[str, AfterValidator(_words), AfterValidator(_context)]
    sources: tuple[Annotated[str, AfterValidator(_source)], ...]
    confidence: Confidence

    @model_validator(mode="after")
    def _two_sources_for_two(self) -> Event:
        if self.confidence == "confirmed-by-two-sources" and len(self.sources) < 2:
            raise _refusal("`confirmed-by-two-sources` needs two sources: add the second, or write `confirmed`")
        return self

    @property
    def scheduled(self) -> bool:
        """Whether its date was known ahead: an FOMC meeting on the Fed's calendar or a jobs report.

        An unscheduled FOMC decision says so in its title (`FOMC unscheduled decision: cut`).
        """
        return self.kind in SCHEDULED_KINDS and "unscheduled" not in self.title.casefold()


def read_events(path: Path) -> list[Event]:
    """The calendar, oldest first; the first problem stops the read. No file means no events."""
    events, problems = _read(path)
    if problems:
        raise EventsError(problems[0])
    return events


def event_problems(path: Path) -> list[str]:
    """Every problem of the calendar, one line each, for `check`."""
    return _read(path)[1]


def events_between(events: list[Event], start: date, end: date) -> list[Event]:
    """The week's context: a week runs from the close of its `start` session to the close of its `end` session.

    So an event on the start session's day belongs to the week before, and one on a weekend to the week after it.
    """
    return [event for event in events if start < event.date <= end]


def events_after(events: list[Event], day: date, days: int) -> list[Event]:
    """The scheduled events in the `days` calendar days after `day`, for a forward look.

    Only scheduled ones: an article as of `day` could not have known of the others. Their titles
    may still tell the outcome (`FOMC decision: hike`), so a forward look names the event, not the title.
    """
    return [event for event in events if event.scheduled and day < event.date <= day + timedelta(days=days)]


def _read(path: Path) -> tuple[list[Event], list[str]]:
    """The events that can be used, oldest first, and one line per problem."""
    if not path.exists():
        return [], []
    try:
        records = _records(path)
    except EventsError as error:
        return [], [str(error)]
    events: list[Event] = []
    problems: list[str] = []
    first_line: dict[tuple[date, str], int] = {}
    for line, record in records:
        if len(record) != len(COLUMNS):
            problems.append(f"{path}:{line}: {_shape_problem(record)}")
            continue
        fields = dict(zip(COLUMNS, record, strict=True))
        sources = tuple(source.strip() for source in fields.pop("source").split(SOURCE_SEPARATOR))
        try:
            event = Event.model_validate({**{name: value.strip() for name, value in fields.items()}, "sources": sources})
        except ValidationError as error:
            problems += [f"{path}:{line}: {_reason(detail)}" for detail in error.errors()]
            continue
        key = (event.date, event.title)
        if key in first_line:
            problems.append(f"{path}:{line}: duplicate of line {first_line[key]}: the same date and title")
            continue
        first_line[key] = line
        events.append(event)
    return sorted(events, key=lambda event: event.date), problems


def _records(path: Path) -> list[tuple[int, list[str]]]:
    """The rows under the header, each with the line it starts on (a quoted field may span lines); blank lines skipped."""
    try:
        text = yamlfile.read_text(path).removeprefix("\ufeff")  # the byte order mark a spreadsheet may save
    except yamlfile.YamlError as error:
        raise EventsError(str(error)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    if tuple(header) != COLUMNS:
        raise EventsError(f"{path}:1: {_header_problem(header)}")
    records = []
    end_of_previous = reader.line_num
    try:
        for record in reader:
            if record:
                records.append((end_of_previous + 1, record))
            end_of_previous = reader.line_num
    except csv.Error as error:
        raise EventsError(f"{path}:{end_of_previous + 1}: {error}: is a double quote left open on this line?") from None
    return records


def _shape_problem(record: list[str]) -> str:
    """What a row with too many or too few fields most likely lacks."""
    found = f"expected {len(COLUMNS)} fields, as in the header, found {len(record)}"
    if any("\n" in field for field in record):
        return f"{found}: a double quote opened on this line is not closed"
    if len(record) > len(COLUMNS):
        return f"{found}: put a field that holds a comma in double quotes"
    return f"{found}: write {','.join(COLUMNS)}"


def _header_problem(header: list[str]) -> str:
    unknown = [f"unknown column `{name}`{yamlfile.suggest(name, list(COLUMNS))}" for name in header if name not in COLUMNS]
    missing = [f"`{name}`" for name in COLUMNS if name not in header]
    found = [*unknown, *([f"missing {', '.join(missing)}"] if missing else [])]
    return f"{'; '.join(found or ['the columns are out of order or repeated'])}: the header is {','.join(COLUMNS)}"


def _reason(error: ErrorDetails) -> str:
    """A pydantic error in the calendar's words: an unknown kind or confidence gets the closest valid one."""
    field = ".".join(str(part) for part in error["loc"] if isinstance(part, str))
    if error["type"] == "literal_error":
        valid = list(get_args(Kind if field == "kind" else Confidence))
        return f"unknown {field} `{error['input']}`{yamlfile.suggest(str(error['input']), valid)}"
    if error["type"] == "event":
        return error["msg"]
    return f"`{field}`: {error['msg']}"
