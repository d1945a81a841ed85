"""The whole universe's metadata (data/universe.yaml) from FinanceDatabase's table of funds (JerBouma/FinanceDatabase,
`database/etfs/*.csv`, MIT licence; a snapshot of 2026, which keeps the funds listed then).

Names as the database gives them; the issuer from its fund family, written the way data/funds.yaml writes issuers;
the brand where the name states one; the listing from its exchange code (today's listing); the index and the daily
multiple where the fund's stated objective names them (objective.py). Nothing else is known, and nothing is guessed:
a fund the database has no row for is known by its ticker alone. data/funds.yaml stays the authority for its funds,
which the universe file leaves out.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import MetadataError
from .objective import read_objective
from .universe import Fund, Listing, Universe

DATABASE_COLUMNS = ("symbol", "name", "family", "exchange", "summary")
"""The columns of the database's table this file reads (it has others: mic, category_group, category, isin)."""
SOURCE = "FinanceDatabase (github.com/JerBouma/FinanceDatabase), database/etfs, snapshot of 2026"

FAMILY_ISSUERS = {
    "BlackRock Asset Management": "BlackRock",
    "Vanguard Asset Management": "Vanguard",
    "Invesco Investment Management": "Invesco",
    "Schwab ETFs": "Charles Schwab",
    "Direxion Funds": "Direxion",
    "WisdomTree Asset Management": "WisdomTree",
    "First Trust Advisors": "First Trust",
    "PIMCO Global Advisors": "PIMCO",
    "VanEck Asset Management": "VanEck",
    "Global X Funds": "Global X",
    "Amplify ETFs": "Amplify",
    "ALPS ETF Trust": "ALPS",
    "Cambria ETF Trust": "Cambria",
    "UBS Asset Management": "UBS",
    "Credit Suisse Asset Management": "Credit Suisse",
    "Franklin Templeton Investments": "Franklin Templeton",
    "Principal Funds": "Principal",
}
"""A fund family as data/funds.yaml writes its issuer: the family's name without the corporate suffix the database adds
("BlackRock Asset Management" is BlackRock), and Schwab as Charles Schwab; any other family is written as the database
gives it (State Street Global Advisors, ProShares)."""

BRANDS = (
    "iShares",
    "SPDR",
    "Vanguard",
    "Schwab",
    "Invesco",
    "ProShares",
    "Direxion",
    "WisdomTree",
    "First Trust",
    "PIMCO",
    "AdvisorShares",
    "ARK",
    "VanEck",
    "Global X",
    "iPath",
    "ELEMENTS",
    "Amplify",
    "FlexShares",
    "MicroSectors",
    "Cambria",
    "Columbia",
    "Roundhill",
    "Loncar",
    "RiverFront",
)
"""Brands a fund's name can state ("iShares MSCI Germany ETF", "Energy Select Sector SPDR Fund"), as whole words."""

EXCHANGE_LISTINGS: dict[str, Listing] = {"PCX": "NYSE Arca", "NMS": "Nasdaq", "NGM": "Nasdaq", "NCM": "Nasdaq", "BTS": "Cboe BZX"}
"""The database's exchange codes (Yahoo's) as the site names a primary listing; another code leaves the listing unknown."""


@dataclass(frozen=True)
class Row:
    """One fund's row of the database."""

    symbol: str
    name: str
    family: str
    exchange: str
    summary: str


