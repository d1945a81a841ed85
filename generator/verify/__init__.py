"""Fact check: every figure, fund, date and data-bound word of an article, recomputed from the prices.

This is a second, deliberately plain implementation. Closes come straight from the price store
as a dict; windows come from the article's own date and the sessions in the prices; each value
is recomputed here with a few lines of arithmetic, never by calling the compute, facts or story
stages, and nothing is read from the week's facts file. The ledger says only what each phrase
refers to (a fund, a measure, a window, a session); the check recomputes the value and reads the
printed words against it. An article passes when
- every claim in the ledger stands in the text, in order (whitespace aside);
- each claim's words are true of the recomputed value, to the decimal shown, and of its subject:
  a figure belongs to the fund last named before it in its sentence (or, with none, the fund
  named later in the sentence or last named before it: "It closed ...");
- nothing outside the claims carries meaning: no digit, ticker, fund name or data-bound word
  (`MEANING_WORDS`, the phrasebook's verbs) is left unaccounted for;
- the chart descriptions, specs and data files say what the prices say;
- the prose keeps the desk's copy-editing rules (`style.py`: tenses, figures, points, verbs, crossings).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import ROOT, Settings
from ..events import EVENTS_FILE, Event
from ..holdings import HOLDINGS, no_holdings, read_holdings
from ..universe import Universe
from ..week_cache import code_digest, entry, read_kept, write_kept
from ..workers import spread
from .charts import verify_charts
from .claims import FRONT
from .prices import Closes, Context, read_events_file
from .text import FIGURE, MEANING_WORDS, verify

__all__ = [
    "FIGURE",
    "MEANING_WORDS",
    "Closes",
    "Context",
    "Report",
    "verify",
    "verify_article",
    "verify_edition",
    "verify_folder",
    "verify_fund_pages",
]


def verify_article(
    markdown: str,
    ledger: dict[str, Any],
    closes: Closes,
    universe: Universe,
    phrasebook: dict[str, Any],
    settings: Settings,
    window: str = "calendar",
    as_of: date | None = None,
    events: dict[tuple[str, str], Event] | None = None,
    holdings: pd.DataFrame | None = None,
) -> tuple[int, list[str]]:
    """(claims verified, problems) for one article held in memory; `window` is how its week was chosen (calendar or trailing).

    `events` are the editors' events as `read_events_file` reads them (by default, the project's file); `holdings` the
    holdings snapshots as `holdings.read_holdings` reads them (by default, the project's file).
    """
    day = as_of or _article_date(markdown)
    if day is None:
        return 0, ["the article has no date in its front matter"]
    known = read_events_file(ROOT / EVENTS_FILE) if events is None else events
    snapshots = read_holdings(ROOT / HOLDINGS) if holdings is None else holdings
    context = Context(closes, universe, phrasebook, settings, day, window, events=known, holdings=snapshots)
    return verify(markdown, ledger, context)


def _article_date(markdown: str) -> date | None:
    front = FRONT.match(markdown)
    found = re.search(r"^date: (\d{4}-\d{2}-\d{2})$", front.group(1), re.MULTILINE) if front else None
    return date.fromisoformat(found.group(1)) if found else None


@dataclass
class Report:
    articles: int
    claims: int
    problems: list[str]
    pages: int = 0
    """Fund pages checked (a full check only)."""


VERIFIED_DIR = "verified"
"""In the cache folder: the pages whose check passed, by page and by a digest of what the check read."""

Result = tuple[Any, int, list[str]]
"""A check's (what was checked or None, claims verified, problems)."""


@dataclass(frozen=True)
class _PagesCheck:
    """What every fund page's check reads (inherited by the processes that check them), and where passes are remembered."""

    docs: Path
    closes: Closes
    universe: Universe
    phrasebook: dict[str, Any]
    settings: Settings
    cache: Path | None = None
    """Where a page that passed is remembered under a digest of everything its check reads (None: check every one)."""

    def _read_by_all(self) -> list[bytes]:
        return [
            code_digest(),
            *(part.encode() for part in (self.universe.model_dump_json(), repr(self.phrasebook), self.settings.model_dump_json())),
            repr(self.closes.store_start).encode(),
        ]

    @functools.cached_property
    def shared(self) -> bytes:
        """The digest of what every check reads besides its own files, the posts and the prices."""
        digest = hashlib.sha256()
        for part in self._read_by_all():
            digest.update(hashlib.sha256(part).digest())
        return digest.digest()

    @functools.cached_property
    def _posts(self) -> tuple[list[str], list[bytes]]:
        """Every post's date, and the digest of every post's name and bytes up to it, by name (so by date): a related link
        is checked against the headline of the post it names."""
        names, digests, digest = [], [], hashlib.sha256()
        for path in sorted((self.docs / "posts").glob("*.md")):
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
            names.append(path.name[:10])
            digests.append(digest.copy().digest())
        return names, digests

    def key(self, name: str, files: list[Path], through: date) -> str:
        """What the check of page `name` reads: `files` (its own), the posts and the prices up to `through`, and the rest."""
        digest = hashlib.sha256(self.shared + name.encode() + b"\0")
        for path in files:
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        names, posts = self._posts
        count = bisect.bisect_right(names, through.isoformat())
        digest.update(posts[count - 1] if count else b"")
        digest.update(self.closes.digest_through(through))
        return digest.hexdigest()

    def remembered_page(self, page: Path, folder: Path) -> Path | None:
        """The entry of a page checked with the files of its folder (a fund page, the edition). A page may be dated by any
        session (a fund's last close), so its key reads every post and every price."""
        if self.cache is None:
            return None
        files = [page, *sorted(p for p in folder.glob("*") if p.is_file())]
        return entry(self.cache / folder.relative_to(self.docs), date.max, self.key(page.name, files, date.max))

    def checked(
        self, task: Callable[[Any, Path], Result], items: list[Path], jobs: int, remembered: Callable[[Path], Path | None]
    ) -> list[Result]:
        """`task`'s result for each item, over `jobs` processes; where `remembered` names the entry of a check that read
        what this one reads and passed, that pass is read back instead (only passes are remembered)."""
        entries = [remembered(item) for item in items]
        results: list[Result | None] = [None if path is None else read_kept(path) for path in entries]
        missing = [number for number, result in enumerate(results) if not isinstance(result, tuple)]
        if missing:
            self.closes.read()
        for number, result in zip(missing, spread(task, self, [items[number] for number in missing], jobs), strict=True):
            results[number] = result
            path = entries[number]
            if path is not None and result[0] is not None and not result[2]:
                write_kept(path, result)
        return [result for result in results if result is not None]


@dataclass(frozen=True)
class _FolderCheck(_PagesCheck):
    """What every article's check in one docs dir reads: what a fund page's does, and the weeks, events and holdings."""

    weeks: set[date] | None = None
    events: dict[tuple[str, str], Event] = dataclasses.field(default_factory=dict)
    holdings: pd.DataFrame = dataclasses.field(default_factory=no_holdings)

    def _read_by_all(self) -> list[bytes]:
        holdings = pd.util.hash_pandas_object(self.holdings, index=False).to_numpy().tobytes()
        return [*super()._read_by_all(), repr(self.events).encode(), holdings]

    def remembered(self, ledger_path: Path) -> Path | None:
        """The entry of the article a ledger names: its check reads the files of its week's folder (the ledger, the
        charts), the posts up to its week (its own, and those its links name), the prices up to the end of its week, and
        the rest. None for a ledger outside any week, or of a week not checked."""
        try:
            day = date.fromisoformat(ledger_path.parent.name)
        except ValueError:
            return None
        if self.cache is None or (self.weeks is not None and day not in self.weeks):
            return None
        week_end = day + timedelta(days=6 - day.weekday())
        files = sorted(p for p in ledger_path.parent.iterdir() if p.is_file())
        story = ledger_path.name.removesuffix(".claims.json")
        return entry(self.cache / story, day, self.key(ledger_path.name, files, week_end))


def verify_folder(
    docs: Path,
    closes: Closes,
    universe: Universe,
    phrasebook: dict[str, Any],
    settings: Settings,
    weeks: set[date] | None = None,
    events: Path | None = None,
    holdings: Path | None = None,
    jobs: int = 1,
    cache: Path | None = None,
) -> Report:
    """Every article in the docs dir with its ledger (or only those of `weeks`, each of which must have one).

    An article's week comes from its own date (front matter and file name must agree) and must
    be a week's last session in the prices; its charts are checked from the week's folder.
    `closes` are the prices with their history in front (load.with_history), built once for every folder a run checks.
    The articles are checked over `jobs` processes. With `cache`, an article or page whose check reads exactly what the
    check of one that passed read (the same files, prices up to its week, metadata, settings, events and code) is counted
    as passed again without being recomputed; only passes are remembered.
    """
    check = _FolderCheck(
        docs,
        closes,
        universe,
        phrasebook,
        settings,
        None if cache is None else cache / VERIFIED_DIR,
        weeks,
        read_events_file(events or ROOT / EVENTS_FILE),
        read_holdings(holdings or ROOT / HOLDINGS),
    )
    results = check.checked(_checked_article, sorted((docs / "weeks").glob("*/*.claims.json")), jobs, check.remembered)
    checked = {day for day, _, _ in results if day is not None}
    articles = sum(day is not None for day, _, _ in results)
    claims = sum(count for _, count, _ in results)
    problems = [problem for _, _, found in results for problem in found]
    problems += [
        f"{docs / 'weeks'}: no article for the week ending {day} (generate it first)" for day in sorted((weeks or set()) - checked)
    ]
    if weeks is None:
        # The same check: the posts' and the shared inputs' digests are computed once for articles and pages alike.
        pages, page_claims, found = _checked_fund_pages(check, jobs)
        edition_claims, edition_found = _checked_edition(check)
        return Report(
            articles=articles,
            claims=claims + page_claims + edition_claims,
            problems=problems + found + edition_found,
            pages=pages,
        )
    return Report(articles=articles, claims=claims, problems=problems)


def _checked_article(check: _FolderCheck, ledger_path: Path) -> Result:
    """(the article's week if it was checked, claims verified, problems) for the article a ledger names."""
    docs, closes = check.docs, check.closes
    try:
        ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
        article = docs / str(ledger["article"])
    except (ValueError, KeyError, TypeError) as error:
        return None, 0, [f"{ledger_path}: not a claims ledger ({error})"]
    if not article.resolve().is_relative_to((docs / "posts").resolve()) or not article.exists():
        return None, 0, [f"{ledger_path}: its article {article} is missing"]
    markdown = article.read_text(encoding="utf-8")
    day = _article_date(markdown)
    if day is None or not article.name.startswith(day.isoformat()) or ledger_path.parent.name != day.isoformat():
        return None, 0, [f"{article}: its date, its file name and its ledger's folder disagree"]
    if check.weeks is not None and day not in check.weeks:
        return None, 0, []
    problems = []
    later = closes.position.get(day, len(closes.sessions)) + 1
    if later < len(closes.sessions) and closes.sessions[later].isocalendar()[:2] == day.isocalendar()[:2]:
        problems.append(f"{article}: {day} is not the last session of its week")
    ctx = Context(closes, check.universe, check.phrasebook, check.settings, day, "calendar", docs, check.events, holdings=check.holdings)
    count, found = verify(markdown, ledger, ctx)
    found += verify_charts(ledger_path.parent, str(ledger.get("story", "")), markdown, ctx)
    return day, count, problems + [f"{article}: {problem}" for problem in found]


def verify_edition(
    docs: Path, closes: Closes, universe: Universe, phrasebook: dict[str, Any], settings: Settings, cache: Path | None = None
) -> tuple[int, list[str]]:
    """(claims verified, problems) for the home page's edition (`edition.md`, its ledger in `edition/claims.json`),
    as of the week its ledger names (each date it prints must be that week's end, each figure true of it); with `cache`,
    read back when a check of the same files and prices passed."""
    return _checked_edition(_PagesCheck(docs, closes, universe, phrasebook, settings, cache))


def _checked_edition(check: _PagesCheck) -> tuple[int, list[str]]:
    page = check.docs / "edition.md"
    if not page.exists():
        return 0, []
    [(_, count, problems)] = check.checked(_check_edition, [page], 1, lambda page: check.remembered_page(page, check.docs / "edition"))
    return count, problems


def _check_edition(check: _PagesCheck, page: Path) -> Result:
    ledger_path = check.docs / "edition" / "claims.json"
    if not ledger_path.exists():
        return 0, 0, [f"{page}: no claims ledger beside it ({ledger_path})"]
    ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
    as_of = date.fromisoformat(str(ledger.get("as_of")))
    ctx = Context(check.closes, check.universe, check.phrasebook, check.settings, as_of, "calendar", check.docs)
    count, found = verify(page.read_text(encoding="utf-8"), ledger, ctx)
    return 1, count, [f"{page}: {problem}" for problem in found]


def verify_fund_pages(
    docs: Path,
    closes: Closes,
    universe: Universe,
    phrasebook: dict[str, Any],
    settings: Settings,
    jobs: int = 1,
    cache: Path | None = None,
) -> tuple[int, int, list[str]]:
    """Every fund page and the funds index with its ledger (funds/<slug>/claims.json), as of the date its ledger names:
    the end of the edition's week, or a fund's last close before it (a page of a fund the gates left out: the newest
    session). Its week is the calendar week ending then, as the edition's is. The pages are checked over `jobs` processes
    (the whole universe has hundreds); with `cache`, a page whose check reads what a passing check read is not checked
    again."""
    return _checked_fund_pages(_PagesCheck(docs, closes, universe, phrasebook, settings, cache), jobs)


def _checked_fund_pages(check: _PagesCheck, jobs: int) -> tuple[int, int, list[str]]:
    pages = sorted((check.docs / "funds").glob("*.md"))
    results = check.checked(_check_page, pages, jobs, lambda page: check.remembered_page(page, page.with_suffix("")))
    return sum(pages for pages, _, _ in results), sum(claims for _, claims, _ in results), [p for _, _, found in results for p in found]


def _check_page(check: _PagesCheck, page: Path) -> Result:
    """(1 if the page was checked, claims verified, problems) for one fund page or the funds index."""
    closes = check.closes
    ledger_path = page.with_suffix("") / "claims.json"
    if not ledger_path.exists():
        return 0, 0, [f"{page}: no claims ledger beside it ({ledger_path})"]
    ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
    symbol = ledger.get("symbol")
    named = symbol in check.universe.funds and page.stem == str(symbol).lower().lstrip("^")
    if not (named or (symbol is None and page.name == "index.md")):
        return 0, 0, [f"{page}: its ledger is for {symbol!r}"]
    left_out = any(isinstance(c, dict) and c.get("kind") == "gate_reason" for c in ledger.get("claims", []))
    try:
        as_of = closes.sessions[-1] if left_out else date.fromisoformat(str(ledger.get("as_of")))
    except ValueError:
        return 0, 0, [f"{page}: its ledger names no date ({ledger.get('as_of')!r})"]
    dated = _page_date_problem(as_of, symbol, closes)
    if dated and not left_out:
        return 0, 0, [f"{page}: {dated}"]
    ctx = Context(closes, check.universe, check.phrasebook, check.settings, as_of, "calendar", check.docs)
    markdown = page.read_text(encoding="utf-8")
    count, found = verify(markdown, ledger, ctx)
    found += verify_charts(ledger_path.parent, "", markdown, ctx)
    return 1, count, [f"{page}: {problem}" for problem in found]


def _page_date_problem(day: date, symbol: str | None, closes: Closes) -> str | None:
    """Why a fund page (or, with no symbol, the funds index) cannot be dated `day`: a page is of a week's last session
    (the edition's), or of a fund's last close."""
    if day not in closes.position:
        return f"{day} is not a session in the prices"
    later = closes.position[day] + 1
    week_end = later == len(closes.sessions) or closes.sessions[later].isocalendar()[:2] != day.isocalendar()[:2]
    if symbol is not None and not closes.has(symbol, day):
        return f"{symbol} has no close on {day}"
    if not week_end and (symbol is None or day != max(closes.by_symbol[symbol])):
        return f"{day} is neither the last session of its week nor the fund's last close"
    return None
