"""mixed-direction-groups: groups whose lines run both ways or whose sides are split differently.

Variants: "discount" (a bank acceptance bill discounted: the bank credits the net, the books debit the face value
and credit the interest, both on the bank account), "payment-with-fee" (a payment and its fee, two bank lines,
booked as one line), "salary-split" (the month's pay in 2-3 代发 batches over two days, booked as one line;
decided when no other batches add up the same) and "fees-summed" (the month's fee lines booked as one line at
month end, see `dues.settle_fees`).
"""

from __future__ import annotations

from datetime import timedelta

from hezhang.samples.adversarial.book import IN, OUT, MonthBook, other
from hezhang.samples.adversarial.dues import FEES, SALARIES, previous_month
from hezhang.samples.adversarial.memos import SALARY_MEMOS, bank_memo
from hezhang.samples.adversarial.names import digits, full
from hezhang.samples.adversarial.trade import PAYABLE

MIXED = "mixed-direction-groups"


def discount(m: MonthBook) -> None:
    rng = m.rng
    drawer = m.customer(new=0.5)
    face = m.amounts.take(IN, m.amounts.draw(20_000, 600_000, rng.choice(("yuan", "round"))))
    days = rng.randint(30, 180)
    rate = rng.uniform(0.011, 0.028)
    interest = m.amounts.take(OUT, round(face * rate * days / 360))
    net = m.amounts.take(IN, face - interest)
    number = "1" + digits(rng, 29)
    tail = number[-8:]
    day = m.day(hi=m.period.end.day - 3)
    bank_party = m.parties.fixed(f"{m.bank_short}{m.client.city}分行", f"{m.bank_short}{m.client.city}")
    b = m.bank(
        day,
        IN,
        net,
        rng.choice((f"贴现 票号{tail}", "票据贴现", f"银行承兑汇票贴现 {tail}", "贴现款入账")),
        bank_party,
        topic="bill",
        tokens=frozenset((tail,)) if rng.random() < 0.6 else frozenset(),
    )
    memo = rng.choice((f"银承贴现 票号{tail}", "承兑汇票贴现", f"{drawer.short}承兑汇票贴现"))
    tokens = frozenset((tail,)) & b.tokens
    face_line = m.mine(IN, face, memo, topic="bill", method="银行承兑汇票", number=number, tokens=tokens)
    interest_line = m.mine(OUT, interest, "贴现利息", topic="bill+fee", tokens=tokens)
    m.voucher(
        m.book_day(day),
        memo,
        [
            face_line,
            other("1121", "应收票据", OUT, face, f"客户---{drawer.full}"),
            other("660304", "财务费用-贴现利息", IN, interest),
            interest_line,
        ],
    )
    m.event(MIXED, [b], [face_line, interest_line], "discount")


def payment_with_fee(m: MonthBook) -> None:
    rng = m.rng
    party = m.supplier(new=0.6)
    fen = m.amounts.fresh(OUT, 1_000, 200_000)
    fee = rng.choice((50, 100, 200, 500, 550, 1000, 1500, 2000, 2500))
    day = m.day()
    b = m.bank(day, OUT, fen, bank_memo(rng, OUT, day.month), party)
    f = m.bank(day, OUT, fee, rng.choice(("手续费", "汇划手续费", "跨行汇款手续费")), None, topic="fee", after=b)
    m.amounts.take(OUT, fen + fee)
    text, mention = m.clerk.name(party, rng.choice(("full", "core")))
    memo = m.clerk.payment(text) + rng.choice(("（含手续费）", "及手续费", ""))
    x = m.mine(OUT, fen + fee, memo, mention=mention, topic="trade+fee")
    m.voucher(m.book_day(day), memo, [other(*PAYABLE, IN, fen, f"供应商---{party.full}"), other(*FEES, IN, fee), x])
    m.event(MIXED, [b, f], [x], "payment-with-fee")


def salary_split(m: MonthBook) -> None:
    """The pay in 2-3 batches (departments, or the ones that failed sent again the next day), booked once; now
    and then a second kind of pay (劳务费, 奖金) by 代发 the same month, booked apart."""
    rng = m.rng
    pool = m.new_pool()
    day = m.day(5, 15)
    batches = [m.amounts.draw(2_000, 150_000, "cents") for _ in range(rng.randint(2, 3))]
    banks = []
    for i, fen in enumerate(batches):
        when = day if i == 0 or rng.random() < 0.5 else day + timedelta(days=1)
        banks.append(
            m.bank(
                when, OUT, m.amounts.take(OUT, fen), rng.choice(SALARY_MEMOS), None, topic="salary", name=m.client.full
            )
        )
    total = m.amounts.take(OUT, sum(batches))
    memo = rng.choice((f"发放{previous_month(m)}月工资", f"支付{previous_month(m)}月工资", "代发工资"))
    x = m.mine(OUT, total, memo, topic="salary", mention=full(m.client))
    m.voucher(m.book_day(max(b.day for b in banks)), memo, [other(*SALARIES, IN, total), x])
    m.event(MIXED, banks, [x], "salary-split", pool)
    if rng.random() < 0.35:
        what = rng.choice(("劳务费", "奖金", "年终奖"))
        fen = m.amounts.take(OUT, m.amounts.draw(1_000, 60_000, rng.choice(("cents", "round"))))
        later = day + timedelta(days=rng.randint(0, 5))
        b = m.bank(later, OUT, fen, rng.choice(SALARY_MEMOS), None, topic="salary", name=m.client.full)
        memo2 = f"发放{what}"
        x2 = m.mine(OUT, fen, memo2, topic="salary", mention=full(m.client))
        m.voucher(m.book_day(later), memo2, [other(*SALARIES, IN, fen), x2])
        m.event("salary", [b], [x2], what, pool)
