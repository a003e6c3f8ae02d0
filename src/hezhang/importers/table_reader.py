"""Reading the body of a statement table column by column: dates, amounts and their direction, text fields.

Every cell that cannot be read is a `Problem` naming its row, column and value. The direction of one signed
amount column is settled by `sign` (never guessed); a date without a year (a card bill's "12/29") takes the
year of the bill, and a line without a transaction date takes its posting date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from hezhang.domain.problem import Problem, Severity
from hezhang.importers import cells, sign
from hezhang.importers.header import ColumnMap
from hezhang.importers.profiles import Profiles
from hezhang.importers.result import Sign

_TEXT_FIELDS = ("counterparty_name", "counterparty_account", "counterparty_bank", "bank_ref", "instrument_no",
                "settlement_method", "account")  # fmt: skip
_SIDES = (("counterparty_name", "payer_name", "payee_name"), ("counterparty_account", "payer_account", "payee_account"),
          ("counterparty_bank", "payer_bank", "payee_bank"))  # fmt: skip
_CURRENCY_PREFIX = r"^([A-Za-z]{3})\s*[-+(]?[\d.]"


@dataclass(frozen=True, slots=True)
class Context:
    """What the rows around the table say that the cells need: the person's answer on the sign, the first sign
    of a card bill, and the (year, month) a date without a year belongs to."""

    given: Sign | None = None
    card: str | None = None
    year_month: tuple[int, int] | None = None


class Reader:
    """Reads the fields of the body's columns; collects a `Problem` for every cell it cannot read."""

    def __init__(self, body: pl.DataFrame, cmap: ColumnMap, filename: str, prof: Profiles, context: Context) -> None:
        self.body, self.cmap, self.filename, self.prof, self.context = body, cmap, filename, prof, context
        self.problems: list[Problem] = []
        self.notices: list[Problem] = []

    def get(self, name: str) -> pl.Series | None:
        return self.body[f"c{self.cmap.columns[name]}"] if name in self.cmap.columns else None

    def need(self, name: str) -> pl.Series:
        return self.body[f"c{self.cmap.columns[name]}"]

    def report(self, bad: pl.Series, name: str, zh: str, en: str) -> None:
        """One problem per row where `bad` holds: physical row, the column's header as written, the cell."""
        if not bad.any():
            return
        column = self.cmap.header(name)
        rows = self.body["source_row"].filter(bad).to_list()
        values = self.need(name).filter(bad).to_list()
        self.problems += [
            Problem(self.filename, zh, en, row=r, column=column, value=v) for r, v in zip(rows, values, strict=True)
        ]

    def words(self, column: pl.Series, read: Callable[[str], str | None]) -> pl.Series:
        """Map cell words (借/贷, 人民币) through `read`, once per distinct value."""
        distinct = column.drop_nulls().unique().to_list()
        return column.replace_strict({v: read(v) for v in distinct}, default=None, return_dtype=pl.String)

    def dates(self, name: str) -> tuple[pl.Series, pl.Series, pl.Series]:
        """(date, time, bad) of a date column; "12/29" takes the year of the bill."""
        src = self.need(name)
        dates, times, bad = cells.date_time(src, cleaned=True)
        if bad.any() and self.context.year_month is not None:
            yearless, ok = cells.month_day(src, *self.context.year_month)
            dates = dates.zip_with(~(bad & ok), yearless)
            bad = bad & ~ok
        return dates, times, bad

    def memo(self) -> pl.Series | None:
        if not self.cmap.memo:
            return None
        memo = pl.concat_str([pl.col(f"c{i}") for i in self.cmap.memo], separator=" ", ignore_nulls=True)
        return self.body.select(pl.when(memo == "").then(None).otherwise(memo).alias("memo")).to_series()

    def read(self) -> pl.DataFrame:
        out: dict[str, pl.Series] = {"source_row": self.body["source_row"]}
        field = self.cmap.date_field
        src = self.need(field)
        dates, times, bad = self.dates(field)
        value_dates = None
        if (v := self.get("value_date")) is not None:
            value_dates, _, bad_v = self.dates("value_date")
            self.report(bad_v, "value_date", "无法识别的起息日", "not a value date")
            out["value_date"] = value_dates.alias("value_date")
        self.report(bad, field, "无法识别的日期", "not a date")
        missing = src.is_null()
        if value_dates is not None and v is not None:  # no transaction date: the posting date
            dates = dates.zip_with(~missing, value_dates)
            missing = missing & v.is_null()
        self.report(missing, field, "缺少交易日期", "the transaction date is missing")
        out["date"] = dates.alias("date")
        if field == "date" and (t := self.get("time")) is not None:
            parsed, bad_t = cells.time_of_day(t, cleaned=True)
            if bad_t.any():  # 交易时间 may hold a date and a time, or only a date
                _, stamped, bad_stamp = cells.date_time(t, cleaned=True)
                self.report(bad_t & bad_stamp, "time", "无法识别的时间", "not a time of day")
                parsed = parsed.fill_null(stamped)
            out["time"] = parsed.alias("time")
        elif times.null_count() < len(times):
            out["time"] = times.alias("time")
        balance = None
        if (b := self.get("balance")) is not None:
            balance, bad_b = cells.amount(b, allow_masked=True, cleaned=True)
            self.report(bad_b, "balance", "无法识别的余额", "not a balance amount")
            out["balance"] = balance.alias("balance")
        memo = self.memo()
        out.update(self.amounts(out["date"], balance, memo))
        if (c := self.get("currency")) is not None:
            codes = self.words(c, self.prof.currency_of)
            self.report(c.is_not_null() & codes.is_null(), "currency", "无法识别的币种", "unknown currency")
            out["currency"] = codes.alias("currency")
        elif self.cmap.amount_mode == "single":  # "CNY 123.18": the currency written in the amount cells
            prefix = self.need("amount").str.extract(_CURRENCY_PREFIX, 1).str.to_uppercase()
            if prefix.null_count() < len(prefix):
                out["currency"] = prefix.alias("currency")
        for name in _TEXT_FIELDS:
            if (s := self.get(name)) is not None:
                out[name] = s.alias(name)
        frame = self.sides(pl.DataFrame(out))
        if memo is not None:
            frame = frame.with_columns(memo)
        if "account" in frame.columns:
            frame = frame.with_columns(pl.col("account").str.replace_all(r"[\s-]", ""))
        return frame

    def amounts(self, dates: pl.Series, balance: pl.Series | None, memo: pl.Series | None) -> dict[str, pl.Series]:
        """Direction and unsigned fen from in/out columns, a signed column, or an amount plus a direction column."""
        if self.cmap.amount_mode == "split":
            self.unused_sign("收入与支出分列")
            fen_in, bad_in = cells.amount(self.need("amount_in"), cleaned=True)
            fen_out, bad_out = cells.amount(self.need("amount_out"), cleaned=True)
            fen_out = fen_out.abs()  # some banks write money out as a negative number in the out column
            self.report(bad_in, "amount_in", "无法识别的金额", "not an amount")
            self.report(bad_out, "amount_out", "无法识别的金额", "not an amount")
            both = (fen_in.fill_null(0) != 0) & (fen_out.fill_null(0) != 0)
            self.report(both, "amount_in", "收入和支出同时有金额", "both the in and the out column hold an amount")
            neither = fen_in.is_null() & fen_out.is_null() & ~bad_in & ~bad_out
            self.report(
                neither, "amount_in", "收入和支出金额都为空", "neither the in nor the out column holds an amount"
            )
            frame = pl.DataFrame({"i": fen_in, "o": fen_out}).with_columns(
                (pl.col("i").fill_null(0) - pl.col("o").fill_null(0)).alias("s")
            )
            out = (pl.col("s") < 0) | ((pl.col("s") == 0) & pl.col("o").is_not_null() & (pl.col("i").fill_null(0) == 0))
        else:
            col = self.need("amount")
            fen, bad = cells.amount(col, cleaned=True)
            self.report(bad, "amount", "无法识别的金额", "not an amount")
            self.report(col.is_null(), "amount", "缺少金额", "the amount is missing")
            word = pl.repeat(None, len(fen), dtype=pl.String, eager=True)
            if (d := self.get("direction")) is not None:
                self.unused_sign("收支方向列")
                word = self.words(d, self.prof.direction_of)
                self.report(d.is_not_null() & word.is_null(), "direction", "无法识别的收支方向",
                            "unknown direction (expected 借/贷, 收/支, 来账/往账)")  # fmt: skip
                conflict = (fen < 0) & (word == "in")
                self.report(conflict.fill_null(False), "amount", "金额为负数，但收支方向为收入",
                            "a negative amount on a line marked as money in")  # fmt: skip
                negative_in = pl.lit(False)
            else:
                word, negative_in = self.settle(fen, dates, balance, memo)
            frame = pl.DataFrame({"s": fen.fill_null(0), "w": word})
            out = (
                pl.when(pl.col("w").is_not_null())
                .then(pl.col("w") == "out")
                .otherwise(pl.when(negative_in).then(pl.col("s") > 0).otherwise(pl.col("s") < 0))
            )
        picked = frame.select(
            pl.when(out).then(pl.lit("out")).otherwise(pl.lit("in")).alias("direction"),
            pl.col("s").abs().alias("amount"),
        )
        return {"direction": picked["direction"], "amount": picked["amount"]}

    def settle(
        self, fen: pl.Series, dates: pl.Series, balance: pl.Series | None, memo: pl.Series | None
    ) -> tuple[pl.Series, pl.Expr]:
        """(direction words, whether a positive amount is money out) for one signed column without directions."""
        words = sign.memo_directions(memo, self.prof) if memo is not None else None
        plain = sign.memo_directions(memo, self.prof, any_file=True) if memo is not None else None
        verdict = sign.settle(
            fen, given=self.context.given, balance=balance, accounts=self.get("account"), words=words,
            card=self.context.card, plain_words=plain,
        )  # fmt: skip
        nothing = pl.repeat(None, len(fen), dtype=pl.String, eager=True)
        if verdict.words and words is not None:
            self.unused_sign("摘要开头的收支词")
            return words, pl.lit(False)
        if verdict.sign is None:
            zh, en = sign.question(self.cmap.header("amount"))
            self.problems.append(Problem(self.filename, zh, en, column=self.cmap.header("amount")))
        elif self.context.given is None:
            spend = verdict.sign == "spend-positive"
            self.notices.append(
                Problem(
                    self.filename,
                    f"金额列正数按{'支出' if spend else '收入'}读取（依据：{verdict.why_zh}）",
                    f"positive amounts read as money {'out' if spend else 'in'} "
                    f"({verdict.sign}, from {verdict.why_en})",
                    column=self.cmap.header("amount"),
                    severity=Severity.NOTICE,
                )
            )
        return nothing, pl.lit(verdict.sign == "spend-positive")

    def unused_sign(self, why_zh: str) -> None:
        """A notice when the person gave --sign for a file whose directions are stated otherwise."""
        if self.context.given is not None:
            self.notices.append(
                Problem(
                    self.filename,
                    f"文件已写明收支方向（{why_zh}），未使用 --sign {self.context.given}",
                    f"the file states each line's direction itself; --sign {self.context.given} was not used",
                    severity=Severity.NOTICE,
                )
            )

    def sides(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Where a bank lists payer and payee (BOC), the counterparty is the payer of money in and the payee of
        money out; the other side is the own account."""
        pick: list[pl.Expr] = []
        is_in = pl.col("direction") == "in"
        for target, payer, payee in (*_SIDES, ("account", "payee_account", "payer_account")):
            p_in, p_out = self.get(payer), self.get(payee)
            if target in frame.columns or (p_in is None and p_out is None):
                continue
            when_in = pl.lit(p_in) if p_in is not None else pl.lit(None, pl.String)
            when_out = pl.lit(p_out) if p_out is not None else pl.lit(None, pl.String)
            pick.append(pl.when(is_in).then(when_in).otherwise(when_out).alias(target))
        return frame.with_columns(pick) if pick else frame
