"""Chinese corporate online-banking exports: every bank's layout, in every file type, reads back exactly."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories.bank_lines import MONTH, Statement, statements, view
from tests.factories.xls import render_bank_export_xls

from hezhang.domain.lines import BankLine, Direction
from hezhang.domain.money import Money
from hezhang.importers import cn_bank, parse_bank
from hezhang.samples.bank_exports import BANKS, LAYOUTS, bank_rows, csv_bytes, file_order, render_bank_export
from hezhang.samples.statements import generate_bank_lines

REAL = Path("/work/shared/data/real/deb-sig")
FILE_KINDS = ("csv-utf-8", "csv-utf-8-sig", "csv-gbk", "xls", "xlsx")
ROUND_TRIP = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def render(bank: str, variant: str | None, kind: str, statement: Statement) -> bytes:
    who = {"account": statement.account, "account_name": statement.account_name, "period": statement.period}
    if kind == "xls":
        return render_bank_export_xls(bank, statement.lines, variant=variant, **who)
    if kind == "xlsx":
        return render_bank_export(bank, statement.lines, variant=variant, file_type="xlsx", **who)
    encoding = kind.removeprefix("csv-")
    return render_bank_export(bank, statement.lines, variant=variant, encoding=encoding, **who)


@pytest.mark.parametrize("kind", FILE_KINDS)
@pytest.mark.parametrize(("bank", "variant"), list(LAYOUTS), ids=[f"{b}-{v}" if v else b for b, v in LAYOUTS])
@ROUND_TRIP
@given(statement=statements())
def test_every_layout_reads_back_the_lines_it_was_written_from(
    bank: str, variant: str | None, kind: str, statement: Statement
) -> None:
    result = parse_bank(render(bank, variant, kind, statement), f"{bank}.{kind}")

    assert result.problems == ()
    assert (result.meta.format, result.meta.bank) == ("cn-bank", bank)
    assert (result.meta.account, result.meta.account_name) == (statement.account, statement.account_name)
    assert result.meta.period == statement.period
    assert result.meta.currency == "CNY"
    fields = LAYOUTS[(bank, variant)].carries()
    expected = file_order(bank, statement.lines, variant)
    parsed = list(result.bank_lines())
    assert view(parsed, fields) == view(expected, fields, statement.account)
    assert [line.row for line in parsed] == list(range(1, len(expected) + 1))


def test_every_bank_has_a_layout_that_carries_the_essentials() -> None:
    assert set(BANKS) == {"icbc", "ccb", "abc", "boc", "cmb", "bocom", "spdb", "cmbc"}
    for layout in LAYOUTS.values():
        assert {"date", "direction", "amount", "balance", "counterparty_name", "memo"} <= layout.carries()


@pytest.mark.parametrize("bank", BANKS)
def test_the_bank_is_known_by_its_headers_when_the_file_has_no_title(bank: str) -> None:
    lines = generate_bank_lines(5, seed=1)
    rows = bank_rows(bank, lines, account="6222000011112222", account_name="某某有限公司", period=MONTH)
    header_at = rows.index(list(LAYOUTS[(bank, None)].header))
    result = parse_bank(csv_bytes(rows[header_at:], "gb18030"), "bare.csv")

    assert result.problems == ()
    assert result.meta.bank == bank
    assert len(result.lines) == len(lines)


def test_a_long_icbc_export_padded_with_tabs_is_still_comma_separated() -> None:
    """Every ICBC cell ends in a tab: past a few dozen lines there are more tabs than commas."""
    lines = [
        replace(line, amount=Money(50_000), balance=Money(60_000 if line.direction == "in" else 10_000))
        for line in _alternating(generate_bank_lines(300, seed=2))
    ]
    data = render_bank_export("icbc", lines, account="4000021209200012345", account_name="某某有限公司", period=MONTH)

    assert data.count(b"\t") > data.count(b",")
    result = parse_bank(data, "icbc.csv")
    assert result.problems == ()
    assert len(result.lines) == 300
    assert result.total_fen("out") == 150 * 50_000


def _alternating(lines: list[BankLine]) -> list[BankLine]:
    return [replace(line, direction=Direction.IN if i % 2 == 0 else Direction.OUT) for i, line in enumerate(lines)]


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_realistic_generated_statements_read_back_with_balances(kind: str) -> None:
    lines = generate_bank_lines(60, seed=3)
    statement = Statement(lines, "31001234567890123", "上海世创商贸有限公司", MONTH)
    for bank, variant in LAYOUTS:
        result = parse_bank(render(bank, variant, kind, statement), "x")
        assert result.problems == (), (bank, variant)
        assert result.meta.opening_balance is not None
        assert result.meta.opening_balance.fen == lines[0].balance.fen - lines[0].signed_fen  # type: ignore[union-attr]
        assert result.meta.closing_balance == lines[-1].balance


def _postings(beancount: Path, account: str) -> Counter[tuple[date, int]]:
    """(date, signed fen) of each posting on `account` in a beancount file."""
    found: Counter[tuple[date, int]] = Counter()
    day = None
    for line in beancount.read_text("utf-8").splitlines():
        if m := re.match(r"^(\d{4}-\d{2}-\d{2}) \*", line):
            day = date.fromisoformat(m.group(1))
        elif (m := re.match(rf"^\s+{re.escape(account)} (-?[\d.]+) CNY", line)) and day is not None:
            found[(day, round(float(m.group(1)) * 100))] += 1
    return found


def _signed(lines: list[BankLine]) -> Counter[tuple[date, int]]:
    return Counter((line.date, line.signed_fen) for line in lines)


def test_a_real_icbc_export_with_padding_masked_balances_and_a_totals_footer() -> None:
    folder = REAL / "icbc" / "debit-v1"
    result = parse_bank((folder / "example-icbc-debit-v1-records.csv").read_bytes(), "icbc.csv")

    assert result.problems == ()
    assert (result.meta.bank, result.meta.account) == ("icbc", "1234****9876")
    lines = list(result.bank_lines())
    assert len(lines) == 11  # the 人民币合计 row is not a line
    assert all(line.balance is None for line in lines)  # "xx,yyyy.zz": masked by the bank
    assert not _postings(folder / "example-icbc-debit-v1-output.beancount", "Assets:Bank:CN:ICBC") - _signed(lines)


def test_a_real_cmb_export_with_signed_amounts() -> None:
    folder = REAL / "cmb" / "debit"
    result = parse_bank((folder / "example-cmb-records.csv").read_bytes(), "cmb.csv")

    assert result.problems == ()
    assert result.meta.bank == "cmb"
    assert _signed(list(result.bank_lines())) == _postings(
        folder / "example-cmb-debit-output.beancount", "Assets:DebitCard:CMB"
    )


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000))
def test_any_bytes_give_a_result_never_an_exception(data: bytes) -> None:
    head = data.decode("utf-8", "replace")
    cn_bank.sniff(data, head)
    result = cn_bank.parse(data, "noise.csv")
    assert result.ok or result.problems


@pytest.mark.parametrize("kind", ["xls", "xlsx", "csv-gbk"])
def test_a_truncated_file_gives_problems_not_an_exception(kind: str) -> None:
    statement = Statement(generate_bank_lines(20, seed=4), "6222000011112222", "某某有限公司", MONTH)
    data = render("ccb", None, kind, statement)
    for cut in (7, len(data) // 3, len(data) // 2, len(data) - 9):
        result = cn_bank.parse(data[:cut], "cut")
        assert result.ok or result.problems
        assert len(result.lines) <= 20


def test_a_one_day_newest_first_export_has_a_consistent_balance() -> None:
    generated = generate_bank_lines(60, seed=5)
    busiest = Counter(line.date for line in generated).most_common(1)[0][0]
    lines = [line for line in generated if line.date == busiest]
    balance = 100_000
    lines = [replace(line, balance=Money(balance := balance + line.signed_fen)) for line in lines]
    statement = Statement(lines, "4000021209200012345", "某某有限公司", MONTH)
    assert len(lines) > 1

    assert parse_bank(render("icbc", None, "csv-gbk", statement), "icbc.csv").problems == ()


def test_a_truncated_xls_through_detection_gives_problems_not_an_exception() -> None:
    statement = Statement(generate_bank_lines(20, seed=4), "6222000011112222", "某某有限公司", MONTH)
    data = render("ccb", None, "xls", statement)

    assert not parse_bank(data[: len(data) - 9], "cut.xls").ok
