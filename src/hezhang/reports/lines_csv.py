"""Normalized lines as CSV: the output of `hezhang parse`."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from hezhang.reports.csv_text import neutral_expr
from hezhang.reports.decimal_text import fen_text

BANK_COLUMNS = (
    "row",
    "date",
    "time",
    "direction",
    "amount",
    "balance",
    "currency",
    "counterparty_name",
    "counterparty_account",
    "counterparty_bank",
    "memo",
    "bank_ref",
    "instrument_no",
    "settlement_method",
    "value_date",
    "account",
)
JOURNAL_COLUMNS = (
    "row",
    "date",
    "voucher_no",
    "entry_no",
    "account_code",
    "account_name",
    "direction",
    "amount",
    "currency",
    "memo",
    "counterparty_name",
    "contra_accounts",
    "settlement_method",
    "settlement_no",
    "preparer",
)


def render_lines(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The frame with amounts as decimal strings, text that a spreadsheet could run as a formula neutralized
    (`reports.csv_text`), and the columns in the documented order."""
    columns = BANK_COLUMNS if kind == "bank" else JOURNAL_COLUMNS
    money = [c for c in ("amount", "balance") if c in columns]
    texts = [c for c in columns if c not in money and frame.schema.get(c) == pl.String]
    return frame.with_columns([fen_text(c) for c in money] + [neutral_expr(c) for c in texts]).select(list(columns))


def write_lines_csv(frame: pl.DataFrame, kind: str, path: Path) -> None:
    render_lines(frame, kind).write_csv(path, date_format="%Y-%m-%d", time_format="%H:%M:%S")
