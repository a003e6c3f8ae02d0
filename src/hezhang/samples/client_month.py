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
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Literal

from hezhang.domain.lines import BankLine, Direction, LedgerLine
from hezhang.domain.money import Money
from hezhang.domain.period import Period
from hezhang.reconciliation.model import OutstandingKind
from hezhang.samples.bank_exports import render_standard_csv
from hezhang.samples.journal import render_standard_journal
from hezhang.samples.names import CITIES, CITY_PARTS, CORES, SUFFIXES, TRADES, account_number, person

GroupKind = Literal["1:1", "N:1", "1:N", "N:M", "fee"]
Side = Literal["bank", "ledger"]
IN, OUT = Direction.IN, Direction.OUT
#: The reconciled bank account (its ledger code and name).
ACCOUNT = ("100201", "银行存款-工商银行")
_TYPOS = dict(zip("贸创达源信华泰康丰图桥新远阳佳程科技", "茂刨大元讯化太庚风途乔欣元扬家成可计", strict=True))
_FEES = (200, 500, 1000, 1500, 2000, 2500, 5000)
_FEE_MEMOS = ("跨行汇款手续费", "账户管理费", "短信服务费", "网银服务费", "回单柜服务费")
_TAXES = (("222102", "增值税"), ("222108", "城市维护建设税"), ("222109", "教育费附加"), ("222110", "地方教育附加"))
_PAYE = ("222112", "应交税费-应交个人所得税")
_INSURANCE = ("224101", "其他应付款-代扣社保")
_AR, _AP, _RENT = ("1122", "应收账款"), ("2202", "应付账款"), ("660203", "管理费用-租赁费")
_FEE = ("660302", "财务费用-手续费")


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


Who = tuple[str | None, str | None]  # counterparty name and account as the bank shows them


@dataclass(frozen=True, slots=True)
class _Party:
    full: str
    short: str
    suffix: str
    account: str


@dataclass(slots=True)
class _Bank:
    day: date
    direction: Direction
    fen: int
    memo: str | None
    who: Who
    ref: str
    clock: time


@dataclass(slots=True)
class _Entry:
    code: str
    name: str
    direction: Direction
    fen: int
    party: str | None = None
    method: str | None = None
    number: str | None = None
    memo: str | None = None


@dataclass(slots=True)
class _Voucher:
    day: date
    memo: str
    entries: list[_Entry]
    seq: int

    @property
    def bank(self) -> list[tuple[_Voucher, _Entry]]:
        return [(self, e) for e in self.entries if e.code == ACCOUNT[0]]


@dataclass(slots=True)
class _Event:
    scenario: str
    banks: list[_Bank]
    ledger: list[tuple[_Voucher, _Entry]]
    fee: int = 0
    decidable: bool = True
    cluster: int | None = None


