"""Large statement files for benchmarks, generated column-wise (a million lines in a second or two)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from hezhang.importers.standard import STANDARD_HEADER
from hezhang.samples.names import company

DATA = Path(__file__).parent / ".data"


def standard_frame(lines: int, seed: int = 7) -> pl.DataFrame:
    """`lines` statement lines in the standard layout as strings, with a consistent running balance."""
    rng = np.random.default_rng(seed)
    day = np.sort(rng.integers(0, 365, lines))
    incoming = rng.random(lines) < 0.45
    fen = rng.integers(100, 5_000_000, lines)
    signed = np.where(incoming, fen, -fen)
    balance = 10**12 + np.cumsum(signed)
    names = [company(i) for i in range(997)]

    def money(values: np.ndarray) -> pl.Expr:
        s = pl.Series(values)
        return pl.concat_str(
            [(pl.lit(s) // 100).cast(pl.String), pl.lit("."), (pl.lit(s) % 100).cast(pl.String).str.pad_start(2, "0")]
        )

    frame = pl.DataFrame({"d": day, "in": incoming, "fen": fen, "bal": balance, "i": np.arange(lines)})
    dates = pl.date_range(date(2026, 1, 1), date(2026, 12, 31), eager=True)
    return frame.select(
        dates.gather(pl.Series(day)).dt.strftime("%Y-%m-%d").alias("交易日期"),
        pl.format(
            "{}:{}:{}",
            (pl.col("i") % 10 + 8).cast(pl.String).str.pad_start(2, "0"),
            (pl.col("i") % 60).cast(pl.String).str.pad_start(2, "0"),
            (pl.col("i") * 7 % 60).cast(pl.String).str.pad_start(2, "0"),
        ).alias("交易时间"),
        pl.format("B{}", pl.col("i").cast(pl.String).str.pad_start(10, "0")).alias("流水号"),
        pl.when(pl.col("in")).then(pl.lit("货款")).otherwise(pl.lit("采购款")).alias("摘要"),
        pl.Series(names).gather(pl.Series(np.arange(lines) % len(names))).alias("对方户名"),
        pl.format("6222{}", (pl.col("i") * 7919 % 10**15).cast(pl.String).str.pad_start(15, "0")).alias("对方账号"),
        pl.when(pl.col("in")).then(money(fen)).otherwise(pl.lit("")).alias("收入金额"),
        pl.when(pl.col("in")).then(pl.lit("")).otherwise(money(fen)).alias("支出金额"),
        money(balance).alias("余额"),
        pl.lit("CNY").alias("币种"),
    )


def standard_csv(lines: int) -> Path:
    path = DATA / f"standard-{lines}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        frame = standard_frame(lines)
        assert tuple(frame.columns) == STANDARD_HEADER
        frame.write_csv(path)
    return path


def standard_xlsx(lines: int) -> Path:
    """The same layout as XLSX (written with openpyxl's write-only mode)."""
    path = DATA / f"standard-{lines}.xlsx"
    if not path.exists():
        from openpyxl import Workbook

        DATA.mkdir(parents=True, exist_ok=True)
        book = Workbook(write_only=True)
        sheet = book.create_sheet("明细")
        frame = standard_frame(lines)
        sheet.append(list(frame.columns))
        for row in frame.iter_rows():
            sheet.append(list(row))
        book.save(path)
    return path
