"""A generator of realistic bank statement lines for one client account over a period.

Receipts from customers, supplier payments, payroll, taxes per tax type, bank fees and interest,
with a running balance. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from hezhang.domain.lines import BankLine, Direction
from hezhang.domain.money import Money
from hezhang.samples.names import BANKS, account_number, company, person

_TAXES = ("增值税", "城市维护建设税", "教育费附加", "地方教育附加", "企业所得税", "个人所得税", "印花税")


def generate_bank_lines(
    count: int,
    *,
    seed: int = 0,
    start: date = date(2026, 10, 1),
    days: int = 31,
    opening_fen: int = 50_000_000,
    currency: str = "CNY",
) -> list[BankLine]:
    """`count` lines in date order with a consistent running balance, starting from `opening_fen`."""
    rng = random.Random(seed)
    dates = sorted(start + timedelta(days=rng.randrange(days)) for _ in range(count))
    balance = opening_fen
    lines: list[BankLine] = []
    for i, day in enumerate(dates, start=1):
        kind = rng.random()
        ref = f"{day:%Y%m%d}{rng.randrange(10**8):08d}"
        if kind < 0.40:
            who = company(rng.randrange(500))
            fen, direction = rng.randrange(1_000, 50_000_000), Direction.IN
            memo, method = (
                rng.choice(("货款", "服务费", f"发票{rng.randrange(10**7, 10**8)}货款", "预付款")),
                "网银转账",
            )
        elif kind < 0.75:
            who = company(rng.randrange(500, 1000))
            fen, direction = rng.randrange(1_000, 20_000_000), Direction.OUT
            memo, method = rng.choice(("采购款", "运费", "租金", "设备款")), rng.choice(("网银转账", "支票", "汇兑"))
        elif kind < 0.85:
            who = person(rng.randrange(1000))
            fen, direction = rng.randrange(300_000, 3_000_000), Direction.OUT
            memo, method = "代发工资", "代发"
        elif kind < 0.93:
            who = "国家金库" + rng.choice(("上海市", "深圳市", "杭州市")) + "分库"
            fen, direction = rng.randrange(10_000, 5_000_000), Direction.OUT
            memo, method = f"{rng.choice(_TAXES)} 税费扣缴", "批量扣税"
        elif kind < 0.98:
            who = None
            fen, direction = rng.choice((500, 1000, 1500, 2000, 2500)), Direction.OUT
            memo, method = rng.choice(("跨行汇款手续费", "账户管理费", "短信服务费")), "收费"
        else:
            who = None
            fen, direction = rng.randrange(100, 50_000), Direction.IN
            memo, method = "结息", "利息"
        balance += direction.sign * fen
        lines.append(
            BankLine(
                row=i,
                date=day,
                time=time(rng.randrange(8, 18), rng.randrange(60), rng.randrange(60)),
                direction=direction,
                amount=Money(fen, currency),
                balance=Money(balance, currency),
                counterparty_name=who,
                counterparty_account=account_number(rng.randrange(10**6)) if who else None,
                counterparty_bank=rng.choice(BANKS) if who else None,
                memo=memo,
                bank_ref=ref,
                instrument_no=f"{rng.randrange(10**8):08d}" if method == "支票" else None,
                settlement_method=method,
            )
        )
    return lines
