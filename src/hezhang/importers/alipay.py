"""Alipay (支付宝) bills: the personal bill (current and older layout, CSV or XLSX) and the merchant 账务明细.

Personal bill (GBK CSV with a preamble, cells padded with spaces, a trailing comma):
    交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注
Older layout: 交易号,商家订单号,交易创建时间,付款时间,最近修改时间,交易来源地,类型,交易对方,商品名称,金额（元）,
    收/支,交易状态,服务费（元）,成功退款（元）,备注,资金状态
Merchant 账务明细 (`#` preamble and footer; column order differs by bill type, so columns are found by name):
    账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注

Fields of a personal line: date and time from 交易时间 (older layout: 付款时间, else 交易创建时间); counterparty
from 交易对方 / 对方账号; memo = 商品说明 + 备注; bank_ref = 交易订单号 (交易号); instrument_no = 商家订单号;
settlement_method = 收/付款方式, the funding source (余额, 余额宝, a bank card, 花呗): it tells which lines touched
the Alipay balance, which is what an accountant filters on. 交易分类 (older: 类型) is not kept. A merchant line
takes bank_ref = 账务流水号 (the account's own serial), instrument_no = 商户订单号, settlement_method = 业务类型,
counterparty from 对方账号 ("陈晶 (a@b.com)" gives name and account), the balance from 账户余额（元）; its footer
(#收入合计 / #支出合计) must agree with the lines.

Which personal rows become lines, and their direction (each decision is reported as a notice):
1. 收/支 收入 is money in, 支出 money out (older layout without 收/支: 资金状态 已收入 / 已支出).
2. A row whose 交易状态 says no money moved is left out (`bill_layout.NO_MONEY_STATUS_WORDS`): failed (…失败),
   cancelled, never paid (等待买家付款, 交易创建), or closed (交易关闭): a closed trade keeps no money moved. A
   closed row without a payment method (收/付款方式; older layout:
   资金状态) or without a direction was never paid; one with both was paid and then refunded in full, and its
   refund is a row of its own (退款成功, 不计收支, whose 交易订单号 extends the closed row's, e.g.
   "2023…88_2023…57"). When that refund is in the file, it is left out with its closed row (the pair nets to
   zero). When it is not (it falls in another bill), the closed row is left out with a notice that its refund is
   no income.
3. Any other 不计收支 row is a refund (交易分类 退款, 商品说明 退款…, or 交易状态 退款成功: money in; a notice when its
   trade is not in the file, since the refund of a trade closed in an earlier bill is no income) or a transfer
   between the holder's own funds (余额宝, 理财, 还款, 提现), read as money out of the 收/付款方式 — the bill does
   not say which way such a transfer goes, so each one gets a notice to confirm.
These rules give exactly the lines, counts and totals of double-entry-generator's expected output for the
public sample (7 of 10 rows: the closed unpaid order and the refunded pair are left out).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hezhang.importers.bill_layout import Layout, Row, Totals, Verdict, moved_no_money, stated_count, stated_fen

_REFUNDED_PAIR: Verdict = (
    None,
    "已全额退款的交易与其退款合计为零，未计入",
    "a payment refunded in full and its refund net to zero; both left out",
)
_FAILED: Verdict = (None, "交易失败，未发生资金收付，未计入", "a failed transaction moved no money; left out")
_CLOSED_UNPAID: Verdict = (None, "交易关闭（未付款），未计入", "closed before payment, no money moved; left out")
_CLOSED_REFUNDED: Verdict = (
    None,
    "交易关闭（付款后已全额退款），其退款不在本文件中，未计入；其他账单中的该笔退款与之相抵，不是收入，请核实",
    "closed after payment and refunded in full, its refund not in this file; left out. Its refund, in another "
    "bill, only returns this payment and is no income; please check",
)
_UNPAID: Verdict = (None, "交易未完成（未付款、已取消或已撤销），未计入", "not paid, cancelled or revoked; left out")
_REFUND_ALONE = (
    "退款，其原交易不在本文件中，按收入计；如原交易在其他账单中为交易关闭（已全额退款），本笔不是收入，请核实",
    "a refund whose trade is not in this file, read as money in; if that trade shows as closed (refunded in full) "
    "in another bill, this refund is no income; please check",
)
_NEUTRAL: Verdict = (
    "out",
    "不计收支（自有资金之间的转移），按从收/付款方式转出计，请核实方向",
    "不计收支 (a transfer between own funds) read as money out of the payment method; please confirm",
)
_MERCHANT_TOTAL = r"{}合计\s*[:：]\s*(\d+)\s*笔\s*[,，]?\s*共\s*([-+¥￥\d,.]+)\s*元"


def _direction(row: Row) -> str | None:
    word = row.get("direction_word") or {"已收入": "收入", "已支出": "支出"}.get(row.get("fund_status") or "")
    return {"收入": "in", "支出": "out"}.get(word or "")


def _is_refund(row: Row) -> bool:
    return (
        row.get("category") == "退款" or (row.get("item") or "").startswith("退款") or row.get("status") == "退款成功"
    )


def _paid(row: Row) -> bool:
    """A payment method (收/付款方式) or a fund status (older layout: 资金状态) says money was paid."""
    return bool(row.get("settlement_method") or row.get("fund_status"))


def classify(rows: Sequence[Row]) -> list[Verdict]:
    """Direction and inclusion of each personal-bill row (rules in the module docstring)."""
    closed = {
        order: i
        for i, r in enumerate(rows)
        if r.get("status") == "交易关闭" and _direction(r) and (order := r.get("bank_ref"))
    }
    paired: set[int] = set()
    for j, r in enumerate(rows):
        order = r.get("bank_ref") or ""
        if _direction(r) is None and _is_refund(r):
            for original, i in closed.items():
                if order.startswith(original) and len(order) > len(original):
                    paired.update((i, j))
    orders = [r.get("bank_ref") or "" for r in rows]
    verdicts: list[Verdict] = []
    for i, r in enumerate(rows):
        direction, status = _direction(r), r.get("status") or ""
        if i in paired:
            verdicts.append(_REFUNDED_PAIR)
        elif "失败" in status:
            verdicts.append(_FAILED)
        elif status == "交易关闭":
            verdicts.append(_CLOSED_REFUNDED if direction and _paid(r) else _CLOSED_UNPAID)
        elif moved_no_money(status):
            verdicts.append(_UNPAID)
        elif direction is not None:
            verdicts.append((direction, "", ""))
        elif _is_refund(r):
            own = orders[i]
            alone = not any(own.startswith(o) and len(own) > len(o) for o in orders if o)
            verdicts.append(("in", *_REFUND_ALONE) if alone else ("in", "", ""))
        else:
            verdicts.append(_NEUTRAL)
    return verdicts


def merchant_footer(tail: list[list[str]]) -> Totals | None:
    """The counts and sums of "#收入合计：18笔，共14989.00元" and "#支出合计：…"."""
    text = "\n".join(" ".join(c for c in r if c) for r in tail)
    found = [re.search(_MERCHANT_TOTAL.format(what), text) for what in ("收入", "支出")]
    if not any(found):
        return None
    got: list[int | None] = []
    for m in found:
        got += [int(m.group(1)), stated_fen(m.group(2))] if m else [None, None]
    return got[0], got[1], got[2], got[3]


PERSONAL = Layout(
    name="alipay",
    provider="alipay",
    required=("交易时间", "交易对方", "收/支", "金额", "交易状态", "交易订单号"),
    columns={
        "time": ("交易时间",),
        "amount": ("金额", "金额(元)"),
        "direction_word": ("收/支",),
        "status": ("交易状态",),
        "category": ("交易分类",),
        "counterparty_name": ("交易对方",),
        "counterparty_account": ("对方账号",),
        "item": ("商品说明", "商品名称"),
        "note": ("备注",),
        "bank_ref": ("交易订单号",),
        "instrument_no": ("商家订单号",),
        "settlement_method": ("收/付款方式",),
    },
    classify=classify,
    stated_count=stated_count,
    account_labels=("支付宝账户", "支付宝账号"),
    name_labels=("姓名",),
)

PERSONAL_OLD = Layout(
    name="alipay",
    provider="alipay",
    required=("交易号", "交易创建时间", "金额(元)", "收/支", "交易状态"),
    columns={
        "time": ("付款时间", "交易创建时间"),
        "amount": ("金额(元)",),
        "direction_word": ("收/支",),
        "status": ("交易状态",),
        "fund_status": ("资金状态",),
        "counterparty_name": ("交易对方",),
        "item": ("商品名称",),
        "note": ("备注",),
        "bank_ref": ("交易号",),
        "instrument_no": ("商家订单号",),
        "settlement_method": ("类型",),
    },
    classify=classify,
    stated_count=stated_count,
    account_labels=("账号", "账户"),
)

MERCHANT = Layout(
    name="alipay-merchant",
    provider="alipay",
    required=("账务流水号",),
    columns={
        "time": ("发生时间", "入账时间"),
        "amount_in": ("收入金额(+元)", "收入金额(元)", "收入金额"),
        "amount_out": ("支出金额(-元)", "支出金额(元)", "支出金额"),
        "balance": ("账户余额(元)", "账户余额"),
        "counterparty": ("对方账号",),
        "item": ("商品名称",),
        "note": ("备注",),
        "bank_ref": ("账务流水号",),
        "instrument_no": ("商户订单号",),
        "settlement_method": ("业务类型",),
    },
    footer=merchant_footer,
    account_labels=("账号",),
)

LAYOUTS = {"alipay": (PERSONAL, PERSONAL_OLD), "alipay-merchant": (MERCHANT,)}
