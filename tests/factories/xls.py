"""BIFF .xls files (Excel 97-2003) of the bank export layouts, written with xlwt (a dev-only dependency).

Many online banks still offer "导出 Excel" as .xls; the rows are the same as the CSV and XLSX exports
(`hezhang.samples.bank_exports.bank_rows`), only the container differs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import xlwt

from hezhang.domain.lines import BankLine
from hezhang.domain.period import Period
from hezhang.samples.bank_exports import Cell, bank_rows

_DATE_STYLE = xlwt.easyxf(num_format_str="YYYY-MM-DD")


def xls_bytes(rows: Sequence[Sequence[Cell]], sheet_name: str = "明细") -> bytes:
    """Rows of cells as one .xls sheet: text as text, numbers as numbers, dates as date-formatted numbers."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(sheet_name)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write(r, c, value, _DATE_STYLE)
            elif isinstance(value, Decimal):
                sheet.write(r, c, float(value))
            else:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_bank_export_xls(
    bank: str,
    lines: Sequence[BankLine],
    *,
    account: str,
    account_name: str,
    period: Period,
    variant: str | None = None,
) -> bytes:
    """`lines` as `bank`'s online banking writes them into an .xls file."""
    rows = bank_rows(
        bank, lines, account=account, account_name=account_name, period=period, variant=variant, spreadsheet=True
    )
    return xls_bytes(rows)
