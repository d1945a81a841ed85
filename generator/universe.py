"""The fund universe: public facts about each fund, kept as data in `data/funds.yaml`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from . import yamlfile
from .config import LISTING_PREFIX, Style
from .errors import MetadataError

FUNDS_FILE = Path("data/funds.yaml")
"""The metadata file, relative to the project root."""

TICKER = re.compile(r"\^?[A-Z0-9][A-Z0-9.\-]{0,9}")
"""A ticker as the site accepts it: it names fund pages and links, so no `/`, no `..` at the start, no lower case (^GSPC is an index)."""


def not_a_ticker(symbol: str) -> str | None:
    """Why `symbol` cannot be a ticker, or None when it can."""
    if TICKER.fullmatch(symbol):
        return None
    return f"`{symbol}` is not a ticker: use capitals, digits, `.` and `-`, at most 10 characters (an index starts with ^, as in ^GSPC)"


def _ticker(symbol: str) -> str:
    """The symbol, refused unless it is a ticker: it becomes a file name and a link."""
    reason = not_a_ticker(symbol)
    if reason is not None:
        raise PydanticCustomError("ticker", "{reason}", {"reason": reason})
    return symbol


Ticker = Annotated[str, AfterValidator(_ticker)]
"""A fund's symbol, checked against `TICKER` wherever one is read (metadata, notes)."""

Category = Literal["small-cap", "mid-cap", "large-cap", "sector", "leveraged", "bond", "commodity", "international", "index"]


class Fund(BaseModel):
    """One fund (or index) as the writer introduces it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    symbol: Ticker
    kind: Literal["etf", "index"]
    name: str
    issuer: str | None
    brand: str | None
    listing: Literal["NYSE Arca", "Nasdaq", "Cboe BZX"] | None
    index: str
    asset_class: Literal["equity", "fixed income", "commodity"]
    category: Category
    sector: str | None
    leverage: int
    underlying: Ticker | None
    inception: date

    def listed_ticker(self, style: Style) -> str:
        """The ticker as written on first mention: `NYSE:IWM` (desk style) or `IWM` (AP style)."""
        if self.listing is None or style.percent_style == "ap":
            return self.symbol
        return f"{LISTING_PREFIX[self.listing]}:{self.symbol}"

    def first_mention(self, style: Style) -> str:
        """`the iShares Russell 2000 ETF (NYSE:IWM)`; an index is named without a ticker."""
        name = "the " + self.name.removeprefix("The ")
        return name if self.kind == "index" else f"{name} ({self.listed_ticker(style)})"


class Universe(BaseModel):
    """All funds the site covers, by symbol."""

    model_config = ConfigDict(frozen=True)

    funds: dict[str, Fund]

    def __getitem__(self, symbol: str) -> Fund:
        try:
            return self.funds[symbol]
        except KeyError:
            raise MetadataError(f"{FUNDS_FILE}: unknown ticker {symbol}: add it to the metadata file") from None

    def __contains__(self, symbol: object) -> bool:
        return symbol in self.funds

    def symbols(self) -> list[str]:
        return list(self.funds)

    def require(self, symbols: Iterable[str]) -> None:
        """Every symbol the data holds must be described here."""
        unknown = [s for s in symbols if s not in self.funds]
        if unknown:
            raise MetadataError(f"{FUNDS_FILE}: no metadata for {', '.join(unknown)}: add an entry for each")


def load_universe(path: Path) -> Universe:
    """Read and validate the metadata file; errors name the file, and the line where YAML knows it."""
    try:
        raw, text = yamlfile.read(path)
    except yamlfile.YamlError as error:
        raise MetadataError(str(error)) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("funds"), dict):
        raise MetadataError(f"{path}: expected a mapping `funds:` of symbol to fund facts")
    funds = {}
    for symbol, facts in raw["funds"].items():
        try:
            funds[str(symbol)] = Fund(symbol=str(symbol), **(facts or {}))
        except ValidationError as error:
            first = error.errors()[0]
            key = str(first["loc"][0]) if first["loc"] else str(symbol)
            line = yamlfile.line_at(text, ["funds", str(symbol), *first["loc"]])
            raise MetadataError(f"{path}:{line}: fund {symbol}, `{key}`: {first['msg']}") from None
        except TypeError as error:
            raise MetadataError(f"{path}:{yamlfile.line_at(text, ['funds', str(symbol)])}: fund {symbol}: {error}") from None
    return Universe(funds=funds)
