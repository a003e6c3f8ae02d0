"""Balance gaps: where a statement's own numbers disagree with each other.

A running balance that does not follow from the line before, a statement whose opening balance plus its lines
is not its closing balance, or a statement of an account that does not open where the one before it closed:
each is a gap. The file is still read (it is the bank's, and the accountant cannot correct it); every gap is
named, and a reconciliation that contains one is not balanced until a person has acknowledged it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hezhang.domain.money import format_fen


class GapKind(StrEnum):
    #: A line's running balance is not the previous balance plus its amount.
    RUNNING = "running"
    #: A statement's opening balance + credits − debits is not its closing balance.
    TOTALS = "totals"
    #: A statement does not open where the previous statement of the same account closed.
    CHAIN = "chain"


@dataclass(frozen=True, slots=True)
class BalanceGap:
    """`expected_fen` is what the file's other numbers give, `stated_fen` what the file states there.

    `row` is the `row` (1-based ordinal) of the first line after the gap; None for a gap in a statement's
    totals or between statements. `statement` names the statement (its number) where the file has several.
    The messages name the account by its last four characters.
    """

    account: str | None
    row: int | None
    expected_fen: int
    stated_fen: int
    currency: str
    kind: GapKind = GapKind.RUNNING
    statement: str | None = None
    previous_statement: str | None = None

    @property
    def difference_fen(self) -> int:
        return self.stated_fen - self.expected_fen

    @property
    def message_zh(self) -> str:
        where = f"账户 {_tail(self.account)}：" if self.account else ""
        e, s, d = _money(self.expected_fen), _money(self.stated_fen), _money(self.difference_fen, signed=True)
        if self.kind is GapKind.TOTALS:
            return f"{where}对账单 {self.statement or ''} 期初余额加本期收支为 {e}，期末余额为 {s}，相差 {d}"
        if self.kind is GapKind.CHAIN:
            return (
                f"{where}对账单 {self.statement or ''} 的期初余额 {s} 不等于上一张对账单 "
                f"{self.previous_statement or ''} 的期末余额 {e}，相差 {d}，可能缺少对账单"
            )
        return f"{where}余额不连续：第 {self.row} 笔应为 {e}，文件中为 {s}，相差 {d}"

    @property
    def message_en(self) -> str:
        where = f"account {_tail(self.account)}: " if self.account else ""
        e, s, d = _money(self.expected_fen), _money(self.stated_fen), _money(self.difference_fen, signed=True)
        if self.kind is GapKind.TOTALS:
            return (
                f"{where}statement {self.statement or ''}: opening balance plus its lines gives {e}, "
                f"the closing balance is {s} ({d})"
            )
        if self.kind is GapKind.CHAIN:
            return (
                f"{where}statement {self.statement or ''} opens at {s} but statement "
                f"{self.previous_statement or ''} before it closed at {e} ({d}): a statement may be missing"
            )
        return f"{where}running balance breaks at line {self.row}: expected {e}, the file says {s} ({d})"

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


def _tail(account: str) -> str:
    """An account in a message: its last four characters (the number itself is personal data)."""
    return account if len(account) <= 4 else f"…{account[-4:]}"


def _money(fen: int, *, signed: bool = False) -> str:
    text = format_fen(fen, grouping=True)
    return f"+{text}" if signed and fen > 0 else text
