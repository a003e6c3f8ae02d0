"""Scenario classes about who: names that look alike and names that differ.

shared-core: two counterparties of the client share a trade-name core (北京创汇商贸 and 杭州创汇信息技术) and the
journal memo names only the core (收到创汇货款). Variants: "same-amount" (one amount, one bank day: nothing tells
them apart), "amount-tells", "aux-tells" (核算项目 names the full party), "city-tells" (the memo says 杭州创汇),
"date-tells" (bank days far apart: decided under bank-day and weekly booking, not when booked at month end) and
"one-only" (only one of them pays this month).

other-party-memo: the amount and the date agree but the memo names another party (bank 成都国讯 1,500.00; journal
收到九方货款 1,500.00): not the same event. Variants: "elsewhere" (both have their true partner elsewhere in the
month) and "outstanding" (each stays a 未达账项).
"""

from __future__ import annotations

from datetime import timedelta

from hezhang.samples.adversarial import habits
from hezhang.samples.adversarial.book import IN, OUT, MonthBook, other
from hezhang.samples.adversarial.trade import PAYABLE, RECEIVABLE, transfer

SHARED = "shared-core"
OTHER = "other-party-memo"


def shared_core(m: MonthBook) -> None:
    rng = m.rng
    first = m.parties.company()
    second = m.parties.sharing_core(first)
    receipt = rng.random() < 0.7
    (m.customers if receipt else m.suppliers).extend((first, second))
    direction = IN if receipt else OUT
    variant = rng.choices(
        ("same-amount", "amount-tells", "aux-tells", "city-tells", "date-tells", "one-only"), (30, 20, 15, 10, 15, 10)
    )[0]
    fen = m.amounts.fresh(direction, 800, 60_000, rng.choice(("round", "yuan", "any")))
    m.amounts.take(direction, fen)
    day = m.day(hi=m.period.end.day - 4)
    days = [day, day]
    amounts = [fen, fen]
    if variant == "amount-tells":
        amounts[1] = m.amounts.fresh(direction, 800, 60_000, rng.choice(("round", "yuan", "any")))
    if variant == "date-tells":
        days = sorted((m.day(1, 10), m.day(19, m.period.end.day - 4)))
    parties = [first, second] if variant != "one-only" else [rng.choice((first, second))]
    naming = "city" if variant == "city-tells" else "core"
    what = rng.choice(("货款", "款", "服务费"))
    note = rng.choice(("", what, "往来款"))  # one note for both: no word in the memos tells them apart
    for party, when, amount in zip(parties, days, amounts, strict=False):
        transfer(
            m,
            SHARED,
            party,
            direction,
            amount,
            when,
            naming=naming,
            aux=variant == "aux-tells",
            variant=variant,
            refs=False,
            what=what,
            note=note,
        )


def other_party_memo(m: MonthBook) -> None:
    rng = m.rng
    bank_party, book_party = m.parties.company(), m.parties.company()
    receipt = rng.random() < 0.7
    (m.customers if receipt else m.suppliers).extend((bank_party, book_party))
    direction = IN if receipt else OUT
    fen = m.amounts.fresh(direction, 300, 30_000, rng.choice(("round", "yuan")))
    m.amounts.take(direction, fen)
    variant = rng.choices(("elsewhere", "outstanding"), (60, 40))[0]
    end = m.period.end
    if variant == "outstanding":
        day = m.day(end.day - 3)
        bank_only = transfer(
            m,
            OTHER,
            bank_party,
            direction,
            fen,
            day,
            naming="full",
            variant=variant,
            voucher_day=end + timedelta(days=rng.randint(3, 8)),
        )
        text, mention = m.clerk.name(book_party, rng.choice(("full", "core")))
        memo = m.clerk.receipt(text) if receipt else m.clerk.payment(text)
        x = m.mine(direction, fen, memo, mention=mention, book_first=True)
        contra = other(*(RECEIVABLE if receipt else PAYABLE), OUT if receipt else IN, fen)
        m.voucher(
            bank_only.banks[0].day if m.habit == "bank-day" else m.book_day(day),
            memo,
            [x, contra] if receipt else [contra, x],
        )
        late_bank = m.bank(end + timedelta(days=rng.randint(1, 5)), direction, fen, "转账", book_party)
        m.event(OTHER, [late_bank], [x], variant)
        return
    day = m.day(8, end.day - 6)
    # the lookalike pair: the bank line of one party, the booking of the other on the same day
    booked_same_day = day if m.habit == "bank-day" else m.book_day(day)
    own_booking = booked_same_day + timedelta(days=rng.randint(1, 3)) if m.habit == "bank-day" else booked_same_day
    transfer(
        m,
        OTHER,
        bank_party,
        direction,
        fen,
        day,
        naming=rng.choice(("full", "core")),
        variant=variant,
        voucher_day=own_booking,
    )
    lag = rng.randint(1, habits.WINDOW[m.habit]) if m.habit != "month-end" else rng.randint(1, 20)
    earlier = max(m.period.start, booked_same_day - timedelta(days=lag))
    transfer(
        m,
        OTHER,
        book_party,
        direction,
        fen,
        earlier,
        naming=rng.choice(("full", "core")),
        variant=variant,
        voucher_day=booked_same_day,
    )
