"""Scenario classes about a single line that does not look like its booking.

fee-deducted: a receipt with a cross-bank fee deducted (bank 2,590.00 against booked 2,600.00): a group of kind
"fee" whose fee is a true 银付企未付. Variant "decoy": another party's receipt of exactly the bank amount, booked
with its name.

month-end-unique: a payment booked at month end whatever the day (rent of 3,500.00 to 快讯服饰 paid on the 6th,
booked on the 31st as 付快讯服饰房租), its amount unique in the month and the names agreeing: decidable whatever
the lag.
"""

from __future__ import annotations

from hezhang.samples.adversarial import habits
from hezhang.samples.adversarial.book import IN, OUT, MonthBook
from hezhang.samples.adversarial.trade import transfer

FEE = "fee-deducted"
UNIQUE = "month-end-unique"
_FEES = (50, 100, 500, 550, 1000, 1500, 2000, 2500, 5000)
_WHAT = (
    ("房租", "660203", "管理费用-房租"),
    ("物业费", "660207", "管理费用-物业费"),
    ("服务费", "660209", "管理费用-服务费"),
    ("广告费", "660104", "销售费用-广告费"),
    ("咨询费", "660210", "管理费用-咨询费"),
    ("软件服务费", "660209", "管理费用-服务费"),
)


def fee_deducted(m: MonthBook) -> None:
    rng = m.rng
    party = m.parties.company()
    m.customers.append(party)
    booked = m.amounts.fresh(IN, 300, 80_000, rng.choice(("round", "yuan", "any")))
    fee = rng.choice(_FEES)
    got = m.amounts.take(IN, booked - fee)
    day = m.day()
    e = transfer(
        m,
        FEE,
        party,
        IN,
        got,
        day,
        naming=rng.choice(("full", "core", None)),
        note=rng.choice(("跨行汇入", "汇入汇款", None)),
        variant="plain",
    )
    x = e.books[0]
    m.vouchers[-1].postings[1].fen = booked
    x.fen = booked
    if rng.random() < 0.3:
        e.variant = "decoy"
        decoy = m.parties.company()
        m.customers.append(decoy)
        transfer(m, "receipt", decoy, IN, got, day, naming="full", variant="decoy")


def month_end_unique(m: MonthBook) -> None:
    rng = m.rng
    party = m.parties.person() if rng.random() < 0.3 else m.parties.company()
    m.suppliers.append(party)
    what, code, name = rng.choice(_WHAT)
    fen = m.amounts.fresh(OUT, 800, 30_000, rng.choice(("round", "yuan")))
    day = m.day(hi=m.period.end.day - 2)
    when = habits.late_day(rng, day, m.period) if m.habit != "month-end" else m.period.end
    transfer(
        m,
        UNIQUE,
        party,
        OUT,
        fen,
        day,
        what=what,
        contra=(code, name),
        naming=rng.choice(("full", "core")),
        voucher_day=when,
        late=m.habit != "month-end",
        variant=m.habit,
    )
