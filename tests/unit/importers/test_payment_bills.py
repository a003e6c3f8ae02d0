"""Alipay and WeChat Pay bills: round trips through the writers, the rules for rows that are neither income nor
expense, the files' own totals, and damaged input that must never raise nor invent lines."""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hezhang.domain.lines import BankLine, Direction
from hezhang.domain.money import Money
from hezhang.domain.period import Period
from hezhang.importers import parse_bank, payment_bills
from hezhang.importers.cells import is_empty
from hezhang.samples.payment_bills import (
    ALIPAY_MERCHANT_HEADER,
    WECHAT_MERCHANT_HEADER,
    generate_bill_lines,
    render_alipay,
    render_wechat,
)

FORMAT = {f.name: f for f in payment_bills.FORMATS}
_CHARS = (
    "张王李赵陈刘杨黄周吴伟芳娜敏静磊商贸科技有限公司货款服务费订单退还零钱余额花呗银行卡abcXYZ0123456789 .,:_&'\"@*"
)
_TEXT = (
    st.text(alphabet=_CHARS, min_size=1, max_size=16)
    .map(str.strip)
    .filter(lambda s: bool(s) and not is_empty(s) and not s.startswith("`"))
)
_MAYBE = st.one_of(st.none(), _TEXT)
_STAMPS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@st.composite
def bill_lines(draw: st.DrawFn, *, merchant: bool) -> list[BankLine]:
    """Lines a bill can hold, in time order; merchant lines carry a running balance."""
    stamps = sorted(draw(st.lists(_STAMPS, max_size=12)))
    balance, lines = draw(st.integers(0, 10**9)), []
    for i, stamp in enumerate(stamps, start=1):
        direction = draw(st.sampled_from(Direction))
        fen = draw(st.integers(1, 10**10))
        balance += direction.sign * fen
        name, account = draw(_MAYBE), draw(_MAYBE)  # no parentheses: "name (account)" is one merchant cell
        lines.append(
            BankLine(
                row=i,
                date=stamp.date(),
                time=stamp.time(),
                direction=direction,
                amount=Money(fen, "CNY"),
                balance=Money(balance, "CNY") if merchant else None,
                counterparty_name=name,
                counterparty_account=account,
                memo=draw(_MAYBE),
                bank_ref=draw(_MAYBE),
                instrument_no=draw(_MAYBE),
                settlement_method=draw(_MAYBE),
            )
        )
    return lines


def _held(line: BankLine, provider: str, merchant: bool) -> BankLine:
    """What of a line the bill layout holds."""
    if provider == "wechat" and merchant:
        return replace(line, counterparty_name=None, counterparty_account=None)
    if provider == "wechat":
        return replace(line, counterparty_account=None)
    return line


CASES = [
    (provider, merchant, file_format, encoding)
    for provider in ("alipay", "wechat")
    for merchant in (False, True)
    for file_format, encoding in (("csv", "gbk"), ("csv", "utf-8"), ("xlsx", "utf-8"))
]


