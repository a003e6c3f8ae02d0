"""Money that moves without a sale: cash in and out, transfers between the client's own accounts, foreign-currency
receipts, bank acceptance bills collected, cheques and deposits booked before the bank sees them, and last
month's 未达账项 clearing this month."""

from __future__ import annotations

from datetime import date, timedelta

from hezhang.samples.adversarial.book import IN, OUT, BankEntry, MonthBook, Posting, other
from hezhang.samples.adversarial.names import digits, full, words
from hezhang.samples.adversarial.trade import PAYABLE, RECEIVABLE, transfer

CASH = ("1001", "库存现金")
BILLS = ("1121", "应收票据")
_FOREIGN = words(
    "BRIGHTON NORTHWIND SEACREST KESTREL ORCHARD LUMEN HARBOUR ALPINE SILVERLINE REDWOOD BLUEWATER EVERGREEN FALCON "
    "MERIDIAN PACIFICA STONEBRIDGE"
)
_FOREIGN_KIND = ("TRADING LIMITED", "INTERNATIONAL CO., LTD", "SOURCING INC.", "GMBH", "HOLDINGS PTE. LTD.")


def cash_deposit(m: MonthBook) -> None:
    fen = m.amounts.fresh(IN, 1_000, 60_000, m.rng.choice(("round", "yuan", "cents")))
    b = m.bank(m.day(), IN, fen, m.rng.choice(("现金存入", "现金缴款", "存现", "现金存款")), None, topic="cash")
    memo = m.rng.choice(("现金存入银行", "存现", "将现金存入银行", "销售现金存行"))
    x = m.mine(IN, fen, memo, topic="cash")
    m.voucher(m.book_day(b.day), memo, [x, other(*CASH, OUT, fen)])
    m.event("cash", [b], [x], "deposit")


def cash_withdrawal(m: MonthBook) -> None:
    fen = m.amounts.fresh(OUT, 500, 30_000, "round")
    cheque = digits(m.rng, 8)
    b = m.bank(
        m.day(),
        OUT,
        fen,
        m.rng.choice((f"现金支票 {cheque}", "现金支取", "取现")),
        None,
        topic="cash",
        tokens=frozenset((cheque,)),
        name=m.client.full,
    )
    memo = m.rng.choice(("提现", "提取备用金", "取现金备用", "提现金"))
    x = m.mine(OUT, fen, memo, topic="cash", method="现金支票", number=cheque, tokens=frozenset((cheque,)))
    m.voucher(m.book_day(b.day), memo, [other(*CASH, IN, fen), x])
    m.event("cash", [b], [x], "withdrawal")


def own_transfer(m: MonthBook) -> None:
    """Between the client's own accounts: the bank shows the client's own name."""
    direction = m.rng.choice((IN, OUT))
    fen = m.amounts.fresh(direction, 5_000, 500_000, m.rng.choice(("round", "yuan")))
    memo = (f"从{m.other_name[5:]}转入" if direction == IN else f"转入{m.other_name[5:]}户") + m.rng.choice(
        ("", "备用")
    )
    transfer(
        m,
        "own-transfer",
        m.client,
        direction,
        fen,
        m.day(),
        contra=(m.other_code, m.other_name),
        topic="transfer",
        memo=memo,
        bank_text=m.rng.choice(("资金调拨", "内部转账", "转账", "同名划转")),
        naming="none",
        aux=False,
    )
    m.events[-1].books[0].mention = full(m.client)


def fx_receipt(m: MonthBook) -> None:
    """A USD receipt settled into CNY at the bank's rate; booked: the CNY received, the receivable at the booked
    rate, the difference to 汇兑损益."""
    rng = m.rng
    core = rng.choice(_FOREIGN)
    party = next((p for p in m.parties.known if p.core == core), None) or m.parties.fixed(
        f"{core} {rng.choice(_FOREIGN_KIND)}", core
    )
    usd = m.amounts.draw(800, 90_000, rng.choice(("yuan", "round", "cents")))
    rate = rng.randint(69_000, 73_000)  # 4 decimals
    booked_rate = rate + rng.randint(-400, 400)
    fen = m.amounts.take(IN, round(usd * rate / 10_000))
    booked = round(usd * booked_rate / 10_000)
    usd_text = f"USD{usd // 100:,}.{usd % 100:02d}"
    b = m.bank(
        m.day(),
        IN,
        fen,
        rng.choice((f"结汇 {usd_text}", f"外汇汇入结汇 {usd_text} 汇率{rate / 10_000:.4f}", "境外汇入 结汇")),
        party,
    )
    memo = rng.choice((f"收{core}货款 {usd_text}", f"收{party.full}货款", f"{core}回款 {usd_text}"))
    x = m.mine(IN, fen, memo, mention=full(party))
    rest = [other(*RECEIVABLE, OUT, booked, f"客户---{party.full}")]
    if fen != booked:
        rest.append(other("660303", "财务费用-汇兑损益", OUT if fen > booked else IN, abs(fen - booked)))
    m.voucher(m.book_day(b.day), memo, [x, *rest])
    m.event("fx-receipt", [b], [x])


