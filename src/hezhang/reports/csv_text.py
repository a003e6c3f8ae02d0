"""Text in CSV cells that a spreadsheet will not run as a formula (OWASP "CSV injection").

Excel, WPS and LibreOffice evaluate a cell that begins with "=", "+", "-" or "@" (and, after their own trimming, a
tab or carriage return) as a formula: a memo "=HYPERLINK(...)" in a bank statement would run on the accountant's
machine. Such a text cell is written with a leading apostrophe, which the spreadsheet shows as text. Numbers are
left alone: "-12.50" is an amount, not a formula, and must stay a number for the person summing the column.
"""

from __future__ import annotations

import re
from typing import Final

import polars as pl

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_NUMBER: Final = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_RISKY: Final = r"^[=+\-@\t\r]"
_NUMBER_PATTERN: Final = r"^[+-]?\d+(?:\.\d+)?$"


def neutral(value: str) -> str:
    """`value` as a CSV cell that no spreadsheet runs: an apostrophe before a formula-like text."""
    if value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def neutral_expr(column: str) -> pl.Expr:
    """`neutral` over a String column of a frame (vectorized)."""
    text = pl.col(column)
    risky = text.str.contains(_RISKY) & ~text.str.contains(_NUMBER_PATTERN)
    return pl.when(risky).then(pl.lit("'") + text).otherwise(text).alias(column)
