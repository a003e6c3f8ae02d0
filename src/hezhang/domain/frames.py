"""Columnar form of bank and ledger lines: the Polars schemas that importers produce and matching reads.

A frame holds many lines at once so that a million of them cost a few arrays, not a million objects.
Amounts are Int64 fen, always >= 0, with `direction` "in" or "out" (see `Direction`).
`row` is the line's ordinal (see `BankLine`, `LedgerLine`); `source_row` is where it stands in the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, time
from typing import Any

import polars as pl

from hezhang.domain.lines import BankLine, Direction, LedgerLine
from hezhang.domain.money import Money

BANK_SCHEMA: Mapping[str, pl.DataType] = {
    "row": pl.Int64(),
    "source_row": pl.Int64(),
    "date": pl.Date(),
    "time": pl.Time(),
    "value_date": pl.Date(),
    "direction": pl.String(),
    "amount": pl.Int64(),
    "currency": pl.String(),
    "balance": pl.Int64(),
    "counterparty_name": pl.String(),
    "counterparty_account": pl.String(),
    "counterparty_bank": pl.String(),
    "memo": pl.String(),
    "bank_ref": pl.String(),
    "instrument_no": pl.String(),
    "settlement_method": pl.String(),
    "account": pl.String(),
}

LEDGER_SCHEMA: Mapping[str, pl.DataType] = {
    "row": pl.Int64(),
    "source_row": pl.Int64(),
    "date": pl.Date(),
    "voucher_no": pl.String(),
    "entry_no": pl.Int64(),
    "account_code": pl.String(),
    "account_name": pl.String(),
    "direction": pl.String(),
    "amount": pl.Int64(),
    "currency": pl.String(),
    "memo": pl.String(),
    "counterparty_name": pl.String(),
    "contra_accounts": pl.String(),
    "settlement_method": pl.String(),
    "settlement_no": pl.String(),
    "preparer": pl.String(),
}


def conform(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Return `frame` with exactly the columns of `schema`, in order; missing columns are null."""
    return frame.select(
        [
            (frame[name].cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype)).alias(name)
            for name, dtype in schema.items()
        ]
    )


def frame_from_records(records: Sequence[Mapping[str, Any]], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Build a frame from dicts whose keys are schema columns (absent keys are null)."""
    columns = {name: [r.get(name) for r in records] for name in schema}
    return pl.DataFrame(columns, schema=dict(schema))


def _money(fen: int | None, currency: str | None) -> Money | None:
    return None if fen is None else Money(fen, currency or "CNY")


def bank_lines(frame: pl.DataFrame) -> Iterator[BankLine]:
    """The frame's rows as `BankLine` records, in frame order."""
    for r in frame.iter_rows(named=True):
        yield BankLine(
            row=r["row"],
            date=r["date"],
            direction=Direction(r["direction"]),
            amount=Money(r["amount"], r["currency"] or "CNY"),
            time=r["time"],
            value_date=r["value_date"],
            balance=_money(r["balance"], r["currency"]),
            counterparty_name=r["counterparty_name"],
            counterparty_account=r["counterparty_account"],
            counterparty_bank=r["counterparty_bank"],
            memo=r["memo"],
            bank_ref=r["bank_ref"],
            instrument_no=r["instrument_no"],
            settlement_method=r["settlement_method"],
            account=r["account"],
        )


def ledger_lines(frame: pl.DataFrame) -> Iterator[LedgerLine]:
    """The frame's rows as `LedgerLine` records, in frame order."""
    for r in frame.iter_rows(named=True):
        yield LedgerLine(
            row=r["row"],
            date=r["date"],
            voucher_no=r["voucher_no"],
            account_code=r["account_code"],
            direction=Direction(r["direction"]),
            amount=Money(r["amount"], r["currency"] or "CNY"),
            entry_no=r["entry_no"],
            account_name=r["account_name"],
            memo=r["memo"],
            counterparty_name=r["counterparty_name"],
            contra_accounts=r["contra_accounts"],
            settlement_method=r["settlement_method"],
            settlement_no=r["settlement_no"],
            preparer=r["preparer"],
        )


def bank_record(line: BankLine, source_row: int | None = None) -> dict[str, date | time | int | str | None]:
    """A `BankLine` as a dict of frame columns (the inverse of `bank_lines`)."""
    return {
        "row": line.row,
        "source_row": source_row,
        "date": line.date,
        "time": line.time,
        "value_date": line.value_date,
        "direction": line.direction.value,
        "amount": line.amount.fen,
        "currency": line.amount.currency,
        "balance": None if line.balance is None else line.balance.fen,
        "counterparty_name": line.counterparty_name,
        "counterparty_account": line.counterparty_account,
        "counterparty_bank": line.counterparty_bank,
        "memo": line.memo,
        "bank_ref": line.bank_ref,
        "instrument_no": line.instrument_no,
        "settlement_method": line.settlement_method,
        "account": line.account,
    }
