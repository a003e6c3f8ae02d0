"""Bank statements that are tables (CSV, XLS, XLSX): map columns by name, read cells by column, check.

One engine serves the hezhang standard CSV and every Chinese online-banking export: the differences
between banks are data (`profiles/banks.toml`), not code. Cells are read column by column with Polars;
Python runs per row only for rows that hold a problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import polars as pl

from hezhang.domain.money import Money
from hezhang.domain.problem import Problem, Severity
from hezhang.importers import cells
from hezhang.importers.checks import finish_bank
from hezhang.importers.grid import Grid
from hezhang.importers.header import NEEDED, ColumnMap, find_header, likely_header, settle
from hezhang.importers.preamble import Preamble, read_preamble
from hezhang.importers.profiles import Profiles, profiles
from hezhang.importers.result import ImportResult, StatementMeta
from hezhang.importers.text import header_key

#: At most this many problems are listed one by one; the rest are counted per column.
MAX_LISTED_PROBLEMS = 1000
#: A totals row: its first cell begins with 合计 (or 人民币合计, 本页小计, Total …) and it has no date.
_FOOTER = r"(?i)^\s*(?:\S{0,4}?(?:合计|总计|小计|共计|累计|汇总)|(?:grand\s*)?totals?\b)"
_TEXT_FIELDS = ("counterparty_name", "counterparty_account", "counterparty_bank", "bank_ref", "instrument_no",
                "settlement_method", "account")  # fmt: skip
_SIDES = (("counterparty_name", "payer_name", "payee_name"), ("counterparty_account", "payer_account", "payee_account"),
          ("counterparty_bank", "payer_bank", "payee_bank"))  # fmt: skip


def parse_grid(grid: Grid, filename: str, format_name: str, lines: Sequence[int] | None = None) -> ImportResult:
    """Read a bank statement table from a grid of cells (the careful path: any shape of file).

    `lines[i]` is the physical line grid row i starts on, where that differs from i + 1 (CSV with quoted
    line breaks); problems name that line.
    """
    cmap = find_header(grid.rows)
    if cmap is None:
        seen = "、".join(likely_header(grid.rows)) or "（无）"
        problem = Problem(
            filename,
            f"无法识别对账单表头。看到的表头：{seen}；需要：{NEEDED[0]}",
            f"unknown statement layout. Headers seen: {seen}; needed: {NEEDED[1]}",
        )
        return ImportResult.failed("bank", [problem], StatementMeta(format=format_name, encoding=grid.encoding))
    width = len(cmap.headers)
    first = cmap.row_index + 1
    body = grid.rows[first:]
    source_rows = list(lines[first:]) if lines is not None else list(range(first + 1, first + 1 + len(body)))
    raw = pl.DataFrame(
        {f"c{j}": [r[j] if j < len(r) else "" for r in body] for j in range(width)},
        schema={f"c{j}": pl.String for j in range(width)},
    ).with_columns(pl.Series("source_row", source_rows, dtype=pl.Int64))
    cut_off_row = source_rows[-1] if grid.cut_off and source_rows else None
    return parse_frame(
        raw,
        cmap,
        filename,
        format_name,
        encoding=grid.encoding,
        preamble_rows=grid.rows[: cmap.row_index],
        cut_off_row=cut_off_row,
    )


def parse_frame(
    raw: pl.DataFrame,
    cmap: ColumnMap,
    filename: str,
    format_name: str,
    *,
    encoding: str | None = None,
    preamble_rows: Sequence[Sequence[str]] = (),
    cut_off_row: int | None = None,
) -> ImportResult:
    """`raw` holds string columns c0..cn (as in the header) and `source_row` (1-based line in the file).

    `cut_off_row`: the file's last line, when it ends without a line break and with cells missing.
    """
    prof = profiles()
    columns = [c for c in raw.columns if c != "source_row"]
    cleaned = raw.lazy().with_columns(cells.text_expr(pl.col(c)).alias(c) for c in columns).collect()  # one pass
    body, below = _split_rows(cleaned, cmap)
    sample = body.head(500)
    cmap = settle(cmap, {i: sample[f"c{i}"].drop_nulls().to_list() for i in _undecided(cmap)}, prof)
    reader = _Reader(body, cmap, filename, prof)
    frame = reader.read()
    pre = read_preamble([*preamble_rows, *below], prof)
    problems = reader.problems + _currencies(frame, filename)
    if cut_off_row is not None:
        problems.append(
            Problem(
                filename,
                "最后一行缺少单元格且没有换行，文件可能不完整",
                "the last line lacks cells and a line break: the file looks cut off",
                row=cut_off_row,
            )
        )
    if len(problems) > MAX_LISTED_PROBLEMS:
        problems = _summarize(problems, filename)
    meta = _meta(frame, pre, cmap, prof, format_name=format_name, encoding=encoding)
    return finish_bank(frame, problems, meta, filename, _accounts(frame, filename))


def _undecided(cmap: ColumnMap) -> tuple[int, ...]:
    return tuple(dict.fromkeys((*cmap.direction_candidates, *cmap.settlement_candidates)))


def _split_rows(frame: pl.DataFrame, cmap: ColumnMap) -> tuple[pl.DataFrame, list[list[str]]]:
    """Transactions, and the other rows below the header as text (totals, notes, a closing balance).

    Not transactions: empty rows, repeated header rows (multi-page exports), totals rows (合计 without a
    date), and rows with neither a date nor an amount (notes such as 期末余额：…). Every other row is a line
    or a problem: nothing with a date or an amount is dropped silently.
    """
    data_cols = [c for c in frame.columns if c != "source_row"]
    date_col = pl.col(f"c{cmap.columns[cmap.date_field]}")
    amount_cols = [pl.col(f"c{cmap.columns[k]}") for k in ("amount", "amount_in", "amount_out") if k in cmap.columns]
    first = pl.coalesce([pl.col(c) for c in data_cols])
    dated = date_col.str.contains(r"^\d").fill_null(False)
    no_amount = pl.all_horizontal([c.is_null() for c in amount_cols])
    other = (
        first.is_null()
        | (date_col == cmap.header(cmap.date_field)).fill_null(False)
        | (first.str.contains(_FOOTER).fill_null(False) & ~dated)
        | (no_amount & ~dated)
    )
    flagged = frame.with_columns(other.alias("_other"), first.is_null().alias("_empty"))
    body = flagged.filter(~pl.col("_other")).drop("_other", "_empty")
    notes = flagged.filter(pl.col("_other") & ~pl.col("_empty")).head(50).select(data_cols)
    return body, [[c or "" for c in row] for row in notes.rows()]


class _Reader:
    """Reads the fields of the body's columns; collects a `Problem` for every cell it cannot read."""

    def __init__(self, body: pl.DataFrame, cmap: ColumnMap, filename: str, prof: Profiles) -> None:
        self.body, self.cmap, self.filename, self.prof = body, cmap, filename, prof
        self.problems: list[Problem] = []

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

    def read(self) -> pl.DataFrame:
        out: dict[str, pl.Series] = {"source_row": self.body["source_row"]}
        src = self.need(self.cmap.date_field)
        dates, times, bad = cells.date_time(src, cleaned=True)
        self.report(bad, self.cmap.date_field, "无法识别的日期", "not a date")
        self.report(src.is_null(), self.cmap.date_field, "缺少交易日期", "the transaction date is missing")
        out["date"] = dates.alias("date")
        if self.cmap.date_field == "date" and (t := self.get("time")) is not None:
            parsed, bad_t = cells.time_of_day(t, cleaned=True)
            if bad_t.any():  # 交易时间 may hold a date and a time, or only a date
                _, stamped, bad_stamp = cells.date_time(t, cleaned=True)
                self.report(bad_t & bad_stamp, "time", "无法识别的时间", "not a time of day")
                parsed = parsed.fill_null(stamped)
            out["time"] = parsed.alias("time")
        elif times.null_count() < len(times):
            out["time"] = times.alias("time")
        if (v := self.get("value_date")) is not None:
            value_dates, _, bad_v = cells.date_time(v, cleaned=True)
            self.report(bad_v, "value_date", "无法识别的起息日", "not a value date")
            out["value_date"] = value_dates.alias("value_date")
        out.update(self.amounts())
        if (b := self.get("balance")) is not None:
            balance, bad_b = cells.amount(b, allow_masked=True, cleaned=True)
            self.report(bad_b, "balance", "无法识别的余额", "not a balance amount")
            out["balance"] = balance.alias("balance")
        if (c := self.get("currency")) is not None:
            codes = self.words(c, self.prof.currency_of)
            self.report(c.is_not_null() & codes.is_null(), "currency", "无法识别的币种", "unknown currency")
            out["currency"] = codes.alias("currency")
        for name in _TEXT_FIELDS:
            if (s := self.get(name)) is not None:
                out[name] = s.alias(name)
        frame = self.sides(pl.DataFrame(out))
        if self.cmap.memo:
            memo = pl.concat_str([self.body[f"c{i}"] for i in self.cmap.memo], separator=" ", ignore_nulls=True)
            frame = frame.with_columns(pl.when(memo == "").then(None).otherwise(memo).alias("memo"))
        if "account" in frame.columns:
            frame = frame.with_columns(pl.col("account").str.replace_all(r"[\s-]", ""))
        return frame

    def amounts(self) -> dict[str, pl.Series]:
        """Direction and unsigned fen from in/out columns, a signed column, or an amount plus a direction column."""
        if self.cmap.amount_mode == "split":
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
                word = self.words(d, self.prof.direction_of)
                self.report(d.is_not_null() & word.is_null(), "direction", "无法识别的收支方向",
                            "unknown direction (expected 借/贷, 收/支, 来账/往账)")  # fmt: skip
                conflict = (fen < 0) & (word == "in")
                self.report(conflict.fill_null(False), "amount", "金额为负数，但收支方向为收入",
                            "a negative amount on a line marked as money in")  # fmt: skip
            frame = pl.DataFrame({"s": fen.fill_null(0), "w": word})
            out = pl.when(pl.col("w").is_not_null()).then(pl.col("w") == "out").otherwise(pl.col("s") < 0)
        picked = frame.select(
            pl.when(out).then(pl.lit("out")).otherwise(pl.lit("in")).alias("direction"),
            pl.col("s").abs().alias("amount"),
        )
        return {"direction": picked["direction"], "amount": picked["amount"]}

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


