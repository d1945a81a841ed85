"""MkDocs hooks (mkdocs.yml `hooks:`): what the configuration cannot say by itself.

The feed's image and the pages' Open Graph image (`extra.share_image`, read by the theme) must be
absolute addresses; they are made here from `site_url`, so that the address the site is deployed
at is set in one place. An article's page learns its week's other stories and the leads of
the weeks before and after it, from the posts' own front matter (`date`, `lead`). And a page's meta
description is cut to what a search result shows, while the feed keeps the whole lede.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

FEED_IMAGE = "assets/images/feed.png"
"""The feed's and the shared pages' image, in the docs dir (RSS wants a PNG, GIF or JPEG)."""
POSTS = "posts/"
DESCRIPTION_CHARS = 160
"""A search result shows about this many characters of a page's description; Lighthouse and most guides say the same."""
SENTENCE_END = re.compile(r"(?<=[a-z0-9%)])\.(?=\s+[A-Z\"])")
"""A full stop that ends a sentence: after a lower-case word, a figure or a bracket, so "U.S." and "S&P" do not end one."""


@event_priority(100)  # before the RSS plugin reads its settings
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not config.site_url:
        return config
    image = urljoin(config.site_url, FEED_IMAGE)
    config.extra["share_image"] = image
    feed = config.plugins.get("rss")
    if feed is not None:
        feed.config.image = image
    return config


_posts: list[Page] = []


@event_priority(-100)  # after the blog plugin has made its posts
def on_nav(nav: Any, config: MkDocsConfig, files: Files) -> Any:
    """Remember the posts, to set each article beside its week's other stories and the leads of the weeks around it."""
    _posts[:] = [file.page for file in files.documentation_pages() if file.src_uri.startswith(POSTS) and file.page is not None]
    return nav


def _week(page: Page) -> date:
    created = page.config.date.created if hasattr(page, "config") else page.meta["date"]
    return created.date() if isinstance(created, datetime) else created


def short_description(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """The whole sentences of `text` that fit in `limit` characters, or, when the first does not, its words that fit
    and an ellipsis: a description a search result shows whole, cut where a reader would stop."""
    if len(text) <= limit:
        return text
    ends = [match.end() for match in SENTENCE_END.finditer(text) if match.end() <= limit]
    if ends:
        return text[: ends[-1]]
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    """A page's meta description cut to a search result's length (the feed has read the whole one by now); an article's
    week: `week_stories` (its week's other articles, lead first), `previous_lead` and `next_lead`."""
    if page.meta.get("description"):
        page.meta["description"] = short_description(str(page.meta["description"]))
    if page not in _posts:
        return context
    week = _week(page)
    leads = sorted((p for p in _posts if p.meta.get("lead") is True), key=_week)
    context["week_stories"] = sorted((p for p in _posts if p is not page and _week(p) == week), key=lambda p: p.meta.get("lead") is not True)
    context["previous_lead"] = next((p for p in reversed(leads) if _week(p) < week), None)
    context["next_lead"] = next((p for p in leads if _week(p) > week), None)
    return context
