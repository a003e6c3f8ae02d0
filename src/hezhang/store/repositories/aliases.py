"""Learned aliases of counterparties (client scoped; names sealed, looked up by blind index)."""

from __future__ import annotations

import builtins
from uuid import UUID

from hezhang.store.records import Alias
from hezhang.store.repositories.base import Repository, as_record, as_row
from hezhang.store.tables import aliases


class AliasRepository(Repository):
    def add(self, alias: Alias) -> UUID:
        return self._insert(aliases, [as_row(alias)])[0]

    def list(self, client_id: UUID) -> list[Alias]:
        statement = self._select(aliases).where(aliases.c.client_id == client_id)
        rows = self._rows(statement.order_by(aliases.c.created_at, aliases.c.id))
        return [a for row in rows if (a := as_record(Alias, row)) is not None]

    def find_by_core(self, client_id: UUID, core_name_bi: bytes) -> builtins.list[Alias]:
        statement = self._select(aliases).where(
            aliases.c.client_id == client_id, aliases.c.core_name_bi == core_name_bi
        )
        return [a for row in self._rows(statement) if (a := as_record(Alias, row)) is not None]

    def remove(self, client_id: UUID, alias_id: UUID) -> bool:
        self.scope.check(client_id)
        result = self.connection.execute(aliases.delete().where(aliases.c.id == alias_id, self.scope.where(aliases)))
        return result.rowcount == 1
