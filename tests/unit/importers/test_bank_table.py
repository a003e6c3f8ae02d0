"""The table engine under the traps real exports set, and its answers to bad input (problems, never exceptions)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.factories.bank_lines import MONTH

from hezhang.domain.lines import BankLine, Direction
from hezhang.domain.money import Money
from hezhang.domain.problem import Severity
from hezhang.importers import parse_bank
from hezhang.importers.bank_table import MAX_LISTED_PROBLEMS
from hezhang.importers.result import ImportResult, Sign
from hezhang.samples.bank_exports import LAYOUTS, bank_rows, csv_bytes, render_bank_export
from hezhang.samples.statements import generate_bank_lines

PREAMBLE = [["某某银行 账户明细"], ["账号：6222000011112222", "户名：上海某某有限公司"], ["币种：人民币"]]
WHO = {"account": "6222000011112222", "account_name": "上海某某有限公司", "period": MONTH}


def parse(rows: list[list[str]], encoding: str = "utf-8", sign: Sign | None = None) -> ImportResult:
    return parse_bank(csv_bytes(rows, encoding), "statement.csv", sign=sign)


def essentials(result: ImportResult) -> list[tuple[object, ...]]:
    return [
        (
            line.date.isoformat(),
            line.direction.value,
            line.amount.fen,
            line.balance and line.balance.fen,
            line.counterparty_name,
        )
        for line in result.bank_lines()
    ]


THREE = [
    ("2026-10-01", "in", 123456, 1123456, "上海甲公司"),
    ("2026-10-02", "out", 100, 1123356, "乙公司"),
    ("2026-10-02", "out", 100000000, -98876644, "丙公司"),
]


# Traps -------------------------------------------------------------------------------------------------------


def test_the_header_may_stand_below_title_preamble_and_blank_rows() -> None:
    rows = [
        *PREAMBLE,
        [],
        [],
        ["交易日期", "收入金额", "支出金额", "余额", "对方户名"],
        ["2026-10-01", "1234.56", "", "11234.56", "上海甲公司"],
        [],
        ["2026-10-02", "", "1.00", "11233.56", "乙公司"],
    ]
    result = parse(rows)

    assert result.problems == ()
    assert [line.row for line in result.bank_lines()] == [1, 2]
    assert result.lines["source_row"].to_list() == [7, 9]  # physical lines: messages point there
    assert result.meta.account == "6222000011112222"


def test_full_width_brackets_and_spaces_in_headers_are_the_same_headers() -> None:
    rows = [
        ["记账日期 ", "借方发生额（支取）", "贷\u3000方\u3000发生额(收入)", " 余 额\t", "对方户名"],
        ["20261001", "", "1,234.56", "11,234.56", "上海甲公司"],
        ["20261002", "1.00", "", "11,233.56", "乙公司"],
        ["20261002", "1,000,000.00", "", "-988,766.44", "丙公司"],
    ]
    result = parse(rows)

    assert result.problems == ()
    assert essentials(result) == THREE


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        (["交易日期", "收入金额", "支出金额"], [["1234.56", ""], ["", "1.00"], ["", "1000000.00"]]),
        (["交易日期", "收入金额", "支出金额"], [["1234.56", "0.00"], ["0.00", "1.00"], ["0.00", "1000000.00"]]),
        (["交易日期", "收入金额", "支出金额"], [["1234.56", ""], ["", "-1.00"], ["", "-1000000.00"]]),  # ABC
        (["交易日期", "交易金额"], [["1234.56"], ["-1.00"], ["-1,000,000.00"]]),
        (["交易日期", "交易金额"], [["+1234.56"], ["1.00-"], ["(1,000,000.00)"]]),
        (["交易日期", "借贷标志", "交易金额"], [["贷", "1234.56"], ["借", "1.00"], ["借", "1000000.00"]]),
        (["交易日期", "借贷", "交易金额"], [["贷 Cr", "1234.56"], ["借 Dr", "1.00"], ["借 Dr", "1000000.00"]]),
        (["交易日期", "收/支", "金额"], [["收入", "1234.56"], ["支出", "1.00"], ["支出", "1000000.00"]]),
        (["交易日期", "交易类型", "交易金额"], [["来账", "1234.56"], ["往账", "-1.00"], ["往账", "-1000000.00"]]),
    ],
    ids=[
        "split",
        "split-zeros",
        "split-negative-out",
        "signed",
        "signed-marks",
        "借贷标志",
        "借Dr贷Cr",
        "收支",
        "来账往账-signed",
    ],
)
def test_every_amount_convention_reads_the_same_lines(header: list[str], cells: list[list[str]]) -> None:
    dates = ["2026-10-01", "2026-10-02", "2026-10-02"]
    rows = [[*header, "余额", "对方户名"]] + [
        [day, *amounts, format(t[3] / 100, ".2f"), t[4]] for day, amounts, t in zip(dates, cells, THREE, strict=True)
    ]
    result = parse(rows)

    assert result.problems == ()
    assert essentials(result) == THREE


def test_dashes_padding_tabs_and_thousands_separators_are_read_through() -> None:
    rows = [
        ["交易日期", "收入金额", "支出金额", "余额", "对方户名", "摘要"],
        ["2026-10-01     \t", "1,234.56            \t", "-                   \t", "11,234.56\t", "上海甲公司\t", "-\t"],
        ["2026-10-02\t", "--", " 1.00 ", "\u300011,233.56", "—", "/"],
    ]
    lines = list(parse(rows).bank_lines())

    assert [(line.amount.fen, line.direction) for line in lines] == [(123456, Direction.IN), (100, Direction.OUT)]
    assert [line.balance for line in lines] == [Money(1123456), Money(1123356)]
    assert [(line.counterparty_name, line.memo) for line in lines] == [("上海甲公司", None), (None, None)]


def test_totals_rows_repeated_headers_and_notes_are_not_lines() -> None:
    header = ["交易日期", "收入金额", "支出金额", "余额", "对方户名"]
    rows = [
        header,
        ["2026-10-01", "1234.56", "", "11234.56", "上海甲公司"],
        ["本页小计", "1234.56", "0.00", "", ""],
        header,
        ["2026-10-02", "", "1.00", "11233.56", "合计科技有限公司"],
        ["人民币合计", "1234.56", "1.00", "", ""],
        ["合计：共2笔"],
        ["期末余额：11,233.56"],
        ["打印时间：2026-11-01 09:00:00"],
    ]
    result = parse(rows)

    assert result.problems == ()
    assert [line.counterparty_name for line in result.bank_lines()] == ["上海甲公司", "合计科技有限公司"]
    assert result.meta.closing_balance == Money(1123356)


FOOTED = [
    ["交易时间", "收入金额", "支出金额", "本次余额", "对方户名"],
    ["2026-10-01 10:20:30", "6,000.00", "", "26,000.00", "无锡某某公司"],
    ["2026-10-12 14:05:00", "", "1,888.00", "24,112.00", "上海某某电力公司"],
    ["2026-10-21 09:00:00", "", "500.00", "23,612.00", ""],
    ["合计", "6,000.00", "2,388.00", "", ""],
]


def test_a_totals_footer_ends_the_table_and_its_counts_are_checked() -> None:
    result = parse([*FOOTED, ["收入笔数：1", "支出笔数：2", "", "", ""]])

    assert result.problems == () and result.notices == ()
    assert [line.amount.fen for line in result.bank_lines()] == [600000, 188800, 50000]
    assert (result.meta.opening_balance, result.meta.closing_balance) == (Money(2000000), Money(2361200))

    wrong = parse([*FOOTED, ["收入笔数：1", "支出笔数：3", "", "", ""]])
    assert wrong.problems == () and wrong.lines.height == 3
    (notice,) = wrong.notices
    assert "支出笔数 3" in notice.message_zh and "2 were read" in notice.message_en


def test_a_row_with_an_amount_but_no_date_above_the_footer_is_still_a_problem() -> None:
    result = parse([*FOOTED[:2], ["", "", "1.00", "25,999.00", "某公司"], *FOOTED[2:]])

    assert [p.row for p in result.problems] == [3]


def test_every_memo_column_is_kept_boc_business_summary_beside_its_remark() -> None:
    header = ["交易日期", "交易时间", "业务摘要", "对方账户名", "交易金额", "交易后余额", "附言"]
    rows = [
        header,
        ["2025-05-06", "09:30:11", "转账收入", "深圳某某科技有限公司", "5,000.00", "15,000.00", "服务费 SZ-0506"],
        ["2025-05-20", "16:45:02", "网上快捷支付", "-------------------", "-99.00", "14,901.00", "----------"],
    ]
    result = parse(rows)

    assert result.problems == ()
    assert [line.memo for line in result.bank_lines()] == ["转账收入 服务费 SZ-0506", "网上快捷支付"]


def test_a_bank_layout_is_read_from_its_header_not_its_column_order() -> None:
    lines = generate_bank_lines(8, seed=11)
    rows = bank_rows("ccb", lines, **WHO)
    at = rows.index(list(LAYOUTS[("ccb", None)].header))
    shuffled = [row[::-1] for row in rows[at:]]

    result = parse(shuffled, "gb18030")
    assert result.problems == ()
    assert [line.amount for line in result.bank_lines()] == [line.amount for line in lines]


# Bad input ---------------------------------------------------------------------------------------------------


def test_an_unknown_layout_says_which_headers_it_saw_and_which_it_needs() -> None:
    result = parse([*PREAMBLE, ["序号", "发生时刻", "款项", "备注"], ["1", "2026-10-01", "12.00", "x"]])

    assert not result.ok and result.lines.is_empty()
    (problem,) = result.problems
    assert "序号、发生时刻、款项、备注" in problem.message_zh
    assert "交易日期" in problem.message_zh and "收入金额" in problem.message_zh
    assert "Headers seen" in problem.message_en and "needed" in problem.message_en


def test_a_bad_amount_or_date_cell_is_reported_where_it_stands() -> None:
    rows = [
        *PREAMBLE,
        ["交易日期", "借方发生额（支取）", "贷方发生额（收入）", "对方户名"],
        ["2026-10-01", "", "12.00", "甲"],
        ["2026-13-01", "", "5.00", "乙"],
        ["2026-10-03", "12.3.4 \t", "", "丙"],
        ["2026-10-04", "1.005", "", "丁"],
    ]
    result = parse(rows)

    assert not result.ok
    found = {(p.row, p.column, p.value) for p in result.problems}
    assert found == {
        (6, "交易日期", "2026-13-01"),
        (7, "借方发生额（支取）", "12.3.4"),
        (8, "借方发生额（支取）", "1.005"),
    }
    assert all(p.file == "statement.csv" and p.message_zh and p.message_en for p in result.problems)


def _chain(lines: list[BankLine], bank: str = "cmbc") -> ImportResult:
    return parse_bank(render_bank_export(bank, lines, **WHO), f"{bank}.csv")


@pytest.mark.parametrize("bank", ["cmbc", "icbc"])  # oldest first, newest first
def test_a_wrong_amount_is_a_gap_at_that_row_only_and_the_file_is_read(bank: str) -> None:
    lines = generate_bank_lines(30, seed=12)
    lines[17] = replace(lines[17], amount=lines[17].amount + Money(1))
    result = _chain(lines, bank)

    assert result.ok and len(result.lines) == 30
    (gap,) = result.meta.gaps
    assert abs(gap.difference_fen) == 1 and gap.currency == "CNY"
    (notice,) = [n for n in result.notices if n.column == "余额"]
    assert notice.severity is Severity.NOTICE and "余额不连续" in notice.message_zh and "0.01" in notice.message_zh
    rows = bank_rows(bank, lines, **WHO)
    first = rows.index(list(LAYOUTS[(bank, None)].header)) + 2
    assert notice.row == first + (29 - 17 if LAYOUTS[(bank, None)].descending else 17)
    assert gap.row == (30 - 17 if LAYOUTS[(bank, None)].descending else 18)


def test_a_wrong_balance_is_two_gaps_one_each_side_of_it() -> None:
    lines = generate_bank_lines(30, seed=13)
    lines[9] = replace(lines[9], balance=Money(lines[9].balance.fen + 100))  # type: ignore[union-attr]
    result = _chain(lines)

    assert result.ok
    assert [(g.row, g.difference_fen) for g in result.meta.gaps] == [(10, 100), (11, -100)]
    assert [n.row for n in result.notices if n.column == "余额"] == [6 + 9, 6 + 10]


def test_a_balance_column_that_contradicts_nearly_every_amount_is_a_misreading_not_gaps() -> None:
    rows = [["交易日期", "收入金额", "支出金额", "余额"]] + [
        [f"2026-10-0{k}", "", "10.00", f"{100 + 10 * k}.00"]
        for k in range(1, 7)  # out, yet the balance grows
    ]
    result = parse(rows)

    (problem,) = result.problems
    assert problem.column == "余额" and "--sign" in problem.message_en and "5" in problem.message_en
    assert result.meta.gaps == ()


def test_the_running_balance_is_checked_per_account() -> None:
    a, b = "6222000011112222", "6222000099998888"
    rows = [
        ["交易日期", "收入金额", "支出金额", "余额", "账号"],
        ["2026-10-01", "100.00", "", "1100.00", a],
        ["2026-10-01", "5.00", "", "505.00", b],
        ["2026-10-02", "", "50.00", "1050.00", a],
        ["2026-10-02", "", "5.00", "500.00", b],
    ]
    result = parse(rows)

    assert result.ok and result.meta.gaps == ()
    assert result.meta.account is None and result.meta.opening_balance is None
    assert [(s.account, s.line_count, s.opening_balance, s.closing_balance, s.total_in, s.total_out)
            for s in result.meta.accounts] == [
        (a, 2, Money(100000), Money(105000), Money(10000), Money(5000)),
        (b, 2, Money(50000), Money(50000), Money(500), Money(500)),
    ]  # fmt: skip


def test_two_identical_payments_on_one_day_are_both_kept_and_noticed() -> None:
    rows = [
        ["交易日期", "收入金额", "支出金额", "余额", "对方户名", "摘要"],
        ["2026-10-05", "", "300.00", "700.00", "上海申通物流有限公司", "运费"],
        ["2026-10-05", "", "300.00", "400.00", "上海申通物流有限公司", "运费"],
    ]
    result = parse(rows)

    assert result.ok
    assert len(result.lines) == 2
    (notice,) = result.notices
    assert notice.severity is Severity.NOTICE and "2, 3" in notice.message_en


def test_several_currencies_in_one_file_is_a_problem() -> None:
    rows = [
        ["交易日期", "收入金额", "支出金额", "币种"],
        ["2026-10-01", "1.00", "", "人民币"],
        ["2026-10-02", "2.00", "", "美元"],
    ]
    result = parse(rows)

    (problem,) = result.problems
    assert "币种" in problem.message_zh and "USD" in problem.message_zh


def test_several_own_accounts_are_kept_per_line_with_a_notice() -> None:
    a, b = "6222000011112222", "6222000099998888"
    rows = [["交易日期", "收入金额", "支出金额", "账号"], ["2026-10-01", "1.00", "", a], ["2026-10-02", "2.00", "", b]]
    result = parse(rows)

    assert result.problems == () and result.meta.account is None
    assert result.lines["account"].to_list() == [a, b]
    assert any("本方账号" in n.message_zh and b in n.message_zh for n in result.notices)


@pytest.mark.parametrize(
    ("header", "row", "column"),
    [
        (["交易日期", "收入金额", "支出金额"], ["2026-10-02", "1.00", "2.00"], "收入金额"),
        (["交易日期", "收入金额", "支出金额"], ["2026-10-02", "", ""], "收入金额"),
        (["交易日期", "借贷", "交易金额"], ["2026-10-02", "存取", "2.00"], "借贷"),
        (["交易日期", "借贷", "交易金额"], ["2026-10-02", "贷", "-2.00"], "交易金额"),
        (["交易日期", "交易金额", "币种"], ["2026-10-02", "2.00", "贝壳"], "币种"),
        (["交易日期", "交易金额"], ["", "2.00"], "交易日期"),
    ],
    ids=["both-sides", "no-side", "unknown-direction", "negative-credit", "unknown-currency", "no-date"],
)
def test_a_row_that_contradicts_itself_is_a_problem(header: list[str], row: list[str], column: str) -> None:
    good = {"收入金额": "1.00", "支出金额": "", "借贷": "贷", "交易金额": "1.00", "币种": "人民币"}
    rows = [header, *[["2026-10-01", *(good[h] for h in header[1:])]] * 3, row]  # good rows settle 借贷
    result = parse(rows, sign="income-positive")

    assert [(p.row, p.column) for p in result.problems] == [(5, column)]


def test_thousands_of_bad_cells_are_listed_up_to_a_limit_and_counted_beyond() -> None:
    rows = [["交易日期", "交易金额"]] + [["2026-10-01", "abc"] for _ in range(MAX_LISTED_PROBLEMS + 50)]
    result = parse(rows)

    assert len(result.problems) == MAX_LISTED_PROBLEMS + 1
    assert "50" in result.problems[-1].message_zh and "交易金额" in result.problems[-1].message_zh


def test_excel_forced_text_cells_in_a_csv_are_read_as_their_content() -> None:
    rows = [
        ['="账号：6222000011112222"'],
        ['="交易日期"', "收入金额", "支出金额", "余额", "对方账号", "交易描述"],
        ['="20261001"', '="1,234.56"', "", '="11234.56"', '="6222000011112222"', "货款"],
    ]
    result = parse(rows)
    (line,) = result.bank_lines()

    assert result.meta.account == "6222000011112222"
    assert (line.date.isoformat(), line.amount, line.balance) == ("2026-10-01", Money(123456), Money(1123456))
    assert (line.counterparty_account, line.memo) == ("6222000011112222", "货款")  # 交易描述 (CITIC) is the memo


def test_a_payment_platform_bill_hezhang_does_not_read_is_one_unsupported_layout_problem() -> None:
    rows = [
        ["导出信息："], ["京东账号名：jd_某某"], ["起始时间：2026-10-01", "终止时间：2026-10-31"], [],
        ["交易时间", "交易分类", "商户名称", "交易说明", "收/支", "金额", "收/付款方式", "交易状态", "交易订单号"],
        ["2026-10-29 06:37:20", "小金库", "京东小金库", "收益", "收入", "0.01", "零用钱", "交易成功", "2001"],
        ["2026-10-15 12:09:23", "白条", "京东金融", "白条主动还款", "不计收支", "1125.43", "小金库", "成功", "2002"],
    ]  # fmt: skip
    result = parse(rows)

    (problem,) = result.problems
    assert problem.message_zh.startswith("不支持的版式") and "京东" in problem.message_zh
    assert problem.message_en.startswith("unsupported layout") and "JD" in problem.message_en


def test_a_bill_of_an_unnamed_platform_is_known_by_its_status_column() -> None:
    rows = [["交易时间", "收/支", "金额", "交易状态"], ["2026-10-29 06:37:20", "不计收支", "1.00", "交易成功"]]
    (problem,) = parse(rows).problems

    assert "unsupported layout" in problem.message_en and "收/支" in problem.message_zh
