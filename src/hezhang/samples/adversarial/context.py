"""Vouchers that do not touch the bank: sales and purchases on account (their 核算项目 name the customers and
suppliers the client knows), accruals, depreciation, cost. They make the journal a real 序时账 and give a reader
the full names behind the cores memos use."""

from __future__ import annotations

from hezhang.samples.adversarial.book import IN, OUT, MonthBook, other
from hezhang.samples.adversarial.trade import PAYABLE, RECEIVABLE


def context_vouchers(m: MonthBook, count: int) -> None:
    rng = m.rng
    for party in m.customers:
        if rng.random() < 0.6:
            net = m.amounts.draw(500, 200_000)
            tax = round(net * 0.13)
            memo = rng.choice((f"销售给{party.short}商品", f"确认{party.short}收入", "销售收入"))
            m.voucher(
                m.day(),
                memo,
                [
                    other(*RECEIVABLE, IN, net + tax, f"客户---{party.full}"),
                    other("6001", "主营业务收入", OUT, net),
                    other("22210102", "应交税费-应交增值税-销项税额", OUT, tax),
                ],
            )
    for party in m.suppliers:
        if rng.random() < 0.5:
            net = m.amounts.draw(500, 150_000)
            tax = round(net * 0.13)
            memo = rng.choice((f"向{party.short}采购", f"购{party.short}材料", "采购入库"))
            m.voucher(
                m.day(),
                memo,
                [
                    other("1405", "库存商品", IN, net),
                    other("22210101", "应交税费-应交增值税-进项税额", IN, tax),
                    other(*PAYABLE, OUT, net + tax, f"供应商---{party.full}"),
                ],
            )
    end = m.period.end
    routine = (
        ("计提本月工资", "660211", "管理费用-工资", "2211", "应付职工薪酬"),
        ("计提折旧", "660208", "管理费用-折旧费", "1602", "累计折旧"),
        ("结转销售成本", "6401", "主营业务成本", "1405", "库存商品"),
        ("计提附加税", "6403", "税金及附加", "222108", "应交税费-应交城市维护建设税"),
        ("摊销房租", "660203", "管理费用-房租", "1801", "长期待摊费用"),
    )
    for memo, dr_code, dr_name, cr_code, cr_name in routine[: max(1, min(len(routine), count))]:
        fen = m.amounts.draw(300, 120_000)
        m.voucher(end, memo, [other(dr_code, dr_name, IN, fen), other(cr_code, cr_name, OUT, fen)])
    for _ in range(max(0, count - len(routine))):
        fen = m.amounts.draw(20, 3_000)
        memo = rng.choice(("报销办公用品（现金）", "现金支付快递费", "现金付停车费", "备用金报销"))
        m.voucher(m.day(), memo, [other("660201", "管理费用-办公费", IN, fen), other("1001", "库存现金", OUT, fen)])
