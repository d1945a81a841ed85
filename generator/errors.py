"""Errors a user can act on: each names the input at fault (symbol, date, file, line)."""

from __future__ import annotations


class GeneratorError(Exception):
    """Base of every error the command line reports as one line, without a traceback."""


class PriceDataError(GeneratorError):
    """Prices that cannot be trusted: malformed, unsorted, duplicated or non-positive."""

    def __init__(self, source: str, message: str, *, symbol: str | None = None, day: object = None) -> None:
        where = source + (f" [{symbol}]" if symbol else "") + (f" on {str(day)[:10]}" if day is not None else "")
        super().__init__(f"{where}: {message}")
        self.source = source
        self.symbol = symbol
        self.day = day
        self.message = message

    def __reduce__(self) -> tuple[object, ...]:
        """Rebuilt from its parts, so that one raised in a worker process reaches the command line whole."""
        return (_price_data_error, (self.source, self.message, self.symbol, self.day))


def _price_data_error(source: str, message: str, symbol: str | None, day: object) -> PriceDataError:
    return PriceDataError(source, message, symbol=symbol, day=day)


class MissingDataError(GeneratorError):
    """A request for a symbol or a date the data does not hold."""


class MetadataError(GeneratorError):
    """The fund metadata file is malformed or lacks a fund the data holds."""
