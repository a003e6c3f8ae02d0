"""Vectorized cell readers: text, amounts, dates and times for whole columns at once.

Each reader takes a column of raw cell strings and returns the parsed column plus a boolean column
`bad` that is true where a cell held something that could not be read. Callers turn `bad` rows into
`Problem`s. Amounts agree with `hezhang.domain.money.parse_fen` on every input (a property test
checks): the common shapes go through Polars, the rare rest through `parse_fen` itself.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from hezhang.domain.money import MoneyError, parse_fen
from hezhang.importers.text import PAD

#: Cells that mean "nothing here" (the common ones, compared at once); a longer run of dashes ("-----------")
#: means the same and is found by `rare_marks`.
EMPTY_MARKS = ("", "-", "--", "—", "/", "——")
DASHES = "-—–－"
_DASH_RUN = r"^[-—–－]+$"
_FAST_AMOUNT = r"^([+-]?)[¥￥]?(\d{1,3}(?:,\d{3})+|\d{1,15})(?:\.(\d{1,2}))?$"
_MASKED = r"^[\dxyzXYZ*,.\s]*[xyzXYZ*][\dxyzXYZ*,.\s]*$"
_MAX_FEN = 2**62

_DATE_SEP = (
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?(?:\.\d+)?)?$"
)
_DATE_COMPACT = r"^(\d{4})(\d{2})(\d{2})(?:[ T]*(\d{2}):?(\d{2}):?(\d{2}))?$"
_TIME = r"^(?:.*[ T])?(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?(?:\.\d+)?$"
_TIME_COMPACT = r"^(\d{2})(\d{2})(\d{2})$"


def is_empty(cell: str) -> bool:
    """Whether a cleaned cell means "nothing here" (what `text` turns into null)."""
    return cell.strip(DASHES) == "" or cell == "/"


def text(column: pl.Series) -> pl.Series:
    """Cells without padding (`text.PAD`: white space of every kind, BOM, zero-width space) and without Excel's
    forced-text wrapping (`="6222…"`); empty marks ("", "-", "-------", "/") become null."""
    name = column.name
    lazy = column.to_frame().lazy().select(text_expr(pl.col(name).cast(pl.String)).alias(name))
    return lazy.select(rare_marks(pl.col(name)).alias(name)).collect().to_series()  # lazy: each strip computed once


def text_expr(cells: pl.Expr) -> pl.Expr:
    """`text` as an expression over a string column, for cleaning many columns in one pass (run it lazily: the
    strip it uses twice is then computed once), without the rare marks: see `clean_columns`."""
    stripped = cells.str.strip_chars(PAD)
    return pl.when(stripped.is_in(EMPTY_MARKS)).then(None).otherwise(stripped)


def rare_marks(cells: pl.Expr) -> pl.Expr:
    """On cells `text_expr` cleaned: Excel's forced text `="…"` unwrapped, a long run of dashes null."""
    unwrapped = (
        pl.when(cells.str.starts_with('="') & cells.str.ends_with('"') & (cells.str.len_bytes() > 2))
        .then(cells.str.strip_prefix('="').str.strip_suffix('"').str.strip_chars(PAD))
        .otherwise(cells)
    )
    return pl.when(unwrapped.is_in(["", "/"]) | unwrapped.str.contains(_DASH_RUN)).then(None).otherwise(unwrapped)


def _may_be_rare(cells: pl.Expr) -> pl.Expr:
    """Cheap test (no string built) for a cell `rare_marks` may change."""
    return cells.str.starts_with('="') | pl.any_horizontal(cells.str.starts_with(dash + dash + dash) for dash in DASHES)


