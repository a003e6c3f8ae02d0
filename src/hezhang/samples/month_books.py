"""The bookkeeping under a generated client-month: the people, the bank lines and vouchers it is made of, and the
building blocks its scenarios use (dates, amounts nobody else has, a bank line, a voucher, an event with its
truth, how the bank and a memo name a party). `client_month` tells what happens in a month with them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from hezhang.domain.lines import Direction
from hezhang.domain.period import Period
from hezhang.samples.names import CITIES, CITY_PARTS, CORES, SUFFIXES, TRADES, account_number, person

IN, OUT = Direction.IN, Direction.OUT
#: The reconciled bank account (its ledger code and name).
ACCOUNT = ("100201", "银行存款-工商银行")
_TYPOS = dict(zip("贸创达源信华泰康丰图桥新远阳佳程科技", "茂刨大元讯化太庚风途乔欣元扬家成可计", strict=True))


Who = tuple[str | None, str | None]  # counterparty name and account as the bank shows them


@dataclass(frozen=True, slots=True)
class Party:
    full: str
    short: str
    suffix: str
    account: str


@dataclass(slots=True)
class BankMove:
    day: date
    direction: Direction
    fen: int
    memo: str | None
    who: Who
    ref: str
    clock: time


@dataclass(slots=True)
class Entry:
    code: str
    name: str
    direction: Direction
    fen: int
    party: str | None = None
    method: str | None = None
    number: str | None = None
    memo: str | None = None


@dataclass(slots=True)
class Voucher:
    day: date
    memo: str
    entries: list[Entry]
    seq: int

    @property
    def bank(self) -> list[tuple[Voucher, Entry]]:
        return [(self, e) for e in self.entries if e.code == ACCOUNT[0]]


@dataclass(slots=True)
class Event:
    scenario: str
    banks: list[BankMove]
    ledger: list[tuple[Voucher, Entry]]
    fee: int = 0
    decidable: bool = True
    cluster: int | None = None


class Books:
    """The month's parties and what has been drawn so far; the building blocks of its scenarios."""

    def __init__(self, rng: random.Random, period: Period) -> None:
        self.rng, self.period, self.end = rng, period, period.end
        self.events: list[Event] = []
        self.others: list[Voucher] = []
        self.split: list[Party] = []
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
    def company(self, taken: set[str]) -> Party:
        short = ""
        while not short or short in taken:
            short = self.rng.choice(CORES)[:2] + self.rng.choice(TRADES)
        taken.add(short)
        suffix = self.rng.choice(SUFFIXES)
        full = f"{self.rng.choice(CITIES)}{self.rng.choice(CITY_PARTS)}{short}{suffix}"
        return Party(full, short, suffix, account_number(self.rng.randrange(10**6)))

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
    ) -> BankMove:
        rng = self.rng
        self.counted += day <= self.end
        clock = clock or time(rng.randint(8, 17), rng.randrange(60), rng.randrange(60))
        return BankMove(day, direction, fen, memo, who, f"{day:%Y%m%d}{rng.randrange(10**10):010d}", clock)

    def voucher(self, day: date, memo: str, entries: list[Entry]) -> Voucher:
        self.seq += 1
        return Voucher(day, memo, [e for e in entries if e.fen], self.seq)

    def event(
        self,
        scenario: str,
        banks: list[BankMove],
        vouchers: list[Voucher],
        fee: int = 0,
        *,
        decidable: bool = True,
        cluster: int | None = None,
    ) -> None:
        self.events.append(Event(scenario, banks, [x for v in vouchers for x in v.bank], fee, decidable, cluster))

    def pair(
        self,
        scenario: str,
        b: BankMove,
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
        mine = Entry(*ACCOUNT, d, fen, method=method or rng.choice(("网银", "电汇", "网银转账")), number=number)
        other = Entry(*contra, OUT if d is IN else IN, fen, party)
        v = self.voucher(booked, text, [mine, other] if d is IN else [other, mine])
        self.event(scenario, [b], [v], fen - b.fen, decidable=decidable, cluster=cluster)

    def payer(self, p: Party) -> Who:
        """The counterparty as the bank shows it: mostly the full legal name; sometimes the boss pays."""
        r = self.rng.random()
        if r < 0.94:
            return (p.full if r < 0.82 else p.short + p.suffix), p.account
        return person(self.rng.randrange(10**4)), account_number(self.rng.randrange(10**6))

    def item(self, p: Party) -> str | None:
        """The 核算项目 party of a 1122/2202 line, when this bookkeeper uses them."""
        return (p.full if self.rng.random() < 0.7 else p.short) if self.items else None

    def called(self, p: Party) -> str:
        """How a memo names the party: a short name, sometimes with a typo."""
        r = self.rng.random()
        spots = [i for i, ch in enumerate(p.short) if ch in _TYPOS]
        if r < 0.1 and spots:
            i = self.rng.choice(spots)
            return p.short[:i] + _TYPOS[p.short[i]] + p.short[i + 1 :]
        return p.full if r > 0.95 else p.short

    def number(self) -> str:
        return f"{self.rng.randrange(10**7, 10**8)}"
