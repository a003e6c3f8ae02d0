"""Writers of Alipay and WeChat Pay bills (personal and merchant, CSV or XLSX) in the shape the real exports have.

`render_alipay` and `render_wechat` turn bank lines into the bytes of a bill, preamble and footer included,
for round-trip tests (parse(render(lines)) == lines) and the demo; `generate_bill_lines` makes such lines.
What a layout cannot hold is not written: personal bills have no balance, WeChat bills no counterparty
account (the merchant fund bill no counterparty at all), and no bill has `account`, `value_date` or
`counterparty_bank`. Lines go out as plain income and expense (收入/支出, 交易成功).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from datetime import date, time, timedelta
from typing import Literal

from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]

from hezhang.domain.lines import BankLine, Direction
from hezhang.domain.money import Money, format_fen
from hezhang.samples.names import company, person

FileFormat = Literal["csv", "xlsx"]
Rows = list[Sequence[object]]


def _names(*parts: str) -> tuple[str, ...]:
    """Header names as the export writes them, comma-separated."""
    return tuple(",".join(parts).split(","))


ALIPAY_HEADER = _names(
    "交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式", "交易状态,交易订单号,商家订单号,备注"
)
ALIPAY_MERCHANT_HEADER = _names(
    "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号",
    "收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注",
)
WECHAT_HEADER = _names("交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式", "当前状态,交易单号,商户单号,备注")
WECHAT_MERCHANT_HEADER = _names(
    "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型",
    "收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号",
)
_ALIPAY_NOTES = (
    "1.本回单内容可表明支付宝受理了相关支付申请，因系统原因或通讯故障等偶发因素导致本回单与实际交易结果不符时，"
    "以实际交易情况为准；",
    "2.请勿将本回单作为收款方发货的凭据使用，请查证账户实际到账情况后再进行发货操作；",
    "3.本明细仅供个人对账使用。",
)
_WECHAT_NOTES = ("1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易", "2. 本明细仅供个人对账使用")


def render_alipay(
    lines: Sequence[BankLine], *, merchant: bool = False, file_format: FileFormat = "csv", encoding: str = "gbk",
    account: str = "demo@example.com", holder: str = "张*", columns: Sequence[str] | None = None,
) -> bytes:  # fmt: skip
    """An Alipay personal bill (GBK CSV, padded cells and trailing commas, as exported) or, with `merchant`,
    a merchant 账务明细 with its columns in `columns` order (any permutation of `ALIPAY_MERCHANT_HEADER`)."""
    if merchant:
        return _encode(_alipay_merchant(lines, account, columns), file_format, encoding)
    return _encode(_alipay_personal(lines, account, holder, numbers=file_format == "xlsx"), file_format, encoding)


def render_wechat(
    lines: Sequence[BankLine], *, merchant: bool = False, file_format: FileFormat = "csv", encoding: str = "utf-8",
    nickname: str = "演示", columns: Sequence[str] | None = None,
) -> bytes:  # fmt: skip
    """A WeChat Pay personal bill (preamble, "¥" amounts) or, with `merchant`, a fund bill as the API gives it
    (a backtick before every value, a totals footer), its columns in `columns` order."""
    if merchant:
        return _encode(_wechat_merchant(lines, columns), file_format, encoding)
    yen = "¥" if file_format == "xlsx" or _encodable("¥", encoding) else "￥"
    return _encode(_wechat_personal(lines, nickname, yen), file_format, encoding)


def _alipay_personal(lines: Sequence[BankLine], account: str, holder: str, *, numbers: bool) -> Rows:
    start, end = _span(lines)
    (n_in, s_in), (n_out, s_out) = _sums(lines, Direction.IN), _sums(lines, Direction.OUT)
    head = ["-" * 84, "导出信息：", f"姓名：{holder}", f"支付宝账户：{account}",
            f"起始时间：[{start} 00:00:00]    终止时间：[{end} 23:59:59]", "导出交易类型：[全部]",
            f"导出时间：[{end} 23:59:59]", f"共{len(lines)}笔记录", f"收入：{n_in}笔 {s_in}元",
            f"支出：{n_out}笔 {s_out}元", "不计收支：0笔 0.00元", "", "特别提示：", *_ALIPAY_NOTES, "",
            "------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------"]  # fmt: skip
    rows: Rows = [[h] if h else [] for h in head]
    rows.append([*(f"{h:<20}" for h in ALIPAY_HEADER), ""])
    for x in lines:
        amount = x.amount.fen / 100 if numbers else format_fen(x.amount.fen)
        word = "收入" if x.direction is Direction.IN else "支出"
        rows.append([f"{_stamp(x):<20}", "日用百货", f"{x.counterparty_name or '':<20}", x.counterparty_account or "/",
                     f"{x.memo or '':<20}", f"{word:<20}", amount, f"{x.settlement_method or '':<20}", "交易成功",
                     f"{x.bank_ref or ''}\t", f"{x.instrument_no or ''}\t", "", ""])  # fmt: skip
    return rows


def _alipay_merchant(lines: Sequence[BankLine], account: str, columns: Sequence[str] | None) -> Rows:
    start, end = _span(lines)
    after = end + timedelta(days=1)
    rows: Rows = [["#支付宝账务明细查询"], [f"#账号：[{account}]"],
                  [f"#起始日期：[{start:%Y年%m月%d日} 00:00:00]   终止日期：[{after:%Y年%m月%d日} 00:00:00]"],
                  ["#" + "-" * 41 + "账务明细列表" + "-" * 40], list(columns or ALIPAY_MERCHANT_HEADER)]  # fmt: skip
    for x in lines:
        who = f"{x.counterparty_name} ({x.counterparty_account or ''})" if x.counterparty_name else None
        fen = format_fen(x.amount.fen)
        amounts = (f"+{fen}", "0.00") if x.direction is Direction.IN else ("0.00", f"-{fen}")
        party = who or x.counterparty_account or ""
        row = (f"{x.bank_ref or ''}\t", f"{x.bank_ref or ''}\t", f"{x.instrument_no or ''}\t", x.memo or "", _stamp(x),
               f"{party}\t", *amounts, _balance(x), "支付宝", x.settlement_method or "", "")  # fmt: skip
        rows.append(_order(ALIPAY_MERCHANT_HEADER, columns, row))
    (n_in, s_in), (n_out, s_out) = _sums(lines, Direction.IN), _sums(lines, Direction.OUT)
    return [*rows, ["#" + "-" * 40 + "账务明细列表结束" + "-" * 37], [f"#支出合计：{n_out}笔，共-{s_out}元"],
            [f"#收入合计：{n_in}笔，共{s_in}元"], [f"#导出时间：[{after:%Y年%m月%d日} 09:00:00]"]]  # fmt: skip


def _wechat_personal(lines: Sequence[BankLine], nickname: str, yen: str) -> Rows:
    start, end = _span(lines)
    (n_in, s_in), (n_out, s_out) = _sums(lines, Direction.IN), _sums(lines, Direction.OUT)
    head = ["微信支付账单明细", f"微信昵称：[{nickname}]", f"起始时间：[{start} 00:00:00] 终止时间：[{end} 23:59:59]",
            "导出类型：[全部]", f"导出时间：[{end} 23:59:59]", "", f"共{len(lines)}笔记录", f"收入：{n_in}笔 {s_in}元",
            f"支出：{n_out}笔 {s_out}元", "中性交易：0笔 0.00元", "注：", *_WECHAT_NOTES, "",
            "----------------------微信支付账单明细列表--------------------"]  # fmt: skip
    rows: Rows = [[h] + [""] * (len(WECHAT_HEADER) - 1) for h in head]
    rows.append(list(WECHAT_HEADER))
    for x in lines:
        incoming = x.direction is Direction.IN
        rows.append([_stamp(x), "二维码收款" if incoming else "商户消费", x.counterparty_name or "/", x.memo or "/",
                     "收入" if incoming else "支出", f"{yen}{format_fen(x.amount.fen)}", x.settlement_method or "/",
                     "已收钱" if incoming else "支付成功", f"{x.bank_ref or '/'}\t", f"{x.instrument_no or '/'}\t",
                     "/"])  # fmt: skip
    return rows


def _wechat_merchant(lines: Sequence[BankLine], columns: Sequence[str] | None) -> Rows:
    rows: Rows = [list(columns or WECHAT_MERCHANT_HEADER)]
    for x in lines:
        word = "收入" if x.direction is Direction.IN else "支出"
        row = (_stamp(x), x.instrument_no or "", x.bank_ref or "", x.settlement_method or "", x.memo or "", word,
               format_fen(x.amount.fen), _balance(x), "system", "", "")  # fmt: skip
        rows.append([f"`{c}" for c in _order(WECHAT_MERCHANT_HEADER, columns, row)])
    (n_in, s_in), (n_out, s_out) = _sums(lines, Direction.IN), _sums(lines, Direction.OUT)
    return [*rows, ["资金流水总笔数", "收入笔数", "收入金额", "支出笔数", "支出金额"],
            [f"`{len(lines)}", f"`{n_in}", f"`{s_in}", f"`{n_out}", f"`{s_out}"]]  # fmt: skip


def _stamp(line: BankLine) -> str:
    return f"{line.date:%Y-%m-%d}" + (f" {line.time:%H:%M:%S}" if line.time is not None else "")


def _balance(line: BankLine) -> str:
    return format_fen(line.balance.fen) if line.balance is not None else ""


def _span(lines: Sequence[BankLine]) -> tuple[date, date]:
    days = [x.date for x in lines] or [date(2026, 10, 1)]
    return min(days), max(days)


def _sums(lines: Sequence[BankLine], direction: Direction) -> tuple[int, str]:
    picked = [x.amount.fen for x in lines if x.direction is direction]
    return len(picked), format_fen(sum(picked))


def _order(header: Sequence[str], columns: Sequence[str] | None, row: Sequence[object]) -> list[object]:
    by_name = dict(zip(header, row, strict=True))
    return [by_name[c] for c in (columns or header)]


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _encode(rows: Rows, file_format: FileFormat, encoding: str) -> bytes:
    if file_format == "xlsx":
        book = Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(list(row))
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n" if encoding.lower().startswith("gb") else "\n").writerows(rows)
    return text.getvalue().encode(encoding)


def generate_bill_lines(
    count: int, *, seed: int = 0, start: date = date(2026, 10, 1), days: int = 31, merchant: bool = False,
    opening_fen: int = 1_000_000,
) -> list[BankLine]:  # fmt: skip
    """`count` lines of a small shop's payment account in time order (merchant lines carry a running balance)."""
    rng = random.Random(seed)
    days_times = [(start + timedelta(days=rng.randrange(days)), time(rng.randrange(24), rng.randrange(60),
                   rng.randrange(60))) for _ in range(count)]  # fmt: skip
    methods = ("在线支付", "转账") if merchant else ("余额", "花呗", "招商银行(1234)")
    balance, lines = opening_fen, []
    for i, (day, at) in enumerate(sorted(days_times), start=1):
        incoming = rng.random() < 0.6
        fen = rng.randrange(100, 500_000) if incoming else rng.randrange(100, min(300_000, max(balance, 101)))
        balance += fen if incoming else -fen
        lines.append(BankLine(
            row=i, date=day, time=at, direction=Direction.IN if incoming else Direction.OUT, amount=Money(fen, "CNY"),
            balance=Money(balance, "CNY") if merchant else None,
            counterparty_name=person(rng.randrange(1000)) if incoming else company(rng.randrange(1000)),
            counterparty_account=f"{rng.randrange(130, 190)}****{rng.randrange(10_000):04d}",
            memo=rng.choice(("货款", "服务费", "商品订单", "退货退款", "运费")),
            bank_ref=f"{day:%Y%m%d}2200{rng.randrange(10**14):014d}", instrument_no=f"T{rng.randrange(10**12):012d}",
            settlement_method=rng.choice(methods),
        ))  # fmt: skip
    return lines
