"""The truth about a generated client-month: which bank and ledger rows belong together (`TrueGroup`) and what
is outstanding (`TrueOutstanding`), stated from the month's events once its lines are numbered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from hezhang.reconciliation.model import OutstandingKind
from hezhang.samples.month_books import IN, Event

GroupKind = Literal["1:1", "N:1", "1:N", "N:M", "fee"]
Side = Literal["bank", "ledger"]


@dataclass(frozen=True, slots=True)
class TrueGroup:
    """Bank rows and ledger rows (1-based, as the importers number them) that belong together."""

    bank_rows: tuple[int, ...]
    ledger_rows: tuple[int, ...]
    kind: GroupKind
    scenario: str
    fee_fen: int = 0
    decidable: bool = True
    cluster: int | None = None


@dataclass(frozen=True, slots=True)
class TrueOutstanding:
    """A true 未达账项: one line (`bank_row` or `ledger_row`), or the fee of a "fee" group (`group`)."""

    kind: OutstandingKind
    side: Side
    amount_fen: int
    scenario: str
    bank_row: int | None = None
    ledger_row: int | None = None
    group: int | None = None


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """The true groups and the true 未达账项 of a client-month (what `benchmarks.scorer` scores against)."""

    groups: tuple[TrueGroup, ...]
    outstanding: tuple[TrueOutstanding, ...]


def ground_truth(events: list[Event], end: date, rows: dict[int, int]) -> tuple[list[TrueGroup], list[TrueOutstanding]]:
    """A group where every line of an event falls in the period; otherwise each line that does is outstanding."""
    groups: list[TrueGroup] = []
    outstanding: list[TrueOutstanding] = []
    for e in events:
        banks = [b for b in e.banks if b.day <= end]
        ledger = [x for v, x in e.ledger if v.day <= end]
        if banks and ledger and len(banks) == len(e.banks) and len(ledger) == len(e.ledger):
            n, m = len(banks), len(ledger)
            kind: GroupKind = (
                "fee" if e.fee else "1:1" if n == m == 1 else "N:1" if m == 1 else "1:N" if n == 1 else "N:M"
            )
            bank_rows, ledger_rows = (
                tuple(sorted(rows[id(b)] for b in banks)),
                tuple(sorted(rows[id(x)] for x in ledger)),
            )
            groups.append(TrueGroup(bank_rows, ledger_rows, kind, e.scenario, e.fee, e.decidable, e.cluster))
            if e.fee:
                fee = TrueOutstanding(
                    OutstandingKind.BANK_PAID_BOOK_NOT, "bank", e.fee, e.scenario, group=len(groups) - 1
                )
                outstanding.append(fee)
            continue
        for b in banks:
            kind_b = OutstandingKind.BANK_RECEIVED_BOOK_NOT if b.direction is IN else OutstandingKind.BANK_PAID_BOOK_NOT
            outstanding.append(TrueOutstanding(kind_b, "bank", b.fen, e.scenario, bank_row=rows[id(b)]))
        for x in ledger:
            kind_l = OutstandingKind.BOOK_RECEIVED_BANK_NOT if x.direction is IN else OutstandingKind.BOOK_PAID_BANK_NOT
            outstanding.append(TrueOutstanding(kind_l, "ledger", x.fen, e.scenario, ledger_row=rows[id(x)]))
    return groups, outstanding
