"""Serializing work on one thing (a bank account's imports, a person's reveals) across concurrent transactions.

PostgreSQL: a transaction-level advisory lock on a 64-bit key derived from (namespace, key), held until the
transaction ends, so two transactions checking then writing (are these lines stored yet? how many reveals this
hour?) run one after the other instead of both passing the check. SQLite: every unit of work already holds the
database's write lock from its start (BEGIN IMMEDIATE, see `store.engine`), so there is nothing more to take.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, text

_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def lock_key(namespace: str, key: str) -> int:
    """A signed 64-bit key for `pg_advisory_xact_lock` (namespaces keep different kinds of lock apart)."""
    digest = hashlib.sha256(f"{namespace}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def hold(connection: Connection, namespace: str, key: str) -> None:
    """Take the lock on (namespace, key) until the end of the current transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK, {"key": lock_key(namespace, key)})
