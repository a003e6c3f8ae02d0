"""Shared pieces of the tables: the metadata, column helpers that carry a data class, and common columns.

Every column carries `info={"data_class": DataClass.Sx}` (the field registry, see `hezhang.store.registry`).
S2 columns hold ciphertext (`LargeBinary`); a `<name>_bi` column beside one holds its blind index.
Ids are UUIDs made by the caller (`new_id`), so a value can be sealed with its row id before the row is written.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    LargeBinary,
    MetaData,
    String,
    Uuid,
)

from hezhang.privacy.classes import DataClass

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: Table info key naming the column that holds the client id (row-level security compares it).
CLIENT_COLUMN = "client_column"


def new_id() -> uuid.UUID:
    """A fresh row id (random UUID), made before the row is written so values can be sealed with it."""
    return uuid.uuid4()


def utcnow() -> datetime:
    return datetime.now(UTC)


def col(name: str, type_: Any, data_class: DataClass, *args: Any, mask: str | None = None, **kw: Any) -> Column[Any]:
    """A column with its data class (and optional mask name) in `info`. Nullable unless told otherwise."""
    info: dict[str, Any] = {"data_class": data_class}
    if mask is not None:
        info["mask"] = mask
    kw.setdefault("nullable", True)
    return Column(name, type_, *args, info=info, **kw)


def id_column() -> Column[Any]:
    return col("id", Uuid(), DataClass.S0, primary_key=True, default=new_id, nullable=False)


def client_column(*, foreign_key: bool = True) -> Column[Any]:
    """The owning client's id; row-level security and the repositories filter on it."""
    args: tuple[Any, ...] = (ForeignKey("clients.id"),) if foreign_key else ()
    return col("client_id", Uuid(), DataClass.S0, *args, nullable=False, index=True)


def sealed(name: str, mask: str | None = None, *, nullable: bool = True) -> Column[Any]:
    """An S2 value: ciphertext made by the client's data key, bound to (client, table, column, row id)."""
    return col(name, LargeBinary(), DataClass.S2, mask=mask, nullable=nullable)


def blind_index(of: str, domain: str | None = None) -> Column[Any]:
    """HMAC of an S2 value under the client's key, for equality lookups without plaintext in SQL.

    Values of one `domain` (default: the column name) index alike in every table, so a counterparty name in
    `bank_lines`, `ledger_lines` and `aliases` can be compared.
    """
    column = col(f"{of}_bi", LargeBinary(), DataClass.S1, index=True)
    column.info["blind_index_of"] = of
    column.info["blind_index_domain"] = domain or of
    return column


def retention_columns() -> list[Column[Any]]:
    """`archive_type` (see `hezhang.store.retention`) and `retain_until` (null = permanent)."""
    return [
        col("archive_type", String(32), DataClass.S0, nullable=False),
        col("retain_until", Date(), DataClass.S0),
    ]


def fen(name: str, *, nullable: bool = True) -> Column[Any]:
    """An amount in integer fen (S1)."""
    return col(name, BigInteger(), DataClass.S1, nullable=nullable)


def timestamp(name: str, *, nullable: bool = True, now: bool = False) -> Column[Any]:
    kw: dict[str, Any] = {"default": utcnow} if now else {}
    return col(name, DateTime(timezone=True), DataClass.S0, nullable=nullable, **kw)


def user_ref(name: str) -> Column[Any]:
    """Who did something: the signed-in user's login name (S0)."""
    return col(name, String(64), DataClass.S0)
