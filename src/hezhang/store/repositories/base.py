"""What every repository shares: the connection, the client scope, checked inserts and scoped selects."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Connection, RowMapping, Select, Table, select

from hezhang.store.registry import client_column_of
from hezhang.store.scope import ClientScope
from hezhang.store.sealing import check_sealed
from hezhang.store.tables.base import new_id

R = TypeVar("R")


class Repository:
    def __init__(self, connection: Connection, scope: ClientScope) -> None:
        self.connection = connection
        self.scope = scope

    def _select(self, table: Table) -> Select[Any]:
        """SELECT * FROM table, limited to the allowed clients."""
        return select(table).where(self.scope.where(table))

    def _checked(self, table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
        """`row` made ready to insert: known columns only, an id, its client allowed, S2 values sealed."""
        unknown = set(row) - set(table.c.keys())
        if unknown:
            raise ValueError(f"{table.name} has no columns {sorted(unknown)}")
        values = dict(row)
        if values.get("id") is None:
            values["id"] = new_id()
        client_column = client_column_of(table)
        assert client_column is not None
        self.scope.check(values.get(client_column))
        check_sealed(table, values)
        return values

    def _insert(self, table: Table, rows: Iterable[Mapping[str, Any]]) -> list[UUID]:
        """Insert rows in one statement (executemany); returns their ids."""
        values = [self._checked(table, row) for row in rows]
        if values:
            self.connection.execute(table.insert(), values)
        return [v["id"] for v in values]

    def _update(self, table: Table, row_id: UUID, client_id: UUID, values: Mapping[str, Any]) -> bool:
        """Update one row of an allowed client; False when no such row is visible."""
        self.scope.check(client_id)
        check_sealed(table, values)
        result = self.connection.execute(
            table.update().where(table.c.id == row_id, self.scope.where(table)).values(**values)
        )
        return result.rowcount == 1

    def _rows(self, statement: Select[Any]) -> Sequence[RowMapping]:
        return self.connection.execute(statement).mappings().all()


def as_record(record_type: type[R], row: RowMapping | None) -> R | None:
    """A dataclass record from a row whose columns include the record's fields."""
    if row is None:
        return None
    names = [f.name for f in dataclasses.fields(record_type)]  # type: ignore[arg-type]
    return record_type(**{name: _plain(row[name]) for name in names})


def as_row(record: object) -> dict[str, Any]:
    return dataclasses.asdict(record)  # type: ignore[call-overload, no-any-return]


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value