def _currencies(frame: pl.DataFrame, filename: str) -> list[Problem]:
    """One statement is in one currency: amounts of several cannot be added up."""
    found = frame["currency"].drop_nulls().unique().sort().to_list() if "currency" in frame.columns else []
    if len(found) <= 1:
        return []
    return [
        Problem(
            filename,
            f"一个文件中有多个币种（{'、'.join(found)}），请按币种分别导出",
            f"several currencies in one file ({', '.join(found)}); export one file per currency",
        )
    ]


def _accounts(frame: pl.DataFrame, filename: str) -> list[Problem]:
    """Several own accounts: each line keeps its account (the `account` column); reconciliation takes one."""
    found = frame["account"].drop_nulls().unique().sort().to_list() if "account" in frame.columns else []
    if len(found) <= 1:
        return []
    return [
        Problem(
            filename,
            f"此文件含有多个本方账号（{'、'.join(found)}）；每行记有其账号，对账时须按账户分开",
            f"the file holds several own accounts ({', '.join(found)}); each line keeps its account, "
            "and reconciliation takes one account at a time",
            severity=Severity.NOTICE,
        )
    ]


def _single(frame: pl.DataFrame, name: str) -> str | None:
    if name not in frame.columns:
        return None
    found = frame[name].drop_nulls().unique().to_list()
    return str(found[0]) if len(found) == 1 else None


