"""The stages in order: load -> compute -> facts -> story -> render -> chart -> write.

Each function here hands one stage's output to the next; none of them formats text or does
arithmetic of its own.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from . import chart, facts, stories
from .bundles import SAMPLE, Bundle
from .calendar import Window, calendar_week, complete_weeks, nyse_sessions, trailing_week, week_closing_sessions
from .compute import Panel, build_panel, panel_within, record_changes, weekly_changes
from .config import (
    CORE_SYMBOLS,
    EDITION_FUNDS,
    EVENT_PRIORITY,
    EVENTS_NAMED,
    HEADLINE_MONTH_MIN_DAY,
    HEATMAP_STEPS_PERCENT,
    MOVERS_LISTED,
    ROOT,
    UPCOMING_DAYS,
    Settings,
    documented_fields,
    load_settings,
)
from .errors import MissingDataError, PriceDataError
from .events import EVENTS_FILE, Event, read_events
from .flows import EDITOR_FLOWS, SNAPSHOTS, Flow, latest_assets, read_editor_flows, read_snapshots, week_flows
from .holdings import HOLDINGS, allocation, read_holdings
from .load import LoadReport, Prices, read_store, with_history
from .notes import EMPTY_NOTE, NOTES_DIR, Note, read_notes
from .render import PHRASEBOOK_FILE, TEMPLATES_DIR, Claim, Writer, lede_text, load_phrasebook, render_template
from .universe import Universe
from .week_cache import WeekCache, folder_digest
from .workers import spread

POSTS_DIR = Path("posts")
WEEKS_DIR = Path("weeks")
POST_URL_DEPTH = 4
"""Posts are served at `yyyy/MM/dd/slug/` (mkdocs.yml, blog `post_url_format`): four folders below the site root."""
QUOTED_FIELDS = frozenset({"title", "description"})
"""Front-matter fields written JSON-quoted: free text, whatever punctuation it holds."""
RELATED_LINKS = 3


@dataclass(frozen=True)
class Dataset:
    """Everything the later stages read: prices, their derived panel, metadata and the weeks to write."""

    prices: Prices
    panel: Panel
    """Every fund's metrics from the price store's first session (fund pages): each figure as the whole history gives it."""
    story_panel: Panel
    """The metrics of the funds the stories cover, over the whole history (records and "since" reach back to 1927):
    those of data/funds.yaml, the only entries that give every fact a story reads (all the sample's funds; the whole
    universe's others have fund pages and the edition's movers)."""
    universe: Universe
    calendar: pd.DatetimeIndex
    weeks: pd.DatetimeIndex
    weekly: pd.DataFrame
    """Each calendar week's change per symbol, back-history included, for streaks."""
    record_weeks: pd.DataFrame
    """The same as a record search reads it: NaN in a week with a distribution (compute.record_changes)."""
    store_start: pd.Timestamp
    """The first session of the price store: the history before it feeds the figures, but nothing is published about it
    (weeks, fund pages and their charts start here)."""
    load_notes: list[str]
    """What the load left out (a fund's history that does not join the store), for the run's log."""
    source: str
    settings: Settings
    excluded: dict[str, str]
    """Funds the publication gates left out, with the reason: their prices are not in `prices`, so nothing shows them."""
    snapshots: pd.DataFrame
    """Dated shares-outstanding and total-assets snapshots (flows.SNAPSHOTS)."""
    holdings: pd.DataFrame
    """Dated sector-weight and top-holding snapshots (holdings.HOLDINGS)."""
    editor_flows: list[Flow]
    notes: dict[date, Note]
    """Editors' notes by week (content/notes/YYYY-MM-DD.md)."""
    events: list[Event]
    """The editors' events file (data/events.csv), by date."""
    cache: Path | None = None
    """Where each week's facts are kept across runs (week_cache); None: only for this run, in memory."""
    wide: bool = False
    """The whole universe (bundles.UNIVERSE): the edition lists the week's best and worst among all its funds."""
    jobs: int = 1
    """How many processes a run spreads its independent work over (each week's facts, each week's articles)."""

    @functools.cached_property
    def week_cache(self) -> WeekCache:
        return WeekCache(self, self.cache)

    @functools.cached_property
    def story_weeks(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """`weekly` and `record_weeks` of the story panel's funds, selected once rather than for every week."""
        if self.weekly.columns.equals(self.story_panel.close.columns):
            return self.weekly, self.record_weeks
        columns = list(self.story_panel.close.columns)
        return self.weekly[columns], self.record_weeks[columns]


def load_dataset(
    root: Path = ROOT, bundle: Bundle = SAMPLE, settings: Settings | None = None, cache: Path | None = None, jobs: int = 1
) -> Dataset:
    """Read a bundled price file (the sample by default) and its metadata, and prepare every stage's input."""
    settings = settings or load_settings(root)
    tidy = read_store(root / bundle.store)
    return prepare_dataset(tidy, bundle.universe(root), bundle.name, settings, root=root, cache=cache, wide=bundle.wide, jobs=jobs)


def prepare_dataset(
    tidy: pd.DataFrame,
    universe: Universe,
    source: str,
    settings: Settings,
    excluded: dict[str, str] | None = None,
    root: Path = ROOT,
    cache: Path | None = None,
    wide: bool = False,
    jobs: int = 1,
) -> Dataset:
    """Put the bundled history in front of the store, check the store's sessions against the NYSE calendar and compute
    the panel once for every session.

    `excluded` (symbol -> reason) are funds the publication gates left out: their prices are
    dropped here, so no article, chart or fund page can show them. The history's own sessions
    were checked against a session list built from the calendar's holidays when it was bundled
    (exchange_calendars ignores holidays before 1970), so the check here covers the store's span.
    """
    excluded = excluded or {}
    store = tidy.loc[~tidy["symbol"].isin(list(excluded))]
    report = LoadReport()
    prices = Prices.from_tidy(with_history(store, root, settings.gates.max_day_move_percent, report))
    universe.require(prices.close.columns)
    store_start = pd.Timestamp(store["session"].min())
    sessions = prices.sessions[prices.sessions >= store_start]
    calendar = nyse_sessions(sessions[0].date(), (sessions[-1] + pd.Timedelta(days=7)).date())
    in_span = calendar[calendar <= sessions[-1]]
    stray = sessions.difference(in_span)
    if len(stray):
        raise PriceDataError("price data", "not an NYSE session: prices on a weekend or holiday", day=stray[0])
    missing = in_span.difference(sessions)
    if len(missing):
        raise PriceDataError("price data", "NYSE session with no prices for any fund", day=missing[0])
    weeks = complete_weeks(sessions, calendar)
    week_closes = week_closing_sessions(prices.sessions)
    points = settings.thresholds.distribution_points
    curated = [symbol for symbol in prices.close.columns if universe[symbol].curated]
    story_panel = build_panel(prices.close[curated], prices.adj_close[curated], prices.volume[curated], settings.definitions, points)
    if len(curated) == len(prices.close.columns):  # the sample: the stories cover every fund, so the pages' panel is a part
        panel = panel_within(story_panel, store_start, prices.sessions[-1])
    else:
        panel = build_panel(prices.close, prices.adj_close, prices.volume, settings.definitions, points, since=store_start)
    return Dataset(
        prices=prices,
        panel=panel,
        story_panel=story_panel,
        universe=universe,
        calendar=calendar,
        weeks=weeks,
        weekly=weekly_changes(prices.close, week_closes),
        record_weeks=record_changes(prices.close.reindex(week_closes), prices.adj_close.reindex(week_closes), points),
        store_start=store_start,
        load_notes=report.lines(),
        source=source,
        settings=settings,
        excluded=excluded,
        snapshots=read_snapshots(root / SNAPSHOTS),
        holdings=read_holdings(root / HOLDINGS),
        editor_flows=read_editor_flows(root / EDITOR_FLOWS),
        notes=read_notes(root / NOTES_DIR),
        events=read_events(root / EVENTS_FILE),
        cache=cache,
        wide=wide,
        jobs=jobs,
    )


def week_facts(data: Dataset, window: Window) -> stories.WeekFacts:
    """Facts for every fund with prices at both ends of the window, and the stories they support (computed once per
    run, and read back from the facts cache when nothing they depend on changed)."""
    return data.week_cache.week(window, lambda: _computed_week_facts(data, window))


def _computed_week_facts(data: Dataset, window: Window) -> stories.WeekFacts:
    funds = facts.week_funds(data.story_panel, window, *data.story_weeks, data.universe, data.settings)
    note = data.notes.get(window.end, EMPTY_NOTE)
    editor_flows = data.editor_flows + [Flow(f.symbol, f.amount, f.start, f.end, f.source) for f in note.flows]
    funds = facts.with_flows(
        funds,
        week_flows(data.snapshots, editor_flows, data.prices.close, window.start, window.end),
        latest_assets(data.snapshots, window.end),
        {} if data.holdings.empty else {s: found for s in funds if (found := allocation(data.holdings, s, window.end)) is not None},
    )
    return stories.week_facts(
        funds,
        window,
        data_through=window.end,
        source=data.source,
        settings=data.settings,
        events=facts.week_events(data.events, window.start, window.end, EVENTS_NAMED),
        upcoming=facts.upcoming_events(data.events, window.end, UPCOMING_DAYS),
    )


def window_for(data: Dataset, as_of: date, kind: str) -> Window:
    """The week an article covers: `calendar` (the weekly run) or `trailing` ("the past week" to any session of the store)."""
    session, first, last = pd.Timestamp(as_of), data.store_start, data.prices.sessions[-1]
    if not first <= session <= last:
        raise MissingDataError(f"{as_of} is outside the price data ({first.date()} to {last.date()})")
    if session not in data.prices.sessions:
        data.prices.require([], session)
    window = (
        calendar_week(data.calendar, session)
        if kind == "calendar"
        else trailing_week(data.calendar, session, data.settings.definitions.week_lookback_days)
    )
    if window is None or pd.Timestamp(window.start) < first:
        raise MissingDataError(f"{as_of}: the data starts on {first.date()}, too late for a week ending then")
    return window


@dataclass(frozen=True)
class Article:
    """One rendered article and what the site needs to file it."""

    as_of: date
    story: str
    headline: str
    slug: str
    """From the generated headline, so an editor's headline does not move the article's address."""
    markdown: str
    charts: list[chart.Chart]
    facts: stories.WeekFacts
    claims: list[Claim]
    """Every figure, fund, date and data-bound word in the text, in order, with what it refers to (the claims ledger)."""
    tags: list[str]
    """The tickers the article mentions."""
    lead: bool
    """The week's lead story (the others are its shorter pieces)."""

    @property
    def path(self) -> Path:
        return post_path(self.as_of, self.slug)

    def listed(self) -> ListedArticle:
        return ListedArticle(self.as_of, self.headline, self.path, tuple(self.tags), self.lead)


@dataclass(frozen=True)
class ListedArticle:
    """What a list of articles (a fund page's, the edition's) needs of each: its date, headline, file, the tickers it
    mentions and whether it leads its week."""

    as_of: date
    headline: str
    path: Path
    tags: tuple[str, ...]
    lead: bool = False


def edition_date(data: Dataset, articles: Iterable[ListedArticle]) -> date:
    """The site's date: the newest week with an article (the home page's edition), or before any, the newest complete week
    of the data. Fund pages and the funds index are as of it, so the week they give is the edition's."""
    days = [article.as_of for article in articles]
    return max(days) if days else pd.Timestamp(data.weeks[-1] if len(data.weeks) else data.prices.sessions[-1]).date()


@dataclass(frozen=True)
class RelatedLink:
    """Another article, as a Related Links line names it: headline, file (beside this one) and date."""

    headline: str
    path: Path
    as_of: date


@dataclass(frozen=True)
class Identity:
    """What names an article before it is rendered: its headline as printed, the generated one, its slug, and what the
    headline claims (the ledger's reference)."""

    headline: str
    generated: str
    slug: str
    about: dict[str, Any]


HeadlineMemory = dict[str, date]
"""Every generated headline so far, with the latest week it was used: the headlines a new one must not repeat."""


def story_for(data: Dataset, week: stories.WeekFacts, story_name: str | None = None) -> stories.StoryName:
    """The story an article tells: the one asked for, else the one the week's note forces, else the lead."""
    note = data.notes.get(week.as_of, EMPTY_NOTE)
    name = story_name or note.story or week.lead
    if name not in {score.name for score in week.ranking}:
        raise MissingDataError(f"{week.as_of}: the data does not support the {name} story that week")
    return name


def identity(
    data: Dataset,
    week: stories.WeekFacts,
    name: stories.StoryName,
    root: Path = ROOT,
    note: Note | None = None,
    used: HeadlineMemory | None = None,
) -> Identity:
    """The editor's headline if the note has one, else the generated one, which never repeats a headline of `used`
    within `headline_memory_weeks`; the slug always from the generated headline."""
    writer = Writer(as_of=week.as_of, universe=data.universe, phrasebook=load_phrasebook(root / PHRASEBOOK_FILE), settings=data.settings)
    generated, reference = writer.headline(week.story(name), week, used or {})
    note = data.notes.get(week.as_of, EMPTY_NOTE) if note is None else note
    if note.headline:
        return Identity(note.headline, generated, slugify(generated), {"measure": "editor", "file": note.path})
    return Identity(generated, generated, slugify(generated), reference)


def post_path(as_of: date, slug: str) -> Path:
    return POSTS_DIR / f"{as_of.isoformat()}-{slug}.md"


def story_charts(
    data: Dataset,
    week: stories.WeekFacts,
    story_name: stories.StoryName,
    validate: bool = False,
    root: Path = ROOT,
    secondary: bool = False,
) -> list[chart.Chart]:
    """The weekly-change chart, and for a lead article the lead fund's price with its averages."""
    story = week.story(story_name)
    end = pd.Timestamp(week.as_of)
    symbols, lead = story.chart_funds()
    title = str(load_phrasebook(root / PHRASEBOOK_FILE)["chart_titles"][story_name])
    charts = [chart.week_bars(week.funds, symbols, data.universe, title, validate=validate)]
    if not secondary:
        charts.append(chart.price_trend(data.story_panel, lead, end, data.universe, validate=validate))
    return [item.renamed(f"{story_name}-{item.name}") for item in charts]


def render_article(
    data: Dataset,
    week: stories.WeekFacts,
    story_name: str | None = None,
    related: list[RelatedLink] | None = None,
    root: Path = ROOT,
    secondary: bool = False,
    named: Identity | None = None,
    week_said: set[str] | None = None,
) -> Article:
    """The week's article for `story_name` (else the story the week's note forces, else the lead), charts included.

    The week's note belongs to its lead article; a shorter piece gets none of it. `named` is the article's identity as
    the run of every week chose it (else it is chosen with no memory of earlier weeks); `week_said` is shared by the
    week's articles, so a standing passage given in full in one is shortened in the next.
    """
    note = EMPTY_NOTE if secondary else data.notes.get(week.as_of, EMPTY_NOTE)
    name = story_for(data, week, story_name)
    writer = Writer(as_of=week.as_of, universe=data.universe, phrasebook=load_phrasebook(root / PHRASEBOOK_FILE), settings=data.settings)
    if week_said is not None:
        writer.week_said = week_said
    named = named or identity(data, week, name, root, note)
    title, slug = named.headline, named.slug
    writer.record(title, "headline", named.about)
    writer.fund_link = "../funds/{}.md"
    charts = story_charts(data, week, name, root=root, secondary=secondary)
    base = "../" * POST_URL_DEPTH + f"{WEEKS_DIR.as_posix()}/{week.as_of.isoformat()}/"
    templates = root / TEMPLATES_DIR
    embeds = {"week": "", "trend": ""} | {
        kind: render_template(templates, "partials/chart.md.j2", {"chart": item, "title": caption, "base": base})
        for kind, item, caption in zip(("week", "trend"), charts, ["Weekly change", "Price and moving averages"], strict=False)
    }
    context: dict[str, Any] = {
        "w": writer,
        "facts": week,
        "story": week.story(name),
        "f": week.funds,
        "charts": embeds,
        "related": related or [],
        "note": note,
        "definitions": data.settings.definitions,
        "thresholds": data.settings.thresholds,
        "story_name": name,
        "folder": f"../{WEEKS_DIR.as_posix()}/{week.as_of.isoformat()}/",
        "chart_list": charts,
        "secondary": secondary,
    }
    body = _tidy(render_template(templates, stories.STORY_TYPES[name].template, context))
    front = {
        "title": title,
        "date": week.as_of.isoformat(),
        "categories": [stories.STORY_TYPES[name].category],
        "tags": sorted(writer.mentioned),
        "slug": slug,
        "description": lede_text(body),
    } | ({} if secondary else {"lead": "true"})
    header = (
        f"# Generated by `python -m generator` from the {week.source} price data for the week ending {week.as_of}.\n"
        "# Do not edit: this file is rewritten on every build.\n"
    )
    markdown = _front_matter(header, front) + "\n" + body
    return Article(
        as_of=week.as_of,
        story=name,
        headline=title,
        slug=slug,
        markdown=markdown,
        charts=charts,
        facts=week,
        claims=writer.claims,
        tags=sorted(writer.mentioned),
        lead=not secondary,
    )


def slugify(text: str) -> str:
    """ "Small Caps Don't Break" -> "small-caps-dont-break"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _front_matter(header: str, fields: dict[str, Any]) -> str:
    lines = ["---", header.rstrip("\n")]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  - {json.dumps(item)}" for item in value)
        else:
            lines.append(f"{key}: {json.dumps(value) if key in QUOTED_FIELDS else value}")
    return "\n".join(lines) + "\n---\n"


def _tidy(markdown: str) -> str:
    """Join the template's soft line breaks inside paragraphs and collapse runs of blank lines."""
    markdown = re.sub(r"\n[ \t]+(?=\S)", "\n", markdown)
    markdown = re.sub(r"([^\n>|])\n(?=[A-Za-z0-9\"'(])", r"\1 ", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown)
    return markdown.strip() + "\n"


def week_windows(data: Dataset, first: date | None = None, last: date | None = None) -> Iterator[Window]:
    for close in data.weeks:
        if (first is None or close.date() >= first) and (last is None or close.date() <= last):
            window = calendar_week(data.calendar, close)
            if window is not None:
                yield window


@dataclass(frozen=True)
class PlannedWeek:
    """A week to render, as the walk over every week planned it: its window, and per article (lead first) the story, its
    identity and its Related Links, which depend on the weeks before it. Rendering it needs nothing else."""

    window: Window
    articles: list[tuple[stories.StoryName, Identity, list[RelatedLink]]]
    root: Path
    templates: str
    """The digest of the templates and phrasebook (week_cache.folder_digest): with the plan and the note, what the week's
    articles are rendered from besides its facts."""


def generate_articles(
    data: Dataset,
    first: date | None = None,
    last: date | None = None,
    root: Path = ROOT,
    progress: Callable[[], None] | None = None,
    only: set[date] | None = None,
    on_disk: set[str] | None = None,
) -> list[Article]:
    """The article of every complete week in range (and in `only`), oldest first, each linking to earlier ones on the same
    story (`plan_weeks`); the weeks are rendered over `data.jobs` processes."""
    planned = plan_weeks(data, first, last, root, only, on_disk)
    return [article for week in spread(render_week, data, planned, data.jobs, done=progress) for article in week]


def plan_weeks(
    data: Dataset,
    first: date | None = None,
    last: date | None = None,
    root: Path = ROOT,
    only: set[date] | None = None,
    on_disk: set[str] | None = None,
) -> list[PlannedWeek]:
    """Every complete week in range (and in `only`) to render, oldest first, with its stories, headlines and Related Links.

    Weeks before the range are walked too, but only named (headline and path), so that an
    article's related links read the same whichever range wrote it. With `on_disk` (the post file
    names already in the docs dir), a week that is not rendered is linked only if its post exists.
    The walk is in order (each week's headlines and links depend on the weeks before it). A week named before with the
    same facts, note, templates and earlier headlines is named as it was (the week cache), without reading its facts;
    from the first week that is not, the facts are computed over `data.jobs` processes before the walk goes on.
    """
    windows = list(week_windows(data, None, last))
    templates = folder_digest(root / TEMPLATES_DIR)
    earlier = hashlib.sha256(templates.encode())  # and every headline named so far: what a week's names depend on
    planned: list[PlannedWeek] = []
    by_story: dict[str, list[RelatedLink]] = {}
    used: HeadlineMemory = {}
    warmed = False
    for number, window in enumerate(windows):
        rendered = (first is None or window.end >= first) and (only is None or window.end in only)
        made_with = f"{earlier.hexdigest()}\0{data.notes.get(window.end)!r}"
        named: dict[str, Identity] | None = data.week_cache.kept_names(window, made_with)
        if named is None:
            if not warmed:  # from the first week not named before, every week's facts, over the cores
                warm_week_facts(data, windows[number:])
                warmed = True
            named = _named(data, week_facts(data, window), root, dict(used))
            data.week_cache.keep_names(window, made_with, named)
        for name in named:
            used[named[name].generated] = window.end
            earlier.update(f"{window.end}\0{named[name].generated}\0".encode())
        links = {name: RelatedLink(n.headline, Path(post_path(window.end, n.slug).name), window.end) for name, n in named.items()}
        plan = PlannedWeek(window, [], root, templates)
        for name in named:
            if rendered:
                related = related_links(links[name], [links[o] for o in named if o != name], by_story.get(name, []))
                plan.articles.append((name, named[name], related))
            elif on_disk is not None and links[name].path.name not in on_disk:
                continue
            by_story.setdefault(name, []).append(links[name])
        if rendered:
            planned.append(plan)
    return planned


def _named(data: Dataset, week: stories.WeekFacts, root: Path, used: HeadlineMemory) -> dict[str, Identity]:
    """The week's articles, lead first, and their identities: each headline differs from those of `used` (the earlier
    weeks') and of the week's articles before it."""
    lead = story_for(data, week)
    named: dict[str, Identity] = {}
    for name in [lead, *(other for other in week.published if other != lead)][:3]:
        named[name] = identity(data, week, name, root, note=None if name == lead else EMPTY_NOTE, used=used)
        used[named[name].generated] = week.as_of
    return named


def warm_week_facts(data: Dataset, windows: list[Window]) -> None:
    """Every window's facts into this run's memory: those the cache lacks computed over `data.jobs` processes."""
    cache = data.week_cache
    missing = cache.missing(windows)
    if missing:
        _ = data.story_weeks  # selected once, here, and shared by the workers that fork from this process
    for window, found in zip(missing, spread(_sent_week_facts, data, missing, data.jobs), strict=True):
        cache.remember(window, found)


def _sent_week_facts(data: Dataset, window: Window) -> stories.WeekFacts:
    """A worker's week: its facts go to the process that spread the weeks, and the worker keeps no copy in memory."""
    return data.week_cache.computed(window, lambda: _computed_week_facts(data, window))


def render_week(data: Dataset, plan: PlannedWeek) -> list[Article]:
    """A planned week's articles, lead first; they share what the week has said, so a standing passage given in full in
    one is shortened in the next."""
    week = week_facts(data, plan.window)
    lead = story_for(data, week)
    week_said: set[str] = set()
    return [
        render_article(data, week, name, related=related, root=plan.root, secondary=name != lead, named=named, week_said=week_said)
        for name, named, related in plan.articles
    ]


def rendered_from(data: Dataset, plan: PlannedWeek) -> str:
    """What a week's articles are rendered from besides its facts: the plan, the templates, the week's note."""
    return repr((plan.articles, plan.templates, data.notes.get(plan.window.end)))


def related_links(own: RelatedLink, this_week: list[RelatedLink], earlier: list[RelatedLink]) -> list[RelatedLink]:
    """Up to `RELATED_LINKS`: the week's other pieces, then the story's earlier ones, newest first (at least one of
    those where there is one); never the article itself or a headline already listed."""
    chosen: list[RelatedLink] = []
    for link in [*this_week[: RELATED_LINKS - 1], *earlier[::-1]]:
        if link.path != own.path and link.headline not in {own.headline, *(c.headline for c in chosen)}:
            chosen.append(link)
        if len(chosen) == RELATED_LINKS:
            break
    return chosen


def methodology_page(
    settings: Settings, root: Path = ROOT, excluded: dict[str, str] | None = None, excluded_week: date | None = None, wide: bool = False
) -> str:
    """The methodology page, from the settings and the code's own registries (`wide`: the whole universe's, with its movers)."""
    return render_template(
        root / TEMPLATES_DIR,
        "pages/methodology.md.j2",
        {
            "definitions": documented_fields(settings.definitions),
            "thresholds": documented_fields(settings.thresholds),
            "style": documented_fields(settings.style),
            "stories": stories.REGISTRY,
            "week_lookback_days": settings.definitions.week_lookback_days,
            "related_links": RELATED_LINKS,
            "headline_memory_weeks": settings.thresholds.headline_memory_weeks,
            "headline_month_min_day": HEADLINE_MONTH_MIN_DAY,
            "event_priority": EVENT_PRIORITY,
            "events_named": EVENTS_NAMED,
            "upcoming_days": UPCOMING_DAYS,
            "since_min": settings.thresholds.since_min_sessions,
            "gates": documented_fields(settings.gates),
            "core": CORE_SYMBOLS,
            "excluded": sorted((excluded or {}).items()),
            "excluded_week": excluded_week,
            "settings": settings,
            "edition_funds": EDITION_FUNDS,
            "heatmap_steps": HEATMAP_STEPS_PERCENT,
            "wide": wide,
            "movers_listed": MOVERS_LISTED,
        },
    )


def about_data_page(data: Dataset, root: Path = ROOT) -> str:
    sessions = data.prices.sessions[data.prices.sessions >= data.store_start]
    return render_template(
        root / TEMPLATES_DIR,
        "pages/about-data.md.j2",
        {
            "funds": list(data.universe.funds.values()),
            "first": sessions[0].date(),
            "last": sessions[-1].date(),
            "sessions": str(len(sessions)),
            "weeks": str(len(data.weeks)),
            "source": data.source,
            "first_close": {s: pd.DatetimeIndex(data.prices.close[s].dropna().index)[0].date() for s in data.prices.close.columns},
            "priced": str(sum(data.universe[s].kind == "etf" for s in [*data.prices.close.columns, *data.excluded])),
            "excluded": data.excluded,
            "history_from": data.prices.sessions[0].date(),
        },
    )
