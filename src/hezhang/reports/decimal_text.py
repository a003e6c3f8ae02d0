"""Fen columns as decimal text ("1234.56", "-0.05"), vectorized."""

from __future__ import annotations

import polars as pl


def fen_text(column: str) -> pl.Expr:
    """An Int64 fen column as a string with two decimals; null stays null."""
    fen = pl.col(column)
    whole = (fen.abs() // 100).cast(pl.String)
    cents = (fen.abs() % 100).cast(pl.String).str.pad_start(2, "0")
    sign = pl.when(fen < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str([sign, whole, pl.lit("."), cents]).alias(column)
