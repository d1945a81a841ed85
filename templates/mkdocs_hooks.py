"""MkDocs hooks (mkdocs.yml `hooks:`): what the configuration cannot say by itself.

The feed's image and the pages' Open Graph image (`extra.share_image`, read by the theme) must be
absolute addresses; they are made here from `site_url`, so that the address the site is deployed
at is set in one place.
"""

from __future__ import annotations

from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

FEED_IMAGE = "assets/images/feed.png"
"""The feed's and the shared pages' image, in the docs dir (RSS wants a PNG, GIF or JPEG)."""


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