@pytest.mark.parametrize(("provider", "merchant", "file_format", "encoding"), CASES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(provider: str, merchant: bool, file_format: str, encoding: str, data: st.DataObject) -> None:
    lines = data.draw(bill_lines(merchant=merchant))
    header = ALIPAY_MERCHANT_HEADER if provider == "alipay" else WECHAT_MERCHANT_HEADER
    columns = data.draw(st.permutations(header)) if merchant else None
    render = render_alipay if provider == "alipay" else render_wechat
    raw = render(lines, merchant=merchant, file_format=file_format, encoding=encoding, columns=columns)  # type: ignore[arg-type]
    result = parse_bank(raw, f"bill.{file_format}")
    assert result.meta.format == provider + ("-merchant" if merchant else "")
    assert result.ok, [str(p) for p in result.problems]
    assert list(result.bank_lines()) == [_held(x, provider, merchant) for x in lines]
    if lines:
        assert result.meta.period == Period(lines[0].date, lines[-1].date)
    assert result.meta.currency == "CNY"


def test_personal_bill_meta() -> None:
    lines = generate_bill_lines(20, seed=3)
    alipay = parse_bank(render_alipay(lines, account="shop@example.com", holder="王*"), "alipay.csv")
    assert (alipay.meta.bank, alipay.meta.account, alipay.meta.account_name) == ("alipay", "shop@example.com", "王*")
    assert alipay.meta.encoding == "gb18030"
    wechat = parse_bank(render_wechat(lines, nickname="小店", file_format="xlsx"), "wechat.xlsx")
    assert (wechat.meta.bank, wechat.meta.account) == ("wechat", "小店")
    assert not alipay.notices and not wechat.notices


def _alipay_bill(
    rows: list[list[str]], *, header: tuple[str, ...] | None = None, preamble: tuple[str, ...] = ()
) -> bytes:
    """A personal Alipay bill around hand-picked rows (the writer only writes plain income and expense)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([[p] for p in preamble])
    writer.writerow(
        header
        or (
            "交易时间",
            "交易分类",
            "交易对方",
            "对方账号",
            "商品说明",
            "收/支",
            "金额",
            "收/付款方式",
            "交易状态",
            "交易订单号",
            "商家订单号",
            "备注",
        )
    )
    writer.writerows(rows)
    return out.getvalue().encode("gbk")


def _row(
    when: str,
    word: str,
    fen: str,
    status: str,
    order: str,
    *,
    category: str = "日用百货",
    item: str = "商品",
    method: str = "余额",
) -> list[str]:
    return [when, category, "商家", "/", item, word, fen, method, status, order, "", ""]


def test_alipay_neutral_rows_closed_failed_and_refunds() -> None:
    raw = _alipay_bill(
        [
            _row("2026-10-01 10:00:00", "支出", "50.00", "交易关闭", "A1"),
            _row("2026-10-01 10:05:00", "不计收支", "50.00", "退款成功", "A1_R1", category="退款", item="退款-商品"),
            _row("2026-10-02 10:00:00", "支出", "30.00", "交易关闭", "B1"),
            _row("2026-10-03 10:00:00", "不计收支", "9.00", "交易关闭", "C1", method=""),
            _row("2026-10-04 10:00:00", "支出", "7.00", "支付失败", "D1"),
            _row("2026-10-05 10:00:00", "不计收支", "5.00", "退款成功", "E1_R1", category="退款", item="退款-别的"),
            _row(
                "2026-10-06 10:00:00", "不计收支", "100.00", "交易成功", "F1", category="投资理财", item="余额宝-转入"
            ),
            _row("2026-10-07 10:00:00", "收入", "8.00", "交易成功", "G1"),
            _row("2026-10-08 10:00:00", "收入", "150.00", "交易关闭", "H1", method=""),  # a sale never paid
            _row("2026-10-09 10:00:00", "支出", "20.00", "等待确认收货", "I1"),  # paid, held until delivery
            _row("2026-10-10 10:00:00", "支出", "12.00", "等待买家付款", "J1", method=""),
        ]
    )
    result = parse_bank(raw, "alipay.csv")
    assert result.ok
    got = [(x.bank_ref, x.direction.value, x.amount.fen) for x in result.bank_lines()]
    assert got == [("E1_R1", "in", 500), ("F1", "out", 10000), ("G1", "in", 800), ("I1", "out", 2000)]
    notes = " ".join(n.message_zh for n in result.notices)
    assert "第 2、3 行：已全额退款" in notes  # the pair A1 / A1_R1
    assert "第 4 行：交易关闭（付款后已全额退款），其退款不在本文件中，未计入" in notes
    assert "第 5、10 行：交易关闭（未付款）" in notes and "第 6 行：交易失败" in notes
    assert "第 7 行：退款，其原交易不在本文件中" in notes
    assert "第 8 行：不计收支" in notes
    assert "第 12 行：交易未完成" in notes


def test_alipay_older_layout() -> None:
    header = (
        "交易号",
        "商家订单号",
        "交易创建时间",
        "付款时间",
        "最近修改时间",
        "交易来源地",
        "类型",
        "交易对方",
        "商品名称",
        "金额（元）",
        "收/支",
        "交易状态",
        "服务费（元）",
        "成功退款（元）",
        "备注",
        "资金状态",
        "",
    )
    rows = [
        [
            "T1\t",
            "M1\t",
            "2019-01-02 09:00:00",
            "2019-01-02 09:01:00",
            "",
            "其他",
            "即时到账交易",
            "张三",
            "午饭",
            "12.50",
            "支出",
            "交易成功",
            "0.00",
            "0.00",
            "",
            "已支出",
            "",
        ],
        [
            "T2\t",
            "",
            "2019-01-03 09:00:00",
            "",
            "",
            "其他",
            "即时到账交易",
            "李四",
            "转账",
            "3.00",
            "",
            "交易成功",
            "0.00",
            "0.00",
            "",
            "已收入",
            "",
        ],
    ]
    preamble = (
        "支付宝交易记录明细查询",
        "账号:[me@example.com]",
        "起始日期:[2019-01-01 00:00:00]    终止日期:[2019-02-01 00:00:00]",
    )
    result = parse_bank(_alipay_bill(rows, header=header, preamble=preamble), "old.csv")
    assert result.meta.format == "alipay" and result.ok
    assert result.meta.account == "me@example.com" and result.meta.period == Period.month(2019, 1)
    got = [(x.time, x.direction.value, x.amount.fen, x.bank_ref, x.settlement_method) for x in result.bank_lines()]
    assert got == [(time(9, 1), "out", 1250, "T1", "即时到账交易"), (time(9, 0), "in", 300, "T2", "即时到账交易")]


def test_wechat_neutral_rows_go_out_refunds_come_in() -> None:
    lines = [replace(x, direction=Direction.OUT) for x in generate_bill_lines(3, seed=5)]
    text = render_wechat(lines).decode("utf-8").splitlines()
    cells = [next(csv.reader([t])) for t in text[-3:]]
    cells[0][4], cells[1][4], cells[1][1], cells[2][7] = "/", "/", "商户消费-退款", "支付失败"
    out = io.StringIO()
    csv.writer(out).writerows(cells)
    raw = ("\n".join(text[:-3]) + "\n" + out.getvalue()).encode("utf-8")
    result = parse_bank(raw, "wechat.csv")
    assert result.ok
    assert [x.direction.value for x in result.bank_lines()] == ["out", "in"]
    assert any("中性交易" in n.message_zh for n in result.notices)
    assert any("支付失败" in n.message_zh for n in result.notices)


def test_wechat_leaves_out_what_moved_no_money_as_alipay_does() -> None:
    lines = [replace(x, direction=Direction.OUT) for x in generate_bill_lines(3, seed=5)]
    text = render_wechat(lines).decode("utf-8").splitlines()
    cells = [next(csv.reader([t])) for t in text[-3:]]
    cells[0][7], cells[1][7], cells[2][7] = "已关闭", "已全额退款", "未支付"
    out = io.StringIO()
    csv.writer(out).writerows(cells)
    result = parse_bank(("\n".join(text[:-3]) + "\n" + out.getvalue()).encode("utf-8"), "wechat.csv")
    assert result.ok
    assert [x.amount for x in result.bank_lines()] == [lines[1].amount]  # the refunded payment happened
    notes = " ".join(n.message_zh for n in result.notices)
    assert "已关闭，未发生资金收付" in notes and "未支付，未发生资金收付" in notes


@pytest.mark.parametrize("provider", ["alipay", "wechat"])
def test_merchant_footer_must_agree_with_the_lines(provider: str) -> None:
    lines = generate_bill_lines(6, seed=7, merchant=True)
    render = render_alipay if provider == "alipay" else render_wechat
    text = render(lines, merchant=True, encoding="utf-8").decode("utf-8")
    first = text.splitlines()[5 if provider == "alipay" else 1]
    damaged = text.replace(first + "\n", "", 1).replace(first + "\r\n", "", 1)  # a line lost, the footer kept
    result = parse_bank(damaged.encode("utf-8"), "bill.csv")
    assert not result.ok
    assert any("合计" in (p.column or "") for p in result.problems)


def test_a_cut_last_line_is_a_problem_not_a_line() -> None:
    lines = generate_bill_lines(4, seed=11)
    raw = render_wechat(lines).rstrip(b"\r\n")
    result = parse_bank(raw, "wechat.csv")
    assert not result.ok and "不完整" in result.problems[0].message_zh
    assert len(result.lines) == 3


def _key(x: BankLine) -> BankLine:
    return replace(x, row=0)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    for fmt in FORMAT.values():
        assert fmt.parse(data, "x").lines.is_empty()
    parse_bank(data, "x")


@settings(max_examples=150, deadline=None)
@given(
    provider=st.sampled_from(["alipay", "wechat"]),
    merchant=st.booleans(),
    file_format=st.sampled_from(["csv", "xlsx"]),
    seed=st.integers(0, 1000),
    cut=st.floats(0, 1),
)
def test_truncated_files_never_raise_and_never_invent_lines(
    provider: str, merchant: bool, file_format: str, seed: int, cut: float
) -> None:
    lines = generate_bill_lines(8, seed=seed, merchant=merchant)
    render = render_alipay if provider == "alipay" else render_wechat
    raw = render(lines, merchant=merchant, file_format=file_format)  # type: ignore[arg-type]
    name = provider + ("-merchant" if merchant else "")
    full = Counter(_key(x) for x in FORMAT[name].parse(raw, "full").bank_lines())
    result = FORMAT[name].parse(raw[: int(len(raw) * cut)], "cut")
    got = Counter(_key(x) for x in result.bank_lines())
    assert not got - full


def test_sniffers_only_claim_their_own_bills() -> None:
    lines = generate_bill_lines(3, seed=1, merchant=True)
    files = {
        "alipay": render_alipay(lines),
        "alipay-merchant": render_alipay(lines, merchant=True),
        "wechat": render_wechat(lines),
        "wechat-merchant": render_wechat(lines, merchant=True),
    }
    for name, raw in files.items():
        head = raw.decode("gbk" if name == "alipay" or name == "alipay-merchant" else "utf-8")
        assert [f.name for f in payment_bills.FORMATS if f.sniff(raw, head)] == [name]
        assert parse_bank(raw, "f.csv").meta.format == name


def test_generated_lines_are_in_time_order_with_a_running_balance() -> None:
    lines = generate_bill_lines(50, seed=2, merchant=True, start=date(2026, 1, 1))
    stamps = [datetime.combine(x.date, x.time or time()) for x in lines]
    assert stamps == sorted(stamps) and all(x.date - date(2026, 1, 1) < timedelta(days=31) for x in lines)
    for before, after in itertools.pairwise(lines):
        assert after.balance is not None and before.balance is not None
        assert after.balance.fen == before.balance.fen + after.signed_fen
