"""Likely causes when the statement does not balance, and outstanding pairs worth a second look.

Hints look at lines left outstanding: two amounts whose digits are swapped (1,230.00 vs 1,320.00),
the same amount in opposite directions (a sign error), a ledger line that repeats a matched one
(booked twice), and an outstanding amount equal to the difference or to half of it.
"""

from __future__ import annotations

import polars as pl

from hezhang.domain.money import format_fen
from hezhang.matching.model import MatchResult
from hezhang.reconciliation.model import BalanceReconciliation, Cause

MAX_HINTS = 20
_WINDOW_DAYS = 31


def _m(fen: int) -> str:
    return format_fen(fen, grouping=True)


def _digits(fen: int) -> str:
    return "".join(sorted(str(abs(fen))))


def _outstanding(frame: pl.DataFrame, rows: tuple[int, ...]) -> pl.DataFrame:
    return frame.filter(pl.col("row").is_in(list(rows))).select("row", "date", "direction", "amount", "memo")


def diagnose(
    rec: BalanceReconciliation,
    bank: pl.DataFrame,
    ledger: pl.DataFrame,
    result: MatchResult,
    *,
    expected_book_opening: int,
) -> list[Cause]:
    by = rec.gaps_acknowledged
    causes: list[Cause] = [
        Cause(
            "statement_gap",
            f"银行对账单自身不连续，{'已由 ' + by + ' 确认' if by else '未经确认'}：{gap.message_zh}",
            f"the bank statement's own numbers disagree, {'acknowledged by ' + by if by else 'not acknowledged'}: "
            f"{gap.message_en}",
        )
        for gap in rec.gaps
    ]
    d = rec.difference_fen
    if d:
        causes.append(
            Cause(
                "difference",
                f"调节后余额不相等：账簿方比银行方多 {_m(d)}",
                f"the adjusted balances differ: the book side exceeds the bank side by {format_fen(d)}",
            )
        )
        if rec.book_opening_fen != expected_book_opening:
            swapped = _digits(rec.book_opening_fen) == _digits(expected_book_opening)
            causes.append(
                Cause(
                    "opening_balance",
                    f"账簿期初余额 {_m(rec.book_opening_fen)} 与按银行期初余额和上期未达账项推算的 "
                    f"{_m(expected_book_opening)} 不符" + ("（疑似数字颠倒）" if swapped else ""),
                    f"book opening balance {format_fen(rec.book_opening_fen)} differs from "
                    f"{format_fen(expected_book_opening)} implied by the bank opening balance and last period's items"
                    + (" (digits look transposed)" if swapped else ""),
                )
            )
    b = _outstanding(bank, result.unmatched_bank_rows)
    l_ = _outstanding(ledger, result.unmatched_ledger_rows)
    causes += _pair_hints(b, l_)
    causes += _booked_twice(bank, ledger, l_, result)
    if d:
        for frame, side in ((b, "bank"), (l_, "ledger")):
            for row, amount in (
                frame.filter(pl.col("amount").is_in([abs(d), abs(d) // 2])).select("row", "amount").rows()
            ):
                half = amount * 2 == abs(d)
                causes.append(
                    Cause(
                        "sign_error" if half else "missing_line",
                        f"未达账项金额 {_m(amount)} " + ("为差额的一半，疑似方向记反" if half else "等于差额"),
                        f"outstanding amount {format_fen(amount)} "
                        + ("is half the difference: a sign error?" if half else "equals the difference"),
                        bank_row=row if side == "bank" else None,
                        ledger_row=row if side == "ledger" else None,
                    )
                )
    return causes[: MAX_HINTS * 4]


def _pair_hints(b: pl.DataFrame, l_: pl.DataFrame) -> list[Cause]:
    if b.is_empty() or l_.is_empty():
        return []
    pairs = (
        b.join(l_, how="cross", suffix="_l").filter(
            (pl.col("date") - pl.col("date_l")).dt.total_days().abs() <= _WINDOW_DAYS
        )
        if b.height * l_.height <= 4_000_000
        else b.head(0).join(l_.head(0), how="cross", suffix="_l")
    )
    hints: list[Cause] = []
    for row, direction, amount, row_l, direction_l, amount_l in pairs.select(
        "row", "direction", "amount", "row_l", "direction_l", "amount_l"
    ).iter_rows():
        if len(hints) >= MAX_HINTS:
            break
        if (
            direction == direction_l
            and amount != amount_l
            and (amount - amount_l) % 9 == 0
            and (_digits(amount) == _digits(amount_l))
        ):
            hints.append(
                Cause(
                    "transposition",
                    f"银行 {_m(amount)} 与账簿 {_m(amount_l)} 疑似数字颠倒",
                    f"bank {format_fen(amount)} vs book {format_fen(amount_l)}: digits look transposed",
                    bank_row=row,
                    ledger_row=row_l,
                )
            )
        elif direction != direction_l and amount == amount_l:
            hints.append(
                Cause(
                    "sign_error",
                    f"银行与账簿金额均为 {_m(amount)} 但方向相反，疑似记反方向",
                    f"bank and book both show {format_fen(amount)} in opposite directions: a sign error?",
                    bank_row=row,
                    ledger_row=row_l,
                )
            )
    return hints


def _booked_twice(bank: pl.DataFrame, ledger: pl.DataFrame, l_: pl.DataFrame, result: MatchResult) -> list[Cause]:
    """Book lines that repeat another of the same day, amount and memo where the bank shows fewer such lines: a
    matched line and its unmatched twin, or unmatched twins (identical lines are suggestions, never picked)."""
    if l_.is_empty():
        return []
    keys = ["date", "direction", "amount", "memo"]
    matched = ledger.filter(~pl.col("row").is_in(list(result.unmatched_ledger_rows))).select("row", *keys)
    twins = l_.join(matched, on=keys, how="inner", suffix="_m", nulls_equal=True).unique("row").select("row", "amount")
    on_bank = bank.group_by("direction", "amount").agg(pl.len().alias("bank_lines"))
    repeated = (
        l_.with_columns(pl.len().over(keys).alias("n"), pl.col("row").rank("ordinal").over(keys).alias("k"))
        .join(on_bank, on=["direction", "amount"], how="left")
        .with_columns(pl.col("bank_lines").fill_null(0))
        .filter((pl.col("n") >= 2) & (pl.col("k") > pl.col("bank_lines")))
        .select("row", "amount")
    )
    found = pl.concat([twins, repeated]).unique("row").sort("row")
    return [
        Cause(
            "booked_twice",
            f"账簿第 {row} 行 {_m(amount)} 与同日、同金额、同摘要的另一笔完全相同，疑似重复记账",
            f"book row {row} ({format_fen(amount)}) repeats another line of the same day, amount and memo: "
            "booked twice?",
            ledger_row=row,
        )
        for row, amount in found.head(MAX_HINTS).iter_rows()
    ]
