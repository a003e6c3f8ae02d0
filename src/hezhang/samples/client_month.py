"""One client's month for the matching benchmark: its bank statement, its journal (序时账) and the ground truth.

`generate_client_month(seed)` makes what an agency bookkeeper sees for one small company: customer receipts
(sometimes a fee taken out, sometimes three invoices in one transfer, sometimes paid in parts), supplier payments
by transfer and by cheque, payroll (one batch line or one line per employee, one voucher), taxes per tax type
(several bank debits, one voucher), social insurance, utilities, rent to two landlords of the same amount, bank
fees (booked one by one, once a month, or not yet), interest, a transfer to the company's other bank account, and
vouchers that never touch the bank. Names vary between the sides (bank `上海开发区世创商贸有限公司`, ledger memo
`收世创商贸货款`, typos), the books lag the bank by 0-5 days, and what crosses the month end is a 未达账项.

The ground truth says which lines belong together (`TrueGroup`) and what is outstanding (`TrueOutstanding`).
A group's kind counts bank lines first: "N:1" is N bank lines and one ledger line (taxes per tax type booked in
one voucher), "1:N" one bank line and N ledger lines (a customer pays several invoices at once), "fee" a receipt
the bank took a fee from (ledger 10,000.00, bank 9,985.00; the 15.00 is `bank_paid_book_not`). A group that is
not `decidable` (two rents of 8,000.00 paid the same day, booked without the payee's name) must be a suggestion:
its lines are interchangeable with the other groups of its `cluster`. There is no carry-over: the book opening
balance equals the bank opening balance. Deterministic for a seed.

This module tells what happens in a month; `month_books` holds the bookkeeping it is built from and `month_truth`
the truth it states.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from itertools import accumulate
from pathlib import Path

from hezhang.domain.lines import BankLine, LedgerLine
from hezhang.domain.money import Money
from hezhang.domain.period import Period
from hezhang.samples.bank_exports import render_standard_csv
from hezhang.samples.journal import render_standard_journal
from hezhang.samples.month_books import ACCOUNT, IN, OUT, BankMove, Books, Entry, Event
from hezhang.samples.month_truth import GroundTruth, TrueGroup, TrueOutstanding, ground_truth
from hezhang.samples.names import account_number, person

__all__ = ["ClientMonth", "GroundTruth", "TrueGroup", "TrueOutstanding", "generate_client_month"]

_FEES = (200, 500, 1000, 1500, 2000, 2500, 5000)
_FEE_MEMOS = ("跨行汇款手续费", "账户管理费", "短信服务费", "网银服务费", "回单柜服务费")
_TAXES = (("222102", "增值税"), ("222108", "城市维护建设税"), ("222109", "教育费附加"), ("222110", "地方教育附加"))
_PAYE = ("222112", "应交税费-应交个人所得税")
_INSURANCE = ("224101", "其他应付款-代扣社保")
_AR, _AP, _RENT = ("1122", "应收账款"), ("2202", "应付账款"), ("660203", "管理费用-租赁费")
_FEE = ("660302", "财务费用-手续费")


@dataclass(frozen=True)
class ClientMonth:
    """What the bookkeeper has for one client and month, and the truth about it.

    `bank_lines` are the statement of account `account_code` (rows 1..n in file order); `journal` holds every
    voucher line of the month, all accounts; `ledger_lines` those on the bank account. `groups` and
    `outstanding` refer to those rows (`row` of a ledger line: its place among all journal lines).
    """

    seed: int
    period: Period
    client: str
    bank_lines: list[BankLine]
    #: Every line of the journal, all accounts, in file order (`row` = the n-th data row).
    journal: list[LedgerLine]
    bank_opening_fen: int
    bank_closing_fen: int
    book_opening_fen: int
    groups: list[TrueGroup]
    outstanding: list[TrueOutstanding]
    account_code: str = ACCOUNT[0]
    currency: str = "CNY"

    @property
    def truth(self) -> GroundTruth:
        return GroundTruth(tuple(self.groups), tuple(self.outstanding))

    @property
    def ledger_lines(self) -> list[LedgerLine]:
        """The journal lines on the reconciled bank account."""
        return [line for line in self.journal if line.account_code == self.account_code]

    @property
    def book_closing_fen(self) -> int:
        return self.book_opening_fen + sum(line.signed_fen for line in self.ledger_lines)

    def render(self) -> tuple[bytes, bytes]:
        """(bank statement as the hezhang standard CSV, journal as the standard journal CSV), UTF-8 with BOM."""
        return render_standard_csv(self.bank_lines, "utf-8-sig"), render_standard_journal(self.journal)

    def write(self, directory: Path | str) -> tuple[Path, Path]:
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        bank_path, journal_path = folder / f"bank-{self.seed}.csv", folder / f"journal-{self.seed}.csv"
        bank, journal = self.render()
        bank_path.write_bytes(bank)
        journal_path.write_bytes(journal)
        return bank_path, journal_path


def generate_client_month(seed: int, *, lines: int | None = None, period: Period | None = None) -> ClientMonth:
    """A month of one client with about `lines` bank lines (default: 60 to 400, drawn from the seed)."""
    rng = random.Random(seed)
    month = _Month(rng, period or Period.month(2026, 10))
    month.fill(lines if lines is not None else rng.randint(60, 400))
    return month.build(seed)


class _Month(Books):
    """Collects the events of one month (`fill`), then numbers the lines and states the truth (`build`)."""

    # -- what happens in a month ----------------------------------------------------------------------------
    def receipt(self) -> None:
        rng, c, day = self.rng, self.rng.choice(self.customers), self.day()
        inv = self.number() if rng.random() < 0.2 else None
        memo = f"发票{inv}货款" if inv else rng.choice(("货款", "往来款", "转账", "支付货款", None))
        b = self.bank(day, IN, self.amount(IN, 800, 180_000), memo, self.payer(c))
        text = rng.choice(("收{}货款", "收到{}货款", "{}回款", "收{}" + self.m + "货款")).format(self.called(c))
        self.pair("receipt", b, self.later(day), text + (f" 发票{inv}" if inv else ""), _AR, party=self.item(c))

    def payment(self) -> None:
        rng, s, day = self.rng, self.rng.choice(self.suppliers), self.day()
        b = self.bank(
            day, OUT, self.amount(OUT, 300, 120_000), rng.choice(("货款", "采购款", None)), (s.full, s.account)
        )
        text = rng.choice(("付{}货款", "支付{}采购款", "付{}" + self.m + "货款", "付{}运费")).format(self.called(s))
        self.pair("payment", b, self.around(day), text, _AP, party=self.item(s))

    def cheque(self, booked: date | None = None) -> None:
        """A supplier presents a cheque 1-10 days after the bookkeeper records it (maybe next month)."""
        s, no = self.rng.choice(self.suppliers), self.number()
        booked = booked or self.day()
        day = booked + timedelta(days=self.rng.randint(1, 10))
        memo = self.rng.choice((f"转账支票{no}", f"支票 {no}", "支票"))
        b = self.bank(day, OUT, self.amount(OUT, 500, 60_000), memo, (s.full, s.account))
        self.pair("cheque", b, booked, f"付{self.called(s)}货款", _AP, party=self.item(s), method="转账支票", number=no)

    def twins(self) -> None:
        """Two customers (or two suppliers) pay the same round amount within a few days: the names decide."""
        rng, fen = self.rng, 0
        receipt = rng.random() < 0.5
        d, contra = (IN, _AR) if receipt else (OUT, _AP)
        for _ in range(64):  # a round amount, while some are left (a big month uses them all up)
            fen = rng.choice((1, 2, 3, 5, 8, 10, 20, 50)) * rng.choice((100_000, 50_000))
            if self.reserve(d, fen):
                break
        else:
            while not self.reserve(d, fen := rng.randint(1_000, 900_000) * 100):
                pass
        first = self.day(0, self.days - 4)
        for p in rng.sample(self.customers if receipt else self.suppliers, 2):
            day = first + timedelta(days=rng.randint(0, 4))
            b = self.bank(day, d, fen, rng.choice(("货款", "付款", None)), (p.full, p.account))
            text = ("收{}货款" if receipt else "付{}货款").format(self.called(p))
            self.pair("twins", b, self.later(day) if receipt else self.around(day), text, contra, party=self.item(p))

    def fee_receipt(self) -> None:
        """The bank took its fee out of the transfer; the bookkeeper booked the invoice amount."""
        c, fee, day = self.rng.choice(self.customers), self.rng.choice((500, 1000, 1500, 2000, 2500, 5000)), self.day()
        invoice = self.amount(IN, 2_000, 120_000)
        while not self.reserve(IN, invoice - fee):
            invoice = self.amount(IN, 2_000, 120_000)
        b = self.bank(day, IN, invoice - fee, self.rng.choice(("汇入汇款", "货款", "跨行汇入")), self.payer(c))
        self.pair("fee_receipt", b, self.later(day), f"收{self.called(c)}货款", _AR, fen=invoice, party=self.item(c))

    def invoices(self) -> None:
        """A customer pays 2-4 invoices in one transfer; the books record each invoice (1:N)."""
        rng, c = self.rng, self.rng.choice(self.customers)
        parts = [self.amount(IN, 1_000, 60_000) for _ in range(rng.randint(2, 4))]
        while not self.reserve(IN, sum(parts)):
            parts[-1] = self.amount(IN, 1_000, 60_000)
        numbers, day = [self.number() for _ in parts], self.day(0, self.days - 3)
        b = self.bank(
            day, IN, sum(parts), f"发票{'/'.join(numbers)}货款" if rng.random() < 0.3 else "货款", self.payer(c)
        )
        booked, name = self.later(day, cap=True), self.called(c)
        mine = [Entry(*ACCOUNT, IN, f, method="网银", memo=f"发票{n}") for f, n in zip(parts, numbers, strict=True)]
        theirs = [Entry(*_AR, OUT, f, self.item(c)) for f in parts]
        if rng.random() < 0.6:  # one voucher per invoice
            vs = [self.voucher(booked, f"收{name}货款 发票{e.memo}", [e, t]) for e, t in zip(mine, theirs, strict=True)]
        else:
            vs = [self.voucher(booked, f"收{name}货款", mine + theirs)]
        self.event("invoices", [b], vs)

    def instalments(self) -> None:
        """N:M: two transfers of a customer against two invoices of other amounts with the same total."""
        rng, total, paid, billed = self.rng, 0, 0, 0
        c = rng.choice([p for p in self.customers if p not in self.split] or self.customers)
        self.split.append(c)  # one customer pays in parts at most once a month
        while not total or not self.reserve(IN, paid, total - paid, billed, total - billed):
            total = self.amount(IN, 20_000, 200_000, 0.6)
            paid, billed = total * rng.randint(3, 7) // 10, total * rng.randint(2, 8) // 10
        first = self.day(0, self.days - 6)
        second = first + timedelta(days=rng.randint(1, 4))
        banks = [
            self.bank(first, IN, paid, "货款", self.payer(c)),
            self.bank(second, IN, total - paid, "余款", self.payer(c)),
        ]
        booked, name = self.later(second, cap=True), self.called(c)
        vs = [
            self.voucher(
                booked,
                f"收{name}货款 发票{self.number()}",
                [Entry(*ACCOUNT, IN, f, method="网银"), Entry(*_AR, OUT, f, self.item(c))],
            )
            for f in (billed, total - billed)
        ]
        self.event("instalments", banks, vs)

    def payroll(self) -> None:
        """One voucher; at the bank one batch line or one line per employee (N:1)."""
        rng, staff = self.rng, self.rng.randint(3, 25)

        def make() -> list[int]:
            nets = [self.draw(3_000, 15_000, 0.1) for _ in range(staff)]
            return [*nets, sum(nets)]

        nets = self.claim(OUT, make)[:-1]
        tax, insurance, day = (
            sum(n * rng.randint(0, 6) // 100 for n in nets),
            sum(n * 105 // 1000 for n in nets),
            self.day(9, 14),
        )
        if rng.random() < 0.45:
            banks = [self.bank(day, OUT, sum(nets), "代发工资")]
        else:
            hour, minute = rng.randint(9, 15), rng.randrange(60)
            banks = [
                self.bank(
                    day,
                    OUT,
                    n,
                    rng.choice(("工资", "代发工资")),
                    (person(rng.randrange(10**4)), account_number(rng.randrange(10**6))),
                    clock=time(hour, minute, i),
                )
                for i, n in enumerate(nets)
            ]
        v = self.voucher(
            self.later(day, cap=True),
            "发放上月工资",
            [
                Entry("221101", "应付职工薪酬-工资", IN, sum(nets) + tax + insurance),
                Entry(*ACCOUNT, OUT, sum(nets), method="代发"),
                Entry(*_PAYE, OUT, tax),
                Entry(*_INSURANCE, OUT, insurance),
            ],
        )
        self.event("payroll", banks, [v])

    def taxes(self) -> None:
        """Taxes debited per tax type; mostly booked in one voucher with one bank line (N:1), else one each."""
        together = self.rng.random() < 0.7

        def make() -> list[int]:
            vat = self.draw(3_000, 80_000, 0.1)
            parts = [vat, vat * 7 // 100, vat * 3 // 100, vat * 2 // 100]
            return parts + ([sum(parts)] if together else [])

        parts = self.claim(OUT, make)[:4]
        day, treasury = self.day(9, 14), (f"国家金库{self.city}中心支库", None)
        banks = [
            self.bank(day, OUT, f, f"电子缴税 {name}", treasury) for f, (_, name) in zip(parts, _TAXES, strict=True)
        ]
        debits = [Entry(code, f"应交税费-{name}", IN, f) for f, (code, name) in zip(parts, _TAXES, strict=True)]
        booked = self.later(day, cap=True)
        credits = [Entry(*ACCOUNT, OUT, f, method="委托扣款") for f in ([sum(parts)] if together else parts)]
        v = self.voucher(booked, "缴纳上月增值税及附加税", debits + credits)
        if together:
            self.event("taxes", banks, [v])
        else:
            self.events += [Event("taxes", [b], [line]) for b, line in zip(banks, v.bank, strict=True)]
        b = self.bank(day, OUT, self.amount(OUT, 200, 8_000, 0), "电子缴税 个人所得税", treasury)
        self.pair("taxes", b, booked, "缴纳个人所得税", _PAYE, method="委托扣款")

    def routine(self) -> None:
        """Social insurance, utilities, interest and a transfer to the company's other bank account (each 1:1)."""
        rng, m, city = self.rng, self.m, self.city
        day = self.day(14, 24)
        b = self.bank(day, OUT, self.amount(OUT, 2_000, 60_000), "社保费", (f"{city}社会保险基金管理中心", None))
        self.pair("routine", b, self.later(day), f"缴纳{m}社保", _INSURANCE, method="委托扣款")
        bills = (
            (f"国网{city}市电力公司", "代扣电费"),
            (f"{city}自来水公司", "代扣水费"),
            (f"中国电信{city}分公司", "话费"),
        )
        for name, memo in rng.sample(bills, rng.randint(0, 2)):
            day = self.day()
            b = self.bank(day, OUT, self.amount(OUT, 100, 6_000), memo, (name, None))
            self.pair(
                "routine", b, self.later(day), f"支付{m}{memo[-2:]}", ("660201", "管理费用-水电费"), method="委托扣款"
            )
        if rng.random() < 0.3:
            day, own = self.day(), (self.client.full, account_number(rng.randrange(10**6)))
            b = self.bank(day, OUT, self.amount(OUT, 10_000, 300_000, 0.9), rng.choice(("转存", "资金调拨")), own)
            self.pair("routine", b, self.later(day, cap=True), "工行转招行", ("100202", "银行存款-招商银行"))
        if self.end.month in (3, 6, 9, 12) or rng.random() < 0.4:  # 结息, booked or not yet
            day = self.day(min(19, self.days), min(20, self.days))
            b = self.bank(day, IN, self.amount(IN, 1, 800, 0), rng.choice(("结息", "活期存款利息")))
            if rng.random() < 0.5:
                self.pair(
                    "interest", b, self.later(day), "收到活期存款利息", ("660301", "财务费用-利息收入"), method="结息"
                )
            else:
                self.event("interest", [b], [])

    def rent(self) -> None:
        """Two landlords, the same rent, the same week. Without the payee in the memo nobody can tell them apart."""
        rng, fen, tries = self.rng, 0, 0
        while not fen or not self.reserve(OUT, fen):
            tries += 1  # round rents first; a big month uses them up, then any whole-yuan amount
            fen = rng.randint(30, 200) * 10_000 if tries < 64 else rng.randint(3_000, 90_000) * 100
        first, named = self.day(0, self.days - 7), rng.random() < 0.6
        booked, memo = self.later(first, cap=True), rng.choice(("支付房租", f"付{self.m}房租"))
        self.clusters += not named
        for who in (person(i) for i in rng.sample(range(10**4), 2)):
            day = first + timedelta(days=rng.randint(0, 3) if named else 0)
            b = self.bank(day, OUT, fen, "房租", (who, account_number(rng.randrange(10**6))))
            if named:
                self.pair("rent", b, self.later(day, cap=True), f"支付{who}{self.m}房租", _RENT)
            else:
                self.pair("rent", b, booked, memo, _RENT, decidable=False, cluster=self.clusters)

    def fees(self, count: int) -> None:
        """Bank fees, booked one by one (same day), once a month (one voucher for all fees up to then), or not yet."""
        rng, seen, banks = self.rng, set[tuple[date, int]](), list[BankMove]()
        count = min(count, self.days * len(_FEES) // 2)  # each (day, fee) at most once: a big month has room for fewer
        for _ in range(count):
            day, fen = self.day(), rng.choice(_FEES)
            while (day, fen) in seen:  # one by one on the same day with the same amount: interchangeable
                day, fen = self.day(), rng.choice(_FEES)
            seen.add((day, fen))
            banks.append(self.bank(day, OUT, fen, rng.choice(_FEE_MEMOS)))
        banks.sort(key=lambda b: (b.day, b.clock))
        habit = rng.choices(("each", "monthly", "later"), (45, 35, 20))[0]
        if habit == "each":
            for b in banks:
                self.pair("fees", b, b.day, "银行手续费", _FEE, method="委托扣款")
            return
        cut = self.day(self.days - 6) if habit == "monthly" else self.period.start - timedelta(days=1)
        booked = [b for b in banks if b.day <= cut]
        while booked and not self.reserve(OUT, sum(b.fen for b in booked)):
            booked.pop()
        if booked:
            total = sum(b.fen for b in booked)
            entries = [Entry(*_FEE, IN, total), Entry(*ACCOUNT, OUT, total, method="委托扣款")]
            self.event("fees", booked, [self.voucher(cut, f"{self.m}银行手续费", entries)])
        for b in banks[len(booked) :]:
            self.event("fees", [b], [])

    def month_end(self) -> None:
        """Deposits in transit and cheques not yet presented: in the books now, at the bank next month."""
        rng, end = self.rng, self.end
        for _ in range(rng.randint(0, 2)):
            c, no, fen = rng.choice(self.customers), self.number(), self.amount(IN, 1_000, 80_000)
            b = self.bank(end + timedelta(days=rng.randint(1, 3)), IN, fen, f"转账支票{no}", self.payer(c))
            booked, text = end - timedelta(days=rng.randint(0, 1)), f"收{self.called(c)}转账支票"
            self.pair("in_transit", b, booked, text, _AR, party=self.item(c), method="转账支票", number=no)
        for _ in range(rng.randint(0, 3)):
            self.cheque(end - timedelta(days=rng.randint(0, 6)))

    def no_bank(self, day: date | None = None) -> None:
        """A voucher that never touches the bank: a sale or a purchase; at the month end (`day`) the accruals."""
        rng, net = self.rng, self.draw(500, 90_000)
        tax, c, s = net * 13 // 100, rng.choice(self.customers), rng.choice(self.suppliers)
        if day is not None:
            self.book(
                day, "计提本月折旧", Entry("660206", "管理费用-折旧费", IN, tax), Entry("1602", "累计折旧", OUT, tax)
            )
            wages = Entry("660101", "销售费用-工资", IN, net), Entry("660202", "管理费用-工资", IN, tax)
            self.book(day, f"计提{self.m}工资", *wages, Entry("221101", "应付职工薪酬-工资", OUT, net + tax))
        elif rng.random() < 0.5:
            output = Entry("22210102", "应交税费-应交增值税(销项税额)", OUT, tax)
            sale = Entry(*_AR, IN, net + tax, self.item(c)), Entry("6001", "主营业务收入", OUT, net), output
            self.book(self.day(), f"销售给{self.called(c)}商品", *sale)
        else:
            goods = Entry("1405", "库存商品", IN, net), Entry("22210101", "应交税费-应交增值税(进项税额)", IN, tax)
            self.book(self.day(), f"向{self.called(s)}采购", *goods, Entry(*_AP, OUT, net + tax, self.item(s)))

    def book(self, day: date, memo: str, *entries: Entry) -> None:
        self.others.append(self.voucher(day, memo, list(entries)))

    def fill(self, target: int) -> None:
        self.payroll()
        self.taxes()
        self.routine()
        if self.rng.random() < 0.5:
            self.rent()
        self.fees(max(2, round(target * 0.06)))
        self.month_end()
        for _ in range(target // 5):
            self.no_bank()
        self.no_bank(self.end)
        kinds = (self.receipt, self.payment, self.cheque, self.fee_receipt, self.invoices, self.instalments, self.twins)
        while self.counted < target:
            self.rng.choices(kinds, (40, 33, 5, 3, 4, 1.5, 3))[0]()

    # -- the files and the truth ----------------------------------------------------------------------------
    def build(self, seed: int) -> ClientMonth:
        end = self.end
        drafts = sorted(
            (b for e in self.events for b in e.banks if b.day <= end), key=lambda b: (b.day, b.clock, b.ref)
        )
        signed = list(accumulate(b.fen if b.direction is IN else -b.fen for b in drafts))
        opening = self.rng.randint(50_000, 3_000_000) * 100 - min([0, *signed])
        bank_lines = [
            BankLine(
                row=i,
                date=b.day,
                direction=b.direction,
                amount=Money(b.fen),
                time=b.clock,
                balance=Money(opening + s),
                counterparty_name=b.who[0],
                counterparty_account=b.who[1],
                memo=b.memo,
                bank_ref=b.ref,
            )
            for i, (b, s) in enumerate(zip(drafts, signed, strict=True), start=1)
        ]
        vouchers = {id(v): v for e in self.events for v, _ in e.ledger} | {id(v): v for v in self.others}
        rows = {id(b): i for i, b in enumerate(drafts, start=1)}
        journal: list[LedgerLine] = []
        for number, v in enumerate(
            sorted((v for v in vouchers.values() if v.day <= end), key=lambda v: (v.day, v.seq)), 1
        ):
            for i, e in enumerate(v.entries, start=1):
                rows[id(e)] = len(journal) + 1
                journal.append(
                    LedgerLine(
                        row=len(journal) + 1,
                        date=v.day,
                        voucher_no=f"记-{number:04d}",
                        account_code=e.code,
                        direction=e.direction,
                        amount=Money(e.fen),
                        entry_no=i,
                        account_name=e.name,
                        memo=e.memo or v.memo,
                        counterparty_name=e.party,
                        settlement_method=e.method,
                        settlement_no=e.number,
                        preparer=self.preparer,
                    )
                )
        groups, outstanding = ground_truth(self.events, end, rows)
        closing = opening + (signed[-1] if signed else 0)
        return ClientMonth(
            seed, self.period, self.client.full, bank_lines, journal, opening, closing, opening, groups, outstanding
        )
