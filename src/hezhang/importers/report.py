"""What one parse has found wrong: problems (the file is refused) and notices (worth a look)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from hezhang.domain.money import format_fen
from hezhang.domain.problem import Problem, Severity


@dataclass
class Report:
    filename: str
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)

    def error(
        self, zh: str, en: str, row: int | None = None, column: str | None = None, value: str | None = None
    ) -> None:
        self.problems.append(Problem(self.filename, zh, en, row=row, column=column, value=value))

    def notice(
        self, zh: str, en: str, row: int | None = None, column: str | None = None, value: str | None = None
    ) -> None:
        self.notices.append(
            Problem(self.filename, zh, en, row=row, column=column, value=value, severity=Severity.NOTICE)
        )


def totals_disagree(number: str, opening: int, ins: int, outs: int, closing: int) -> tuple[str, str] | None:
    """The message when a statement's opening + credits − debits is not its closing balance, else None.

    Statements whose lines carry no running balance (MT940, CAMT.053) can name no line: the file disagrees
    with itself. Importers report it as a notice: the reconciliation will not balance, and the file is the
    bank's, which the accountant cannot correct.
    """
    expected = opening + ins - outs
    if expected == closing:
        return None
    o, i, x, e, c = (format_fen(v, grouping=True) for v in (opening, ins, outs, expected, closing))
    return (
        f"对账单 {number}：期初余额 {o} + 收入 {i} − 支出 {x} = {e}，但期末余额为 {c}",
        f"statement {number}: opening balance {o} + credits {i} - debits {x} = {e}, but the closing balance is {c}",
    )


def several_accounts(accounts: list[str]) -> tuple[str, str]:
    """The notice for a file holding statements of several accounts (each line keeps its own)."""
    return (
        f"此文件含有多个账户的对账单：{'、'.join(accounts)}；每行记有其账户，对账时须按账户分开",
        f"the file holds statements of several accounts ({', '.join(accounts)}); each line keeps its account, "
        "and reconciliation takes one account at a time",
    )


def several_currencies(currencies: list[str]) -> tuple[str, str]:
    """The problem for a file in several currencies (amounts of different currencies cannot be added)."""
    return (
        f"一个文件只能含一种币种，此文件含有：{'、'.join(currencies)}",
        f"one file must hold one currency; this one holds {', '.join(currencies)}",
    )


def check_accounts_and_currency(
    report: Report, accounts: list[str], currencies: list[str], *, account_column: str, currency_column: str | None
) -> None:
    """Several accounts: a notice (each line keeps its own). Several currencies: a problem (amounts of different
    currencies cannot be added up)."""
    if len(accounts) > 1:
        report.notice(*several_accounts(accounts), column=account_column)
    if len(currencies) > 1:
        report.error(*several_currencies(currencies), column=currency_column)


def check_statement_chain(report: Report, statements: list[tuple[str, int | None, int | None]]) -> None:
    """(number, opening, closing) of consecutive statements: each should open where the one before closed."""
    for (_, _, closed), (number, opened, _) in itertools.pairwise(statements):
        if closed is not None and opened is not None and closed != opened:
            report.notice(
                f"对账单 {number} 的期初余额 {format_fen(opened)} 不等于上一张的期末余额 "
                f"{format_fen(closed)}，可能缺少对账单",
                f"statement {number} opens at {format_fen(opened)} but the one before closed at {format_fen(closed)}: "
                "a statement may be missing",
            )
