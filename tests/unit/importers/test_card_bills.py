"""Files with one signed amount column: whose sign says what, established from the file or asked, never guessed.

Chinese credit-card bills write spending as a positive amount and a repayment or refund as a negative one
("spend-positive"); account statements write income as positive ("income-positive"). The layouts below are
written from what BOC, BOCOM, CMB and CGB card bills look like (headers, title rows, `CNY 123.18` cells,
`（消费）` prefixes, dates without a year).
"""

from __future__ import annotations

from datetime import date

import pytest

from hezhang.domain.lines import Direction
from hezhang.domain.money import Money
from hezhang.importers import parse, parse_bank
from hezhang.importers.result import ImportResult
from hezhang.samples.bank_exports import csv_bytes


def _read(rows: list[list[str]], sign: str | None = None) -> ImportResult:
    return parse(csv_bytes(rows, "utf-8"), "bill.csv", "bank", sign=sign)  # type: ignore[arg-type]


def _lines(result: ImportResult) -> list[tuple[date, str, int]]:
    return [(x.date, x.direction.value, x.amount.fen) for x in result.bank_lines()]


def test_a_card_bill_with_one_signed_column_reads_spending_as_money_out() -> None:
    rows = [
        ["交易日期", "入账日期", "交易摘要", "交易金额", "交易货币", "入账金额", "入账货币"],
        ["2026/10/05", "2026/10/06", "（消费）上海某某餐饮有限公司", "15.90", "人民币", "15.90", "人民币"],
        ["2026/10/04", "2026/10/04", "（退款）某某商城", "-97.20", "人民币", "-97.20", "人民币"],
        ["2026/10/03", "2026/10/03", "（消费）东京某店", "100.00", "日元", "4.90", "人民币"],
        ["2026/09/25", "2026/09/26", "（还款）银联入账", "-1130.68", "人民币", "-1130.68", "人民币"],
    ]
    result = _read(rows)

    assert result.ok, result.problems
    assert _lines(result) == [
        (date(2026, 10, 5), "out", 1590),
        (date(2026, 10, 4), "in", 9720),
        (date(2026, 10, 3), "out", 490),  # the posted CNY amount, not the 100 yen
        (date(2026, 9, 25), "in", 113068),
    ]
    assert result.meta.currency == "CNY"
    assert next(result.bank_lines()).value_date == date(2026, 10, 6)


def test_a_cmb_card_bill_with_dates_without_a_year_and_empty_transaction_dates() -> None:
    rows = [
        ["招商银行信用卡对账单（个人消费卡账户 2026年01月）"],
        ["交易日", "记账日", "交易摘要", "人民币金额", "卡号末四位", "交易地金额"],
        ["", "12/29", "掌上生活还款", "-1.23", "1234", "-1.23"],
        ["01/02", "01/03", "影票-电影票", "56.78", "1234", "56.78"],
        ["01/05", "01/07", "中国移动", "8,000.00", "1234", "8,000.00(CN)"],
    ]
    result = _read(rows)

    assert result.ok, result.problems
    assert _lines(result) == [
        (date(2025, 12, 29), "in", 123),  # no transaction date: the posting date; December of the year before
        (date(2026, 1, 2), "out", 5678),
        (date(2026, 1, 5), "out", 800000),
    ]


def test_a_bocom_card_bill_with_currency_in_the_cells_and_the_direction_in_the_memo() -> None:
    rows = [
        ["交易日期", "记账日期", "交易说明", "交易币种/金额", "入账币种/金额"],
        ["2026-01-10", "2026-01-10", "退货 支付宝-滴滴出行", "CNY 123.18", "CNY 123.18"],
        ["2026-01-11", "2026-01-12", "消费 美团", "CNY 2.99", "CNY 2.99"],
        ["2026-01-18", "2026-01-18", "消费 Suica Charge", "JPY 1000.00", "CNY 49.85"],
        ["2026-01-29", "2026-01-29", "信用卡还款 转账还款", "CNY 666.60", "CNY 666.60"],
    ]
    result = _read(rows)

    assert result.ok, result.problems
    assert [(d, a) for _, d, a in _lines(result)] == [("in", 12318), ("out", 299), ("out", 4985), ("in", 66660)]
    assert result.meta.currency == "CNY"


def test_a_boc_card_bill_with_deposit_and_spending_columns() -> None:
    rows = [
        ["中国银行信用卡账单(2026年01月)"],
        ["交易日", "银行记账日", "卡号后四位", "交易描述", "存入", "支出", "币种"],
        ["2025-12-13", "2025-12-14", "4260", "上海公共交通卡股份有限CHN", "", "50.00", "CNY"],
        ["2025-12-20", "2025-12-20", "", "存款利息", "0.01", "", "CNY"],
    ]
    result = _read(rows)

    assert result.ok, result.problems
    assert _lines(result) == [(date(2025, 12, 13), "out", 5000), (date(2025, 12, 20), "in", 1)]
    assert [x.memo for x in result.bank_lines()] == ["上海公共交通卡股份有限CHN", "存款利息"]


_UNSURE = [
    ["交易日期", "交易金额", "摘要"],
    ["2026-10-01", "120.00", "某某公司"],
    ["2026-10-02", "-20.00", "某某商店"],
]


