"""What every importer returns: the lines, the problems, and what the file says about itself."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from hezhang.domain.frames import BANK_SCHEMA, LEDGER_SCHEMA, bank_lines, ledger_lines
from hezhang.domain.gap import BalanceGap
from hezhang.domain.lines import BankLine, LedgerLine
from hezhang.domain.money import Money
from hezhang.domain.period import Period
from hezhang.domain.problem import Problem

Kind = Literal["bank", "journal"]
#: How a file with one signed amount column writes money out: card bills write spending as a positive amount
#: ("spend-positive"), account statements write income as a positive amount ("income-positive").
Sign = Literal["spend-positive", "income-positive"]
SIGNS: tuple[Sign, ...] = ("spend-positive", "income-positive")


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """One account's part of a file that holds several accounts. Balances are None when the file does not say."""

    account: str | None
    currency: str
    line_count: int
    total_in: Money
    total_out: Money
    opening_balance: Money | None = None
    closing_balance: Money | None = None
    gaps: tuple[BalanceGap, ...] = ()


@dataclass(frozen=True, slots=True)
class StatementMeta:
    """What a file states about itself. Fields are None when the file does not say.

    A file that holds several accounts has one `AccountSummary` per account in `accounts`; `account`,
    `opening_balance` and `closing_balance` are then None (they would mix accounts). `gaps` lists every place
    where the file's own numbers disagree (each is also a notice).
    """

    format: str
    encoding: str | None = None
    bank: str | None = None
    account: str | None = None
    account_name: str | None = None
    currency: str | None = None
    period: Period | None = None
    opening_balance: Money | None = None
    closing_balance: Money | None = None
    accounts: tuple[AccountSummary, ...] = ()
    gaps: tuple[BalanceGap, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Lines as a frame (`BANK_SCHEMA` or `LEDGER_SCHEMA`), problems that reject the file, notices that do not.

    For journals `lines` holds the bank lines (account code under the chosen prefix) and `context` the rest.
    """

    kind: Kind
    lines: pl.DataFrame
    problems: tuple[Problem, ...]
    meta: StatementMeta
    notices: tuple[Problem, ...] = ()
    context: pl.DataFrame | None = field(default=None)

    @property
    def ok(self) -> bool:
        return not self.problems

    def bank_lines(self) -> Iterator[BankLine]:
        if self.kind != "bank":
            raise TypeError("not a bank statement")
        return bank_lines(self.lines)

    def ledger_lines(self) -> Iterator[LedgerLine]:
        if self.kind != "journal":
            raise TypeError("not a journal")
        return ledger_lines(self.lines)

    def total_fen(self, direction: str) -> int:
        """Sum of amounts in one direction ("in" or "out"), in fen."""
        picked = self.lines.filter(pl.col("direction") == direction)["amount"]
        return int(picked.sum() or 0)

    @classmethod
    def failed(cls, kind: Kind, problems: list[Problem], meta: StatementMeta) -> ImportResult:
        """A result with no lines: the file could not be read at all."""
        schema = BANK_SCHEMA if kind == "bank" else LEDGER_SCHEMA
        empty = pl.DataFrame(schema=dict(schema))
        return cls(kind=kind, lines=empty, problems=tuple(problems), meta=meta)
