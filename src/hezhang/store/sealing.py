"""The seam between the store and envelope encryption.

Repositories accept S2 values already sealed (bytes). A service seals them with a `Sealer`, which it implements
with `hezhang.security.envelope` (FieldCipher + the client's data key + blind_index). The associated data of a
value is (client id, table name, column name, row id), so a ciphertext copied to another row or client fails to
open. Ids are made before the row is written (`hezhang.store.tables.new_id`) for exactly this reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol
from uuid import UUID

from sqlalchemy import Table

from hezhang.store.registry import blind_indexes, sealed_columns


class Sealer(Protocol):
    def seal(self, client_id: UUID, table: str, column: str, row_id: UUID, plaintext: bytes) -> bytes:
        """Encrypt `plaintext` under the client's data key, bound to (client, table, column, row id)."""
        ...

    def open(self, client_id: UUID, table: str, column: str, row_id: UUID, ciphertext: bytes) -> bytes:
        """Decrypt what `seal` made for the same (client, table, column, row id); raise if it does not fit."""
        ...

    def blind(self, client_id: UUID, domain: str, plaintext: bytes) -> bytes:
        """HMAC of `plaintext` under the client's key for equality lookups; `domain` is the index's domain
        (e.g. "counterparty_name"), passed as the `column` of `security.blind_index`."""
        ...


class UnsealedValueError(TypeError):
    """A plaintext value reached an S2 column."""


def seal_values(
    sealer: Sealer, table: Table, client_id: UUID, row_id: UUID, plain: Mapping[str, str | bytes | None]
) -> dict[str, bytes | None]:
    """Seal every S2 column of `table` present in `plain` and compute the blind indexes that go with them.

    Returns column -> ciphertext (or blind index); None stays None. A key that is not an S2 column is refused,
    so nothing plain slips through under a wrong name.
    """
    s2 = set(sealed_columns(table))
    unknown = set(plain) - s2
    if unknown:
        raise ValueError(f"不是 {table.name} 的加密列 / not sealed columns of {table.name}: {sorted(unknown)}")
    out: dict[str, bytes | None] = {}
    for column, value in plain.items():
        data = value.encode() if isinstance(value, str) else value
        out[column] = None if data is None else sealer.seal(client_id, table.name, column, row_id, data)
    for index_column, (source, domain) in blind_indexes(table).items():
        if source in plain:
            value = plain[source]
            data = value.encode() if isinstance(value, str) else value
            out[index_column] = None if data is None else sealer.blind(client_id, domain, data)
    return out


def check_sealed(table: Table, values: Mapping[str, object]) -> None:
    """Raise `UnsealedValueError` when an S2 column of `table` is given anything but bytes or None."""
    for column in sealed_columns(table):
        value = values.get(column)
        if value is not None and not isinstance(value, bytes | bytearray | memoryview):
            raise UnsealedValueError(
                f"{table.name}.{column} 须为密文 / must be ciphertext bytes, got {type(value).__name__}"
            )
