"""Statement and journal imports with their lines, each written in one go.

Lines are mappings of `bank_lines` / `ledger_lines` columns (the frame columns of `BANK_SCHEMA` /
`LEDGER_SCHEMA`, S2 ones sealed, plus their blind indexes). `client_id`, `import_id`, `archive_type` and
`retain_until` come from the import; a line without `id` gets one (pass it when a value was sealed with it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, Table, select

from hezhang.store.locks import hold
from hezhang.store.records import JournalImport, StatementImport
from hezhang.store.repositories.base import Repository, as_record, as_row
from hezhang.store.retention import retention_for
from hezhang.store.tables import bank_lines, journal_imports, ledger_lines, statement_imports


class ImportRepository(Repository):
    def add_statement(self, record: StatementImport, lines: Iterable[Mapping[str, Any]]) -> UUID:
        """Store a bank statement import and all its lines; returns the import's id."""
        return self._add(statement_imports, bank_lines, as_row(_with_retention(statement_imports, record)), lines)

    def add_journal(self, record: JournalImport, lines: Iterable[Mapping[str, Any]]) -> UUID:
        """Store a journal import and all its lines; returns the import's id."""
        return self._add(journal_imports, ledger_lines, as_row(_with_retention(journal_imports, record)), lines)

    def get_statement(self, import_id: UUID) -> StatementImport | None:
        statement = self._select(statement_imports).where(statement_imports.c.id == import_id)
        return as_record(StatementImport, self.connection.execute(statement).mappings().first())

    def get_journal(self, import_id: UUID) -> JournalImport | None:
        statement = self._select(journal_imports).where(journal_imports.c.id == import_id)
        return as_record(JournalImport, self.connection.execute(statement).mappings().first())

    def find_statement_by_sha256(self, client_id: UUID, sha256: str) -> list[StatementImport]:
        """Earlier imports of the same file for the client (to refuse a second import)."""
        statement = self._select(statement_imports).where(
            statement_imports.c.client_id == client_id, statement_imports.c.sha256 == sha256
        )
        return [r for row in self._rows(statement) if (r := as_record(StatementImport, row)) is not None]

    def find_journal_by_sha256(self, client_id: UUID, sha256: str) -> list[JournalImport]:
        statement = self._select(journal_imports).where(
            journal_imports.c.client_id == client_id, journal_imports.c.sha256 == sha256
        )
        return [r for row in self._rows(statement) if (r := as_record(JournalImport, row)) is not None]

    def lock_account(self, bank_account_id: UUID) -> None:
        """Hold the account's import lock to the end of the transaction (imports of one account run in turn)."""
        hold(self.connection, "statement_import", str(bank_account_id))

    def lock_journal(self, client_id: UUID) -> None:
        hold(self.connection, "journal_import", str(client_id))

    def bank_fingerprints(self, bank_account_id: UUID, first: date, last: date) -> list[bytes]:
        """Identities of the account's stored lines dated `first`..`last` (one per line: twins appear twice)."""
        query = (
            select(bank_lines.c.fingerprint)
            .join(statement_imports, statement_imports.c.id == bank_lines.c.import_id)
            .where(statement_imports.c.bank_account_id == bank_account_id, bank_lines.c.date >= first,
                   bank_lines.c.date <= last, self.scope.where(bank_lines))
        )  # fmt: skip
        return [bytes(row[0]) for row in self.connection.execute(query)]

    def ledger_fingerprints(self, client_id: UUID, first: date, last: date) -> list[bytes]:
        query = select(ledger_lines.c.fingerprint).where(
            ledger_lines.c.client_id == client_id, ledger_lines.c.date >= first, ledger_lines.c.date <= last,
            self.scope.where(ledger_lines),
        )  # fmt: skip
        return [bytes(row[0]) for row in self.connection.execute(query)]

    def period_bank_lines(self, bank_account_id: UUID, first: date, last: date) -> Sequence[RowMapping]:
        """The account's stored lines dated `first`..`last`, from every import, in a stable order: by date, then
        by import (oldest first), then by the import's own row (S2 columns as ciphertext)."""
        query = (
            select(bank_lines)
            .join(statement_imports, statement_imports.c.id == bank_lines.c.import_id)
            .where(statement_imports.c.bank_account_id == bank_account_id, bank_lines.c.date >= first,
                   bank_lines.c.date <= last, self.scope.where(bank_lines))
            .order_by(bank_lines.c.date, statement_imports.c.imported_at, statement_imports.c.id, bank_lines.c.row)
        )  # fmt: skip
        return self._rows(query)

    def period_ledger_lines(self, client_id: UUID, first: date, last: date) -> Sequence[RowMapping]:
        """The client's journal lines of every account dated `first`..`last`, from every import, ordered as
        `period_bank_lines` orders bank lines."""
        query = (
            select(ledger_lines)
            .join(journal_imports, journal_imports.c.id == ledger_lines.c.import_id)
            .where(ledger_lines.c.client_id == client_id, ledger_lines.c.date >= first, ledger_lines.c.date <= last,
                   self.scope.where(ledger_lines))
            .order_by(ledger_lines.c.date, journal_imports.c.imported_at, journal_imports.c.id, ledger_lines.c.row)
        )  # fmt: skip
        return self._rows(query)

    def lines_by_id(self, table: Table, ids: Sequence[UUID]) -> dict[UUID, RowMapping]:
        """Stored lines of `table` (bank_lines or ledger_lines) by id."""
        found: dict[UUID, RowMapping] = {}
        for start in range(0, len(ids), 1000):
            chunk = list(ids[start : start + 1000])
            for row in self._rows(self._select(table).where(table.c.id.in_(chunk))):
                found[row["id"]] = row
        return found

    def statements_of(self, bank_account_id: UUID) -> list[StatementImport]:
        """The account's statement imports, newest first."""
        statement = self._select(statement_imports).where(statement_imports.c.bank_account_id == bank_account_id)
        rows = self._rows(statement.order_by(statement_imports.c.imported_at.desc()))
        return [r for row in rows if (r := as_record(StatementImport, row)) is not None]

    def journals_of(self, client_id: UUID) -> list[JournalImport]:
        """The client's journal imports, newest first."""
        statement = self._select(journal_imports).where(journal_imports.c.client_id == client_id)
        rows = self._rows(statement.order_by(journal_imports.c.imported_at.desc()))
        return [r for row in rows if (r := as_record(JournalImport, row)) is not None]

    def statement_lines(self, import_id: UUID) -> Sequence[RowMapping]:
        """The statement's lines in `row` order (S2 columns as ciphertext)."""
        return self._rows(
            self._select(bank_lines).where(bank_lines.c.import_id == import_id).order_by(bank_lines.c.row)
        )

    def journal_lines(self, import_id: UUID) -> Sequence[RowMapping]:
        statement = self._select(ledger_lines).where(ledger_lines.c.import_id == import_id)
        return self._rows(statement.order_by(ledger_lines.c.row))

    def _add(self, head: Table, line_table: Table, record: dict[str, Any], lines: Iterable[Mapping[str, Any]]) -> UUID:
        import_id: UUID = self._insert(head, [record])[0]
        inherited = {
            "client_id": record["client_id"],
            "import_id": import_id,
            "archive_type": record["archive_type"],
            "retain_until": record["retain_until"],
        }
        self._insert(line_table, ({**line, **inherited} for line in lines))
        return import_id


def _with_retention(table: Table, record: Any) -> Any:
    if record.archive_type is not None:
        return record
    archive_type, until = retention_for(table.name, record.period, record.imported_at.date())
    return dataclasses.replace(record, archive_type=archive_type, retain_until=until)
