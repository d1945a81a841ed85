"""Editors' words are data, not code: what a note may put into an article's Markdown (and so into the site's HTML).

Markdown formatting stays (emphasis, bold, code, links to http, https, mailto or a path on the
site), and so does a small set of inline HTML tags. Scripts, event handlers, styles, frames,
objects, forms and links to `javascript:`, `data:` or `vbscript:` never reach the page, whether
written as HTML, as a Markdown link, a reference link or an autolink. nh3 cleans the HTML;
the Markdown link targets and `{: attribute lists }` it cannot see are neutralised here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3

INLINE_TAGS = frozenset({"a", "abbr", "b", "br", "code", "em", "i", "strong", "sub", "sup"})
"""The HTML an editor may write: inline formatting only."""
TAG_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
"""URL schemes a link may use; a URL without a scheme (a path on the site) is allowed too."""
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "svg", "math"})
"""Tags removed together with what they enclose (their content is code, not words)."""

AUTOLINK = re.compile(r"<(?:(?P<url>https?://[^\s<>\"']+)|(?:mailto:)?(?P<email>[^\s<>@\"':/]+@[^\s<>@\"']+))>", re.IGNORECASE)
"""`<https://example.com>` and `<jane@example.com>`: Markdown autolinks, which nh3 would take for unknown tags and drop."""
LONE_ANGLE = re.compile(r"<(?!/?[a-z][^<>]*>|!--)", re.IGNORECASE)
"""A `<` that opens no complete tag or comment ("IWM<SPY this week"): nh3 would take it, and the rest of the text, for a tag."""
UNDONE_AMPERSAND = re.compile(r"&amp;(?!#[0-9]+;|#x[0-9a-f]+;|[a-z0-9]+;)", re.IGNORECASE)
"""nh3's `&amp;`, except where `&` would start a character reference that Markdown passes on (`java&#115;cript:` in a link)."""
LINK_TARGET_SCHEME = re.compile(r"(?P<start>\][ \t]*[(:]\s*<?)(?P<scheme>[a-z0-9+.\-\\\x00-\x1f]*):", re.IGNORECASE)
"""The scheme of a Markdown link's target (`[text](scheme:`, `[id]: scheme:`, `[text](<scheme:`), as a browser reads it:
tabs and newlines inside are skipped, and Markdown drops a `\\`."""
ATTRIBUTE_LIST = re.compile(r"\{(?=[^\n]*\})")
"""An opening brace with a closing one later on its line: Markdown's attr_list would read `{onclick=...}` as attributes."""
WHITESPACE = re.compile(r"\s+")
UNSAFE_URL_CHARACTERS = re.compile(r"[\s<>()\[\]{}\"'\\`]")
"""Characters that would end a Markdown link early or leave its target."""


def editor_markdown(text: str) -> str:
    """A paragraph (or several) of an editor's Markdown, safe to place in an article."""
    return _clean(text, INLINE_TAGS)


def inline_markdown(text: str) -> str:
    """A phrase that sits inside a sentence (a quote, a name, a link's title): one line, so it cannot start a block."""
    return _clean(WHITESPACE.sub(" ", text).strip(), INLINE_TAGS)


def plain_text(text: str) -> str:
    """A headline: every tag stripped, one line (it is the page title, and link text in later articles)."""
    return _clean(WHITESPACE.sub(" ", text).strip(), frozenset())


def link_url_problem(url: str) -> str | None:
    """Why `url` cannot be a related link, or None: it must be http(s) or a path on this site."""
    if url and not UNSAFE_URL_CHARACTERS.search(url):
        parts = urlsplit(url)
        web = parts.scheme in {"http", "https"} and bool(parts.netloc)
        if web or not (parts.scheme or parts.netloc):
            return None
    return f"`{url}` is not a link the site allows: use an https:// (or http://) address, or a path on this site such as /about-data/"


def _clean(text: str, tags: frozenset[str]) -> str:
    cleaned = nh3.clean(
        LONE_ANGLE.sub("&lt;", AUTOLINK.sub(_autolink_as_html, text)),
        tags=set(tags),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: names for tag, names in TAG_ATTRIBUTES.items() if tag in tags},
        url_schemes=set(LINK_SCHEMES),
    )
    # nh3 escapes text; `&` and `>` go back so that "S&P 500" and "gains > losses" read as written.
    # `&lt;` stays: undone, it could open a tag.
    readable = UNDONE_AMPERSAND.sub("&", cleaned).replace("&gt;", ">").replace("&nbsp;", "\u00a0")
    return ATTRIBUTE_LIST.sub("&lbrace;", LINK_TARGET_SCHEME.sub(_neutralise_target, readable)).strip()


def _autolink_as_html(match: re.Match[str]) -> str:
    """An autolink as an `<a>` element, so that nh3 checks its scheme like any other link's."""
    url, email = match.group("url"), match.group("email")
    return f'<a href="{url}">{url}</a>' if url else f'<a href="mailto:{email}">{email}</a>'


def _neutralise_target(match: re.Match[str]) -> str:
    """A Markdown link target with a scheme other than http, https or mailto points at `#` instead."""
    scheme = re.sub(r"[\x00-\x20\\]", "", match.group("scheme")).lower()
    return match.group() if scheme in LINK_SCHEMES else match.group("start") + "#"
