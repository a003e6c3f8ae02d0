"""Kingdee K/3 voucher exports: read by header name, whatever K/3 or a person did to the columns around them."""

from __future__ import annotations

import csv
import io
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hezhang.domain.frames import ledger_lines
from hezhang.domain.lines import LedgerLine
from hezhang.domain.problem import Severity
from hezhang.importers.journal_kingdee import COLUMNS, parse, sniff
from hezhang.importers.result import ImportResult
from hezhang.samples.journal import generate_journal, render_kingdee, render_standard_journal

KINDS = {"csv-utf-8-sig": ("utf-8-sig", "csv"), "csv-gb18030": ("gb18030", "csv"), "xlsx": ("utf-8", "xlsx")}
ROUND_TRIP = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def view(lines: list[LedgerLine]) -> list[tuple[object, ...]]:
    return [
        (line.row, line.date, line.voucher_no, line.entry_no, line.account_code, line.account_name, line.direction,
         line.amount, line.memo, line.settlement_method, line.settlement_no, line.preparer)
        for line in lines
    ]  # fmt: skip


def parsed(result: ImportResult) -> list[LedgerLine]:
    context = ledger_lines(result.context) if result.context is not None else []
    return sorted([*result.ledger_lines(), *context], key=lambda line: line.row)


def table(data: bytes, encoding: str = "gb18030") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding))))


def to_csv(rows: list[list[str]], encoding: str = "gb18030") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def set_cell(rows: list[list[str]], row: int, header: str, value: str) -> list[list[str]]:
    rows[row][rows[0].index(header)] = value
    return rows


@pytest.mark.parametrize("kind", KINDS)
@ROUND_TRIP
@given(seed=st.integers(0, 10**6), vouchers=st.integers(1, 25))
def test_what_kingdee_exports_reads_back_exactly(kind: str, seed: int, vouchers: int) -> None:
    lines = generate_journal(vouchers=vouchers, seed=seed)
    encoding, file_type = KINDS[kind]

    result = parse(render_kingdee(lines, encoding=encoding, file_type=file_type), f"k3.{file_type}")

    bank = [line.row for line in lines if line.account_code.startswith("1002")]
    assert result.problems == ()
    assert [n.message_en for n in result.notices] == ([] if bank else ["no lines on accounts under 1002"])
    assert (result.meta.format, result.meta.currency) == ("journal-kingdee", "CNY")
    assert view(parsed(result)) == view(lines)
    assert [line.row for line in result.ledger_lines()] == bank


def test_the_export_has_the_37_kingdee_columns() -> None:
    assert len(COLUMNS) == len(set(COLUMNS)) == 37
    assert table(render_kingdee(generate_journal(vouchers=1)))[0] == list(COLUMNS)


def test_title_rows_above_the_header_are_skipped_and_rows_are_counted_from_the_data() -> None:
    lines = generate_journal(vouchers=6, seed=8)
    data = render_kingdee(lines, file_type="xlsx", title="凭证引出 2026年第10期")

    result = parse(data, "k3.xlsx")

    assert result.problems == ()
    assert view(parsed(result)) == view(lines)
    assert [line.row + 3 for line in result.ledger_lines()] == result.lines["source_row"].to_list()


def test_columns_are_found_by_name_in_any_order_with_extras_missing_options_and_full_width_headers() -> None:
    lines = generate_journal(vouchers=10, seed=9)
    rows = table(render_kingdee(lines))
    keep = [c for c in COLUMNS if c not in {"核算项目", "数量", "单价", "过账", "审核"}]
    order = random.Random(1).sample(keep, len(keep))
    header = {"凭证摘要": "摘要", "借方": "借方[Debit]", "贷方": "\u3000贷方\u3000", "科目代码": "科目代码："}
    shuffled = [[header.get(name, name) for name in order] + ["备注"]]
    shuffled += [[r[rows[0].index(name)] for name in order] + ["随便写点什么"] for r in rows[1:]]

    result = parse(to_csv(shuffled), "k3.csv")

    assert result.problems == ()
    assert view(parsed(result)) == view(lines)


def test_the_voucher_number_is_word_and_four_digits() -> None:
    lines = generate_journal(vouchers=1, seed=2)
    rows = table(render_kingdee(lines))
    for r in rows[1:]:
        r[rows[0].index("凭证字")], r[rows[0].index("凭证号")] = "银收", "12"

    assert {line.voucher_no for line in parsed(parse(to_csv(rows), "k3.csv"))} == {"银收-0012"}