def test_a_signed_column_with_nothing_to_say_which_way_is_refused_with_the_question() -> None:
    result = _read(_UNSURE)

    (problem,) = result.problems
    assert "--sign spend-positive" in problem.message_zh and "--sign income-positive" in problem.message_en
    assert "?" in problem.message_en and "？" in problem.message_zh
    assert problem.column == "交易金额"
    assert result.lines.is_empty()


def test_repayment_and_refund_words_do_not_say_which_way_a_signed_column_points() -> None:
    # 还款 is money in on a card bill and money out on an account statement (a loan or the card repaid), and a
    # company's account pays a 退款 out as often as it receives one: nothing here says which kind of file it is.
    rows = [
        ["日期", "摘要", "金额", "对方户名"],
        ["2025-04-02", "美团外卖", "68.00", "三快科技"],
        ["2025-04-06", "还款", "-500.00", ""],
        ["2025-04-09", "退款 京东", "-29.90", "北京京东世纪贸易有限公司"],
    ]
    result = _read(rows)

    (problem,) = result.problems
    assert "--sign spend-positive" in problem.message_zh and result.lines.is_empty()


@pytest.mark.parametrize(
    ("memo", "amount", "directions"),
    [("消费 美团", "68.00", ["out", "in"]), ("取现", "-300.00", ["out", "out"])],
    ids=["spend-positive", "income-positive"],
)
def test_spending_words_say_which_way_a_signed_column_points(memo: str, amount: str, directions: list[str]) -> None:
    rows = [["日期", "摘要", "金额"], ["2025-04-02", memo, amount], ["2025-04-06", "某某公司", "-20.00"]]
    result = _read(rows)

    assert result.ok, result.problems
    assert [d for _, d, _ in _lines(result)] == directions
    assert any("摘要开头的收支词" in n.message_zh for n in result.notices)


@pytest.mark.parametrize(
    ("sign", "directions"), [("spend-positive", ["out", "in"]), ("income-positive", ["in", "out"])]
)
def test_the_sign_option_answers_the_question(sign: str, directions: list[str]) -> None:
    result = _read(_UNSURE, sign)

    assert result.ok, result.problems
    assert [d for _, d, _ in _lines(result)] == directions
    assert [a for _, _, a in _lines(result)] == [12000, 2000]


@pytest.mark.parametrize(
    ("balances", "directions"),
    [(["1120.00", "1100.00"], ["in", "out"]), (["880.00", "900.00"], ["out", "in"])],
    ids=["income-positive", "spend-positive"],
)
def test_a_running_balance_establishes_the_sign(balances: list[str], directions: list[str]) -> None:
    rows = [
        ["交易日期", "交易金额", "余额"],
        ["2026-10-01", "120.00", balances[0]],
        ["2026-10-02", "-20.00", balances[1]],
    ]
    result = _read(rows)

    assert result.ok, result.problems
    assert [d for _, d, _ in _lines(result)] == directions
    assert result.meta.gaps == ()


def test_a_sign_that_the_running_balance_contradicts_is_a_misreading() -> None:
    rows = [["交易日期", "交易金额", "余额"]] + [[f"2026-10-0{k}", "10.00", f"{1000 + 10 * k}.00"] for k in range(1, 6)]
    result = _read(rows, "spend-positive")

    (problem,) = result.problems
    assert "--sign" in problem.message_en and problem.column == "余额"


def test_a_sign_given_for_a_file_that_states_directions_is_not_used_and_says_so() -> None:
    rows = [["交易日期", "收入金额", "支出金额"], ["2026-10-01", "1.00", ""]]
    result = parse_bank(csv_bytes(rows, "utf-8"), "s.csv", sign="spend-positive")

    assert result.ok and [x.direction for x in result.bank_lines()] == [Direction.IN]
    assert any("--sign" in n.message_en for n in result.notices)


def test_a_debit_statement_with_a_signed_column_and_a_balance_is_still_read_without_asking() -> None:
    rows = [
        ["中国银行交易流水明细单"],
        ["记账日期", "记账时间", "币别", "金额", "余额", "交易名称", "附言", "对方账户名", "对方卡号/账号",
         "对方开户行"],
        ["2026-08-22", "17:57:17", "人民币", "-71.89", "3,240.28", "无卡支付", "----------", "张三", "6226******5669",
         "-------------------"],
        ["2026-08-22", "12:23:04", "人民币", "50.00", "3,312.17", "网上快捷退款", "支付宝-李四", "支付宝-李四",
         "8000******1303", "-------------------"],
        ["2026-08-05", "16:00:44", "人民币", "5,771.00", "3,262.17", "工资", "----------", "某某数据有限公司",
         "4520******1924", "中国银行上海市某某支行"],
    ]  # fmt: skip
    result = _read(rows)

    assert result.ok, result.problems
    first, _, third = result.bank_lines()
    assert (first.direction, first.amount, first.balance) == (Direction.OUT, Money(7189), Money(324028))
    assert (first.counterparty_name, first.counterparty_account, first.counterparty_bank) == (
        "张三", "6226******5669", None)  # fmt: skip
    assert first.memo is None  # a run of dashes is an empty cell
    assert (third.counterparty_name, third.counterparty_bank) == ("某某数据有限公司", "中国银行上海市某某支行")
