"""The running balance: each line's balance must be the balance before it plus its amount, per account.

Where one line does not follow from the one before, the file has a gap (`BalanceGap`): the file is read and
the gap is a notice. Where the balance column contradicts the amounts on most lines, the file is misread
(amounts taken with the wrong sign, or the wrong columns): that is a problem, never a list of gaps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from hezhang.domain.gap import BalanceGap
from hezhang.domain.money import format_fen
from hezhang.domain.problem import Problem, Severity

#: More than this share of the checked lines breaking the chain is a misreading, not gaps (and at least
#: `MISREAD_MIN_BREAKS` of them: one break among two lines is a gap).
MISREAD_SHARE = 0.5
MISREAD_MIN_BREAKS = 2


@dataclass
class ChainCheck:
    """What the running-balance check found."""

    gaps: list[BalanceGap] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)


def signed(frame: pl.DataFrame) -> pl.Series:
    return frame.select(
        pl.when(pl.col("direction") == "in").then(pl.col("amount")).otherwise(-pl.col("amount"))
    ).to_series()


def orders(dates: pl.Series) -> list[str]:
    """The date orders the rows are in: ["ascending"], ["descending"], both (all one day), or none."""
    found = []
    if len(dates) < 2 or dates.is_sorted():
        found.append("ascending")
    if len(dates) < 2 or dates.is_sorted(descending=True):
        found.append("descending")
    return found


def expected(balance: pl.Series, amounts: pl.Series, order: str) -> pl.Series:
    """Each line's balance as the neighbouring older line's balance plus its signed amount."""
    return balance.shift(1) + amounts if order == "ascending" else balance.shift(-1) + amounts


def broken(balance: pl.Series, amounts: pl.Series, order: str) -> pl.Series:
    return (expected(balance, amounts, order) != balance).fill_null(False)


def order_of(frame: pl.DataFrame) -> str | None:
    """The order whose running balance holds best (ascending first on a tie), else None (no date order)."""
    found = orders(frame["date"])
    if not found:
        return None
    amounts, balance = signed(frame), frame["balance"]
    return min(found, key=lambda order: int(broken(balance, amounts, order).sum()))


def accounts_of(frame: pl.DataFrame) -> Iterator[tuple[str | None, pl.DataFrame]]:
    """The lines of each own account, in file order (lines without an account are one group)."""
    if frame["account"].n_unique() <= 1:
        yield (frame["account"][0] if len(frame) else None), frame
        return
    for part in frame.partition_by("account", maintain_order=True):
        yield part["account"][0], part


def check_running_balance(
    frame: pl.DataFrame, filename: str, currency: str, opening_fen: int | None = None
) -> ChainCheck:
    """The running balance of each account in the file's date order (`frame` in `BANK_SCHEMA`, rows numbered).

    Skipped, with a notice, when balances are masked or absent on some rows, or when an account's rows are in
    no date order (a filtered or re-sorted extract). `opening_fen`, the balance the file states before its
    first line, is checked against the first line when the file holds one account.
    """
    out = ChainCheck()
    bal = frame["balance"]
    if len(frame) == 0 or bal.null_count() == len(bal):
        return out
    if bal.null_count():
        out.notices.append(
            Problem(
                filename,
                "部分行没有余额，未核对余额连续性",
                "some rows have no balance; running balance not checked",
                severity=Severity.NOTICE,
            )
        )
        return out
    groups = list(accounts_of(frame))
    for account, part in groups:
        order = order_of(part)
        if order is None:
            out.notices.append(
                Problem(
                    filename,
                    "文件未按日期排序，未核对余额连续性",
                    "rows are not in date order; running balance not checked",
                    severity=Severity.NOTICE,
                )
            )
            continue
        amounts = signed(part)
        wrong = broken(part["balance"], amounts, order)
        checked = len(part) - 1
        breaks = int(wrong.sum())
        if breaks >= MISREAD_MIN_BREAKS and breaks > MISREAD_SHARE * checked:
            out.problems.append(_misread(filename, part, account, breaks, checked))
            continue
        guess = expected(part["balance"], amounts, order)
        found = [(i, int(guess[i])) for i in wrong.arg_true().to_list()]
        first = 0 if order == "ascending" else len(part) - 1
        stated_opening = int(part["balance"][first]) - int(amounts[first])
        if opening_fen is not None and len(groups) == 1 and stated_opening != opening_fen:
            found.insert(0, (first, opening_fen + int(amounts[first])))
        for i, fen in found:
            stated = int(part["balance"][i])
            gap = BalanceGap(account, int(part["row"][i]), fen, stated, currency)
            out.gaps.append(gap)
            out.notices.append(gap_notice(filename, gap, int(part["source_row"][i]), "余额", format_fen(stated)))
    return out


def gap_notice(
    filename: str, gap: BalanceGap, row: int | None = None, column: str | None = None, value: str | None = None
) -> Problem:
    """The notice that shows a person one gap; `row` is the gap's place in the file (a line or sheet row)."""
    return Problem(
        filename, gap.message_zh, gap.message_en, row=row, column=column, value=value, severity=Severity.NOTICE
    )


def _misread(filename: str, part: pl.DataFrame, account: str | None, breaks: int, checked: int) -> Problem:
    where = f"账户 {account}：" if account else ""
    where_en = f"account {account}: " if account else ""
    return Problem(
        filename,
        f"{where}余额列与金额在 {checked} 笔中有 {breaks} 笔对不上：金额的正负方向或列可能读错了"
        "（信用卡账单请用 --sign spend-positive，借记账户请用 --sign income-positive），或文件是筛选过的明细",
        f"{where_en}the balance column contradicts the amounts on {breaks} of {checked} lines: the amounts are read "
        "with the wrong sign or from the wrong columns (a card bill needs --sign spend-positive, an account "
        "statement --sign income-positive), or the file is a filtered extract",
        row=int(part["source_row"][0]),
        column="余额",
    )
