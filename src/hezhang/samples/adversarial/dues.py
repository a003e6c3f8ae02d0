"""What a company pays or gets every month whatever its trade: taxes, social insurance, housing fund, salary,
utilities, rent, bank interest, and the bank's fees (booked one by one, per day, summed for the month, or not
at all)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from hezhang.samples.adversarial.book import IN, OUT, BankEntry, MonthBook, Posting, other
from hezhang.samples.adversarial.memos import INTEREST_MEMOS, SALARY_MEMOS, TAX_MEMOS
from hezhang.samples.adversarial.names import DISTRICTS, Party
from hezhang.samples.adversarial.trade import transfer

TAXES = {
    "增值税": ("222102", "应交税费-未交增值税"),
    "城市维护建设税": ("222108", "应交税费-应交城市维护建设税"),
    "教育费附加": ("222109", "应交税费-应交教育费附加"),
    "地方教育附加": ("222110", "应交税费-应交地方教育附加"),
    "个人所得税": ("222111", "应交税费-应交个人所得税"),
    "印花税": ("222112", "应交税费-应交印花税"),
}
SALARIES = ("2211", "应付职工薪酬")
FEES = ("660302", "财务费用-手续费")


def _body(m: MonthBook, key: str, name: str) -> Party:
    """A public body of the client's city (tax office, social insurance centre…), made once a month."""
    found = next((p for p in m.parties.known if p.core == key), None)
    return found or m.parties.fixed(name, key, m.client.city)


def previous_month(m: MonthBook) -> int:
    return (m.period.start - timedelta(days=1)).month


def taxes(m: MonthBook) -> None:
    """The month's taxes debited by the tax office, one bank line per tax; booked per tax or as one line."""
    rng = m.rng
    city = m.client.city
    treasury = _body(m, "国库", f"国家金库{city}市{rng.choice(DISTRICTS)}支库")
    vat = m.amounts.fresh(OUT, 200, 60_000, "cents")
    due = {"增值税": vat}
    if rng.random() < 0.85:
        due |= {"城市维护建设税": round(vat * 0.07), "教育费附加": round(vat * 0.03), "地方教育附加": round(vat * 0.02)}
    if rng.random() < 0.7:
        due["个人所得税"] = m.amounts.fresh(OUT, 20, 4_000, "cents")
    if rng.random() < 0.3:
        due["印花税"] = m.amounts.fresh(OUT, 5, 600, "cents")
    day = m.day(8, 18)
    word = rng.choice(TAX_MEMOS)
    banks = {}
    for tax, fen in due.items():
        m.amounts.take(OUT, fen)
        banks[tax] = m.bank(day, OUT, fen, f"{word} {tax}", treasury, topic="tax", tokens=frozenset((tax,)))
    month = previous_month(m)
    when = m.book_day(day)
    if rng.random() < 0.4 and len(due) > 1:
        memo = rng.choice((f"缴纳{month}月税费", f"缴{month}月各项税费", "缴纳税款"))
        x = m.mine(OUT, sum(due.values()), memo, topic="tax", tokens=frozenset(due))
        m.voucher(when, memo, [*(other(*TAXES[t], IN, fen) for t, fen in due.items()), x])
        m.event("tax", list(banks.values()), [x], "combined")
        return
    lines: list[Posting] = []
    for tax, fen in due.items():
        memo = rng.choice((f"缴纳{month}月{tax}", f"缴{tax}", f"{tax}"))
        x = m.mine(OUT, fen, memo, topic="tax", tokens=frozenset((tax,)))
        lines += [other(*TAXES[tax], IN, fen, memo=memo), x]
        m.event("tax", [banks[tax]], [x], "per-tax")
    m.voucher(when, f"缴纳{month}月税费", lines)


def social_insurance(m: MonthBook) -> None:
    """Social insurance debited in one line (sometimes pension and medical apart), booked as one line."""
    rng = m.rng
    centre = _body(m, "社保", f"{m.client.city}市社会保险事业管理中心")
    unit = m.amounts.fresh(OUT, 800, 40_000, "cents")
    own = round(unit * rng.uniform(0.35, 0.45))
    day = m.day(10, 25)
    memo = rng.choice((f"缴纳{m.period.start.month}月社保", "社保费", f"交{m.period.start.month}月社会保险"))
    x = m.mine(OUT, unit + own, memo, topic="social")
    m.voucher(
        m.book_day(day),
        memo,
        [other("221102", "应付职工薪酬-社会保险费", IN, unit), other("224101", "其他应付款-个人社保", IN, own), x],
    )
    if rng.random() < 0.25:
        pension = m.amounts.take(OUT, round((unit + own) * rng.uniform(0.55, 0.7)))
        rest = m.amounts.take(OUT, unit + own - pension)
        b1 = m.bank(day, OUT, pension, "社保费 养老保险", centre, topic="social")
        b2 = m.bank(day, OUT, rest, "社保费 医疗保险", centre, topic="social", after=b1)
        m.event("social-insurance", [b1, b2], [x], "split")
        return
    m.amounts.take(OUT, unit + own)
    m.event(
        "social-insurance",
        [m.bank(day, OUT, unit + own, rng.choice(("社保费", "社会保险费", "批量代扣 社保")), centre, topic="social")],
        [x],
    )


def housing_fund(m: MonthBook) -> None:
    centre = _body(m, "公积金", f"{m.client.city}住房公积金管理中心")
    fen = m.amounts.fresh(OUT, 500, 20_000, "yuan")
    transfer(
        m,
        "social-insurance",
        centre,
        OUT,
        fen,
        m.day(5, 20),
        what="公积金",
        contra=("221103", "应付职工薪酬-住房公积金"),
        topic="fund",
        naming="none",
        aux=False,
        memo=f"缴纳{m.period.start.month}月公积金",
        bank_text="公积金汇缴",
        variant="fund",
    )


