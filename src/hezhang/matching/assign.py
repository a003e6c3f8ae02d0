"""One-to-one assignment that never guesses.

A pair is accepted when each of its lines is the other's best candidate and no candidate of a
different kind comes within the ambiguity margin of that best. Candidates of the same kind (equal
equivalence `key`: same date, amount, counterparty and memo) are interchangeable, so picking the one
with the lowest row is not a guess. Accepted lines leave the pool and the rest is looked at again.
"""

from __future__ import annotations

import polars as pl

MAX_ROUNDS = 50


def _picks(pairs: pl.DataFrame, side: str, other: str, margin: float) -> pl.DataFrame:
    """Per line of `side`: its pick on the other side and how many kinds of candidates are near the best."""
    best = pl.col("score").max().over(f"{side}_row")
    near = pairs.filter(pl.col("score") >= best - margin)
    return near.group_by(f"{side}_row").agg(
        pl.col(f"{other}_key").n_unique().alias(f"{side}_kinds"),
        pl.col(f"{other}_row")
        .sort_by([pl.col("score"), pl.col(f"{other}_row")], descending=[True, False])
        .first()
        .alias(f"{side}_pick"),
    )


def assign(pairs: pl.DataFrame, margin: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split scored pairs into (accepted one-to-one pairs, contested pairs left among unaccepted lines)."""
    accepted: list[pl.DataFrame] = []
    remaining = pairs
    for _ in range(MAX_ROUNDS):
        if remaining.is_empty():
            break
        b = _picks(remaining, "b", "l", margin)
        l_ = _picks(remaining, "l", "b", margin)
        chosen = (
            remaining.join(b, on="b_row")
            .join(l_, on="l_row")
            .filter(
                (pl.col("b_pick") == pl.col("l_row"))
                & (pl.col("l_pick") == pl.col("b_row"))
                & (pl.col("b_kinds") == 1)
                & (pl.col("l_kinds") == 1)
            )
            .drop("b_pick", "l_pick", "b_kinds", "l_kinds")
        )
        if chosen.is_empty():
            break
        accepted.append(chosen)
        remaining = remaining.filter(
            ~pl.col("b_row").is_in(chosen["b_row"].implode()) & ~pl.col("l_row").is_in(chosen["l_row"].implode())
        )
    done = pl.concat(accepted) if accepted else pairs.head(0)
    return done, remaining


def top_suggestions(pairs: pl.DataFrame, per_line: int = 3) -> pl.DataFrame:
    """At most `per_line` best candidates for every line on either side (for a person to choose from)."""
    if pairs.is_empty():
        return pairs
    rank_b = pl.col("score").rank("ordinal", descending=True).over("b_row")
    rank_l = pl.col("score").rank("ordinal", descending=True).over("l_row")
    return pairs.filter((rank_b <= per_line) | (rank_l <= per_line)).sort("b_row", "l_row")
