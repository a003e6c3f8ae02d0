"""What a client-month is made of before it is written: bank entries, vouchers and their postings, and the events
that say which of them belong together.

A line `mentions` who it is about: a bank line its counterparty; a posting what its memo or its voucher's 核算项目
names (the full party, only the trade-name core, the city and the core, or nobody). A careful accountant can
tell two lines apart when what they mention cannot be the same party, or when their `topic` (货款, 工资, 税,
手续费…) or their reference `tokens` (票号, 税种) differ. Carried lines stand for last month's 未达账项: they are
not written, they reach the matching as carried items.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from hezhang.domain.period import Period
from hezhang.samples.adversarial import habits
from hezhang.samples.adversarial.amounts import Amounts
from hezhang.samples.adversarial.memos import Bookkeeper
from hezhang.samples.adversarial.names import Mention, Parties, Party, full

IN, OUT = "in", "out"


@dataclass(eq=False)
class BankEntry:
    day: date
    direction: str
    fen: int
    memo: str
    party: str = ""
    party_account: str = ""
    mention: Mention | None = None
    topic: str = "trade"
    tokens: frozenset[str] = frozenset()
    ref: str = ""
    clock: time = time(9, 0)
    carried: bool = False


@dataclass(eq=False)
class Posting:
    """One voucher line. `direction` is as hezhang reads it: "in" = debit, "out" = credit. A `red` line is written
    as a negative amount in the other column (红字冲销)."""

    code: str
    name: str
    direction: str
    fen: int
    memo: str = ""
    auxiliary: str = ""
    method: str = ""
    number: str = ""
    red: bool = False
    mention: Mention | None = None
    topic: str = "trade"
    tokens: frozenset[str] = frozenset()
    book_first: bool = False
    late: bool = False
    carried: bool = False
    day: date = date.min


@dataclass(eq=False)
class Voucher:
    day: date
    memo: str
    postings: list[Posting]
    word: str = "记"


@dataclass(eq=False)
class Event:
    """Lines that belong together (`banks` and `books`, the postings on the reconciled account). `pool`: events whose
    lines a careful accountant must weigh against each other (decided together by `decide`)."""

    scenario: str
    banks: list[BankEntry]
    books: list[Posting]
    variant: str = ""
    pool: int | None = None
    decidable: bool = True
    cluster: int | None = None


@dataclass
class MonthBook:
    """The builder scenarios write into: the month, its booking habit, its client, its bank account, its
    bookkeeper, and the counterparties it deals with again and again."""

    rng: random.Random
    period: Period
    habit: str
    client: Party
    parties: Parties
    amounts: Amounts
    clerk: Bookkeeper
    account_code: str = "100201"
    account_name: str = "银行存款-工商银行"
    bank_short: str = "工商银行"
    other_code: str = "100202"
    other_name: str = "银行存款-建设银行"
    #: how the month's bank fees are booked: "each", "daily", "summed" or "unbooked"
    fee_style: str = "each"
    ref_style: int = 0
    customers: list[Party] = field(default_factory=list)
    suppliers: list[Party] = field(default_factory=list)
    staff: list[Party] = field(default_factory=list)
    #: fee lines of payments, booked at the end according to `fee_style`
    fees: list[BankEntry] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    vouchers: list[Voucher] = field(default_factory=list)
    pools: int = 0
    refs: set[str] = field(default_factory=set)
    #: the 流水号 given so far, in order
    recent: list[str] = field(default_factory=list)

    # -- dates ---------------------------------------------------------------------------------------------
    def day(self, lo: int = 1, hi: int | None = None) -> date:
        """A random day of the month between day `lo` and `hi` (its last day by default)."""
        end = self.period.end.day if hi is None else min(hi, self.period.end.day)
        return self.period.start.replace(day=self.rng.randint(min(lo, end), end))

    def book_day(self, bank_day: date) -> date:
        return habits.book_day(self.habit, self.rng, bank_day, self.period)

    def new_pool(self) -> int:
        self.pools += 1
        return self.pools

    # -- people --------------------------------------------------------------------------------------------
    def customer(self, new: float = 0.3) -> Party:
        if not self.customers or self.rng.random() < new:
            self.customers.append(self.parties.company())
            return self.customers[-1]
        return self.rng.choice(self.customers)

    def supplier(self, new: float = 0.3) -> Party:
        if not self.suppliers or self.rng.random() < new:
            self.suppliers.append(self.parties.company())
            return self.suppliers[-1]
        return self.rng.choice(self.suppliers)

    def employee(self) -> Party:
        if len(self.staff) < 3 or self.rng.random() < 0.15:
            self.staff.append(self.parties.person())
            return self.staff[-1]
        return self.rng.choice(self.staff)

    # -- lines ---------------------------------------------------------------------------------------------
    def _ref(self, day: date) -> str:
        rng = self.rng
        while True:
            if self.ref_style == 0:
                ref = f"{day:%Y%m%d}{rng.randint(0, 99_999_999):08d}"
            elif self.ref_style == 1:
                ref = f"HQ{day:%y%m%d}{rng.randint(0, 999_999):06d}{rng.choice('ABCDEFGH')}"
            else:
                ref = f"{rng.randint(10**15, 10**16 - 1)}"
            if ref not in self.refs:
                self.refs.add(ref)
                self.recent.append(ref)
                return ref

    def bank(
        self,
        day: date,
        direction: str,
        fen: int,
        memo: str,
        party: Party | None = None,
        *,
        topic: str = "trade",
        tokens: frozenset[str] = frozenset(),
        name: str | None = None,
        after: BankEntry | None = None,
    ) -> BankEntry:
        """A bank line; `party` fills 对方户名 and 对方账号 (`name` overrides what the bank shows); `after`: a line
        the bank writes right after another (its fee)."""
        rng = self.rng
        if after is not None:
            moment = datetime.combine(day, after.clock) + timedelta(seconds=rng.randint(1, 40))
            clock = moment.time() if moment.date() == day else after.clock
        else:
            clock = time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
        ref = self._ref(day)
        return BankEntry(
            day,
            direction,
            fen,
            memo,
            party=name if name is not None else (party.full if party else ""),
            party_account=party.account if party else "",
            mention=full(party) if party else None,
            topic=topic,
            tokens=tokens | {ref},
            ref=ref,
            clock=clock,
        )

    def mine(
        self,
        direction: str,
        fen: int,
        memo: str = "",
        *,
        mention: Mention | None = None,
        topic: str = "trade",
        tokens: frozenset[str] = frozenset(),
        method: str = "",
        number: str = "",
        red: bool = False,
        book_first: bool = False,
        late: bool = False,
    ) -> Posting:
        """A posting on the reconciled bank account."""
        return Posting(
            self.account_code,
            self.account_name,
            direction,
            fen,
            memo,
            method=method,
            number=number,
            red=red,
            mention=mention,
            topic=topic,
            tokens=tokens,
            book_first=book_first,
            late=late,
        )

    def voucher(self, day: date, memo: str, postings: list[Posting], word: str = "记") -> Voucher:
        debit = sum(p.fen for p in postings if p.direction == IN)
        credit = sum(p.fen for p in postings if p.direction == OUT)
        if debit != credit:
            raise ValueError(f"voucher {memo!r} of {day} does not balance: {debit} != {credit}")
        for p in postings:
            p.day = day
        v = Voucher(day, memo, postings, word)
        self.vouchers.append(v)
        return v

    def event(
        self, scenario: str, banks: list[BankEntry], books: list[Posting], variant: str = "", pool: int | None = None
    ) -> Event:
        e = Event(scenario, banks, books, variant, pool)
        self.events.append(e)
        return e

    def bank_lines_in_period(self) -> int:
        return sum(1 for e in self.events for b in e.banks if not b.carried and b.day in self.period)


def other(
    code: str, name: str, direction: str, fen: int, auxiliary: str = "", memo: str = "", red: bool = False
) -> Posting:
    """A posting on any other account (the other side of a voucher)."""
    return Posting(code, name, direction, fen, memo, auxiliary=auxiliary, topic="any", red=red)
