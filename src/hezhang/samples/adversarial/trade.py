"""Everyday trade of a small company: customers paying, suppliers paid, staff reimbursed, refunds, same-day
twins, reversals; and `transfer`, the one-bank-line-one-voucher event most scenarios are made of."""

from __future__ import annotations

from datetime import date, timedelta

from hezhang.samples.adversarial.book import IN, OUT, BankEntry, Event, MonthBook, Posting, other
from hezhang.samples.adversarial.memos import bank_memo
from hezhang.samples.adversarial.names import Party, full

RECEIVABLE = ("1122", "应收账款")
PAYABLE = ("2202", "应付账款")
EXPENSES = (
    ("660204", "管理费用-差旅费"),
    ("660201", "管理费用-办公费"),
    ("660206", "管理费用-业务招待费"),
    ("1221", "其他应收款"),
    ("660101", "销售费用-运杂费"),
)
EXPENSE_WORDS = ("报销款", "报销差旅费", "报销办公费", "借款", "备用金", "报销招待费", "报销运费", "报销")


def transfer(
    m: MonthBook,
    scenario: str,
    party: Party,
    direction: str,
    fen: int,
    day: date,
    *,
    what: str = "货款",
    contra: tuple[str, str] | None = None,
    topic: str = "trade",
    note: str | None = None,
    naming: str | None = None,
    aux: bool | None = None,
    voucher_day: date | None = None,
    variant: str = "",
    pool: int | None = None,
    late: bool = False,
    memo: str | None = None,
    bank_text: str | None = None,
    refs: bool = True,
) -> Event:
    """One bank line with `party` and its voucher: the bank account against `contra` (应收/应付 by default).

    `naming` forces how the memo names the party ("full", "core", "city", "none"); `aux` forces the 核算项目
    (True: filled, False: empty); `memo`/`bank_text` replace the generated memos; `refs=False`: no 结算号.
    """
    clerk = m.clerk
    receipt = direction == IN
    b = m.bank(
        day, direction, fen, bank_text or bank_memo(m.rng, direction, m.period.start.month, note), party, topic=topic
    )
    text, mention = clerk.name(party, naming)
    cell = clerk.auxiliary(party, receipt) if aux is None else (_aux(party, receipt) if aux else "")
    if cell:
        mention = full(party)
    if memo is None:
        memo = clerk.receipt(text, what) if receipt else clerk.payment(text, what)
    number, own = clerk.reference(b.ref, m.recent[-6:-1]) if refs else ("", False)
    x = m.mine(
        direction,
        fen,
        memo,
        mention=mention,
        topic=topic,
        method=clerk.method(),
        number=number,
        late=late,
        tokens=frozenset((number,)) if own else frozenset(),
    )
    code, name = contra or (RECEIVABLE if receipt else PAYABLE)
    y = other(code, name, OUT if receipt else IN, fen, cell)
    m.voucher(voucher_day or m.book_day(day), memo, [x, y] if receipt else [y, x])
    return m.event(scenario, [b], [x], variant, pool)


def _aux(party: Party, receipt: bool) -> str:
    if party.person:
        return f"职员---{party.full}"
    return f"{'客户' if receipt else '供应商'}---{party.full}"


def payment_fee(m: MonthBook, after: BankEntry) -> None:
    """Half of the cross-bank payments cost a fee line right after them (booked by `dues.settle_fees`)."""
    if m.rng.random() >= 0.5:
        return
    fen = m.rng.choice((50, 100, 200, 500, 550, 1000, 1500, 2000, 2500))
    memo = m.rng.choice(("手续费", "汇划手续费", "跨行汇款手续费", "转账手续费"))
    m.fees.append(m.bank(after.day, OUT, fen, memo, topic="fee", after=after))


def receipt(m: MonthBook) -> None:
    party = m.customer()
    fen = m.amounts.fresh(IN, 200, 300_000)
    what = m.rng.choice(("货款", "货款", "货款", "服务费", "款", "工程款", "咨询费"))
    transfer(m, "receipt", party, IN, fen, m.day(), what=what)


def payment(m: MonthBook) -> None:
    party = m.supplier()
    fen = m.amounts.fresh(OUT, 200, 250_000)
    what = m.rng.choice(("货款", "货款", "采购款", "材料款", "款", "运费", "加工费"))
    e = transfer(m, "payment", party, OUT, fen, m.day(), what=what)
    payment_fee(m, e.banks[0])


def expense(m: MonthBook) -> None:
    person = m.employee()
    fen = m.amounts.fresh(OUT, 50, 9_000, m.rng.choice(("cents", "yuan", "any")))
    word = m.rng.choice(EXPENSE_WORDS)
    text, _ = m.clerk.name(person)
    memo = m.rng.choice((f"付{text}{word}", f"{word}-{text}", f"{text}{word}")) if text else f"付{word}"
    contra = m.rng.choice(EXPENSES)
    transfer(
        m,
        "expense",
        person,
        OUT,
        fen,
        m.day(),
        contra=contra,
        topic="expense",
        memo=memo,
        bank_text=m.rng.choice(("报销款", "网银转账", "代付", "费用报销", "备用金")),
    )


