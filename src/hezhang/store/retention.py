"""Archive types and retention dates (会计档案管理办法, schedule 1; DOMAIN.md "Retention").

A period counts from the end of the fiscal (calendar) year the record belongs to: a journal of 2026-10 is kept
30 years, until 2056-12-31. `retain_until` null means permanent.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from hezhang.domain.period import Period


class ArchiveType(StrEnum):
    JOURNAL_30Y = "journal_30y"  # 日记账, 明细账, 记账凭证
    STATEMENT_10Y = "statement_10y"  # 银行对账单
    RECONCILIATION_10Y = "reconciliation_10y"  # 银行存款余额调节表
    REGISTER_PERMANENT = "register_permanent"  # 销毁清册, 档案保管清册

    @property
    def years(self) -> int | None:
        return _YEARS[self]


_YEARS = {
    ArchiveType.JOURNAL_30Y: 30,
    ArchiveType.STATEMENT_10Y: 10,
    ArchiveType.RECONCILIATION_10Y: 10,
    ArchiveType.REGISTER_PERMANENT: None,
}

#: The archive type of each kept record table.
TABLE_ARCHIVE_TYPES: dict[str, ArchiveType] = {
    "statement_imports": ArchiveType.STATEMENT_10Y,
    "bank_lines": ArchiveType.STATEMENT_10Y,
    "journal_imports": ArchiveType.JOURNAL_30Y,
    "ledger_lines": ArchiveType.JOURNAL_30Y,
    "reconciliations": ArchiveType.RECONCILIATION_10Y,
    "matches": ArchiveType.RECONCILIATION_10Y,
    "outstanding_items": ArchiveType.RECONCILIATION_10Y,
    "reconciliation_lines": ArchiveType.RECONCILIATION_10Y,
    "destruction_register": ArchiveType.REGISTER_PERMANENT,
}


def retain_until(archive_type: ArchiveType, period_end: date) -> date | None:
    """The last day a record of the period ending `period_end` must be kept; None = permanent."""
    years = archive_type.years
    return None if years is None else date(period_end.year + years, 12, 31)


def retention_for(table: str, period: str | None, fallback: date) -> tuple[str, date | None]:
    """(archive_type, retain_until) of a record of `table` for `period` ("2026-10" or a range); without a
    period the record counts from `fallback` (e.g. the day it was imported)."""
    archive_type = TABLE_ARCHIVE_TYPES[table]
    end = Period.parse(period).end if period else fallback
    return archive_type.value, retain_until(archive_type, end)
