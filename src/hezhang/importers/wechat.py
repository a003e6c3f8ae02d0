"""WeChat Pay (微信支付) bills: the personal bill (CSV or XLSX) and the merchant fund bill (资金账单).

Personal bill (a preamble: 微信昵称, 起始时间/终止时间, 共N笔记录; amounts written "¥28.16"):
    交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注
Merchant fund bill (every value behind a backtick when downloaded by the API; a footer of totals):
    记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号
    资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额

Fields of a personal line: date and time from 交易时间; counterparty_name = 交易对方; memo = 商品 + 备注 (a
withdrawal's 备注 holds its fee, "服务费¥1.00"; the amount is the whole sum that left 零钱); bank_ref = 交易单号;
instrument_no = 商户单号; settlement_method = 支付方式, the funding source (零钱, 零钱通, a bank card), which tells
the lines that touched the WeChat balance. 交易类型 is not kept. A merchant line takes bank_ref = 资金流水单号
(the account's own serial), instrument_no = 微信支付业务单号, settlement_method = 业务名称, memo = 业务类型 + 备注,
the balance from 账户结余(元); its footer must agree with the lines.

Direction and inclusion of personal rows (each decision is reported as a notice):
1. 收/支 收入 is money in, 支出 money out. Every status after a payment is kept (已全额退款: the payment happened,
   and its refund is a row of its own), except a status saying no money moved, as for Alipay
   (`bill_layout.NO_MONEY_STATUS_WORDS`): the payment failed (…失败), or was closed, cancelled or never paid.
2. A neutral row ("/", 中性交易, 不计收支) is a refund when its 交易类型 says 退款 (money in); otherwise a transfer
   between the holder's own funds (零钱充值, 零钱提现, 转入零钱通, 信用卡还款, 购买理财通), read as money out of the
   paying side — the bill does not say which way it goes, so each one gets a notice to confirm.
These rules give exactly the lines, counts and totals of double-entry-generator's expected output for the
public sample (all 27 rows).
"""

from __future__ import annotations

from collections.abc import Sequence

from hezhang.importers.bill_layout import Layout, Row, Totals, Verdict, moved_no_money, stated_count, stated_fen


def classify(rows: Sequence[Row]) -> list[Verdict]:
    """Direction and inclusion of each personal-bill row (rules in the module docstring)."""
    verdicts: list[Verdict] = []
    for r in rows:
        direction = {"收入": "in", "支出": "out"}.get(r.get("direction_word") or "")
        status = r.get("status") or ""
        if "失败" in status:
            verdicts.append((None, "支付失败，未发生资金收付，未计入", "a failed payment moved no money; left out"))
        elif moved_no_money(status):
            verdicts.append((None, f"{status}，未发生资金收付，未计入", f"{status}: no money moved; left out"))
        elif direction is not None:
            verdicts.append((direction, "", ""))
        elif "退款" in (r.get("category") or ""):
            verdicts.append(("in", "", ""))
        else:
            verdicts.append(
                (
                    "out",
                    "中性交易（自有资金之间的转移），按从付款一方转出计，请核实方向",
                    "a neutral row (a transfer between own funds) read as money out of the paying side; "
                    "please confirm the direction",
                )
            )
    return verdicts


def merchant_footer(tail: list[list[str]]) -> Totals | None:
    """The row under "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额"."""
    rows = [r for r in tail if any(r)]
    for k, row in enumerate(rows[:-1]):
        if row and row[0] == "资金流水总笔数":
            got = dict(zip(row, rows[k + 1], strict=False))
            return (
                _count(got, "收入笔数"),
                stated_fen(got.get("收入金额")),
                _count(got, "支出笔数"),
                stated_fen(got.get("支出金额")),
            )
    return None


def _count(cells: dict[str, str], name: str) -> int | None:
    text = cells.get(name, "")
    return int(text) if text.isdigit() else None


PERSONAL = Layout(
    name="wechat",
    provider="wechat",
    required=("交易时间", "交易类型", "交易对方", "收/支", "当前状态", "交易单号"),
    columns={
        "time": ("交易时间",),
        "amount": ("金额(元)", "金额"),
        "direction_word": ("收/支",),
        "status": ("当前状态",),
        "category": ("交易类型",),
        "counterparty_name": ("交易对方",),
        "item": ("商品",),
        "note": ("备注",),
        "bank_ref": ("交易单号",),
        "instrument_no": ("商户单号",),
        "settlement_method": ("支付方式",),
    },
    classify=classify,
    stated_count=stated_count,
    account_labels=("微信昵称",),
)

MERCHANT = Layout(
    name="wechat-merchant",
    provider="wechat",
    required=("记账时间", "资金流水单号", "收支类型"),
    columns={
        "time": ("记账时间",),
        "amount": ("收支金额(元)", "收支金额"),
        "direction_word": ("收支类型",),
        "balance": ("账户结余(元)", "账户结余"),
        "bank_ref": ("资金流水单号",),
        "instrument_no": ("微信支付业务单号",),
        "settlement_method": ("业务名称",),
        "item": ("业务类型",),
        "note": ("备注",),
    },
    footer=merchant_footer,
    account_labels=("商户号",),
)

LAYOUTS = {"wechat": (PERSONAL,), "wechat-merchant": (MERCHANT,)}
