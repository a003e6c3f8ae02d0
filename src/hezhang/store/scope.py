"""The clients a unit of work may touch: every repository read is filtered by it, every write checked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import ColumnElement, Table, false

from hezhang.store.registry import client_column_of


class ClientNotAllowedError(PermissionError):
    """A write for a client outside the unit of work's allowed clients."""

    def __init__(self, client_id: UUID | None) -> None:
        super().__init__(
            f"无权操作客户 {client_id} 的数据 / client {client_id} is not among this transaction's allowed clients"
        )
        self.client_id = client_id


@dataclass(frozen=True, slots=True)
class ClientScope:
    allowed: frozenset[UUID]

    @classmethod
    def of(cls, client_ids: Iterable[UUID]) -> ClientScope:
        ids = frozenset(client_ids)
        for client_id in ids:
            if not isinstance(client_id, UUID):
                raise TypeError(f"client ids are UUIDs, got {type(client_id).__name__}")
        return cls(ids)

    def setting(self) -> str:
        """The value of `hezhang.allowed_clients`: comma-separated UUIDs, empty for none."""
        return ",".join(sorted(str(c) for c in self.allowed))

    def check(self, client_id: UUID | None) -> UUID:
        if client_id is None or client_id not in self.allowed:
            raise ClientNotAllowedError(client_id)
        return client_id

    def where(self, table: Table) -> ColumnElement[bool]:
        """The filter that keeps a query of `table` inside the allowed clients (nothing when there are none)."""
        name = client_column_of(table)
        if name is None:
            raise ValueError(f"{table.name} is not client scoped")
        if not self.allowed:
            return false()
        return table.c[name].in_(sorted(self.allowed))
