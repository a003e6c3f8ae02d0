"""An adversarial client-month: a bank statement, a journal and their truth, under one booking habit.

`generate_adversarial_month(seed, habit)` plans the month (its size, its fee style, how many instances of each
scenario class), lets the scenarios write events into a `MonthBook`, fills the month with everyday trade up to
its size, decides what a careful accountant can tell apart (`decide`), writes the files and states the truth.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hezhang.domain.period import Period
from hezhang.reconciliation.model import OutstandingItem
from hezhang.samples.adversarial import dues, late_and_short, lookalikes, mixed, money_moves, sums, trade
from hezhang.samples.adversarial.amounts import Amounts
from hezhang.samples.adversarial.book import IN, MonthBook, Voucher
from hezhang.samples.adversarial.context import context_vouchers
from hezhang.samples.adversarial.decide import decide
from hezhang.samples.adversarial.habits import HABITS
from hezhang.samples.adversarial.memos import Bookkeeper
from hezhang.samples.adversarial.names import BANKS, Parties, person_name
from hezhang.samples.adversarial.truth import carried_items, state_truth
from hezhang.samples.adversarial.writer import write
from hezhang.samples.month_truth import GroundTruth, TrueGroup, TrueOutstanding

#: The seven scenario classes, as named in the truth's `scenario`.
CLASSES = (
    lookalikes.SHARED,
    sums.ROUND,
    lookalikes.OTHER,
    late_and_short.FEE,
    sums.SPREAD,
    late_and_short.UNIQUE,
    mixed.MIXED,
)

Step = Callable[[MonthBook], None]
_FILL: tuple[tuple[Step, int], ...] = (
    (trade.receipt, 45),
    (trade.payment, 34),
    (trade.expense, 14),
    (trade.refund, 2),
    (trade.twins, 1),
    (money_moves.cash_deposit, 1),
    (money_moves.cash_withdrawal, 1),
    (dues.utility, 1),
)


@dataclass(frozen=True, slots=True)
class AdversarialMonth:
    """One client-month's files and truth. Rows in the truth are hezhang's: bank lines 1..n in file order, ledger
    lines the n-th data row of the journal; carried items are rows -1, -2… per side, in `carried` order."""

    seed: int
    habit: str
    period: Period
    client: str
    account_code: str
    account_name: str
    currency: str
    bank_csv: str
    journal_csv: str
    bank_opening_fen: int
    bank_closing_fen: int
    book_opening_fen: int
    book_closing_fen: int
    truth: GroundTruth
    #: the scenario variant of each true group (same order as `truth.groups`)
    variants: tuple[str, ...]
    #: last month's 未达账项, clearing this month (what `--carry-forward` would read)
    carried: tuple[OutstandingItem, ...]
    fee_style: str

    @property
    def groups(self) -> tuple[TrueGroup, ...]:
        return self.truth.groups

    @property
    def outstanding(self) -> tuple[TrueOutstanding, ...]:
        return self.truth.outstanding

    def write(self, folder: str | Path) -> tuple[Path, Path]:
        """Write `bank.csv` and `journal.csv` (UTF-8) into `folder`; return their paths."""
        where = Path(folder)
        bank, journal = where / "bank.csv", where / "journal.csv"
        bank.write_text(self.bank_csv, encoding="utf-8")
        journal.write_text(self.journal_csv, encoding="utf-8")
        return bank, journal


def generate_adversarial_month(
    seed: int, habit: str, *, lines: int | None = None, period: Period | None = None
) -> AdversarialMonth:
    """The client-month of `seed` booked by `habit` ("bank-day", "weekly", "month-end"), with about `lines`
    bank lines (30-400 when not given) in `period` (a month of 2025 or 2026 when not given)."""
    if habit not in HABITS:
        raise ValueError(f"未知记账习惯 {habit!r} / unknown booking habit {habit!r}; choose one of {', '.join(HABITS)}")
    rng = random.Random(f"hezhang-adversarial:{seed}:{habit}")
    period = period or Period.month(rng.choice((2025, 2026)), rng.randint(1, 12))
    target = lines or rng.choice((rng.randint(30, 80), rng.randint(80, 180), rng.randint(180, 400)))
    m = _open(rng, period, habit)
    _plan(m, target)
    while m.bank_lines_in_period() + sum(1 for b in m.fees if b.day in period) < target:
        rng.choices([s for s, _ in _FILL], [w for _, w in _FILL])[0](m)
    dues.settle_fees(m)
    context_vouchers(m, max(2, target // 10))
    _batch(m)
    decide(m)
    written = write(m)
    truth, variants = state_truth(m, written)
    carried = carried_items(m, written)
    mine = [x for e in m.events for x in e.books if not x.carried and x.day in period]
    carried_books = sum(x.fen if x.direction == IN else -x.fen for x in written.carried_books)
    carried_banks = sum(b.fen if b.direction == IN else -b.fen for b in written.carried_banks)
    book_opening = written.bank_opening_fen + carried_books - carried_banks
    book_closing = book_opening + sum(x.fen if x.direction == IN else -x.fen for x in mine)
    return AdversarialMonth(
        seed,
        habit,
        period,
        m.client.full,
        m.account_code,
        m.account_name,
        "CNY",
        written.bank_csv,
        written.journal_csv,
        written.bank_opening_fen,
        written.bank_closing_fen,
        book_opening,
        book_closing,
        truth,
        variants,
        carried,
        m.fee_style,
    )


def _open(rng: random.Random, period: Period, habit: str) -> MonthBook:
    parties = Parties(rng)
    client = parties.company()
    short, other_short = rng.sample(BANKS, 2)
    codes = ("100201", "100202") if rng.random() < 0.8 else ("100202", "100201")
    names = (f"银行存款-{short}", f"银行存款-{other_short}")
    clerk = Bookkeeper.hire(rng, parties, period.start.month, person_name(rng))
    fee_style = rng.choices(("each", "daily", "summed", "unbooked"), (35, 15, 25, 25))[0]
    return MonthBook(
        rng,
        period,
        habit,
        client,
        parties,
        Amounts(rng),
        clerk,
        codes[0],
        names[0],
        short,
        codes[1],
        names[1],
        fee_style=fee_style,
        ref_style=rng.randint(0, 2),
    )


def _count(rng: random.Random, mean: float) -> int:
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


def _plan(m: MonthBook, target: int) -> None:
    rng, s = m.rng, target / 100
    month_end = m.habit == "month-end"
    steps: list[tuple[Step, float]] = [
        (lookalikes.shared_core, 0.5 + 0.3 * s),
        (sums.round_instalments, 0.4 + 0.3 * s),
        (lookalikes.other_party_memo, 0.6 + 0.5 * s),
        (late_and_short.fee_deducted, 0.6 + 0.8 * s),
        (sums.multi_invoice_spread, 0.5 + 0.5 * s),
        (late_and_short.month_end_unique, 1.5 + 0.8 * s if month_end else 0.3),
        (mixed.discount, 0.3),
        (mixed.payment_with_fee, 0 if m.fee_style == "summed" else 0.4 + 0.3 * s),
        (trade.twins, 0.4 + 0.3 * s),
        (trade.reversal, 0.35),
        (trade.misposted, 0.05),
        (money_moves.carried, 1.2),
        (money_moves.cheque, 0.4 + 0.4 * s),
        (money_moves.deposit_in_transit, 0.3),
        (money_moves.fx_receipt, 0.6 if rng.random() < 0.2 else 0),
        (money_moves.bill_collection, 0.25),
        (money_moves.own_transfer, 0.5),
        (dues.taxes, 0.95),
        (dues.social_insurance, 0.85),
        (dues.housing_fund, 0.5),
        (dues.utility, 1.2),
        (dues.rent, 0.4),
        (dues.interest, 1),
        (dues.monthly_fees, 1),
    ]
    steps.append((mixed.salary_split, 1) if rng.random() < 0.45 else (dues.salary, 0.9))
    for step, mean in steps:
        for _ in range(_count(rng, mean)):
            step(m)


def _batch(m: MonthBook) -> None:
    """Month-end and weekly bookkeepers now and then put several bank lines of a day into one voucher."""
    rate = {"month-end": 0.35, "weekly": 0.15}.get(m.habit, 0.0)
    if m.rng.random() >= rate:
        return
    two_line = [v for v in m.vouchers if len(v.postings) == 2 and any(p.code == m.account_code for p in v.postings)]
    by_day: dict[object, list[Voucher]] = {}
    for v in two_line:
        by_day.setdefault(v.day, []).append(v)
    merged: set[int] = set()
    for same in by_day.values():
        m.rng.shuffle(same)
        while len(same) >= 2:
            k = m.rng.randint(2, 4)
            take = same[:k]
            del same[:k]
            if m.rng.random() < 0.5:
                continue
            head = take[0]
            for v in take[1:]:
                for p in v.postings:
                    p.memo = p.memo or v.memo
                head.postings.extend(v.postings)
                merged.add(id(v))
    m.vouchers = [v for v in m.vouchers if id(v) not in merged]
