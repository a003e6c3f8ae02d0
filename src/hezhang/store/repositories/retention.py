"""Retention in the store: what has expired, destroying expired records, destruction requests, the register
(销毁清册), and clients' deletion requests (the freeze).

A kept record is a *head* (a statement import, a journal import, a reconciliation) with its children (lines;
matches and outstanding items). Children inherit the head's archive type and `retain_until`, and are destroyed
with it. A record is expired on day D when `retain_until < D`; `retain_until` null means permanent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, Table, func, select

from hezhang.store.repositories.base import Repository
from hezhang.store.tables import (
    bank_lines,
    clients,
    deletion_requests,
    destruction_register,
    destruction_requests,
    journal_imports,
    ledger_lines,
    matches,
    outstanding_items,
    reconciliation_lines,
    reconciliations,
    statement_imports,
)
from hezhang.store.tables.base import utcnow

#: Head table -> its children (table, column referring to the head). Reconciliations come first: they refer to
#: imports, so they must go before the imports they name.
HEADS: dict[str, tuple[Table, list[tuple[Table, str]]]] = {
    "reconciliations": (
        reconciliations,
        [
            (matches, "reconciliation_id"),
            (outstanding_items, "reconciliation_id"),
            (reconciliation_lines, "reconciliation_id"),
        ],
    ),
    "statement_imports": (statement_imports, [(bank_lines, "import_id")]),
    "journal_imports": (journal_imports, [(ledger_lines, "import_id")]),
}
#: Every table whose rows carry a retention date, heads and children.
KEPT_TABLES: tuple[Table, ...] = tuple(
    t for head, children in HEADS.values() for t in (head, *(c for c, _ in children))
)


@dataclass(frozen=True, slots=True)
class ExpiryGroup:
    """Rows of one client and table sharing an archive type and retention date."""

    client_id: UUID
    table: str
    archive_type: str
    retain_until: date | None
    count: int


@dataclass(frozen=True, slots=True)
class KeptRecord:
    """A head record with its retention."""

    table: str
    id: UUID
    client_id: UUID
    period: str | None
    archive_type: str
    retain_until: date | None


@dataclass(frozen=True, slots=True)
class DestroyedGroup:
    """What one destruction removed of one table, archive type and retention date (one register entry)."""

    table: str
    archive_type: str
    retain_until: date | None
    count: int
    periods: tuple[str, ...]


class RetentionRepository(Repository):
    # --- what is kept and what has expired --------------------------------------------------------------------

    def groups(self, *, expired_before: date | None = None) -> list[ExpiryGroup]:
        """Row counts per client, table, archive type and retention date (only `retain_until < expired_before`
        when given), over every kept table of the allowed clients."""
        out: list[ExpiryGroup] = []
        for table in KEPT_TABLES:
            c = table.c
            statement = select(c.client_id, c.archive_type, c.retain_until, func.count()).where(self.scope.where(table))
            if expired_before is not None:
                statement = statement.where(c.retain_until < expired_before)
            statement = statement.group_by(c.client_id, c.archive_type, c.retain_until)
            for client_id, archive_type, until, count in self.connection.execute(statement):
                out.append(ExpiryGroup(client_id, table.name, archive_type, until, int(count)))
        return sorted(out, key=lambda g: (str(g.client_id), g.table, g.retain_until or date.max))

    def kept_until(self, client_id: UUID) -> date | None:
        """The last retention date of any record the client still has (None: nothing dated is kept)."""
        self.scope.check(client_id)
        dates = [
            self.connection.execute(
                select(func.max(t.c.retain_until)).where(t.c.client_id == client_id, self.scope.where(t))
            ).scalar()
            for t in KEPT_TABLES
        ]
        present = [d for d in dates if d is not None]
        return max(present) if present else None

    def heads(
        self, client_id: UUID, *, tables: Sequence[str] | None = None, record_ids: Sequence[UUID] | None = None
    ) -> list[KeptRecord]:
        """The client's head records, limited to `tables` and `record_ids` when given."""
        self.scope.check(client_id)
        out: list[KeptRecord] = []
        for name, (table, _) in HEADS.items():
            if tables is not None and name not in tables:
                continue
            c = table.c
            statement = select(c.id, c.client_id, c.period, c.archive_type, c.retain_until).where(
                c.client_id == client_id, self.scope.where(table)
            )
            if record_ids is not None:
                statement = statement.where(c.id.in_(list(record_ids)))
            for row in self.connection.execute(statement.order_by(c.retain_until, c.id)):
                out.append(KeptRecord(name, row.id, row.client_id, row.period, row.archive_type, row.retain_until))
        return out

    # --- destruction ----------------------------------------------------------------------------------------------

    def destroy(self, records: Iterable[KeptRecord]) -> tuple[list[DestroyedGroup], list[KeptRecord]]:
        """Delete the records and their children. An import still named by a reconciliation that stays is held
        back. Returns the destroyed rows grouped per table, archive type and date, and the records held back."""
        by_table: dict[str, list[KeptRecord]] = {}
        for record in records:
            self.scope.check(record.client_id)
            by_table.setdefault(record.table, []).append(record)
        groups: list[DestroyedGroup] = []
        held: list[KeptRecord] = []
        for name, (table, children) in HEADS.items():
            chosen = by_table.get(name, [])
            if name != "reconciliations":
                named = self._named_by_reconciliations(name, [r.id for r in chosen])
                held += [r for r in chosen if r.id in named]
                chosen = [r for r in chosen if r.id not in named]
            batches: dict[tuple[str, date | None], list[KeptRecord]] = {}
            for record in chosen:
                batches.setdefault((record.archive_type, record.retain_until), []).append(record)
            for (archive_type, until), batch in batches.items():
                ids = [r.id for r in batch]
                periods = tuple(sorted({r.period for r in batch if r.period}))
                for child, column in children:
                    deleted = self._delete(child, child.c[column].in_(ids))
                    groups.append(DestroyedGroup(child.name, archive_type, until, deleted, periods))
                groups.append(
                    DestroyedGroup(name, archive_type, until, self._delete(table, table.c.id.in_(ids)), periods)
                )
        return [g for g in groups if g.count], held

    def _named_by_reconciliations(self, import_table: str, ids: list[UUID]) -> set[UUID]:
        if not ids:
            return set()
        lines, used = (
            (bank_lines, reconciliation_lines.c.bank_line_id)
            if import_table == "statement_imports"
            else (ledger_lines, reconciliation_lines.c.ledger_line_id)
        )
        statement = (
            select(lines.c.import_id).distinct().join(reconciliation_lines, used == lines.c.id)
            .where(lines.c.import_id.in_(ids), self.scope.where(lines))
        )  # fmt: skip
        return {row[0] for row in self.connection.execute(statement)}

    def _delete(self, table: Table, condition: Any) -> int:
        result = self.connection.execute(table.delete().where(condition, self.scope.where(table)))
        return int(result.rowcount)

    # --- destruction requests and the register -------------------------------------------------------------------

    def add_destruction_request(self, row: dict[str, Any]) -> UUID:
        return self._insert(destruction_requests, [row])[0]

    def destruction_request(self, request_id: UUID) -> RowMapping | None:
        statement = self._select(destruction_requests).where(destruction_requests.c.id == request_id)
        return self.connection.execute(statement).mappings().first()

    def destruction_requests(self, status: str | None = None) -> Sequence[RowMapping]:
        statement = self._select(destruction_requests)
        if status is not None:
            statement = statement.where(destruction_requests.c.status == status)
        return self._rows(statement.order_by(destruction_requests.c.requested_at, destruction_requests.c.id))

    def decide_destruction_request(self, row: RowMapping, status: str, decided_by: str) -> bool:
        values = {"status": status, "decided_by": decided_by, "decided_at": utcnow()}
        return self._update(destruction_requests, row["id"], row["client_id"], values)

    def register(self, entries: Iterable[dict[str, Any]]) -> list[UUID]:
        """Add 销毁清册 entries (kept permanently: the application may only add and read them)."""
        return self._insert(destruction_register, entries)

    def register_entries(self) -> Sequence[RowMapping]:
        statement = self._select(destruction_register)
        return self._rows(statement.order_by(destruction_register.c.destroyed_at, destruction_register.c.id))

    # --- clients' deletion requests (the freeze) -----------------------------------------------------------------

    def add_deletion_request(self, row: dict[str, Any]) -> UUID:
        return self._insert(deletion_requests, [row])[0]

    def open_deletion_request(self, client_id: UUID) -> RowMapping | None:
        """The client's deletion request that freezes its data now, if any."""
        statement = self._select(deletion_requests).where(
            deletion_requests.c.client_id == client_id, deletion_requests.c.status == "frozen"
        )
        return self.connection.execute(statement.order_by(deletion_requests.c.requested_at.desc())).mappings().first()

    def decide_deletion_request(self, row: RowMapping, status: str, decided_by: str) -> bool:
        values = {"status": status, "decided_by": decided_by, "decided_at": utcnow()}
        return self._update(deletion_requests, row["id"], row["client_id"], values)

    def client_status(self, client_id: UUID) -> str | None:
        statement = select(clients.c.status).where(clients.c.id == client_id, self.scope.where(clients))
        value = self.connection.execute(statement).scalar()
        return None if value is None else str(value)
