"""CSV cells a spreadsheet will not run as formulas (OWASP CSV injection), with numbers left alone."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from factories.month_files import Txn, bank_csv
from hezhang.reports.csv_text import FORMULA_START, neutral, neutral_expr
from hezhang.services.parsing import parse_file


@pytest.mark.parametrize(
    ("text", "written"),
    [("=1+1", "'=1+1"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"),
     ("-2+3", "'-2+3"), ("\t=1+1", "'\t=1+1"), ("\r=1", "'\r=1"), ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
     ("-12.50", "-12.50"), ("+3", "+3"), ("收货款", "收货款"), ("", "")],
)  # fmt: skip
def test_formula_like_text_is_neutralized_and_numbers_are_not(text: str, written: str) -> None:
    assert neutral(text) == written
    assert pl.DataFrame({"c": [text]}).select(neutral_expr("c")).item() == written


@given(st.text())
def test_no_text_leaves_as_a_formula_and_the_frame_agrees(text: str) -> None:
    out = neutral(text)
    assert not out.startswith(FORMULA_START) or out.lstrip("+-").replace(".", "", 1).isdigit()
    assert out in (text, "'" + text)
    assert pl.DataFrame({"c": [text]}).select(neutral_expr("c")).item() == out


def test_parse_out_writes_a_formula_memo_as_text(tmp_path: Path) -> None:
    memos = ["=1+1", "\t=1+1", "+SUM(A1)", "@cmd", "-1+2", "退款"]
    txns = [Txn(date(2026, 10, 1 + i), 100_00, "in", '=HYPERLINK("x")', memo) for i, memo in enumerate(memos)]
    statement = tmp_path / "bank.csv"
    statement.write_bytes(bank_csv(txns, opening=-500_00))
    out = tmp_path / "lines.csv"
    summary = parse_file(statement, "bank", out=out)
    assert not summary.problems
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["memo"][:1] for r in rows] == ["'", "'", "'", "'", "'", "退"]
    assert all(r["counterparty_name"].startswith("'=") for r in rows)
    assert rows[0]["balance"] == "-400.00" and rows[0]["amount"] == "100.00"  # numbers stay numbers
