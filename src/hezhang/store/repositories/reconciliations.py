"""Reconciliations (余额调节表) in versions, with their lines, matches and outstanding items (未达账项).

`save` writes the whole state of one reconciliation version: the record, and its matches and outstanding items
(and, when given, the stored lines it numbers) replacing the ones stored before. Matches and items are mappings of
`matches` / `outstanding_items` columns; `client_id`, `reconciliation_id`, `archive_type` and `retain_until` come
from the reconciliation. A period's versions are never changed by a newer one: `supersede` only names the newer
version on the older.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, func, select

from hezhang.store.records import Reconciliation
from hezhang.store.repositories.base import Repository, as_record, as_row
from hezhang.store.retention import retention_for
from hezhang.store.tables import matches, outstanding_items, reconciliation_lines, reconciliations
from hezhang.store.tables.base import utcnow
from hezhang.store.tables.reconciliations import RECONCILIATION_STATUSES


class ReconciliationLockedError(PermissionError):
    def __init__(self, reconciliation_id: UUID) -> None:
        super().__init__(f"调节表 {reconciliation_id} 已锁定 / reconciliation {reconciliation_id} is locked")


class ReconciliationRepository(Repository):
    def save(
        self,
        record: Reconciliation,
        match_rows: Iterable[Mapping[str, Any]] = (),
        items: Iterable[Mapping[str, Any]] = (),
        lines: Sequence[tuple[str, int, UUID]] | None = None,
    ) -> UUID:
        """Insert or replace the reconciliation version `record.id` with its matches and outstanding items; `lines`
        ((side, ordinal, line id), side "bank" or "ledger") replace its lines when given."""
        if record.archive_type is None:
            archive_type, until = retention_for(reconciliations.name, record.period, record.created_at.date())
            record = dataclasses.replace(record, archive_type=archive_type, retain_until=until)
        if record.status not in RECONCILIATION_STATUSES:
            raise ValueError(f"unknown reconciliation status {record.status!r}")
        row = as_row(record)
        existing = self.get(record.id)
        if existing is None:
            self._insert(reconciliations, [row])
        else:
            if existing.status == "locked":
                raise ReconciliationLockedError(record.id)
            self.scope.check(existing.client_id)
            row.pop("created_at")
            self._update(reconciliations, record.id, record.client_id, {**row, "updated_at": utcnow()})
            for table in (matches, outstanding_items, *([reconciliation_lines] if lines is not None else [])):
                self.connection.execute(
                    table.delete().where(table.c.reconciliation_id == record.id, self.scope.where(table))
                )
        inherited = {
            "client_id": record.client_id,
            "reconciliation_id": record.id,
            "archive_type": record.archive_type,
            "retain_until": record.retain_until,
        }
        self._insert(matches, ({**m, **inherited} for m in match_rows))
        self._insert(outstanding_items, ({**i, **inherited} for i in items))
        if lines is not None:
            self._insert(reconciliation_lines, (
                {"side": side, "ordinal": ordinal, "bank_line_id": line_id if side == "bank" else None,
                 "ledger_line_id": line_id if side == "ledger" else None, **inherited}
                for side, ordinal, line_id in lines
            ))  # fmt: skip
        return record.id

    def supersede(self, older: Reconciliation, newer_id: UUID) -> None:
        """Name `newer_id` as the version that replaced `older` (its status and content stay as they are)."""
        self._update(reconciliations, older.id, older.client_id, {"superseded_by": newer_id})

    def acknowledge_gaps(self, record: Reconciliation, by: str, reason: bytes) -> None:
        self._update(reconciliations, record.id, record.client_id,
                     {"gaps_acknowledged_by": by, "gaps_acknowledged_at": utcnow(), "gaps_reason": reason})  # fmt: skip

    def set_status(self, reconciliation_id: UUID, status: str, *, reviewer: str | None = None) -> bool:
        """Move to `status`; a locked reconciliation stays locked. False when not found or not allowed."""
        if status not in RECONCILIATION_STATUSES:
            raise ValueError(f"unknown reconciliation status {status!r}")
        existing = self.get(reconciliation_id)
        if existing is None:
            return False
        if existing.status == "locked":
            raise ReconciliationLockedError(reconciliation_id)
        values: dict[str, Any] = {"status": status, "updated_at": utcnow()}
        if reviewer is not None:
            values["reviewer"] = reviewer
        return self._update(reconciliations, reconciliation_id, existing.client_id, values)

    def get(self, reconciliation_id: UUID) -> Reconciliation | None:
        statement = self._select(reconciliations).where(reconciliations.c.id == reconciliation_id)
        return as_record(Reconciliation, self.connection.execute(statement).mappings().first())

    def current(self, client_id: UUID, bank_account_id: UUID, period: str) -> Reconciliation | None:
        """The period's current version (the one no newer version replaced), or None."""
        statement = self._select(reconciliations).where(
            reconciliations.c.client_id == client_id,
            reconciliations.c.bank_account_id == bank_account_id,
            reconciliations.c.period == period,
            reconciliations.c.superseded_by.is_(None),
        )
        return as_record(Reconciliation, self.connection.execute(statement).mappings().first())

    def versions(self, client_id: UUID, bank_account_id: UUID, period: str) -> list[Reconciliation]:
        """Every version of the period, oldest first."""
        statement = self._select(reconciliations).where(
            reconciliations.c.client_id == client_id,
            reconciliations.c.bank_account_id == bank_account_id,
            reconciliations.c.period == period,
        )
        rows = self._rows(statement.order_by(reconciliations.c.version))
        return [r for row in rows if (r := as_record(Reconciliation, row)) is not None]

    def next_version(self, client_id: UUID, bank_account_id: UUID, period: str) -> int:
        statement = select(func.coalesce(func.max(reconciliations.c.version), 0)).where(
            reconciliations.c.client_id == client_id,
            reconciliations.c.bank_account_id == bank_account_id,
            reconciliations.c.period == period,
            self.scope.where(reconciliations),
        )
        return int(self.connection.execute(statement).scalar_one()) + 1

    def lines(self, reconciliation_id: UUID) -> Sequence[RowMapping]:
        """The version's lines: side, ordinal and the stored line's id, by side and ordinal."""
        statement = self._select(reconciliation_lines).where(
            reconciliation_lines.c.reconciliation_id == reconciliation_id
        )
        return self._rows(statement.order_by(reconciliation_lines.c.side, reconciliation_lines.c.ordinal))

    def matches(self, reconciliation_id: UUID) -> Sequence[RowMapping]:
        statement = self._select(matches).where(matches.c.reconciliation_id == reconciliation_id)
        return self._rows(statement.order_by(matches.c.match_id))

    def deciders(self, reconciliation_id: UUID) -> set[str]:
        """Everyone whose decision on a match stands in the reconciliation (confirmed, manual, rejected, undone)."""
        statement = (
            select(matches.c.confirmed_by)
            .distinct()
            .where(matches.c.reconciliation_id == reconciliation_id, matches.c.confirmed_by.is_not(None),
                   self.scope.where(matches))
        )  # fmt: skip
        return {row[0] for row in self.connection.execute(statement)}

    def outstanding(self, reconciliation_id: UUID) -> Sequence[RowMapping]:
        statement = self._select(outstanding_items).where(outstanding_items.c.reconciliation_id == reconciliation_id)
        return self._rows(statement.order_by(outstanding_items.c.date, outstanding_items.c.id))
