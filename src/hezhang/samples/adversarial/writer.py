"""The month as files: hezhang's standard bank CSV (with a running balance) and the standard journal CSV, and the
row numbers hezhang gives their lines (bank: 1..n in file order; journal: the n-th data row, whatever the
account). Carried lines are not written; they get rows -1, -2, … per side, as carried items do."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from hezhang.samples.adversarial.amounts import yuan
from hezhang.samples.adversarial.book import IN, BankEntry, MonthBook, Posting
from hezhang.samples.adversarial.names import words

BANK_HEADER = words("交易日期 交易时间 流水号 摘要 对方户名 对方账号 收入金额 支出金额 余额 币种")
JOURNAL_HEADER = words(
    "日期 凭证字号 分录号 摘要 科目代码 科目名称 借方金额 贷方金额 核算项目 结算方式 结算号 币种 制单"
)


@dataclass(frozen=True, slots=True)
class Written:
    bank_csv: str
    journal_csv: str
    #: row of every bank entry and posting taking part (id of the object -> row)
    rows: dict[int, int]
    bank_opening_fen: int
    bank_closing_fen: int
    carried_banks: tuple[BankEntry, ...]
    carried_books: tuple[Posting, ...]


def write(m: MonthBook, currency_cell: str = "CNY") -> Written:
    rows: dict[int, int] = {}
    banks = [b for e in m.events for b in e.banks if not b.carried and b.day in m.period]
    order = {id(b): i for i, b in enumerate(banks)}
    banks.sort(key=lambda b: (b.day, b.clock, order[id(b)]))
    signed = [b.fen if b.direction == IN else -b.fen for b in banks]
    low, running = 0, 0
    for s in signed:
        running += s
        low = min(low, running)
    opening = max(m.amounts.draw(20_000, 800_000, "cents"), -low + m.amounts.draw(5_000, 50_000, "cents"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BANK_HEADER)
    balance = opening
    for i, (b, s) in enumerate(zip(banks, signed, strict=True), start=1):
        balance += s
        rows[id(b)] = i
        writer.writerow(
            (
                b.day.isoformat(),
                b.clock.strftime("%H:%M:%S"),
                b.ref,
                b.memo,
                b.party,
                b.party_account,
                yuan(b.fen) if b.direction == IN else "",
                "" if b.direction == IN else yuan(b.fen),
                yuan(balance),
                currency_cell,
            )
        )
    carried_banks = tuple(b for e in m.events for b in e.banks if b.carried)
    carried_books = tuple(x for e in m.events for x in e.books if x.carried)
    for n, b in enumerate(carried_banks, start=1):
        rows[id(b)] = -n
    for n, x in enumerate(carried_books, start=1):
        rows[id(x)] = -n
    return Written(
        out.getvalue(), _journal(m, rows, currency_cell), rows, opening, balance, carried_banks, carried_books
    )


def _journal(m: MonthBook, rows: dict[int, int], currency_cell: str) -> str:
    vouchers = [v for v in m.vouchers if v.day in m.period]
    order = {id(v): i for i, v in enumerate(vouchers)}
    vouchers.sort(key=lambda v: (v.day, order[id(v)]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(JOURNAL_HEADER)
    numbers: dict[str, int] = {}
    row = 0
    for v in vouchers:
        numbers[v.word] = numbers.get(v.word, 0) + 1
        for entry, p in enumerate(v.postings, start=1):
            row += 1
            rows[id(p)] = row
            debit = p.direction == IN
            if p.red:  # a red reversal stands, negative, in the column of what it reverses
                debit = not debit
            amount = yuan(-p.fen if p.red else p.fen)
            writer.writerow(
                (
                    v.day.isoformat(),
                    f"{v.word}-{numbers[v.word]:04d}",
                    entry,
                    p.memo or v.memo,
                    p.code,
                    p.name,
                    amount if debit else "",
                    "" if debit else amount,
                    p.auxiliary,
                    p.method,
                    p.number,
                    currency_cell,
                    m.clerk.preparer,
                )
            )
    return out.getvalue()
