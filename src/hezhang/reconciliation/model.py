"""The 银行存款余额调节表 and its 未达账项 (outstanding items)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from hezhang.domain.gap import BalanceGap
from hezhang.domain.period import Period


class OutstandingKind(StrEnum):
    """The four kinds of 未达账项 (DOMAIN.md). The first two adjust the book side, the last two the bank side."""

    #: 银行已收、企业未收: add to the book balance.
    BANK_RECEIVED_BOOK_NOT = "bank_received_book_not"
    #: 银行已付、企业未付: subtract from the book balance.
    BANK_PAID_BOOK_NOT = "bank_paid_book_not"
    #: 企业已收、银行未收: add to the bank balance.
    BOOK_RECEIVED_BANK_NOT = "book_received_bank_not"
    #: 企业已付、银行未付: subtract from the bank balance.
    BOOK_PAID_BANK_NOT = "book_paid_bank_not"

    @property
    def title_zh(self) -> str:
        return _TITLES[self][0]

    @property
    def title_en(self) -> str:
        return _TITLES[self][1]

    @property
    def sign(self) -> int:
        """+1 when the item is added to its side's balance, -1 when subtracted."""
        return 1 if self in (OutstandingKind.BANK_RECEIVED_BOOK_NOT, OutstandingKind.BOOK_RECEIVED_BANK_NOT) else -1

    @property
    def adjusts_book(self) -> bool:
        return self in (OutstandingKind.BANK_RECEIVED_BOOK_NOT, OutstandingKind.BANK_PAID_BOOK_NOT)


_TITLES = {
    OutstandingKind.BANK_RECEIVED_BOOK_NOT: ("银行已收、企业未收", "received by the bank, not yet in the books"),
    OutstandingKind.BANK_PAID_BOOK_NOT: ("银行已付、企业未付", "paid by the bank, not yet in the books"),
    OutstandingKind.BOOK_RECEIVED_BANK_NOT: ("企业已收、银行未收", "received in the books, not yet at the bank"),
    OutstandingKind.BOOK_PAID_BANK_NOT: ("企业已付、银行未付", "paid in the books, not yet at the bank"),
}


@dataclass(frozen=True, slots=True)
class OutstandingItem:
    """One 未达账项. Exactly one of `bank_row`, `ledger_row`, `match_id` says where it comes from;
    `carried` items come from the previous period's statement (their `bank_row`/`ledger_row` refer to
    that period's files)."""

    kind: OutstandingKind
    amount_fen: int  # > 0
    date: date
    memo: str | None = None
    counterparty: str | None = None
    bank_row: int | None = None
    ledger_row: int | None = None
    match_id: int | None = None
    carried: bool = False
    #: The period the item first appeared in (for aging).
    since: str | None = None


@dataclass(frozen=True, slots=True)
class Cause:
    """A likely reason the statement does not balance, or a pair worth a second look."""

    code: str  # transposition, booked_twice, sign_error, opening_balance, missing_line
    zh: str
    en: str
    bank_row: int | None = None
    ledger_row: int | None = None


@dataclass(frozen=True, slots=True)
class BalanceReconciliation:
    """Book balance + 银收企未收 − 银付企未付 = adjusted = bank balance + 企收银未收 − 企付银未付."""

    account: str
    period: Period
    currency: str
    book_balance_fen: int
    bank_balance_fen: int
    items: tuple[OutstandingItem, ...]
    book_opening_fen: int
    #: True when no book opening balance was given and it was taken from the bank side (see `reconcile`).
    book_opening_assumed: bool = False
    #: True when the statement gives no balance and the bank balance was derived from the book side.
    bank_balance_assumed: bool = False
    causes: tuple[Cause, ...] = field(default=())
    #: Where the bank statement's own numbers disagree (a running balance that breaks, totals that do not add up,
    #: a statement missing between two): the statement is not balanced until a person acknowledges them.
    gaps: tuple[BalanceGap, ...] = ()
    #: Who acknowledged the gaps and why ("wang: 银行确认第 2 页缺失"); None when nobody has (or there are none).
    gaps_acknowledged: str | None = None

    def of_kind(self, kind: OutstandingKind) -> tuple[OutstandingItem, ...]:
        return tuple(i for i in self.items if i.kind is kind)

    def total(self, kind: OutstandingKind) -> int:
        return sum(i.amount_fen for i in self.items if i.kind is kind)

    @property
    def adjusted_book_fen(self) -> int:
        return (
            self.book_balance_fen
            + self.total(OutstandingKind.BANK_RECEIVED_BOOK_NOT)
            - self.total(OutstandingKind.BANK_PAID_BOOK_NOT)
        )

    @property
    def adjusted_bank_fen(self) -> int:
        return (
            self.bank_balance_fen
            + self.total(OutstandingKind.BOOK_RECEIVED_BANK_NOT)
            - self.total(OutstandingKind.BOOK_PAID_BANK_NOT)
        )

    @property
    def agrees(self) -> bool:
        """The two adjusted balances are equal."""
        return self.adjusted_book_fen == self.adjusted_bank_fen

    @property
    def balanced(self) -> bool:
        """The adjusted balances agree and the statement's own numbers hold, or a person acknowledged where they
        do not: a statement with an unacknowledged gap is never balanced, whatever its sums."""
        return self.agrees and (not self.gaps or self.gaps_acknowledged is not None)

    @property
    def difference_fen(self) -> int:
        """Adjusted book minus adjusted bank; 0 when balanced."""
        return self.adjusted_book_fen - self.adjusted_bank_fen
