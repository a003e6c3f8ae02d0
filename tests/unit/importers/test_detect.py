"""Format detection and the promise of every importer: no exception on any input, no line not in the file."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang.domain.money import Money
from hezhang.domain.period import Period
from hezhang.importers import format_names, parse_bank, parse_journal
from hezhang.importers.result import ImportResult, StatementMeta
from hezhang.samples.bank_exports import render_bank_export, render_standard_csv
from hezhang.samples.journal import generate_journal, render_kingdee, render_standard_journal
from hezhang.samples.payment_bills import render_alipay, render_wechat
from hezhang.samples.statements import generate_bank_lines
from hezhang.samples.swift import render_camt053, render_mt940, render_ofx

LINES = generate_bank_lines(30, seed=11)
OCT = Period.month(2026, 10)
META = StatementMeta("x", account="31050161373600001234", currency="CNY", period=OCT, opening_balance=Money(50_000_000),
                     closing_balance=LINES[-1].balance)  # fmt: skip
BANK_FILES = {
    "standard": render_standard_csv(LINES, "utf-8-sig"),
    "cn-bank": render_bank_export("ccb", LINES, account="6222000011112222", account_name="某某有限公司", period=OCT),
    "alipay": render_alipay(LINES[:10]),
    "wechat": render_wechat(LINES[:10]),
    "mt940": render_mt940(LINES, META),
    "camt053": render_camt053(LINES, META),
    "ofx": render_ofx(LINES, META),
}
JOURNAL = generate_journal(OCT, vouchers=20, seed=3)
JOURNAL_FILES = {
    "journal-standard": render_standard_journal(JOURNAL),
    "journal-kingdee": render_kingdee(JOURNAL, file_type="xlsx"),
}


def _keys(result: ImportResult) -> Counter[tuple[date, str, int]]:
    return Counter(result.lines.select("date", "direction", "amount").iter_rows())


@pytest.mark.parametrize("name", list(BANK_FILES))
def test_each_bank_format_is_detected(name: str) -> None:
    result = parse_bank(BANK_FILES[name], f"file-{name}")
    assert result.ok, result.problems[:3]
    assert result.meta.format == name
    assert name in format_names("bank")


@pytest.mark.parametrize("name", list(JOURNAL_FILES))
def test_each_journal_format_is_detected(name: str) -> None:
    result = parse_journal(JOURNAL_FILES[name], f"file-{name}")
    assert result.ok, result.problems[:3]
    assert result.meta.format == name


def test_a_forced_unknown_format_is_refused_with_the_choices() -> None:
    result = parse_bank(BANK_FILES["standard"], "x.csv", format="nonsense")
    (problem,) = result.problems
    assert "standard" in problem.message_en and "nonsense" in problem.message_zh


def test_an_unknown_file_says_what_was_tried() -> None:
    result = parse_bank(b"hello\nworld\n", "note.txt")
    assert not result.ok and result.lines.is_empty()
    assert "tried" in result.problems[0].message_en


@settings(max_examples=150)
@given(st.binary(max_size=4096))
def test_random_bytes_never_raise(data: bytes) -> None:
    for parse in (parse_bank, parse_journal):
        result = parse(data, "random.bin")
        assert result.ok or result.problems


@settings(max_examples=60)
@given(st.sampled_from(sorted(BANK_FILES)), st.data())
def test_a_truncated_statement_never_gains_a_line(name: str, data: st.DataObject) -> None:
    whole = BANK_FILES[name]
    cut = data.draw(st.integers(0, len(whole)))
    original = _keys(parse_bank(whole, name))
    result = parse_bank(whole[:cut], name)
    assert not (_keys(result) - original), "a line that is not in the file"


@settings(max_examples=60)
@given(st.sampled_from(sorted(BANK_FILES)), st.data())
def test_a_damaged_statement_never_raises(name: str, data: st.DataObject) -> None:
    whole = bytearray(BANK_FILES[name])
    for _ in range(data.draw(st.integers(1, 5))):
        at = data.draw(st.integers(0, len(whole) - 1))
        whole[at] = data.draw(st.integers(0, 255))
    result = parse_bank(bytes(whole), name)
    assert result.ok or result.problems


@settings(max_examples=40)
@given(st.sampled_from(["gbk", "utf-16", "latin-1"]))
def test_a_wrong_encoding_is_read_or_refused_never_garbled_into_lines(encoding: str) -> None:
    text = BANK_FILES["standard"].decode("utf-8-sig")
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode(encoding, errors="replace")
    result = parse_bank(data, "enc.csv")
    if result.ok:
        assert _keys(result) == _keys(parse_bank(BANK_FILES["standard"], "ok.csv"))
