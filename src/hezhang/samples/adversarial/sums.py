"""Scenario classes about amounts adding up.

round-instalments: one party's round amounts (500.00, 1,000.00…) on both sides, where more than one subset of the
lines may add up to a bank line. Variants: "invoices" (bank receipts each paying some booked invoices), "instalments"
(booked invoices paid in equal instalments), "numbered" (the bank memos name the invoice numbers the books name:
that singles the subset out).

multi-invoice-spread: one bank line paying several booked invoices of round parts spread over two days
(3,000 + 800 + 500 = 4,300: "one-bank"), and the reverse, one booking for several bank lines ("one-book"); with a
"decoy" of another party for one of the parts on the same day now and then.
"""

from __future__ import annotations

from datetime import date, timedelta

from hezhang.samples.adversarial.book import IN, OUT, BankEntry, MonthBook, Posting, other
from hezhang.samples.adversarial.memos import bank_memo
from hezhang.samples.adversarial.names import Party, digits, full
from hezhang.samples.adversarial.trade import PAYABLE, RECEIVABLE, transfer

ROUND = "round-instalments"
SPREAD = "multi-invoice-spread"
_PARTS = (500_00, 1_000_00, 1_500_00, 2_000_00, 2_500_00, 3_000_00, 800_00, 1_200_00, 600_00)


def _party(m: MonthBook, receipt: bool) -> Party:
    party = m.parties.company()
    (m.customers if receipt else m.suppliers).append(party)
    return party


def _book(
    m: MonthBook,
    party: Party,
    receipt: bool,
    fen: int,
    day: date,
    memo: str,
    tokens: frozenset[str] = frozenset(),
) -> Posting:
    """One booking of `fen` with `party` in a voucher of its own; the memo names the party (core or full)."""
    direction = IN if receipt else OUT
    mention = full(party)
    x = m.mine(direction, fen, memo, mention=mention, tokens=tokens)
    cell = f"{'客户' if receipt else '供应商'}---{party.full}" if m.rng.random() < m.clerk.aux_rate else ""
    contra = other(*(RECEIVABLE if receipt else PAYABLE), OUT if receipt else IN, fen, cell)
    m.voucher(day, memo, [x, contra] if receipt else [contra, x])
    return x


def _memo(m: MonthBook, party: Party, receipt: bool, extra: str = "") -> str:
    text = party.short if m.rng.random() < 0.7 else party.full
    return (m.clerk.receipt(text) if receipt else m.clerk.payment(text)) + extra


def round_instalments(m: MonthBook) -> None:
    rng = m.rng
    receipt = rng.random() < 0.6
    direction = IN if receipt else OUT
    party = _party(m, receipt)
    pool = m.new_pool()
    variant = rng.choices(("invoices", "instalments", "numbered"), (45, 35, 20))[0]
    if variant == "instalments":
        for _ in range(rng.randint(1, 2)):
            step = rng.choice((500_00, 1_000_00, 2_000_00))
            count = rng.randint(2, 4)
            days = sorted(m.day(hi=m.period.end.day - 3) for _ in range(count))
            banks = [
                m.bank(
                    d,
                    direction,
                    m.amounts.take(direction, step),
                    bank_memo(rng, direction, days[0].month, "分期款"),
                    party,
                )
                for d in days
            ]
            x = _book(
                m,
                party,
                receipt,
                m.amounts.take(direction, step * count),
                m.book_day(days[-1]),
                _memo(m, party, receipt, "（分期）"),
            )
            m.event(ROUND, banks, [x], variant, pool)
        return
    for _ in range(rng.randint(2, 3)):
        parts = [rng.choice(_PARTS) for _ in range(rng.randint(2, 3))]
        numbers = [digits(rng, 8) for _ in parts]
        day = m.day(hi=m.period.end.day - 3)
        if variant == "numbered":
            note = "发票" + "、".join(n[-4:] for n in numbers)
            tokens = frozenset(n[-4:] for n in numbers)
        else:
            note, tokens = bank_memo(rng, direction, day.month), frozenset()
        b = m.bank(day, direction, m.amounts.take(direction, sum(parts)), note, party, tokens=tokens)
        when = m.book_day(day)
        books = []
        for fen, number in zip(parts, numbers, strict=True):
            extra = f" 发票{number[-4:]}" if variant == "numbered" else ""
            own = frozenset((number[-4:],)) if variant == "numbered" else frozenset()
            books.append(
                _book(m, party, receipt, m.amounts.take(direction, fen), when, _memo(m, party, receipt, extra), own)
            )
        m.event(ROUND, [b], books, variant, pool)


def multi_invoice_spread(m: MonthBook) -> None:
    rng = m.rng
    receipt = rng.random() < 0.7
    direction = IN if receipt else OUT
    party = _party(m, receipt)
    variant = rng.choices(("one-bank", "one-book"), (55, 45))[0]
    pool = m.new_pool()
    big = rng.choice((1_000_00, 2_000_00, 3_000_00, 5_000_00, 8_000_00, 12_000_00))
    parts = [big, *(rng.choice((300_00, 500_00, 800_00, 1_200_00, 600_00, 450_00)) for _ in range(rng.randint(1, 3)))]
    day = m.day(hi=m.period.end.day - 4)
    nxt = day + timedelta(days=1)
    banks: list[BankEntry] = []
    books: list[Posting] = []
    if variant == "one-bank":
        banks.append(
            m.bank(day, direction, m.amounts.take(direction, sum(parts)), bank_memo(rng, direction, day.month), party)
        )
        base = m.book_day(day)
        for i, fen in enumerate(parts):
            when = base if i == 0 or m.habit == "month-end" else base + timedelta(days=1)
            memo = _memo(m, party, receipt, f" 发票{digits(rng, 8)}")
            books.append(_book(m, party, receipt, m.amounts.take(direction, fen), when, memo))
    else:
        split = [sum(parts[: len(parts) // 2 + 1]), sum(parts[len(parts) // 2 + 1 :])] if len(parts) > 2 else parts
        for i, fen in enumerate(split):
            banks.append(
                m.bank(
                    day if i == 0 else nxt,
                    direction,
                    m.amounts.take(direction, fen),
                    bank_memo(rng, direction, day.month),
                    party,
                )
            )
        books.append(
            _book(m, party, receipt, m.amounts.take(direction, sum(split)), m.book_day(nxt), _memo(m, party, receipt))
        )
    m.event(SPREAD, banks, books, variant, pool)
    if rng.random() < 0.5:  # another party's line of one of the parts, the same day
        decoy = m.customer(new=0.8) if receipt else m.supplier(new=0.8)
        transfer(
            m,
            "receipt" if receipt else "payment",
            decoy,
            direction,
            m.amounts.take(direction, parts[-1]),
            day,
            variant="decoy",
        )
