"""The fund universe: public facts about each fund, kept as data: the editors' `data/funds.yaml`, and for the whole
universe's other funds `data/universe.yaml`, generated from FinanceDatabase (`python -m generator make-universe`)."""

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
"""The editors' metadata file, relative to the project root: every fact of every fund the sample holds."""
UNIVERSE_FILE = Path("data/universe.yaml")
"""The metadata of the whole universe's other funds (financedatabase.py writes it); an entry of FUNDS_FILE wins over it."""

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
AssetClass = Literal["equity", "fixed income", "commodity"]
Listing = Literal["NYSE Arca", "Nasdaq", "Cboe BZX"]
Source = Literal["curated", "financedatabase", "ticker"]
"""Where an entry's facts come from: an editor (data/funds.yaml), FinanceDatabase's table of funds (data/universe.yaml),
or nothing but the fund's ticker (a fund the database has no row for)."""

UNKNOWN = "not known"
"""How a page prints a fact no source gives."""


class Fund(BaseModel):
    """One fund (or index) as the writer introduces it. A fact no source gives is None and printed as `UNKNOWN`, never
    guessed: only the curated entries (`CuratedFund`) give every one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    symbol: Ticker
    kind: Literal["etf", "index"]
    name: str | None
    issuer: str | None
    brand: str | None
    listing: Listing | None
    index: str | None
    asset_class: AssetClass | None
    category: Category | None
    sector: str | None
    leverage: int | None
    underlying: Ticker | None
    inception: date | None
    source: Source

    @property
    def curated(self) -> bool:
        """Whether an editor gave every fact (data/funds.yaml), so that a None there means "none", not "not known"."""
        return self.source == "curated"

    def listed_ticker(self, style: Style) -> str:
        """The ticker as written on first mention: `NYSE:IWM` (desk style) or `IWM` (AP style)."""
        if self.listing is None or style.percent_style == "ap":
            return self.symbol
        return f"{LISTING_PREFIX[self.listing]}:{self.symbol}"

    def first_mention(self, style: Style) -> str:
        """`the iShares Russell 2000 ETF (NYSE:IWM)`; an index is named without a ticker, a fund without a name by its ticker."""
        if self.name is None:
            return self.symbol
        name = "the " + self.name.removeprefix("The ")
        return name if self.kind == "index" else f"{name} ({self.listed_ticker(style)})"

    @property
    def labelled(self) -> str:
        """ "iShares Russell 2000 ETF (IWM)", or the ticker alone for a fund without a name (a page's heading, a chart's description)."""
        return self.symbol if self.name is None else f"{self.name} ({self.symbol})"


class CuratedFund(Fund):
    """An entry of data/funds.yaml: the editors give every fact, from the issuer's documents (null only where a fact is
    none: an index has no issuer, a fund that is not a sector fund no sector)."""

    name: str
    index: str
    asset_class: AssetClass
    category: Category
    leverage: int
    inception: date
    source: Literal["curated"] = "curated"


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


def load_universe(path: Path, model: type[Fund] = CuratedFund) -> Universe:
    """Read and validate a metadata file (the editors' by default, every fact required); errors name the file, and the
    line where YAML knows it."""
    try:
        raw, text = yamlfile.read(path)
    except yamlfile.YamlError as error:
        raise MetadataError(str(error)) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("funds"), dict):
        raise MetadataError(f"{path}: expected a mapping `funds:` of symbol to fund facts")
    funds = {}
    for symbol, facts in raw["funds"].items():
        try:
            funds[str(symbol)] = model(symbol=str(symbol), **(facts or {}))
        except ValidationError as error:
            first = error.errors()[0]
            key = str(first["loc"][0]) if first["loc"] else str(symbol)
            line = yamlfile.line_at(text, ["funds", str(symbol), *first["loc"]])
            raise MetadataError(f"{path}:{line}: fund {symbol}, `{key}`: {first['msg']}") from None
        except TypeError as error:
            raise MetadataError(f"{path}:{yamlfile.line_at(text, ['funds', str(symbol)])}: fund {symbol}: {error}") from None
    return Universe(funds=funds)


def merged(curated: Universe, wider: Universe) -> Universe:
    """Every curated entry, then the wider file's entries for the symbols the curated file lacks: a curated entry wins."""
    return Universe(funds={**curated.funds, **{symbol: fund for symbol, fund in wider.funds.items() if symbol not in curated}})


def load_whole_universe(root: Path) -> Universe:
    """The editors' metadata with the whole universe's file merged in behind it."""
    path = root / UNIVERSE_FILE
    if not path.exists():
        raise MetadataError(f"{path}: no metadata for the whole universe: run `python -m generator make-universe` to write it")
    return merged(load_universe(root / FUNDS_FILE), load_universe(path, Fund))