def clean_columns(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """`text` on many string columns of a frame: one lazy pass for padding and common marks, and the rare marks
    only on the columns that have a cell starting like one."""
    cleaned = frame.lazy().with_columns(text_expr(pl.col(c)).alias(c) for c in columns).collect()
    if cleaned.is_empty() or not columns:
        return cleaned
    flags = cleaned.select(_may_be_rare(pl.col(c)).any().alias(c) for c in columns).row(0)
    rare = [c for c, flagged in zip(columns, flags, strict=True) if flagged]
    return cleaned.with_columns(rare_marks(pl.col(c)).alias(c) for c in rare) if rare else cleaned


def amount(column: pl.Series, *, allow_masked: bool = False, cleaned: bool = False) -> tuple[pl.Series, pl.Series]:
    """Signed fen from raw cells (padding and empty marks are handled here). Returns (fen Int64, bad Boolean).

    With `allow_masked`, cells like "xx,yyyy.zz" (a bank hiding the balance) are null and not bad.
    `cleaned`: the column went through `text` already.
    """
    raw = column if cleaned else text(column)
    fast_ok = raw.str.contains(_FAST_AMOUNT)
    exact = raw.str.replace_all(r"[,¥￥]", "").cast(pl.Decimal(20, 2), strict=False)
    fen = pl.select(
        pl.when(fast_ok).then((exact * 100).cast(pl.Int64, strict=False)).otherwise(None).alias(column.name)
    ).to_series()
    need_slow = raw.is_not_null() & fen.is_null()
    if not need_slow.any():
        return fen, pl.Series("bad", [False] * len(raw), dtype=pl.Boolean)
    masked = (raw.str.contains(_MASKED) & need_slow).to_list() if allow_masked else [False] * len(raw)
    values, bad, cells = fen.to_list(), [False] * len(raw), raw.to_list()
    for i in need_slow.arg_true().to_list():
        if masked[i]:
            continue
        try:
            value = parse_fen(cells[i])
        except MoneyError:
            bad[i] = True
            continue
        if abs(value) >= _MAX_FEN:
            bad[i] = True
        else:
            values[i] = value
    return pl.Series(column.name, values, dtype=pl.Int64), pl.Series("bad", bad, dtype=pl.Boolean)


def _pad2(expr: pl.Expr) -> pl.Expr:
    return expr.str.pad_start(2, "0")


def date_time(column: pl.Series, *, cleaned: bool = False) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Dates (and a time if the cell has one) from "2026-10-01", "20261001", "2026/10/01", "2026年10月1日",
    optionally followed by "12:34:56". Returns (date, time, bad)."""
    raw = column if cleaned else text(column)
    fast = pl.select(
        pl.when(raw.str.len_bytes() == 10).then(raw.str.to_date("%Y-%m-%d", strict=False)).alias(column.name)
    ).to_series()
    if not (raw.is_not_null() & fast.is_null()).any():  # the common case: ISO dates only
        return (
            fast,
            pl.Series("time", [None] * len(raw), dtype=pl.Time),
            pl.Series("bad", [False] * len(raw), dtype=pl.Boolean),
        )
    frame = pl.DataFrame({"raw": raw})
    sep = pl.col("raw").str.extract_groups(_DATE_SEP)
    compact = pl.col("raw").str.extract_groups(_DATE_COMPACT)
    parts = frame.select(
        *[pl.coalesce(sep.struct.field(str(i)), compact.struct.field(str(i))).alias(f"p{i}") for i in range(1, 7)]
    )
    iso = parts.select(
        pl.concat_str([pl.col("p1"), pl.lit("-"), _pad2(pl.col("p2")), pl.lit("-"), _pad2(pl.col("p3"))])
        .str.to_date("%Y-%m-%d", strict=False)
        .alias("date"),
        pl.when(pl.col("p4").is_not_null())
        .then(
            pl.concat_str(
                [_pad2(pl.col("p4")), pl.lit(":"), _pad2(pl.col("p5")), pl.lit(":"), _pad2(pl.col("p6").fill_null("0"))]
            ).str.to_time("%H:%M:%S", strict=False)
        )
        .alias("time"),
    )
    dates = iso["date"].alias(column.name)
    bad = raw.is_not_null() & (dates.is_null() | (parts["p4"].is_not_null() & iso["time"].is_null()))
    bad = bad.cast(pl.Boolean).alias("bad")
    return dates, iso["time"], bad


_MONTH_DAY = r"^(\d{1,2})[-/.月](\d{1,2})日?$"


def month_day(column: pl.Series, year: int, month: int) -> tuple[pl.Series, pl.Series]:
    """Dates written without a year ("12/29", "01-02", "1月2日") on a bill of `month` of `year`: a month after the
    bill's month belongs to the year before. Returns (date, ok); ok is false where the cell is no such date."""
    parts = pl.DataFrame({"raw": column}).select(
        pl.col("raw").str.extract(_MONTH_DAY, 1).cast(pl.Int32, strict=False).alias("m"),
        pl.col("raw").str.extract(_MONTH_DAY, 2).cast(pl.Int32, strict=False).alias("d"),
    )
    dates = parts.select(
        pl.concat_str(
            [
                pl.when(pl.col("m") > month).then(pl.lit(str(year - 1))).otherwise(pl.lit(str(year))),
                _pad2(pl.col("m").cast(pl.String)),
                _pad2(pl.col("d").cast(pl.String)),
            ],
            separator="-",
        )
        .str.to_date("%Y-%m-%d", strict=False)
        .alias(column.name)
    ).to_series()
    return dates, dates.is_not_null().alias("ok")


def time_of_day(column: pl.Series, *, cleaned: bool = False) -> tuple[pl.Series, pl.Series]:
    """Times from "14:21:07", "14:21", "142107" or a date-time cell. Returns (time, bad)."""
    raw = column if cleaned else text(column)
    fast = pl.select(
        pl.when(raw.str.len_bytes() == 8).then(raw.str.to_time("%H:%M:%S", strict=False)).alias(column.name)
    ).to_series()
    if not (raw.is_not_null() & fast.is_null()).any():  # the common case: HH:MM:SS only
        return fast, pl.Series("bad", [False] * len(raw), dtype=pl.Boolean)
    frame = pl.DataFrame({"raw": raw})
    long = pl.col("raw").str.extract_groups(_TIME)
    short = pl.col("raw").str.extract_groups(_TIME_COMPACT)
    parsed = frame.select(
        pl.concat_str(
            [
                _pad2(pl.coalesce(long.struct.field("1"), short.struct.field("1"))),
                pl.lit(":"),
                _pad2(pl.coalesce(long.struct.field("2"), short.struct.field("2"))),
                pl.lit(":"),
                _pad2(pl.coalesce(long.struct.field("3"), short.struct.field("3"), pl.lit("0"))),
            ]
        )
        .str.to_time("%H:%M:%S", strict=False)
        .alias(column.name)
    ).to_series()
    return parsed, (raw.is_not_null() & parsed.is_null()).cast(pl.Boolean).alias("bad")


def map_words(column: pl.Series, lookup: Callable[[str], str | None]) -> pl.Series:
    """Map each distinct cell through `lookup` once (columns of a few distinct words: currencies, directions)."""
    distinct = column.drop_nulls().unique().to_list()
    mapping = {word: lookup(word) for word in distinct}
    return column.replace_strict(mapping, default=None, return_dtype=pl.String)
