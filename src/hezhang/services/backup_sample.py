"""After a restore: open a few sealed values of every client whose data key is live, with the keyring at hand.

Proves the restored rows, the restored wrapped data keys and the keyring fit together. A client without a live
data key (crypto-shredded) is listed, not opened: its data is meant to stay unreadable, in backups too.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Table, select

from hezhang.security.errors import SecurityError
from hezhang.security.keyring import Keyring
from hezhang.services.backup_archive import BackupProblem, Fault
from hezhang.store.engine import make_engine
from hezhang.store.registry import client_column_of, sealed_columns
from hezhang.store.sealer import EnvelopeSealer, MissingDataKeyError
from hezhang.store.tables import clients, metadata
from hezhang.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class DecryptionSample:
    clients: int
    #: Clients with a live data key whose sampled values all opened.
    opened_clients: int
    values_opened: int
    #: Clients without a live data key (crypto-shredded): not opened, on purpose.
    shredded: tuple[UUID, ...]
    problems: tuple[BackupProblem, ...]


def _failed(client_id: UUID, where: str, error: Exception) -> BackupProblem:
    return BackupProblem(
        Fault.DECRYPTION_SAMPLE,
        f"客户 {client_id} 的 {where} 无法解密：{error}",
        f"client {client_id}: {where} does not decrypt: {error}",
    )


class _SampleError(Exception):
    def __init__(self, problem: BackupProblem) -> None:
        self.problem = problem


Scoped = list[tuple[Table, str, tuple[str, ...]]]


def _open_client(uow: UnitOfWork, sealer: EnvelopeSealer, client_id: UUID, scoped: Scoped, per_table: int) -> int:
    """How many sealed values of the client opened; `_SampleError` at the first that does not."""
    count = 0
    for table, client_column, columns in scoped:
        rows = uow.connection.execute(
            select(table.c.id, *(table.c[c] for c in columns))
            .where(table.c[client_column] == client_id)
            .order_by(table.c.id)
            .limit(per_table)
        ).mappings()
        for row in rows:
            for column in columns:
                if row[column] is None:
                    continue
                try:
                    sealer.open(client_id, table.name, column, row["id"], bytes(row[column]))
                except (SecurityError, MissingDataKeyError) as error:
                    raise _SampleError(_failed(client_id, f"{table.name}.{column}", error)) from None
                count += 1
    return count


def sample_decryption(url: str, keyring: Keyring, tables: set[str], per_table: int = 3) -> DecryptionSample:
    """Open up to `per_table` rows' sealed values per client-scoped table in `tables`, for every client.

    `url` is the administrator's on PostgreSQL (the sample reads every client)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            ids = list(connection.execute(select(clients.c.id)).scalars())
        scoped: Scoped = [
            (t, str(client_column_of(t)), sealed_columns(t))
            for t in metadata.sorted_tables
            if t.name in tables and client_column_of(t) and sealed_columns(t)
        ]
        problems: list[BackupProblem] = []
        shredded: list[UUID] = []
        opened = values = 0
        with UnitOfWork(engine, ids) as uow:
            sealer = EnvelopeSealer(keyring, uow.keys)
            for client_id in ids:
                key = uow.keys.current(client_id)
                if key is None or key.wrapped_key is None:
                    shredded.append(client_id)
                    continue
                try:
                    values += _open_client(uow, sealer, client_id, scoped, per_table)
                    opened += 1
                except _SampleError as failure:
                    problems.append(failure.problem)
    finally:
        engine.dispose()
    return DecryptionSample(len(ids), opened, values, tuple(shredded), tuple(problems))
