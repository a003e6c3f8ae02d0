"""Checks every bank statement gets, whatever its format: the running balance and duplicates.

`finish_bank` is the last step of every bank importer: it numbers the lines, conforms the frame to
`BANK_SCHEMA`, checks the balance chain and looks for duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import polars as pl

from hezhang.domain.frames import BANK_SCHEMA, conform
from hezhang.domain.money import Money, format_fen
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem, Severity
from hezhang.importers.result import ImportResult, StatementMeta

_DUP_KEYS = ("date", "time", "direction", "amount", "counterparty_name", "counterparty_account", "memo")


def finish_bank(
    frame: pl.DataFrame,
    problems: list[Problem],
    meta: StatementMeta,
    filename: str,
    notices: Sequence[Problem] = (),
) -> ImportResult:
    """Number the lines 1..n in file order, conform to `BANK_SCHEMA`, run the checks, return the result.

    `frame` must hold the lines in file order with at least date, direction and amount, and no `row`
    column (this step numbers the lines); `notices` are the importer's own. `source_row` is
    the line's place in the file (used in messages). Lines with a problem on their row, and every line
    when a problem concerns the whole file, are left out of `lines` (see `_intact`).
    """
    frame = frame.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    if meta.currency and "currency" not in frame.columns:
        frame = frame.with_columns(pl.lit(meta.currency).alias("currency"))
    frame = conform(frame, BANK_SCHEMA).with_columns(pl.col("currency").fill_null(meta.currency or "CNY"))
    notices = list(notices)
    if frame["amount"].null_count() == 0 and frame["direction"].null_count() == 0:
        problems = problems + balance_chain(frame, meta, filename, notices)
    frame = _intact(frame, problems)
    notices += duplicates(frame, filename)
    if meta.period is None and not frame.is_empty() and frame["date"].null_count() < len(frame):
        first, last = frame["date"].min(), frame["date"].max()
        assert isinstance(first, date) and isinstance(last, date)
        meta = replace(meta, period=Period(first, last))
    if problems:
        return ImportResult("bank", frame, tuple(problems), meta, tuple(notices))
    return ImportResult("bank", frame, (), _with_balances(meta, frame), tuple(notices))


def _intact(frame: pl.DataFrame, problems: Sequence[Problem]) -> pl.DataFrame:
    """Only lines that stand: a line with a problem on its row leaves `lines`, and a problem about the whole
    file (cut off, incomplete, unreadable) leaves none, since no line of it can be trusted."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if any(p.row is None for p in errors):
        return frame.clear()
    keep = pl.col("date").is_not_null() & pl.col("direction").is_not_null() & pl.col("amount").is_not_null()
    if errors:
        keep &= ~pl.col("source_row").is_in([p.row for p in errors])
    return frame.filter(keep)


def _with_balances(meta: StatementMeta, frame: pl.DataFrame) -> StatementMeta:
    """Fill opening and closing balances from the running balance when the file has no explicit ones."""
    if (meta.opening_balance is not None and meta.closing_balance is not None) or frame.is_empty():
        return meta
    bal = frame["balance"]
    if bal.null_count() == len(bal):
        return meta
    signed = _signed(frame)
    order = _order(frame)
    if order is None:
        return meta
    first, last = (0, len(frame) - 1) if order == "ascending" else (len(frame) - 1, 0)
    currency = meta.currency or frame["currency"][0] or "CNY"
    opening, closing = meta.opening_balance, meta.closing_balance
    if opening is None and bal[first] is not None:
        opening = Money(int(bal[first]) - int(signed[first]), currency)
    if closing is None and bal[last] is not None:
        closing = Money(int(bal[last]), currency)
    return replace(meta, opening_balance=opening, closing_balance=closing)


def _signed(frame: pl.DataFrame) -> pl.Series:
    return frame.select(
        pl.when(pl.col("direction") == "in").then(pl.col("amount")).otherwise(-pl.col("amount"))
    ).to_series()


