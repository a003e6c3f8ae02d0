"""What one parse has found wrong: problems (the file is refused) and notices (worth a look)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hezhang.domain.gap import BalanceGap, GapKind
from hezhang.domain.problem import Problem, Severity


@dataclass
class Report:
    filename: str
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    gaps: list[BalanceGap] = field(default_factory=list)

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

    def gap(self, gap: BalanceGap, row: int | None = None, column: str | None = None, value: str | None = None) -> None:
        """A place where the file's own numbers disagree: kept in `gaps`, and a notice."""
        self.gaps.append(gap)
        self.notices.append(
            Problem(
                self.filename,
                gap.message_zh,
                gap.message_en,
                row=row,
                column=column,
                value=value,
                severity=Severity.NOTICE,
            )
        )


def totals_gap(
    account: str | None, number: str, opening: int, ins: int, outs: int, closing: int, currency: str
) -> BalanceGap | None:
    """The gap when a statement's opening + credits − debits is not its closing balance, else None.

    Statements whose lines carry no running balance (MT940, CAMT.053) can name no line: the file disagrees
    with itself. The file is read; the gap is a notice, and the reconciliation is not balanced until a person
    acknowledges it.
    """
    expected = opening + ins - outs
    if expected == closing:
        return None
    return BalanceGap(account, None, expected, closing, currency, GapKind.TOTALS, statement=number)


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


def statement_chain_gaps(
    statements: list[tuple[str | None, str, int | None, int | None]], currency: str
) -> list[BalanceGap]:
    """(account, number, opening, closing) of the statements in file order: each should open where the previous
    statement of the same account closed. Statements of different accounts are never compared."""
    last: dict[str | None, tuple[str, int | None]] = {}
    gaps = []
    for account, number, opened, closed in statements:
        if account in last:
            previous, before = last[account]
            if before is not None and opened is not None and before != opened:
                gaps.append(BalanceGap(account, None, before, opened, currency, GapKind.CHAIN, number, previous))
        last[account] = (number, closed)
    return gaps


def per_account_balances(
    statements: list[tuple[str | None, int | None, int | None]],
) -> dict[str | None, tuple[int | None, int | None]]:
    """(account, opening, closing) of the statements in file order -> each account's opening (its first
    statement's) and closing (its last statement's) balance."""
    out: dict[str | None, tuple[int | None, int | None]] = {}
    for account, opening, closing in statements:
        out[account] = (out[account][0] if account in out else opening, closing)
    return out
