"""The price files shipped with the project, and the metadata that describes each one's funds.

A site is built from one of them (the sample by default, the whole universe with `--universe`) or from a live store
(`--store`, described by data/funds.yaml alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .load import SAMPLE_STORE, UNIVERSE_STORE
from .universe import FUNDS_FILE, Universe, load_universe, load_whole_universe


@dataclass(frozen=True)
class Bundle:
    """Prices under data/, cut at a fixed date, and how the site treats them."""

    name: str
    """How the banner, the about page and each article's header name the data."""
    store: Path
    """The price file, relative to the project root."""
    wide: bool
    """The whole universe: its funds are described by data/funds.yaml with data/universe.yaml behind it, and its edition
    lists the week's best and worst among all of them (the sample's funds are all curated, its scoreboard lists the key ones)."""

    def universe(self, root: Path) -> Universe:
        """The metadata of the bundle's funds."""
        return load_whole_universe(root) if self.wide else load_universe(root / FUNDS_FILE)


SAMPLE = Bundle("sample", SAMPLE_STORE, wide=False)
UNIVERSE = Bundle("universe", UNIVERSE_STORE, wide=True)