def refund(m: MonthBook) -> None:
    """A customer's money sent back, or a supplier's overpayment returned."""
    if m.rng.random() < 0.5:
        party, direction, what = m.customer(new=0.5), OUT, "退货款"
    else:
        party, direction, what = m.supplier(new=0.5), IN, "退回多付货款"
    fen = m.amounts.fresh(direction, 100, 30_000)
    transfer(m, "refund", party, direction, fen, m.day(), what=what, note=m.rng.choice(("退款", "退货款", "退回")))


def twins(m: MonthBook) -> None:
    """Two payments of one amount on one day. "named": two payees the books name; "unnamed": two payees the books
    do not name; "identical": one payee twice."""
    variant = m.rng.choices(("named", "unnamed", "identical"), (45, 30, 25))[0]
    day = m.day(hi=m.period.end.day - 3)
    fen = m.amounts.fresh(OUT, 300, 20_000, m.rng.choice(("round", "yuan")))
    m.amounts.take(OUT, fen)
    people = m.rng.random() < 0.6
    first = m.employee() if people else m.supplier(new=0.6)
    second = first if variant == "identical" else (m.parties.person() if people else m.parties.company())
    what = "劳务费" if people else "货款"
    note = m.rng.choice(("", what))
    for party in (first, second):
        naming = "none" if variant == "unnamed" else ("full" if variant == "named" else None)
        aux = True if variant == "named" else (False if variant == "unnamed" else None)
        transfer(
            m,
            "twins",
            party,
            OUT,
            fen,
            day,
            what=what,
            naming=naming,
            aux=aux,
            variant=variant,
            refs=False,
            note=note,
            contra=("2241", "其他应付款") if people else None,
        )
        if variant != "named":
            m.events[-1].books[0].mention = None if variant == "unnamed" else full(party)


def reversal(m: MonthBook) -> None:
    """ "bounced": a payment comes back (退汇) and both are booked; "correction": the bank's own error and its
    冲正, booked by nobody; "red": the books take a wrong amount, reverse it in red and book the right one."""
    variant = m.rng.choice(("bounced", "correction", "red"))
    party = m.supplier(new=0.6)
    day = m.day(hi=m.period.end.day - 4)
    if variant == "bounced":
        fen = m.amounts.fresh(OUT, 500, 60_000)
        m.amounts.take(IN, fen)
        transfer(m, "reversal", party, OUT, fen, day, variant=variant)
        back = day + timedelta(days=m.rng.randint(1, 2))
        transfer(
            m,
            "reversal",
            party,
            IN,
            fen,
            back,
            variant=variant,
            memo=f"{party.short}退汇（账户名不符）",
            bank_text=m.rng.choice(("退汇", "汇款退回", "退汇 户名不符")),
            contra=PAYABLE,
        )
        return
    if variant == "correction":
        fen = m.amounts.fresh(OUT, 500, 60_000)
        m.amounts.take(IN, fen)
        error = m.bank(day, OUT, fen, "错账", party, topic="reversal")
        undo = m.bank(day, IN, fen, m.rng.choice(("冲正", "冲正 错账", "抹账")), party, topic="reversal", after=error)
        m.event("reversal", [error], [], variant)
        m.event("reversal", [undo], [], variant)
        return
    right = m.amounts.fresh(OUT, 200, 9_000, "yuan")
    wrong = right * 10
    m.amounts.take(OUT, wrong)
    m.amounts.take(IN, wrong)
    b = m.bank(day, OUT, right, bank_memo(m.rng, OUT, m.period.start.month), party)
    text, mention = m.clerk.name(party, "core")
    when = m.book_day(day)
    postings: list[Posting] = []
    for fen, red, memo in (
        (wrong, False, f"付{text}货款"),
        (wrong, True, f"冲销{when:%m%d}付{text}货款"),
        (right, False, f"付{text}货款（更正）"),
    ):
        x = m.mine(IN if red else OUT, fen, memo, mention=mention, red=red)
        m.voucher(when, memo, [other(*PAYABLE, OUT if red else IN, fen, red=red), x])
        postings.append(x)
    m.event("reversal", [b], postings, variant)


def misposted(m: MonthBook) -> None:
    """A receipt booked on the client's other bank account by mistake: on this account it stays outstanding."""
    party = m.customer()
    fen = m.amounts.fresh(IN, 500, 50_000)
    b = m.bank(m.day(), IN, fen, bank_memo(m.rng, IN, m.period.start.month), party)
    memo = m.clerk.receipt(m.clerk.name(party)[0])
    m.voucher(
        m.book_day(b.day),
        memo,
        [other(m.other_code, m.other_name, IN, fen, memo=memo), other(*RECEIVABLE, OUT, fen, _aux(party, True))],
    )
    m.event("misposted", [b], [])
