"""The truth of an adversarial month in hezhang's row numbers: a `TrueGroup` for every event whose lines all fall
inside the period, a `TrueOutstanding` for every line of one that does not (and for the fee of a fee group), and
last month's 未达账项 as the carried items this month's matching starts from."""

from __future__ import annotations

from datetime import timedelta

from hezhang.domain.period import Period
from hezhang.reconciliation.model import OutstandingItem, OutstandingKind
from hezhang.samples.adversarial.book import IN, BankEntry, MonthBook, Posting
from hezhang.samples.adversarial.decide import complete, lines_of, signed
from hezhang.samples.adversarial.writer import Written
from hezhang.samples.month_truth import GroundTruth, GroupKind, TrueGroup, TrueOutstanding

K = OutstandingKind


def state_truth(m: MonthBook, w: Written) -> tuple[GroundTruth, tuple[str, ...]]:
    """The ground truth, and the variant of each true group (same order)."""
    groups: list[TrueGroup] = []
    variants: list[str] = []
    outstanding: list[TrueOutstanding] = []
    for e in m.events:
        if complete(e, m.period):
            bank_rows = tuple(sorted(w.rows[id(b)] for b in e.banks))
            ledger_rows = tuple(sorted(w.rows[id(x)] for x in e.books))
            fee = sum(signed(x) for x in e.books) - sum(signed(b) for b in e.banks)
            if fee < 0:
                raise ValueError(f"{e.scenario}: the books show less than the bank ({fee} fen)")
            n, k = len(bank_rows), len(ledger_rows)
            kind: GroupKind = (
                "fee" if fee else "1:1" if n == k == 1 else "N:1" if k == 1 else "1:N" if n == 1 else "N:M"
            )
            cluster = e.cluster if not e.decidable else None
            groups.append(TrueGroup(bank_rows, ledger_rows, kind, e.scenario, fee, e.decidable, cluster))
            variants.append(e.variant)
            if fee:
                outstanding.append(
                    TrueOutstanding(K.BANK_PAID_BOOK_NOT, "bank", fee, e.scenario, group=len(groups) - 1)
                )
            continue
        if any(line.carried for line in lines_of(e)):
            raise ValueError(f"{e.scenario}: a carried item does not clear this month")
        for b in e.banks:
            if b.day in m.period:
                kind_b = K.BANK_RECEIVED_BOOK_NOT if b.direction == IN else K.BANK_PAID_BOOK_NOT
                outstanding.append(TrueOutstanding(kind_b, "bank", b.fen, e.scenario, bank_row=w.rows[id(b)]))
        for x in e.books:
            if x.day in m.period:
                kind_x = K.BOOK_RECEIVED_BANK_NOT if x.direction == IN else K.BOOK_PAID_BANK_NOT
                outstanding.append(TrueOutstanding(kind_x, "ledger", x.fen, e.scenario, ledger_row=w.rows[id(x)]))
    return GroundTruth(tuple(groups), tuple(outstanding)), tuple(variants)


def carried_items(m: MonthBook, w: Written) -> tuple[OutstandingItem, ...]:
    """Last month's statement items: the bank side's first (rows -1, -2…), then the books' (rows -1, -2…)."""
    before = m.period.start - timedelta(days=1)
    since = str(Period.month(before.year, before.month))
    rng = m.rng
    items: list[OutstandingItem] = []
    for b in w.carried_banks:
        kind = K.BANK_RECEIVED_BOOK_NOT if b.direction == IN else K.BANK_PAID_BOOK_NOT
        items.append(_item(kind, b, since, bank_row=rng.randint(20, 300)))
    for x in w.carried_books:
        kind = K.BOOK_RECEIVED_BANK_NOT if x.direction == IN else K.BOOK_PAID_BANK_NOT
        items.append(_item(kind, x, since, ledger_row=rng.randint(40, 900)))
    return tuple(items)


def _item(
    kind: OutstandingKind,
    line: BankEntry | Posting,
    since: str,
    bank_row: int | None = None,
    ledger_row: int | None = None,
) -> OutstandingItem:
    party = line.party if isinstance(line, BankEntry) else line.auxiliary.rpartition("---")[2]
    return OutstandingItem(
        kind,
        line.fen,
        line.day,
        memo=line.memo,
        counterparty=party or None,
        bank_row=bank_row,
        ledger_row=ledger_row,
        carried=True,
        since=since,
    )
