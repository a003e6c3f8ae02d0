"""Reconciliations (余额调节表) with their matches and outstanding items (未达账项).

`save` writes the whole state of one reconciliation: the record, and its matches and outstanding items
replacing the ones stored before. Matches and items are mappings of `matches` / `outstanding_items` columns;
`client_id`, `reconciliation_id`, `archive_type` and `retain_until` come from the reconciliation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, select

from hezhang.store.records import Reconciliation
from hezhang.store.repositories.base import Repository, as_record, as_row
from hezhang.store.retention import retention_for
from hezhang.store.tables import matches, outstanding_items, reconciliations
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
    ) -> UUID:
        """Insert or replace the reconciliation `record.id` with its matches and outstanding items."""
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
            for table in (matches, outstanding_items):
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
        return record.id

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

    def find(self, client_id: UUID, bank_account_id: UUID, period: str) -> Reconciliation | None:
        statement = self._select(reconciliations).where(
            reconciliations.c.client_id == client_id,
            reconciliations.c.bank_account_id == bank_account_id,
            reconciliations.c.period == period,
        )
        return as_record(Reconciliation, self.connection.execute(statement).mappings().first())

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
