"""One-to-one assignment that never guesses.

A pair is accepted when each of its lines is the other's best candidate and no other candidate of either line
comes within the ambiguity margin of that best: no other line explains it with evidence at least as strong. That
holds for twins too: two identical lines (same date, amount, counterparty and memo) explain a line equally well,
so which one it is stays a person's decision (a suggestion), never a pick. Accepted lines leave the pool and the
rest is looked at again.
"""

from __future__ import annotations

import polars as pl

MAX_ROUNDS = 50


def _picks(pairs: pl.DataFrame, side: str, other: str, margin: float) -> pl.DataFrame:
    """Per line of `side`: its pick on the other side and how many candidates are near the best."""
    best = pl.col("score").max().over(f"{side}_row")
    near = pairs.filter(pl.col("score") >= best - margin)
    return near.group_by(f"{side}_row").agg(
        pl.col(f"{other}_row").n_unique().alias(f"{side}_kinds"),
        pl.col(f"{other}_row")
        .sort_by([pl.col("score"), pl.col(f"{other}_row")], descending=[True, False])
        .first()
        .alias(f"{side}_pick"),
    )


def assign(
    pairs: pl.DataFrame, margin: float, competitors: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split scored pairs into (accepted one-to-one pairs, contested pairs left among unaccepted lines).

    `competitors` are every other candidate of the same lines the rule must beat (by default `pairs` itself): a
    pair the rule allows is accepted only when neither of its lines has a competitor within the margin."""
    accepted: list[pl.DataFrame] = []
    remaining = pairs
    rivals = (
        pairs
        if competitors is None
        else pl.concat([competitors, pairs], how="diagonal_relaxed").unique(subset=["b_row", "l_row"], keep="last")
    )
    for _ in range(MAX_ROUNDS):
        if remaining.is_empty():
            break
        b = _picks(rivals, "b", "l", margin)
        l_ = _picks(rivals, "l", "b", margin)
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
        taken = ~pl.col("b_row").is_in(chosen["b_row"].implode()) & ~pl.col("l_row").is_in(chosen["l_row"].implode())
        remaining = remaining.filter(taken)
        rivals = rivals.filter(taken)
    done = pl.concat(accepted) if accepted else pairs.head(0)
    return done, remaining


def top_suggestions(pairs: pl.DataFrame, per_line: int = 3) -> pl.DataFrame:
    """At most `per_line` best candidates for every line on either side (for a person to choose from)."""
    if pairs.is_empty():
        return pairs
    rank_b = pl.col("score").rank("ordinal", descending=True).over("b_row")
    rank_l = pl.col("score").rank("ordinal", descending=True).over("l_row")
    return pairs.filter((rank_b <= per_line) | (rank_l <= per_line)).sort("b_row", "l_row")
