"""The hezhang standard statement CSV: round trips, its date forms and optional columns, fast path = careful path."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories.bank_lines import Statement, statements, view

from hezhang.importers import parse_bank, standard
from hezhang.importers.result import ImportResult
from hezhang.importers.text import decode
from hezhang.samples.bank_exports import render_standard_csv
from hezhang.samples.statements import generate_bank_lines

FIELDS = (
    "date",
    "time",
    "bank_ref",
    "memo",
    "counterparty_name",
    "counterparty_account",
    "direction",
    "amount",
    "balance",
    "currency",
)
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def both_paths(data: bytes) -> tuple[ImportResult | None, ImportResult]:
    text, encoding = decode(data)
    utf8 = data if encoding.startswith("utf-8") else text.encode("utf-8")
    return standard.parse_fast(utf8, "s.csv", encoding), standard.parse_careful(text, encoding, "s.csv")


def assert_same(a: ImportResult, b: ImportResult) -> None:
    assert a.lines.equals(b.lines, null_equal=True)
    assert (a.problems, a.notices, a.meta) == (b.problems, b.notices, b.meta)


@pytest.mark.parametrize("encoding", ENCODINGS)
@SETTINGS
@given(statement=statements(max_lines=12))
def test_the_standard_csv_reads_back_the_lines_it_was_written_from(encoding: str, statement: Statement) -> None:
    data = render_standard_csv(statement.lines, encoding)
    result = parse_bank(data, "standard.csv")

    assert result.problems == ()
    assert result.meta.format == "standard"
    assert view(result.bank_lines(), FIELDS) == view(statement.lines, FIELDS)


@pytest.mark.parametrize("date_format", ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d"])
def test_dates_may_be_written_three_ways(date_format: str) -> None:
    lines = generate_bank_lines(20, seed=21)
    result = parse_bank(render_standard_csv(lines, date_format=date_format), "s.csv")

    assert result.problems == ()
    assert [line.date for line in result.bank_lines()] == [line.date for line in lines]


@pytest.mark.parametrize(
    "columns",
    [
        [c for c in standard.STANDARD_HEADER if c != "交易时间"],
        [c for c in standard.STANDARD_HEADER if c != "币种"],
        [c for c in standard.STANDARD_HEADER if c not in standard.OPTIONAL],
        list(reversed(standard.STANDARD_HEADER)),
    ],
    ids=["no-time", "no-currency", "neither", "reversed"],
)
def test_time_and_currency_are_optional_and_columns_go_by_name(columns: list[str]) -> None:
    lines = generate_bank_lines(20, seed=22)
    result = parse_bank(render_standard_csv(lines, columns=columns), "s.csv")

    assert result.problems == ()
    assert result.meta.format == "standard"
    fields = [f for f in FIELDS if f != "time"] + (["time"] if "交易时间" in columns else [])
    assert view(result.bank_lines(), fields) == view(lines, fields)
    assert all(line.amount.currency == "CNY" for line in result.bank_lines())


def test_a_header_with_a_column_it_does_not_know_is_not_the_standard_csv() -> None:
    text = render_standard_csv(generate_bank_lines(3, seed=23)).decode("utf-8")
    text = text.replace("\r\n", ",备注\r\n", 1)

    assert not standard.sniff(text.encode("utf-8"), text)
    assert parse_bank(text.encode("utf-8"), "s.csv").meta.format == "cn-bank"


@pytest.mark.parametrize("encoding", ENCODINGS)
@SETTINGS
@given(statement=statements(max_lines=12))
def test_the_fast_path_and_the_careful_path_agree(encoding: str, statement: Statement) -> None:
    fast, careful = both_paths(render_standard_csv(statement.lines, encoding))

    assert fast is not None
    assert_same(fast, careful)


@SETTINGS
@given(
    statement=statements(min_lines=3, max_lines=12),
    bad=st.sampled_from(["12.3.4", "1.005", "一百元", "2026-13-01", "￥", "1e5"]),
    column=st.sampled_from([0, 6, 7, 8]),
    at=st.integers(0, 2),
)
def test_both_paths_report_the_same_problems_for_a_bad_cell(
    statement: Statement, bad: str, column: int, at: int
) -> None:
    lines = render_standard_csv(statement.lines).decode("utf-8").split("\r\n")
    cells = lines[1 + at].split(",") if '"' not in lines[1 + at] else None
    if cells is None:
        return  # a quoted cell: keep the surgery simple
    cells[column] = bad
    lines[1 + at] = ",".join(cells)
    fast, careful = both_paths("\r\n".join(lines).encode("utf-8"))

    assert fast is not None and not fast.ok
    assert_same(fast, careful)
    assert any(p.row == 2 + at and p.value == bad for p in fast.problems)


def test_blank_lines_give_the_same_lines_at_their_physical_rows() -> None:
    plain = render_standard_csv(generate_bank_lines(30, seed=24)).decode("utf-8").split("\r\n")
    spaced = "\r\n".join([plain[0], "", *plain[1:10], "", "", *plain[10:]]).encode("utf-8")
    reference = parse_bank("\r\n".join(plain).encode("utf-8"), "s.csv")
    fast, careful = both_paths(spaced)

    assert careful.problems == ()
    assert careful.lines.drop("source_row").equals(reference.lines.drop("source_row"), null_equal=True)
    assert careful.lines["source_row"].to_list()[8:11] == [11, 14, 15]
    if fast is not None:  # Polars reads a blank line as an empty row: the same lines, the same places
        assert_same(fast, careful)


def test_a_quoted_line_break_takes_the_careful_path_and_keeps_line_numbers() -> None:
    lines = generate_bank_lines(10, seed=26)
    lines[3] = replace(lines[3], memo="第一行\n第二行")
    fast, careful = both_paths(render_standard_csv(lines))

    assert fast is None  # rows and physical lines differ: the careful path reads it
    assert careful.problems == ()
    assert [line.memo for line in careful.bank_lines()] == [line.memo for line in lines]
    assert careful.lines["source_row"].to_list()[3:6] == [5, 7, 8]  # the row after the break starts on line 7


def test_a_bad_row_in_a_large_file_is_found_by_the_fast_path() -> None:
    lines = generate_bank_lines(5000, seed=25)
    text = render_standard_csv(lines).decode("utf-8").split("\r\n")
    text[4321] = text[4321].replace(text[4321].split(",")[0], "2026-02-30", 1)
    data = "\r\n".join(text).encode("utf-8")
    fast, _ = both_paths(data)

    assert fast is not None
    assert [(p.row, p.column, p.value) for p in fast.problems] == [(4322, "交易日期", "2026-02-30")]
    assert isinstance(fast.lines, pl.DataFrame) and fast.lines.height == 4999  # the bad line is a problem, not a line


def test_cells_padded_with_nbsp_or_zero_width_spaces_read_as_their_content_on_both_paths() -> None:
    """A statement copied out of a web page: NBSP after a date, before an amount, after a name."""
    data = (
        "交易日期,交易时间,流水号,摘要,对方户名,对方账号,收入金额,支出金额,余额,币种\n"
        "2026-10-01\u00a0,10:00:00,A1,货款,张三\u00a0,6222,100.00,,1100.00,CNY\n"
        "\u200b2026-10-02,10:00:00,A2,货款,李四,6223,,\u00a050.00,1050.00\u2003,CNY\n"
    ).encode()
    fast, careful = both_paths(data)
    assert fast is not None
    assert_same(fast, careful)
    assert fast.ok, fast.problems
    assert fast.lines["counterparty_name"].to_list() == ["张三", "李四"]
    assert fast.lines["amount"].to_list() == [10000, 5000]
