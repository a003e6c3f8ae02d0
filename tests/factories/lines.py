"""Small bank and ledger frames for engine tests, built from short descriptions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from hezhang.domain.frames import BANK_SCHEMA, LEDGER_SCHEMA, frame_from_records

START = date(2026, 10, 1)


def bank(*lines: dict[str, Any]) -> pl.DataFrame:
    records = []
    for i, spec in enumerate(lines, start=1):
        record = {"row": i, "currency": "CNY", **spec}
        record["date"] = START + timedelta(days=record.pop("day", 0)) if "date" not in record else record["date"]
        records.append(record)
    return frame_from_records(records, BANK_SCHEMA)


def ledger(*lines: dict[str, Any]) -> pl.DataFrame:
    records = []
    for i, spec in enumerate(lines, start=1):
        record = {"row": i, "currency": "CNY", "account_code": "100201", "voucher_no": f"记-{i:04d}", **spec}
        record["date"] = START + timedelta(days=record.pop("day", 0)) if "date" not in record else record["date"]
        records.append(record)
    return frame_from_records(records, LEDGER_SCHEMA)


def pairs_of(result: Any, status: str = "auto") -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    return {(m.bank_rows, m.ledger_rows) for m in result.matches if m.status.value == status}