def read_database(path: Path) -> dict[str, Row]:
    """The database's rows by symbol; a file that is not its table fails in one line."""
    if not path.is_file():
        raise MetadataError(f"{path}: no such file: pass --metadata FILE, FinanceDatabase's table of funds (a CSV)")
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        missing = [name for name in DATABASE_COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            raise MetadataError(f"{path}: not FinanceDatabase's table of funds: no column {', '.join(missing)}")
        rows = [Row(**{name: (line[name] or "").strip() for name in DATABASE_COLUMNS}) for line in reader]
    return {row.symbol: row for row in rows}


def issuer_of(family: str, name: str) -> str | None:
    """The issuer a fund family names, written as data/funds.yaml writes it; None where the family is missing or is the
    fund's own name (the database gives one fund's name as its family)."""
    return None if not family or family == name else FAMILY_ISSUERS.get(family, family)


def brand_of(name: str) -> str | None:
    """The brand the name states, or None."""
    return next((brand for brand in BRANDS if re.search(rf"(?<![\w-]){re.escape(brand)}(?![\w-])", name)), None)


def wider_entry(symbol: str, row: Row | None) -> Fund:
    """A fund of the whole universe as the database describes it, or by its ticker alone where it has no row."""
    unknown = {"issuer": None, "brand": None, "listing": None, "index": None, "leverage": None}
    common = {"symbol": symbol, "kind": "etf", "asset_class": None, "category": None, "sector": None, "underlying": None, "inception": None}
    if row is None:
        return Fund.model_validate({**common, **unknown, "name": None, "source": "ticker"})
    objective = read_objective(row.summary, row.name)
    return Fund.model_validate(
        {
            **common,
            "name": row.name or None,
            "issuer": issuer_of(row.family, row.name),
            "brand": brand_of(row.name),
            "listing": EXCHANGE_LISTINGS.get(row.exchange),
            "index": objective.index,
            "leverage": objective.leverage,
            "source": "financedatabase",
        }
    )


def _plain(name: str) -> str:
    """A name as compared once case, a leading "The" and spacing are set aside."""
    return " ".join(name.removeprefix("The ").lower().split())


@dataclass(frozen=True)
class Agreement:
    """How the database (and the reading of its objectives) agrees with data/funds.yaml on one fact of its funds."""

    fact: str
    given: int
    """Funds of data/funds.yaml for which the database gives the fact."""
    same: int
    alike: int
    """Those that differ only in case or a leading "The"."""
    differences: list[tuple[str, object, object]]
    """(symbol, data/funds.yaml's value, the database's) for each that differs."""

    def summary(self) -> str:
        alike = f" ({self.alike} more but for case or a leading 'The')" if self.alike else ""
        return f"{self.fact}: {self.same} of {self.given} agree{alike}"


CHECKED_FACTS = ("name", "issuer", "brand", "listing", "index", "leverage")
"""The facts the database gives, compared with data/funds.yaml's."""


def agreement(curated: Universe, rows: dict[str, Row]) -> list[Agreement]:
    """How the entries the database gives (`wider_entry`) agree with the editors' for the funds both describe, fact by fact."""
    pairs = [
        (fund, wider_entry(fund.symbol, rows[fund.symbol])) for fund in curated.funds.values() if fund.kind == "etf" and fund.symbol in rows
    ]
    found = []
    for fact in CHECKED_FACTS:
        given = [(ours.symbol, getattr(ours, fact), getattr(theirs, fact)) for ours, theirs in pairs if getattr(theirs, fact) is not None]
        differences = [(symbol, ours, theirs) for symbol, ours, theirs in given if ours != theirs]
        alike = sum(_plain(str(ours)) == _plain(str(theirs)) for _, ours, theirs in differences)
        found.append(Agreement(fact, len(given), len(given) - len(differences), alike, differences))
    return found


def universe_yaml(entries: Iterable[Fund], checked: list[Agreement]) -> str:
    """data/universe.yaml: a header saying where each value comes from, then one entry per fund (explicit nulls)."""
    funds = list(entries)
    described = [fund for fund in funds if fund.source == "financedatabase"]
    counts = {
        "named": len(described),
        "index": sum(fund.index is not None for fund in described),
        "leverage": sum(fund.leverage is not None for fund in described),
        "multiple": sum(fund.leverage not in (None, 1) for fund in described),
        "listing": sum(fund.listing is not None for fund in described),
    }
    header = f"""\
# Fund metadata for the whole universe: the {len(funds)} funds of the price folder that data/funds.yaml does not describe
# (its entries win over any here). Generated by `python -m generator make-universe`: do not edit by hand; to correct a
# fund, give it an entry in data/funds.yaml.
#
# source: financedatabase, {counts["named"]} funds: {SOURCE}.
#   name: the database's `name`, as the issuer writes it.
#   issuer: the database's `family`, written the way data/funds.yaml writes issuers (generator/financedatabase.py).
#   brand: a brand the name states (iShares, SPDR, ...), else null.
#   listing ({counts["listing"]} funds): the primary listing in the database's snapshot: today's, which may not be the
#   listing of 2016-2021 (fund pages say so).
#   index ({counts["index"]} funds) and leverage ({counts["leverage"]}, {counts["multiple"]} of them leveraged or inverse): where the
#   fund's stated objective (the database's `summary`) names them (generator/objective.py); a plain tracker of a named
#   index has 1.
# source: ticker, {len(funds) - len(described)} funds: the database has no row (it keeps the funds listed today): only the
#   ticker is known.
# Everything else (asset class, category, sector, the fund a leveraged one multiplies, inception) is null: not known.
#
# Checked against data/funds.yaml (make-universe prints each difference; data/README.md discusses them):
{"".join(f"#   {item.summary()}{chr(10)}" for item in checked)}"""
    body = {fund.symbol: fund.model_dump(mode="json", exclude={"symbol"}) for fund in sorted(funds, key=lambda f: f.symbol)}
    return header + yaml.safe_dump({"funds": body}, sort_keys=False, allow_unicode=True, width=1000)
