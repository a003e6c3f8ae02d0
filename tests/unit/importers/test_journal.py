"""What every journal gets: bank lines apart from the rest, counterparties and contra accounts, voucher checks."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hezhang.domain.frames import ledger_lines
from hezhang.domain.lines import Direction, LedgerLine
from hezhang.domain.money import Money
from hezhang.domain.problem import Severity
from hezhang.importers import parse_journal
from hezhang.importers.journal import counterparty_of, currency_code, finish_journal, with_prefix
from hezhang.importers.journal_standard import HEADER, parse
from hezhang.importers.result import ImportResult, StatementMeta
from hezhang.samples.journal import generate_journal, render_kingdee, render_standard_journal

SOME = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def journal(*rows: tuple[str, ...], extra: tuple[str, ...] = ()) -> bytes:
    """A standard journal CSV: 日期,凭证字号,分录号,摘要,科目代码,科目名称,借方金额,贷方金额 + `extra` columns."""
    return "\n".join(",".join(r) for r in [(*HEADER, *extra), *rows]).encode()


def everything(result: ImportResult) -> list[LedgerLine]:
    assert result.context is not None
    return sorted([*result.ledger_lines(), *ledger_lines(result.context)], key=lambda line: line.row)


@SOME
@given(seed=st.integers(0, 10**6), vouchers=st.integers(1, 30))
def test_bank_lines_go_to_lines_and_the_rest_to_context_with_their_file_rows(seed: int, vouchers: int) -> None:
    lines = generate_journal(vouchers=vouchers, seed=seed)
    result = parse(render_standard_journal(lines), "j.csv")
    assert result.context is not None

    assert set(result.lines["account_code"].str.slice(0, 4)) <= {"1002"}
    assert not result.context["account_code"].str.starts_with("1002").any()
    assert result.lines["row"].to_list() == [line.row for line in lines if line.account_code.startswith("1002")]
    assert result.context["row"].to_list() == [line.row for line in lines if not line.account_code.startswith("1002")]
    assert (result.lines["source_row"] == result.lines["row"] + 1).all()


@SOME
@given(seed=st.integers(0, 10**6))
def test_a_longer_prefix_selects_one_bank_account(seed: int) -> None:
    lines = generate_journal(vouchers=30, seed=seed)
    data = render_standard_journal(lines)

    result = parse(data, "j.csv", account_prefix="100201")

    assert result.lines["row"].to_list() == [line.row for line in lines if line.account_code == "100201"]
    assert result.meta.account in {"100201", None}  # None only when the month never touched that account
    assert with_prefix(parse(data, "j.csv"), "100201").lines.equals(result.lines)
    assert with_prefix(result, "1002").lines.equals(parse(data, "j.csv").lines)


def test_dotted_account_codes_are_under_the_undotted_prefix() -> None:
    data = journal(("2026-10-01", "记-1", "1", "收款", "1002.01", "银行存款-工行", "10.00", ""),
                   ("2026-10-01", "记-1", "2", "收款", "1122", "应收账款", "", "10.00"))  # fmt: skip

    result = parse(data, "j.csv", account_prefix="100201")

    assert result.lines["account_code"].to_list() == ["1002.01"]


def test_a_receipt_names_the_customer_and_the_contra_account() -> None:
    data = journal(
        ("2026-10-08", "记-0003", "1", "收到货款", "100201", "银行存款-工商银行", "5000.00", "", ""),
        ("2026-10-08", "记-0003", "2", "收到货款", "1122", "应收账款", "", "5000.00", "客户---上海开发区世创商贸"),
        extra=("核算项目",),
    )  # fmt: skip

    [line] = parse(data, "j.csv").ledger_lines()

    assert (line.direction, line.amount) == (Direction.IN, Money(500000))
    assert line.counterparty_name == "上海开发区世创商贸"
    assert line.contra_accounts == "应收账款"


def test_two_receipts_in_one_voucher_each_take_the_customer_with_their_amount() -> None:
    lines = [line for line in generate_journal(vouchers=200, seed=1) if line.memo == "收到货款"]
    result = parse(render_standard_journal(lines), "j.csv")
    customers = {(line.voucher_no, line.amount): line.counterparty_name for line in lines if line.counterparty_name}

    bank = list(result.ledger_lines())
    assert bank
    for line in bank:
        assert line.counterparty_name == customers[(line.voucher_no, line.amount)]
        assert line.contra_accounts == "银行存款-工商银行;应收账款"


def test_contra_accounts_are_the_other_lines_in_file_order_each_once() -> None:
    lines = [line for line in generate_journal(vouchers=100, seed=4) if line.memo == "缴纳上月增值税及附加税"]
    [bank] = parse(render_standard_journal(lines[:5]), "j.csv").ledger_lines()

    assert bank.contra_accounts == ";".join(line.account_name or "" for line in lines[:4])
    assert bank.counterparty_name is None


@pytest.mark.parametrize(
    ("item", "name"),
    [
        ("客户---上海开发区世创商贸有限公司", "上海开发区世创商贸有限公司"),
        ("客户---01.002---世创商贸", "世创商贸"),
        ("供应商:01.002 世创商贸", "世创商贸"),
        ("供应商：世创商贸", "世创商贸"),
        ("职员---张三", "张三"),
        ("部门---财务部", None),
        ("部门---销售部;客户---01.01---恒远电子", "恒远电子"),
        ("世创商贸", "世创商贸"),
        ("", None),
    ],
)
def test_the_party_is_read_from_the_auxiliary_item(item: str, name: str | None) -> None:
    assert counterparty_of(item) == name


def test_an_unbalanced_voucher_is_named_with_its_difference() -> None:
    data = journal(("2026-10-01", "记-1", "1", "付款", "2202", "应付账款", "100.00", ""),
                   ("2026-10-01", "记-1", "2", "付款", "100201", "银行存款", "", "99.50"),
                   ("2026-10-02", "记-2", "1", "费用", "660302", "财务费用", "5.00", ""),
                   ("2026-10-02", "记-2", "2", "费用", "100201", "银行存款", "", "5.00"))  # fmt: skip

    [problem] = parse(data, "j.csv").problems

    assert (problem.row, problem.column, problem.value) == (2, "凭证字号", "记-0001")
    assert "借贷不平" in problem.message_zh
    assert "0.50" in problem.message_zh
    assert "difference 0.50" in problem.message_en


def test_a_red_reversal_is_read_on_the_other_side_with_a_notice() -> None:
    data = journal(("2026-10-09", "记-7", "1", "冲销记-5", "100201", "银行存款", "-300.00", ""),
                   ("2026-10-09", "记-7", "2", "冲销记-5", "1122", "应收账款", "", "-300.00"))  # fmt: skip

    result = parse(data, "j.csv")

    assert result.problems == ()
    [line] = result.ledger_lines()
    assert (line.direction, line.amount) == (Direction.OUT, Money(30000))
    assert [(n.row, n.column, n.severity) for n in result.notices] == [
        (2, "借方金额", Severity.NOTICE), (3, "贷方金额", Severity.NOTICE)]  # fmt: skip
    assert all("红字冲销" in n.message_zh for n in result.notices)


def test_a_line_needs_exactly_one_side_and_an_empty_row_is_skipped() -> None:
    data = journal(("2026-10-01", "记-1", "1", "x", "100201", "银行存款", "10.00", "10.00"),
                   ("2026-10-01", "记-1", "2", "x", "1122", "应收账款", "", ""),
                   ("", "", "", "", "", "", "", ""),
                   ("2026-10-02", "记-2", "1", "y", "660302", "财务费用", "1.00", ""),
                   ("2026-10-02", "记-2", "2", "y", "100201", "银行存款", "", "1.00"))  # fmt: skip

    result = parse(data, "j.csv")

    assert [(p.row, p.column) for p in result.problems] == [(2, "借方金额"), (3, "借方金额")]
    assert "都有金额" in result.problems[0].message_zh
    assert "都没有金额" in result.problems[1].message_zh
    assert [(line.row, line.voucher_no) for line in everything(result)] == [(3, "记-0002"), (4, "记-0002")]


def test_a_missing_account_code_and_a_repeated_entry_are_problems() -> None:
    data = journal(("2026-10-01", "记-1", "1", "x", "", "银行存款", "10.00", ""),
                   ("2026-10-01", "记-1", "1", "x", "1122", "应收账款", "", "10.00"))  # fmt: skip

    problems = parse(data, "j.csv").problems

    assert [(p.row, p.column, p.value) for p in problems] == [(2, "科目代码", None), (3, "分录号", "1")]


def test_a_totals_row_is_not_a_line() -> None:
    data = journal(("2026-10-01", "记-1", "1", "x", "100201", "银行存款", "10.00", ""),
                   ("2026-10-01", "记-1", "2", "x", "1122", "应收账款", "", "10.00"),
                   ("", "", "", "合计", "", "", "10.00", "10.00"))  # fmt: skip

    result = parse(data, "j.csv")

    assert result.problems == ()
    assert len(everything(result)) == 2


def test_the_currency_column_gives_each_line_its_currency() -> None:
    rows = [("2026-10-01", "记-1", "1", "x", "100202", "银行存款-美元户", "10.00", "", "USD"),
            ("2026-10-01", "记-1", "2", "x", "1122", "应收账款", "", "10.00", "美元")]  # fmt: skip
    result = parse(journal(*rows, extra=("币种",)), "j.csv")

    assert result.meta.currency == "USD"
    assert [line.amount for line in everything(result)] == [Money(1000, "USD")] * 2

    bad = parse(journal((*rows[0][:-1], "金币"), extra=("币种",)), "j.csv")
    assert [(p.row, p.column, p.value) for p in bad.problems] == [(2, "币种", "金币")]


@pytest.mark.parametrize(
    ("text", "code"), [("RMB", "CNY"), ("人民币", "CNY"), ("usd", "USD"), ("港元", "HKD"), ("元", None)]
)
def test_currency_names_become_codes(text: str, code: str | None) -> None:
    assert currency_code(text) == code


def test_finish_journal_takes_any_frame_of_journal_lines() -> None:
    frame = pl.DataFrame({
        "source_row": [5, 6], "date": [date(2026, 10, 3)] * 2, "voucher_no": ["银-0001"] * 2, "entry_no": [1, 2],
        "account_code": ["100201", "6603"], "account_name": ["银行存款", "财务费用"], "debit": [None, 1500],
        "credit": [1500, None], "auxiliary": [None, None],
    })  # fmt: skip

    result = finish_journal(frame, [], StatementMeta(format="test"), "t.csv", headers={
        "voucher_no": "凭证号", "debit": "借方", "credit": "贷方", "account_code": "科目代码"})  # fmt: skip

    assert result.problems == ()
    [line] = result.ledger_lines()
    assert (line.row, line.direction, line.amount.fen, line.contra_accounts) == (1, Direction.OUT, 1500, "财务费用")
    assert result.meta.currency == "CNY"


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_detection_finds_both_journal_layouts(file_type: str) -> None:
    lines = generate_journal(vouchers=12, seed=7)
    standard = render_standard_journal(lines, encoding="gb18030", file_type=file_type)
    kingdee = render_kingdee(lines, encoding="gb18030", file_type=file_type, title="记账凭证引出")

    assert parse_journal(standard, "a").meta.format == "journal-standard"
    assert parse_journal(kingdee, "b").meta.format == "journal-kingdee"
    one = parse_journal(kingdee, "b", account_prefix="100202")
    assert one.lines["row"].to_list() == [line.row for line in lines if line.account_code == "100202"]
