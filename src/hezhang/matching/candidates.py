"""Candidate pairs: bank and ledger lines of the same direction within the date window, by amount.

Exact pairs come from an equi-join on (direction, amount, date bucket): a bank line is joined with the
ledger lines of its own and the two neighbouring buckets (bucket = window + 1 days), so the join never
grows beyond the lines that share an amount inside three windows. Fee pairs (the bank amount is short
by a bank fee) come from a range join on the lines still unmatched.
"""

from __future__ import annotations

import polars as pl

#: How long an item carried from an earlier period may wait for its counterpart.
CARRY_DAYS = 366
#: A fee found by percentage is at least this much: a few fen off is a typo or rounding, not a bank fee.
MIN_PERCENT_FEE_FEN = 100


def _prefixed(frame: pl.DataFrame, prefix: str, keep: tuple[str, ...] = ()) -> pl.DataFrame:
    return frame.rename({c: f"{prefix}{c}" for c in frame.columns if c not in keep})


def exact_pairs(bank: pl.DataFrame, ledger: pl.DataFrame, window: int) -> pl.DataFrame:
    """All (bank, ledger) pairs with equal direction and amount and |date gap| <= window, plus the pairs
    of an item carried from the previous period (negative row) with a line of this period dated on or
    after it, however far apart (an outstanding cheque may clear months later)."""
    current = _window_pairs(bank.filter(pl.col("row") > 0), ledger.filter(pl.col("row") > 0), window)
    carried = [
        _carried_pairs(bank.filter(pl.col("row") < 0), ledger.filter(pl.col("row") > 0), "b_day", "l_day"),
        _carried_pairs(bank.filter(pl.col("row") > 0), ledger.filter(pl.col("row") < 0), "l_day", "b_day"),
    ]
    return pl.concat([current, *carried], how="vertical_relaxed")


def _carried_pairs(bank: pl.DataFrame, ledger: pl.DataFrame, older: str, newer: str) -> pl.DataFrame:
    b = _prefixed(bank, "b_", ("direction", "amount"))
    l_ = _prefixed(ledger, "l_", ("direction", "amount"))
    return (
        b.join(l_, on=["direction", "amount"], how="inner")
        .filter((pl.col(newer) >= pl.col(older)) & (pl.col(newer) - pl.col(older) <= CARRY_DAYS))
        .with_columns((pl.col("b_day") - pl.col("l_day")).abs().alias("gap"), pl.lit(0, pl.Int64).alias("diff"))
        .rename({"amount": "b_amount"})
        .with_columns(pl.col("b_amount").alias("l_amount"))
        .select(_window_pairs(bank.head(0), ledger.head(0), 0).columns)
    )


def _window_pairs(bank: pl.DataFrame, ledger: pl.DataFrame, window: int) -> pl.DataFrame:
    size = window + 1
    b = (
        _prefixed(bank, "b_", ("direction", "amount"))
        .with_columns(pl.int_ranges(pl.col("b_day") // size - 1, pl.col("b_day") // size + 2).alias("bucket"))
        .explode("bucket")
    )
    l_ = _prefixed(ledger, "l_", ("direction", "amount")).with_columns(
        (pl.col("l_day") // size).cast(pl.Int64).alias("bucket")
    )
    pairs = b.join(l_, on=["direction", "amount", "bucket"], how="inner")
    return (
        pairs.with_columns((pl.col("b_day") - pl.col("l_day")).abs().alias("gap"), pl.lit(0, pl.Int64).alias("diff"))
        .filter(pl.col("gap") <= window)
        .drop("bucket")
        .rename({"amount": "b_amount"})
        .with_columns(pl.col("b_amount").alias("l_amount"))
    )


def fee_pairs(
    bank: pl.DataFrame, ledger: pl.DataFrame, window: int, fees_fen: tuple[int, ...], percent_bp: int, max_fen: int
) -> pl.DataFrame:
    """Pairs where the bank moved less money in (or more out) than the books by a plausible bank fee.

    `diff` = signed ledger amount minus signed bank amount, always > 0 here: the fee the bank kept.
    """
    parts = []
    for direction in ("in", "out"):
        b = _prefixed(bank.filter(pl.col("direction") == direction), "b_", ("direction",))
        l_ = _prefixed(ledger.filter(pl.col("direction") == direction).drop("direction"), "l_")
        if b.is_empty() or l_.is_empty():
            continue
        if direction == "in":  # the bank received less than the books say
            near = (pl.col("l_amount") > pl.col("b_amount"), pl.col("l_amount") <= pl.col("b_amount") + max_fen)
            diff, gross = pl.col("l_amount") - pl.col("b_amount"), pl.col("l_amount")
        else:  # the bank paid out more than the books say
            near = (pl.col("l_amount") < pl.col("b_amount"), pl.col("l_amount") >= pl.col("b_amount") - max_fen)
            diff, gross = pl.col("b_amount") - pl.col("l_amount"), pl.col("l_amount")
        pairs = b.join_where(l_, *near).with_columns(
            diff.alias("diff"), (pl.col("b_day") - pl.col("l_day")).abs().alias("gap")
        )
        parts.append(
            pairs.filter(
                (pl.col("gap") <= window)
                & (
                    pl.col("diff").is_in(list(fees_fen))
                    | ((pl.col("diff") >= MIN_PERCENT_FEE_FEN) & (pl.col("diff") * 10000 <= gross * percent_bp))
                )
            )
        )
    if not parts:
        return exact_pairs(bank.head(0), ledger.head(0), window)
    return pl.concat(parts, how="diagonal_relaxed").select(exact_pairs(bank.head(0), ledger.head(0), window).columns)
