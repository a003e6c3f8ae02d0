"""Clients' data keys, wrapped by the keyring (S3: never shown, never exported)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select

from hezhang.store.repositories.base import Repository
from hezhang.store.tables import client_keys
from hezhang.store.tables.base import utcnow


@dataclass(frozen=True, slots=True)
class StoredKey:
    id: UUID
    client_id: UUID
    key_version: int
    wrapped_key: bytes | None
    algorithm: str


class ClientKeyRepository(Repository):
    def add(self, client_id: UUID, key_version: int, wrapped_key: bytes, algorithm: str) -> UUID:
        row = {"client_id": client_id, "key_version": key_version, "wrapped_key": wrapped_key, "algorithm": algorithm}
        return self._insert(client_keys, [row])[0]

    def current(self, client_id: UUID) -> StoredKey | None:
        """The client's live data key (the newest not destroyed), or None."""
        row = (
            self.connection.execute(
                self._select(client_keys)
                .where(client_keys.c.client_id == client_id, client_keys.c.destroyed_at.is_(None))
                .order_by(client_keys.c.created_at.desc())
            )
            .mappings()
            .first()
        )
        return None if row is None else _key(row)

    def all_live(self) -> list[StoredKey]:
        """Every live key of the allowed clients (for rewrapping)."""
        rows = self._rows(self._select(client_keys).where(client_keys.c.destroyed_at.is_(None)))
        return [_key(r) for r in rows]

    def rewrap(self, key: StoredKey, key_version: int, wrapped_key: bytes) -> bool:
        return self._update(
            client_keys, key.id, key.client_id, {"key_version": key_version, "wrapped_key": wrapped_key}
        )

    def destroy(self, client_id: UUID) -> int:
        """Crypto-shredding: forget every data key of the client. What was sealed with them is unreadable from
        now on in the database and in every backup made after this. A backup made before still holds the key,
        wrapped by the keyring: it becomes unreadable once that keyring version is retired (see docs/backup.md)."""
        self.scope.check(client_id)
        result = self.connection.execute(
            client_keys.update()
            .where(client_keys.c.client_id == client_id, self.scope.where(client_keys))
            .values(wrapped_key=None, destroyed_at=utcnow())
        )
        return int(result.rowcount)

    def versions_in_use(self) -> dict[int, int]:
        """Key version -> number of live wrapped keys on it."""
        rows = self.connection.execute(
            select(client_keys.c.key_version).where(self.scope.where(client_keys), client_keys.c.destroyed_at.is_(None))
        ).all()
        counts: dict[int, int] = {}
        for (version,) in rows:
            counts[version] = counts.get(version, 0) + 1
        return counts


def _key(row: object) -> StoredKey:
    m = dict(row)  # type: ignore[call-overload]
    return StoredKey(m["id"], m["client_id"], m["key_version"], m["wrapped_key"], m["algorithm"])