def _orders(frame: pl.DataFrame) -> list[str]:
    """The date orders the file is in: ["ascending"], ["descending"], both (all one day), or none."""
    dates = frame["date"]
    found = []
    if len(dates) < 2 or dates.is_sorted():
        found.append("ascending")
    if len(dates) < 2 or dates.is_sorted(descending=True):
        found.append("descending")
    return found


def _order(frame: pl.DataFrame) -> str | None:
    """The order whose running balance holds (ascending first), else the first order the dates allow."""
    orders = _orders(frame)
    for order in orders:
        if not _broken(frame, order).any():
            return order
    return orders[0] if orders else None


def _expected(frame: pl.DataFrame, order: str) -> pl.Series:
    bal, signed = frame["balance"], _signed(frame)
    return bal.shift(1) + signed if order == "ascending" else bal.shift(-1) + signed


def _broken(frame: pl.DataFrame, order: str) -> pl.Series:
    return (_expected(frame, order) != frame["balance"]).fill_null(False)


def balance_chain(frame: pl.DataFrame, meta: StatementMeta, filename: str, notices: list[Problem]) -> list[Problem]:
    """Each line's balance must be the previous balance plus its amount, in the file's date order.

    Returns a problem at the first row where the chain breaks. Skipped, with a notice, when balances are
    masked or absent on some rows, or when the file is in no date order (a filtered or re-sorted extract).
    """
    bal = frame["balance"]
    if len(frame) == 0 or bal.null_count() == len(bal):
        return []
    if bal.null_count():
        notices.append(
            Problem(
                filename,
                "部分行没有余额，未核对余额连续性",
                "some rows have no balance; running balance not checked",
                severity=Severity.NOTICE,
            )
        )
        return []
    order = _order(frame)
    if order is None:
        notices.append(
            Problem(
                filename,
                "文件未按日期排序，未核对余额连续性",
                "rows are not in date order; running balance not checked",
                severity=Severity.NOTICE,
            )
        )
        return []
    signed = _signed(frame)
    expected, broken = _expected(frame, order), _broken(frame, order)
    if not broken.any():
        if meta.opening_balance is not None and order == "ascending":
            first = int(bal[0]) - int(signed[0])
            if first != meta.opening_balance.fen:
                return [_break(filename, frame, 0, meta.opening_balance.fen + int(signed[0]))]
        return []
    i = int(broken.arg_true()[0])
    return [_break(filename, frame, i, int(expected[i]))]


def _break(filename: str, frame: pl.DataFrame, i: int, expected: int) -> Problem:
    got = int(frame["balance"][i])
    return Problem(
        filename,
        f"余额不连续：应为 {format_fen(expected, grouping=True)}，文件中为 {format_fen(got, grouping=True)}",
        f"running balance breaks here: expected {format_fen(expected)}, file says {format_fen(got)}",
        row=frame["source_row"][i],
        column="余额",
        value=format_fen(got),
    )


def duplicates(frame: pl.DataFrame, filename: str) -> list[Problem]:
    """Notices for lines that look the same. Both are kept: two equal same-day payments happen.

    Lines with a bank serial number are duplicates only if the serial repeats too.
    """
    if frame.is_empty():
        return []
    keys = [*_DUP_KEYS, "bank_ref"]
    # Numbers first (cheap), then compare the few candidates on every key.
    candidates = frame.filter(pl.struct("date", "direction", "amount").is_duplicated())
    dup = candidates.filter(pl.struct(keys).is_duplicated())
    notices = []
    for group in dup.group_by(keys, maintain_order=True).agg(pl.col("source_row")).iter_rows(named=True):
        rows = ", ".join(str(r) for r in group["source_row"])
        notices.append(
            Problem(
                filename,
                f"疑似重复交易（第 {rows} 行），均已保留，请核实",
                f"possible duplicate transactions (rows {rows}); all kept, please check",
                row=group["source_row"][0],
                severity=Severity.NOTICE,
            )
        )
    return notices
