"""Clients (客户)."""

from __future__ import annotations

from uuid import UUID

from hezhang.store.records import Client
from hezhang.store.repositories.base import Repository, as_record, as_row
from hezhang.store.tables import clients


class ClientRepository(Repository):
    def add(self, client: Client) -> UUID:
        """Add a client; its id must be among the allowed clients (the service allows it when creating it)."""
        return self._insert(clients, [as_row(client)])[0]

    def get(self, client_id: UUID) -> Client | None:
        """The client, or None when it does not exist or is not allowed (the two are not told apart)."""
        row = self.connection.execute(self._select(clients).where(clients.c.id == client_id)).mappings().first()
        return as_record(Client, row)

    def list(self) -> list[Client]:
        rows = self._rows(self._select(clients).order_by(clients.c.name, clients.c.id))
        return [c for row in rows if (c := as_record(Client, row)) is not None]

    def set_status(self, client_id: UUID, status: str) -> bool:
        return self._update(clients, client_id, client_id, {"status": status})