def test_the_customer_of_a_receipt_comes_from_the_auxiliary_item_with_its_code() -> None:
    lines = [line for line in generate_journal(vouchers=40, seed=3) if line.voucher_no == "记-0001"]
    lines = lines or generate_journal(vouchers=1, seed=3)
    rows = table(render_kingdee(lines))
    customers = [r[rows[0].index("核算项目")] for r in rows[1:] if r[rows[0].index("核算项目")]]

    result = parse(to_csv(rows), "k3.csv")

    assert all(c.startswith("客户---01.") or c.startswith("供应商---01.") for c in customers)
    by_voucher = {line.voucher_no: line.counterparty_name for line in lines if line.counterparty_name}
    for line in result.ledger_lines():
        if line.voucher_no in by_voucher and line.contra_accounts in {"应收账款", "应付账款"}:
            assert line.counterparty_name == by_voucher[line.voucher_no]


def test_foreign_currency_lines_stay_in_cny_with_a_notice() -> None:
    rows = table(render_kingdee(generate_journal(vouchers=4, seed=6)))
    set_cell(rows, 2, "币别代码", "USD")
    set_cell(rows, 2, "币别名称", "美元")

    result = parse(to_csv(rows), "k3.csv")

    assert result.problems == ()
    [notice] = result.notices
    assert (notice.row, notice.column, notice.severity) == (3, "币别代码", Severity.NOTICE)
    assert "外币" in notice.message_zh
    assert set(result.lines["currency"]) | set(result.context["currency"]) == {"CNY"}  # type: ignore[index]


def test_a_missing_core_column_is_named_with_the_header_row() -> None:
    rows = table(render_kingdee(generate_journal(vouchers=2), title="凭证"))
    header = next(i for i, r in enumerate(rows) if "贷方" in r)
    at = rows[header].index("贷方")

    result = parse(to_csv([r[:at] + r[at + 1 :] for r in rows]), "k3.csv")

    assert [(p.row, p.column) for p in result.problems] == [(header + 1, "贷方")]


@pytest.mark.parametrize(
    ("header", "value", "why"),
    [
        ("借方", "1O0.00", "借方金额无法识别"),
        ("凭证日期", "2026/13/01", "日期无法识别"),
        ("凭证号", "十二", "凭证号无法识别"),
    ],
)
def test_a_bad_cell_is_named_by_row_column_and_value(header: str, value: str, why: str) -> None:
    rows = table(render_kingdee(generate_journal(vouchers=3, seed=1)))
    set_cell(rows, 3, header, value)

    [problem] = parse(to_csv(rows), "k3.csv").problems

    assert (problem.row, problem.column, problem.value, problem.message_zh) == (4, header, value, why)


def test_an_unbalanced_voucher_is_a_problem_at_its_first_line() -> None:
    lines = generate_journal(vouchers=3, seed=1)
    rows = table(render_kingdee(lines))
    last = max(i for i, r in enumerate(rows) if r[rows[0].index("凭证号")] == "2")
    first = min(i for i, r in enumerate(rows) if r[rows[0].index("凭证号")] == "2")
    side = "借方" if rows[last][rows[0].index("借方")] != "0" else "贷方"
    set_cell(rows, last, side, "0.01")

    [problem] = parse(to_csv(rows), "k3.csv").problems

    assert (problem.row, problem.column, problem.value) == (first + 1, "凭证号", "记-0002")
    assert "借贷不平" in problem.message_zh


def test_sniff_tells_kingdee_from_the_standard_journal() -> None:
    lines = generate_journal(vouchers=2)
    k3 = render_kingdee(lines, encoding="utf-8", title="凭证引出")
    standard = render_standard_journal(lines)

    assert sniff(k3, k3.decode("utf-8"))
    assert sniff(render_kingdee(lines, file_type="xlsx"), None)
    assert not sniff(standard, standard.decode("utf-8-sig"))
    assert not sniff(b"", "")


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_raise_and_never_make_lines(data: bytes) -> None:
    result = parse(data, "random.bin")

    assert result.lines.is_empty()
    assert all("internal" not in p.message_en for p in result.problems)
    sniff(data, None)


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(0, 10**6))
def test_a_truncated_export_never_raises_and_never_invents_lines(cut: int) -> None:
    lines = generate_journal(vouchers=6, seed=12)
    data = render_kingdee(lines)

    result = parse(data[: cut % (len(data) + 1)], "cut.csv")

    assert all("internal" not in p.message_en for p in result.problems)
    original = {line.row: line for line in lines}
    found = parsed(result)
    last = max((line.row for line in found), default=0)
    assert view([line for line in found if line.row < last]) == view([original[line.row] for line in found][:-1])