def salary(m: MonthBook) -> None:
    """The month's pay in one 代发 batch, booked as one line."""
    fen = m.amounts.fresh(OUT, 3_000, 400_000, "cents")
    day = m.day(5, 15)
    b = m.bank(day, OUT, fen, m.rng.choice(SALARY_MEMOS), None, topic="salary", name=m.client.full)
    memo = m.rng.choice((f"发放{previous_month(m)}月工资", f"代发{previous_month(m)}月工资", "发工资"))
    x = m.mine(OUT, fen, memo, topic="salary")
    m.voucher(m.book_day(day), memo, [other(*SALARIES, IN, fen), x])
    m.event("salary", [b], [x])


UTILITIES = (
    ("电费", "国网{city}供电公司", "电力"),
    ("水费", "{city}水务集团有限公司", "水务"),
    ("话费", "中国电信股份有限公司{city}分公司", "电信"),
    ("燃气费", "{city}燃气有限公司", "燃气"),
)


def utility(m: MonthBook) -> None:
    what, name, key = m.rng.choice(UTILITIES)
    body = _body(m, key, name.format(city=m.client.city))
    fen = m.amounts.fresh(OUT, 40, 6_000, "cents")
    memo = m.rng.choice((f"支付{m.period.start.month}月{what}", f"付{what}", f"{what}"))
    transfer(
        m,
        "utility",
        body,
        OUT,
        fen,
        m.day(),
        contra=("660202", "管理费用-水电费"),
        topic="utility",
        memo=memo,
        bank_text=m.rng.choice((f"{what} 户号{m.rng.randint(10**9, 10**10 - 1)}", f"代扣{what}", what)),
        naming="none",
        aux=False,
    )
    m.events[-1].banks[0].tokens |= {what}
    m.events[-1].books[0].tokens |= {what}


def rent(m: MonthBook) -> None:
    landlord = m.parties.person() if m.rng.random() < 0.4 else m.parties.company()
    fen = m.amounts.fresh(OUT, 1_500, 40_000, "round")
    what = m.rng.choice((f"{m.period.start.month}月房租", "房租", "租金", "物业费"))
    transfer(m, "rent", landlord, OUT, fen, m.day(1, 12), what=what, contra=("660203", "管理费用-房租"), topic="rent")


def interest(m: MonthBook) -> None:
    """结息 on the 21st of a quarter's last month (some banks monthly): booked, or left for next month."""
    if m.period.start.month % 3 and m.rng.random() > 0.2:
        return
    fen = m.amounts.fresh(IN, 2, 900, "cents")
    day = m.period.start.replace(day=min(21, m.period.end.day))
    b = m.bank(
        day,
        IN,
        fen,
        m.rng.choice(INTEREST_MEMOS),
        None,
        topic="interest",
        name=m.rng.choice(("", f"{m.bank_short}", "利息")),
    )
    if m.rng.random() < 0.4:
        m.event("interest", [b], [])
        return
    memo = m.rng.choice(("收到银行存款利息", "结息", "利息收入", f"{m.bank_short}结息"))
    x = m.mine(IN, fen, memo, topic="interest")
    m.voucher(m.book_day(day), memo, [x, other("660301", "财务费用-利息收入", OUT, fen)])
    m.event("interest", [b], [x])


def monthly_fees(m: MonthBook) -> None:
    """Account fees the bank takes whatever the client did: 账户管理费, 短信服务费, 网银年费."""
    for memo, fen in (("账户管理费", 5000), ("短信服务费", 1000), ("电子银行服务费", 3000), ("U盾工本费", 4000)):
        if m.rng.random() < 0.35:
            m.fees.append(m.bank(m.day(20), OUT, fen, memo, topic="fee", name=m.rng.choice(("", m.bank_short))))


def settle_fees(m: MonthBook) -> None:
    """Book the month's fee lines as the month's fee style says."""
    fees = sorted(m.fees, key=lambda b: (b.day, b.clock))
    m.fees = []
    style = m.fee_style
    if not fees:
        return
    if style == "unbooked":
        for b in fees:
            m.event("bank-fee", [b], [], "unbooked")
        return
    if style == "summed":
        total = sum(b.fen for b in fees)
        memo = m.rng.choice((f"支付{m.period.start.month}月银行手续费", "本月手续费", "银行手续费"))
        x = m.mine(OUT, total, memo, topic="fee")
        m.voucher(m.period.end, memo, [other(*FEES, IN, total), x])
        m.event("mixed-direction-groups" if len(fees) > 1 else "bank-fee", fees, [x], "fees-summed")
        return
    if style == "daily":
        by_day: dict[date, list[BankEntry]] = defaultdict(list)
        for b in fees:
            by_day[b.day].append(b)
        for lines in by_day.values():
            token = f"{lines[0].day:%m%d}"
            total = sum(b.fen for b in lines)
            memo = f"{lines[0].day.month}月{lines[0].day.day}日手续费"
            x = m.mine(OUT, total, memo, topic="fee", tokens=frozenset((token,)))
            for b in lines:
                b.tokens |= {token}
            m.voucher(m.book_day(lines[-1].day), memo, [other(*FEES, IN, total), x])
            m.event("bank-fee", lines, [x], "daily")
        return
    for b in fees:
        memo = m.rng.choice(("手续费", "支付手续费", "银行手续费", "汇划费", b.memo))
        x = m.mine(OUT, b.fen, memo, topic="fee")
        m.voucher(m.book_day(b.day), memo, [other(*FEES, IN, b.fen), x])
        m.event("bank-fee", [b], [x], "each")
