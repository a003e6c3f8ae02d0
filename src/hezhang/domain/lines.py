"""Bank lines (what the bank says happened) and ledger lines (what the books say happened)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from hezhang.domain.money import Money


class Direction(StrEnum):
    """Money into or out of the bank account.

    For a bank line: IN is a credit on the statement (收入/贷方), OUT a debit (支出/借方).
    For a ledger line on the bank account (1002xx): IN is a debit (借方), OUT a credit (贷方).
    For other ledger lines, IN stands for debit and OUT for credit.
    """

    IN = "in"
    OUT = "out"

    @property
    def sign(self) -> int:
        return 1 if self is Direction.IN else -1


@dataclass(frozen=True, slots=True)
class BankLine:
    """One transaction on a bank statement. `row` is its 1-based ordinal in the file."""

    row: int
    date: dt.date
    direction: Direction
    amount: Money
    time: dt.time | None = None
    value_date: dt.date | None = None
    balance: Money | None = None
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    counterparty_bank: str | None = None
    memo: str | None = None
    bank_ref: str | None = None
    instrument_no: str | None = None
    settlement_method: str | None = None
    account: str | None = None

    @property
    def signed_fen(self) -> int:
        return self.direction.sign * self.amount.fen


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One entry line of a voucher in the journal. `row` is the n-th data row of the file, any account."""

    row: int
    date: dt.date
    voucher_no: str
    account_code: str
    direction: Direction
    amount: Money
    entry_no: int | None = None
    account_name: str | None = None
    memo: str | None = None
    counterparty_name: str | None = None
    contra_accounts: str | None = None
    settlement_method: str | None = None
    settlement_no: str | None = None
    preparer: str | None = None

    @property
    def signed_fen(self) -> int:
        return self.direction.sign * self.amount.fen