class _Month:
    """Collects the events of one month (`fill`), then numbers the lines and states the truth (`build`)."""

    def __init__(self, rng: random.Random, period: Period) -> None:
        self.rng, self.period, self.end = rng, period, period.end
        self.events: list[_Event] = []
        self.others: list[_Voucher] = []
        self.split: list[_Party] = []
        self.used: set[tuple[Direction, int]] = set()
        self.seq = self.clusters = self.counted = 0
        cores: set[str] = set()
        self.client = self.company(cores)
        self.customers = [self.company(cores) for _ in range(rng.randint(5, 18))]
        self.suppliers = [self.company(cores) for _ in range(rng.randint(4, 12))]
        self.city = rng.choice(CITIES)
        self.items = rng.random() < 0.75  # the bookkeeper names customers and suppliers as 核算项目
        self.preparer = person(rng.randrange(1000))
        self.days = (period.end - period.start).days
        self.m = f"{period.start.month}月"

    # -- building blocks --------------------------------------------------------------------------------------
    def company(self, taken: set[str]) -> _Party:
        short = ""
        while not short or short in taken:
            short = self.rng.choice(CORES)[:2] + self.rng.choice(TRADES)
        taken.add(short)
        suffix = self.rng.choice(SUFFIXES)
        full = f"{self.rng.choice(CITIES)}{self.rng.choice(CITY_PARTS)}{short}{suffix}"
        return _Party(full, short, suffix, account_number(self.rng.randrange(10**6)))

    def day(self, low: int = 0, high: int | None = None) -> date:
        return self.period.start + timedelta(days=self.rng.randint(low, self.days if high is None else high))

    def later(self, day: date, *, cap: bool = False) -> date:
        """The day the books record what the bank did on `day` (0-5 days later); `cap` keeps it in the period."""
        booked = day + timedelta(days=self.rng.choice((0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5)))
        return min(booked, self.end) if cap else booked

    def around(self, day: date) -> date:
        """A payment: the books may record it up to 2 days before the bank executes it."""
        return max(day + timedelta(days=self.rng.choice((-2, -1, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5))), self.period.start)

    def draw(self, low: int, high: int, round_share: float = 0.4) -> int:
        yuan = self.rng.randint(low, high)
        return yuan * 100 if self.rng.random() < round_share else yuan * 100 + self.rng.randint(1, 99)

    def reserve(self, direction: Direction, *fens: int) -> bool:
        """Claim amounts no other line may have, so that the only look-alikes are the deliberate ones."""
        keys = {(direction, f) for f in fens}
        if len(keys) < len(fens) or keys & self.used:
            return False
        self.used |= keys
        return True

    def amount(self, direction: Direction, low: int, high: int, round_share: float = 0.4) -> int:
        fen = self.draw(low, high, round_share)
        while not self.reserve(direction, fen):
            fen = self.draw(low, high, round_share)
        return fen

    def claim(self, direction: Direction, make: Callable[[], list[int]]) -> list[int]:
        """Draw amounts with `make` until none of them is taken, and claim them all."""
        fens = make()
        while not self.reserve(direction, *fens):
            fens = make()
        return fens

    def bank(
        self,
        day: date,
        direction: Direction,
        fen: int,
        memo: str | None,
        who: Who = (None, None),
        *,
        clock: time | None = None,
    ) -> _Bank:
        rng = self.rng
        self.counted += day <= self.end
        clock = clock or time(rng.randint(8, 17), rng.randrange(60), rng.randrange(60))
        return _Bank(day, direction, fen, memo, who, f"{day:%Y%m%d}{rng.randrange(10**10):010d}", clock)

    def voucher(self, day: date, memo: str, entries: list[_Entry]) -> _Voucher:
        self.seq += 1
        return _Voucher(day, memo, [e for e in entries if e.fen], self.seq)

    def event(
        self,
        scenario: str,
        banks: list[_Bank],
        vouchers: list[_Voucher],
        fee: int = 0,
        *,
        decidable: bool = True,
        cluster: int | None = None,
    ) -> None:
        self.events.append(_Event(scenario, banks, [x for v in vouchers for x in v.bank], fee, decidable, cluster))

    def pair(
        self,
        scenario: str,
        b: _Bank,
        booked: date,
        text: str,
        contra: tuple[str, str],
        *,
        fen: int = 0,
        party: str | None = None,
        method: str = "",
        number: str | None = None,
        decidable: bool = True,
        cluster: int | None = None,
    ) -> None:
        """One bank line and one voucher of the bank account against `contra`; `fen` is the booked amount when it
        is not the bank's (a fee was taken). Sometimes the bookkeeper copies the bank's 流水号 as 结算号."""
        fen, d, rng = fen or b.fen, b.direction, self.rng
        number = number or (b.ref if decidable and rng.random() < 0.15 else None)
        mine = _Entry(*ACCOUNT, d, fen, method=method or rng.choice(("网银", "电汇", "网银转账")), number=number)
        other = _Entry(*contra, OUT if d is IN else IN, fen, party)
        v = self.voucher(booked, text, [mine, other] if d is IN else [other, mine])
        self.event(scenario, [b], [v], fen - b.fen, decidable=decidable, cluster=cluster)

    def payer(self, p: _Party) -> Who:
        """The counterparty as the bank shows it: mostly the full legal name; sometimes the boss pays."""
        r = self.rng.random()
        if r < 0.94:
            return (p.full if r < 0.82 else p.short + p.suffix), p.account
        return person(self.rng.randrange(10**4)), account_number(self.rng.randrange(10**6))

    def item(self, p: _Party) -> str | None:
        """The 核算项目 party of a 1122/2202 line, when this bookkeeper uses them."""
        return (p.full if self.rng.random() < 0.7 else p.short) if self.items else None

    def called(self, p: _Party) -> str:
        """How a memo names the party: a short name, sometimes with a typo."""
        r = self.rng.random()
        spots = [i for i, ch in enumerate(p.short) if ch in _TYPOS]
        if r < 0.1 and spots:
            i = self.rng.choice(spots)
            return p.short[:i] + _TYPOS[p.short[i]] + p.short[i + 1 :]
        return p.full if r > 0.95 else p.short

    def number(self) -> str:
        return f"{self.rng.randrange(10**7, 10**8)}"

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
        mine = [_Entry(*ACCOUNT, IN, f, method="网银", memo=f"发票{n}") for f, n in zip(parts, numbers, strict=True)]
        theirs = [_Entry(*_AR, OUT, f, self.item(c)) for f in parts]
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
                [_Entry(*ACCOUNT, IN, f, method="网银"), _Entry(*_AR, OUT, f, self.item(c))],
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
                _Entry("221101", "应付职工薪酬-工资", IN, sum(nets) + tax + insurance),
                _Entry(*ACCOUNT, OUT, sum(nets), method="代发"),
                _Entry(*_PAYE, OUT, tax),
                _Entry(*_INSURANCE, OUT, insurance),
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
        debits = [_Entry(code, f"应交税费-{name}", IN, f) for f, (code, name) in zip(parts, _TAXES, strict=True)]
        booked = self.later(day, cap=True)
        credits = [_Entry(*ACCOUNT, OUT, f, method="委托扣款") for f in ([sum(parts)] if together else parts)]
        v = self.voucher(booked, "缴纳上月增值税及附加税", debits + credits)
        if together:
            self.event("taxes", banks, [v])
        else:
            self.events += [_Event("taxes", [b], [line]) for b, line in zip(banks, v.bank, strict=True)]
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
        rng, seen, banks = self.rng, set[tuple[date, int]](), list[_Bank]()
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
            entries = [_Entry(*_FEE, IN, total), _Entry(*ACCOUNT, OUT, total, method="委托扣款")]
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
                day, "计提本月折旧", _Entry("660206", "管理费用-折旧费", IN, tax), _Entry("1602", "累计折旧", OUT, tax)
            )
            wages = _Entry("660101", "销售费用-工资", IN, net), _Entry("660202", "管理费用-工资", IN, tax)
            self.book(day, f"计提{self.m}工资", *wages, _Entry("221101", "应付职工薪酬-工资", OUT, net + tax))
        elif rng.random() < 0.5:
            output = _Entry("22210102", "应交税费-应交增值税(销项税额)", OUT, tax)
            sale = _Entry(*_AR, IN, net + tax, self.item(c)), _Entry("6001", "主营业务收入", OUT, net), output
            self.book(self.day(), f"销售给{self.called(c)}商品", *sale)
        else:
            goods = _Entry("1405", "库存商品", IN, net), _Entry("22210101", "应交税费-应交增值税(进项税额)", IN, tax)
            self.book(self.day(), f"向{self.called(s)}采购", *goods, _Entry(*_AP, OUT, net + tax, self.item(s)))

    def book(self, day: date, memo: str, *entries: _Entry) -> None:
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
        groups, outstanding = _truth(self.events, end, rows)
        closing = opening + (signed[-1] if signed else 0)
        return ClientMonth(
            seed, self.period, self.client.full, bank_lines, journal, opening, closing, opening, groups, outstanding
        )


def _truth(events: list[_Event], end: date, rows: dict[int, int]) -> tuple[list[TrueGroup], list[TrueOutstanding]]:
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