def _meta(
    frame: pl.DataFrame, pre: Preamble, cmap: ColumnMap, prof: Profiles, *, format_name: str, encoding: str | None
) -> StatementMeta:
    currency = _single(frame, "currency") or pre.currency or "CNY"
    return StatementMeta(
        format=format_name,
        encoding=encoding,
        bank=pre.bank or prof.bank_by_headers({header_key(h) for h in cmap.headers}),
        account=_single(frame, "account") or pre.account,
        account_name=pre.account_name,
        currency=currency,
        period=pre.period,
        opening_balance=Money(pre.opening_fen, currency) if pre.opening_fen is not None else None,
        closing_balance=Money(pre.closing_fen, currency) if pre.closing_fen is not None else None,
    )


def _summarize(problems: list[Problem], filename: str) -> list[Problem]:
    listed = problems[:MAX_LISTED_PROBLEMS]
    per_column = Counter(p.column or "-" for p in problems[MAX_LISTED_PROBLEMS:])
    zh = "；".join(f"{c}：{n} 个" for c, n in per_column.items())
    en = "; ".join(f"{c}: {n}" for c, n in per_column.items())
    rest = sum(per_column.values())
    listed.append(Problem(filename, f"另有 {rest} 个问题未逐条列出（{zh}）", f"{rest} more problems not listed ({en})"))
    return listed