def bill_collection(m: MonthBook) -> None:
    """A bank acceptance bill collected at maturity (托收)."""
    drawer = m.customer(new=0.5)
    number = "1" + digits(m.rng, 29)
    tail = number[-8:]
    fen = m.amounts.fresh(IN, 10_000, 500_000, m.rng.choice(("round", "yuan")))
    b = m.bank(
        m.day(),
        IN,
        fen,
        m.rng.choice((f"银行承兑汇票托收 {tail}", f"票据托收 票号{tail}", "电子票据到期托收")),
        drawer,
        topic="bill",
        tokens=frozenset((tail,)),
    )
    memo = m.rng.choice((f"承兑汇票到期托收 票号{tail}", f"收{drawer.short}承兑到期款", "银承到期托收"))
    x = m.mine(IN, fen, memo, topic="bill", method="银行承兑汇票", number=number, tokens=frozenset((tail,)))
    m.voucher(m.book_day(b.day), memo, [x, other(*BILLS, OUT, fen, f"客户---{drawer.full}")])
    m.event("bill", [b], [x])


def cheque(m: MonthBook) -> None:
    """A 转账支票 booked when written; the payee presents it 1-6 days later (often next month)."""
    payee = m.supplier()
    fen = m.amounts.fresh(OUT, 500, 80_000)
    number = digits(m.rng, 8)
    written = m.day(m.period.end.day - 9 if m.rng.random() < 0.75 else 1)
    text, mention = m.clerk.name(payee)
    memo = m.rng.choice((f"付{text}货款（支票）", f"开支票付{text}款", f"支票{number[-4:]}付{text}"))
    x = m.mine(
        OUT, fen, memo, mention=mention, method="转账支票", number=number, book_first=True, tokens=frozenset((number,))
    )
    m.voucher(written, memo, [other(*PAYABLE, IN, fen, f"供应商---{payee.full}"), x])
    presented = written + timedelta(days=m.rng.randint(1, 6))
    b = m.bank(
        presented,
        OUT,
        fen,
        m.rng.choice((f"转账支票 {number}", f"支票 {number[-4:]}", "支票付款")),
        payee,
        tokens=frozenset((number,) if m.rng.random() < 0.7 else ()),
    )
    if number not in b.tokens:
        x.tokens = frozenset()
    m.event("cheque", [b], [x])


def deposit_in_transit(m: MonthBook) -> None:
    """A customer's cheque deposited at month end: booked on the day, credited by the bank 1-3 days later."""
    payer = m.customer()
    fen = m.amounts.fresh(IN, 1_000, 100_000)
    day = m.day(m.period.end.day - 4)
    text, mention = m.clerk.name(payer)
    memo = m.rng.choice((f"收{text}支票", f"收到{text}货款（支票进账）", f"{text}支票回款"))
    x = m.mine(IN, fen, memo, mention=mention, method="转账支票", book_first=True)
    m.voucher(day, memo, [x, other(*RECEIVABLE, OUT, fen, f"客户---{payer.full}")])
    b = m.bank(
        day + timedelta(days=m.rng.randint(1, 3)), IN, fen, m.rng.choice(("支票存入", "进账单", "票据入账")), payer
    )
    m.event("deposit-in-transit", [b], [x])


def carried(m: MonthBook) -> None:
    """One of last month's 未达账项 clearing now: a cheque presented, a deposit credited, a receipt or a fee the
    bank had and the books had not."""
    rng = m.rng
    last = m.period.start - timedelta(days=1)
    kind = rng.choice(("cheque", "deposit", "receipt", "fee"))
    then = last - timedelta(days=rng.randint(0, 4))
    if kind in ("cheque", "deposit"):
        party = m.supplier() if kind == "cheque" else m.customer()
        direction = OUT if kind == "cheque" else IN
        fen = m.amounts.fresh(direction, 500, 80_000)
        number = digits(rng, 8)
        memo = f"付{party.short}货款（支票）" if kind == "cheque" else f"收{party.short}支票"
        x = Posting(
            m.account_code,
            m.account_name,
            direction,
            fen,
            memo,
            method="转账支票",
            number=number,
            auxiliary=f"{'供应商' if kind == 'cheque' else '客户'}---{party.full}",
            mention=full(party),
            book_first=True,
            carried=True,
            day=then,
        )
        b = m.bank(m.day(1, 8), direction, fen, f"转账支票 {number}" if kind == "cheque" else "支票存入", party)
        m.event("carried", [b], [x], kind)
        return
    if kind == "receipt":
        party = m.customer()
        fen = m.amounts.fresh(IN, 500, 80_000)
        b = _carried_bank(m, then, IN, fen, "跨行汇入", party.full)
        b.mention = full(party)
        memo = m.clerk.receipt(party.short) + "（上月）"
        x = m.mine(IN, fen, memo, mention=full(party), late=True)
        m.voucher(m.book_day(m.day(1, 6)), memo, [x, other(*RECEIVABLE, OUT, fen, f"客户---{party.full}")])
        m.event("carried", [b], [x], kind)
        return
    lines = [
        _carried_bank(m, then - timedelta(days=i), OUT, rng.choice((550, 1000, 2000, 5000)), "手续费", "")
        for i in range(rng.randint(1, 3))
    ]
    for b in lines:
        b.topic, b.tokens = "fee", frozenset(("上月",))
    total = sum(b.fen for b in lines)
    memo = f"补记{last.month}月手续费"
    x = m.mine(OUT, total, memo, topic="fee", late=True, tokens=frozenset(("上月",)))
    m.voucher(m.book_day(m.day(1, 6)), memo, [other("660302", "财务费用-手续费", IN, total), x])
    m.event("carried", lines, [x], kind)


def _carried_bank(m: MonthBook, day: date, direction: str, fen: int, memo: str, party: str) -> BankEntry:
    return BankEntry(
        day, direction, fen, memo, party=party, ref=f"C{day:%Y%m%d}{m.rng.randint(0, 99999):05d}", carried=True
    )
