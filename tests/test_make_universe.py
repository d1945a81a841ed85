"""`make-universe` on a tiny folder of yfinance CSVs and a tiny FinanceDatabase table: every fund gets an entry or its
curated one, a file the load refuses is set aside with the reason, the prices are the CSVs' as they are."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.load import UNIVERSE_STORE, read_store, read_yfinance_csv
from generator.universe import FUNDS_FILE, UNIVERSE_FILE, Fund, load_universe

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "prices"
ROOT = Path(__file__).resolve().parent.parent
DATABASE = [
    {
        "symbol": "IWM",
        "name": "iShares Russell 2000 ETF",
        "family": "BlackRock Asset Management",
        "exchange": "PCX",
        "summary": "The investment seeks to track the investment results of the Russell 2000® Index.",
    },
    {
        "symbol": "SOXL",
        "name": "Direxion Daily Semiconductor Bull 3X Shares",
        "family": "Direxion Funds",
        "exchange": "PCX",
        "summary": "The investment seeks daily investment results, before fees and expenses, of 300% of the daily performance of "
        "the PHLX Semiconductor Sector Index.",
    },
    {
        "symbol": "DIVO",
        "name": "Amplify CWP Enhanced Dividend Income ETF",
        "family": "Amplify ETFs",
        "exchange": "BTS",
        "summary": "The investment seeks to provide current income as its primary investment objective.",
    },
]


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A project whose data/funds.yaml describes IWM alone; a folder with IWM, SOXL (IWM's lines under another ticker), DIVO,
    one file with a close of zero and one with no prices; the database's rows for IWM, SOXL and DIVO."""
    project, prices = tmp_path / "project", tmp_path / "prices"
    (project / "data").mkdir(parents=True)
    lines = (ROOT / FUNDS_FILE).read_text(encoding="utf-8").split("\n  IJR:")[0]
    (project / FUNDS_FILE).write_text(lines[lines.index("funds:") :] + "\n", encoding="utf-8")
    prices.mkdir()
    iwm = (FIXTURES / "IWM.csv").read_text(encoding="utf-8").splitlines()
    shutil.copy(FIXTURES / "IWM.csv", prices / "IWM.csv")
    shutil.copy(FIXTURES / "IWM.csv", prices / "SOXL.csv")
    shutil.copy(FIXTURES / "DIVO.csv", prices / "DIVO.csv")
    first = iwm[1].split(",")
    (prices / "ZERO.csv").write_text("\n".join([iwm[0], ",".join([*first[:4], "0.0", *first[5:]]), *iwm[2:]]) + "\n")
    (prices / "EMPTY.csv").write_text(f"{iwm[0]}\n{first[0]},,,,,,\n")
    database = tmp_path / "financedatabase-etfs.csv"
    with database.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(
            stream, fieldnames=["symbol", "name", "family", "exchange", "mic", "category", "summary"], extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(DATABASE)
    return project, prices, database


def test_every_fund_gets_metadata_and_its_prices_as_they_are(inputs: tuple[Path, Path, Path]) -> None:
    project, prices, database = inputs
    result = runner.invoke(app, ["--project", str(project), "make-universe", "--prices", str(prices), "--metadata", str(database)])
    assert result.exit_code == 0, result.output
    assert "set aside: ZERO:" in result.output and "price is zero or negative" in result.output
    assert "set aside: EMPTY:" in result.output and "no rows with prices" in result.output
    assert "name: 1 of 1 agree" in result.output and "leverage: 1 of 1 agree" in result.output
    wider = load_universe(project / UNIVERSE_FILE, Fund)
    assert wider.symbols() == ["DIVO", "EMPTY", "SOXL", "ZERO"], "the curated IWM keeps its own entry"
    soxl, divo, zero = wider["SOXL"], wider["DIVO"], wider["ZERO"]
    assert (soxl.issuer, soxl.listing, soxl.index, soxl.leverage, soxl.source) == (
        "Direxion",
        "NYSE Arca",
        "PHLX Semiconductor Sector Index",
        3,
        "financedatabase",
    )
    assert (divo.issuer, divo.brand, divo.listing, divo.index, divo.leverage) == ("Amplify", "Amplify", "Cboe BZX", None, None)
    assert zero.source == "ticker" and zero.name is None and zero.listing is None
    stored = read_store(project / UNIVERSE_STORE)
    assert sorted(stored["symbol"].unique()) == ["DIVO", "IWM", "SOXL"]
    iwm = stored.loc[stored["symbol"] == "IWM"].reset_index(drop=True)
    pd.testing.assert_frame_equal(iwm, read_yfinance_csv(prices / "IWM.csv"), check_exact=True)


@pytest.mark.parametrize(
    ("option", "message"),
    [("--prices", "no such folder of price CSVs: pass --prices DIR"), ("--metadata", "no such file: pass --metadata FILE")],
)
def test_a_missing_input_is_named_with_the_option_to_pass(inputs: tuple[Path, Path, Path], option: str, message: str) -> None:
    project, prices, database = inputs
    paths = {"--prices": str(prices), "--metadata": str(database), option: str(project / "nowhere")}
    result = runner.invoke(app, ["--project", str(project), "make-universe", *[item for pair in paths.items() for item in pair]])
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    assert not (project / UNIVERSE_FILE).exists() and not (project / UNIVERSE_STORE).exists()


def test_a_folder_without_a_curated_fund_writes_nothing(inputs: tuple[Path, Path, Path]) -> None:
    project, prices, database = inputs
    (prices / "IWM.csv").unlink()
    result = runner.invoke(app, ["--project", str(project), "make-universe", "--prices", str(prices), "--metadata", str(database)])
    assert result.exit_code == 2 and "no prices for IWM" in result.output
    assert not (project / UNIVERSE_FILE).exists()
